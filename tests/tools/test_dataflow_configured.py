"""Deserializers and XML parsers graded by what reaches them (dataflow/configured.py): the
fixture twins in ASP.NET Core controllers, minimal APIs and SignalR hubs, Flask, FastAPI and
Django views are critical/high only with an untrusted source shown, and carry the path."""

from __future__ import annotations

import pytest

from dwagent.evals.rule_fixtures import fixtures_dir
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.engine import scan_file

# (rule, text of the reported line, severity, the path is carried as hops)
CASES = [
    (
        "DWA-130",
        "var formatter = new BinaryFormatter(); // ruleid: DWA-130\n            return formatter.Deserialize(Request.Body);",
        "critical",
        True,
    ),
    ("DWA-130", "TypeNameHandling = TypeNameHandling.Auto }; // ruleid", "high", True),  # minimal API route parameter
    ("DWA-130", "var formatter = new LosFormatter();", "critical", True),  # SignalR hub method parameter
    ("DWA-130", "public object ReadLegacy(Stream stream)\n        {\n            var formatter", "medium", True),  # a plain parameter
    ("DWA-130", "FromBase64String(Seed)", "low", False),  # a constant
    (
        "DWA-160",
        "using var reader = XmlReader.Create(Request.Body, settings);\n            return reader.ReadOuterXml();\n        }\n\n        [HttpPost]\n        public string ImportSafe",
        "high",
        True,
    ),
    ("DWA-160", "doc.Load(Path);", "low", False),
    ("DWA-402", "return pickle.loads(request.data)", "critical", True),  # Flask
    ("DWA-402", "return marshal.loads(base64.b64decode(blob))", "critical", True),  # FastAPI path parameter
    ("DWA-402", "return yaml.load(request.body, Loader=yaml.Loader)", "critical", True),  # Django view
    ("DWA-402", "return pickle.loads(blob)", "medium", True),
    ("DWA-402", 'return pickle.loads(b"', "low", False),
    ("DWA-420", 'return etree.fromstring(request.data, parser)\n\n\n@app.route("/feed-safe"', "high", True),
    ("DWA-420", 'return etree.fromstring(body, parser)\n\n\n@api.post("/doc-safe', "high", True),
    ("DWA-420", "return etree.fromstring(SHIPPED, parser)", "low", False),
]


def _finding_at(rule: str, needle: str):
    path = next(p for p in fixtures_dir().iterdir() if p.stem == rule)
    data = path.read_bytes()
    src = data.decode()
    at = src.index(needle)
    # the finding sits on the configuration line: the last `ruleid` line at or before the needle's end
    end_line = src[: at + len(needle)].count("\n") + 1
    lines = src.splitlines()
    line = max(i for i in range(1, end_line + 1) if f"ruleid: {rule}" in lines[i - 1])
    ctx = FileContext(path=path.name, language="csharp" if path.suffix == ".cs" else "python", role="production", source=data)
    found = [f for f in scan_file(ctx, [rule]) if f.start_line == line]
    assert found, f"{rule}: nothing on line {line}"
    return found[0]


@pytest.mark.parametrize("rule,needle,severity,hops", CASES)
def test_severity_follows_what_reaches_the_parser(rule, needle, severity, hops):
    f = _finding_at(rule, needle)
    assert f.severity == severity, f.message
    assert bool(f.related) == hops, f.message
