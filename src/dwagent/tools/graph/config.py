"""What the code graph treats as special, as plain data.

Nothing here names a particular codebase: the rubric (see `dwagent.rubric`) maps its YAML onto
`GraphConfig` (`GraphConfig.from_mapping`), and the defaults below are the conventions of the
language ecosystems themselves (xUnit/NUnit/MSTest attributes, ASP.NET controller bases,
`Activator.CreateInstance`, `services.Add*<T>()`...).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Mapping

from dwagent.errors import InputError

# Security controls a flow may require, matched against hop names and hop bodies.
DEFAULT_CONTROLS: tuple[tuple[str, str], ...] = (
    ("authentication", r"Authenticat|SignIn|ValidateToken|VerifyToken|VerifyCredential|Login"),
    ("authorization", r"Authori[sz]|Permission|CheckAccess|HasAccess|IsAllowed|Rbac|AccessControl"),
    ("encryption", r"Encrypt|Decrypt|Cipher|AesGcm|ChaCha20"),
    ("audit", r"Audit"),
)


@dataclass(frozen=True)
class GraphConfig:
    """Names and patterns the graph builder, wiring checks and tracer recognise."""

    language: str = "csharp"
    # --- message bus -------------------------------------------------------------------
    publish_methods: tuple[str, ...] = ()
    subscribe_methods: tuple[str, ...] = ()
    pattern_subscribe_methods: tuple[str, ...] = ()
    topic_wildcards: tuple[str, ...] = ("*", "#")
    # --- reflection discovery ----------------------------------------------------------
    scan_methods: tuple[str, ...] = ()  # calls/members that enumerate an assembly's types
    scan_filters: tuple[str, ...] = ()  # calls that filter by a base type
    instantiate_methods: tuple[str, ...] = ()  # calls that create an instance from a Type
    # --- dependency injection ------------------------------------------------------------
    di_prefixes: tuple[str, ...] = ()
    # --- entry points ------------------------------------------------------------------
    entry_methods: tuple[str, ...] = ()
    entry_attributes: tuple[str, ...] = ()
    entry_base_types: tuple[str, ...] = ()  # program entry points (controllers, hubs, pages)
    framework_base_types: tuple[str, ...] = ()  # created by the runtime (exceptions, attributes): roots only
    public_api: tuple[str, ...] = ()  # globs over type qualnames or file paths
    # decorators run code at definition time and may register what they decorate (routes,
    # commands, fixtures, plugin registries): any decorator not listed here makes its class or
    # function a root. Empty for languages whose attributes are inert metadata (C#).
    decorators_register: bool = False
    inert_decorators: tuple[str, ...] = ()
    # functions frameworks call by their conventional name (migrations, plugin hooks, handlers):
    # never reported as dead code
    convention_functions: tuple[str, ...] = ()
    # --- decorators / interceptors -----------------------------------------------------
    wrapper_suffixes: tuple[str, ...] = ()
    # --- configuration presets ---------------------------------------------------------
    preset_classes: tuple[str, ...] = ()  # globs over type names
    preset_methods: tuple[str, ...] = ()  # globs over method names
    option_types: tuple[str, ...] = ()  # globs over type names
    # --- fields never worth reporting as write-only (framework-accessed) ----------------
    framework_field_attributes: tuple[str, ...] = ()
    # --- flow checks -------------------------------------------------------------------
    blocking_patterns: tuple[str, ...] = ()
    cancellation_type: str = ""
    token_source_type: str = ""
    disposable_types: str = ""  # regex over type names known to own resources
    controls: tuple[tuple[str, str], ...] = DEFAULT_CONTROLS
    # --- limits ------------------------------------------------------------------------
    max_by_name_targets: int = 4  # an unresolved call links to at most this many same-named methods
    trace_depth: int = 14

    @classmethod
    def csharp_default(cls) -> GraphConfig:
        """Conventions of C#/.NET codebases."""
        return cls(
            language="csharp",
            publish_methods=(
                "Publish",
                "PublishAsync",
                "PublishAndWaitAsync",
                "Send",
                "SendAsync",
                "SendAndWaitAsync",
                "RequestAsync",
                "Request",
                "Emit",
                "EmitAsync",
            ),
            subscribe_methods=("Subscribe", "SubscribeAsync", "On", "AddHandler"),
            pattern_subscribe_methods=("SubscribePattern", "SubscribePatternAsync", "SubscribeToPattern", "PSubscribe"),
            scan_methods=("GetTypes", "GetExportedTypes", "DefinedTypes", "ExportedTypes", "GetLoadableTypes"),
            scan_filters=("IsAssignableFrom", "IsSubclassOf", "IsAssignableTo", "GetInterfaces", "OfType", "GetInterface"),
            instantiate_methods=("CreateInstance", "GetService", "GetRequiredService"),
            di_prefixes=("Add", "TryAdd", "Register"),
            entry_methods=("Main",),
            entry_attributes=(
                "ApiController",
                "Route",
                "Controller",
                "Fact",
                "Theory",
                "Test",
                "TestCase",
                "TestMethod",
                "TestClass",
                "TestFixture",
                "HttpGet",
                "HttpPost",
                "HttpPut",
                "HttpDelete",
                "HttpPatch",
                "Function",
                "FunctionName",
                "Benchmark",
                "Export",
                "ModuleInitializer",
                "UnmanagedCallersOnly",
                "JsonSerializable",
                "Generator",
            ),
            # framework-discovered bases only: a BackgroundService/IHostedService runs only once
            # registered (AddHostedService<T>), so it is not an entry point by itself
            entry_base_types=("ControllerBase", "Controller", "Hub", "ComponentBase", "PageModel", "IIncrementalGenerator", "ISourceGenerator"),
            # ... plus the bases that libraries and tools find by assembly scanning (AddAutoMapper,
            # AddValidatorsFromAssembly, AddMediatR, EF's ApplyConfigurationsFromAssembly and its
            # design-time tooling, Swashbuckle filters registered by type argument)
            framework_base_types=(
                "Attribute",
                "Exception",
                "EventArgs",
                "JsonConverter",
                "DbContext",
                "Profile",
                "AbstractValidator",
                "IRequestHandler",
                "INotificationHandler",
                "IEntityTypeConfiguration",
                "IDesignTimeDbContextFactory",
            ),
            wrapper_suffixes=("Interceptor", "Decorator", "Middleware"),
            preset_classes=("*Presets", "*Preset"),
            preset_methods=("Create*",),
            option_types=("*Options",),
            framework_field_attributes=(
                "SerializeField",
                "JsonProperty",
                "JsonPropertyName",
                "DataMember",
                "FieldOffset",
                "Inject",
                "Import",
                "MarshalAs",
            ),
            blocking_patterns=(
                r"\.Result\b",
                r"\.Wait\(\s*\)",
                r"\.GetAwaiter\(\)\s*\.GetResult\(\)",
                r"\bTask\.WaitAll\(",
                r"\bTask\.WaitAny\(",
                r"\bThread\.Sleep\(",
            ),
            cancellation_type="CancellationToken",
            token_source_type="CancellationTokenSource",
            disposable_types=(
                r"(Stream|Client|Connection|Command|Reader|Writer|TokenSource|SemaphoreSlim|"
                r"Timer|Transaction|Socket|Listener|Handler|Certificate2|AesGcm|ChaCha20Poly1305|"
                r"Aes|HMAC\w*|SHA\d+|Process|Mutex|DbContext)$"
            ),
        )

    @classmethod
    def python_default(cls) -> GraphConfig:
        """Conventions of Python codebases."""
        return cls(
            language="python",
            publish_methods=("publish", "publish_async", "emit", "send", "send_async", "request"),
            subscribe_methods=("subscribe", "subscribe_async", "on", "add_listener", "register_handler"),
            pattern_subscribe_methods=("subscribe_pattern", "psubscribe"),
            scan_methods=("iter_modules", "walk_packages", "entry_points", "__subclasses__"),
            scan_filters=("issubclass", "isinstance"),
            instantiate_methods=("import_module", "load"),
            di_prefixes=("register", "provide", "bind"),
            entry_methods=("main",),
            entry_attributes=(
                "app.get",
                "app.post",
                "app.route",
                "router.get",
                "router.post",
                "route",
                "click.command",
                "command",
                "pytest.fixture",
                "fixture",
                "task",
            ),
            framework_base_types=("TestCase", "Exception", "BaseModel", "Enum"),
            decorators_register=True,
            inert_decorators=(
                "dataclass",
                "dataclasses.dataclass",
                "total_ordering",
                "functools.total_ordering",
                "final",
                "typing.final",
                "runtime_checkable",
                "typing.runtime_checkable",
                "staticmethod",
                "classmethod",
                "property",
                "cached_property",
                "functools.cached_property",
                "abstractmethod",
                "abc.abstractmethod",
                "override",
                "typing.override",
                "overload",
                "typing.overload",
                "cache",
                "functools.cache",
                "lru_cache",
                "functools.lru_cache",
                "wraps",
                "functools.wraps",
                "contextmanager",
                "contextlib.contextmanager",
                "asynccontextmanager",
                "contextlib.asynccontextmanager",
                "attr.s",
                "attrs.define",
                "attrs.frozen",
                "define",
                "frozen",
                "unique",
                "enum.unique",
                "deprecated",
                "warnings.deprecated",
            ),
            convention_functions=(
                "main",
                "run",
                "setup",
                "teardown",
                "setup_module",
                "teardown_module",
                "upgrade",
                "downgrade",
                "includeme",
                "ready",
                "handler",
                "lambda_handler",
                "application",
                "app",
                "create_app",
                "get_application",
                "load_tests",
            ),
            wrapper_suffixes=("Middleware", "Decorator", "Interceptor"),
            preset_classes=("*Presets", "*Preset"),
            preset_methods=("create_*", "preset_*"),
            option_types=("*Options", "*Settings"),
            blocking_patterns=(r"\btime\.sleep\(", r"\.result\(\s*\)", r"\basyncio\.run\(", r"\brun_until_complete\("),
            cancellation_type="",
            disposable_types=r"(File|Connection|Session|Client|Socket|Lock)$",
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None, base: GraphConfig | None = None) -> GraphConfig:
        """Overlay a rubric mapping (keys = field names; lists for tuples) on `base` (C# default).

        Unknown keys are an error: a typo in a rubric must not silently disable a check.
        """
        base = base or cls.csharp_default()
        if not data:
            return base
        known = {f.name: f for f in fields(cls)}
        updates: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise InputError(f"unknown graph setting {key!r}", f"use one of: {', '.join(sorted(known))}")
            current = getattr(base, key)
            if key == "controls":
                items = value.items() if isinstance(value, Mapping) else value
                updates[key] = tuple((str(k), str(v)) for k, v in items)
            elif isinstance(current, tuple):
                if isinstance(value, str):
                    value = [value]
                updates[key] = tuple(str(v) for v in value)
            elif isinstance(current, bool):
                updates[key] = value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
            elif isinstance(current, int):
                updates[key] = int(value)
            else:
                updates[key] = str(value)
        return replace(base, **updates)

    def controls_map(self) -> dict[str, str]:
        """Security control name → regex."""
        return dict(self.controls)


def default_for(language: str) -> GraphConfig:
    """The default config for a language key ('csharp' or 'python')."""
    return GraphConfig.python_default() if language == "python" else GraphConfig.csharp_default()
