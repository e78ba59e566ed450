"""Deterministic percentage rollout: the same user always lands in the same bucket."""
from __future__ import annotations

import hashlib

BUCKETS = 10_000


def bucket(flag_key: str, user_key: str) -> int:
    """Bucket in [0, BUCKETS) for this user and flag.

    SHA-1 is used only to spread users evenly; nothing here is secret, and changing the hash
    would reshuffle every running experiment.
    """
    digest = hashlib.sha1(f"{flag_key}:{user_key}".encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % BUCKETS


def in_rollout(flag_key: str, user_key: str, percent: int) -> bool:
    if percent <= 0:
        return False
    if percent >= 100:
        return True
    return bucket(flag_key, user_key) < percent * (BUCKETS // 100)
