"""Redis backend for multi-node installs: flags as JSON hashes, one hash per project."""
from __future__ import annotations

import json
from collections.abc import Callable

import redis

from flagship.keys import SdkKeyRecord
from flagship.models import Flag, flag_from_dict
from flagship.store.base import FlagStore


class RedisStore(FlagStore):
    def __init__(self, url: str) -> None:
        self._redis = redis.Redis.from_url(url, decode_responses=True)

    def _hash(self, project: str) -> str:
        return f"flagship:flags:{project}"

    def get(self, project: str, key: str) -> Flag | None:
        raw = self._redis.hget(self._hash(project), key)
        return flag_from_dict(json.loads(raw)) if raw else None

    def put(self, flag: Flag) -> None:
        self._redis.hset(self._hash(flag.project), flag.key, json.dumps(flag.to_dict(), sort_keys=True))
        self._redis.publish("flagship:changes", json.dumps({"project": flag.project, "key": flag.key}))

    def list(self, project: str, order_by: str = "key") -> list[Flag]:
        flags = [flag_from_dict(json.loads(v)) for v in self._redis.hgetall(self._hash(project)).values()]
        if order_by == "updated":
            return sorted(flags, key=lambda f: f.updated_at, reverse=True)
        return sorted(flags, key=lambda f: f.key)

    def search(self, project: str, text: str) -> list[Flag]:
        needle = text.lower()
        return [f for f in self.list(project) if needle in f.key.lower()]

    def sdk_key_record(self, prefix: str) -> SdkKeyRecord | None:
        raw = self._redis.hgetall(f"flagship:sdk:{prefix}")
        return SdkKeyRecord(prefix, raw["project"], raw["key_hash"]) if raw else None

    def watch(self, callback: Callable[[Flag], None]) -> None:
        raise NotImplementedError("pub/sub watch is not wired up yet")
