"""One decoding of a source file's bytes, used by the index AND by everything that re-reads a
file later (the quote verifier, the sources view, the rules engine), so a line number found at
index time is the line a verifier reads.

Order: a BOM (UTF-8, UTF-32 LE/BE, UTF-16 LE/BE: UTF-32 first, its LE BOM starts like UTF-16's),
then UTF-16 without a BOM when the zero-byte pattern says so, then UTF-8, then the legacy
Windows code page cp1252, then latin-1 (every byte decodes). What is not text (a NUL byte in
the first 8 KB after the UTF-16 check, or control characters in a legacy decode) is `binary`.

The index and the rules work on UTF-8 bytes ("canonical bytes"): a UTF-8 file's bytes are used
unchanged (its BOM kept, as before), any other encoding is re-encoded to UTF-8 without a BOM.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass

SNIFF_BYTES = 8192
# Longest first: the UTF-32 LE BOM begins with the UTF-16 LE BOM.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 controls that do not occur in text (tab, LF, VT, FF, CR and SUB/EOF excluded).
_BINARY_CONTROLS = frozenset(range(0, 9)) | frozenset(range(14, 26)) | frozenset(range(27, 32))


@dataclass(frozen=True)
class Decoded:
    """A file's text, the encoding it was decoded with, and its canonical UTF-8 bytes."""

    text: str
    encoding: str  # utf-8 | utf-8-sig | utf-16-le | utf-16-be | utf-32-le | utf-32-be | cp1252 | latin-1
    data: bytes


@dataclass(frozen=True)
class NotText:
    """Why bytes are not analysable text: reason `binary` or `undecodable`, and a detail."""

    reason: str
    detail: str


def _bom(data: bytes) -> tuple[str, int] | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """utf-16-le/-be when most even (or odd) bytes are zero and the others are not: ASCII-heavy
    UTF-16 text, as some editors write it without a BOM."""
    if len(head) < 16:
        return None
    even, odd = head[0::2], head[1::2]
    zero_even, zero_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zero_odd > 0.6 and zero_even < 0.05:
        return "utf-16-le"
    if zero_even > 0.6 and zero_odd < 0.05:
        return "utf-16-be"
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:SNIFF_BYTES]
    controls = sum(1 for ch in sample if ord(ch) in _BINARY_CONTROLS)
    return controls > max(2, len(sample) // 100)


def decode_source(data: bytes) -> Decoded | NotText:
    """Decode a file's bytes by the order in the module docstring."""
    found = _bom(data)
    if found is not None:
        encoding, skip = found
        if encoding == "utf-8-sig":
            try:
                return Decoded(data[skip:].decode("utf-8"), encoding, data)
            except UnicodeDecodeError as exc:
                return NotText("undecodable", f"UTF-8 BOM but invalid UTF-8 at byte {exc.start + skip}")
        try:
            text = data[skip:].decode(encoding)
        except UnicodeDecodeError as exc:
            return NotText("undecodable", f"{encoding} BOM but invalid {encoding} at byte {exc.start + skip}")
        return Decoded(text, encoding, text.encode("utf-8"))
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        guessed = _utf16_without_bom(head)
        if guessed is not None:
            try:
                text = data.decode(guessed)
            except UnicodeDecodeError:
                text = ""
            if text and not _looks_binary(text):
                return Decoded(text, guessed, text.encode("utf-8"))
        return NotText("binary", "NUL byte in the first 8 KB")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", data)
    except UnicodeDecodeError:
        pass
    for legacy in ("cp1252", "latin-1"):
        try:
            text = data.decode(legacy)
        except UnicodeDecodeError:
            continue  # cp1252 leaves five bytes undefined
        if _looks_binary(text):
            return NotText("binary", "control bytes: not text in UTF-8 or a legacy code page")
        return Decoded(text, legacy, text.encode("utf-8"))
    return NotText("undecodable", "no encoding fits")  # unreachable: latin-1 decodes every byte


def canonical_bytes(data: bytes) -> bytes:
    """The UTF-8 bytes the index analysed for these file bytes (unchanged when not text)."""
    decoded = decode_source(data)
    return decoded.data if isinstance(decoded, Decoded) else data


def read_canonical(path: str | os.PathLike[str]) -> bytes:
    """A file's canonical UTF-8 bytes, read now; OSError when it cannot be read."""
    with open(path, "rb") as fh:
        return canonical_bytes(fh.read())


def read_text(path: str | os.PathLike[str]) -> str:
    """A file's text as the index saw it (a UTF-8 BOM stays as U+FEFF, as it always did);
    OSError when it cannot be read."""
    return read_canonical(path).decode("utf-8", errors="replace")


def source_lines(text: str) -> list[str]:
    """A source text's lines as parsers and editors number them: split at "\\n" only (a "\\r" before it
    is dropped). `str.splitlines()` also splits at form feed, vertical tab, U+0085, U+2028 and friends,
    which shifts every later line against tree-sitter's rows, so an excerpt would quote the wrong line."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]
