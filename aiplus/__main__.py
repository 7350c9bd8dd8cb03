import sys

from aiplus.cli import main

sys.exit(main())
