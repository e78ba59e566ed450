"""Throughput reporting for the CLI and the control API."""
from __future__ import annotations

import collections
import threading
import time


class Progress:
    def __init__(self, window: int = 120) -> None:
        self._lock = threading.Lock()
        self._samples: collections.deque[tuple[float, int]] = collections.deque(maxlen=window)
        self.total_bytes = 0

    def record(self, nbytes: int) -> None:
        with self._lock:
            self._samples.append((time.monotonic(), nbytes))
            self.total_bytes += nbytes

    def rate(self) -> float:
        with self._lock:
            if len(self._samples) < 2:
                return 0.0
            span = self._samples[-1][0] - self._samples[0][0]
            return sum(n for _, n in self._samples) / span if span > 0 else 0.0
