"""``python -m pixelpipes``: the command line (see pixelpipes.cli)."""
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
