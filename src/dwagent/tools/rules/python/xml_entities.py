"""Python XML parsing that expands entities (billion laughs, external entities)."""

from __future__ import annotations

from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.python import call_name, keyword
from dwagent.tools.syntax.tree import (
    hit,
    mentions,
    nodes,
    text,
)


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
                yield hit(call, f"XML parser with {', '.join(bad)} resolves external entities", max_lines=2)
        elif name == "setFeature" and "feature_external" in text(ctx, call) and text(ctx, call).rstrip(") ").endswith("True"):
            yield hit(call, "SAX parser with external entities enabled", max_lines=1)
