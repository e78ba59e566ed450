"""The habits, checked: ruff's lint rules (pyproject [tool.ruff.lint]) and its formatting hold over src and tests, and
mypy passes with its pyproject settings (strict on the core, gradual elsewhere)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str, timeout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, timeout=timeout)


def test_ruff_lint_passes() -> None:
    done = _run("ruff", "check", "--no-cache", "src", "tests", timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format_is_applied() -> None:
    done = _run("ruff", "format", "--check", "--no-cache", "src", "tests", timeout=120)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr


@pytest.mark.slow
def test_mypy_passes() -> None:
    done = _run("mypy", timeout=900)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]


def test_the_core_is_checked_strictly() -> None:
    """The strict override names the core contracts, and none of them is in the gradual list."""
    import tomllib

    overrides = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["mypy"]["overrides"]
    strict = next(o for o in overrides if o.get("disallow_untyped_defs"))
    lenient = {m for o in overrides if o.get("ignore_errors") for m in o["module"]}
    core = {"dwagent.models", "dwagent.errors", "dwagent.config", "dwagent.evals.labels"}
    assert core <= set(strict["module"]) and not core & lenient
