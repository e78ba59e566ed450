"""Who calls a member that throws NotImplementedException (code graph), and what that says about
the finding: a stub no call reaches, or reached only through a base-typed call whose base has
its own implementation, is a deliberately unsupported operation, not a broken production path."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dwagent.models import Finding
from dwagent.tools.graph.model import CodeGraph, MethodNode, TypeNode
from dwagent.tools.graph.source import SourceLines

STUB_CATEGORY = "not-implemented"


@dataclass(frozen=True)
class StubJudgement:
    """The severity the callers support (None: leave it) and the sentence that says why."""

    severity: str | None
    reason: str


def _bare(name: str) -> str:
    return name.split("<", 1)[0].split(".")[-1]


class StubCallers:
    """Judges not-implemented findings against one code graph (indexes built once per run)."""

    def __init__(self, graph: CodeGraph, source: SourceLines | None = None) -> None:
        self.graph = graph
        self.source = source
        self._methods_by_file: dict[str, list[MethodNode]] = {}
        for m in graph.methods.values():
            self._methods_by_file.setdefault(m.file, []).append(m)
        self._types_by_name: dict[str, list[TypeNode]] = {}
        for t in graph.types.values():
            self._types_by_name.setdefault(t.name, []).append(t)

    def _member_at(self, file: str, line: int) -> MethodNode | None:
        around = [m for m in self._methods_by_file.get(file, ()) if m.start_line <= line <= m.end_line]
        return min(around, key=lambda m: m.end_line - m.start_line) if around else None

    def _bases(self, owner: TypeNode) -> tuple[list[TypeNode], list[str]]:
        """In-tree base types (transitive) and the names of bases declared outside the tree."""
        seen: dict[str, TypeNode] = {}
        external: list[str] = []
        todo = list(owner.bases)
        while todo:
            name = todo.pop(0)
            found = self._types_by_name.get(_bare(name), [])
            if not found and name not in external:
                external.append(name)
            for t in found:
                if t.qualname not in seen and t.qualname != owner.qualname:
                    seen[t.qualname] = t
                    todo.extend(t.bases)
        return list(seen.values()), external

    def _calls(self, qualname: str) -> list:
        return [e for e in self.graph.in_edges(qualname) if e.kind == "call"]

    def judge(self, finding: Finding) -> StubJudgement | None:
        """What the callers of the throwing member say, or None when the graph cannot tell."""
        if finding.category != STUB_CATEGORY or not finding.file.endswith(".cs"):
            return None
        member = self._member_at(finding.file, finding.start_line)
        owner = self.graph.types.get(member.container) if member is not None else None
        if member is None or owner is None:
            return None
        bases, external = self._bases(owner)
        same_name = [self.graph.methods[q] for t in bases for q in self._qualnames(t, member.name)]
        direct = self._calls(member.qualname)
        via_base = [e for m in same_name for e in self._calls(m.qualname)]
        if not direct and not via_base:
            # without a caller, the member is judged only when the graph is not blind: the type
            # implements a contract declared outside the tree (the framework is its caller) and
            # no unresolved same-name call (`Select(m).StoreAsync()`) may reach it either
            unresolved = [e for q in (member.qualname, *(m.qualname for m in same_name)) for e in self.graph.in_edges(q) if e.kind == "by-name"]
            if not external or unresolved:
                return None
            return StubJudgement(
                "low",
                f"no call the code graph resolves reaches `{member.name}`; `{owner.name}` implements `{external[0]}`, a contract declared "
                "outside the tree, so only that framework could call it: an unsupported operation of a partial implementation, "
                "not a stub on a production path",
            )
        if direct and "override" in member.modifiers:
            concrete = {
                self.graph.types[m.container].name
                for m in same_name
                if "abstract" not in m.modifiers and m.container in self.graph.types and self.graph.types[m.container].kind != "interface"
            }
            typed = [self._receiver_type(e, member.name) for e in direct]
            if concrete and all(t in concrete for t in typed):
                first = direct[0]
                return StubJudgement(
                    "low",
                    f"every call that reaches `{member.name}` is typed as the base `{typed[0]}` ({first.file}:{first.line}), whose own "
                    f"implementation serves it; `{owner.name}` refuses the operation on purpose and no call is typed as it",
                )
        first = (direct or via_base)[0]
        return StubJudgement(None, f"called from `{first.src.split('.')[-1]}` ({first.file}:{first.line}): the feature fails there at run time")

    def _receiver_type(self, edge, name: str) -> str | None:
        """The declared type of the receiver of `name(` on the edge's line, when it is a parameter
        or local of the calling member (`Put(Guid id, [FromBody] UpdateModel model)` -> UpdateModel)."""
        if self.source is None:
            return None
        call = re.search(rf"(\w+)\s*\??\.\s*{re.escape(name)}\s*[<(]", self.source.line(edge.file, edge.line))
        caller = self.graph.methods.get(edge.src)
        if call is None or caller is None:
            return None
        scope = self.source.excerpt(caller.file, caller.start_line, max(edge.line, caller.start_line))
        decl = re.findall(rf"(\w+)(?:<[^<>]*>)?\??\s+{re.escape(call.group(1))}\s*[,)=;]", scope)
        types = {d for d in decl if d not in ("var", "return", "await", "new", "out", "ref", "in")}
        return types.pop() if len(types) == 1 else None

    def _qualnames(self, t: TypeNode, name: str) -> list[str]:
        q = f"{t.qualname}.{name}"
        return [q] if q in self.graph.methods else []
