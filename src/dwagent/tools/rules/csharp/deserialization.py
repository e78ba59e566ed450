"""Insecure deserialization in C#: formatters that instantiate arbitrary types from the payload."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterable

from dwagent.tools.dataflow.configured import graded
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import arguments, enclosing_member, nodes, text

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
    does the same, as does `JavaScriptSerializer` with a `SimpleTypeResolver`.

    Severity follows the evidence (`dataflow/configured.py`): the payload of the `Deserialize` /
    `ReadObject` / `DeserializeObject` call in the same method is traced by the data-flow core;
    critical for a formatter (high for type-name handling) only when an untrusted source (request
    data, an upload, socket bytes, a message payload) or a stored value reaches it, with its path;
    medium for parameters, untraceable values or no consuming call in view; low when only
    constants or configuration reach it. A `SerializationBinder` in the same member (verify it is
    an allow-list) caps it at medium.
    """
    if not re.search(r"Formatter|NetDataContract|TypeNameHandling|SimpleTypeResolver", ctx.text):
        return
    fix = "use a serializer bound to known types (System.Text.Json, DataContractSerializer with known types)"
    for new in nodes(ctx, "object_creation_expression"):
        typ = text(ctx, new.child_by_field_name("type")).split(".")[-1]
        if typ in DANGEROUS_FORMATTERS:
            yield from graded(ctx, new, "deserialize", high="critical", what=f"`{typ}` deserializes arbitrary types", fix=fix)
        elif typ == "JavaScriptSerializer" and any("SimpleTypeResolver" in text(ctx, a) for a in arguments(new)):
            yield from graded(
                ctx, new, "deserialize", high="high", what="`JavaScriptSerializer` with `SimpleTypeResolver` trusts payload type names", fix=fix
            )
    for m in nodes(ctx, "member_access_expression"):
        if text(ctx, m.child_by_field_name("expression")).split(".")[-1] != "TypeNameHandling":
            continue
        value = text(ctx, m.child_by_field_name("name"))
        if value in DANGEROUS_TYPE_NAME_HANDLING:
            member = enclosing_member(m)
            scope = text(ctx, member) if member is not None else ""
            what = f"`TypeNameHandling.{value}` lets the payload choose the types to instantiate"
            for h in graded(ctx, m, "deserialize", high="high", what=what, fix="keep TypeNameHandling.None or bind to an allow-list", max_lines=1):
                if BINDER.search(scope) and h.severity in ("critical", "high"):
                    h = replace(h, severity="medium", message=h.message + " (a serialization binder restricts types; verify it is an allow-list)")
                yield h
