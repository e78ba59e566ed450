"""Empty catch blocks in C#: errors swallowed without a trace."""
from __future__ import annotations

from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.rules.syntax import hit, nodes, text

# Exceptions whose swallowing is a normal control-flow idiom (cancellation on shutdown).
BENIGN = ("OperationCanceledException", "TaskCanceledException", "ThreadAbortException")


@file_rule(
    id="DWA-206",
    title="Empty catch block",
    category="empty-catch",
    severity="medium",
    cwe=(390,),
    languages=("csharp",),
)
def empty_catch(ctx: FileContext) -> Iterable[Hit]:
    """A `catch` whose block has no statements: the failure disappears, leaving corrupt state and
    no log line to diagnose it. A catch whose block holds only a comment is a documented,
    intentional swallow and is reported at low severity; so is swallowing cancellation exceptions.
    A cancellation catch that is filtered (`when (token.IsCancellationRequested)`) or documented is
    the normal shutdown path and is not reported.
    Catches with any statement (log, rethrow, fallback assignment) are not reported.
    """
    if "catch" not in ctx.text:
        return
    for c in nodes(ctx, "catch_clause"):
        body = c.child_by_field_name("body")
        if body is None or any(ch.type != "comment" for ch in body.named_children):
            continue
        decl = [ch for ch in c.named_children if ch.type == "catch_declaration"]
        caught = text(ctx, decl[0].named_children[0]).split(".")[-1] if decl and decl[0].named_children else "all exceptions"
        documented = any(ch.type == "comment" for ch in body.named_children)
        filtered = any(ch.type == "catch_filter_clause" for ch in c.named_children)
        if caught in BENIGN and (documented or filtered):
            continue  # the documented / filtered shutdown path of a hosted service
        if documented or caught in BENIGN:
            yield hit(c, f"catch of {caught} swallows the error (documented or benign: low)", severity="low", max_lines=1)
        else:
            yield hit(c, f"empty catch of {caught} swallows the error silently", max_lines=1)
