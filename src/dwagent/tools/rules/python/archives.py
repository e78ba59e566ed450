"""Python archives: tar members extracted without a check on where they land (tar slip)."""

from __future__ import annotations

from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.python.web import PATH_GUARD
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.python import call_name, keyword
from dwagent.tools.syntax.tree import (
    ancestor,
    hit,
    nodes,
    text,
)


@file_rule(
    id="DWA-418",
    title="Tar archive extracted without member checks (Python)",
    category="path-traversal",
    severity="high",
    cwe=(22,),
    languages=("python",),
)
def tar_extract(ctx: FileContext) -> Iterable[Hit]:
    """`TarFile.extractall`/`extract` without `filter="data"` (or `"tar"`), without an explicit
    `members=` selection and without a per-member containment check in the function: members named
    `../x`, absolute paths or links write anywhere on disk (tar slip).
    """
    if "tarfile" not in ctx.text:
        return
    for call in nodes(ctx, "call"):
        _, name = call_name(ctx, call)
        if name not in ("extractall", "extract"):
            continue
        if keyword(ctx, call, "filter") is not None or keyword(ctx, call, "members") is not None:
            continue
        func = ancestor(call, ("function_definition",))
        if func is not None and PATH_GUARD.search(text(ctx, func)):
            continue
        yield hit(call, f"`{name}` unpacks archive members without checking their paths", max_lines=1)
