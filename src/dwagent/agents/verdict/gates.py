"""Hard gates: run the rubric's build/test commands (when their toolchain exists) and evaluate
threshold gates over counted evidence. A gate that cannot run is NOT RUN with its reason."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from dwagent.models import Evidence
from dwagent.rubric.schema import CommandGate, ThresholdGate

NESTED_ENV = "DWAGENT_GATE_DEPTH"  # set inside gate subprocesses: a nested certify never re-runs gates
_TAIL_LINES = 25
# Durations and clock times in tool output vary run to run; normalise them so reports stay
# byte-identical for the same tree.
_VOLATILE = re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s|sec|seconds|m)\b|\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b")


def _tail(text: str) -> str:
    lines = [_VOLATILE.sub("<t>", ln.rstrip()) for ln in text.replace("\r\n", "\n").split("\n")]
    lines = [ln for ln in lines if ln.strip()]
    return "\n".join(lines[-_TAIL_LINES:])


def _parse_test_count(output: str) -> int | None:
    found = None
    for rx in (r"Total tests:\s*(\d+)", r"\b(\d+) passed", r"Passed:\s*(\d+)"):
        m = re.findall(rx, output)
        if m:
            found = sum(int(x) for x in m)
            break
    failed = re.findall(r"\b(\d+) failed", output)
    if found is not None and failed and "Total tests" not in output:
        found += sum(int(x) for x in failed)
    return found


def run_command_gate(gate: CommandGate, root: Path, execute: bool) -> dict:
    """Run one command gate in `root`; returns a JSON-able result with a cell and its evidence."""
    base = {"id": gate.id, "name": gate.name or gate.id, "kind": "command", "command": " ".join(gate.command)}
    if os.environ.get(NESTED_ENV):
        return {**base, "status": "NOT RUN", "reason": "running inside another dwagent gate (nested certify)"}
    if not execute:
        return {**base, "status": "NOT RUN", "reason": "command execution disabled (--no-exec)"}
    exe = shutil.which(gate.requires)
    if exe is None:
        return {**base, "status": "NOT RUN", "reason": f"toolchain '{gate.requires}' not found on PATH"}
    env = dict(os.environ)
    env[NESTED_ENV] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dwagent-gate-") as tmp:
        env["PYTHONPYCACHEPREFIX"] = tmp  # never write byte-code into the audited tree
        try:
            proc = subprocess.run(
                list(gate.command),
                cwd=root,
                env=env,
                capture_output=True,
                timeout=gate.timeout,
                stdin=subprocess.DEVNULL,
                check=False,
            )
            output = proc.stdout.decode("utf-8", "replace") + "\n" + proc.stderr.decode("utf-8", "replace")
            code: int | None = proc.returncode
        except subprocess.TimeoutExpired as exc:
            output = (exc.stdout or b"").decode("utf-8", "replace") if isinstance(exc.stdout, bytes) else str(exc.stdout or "")
            code = None
        except OSError as exc:
            return {**base, "status": "NOT RUN", "reason": f"could not start '{gate.command[0]}': {exc.strerror}"}
    seconds = round(time.perf_counter() - started, 3)
    tail = _tail(output)
    ev = Evidence(
        id=Evidence.make_id("", 0, 0, f"{gate.id}\n{code}\n{tail}"),
        file="",
        excerpt=tail,
        kind="command-output",
        note=f"`{' '.join(gate.command)}` exit {code if code is not None else 'timeout'}",
    )
    if code is None:
        status, reason = "FAIL", f"timed out after {gate.timeout} s"
    elif code == 0:
        status, reason = "PASS", "exit code 0"
    else:
        status, reason = "FAIL", f"exit code {code}"
    result = {
        **base,
        "status": status,
        "reason": reason,
        "exit_code": code,
        "seconds": seconds,
        "evidence": ev.model_dump(mode="json"),
        "evidence_ids": [ev.id],
    }
    if gate.parse_tests:
        count = _parse_test_count(output)
        if count is not None:
            result["tests"] = count
    return result


def evaluate_threshold(gate: ThresholdGate, value: int | None, evidence_ids: list[str], finding_ids: list[str], how: str = "") -> dict:
    """PASS / FAIL / NOT RUN for a threshold gate given its metric value (`how`: what was counted)."""
    base = {"id": gate.id, "name": gate.name or gate.id, "kind": "threshold", "metric": gate.metric}
    if value is None:
        return {**base, "status": "NOT RUN", "reason": f"metric '{gate.metric}' unavailable"}
    bounds = []
    ok = True
    if gate.min is not None:
        bounds.append(f"min {gate.min}")
        ok &= value >= gate.min
    if gate.max is not None:
        bounds.append(f"max {gate.max}")
        ok &= value <= gate.max
    return {
        **base,
        "status": "PASS" if ok else "FAIL",
        "reason": f"{gate.metric} = {value} ({', '.join(bounds)})" + (f": {how}" if how else ""),
        "value": value,
        "evidence_ids": sorted(evidence_ids),
        "finding_ids": sorted(finding_ids),
    }
