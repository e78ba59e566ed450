"""`dwagent certify` with the generic rubric: small Python trees, this project's own source, and
the command's exit codes and usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dwagent.cli import main
from dwagent.tools.verify import check_quote

REPO = Path(__file__).resolve().parents[2]
CLEAN = {
    "calc/__init__.py": "def add(a, b):\n    return a + b\n",
    "tests/test_calc.py": "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n",
    "README.md": "# calc\n\nThe library has zero hardcoded passwords.\n",
}


def _certify(root: Path, tmp_path: Path, *extra: str) -> tuple[int, dict]:
    out = tmp_path / "report"
    code = main(["certify", str(root), "--out", str(out), "--index-dir", str(tmp_path / "index"), "--quiet", *extra])
    data = json.loads((out / "findings.json").read_text()) if (out / "findings.json").exists() else {}
    return code, data


@pytest.mark.slow  # runs a real test command or a whole tree: seconds each
def test_clean_python_tree_with_passing_tests_is_certified(tree, tmp_path):
    code, report = _certify(tree(CLEAN), tmp_path)
    assert (code, report["verdict"]) == (0, "CERTIFIED")
    gates = {g["id"]: g["status"] for g in report["gates"]}
    assert gates["python-test"] == "PASS" and gates["python-compile"] == "PASS"
    assert [c["status"] for c in report["claims"]] == ["confirmed"]
    assert not any(p.name == "__pycache__" for p in (tmp_path / "tree").rglob("*"))  # the tree is never written


def test_without_running_the_gates_it_cannot_be_certified(tree, tmp_path):
    code, report = _certify(tree(CLEAN), tmp_path, "--no-exec")
    assert (code, report["verdict"]) == (1, "CERTIFIED WITH CONDITIONS")
    assert {g["status"] for g in report["gates"] if g["kind"] == "command"} == {"NOT RUN"}


def test_a_secret_blocks_and_contradicts_the_readme(tree, tmp_path):
    files = dict(CLEAN)
    files["calc/db.py"] = 'DB_PASSWORD = "Tr0ub4dor&3-prod"\n\n\ndef connect():\n    return DB_PASSWORD\n'
    code, report = _certify(tree(files), tmp_path, "--no-exec")
    assert (code, report["verdict"]) == (1, "NOT CERTIFIED")
    assert any(f["category"] == "hardcoded-secret" and f["file"] == "calc/db.py" for f in report["findings"])
    assert [c["status"] for c in report["claims"]] == ["contradicted"]
    assert report["domains"][0]["status"] == "FAIL"


@pytest.mark.slow  # runs a real test command or a whole tree: seconds each
def test_failing_tests_fail_the_gate(tree, tmp_path):
    files = dict(CLEAN)
    files["tests/test_calc.py"] = "from calc import add\n\n\ndef test_add():\n    assert add(2, 2) == 5\n"
    code, report = _certify(tree(files), tmp_path)
    assert code == 1 and report["verdict"] == "NOT CERTIFIED"
    gate = next(g for g in report["gates"] if g["id"] == "python-test")
    assert gate["status"] == "FAIL" and gate["evidence_ids"]


@pytest.mark.slow  # runs a real test command or a whole tree: seconds each
def test_certify_runs_on_this_projects_own_source(tmp_path):
    code, report = _certify(REPO, tmp_path, "--no-exec")
    assert code == 1 and report["verdict"] in ("CERTIFIED WITH CONDITIONS", "NOT CERTIFIED")
    assert any(d["id"] == "dwagent" for d in report["domains"])
    for f in report["findings"][:200]:
        assert check_quote(REPO, f["file"], f["start_line"], f["end_line"], f["excerpt"]).ok
    for name in ("CERTIFICATION.md", "report.html", "run.json"):
        assert (tmp_path / "report" / name).is_file()


@pytest.mark.parametrize(
    "args, message",
    [
        (["certify", "/no/such/path"], "does not exist"),
        (["certify", ".", "--rubric", "nope"], "neither a built-in rubric"),
    ],
)
def test_usage_errors_exit_2(args, message, capsys):
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_a_baseline_inside_the_tree_is_refused(tree, tmp_path, capsys):
    root = tree({**CLEAN, "baseline.yaml": "accepted: []\n"})
    assert main(["certify", str(root), "--baseline", str(root / "baseline.yaml"), "--index-dir", str(tmp_path / "i")]) == 2
    assert "inside the audited tree" in capsys.readouterr().err


def test_certifier_baseline_outside_the_tree_accepts_a_finding(tree, tmp_path):
    files = {**CLEAN, "calc/db.py": 'DB_PASSWORD = "Tr0ub4dor&3-prod"\n'}
    root = tree(files)
    _, first = _certify(root, tmp_path, "--no-exec")
    fp = next(f["fingerprint"] for f in first["findings"] if f["category"] == "hardcoded-secret")
    base = tmp_path / "baseline.yaml"
    base.write_text(f"accepted:\n  - fingerprint: {fp}\n    justification: test credential for the local emulator\n")
    _, second = _certify(root, tmp_path, "--no-exec", "--baseline", str(base))
    accepted = next(f for f in second["findings"] if f["fingerprint"] == fp)
    assert accepted["suppression"]["kind"] == "certifier-baseline"
    assert not any(accepted["id"] in i["finding_ids"] for i in second["p0"])


def test_a_previous_report_as_baseline_says_what_was_fixed(tree, tmp_path):
    files = {**CLEAN, "calc/db.py": 'DB_PASSWORD = "Tr0ub4dor&3-prod"\n'}
    root = tree(files)
    _, first = _certify(root, tmp_path, "--no-exec")
    assert first["verdict"] == "NOT CERTIFIED" and first["p0"]
    previous = tmp_path / "previous"
    (tmp_path / "report").rename(previous)
    (root / "calc" / "db.py").write_text('import os\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n')
    _, second = _certify(root, tmp_path, "--no-exec", "--baseline", str(previous))
    cmp = second["comparison"]
    assert cmp["old_verdict"] == "NOT CERTIFIED" and cmp["new_verdict"] == second["verdict"] != "NOT CERTIFIED"
    assert cmp["fixed"] >= 1 and [r["title"] for r in cmp["fixed_root_causes"]] == [
        rc["title"] for rc in first["root_causes"] if rc["effect"] == "block"
    ]
    page_one = (tmp_path / "report" / "CERTIFICATION.md").read_text().split("## Blocking root causes")[0]
    assert "## Since the baseline" in page_one and "Verdict moved: NOT CERTIFIED" in page_one
    assert 'id="changes"' in (tmp_path / "report" / "report.html").read_text()


def test_a_claim_no_rule_can_check_is_unverifiable(tree, tmp_path):
    # stubs are now checkable in Python (DWA-407/413/405/408/426); no Python rule covers assembly
    # loading, so "secure by default" cannot be confirmed for this tree
    files = {**CLEAN, "README.md": "# calc\n\nThe library is secure by default.\n"}
    _, report = _certify(tree(files), tmp_path, "--no-exec")
    (claim,) = report["claims"]
    assert claim["status"] == "unverifiable" and claim["file"] == "README.md" and claim["line"] == 3
    assert not any(i["kind"] == "claim" for i in report["p0"] + report["conditions"])  # never raises a verdict
