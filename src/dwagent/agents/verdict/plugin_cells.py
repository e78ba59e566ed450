"""Plugin matrix cells that read member bodies: lifecycle completeness and degradation paths.

Lifecycle: for each rubric lifecycle method the implementation a plugin class really runs (its
own declaration, else the nearest base's) must exist and not be a stub (`throw new
NotImplementedException()`, `raise NotImplementedError`, an empty body). A no-op default (`=>
Task.CompletedTask`, `pass`) is accepted for some methods (a plugin may have nothing to stop),
but a plugin whose every lifecycle method is a no-op takes no part in the lifecycle and FAILs.

Degradation: a swallowed error the rule reports at the policy's blocking severity (a failure
that becomes apparent success where it matters, e.g. on a security or persistence path) FAILs,
naming those findings. Swallowed errors the rule rates lower (best-effort cleanup, an unchecked
error off those paths) are conditions of their own and do not decide this cell: they are named
in its reason. Otherwise the folder's production code is searched for real handling of failure:
a catch/except block that logs, falls back, retries, wraps or records state; a retry/circuit-
breaker/fallback policy; a health or status flag being set. Found ⇒ PASS citing the lines. None
found ⇒ FAIL when the rubric sets `plugins.degradation_required`, else NOT APPLICABLE on a
recorded absence that says what was searched.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, deque

from dwagent.agents.inputs.globs import match_ident
from dwagent.agents.verdict.cells import absence, cell, code_evidence
from dwagent.agents.verdict.policy import at_least
from dwagent.models import SEVERITY_ORDER, Evidence
from dwagent.tools.source_text import read_text

_STUB = re.compile(
    r"\bthrow\s+new\s+(?:System\.)?(?:NotImplementedException|NotSupportedException)\b|"
    r"\braise\s+NotImplementedError\b"
)
_LINE_COMMENT = re.compile(r"//.*$|(?<![\w\"'])#(?!if\b|else\b|endif\b|region\b).*$")
_NOOP_TOKENS = re.compile(
    r"return\s+(?:[\w.]*\.)?(?:Task|ValueTask)\.CompletedTask\s*;|(?:[\w.]*\.)?(?:Task|ValueTask)\.CompletedTask\s*;?|"
    r"return\s+default\s*;|return\s+None\b|return\s*;|\breturn\b\s*$|\bpass\b|\.\.\.|[{};]"
)
_DOCSTRING = re.compile(r'("""|\'\'\')(?:.|\n)*?\1')

# Failure handling inside a catch/except block (beyond rethrowing as is).
_HANDLER_BODY = re.compile(
    r"\b(?:Log\w*|_?logger\w*|log\.\w+|logging\.\w+|Trace\w*|Console\.Error|Retry\w*|Fallback\w*|"
    r"Health\w*|IsHealthy|Degrad\w*|Circuit\w*|return\b|continue\b|break\b|throw\s+new\b|raise\s+\w+|"
    # recording the failure: an assignment, or adding it to a collection or counter
    r"\w+\s*=\s*[^=]|\.(?:Add|TryAdd|Enqueue|Push|append|Increment|Record\w*|Mark\w*)\s*\(|Interlocked\.\w+)",
    re.I,
)
# Resilience idioms in use: a retry/circuit-breaker/fallback/bulkhead policy constructed or
# invoked, a Polly policy built, a Python retry decorator, a failed health state recorded. A name
# alone (a namespace, an enum value, a capability flag, a declaration) handles nothing.
_RESILIENCE = re.compile(
    r"(?:\bnew\s+|\.)\s*\w*(?:CircuitBreaker|RetryPolicy|WaitAndRetry|Retry|AddResilience|Fallback|Bulkhead)\w*\s*(?:<[^>]*>)?\s*\(|"
    r"\b\w*(?:Retry|Breaker|Fallback|Resilience|Bulkhead)\w*\s*\.\s*Execute\w*\s*(?:<[^>]*>)?\s*\(|\bPolicy\s*\.\s*Handle\w*\s*<|@(?:tenacity\.)?retry\b|@backoff\.on_\w+|\btenacity\.Retrying\s*\(|"
    r"\b(?:_?is_?healthy|IsHealthy|_healthy)\b\s*=\s*false\b|\b(?:HealthStatus|Status)\s*=\s*(?:\w+\.)?(?:Unhealthy|Degraded)\b|"
    r"\bHealthCheckResult\.(?:Unhealthy|Degraded)\s*\(",
    re.I,
)
# a member declaration line (`public async Task RetryAsync(...)`, `def retry(...)`) is not a use
_DECLARATION = re.compile(
    r"^\s*(?:\[[^\]]*\]\s*)*(?:(?:public|private|protected|internal|static|async|override|virtual|sealed|abstract|partial|extern|unsafe)\s+)+"
    r"[\w<>\[\],.?() ]+?\s+\w+\s*(?:<[^>]*>)?\s*\(|^\s*(?:async\s+)?def\s"
)
_CATCH = re.compile(r"^\s*(?:\}\s*)?catch\b|^\s*except\b")


def _chain(types, t: dict) -> list[dict]:
    """The class and its bases, nearest first (breadth-first over declared base names)."""
    out, seen = [t], {t["qualname"]}
    todo = deque(t["bases"])
    while todo:
        name = re.sub(r"<.*$", "", todo.popleft()).split(".")[-1].strip()
        for decl in types.by_name.get(name, []):
            if decl["qualname"] not in seen:
                seen.add(decl["qualname"])
                out.append(decl)
                todo.extend(decl["bases"])
    return out


def body_kind(lines: list[str], start: int, end: int) -> tuple[str, int]:
    """("stub" | "no-op" | "abstract" | "real", line) for the member declared on lines start..end."""
    text = [_LINE_COMMENT.sub("", t) for t in lines[start - 1 : end]]
    for i, t in enumerate(text):
        if _STUB.search(t):
            return "stub", start + i
    joined = "\n".join(text)
    if "=>" in joined:
        body = joined.split("=>", 1)[1]
    elif "{" in joined:
        body = joined.split("{", 1)[1]
    elif re.search(r"\bdef\b", joined):
        body = re.split(r"\)\s*(?:->[^:]*)?:", joined, maxsplit=1)[-1]
    else:
        return "abstract", start  # a declaration without a body
    body = _DOCSTRING.sub("", re.sub(r"/\*.*?\*/", "", body, flags=re.S))
    if not _NOOP_TOKENS.sub("", body).strip():
        return "no-op", start
    return "real", start


def lifecycle_cell(sources, types, plugin_types: list[dict], lifecycle: tuple[str, ...], folder: str):
    """The lifecycle cell and its evidence."""
    if not lifecycle:
        ev = absence(folder, "rubric declares no lifecycle methods")
        return cell("PASS", "no lifecycle required by the rubric", [ev]), [ev]
    if not plugin_types:
        ev = absence(folder, "no class deriving from the rubric's plugin base types")
        return cell("FAIL", f"no plugin class found in {folder}", [ev]), [ev]
    methods = sources.symbols(kinds=("method", "function"), name_globs=lifecycle)
    by_owner: dict[str, list[dict]] = {}
    for m in methods:
        by_owner.setdefault(m["container"], []).append(m)
    evidence: list[Evidence] = []
    problems: list[str] = []
    noops: list[str] = []
    for t in sorted(plugin_types, key=lambda x: x["qualname"]):
        kinds = []
        chain = _chain(types, t)
        for want in lifecycle:
            impl = None
            for decl in chain:
                hits = [m for m in by_owner.get(decl["qualname"], []) if match_ident((want,), m["name"])]
                kinds_here = [(body_kind(sources.lines(m["path"]), m["start_line"], m["end_line"]), m) for m in hits]
                concrete = [(k, m) for k, m in kinds_here if k[0] != "abstract"]
                if concrete:
                    impl = concrete[0]
                    break
            if impl is None:
                problems.append(f"{t['name']}: {want} not implemented")
                evidence.append(absence(folder, f"{t['qualname']}: no implementation of {want} in the class or its bases"))
                continue
            (kind, line), m = impl
            where = "" if m["container"] == t["qualname"] else f" (inherited from {m['container'].rsplit('.', 1)[-1]})"
            evidence.append(code_evidence(sources, m["path"], line, note=f"lifecycle {want}: {m['qualname']} is {kind}{where}"))
            kinds.append(kind)
            if kind == "stub":
                problems.append(f"{t['name']}: {m['name']} is a stub{where}")
            elif kind == "no-op":
                noops.append(f"{t['name']}.{m['name']} no-op{where}")
        if kinds and all(k == "no-op" for k in kinds):
            problems.append(
                f"{t['name']}: every lifecycle method is a no-op{' (inherited defaults)' if all('inherited' in n for n in noops if n.startswith(t['name'] + '.')) else ''}"
            )
    if problems:
        return cell("FAIL", "; ".join(problems)[:400], evidence), evidence
    note = f"; no-op: {', '.join(noops)}" if noops else ""
    classes = ", ".join(t["name"] for t in sorted(plugin_types, key=lambda x: x["qualname"])[:3]) + (
        f" +{len(plugin_types) - 3} more" if len(plugin_types) > 3 else ""
    )
    return cell("PASS", f"{', '.join(lifecycle)} implemented by {classes}{note}"[:400], evidence), evidence


# Searched in the lower-cased file (a case-insensitive alternation over whole files is slow):
# a line holding one of these words is examined with the precise patterns.
_PREFILTER = re.compile(r"catch|except|retry|circuit|breaker|fallback|polly|bulkhead|health|degrad|backoff|tenacity|resilience")
SOURCE_SUFFIXES = (".cs", ".py")
MAX_SITES = 5  # cited per folder; the search stops there (large plugin folders)


def _handling_sites(sources, files: list[str]) -> list[tuple[str, int, str]]:
    """(path, line, what) for the first MAX_SITES failure-handling sites in these files, in
    file/line order. Files are read directly (not through the Sources line cache): a plugin
    folder can be most of a large tree; only lines a whole-file search points at are examined."""
    sites: list[tuple[str, int, str]] = []
    for path in files:
        try:
            whole = read_text(sources.root / path)
        except OSError:
            continue
        lowered = whole.lower()
        hits = [m.start() for m in _PREFILTER.finditer(lowered)]
        if not hits:
            continue
        # split on "\n" only, like the offsets below (splitlines also breaks on \r, \f, \u2028...,
        # which would shift every later line against its offset)
        lines = whole.split("\n")
        starts = [0] + [m.end() for m in re.finditer("\n", whole)]
        candidates = sorted({bisect_right(starts, at) - 1 for at in hits})
        for i in candidates:
            if i >= len(lines):
                continue
            code = _LINE_COMMENT.sub("", lines[i])
            if _RESILIENCE.search(code) and not _DECLARATION.match(code):
                sites.append((path, i + 1, "resilience policy or health state"))
            elif _CATCH.match(code):
                block = _handler_block(lines, i)
                if block and _HANDLER_BODY.search(block) and not re.fullmatch(r"\s*(?:throw\s*;|raise)\s*", block):
                    sites.append((path, i + 1, "catch that handles the failure"))
            if len(sites) >= MAX_SITES:
                return sites
    return sites


def _handler_block(lines: list[str], i: int) -> str:
    """The statements of the catch/except block starting on line i (comments removed)."""
    if lines[i].lstrip().startswith("except"):
        indent = len(lines[i]) - len(lines[i].lstrip())
        out = [lines[i].split(":", 1)[1] if ":" in lines[i] else ""]
        for t in lines[i + 1 :]:
            if t.strip() and len(t) - len(t.lstrip()) <= indent:
                break
            out.append(t)
        return "\n".join(_LINE_COMMENT.sub("", t) for t in out).strip()
    text = "\n".join(_LINE_COMMENT.sub("", t) for t in lines[i : i + 40])
    open_at = text.find("{", text.find("catch"))
    if open_at == -1:
        return ""
    depth = 0
    for j in range(open_at, len(text)):
        depth += text[j] == "{"
        depth -= text[j] == "}"
        if depth == 0:
            return text[open_at + 1 : j].strip()
    return ""


def degradation_cell(sources, folder: str, swallowed: list[dict], required: bool, production: list[str] | None = None, block_at: str = "high"):
    """The degradation cell and its evidence (see the module docstring). `swallowed`: the
    folder's counted swallowed-error findings; `production`: the tree's production file paths,
    when the caller already has them."""
    deciding = [f for f in swallowed if at_least(f["severity"], block_at)]
    if deciding:
        return cell(
            "FAIL",
            f"{len(deciding)} swallowed-error finding(s) at {block_at} or worse: the failure becomes apparent success",
            finding_ids=[f["id"] for f in deciding],
        ), []
    lower = ""
    if swallowed:
        by = Counter(f["severity"] for f in swallowed)
        lower = (
            f"; {len(swallowed)} swallowed-error finding(s) below {block_at} ("
            + ", ".join(f"{n} {sev}" for sev, n in sorted(by.items(), key=lambda kv: SEVERITY_ORDER[kv[0]]))
            + ") are reported on their own (by severity), not as a missing degradation path"
        )
    if production is None:
        production = [r["path"] for r in sources.files(role="production")]
    # source files only: a package reference in a project file is a dependency, not handling
    files = [p for p in production if p.startswith(folder + "/") and p.endswith(SOURCE_SUFFIXES)]
    sites = _handling_sites(sources, files)
    if sites:
        evs = [code_evidence(sources, p, n, note=f"degradation: {what}") for p, n, what in sites]
        kinds = sorted({what for _, _, what in sites})
        more = "+" if len(sites) >= MAX_SITES else ""
        first = f"{sites[0][0]}:{sites[0][1]}"
        return cell("PASS", f"{len(sites)}{more} failure-handling site(s): {', '.join(kinds)} (first: {first}){lower}"[:500], evs), evs
    searched = (
        f"searched {len(files)} production file(s) for catch/except blocks that log, fall back, retry or "
        "record state, retry/circuit-breaker/fallback policies and health flags: none"
    )
    ev = absence(folder, searched)
    if required:
        # decided by the absence of handling, not by the lower-rated findings (which keep their own effect)
        return cell("FAIL", f"no degradation path: {searched}{lower}", [ev]), [ev]
    # Not required: absence is neither a defect nor a PASS; say what was searched.
    return cell(
        "NOT APPLICABLE",
        f"no degradation path ({searched}); the rubric does not require one (plugins.degradation_required){lower}",
        [ev],
    ), [ev]
