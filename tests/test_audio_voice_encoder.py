"""The numpy port of resemblyzer's voice encoder (pipeline/audio/voice.py) against resemblyzer's own
torch encoder, on real speech (samples/05-gym-app.ogg): same weights, same embeddings; and the
speaker path never imports torch."""
from __future__ import annotations

import importlib.metadata
import importlib.util
import subprocess
import sys
import types
import warnings
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio import speakers
from pipeline.audio.decode import decode, probe
from pipeline.audio.models import load_voice_encoder, package_dir
from pipeline.audio.voice import read_checkpoint
from schemas import Word

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "05-gym-app.ogg"
TOLERANCE = 1e-4


def _torch_encoder():
    torch = pytest.importorskip("torch")
    if "pkg_resources" not in sys.modules and importlib.util.find_spec("pkg_resources") is None:
        # resemblyzer imports webrtcvad, which imports pkg_resources (gone from setuptools >= 81) for its version
        shim = types.ModuleType("pkg_resources")
        shim.get_distribution = lambda name: types.SimpleNamespace(version=importlib.metadata.version(name))
        sys.modules["pkg_resources"] = shim
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from resemblyzer import VoiceEncoder
    return torch, VoiceEncoder("cpu", verbose=False)


@pytest.fixture(scope="module")
def windows() -> list[np.ndarray]:
    """Mel windows of phrases cut from real speech: short ones (< 1.6 s, run at their own length) and long ones."""
    audio = decode(SAMPLE, probe(SAMPLE, 3600))
    mono = speakers._normalize_volume(audio.mono)
    rng = np.random.default_rng(7)
    start, phrases = 1.0, []
    while start < 70.0:
        seconds = float(rng.choice([0.2, 0.5, 0.9, 1.4, 3.0, 6.5]))
        phrases.append(speakers.Phrase([Word(text="x", start=start, end=start + seconds, probability=1.0)]))
        start += seconds + 0.4
    found = [w for phrase in phrases for w in speakers._mel_windows(mono, phrase)]
    assert len({len(w) for w in found}) > 4 and max(len(w) for w in found) == speakers.EMBED_FRAMES
    return found


def test_checkpoint_is_read_as_torch_reads_it(tmp_path):
    """The wheel's legacy (pre-zip) checkpoint, and the zip format torch.save writes today."""
    torch, encoder = _torch_encoder()
    ours = read_checkpoint(package_dir("resemblyzer") / "pretrained.pt")
    torch.save({"step": 1, "model_state": encoder.state_dict()}, tmp_path / "zip.pt")
    zipped = read_checkpoint(tmp_path / "zip.pt")
    for name, tensor in encoder.state_dict().items():
        assert np.array_equal(ours[name], tensor.numpy()), name
        assert np.array_equal(zipped[name], tensor.numpy()), name


@pytest.mark.parametrize("threads", [1, 2])
def test_numpy_encoder_equals_torch_encoder_on_real_speech(windows, threads):
    torch, encoder = _torch_encoder()
    from torch.nn.utils.rnn import pack_sequence

    with torch.no_grad():
        _, (hidden, _) = encoder.lstm(pack_sequence([torch.from_numpy(w) for w in windows], enforce_sorted=False))
        raw = encoder.relu(encoder.linear(hidden[-1]))
        expected = (raw / torch.norm(raw, dim=1, keepdim=True)).numpy()
        full = [w for w in windows if len(w) == speakers.EMBED_FRAMES]
        forward = encoder(torch.from_numpy(np.stack(full))).numpy()  # VoiceEncoder.forward itself, same-length batch
    ours = load_voice_encoder().embed(windows, threads=threads, batch=16)  # small batches: several per thread
    assert ours.shape == expected.shape
    assert np.abs(ours - expected).max() < TOLERANCE
    ours_full = ours[[i for i, w in enumerate(windows) if len(w) == speakers.EMBED_FRAMES]]
    assert np.abs(ours_full - forward).max() < TOLERANCE


def test_empty_batch():
    assert load_voice_encoder().embed([]).shape == (0, 256)


def test_speaker_embeddings_do_not_import_torch():
    code = f"""
import sys
from pathlib import Path
from pipeline.audio import speakers
from pipeline.audio.decode import decode, probe
from schemas import Word
audio = decode(Path({str(SAMPLE)!r}), probe(Path({str(SAMPLE)!r}), 3600))
phrases = [speakers.Phrase([Word(text="x", start=s, end=s + 2.0, probability=1.0)]) for s in (1.0, 5.0, 9.0)]
assert speakers.embed_phrases(audio.mono, phrases).shape == (3, 256)
assert "torch" not in sys.modules and "resemblyzer" not in sys.modules, "torch imported"
"""
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_dendrogram_cuts_as_scipy_average_linkage(windows):
    """speakers.Dendrogram (numpy) gives the flat clusters of scipy's average linkage on cosine distance."""
    from scipy.cluster.hierarchy import fcluster, linkage

    def same_partition(a, b) -> bool:
        return len(set(zip(a, b))) == len(set(a)) == len(set(b))

    rng = np.random.default_rng(3)
    real = load_voice_encoder().embed(windows)
    cases = [real, real[:7], real[:2]]
    for n, dims, groups in [(60, 8, 3), (25, 256, 2), (90, 32, 4), (5, 3, 1)]:
        centres = rng.normal(size=(groups, dims))
        cases.append(np.abs(centres[rng.integers(0, groups, n)] + rng.normal(scale=0.7, size=(n, dims))))
    for points in cases:
        tree = speakers.Dendrogram(points)
        reference = linkage(points, method="average", metric="cosine")
        for k in range(1, 6):
            ours = tree.cut(k)
            assert same_partition(ours, fcluster(reference, t=k, criterion="maxclust")), (len(points), k)
            assert set(ours) == set(range(len(set(ours))))
