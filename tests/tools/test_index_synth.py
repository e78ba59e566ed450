"""The synthetic corpus: deterministic, parses cleanly, and its manifest is true of the tree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dwagent.evals.synth.generate import MANIFEST, generate
from dwagent.tools.index import build_index, open_index


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "tree"
    manifest = generate(out, lines=30_000, seed=3)
    db = tmp_path_factory.mktemp("db")
    summary = build_index(out, index_dir=db)
    return out, manifest, db, summary


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    generate(a, lines=8_000, seed=11)
    generate(b, lines=8_000, seed=11)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert all((a / p).read_bytes() == (b / p).read_bytes() for p in files_a)


def test_size_close_to_request_and_parses_cleanly(synth) -> None:
    out, manifest, db, summary = synth
    assert 0.9 * 30_000 <= manifest["lines"] <= 1.15 * 30_000
    assert summary.parse_errors == 0
    assert summary.files_by_language["csharp"] == manifest["cs_files"]
    assert summary.skips_by_reason == {"ignored": 1}  # the manifest, via the tree's .gitignore
    assert (out / MANIFEST).is_file()


def test_planted_defects_are_where_the_manifest_says(synth) -> None:
    out, manifest, _, _ = synth
    categories = {d["category"] for d in manifest["defects"]}
    assert categories == {"tls-bypass", "todo-marker", "not-implemented", "sync-over-async", "empty-catch", "hardcoded-secret"}
    for d in manifest["defects"]:
        line = (out / d["file"]).read_text().splitlines()[d["line"] - 1]
        assert line.strip() == d["excerpt"]


def test_defect_shapes_appear_only_where_planted(synth) -> None:
    out, manifest, _, _ = synth
    planted = {(d["file"], d["line"]) for d in manifest["defects"]}
    planted |= {(n["file"], n["line"]) for n in manifest["negatives"]}
    for path in out.rglob("*.cs"):
        rel = path.relative_to(out).as_posix()
        for i, line in enumerate(path.read_text().splitlines(), 1):
            if any(
                marker in line for marker in ("TODO", "FIXME", "HACK", "NotImplementedException", ".Result;", "=> true;", "Password=", "sk_live_")
            ):
                assert (rel, i) in planted, f"{rel}:{i}: {line.strip()}"


def test_unwired_classes_have_no_references_and_wired_ones_do(synth) -> None:
    out, manifest, db, _ = synth
    unwired = {u["class"].rsplit(".", 1)[1] for u in manifest["unwired"]}
    assert unwired
    with open_index(out, db) as store:
        for name in unwired:
            uses = store.conn.execute(
                "SELECT COUNT(*) FROM refs WHERE name = ? AND kind IN ('new','ident','generic_arg','typeof','base')", (name,)
            ).fetchone()[0]
            assert uses == 0, name
        # services are wired through AddSingleton<I, T>() type arguments
        wired = store.conn.execute("SELECT COUNT(*) FROM refs WHERE kind = 'generic_arg' AND receiver = 'AddSingleton'").fetchone()[0]
        assert wired > 0


def test_orphan_topics_match_the_bus_calls(synth) -> None:
    out, manifest, db, _ = synth
    with open_index(out, db) as store:
        published = {r[0] for r in store.conn.execute("SELECT arg0 FROM refs WHERE kind = 'invoke' AND name = 'PublishAsync'")}
        subscribed = {r[0] for r in store.conn.execute("SELECT arg0 FROM refs WHERE kind = 'invoke' AND name = 'Subscribe'")}
    orphans = {o["const"]: o["kind"] for o in manifest["orphan_topics"]}
    assert orphans
    for topic in manifest["topics"]:
        const = topic["const"]
        is_pub, is_sub = const in published, const in subscribed
        if const in orphans:
            assert is_pub != is_sub
            assert orphans[const] == ("published-never-subscribed" if is_pub else "subscribed-never-published")
        else:
            assert is_pub and is_sub, const


def test_manifest_is_json_sorted(synth) -> None:
    out, manifest, _, _ = synth
    on_disk = json.loads((out / MANIFEST).read_text())
    assert on_disk == json.loads(json.dumps(manifest))
