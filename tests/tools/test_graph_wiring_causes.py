"""Wiring precision: one small self-written tree per cause of a past false positive (and the
matching true positive next to it, so each test can fail both ways)."""

from __future__ import annotations

from pathlib import Path

from dwagent.tools.graph.api import graph_for
from dwagent.tools.graph.checks import wiring_findings
from dwagent.tools.graph.config import GraphConfig
from dwagent.tools.index import build_index, open_index


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _run(tmp_path: Path, files: dict[str, str], config: GraphConfig | None = None):
    """(graph, {(rule, symbol bare name)}) for a tree written from `files`."""
    root = tmp_path / "tree"
    _write(root, files)
    build_index(root, index_dir=tmp_path / "idx", jobs=1)
    with open_index(root, index_dir=tmp_path / "idx") as store:
        cfg = config or GraphConfig.csharp_default()
        graph = graph_for(store, cfg).graph
        found = {(f.rule, f.properties.get("symbol", "").rsplit(".", 1)[-1]) for f in wiring_findings(store, cfg)}
    return graph, found


HANDLERS = {
    "Worker/Program.cs": """using Worker.Handlers;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddHostedService<HandlerHost>();
foreach (var type in typeof(HandlerBase).Assembly.GetTypes()
             .Where(t => t.IsSubclassOf(typeof(HandlerBase)) && !t.IsAbstract))
{
    builder.Services.AddSingleton(typeof(HandlerBase), type);
}
builder.Build().Run();
""",
    "Worker/Handlers/HandlerBase.cs": """namespace Worker.Handlers;

public abstract class HandlerBase
{
    public abstract void Handle(object message);
}

public sealed record Shipped(string Id);
""",
    "Worker/Handlers/ShipHandler.cs": """namespace Worker.Handlers;

public sealed class ShipHandler : HandlerBase
{
    public override void Handle(object message) => System.Console.WriteLine(new Shipped("x"));
}
""",
    "Worker/Handlers/HandlerHost.cs": """namespace Worker.Handlers;

public sealed class HandlerHost : BackgroundService
{
    private readonly IEnumerable<HandlerBase> _handlers;

    public HandlerHost(IEnumerable<HandlerBase> handlers) { _handlers = handlers; }

    protected override Task ExecuteAsync(CancellationToken token)
    {
        foreach (var h in _handlers) { h.Handle("m"); }
        return Task.CompletedTask;
    }
}
""",
    "Worker/Export/Exporters.cs": """namespace Worker.Export;

public interface IExporter { void Export(); }

public sealed class PdfExporter : IExporter
{
    public void Export() => System.Console.WriteLine("pdf");
}

public sealed class NightlyArchiver : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken token) => Task.CompletedTask;
}
""",
}


def test_top_level_scan_registered_by_type_wires_every_subclass(tmp_path):
    graph, found = _run(tmp_path, HANDLERS)
    assert "Worker.Handlers.ShipHandler" in graph.discovered
    assert graph.types["Worker.Handlers.ShipHandler"].live
    assert graph.types["Worker.Handlers.Shipped"].live  # reached through the discovered handler
    assert not {f for f in found if f[1] in ("ShipHandler", "Shipped", "HandlerBase", "HandlerHost")}
    # a top-level program is an entry point: the tree is not a library, so an unregistered
    # implementation of an in-tree interface is still reported
    assert ("DWA-301", "PdfExporter") in found


def test_background_service_is_wired_only_when_registered(tmp_path):
    _graph, found = _run(tmp_path, HANDLERS)
    assert ("DWA-301", "NightlyArchiver") in found
    assert not {f for f in found if f[1] == "HandlerHost"}  # AddHostedService<HandlerHost>()


def test_generic_method_type_argument_wraps_middleware(tmp_path):
    files = {
        "Web/Program.cs": """var app = WebApplication.CreateBuilder(args).Build();
app.UseMiddleware<TimingMiddleware>();
app.UseMiddleware(typeof(ErrorMiddleware));
app.Run();
""",
        "Web/Middleware.cs": """namespace Web;

public sealed class TimingMiddleware
{
    private readonly ILogger<TimingMiddleware> _log;
    public TimingMiddleware(ILogger<TimingMiddleware> log) { _log = log; }
    public Task InvokeAsync(HttpContext context) => Task.CompletedTask;
}

public sealed class AuditMiddleware
{
    private readonly ILogger _log;
    private readonly List<ILogger<AuditMiddleware>> _typed = new();
    public AuditMiddleware(ILoggerFactory logs) { _log = logs.CreateLogger(typeof(AuditMiddleware)); }
    public Task InvokeAsync(HttpContext context) => Task.CompletedTask;
}

public sealed class ErrorMiddleware
{
    public Task InvokeAsync(HttpContext context) => Task.CompletedTask;
}
""",
    }
    graph, found = _run(tmp_path, files)
    assert "UseMiddleware" in graph.instantiated["Web.TimingMiddleware"]
    assert "UseMiddleware" in graph.instantiated["Web.ErrorMiddleware"]
    # only names itself (typeof in its own constructor) and is a generic *type* argument
    assert ("DWA-303", "AuditMiddleware") in found
    assert not {f for f in found if f[1] in ("TimingMiddleware", "ErrorMiddleware")}


def test_di_registration_by_typeof_instantiates_and_links(tmp_path):
    files = {
        "App/Program.cs": """namespace App;

public static class Program
{
    public static void Main()
    {
        var services = new ServiceCollection();
        services.AddTransient(typeof(IClock), typeof(UtcClock));
    }
}

public interface IClock { long Now(); }

public sealed class UtcClock : IClock { public long Now() => 0; }

public sealed class ServiceCollection { }
""",
    }
    graph, found = _run(tmp_path, files)
    assert "App.UtcClock" in graph.instantiated
    assert ("App.IClock", "App.UtcClock") in {(e.src, e.dst) for e in graph.edges if e.kind == "di"}
    assert not {f for f in found if f[1] in ("UtcClock", "IClock")}


def test_interface_loaded_by_reflection_is_an_extension_point(tmp_path):
    files = {
        "Cli/Program.cs": """namespace Cli;

public static class Program
{
    public static void Main(string[] args) => new PluginLoader().Load(args[0]);
}

public interface IPlugin { void Run(); }

public interface IUnusedHook { void Fire(); }

public sealed class PluginLoader
{
    public IPlugin Load(string path)
    {
        var assembly = System.Reflection.Assembly.LoadFrom(path);
        var type = assembly.GetTypes().First(t => typeof(IPlugin).IsAssignableFrom(t));
        return (IPlugin)System.Activator.CreateInstance(type)!;
    }
}
""",
    }
    graph, found = _run(tmp_path, files)
    assert "Cli.IPlugin" in {e.dst for e in graph.edges if e.kind == "scan"}
    assert not {f for f in found if f[1] == "IPlugin"}
    assert ("DWA-302", "IUnusedHook") in found


def test_data_shapes_are_not_unwired_components(tmp_path):
    files = {
        "Api/Program.cs": """namespace Api;

public static class Program
{
    public static void Main() { }
}

public sealed record CustomerRow(int Id, string Email);

public sealed class AddressDto
{
    public string Street { get; set; } = "";
    public string City { get; set; } = "";
}

public sealed class Reconciler
{
    public int Reconcile() => 42;
}
""",
    }
    _graph, found = _run(tmp_path, files)
    assert not {f for f in found if f[1] in ("CustomerRow", "AddressDto")}
    assert ("DWA-301", "Reconciler") in found  # behaviour nobody runs is still reported


def test_library_default_implementation_of_its_own_interface_is_api(tmp_path):
    files = {
        "Lib/Bus.cs": """namespace Lib;

public interface IBus { void Publish(string topic); }

public sealed class InMemoryBus : IBus
{
    public void Publish(string topic) => new Ticket();

    private sealed class Ticket { }
}

public abstract class StrategyBase { public abstract int Run(); }

public sealed class LostStrategy : StrategyBase { public override int Run() => 1; }
""",
    }
    graph, found = _run(tmp_path, files)
    assert graph.types["Lib.InMemoryBus"].live.startswith("public type of a library")
    assert graph.types["Lib.InMemoryBus.Ticket"].live
    assert ("DWA-301", "LostStrategy") in found  # a plug-in subclass must still be reached


def test_python_registering_decorator_wires_a_class(tmp_path):
    files = {
        "pkg/__init__.py": "",
        "pkg/sinks.py": """SINKS = {}


def register(name):
    def add(cls):
        SINKS[name] = cls
        return cls
    return add


@register("jsonl")
class JsonSink:
    def write(self, rows):
        return len(rows)


class ForgottenSink:
    def write(self, rows):
        return 0


@app.post("/export")
def export(rows):
    return SINKS["jsonl"]().write(rows)
""",
    }
    graph, found = _run(tmp_path, files, GraphConfig.python_default())
    assert graph.types["pkg.sinks.JsonSink"].live == "registered by decorator @register"
    assert ("DWA-301", "ForgottenSink") in found
    assert not {f for f in found if f[1] == "JsonSink"}


def test_send_on_a_non_bus_receiver_is_not_a_topic(tmp_path):
    files = {
        "App/Program.cs": """namespace App;

public static class Program
{
    public static void Main()
    {
        var bus = new Bus();
        var notifier = new Mailer();
        bus.PublishAsync("orders.placed", "x");
        bus.Subscribe("orders.placed", OnPlaced);
        notifier.SendAsync("ops@example.org", "hello");
    }

    private static void OnPlaced(string payload) { }
}

public sealed class Bus
{
    public void PublishAsync(string topic, string payload) { }
    public void Subscribe(string topic, System.Action<string> handler) { }
}

public sealed class Mailer
{
    public void SendAsync(string to, string body) { }
}
""",
    }
    graph, found = _run(tmp_path, files)
    assert {s.topic for s in graph.bus} == {"orders.placed"}
    assert not {f for f in found if f[0].startswith("DWA-31")}
    assert any(e.dst == "App.Mailer.SendAsync" and e.kind == "call" for e in graph.edges)


def test_write_only_state_needs_a_write_and_no_reflective_read(tmp_path):
    files = {
        "App/Program.cs": """namespace App;

public static class Program
{
    public static void Main() => new Tracker().Touch();
}

public sealed class Tracker
{
    private readonly object _gate = new();
    private int _lastSeen;
    private int _viaReflection;

    public void Touch()
    {
        _lastSeen = 1;
        _viaReflection = 2;
        System.Console.WriteLine(typeof(Tracker).GetField("_viaReflection"));
    }
}
""",
    }
    _graph, found = _run(tmp_path, files)
    write_only = {name for rule, name in found if rule == "DWA-320"}
    assert write_only == {"_lastSeen"}  # _gate: initialiser only; _viaReflection: named by a string


def test_without_an_in_tree_bus_every_publish_call_is_kept(tmp_path):
    files = {
        "App/Program.cs": """namespace App;

public static class Program
{
    public static void Main()
    {
        IEventPublisher publisher = Resolve();
        publisher.PublishAsync("orders.placed", "x");
    }

    private static IEventPublisher Resolve() => null!;
}

public interface IEventPublisher
{
    void PublishAsync(string topic, string payload);
}
""",
    }
    graph, _found = _run(tmp_path, files)
    assert {(s.side, s.topic) for s in graph.bus} == {("publish", "orders.placed")}


def test_python_library_public_classes_are_api(tmp_path):
    files = {
        "lib/__init__.py": "",
        "lib/shapes.py": """class Shape:
    def area(self):
        return 0


class Square(Shape):
    def area(self):
        return 1


class _Scratch:
    def area(self):
        return 2
""",
        "lib/_internal/__init__.py": "",
        "lib/_internal/cache.py": "class Cache:\n    def get(self):\n        return None\n",
        "lib/cli.py": "from lib.shapes import Square\n\n\ndef main():\n    print(Square().area())\n\n\nif __name__ == '__main__':\n    main()\n",
    }
    graph, found = _run(tmp_path, files, GraphConfig.python_default())
    # no framework entry point (a `__main__` CLI does not make a package a program): a library,
    # whose public classes (subclasses included) are its API; private ones must still be used
    assert graph.types["lib.shapes.Shape"].live.startswith("public type of a library")
    assert {name for rule, name in found if rule == "DWA-301"} == {"_Scratch", "Cache"}


def test_python_reexport_and_wrapper_bases(tmp_path):
    files = {
        "sdk/__init__.py": "from sdk._client import Client\nfrom sdk._mw import RetryMiddleware\n",
        "sdk/_client.py": "class Client:\n    def send(self):\n        return 1\n\n\nclass _Unused:\n    def go(self):\n        return 2\n",
        "sdk/_mw.py": """class Middleware:
    def handle(self, request):
        return request


class RetryMiddleware(Middleware):
    def handle(self, request):
        return request
""",
    }
    graph, found = _run(tmp_path, files, GraphConfig.python_default())
    # a private module's class re-exported by the package is API; the base of a wrapper is wrapped
    # through its subclasses; a library's reachable wrapper is for its users to construct
    assert graph.types["sdk._client.Client"].live
    assert found == {("DWA-301", "_Unused")}


def test_subtype_through_a_using_alias_is_discovered_by_the_scan(tmp_path):
    # the plugin names its base through `using Alias = Ns.Type;`: the scan for Type must find it
    files = {
        "Host/Program.cs": """namespace Host;

public static class Program
{
    public static void Main(string[] args) => Sdk.Loader.LoadAll(typeof(Program).Assembly);
}
""",
        "Sdk/Loader.cs": """namespace Sdk;

public abstract class PluginBase { public abstract void Start(); }

public static class Loader
{
    public static void LoadAll(System.Reflection.Assembly assembly)
    {
        foreach (var type in assembly.GetTypes())
        {
            if (typeof(PluginBase).IsAssignableFrom(type) && !type.IsAbstract)
            {
                ((PluginBase)System.Activator.CreateInstance(type)!).Start();
            }
        }
    }
}
""",
        "Plugins/Audio/AudioPlugin.cs": """using SdkPluginBase = Sdk.PluginBase;

namespace Plugins.Audio;

public sealed class AudioPlugin : SdkPluginBase
{
    public override void Start() { }
}
""",
        "Plugins/Audio/Orphan.cs": """namespace Plugins.Audio;

public sealed class Orphan
{
    public void Mix(System.Collections.Generic.List<int> samples) => samples.Sort();
}
""",
    }
    graph, found = _run(tmp_path, files)
    assert "Plugins.Audio.AudioPlugin" in graph.discovered
    assert ("DWA-301", "AudioPlugin") not in found
    assert ("DWA-301", "Orphan") in found


def test_library_scanned_bases_are_roots(tmp_path):
    # AutoMapper / FluentValidation find Profile and AbstractValidator subtypes by assembly scan
    files = {
        "Api/Program.cs": """namespace Api;

public static class Program
{
    public static void Main() => System.Console.WriteLine("up");
}
""",
        "Api/Mapping.cs": """namespace Api;

public sealed class CustomerProfile : AutoMapper.Profile
{
    public CustomerProfile() { System.Console.WriteLine("map"); }
}

public sealed class CustomerValidator : FluentValidation.AbstractValidator<string>
{
    public CustomerValidator() { System.Console.WriteLine("rules"); }
}

public sealed class CustomerMap : Microsoft.EntityFrameworkCore.IEntityTypeConfiguration<string>
{
    public void Configure(object builder) => System.Console.WriteLine(builder);
}

public sealed class CustomerExporter
{
    public void Export(System.Collections.Generic.List<int> ids) => ids.Sort();
}
""",
    }
    _, found = _run(tmp_path, files)
    assert ("DWA-301", "CustomerProfile") not in found and ("DWA-301", "CustomerValidator") not in found
    assert ("DWA-301", "CustomerMap") not in found
    assert ("DWA-301", "CustomerExporter") in found


def test_extension_method_with_parameters_on_the_next_line_is_a_reference(tmp_path):
    files = {
        "Web/Program.cs": """namespace Web;

public static class Program
{
    public static void Main()
    {
        var services = new Services();
        services.AddAuditTrail(
            "audit");
    }
}

public sealed class Services { }
""",
        "Web/AuditExtensions.cs": """namespace Web;

public static class AuditExtensions
{
    public static void AddAuditTrail(
        this Services services,
        string name)
    {
        System.Console.WriteLine(name);
    }
}

public static class UnusedExtensions
{
    public static void AddNothing(
        this Services services)
    {
        System.Console.WriteLine("never");
    }
}
""",
    }
    _, found = _run(tmp_path, files)
    assert ("DWA-301", "AuditExtensions") not in found
    assert ("DWA-301", "UnusedExtensions") in found
