"""LLM settings: which provider and model, caps, cache, resolved from CLI > env > config files.

Config files are read from the current working directory only (`dwagent.toml`, then
`[tool.dwagent]` in `pyproject.toml`), never from the audited tree: that tree is hostile input and
must not be able to point the auditor at a model or an endpoint of its choosing.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, Mapping
from urllib.parse import urlparse

from dwagent.errors import InputError, UsageError

ProviderName = Literal["none", "openai", "anthropic", "openai-compatible"]
PROVIDERS: tuple[str, ...] = ("none", "openai", "anthropic", "openai-compatible")
# How a structured answer is asked for. "auto" negotiates per endpoint (agents/llm/capabilities.py):
# json_schema (OpenAI strict), json_object (+ schema: llama.cpp's extension), a forced tool call,
# or plain JSON requested in the prompt and repaired once when malformed.
StructuredMode = Literal["auto", "json_schema", "json_object", "tool", "plain"]
STRUCTURED_MODES: tuple[str, ...] = ("auto", "json_schema", "json_object", "tool", "plain")
DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MAX_RETRIES = 3

# Local servers (Ollama, vLLM, llama.cpp, LM Studio) ignore the key but the SDK requires one.
# We never send a real OPENAI_API_KEY to an arbitrary URL, so local endpoints get this dummy
# unless DWAGENT_LLM_API_KEY is set explicitly.
LOCAL_DUMMY_KEY = "dwagent-local-no-key"
KEY_ENV: dict[str, str] = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "openai-compatible": "DWAGENT_LLM_API_KEY",
}


@dataclass(frozen=True)
class LLMSpec:
    """A parsed `--llm` value."""

    provider: ProviderName = "none"
    model: str = ""
    base_url: str = ""


@dataclass(frozen=True)
class LLMOverrides:
    """Values given on the command line; None means 'not given'."""

    llm: str | None = None
    budget_usd: float | None = None
    max_tokens: int | None = None
    no_cache: bool = False
    cache_dir: Path | None = None
    structured: str | None = None
    timeout_s: float | None = None
    max_retries: int | None = None


@dataclass(frozen=True)
class LLMSettings:
    """Resolved configuration. `api_key` is excluded from repr so it never lands in a log."""

    provider: ProviderName = "none"
    model: str = ""
    base_url: str = ""
    api_key: str = field(default="", repr=False)
    key_env: str = ""
    budget_usd: float | None = None
    max_tokens: int | None = None
    use_cache: bool = True
    cache_dir: Path = Path(".dwagent-cache")
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_retries: int = DEFAULT_MAX_RETRIES
    structured: StructuredMode = "auto"
    sources: tuple[tuple[str, str], ...] = ()  # (setting, where it came from), sorted

    @property
    def enabled(self) -> bool:
        return self.provider != "none"

    @property
    def key_present(self) -> bool:
        return bool(self.api_key)

    @property
    def spec(self) -> str:
        if not self.enabled:
            return "none"
        suffix = f"@{self.base_url}" if self.provider == "openai-compatible" else ""
        return f"{self.provider}:{self.model}{suffix}"


def parse_spec(spec: str) -> LLMSpec:
    """Parse `none`, `openai:MODEL`, `anthropic:MODEL` or `openai-compatible:MODEL@URL`."""
    text = spec.strip()
    if text.lower() in ("", "none", "off"):
        return LLMSpec()
    provider, sep, rest = text.partition(":")
    provider = provider.strip().lower()
    hint = "use none, openai:MODEL, anthropic:MODEL or openai-compatible:MODEL@URL"
    if not sep or provider not in PROVIDERS or provider == "none":
        raise UsageError(f"unknown LLM spec {spec!r}", hint)
    if provider == "openai-compatible":
        # Model names may contain ':' (e.g. Ollama tags), so split the URL on the first '@'.
        model, at, url = rest.partition("@")
        if not at or not url.strip():
            raise UsageError(f"{spec!r} has no server URL", "write openai-compatible:MODEL@http://host:port/v1")
        parsed = urlparse(url.strip())
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise UsageError(f"{url!r} is not an http(s) URL", "write openai-compatible:MODEL@http://host:port/v1")
        base_url = url.strip()
    else:
        model, base_url = rest, ""
    model = model.strip()
    if not model:
        raise UsageError(f"{spec!r} names no model", hint)
    return LLMSpec(provider, model, base_url)  # type: ignore[arg-type]


def default_cache_dir(env: Mapping[str, str]) -> Path:
    """DWAGENT_CACHE_DIR, else ~/.cache/dwagent: the same root dwagent.config uses for the index."""
    if env.get("DWAGENT_CACHE_DIR", "").strip():
        return Path(env["DWAGENT_CACHE_DIR"].strip()).expanduser()
    return Path.home() / ".cache" / "dwagent"


def _read_file_settings(cwd: Path) -> tuple[dict[str, object], str]:
    """Settings table from cwd/dwagent.toml or cwd/pyproject.toml [tool.dwagent]; ({}, "") if none."""
    for name in ("dwagent.toml", "pyproject.toml"):
        path = cwd / name
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"cannot read {path}: {exc}", "fix the TOML syntax or remove the file") from exc
        table = data.get("tool", {}).get("dwagent") if isinstance(data.get("tool"), dict) else None
        if table is None and name == "dwagent.toml":
            table = {k: v for k, v in data.items() if k != "tool"}
        if isinstance(table, dict) and table:
            return table, name
    return {}, ""


def _number(value: object, kind: type, what: str, origin: str) -> float | int:
    try:
        number = kind(value)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"{what} from {origin} is not a number: {value!r}", f"set {what} to a positive number") from exc
    if number <= 0:
        raise UsageError(f"{what} from {origin} must be positive, got {value!r}", f"set {what} to a positive number")
    return number


def _retries(value: object, origin: str) -> int:
    """A retry count: a whole number >= 0 (0 = one attempt only)."""
    if value is None:
        return DEFAULT_MAX_RETRIES
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else -1
    except ValueError:
        number = -1
    if number < 0:
        raise UsageError(
            f"max_retries from {origin} must be a whole number >= 0, got {value!r}",
            "set max_retries (--llm-retries, DWAGENT_LLM_MAX_RETRIES) to 0, 1, 2 ...",
        )
    return number


def load_settings(
    overrides: LLMOverrides | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> LLMSettings:
    """Resolve settings with precedence CLI > environment > dwagent.toml > pyproject.toml."""
    overrides = overrides or LLMOverrides()
    env = os.environ if env is None else env
    table, file_name = _read_file_settings(cwd or Path.cwd())
    sources: dict[str, str] = {}

    def pick(key: str, cli_value: object, env_key: str) -> object:
        if cli_value is not None:
            sources[key] = "cli"
            return cli_value
        if env.get(env_key):
            sources[key] = f"env {env_key}"
            return env[env_key]
        if key in table:
            sources[key] = file_name
            return table[key]
        return None

    spec_text = pick("llm", overrides.llm, "DWAGENT_LLM")
    spec = parse_spec(str(spec_text)) if spec_text is not None else LLMSpec()
    budget = pick("budget_usd", overrides.budget_usd, "DWAGENT_BUDGET_USD")
    max_tokens = pick("max_tokens", overrides.max_tokens, "DWAGENT_MAX_TOKENS")
    cache_dir = pick("cache_dir", overrides.cache_dir, "DWAGENT_CACHE_DIR")
    timeout = pick("timeout_s", overrides.timeout_s, "DWAGENT_LLM_TIMEOUT_S")
    retries = pick("max_retries", overrides.max_retries, "DWAGENT_LLM_MAX_RETRIES")
    structured_value = pick("structured", overrides.structured, "DWAGENT_LLM_STRUCTURED")
    structured = str(structured_value).strip().lower().replace("-", "_") if structured_value is not None else "auto"
    if structured not in STRUCTURED_MODES:
        raise UsageError(
            f"structured = {structured_value!r} from {sources['structured']}",
            "use " + ", ".join(STRUCTURED_MODES) + " (--llm-structured, DWAGENT_LLM_STRUCTURED or structured = ...)",
        )

    key_env = KEY_ENV.get(spec.provider, "")
    api_key = env.get(key_env, "") if key_env else ""
    if spec.provider == "openai-compatible" and not api_key:
        api_key = LOCAL_DUMMY_KEY
    settings = LLMSettings(
        provider=spec.provider,
        model=spec.model,
        base_url=spec.base_url,
        api_key=api_key,
        key_env=key_env,
        budget_usd=float(_number(budget, float, "budget_usd", sources["budget_usd"])) if budget is not None else None,
        max_tokens=int(_number(max_tokens, int, "max_tokens", sources["max_tokens"])) if max_tokens is not None else None,
        use_cache=not overrides.no_cache,
        cache_dir=Path(str(cache_dir)).expanduser() if cache_dir is not None else default_cache_dir(env),
        timeout_s=float(_number(timeout, float, "timeout_s", sources["timeout_s"])) if timeout is not None else DEFAULT_TIMEOUT_S,
        max_retries=_retries(retries, sources.get("max_retries", "")),
        structured=structured,  # type: ignore[arg-type]
        sources=tuple(sorted(sources.items())),
    )
    return settings


def without_cache(settings: LLMSettings) -> LLMSettings:
    """The same settings with the response cache bypassed (`--no-cache`)."""
    return replace(settings, use_cache=False)
