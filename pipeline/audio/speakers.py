"""Who spoke each word in one mixed channel: phrases, voice embeddings, clusters (separate tracks: see tracks.py).

Whisper segments can span a turn change (batched decoding returns up to 30 s at a time), so
speakers are decided per *phrase*: words split at sentence ends and pauses. A turn change
almost always falls on one of those, so each phrase has one speaker.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from schemas import Turn, Word

from .decode import SAMPLE_RATE
from .mel import mel_spectrogram

PHRASE_PAUSE = 0.5  # seconds of silence between words that ends a phrase
RELIABLE_SECONDS = 1.0  # shorter phrases carry too little voice to shape the clusters
EMBED_FRAMES = 160  # resemblyzer's partial utterance: 1.6 s of 10 ms mel frames
# Windows of a long phrase side by side, every frame heard once: resemblyzer overlaps them by half,
# which doubled the encoder's work on long phrases for the same speakers (benchmarks/transcription.py).
EMBED_HOP = EMBED_FRAMES
EMBED_BATCH = 256  # windows per encoder call; bounds memory on long recordings


@dataclass
class Phrase:
    words: list[Word]

    @property
    def start(self) -> float:
        return self.words[0].start

    @property
    def end(self) -> float:
        return self.words[-1].end

    @property
    def seconds(self) -> float:
        return max(self.end - self.start, 0.0)


def split_phrases(words: list[Word]) -> list[Phrase]:
    phrases: list[Phrase] = []
    current: list[Word] = []
    for word in words:
        if current and (current[-1].text.endswith((".", "?", "!")) or word.start - current[-1].end >= PHRASE_PAUSE):
            phrases.append(Phrase(current))
            current = []
        current.append(word)
    if current:
        phrases.append(Phrase(current))
    return phrases


def phrases_to_turns(phrases: list[Phrase], speaker_of: list[int]) -> list[Turn]:
    """Consecutive phrases of one speaker become one turn; labels SPEAKER_1, SPEAKER_2… by first appearance."""
    labels: dict[int, str] = {}
    turns: list[Turn] = []
    words: list[Word] = []
    for i, phrase in enumerate(phrases):
        words.extend(phrase.words)
        if i + 1 == len(phrases) or speaker_of[i + 1] != speaker_of[i]:
            label = labels.setdefault(speaker_of[i], f"SPEAKER_{len(labels) + 1}")
            turns.append(_turn(len(turns), label, words))
            words = []
    return turns


def _turn(index: int, speaker: str, words: list[Word]) -> Turn:
    text = " ".join(w.text for w in words)
    # role is provisional: assign_roles decides it from what each speaker says
    return Turn(index=index, speaker=speaker, role="participant", text=text, start=words[0].start, end=words[-1].end, words=list(words))


# --- voice embeddings --------------------------------------------------------------------

def embed_phrases(audio: np.ndarray, phrases: list[Phrase]) -> np.ndarray:
    """One L2-normed resemblyzer embedding per phrase (mean over 1.6 s windows for long phrases)."""
    from .voice import single_threaded_blas

    with single_threaded_blas():
        gain = _volume_gain(audio)  # applied to each phrase's samples: the decoded audio is never copied whole
        windows = [_mel_windows(audio, phrase, gain) for phrase in phrases]
    flat = _embed_windows([w for phrase_windows in windows for w in phrase_windows])
    bounds = np.cumsum([0] + [len(w) for w in windows])
    return np.asarray([_normed(flat[a:b].mean(axis=0)) for a, b in zip(bounds, bounds[1:])])


def _embed_windows(windows: list[np.ndarray]) -> np.ndarray:
    """The encoder over many mel windows at once: batching them used 40% less CPU than one call
    per phrase. Windows shorter than 1.6 s run for their own length, not padded, so silence never
    blurs a voice. numpy, not torch (voice.py): importing torch cost more than the encoder's work."""
    from .models import load_voice_encoder

    threads = int(os.environ.get("JTBD_CPU_THREADS") or os.cpu_count() or 1)
    return load_voice_encoder().embed(windows, threads=threads, batch=EMBED_BATCH)


def _mel_windows(audio: np.ndarray, phrase: Phrase, gain: float = 1.0) -> list[np.ndarray]:
    a = int(phrase.start * SAMPLE_RATE)
    b = max(int(phrase.end * SAMPLE_RATE), a + SAMPLE_RATE // 10)
    samples = audio[a:b]
    mel = mel_spectrogram(samples * gain if gain != 1.0 else samples)
    if len(mel) <= EMBED_FRAMES:
        return [mel]  # the LSTM takes any length; padding with silence would blur the voice
    return [mel[i:i + EMBED_FRAMES] for i in range(0, len(mel) - EMBED_FRAMES + 1, EMBED_HOP)]


def _volume_gain(audio: np.ndarray, target_dbfs: float = -30.0) -> float:
    """Factor that raises a quiet recording to the level the encoder was trained at (as resemblyzer does)."""
    rms_dbfs = 10 * np.log10(_mean_square(audio) + 1e-12)
    gain = target_dbfs - rms_dbfs
    return float(10 ** (gain / 20)) if gain > 0 else 1.0


def _mean_square(audio: np.ndarray, chunk: int = 1 << 20) -> float:
    """In float64, a million samples at a time (a two-hour recording would need 1.8 GB at once)."""
    total = sum(float(np.dot(part, part)) for part in (audio[i:i + chunk].astype(np.float64) for i in range(0, len(audio), chunk)))
    return total / max(len(audio), 1)


def _normalize_volume(audio: np.ndarray, target_dbfs: float = -30.0) -> np.ndarray:
    gain = _volume_gain(audio, target_dbfs)
    return audio * gain if gain != 1.0 else audio


def cluster_speakers(embeddings: np.ndarray, durations: np.ndarray, num_speakers: int | None) -> tuple[list[int], str]:
    """Speaker index per phrase and the method name. Clusters the phrases long enough to trust,
    then gives every phrase its nearest cluster centre."""
    if len(embeddings) < 2:
        return [0] * len(embeddings), "single phrase"
    reliable = np.flatnonzero(durations >= RELIABLE_SECONDS)
    if len(reliable) < 2:
        reliable = np.arange(len(embeddings))
    tree = Dendrogram(embeddings[reliable])
    k = num_speakers or estimate_speaker_count(embeddings[reliable], tree=tree)
    k = max(1, min(k, len(reliable)))
    labels = tree.cut(k)
    centres = np.stack([_normed(embeddings[reliable][labels == c].mean(axis=0)) for c in range(labels.max() + 1)])
    return _smooth(embeddings @ centres.T, durations), "resemblyzer/agglomerative"


def estimate_speaker_count(embeddings: np.ndarray, low: int = 2, high: int = 4, tree: Dendrogram | None = None) -> int:
    """Two for an interview unless the silhouette clearly prefers more; one if two clusters sound alike."""
    if len(embeddings) < 4:
        return min(2, len(embeddings))
    tree = tree or Dendrogram(embeddings)
    distances = _cosine_distances(embeddings)
    scores = {k: _silhouette(distances, tree.cut(k)) for k in range(low, min(high, len(embeddings) - 1) + 1)}
    labels = tree.cut(2)
    a, b = (_normed(embeddings[labels == c].mean(axis=0)) for c in (0, 1))
    if float(a @ b) > 0.92 and scores[2] < 0.1:
        return 1
    best = max(scores, key=scores.get)
    return best if scores[best] > scores[2] + 0.05 else 2


class Dendrogram:
    """Average-linkage clustering on cosine distance, built once and cut at any number of clusters.

    numpy, not scipy: importing scipy.cluster cost 0.35 CPU s per process, more than the clustering.
    Nearest-neighbour chain with the Lance-Williams update, O(n^2) like scipy's `linkage(method="average")`,
    whose merges it finds (the same flat clusters as `fcluster(..., criterion="maxclust")` unless two
    merge distances tie exactly).
    """

    def __init__(self, embeddings: np.ndarray):
        self.n = len(embeddings)
        self.merges: list[tuple[float, int, int]] = []  # (distance, kept representative, absorbed one)
        if self.n < 2:
            return
        unit = embeddings.astype(np.float64)
        unit = unit / np.linalg.norm(unit, axis=1, keepdims=True)
        distance = np.maximum(1.0 - unit @ unit.T, 0.0)
        np.fill_diagonal(distance, np.inf)
        size = np.ones(self.n)
        chain: list[int] = []
        active = list(range(self.n))
        while len(self.merges) < self.n - 1:
            if not chain:
                chain.append(active[0])
            while True:
                a = chain[-1]
                b = int(np.argmin(distance[a]))
                if len(chain) > 1 and distance[a, chain[-2]] <= distance[a, b]:
                    b = chain[-2]  # reciprocal nearest neighbours (ties go to the chain): merge them
                if len(chain) > 1 and b == chain[-2]:
                    break
                chain.append(b)
            chain.pop()
            chain.pop()
            keep, gone = min(a, b), max(a, b)
            self.merges.append((float(distance[a, b]), keep, gone))
            merged = (size[keep] * distance[keep] + size[gone] * distance[gone]) / (size[keep] + size[gone])
            distance[keep], distance[:, keep] = merged, merged
            distance[keep, keep] = np.inf
            distance[gone], distance[:, gone] = np.inf, np.inf
            size[keep] += size[gone]
            active.remove(gone)
        self.merges.sort(key=lambda m: m[0])  # stable: merges found first stay first among equal distances

    def cut(self, k: int) -> np.ndarray:
        """Cluster 0..k-1 of each point: the n - k closest merges applied, the k - 1 farthest undone."""
        parent = list(range(self.n))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for _, keep, gone in self.merges[: max(self.n - max(k, 1), 0)]:
            parent[root(gone)] = root(keep)
        return np.unique([root(i) for i in range(self.n)], return_inverse=True)[1]


def _cosine_distances(embeddings: np.ndarray) -> np.ndarray:
    unit = embeddings / (np.linalg.norm(embeddings, axis=1, keepdims=True) + 1e-9)
    return np.clip(1.0 - unit @ unit.T, 0.0, 2.0)


def _silhouette(distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette over points (0 for points alone in their cluster), as scikit-learn computes it."""
    clusters = np.unique(labels)
    if len(clusters) < 2:
        return 0.0
    sums = np.stack([distances[:, labels == c].sum(axis=1) for c in clusters], axis=1)
    sizes = np.array([np.sum(labels == c) for c in clusters])
    own = np.searchsorted(clusters, labels)
    own_size = sizes[own]
    a = sums[np.arange(len(labels)), own] / np.maximum(own_size - 1, 1)
    others = sums / sizes
    others[np.arange(len(labels)), own] = np.inf
    b = others.min(axis=1)
    score = np.where(own_size > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(score.mean())


def _smooth(similarity: np.ndarray, durations: np.ndarray) -> list[int]:
    """Nearest centre per phrase; a short phrase between two of the other speaker's, whose voice is
    barely closer to its own centre, joins its neighbours (backchannels rarely sound ambiguous)."""
    labels = similarity.argmax(axis=1)
    ordered = np.sort(similarity, axis=1)
    margin = ordered[:, -1] - ordered[:, -2] if similarity.shape[1] > 1 else np.ones(len(labels))
    for i in range(1, len(labels) - 1):
        if labels[i - 1] == labels[i + 1] != labels[i] and durations[i] < RELIABLE_SECONDS and margin[i] < 0.05:
            labels[i] = labels[i - 1]
    return [int(x) for x in labels]


def _normed(vector: np.ndarray) -> np.ndarray:
    return vector / (np.linalg.norm(vector) + 1e-9)
