"""Per-file rule hits computed while indexing equal the rules engine's own cache rows, and the engine
then parses nothing; a changed file gets fresh hits."""

from __future__ import annotations

from pathlib import Path

from dwagent.tools.index import build_index, open_index
from dwagent.tools.rules.engine import RULES_VERSION, run_rules_detailed

FILES = {
    "App/App.csproj": '<Project Sdk="Microsoft.NET.Sdk"></Project>\n',
    "App/Store.cs": (
        'namespace App;\n\npublic class Store\n{\n    private const string Password = "Hunter2-prod-secret!";\n'
        "    public void Save()\n    {\n        try { Write(); }\n        catch (Exception) { }\n    }\n"
        "    private void Write() { throw new NotImplementedException(); }\n}\n"
    ),
    "App/Clean.cs": "namespace App;\n\npublic class Clean\n{\n    public int Add(int a, int b) => a + b;\n}\n",
    "tools/job.py": "import os\n\n\ndef run(cmd):\n    # TODO: validate\n    os.system(cmd)\n",
    "README.md": "# app\n",
}
BOM_FILE = ("App/Bom.cs", b"\xef\xbb\xbfnamespace App;\n\npublic class Bom\n{\n    public void Go()\n    {\n        try { } catch { }\n    }\n}\n")


def _tree(root: Path) -> Path:
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / BOM_FILE[0]).write_bytes(BOM_FILE[1])
    return root


def _hits(root: Path, index_dir: Path) -> dict[str, tuple[str, str]]:
    with open_index(root, index_dir) as store:
        return {
            path: (version, hits)
            for path, version, hits in store.conn.execute("SELECT f.path, h.rules_version, h.hits FROM file_hits h JOIN files f ON f.id = h.file_id")
        }


def _run(root: Path, index_dir: Path):
    with open_index(root, index_dir) as store:
        return run_rules_detailed(store, jobs=1)


def test_index_time_hits_equal_the_engine_cache_and_skip_the_rescan(tmp_path):
    root = _tree(tmp_path / "tree")
    build_index(root, index_dir=tmp_path / "plain", jobs=1)
    engine_run = _run(root, tmp_path / "plain")  # fills file_hits the engine's way
    build_index(root, index_dir=tmp_path / "fused", jobs=1, rule_hits=True)
    fused = _hits(root, tmp_path / "fused")
    assert fused == _hits(root, tmp_path / "plain")
    assert {v for v, _ in fused.values()} == {RULES_VERSION}
    assert {"App/Store.cs", "App/Bom.cs", "tools/job.py"} <= set(fused)
    fused_run = _run(root, tmp_path / "fused")
    assert fused_run.files_scanned == 0
    assert [f.model_dump() for f in fused_run.findings] == [f.model_dump() for f in engine_run.findings]
    assert any(f.file == "App/Store.cs" for f in fused_run.findings)


def test_a_changed_file_gets_fresh_hits(tmp_path):
    root = _tree(tmp_path / "tree")
    build_index(root, index_dir=tmp_path / "idx", jobs=1, rule_hits=True)
    (root / "App" / "Store.cs").write_text(FILES["App/Clean.cs"].replace("Clean", "Store"), encoding="utf-8")
    build_index(root, index_dir=tmp_path / "idx", jobs=1, rule_hits=True)
    run = _run(root, tmp_path / "idx")
    assert run.files_scanned == 0
    assert not any(f.file == "App/Store.cs" for f in run.findings)
