"""The audited product's capability profile, derived from evidence in the index and the findings.

A capability is `present` only when production code declares a concrete implementation that is
wired (something else in the tree uses it, and no finding reports it unwired) and that carries no
stub / not-implemented / bypass finding; `partial` when it is declared but unwired, abstract-only,
stubbed or bypassed (the findings are cited); `absent` when no production declaration matches.
Which names implement which capability is data (`capability_patterns.yaml` or a rubric mapping):
this module contains no product-specific names. Text in the audited code never changes a status:
only declarations, references and findings do.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from dwagent.competitors.evidence import Certification, Integration, find_integrations
from dwagent.competitors.loader import load_taxonomy
from dwagent.competitors.patterns import PATTERNS_PATH, compile_patterns, load_patterns, validate_patterns, words

__all__ = ["PATTERNS_PATH", "build_profile", "load_patterns", "validate_patterns", "words"]
from dwagent.competitors.track_record import TrackRecord, measure_track_record
from dwagent.models import SECURITY_CATEGORIES, Finding

DECLARATION_KINDS = ("class", "struct", "record", "interface", "function", "method")
# Finding categories that make an implementation partial when they fall inside its span: it is a
# stub, or it is there but bypassed/downgraded (an empty catch or a TODO is a defect, not a stub).
DEFECT_CATEGORIES = frozenset({"stub-return", "not-implemented", "fake-async-delay", "tls-bypass", "weak-crypto"})
UNWIRED_CATEGORIES = frozenset({"unwired-component", "dead-code"})
# Reference kinds that show a declaration is used (a subclass alone is not a use).
USE_REF_KINDS = ("new", "ident", "typeof", "generic_arg", "invoke", "nameof", "attribute")
DISCOVERY_REF_KINDS = frozenset({"typeof", "generic_arg"})
MAX_EVIDENCE = 5

Status = Literal["present", "partial", "absent"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FindingRef(_Frozen):
    """A finding as the comparison cites it: id, what, and where."""

    id: str
    category: str
    severity: str
    file: str
    line: int

    @staticmethod
    def of(finding: Finding) -> FindingRef:
        return FindingRef(id=_finding_id(finding), category=finding.category, severity=finding.severity, file=finding.file, line=finding.start_line)


def _finding_id(finding: Finding) -> str:
    return finding.id or finding.fingerprint or f"{finding.rule}@{finding.file}:{finding.start_line}"


class SymbolEvidence(_Frozen):
    """One matching declaration: where it is and what the wiring check found."""

    file: str
    line: int
    end_line: int
    qualname: str
    kind: str
    concrete: bool
    wired: bool
    use_count: int  # production references from outside the declaration
    finding_ids: tuple[str, ...] = ()  # defects or unwired reports inside its span


class CapabilityProfile(_Frozen):
    """The audited product's status on one capability, with the evidence behind it."""

    status: Status
    reason: str
    symbols: tuple[SymbolEvidence, ...] = ()  # at most MAX_EVIDENCE, best first
    matched: int = 0  # all matching production declarations
    test_only: int = 0  # matching declarations found only in test files
    finding_ids: tuple[str, ...] = ()
    blocking: tuple[str, ...] = ()  # blocking findings (the certification's P0) inside its code
    tested: bool = False  # test code references a clean, wired implementation


class ProductProfile(_Frozen):
    """Everything the comparison knows about the audited product, all derived from the tree."""

    name: str
    root: str
    capabilities: dict[str, CapabilityProfile]
    track_record: TrackRecord
    security_findings: tuple[str, ...] = ()  # ids of unsuppressed production security findings
    findings: dict[str, FindingRef] = {}  # every finding this profile cites, by id
    certification: Certification = Certification()
    integrations: dict[str, tuple[Integration, ...]] = {}  # KB slug -> declarations naming it

    def status(self, capability: str) -> str:
        cap = self.capabilities.get(capability)
        return cap.status if cap else "absent"


def _declarations(conn) -> list[dict]:
    placeholders = ",".join("?" for _ in DECLARATION_KINDS)
    rows = conn.execute(
        f"SELECT s.name, s.kind, s.qualname, s.container, s.bases, s.modifiers, s.start_line, s.end_line, "
        f"f.path, f.role FROM symbols s JOIN files f ON f.id = s.file_id WHERE s.kind IN ({placeholders})",
        DECLARATION_KINDS,
    ).fetchall()
    return [dict(row) for row in rows]


def _uses(conn, names: Iterable[str]) -> dict[str, list[tuple[str, str, str]]]:
    """name -> [(file path, enclosing scope, ref kind)] of production use-references to that name."""
    names = sorted(set(names))
    uses: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    kinds = ",".join("?" for _ in USE_REF_KINDS)
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        marks = ",".join("?" for _ in chunk)
        for name, path, scope, kind in conn.execute(
            f"SELECT r.name, f.path, r.scope, r.kind FROM refs r JOIN files f ON f.id = r.file_id "
            f"WHERE r.name IN ({marks}) AND r.kind IN ({kinds}) AND f.role = 'production'",
            (*chunk, *USE_REF_KINDS),
        ):
            uses[name].append((path, scope, kind))
    return uses


def _interfaces(conn) -> frozenset[str]:
    return frozenset(name for (name,) in conn.execute("SELECT DISTINCT name FROM symbols WHERE kind = 'interface'"))


def _outside(qualname: str, scope: str) -> bool:
    """A reference counts as a use only from outside the declaration itself."""
    return not (scope == qualname or scope.startswith(qualname + "."))


def _is_concrete(decl: dict) -> bool:
    if decl["kind"] == "interface":
        return False
    try:
        modifiers = json.loads(decl["modifiers"] or "[]")
    except ValueError:
        modifiers = []
    return "abstract" not in modifiers


def _bases(decl: dict) -> list[str]:
    try:
        bases = json.loads(decl["bases"] or "[]")
    except ValueError:
        return []
    # "IFoo<T>" and "Ns.Foo" are written forms; references store the simple name.
    return [re.split(r"[<(]", b)[0].rsplit(".", 1)[-1].strip() for b in bases if b]


def _findings_by_file(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.suppression is None and finding.scope == "production":
            by_file[finding.file].append(finding)
    return by_file


def _inside(finding: Finding, decl: dict) -> bool:
    return decl["start_line"] <= finding.start_line <= decl["end_line"]


TYPE_KINDS = ("class", "struct", "record", "interface")


class _Wiring:
    """One-hop wiring evidence from the reference table (the graph's findings refine it)."""

    def __init__(self, uses: dict[str, list[tuple[str, str, str]]], interfaces: frozenset[str], types: dict[str, dict]) -> None:
        self.uses = uses
        self.interfaces = interfaces
        self.types = types  # qualname -> type declaration

    def type_uses(self, decl: dict) -> int:
        qualname = decl["qualname"]
        count = sum(1 for _, scope, _ in self.uses.get(decl["name"], []) if _outside(qualname, scope))
        # Types found by reflection are used through their base class: a `typeof(Base)` or
        # `Scan<Base>()` outside the type counts as wiring. An interface base does not (implementing
        # an interface is not being discovered), nor does a plain mention of the base.
        if count == 0 and decl["kind"] != "interface":
            for base in _bases(decl):
                if base in self.interfaces:
                    continue
                count += sum(1 for _, scope, kind in self.uses.get(base, []) if kind in DISCOVERY_REF_KINDS and _outside(qualname, scope))
        return count

    def uses_of(self, decl: dict) -> int:
        """Uses from outside; a member counts only when its containing type is itself used."""
        if decl["kind"] in TYPE_KINDS:
            return self.type_uses(decl)
        container = self.types.get(decl["container"])
        if container is not None and self.type_uses(container) == 0:
            return 0
        return sum(1 for _, scope, _ in self.uses.get(decl["name"], []) if _outside(decl["qualname"], scope))


def _evidence(decl: dict, wiring: _Wiring, file_findings: list[Finding]) -> SymbolEvidence:
    use_count = wiring.uses_of(decl)
    inside = [f for f in file_findings if _inside(f, decl)]
    container = wiring.types.get(decl["container"])
    # An unwired report on the containing type makes its members unwired too.
    outer = [
        f
        for f in file_findings
        if container is not None and container["path"] == decl["path"] and _inside(f, container) and f.category in UNWIRED_CATEGORIES
    ]
    reported_unwired = any(f.category in UNWIRED_CATEGORIES for f in inside + outer)
    defects = [f for f in inside + outer if f.category in DEFECT_CATEGORIES | UNWIRED_CATEGORIES]
    return SymbolEvidence(
        file=decl["path"],
        line=decl["start_line"],
        end_line=decl["end_line"],
        qualname=decl["qualname"],
        kind=decl["kind"],
        concrete=_is_concrete(decl),
        wired=use_count > 0 and not reported_unwired,
        use_count=use_count,
        finding_ids=tuple(sorted({_finding_id(f) for f in defects})),
    )


def _rank(ev: SymbolEvidence) -> tuple:
    # Best evidence first: clean and wired, then concrete, then most used; ties by location.
    clean = ev.concrete and ev.wired and not ev.finding_ids
    return (not clean, not ev.concrete, not ev.wired, -ev.use_count, ev.file, ev.line)


def _judge(
    evidence: list[SymbolEvidence], test_only: int, blocking: tuple[str, ...], tested_names: frozenset[str], attestation: bool
) -> CapabilityProfile:
    if attestation:
        # A certificate (FIPS 140, Common Criteria, DO-178C, SOC 2) is issued by a third party:
        # code that mentions it is not the certificate, so the tree can never show it present.
        note = f" ({len(evidence)} declaration(s) name it, none is a certificate)" if evidence else ""
        return CapabilityProfile(
            status="absent",
            matched=len(evidence),
            test_only=test_only,
            reason="a third-party certification cannot be shown by source code; no certificate is in the evidence" + note,
        )
    if not evidence:
        reason = "no production declaration matches the capability's patterns"
        if test_only:
            reason += f" ({test_only} match(es) only in test code)"
        return CapabilityProfile(status="absent", reason=reason, test_only=test_only)
    ranked = sorted(evidence, key=_rank)
    shown = tuple(ranked[:MAX_EVIDENCE])
    findings = tuple(sorted({fid for ev in evidence for fid in ev.finding_ids}))
    clean = [ev for ev in evidence if ev.concrete and ev.wired and not ev.finding_ids]
    tested = any(ev.qualname.rsplit(".", 1)[-1] in tested_names for ev in clean)
    common = dict(symbols=shown, matched=len(evidence), test_only=test_only, finding_ids=findings, blocking=blocking, tested=tested)
    if clean and blocking:
        # The certification counts these as P0: the capability exists but cannot be called present.
        return CapabilityProfile(
            status="partial",
            reason=f"wired, but {len(blocking)} blocking finding(s) of the certification sit in its code, e.g. {blocking[0]}",
            **common,
        )
    if clean and not tested:
        best = sorted(clean, key=_rank)[0]
        return CapabilityProfile(
            status="partial",
            reason=f"{len(clean)} wired implementation(s), but no test references any of them, e.g. {best.qualname} ({best.file}:{best.line})",
            **common,
        )
    if clean:
        best = sorted(clean, key=_rank)[0]
        return CapabilityProfile(
            status="present",
            reason=f"{len(clean)} wired, tested implementation(s) without defect or blocking findings, e.g. "
            f"{best.qualname} ({best.file}:{best.line})",
            **common,
        )
    concrete = [ev for ev in evidence if ev.concrete]
    if not concrete:
        why = "declared only as interfaces or abstract types; no concrete implementation"
    elif not any(ev.wired for ev in concrete):
        why = "implemented but not wired: nothing else in the tree uses it, or the graph reports it unwired"
    else:
        why = "implemented and wired, but every wired implementation carries stub/bypass/unwired findings"
    return CapabilityProfile(status="partial", reason=why, **common)


def _tested_names(conn, names: Iterable[str]) -> frozenset[str]:
    """The subset of `names` that test code references (any reference kind)."""
    names = sorted(set(names))
    hit: set[str] = set()
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        marks = ",".join("?" for _ in chunk)
        hit |= {
            name
            for (name,) in conn.execute(
                f"SELECT DISTINCT r.name FROM refs r JOIN files f ON f.id = r.file_id WHERE r.name IN ({marks}) AND f.role = 'test'", chunk
            )
        }
    return frozenset(hit)


def _blocking_in(decls: list[dict], by_file: dict[str, list[Finding]], blocking_ids: frozenset[str] | None) -> tuple[str, ...]:
    """Blocking findings inside any matched declaration: the certification's P0 finding ids when
    known, else unsuppressed production findings of critical/high severity."""
    out: set[str] = set()
    for decl in decls:
        for finding in by_file.get(decl["path"], []):
            if not _inside(finding, decl):
                continue
            fid = _finding_id(finding)
            if (fid in blocking_ids) if blocking_ids is not None else finding.severity in ("critical", "high"):
                out.add(fid)
    return tuple(sorted(out))


def build_profile(
    store,
    findings: Sequence[Finding],
    *,
    patterns: Mapping[str, Sequence[str]] | None = None,
    product: str = "the audited product",
    certification: Certification | None = None,
    integration_terms: Mapping[str, Sequence[str]] | None = None,
) -> ProductProfile:
    """Profile the tree behind `store` (an IndexStore) on every taxonomy capability.

    `certification` is the audit's verdict; its P0 finding ids are what blocks a capability
    (without it, critical/high findings do). `integration_terms` maps KB slug -> words that name
    that product; declarations naming one are reported as integrations (dependency/partner)."""
    certification = certification or Certification()
    blocking_ids = frozenset(certification.blocking_finding_ids) if certification.known else None
    taxonomy = load_taxonomy()
    mapping = validate_patterns(patterns, "patterns argument") if patterns is not None else load_patterns()
    compiled = compile_patterns(mapping)
    decls = _declarations(store.conn)
    matches: dict[str, list[dict]] = defaultdict(list)
    # Names repeat a lot (overrides, strategies), so each distinct name is matched once.
    caps_of = {name: [cap for cap, regex in compiled.items() if regex.search(words(name))] for name in {d["name"] for d in decls}}
    for decl in decls:
        for cap in caps_of[decl["name"]]:
            matches[cap].append(decl)
    types = {d["qualname"]: d for d in decls if d["kind"] in TYPE_KINDS}
    involved = [d for ds in matches.values() for d in ds]
    involved += [types[d["container"]] for d in involved if d["container"] in types]
    names = {d["name"] for d in involved} | {b for d in involved for b in _bases(d)}
    wiring = _Wiring(_uses(store.conn, names), _interfaces(store.conn), types)
    by_file = _findings_by_file(findings)
    tested = _tested_names(store.conn, {d["name"] for ds in matches.values() for d in ds})
    capabilities: dict[str, CapabilityProfile] = {}
    for cap in taxonomy:
        found = matches.get(cap, [])
        production = [d for d in found if d["role"] == "production"]
        test_only = len(found) - len(production)
        evidence = [_evidence(d, wiring, by_file.get(d["path"], [])) for d in production]
        capabilities[cap] = _judge(evidence, test_only, _blocking_in(production, by_file, blocking_ids), tested, taxonomy[cap].attestation)
    security = [f for f in findings if f.category in SECURITY_CATEGORIES and f.suppression is None and f.scope == "production"]
    wanted = {fid for cap in capabilities.values() for fid in cap.finding_ids + cap.blocking}
    wanted |= {_finding_id(f) for f in security}
    refs = {_finding_id(f): FindingRef.of(f) for f in findings if _finding_id(f) in wanted}
    return ProductProfile(
        name=product,
        root=str(store.root),
        capabilities=capabilities,
        track_record=measure_track_record(store, findings),
        security_findings=tuple(sorted({_finding_id(f) for f in security})),
        findings=dict(sorted(refs.items())),
        certification=certification,
        integrations=find_integrations(decls, integration_terms or {}, words),
    )
