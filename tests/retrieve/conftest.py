"""Fakes for retrieval and chat tests: a hand-filled index database and a bag-of-words embedder.

The index fake writes rows straight into the shared schema (tools/index/schema.py), so these
tests exercise retrieval independently of the parser; integration tests build a real index.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dwagent.tools.index.schema import DDL
from dwagent.tools.retrieve.tokens import words


@dataclass
class FakeSymbol:
    kind: str
    qualname: str
    start_line: int
    end_line: int
    container: str = ""
    bases: tuple[str, ...] = ()
    signature: str = ""
    doc: str = ""


@dataclass
class FakeFile:
    path: str
    text: str
    language: str = "csharp"
    role: str = "production"
    project: str = "App"
    symbols: list[FakeSymbol] = field(default_factory=list)


def write_index(db: Path, root: Path, files: list[FakeFile]) -> sqlite3.Connection:
    """Write `files` to disk under root and their rows into an index at `db` (one chunk per symbol)."""
    conn = sqlite3.connect(str(db))
    conn.row_factory = sqlite3.Row
    conn.executescript(DDL)
    for f in files:
        target = root / f.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f.text)
        lines = f.text.split("\n")
        digest = hashlib.sha256(f.text.encode()).hexdigest()
        cur = conn.execute(
            "INSERT INTO files (path, language, hash, size, mtime_ns, lines, role, project) VALUES (?,?,?,?,?,?,?,?)",
            (f.path, f.language, digest, len(f.text), 0, len(lines), f.role, f.project),
        )
        file_id = cur.lastrowid
        for s in f.symbols:
            conn.execute(
                "INSERT INTO symbols (file_id, kind, name, qualname, container, bases, signature, doc, start_line, end_line) "
                "VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    file_id,
                    s.kind,
                    s.qualname.rsplit(".", 1)[-1],
                    s.qualname,
                    s.container,
                    json.dumps(list(s.bases)),
                    s.signature,
                    s.doc,
                    s.start_line,
                    s.end_line,
                ),
            )
            if s.kind not in ("namespace",) and not any(o is not s and o.container == s.qualname for o in f.symbols):
                text = "\n".join(lines[s.start_line - 1 : s.end_line])
                c = conn.execute(
                    "INSERT INTO chunks (file_id, symbol, kind, start_line, end_line, text) VALUES (?,?,?,?,?,?)",
                    (file_id, s.qualname, s.kind, s.start_line, s.end_line, text),
                )
                conn.execute("INSERT INTO chunks_fts (rowid, text, symbol) VALUES (?,?,?)", (c.lastrowid, text, s.qualname))
    conn.commit()
    return conn


class BagOfWordsEmbedder:
    """A deterministic stand-in for the model: hashed word counts, L2-normalised (64 dims)."""

    model_id = "fake-bow"

    def __init__(self) -> None:
        self.calls = 0
        self.texts: list[str] = []  # every text embedded, in order

    def embed(self, texts):
        self.calls += len(texts)
        self.texts.extend(texts)
        out = []
        for text in texts:
            vec = [0.0] * 64
            for w in words(text):
                vec[int(hashlib.md5(w.encode()).hexdigest(), 16) % 64] += 1.0
            norm = sum(v * v for v in vec) ** 0.5 or 1.0
            out.append([v / norm for v in vec])
        return out


STORE_CS = """namespace Shop.Storage
{
    /// Saves orders to disk.
    public class OrderRepository : IRepository
    {
        public void SaveOrder(Order order)
        {
            File.WriteAllText(PathFor(order.Id), Serialize(order));
        }

        public Order LoadOrder(string id)
        {
            return Deserialize(File.ReadAllText(PathFor(id)));
        }
    }
}"""

AUTH_CS = """namespace Shop.Security
{
    public class TokenValidator
    {
        public bool ValidateToken(string token, string expected)
        {
            return token == expected;
        }
    }
}"""

TEST_CS = """namespace Shop.Tests
{
    public class OrderRepositoryTests
    {
        public void SaveOrderWritesFile()
        {
            var repo = new OrderRepository();
        }
    }
}"""

TOOL_PY = '''def parse_user_name(raw):
    """Split a display name into first and last."""
    return raw.split(" ", 1)
'''


def sample_files() -> list[FakeFile]:
    return [
        FakeFile(
            "src/Storage/OrderRepository.cs",
            STORE_CS,
            symbols=[
                FakeSymbol("namespace", "Shop.Storage", 1, 16),
                FakeSymbol("class", "Shop.Storage.OrderRepository", 4, 15, "Shop.Storage", ("IRepository",), "", "Saves orders to disk."),
                FakeSymbol(
                    "method", "Shop.Storage.OrderRepository.SaveOrder", 6, 9, "Shop.Storage.OrderRepository", signature="void SaveOrder(Order order)"
                ),
                FakeSymbol(
                    "method", "Shop.Storage.OrderRepository.LoadOrder", 11, 14, "Shop.Storage.OrderRepository", signature="Order LoadOrder(string id)"
                ),
            ],
        ),
        FakeFile(
            "src/Security/TokenValidator.cs",
            AUTH_CS,
            project="Security",
            symbols=[
                FakeSymbol("class", "Shop.Security.TokenValidator", 3, 9, "Shop.Security"),
                FakeSymbol(
                    "method",
                    "Shop.Security.TokenValidator.ValidateToken",
                    5,
                    8,
                    "Shop.Security.TokenValidator",
                    signature="bool ValidateToken(string token, string expected)",
                ),
            ],
        ),
        FakeFile(
            "tests/OrderRepositoryTests.cs",
            TEST_CS,
            role="test",
            project="Tests",
            symbols=[
                FakeSymbol("class", "Shop.Tests.OrderRepositoryTests", 3, 9, "Shop.Tests"),
                FakeSymbol(
                    "method",
                    "Shop.Tests.OrderRepositoryTests.SaveOrderWritesFile",
                    5,
                    8,
                    "Shop.Tests.OrderRepositoryTests",
                    signature="void SaveOrderWritesFile()",
                ),
            ],
        ),
        FakeFile(
            "tools/names.py",
            TOOL_PY,
            language="python",
            project="tools",
            symbols=[
                FakeSymbol(
                    "function",
                    "tools.names.parse_user_name",
                    1,
                    3,
                    "tools.names",
                    signature="def parse_user_name(raw)",
                    doc="Split a display name into first and last.",
                ),
            ],
        ),
    ]


@pytest.fixture
def sample_index(tmp_path):
    """(connection, root) of a small fake index over a written tree."""
    root = tmp_path / "tree"
    root.mkdir()
    (tmp_path / "idx").mkdir()
    conn = write_index(tmp_path / "idx" / "index.sqlite", root, sample_files())
    yield conn, root
    conn.close()


@pytest.fixture
def fake_embedder():
    return BagOfWordsEmbedder()


# --- a small audited tree with a report, for chat tests ------------------------------------

CLIENT_CS = """namespace Acme.Net
{
    public class Client
    {
        public void Connect(string host)
        {
            var handler = new HttpClientHandler();
            handler.ServerCertificateCustomValidationCallback = (a, b, c, d) => true;
        }
    }
}
"""

SERVICE_CS = """namespace Acme.App
{
    public class Service
    {
        private readonly Client _client = new Client();

        public void Start(string host)
        {
            if (string.IsNullOrEmpty(host))
                throw new ArgumentException("host");
            _client.Connect(host);
        }
    }
}
"""

LEGACY_CS = """namespace Acme.Legacy
{
    public class LegacyClient
    {
        public void Open()
        {
            var handler = new HttpClientHandler();
            handler.ServerCertificateCustomValidationCallback = (a, b, c, d) => true;
        }
    }
}
"""

FINDING_EXCERPT = "            handler.ServerCertificateCustomValidationCallback = (a, b, c, d) => true;"


def make_report(base: Path) -> tuple[Path, Path, str]:
    """(report_dir, root, finding_id): a tree, its real index, and a hand-written report."""
    from dwagent.models import Finding, ReviewRecord
    from dwagent.tools.index import build_index

    root = base / "tree"
    for rel, text in {"src/Net/Client.cs": CLIENT_CS, "src/App/Service.cs": SERVICE_CS, "src/Legacy/LegacyClient.cs": LEGACY_CS}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    summary = build_index(root, index_dir=base / "idx")
    finding = Finding(
        id="F-tls0001",
        rule="DWA-101",
        category="tls-bypass",
        cwe=(295,),
        severity="critical",
        file="src/Net/Client.cs",
        start_line=8,
        end_line=8,
        excerpt=FINDING_EXCERPT,
        message="certificate validation callback accepts every certificate",
        review=(ReviewRecord(challenge="reachability", outcome="upheld", detail="called from Service.Start"),),
    )
    other = Finding(
        id="F-todo0002",
        rule="DWA-210",
        category="todo-marker",
        severity="low",
        file="src/App/Service.cs",
        start_line=11,
        end_line=11,
        excerpt="            _client.Connect(host);",
        message="example second finding",
    )
    report = base / "report"
    report.mkdir()
    (report / "findings.json").write_text(json.dumps({"findings": [finding.model_dump(mode="json"), other.model_dump(mode="json")]}))
    # the layout `dwagent certify` writes: the index summary carries the root and the database
    (report / "run.json").write_text(json.dumps({"index": {"root": str(root), "db_path": str(summary.db_path)}}))
    return report, root, finding.id


@pytest.fixture
def chat_report(tmp_path):
    return make_report(tmp_path)
