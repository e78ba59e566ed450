"""What a tier's promise is judged on: the code that tier runs, not the whole tree.

A promise ("encryption at rest and in transit") is broken only by findings in code the tier
uses: the components the rubric names for the promise (`paths`), and the production code that
reads an option the tier's preset (or a preset it starts from) sets, i.e. what the preset turns
on: the options matching `options`, or every option the preset sets when the promise names no
`paths` (with `paths` and no `options`, the components alone are the scope). `paths: ["**"]` says the
promise covers every production file ("secrets never leak"). A promise whose scope is empty
rests on nothing and is NOT VERIFIED, never a PASS; a tier with neither a preset nor paths is
judged tree-wide and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dwagent.agents.inputs.globs import match_ident, match_path
from dwagent.agents.verdict.cells import absence, code_evidence
from dwagent.agents.verdict.policy import at_least, counts
from dwagent.models import Evidence
from dwagent.rubric.schema import Tier, TierBreak

MAX_CITED_READS = 3  # option read sites cited per promise


@dataclass
class Scope:
    """The files a promise is judged on (None: every file), how they were found, and the evidence."""

    files: set[str] | None
    described: str
    evidence: list[Evidence] = field(default_factory=list)

    def holds(self, path: str) -> bool:
        return self.files is None or path in self.files


def enabled_reads(sites: list | None, chain_scopes: set[str], production: set[str], option_globs: tuple[str, ...] = ()) -> list:
    """Production read sites (outside preset factories) of the options the preset chain sets,
    sorted (file, line); `option_globs` narrows the options (matched on the property name)."""
    if not sites or not chain_scopes:
        return []
    setters = {s.scope for s in sites if s.kind == "set"}
    enabled = {
        s.option
        for s in sites
        if s.kind == "set" and s.scope in chain_scopes and (not option_globs or match_ident(option_globs, s.option.rsplit(".", 1)[-1]))
    }
    reads = [s for s in sites if s.kind == "read" and s.option in enabled and s.file in production and s.scope not in setters]
    return sorted(reads, key=lambda s: (s.file, s.line, s.option))


def promise_scope(sources, tier: Tier, brk: TierBreak, production: set[str], reads: list) -> Scope:
    """The scope of one promise of the tier (see the module docstring). `reads`: the production
    read sites of every option the tier's preset chain sets (enabled_reads without globs)."""
    if "**" in brk.paths:
        return Scope(None, f"every production file ({len(production)}): the promise covers the whole tree")
    if not brk.paths and tier.preset is None:
        return Scope(None, f"every production file ({len(production)}): the rubric scopes this promise to no component and names no preset")
    files = {p for p in production if brk.paths and match_path(brk.paths, p)}
    parts = [f"{len(files)} file(s) of the components named for the promise"] if brk.paths else []
    mine = [s for s in reads if not brk.options or match_ident(brk.options, s.option.rsplit(".", 1)[-1])]
    evidence: list[Evidence] = []
    if tier.preset is not None and (brk.options or not brk.paths):
        readers = {s.file for s in mine}
        extra = readers - files
        files |= readers
        opts = sorted({s.option.rsplit(".", 2)[-2] + "." + s.option.rsplit(".", 1)[-1] if s.option.count(".") else s.option for s in mine})
        shown = ", ".join(opts[:4]) + (f" +{len(opts) - 4} more" if len(opts) > 4 else "")
        parts.append(
            f"{len(readers)} file(s) reading option(s) the preset sets ({shown})"
            + (f", {len(extra)} of them outside those components" if brk.paths else "")
            if readers
            else "no production code reads an option the preset sets" + (f" matching {', '.join(brk.options)}" if brk.options else "")
        )
        for s in mine[:MAX_CITED_READS]:
            evidence.append(
                code_evidence(sources, s.file, s.line, note=f"tier {tier.id}: reads {s.option.rsplit('.', 1)[-1]}, which its preset sets")
            )
    return Scope(files, "; ".join(parts), evidence)


def judge_promises(sources, tier: Tier, findings: list[dict], production: set[str], reads: list, ran: set[str] | None):
    """(cell fields, evidence) for the tier's promises cell: FAIL on counted findings of a
    promise's categories inside its scope; NOT VERIFIED when a promise has no scope or no rule
    that could break it ran; else PASS naming what was searched."""
    broken: list[str] = []
    ids: list[str] = []
    unverified: list[str] = []
    searched: list[str] = []
    evidence: list[Evidence] = []
    for brk in tier.breaks:
        scope = promise_scope(sources, tier, brk, production, reads)
        evidence.extend(scope.evidence)
        if scope.files is not None and not scope.files:
            unverified.append(f"{brk.promise}: no code in scope ({scope.described})")
            continue
        hits = [
            f
            for f in findings
            if f["category"] in brk.categories and counts(f) and at_least(f["severity"], brk.min_severity) and scope.holds(f["file"])
        ]
        outside = sum(
            1
            for f in findings
            if f["category"] in brk.categories and counts(f) and at_least(f["severity"], brk.min_severity) and not scope.holds(f["file"])
        )
        note = f" ({outside} more outside the tier's scope not counted)" if outside else ""
        if hits:
            broken.append(f"{brk.promise} ({len(hits)} in {scope.described}){note}")
            ids.extend(f["id"] for f in hits)
        elif ran is not None and not set(brk.categories) & ran:
            unverified.append(f"{brk.promise}: no rule that could break it ran")
        else:
            ev = absence(
                f"{tier.id}/{brk.promise}",
                f"no counted {', '.join(brk.categories)} finding at {brk.min_severity} or worse in {scope.described}{note}",
            )
            evidence.append(ev)
            searched.append(f"{brk.promise}: none in {scope.described}{note}")
    return broken, ids, unverified, searched, evidence
