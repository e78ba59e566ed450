"""Predictable randomness for security values in C# (`System.Random` making tokens, codes, keys)."""

from __future__ import annotations

from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.names import random_for_secret
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import camel_words, enclosing_member, hit, name_of, nodes, text


@file_rule(
    id="DWA-142",
    title="System.Random used for a security value",
    category="weak-crypto",
    severity="high",
    cwe=(338,),
    languages=("csharp",),
)
def predictable_random(ctx: FileContext) -> Iterable[Hit]:
    """`new Random()` / `Random.Shared` in a member that makes a token, password, key, nonce, salt,
    OTP, invite/reset/verification code or session id: `System.Random` is predictable from a few
    outputs, so the value can be guessed. Use `RandomNumberGenerator`. Members named for jitter,
    shuffling, sampling or simulation are not reported.
    """
    if "Random" not in ctx.text:
        return
    sites = [n for n in nodes(ctx, "object_creation_expression") if text(ctx, n.child_by_field_name("type")).split(".")[-1] == "Random"]
    sites += [m for m in nodes(ctx, "member_access_expression") if text(ctx, m) in ("Random.Shared", "System.Random.Shared")]
    for site in sites:
        member = enclosing_member(site)
        if member is None:
            continue
        words = set(camel_words(name_of(ctx, member)))
        if member.type == "field_declaration":
            words = {w for d in member.named_children for w in camel_words(text(ctx, d).split("=")[0])}
        if random_for_secret(words):
            yield hit(site, f"`{text(ctx, site)}` is predictable; `{name_of(ctx, member) or 'this value'}` needs RandomNumberGenerator", max_lines=1)
