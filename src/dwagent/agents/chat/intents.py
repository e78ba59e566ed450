"""What a follow-up question asks for, decided by keywords (deterministic, no model).

The intent picks which evidence an offline answer gathers. Several cues can match; the one with
most cue hits wins, ties broken by the fixed order of INTENTS. A question with no cue is
'unknown' and the answer says which questions it can answer instead of guessing.
"""

from __future__ import annotations

import re
from typing import Literal

Intent = Literal["reachability", "callers", "guard", "similar", "fix", "why", "evidence", "unknown"]
INTENTS: tuple[Intent, ...] = ("reachability", "callers", "guard", "similar", "fix", "why", "evidence")

CUES: dict[Intent, tuple[str, ...]] = {
    "reachability": (
        r"\breach(able|ed|es)?\b",
        r"\bdead\b",
        r"\bever (run|called|executed|used)\b",
        r"\bentry ?points?\b",
        r"\bexploitable\b",
        r"\bwired\b",
        r"\bin production\b",
        r"\blive\b",
    ),
    "callers": (
        r"\bwho calls\b",
        r"\bcallers?\b",
        r"\bcalled (from|by)\b",
        r"\bwho uses\b",
        r"\busages?\b",
        r"\breferences?\b",
        r"\bpublish(es|ers?)?\b",
        r"\bsubscrib(es|ers?)\b",
        r"\binvok(es|ed)\b",
    ),
    "guard": (
        r"\bguard(s|ed)?\b",
        r"\bcheck(s|ed)? (elsewhere|upstream|before)\b",
        r"\bvalidat(e|ed|ion)\b",
        r"\bsanitis|\bsanitiz",
        r"\bmitigat",
        r"\bprotect(ed|s)?\b",
        r"\bhandled (elsewhere|upstream)\b",
        r"\bis there a check\b",
    ),
    "similar": (r"\bwhere else\b", r"\belsewhere\b", r"\bsimilar\b", r"\bsame pattern\b", r"\bother (places|sites)\b", r"\blike this\b", r"\boccur"),
    "fix": (
        r"\bfix(ed|es)?\b",
        r"\bremediat",
        r"\bpatch\b",
        r"\bhow (do|should|would|can) (i|we)\b",
        r"\bwhat should\b",
        r"\bresolve\b",
        r"\bsafer\b",
        r"\binstead\b",
    ),
    "why": (r"\bwhy\b", r"\bexplain\b", r"\bfalse positive\b", r"\bwhat is wrong\b", r"\bjustif", r"\brationale\b", r"\bhow sure\b", r"\bconfiden"),
    "evidence": (r"\bevidence\b", r"\bshow (me )?(the )?(code|line|excerpt|source)\b", r"\bwhere is\b", r"\bquote\b", r"\bwhich line\b"),
}
_COMPILED = {intent: tuple(re.compile(p, re.I) for p in pats) for intent, pats in CUES.items()}


def classify(question: str) -> Intent:
    """The intent of a question (see module docstring for the tie rule)."""
    scores = {intent: sum(1 for p in pats if p.search(question)) for intent, pats in _COMPILED.items()}
    best = max(INTENTS, key=lambda i: (scores[i], -INTENTS.index(i)))
    return best if scores[best] > 0 else "unknown"
