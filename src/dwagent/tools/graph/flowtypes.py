"""The tracer's values: a declared flow, its hops, broken links and evidence-backed checks.

These are what the certify engineer renders; every PASS/FAIL/NOT FOUND/NOT APPLICABLE names the lines that
decided it (file, 1-based span, verbatim excerpt).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

CheckStatus = Literal["PASS", "FAIL", "NOT FOUND", "NOT APPLICABLE"]
FlowStatus = Literal["PASS", "CONDITIONAL", "FAIL", "NOT VERIFIED"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FlowSpec(_Frozen):
    """A flow as a rubric declares it: entry + ordered waypoints, and the controls it requires.

    A waypoint is a qualname or a dotted suffix of one (`Kernel.WriteAsync`), a bare member or
    type name, `topic:<name>` for a bus topic, or `re:<regex>` over member qualnames.
    """

    name: str
    entry: str
    waypoints: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()  # security controls: authentication, authorization, encryption, audit


class Hop(_Frozen):
    """One step of a traced path: the node reached and the line that leads into it."""

    node: str  # member qualname, or `topic:<name>`
    via: str  # entry | call | new | method-group | by-name | publish | deliver
    file: str  # where the step happens (call/publish/subscribe site; the declaration for the entry)
    line: int
    excerpt: str
    decl_file: str = ""
    decl_line: int = 0
    waypoint: str = ""  # the waypoint this hop satisfies, if any


class BrokenLink(_Frozen):
    """A waypoint no path reaches, with the closest candidates the tracer tried."""

    waypoint: str
    after: str  # the last node reached before the break
    reason: str
    candidates: tuple[str, ...] = ()


class FlowCheck(_Frozen):
    """One evidence-backed check on a hop (hop = its qualname) or on the whole flow (hop = '')."""

    check: str  # async | error-handling | cancellation | disposal | <control name>
    status: CheckStatus
    hop: str = ""
    file: str = ""
    start_line: int = 0
    end_line: int = 0
    excerpt: str = ""
    detail: str = ""


class FlowTrace(_Frozen):
    """The traced flow: hops in order, broken links, per-hop and per-flow checks, and a status."""

    spec: FlowSpec
    status: FlowStatus
    reason: str = ""
    hops: tuple[Hop, ...] = ()
    broken: tuple[BrokenLink, ...] = ()
    hop_checks: tuple[FlowCheck, ...] = ()
    checks: tuple[FlowCheck, ...] = ()  # flow-level verdict per check
