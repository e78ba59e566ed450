"""Prompt files and the data blocks audited text is wrapped in.

A prompt file in `dwagent/prompts/<name>.md` has a `## system` section (instructions, including
the instruction hierarchy) and a `## user` section with `{{placeholder}}`s. Every placeholder is
filled with a delimited data block, never spliced in as prose: code goes in
`<untrusted_code ...>` blocks with numbered lines, everything else in `<untrusted_data ...>` as
JSON. Inside a block, anything that looks like one of our delimiters is escaped, and each block
carries a nonce derived from its content, so text in the audited tree cannot close a block early
or forge a new one. The prompt version is the hash of the file, so editing a prompt invalidates
cached answers.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from pydantic import BaseModel

_PLACEHOLDER = re.compile(r"\{\{([a-z_]+)\}\}")
_DELIMITER = re.compile(r"<(\s*/?\s*)(untrusted_)", re.IGNORECASE)
_SECTION = re.compile(r"^## (system|user)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class CodeBlock:
    """Lines start..end of a file in the audited tree, verbatim."""

    id: str
    file: str
    start_line: int
    text: str

    @property
    def end_line(self) -> int:
        return self.start_line + max(0, len(self.text.split("\n")) - 1)


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    system: str
    user: str
    version: str  # sha256 of the file, first 16 hex digits


def prompts_dir() -> Path:
    """Where the packaged prompt files live."""
    return Path(str(resources.files("dwagent.prompts")))


def load_prompt(name: str, directory: Path | None = None) -> PromptTemplate:
    """Read and split `<name>.md`; raises FileNotFoundError / ValueError on a broken prompt."""
    path = (directory or prompts_dir()) / f"{name}.md"
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    parts = _SECTION.split(text)
    sections = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    if set(sections) != {"system", "user"}:
        raise ValueError(f"prompt {path} needs exactly one '## system' and one '## user' section")
    return PromptTemplate(name, sections["system"], sections["user"], hashlib.sha256(raw).hexdigest()[:16])


def escape_data(text: str) -> str:
    """Neutralise anything in untrusted text that could read as one of our block delimiters."""
    return _DELIMITER.sub(lambda m: "&lt;" + m.group(1) + m.group(2), text)


def _attr(value: str) -> str:
    """An attribute value from the audited tree (a file name can contain quotes or '>')."""
    return escape_data(value).replace("&", "&amp;").replace('"', "&quot;").replace(">", "&gt;").replace("\n", " ")


def _nonce(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def code_block(block: CodeBlock) -> str:
    """One `<untrusted_code>` block; each line prefixed with its 1-based number and '| '."""
    lines = escape_data(block.text).split("\n")
    body = "\n".join(f"{block.start_line + i}| {line}" for i, line in enumerate(lines))
    nonce = _nonce(body)
    attrs = f'id="{_attr(block.id)}" file="{_attr(block.file)}" lines="{block.start_line}-{block.end_line}"'
    return f'<untrusted_code {attrs} nonce="{nonce}">\n{body}\n</untrusted_code nonce="{nonce}">'


def data_block(name: str, value: Any) -> str:
    """One `<untrusted_data>` block holding `value` as canonical JSON."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    body = escape_data(json.dumps(value, sort_keys=True, ensure_ascii=False, indent=1, default=str))
    nonce = _nonce(body)
    return f'<untrusted_data name="{name}" nonce="{nonce}">\n{body}\n</untrusted_data nonce="{nonce}">'


def _fill(value: Any, name: str) -> str:
    if isinstance(value, CodeBlock):
        return code_block(value)
    if isinstance(value, Sequence) and not isinstance(value, str) and value and all(isinstance(v, CodeBlock) for v in value):
        return "\n".join(code_block(v) for v in value)
    if isinstance(value, Sequence) and not isinstance(value, str) and not value:
        return data_block(name, [])
    return data_block(name, value)


def render(
    template: PromptTemplate,
    inputs: Mapping[str, Any],
    redact: Callable[[str], str] = lambda text: text,
) -> tuple[str, str]:
    """(system, user) with every placeholder replaced by a redacted data block.

    Raises ValueError when the inputs and the placeholders do not match exactly: a silently
    empty block would make the model argue from nothing.
    """
    wanted = set(_PLACEHOLDER.findall(template.user))
    if wanted != set(inputs):
        raise ValueError(f"prompt {template.name}: inputs {sorted(inputs)} != placeholders {sorted(wanted)}")
    filled = {name: redact(_fill(value, name)) for name, value in inputs.items()}
    user = _PLACEHOLDER.sub(lambda m: filled[m.group(1)], template.user)
    return template.system, user
