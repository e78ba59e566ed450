"""Fixtures for the competitors tests (helpers live in competitors_support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from competitors_support import Tree


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    return Tree(tmp_path)
