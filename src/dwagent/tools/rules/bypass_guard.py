"""How a security bypass is gated: the language-neutral half of guard judgement.

A rule collects the conditions that dominate its bypass (with the polarity of the branch it sits
in) and a way to look up an option's declared default; `judge_branches` reads each condition
with `guard_atom` and returns the innermost restriction; `guard_severity` turns it into a
severity and a message suffix. Used by the C# and Python TLS-bypass rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from dwagent.tools.rules.guard_conditions import guard_atom


@dataclass(frozen=True)
class BypassGuard:
    """How a security bypass is gated, read from its enclosing conditions with their polarity.

    kind: `none` (unconditional), `development` (dev/debug only), `environment` (an environment
    variable decides), `option-safe` (an opt-out option whose default keeps the check on),
    `option-unsafe` (the default turns the bypass on), `option-unknown` (default declared
    elsewhere: `option` and `bypass_when` let the engine resolve it), `other` (a condition that
    is not an opt-out, e.g. `if (useTls)` or a connection-state check: the bypass runs whenever
    that path does).
    """

    kind: str
    text: str = ""
    option: str = ""
    bypass_when: str = ""
    default: str = ""


def judge_branches(branches: Iterable[tuple[str, bool]], default_of: Callable[[str], str | None]) -> BypassGuard:
    """The innermost (first) branch condition that restricts the bypass. `default_of(option)` is
    'true'/'false' for an option declared with a literal default, None when unknown."""
    others = []
    for cond_text, polarity in branches:
        atom = guard_atom(cond_text, polarity)
        if atom is None:
            others.append(cond_text)
            continue
        if atom.kind != "option":
            return BypassGuard(atom.kind, atom.text)
        safe = "true" if atom.safe_default else "false"
        bypass_when = "false" if atom.safe_default else "true"
        default = default_of(atom.option)
        if default is None:
            return BypassGuard("option-unknown", atom.text, atom.option, bypass_when)
        kind = "option-safe" if default == safe else "option-unsafe"
        return BypassGuard(kind, atom.text, atom.option, bypass_when, default)
    if others:
        return BypassGuard("other", others[0])
    return BypassGuard("none")


def guard_severity(guard: BypassGuard, base: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    """(severity, message suffix, finding properties) for a bypass gated by `guard`.

    Unconditional: `base`. Opt-out option whose default keeps the check: low. Development/debug
    only: low. Environment variable: medium. Option defaulting to the bypass: `base`. Option with
    its default elsewhere: medium until the engine resolves it (properties `option`, `bypass_when`).
    Any other condition: one step below `base` (critical -> high) -- it narrows when the code
    runs but nobody opted out of verification."""
    if guard.kind == "none":
        return base, " unconditionally", ()
    if guard.kind == "development":
        return "low", f" only in development/debug (`{guard.text[:60]}`)", ()
    if guard.kind == "environment":
        return "medium", f" when an environment setting says so (`{guard.text[:60]}`)", ()
    if guard.kind == "option-safe":
        return (
            "low",
            (f" only when option `{guard.option}` is set to {guard.bypass_when} (default {guard.default}, so validation is on by default)"),
            (),
        )
    if guard.kind == "option-unsafe":
        return base, f" behind option `{guard.option}`, whose default {guard.default} turns the bypass on", ()
    if guard.kind == "option-unknown":
        return (
            "medium",
            f" when option `{guard.option}` is {guard.bypass_when} (default not declared in this file)",
            (("option", guard.option), ("bypass_when", guard.bypass_when)),
        )
    lowered = {"critical": "high", "high": "high", "medium": "medium"}.get(base, base)
    return lowered, (f" whenever `{guard.text[:60]}` holds -- a condition, not an opt-out of verification"), ()
