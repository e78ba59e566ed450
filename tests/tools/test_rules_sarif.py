"""SARIF output validates against the OASIS 2.1.0 schema and holds the GitHub code-scanning shape."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from dwagent.cli import main
from dwagent.evals.rule_fixtures import fixtures_dir
from dwagent.models import Suppression
from dwagent.report.sarif import to_sarif
from dwagent.tools.parse import language_for
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.engine import scan_file
from dwagent.tools.rules.registry import all_rules

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def _validate(doc: dict) -> None:
    jsonschema.Draft7Validator(SCHEMA).validate(doc)


@pytest.fixture(scope="module")
def findings():
    out = []
    for path in sorted(fixtures_dir().iterdir())[:12]:
        ctx = FileContext(f"fixtures/{path.name}", language_for(path.name), "production", path.read_bytes())
        out.extend(scan_file(ctx))
    out[0] = out[0].model_copy(update={"suppression": Suppression(kind="inline", justification="why", location="x:1")})
    return out


def test_sarif_validates_and_has_code_scanning_shape(findings):
    rules = all_rules()
    doc = to_sarif(findings, rules, tool_version="0.1.0")
    _validate(doc)
    run = doc["runs"][0]
    descriptors = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in descriptors] == sorted(m.id for m in rules)
    by_id = {m.id: m for m in rules}
    for r in descriptors:
        tags = r["properties"]["tags"]
        assert sum(t.startswith("dwagent/category/") for t in tags) == 1
        assert f"dwagent/category/{by_id[r['id']].category}" in tags
        assert all(f"external/cwe/cwe-{c}" in tags for c in by_id[r["id"]].cwe)
        assert ("security-severity" in r["properties"]) == by_id[r["id"]].security
    level = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
    assert len(run["results"]) == len(findings)
    by_fp = {f.fingerprint: f for f in findings}
    for res in run["results"]:
        f = by_fp[res["partialFingerprints"]["dwagent/v1"]]
        assert res["level"] == level[f.severity]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == f.file and not loc["artifactLocation"]["uri"].startswith("/")
        assert loc["region"]["startLine"] == f.start_line
        assert loc["region"]["snippet"]["text"] == f.excerpt
        assert descriptors[res["ruleIndex"]]["id"] == res["ruleId"]
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert len(suppressed) == 1 and suppressed[0]["suppressions"][0]["kind"] == "inSource"


def test_sarif_is_deterministic(findings):
    a = json.dumps(to_sarif(findings, all_rules(), tool_version="x"), sort_keys=True)
    b = json.dumps(to_sarif(list(reversed(findings)), list(reversed(all_rules())), tool_version="x"), sort_keys=True)
    assert a == b


def test_uri_with_spaces_is_encoded(findings):
    f = findings[1].model_copy(update={"file": "my dir/a b.cs"})
    doc = to_sarif([f], all_rules(), tool_version="x")
    _validate(doc)
    assert doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "my%20dir/a%20b.cs"


def test_cli_writes_schema_valid_sarif(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "Lax.cs").write_bytes((fixtures_dir() / "DWA-101.cs").read_bytes())
    out = tmp_path / "out.sarif"
    code = main(["scan", str(tree), "--format", "sarif", "--out", str(out), "--index-dir", str(tmp_path / "idx")])
    assert code == 1
    doc = json.loads(out.read_text(encoding="utf-8"))
    _validate(doc)
    assert any(r["ruleId"] == "DWA-101" for r in doc["runs"][0]["results"])
