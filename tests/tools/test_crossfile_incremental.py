"""The cross-file data-flow pass is incremental: per-file summaries cached by content hash, so a
one-file change re-analyses that file's data-flow neighbourhood only, with the same findings as a
run from scratch."""

from __future__ import annotations

from pathlib import Path

from dwagent.tools.dataflow.call_sites import called_names
from dwagent.tools.index import build_index, open_index
from dwagent.tools.rules.engine import run_rules_detailed

CONTROLLER = """
[ApiController]
public sealed class SearchController : ControllerBase
{
    private readonly SearchService _svc;
    [HttpGet]
    public object Find([FromQuery] string term) => _svc.Lookup(term, 10);
}
"""
# the same controller passing a constant: the sink below stays medium
CONTROLLER_CONST = CONTROLLER.replace("_svc.Lookup(term, 10)", '_svc.Lookup("fixed", 10)')
SERVICE = """
public sealed class SearchService
{
    private readonly SearchRepository _repo;
    public object Lookup(string text, int limit) => _repo.RawSearch(text, limit);
}
"""
REPO = """
public sealed class SearchRepository
{
    private readonly SqlConnection _conn;
    public object RawSearch(string text, int limit)
    {
        return new SqlCommand("SELECT TOP 10 * FROM Notes WHERE Body LIKE '%" + text + "%'", _conn).ExecuteScalar();
    }
}
"""
UNRELATED = "public sealed class Clock { public int Now() => System.Environment.TickCount; }\n"
ADMIN = """
[ApiController]
public sealed class AdminController : ControllerBase
{
    private readonly SearchService _svc;
    [HttpPost]
    public object Probe([FromBody] string q) => _svc.Lookup(q, 1);
}
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, body in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(body, encoding="utf-8")


def _run(root: Path, idx: Path):
    build_index(root, index_dir=idx, jobs=1)
    with open_index(root, idx) as store:
        return run_rules_detailed(store, rules=["DWA-150"], jobs=1)


def _sql(run) -> list[tuple]:
    return [(f.file, f.start_line, f.severity, f.message, tuple(e.file for e in f.related)) for f in run.findings]


def _tree(tmp_path: Path, controller: str = CONTROLLER) -> Path:
    root = tmp_path / "tree"
    _write(
        root,
        {
            "Api/SearchController.cs": controller,
            "Core/SearchService.cs": SERVICE,
            "Data/SearchRepository.cs": REPO,
            **{f"Util/Clock{i}.cs": UNRELATED.replace("Clock", f"Clock{i}") for i in range(6)},
        },
    )
    return root


def test_a_warm_pass_reads_and_analyses_nothing(tmp_path):
    root, idx = _tree(tmp_path), tmp_path / "idx"
    first = _run(root, idx)
    assert first.crossfile["files_read"] == 9 and first.crossfile["files_analysed"] >= 2
    assert [f.severity for f in first.findings] == ["high"]
    second = _run(root, idx)
    assert (second.crossfile["files_read"], second.crossfile["files_analysed"]) == (0, 0)
    assert _sql(second) == _sql(first)


def test_an_unrelated_change_reads_one_file_and_analyses_none(tmp_path):
    root, idx = _tree(tmp_path), tmp_path / "idx"
    first = _run(root, idx)
    (root / "Util/Clock3.cs").write_text(UNRELATED.replace("Clock", "Clock3") + "// edited\n", encoding="utf-8")
    again = _run(root, idx)
    assert again.crossfile["files_read"] == 1 and again.crossfile["analysed"] == []
    assert _sql(again) == _sql(first)


def test_a_caller_change_re_analyses_that_caller_only_and_matches_a_cold_run(tmp_path):
    root, idx = _tree(tmp_path), tmp_path / "idx"
    assert [f.severity for f in _run(root, idx).findings] == ["high"]
    (root / "Api/SearchController.cs").write_text(CONTROLLER_CONST, encoding="utf-8")
    changed = _run(root, idx)
    assert changed.crossfile["files_read"] == 1
    assert changed.crossfile["analysed"] == ["Api/SearchController.cs"]
    assert [f.severity for f in changed.findings] == ["medium"]  # nobody passes untrusted data now
    cold = _run(_tree(tmp_path / "cold", CONTROLLER_CONST), tmp_path / "cold-idx")
    assert _sql(changed) == _sql(cold)


def test_a_new_caller_is_found_and_analysed(tmp_path):
    root, idx = _tree(tmp_path, CONTROLLER_CONST), tmp_path / "idx"
    assert [f.severity for f in _run(root, idx).findings] == ["medium"]
    _write(root, {"Api/AdminController.cs": ADMIN})
    added = _run(root, idx)
    assert added.crossfile["files_read"] == 1 and added.crossfile["analysed"] == ["Api/AdminController.cs"]
    assert [f.severity for f in added.findings] == ["high"]
    assert "Api/AdminController.cs" in {e.file for e in added.findings[0].related}
    fresh_root = tmp_path / "fresh"
    _write(fresh_root, {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in root.rglob("*.cs")})
    assert _sql(added) == _sql(_run(fresh_root, tmp_path / "fresh-idx"))


def test_called_names_include_generic_calls_and_names_inside_type_arguments():
    names = called_names("var x = Make<int>(a); y = Outer<Inner(z)>(w); q = obj.Run (1); if (a < b) c = d;")
    assert {"Make", "Run", "Outer", "Inner"} <= names
    assert "d" not in names and "b" not in names
    assert "obj.Run" in names and "Make.int" not in names and "x.Make" not in names
    chained = called_names("a . b . C(1); Tenant.Parse<T>(s); new Ns.Type(x);")
    assert {"b.C", "C", "Tenant.Parse", "Parse", "Ns.Type", "Type"} <= chained and "a.b" not in chained


AMBIGUOUS_REPO = """
public sealed class Notes
{
    private readonly SqlConnection _conn;
    public static object Find(string text)
    {
        return new SqlCommand("SELECT * FROM Notes WHERE Body = '" + text + "'", null).ExecuteScalar();
    }
}
"""
OTHER_FIND = "public sealed class Other{0} {{ public static object Find(string text) => text; }}\n"
QUALIFIED_CALLER = """
[ApiController]
public sealed class NotesController : ControllerBase
{
    [HttpGet]
    public object Get([FromQuery] string q) => Notes.Find(q);
}
"""
UNQUALIFIED_CALLER = QUALIFIED_CALLER.replace("Notes.Find(q)", "Other1.Find(q)")


def test_an_ambiguous_name_is_resolved_only_through_its_declaring_type(tmp_path):
    root, idx = tmp_path / "tree", tmp_path / "idx"
    others = {f"Util/Other{i}.cs": OTHER_FIND.format(i) for i in range(3)}  # Find declared in 4 files
    _write(root, {"Data/Notes.cs": AMBIGUOUS_REPO, "Api/NotesController.cs": QUALIFIED_CALLER, **others})
    assert [f.severity for f in _run(root, idx).findings] == ["high"]
    (root / "Api/NotesController.cs").write_text(UNQUALIFIED_CALLER, encoding="utf-8")
    changed = _run(root, idx)
    assert [f.severity for f in changed.findings] == ["medium"]  # a call of another type's Find does not count
    assert changed.crossfile["files_read"] == 1
