"""Suppressions mark findings (never drop them); only the certifier baseline accepts for certification."""

from __future__ import annotations

import json

import pytest

from dwagent.errors import InputError
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.engine import scan_file
from dwagent.tools.rules.suppress import apply_suppressions, baseline_document, load_baseline

SRC = """class C {
    void A(System.Net.Http.HttpClientHandler h) {
        // dwagent-ignore DWA-101: lab network only, pinned by firewall
        h.ServerCertificateCustomValidationCallback = (a, b, c, d) => true;
        h.ServerCertificateCustomValidationCallback = (a, b, c, d) => true; // dwagent-ignore DWA-102: wrong id
        h.ServerCertificateCustomValidationCallback = (a, b, c, d) => true; // dwagent-ignore DWA-102, DWA-101
    }
}
"""


def _findings():
    return scan_file(FileContext("src/C.cs", "csharp", "production", SRC.encode()), ["DWA-101"])


def test_inline_comment_on_line_or_line_above_with_matching_id():
    found = _findings()
    assert [f.start_line for f in found] == [4, 5, 6]
    first, wrong_id, listed = found
    assert first.suppression.kind == "inline"
    assert first.suppression.justification == "lab network only, pinned by firewall"
    assert first.suppression.location == "src/C.cs:3"
    assert wrong_id.suppression is None
    assert listed.suppression is not None and listed.suppression.justification == "(no reason given)"


def test_baselines_mark_and_certifier_baseline_wins(tmp_path):
    found = _findings()
    team = tmp_path / "team.json"
    team.write_text(json.dumps(baseline_document([found[1]], "known issue")), encoding="utf-8")
    cert = {found[0].fingerprint: "accepted by certifier"}
    marked = apply_suppressions(found, None, baseline=team, certifier_baseline=cert)
    assert len(marked) == 3  # nothing dropped
    assert marked[0].suppression.kind == "certifier-baseline"
    assert marked[1].suppression.kind == "baseline" and marked[1].suppression.justification == "known issue"
    assert marked[2].suppression.kind == "inline"


def test_inline_read_from_disk_when_root_given(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src/C.cs").write_text(SRC, encoding="utf-8")
    bare = [f.model_copy(update={"suppression": None}) for f in _findings()]
    marked = apply_suppressions(bare, tmp_path)
    assert [f.suppression.kind if f.suppression else None for f in marked] == ["inline", None, "inline"]


@pytest.mark.parametrize("content", ["{not json", '{"suppressions": 3}', '[{"rule": "DWA-101"}]'])
def test_malformed_baseline_is_a_clear_error(tmp_path, content):
    p = tmp_path / "b.json"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError):
        load_baseline(p)


def test_missing_baseline_is_a_clear_error(tmp_path):
    with pytest.raises(InputError) as err:
        load_baseline(tmp_path / "absent.json")
    assert "absent.json" in err.value.message
