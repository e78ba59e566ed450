"""Rubric loading: the shipped rubrics validate, and bad rubrics fail with file, key and reason."""

from __future__ import annotations

import pytest

from dwagent.errors import DwagentError
from dwagent.rubric.loader import load_rubric, parse_rubric


def test_shipped_rubrics_load():
    dw = load_rubric("dw").rubric
    assert (len(dw.domains), len(dw.tiers), len(dw.flows)) == (17, 7, 10)
    generic = load_rubric("generic").rubric
    assert generic.derive_domains and generic.gates


def test_rubric_hash_is_of_the_bytes(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("name: x\nderive_domains: true\n")
    a = load_rubric(str(path)).sha256
    path.write_text("name: x\nderive_domains: true\n# changed\n")
    assert load_rubric(str(path)).sha256 != a


@pytest.mark.parametrize(
    "text, where, what",
    [
        ("name: x\ndomains:\n - {id: Bad Id, name: a, paths: [x]}\n", "domains[0].id", "lower-case"),
        ("name: x\nderive_domains: true\ngates:\n - {id: a, kind: threshold, metric: tests}\n", "gates[0]", "needs 'min' or 'max'"),
        ("name: x\nderive_domains: true\ngates:\n - {id: a, kind: bogus}\n", "gates[0]", "command"),
        (
            "name: x\ndomains:\n - {id: a, name: a, paths: [x], checks: [{kind: no-findings, categories: [nope]}]}\n",
            "domains[0].checks[0].categories",
            "unknown categories",
        ),
        ("name: x\ndomains:\n - {id: a, name: a, checks: []}\n", "domains[0]", "needs at least one of"),
        ("name: x\nderive_domains: true\npolicy: {block_at: medium, condition_at: high}\n", "policy", "condition_at"),
        (
            "name: x\nderive_domains: true\ngates:\n - {id: b, kind: command, command: [x], requires: x, on_not_run: note}\n",
            "gates[0].on_not_run",
            "'block' or 'condition'",
        ),
        ("name: x\nderive_domains: true\nbogus_key: 1\n", "bogus_key", "Extra inputs"),
        ("name: x\n", "(top level)", "'domains' or 'derive_domains"),
        ("name: x\ndomains:\n - {id: a, name: a, paths: [x], checks: [{kind: flows-pass, flows: [nope]}]}\n", "(top level)", "unknown flows"),
    ],
)
def test_validation_errors_name_the_file_the_key_and_the_expectation(text, where, what):
    with pytest.raises(DwagentError) as info:
        parse_rubric(text, "my.yaml")
    assert info.value.message.startswith(f"my.yaml: {where}:"), info.value.message
    assert what in info.value.message
    assert info.value.hint


def test_not_yaml_and_not_a_mapping():
    with pytest.raises(DwagentError, match="not valid YAML"):
        parse_rubric("name: [unclosed", "r.yaml")
    with pytest.raises(DwagentError, match="mapping at the top level"):
        parse_rubric("- a\n- b\n", "r.yaml")


def test_unknown_builtin_or_missing_file():
    with pytest.raises(DwagentError, match="neither a built-in rubric nor a readable file"):
        load_rubric("no-such-rubric")


def test_a_graph_overlay_typo_fails_at_load_time(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("name: x\nderive_domains: true\ngraph: {publish_methodz: [A]}\n")
    with pytest.raises(DwagentError, match="graph: unknown graph setting"):
        load_rubric(str(path))
