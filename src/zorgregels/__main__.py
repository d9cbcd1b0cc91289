"""``python -m zorgregels``: the command line, through the Ctrl-C-safe entry (``launch``)."""

import sys

from zorgregels.launch import main

sys.exit(main())
