"""Archive flags nobody has evaluated for a long time."""
from __future__ import annotations

import logging
import time

from flagship.models import Flag
from flagship.store.base import FlagStore

log = logging.getLogger(__name__)

STALE_AFTER_SECONDS = 90 * 24 * 3600


class StaleFlagReaper:
    def __init__(self, store: FlagStore, last_evaluated: dict[str, float]) -> None:
        self._store = store
        self._last_evaluated = last_evaluated

    def stale(self, project: str, now: float | None = None) -> list[Flag]:
        now = time.time() if now is None else now
        return [
            f for f in self._store.list(project)
            if now - self._last_evaluated.get(f"{project}/{f.key}", f.updated_at) > STALE_AFTER_SECONDS
        ]

    def reap(self, project: str) -> int:
        flags = self.stale(project)
        for flag in flags:
            log.info("disabling stale flag %s/%s", project, flag.key)
            self._store.put(Flag(**{**flag.__dict__, "enabled": False}))
        return len(flags)
