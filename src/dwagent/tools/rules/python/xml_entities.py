"""Python XML parsing that expands entities (billion laughs, external entities)."""

from __future__ import annotations

from typing import Iterable

from dwagent.tools.dataflow.configured import graded
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.python import call_name, keyword
from dwagent.tools.syntax.tree import (
    mentions,
    nodes,
    text,
)

FIX = "use defusedxml, or resolve_entities=False / no_network=True"


@file_rule(
    id="DWA-420",
    title="XML parser resolving entities or DTDs (Python)",
    category="xxe",
    severity="high",
    cwe=(611,),
    languages=("python",),
)
def xml_entities(ctx: FileContext) -> Iterable[Hit]:
    """An lxml `XMLParser(load_dtd=True | no_network=False | resolve_entities=True)` or a SAX parser
    with `feature_external_ges`/`feature_external_pes` turned on resolves external entities: local
    file disclosure, SSRF and entity-expansion denial of service. Use `defusedxml` or keep the
    defaults with `resolve_entities=False`.

    Severity follows the evidence (`dataflow/configured.py`): the document handed to
    `fromstring`/`parse`/`XML`/`feed` in the same function is traced by the data-flow core; high
    only when an untrusted source (request data, an upload, socket bytes) or a stored value
    reaches it, with its path; medium for parameters, untraceable values or no parsing call in
    view; low when only constants or configuration reach it.
    """
    if not mentions(ctx, "xmlparser", "feature_external"):
        return
    for call in nodes(ctx, "call"):
        obj, name = call_name(ctx, call)
        if name == "XMLParser":
            bad = [
                k for k, v in (("load_dtd", "True"), ("no_network", "False"), ("resolve_entities", "True")) if text(ctx, keyword(ctx, call, k)) == v
            ]
            if bad:
                yield from graded(ctx, call, "xml", high="high", what=f"XML parser with {', '.join(bad)} resolves external entities", fix=FIX)
        elif name == "setFeature" and "feature_external" in text(ctx, call) and text(ctx, call).rstrip(") ").endswith("True"):
            yield from graded(ctx, call, "xml", high="high", what="SAX parser with external entities enabled", fix=FIX, max_lines=1)
