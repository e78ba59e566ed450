"""Python: timeouts, retry counts and pool/batch sizes passed as inline literals."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import ancestor, hit, nodes, text

TIME_KEYWORDS = frozenset(
    {
        "timeout",
        "connect_timeout",
        "read_timeout",
        "write_timeout",
        "pool_timeout",
        "request_timeout",
        "socket_timeout",
        "command_timeout",
        "poll_interval",
        "retry_delay",
        "backoff",
        "backoff_factor",
    }
)
COUNT_KEYWORDS = frozenset(
    {
        "max_workers",
        "workers",
        "num_workers",
        "n_workers",
        "processes",
        "pool_size",
        "max_pool_size",
        "pool_maxsize",
        "pool_connections",
        "max_connections",
        "max_overflow",
        "concurrency",
        "max_concurrency",
        "batch_size",
        "max_retries",
        "retries",
        "max_attempts",
        "attempts",
        "retry_count",
        "prefetch_count",
    }
)
LEVEL_KEYWORDS = frozenset({"compresslevel", "level", "preset", "compression_level"})
# Calls whose level argument is a compression level (gzip/zlib/bz2/lzma/zstandard/zipfile/tarfile).
COMPRESSOR = re.compile(
    r"(?i)^(gzip|zlib|bz2|lzma|zstd|zstandard|zipfile|tarfile|brotli|lz4(\.frame)?)\.|"
    r"^(GzipFile|ZipFile|BZ2File|LZMAFile|ZstdCompressor|compressobj)$|^(\w+\.)?(compress|open)$"
)
# A configured compression level read somewhere in the file.
CONFIGURED_LEVEL = re.compile(r"(?i)\b_?(config|cfg|conf|settings|options|opts)\.\w*(level|compression|preset)")
# Names that hold the configuration a literal should have come from.
# A configured time setting read somewhere in the file: then a literal timeout bypasses it.
CONFIGURED_TIME = re.compile(r"(?i)\b_?(config|cfg|conf|settings|options|opts)\.\w*(timeout|interval|backoff|delay)")
CONFIG_NAME = re.compile(r"(?i)^_?(config|cfg|conf|settings|options|opts|params)$|(Config|Settings|Options)$")


def _number(ctx: FileContext, node) -> float | None:
    if node is None or node.type not in ("integer", "float"):
        return None
    try:
        return float(text(ctx, node).replace("_", ""))
    except ValueError:
        return None


def _config_in_scope(ctx: FileContext, func) -> str:
    """A parameter of the enclosing function (or `self`'s class) that holds configuration."""
    params = func.child_by_field_name("parameters") if func is not None else None
    for p in params.named_children if params is not None else ():
        name_node = p.child_by_field_name("name") if p.type != "identifier" else p
        if name_node is None and p.named_children:
            name_node = p.named_children[0]
        name = text(ctx, name_node)
        annotation = text(ctx, p.child_by_field_name("type"))
        if CONFIG_NAME.search(name) or CONFIG_NAME.search(annotation.split("[")[0].split(".")[-1] or "-"):
            return name
    return ""


def _compressor_call(ctx: FileContext, kw) -> bool:
    """`kw` is an argument of a compression call (`gzip.open(..., compresslevel=1)`)."""
    call = kw.parent.parent if kw.parent is not None else None
    if call is None or call.type != "call":
        return False
    return bool(COMPRESSOR.search(text(ctx, call.child_by_field_name("function"))))


@file_rule(
    id="DWA-425",
    title="Timeout, retry count or pool size hard-coded inline (Python)",
    category="hardcoded-tuning",
    severity="low",
    confidence="medium",
    languages=("python",),
    domains=("readiness", "performance"),
)
def inline_tuning(ctx: FileContext) -> Iterable[Hit]:
    """A call passes a number operators need to tune as a literal keyword argument:
    `ThreadPoolExecutor(max_workers=32)`, `requests.get(url, timeout=30)`, `Retry(retries=5)`,
    `create_engine(..., pool_size=20)`, `batch_size=500`. Changing it needs a code change. Literal
    timeouts are the norm in Python (and far better than none), so a time literal is reported only
    when the same file reads a configured time value (`settings.request_timeout`): the setting
    exists and this call bypasses it. Compression levels (`compresslevel=`, `level=`, `preset=` on
    gzip/zlib/bz2/lzma/zstd/zipfile calls) are treated the same way: reported only when the file
    reads a configured level (`settings.snapshot_level`). When a
    configuration object is in scope (a `config`/`settings`/`options` parameter or one typed
    `*Config`/`*Settings`/`*Options`) the message names it and confidence is high: the setting
    exists and is bypassed.

    Not reported: parameter defaults (`def f(timeout=30)`, the caller can override them), values
    read from names (`timeout=TIMEOUT`, `timeout=config.timeout`), zero/one/negative counts,
    module-level code (the module's own settings), and test code.
    """
    if not re.search(r"timeout|workers|retries|attempts|pool|batch_size|concurrency|backoff|processes|interval|level|preset", ctx.text):
        return
    time_configured = bool(CONFIGURED_TIME.search(ctx.text))
    level_configured = bool(CONFIGURED_LEVEL.search(ctx.text))
    for kw in nodes(ctx, "keyword_argument"):
        name = text(ctx, kw.child_by_field_name("name"))
        is_time, is_count = name in TIME_KEYWORDS, name in COUNT_KEYWORDS
        is_level = name in LEVEL_KEYWORDS and level_configured and _compressor_call(ctx, kw)
        if not (is_time and time_configured or is_count or is_level):
            continue
        value = _number(ctx, kw.child_by_field_name("value"))
        if value is None or value < 0 or (value == 0 and not is_level) or (is_count and value < 2):
            continue
        func = ancestor(kw, ("function_definition",))
        if func is None:
            continue
        config = _config_in_scope(ctx, func)
        where = f" although `{config}` is in scope" if config else ""
        yield hit(
            kw, f"`{text(ctx, kw)}` is a hard-coded literal{where}; read it from configuration", confidence="high" if config else None, max_lines=1
        )
