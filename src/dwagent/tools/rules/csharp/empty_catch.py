"""Empty catch blocks in C#: errors swallowed without a trace."""

from __future__ import annotations

from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import enclosing_member, hit, name_of, nodes, text

# Exceptions whose swallowing is a normal control-flow idiom (cancellation on shutdown).
BENIGN = ("OperationCanceledException", "TaskCanceledException", "ThreadAbortException")
BROAD = ("all exceptions", "Exception", "SystemException")


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
    no log line to diagnose it. A catch of one specific exception type whose block holds a comment
    line explaining it is a documented, intentional swallow and is not reported; a documented
    catch-all (`catch`, `catch (Exception)`) is reported at low severity, and so are undocumented
    cancellation catches and empty catches in `Dispose` (cleanup must not throw). A cancellation
    catch that is filtered (`when (token.IsCancellationRequested)`) or documented is the normal
    shutdown path and is not reported. Catches with any statement (log, rethrow, fallback
    assignment) are not reported.

    Only a comment on a line of its own counts as documentation: a trailing comment can be
    appended to any line (including by someone steering the audit), so it changes nothing.
    """
    if "catch" not in ctx.text:
        return
    for c in nodes(ctx, "catch_clause"):
        body = c.child_by_field_name("body")
        if body is None or any(ch.type != "comment" for ch in body.named_children):
            continue
        decl = [ch for ch in c.named_children if ch.type == "catch_declaration"]
        caught = text(ctx, decl[0].named_children[0]).split(".")[-1] if decl and decl[0].named_children else "all exceptions"
        documented = any(ch.type == "comment" and own_line(ctx, ch) for ch in body.named_children)
        filtered = any(ch.type == "catch_filter_clause" for ch in c.named_children)
        broad = caught in BROAD
        if caught in BENIGN and (documented or filtered):
            continue  # the documented / filtered shutdown path of a hosted service
        if documented and not broad:
            continue  # one named failure, explained where it is swallowed
        member = enclosing_member(c)
        in_dispose = (
            member is not None
            and name_of(ctx, member) in ("Dispose", "DisposeAsync")
            or member is not None
            and member.type == "destructor_declaration"
        )
        if documented or caught in BENIGN or in_dispose:
            why = "documented" if documented else "cleanup in Dispose" if in_dispose else "cancellation"
            yield hit(c, f"catch of {caught} swallows the error ({why}: low)", severity="low", max_lines=1)
        else:
            yield hit(c, f"empty catch of {caught} swallows the error silently", max_lines=1)


def own_line(ctx: FileContext, comment) -> bool:
    """True when nothing but whitespace precedes the comment on its line."""
    start = ctx.source.rfind(b"\n", 0, comment.start_byte) + 1
    return not ctx.source[start : comment.start_byte].strip()
