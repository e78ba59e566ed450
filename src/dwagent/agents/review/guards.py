"""Guards: a condition that dominates a hit inside its member and limits when it can happen.

Found on the syntax tree (tree-sitter, via `dwagent.tools.parse`), not by nearby text:
- an enclosing `if`/`elif`/`else`/conditional expression whose condition, with the polarity of
  the branch the hit is in, restricts it to development/debug or to an opt-in option;
- an earlier statement of an enclosing block that exits (`return`/`throw`/`raise`/`continue`)
  when the hit would *not* be restricted: `if (!options.AllowInsecure) return;` before the hit;
- an enclosing `#if DEBUG` region.
An option condition counts only if the option's declared default keeps the safe path: a
`Validate*` flag must default to true, an `Allow*`/`Skip*` flag to false (the declaration is
cited too); an environment check (`IsDevelopment()`, `GetEnvironmentVariable`, `os.environ`)
counts as is. Comments are not syntax, so the audited text cannot argue its way out. Every
guard cited is re-read from disk with `check_quote` before it is used.
"""

from __future__ import annotations

import re

from dwagent.models import Evidence, Finding
from dwagent.tools.parse import language_for, parse
from dwagent.tools.rules.guard_conditions import Atom, guard_atom
from dwagent.tools.verify import check_quote

_MEMBER_TYPES = frozenset(
    {
        "method_declaration",
        "constructor_declaration",
        "destructor_declaration",
        "operator_declaration",
        "conversion_operator_declaration",
        "local_function_statement",
        "accessor_declaration",
        "function_definition",
        "class_declaration",
        "struct_declaration",
        "record_declaration",
        "class_definition",
    }
)
_EXITS = frozenset({"return_statement", "throw_statement", "raise_statement", "continue_statement"})
_BLOCKS = frozenset({"block", "module", "switch_section", "global_statement"})
_DEBUG_SYMBOL = re.compile(r"^\s*#\s*(?:el)?if\s+\(?\s*(?:DEBUG|DEVELOPMENT|DEV|TEST)\b")
_OPTION_KINDS = ("property", "field", "variable", "const")


def _exits(node) -> bool:
    """Does this statement always leave the enclosing block?"""
    if node is None:
        return False
    if node.type in _EXITS:
        return True
    if node.type == "expression_statement" and node.named_children and node.named_children[0].type == "throw_expression":
        return True
    if node.type in ("block",):
        stmts = [c for c in node.named_children if c.type != "comment"]
        return bool(stmts) and _exits(stmts[-1])
    return False


def _branches(node, child):
    """(condition node, polarity) when `child` is a conditional branch of `node`, else None."""
    t = node.type
    if t in ("if_statement", "conditional_expression"):
        cond = node.child_by_field_name("condition")
        cons = node.child_by_field_name("consequence")
        if cond is None and t == "conditional_expression" and node.named_child_count >= 3:
            cons, cond = node.named_children[0], node.named_children[1]  # python: a if cond else b
        if cond is None:
            return None
        if cons is not None and cons.id == child.id:
            return cond, True
        if child.id != cond.id:  # the else part (alternative, else_clause or elif_clause)
            return cond, False
    if t == "elif_clause":
        cond = node.child_by_field_name("condition")
        if cond is not None and child.id != cond.id:
            return cond, True
    return None


def _early_exits(block, child):
    """Earlier `if (...) exit;` statements of `block`: the hit runs only when each is false."""
    for stmt in block.named_children:
        if stmt.start_byte >= child.start_byte:
            break
        if stmt.type == "if_statement" and _exits(stmt.child_by_field_name("consequence")):
            cond = stmt.child_by_field_name("condition")
            if cond is not None:
                yield stmt, cond


class _Search:
    def __init__(self, sources, finding: Finding, lines: list[str]) -> None:
        self.sources, self.finding, self.lines = sources, finding, lines

    def evidence(self, start: int, end: int, note: str) -> Evidence | None:
        """Evidence for lines start..end, only if it re-reads verbatim from disk."""
        excerpt = "\n".join(self.lines[start - 1 : end])
        root = getattr(self.sources, "root", None)
        verified = bool(root) and check_quote(root, self.finding.file, start, end, excerpt).ok
        if root and not verified:
            return None
        return Evidence(
            id=Evidence.make_id(self.finding.file, start, end, excerpt),
            file=self.finding.file,
            start_line=start,
            end_line=end,
            excerpt=excerpt,
            kind="code",
            note=note,
            verified=verified,
        )

    def option_default(self, atom: Atom) -> tuple[bool | None, Evidence | None]:
        """The option's declared default (None when not found) and the declaration's evidence."""
        if not atom.option or not hasattr(self.sources, "symbols"):
            return None, None
        for sym in self.sources.symbols(kinds=_OPTION_KINDS, name_globs=(atom.option,)):
            if sym["role"] != "production" or sym["name"] != atom.option:
                continue
            lines = self.sources.lines(sym["path"])
            end = min(sym["end_line"], sym["start_line"] + 2)
            text = " ".join(lines[sym["start_line"] - 1 : end])
            m = re.search(rf"\b{re.escape(atom.option)}\b[^=;]*(?:\{{[^}}]*\}})?\s*=\s*(true|false|True|False)\b", text)
            if m:
                value = m.group(1).lower() == "true"
            elif re.search(rf"\bbool\s+{re.escape(atom.option)}\b", text) and "=" not in text.split(atom.option, 1)[1]:
                value = False  # C#: a bool with no initializer defaults to false
            else:
                continue
            excerpt = "\n".join(lines[sym["start_line"] - 1 : end])
            root = getattr(self.sources, "root", None)
            verified = bool(root) and check_quote(root, sym["path"], sym["start_line"], end, excerpt).ok
            if root and not verified:
                continue
            ev = Evidence(
                id=Evidence.make_id(sym["path"], sym["start_line"], end, excerpt),
                file=sym["path"],
                start_line=sym["start_line"],
                end_line=end,
                excerpt=excerpt,
                kind="code",
                note=f"option {atom.option} defaults to {str(value).lower()}",
                verified=verified,
            )
            return value, ev
        return None, None

    def judge(self, cond, polarity: bool, site_start: int) -> tuple[Evidence, ...]:
        """Guard evidence when `cond` (holding with `polarity` at the hit) restricts the hit."""
        text = cond.text.decode("utf-8", errors="replace")
        atom = guard_atom(text, polarity)
        if atom is None:
            return ()
        decl = None
        if atom.option:
            default, decl = self.option_default(atom)
            if default is not None and default != atom.safe_default:
                return ()  # the risky branch is the default: not a guard
        end = cond.end_point[0] + 1
        why = "runs only when" if polarity else "is skipped unless"
        note = f"guarded by: {atom.describe} ({why} `{atom.text[:80]}`)"
        ev = self.evidence(site_start, end, note)
        if ev is None:
            return ()
        return (ev, decl) if decl is not None else (ev,)


def _tree(sources, path: str, lines: list[str]):
    """The file's syntax tree, parsed once per Sources (several findings often share a file)."""
    cache = sources.__dict__.setdefault("_guard_trees", {}) if hasattr(sources, "__dict__") else {}
    if path not in cache:
        cache.clear()  # keep one tree: findings arrive sorted by file
        cache[path] = parse(language_for(path), "\n".join(lines).encode("utf-8"))
    return cache[path]


def find_guards(sources, finding: Finding) -> tuple[Evidence, ...]:
    """Evidence of the innermost guard dominating the finding's line in its member: the guard's
    lines first, then (for an option) the option's declaration with its default. () if none."""
    lines = sources.lines(finding.file)
    if not lines or not 1 <= finding.start_line <= len(lines):
        return ()
    tree = _tree(sources, finding.file, lines)
    if tree is None:
        return ()
    row = finding.start_line - 1
    text = lines[row]
    col = len(text) - len(text.lstrip())
    # the first token of the hit line: walking up from it meets every statement that holds it
    node = tree.root_node.descendant_for_point_range((row, col), (row, col))
    search = _Search(sources, finding, lines)
    child = node
    parent = node.parent if node is not None else None
    outside = False  # past the member: only `#if` regions around it still count
    while parent is not None:
        branch = None if outside else _branches(parent, child)
        if branch is not None:
            found = search.judge(branch[0], branch[1], parent.start_point[0] + 1)
            if found:
                return found
        if parent.type in _BLOCKS and not outside:
            for stmt, cond in reversed(list(_early_exits(parent, child))):
                found = search.judge(cond, False, stmt.start_point[0] + 1)
                if found:
                    return found
        if (
            parent.type == "preproc_if"
            and _DEBUG_SYMBOL.match(lines[parent.start_point[0]])
            and not any(c.type in ("preproc_else", "preproc_elif") and c.start_byte <= child.start_byte for c in parent.named_children)
        ):
            ev = search.evidence(
                parent.start_point[0] + 1,
                parent.start_point[0] + 1,
                f"guarded by: {lines[parent.start_point[0]].strip()} (compiled in debug builds only)",
            )
            if ev is not None:
                return (ev,)
        outside = outside or parent.type in _MEMBER_TYPES
        child, parent = parent, parent.parent
    return ()


def find_guard(sources, finding: Finding) -> Evidence | None:
    """The guard's own evidence (see `find_guards`), or None."""
    found = find_guards(sources, finding)
    return found[0] if found else None
