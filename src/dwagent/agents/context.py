"""Run-time configuration of one certification run (not part of the checkpointed state).

The context holds the things nodes need but that cannot (or must not) be checkpointed: the rubric,
paths, the optional LLM gateway and switches. Nodes receive it next to the state.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from dwagent.agents.inputs.graph_views import GraphViews
from dwagent.rubric.loader import LoadedRubric


@dataclass(frozen=True)
class RunContext:
    """Everything a node may read besides the state.

    `root` is the resolved audited root; `index_dir` the index folder (None: the default cache);
    `execute_gates` False means command gates are recorded NOT RUN; `baseline` maps finding
    fingerprints the certifier accepted (from a file outside the tree) to their justification;
    `gateway` is an optional LLM gateway (None: deterministic only); `fail_in` names a node that
    raises on purpose (crash-injection for resume tests); `graph_views` carries the run's code
    graph from the node that built it to the nodes that read it.
    """

    root: Path
    rubric: LoadedRubric
    index_dir: Path | None = None
    execute_gates: bool = True
    baseline: dict[str, str] = field(default_factory=dict)
    baseline_source: str = ""
    gateway: Any = None
    llm_spec: str = "none"  # part of the checkpoint thread: a resumed run keeps its model setting
    tree_digest: str = ""  # hash of the indexed files' paths and contents (set after indexing)
    fail_in: str = ""
    progress: Callable[[str, str], None] | None = None  # (node, event) for the CLI's progress view
    exclude: tuple[str, ...] = ()  # extra gitignore-style globs the index skips (recorded as skips)
    max_file_bytes: int = 0  # the index's size cap; 0: tools/walk.py's default
    index_progress: Any = False  # (done, total) callback (or True: a bar) while files are indexed
    # the code graph the evidence node built, reused by later nodes of this run (not an input:
    # excluded from equality, the thread id and the node cache keys)
    graph_views: GraphViews = field(default_factory=GraphViews, compare=False, repr=False)

    @property
    def thread_id(self) -> str:
        """A stable id for the checkpoint thread: same tree + rubric + switches ⇒ same thread."""
        key = "|".join(
            [
                self.root.as_posix(),
                self.rubric.sha256,
                str(self.execute_gates),
                self.llm_spec,
                self.tree_digest,
                ",".join(sorted(self.baseline)),
            ]
        )
        return "certify-" + hashlib.sha1(key.encode()).hexdigest()[:16]
