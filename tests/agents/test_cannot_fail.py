"""Tests that cannot fail: one pool (counted + test-only dropped placeholder tests), per test project."""

from __future__ import annotations

from dwagent.agents.verdict.cannot_fail import cannot_fail_tests


def _f(fid: str, file: str, category: str = "placeholder-test", suppression=None, challenge: str = "") -> dict:
    review = [{"challenge": challenge}] if challenge else []
    return {"id": fid, "file": file, "category": category, "suppression": suppression, "review": review}


PATHS = [
    "src/Shop/Shop.csproj",
    "tests/Shop.Tests/Shop.Tests.csproj",
    "tests/Shop.Tests/CartTests.cs",
    "tests/Billing.Tests/Billing.Tests.csproj",
    "tests/Billing.Tests/InvoiceTests.cs",
    "py/tests/test_cart.py",
]


def test_counted_and_test_only_dropped_per_test_project():
    findings = [
        _f("a", "tests/Shop.Tests/CartTests.cs"),
        _f("b", "tests/Shop.Tests/CartTests.cs"),
        _f("c", "tests/Billing.Tests/InvoiceTests.cs", suppression={"kind": "certifier-baseline"}),  # accepted: not counted
        _f("d", "tests/Shop.Tests/CartTests.cs", category="todo-marker"),
    ]
    dropped = [
        _f("e", "tests/Billing.Tests/InvoiceTests.cs", challenge="test-only"),
        _f("f", "tests/Billing.Tests/InvoiceTests.cs", challenge="unreachable"),  # dropped for another reason
        _f("g", "py/tests/test_cart.py", challenge="test-only"),
    ]
    got = cannot_fail_tests(findings, dropped, PATHS)
    assert got.ids == ("a", "b", "e", "g")
    assert got.by_project == {"Shop.Tests": 2, "Billing.Tests": 1, "py": 1}
    assert got.total == sum(got.by_project.values()) == 4
    assert got.as_dict() == {"total": 4, "by_project": {"Shop.Tests": 2, "Billing.Tests": 1, "py": 1}}


def test_nothing_to_count():
    assert cannot_fail_tests([], [], PATHS).as_dict() == {"total": 0, "by_project": {}}
