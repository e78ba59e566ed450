"""Predictable randomness for security values in C# (`System.Random` making tokens, codes, keys)."""

from __future__ import annotations

from typing import Iterable

from dwagent.tools.dataflow.weak_random import weak_random_hits
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule


@file_rule(
    id="DWA-142",
    title="System.Random used for a security value",
    category="weak-crypto",
    severity="high",
    cwe=(338,),
    languages=("csharp",),
)
def predictable_random(ctx: FileContext) -> Iterable[Hit]:
    """A draw from `System.Random` (`new Random()`, `Random.Shared`, a field, local or parameter
    of type `Random`: `Next`, `NextBytes`, `NextDouble`, `GetItems`...) that the data-flow trace
    (`dataflow/weak_random.py`) carries into a security value: a variable, property or field
    named token/password/key/IV/nonce/salt/session id/OTP/invite/reset code, the return value of
    a method so named, or a crypto API argument (`CreateEncryptor(key, iv)`, `new
    Rfc2898DeriveBytes(pw, salt)`, HMAC keys). `System.Random` is predictable from a few outputs,
    so the value can be guessed. High with such a sink, the path in the finding; medium for a
    draw inside a method named for a security value, or a `Random` field so named, when no
    security value is traced. Names that also say jitter, retry, sampling, shuffle, simulation or
    test are not security values. Use `RandomNumberGenerator`.
    """
    if "Random" not in ctx.text:
        return
    yield from weak_random_hits(ctx)
