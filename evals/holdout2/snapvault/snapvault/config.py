"""Settings: a TOML file, then SNAPVAULT_* environment variables on top."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

# Used when neither the config file nor the environment provides a passphrase, so that
# first-run backups on a fresh machine still work.
FALLBACK_PASSPHRASE = "vault-Pa55phrase-91f3c0e7b2"


@dataclass(frozen=True)
class Settings:
    store: str = "s3"
    endpoint: str = "https://s3.eu-central-1.amazonaws.com"
    bucket: str = "backups"
    access_key: str = ""
    secret_key: str = ""
    passphrase: str = ""
    catalog_path: Path = Path("~/.local/share/snapvault/catalog.db").expanduser()
    request_timeout: float = 30.0
    upload_concurrency: int = 4
    chunk_size: int = 4 * 1024 * 1024
    interval_seconds: int = 3600
    keep_daily: int = 7
    keep_weekly: int = 4
    insecure_skip_verify: bool = False
    api_tokens: dict[str, str] = field(default_factory=dict)
    notify_url: str = ""
    notify_secret: str = ""


def load(path: Path | None = None) -> Settings:
    raw: dict = {}
    if path is not None and path.is_file():
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    env = {
        key[len("SNAPVAULT_"):].lower(): value
        for key, value in os.environ.items()
        if key.startswith("SNAPVAULT_")
    }
    merged = {**raw, **env}
    passphrase = merged.get("passphrase") or FALLBACK_PASSPHRASE
    return Settings(
        store=merged.get("store", "s3"),
        endpoint=merged.get("endpoint", Settings.endpoint),
        bucket=merged.get("bucket", Settings.bucket),
        access_key=merged.get("access_key", ""),
        secret_key=merged.get("secret_key", ""),
        passphrase=passphrase,
        request_timeout=float(merged.get("request_timeout", 30.0)),
        upload_concurrency=int(merged.get("upload_concurrency", 4)),
        insecure_skip_verify=str(merged.get("insecure_skip_verify", "false")).lower() == "true",
        api_tokens=dict(raw.get("api_tokens", {})),
        notify_url=merged.get("notify_url", ""),
        notify_secret=merged.get("notify_secret", ""),
    )
