"""The general causes behind the blind hold-out's misses (evals/holdout/README.md), checked on
small self-written snippets: each test states the shape, not the hold-out's code."""

from __future__ import annotations

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.csharp.endpoints import AUTH, without_cancellation_tokens
from dwagent.tools.rules.engine import scan_file
from dwagent.tools.rules.names import is_compared_secret_name, produces_secret


def _rules(path: str, language: str, source: str, rule: str) -> list[int]:
    ctx = FileContext(path=path, language=language, role="production", source=source.encode())
    return [f.start_line for f in scan_file(ctx, rules=[rule])]


def test_cancellation_tokens_are_no_authentication_sign():
    body = "async Task Run(CancellationToken stoppingToken, CancellationToken halt) { ct.ThrowIfCancellationRequested(); }"
    assert not AUTH.search(without_cancellation_tokens(body))
    assert AUTH.search(without_cancellation_tokens("if (!VerifyHmac(frame, stoppingToken)) return;"))


def test_carrier_suffixes_and_role_qualified_secrets():
    for name in ("signatureHex", "expectedSig", "api_key_header", "tokenBytes", "wireMacBase64"):
        assert is_compared_secret_name(name), name
    for name in ("etagHeader", "deviceIdHex", "publicKeyHex", "contentHash", "requestIdHeader", "sig"):
        assert not is_compared_secret_name(name), name


def test_secret_producers():
    for fn in (
        "secrets.token_urlsafe",
        "System.Security.Cryptography.RandomNumberGenerator.GetBytes",
        "keys.generate_api_key",
        "CreateAccessToken",
        "NewSigningKey",
    ):
        assert produces_secret(fn), fn
    for fn in ("keys.new_cache_key", "GetPublicKey", "secrets.randbelow", "Guid.NewGuid", "generate"):
        assert not produces_secret(fn), fn


def test_compression_level_literal_needs_a_configured_level_in_the_file():
    plain = "import gzip\n\ndef w(p, d):\n    with gzip.open(p, 'wb', compresslevel=9) as f:\n        f.write(d)\n"
    assert _rules("w.py", "python", plain, "DWA-425") == []
    configured = plain + "\n\ndef v(settings):\n    return settings.archive_level\n"
    assert _rules("w.py", "python", configured, "DWA-425") == [4]


def test_env_fallback_secret_only_for_real_values():
    src = (
        "import os\n\n"
        "def s():\n"
        "    a = os.environ.get('SERVICE_TOKEN', 'svc-9b7e2d41aa')\n"
        "    b = os.environ.get('SERVICE_TOKEN', '')\n"
        "    c = os.environ.get('SERVICE_TOKEN', '<set-me>')\n"
        "    d = os.environ.get('LOG_LEVEL', 'verbose-debug')\n"
        "    return a, b, c, d\n"
    )
    assert _rules("s.py", "python", src, "DWA-404") == [4]


def test_csharp_sql_built_then_executed_is_reported_at_the_building_statement():
    src = """class R {
    object Find(string q, System.Data.IDbConnection c) {
        var sql = "SELECT * FROM T WHERE N = '" + q + "'";
        var other = 1;
        var more = 2;
        return new SqlCommand(sql, c);
    }
}
"""
    ctx = FileContext(path="R.cs", language="csharp", role="production", source=src.encode())
    [finding] = scan_file(ctx, rules=["DWA-150"])
    assert finding.start_line == 3
    assert "line 6" in finding.message
