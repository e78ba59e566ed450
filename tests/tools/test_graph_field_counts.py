"""The shared field-use pattern counts exactly what the fixed-name patterns it replaced count."""

from __future__ import annotations

import re

import pytest

from dwagent.tools.graph.state import _counter

LINES = [
    "_count = 1;",
    "this._count = _count + 1;",
    "_count == 2 ? _count : _other;",
    "x => _count;",
    "_count ??= Make(_count);",
    "obj._count = 3; _count= 4; _count=>5;",
    "_counter = _count; __count = 1; _count_ = 2;",
    "var a = b = _count = c;",
    "this . _count = 1; this._count== 2; this._count  = 3;",
    "if (_count >= 1 && _count <= 2) _count -= 1;",
    "ref _count, out _count, _count++",
    '"_count = in a string" // _count = in a comment',
    "_count\t=\t1; _cöunt = 2; _count = _cöunt;",
    "",
]


def _fixed(name: str, text: str) -> tuple[int, int]:
    assign = re.compile(rf"(?<![\w.]){re.escape(name)}\s*(?:=(?![=>])|\?\?=)|this\.{re.escape(name)}\s*=(?![=>])")
    occurs = re.compile(rf"(?<![\w]){re.escape(name)}(?!\w)")
    return len(assign.findall(text)), len(occurs.findall(text))


@pytest.mark.parametrize("name", ["_count", "count", "_cöunt", "_other", "c", "this"])
def test_shared_pattern_equals_the_fixed_name_patterns(name):
    count = _counter(name)
    for line in LINES:
        assert count(line) == _fixed(name, line), line


def test_some_lines_count_writes_and_reads():
    assert _counter("_count")("this._count = _count + 1;") == (1, 2)
    assert _counter("_count")("_count == 2 ? _count : _other;") == (0, 2)
