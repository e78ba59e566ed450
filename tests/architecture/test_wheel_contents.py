"""The wheel built from the tree ships the product and nothing else: every module and data file of
src/dwagent (rubrics, prompts, the competitor KB, report assets), and no fixture, hold-out or
labelled eval data (those live in the top-level evals/ folder, which is not a package)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "src" / "dwagent"
# folder names that hold test or eval data, never product code
DATA_FOLDERS = frozenset({"fixtures", "holdout", "holdout2", "results", "real", "out", "tests"})
NOT_SHIPPED = frozenset({"README.md"})  # notes for developers beside the code


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    # --no-build-isolation: build with the dev extra's setuptools and wheel, no download
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = out.glob("dwagent-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


def _shipped_files() -> set[str]:
    return {
        p.relative_to(PACKAGE.parent).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc" and p.name not in NOT_SHIPPED
    }


@pytest.mark.slow
def test_only_the_package_is_shipped(wheel_names) -> None:
    tops = {n.split("/")[0] for n in wheel_names}
    assert "dwagent" in tops and all(t == "dwagent" or t.endswith(".dist-info") for t in tops), tops
    data = sorted(n for n in wheel_names if DATA_FOLDERS & set(n.split("/")[1:-1]))
    assert not data, f"fixture / hold-out / eval data in the wheel: {data[:10]}"
    assert not any(n.endswith("labels.yaml") for n in wheel_names)


@pytest.mark.slow
def test_every_module_and_data_file_is_shipped(wheel_names) -> None:
    missing = sorted(_shipped_files() - wheel_names)
    assert not missing, f"not in the wheel: {missing[:20]}"
    for needed in (
        "dwagent/rubric/dw.yaml",
        "dwagent/rubric/generic.yaml",
        "dwagent/report/report.css",
        "dwagent/report/report.js",
        "dwagent/tools/rules/csharp/tls.py",
        "dwagent/report/sarif.py",
    ):
        assert needed in wheel_names, needed
    assert any(n.startswith("dwagent/prompts/") and not n.endswith(".py") for n in wheel_names)
    assert len([n for n in wheel_names if n.startswith("dwagent/competitors/kb/") and n.endswith(".yaml")]) >= 10
