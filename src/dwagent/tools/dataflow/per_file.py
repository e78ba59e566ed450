"""One flow analyser per file, shared by every rule that runs on it (its memo is the point), and
the one driver the sink rules of both languages call."""

from __future__ import annotations

import re
from collections.abc import Iterable

from dwagent.tools.dataflow.csharp import CSharpFlows
from dwagent.tools.dataflow.python import PythonFlows
from dwagent.tools.dataflow.sinks import csharp_sink_sites, python_sink_sites, report
from dwagent.tools.parse.context import FileContext
from dwagent.tools.syntax.hit import Hit

# The engine runs a file's rules one after the other: one slot, keyed by the file's context.
_current: tuple[FileContext | None, CSharpFlows | PythonFlows | None] = (None, None)


def flows_for(ctx: FileContext) -> CSharpFlows | PythonFlows:
    """The flow analyser of `ctx`'s language, built once per file."""
    global _current
    owner, flows = _current
    if owner is not ctx or flows is None:
        flows = PythonFlows(ctx) if ctx.language == "python" else CSharpFlows(ctx)
        _current = (ctx, flows)
    return flows


def run_sinks(ctx: FileContext, category: str, trigger: str, **kw) -> Iterable[Hit]:
    """Every sink site of `category` in the file, graded by the data-flow core; `trigger` is a cheap
    text pre-check that skips files which cannot contain such a sink."""
    if not re.search(trigger, ctx.text):
        return
    sites = python_sink_sites(ctx, category) if ctx.language == "python" else csharp_sink_sites(ctx, category)
    flows = flows_for(ctx)
    for site in sites:
        yield from report(ctx, flows, site, category, **kw)
