"""A fact whose source nobody re-read is never presented as checked."""

from __future__ import annotations

import datetime as dt

from dwagent.competitors.prose import Citer


def test_unchecked_fact_is_marked_where_cited():
    from types import SimpleNamespace

    c = Citer()
    checked = SimpleNamespace(statement="A", source="https://a.example", as_of=dt.date(2025, 1, 2), checked=dt.date(2026, 12, 8))
    unchecked = SimpleNamespace(statement="B", source="https://b.example", as_of=dt.date(2024, 3, 4), checked=None)
    assert c.fact(checked) == "[1]"
    assert c.fact(unchecked) == "[2]"
    assert c.entries == [("A", "https://a.example", "2025-01-02"), ("B", "https://b.example", "2024-03-04; not re-checked against the source")]
