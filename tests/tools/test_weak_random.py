"""Weak random into a security value (dataflow/weak_random.py): high only where a draw from a
predictable generator is traced into a security value, with the path; name-only evidence is
medium; jitter, sampling and secure generators are not reported."""

from __future__ import annotations

from dwagent.tools.dataflow.weak_random import WeakRandom, secret_strength, security_name
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.engine import scan_file


def _scan(src: str, language: str, rule: str):
    path = "T.cs" if language == "csharp" else "t.py"
    return scan_file(FileContext(path=path, language=language, role="production", source=src.encode()), [rule])


def test_names_decide_what_is_a_security_value():
    assert security_name("resetToken") and security_name("api_key") and security_name("SessionId") and security_name("iv")
    assert not security_name("retryJitter") and not security_name("sample_key") and not security_name("shuffleSeed")
    assert not security_name("count")
    assert [secret_strength(n) for n in ("encryptionKey", "resetToken", "sessionId", "key", "partitionKey", "maxTokens", "objectKey")] == [
        "strong",
        "strong",
        "weak",
        "weak",
        "",
        "",
        "",
    ]


def test_a_name_that_only_may_hold_a_secret_is_medium():
    src = """
public sealed class Link
{
    public void Open(Conn c)
    {
        var sessionId = (uint)Random.Shared.Next();
        c.Start(sessionId);
    }
}
"""
    assert [(f.start_line, f.severity) for f in _scan(src, "csharp", "DWA-142")] == [(6, "medium")]


def test_a_draw_traced_through_locals_and_a_helper_is_high_with_its_path():
    src = """
public sealed class Tokens
{
    private readonly Random _rng = new Random();
    private string Pick(int n)
    {
        var chars = new char[n];
        for (var i = 0; i < n; i++) chars[i] = (char)('a' + _rng.Next(26));
        return new string(chars);
    }
    public void Issue(User user)
    {
        var value = Pick(24);
        user.ApiKey = value;
    }
    public void Jitter(User user)
    {
        user.Delay = _rng.Next(100);
    }
}
"""
    found = _scan(src, "csharp", "DWA-142")
    assert [(f.start_line, f.severity) for f in found] == [(8, "high")]
    notes = [e.note for e in found[0].related]
    assert any("returned by `Pick`" in n for n in notes) and notes[-1].endswith("`user.ApiKey`, a security value")


def test_name_only_evidence_is_medium_and_secure_generators_are_silent():
    src = """import random
import secrets


def make_token_table(rows):
    random.shuffle(rows)
    return rows


def new_token():
    return secrets.token_hex(16)


def new_session(sysrand=random.SystemRandom()):
    return sysrand.random()
"""
    found = _scan(src, "python", "DWA-422")
    assert [(f.start_line, f.severity) for f in found] == [(6, "medium")]


def test_a_crypto_api_argument_is_a_sink_whatever_the_local_is_called():
    src = """import random
import hmac


def sign(message):
    material = bytes(random.getrandbits(8) for _ in range(32))
    return hmac.new(material, message, "sha256").hexdigest()
"""
    wr = WeakRandom(FileContext(path="t.py", language="python", role="production", source=src.encode()))
    flows = wr.flows()
    assert len(flows) == 1 and flows[0].draw == "random.getrandbits" and "hmac.new" in flows[0].sink
