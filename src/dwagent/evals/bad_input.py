"""Bad-input variants: a fixture copy with hostile files added beside the real ones.

Added files: a symlink pointing outside the tree, a binary file with a source extension, a file
over the walker's size cap, and a source file that declares UTF-8 (a BOM) but is not valid UTF-8
(a legacy code page without a BOM is decoded and analysed, tools/source_text.py, so it is no
longer a skip). A correct audit records a
skip for each (with its reason) and reports exactly what it reports on the clean copy: nothing
is lost and nothing is invented. Generated at run time, never committed (a 2 MB file and a
dangling symlink do not belong in the repository).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from dwagent.tools.walk import DEFAULT_MAX_FILE_BYTES

# Skip reasons the walker/indexer must record for the added files (see tools/walk.py).
EXPECTED_SKIPS: dict[str, str] = {
    "bad-input/escape.cs": "symlink-escape",
    "bad-input/Logo.cs": "binary",
    "bad-input/Huge.cs": "too-large",
    "bad-input/BrokenBom.cs": "undecodable",
}


def make_bad_input_tree(source: Path, target: Path, outside: Path) -> dict[str, str]:
    """Copy `source` to `target` and add the hostile files; `outside` is a file outside the tree
    for the escaping symlink to point at. Returns the expected skips (path -> reason)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, symlinks=True)
    bad = target / "bad-input"
    bad.mkdir()
    outside.write_text('class Outside { string password = "hunter2-outside-the-tree"; }\n', encoding="utf-8")
    (bad / "escape.cs").symlink_to(outside)
    (bad / "Logo.cs").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    line = b"// padding line that makes this file larger than the walker's size cap ........\n"
    (bad / "Huge.cs").write_bytes(line * (DEFAULT_MAX_FILE_BYTES // len(line) + 2))
    (bad / "BrokenBom.cs").write_bytes(b"\xef\xbb\xbf" + "// Gr\u00fc\u00dfe aus M\u00fcnchen\nclass BrokenBom { }\n".encode("latin-1"))
    return dict(EXPECTED_SKIPS)
