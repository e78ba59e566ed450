"""Values the retriever returns and the filters it accepts."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Filters:
    """Restrict results to a language (csharp, python, md...), project, and/or role."""

    language: str | None = None
    project: str | None = None
    role: str | None = None  # production | test | generated

    def sql(self, alias: str) -> tuple[str, list[str]]:
        """An SQL condition (' AND ...' or '') on columns language/project/role of `alias`."""
        clauses, params = [], []
        for column in ("language", "project", "role"):
            value = getattr(self, column)
            if value:
                clauses.append(f"{alias}.{column} = ?")
                params.append(value)
        return ("".join(" AND " + c for c in clauses), params)

    def accepts(self, meta: dict) -> bool:
        return all(not getattr(self, column) or meta.get(column) == getattr(self, column) for column in ("language", "project", "role"))


@dataclass(frozen=True)
class Hit:
    """One search result: a span of a file, optionally a declaration, and how it was found."""

    file: str
    start_line: int
    end_line: int
    symbol: str = ""
    kind: str = ""
    language: str = ""
    project: str = ""
    role: str = ""
    score: float = 0.0
    sources: tuple[str, ...] = ()  # lexical-chunk, lexical-card, dense-card, dense-chunk
    preview: str = field(default="", compare=False)

    @property
    def key(self) -> tuple[str, str]:
        """Identity used to fuse rankings: a declaration, or a span when there is none."""
        return (self.file, self.symbol or f"L{self.start_line}")

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "symbol": self.symbol,
            "kind": self.kind,
            "language": self.language,
            "project": self.project,
            "role": self.role,
            "score": round(self.score, 6),
            "sources": list(self.sources),
            "preview": self.preview,
        }
