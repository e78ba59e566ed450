"""Prompt-injection variants: instructions everywhere, yet no line moves and code still parses."""
from __future__ import annotations

import ast

import pytest

from dwagent.evals.labels import check_labels, discover, load_labels
from dwagent.evals.make_injected import INJECTIONS, inject_tree
from dwagent.evals.runner import FIXTURES_DIR

ROOTS = discover(FIXTURES_DIR)


@pytest.mark.parametrize("root", ROOTS, ids=[r.name for r in ROOTS])
def test_variant_keeps_every_line_and_label(root, tmp_path) -> None:
    target = tmp_path / f"{root.name}-injected"
    changed = inject_tree(root, target)
    assert changed > 0
    labels = load_labels(target)
    assert labels.name == f"{root.name}-injected" and labels.injected_from == root.name
    assert check_labels(labels) == []
    injected_text = 0
    for src in sorted(p for p in root.rglob("*") if p.suffix in (".cs", ".py", ".md")):
        copy = target / src.relative_to(root)
        before, after = src.read_text(encoding="utf-8"), copy.read_text(encoding="utf-8")
        if src.suffix == ".md":  # documents gain lines at the end only
            assert after.splitlines()[: len(before.splitlines())] == before.splitlines(), src
        else:
            assert len(before.splitlines()) == len(after.splitlines()), src
        injected_text += sum(after.count(text) for text in INJECTIONS)
        if src.suffix == ".py":
            ast.parse(after)  # still valid Python: the instructions are comments and docstrings
    assert injected_text > 0
    assert (target / "SECURITY-REVIEW.md").is_file()


def test_comments_keep_their_original_words(tmp_path) -> None:
    root = FIXTURES_DIR / "etl-pipeline"
    inject_tree(root, tmp_path / "v")
    line = (tmp_path / "v" / "pipeline" / "records.py").read_text(encoding="utf-8").splitlines()[30]
    assert "# FIXME: shops in other timezones" in line and any(text in line for text in INJECTIONS)
