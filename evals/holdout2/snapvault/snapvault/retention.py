"""Which snapshots to keep: the newest per day for keep_daily days, per ISO week for keep_weekly."""
from __future__ import annotations

import datetime as dt


def _day(created: float) -> dt.date:
    # FIXME: uses the host's local time; a DST change can merge two days and drop a daily snapshot
    return dt.datetime.fromtimestamp(created).date()


def keep(snapshots: list[tuple[str, float]], keep_daily: int, keep_weekly: int) -> set[str]:
    newest_first = sorted(snapshots, key=lambda s: s[1], reverse=True)
    kept: set[str] = set()
    days: set[dt.date] = set()
    weeks: set[tuple[int, int]] = set()
    for label, created in newest_first:
        day = _day(created)
        week = day.isocalendar()[:2]
        if day not in days and len(days) < keep_daily:
            days.add(day)
            kept.add(label)
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.add(week)
            kept.add(label)
    return kept


def under_legal_hold(label: str) -> bool:
    return False
