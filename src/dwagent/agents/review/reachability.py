"""Reachability of a finding from the code graph: a finding inside a type the graph found no path
to (not instantiated, discovered, registered, an entry point or public API) is `unreachable`."""

from __future__ import annotations

from dwagent.models import Finding


def reachability_of(sources, finding: Finding) -> str:
    """reachable / unreachable / unknown for the innermost type around the finding."""
    if getattr(sources, "graph_config", None) is None:
        return finding.reachability
    around = [(end - start, t) for start, end, t in sources.types_by_file().get(finding.file, []) if start <= finding.start_line <= end]
    if not around:
        return "unknown"
    # The outermost live type decides for nested types: a nested type of a live type may be
    # reached through it even when no direct reference exists.
    innermost = min(around, key=lambda x: x[0])[1]
    return "reachable" if innermost.live else "unreachable"
