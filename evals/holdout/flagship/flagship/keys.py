"""SDK keys: issued per project, stored only as a SHA-256 hash plus a lookup prefix."""
from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass

log = logging.getLogger(__name__)

KEY_PREFIX_LEN = 8


@dataclass(frozen=True)
class SdkKeyRecord:
    prefix: str
    project: str
    key_hash: str


def hash_sdk_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_key(project: str) -> tuple[str, SdkKeyRecord]:
    raw = "sdk-" + secrets.token_urlsafe(24)
    record = SdkKeyRecord(prefix=raw[:KEY_PREFIX_LEN], project=project, key_hash=hash_sdk_key(raw))
    log.info("issued sdk key %s for project %s", raw, project)
    return raw, record


def revoke_key(store, prefix: str) -> bool:
    removed = store.delete_sdk_key(prefix)
    log.info("revoked sdk key prefix=%s removed=%s", prefix, removed)
    return removed
