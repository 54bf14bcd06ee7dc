"""MiniLM on onnxruntime: the fp32 export of the bundled model gives the vectors of
sentence-transformers on torch (one cache name for both; synthesis clusters on these), and the
int8-quantised model the classifier reads stays close to them, under its own cache name."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline import embeddings as E
from pipeline.evaluate import load_transcript

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(E.minilm_backend() != "onnx", reason="onnxruntime or tokenizers not installed")


def real_sentences(n_files: int = 3) -> list[str]:
    """Participant and interviewer sentences of real interviews, the questions and 'Q: … A: …'
    pairs the classifier embeds, and a text past the model's 256 tokens (cut, as torch cuts it)."""
    texts: list[str] = []
    for path in sorted((ROOT / "evalsets" / "real").glob("*.md"))[:n_files]:
        turns = load_transcript(path).turns
        for a, b in zip(turns, turns[1:]):
            texts += [s.strip() for s in b.text.split(". ") if s.strip()][:3]
            texts.append(f"Q: {a.text[-200:]} A: {b.text[:300]}")
    return texts[:150] + [" ".join(t.text for t in turns)[:4000], "ok", "Why?"]


@pytest.fixture(scope="module")
def onnx_encoder():
    encoder = E._onnx_minilm()
    assert encoder is not None, "the ONNX export of the bundled MiniLM failed"
    return encoder


def test_onnx_vectors_equal_torch_vectors_on_real_sentences(onnx_encoder):
    texts = real_sentences()
    onnx = onnx_encoder.encode(texts)
    torch = E._normalise(E._minilm_encode_torch(texts))
    assert onnx.shape == torch.shape == (len(texts), 384)
    assert np.abs(onnx - torch).max() < 1e-5
    # as cached (rounded to 5 decimals): at most one unit in the last decimal apart
    assert np.abs(np.round(onnx, 5) - np.round(torch, 5)).max() <= 1.1e-5


def test_batching_and_order_do_not_change_a_vector(onnx_encoder):
    texts = real_sentences(1)[:40]
    together = onnx_encoder.encode(texts, batch_size=16)
    alone = np.vstack([onnx_encoder.encode([t]) for t in texts[::-1]])[::-1]
    assert np.abs(together - alone).max() < 1e-5


def test_int8_vectors_stay_close_to_fp32_under_their_own_name(onnx_encoder):
    if not E.minilm_int8_available():
        pytest.skip("the onnx package (to quantise) is not installed")
    texts = real_sentences(2)
    int8 = E.embed_minilm(texts, int8=True)
    fp32 = E.embed_minilm(texts)
    cos = (int8 * fp32).sum(axis=1)
    assert cos.mean() > 0.98 and cos.min() > 0.93, (cos.mean(), cos.min())
    assert E.minilm_encoder_name(True) == E.MINILM_INT8_NAME != E.minilm_encoder_name(False) == E.MINILM_NAME
    assert np.abs(int8 - fp32).max() > 1e-3  # really another model: never mixed in one cache


@pytest.mark.parametrize("int8", [False, True])
def test_the_onnx_path_imports_no_torch(onnx_encoder, int8):
    """Loading time: the ONNX encoders need neither torch nor sentence-transformers once exported."""
    if int8 and not E.minilm_int8_available():
        pytest.skip("the onnx package (to quantise) is not installed")
    E.embed_minilm(["made once"], int8=int8)
    code = (f"import sys; from pipeline.embeddings import embed_minilm; embed_minilm(['It took me hours every week.'], int8={int8}); "
            "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "JTBD_CACHE_DIR": str(E.model_cache_dir().parent)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_failed_export_falls_back_to_torch(monkeypatch, tmp_path):
    monkeypatch.setenv("JTBD_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(E, "export_minilm_onnx", lambda path=None: (_ for _ in ()).throw(RuntimeError("no exporter")))
    E._onnx_minilm.cache_clear()
    try:
        assert E._onnx_minilm() is None
        vectors = E._minilm_encode(["It took me hours every week."])
        assert vectors.shape == (1, 384)
    finally:
        E._onnx_minilm.cache_clear()
