"""`python -m flows` is `aiplus run`."""

import sys

from aiplus.cli import main

sys.exit(main(["run", *sys.argv[1:]]))
