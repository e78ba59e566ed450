"""`--resume` after a real kill -9 in the middle of the graph gives the uninterrupted result."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

DWSHAPE = Path(__file__).resolve().parents[2] / "evals" / "fixtures" / "dwshape"

# A child process that certifies and SIGKILLs itself when the named node starts: no cleanup, no
# atexit, exactly like a killed process.
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from dwagent.agents.context import RunContext
    from dwagent.agents.run import certify
    from dwagent.rubric.loader import load_rubric

    def progress(node, event):
        if node == sys.argv[3] and event == "start":
            os.kill(os.getpid(), signal.SIGKILL)

    ctx = RunContext(root=Path(sys.argv[1]).resolve(), rubric=load_rubric("dw"), index_dir=Path(sys.argv[2]),
                     execute_gates=False, progress=progress)
    certify(ctx)
    """
)


def test_kill_9_then_resume_matches_an_uninterrupted_run(tmp_path, certify_run):
    root = tmp_path / "dwshape"
    shutil.copytree(DWSHAPE, root)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(root), str(tmp_path / "index"), "review_passes"], capture_output=True)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    started: list[str] = []
    _, resumed = certify_run(root, tmp_path, rubric="dw", out="resumed", resume=True, started=started)
    graph_nodes = [n for n in started if n != "index"]
    assert graph_nodes[0] == "review_passes" and "evidence" not in graph_nodes
    _, fresh = certify_run(root, tmp_path, rubric="dw", out="fresh")
    assert json.loads((resumed / "findings.json").read_text()) == json.loads((fresh / "findings.json").read_text())
    assert (resumed / "CERTIFICATION.md").read_text() == (fresh / "CERTIFICATION.md").read_text()
