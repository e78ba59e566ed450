"""`python -m dwagent`: the same entry point as the `dwagent` script."""

import sys

from dwagent.cli import main

if __name__ == "__main__":
    sys.exit(main())
