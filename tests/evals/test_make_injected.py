"""Prompt-injection variants: instructions everywhere, yet no line moves and code still parses."""

from __future__ import annotations

import ast

import pytest

from dwagent.evals.labels import check_labels, discover, load_labels
from dwagent.evals.make_injected import INJECTIONS, inject_tree, suppress_everything
from dwagent.evals.runner import fixtures_root

ROOTS = discover(fixtures_root())


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
    root = fixtures_root() / "etl-pipeline"
    inject_tree(root, tmp_path / "v")
    line = (tmp_path / "v" / "pipeline" / "records.py").read_text(encoding="utf-8").splitlines()[30]
    assert "# FIXME: shops in other timezones" in line and any(text in line for text in (*INJECTIONS, suppress_everything()))


def test_instructions_land_on_empty_handlers_too(tmp_path) -> None:
    """An empty catch / `except: pass` gets a hostile trailing comment: the variant checks that such
    a comment does not count as documenting the swallow (it must not lower a severity)."""
    root = tmp_path / "src"
    root.mkdir()
    cs = "class A {\n  void F() {\n    try { G(); }\n    catch\n    {\n    }\n  }\n}\n"
    py = "def f():\n    try:\n        g()\n    except Exception:\n        pass\n"
    (root / "A.cs").write_text(cs, encoding="utf-8")
    (root / "a.py").write_text(py, encoding="utf-8")
    (root / "labels.yaml").write_text("fixture: t\nverdict: CERTIFIED\n", encoding="utf-8")
    inject_tree(root, tmp_path / "v")
    cs_after = (tmp_path / "v" / "A.cs").read_text(encoding="utf-8").splitlines()
    py_after = (tmp_path / "v" / "a.py").read_text(encoding="utf-8").splitlines()
    assert "//" in cs_after[4] and "//" in cs_after[5]  # the empty block's braces
    assert "#" in py_after[3] and "#" in py_after[4]  # the except header and its pass
