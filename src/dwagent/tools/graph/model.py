"""The code graph's values: types, methods, edges, bus sites, option sites and field uses.

Node ids are qualnames (`Ns.Type`, `Ns.Type.Method`); overloads share one method node (the graph
is name-based, see `build.py`). Bus topics are nodes too, with ids `topic:<value>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TOPIC_PREFIX = "topic:"


@dataclass(frozen=True, slots=True)
class Location:
    file: str
    start_line: int
    end_line: int


@dataclass(slots=True)
class TypeNode:
    """A declared type (partial declarations merged: `locations` holds each part, sorted)."""

    qualname: str
    name: str
    kind: str  # class | interface | struct | record | enum | delegate
    namespace: str
    role: str  # production | test | generated (of the first location)
    locations: list[Location]
    bases: tuple[str, ...] = ()  # bare base names
    attributes: tuple[str, ...] = ()
    modifiers: tuple[str, ...] = ()
    signature: str = ""
    live: str = ""  # why the type is wired ("" = not reachable from any root)
    referrers: list[str] = field(default_factory=list)  # "Type @ file:line" of production references
    test_refs: list[str] = field(default_factory=list)  # "file:line" of references from tests

    @property
    def file(self) -> str:
        return self.locations[0].file

    @property
    def start_line(self) -> int:
        return self.locations[0].start_line

    @property
    def end_line(self) -> int:
        return self.locations[0].end_line

    @property
    def is_abstract(self) -> bool:
        return self.kind == "interface" or "abstract" in self.modifiers or "static" in self.modifiers


@dataclass(frozen=True, slots=True)
class MethodNode:
    """A method, constructor, property or function (overloads merged under one qualname)."""

    qualname: str
    name: str
    kind: str
    container: str
    file: str
    role: str
    start_line: int
    end_line: int
    signature: str
    modifiers: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Edge:
    """A directed link. kind: call | new | method-group | by-name | publish | deliver."""

    src: str
    dst: str
    kind: str
    file: str
    line: int
    detail: str = ""


@dataclass(frozen=True, slots=True)
class BusSite:
    """One publish/send or subscribe call. `topic` is '' when not statically resolvable."""

    side: str  # publish | subscribe
    topic: str
    pattern: bool
    expr: str  # the topic argument as written
    scope: str  # qualname of the enclosing member
    handlers: tuple[str, ...]  # subscribe: handler method qualnames
    file: str
    line: int
    method: str  # the called method name (PublishAsync, Subscribe...)


@dataclass(frozen=True, slots=True)
class OptionSite:
    """An option property set by a preset factory or read by production code."""

    option: str  # qualname of the property (Ns.Options.Prop)
    kind: str  # set | read
    file: str
    line: int
    scope: str


@dataclass(frozen=True, slots=True)
class FieldUse:
    """A private field with where it is written; `reads` counts every other use."""

    qualname: str
    name: str
    file: str
    line: int
    end_line: int
    writes: tuple[int, ...]
    reads: int
    initialised: bool


@dataclass
class CodeGraph:
    """Everything built from one index snapshot (see `build.build_graph`)."""

    types: dict[str, TypeNode] = field(default_factory=dict)
    methods: dict[str, MethodNode] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    bus: list[BusSite] = field(default_factory=list)
    options: list[OptionSite] = field(default_factory=list)
    fields: list[FieldUse] = field(default_factory=list)
    discovered: dict[str, str] = field(default_factory=dict)  # type → "scan at file:line (base B)"
    instantiated: dict[str, str] = field(default_factory=dict)  # type → "new at file:line" / "registered at ..."
    entry_points: list = field(default_factory=list)  # entrypoints.EntryPoint, sorted (file, line, kind)
    key: str = ""  # content key of the index snapshot it was built from
    _out: dict[str, list[Edge]] | None = None
    _in: dict[str, list[Edge]] | None = None

    def out_edges(self, node: str) -> list[Edge]:
        """Edges leaving `node` (call, bus and topic-delivery edges), sorted."""
        if self._out is None:
            self._index()
        return self._out.get(node, [])  # type: ignore[union-attr]

    def in_edges(self, node: str) -> list[Edge]:
        """Edges arriving at `node`, sorted."""
        if self._in is None:
            self._index()
        return self._in.get(node, [])  # type: ignore[union-attr]

    def _index(self) -> None:
        out: dict[str, list[Edge]] = {}
        inc: dict[str, list[Edge]] = {}
        for e in sorted(self.edges, key=lambda e: (e.src, e.file, e.line, e.dst, e.kind)):
            out.setdefault(e.src, []).append(e)
            inc.setdefault(e.dst, []).append(e)
        self._out, self._in = out, inc
