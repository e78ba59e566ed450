"""Insecure deserialization in C#: formatters that instantiate arbitrary types from the payload."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import arguments, enclosing_member, hit, nodes, text

DANGEROUS_FORMATTERS = ("BinaryFormatter", "NetDataContractSerializer", "SoapFormatter", "LosFormatter", "ObjectStateFormatter")
DANGEROUS_TYPE_NAME_HANDLING = ("All", "Auto", "Objects", "Arrays")
BINDER = re.compile(r"SerializationBinder|ISerializationBinder")


@file_rule(
    id="DWA-130",
    title="Deserializer that trusts type names from the payload",
    category="insecure-deserialization",
    severity="high",
    cwe=(502,),
    languages=("csharp",),
)
def insecure_deserializer(ctx: FileContext) -> Iterable[Hit]:
    """`BinaryFormatter`, `NetDataContractSerializer`, `SoapFormatter`, `LosFormatter` and
    `ObjectStateFormatter` instantiate whatever types the payload names, which is remote code
    execution for attacker-controlled input. Json.NET with `TypeNameHandling` other than `None`
    does the same (medium when a `SerializationBinder` restricts types in the same member), as does
    `JavaScriptSerializer` with a `SimpleTypeResolver`.
    """
    if not re.search(r"Formatter|NetDataContract|TypeNameHandling|SimpleTypeResolver", ctx.text):
        return
    for new in nodes(ctx, "object_creation_expression"):
        typ = text(ctx, new.child_by_field_name("type")).split(".")[-1]
        if typ in DANGEROUS_FORMATTERS:
            yield hit(new, f"`{typ}` deserializes arbitrary types", max_lines=2)
        elif typ == "JavaScriptSerializer" and any("SimpleTypeResolver" in text(ctx, a) for a in arguments(new)):
            yield hit(new, "`JavaScriptSerializer` with `SimpleTypeResolver` trusts payload type names", max_lines=2)
    for m in nodes(ctx, "member_access_expression"):
        if text(ctx, m.child_by_field_name("expression")).split(".")[-1] != "TypeNameHandling":
            continue
        value = text(ctx, m.child_by_field_name("name"))
        if value in DANGEROUS_TYPE_NAME_HANDLING:
            member = enclosing_member(m)
            scope = text(ctx, member) if member is not None else ""
            if BINDER.search(scope):
                yield hit(
                    m,
                    f"`TypeNameHandling.{value}` (a serialization binder restricts types; verify it is an allow-list)",
                    severity="medium",
                    max_lines=1,
                )
            else:
                yield hit(m, f"`TypeNameHandling.{value}` lets the payload choose the types to instantiate", max_lines=1)
