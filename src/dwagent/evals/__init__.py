"""Eval runner, synthetic corpus generator and benchmarks (dwagent.evals).

The labelled data (fixtures, hold-outs, real-code labels, committed results) lives in the
repository's top-level `evals/` folder and is not shipped in the wheel; `data_dir()` finds it.
"""

import os
from pathlib import Path

from dwagent.errors import UsageError

ENV_DATA_DIR = "DWAGENT_EVALS_DIR"


def data_dir() -> Path:
    """The repository's `evals/` data folder: $DWAGENT_EVALS_DIR, else the checkout this package
    was installed from (editable or src layout), else `./evals`."""
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[3] / "evals"
    if (checkout / "fixtures").is_dir():
        return checkout
    local = Path.cwd() / "evals"
    if (local / "fixtures").is_dir():
        return local
    raise UsageError(
        "the labelled eval data (evals/fixtures) is not installed with the package",
        f"run from a dwagent checkout, or set {ENV_DATA_DIR} to its evals/ folder",
    )


def bench_out_dir() -> Path:
    """Where benchmarks keep generated trees and result files (git-ignored, outside the package)."""
    try:
        return data_dir() / "bench" / "out"
    except UsageError:
        return Path.cwd() / "dwagent-bench-out"
