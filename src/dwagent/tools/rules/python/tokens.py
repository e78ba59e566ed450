"""Python tokens: JWTs decoded without verifying their signature."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.python import call_name, keyword
from dwagent.tools.syntax.tree import (
    hit,
    nodes,
    text,
)


@file_rule(
    id="DWA-421",
    title="JWT decoded without verifying its signature (Python)",
    category="unauthenticated-endpoint",
    severity="critical",
    cwe=(347,),
    languages=("python",),
)
def jwt_unverified(ctx: FileContext) -> Iterable[Hit]:
    """`jwt.decode(..., options={"verify_signature": False})`, `verify=False` (old PyJWT) or
    `algorithms=["none"]`: any caller can forge the token, so whatever trusts its claims is
    unauthenticated.
    """
    if "jwt" not in ctx.text:
        return
    for call in nodes(ctx, "call"):
        obj, name = call_name(ctx, call)
        if name != "decode" or "jwt" not in obj.lower():
            continue
        options = text(ctx, keyword(ctx, call, "options"))
        algorithms = text(ctx, keyword(ctx, call, "algorithms"))
        if (
            re.search(r"['\"]verify_signature['\"]\s*:\s*False", options)
            or text(ctx, keyword(ctx, call, "verify")) == "False"
            or re.search(r"(?i)['\"]none['\"]", algorithms)
        ):
            yield hit(call, "JWT signature is not verified: the token can be forged", max_lines=2)
