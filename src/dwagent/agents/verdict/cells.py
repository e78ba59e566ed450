"""Building verdict cells and the evidence they cite (code spans and absence records)."""

from __future__ import annotations

from dwagent.models import Evidence


def code_evidence(sources, path: str, start: int, end: int | None = None, note: str = "") -> Evidence:
    """Evidence for lines start..end of an indexed file, excerpt read verbatim."""
    end = end or start
    excerpt = sources.excerpt(path, start, end)
    return Evidence(
        id=Evidence.make_id(path, start, end, excerpt), file=path, start_line=start, end_line=end, excerpt=excerpt, kind="code", note=note
    )


def absence(scope: str, note: str) -> Evidence:
    """A recorded negative search ("searched X, found none"): the evidence behind a PASS that
    rests on the absence of something."""
    return Evidence(id=Evidence.make_id(scope, 0, 0, note), file="", kind="absence", note=f"{scope}: {note}")


def cell(status: str, reason: str, evidence: list[Evidence] = (), finding_ids: list[str] = ()) -> dict:
    """A Cell dict (dwagent.models.Cell shape) with sorted, unique ids."""
    return {
        "status": status,
        "reason": reason,
        "evidence_ids": sorted({e.id for e in evidence}),
        "finding_ids": sorted(set(finding_ids)),
    }


def row_status(cells: dict[str, dict]) -> str:
    """FAIL if any cell fails, NOT VERIFIED if any is unknown, CONDITIONAL if any is, else PASS."""
    statuses = {c["status"] for c in cells.values()}
    if "FAIL" in statuses:
        return "FAIL"
    if statuses & {"NOT VERIFIED", "NOT RUN"}:
        return "NOT VERIFIED"
    if "CONDITIONAL" in statuses:
        return "CONDITIONAL"
    return "PASS" if statuses else "NOT VERIFIED"


def evidence_table(items: list[Evidence]) -> dict[str, dict]:
    return {e.id: e.model_dump(mode="json") for e in items}
