"""Dead-code rules DWA-330 (C# private methods) and DWA-331 (Python functions) on small trees."""

from __future__ import annotations

from pathlib import Path

from dwagent.tools.graph.config import GraphConfig
from dwagent.tools.graph.deadcode import dead_code_findings
from dwagent.tools.index import build_index, open_index
from dwagent.tools.rules.registry import get_rule


def _dead(tmp_path: Path, files: dict[str, str], config: GraphConfig | None = None) -> dict[str, tuple[str, int]]:
    """bare symbol name → (rule, line) of every dead-code finding."""
    root = tmp_path / "tree"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    build_index(root, index_dir=tmp_path / "idx", jobs=1)
    with open_index(root, index_dir=tmp_path / "idx") as store:
        found = dead_code_findings(store, config)
    for f in found:
        assert f.category == "dead-code" and f.excerpt.strip() and "searched" in f.message
    return {f.properties["symbol"].rsplit(".", 1)[-1]: (f.rule, f.start_line) for f in found}


CSHARP = {
    "App/Report.cs": """namespace App;

public sealed class Report
{
    public static void Main() => new Report().Run(new List<string>());

    public void Run(List<string> lines)
    {
        lines.ForEach(Log);
        Format(lines);
        var m = typeof(Report).GetMethod("ByReflection", BindingFlags.NonPublic | BindingFlags.Static);
        System.Console.WriteLine(nameof(Named));
    }

    private void Log(string line) => System.Console.WriteLine(line);

    private static string Format(List<string> lines) => string.Join(",", lines);

    private static void ByReflection() { }

    private static void Named() { }

    [Obsolete]
    private static void Attributed() { }

    public void PublicUnused() { }

    private static int Countdown(int n) => n <= 0 ? 0 : Countdown(n - 1);

    private static string[] LegacyHeader(string name) =>
        new[] { "report", name };
}
""",
}


def test_private_csharp_methods_never_referenced_are_dead(tmp_path):
    dead = _dead(tmp_path, CSHARP)
    assert dead["LegacyHeader"] == ("DWA-330", 30)
    assert dead["Countdown"][0] == "DWA-330"  # only calls itself
    # method group, call, reflection string, nameof, attribute, public: all alive
    assert set(dead) == {"LegacyHeader", "Countdown"}


PY_LIB = {
    "lib/__init__.py": '__all__ = ["_exported"]\n',
    "lib/core.py": '''"""Helpers."""
import importlib


def public_api(value):
    return _used(value)


def _used(value):
    return value + 1


def _exported():
    return 2


def _never(value):
    return value * 2


def _by_name():
    return 3


def _do_print():
    return 4


def dispatch(cmd):
    return getattr(importlib.import_module("lib.core"), "_by_name")() + getattr(Cmd(), "_do_" + cmd)()


class Cmd:
    def __repr__(self):
        return "Cmd"

    def _unused_helper(self):
        return 5


@register("x")
def _registered():
    return 6


def _fmt_short(value):
    return str(value)


def fmt(kind, value):
    return getattr(importlib.import_module("lib.core"), "_fmt_%s" % kind)(value)
''',
}


def test_python_private_functions_never_referenced_are_dead(tmp_path):
    dead = _dead(tmp_path, PY_LIB, GraphConfig.python_default())
    assert dead == {"_never": ("DWA-331", 17), "_unused_helper": ("DWA-331", 37)}


PY_APP = {
    "app/__init__.py": "",
    "app/routes.py": """from app.render import render


@app.get("/report")
def report():
    return render("x")
""",
    "app/render.py": """def render(text):
    return text.upper()


def render_legacy(text):
    return text.lower()


def unrelated_unused(text):
    return text


def serve():
    return 1


def serve_v2():
    return 2
""",
    "pyproject.toml": '[project.scripts]\nserve = "app.render:serve_v2"\n',
    "README.md": "Call `render_legacy` only for the old layout.\n",
}


def test_public_functions_need_an_application_and_a_used_sibling(tmp_path):
    dead = _dead(tmp_path, PY_APP, GraphConfig.python_default())
    # render_legacy: superseded by render, which the route calls; the README mention is prose
    assert dead == {"render_legacy": ("DWA-331", 5)}
    # serve_v2 is bound by the entry-point table, serve by nothing but has no used sibling


def test_public_functions_of_a_library_are_never_dead(tmp_path):
    lib = dict(PY_APP)
    lib["app/routes.py"] = "from app.render import render\n\n\ndef report():\n    return render('x')\n"
    assert _dead(tmp_path, lib, GraphConfig.python_default()) == {}


def test_rules_are_registered_as_dead_code():
    assert get_rule("DWA-330").meta.category == "dead-code"
    assert get_rule("DWA-331").meta.languages == ("python",)


def test_members_of_framework_subclasses_are_not_dead(tmp_path):
    files = {
        "Game/Player.cs": """namespace Game;

public abstract class Actor : MonoBehaviour { }

public sealed class Player : Actor
{
    private void Update() { }
}

public sealed class Plain : System.IDisposable
{
    public void Dispose() { }

    private void Unused() { }

    private static void Main() { }
}
""",
        "tool/fmt.py": """import argparse


class WideFormatter(argparse.HelpFormatter):
    def _format_action(self, action):
        return "x"


class Local:
    def _unused(self):
        return 1


class Color:
    def _missing_(self, value):
        return None
""",
    }
    dead = _dead(tmp_path, files)
    assert dead == {"Unused": ("DWA-330", 14), "_unused": ("DWA-331", 10)}
