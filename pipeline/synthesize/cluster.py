"""Clustering items by meaning: average-linkage agglomerative clustering on cosine distance.

Two items join when the *average* cosine distance between their groups is below the threshold
(settings.cluster_threshold, 0.55 for sentence embeddings; see docs in __init__). Exact
agglomerative needs an n*(n-1)/2 distance matrix, so above EXACT_LIMIT items a deterministic
leader pass first folds near-duplicates (distance < threshold/2) into micro-clusters, and the
agglomerative step runs on their centroids. Memory stays O(n*d + L^2) with L leaders <= EXACT_LIMIT.
"""
from __future__ import annotations

import hashlib

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage

from schemas import Cluster

from .collect import ClusterInfo, Member, evidence_of
from .themes import CENTRED_SHIFT, centred, centres, label_themes

EXACT_LIMIT = 4000  # 4000 items: 8M distances (64 MB); beyond, leader pre-clustering
LEADER_CHUNK = 512
SINGLE_MENTIONS_BY_MEANING = 1000
# Lexical (TF-IDF) vectors share far fewer dimensions than sentence embeddings: paraphrases that
# MiniLM puts at 0.45 apart sit near 0.8 lexically, so the lexical threshold is shifted.
LEXICAL_SHIFT = 0.3


def effective_threshold(threshold: float, method: str) -> float:
    return min(threshold + LEXICAL_SHIFT, 0.95) if method.startswith("lexical") else threshold


def cluster_vectors(vectors: np.ndarray, threshold: float, exact_limit: int = EXACT_LIMIT) -> np.ndarray:
    """A cluster label per row (rows L2-normalised). Deterministic for the same rows in the same order."""
    n = len(vectors)
    labels = np.full(n, -1, dtype=np.int64)
    nonzero = np.flatnonzero(np.linalg.norm(vectors, axis=1) > 1e-6)
    empty = np.setdiff1d(np.arange(n), nonzero)
    if len(nonzero):
        labels[nonzero] = _cluster_nonzero(vectors[nonzero], threshold, exact_limit)
    # rows with no content (zero vectors) stay alone
    labels[empty] = (labels.max() + 1 if len(nonzero) else 0) + np.arange(len(empty))
    return labels


def _cluster_nonzero(vectors: np.ndarray, threshold: float, exact_limit: int) -> np.ndarray:
    if len(vectors) <= exact_limit:
        return _agglomerative(vectors, threshold)
    radius = threshold / 2
    leaders = leader_assign(vectors, radius)
    while leaders.max() + 1 > exact_limit:  # still too many: coarser leaders on the centroids
        radius = min(radius * 1.5, threshold)
        centroids = _centroids(vectors, leaders)
        leaders = leader_assign(centroids, radius)[leaders]
        if radius >= threshold:
            break
    centroids = _centroids(vectors, leaders)
    if len(centroids) > exact_limit:
        return leaders
    return _agglomerative(centroids, threshold)[leaders]


def _agglomerative(vectors: np.ndarray, threshold: float) -> np.ndarray:
    if len(vectors) == 1:
        return np.zeros(1, dtype=np.int64)
    tree = linkage(vectors.astype(np.float64), method="average", metric="cosine")
    return fcluster(tree, t=threshold, criterion="distance").astype(np.int64) - 1


def _centroids(vectors: np.ndarray, labels: np.ndarray) -> np.ndarray:
    sums = np.zeros((labels.max() + 1, vectors.shape[1]), dtype=np.float64)
    np.add.at(sums, labels, vectors)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return (sums / np.where(norms == 0, 1, norms)).astype(np.float32)


def leader_assign(vectors: np.ndarray, radius: float) -> np.ndarray:
    """Leader clustering: each row joins the most similar earlier leader within `radius` cosine
    distance, or becomes a leader. Chunked matrix products; the order of rows decides ties."""
    need = 1.0 - radius
    labels = np.empty(len(vectors), dtype=np.int64)
    leaders = np.zeros((0, vectors.shape[1]), dtype=np.float32)
    for start in range(0, len(vectors), LEADER_CHUNK):
        chunk = vectors[start : start + LEADER_CHUNK]
        if len(leaders):
            sims = chunk @ leaders.T
            best, ok = sims.argmax(axis=1), sims.max(axis=1) >= need
        else:
            best, ok = np.zeros(len(chunk), dtype=np.int64), np.zeros(len(chunk), dtype=bool)
        labels[start : start + len(chunk)][ok] = best[ok]
        fresh: list[np.ndarray] = []
        for i in np.flatnonzero(~ok):
            if fresh:
                sims = np.stack(fresh) @ chunk[i]
                if sims.max() >= need:
                    labels[start + i] = len(leaders) + int(sims.argmax())
                    continue
            labels[start + i] = len(leaders) + len(fresh)
            fresh.append(chunk[i])
        if fresh:
            leaders = np.vstack([leaders, np.stack(fresh)])
    return labels


def centrality_order(vectors: np.ndarray) -> np.ndarray:
    """Members by summed cosine similarity to all others, highest first (the first is the medoid).
    O(n*d): sum_j x_i.x_j = x_i.(sum_j x_j). Rounded and stable-sorted so float noise never flips it."""
    scores = np.round(vectors @ vectors.sum(axis=0), 4)
    return np.argsort(-scores, kind="stable")


def build_clusters(kind: str, members: list[Member], vectors: np.ndarray, threshold: float, total: int,
                   basis: str = "drafts") -> list[ClusterInfo]:
    """Clusters of one kind, ranked: more participants first, then more members, then by id.
    Members are grouped on their centred vectors (themes.centred); labels come after (name_themes)."""
    if not members:
        return []
    spread = centred(vectors)
    labels = cluster_vectors(spread, min(threshold + CENTRED_SHIFT, 0.95) if centres(vectors) else threshold)
    infos = []
    for label in sorted(set(labels.tolist())):
        idx = np.flatnonzero(labels == label)
        order = idx[centrality_order(spread[idx])]
        group = [members[i] for i in order]
        medoid = group[0]
        evidence = evidence_of([m.ref() for m in group], total, basis)  # type: ignore[arg-type]
        cluster = Cluster(
            id=f"{kind}-{hashlib.sha1(f'{medoid.interview_id}/{medoid.item.id}'.encode()).hexdigest()[:8]}",
            kind=kind, label=_fallback_label(medoid), members=evidence.refs, evidence=evidence,
            singleton=len(evidence.participants) < 2,
        )
        infos.append(ClusterInfo(cluster, group, vectors[order].mean(axis=0)))
    return sorted(infos, key=lambda info: rank_key(info.cluster))


def name_themes(infos: list[ClusterInfo], embed) -> None:
    """Every theme's label, from its members' own phrases (themes.label_themes), in one batch.
    Patterns are labelled by meaning (the phrase nearest the theme's centre). So are single
    mentions while a study has at most SINGLE_MENTIONS_BY_MEANING of them; beyond, at research-ops
    scale, a single mention takes its longest phrase: embedding the phrases of thousands of
    one-quote themes cost more than the rest of synthesis together, for labels nobody ranks."""
    by_meaning = sum(i.cluster.singleton for i in infos) <= SINGLE_MENTIONS_BY_MEANING
    labels = label_themes([([m.item.quote.text for m in i.members], i.centre if by_meaning or not i.cluster.singleton else None)
                           for i in infos], embed)
    for info, label in zip(infos, labels):
        if label:
            info.cluster.label = label


def _fallback_label(member: Member) -> str:
    """No phrase in the members could name the theme: say what kind of statement it is, plainly."""
    return {"push": "A struggle", "pull": "An attraction", "anxiety": "A worry", "habit": "A habit",
            "struggling_moment": "A struggling moment", "desired_outcome": "A desired outcome",
            "decision_criterion": "A decision criterion"}.get(member.kind, "A theme")


def rank_key(cluster: Cluster) -> tuple:
    return (-len(cluster.evidence.participants), -len(cluster.members), cluster.id)
