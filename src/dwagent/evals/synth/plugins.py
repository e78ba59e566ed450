"""One synthetic plugin: main class, strategy base and strategies, services, and (planted)
unwired helpers."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from dwagent.evals.synth.code import BodyGen, SourceFile
from dwagent.evals.synth.profile import NOUNS, PRODUCT, VARIANTS
from dwagent.evals.synth.projects import Topic, class_fields, csproj, methods, usings


@dataclass
class PluginPlan:
    name: str  # e.g. AdaptiveStorage
    domain: str
    files: int
    lines: int
    topics_out: list[Topic] = field(default_factory=list)  # published here
    topics_in: list[Topic] = field(default_factory=list)  # subscribed here
    unwired: int = 0  # helper classes nobody references

    @property
    def folder(self) -> str:
        return f"Plugins/{PRODUCT}.Plugins.{self.name}"

    @property
    def ns(self) -> str:
        return f"{PRODUCT}.Plugins.{self.name}"


def emit_plugin(plan: PluginPlan, rng: random.Random, gen: BodyGen) -> tuple[list[SourceFile], list[dict]]:
    """The plugin's files and the list of its unwired helper classes (for the manifest)."""
    files: list[SourceFile] = [csproj(f"{plan.folder}/{plan.ns}", [f"../../{PRODUCT}.Sdk/{PRODUCT}.Sdk.csproj"])]
    services = [f"{plan.name}{noun}" for noun in rng.sample(NOUNS, k=min(len(NOUNS), 1 + plan.files // 12))]
    base = f"{plan.name}StrategyBase"
    # Real plugin code is DTO-heavy (about as many properties as methods): ~1 model file per 900 lines.
    models, model_files = _models(plan, rng, max(1, plan.lines // 900))
    files.append(_main(plan, base, services, models))
    files += model_files
    files.append(_strategy_base(plan, base))
    files.append(_registration(plan, services))
    helpers: list[dict] = []
    budget_files = max(1, plan.files - 4 - len(services) - plan.unwired)
    per_file = max(60, (plan.lines - 260) // (budget_files + len(services) + plan.unwired))
    for name in services:
        files.append(_service(plan, name, gen, per_file))
    used: set[str] = set()
    for _ in range(plan.unwired):
        name = _unique(f"{rng.choice(VARIANTS)}{rng.choice(NOUNS)}Helper", used)
        f = _helper(plan, name, gen, min(per_file, 220))
        files.append(f)
        helpers.append({"class": f"{plan.ns}.Internal.{name}", "file": f.path, "line": _line_of(f, f"class {name}")})
    written = sum(len(f.lines) for f in files)
    i = 0
    while written < plan.lines or i == 0:
        name = _unique(f"{rng.choice(VARIANTS)}{rng.choice(VARIANTS)}{plan.domain}Strategy", used)
        target = max(60, min(plan.lines - written, int(per_file * rng.uniform(0.5, 1.6))))
        f = _strategy(plan, name, base, gen, target)
        files.append(f)
        written += len(f.lines)
        i += 1
    return files, helpers


def _unique(name: str, used: set[str]) -> str:
    candidate, n = name, 2
    while candidate in used:
        candidate = f"{name}{n}"
        n += 1
    used.add(candidate)
    return candidate


def _line_of(f: SourceFile, needle: str) -> int:
    return next(i + 1 for i, line in enumerate(f.lines) if needle in line)


MODEL_SUFFIXES = ("Options", "Request", "Response", "State", "Descriptor", "Settings", "Summary")
PROP_TYPES = (
    ("string", " = string.Empty;"),
    ("int", ""),
    ("long", ""),
    ("bool", ""),
    ("TimeSpan", ""),
    ("DateTimeOffset", ""),
    ("IReadOnlyList<string>", " = Array.Empty<string>();"),
    ("double", ""),
    ("Dictionary<string, string>", " = new(StringComparer.Ordinal);"),
    ("Guid", ""),
)
PROP_WORDS = (
    "Name",
    "Id",
    "Limit",
    "Timeout",
    "Enabled",
    "Count",
    "Region",
    "Owner",
    "Version",
    "Retries",
    "Threshold",
    "Tags",
    "CreatedAt",
    "Expiry",
    "Weight",
    "Path",
    "Mode",
)


def _models(plan: PluginPlan, rng: random.Random, n_files: int) -> tuple[list[str], list[SourceFile]]:
    """Data classes (many auto-properties, as real DTO-heavy code has), referenced by the
    plugin's KnownMessageTypes so none of them is unwired."""
    names: list[str] = []
    files: list[SourceFile] = []
    used: set[str] = set()
    stems: set[str] = set()
    for _ in range(n_files):
        noun = rng.choice(NOUNS)
        stem = _unique(f"{rng.choice(VARIANTS)}{noun}", stems)
        f = SourceFile(f"{plan.folder}/Models/{plan.name}{stem}Models.cs")
        f.add("using System;")
        f.add("using System.Collections.Generic;")
        f.add()
        f.add(f"namespace {plan.ns}.Models;")
        for suffix in rng.sample(MODEL_SUFFIXES, k=rng.randint(2, 5)):
            name = _unique(f"{plan.name}{stem}{suffix}", used)
            names.append(f"{plan.ns}.Models.{name}")
            f.add()
            f.add("/// <summary>")
            f.add(f"/// {suffix} exchanged by the {plan.domain.lower()} plugin for a {noun.lower()}.")
            f.add("/// </summary>")
            f.add(f"public sealed class {name}")
            f.add("{")
            for i, word in enumerate(rng.sample(PROP_WORDS, k=rng.randint(4, 12))):
                ptype, init = rng.choice(PROP_TYPES)
                if i:
                    f.add()
                f.add(f"/// <summary>Gets or sets the {word.lower()} of this {suffix.lower()}.</summary>", 1)
                f.add(f"public {ptype} {word} {{ get; set; }}{init}", 1)
            f.add("}")
            f.classes.append(f"{plan.ns}.Models.{name}")
        files.append(f)
    return names, files


def _main(plan: PluginPlan, base: str, services: list[str], models: list[str]) -> SourceFile:
    f = SourceFile(f"{plan.folder}/{plan.name}Plugin.cs")
    usings(f, ("Microsoft.Extensions.DependencyInjection", f"{PRODUCT}.Sdk.Contracts", f"{PRODUCT}.Sdk.Messaging", f"{plan.ns}.Strategies"))
    f.add(f"namespace {plan.ns};")
    f.add()
    f.add(f"/// <summary>The {plan.domain.lower()} plugin: discovers its strategies and serves bus requests.</summary>")
    f.add(f"public sealed class {plan.name}Plugin : ExtensionBase")
    f.add("{")
    f.add(f"private readonly List<{base}> _strategies = new();", 1)
    f.add()
    f.add("/// <summary>Message types this plugin puts on the bus (for the serializer).</summary>", 1)
    f.add("public static readonly Type[] KnownMessageTypes =", 1)
    f.add("{", 1)
    for model in models:
        f.add(f"typeof({model}),", 2)
    f.add("};", 1)
    f.add()
    f.add(f'public override string Id => "{PRODUCT.lower()}.{plan.name.lower()}";', 1)
    f.add()
    f.add("public override void ConfigureServices(IServiceCollection services)", 1)
    f.add("{", 1)
    f.add(f"{plan.name}ServiceRegistration.Register(services);", 2)
    f.add("}", 1)
    f.add()
    f.add("public override Task InitializeAsync(CancellationToken ct)", 1)
    f.add("{", 1)
    f.add(f"var types = typeof({base}).Assembly.GetTypes()", 2)
    f.add(f"    .Where(t => !t.IsAbstract && t.IsSubclassOf(typeof({base})));", 2)
    f.add("foreach (var type in types)", 2)
    f.add("{", 2)
    f.add(f"_strategies.Add(({base})Activator.CreateInstance(type)!);", 3)
    f.add("}", 2)
    f.add(f'Logger.LogInformation("Loaded {{Count}} {plan.domain.lower()} strategies", _strategies.Count);', 2)
    f.add("return Task.CompletedTask;", 2)
    f.add("}", 1)
    f.add()
    f.add("public override Task StartAsync(CancellationToken ct)", 1)
    f.add("{", 1)
    for t in plan.topics_in:
        t.subscribe_sites.append((f.path, len(f.lines) + 1))
        f.add(f"Bus!.Subscribe(BusTopics.{t.const}, On{t.const}Async);", 2)
    f.add("return Task.CompletedTask;", 2)
    f.add("}", 1)
    for t in plan.topics_in:
        f.add()
        f.add(f"private async Task On{t.const}Async(BusMessage message, CancellationToken ct)", 1)
        f.add("{", 1)
        f.add("var best = _strategies.OrderByDescending(s => s.Priority).FirstOrDefault();", 2)
        f.add("if (best is null)", 2)
        f.add("{", 2)
        f.add('Logger.LogWarning("No strategy for {Topic}", message.Topic);', 3)
        f.add("return;", 3)
        f.add("}", 2)
        f.add("await best.HandleAsync(message, ct).ConfigureAwait(false);", 2)
        f.add("}", 1)
    f.add()
    f.add("/// <summary>Announces state changes to the rest of the platform.</summary>", 1)
    f.add("public async Task AnnounceAsync(string reason, CancellationToken ct)", 1)
    f.add("{", 1)
    f.add('var payload = new Dictionary<string, object> { ["reason"] = reason, ["plugin"] = Id };', 2)
    for t in plan.topics_out:
        t.publish_sites.append((f.path, len(f.lines) + 1))
        f.add(f"await Bus!.PublishAsync(BusTopics.{t.const}, new BusMessage(BusTopics.{t.const}, payload), ct).ConfigureAwait(false);", 2)
    f.add("}", 1)
    f.add("}")
    f.classes.append(f"{plan.ns}.{plan.name}Plugin")
    return f


def _strategy_base(plan: PluginPlan, base: str) -> SourceFile:
    f = SourceFile(f"{plan.folder}/Strategies/{base}.cs")
    usings(f, (f"{PRODUCT}.Sdk.Contracts", f"{PRODUCT}.Sdk.Messaging"))
    f.add(f"namespace {plan.ns}.Strategies;")
    f.add()
    f.add(f"/// <summary>Base of the {plan.domain.lower()} strategies.</summary>")
    f.add(f"public abstract class {base} : StrategyBase")
    f.add("{")
    f.add("public virtual Task HandleAsync(BusMessage message, CancellationToken ct)", 1)
    f.add("{", 1)
    f.add('_logger.LogDebug("{Strategy} handled {Topic}", StrategyId, message.Topic);', 2)
    f.add("return Task.CompletedTask;", 2)
    f.add("}", 1)
    f.add("}")
    f.classes.append(f"{plan.ns}.Strategies.{base}")
    return f


def _registration(plan: PluginPlan, services: list[str]) -> SourceFile:
    f = SourceFile(f"{plan.folder}/{plan.name}ServiceRegistration.cs")
    f.add("using Microsoft.Extensions.DependencyInjection;")
    f.add(f"using {plan.ns}.Services;")
    f.add()
    f.add(f"namespace {plan.ns};")
    f.add()
    f.add("/// <summary>Registers this plugin's services with the host container.</summary>")
    f.add(f"public static class {plan.name}ServiceRegistration")
    f.add("{")
    f.add("public static IServiceCollection Register(IServiceCollection services)", 1)
    f.add("{", 1)
    for name in services:
        f.add(f"services.AddSingleton<I{name}Service, {name}Service>();", 2)
    f.add("return services;", 2)
    f.add("}", 1)
    f.add("}")
    f.classes.append(f"{plan.ns}.{plan.name}ServiceRegistration")
    return f


def _service(plan: PluginPlan, name: str, gen: BodyGen, budget: int) -> SourceFile:
    f = SourceFile(f"{plan.folder}/Services/{name}Service.cs")
    usings(f, (f"{PRODUCT}.Sdk.Contracts",))
    f.add(f"namespace {plan.ns}.Services;")
    f.add()
    f.add(f"/// <summary>Contract of the {name} service.</summary>")
    f.add(f"public interface I{name}Service")
    f.add("{")
    f.add("int Size { get; }", 1)
    f.add("}")
    f.add()
    f.add(f"/// <summary>Keeps {name} state for the plugin.</summary>")
    f.add(f"public sealed class {name}Service : I{name}Service")
    f.add("{")
    class_fields(f)
    f.add("private readonly ILogger<" + name + "Service> _logger;", 1)
    f.add()
    f.add(f"public {name}Service(ILogger<{name}Service> logger)", 1)
    f.add("{", 1)
    f.add("_logger = logger;", 2)
    f.add("}", 1)
    f.add()
    f.add("public int Size => _cache.Count + (int)_counter;", 1)
    f.add()
    methods(gen, f, budget, name)
    f.add("}")
    f.classes += [f"{plan.ns}.Services.I{name}Service", f"{plan.ns}.Services.{name}Service"]
    return f


def _helper(plan: PluginPlan, name: str, gen: BodyGen, budget: int) -> SourceFile:
    f = SourceFile(f"{plan.folder}/Internal/{name}.cs", plantable=False)
    usings(f, (f"{PRODUCT}.Sdk.Contracts",))
    f.add(f"namespace {plan.ns}.Internal;")
    f.add()
    f.add(f"/// <summary>Helper for {plan.domain.lower()} maintenance.</summary>")
    f.add(f"internal sealed class {name}")
    f.add("{")
    class_fields(f)
    f.add("private readonly ILogger _logger = NullLoggerShim.Instance;", 1)
    f.add()
    methods(gen, f, budget, name)
    f.add("}")
    f.classes.append(f"{plan.ns}.Internal.{name}")
    return f


def _strategy(plan: PluginPlan, name: str, base: str, gen: BodyGen, budget: int) -> SourceFile:
    f = SourceFile(f"{plan.folder}/Strategies/{name}.cs")
    usings(f, (f"{PRODUCT}.Sdk.Contracts",))
    f.add(f"namespace {plan.ns}.Strategies;")
    f.add()
    f.add(f"/// <summary>{name[: -len('Strategy')]} approach to {plan.domain.lower()}.</summary>")
    f.add(f"public sealed class {name} : {base}")
    f.add("{")
    class_fields(f)
    f.add(f'public override string StrategyId => "{plan.domain.lower()}.{name.lower()}";', 1)
    f.add()
    f.add(f"public override int Priority => {gen.rng.randint(0, 100)};", 1)
    f.add()
    methods(gen, f, budget - 20, name)
    f.add("}")
    f.classes.append(f"{plan.ns}.Strategies.{name}")
    return f
