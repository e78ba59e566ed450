"""The data-flow core: origins and paths, severity from evidence, guards with polarity, the
identifier/value split in SQL, summaries, and hops carried as verbatim evidence."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dwagent.evals.rule_fixtures import fixtures_dir
from dwagent.tools.dataflow.csharp import CSharpFlows
from dwagent.tools.dataflow.flow import Origin, grade
from dwagent.tools.dataflow.guards import _applies
from dwagent.tools.dataflow.python import PythonFlows
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules import engine
from dwagent.tools.rules.engine import scan_file
from dwagent.tools.syntax.tree import nodes, text


def _cs(src: str, path: str = "T.cs") -> FileContext:
    return FileContext(path=path, language="csharp", role="production", source=src.encode())


def _py(src: str, path: str = "app.py") -> FileContext:
    return FileContext(path=path, language="python", role="production", source=src.encode())


def _init(ctx, name):
    for d in nodes(ctx, "variable_declarator"):
        if text(ctx, d.child_by_field_name("name")) == name:
            return d.named_children[-1]
    raise AssertionError(name)


CONTROLLER = """
public sealed class ItemsController : ControllerBase
{
    private readonly SqlConnection _conn;
    private readonly IOptions<DbOptions> _options;
    [HttpGet]
    public object Get(string name)
    {
        var sql = "SELECT * FROM Items WHERE Name = '" + name + "'";
        return new SqlCommand(sql, _conn).ExecuteScalar();
    }
    [HttpGet]
    public object ByTable()
    {
        return new SqlCommand($"SELECT * FROM [{Schema}].[{_options.Value.Table}]", _conn).ExecuteScalar();
    }
    [HttpGet]
    public object Tenant()
    {
        return new SqlCommand($"SELECT * FROM Items WHERE Tenant = '{_options.Value.Tenant}'", _conn).ExecuteScalar();
    }
    [HttpGet]
    public object Helper() => Run(Request.Query["q"]);
    private object Run(string term) => new SqlCommand("SELECT 1 WHERE x = '" + term + "'", _conn).ExecuteScalar();
}
public sealed class Store
{
    private readonly SqlConnection _conn;
    public object Find(string name) => new SqlCommand("SELECT * FROM Items WHERE Name = '" + name + "'", _conn).ExecuteScalar();
}
"""


def _by_line(findings):
    return {f.start_line: f for f in findings}


def test_untrusted_source_is_high_with_every_hop_quoted_verbatim():
    ctx = _cs(CONTROLLER)
    found = _by_line(scan_file(ctx, ["DWA-150"]))
    f = found[9]  # the statement that splices `name` in
    assert f.severity == "high" and "untrusted input `name`" in f.message
    assert [e.start_line for e in f.related][0] == 7  # the bound parameter is the first hop
    lines = CONTROLLER.splitlines()
    for e in f.related:
        assert e.excerpt == lines[e.start_line - 1]
        assert e.note.startswith("flow step")


def test_parameter_of_a_plain_method_is_medium_and_says_why():
    found = _by_line(scan_file(_cs(CONTROLLER), ["DWA-150"]))
    f = found[29]
    assert f.severity == "medium" and "no untrusted source demonstrated" in f.message


def test_identifiers_from_object_state_or_configuration_are_not_sql_injection():
    found = _by_line(scan_file(_cs(CONTROLLER), ["DWA-150"]))
    assert 15 not in found  # [{Schema}].[{options.Table}]: identifiers, not values
    assert 20 not in found  # a value from operator configuration: trusted, not an injection


def test_sql_identifier_positions():
    ctx = _cs("""
public sealed class D
{
    public void M(string t, string v)
    {
        var a = $"CREATE INDEX idx_{t}_c ON {t}(c)";
        var b = $"SELECT * FROM x WHERE name = 'pre{v}'";
        var c = "DELETE FROM " + t + " WHERE id = 1";
    }
}
""")
    flows = CSharpFlows(ctx)
    assert all(o.identifier for o in flows.origins(_init(ctx, "a"), "sql"))
    assert not any(o.identifier for o in flows.origins(_init(ctx, "b"), "sql"))  # inside a '...' literal
    assert all(o.identifier for o in flows.origins(_init(ctx, "c"), "sql"))
    assert grade(flows.origins(_init(ctx, "c"), "sql"), identifiers_matter=True).severity == "low"


def test_in_file_caller_passing_request_data_raises_a_helper_sink_to_high():
    found = _by_line(scan_file(_cs(CONTROLLER), ["DWA-150"]))
    f = found[24]
    assert f.severity == "high"
    assert any("passed to `Run`" in e.note for e in f.related)


def test_origins_follow_builders_fields_and_out_values():
    ctx = _cs("""
public sealed class Q
{
    private static readonly Dictionary<string, string> Cols = new() { ["a"] = "A" };
    private readonly string _prefix;
    public Q(string prefix) { _prefix = prefix; }
    public string Build(string sort, string extra)
    {
        var sb = new StringBuilder("SELECT ");
        sb.Append(extra);
        Cols.TryGetValue(sort, out var col);
        var s = sb.ToString() + col + _prefix;
        return s;
    }
}
""")
    origins = CSharpFlows(ctx).origins(_init(ctx, "s"), "sql")
    by = {(o.trust, o.label) for o in origins}
    assert ("param", "extra") in by  # through StringBuilder.Append and ToString()
    assert ("member", "prefix") in by  # a constructor parameter stored in a field
    assert not any(o.label == "sort" for o in origins)  # a lookup in a constant map selects, never supplies


def test_reassignment_with_a_sanitiser_kills_the_earlier_definition():
    ctx = _cs("""
public sealed class F
{
    public string P(string name)
    {
        name = Path.GetFileName(name);
        var p = Path.Combine("/srv", name);
        return p;
    }
}
""")
    assert CSharpFlows(ctx).origins(_init(ctx, "p"), "path") == ()


def test_grade_never_makes_non_untrusted_origins_high():
    for trust in ("lower", "param", "unknown", "member", "config"):
        v = grade((Origin(trust, "x"),), high="critical")
        assert v.severity in (None, "medium", "low")
    assert grade((Origin("untrusted", "x"),), high="critical").severity == "critical"
    # a value read back from storage is second-order input; a catalog name used as an identifier is not
    assert grade((Origin("stored", "row"),), high="high").severity == "high"
    assert grade((Origin("stored", "row", identifier=True),), high="high", identifiers_matter=True).severity == "low"
    assert grade((Origin("lower", "argv"),), high="high", raise_lower=True).severity == "high"
    assert grade((), high="high").severity is None


@pytest.mark.parametrize(
    "cond,name,negated,expected",
    [
        ("!Url.IsLocalUrl(returnUrl)", "returnUrl", True, True),
        ("Url.IsLocalUrl(returnUrl)", "returnUrl", True, False),  # exits when valid: guards nothing
        ("Url.IsLocalUrl(other)", "returnUrl", False, False),
        ("role not in ROLES", "role", True, True),
        ("role in ROLES", "role", True, False),
    ],
)
def test_guard_polarity(cond, name, negated, expected):
    pattern = re.compile(r"\bIsLocalUrl\s*\(|\bin\s+[A-Z_][A-Z0-9_]*\b")
    assert _applies(cond, pattern, name, want_negated=negated) is expected


def test_python_route_parameter_and_request_object_are_untrusted():
    ctx = _py("""
from flask import Flask, request
app = Flask(__name__)

@app.route("/u/<user>")
def show(user):
    q = request.args.get("q")
    out = f"{user}:{q}"
    return out

def plain(user):
    out = "x" + user
    return out
""")
    flows = PythonFlows(ctx)
    rets = [r.named_children[0] for r in _walk(ctx.tree.root_node) if r.type == "return_statement"]
    first = {o.trust for o in flows.origins(rets[0])}
    second = {o.trust for o in flows.origins(rets[1])}
    assert first == {"untrusted"} and second == {"param"}


def _walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.named_children))


# Vulnerable twins in entry points must be high (critical for code injection); the same sink fed
# by a plain parameter must be medium. (rule, fixture line text, severity)
SEVERITY_TWINS = [
    ("DWA-150", 'new SqlCommand("SELECT * FROM Orders WHERE Customer = \'" + customer', "high"),
    ("DWA-150", 'app.MapGet("/orders/{status}"', "high"),
    ("DWA-150", "return new SqlCommand($\"SELECT * FROM Orders WHERE Customer = '{customer}'\"", "medium"),
    ("DWA-120", "public byte[] Get([Microsoft.AspNetCore.Mvc.FromQuery] string name)", "high"),
    ("DWA-152", 'return new HtmlString("<p>Hello " + name + "</p>");', "high"),
    ("DWA-152", "public IHtmlContent Render(string fragment)", "medium"),
    ("DWA-153", "return Redirect(returnUrl); // ruleid", "high"),
    ("DWA-154", "return await _http.GetStringAsync(url); // ruleid", "high"),
    ("DWA-154", "var body = await _http.GetStringAsync(request.SourceUrl);", "high"),  # gRPC request
    ("DWA-155", 'var searcher = new DirectorySearcher(_root, "(uid=" + owner + ")");', "high"),  # stored: second order
    ("DWA-156", 'return _doc.SelectSingleNode("//entry[@key=', "high"),  # socket bytes
    ("DWA-157", "return CSharpScript.EvaluateAsync(formula);", "critical"),
    ("DWA-157", "await CSharpScript.RunAsync(message.Code);", "critical"),  # message payload
    ("DWA-430", 'return render_template_string("<p>Hello " + name + "</p>")', "high"),
    ("DWA-430", 'return Markup("<section>" + fragment + "</section>")', "medium"),
    ("DWA-432", 'await session.post(data["callback"]', "high"),  # aiohttp JSON body
    ("DWA-435", 'exec(compile(code, "<cli>", "exec"))', "medium"),  # command line
    ("DWA-435", 'return str(eval(request.args["expr"]))', "critical"),
]


@pytest.mark.parametrize("rule,needle,severity", SEVERITY_TWINS)
def test_fixture_severity_follows_the_evidence(rule, needle, severity):
    path = next(p for p in fixtures_dir().iterdir() if p.stem == rule)
    data = path.read_bytes()
    lines = data.decode().splitlines()
    line = next(i for i, t in enumerate(lines, start=1) if needle in t)
    language = "csharp" if path.suffix == ".cs" else "python"
    ctx = FileContext(path=path.name, language=language, role="production", source=data)
    found = [f for f in scan_file(ctx, [rule]) if f.start_line == line]
    assert found, f"{rule}: nothing on line {line}"
    assert found[0].severity == severity, found[0].message
    assert found[0].related, "a data-flow finding carries its path"


def test_rules_version_covers_the_dataflow_models(tmp_path, monkeypatch):
    copy = tmp_path / "dataflow"
    shutil.copytree(engine._DATAFLOW_DIR, copy)
    monkeypatch.setattr(engine, "_DATAFLOW_DIR", copy)
    before = engine._rules_version()
    model = copy / "models" / "csharp.yaml"
    model.write_text(model.read_text() + "\n# changed\n")
    assert engine._rules_version() != before


def test_ssrf_counts_only_holes_that_choose_the_server():
    ctx = _cs("""
public sealed class H
{
    private const string Api = "https://api.example/v3/account/{0}?x=1";
    public void M(string who, string url, string host)
    {
        var a = string.Format(Api, who);
        var b = $"/relative/{who}";
        var c = $"{url}";
        var d = $"https://{host}/x";
        var e = $"{url}/{who}";
    }
}
""")
    flows = CSharpFlows(ctx)
    labels = {v: {o.label for o in flows.origins(_init(ctx, v), "ssrf")} for v in "abcde"}
    assert labels == {"a": set(), "b": set(), "c": {"url"}, "d": {"host"}, "e": {"url"}}


CROSS_CONTROLLER = """
[ApiController]
public sealed class SearchController : ControllerBase
{
    private readonly SearchService _svc;
    [HttpGet]
    public object Find([FromQuery] string term) => _svc.Lookup(term, 10);
}
"""
CROSS_SERVICE = """
public sealed class SearchService
{
    private readonly SearchRepository _repo;
    public object Lookup(string text, int limit) => _repo.RawSearch(text, limit);
}
"""
CROSS_REPO = """
public sealed class SearchRepository
{
    private readonly SqlConnection _conn;
    public object RawSearch(string text, int limit)
    {
        return new SqlCommand("SELECT TOP 10 * FROM Notes WHERE Body LIKE '%" + text + "%'", _conn).ExecuteScalar();
    }
    public object Other(string text) => new SqlCommand("SELECT 1 WHERE a = '" + text + "'", _conn).ExecuteScalar();
}
"""


def test_a_caller_two_files_up_raises_a_parameter_sink_with_its_hops(tmp_path):
    from dwagent.tools.index import build_index, open_index
    from dwagent.tools.rules.engine import run_rules

    root = tmp_path / "tree"
    for name, body in (
        ("Api/SearchController.cs", CROSS_CONTROLLER),
        ("Core/SearchService.cs", CROSS_SERVICE),
        ("Data/SearchRepository.cs", CROSS_REPO),
    ):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(body)
    build_index(root, index_dir=tmp_path / "idx", jobs=1)
    with open_index(root, tmp_path / "idx") as store:
        found = {f.start_line: f for f in run_rules(store, rules=["DWA-150"], jobs=1)}
    raised, plain = found[7], found[9]
    assert raised.severity == "high" and "raised:" in raised.message
    assert {e.file for e in raised.related} >= {"Api/SearchController.cs", "Core/SearchService.cs"}
    for e in raised.related:
        assert (root / e.file).read_text().splitlines()[e.start_line - 1] == e.excerpt
    assert plain.severity == "medium"  # nobody passes untrusted data to `Other`


def test_no_rule_raises_on_any_fixture():
    """A rule that raises is recorded, not fatal, so its findings silently vanish: make it loud."""
    from dwagent.tools.parse import language_for
    from dwagent.tools.rules.engine import scan_file_detailed

    errors = []
    for path in sorted(fixtures_dir().iterdir()):
        ctx = FileContext(path=path.name, language=language_for(path.name), role="production", source=path.read_bytes())
        errors += scan_file_detailed(ctx)[1]
    assert not errors, errors[:3]


def test_the_reviewer_re_reads_every_hop(tmp_path):
    from dwagent.agents.nodes.hostile_reviewer import _check_hops

    src = CONTROLLER
    (tmp_path / "T.cs").write_text(src)
    f = _by_line(scan_file(_cs(src), ["DWA-150"]))[9]
    checked = _check_hops(tmp_path, f)
    assert checked.related and all(e.verified for e in checked.related)
    (tmp_path / "T.cs").write_text(src.replace("public object Get(string name)", "public object Get(string other)"))
    stale = _check_hops(tmp_path, f)
    assert len(stale.related) == len(f.related) - 1 and stale.review[-1].outcome == "noted"


def test_rules_version_covers_the_parsers_and_syntax_helpers(tmp_path, monkeypatch):
    for name in ("_PARSE_DIR", "_SYNTAX_DIR"):
        copy = tmp_path / name
        shutil.copytree(getattr(engine, name), copy, ignore=shutil.ignore_patterns("__pycache__"))
        monkeypatch.setattr(engine, name, copy)
        before = engine._rules_version()
        first = sorted(copy.glob("*.py"))[0]
        first.write_text(first.read_text() + "\n# changed\n")
        assert engine._rules_version() != before


def test_graph_version_is_a_digest_of_the_graph_code(tmp_path):
    from dwagent.tools.graph import persist

    copy = tmp_path / "graph"
    shutil.copytree(Path(persist.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert persist._graph_version(copy) == persist.GRAPH_VERSION
    (copy / "build.py").write_text((copy / "build.py").read_text() + "\n# changed\n")
    assert persist._graph_version(copy) != persist.GRAPH_VERSION
