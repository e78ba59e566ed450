"""`dwagent doctor`: show the LLM configuration and, with --ping, send one tiny request."""
from __future__ import annotations

from pathlib import Path

import typer

from dwagent.agents.llm.config import LLMOverrides, LLMSettings, load_settings


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
        rows.append(("price per 1M tokens", f"${price.input_per_mtok:g} in / ${price.output_per_mtok:g} out"
                     + ("" if price.known else " (model not in price table: conservative fallback)")))
        counter = TokenCounter(settings.model, settings.cache_dir)
        counter.count("probe")
        rows.append(("token counting", "tiktoken (offline vocabulary)" if counter.exact else "estimate (4 chars/token)"))
    rows.append(("cache dir", str(settings.cache_dir)))
    rows.append(("response cache", "on" if settings.use_cache else "off (--no-cache)"))
    rows.append(("budget usd", f"{settings.budget_usd:g}" if settings.budget_usd is not None else "none"))
    rows.append(("max tokens", str(settings.max_tokens) if settings.max_tokens is not None else "none"))
    rows.append(("timeout s / retries", f"{settings.timeout_s:g} / {settings.max_retries}"))
    for name, origin in settings.sources:
        rows.append((f"{name} from", origin))
    return rows


def register(app: typer.Typer) -> None:
    """Add `doctor` to the app."""

    @app.command("doctor")
    def doctor(
        llm: str | None = typer.Option(None, "--llm", help="none | openai:MODEL | anthropic:MODEL | openai-compatible:MODEL@URL"),
        budget_usd: float | None = typer.Option(None, "--budget-usd", help="Dollar cap for LLM calls in one run."),
        max_tokens: int | None = typer.Option(None, "--max-tokens", help="Token cap for LLM calls in one run."),
        cache_dir: Path | None = typer.Option(None, "--cache-dir", help="Where cached responses live."),
        no_cache: bool = typer.Option(False, "--no-cache", help="Bypass the response cache."),
        ping: bool = typer.Option(False, "--ping", help="Send one tiny request to the configured model."),
    ) -> None:
        """Show the LLM configuration (never the key) and optionally test the connection."""
        settings = load_settings(LLMOverrides(llm, budget_usd, max_tokens, no_cache, cache_dir))
        width = max(len(label) for label, _ in describe(settings))
        for label, value in describe(settings):
            typer.echo(f"{label:<{width}}  {value}")
        if not ping:
            return
        if not settings.enabled:
            typer.echo("ping: no LLM configured (--llm none); nothing to ping")
            return
        from dwagent.agents.llm.gateway import LLMGateway

        gateway = LLMGateway.from_settings(settings)
        assert gateway is not None
        ok, detail = gateway.ping()
        typer.echo(f"ping: {'ok' if ok else 'FAILED'}: {detail}")
        if gateway.ledger.disabled:
            typer.echo(f"model disabled for this run: {gateway.ledger.disabled}")
        raise typer.Exit(0 if ok else 1)
