"""The code index: one SQLite database per audited tree (schema in `schema.py`).

Public API:
    build_index(root, *, index_dir=None, exclude=(), max_file_bytes=2_000_000, jobs=None,
                progress=False) -> IndexSummary
    open_index(root, index_dir=None) -> IndexStore    (DwagentError when there is no index)
"""

from dwagent.tools.index.build import IndexSummary, build_index
from dwagent.tools.index.store import FileRow, IndexStore, open_index

__all__ = ["FileRow", "IndexStore", "IndexSummary", "build_index", "open_index"]
