"""Who spoke each word in one mixed channel: phrases, voice embeddings, clusters (separate tracks: see tracks.py).

Whisper segments can span a turn change (batched decoding returns up to 30 s at a time), so
speakers are decided per *phrase*: words split at sentence ends and pauses. A turn change
almost always falls on one of those, so each phrase has one speaker.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from schemas import Turn, Word

from .decode import SAMPLE_RATE
from .mel import mel_spectrogram

PHRASE_PAUSE = 0.5  # seconds of silence between words that ends a phrase
RELIABLE_SECONDS = 1.0  # shorter phrases carry too little voice to shape the clusters
EMBED_FRAMES = 160  # resemblyzer's partial utterance: 1.6 s of 10 ms mel frames
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
    audio = _normalize_volume(audio)
    windows = [_mel_windows(audio, phrase) for phrase in phrases]
    flat = _embed_windows([w for phrase_windows in windows for w in phrase_windows])
    bounds = np.cumsum([0] + [len(w) for w in windows])
    return np.asarray([_normed(flat[a:b].mean(axis=0)) for a, b in zip(bounds, bounds[1:])])


def _embed_windows(windows: list[np.ndarray]) -> np.ndarray:
    """The encoder over many mel windows at once: batching them used 40% less CPU than one call
    per phrase. Windows shorter than 1.6 s are packed, not padded, so silence never blurs a voice."""
    import torch
    from torch.nn.utils.rnn import pack_sequence

    from .models import load_voice_encoder

    encoder = load_voice_encoder()
    threads = torch.get_num_threads()
    # One thread: on a busy machine OpenMP's spinning threads made the LSTM many times slower.
    torch.set_num_threads(1)
    out = []
    try:
        with torch.no_grad():
            for i in range(0, len(windows), EMBED_BATCH):
                batch = pack_sequence([torch.from_numpy(w) for w in windows[i:i + EMBED_BATCH]], enforce_sorted=False)
                _, (hidden, _) = encoder.lstm(batch)  # final state of each window at its own length
                raw = encoder.relu(encoder.linear(hidden[-1]))
                out.append((raw / torch.norm(raw, dim=1, keepdim=True)).numpy())  # as VoiceEncoder.forward
    finally:
        torch.set_num_threads(threads)
    return np.concatenate(out) if out else np.zeros((0, 256), np.float32)


def _mel_windows(audio: np.ndarray, phrase: Phrase) -> list[np.ndarray]:
    a = int(phrase.start * SAMPLE_RATE)
    b = max(int(phrase.end * SAMPLE_RATE), a + SAMPLE_RATE // 10)
    mel = mel_spectrogram(audio[a:b])
    if len(mel) <= EMBED_FRAMES:
        return [mel]  # the LSTM takes any length; padding with silence would blur the voice
    return [mel[i:i + EMBED_FRAMES] for i in range(0, len(mel) - EMBED_FRAMES + 1, EMBED_FRAMES // 2)]


def _normalize_volume(audio: np.ndarray, target_dbfs: float = -30.0) -> np.ndarray:
    """Raise quiet recordings to the level the encoder was trained at (as resemblyzer does)."""
    rms_dbfs = 10 * np.log10(np.mean(audio.astype(np.float64) ** 2) + 1e-12)
    gain = target_dbfs - rms_dbfs
    return audio * (10 ** (gain / 20)) if gain > 0 else audio


def cluster_speakers(embeddings: np.ndarray, durations: np.ndarray, num_speakers: int | None) -> tuple[list[int], str]:
    """Speaker index per phrase and the method name. Clusters the phrases long enough to trust,
    then gives every phrase its nearest cluster centre."""
    if len(embeddings) < 2:
        return [0] * len(embeddings), "single phrase"
    reliable = np.flatnonzero(durations >= RELIABLE_SECONDS)
    if len(reliable) < 2:
        reliable = np.arange(len(embeddings))
    k = num_speakers or estimate_speaker_count(embeddings[reliable])
    k = max(1, min(k, len(reliable)))
    labels = _agglomerative(embeddings[reliable], k)
    centres = np.stack([_normed(embeddings[reliable][labels == c].mean(axis=0)) for c in range(labels.max() + 1)])
    return _smooth(embeddings @ centres.T, durations), "resemblyzer/agglomerative"


def estimate_speaker_count(embeddings: np.ndarray, low: int = 2, high: int = 4) -> int:
    """Two for an interview unless the silhouette clearly prefers more; one if two clusters sound alike."""
    if len(embeddings) < 4:
        return min(2, len(embeddings))
    distances = _cosine_distances(embeddings)
    scores = {k: _silhouette(distances, _agglomerative(embeddings, k)) for k in range(low, min(high, len(embeddings) - 1) + 1)}
    labels = _agglomerative(embeddings, 2)
    a, b = (_normed(embeddings[labels == c].mean(axis=0)) for c in (0, 1))
    if float(a @ b) > 0.92 and scores[2] < 0.1:
        return 1
    best = max(scores, key=scores.get)
    return best if scores[best] > scores[2] + 0.05 else 2


def _agglomerative(embeddings: np.ndarray, k: int) -> np.ndarray:
    """Average-linkage clusters 0..k-1 on cosine distance (scipy: a second faster to import than scikit-learn)."""
    from scipy.cluster.hierarchy import fcluster, linkage

    if k == 1 or len(embeddings) < 2:
        return np.zeros(len(embeddings), dtype=int)
    labels = fcluster(linkage(embeddings, method="average", metric="cosine"), t=k, criterion="maxclust")
    return np.unique(labels, return_inverse=True)[1]


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
