"""`dwagent doctor`: show the LLM configuration and, with --ping, send one tiny request."""

from __future__ import annotations

from pathlib import Path

import typer

from dwagent.agents.llm.config import STRUCTURED_MODES, LLMOverrides, LLMSettings, load_settings

# The transport options every command with --llm takes (same precedence: flag > env > config file).
STRUCTURED_HELP = (
    "How structured answers are requested: "
    + " | ".join(STRUCTURED_MODES)
    + " (default auto: negotiated once per endpoint and cached). Env DWAGENT_LLM_STRUCTURED."
)
TIMEOUT_HELP = (
    "Seconds before one model call times out (default 60, raised to what the measured token rate "
    "needs; a value you set is kept as is). Env DWAGENT_LLM_TIMEOUT_S."
)
RETRIES_HELP = "Retries of a failed call (429/5xx/timeout; default 3; 0 = none). Env DWAGENT_LLM_MAX_RETRIES."


def structured_option():
    """`--llm-structured MODE` for any command that takes --llm."""
    return typer.Option(None, "--llm-structured", help=STRUCTURED_HELP)


def timeout_option():
    """`--llm-timeout SECONDS` for any command that takes --llm."""
    return typer.Option(None, "--llm-timeout", help=TIMEOUT_HELP)


def retries_option():
    """`--llm-retries N` for any command that takes --llm."""
    return typer.Option(None, "--llm-retries", help=RETRIES_HELP)


def describe(settings: LLMSettings) -> list[tuple[str, str]]:
    """(label, value) rows for the doctor table. The key itself is never shown."""
    from dwagent.agents.llm.prices import price_for
    from dwagent.agents.llm.tokens import TokenCounter

    rows = [("llm", settings.spec), ("provider", settings.provider), ("model", settings.model or "-")]
    if settings.base_url:
        rows.append(("base url", settings.base_url))
    if settings.enabled:
        key = "yes" if settings.key_present else "NO"
        if settings.provider == "openai-compatible" and settings.key_env and settings.api_key.startswith("dwagent-local"):
            key = f"not needed (dummy; set {settings.key_env} if the server wants one)"
        rows.append(("api key present", f"{key} ({settings.key_env})" if key in ("yes", "NO") else key))
        price = price_for(settings.provider, settings.model)
        rows.append(
            (
                "price per 1M tokens",
                f"${price.input_per_mtok:g} in / ${price.output_per_mtok:g} out"
                + ("" if price.known else " (model not in price table: conservative fallback)"),
            )
        )
        counter = TokenCounter(settings.model, settings.cache_dir)
        counter.count("probe")
        rows.append(("token counting", "tiktoken (offline vocabulary)" if counter.exact else "estimate (4 chars/token)"))
    rows.append(("cache dir", str(settings.cache_dir)))
    rows.append(("response cache", "on" if settings.use_cache else "off (--no-cache)"))
    rows.append(("budget usd", f"{settings.budget_usd:g}" if settings.budget_usd is not None else "none"))
    rows.append(("max tokens", str(settings.max_tokens) if settings.max_tokens is not None else "none"))
    rows.append(("timeout s / retries", f"{settings.timeout_s:g} / {settings.max_retries}"))
    rows.append(("structured", settings.structured))
    if settings.enabled:
        from dwagent.agents.llm.capabilities import EndpointStore, endpoint_key

        known = EndpointStore(settings.cache_dir).load(endpoint_key(settings))
        rows.append(("endpoint (cached)", _endpoint_text(known)))
    for name, origin in settings.sources:
        rows.append((f"{name} from", origin))
    return rows


def _endpoint_text(profile) -> str:
    """What is known about the endpoint: chosen mode, rejected modes, rate, context size."""
    if not profile.mode and not profile.rejected and not profile.tokens_per_s:
        return "not probed yet (--ping negotiates and measures)"
    parts = [f"mode {profile.mode or 'none accepted'}"]
    if profile.rejected:
        parts.append("rejected " + ", ".join(sorted(profile.rejected)))
    if profile.tokens_per_s:
        parts.append(f"~{profile.tokens_per_s:.1f} tokens/s")
    parts.append(f"context {profile.context_size}" if profile.context_size else "context size unknown")
    return "; ".join(parts)


def register(app: typer.Typer) -> None:
    """Add `doctor` to the app."""

    @app.command("doctor")
    def doctor(
        llm: str | None = typer.Option(None, "--llm", help="none | openai:MODEL | anthropic:MODEL | openai-compatible:MODEL@URL"),
        budget_usd: float | None = typer.Option(None, "--budget-usd", help="Dollar cap for LLM calls in one run."),
        max_tokens: int | None = typer.Option(None, "--max-tokens", help="Token cap for LLM calls in one run."),
        cache_dir: Path | None = typer.Option(None, "--cache-dir", help="Where cached responses live."),
        no_cache: bool = typer.Option(False, "--no-cache", help="Bypass the response cache."),
        ping: bool = typer.Option(
            False,
            "--ping",
            help="Send one tiny request to the configured model: negotiates the structured mode afresh and measures the token rate and context size.",
        ),
        structured: str | None = structured_option(),
        timeout_s: float | None = timeout_option(),
        max_retries: int | None = retries_option(),
    ) -> None:
        """Show the LLM configuration (never the key) and optionally test the connection."""
        settings = load_settings(LLMOverrides(llm, budget_usd, max_tokens, no_cache, cache_dir, structured, timeout_s, max_retries))
        width = max(len(label) for label, _ in describe(settings))
        for label, value in describe(settings):
            typer.echo(f"{label:<{width}}  {value}")
        if not ping:
            return
        if not settings.enabled:
            typer.echo("ping: no LLM configured (--llm none); nothing to ping")
            return
        from dwagent.agents.llm.gateway import LLMGateway
        from dwagent.agents.llm.probe import probe_endpoint

        gateway = LLMGateway.from_settings(settings)
        assert gateway is not None
        report = probe_endpoint(gateway)
        for line in report.lines():
            typer.echo(line)
        raise typer.Exit(0 if report.ok else 1)
