"""``python -m zorgregels.cli``: the same as ``python -m zorgregels``."""

import sys

from zorgregels.launch import main

sys.exit(main())
