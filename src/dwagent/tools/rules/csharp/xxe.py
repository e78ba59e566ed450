"""XML external entities in C#: DTD processing turned on or a URL resolver attached."""

from __future__ import annotations

from typing import Iterable

from dwagent.tools.dataflow.configured import graded
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import nodes, text, unwrap

RESOLVERS = ("XmlUrlResolver", "XmlSecureResolver")
FIX = "keep DtdProcessing.Prohibit and XmlResolver = null"


@file_rule(
    id="DWA-160",
    title="XML parser with DTD processing or an external resolver",
    category="xxe",
    severity="high",
    cwe=(611,),
    languages=("csharp",),
)
def xml_dtd(ctx: FileContext) -> Iterable[Hit]:
    """`DtdProcessing = DtdProcessing.Parse`, `ProhibitDtd = false` or `XmlResolver = new
    XmlUrlResolver()` let a document pull in external entities: local file disclosure, SSRF and
    entity-expansion denial of service. `DtdProcessing.Prohibit`/`Ignore` and a null resolver are
    safe.

    Severity follows the evidence (`dataflow/configured.py`): the document handed to `Load`,
    `LoadXml`, `XmlReader.Create`, `new XmlTextReader(...)` in the same method is traced by the
    data-flow core; high only when an untrusted source (request body, upload, socket bytes, a
    message payload) or a stored value reaches it, with its path; medium for parameters, values
    the core cannot trace or no parsing call in view; low when only constants or configuration
    (a file the operator ships) reach it.
    """
    if "Dtd" not in ctx.text and "XmlResolver" not in ctx.text:
        return
    seen: set[int] = set()
    for h in _settings(ctx):
        if h.start_line not in seen:  # DTD processing and a resolver in one initializer: one finding
            seen.add(h.start_line)
            yield h


def _settings(ctx: FileContext) -> Iterable[Hit]:
    for m in nodes(ctx, "member_access_expression"):
        if text(ctx, m) in ("DtdProcessing.Parse", "System.Xml.DtdProcessing.Parse"):
            yield from graded(ctx, m, "xml", high="high", what="DTD processing enabled: external entities are resolved", fix=FIX, max_lines=1)
    for a in nodes(ctx, "assignment_expression"):
        left = text(ctx, a.child_by_field_name("left")).split(".")[-1]
        right = unwrap(a.child_by_field_name("right"))
        if left == "ProhibitDtd" and text(ctx, right) == "false":
            yield from graded(ctx, a, "xml", high="high", what="`ProhibitDtd = false` enables DTD processing", fix=FIX, max_lines=1)
        elif (
            left == "XmlResolver"
            and right.type == "object_creation_expression"
            and text(ctx, right.child_by_field_name("type")).split(".")[-1] in RESOLVERS
        ):
            yield from graded(ctx, a, "xml", high="high", what="an `XmlUrlResolver` resolves external entities and DTDs", fix=FIX, max_lines=1)
