"""Emitters for the parts of the synthetic solution: SDK contracts, kernel, plugins, tests.

Every class emitted here is wired (instantiated, registered, discovered by reflection or used
as a base) except the ones generate.py plants as unwired. Bus calls come only from the topic
plan, so the manifest knows every publish and subscribe site.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from dwagent.evals.synth.code import BodyGen, SourceFile
from dwagent.evals.synth.profile import NOUNS, PRODUCT, VERBS


@dataclass
class Topic:
    const: str  # field name in BusTopics
    value: str  # the topic string
    publisher: str | None  # plugin that publishes it (None = never published)
    subscriber: str | None  # plugin that subscribes (None = never subscribed)
    publish_sites: list[tuple[str, int]] = field(default_factory=list)
    subscribe_sites: list[tuple[str, int]] = field(default_factory=list)


def csproj(name: str, refs: list[str]) -> SourceFile:
    f = SourceFile(f"{name}.csproj", role="build")
    f.add('<Project Sdk="Microsoft.NET.Sdk">')
    f.add("<PropertyGroup>", 1)
    f.add("<TargetFramework>net8.0</TargetFramework>", 2)
    f.add("<Nullable>enable</Nullable>", 2)
    f.add("</PropertyGroup>", 1)
    if refs:
        f.add("<ItemGroup>", 1)
        for ref in refs:
            f.add(f'<ProjectReference Include="{ref}" />', 2)
        f.add("</ItemGroup>", 1)
    f.add("</Project>")
    return f


def usings(f: SourceFile, extra: tuple[str, ...] = ()) -> None:
    for ns in (
        "System",
        "System.Collections.Generic",
        "System.IO",
        "System.Linq",
        "System.Text",
        "System.Threading",
        "System.Threading.Tasks",
        "Microsoft.Extensions.Logging",
        *extra,
    ):
        f.add(f"using {ns};")
    f.add()


def methods(gen: BodyGen, f: SourceFile, budget: int, model: str, indent: int = 1) -> None:
    """Public sync and async methods until about `budget` lines are written."""
    rng = gen.rng
    start = len(f.lines)
    seen: set[str] = set()
    while len(f.lines) - start < budget:
        verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
        name = f"{verb}{noun}"
        if name in seen:
            name += str(len(seen))
        seen.add(name)
        is_async = rng.random() < 0.4
        f.add("/// <summary>", indent)
        f.add(f"/// {verb}s the {noun.lower()} set and returns a score.", indent)
        if rng.random() < 0.5:
            f.add("/// Items with an empty name are ignored; sizes are taken as reported.", indent)
        f.add("/// </summary>", indent)
        f.add('/// <param name="items">The items to inspect.</param>', indent)
        if is_async:
            f.add('/// <param name="ct">Cancels the operation.</param>', indent)
        f.add(f"/// <returns>The {noun.lower()} score.</returns>", indent)
        if is_async:
            f.add(f"public async Task<int> {name}Async(IReadOnlyList<ItemInfo> items, CancellationToken ct)", indent)
        else:
            f.add(f"public int {name}(IReadOnlyList<ItemInfo> items)", indent)
        f.add("{", indent)
        f.add("ArgumentNullException.ThrowIfNull(items);", indent + 1)
        if not is_async:  # after the body's first line (`var total = 0;`)
            f.slots.append((len(f.lines) + 1, "    " * (indent + 1)))
        gen.statements(f, indent + 1, rng.randint(3, 22), is_async, model)
        f.add("}", indent)
        f.add()


def class_fields(f: SourceFile, indent: int = 1) -> None:
    f.class_slots.append((len(f.lines), "    " * indent))
    f.add("private readonly Dictionary<string, int> _cache = new(StringComparer.Ordinal);", indent)
    f.add("private readonly object _gate = new();", indent)
    f.add("private long _counter;", indent)
    f.add()


def sdk_contracts(ns: str) -> list[SourceFile]:
    """Base classes, the bus interface and the item record the rest of the tree builds on."""
    files = []
    f = SourceFile(f"{PRODUCT}.Sdk/Contracts/ExtensionBase.cs")
    usings(f, ("Microsoft.Extensions.DependencyInjection", f"{ns}.Messaging"))
    f.add(f"namespace {ns}.Contracts;")
    f.add()
    f.add("/// <summary>Base of every plugin: lifecycle and kernel services.</summary>")
    f.add("public abstract class ExtensionBase")
    f.add("{")
    f.add("protected IEventBus? Bus { get; private set; }", 1)
    f.add("protected ILogger Logger { get; private set; } = NullLoggerShim.Instance;", 1)
    f.add("public abstract string Id { get; }", 1)
    f.add("public virtual void InjectServices(IEventBus bus, ILogger logger)", 1)
    f.add("{", 1)
    f.add("Bus = bus;", 2)
    f.add("Logger = logger;", 2)
    f.add("}", 1)
    f.add("public virtual void ConfigureServices(IServiceCollection services) { }", 1)
    f.add("public abstract Task InitializeAsync(CancellationToken ct);", 1)
    f.add("public abstract Task StartAsync(CancellationToken ct);", 1)
    f.add("public virtual Task StopAsync(CancellationToken ct) => Task.CompletedTask;", 1)
    f.add("}")
    f.classes.append(f"{ns}.Contracts.ExtensionBase")
    files.append(f)

    f = SourceFile(f"{PRODUCT}.Sdk/Contracts/StrategyBase.cs")
    usings(f)
    f.add(f"namespace {ns}.Contracts;")
    f.add()
    f.add("/// <summary>Base of every strategy; concrete strategies are discovered by reflection.</summary>")
    f.add("public abstract class StrategyBase")
    f.add("{")
    f.add("protected ILogger _logger = NullLoggerShim.Instance;", 1)
    f.add("public abstract string StrategyId { get; }", 1)
    f.add("public virtual int Priority => 0;", 1)
    f.add("}")
    f.add()
    f.add("/// <summary>A logger that drops everything, for strategies created before injection.</summary>")
    f.add("public sealed class NullLoggerShim : ILogger")
    f.add("{")
    f.add("public static readonly NullLoggerShim Instance = new();", 1)
    f.add("public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;", 1)
    f.add("public bool IsEnabled(LogLevel logLevel) => false;", 1)
    f.add(
        "public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) { }",
        1,
    )
    f.add("}")
    f.add()
    f.add("/// <summary>An item handed to strategies.</summary>")
    f.add("public sealed record ItemInfo(string Name, long Size);")
    f.classes += [f"{ns}.Contracts.StrategyBase", f"{ns}.Contracts.NullLoggerShim", f"{ns}.Contracts.ItemInfo"]
    files.append(f)

    f = SourceFile(f"{PRODUCT}.Sdk/Messaging/IEventBus.cs")
    usings(f)
    f.add(f"namespace {ns}.Messaging;")
    f.add()
    f.add("/// <summary>A message on the bus.</summary>")
    f.add("public sealed record BusMessage(string Topic, IReadOnlyDictionary<string, object> Payload);")
    f.add()
    f.add("/// <summary>The plugin message bus: the only way plugins talk to each other.</summary>")
    f.add("public interface IEventBus")
    f.add("{")
    f.add("Task PublishAsync(string topic, BusMessage message, CancellationToken ct = default);", 1)
    f.add("IDisposable Subscribe(string topic, Func<BusMessage, CancellationToken, Task> handler);", 1)
    f.add("}")
    f.classes += [f"{ns}.Messaging.BusMessage", f"{ns}.Messaging.IEventBus"]
    files.append(f)
    return files


def bus_topics(ns: str, topics: list[Topic]) -> SourceFile:
    f = SourceFile(f"{PRODUCT}.Sdk/Messaging/BusTopics.cs")
    f.add(f"namespace {ns}.Messaging;")
    f.add()
    f.add("/// <summary>Every topic name used on the bus.</summary>")
    f.add("public static class BusTopics")
    f.add("{")
    for t in topics:
        f.add(f'public const string {t.const} = "{t.value}";', 1)
    f.add("}")
    f.classes.append(f"{ns}.Messaging.BusTopics")
    return f


def presets(ns: str, rng: random.Random) -> SourceFile:
    f = SourceFile(f"{PRODUCT}.Sdk/Configuration/ConfigurationPresets.cs")
    usings(f)
    f.add(f"namespace {ns}.Configuration;")
    f.add()
    f.add("/// <summary>Options every deployment sets.</summary>")
    f.add("public sealed class PlatformOptions")
    f.add("{")
    options = ("RequireTls", "EncryptAtRest", "EnableAuditLog", "EnableReplication", "AirGapped", "RequireMfa", "PinCertificates")
    for opt in options:
        f.add(f"public bool {opt} {{ get; set; }}", 1)
    f.add("public int ReplicaCount { get; set; } = 1;", 1)
    f.add("}")
    f.add()
    f.add("/// <summary>Named configuration presets, weakest to strongest.</summary>")
    f.add("public static class ConfigurationPresets")
    f.add("{")
    for level, preset in enumerate(("Minimal", "Standard", "Secure", "Paranoid", "Hyperscale")):
        f.add(f"public static PlatformOptions Create{preset}() => new PlatformOptions", 1)
        f.add("{", 1)
        for i, opt in enumerate(options):
            f.add(f"{opt} = {'true' if i < level + 2 else 'false'},", 2)
        f.add(f"ReplicaCount = {1 + level * 2},", 2)
        f.add("};", 1)
        f.add()
    f.add("public static PlatformOptions CreateByName(string name) => name switch", 1)
    f.add("{", 1)
    for preset in ("Minimal", "Standard", "Secure", "Paranoid", "Hyperscale"):
        f.add(f'"{preset.lower()}" => Create{preset}(),', 2)
    f.add('_ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown preset"),', 2)
    f.add("};", 1)
    f.add("}")
    f.classes += [f"{ns}.Configuration.PlatformOptions", f"{ns}.Configuration.ConfigurationPresets"]
    return f


def kernel(ns: str) -> list[SourceFile]:
    """The event bus implementation and the plugin loader (reflection over assemblies)."""
    f = SourceFile(f"{PRODUCT}.Kernel/Messaging/EventBus.cs")
    usings(f, (f"{PRODUCT}.Sdk.Messaging",))
    f.add(f"namespace {PRODUCT}.Kernel.Messaging;")
    f.add()
    f.add("/// <summary>In-process bus: handlers per topic, invoked in subscription order.</summary>")
    f.add("public sealed class EventBus : IEventBus")
    f.add("{")
    f.add("private readonly Dictionary<string, List<Func<BusMessage, CancellationToken, Task>>> _handlers = new(StringComparer.Ordinal);", 1)
    f.add("private readonly object _gate = new();", 1)
    f.add()
    f.add("public async Task PublishAsync(string topic, BusMessage message, CancellationToken ct = default)", 1)
    f.add("{", 1)
    f.add("List<Func<BusMessage, CancellationToken, Task>> snapshot;", 2)
    f.add("lock (_gate)", 2)
    f.add("{", 2)
    f.add("snapshot = _handlers.TryGetValue(topic, out var list) ? list.ToList() : new();", 3)
    f.add("}", 2)
    f.add("foreach (var handler in snapshot)", 2)
    f.add("{", 2)
    f.add("await handler(message, ct).ConfigureAwait(false);", 3)
    f.add("}", 2)
    f.add("}", 1)
    f.add()
    f.add("public IDisposable Subscribe(string topic, Func<BusMessage, CancellationToken, Task> handler)", 1)
    f.add("{", 1)
    f.add("lock (_gate)", 2)
    f.add("{", 2)
    f.add("if (!_handlers.TryGetValue(topic, out var list))", 3)
    f.add("{", 3)
    f.add("_handlers[topic] = list = new();", 4)
    f.add("}", 3)
    f.add("list.Add(handler);", 3)
    f.add("}", 2)
    f.add("return new Unsubscriber(() => { lock (_gate) { _handlers[topic].Remove(handler); } });", 2)
    f.add("}", 1)
    f.add()
    f.add("private sealed class Unsubscriber(Action dispose) : IDisposable", 1)
    f.add("{", 1)
    f.add("public void Dispose() => dispose();", 2)
    f.add("}", 1)
    f.add("}")
    f.classes += [f"{PRODUCT}.Kernel.Messaging.EventBus", f"{PRODUCT}.Kernel.Messaging.EventBus.Unsubscriber"]

    g = SourceFile(f"{PRODUCT}.Kernel/Loading/PluginLoader.cs")
    usings(g, ("System.Reflection", f"{PRODUCT}.Sdk.Contracts", f"{PRODUCT}.Kernel.Messaging"))
    g.add(f"namespace {PRODUCT}.Kernel.Loading;")
    g.add()
    g.add("/// <summary>Finds plugin types in loaded assemblies and starts them.</summary>")
    g.add("public sealed class PluginLoader")
    g.add("{")
    g.add("private readonly EventBus _bus = new();", 1)
    g.add("private readonly List<ExtensionBase> _plugins = new();", 1)
    g.add()
    g.add("public async Task LoadAllAsync(IEnumerable<Assembly> assemblies, ILogger logger, CancellationToken ct)", 1)
    g.add("{", 1)
    g.add("foreach (var assembly in assemblies)", 2)
    g.add("{", 2)
    g.add("foreach (var type in assembly.GetTypes().Where(t => !t.IsAbstract && t.IsSubclassOf(typeof(ExtensionBase))))", 3)
    g.add("{", 3)
    g.add("var plugin = (ExtensionBase)Activator.CreateInstance(type)!;", 4)
    g.add("plugin.InjectServices(_bus, logger);", 4)
    g.add("await plugin.InitializeAsync(ct).ConfigureAwait(false);", 4)
    g.add("await plugin.StartAsync(ct).ConfigureAwait(false);", 4)
    g.add("_plugins.Add(plugin);", 4)
    g.add("}", 3)
    g.add("}", 2)
    g.add("}", 1)
    g.add("}")
    g.classes.append(f"{PRODUCT}.Kernel.Loading.PluginLoader")
    return [f, g]
