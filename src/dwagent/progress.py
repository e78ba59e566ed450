"""What a long run shows while it works: stage lines, a count/rate/ETA display for counted work
(files indexed), a "still running" line for any stage past a second, and the stage times at the
end. Quiet with --quiet and when stderr is not a terminal, unless --progress asks for it (a CI
log then gets plain lines instead of a live bar).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from rich.console import Console

_PLAIN_EVERY_S = 2.0  # plain (non-terminal) counters print at most this often
_STILL_RUNNING_AFTER_S = 1.0
_STILL_RUNNING_EVERY_S = 10.0


def eta_text(done: int, total: int, elapsed: float) -> str:
    """`done/total · rate/s · ETA` for counted work (ETA unknown until something is done)."""
    rate = done / elapsed if elapsed > 0 else 0.0
    left = (total - done) / rate if rate > 0 else None
    eta = f"ETA {left:.0f} s" if left is not None else "ETA -"
    return f"{done:,}/{total:,} · {rate:,.0f}/s · {eta}"


class RunDisplay:
    """Progress of one command run; every method is a no-op when disabled."""

    def __init__(self, console: Console, enabled: bool) -> None:
        self.console = console
        self.enabled = enabled
        self.live = enabled and console.is_terminal
        self.started: dict[str, float] = {}
        self.finished: dict[str, float] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    # -- stages (graph nodes and the index) -------------------------------------------------
    def stage(self, node: str, event: str) -> None:
        """A RunContext.progress callback: (node, "start" | "done …" | a message)."""
        if not self.enabled:
            return
        now = time.perf_counter()
        with self._lock:
            if event == "start":
                self.started[node] = now
            elif event.startswith("done"):
                self.finished[node] = now - self.started.get(node, now)
        if event == "start":
            self.console.print(f"[cyan]▶[/] {node}", highlight=False)
            self._ensure_ticker()
        elif event.startswith("done"):
            self.console.print(f"[green]✓[/] {node} [dim]{event[5:]}[/]", highlight=False)
        else:
            self.console.print(f"  [dim]{node}: {event}[/]", highlight=False)

    def _running(self) -> list[tuple[str, float]]:
        now = time.perf_counter()
        with self._lock:
            return sorted((n, now - t) for n, t in self.started.items() if n not in self.finished)

    def _ensure_ticker(self) -> None:
        if self._ticker is None:
            self._ticker = threading.Thread(target=self._tick, name="dwagent-progress", daemon=True)
            self._ticker.start()

    def _tick(self) -> None:
        # A stage silent for more than a second says it is still at work, every few seconds.
        last_said: dict[str, float] = {}
        while not self._stop.wait(0.5):
            for node, elapsed in self._running():
                if node == "index":
                    continue  # the index has its own counter
                if elapsed >= _STILL_RUNNING_AFTER_S and elapsed - last_said.get(node, -_STILL_RUNNING_EVERY_S) >= _STILL_RUNNING_EVERY_S:
                    last_said[node] = elapsed
                    self.console.print(f"  [dim]… {node} running {elapsed:.0f} s[/]", highlight=False)

    # -- counted work -----------------------------------------------------------------------
    def counter(self, label: str) -> Callable[[int, int], None] | None:
        """A (done, total) callback showing count, rate and ETA; None when disabled."""
        if not self.enabled:
            return None
        if self.live:
            return _LiveCounter(self.console, label)
        return _PlainCounter(self.console, label)

    # -- end ----------------------------------------------------------------------------------
    def close(self, timings: dict[str, float] | None = None) -> None:
        """Stop the ticker and print the stage times (slowest first) when enabled."""
        self._stop.set()
        if not self.enabled or not timings:
            return
        stages = sorted(((k, v) for k, v in timings.items() if not k.startswith("cpu.") and k != "total"), key=lambda kv: (-kv[1], kv[0]))
        parts = ", ".join(f"{k} {v:.1f}s" for k, v in stages if v >= 0.05)
        total = timings.get("total")
        self.console.print(f"[dim]stage times:[/] {parts}" + (f" · total {total:.1f}s" if total else ""), highlight=False, soft_wrap=True)


class _PlainCounter:
    def __init__(self, console: Console, label: str) -> None:
        self.console, self.label = console, label
        self.t0 = time.perf_counter()
        self.last = self.t0  # the first line after a couple of seconds: short work says nothing

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if done < total and now - self.last < _PLAIN_EVERY_S:
            return
        self.last = now
        self.console.print(f"  {self.label}: {eta_text(done, total, now - self.t0)}", highlight=False)


class _LiveCounter:
    def __init__(self, console: Console, label: str) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.progress = Progress(
            TextColumn(label),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self.task = None
        self.t0 = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task(self.progress.columns[0].text_format, total=total, rate="")
        elapsed = time.perf_counter() - self.t0
        self.progress.update(self.task, completed=done, rate=f"{done / elapsed:,.0f}/s" if elapsed > 0 else "")
        if done >= total:
            self.progress.stop()
