import sys

from zorgregels.cli import main

sys.exit(main())
