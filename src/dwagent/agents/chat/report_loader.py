"""Read a certification report directory: its findings and the audited root they refer to.

The layout is certify's: `findings.json` is an object with a "findings" list of Finding dumps
(a bare list is accepted too), and `run.json` names the audited root. A report that cannot be
read is a DwagentError with a hint, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from dwagent.errors import InputError, UsageError
from dwagent.models import Finding

ROOT_KEYS = ("root", "audited_root", "target", "path")


@dataclass(frozen=True)
class Report:
    """What chat needs from a report: the findings by id and where the audited code lives."""

    directory: Path
    root: Path
    findings: tuple[Finding, ...]
    run: dict

    @property
    def key(self) -> str:
        """Stable identity of this report (its findings file contents), used to key conversations."""
        data = (self.directory / "findings.json").read_bytes()
        return hashlib.sha1(data).hexdigest()[:16]

    def finding(self, finding_id: str) -> Finding | None:
        """The finding with this id; a unique id prefix is accepted too."""
        exact = [f for f in self.findings if f.id == finding_id]
        if exact:
            return exact[0]
        prefixed = [f for f in self.findings if finding_id and f.id.startswith(finding_id)]
        if len(prefixed) > 1:
            # an ambiguous prefix is not "no finding": say which ones it could mean
            shown = ", ".join(f.id for f in prefixed[:5]) + (" …" if len(prefixed) > 5 else "")
            raise UsageError(
                f"finding id {finding_id!r} is ambiguous: {len(prefixed)} findings start with it ({shown})", "give more characters of the id"
            )
        return prefixed[0] if prefixed else None


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path.name} not found in {path.parent}", "pass the folder written by `dwagent certify`") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{path} is not readable JSON: {exc}", "re-run `dwagent certify` to rewrite it") from None


def _root_from_run(run: dict, directory: Path, root_override: Path | None) -> Path:
    if root_override is not None:
        return root_override.resolve()
    # certify writes the root inside the index summary (run.json: index.root); flat keys are
    # accepted too so a hand-made or older run.json still works.
    index = run.get("index") if isinstance(run.get("index"), dict) else {}
    for value in [index.get("root"), *(run.get(key) for key in ROOT_KEYS)]:
        if isinstance(value, str) and value:
            return Path(value).resolve()
    raise InputError(
        f"{directory / 'run.json'} does not say which tree was audited",
        "pass --root PATH to name the audited tree",
    )


def load_report(directory: Path, root_override: Path | None = None) -> Report:
    """Load findings.json and run.json from a report directory."""
    if not directory.is_dir():
        raise InputError(f"report directory {directory} does not exist", "pass the folder written by `dwagent certify`")
    raw = _read_json(directory / "findings.json")
    items = raw.get("findings") if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise InputError(f"{directory / 'findings.json'} has no findings list", "re-run `dwagent certify`")
    findings = []
    for n, item in enumerate(items):
        try:
            findings.append(Finding.model_validate(item))
        except ValidationError as exc:
            raise InputError(
                f"finding #{n} in findings.json is malformed: {exc.errors()[0]['msg']}",
                "re-run `dwagent certify` with this dwagent version",
            ) from None
    run_path = directory / "run.json"
    run = _read_json(run_path) if run_path.exists() or root_override is None else {}
    if not isinstance(run, dict):
        raise InputError(f"{run_path} is not a JSON object", "re-run `dwagent certify`")
    root = _root_from_run(run, directory, root_override)
    if not root.is_dir():
        raise InputError(f"the audited tree {root} is not there any more", "pass --root PATH to where it is now")
    return Report(directory, root, tuple(sorted(findings, key=lambda f: f.id)), run)
