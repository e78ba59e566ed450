"""Structural guards: enclosing conditions with their polarity, early exits, `#if DEBUG`, option
defaults; C# and Python written for these tests. Each hit is marked with `HIT` in a string."""

from __future__ import annotations

from pathlib import Path

import pytest

from dwagent.agents.review.guard_conditions import guard_atom
from dwagent.agents.review.guards import find_guards
from dwagent.models import Finding
from dwagent.tools.verify import check_quote


class Sources:
    """The slice of agents.sources.Sources the guard search reads: lines and option symbols."""

    def __init__(self, root: Path, symbols: list[dict] = ()):
        self.root = root
        self._symbols = list(symbols)

    def lines(self, path):
        return (self.root / path).read_text(encoding="utf-8").splitlines()

    def symbols(self, kinds=(), name_globs=(), path_prefix=""):
        return [s for s in self._symbols if s["name"] in name_globs]


def _hit(root: Path, rel: str, text: str, marker: str = "HIT") -> Finding:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")
    lines = text.splitlines()
    line = next(i for i, t in enumerate(lines, 1) if marker in t)
    return Finding(
        rule="DWA-101",
        category="tls-bypass",
        severity="critical",
        file=rel,
        start_line=line,
        end_line=line,
        excerpt=lines[line - 1],
        message="m",
        id="F-1",
        fingerprint="fp",
    )


CS = """public class C
{{
    public void M(Options options, IHostEnvironment env)
    {{
{body}
    }}
}}
"""


@pytest.mark.parametrize(
    "body, guard_line",
    [
        # enclosing branch, with polarity: only the development branch is restricted
        ('        if (env.IsDevelopment())\n        {\n            Bypass("HIT");\n        }', 5),
        (
            '        if (!env.IsDevelopment())\n        {\n            Safe();\n        }\n        else\n        {\n            Bypass("HIT");\n        }',
            5,
        ),
        # an early exit before the hit dominates it
        ('        if (!options.AllowInsecure) return;\n        Trace();\n        Bypass("HIT");', 5),
        ('        if (!env.IsDevelopment())\n        {\n            throw new InvalidOperationException();\n        }\n        Bypass("HIT");', 5),
        ('        if (Environment.GetEnvironmentVariable("LAB_MODE") != "1") { return; }\n        Bypass("HIT");', 5),
        ('#if DEBUG\n        Bypass("HIT");\n#endif', 5),
        ('        if (options.AllowInsecure && count > 0)\n        {\n            Bypass("HIT");\n        }', 5),
    ],
)
def test_csharp_guards_dominating_the_hit_are_cited_verbatim(tmp_path, body, guard_line):
    f = _hit(tmp_path, "src/C.cs", CS.format(body=body))
    found = find_guards(Sources(tmp_path), f)
    assert found, body
    g = found[0]
    assert g.file == "src/C.cs" and g.start_line == guard_line and g.verified
    assert check_quote(tmp_path, g.file, g.start_line, g.end_line, g.excerpt).ok
    assert g.note.startswith("guarded by:")


@pytest.mark.parametrize(
    "body",
    [
        # the production branch of an environment check is not restricted
        '        if (!env.IsDevelopment())\n        {\n            Bypass("HIT");\n        }',
        '        if (env.IsDevelopment())\n        {\n            Safe();\n        }\n        else\n        {\n            Bypass("HIT");\n        }',
        # an exit *after* the hit, an exit on an unrelated condition, an or with an unrelated term
        '        Bypass("HIT");\n        if (!env.IsDevelopment()) return;',
        '        if (value == null) return;\n        Bypass("HIT");',
        '        if (options.AllowInsecure || retries > 3)\n        {\n            Bypass("HIT");\n        }',
        # a comment is not syntax
        '        // if (env.IsDevelopment()) return;\n        Bypass("HIT");',
        # #else of a DEBUG region is the release build
        '#if DEBUG\n        Safe();\n#else\n        Bypass("HIT");\n#endif',
    ],
)
def test_csharp_non_guards_are_not_guards(tmp_path, body):
    f = _hit(tmp_path, "src/C.cs", CS.format(body=body))
    assert find_guards(Sources(tmp_path), f) == ()


def _option(tmp_path: Path, decl: str) -> list[dict]:
    (tmp_path / "src" / "Options.cs").write_text(f"public class Options\n{{\n{decl}\n}}\n", encoding="utf-8")
    name = decl.split("{")[0].split()[-1]
    return [{"name": name, "kind": "property", "role": "production", "path": "src/Options.cs", "start_line": 3, "end_line": 3}]


def test_an_option_guard_counts_only_if_its_default_keeps_the_safe_path(tmp_path):
    body = '        if (!options.ValidateCertificates)\n        {\n            Bypass("HIT");\n        }'
    f = _hit(tmp_path, "src/C.cs", CS.format(body=body))
    safe = _option(tmp_path, "    public bool ValidateCertificates { get; set; } = true;")
    found = find_guards(Sources(tmp_path, safe), f)
    assert [g.file for g in found] == ["src/C.cs", "src/Options.cs"]
    assert "defaults to true" in found[1].note and found[1].excerpt.strip().endswith("= true;") and found[1].verified
    risky = _option(tmp_path, "    public bool ValidateCertificates { get; set; }")  # C# default false
    assert find_guards(Sources(tmp_path, risky), f) == ()


PY = """import os


def connect(settings, url):
{body}
"""


@pytest.mark.parametrize(
    "body, guarded",
    [
        ("    if settings.allow_insecure:\n        verify = False  # HIT\n    return verify", True),
        ("    if not settings.verify_tls:\n        verify = False  # HIT", True),
        ('    if os.environ.get("LAB") != "1":\n        raise RuntimeError("lab only")\n    verify = False  # HIT', True),
        ("    if settings.verify_tls:\n        verify = True\n    else:\n        verify = False  # HIT", True),
        ("    if settings.verify_tls:\n        verify = False  # HIT", False),
        ("    if url:\n        return None\n    verify = False  # HIT", False),
    ],
)
def test_python_guards(tmp_path, body, guarded):
    f = _hit(tmp_path, "app/net.py", PY.format(body=body))
    assert bool(find_guards(Sources(tmp_path), f)) is guarded, body


def test_condition_polarity_and_de_morgan():
    assert guard_atom("env.IsDevelopment()", True) and not guard_atom("env.IsDevelopment()", False)
    assert guard_atom("!(options.AllowInsecure)", False)
    assert guard_atom("a && options.SkipTlsCheck", True) and not guard_atom("a && options.SkipTlsCheck", False)
    assert guard_atom("env.IsDevelopment() || options.AllowInsecure", True)
    assert guard_atom("x.IsProduction()", False) and not guard_atom("x.IsProduction()", True)
