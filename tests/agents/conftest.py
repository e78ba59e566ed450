"""Shared helpers for the certify tests: run the whole pipeline on a tree into temp folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from dwagent.agents.context import RunContext
from dwagent.agents.run import certify
from dwagent.commands.certify import llm_report_lines
from dwagent.report.model import Report
from dwagent.report.write import write_reports
from dwagent.rubric.loader import load_rubric

REPO = Path(__file__).resolve().parents[2]
DWSHAPE = REPO / "evals" / "fixtures" / "dwshape"


def run_certify(
    root: Path,
    work: Path,
    *,
    rubric: str = "generic",
    out: str = "out",
    resume: bool = False,
    fail_in: str = "",
    execute_gates: bool = False,
    baseline: dict | None = None,
    started: list | None = None,
) -> tuple[Report, Path]:
    """Certify `root` with its index under `work/index` and reports under `work/<out>`."""
    ctx = RunContext(
        root=root.resolve(),
        rubric=load_rubric(rubric),
        index_dir=work / "index",
        execute_gates=execute_gates,
        baseline=baseline or {},
        fail_in=fail_in,
        progress=(lambda node, event: started.append(node) if event == "start" else None) if started is not None else None,
    )
    result = certify(ctx, resume=resume)
    report = Report.model_validate(result.report)
    out_dir = work / out
    write_reports(
        report,
        out_dir,
        generated_at="T",
        timings=result.timings,
        index_summary=result.index_summary,
        rules_info=result.state.get("rules_info", {}),
        llm_lines=llm_report_lines(None),
        resumed=resume,
    )
    return report, out_dir


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Create a small tree from {relative path: text}."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def tree(tmp_path):
    """A factory: tree({path: text}) -> root folder under tmp_path."""
    return lambda files: write_tree(tmp_path / "tree", files)


@pytest.fixture(scope="session")
def certify_run():
    """The run_certify helper, as a fixture (tests are not a package)."""
    return run_certify
