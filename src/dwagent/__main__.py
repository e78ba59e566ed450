"""`python -m dwagent`: the same entry point as the `dwagent` script."""
import sys

from dwagent.cli import main

sys.exit(main())
