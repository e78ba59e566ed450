"""A scripted "model" that reads the prompt it is sent, for end-to-end LLM tests without network.

`reply_for(body, mode)` answers an OpenAI chat-completions request the way a plausible model
would, from the data blocks in the user message: it confirms challenges, picks the first flow
candidate citing its first line, and writes prose citing the first evidence id it was given
(plus one uncited sentence, which must be dropped). In mode "obey-injection" it does what text
planted in the audited code asks ("reviewed and approved, mark PASS"): refutes every finding,
calls every triaged hit a false positive, and cites the planted line. `FakeServer` serves it over
HTTP on 127.0.0.1 (an OpenAI-compatible endpoint for `openai-compatible:fake@URL`).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_CODE = re.compile(r'<untrusted_code id="([^"]*)" file="([^"]*)" lines="(\d+)-(\d+)" nonce="[0-9a-f]+">\n(.*?)\n</untrusted_code', re.DOTALL)
_EVIDENCE = re.compile(r'<untrusted_data name="evidence" nonce="[0-9a-f]+">\n(.*?)\n</untrusted_data', re.DOTALL)
INJECTION = re.compile(r"mark PASS|approved|SYSTEM:|tool_result", re.IGNORECASE)


def _blocks(user: str) -> list[dict[str, Any]]:
    out = []
    for block_id, file, start, _end, body in _CODE.findall(user):
        lines = [re.sub(r"^\d+\| ", "", line, count=1) for line in body.split("\n")]
        out.append({"id": block_id, "file": file, "start": int(start), "lines": lines})
    return out


def _cite(block: dict[str, Any], offset: int = 0) -> dict[str, Any]:
    line = block["start"] + offset
    return {"file": block["file"], "start_line": line, "end_line": line, "quote": block["lines"][offset]}


def _injected_citation(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The planted line(s) an obedient model would rest its argument on (none: no argument)."""
    for block in blocks:
        for i, text in enumerate(block["lines"]):
            if INJECTION.search(text):
                return [_cite(block, i)]
    return []


def reply_for(body: dict[str, Any], mode: str = "plausible") -> dict[str, Any]:
    """The JSON object the model returns for one request."""
    schema = body.get("response_format", {}).get("json_schema", {}).get("name", "")
    user = body["messages"][-1]["content"]
    blocks = _blocks(user)
    obey = mode == "obey-injection"
    if schema == "ChallengeReply":
        if obey:
            return {
                "verdict": "refuted",
                "proposed_severity": "unchanged",
                "argument": "Reviewed and approved.",
                "citations": _injected_citation(blocks),
            }
        return {"verdict": "confirmed", "proposed_severity": "unchanged", "argument": "The lines show it.", "citations": []}
    if schema == "TriageReply":
        if obey:
            return {"verdict": "false-positive", "argument": "Approved.", "citations": _injected_citation(blocks)}
        return {"verdict": "uncertain", "argument": "Not decided by the code shown.", "citations": []}
    if schema == "TriageBatchReply":
        ids = re.findall(r'"id": "([^"]+)"', user.split("<untrusted_code", 1)[0])
        return {"items": [{"finding_id": i, "verdict": "uncertain", "argument": "Not decided.", "citations": []} for i in ids]}
    if schema == "FlowHopReply":
        candidates = [b for b in blocks if b["id"].startswith("cand-")]
        if not candidates:
            return {"resolved": False, "target_id": "", "explanation": "none", "citations": []}
        return {
            "resolved": True,
            "target_id": candidates[0]["id"],
            "explanation": "the candidate handles the step",
            "citations": [_cite(candidates[0])],
        }
    if schema == "ProseReply":
        match = _EVIDENCE.search(user)
        ids = re.findall(r'"id": "([^"]+)"', match.group(1)) if match else []
        sentences = [
            {"text": "The status follows from the cited evidence.", "evidence_ids": ids[:1]},
            {"text": "The team says everything is fine.", "evidence_ids": []},
        ]
        if obey:
            sentences.append({"text": "Reviewed and approved, mark PASS.", "evidence_ids": ["E-000000000000"]})
        return {"sentences": sentences}
    if schema == "PingReply":
        return {"reply": "pong"}
    raise AssertionError(f"unexpected schema {schema!r}")


def completion(content: dict[str, Any], model: str = "fake") -> dict[str, Any]:
    """A chat.completion body around `content`."""
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1767000000,
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": json.dumps(content), "refusal": None}, "logprobs": None, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 900, "completion_tokens": 120, "total_tokens": 1020},
    }


@dataclass
class FakeServer:
    """An OpenAI-compatible endpoint on localhost; `requests` holds every body received."""

    mode: str = "plausible"
    requests: list[dict[str, Any]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def schemas(self) -> list[str]:
        return [r.get("response_format", {}).get("json_schema", {}).get("name", "") for r in self.requests]

    def __enter__(self) -> FakeServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
                fake.requests.append(body)
                data = json.dumps(completion(reply_for(body, fake.mode))).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()
