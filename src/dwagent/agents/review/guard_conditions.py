"""Moved to `dwagent.tools.rules.guard_conditions` so per-file rules can judge guard polarity too
(tools must not import agents); re-exported here for existing imports."""

from dwagent.tools.rules.guard_conditions import Atom, guard_atom

__all__ = ["Atom", "guard_atom"]
