"""Generate a deterministic, plugin-shaped C# solution of a requested size, with planted truth.

    python -m dwagent.evals.synth.generate OUT --lines 1200000 --seed 7

Shape: an SDK (plugin and strategy bases, a message-bus interface, bus topics as `const string`
fields, configuration presets as static factory methods), a kernel (bus implementation, plugin
loader by reflection), plugins under `Plugins/<Name>/` each with a `.csproj` and many strategies
discovered by reflection (`GetTypes()` + base-type filter + `Activator.CreateInstance`),
services registered through `AddSingleton<I, T>()`, and xUnit tests.

Ground truth goes to `OUT/.synth-manifest.json` (listed in `OUT/.gitignore`, so indexing OUT
does not index it): unwired classes, orphan topics, every topic's publish/subscribe sites, and
planted rule defects with file:line. Same seed and size → byte-identical tree.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

from dwagent.evals.synth.code import BodyGen, SourceFile
from dwagent.evals.synth.plant import plant, plant_negatives
from dwagent.evals.synth.plugins import PluginPlan, emit_plugin
from dwagent.evals.synth.profile import (
    ACTIONS,
    DOMAINS,
    NOUNS,
    PLUGIN_SIZES,
    PREFIXES,
    PRODUCT,
    PROFILE_LINES,
    ROOT_SIZES,
    VARIANTS,
)
from dwagent.evals.synth.projects import (
    Topic,
    bus_topics,
    class_fields,
    csproj,
    kernel,
    methods,
    presets,
    sdk_contracts,
    usings,
)

MANIFEST = ".synth-manifest.json"
VERSION = "3"  # bump when the output changes: benchmarks cache trees by (VERSION, seed, lines)
UNWIRED_RATE = 0.005
COMPONENT_KINDS = ("Processor", "Coordinator", "Buffer", "Planner", "Catalog", "Codec", "Monitor")


def generate(out: Path, lines: int = 1_200_000, seed: int = 7) -> dict:
    """Write the tree under `out` (which must not exist or be empty) and return the manifest."""
    rng = random.Random(seed)
    gen = BodyGen(rng)
    scale = lines / PROFILE_LINES
    n_plugins = max(2, min(len(PLUGIN_SIZES), round(len(PLUGIN_SIZES) * min(1.0, scale) ** 0.5)))
    step = len(PLUGIN_SIZES) / n_plugins
    picked = [PLUGIN_SIZES[int(i * step)] for i in range(n_plugins)]
    root_lines = sum(n for _, _, n in ROOT_SIZES)
    plugin_share = lines * (1 - root_lines / PROFILE_LINES)
    picked_total = sum(n for _, n in picked)
    plans = _plan_plugins(picked, plugin_share / picked_total, rng)
    topics = _plan_topics(plans, rng)
    # ~0.5% of classes unwired: estimate classes from the line budget (~1 class per 200 lines).
    n_unwired = max(2, round(lines / 200 * UNWIRED_RATE))
    for _i in range(n_unwired):
        rng.choice(plans).unwired += 1

    files: list[SourceFile] = []
    ns_sdk = f"{PRODUCT}.Sdk"
    files.append(csproj(f"{PRODUCT}.Sdk/{PRODUCT}.Sdk", []))
    files += sdk_contracts(ns_sdk)
    files.append(bus_topics(ns_sdk, topics))
    files.append(presets(ns_sdk, rng))
    files.append(csproj(f"{PRODUCT}.Kernel/{PRODUCT}.Kernel", [f"../{PRODUCT}.Sdk/{PRODUCT}.Sdk.csproj"]))
    files += kernel(ns_sdk)
    unwired: list[dict] = []
    strategies: list[str] = []
    for plan in plans:
        plugin_files, helpers = emit_plugin(plan, rng, gen)
        files += plugin_files
        unwired += helpers
        strategies += [c for f in plugin_files for c in f.classes if c.endswith("Strategy")]
    registrations = []
    for suffix, _files, size in ROOT_SIZES:
        if suffix == "Tests":
            continue
        budget = int(size * scale) - sum(len(f.lines) for f in files if f.path.startswith(f"{PRODUCT}.{suffix}/"))
        comp, reg = _components(suffix, max(budget, 120), rng, gen)
        files += comp
        registrations.append(reg)
    files.append(_host(registrations))
    test_budget = int(dict((s, n) for s, _, n in ROOT_SIZES)["Tests"] * scale)
    tests = _tests(strategies, test_budget, rng, gen)
    files += tests
    defects = plant(files, rng)
    negatives = plant_negatives(tests)
    manifest = _manifest(seed, lines, files, plans, topics, unwired, defects, negatives, strategies)
    _write(out, files, manifest)
    return manifest


def _plan_plugins(picked, factor: float, rng: random.Random) -> list[PluginPlan]:
    plans, used = [], set()
    for n_files, n_lines in picked:
        while True:
            prefix, domain = rng.choice(PREFIXES), rng.choice(DOMAINS)
            if prefix + domain not in used:
                break
        used.add(prefix + domain)
        plans.append(PluginPlan(prefix + domain, domain, max(6, round(n_files * factor)), max(400, round(n_lines * factor))))
    return plans


def _plan_topics(plans: list[PluginPlan], rng: random.Random) -> list[Topic]:
    topics: list[Topic] = []
    for plan in plans:
        for action in rng.sample(ACTIONS, k=rng.randint(2, 6)):
            const = f"{plan.name}{action.capitalize()}"
            others = [p for p in plans if p is not plan]
            sub = rng.choice(others)
            t = Topic(const, f"{plan.name.lower()}.{action}", plan.name, sub.name)
            plan.topics_out.append(t)
            sub.topics_in.append(t)
            topics.append(t)
    # Orphans: some published topics lose their subscriber, some subscribed ones their publisher.
    n_orphans = max(2, len(topics) // 40)
    for t in rng.sample(topics, k=n_orphans * 2):
        if n_orphans > 0:
            sub = next(p for p in plans if p.name == t.subscriber)
            sub.topics_in.remove(t)
            t.subscriber = None
        else:
            pub = next(p for p in plans if p.name == t.publisher)
            pub.topics_out.remove(t)
            t.publisher = None
        n_orphans -= 1
    return sorted(topics, key=lambda t: t.const)


def _components(suffix: str, budget: int, rng: random.Random, gen: BodyGen) -> tuple[list[SourceFile], str]:
    """Filler classes of a root project, all registered in `<Project>Registration`."""
    project = f"{PRODUCT}.{suffix}"
    files: list[SourceFile] = []
    if suffix not in ("Sdk", "Kernel"):
        files.append(csproj(f"{project}/{project}", [f"../{PRODUCT}.Sdk/{PRODUCT}.Sdk.csproj"]))
    names: list[str] = []
    used: set[str] = set()
    written = 0
    while written < budget:
        area = rng.choice(DOMAINS)
        name = f"{rng.choice(VARIANTS)}{rng.choice(NOUNS)}{rng.choice(COMPONENT_KINDS)}"
        while name in used:
            name += "X"
        used.add(name)
        f = SourceFile(f"{project}/{area}/{name}.cs")
        usings(f, (f"{PRODUCT}.Sdk.Contracts",))
        f.add(f"namespace {project}.{area};")
        f.add()
        f.add(f"/// <summary>{name} for the {area.lower()} area.</summary>")
        f.add(f"public sealed class {name}")
        f.add("{")
        class_fields(f)
        f.add("private readonly ILogger _logger = NullLoggerShim.Instance;", 1)
        f.add()
        methods(gen, f, min(budget - written, int(rng.uniform(80, 700))), name)
        f.add("}")
        f.classes.append(f"{project}.{area}.{name}")
        names.append(f"{project}.{area}.{name}")
        files.append(f)
        written += len(f.lines)
    reg = SourceFile(f"{project}/{suffix}Registration.cs")
    reg.add("using Microsoft.Extensions.DependencyInjection;")
    reg.add()
    reg.add(f"namespace {project};")
    reg.add()
    reg.add(f"/// <summary>Registers the {suffix} components.</summary>")
    reg.add(f"public static class {suffix}Registration")
    reg.add("{")
    reg.add("public static IServiceCollection Register(IServiceCollection services)", 1)
    reg.add("{", 1)
    for full in names:
        reg.add(f"services.AddSingleton<{full}>();", 2)
    reg.add("return services;", 2)
    reg.add("}", 1)
    reg.add("}")
    reg.classes.append(f"{project}.{suffix}Registration")
    files.append(reg)
    return files, f"{project}.{suffix}Registration"


def _host(registrations: list[str]) -> SourceFile:
    f = SourceFile(f"{PRODUCT}.Host/Program.cs")
    f.add("using Microsoft.Extensions.DependencyInjection;")
    f.add("using Microsoft.Extensions.Logging;")
    f.add(f"using {PRODUCT}.Kernel.Loading;")
    f.add(f"using {PRODUCT}.Sdk.Configuration;")
    f.add()
    f.add('PlatformOptions options = ConfigurationPresets.CreateByName(args.Length > 0 ? args[0] : "standard");')
    f.add("var services = new ServiceCollection();")
    f.add("services.AddSingleton(options);")
    for reg in sorted(registrations):
        f.add(f"{reg}.Register(services);")
    f.add("using var provider = services.BuildServiceProvider();")
    f.add('var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("host");')
    f.add("if (!options.RequireTls)")
    f.add("{")
    f.add('    logger.LogWarning("TLS is not required by the selected preset");')
    f.add("}")
    f.add("var loader = new PluginLoader();")
    f.add("await loader.LoadAllAsync(AppDomain.CurrentDomain.GetAssemblies(), logger, CancellationToken.None);")
    return f


def _tests(strategies: list[str], budget: int, rng: random.Random, gen: BodyGen) -> list[SourceFile]:
    files = [csproj(f"{PRODUCT}.Tests/{PRODUCT}.Tests", [f"../{PRODUCT}.Sdk/{PRODUCT}.Sdk.csproj"])]
    written = 0
    for full in rng.sample(strategies, k=len(strategies)):
        if written >= budget:
            break
        ns, name = full.rsplit(".", 1)
        f = SourceFile(f"{PRODUCT}.Tests/{ns.split('.')[2]}/{name}Tests.cs", role="test")
        usings(f, ("Xunit", f"{PRODUCT}.Sdk.Contracts", ns))
        f.add(f"namespace {PRODUCT}.Tests.{ns.split('.')[2]};")
        f.add()
        f.add(f"public sealed class {name}Tests")
        f.add("{")
        f.add("[Fact]", 1)
        f.add("public void HasAStableId()", 1)
        f.add("{", 1)
        f.add(f"var strategy = new {name}();", 2)
        f.add("Assert.False(string.IsNullOrWhiteSpace(strategy.StrategyId));", 2)
        f.add("}", 1)
        f.add()
        f.add("[Theory]", 1)
        f.add("[InlineData(0)]", 1)
        f.add(f"[InlineData({rng.randint(1, 100)})]", 1)
        f.add("public void PriorityIsBounded(int floor)", 1)
        f.add("{", 1)
        f.add(f"var strategy = new {name}();", 2)
        f.add("Assert.InRange(strategy.Priority, floor - 100, 100);", 2)
        f.add("}", 1)
        f.add()
        f.add("[Fact]", 1)
        f.add("public void ScoresAreDeterministic()", 1)
        f.add("{", 1)
        f.slots.append((len(f.lines), "        "))
        f.add(f'var items = new List<ItemInfo> {{ new("a", {rng.randint(1, 999)}), new("b", {rng.randint(1, 999)}) }};', 2)
        f.add("Assert.Equal(items.Count, items.Select(i => i.Name).Distinct().Count());", 2)
        f.add("}", 1)
        f.add("}")
        files.append(f)
        written += len(f.lines)
    return files


def _manifest(seed, lines, files, plans, topics, unwired, defects, negatives, strategies) -> dict:
    def sites(pairs):
        return [{"file": p, "line": n} for p, n in sorted(pairs)]

    orphans = []
    for t in topics:
        if t.subscriber is None:
            orphans.append({"topic": t.value, "const": f"BusTopics.{t.const}", "kind": "published-never-subscribed", "sites": sites(t.publish_sites)})
        elif t.publisher is None:
            orphans.append(
                {"topic": t.value, "const": f"BusTopics.{t.const}", "kind": "subscribed-never-published", "sites": sites(t.subscribe_sites)}
            )
    return {
        "generator": "dwagent.evals.synth.generate",
        "generator_version": VERSION,
        "seed": seed,
        "requested_lines": lines,
        "lines": sum(len(f.lines) for f in files if f.path.endswith(".cs")),
        "cs_files": sum(1 for f in files if f.path.endswith(".cs")),
        "classes": sum(len(f.classes) for f in files),
        "plugins": sorted(p.folder for p in plans),
        "strategies_discovered_by_reflection": len(strategies),
        "unwired": sorted(unwired, key=lambda u: u["class"]),
        "orphan_topics": sorted(orphans, key=lambda o: o["topic"]),
        "topics": [
            {"topic": t.value, "const": f"BusTopics.{t.const}", "publish": sites(t.publish_sites), "subscribe": sites(t.subscribe_sites)}
            for t in topics
        ],
        "defects": defects,
        "negatives": sorted(negatives, key=lambda n: (n["category"], n["file"])),
    }


def _write(out: Path, files: list[SourceFile], manifest: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for f in sorted(files, key=lambda f: f.path):
        target = out / f.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f.text(), encoding="utf-8")
    (out / ".gitignore").write_text(f"{MANIFEST}\n", encoding="utf-8")
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dwagent.evals.synth.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--lines", type=int, default=1_200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        if not args.force:
            print(f"error: {args.out} is not empty (use --force to replace it)", file=sys.stderr)
            return 2
        shutil.rmtree(args.out)
    manifest = generate(args.out, args.lines, args.seed)
    print(
        f"wrote {manifest['cs_files']} .cs files, {manifest['lines']:,} lines, {manifest['classes']} classes, "
        f"{len(manifest['unwired'])} unwired, {len(manifest['orphan_topics'])} orphan topics, "
        f"{len(manifest['defects'])} defects → {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
