"""`python -m flows` is `aiplus run`."""

import sys

from flows.cli import main

sys.exit(main(["run", *sys.argv[1:]]))
