"""Graph building on small hand-written trees: DI, bus constants, reflection, persistence, config."""

from __future__ import annotations

from pathlib import Path

import pytest

from dwagent.errors import InputError
from dwagent.tools.graph.api import graph_for
from dwagent.tools.graph.bus import Constant, ConstantTable, resolve_topic, topic_matches
from dwagent.tools.graph.checks import wiring_findings
from dwagent.tools.graph.config import GraphConfig
from dwagent.tools.graph.persist import load_graph, stored_key
from dwagent.tools.index import build_index, open_index

APP = {
    "App/Program.cs": """namespace Demo.App;

public static class Program
{
    public static void Main(string[] args)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock, SystemClock>();
        services.AddTransient<ReportJob>();
        var bus = new Bus();
        bus.Publish(Topics.OrderPlaced, "x");
        bus.Publish(nameof(OrderShipped), "y");
        bus.Publish("audit." + Topics.Suffix, "z");
        bus.Subscribe("orders.*", OnAnyOrder);
    }

    private static void OnAnyOrder(string payload) { }
}
""",
    "App/Topics.cs": """namespace Demo.App;

public static class Topics
{
    public const string OrderPlaced = "orders.placed";
    public const string Suffix = "trail";
    public const string Unused = "orders.cancelled";
}

public sealed record OrderShipped(string Id);
""",
    "App/Handlers.cs": """namespace Demo.App;

public sealed class Handlers
{
    public Handlers(Bus bus)
    {
        bus.Subscribe("OrderShipped", OnShipped);
        bus.Subscribe(Topics.Unused, OnCancelled);
    }

    private void OnShipped(string payload) { }

    private void OnCancelled(string payload) { }
}
""",
    "App/Clock.cs": """namespace Demo.App;

public interface IClock { long Now(); }

public sealed class SystemClock : IClock
{
    public long Now() => 0;
}

public sealed class ReportJob { }

public sealed class Bus
{
    public void Publish(string topic, string payload) { }
    public void Subscribe(string topic, System.Action<string> handler) { }
}

public sealed class ServiceCollection { }
""",
    "App/Plugins.cs": """namespace Demo.App;

[System.AttributeUsage(System.AttributeTargets.Class)]
public sealed class ExportedJobAttribute : System.Attribute { }

[ExportedJob]
public sealed class NightlyJob { }

public static class JobScanner
{
    public static void Load(System.Reflection.Assembly assembly)
    {
        foreach (var type in assembly.GetTypes())
        {
            if (type.IsDefined(typeof(ExportedJobAttribute), false))
            {
                System.Activator.CreateInstance(type);
            }
        }
    }
}

public sealed class Orphan
{
    private int _count;
    private int _seen;

    public void Touch()
    {
        _count = 1;
        _seen = 2;
        System.Console.WriteLine(_seen);
    }
}
""",
}


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture()
def tree(tmp_path):
    root = tmp_path / "tree"
    _write(root, APP)
    # JobScanner is only reachable when something calls it: make Program do so
    text = (
        (root / "App/Program.cs")
        .read_text()
        .replace("        var bus = new Bus();", "        JobScanner.Load(typeof(Program).Assembly);\n        var bus = new Bus();")
    )
    (root / "App/Program.cs").write_text(text)
    return root


def _store(root: Path, tmp_path: Path):
    index_dir = tmp_path / "idx"
    build_index(root, index_dir=index_dir, jobs=1)
    return open_index(root, index_dir=index_dir)


def test_di_registration_edges_and_wiring(tree, tmp_path):
    with _store(tree, tmp_path) as store:
        g = graph_for(store).graph
        di = [(e.src, e.dst) for e in g.edges if e.kind == "di"]
        assert ("Demo.App.IClock", "Demo.App.SystemClock") in di
        assert "Demo.App.SystemClock" in g.instantiated and "AddSingleton" in g.instantiated["Demo.App.SystemClock"]
        assert g.types["Demo.App.ReportJob"].live


def test_bus_topics_from_const_nameof_concat_and_patterns(tree, tmp_path):
    with _store(tree, tmp_path) as store:
        g = graph_for(store).graph
        pubs = {s.topic for s in g.bus if s.side == "publish"}
        assert {"orders.placed", "OrderShipped", "audit.trail"} <= pubs
        subs = {(s.topic, s.pattern) for s in g.bus if s.side == "subscribe"}
        assert ("orders.*", True) in subs and ("orders.cancelled", False) in subs
        delivered = {(e.src, e.dst.rsplit(".", 1)[-1]) for e in g.edges if e.kind == "deliver"}
        assert ("topic:orders.placed", "OnAnyOrder") in delivered
        assert ("topic:OrderShipped", "OnShipped") in delivered


def test_orphans_write_only_field_and_attribute_discovery(tree, tmp_path):
    with _store(tree, tmp_path) as store:
        found = wiring_findings(store)
        keyed = {(f.rule, f.properties.get("topic") or f.properties.get("symbol", "")) for f in found}
        assert ("DWA-311", "orders.cancelled") in keyed
        assert ("DWA-310", "audit.trail") in keyed
        assert ("DWA-320", "Demo.App.Orphan._count") in keyed
        assert not any(k[1] == "Demo.App.Orphan._seen" for k in keyed)  # read once: not write-only
        assert ("DWA-301", "Demo.App.Orphan") in keyed
        g = graph_for(store).graph
        assert "Demo.App.NightlyJob" in g.discovered  # carries the attribute a scan looks for
        assert not any(k[1] == "Demo.App.NightlyJob" for k in keyed)


def test_graph_is_persisted_and_rebuilt_when_a_file_changes(tree, tmp_path):
    cfg = GraphConfig.csharp_default()
    with _store(tree, tmp_path) as store:
        first = load_graph(store.conn, cfg)
        key = stored_key(store.conn)
        assert key == first.key
        again = load_graph(store.conn, cfg)
        assert sorted(map(str, again.edges)) == sorted(map(str, first.edges))
        assert {q: t.live for q, t in again.types.items()} == {q: t.live for q, t in first.types.items()}
    (tree / "App/Plugins.cs").write_text(APP["App/Plugins.cs"].replace("public sealed class Orphan", "public sealed class Orphan2"))
    with _store(tree, tmp_path) as store:
        rebuilt = load_graph(store.conn, cfg)
        assert rebuilt.key != key and "Demo.App.Orphan2" in rebuilt.types


def test_resolve_topic_forms():
    table = ConstantTable([Constant("A.Topics.X", "X", "x.value", "a.cs"), Constant("B.Other.X", "X", "other", "b.cs")])
    assert resolve_topic('"lit"', table, "", "") == ("lit", False)
    assert resolve_topic("Topics.X", table, "", "") == ("x.value", False)
    assert resolve_topic("X", table, "B.Other", "z.cs") == ("other", False)
    assert resolve_topic("nameof(Some.Event)", table, "", "") == ("Event", False)
    assert resolve_topic('$"jobs.{id}.done"', table, "", "") == ("jobs.*.done", True)
    assert resolve_topic("topic", table, "", "") == ("", False)
    assert topic_matches("storage.*", "storage.quota.exceeded", True, False)
    assert not topic_matches("storage.write", "storage.read", False, False)


def test_config_from_mapping_rejects_unknown_keys():
    cfg = GraphConfig.from_mapping({"publish_methods": ["Emit"], "trace_depth": 5})
    assert cfg.publish_methods == ("Emit",) and cfg.trace_depth == 5
    with pytest.raises(InputError):
        GraphConfig.from_mapping({"publish_method": ["typo"]})


def test_python_classes_instantiated_by_call_are_wired(tmp_path):
    root = tmp_path / "py"
    _write(
        root,
        {
            "app/__init__.py": "",
            "app/main.py": "from app.service import Service\n\n\n@click.command()\ndef main():\n    Service().run()\n",
            "app/service.py": (
                "class Service:\n    def run(self):\n        return Helper().go()\n\n\n"
                "class Helper:\n    def go(self):\n        return 1\n\n\n"
                "class Forgotten:\n    def go(self):\n        return 2\n"
            ),
        },
    )
    with _store(root, tmp_path) as store:
        view = graph_for(store, GraphConfig.python_default())
        dead = {f.properties["symbol"] for f in wiring_findings(store, GraphConfig.python_default())}
        assert dead == {"app.service.Forgotten"}
        assert view.graph.types["app.service.Helper"].live
