"""Package-wide checks: import direction, no guarded own imports, every module imports, wheel contents."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # import_graph, the shared ast reader
