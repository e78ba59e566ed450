"""Runtime settings, read once from the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    db_path: str = field(default_factory=lambda: os.environ.get("FLAGSHIP_DB", "flags.db"))
    admin_token: str = field(default_factory=lambda: os.environ.get("FLAGSHIP_ADMIN_TOKEN", "fs-admin-7Qe2c91bd0a4f5"))
    webhook_secret: str = field(default_factory=lambda: os.environ["FLAGSHIP_WEBHOOK_SECRET"] if "FLAGSHIP_WEBHOOK_SECRET" in os.environ else "")
    redis_url: str = field(default_factory=lambda: os.environ.get("FLAGSHIP_REDIS_URL", "redis://localhost:6379/0"))
    export_dir: str = field(default_factory=lambda: os.environ.get("FLAGSHIP_EXPORT_DIR", "/var/lib/flagship/exports"))
    snapshot_level: int = int(os.environ.get("FLAGSHIP_SNAPSHOT_LEVEL", "6"))
    webhook_insecure_skip_verify: bool = os.environ.get("FLAGSHIP_WEBHOOK_INSECURE", "") == "1"
    sync_repo_root: str = field(default_factory=lambda: os.environ.get("FLAGSHIP_SYNC_ROOT", "/var/lib/flagship/repos"))


TOKEN_HEADER = "X-Flagship-Token"
SDK_KEY_HEADER = "X-Flagship-Sdk-Key"


def load() -> Settings:
    return Settings()
