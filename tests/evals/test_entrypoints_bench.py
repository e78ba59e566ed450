"""The entry-point bench's scoring, and the shape of the real-corpus labels it scores against."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from dwagent.evals.bench.entrypoints_bench import score_design, score_inventory

REAL = Path(__file__).resolve().parents[2] / "evals" / "real"
KEYS = {"path", "line", "line_sha1", "kind", "bind", "tls", "auth", "reason"}


def _ep(file, line, bind="any", tls="none", auth="none"):
    return {"file": file, "line": line, "bind": bind, "tls": tls, "auth": auth}


def _lab(path, line, bind="any", tls="none", auth="none"):
    return {"path": path, "line": line, "kind": "tcp-listener", "bind": bind, "tls": tls, "auth": auth}


def test_inventory_recall_and_status():
    inv = [_ep("a.cs", 3), _ep("b.cs", 9, auth="required"), _ep("extra.cs", 1)]
    labels = [_lab("a.cs", 3), _lab("b.cs", 9), _lab("c.cs", 4)]
    s = score_inventory(inv, labels)
    assert (s["found"], s["recall"], s["status_right"], s["status"]) == (2, 0.6667, 1, 0.5)
    assert s["missed"] == ["c.cs:4 tcp-listener"] and len(s["wrong_status"]) == 1


def test_design_precision_counts_only_labelled_design_rules():
    findings = [
        {"rule": "DWA-360", "file": "a.cs", "start_line": 3},
        {"rule": "DWA-363", "file": "a.cs", "start_line": 9},
        {"rule": "DWA-101", "file": "a.cs", "start_line": 1},
        {"rule": "DWA-361", "file": "z.cs", "start_line": 2},
    ]
    labels = [{"rule": "DWA-360", "path": "a.cs", "line": 3, "label": "TP"}, {"rule": "DWA-363", "path": "a.cs", "line": 9, "label": "FP"}]
    s = score_design(findings, labels)
    assert (s["tp"], s["fp"], s["precision"]) == (1, 1, 0.5) and s["unlabelled"] == ["DWA-361 z.cs:2"]


@pytest.mark.parametrize("name", sorted(p.name for p in REAL.glob("entrypoints-*.yaml")))
def test_entrypoint_labels_are_complete(name):
    data = yaml.safe_load((REAL / name).read_text(encoding="utf-8"))
    assert data["entry_points"], name
    for e in data["entry_points"]:
        assert KEYS <= set(e), e
        assert re.fullmatch(r"[0-9a-f]{40}", e["line_sha1"]) and e["reason"].strip()
    sites = [(e["path"], e["line"]) for e in data["entry_points"]]
    assert len(sites) == len(set(sites)), "an entry point is listed twice"


@pytest.mark.parametrize("name", sorted(p.name for p in REAL.glob("design-*.yaml")))
def test_design_labels_are_complete(name):
    data = yaml.safe_load((REAL / name).read_text(encoding="utf-8"))
    for f in data["findings"]:
        assert f["label"] in ("TP", "FP") and f["reason"].strip() and re.fullmatch(r"[0-9a-f]{40}", f["line_sha1"])
