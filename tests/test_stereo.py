"""Separate-track stereo (one speaker per channel, both talking at once at times): each channel is
transcribed on its own and the words merged by time; real speech made with espeak-ng and sox by
scripts/make_stereo_audio.py. The mono mix lost the quieter speaker wherever they overlapped."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from pipeline.audio import transcribe_audio
from tests.audio_accuracy import score_by_role
from pipeline.audio.decode import decode, probe
from pipeline.audio.tracks import separate_tracks
from pipeline.settings import Settings
from pipeline.workspace import sha256_file
from schemas import Interview, Transcript

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from make_stereo_audio import CALL, render  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")
pytestmark = pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("sox")), reason="needs espeak-ng and sox")
SCRIPT = [(line.role, line.text) for line in CALL]


def _transcribe(path: Path) -> Transcript:
    interview = Interview(id=path.stem, source=path.name, kind="audio", sha256=sha256_file(path))
    return transcribe_audio(path, interview, Settings(progress=False))


@pytest.fixture(scope="module")
def calls(tmp_path_factory) -> dict[str, Path]:
    """The call on separate tracks, and with -26 dB of each voice bleeding into the other's channel."""
    folder = tmp_path_factory.mktemp("calls")
    render(CALL, folder / "apart.flac")
    render(CALL, folder / "bleed.flac", bleed=0.05)
    return {"apart": folder / "apart.flac", "bleed": folder / "bleed.flac"}


def test_separate_tracks_are_told_from_one_mix_and_from_a_room(calls):
    left, right = decode(calls["apart"], probe(calls["apart"], 3600)).channels
    assert separate_tracks((left, right))
    bled = decode(calls["bleed"], probe(calls["bleed"], 3600)).channels
    assert separate_tracks(bled)
    mix = (left + right) / 2
    assert not separate_tracks((mix, mix))  # a mono recording saved as stereo
    assert not separate_tracks((left, left * 0.05))  # one speaker; the other channel only hears them faintly
    assert not separate_tracks((left + 0.5 * right, right + 0.5 * left))  # two microphones in one room: 6 dB apart
    assert not separate_tracks((left,))


def _overlap_turns(transcript: Transcript) -> int:
    """Turns that start before the turn before them has ended: both talking at once."""
    return sum(1 for a, b in zip(transcript.turns, transcript.turns[1:]) if b.start < a.end - 0.3)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["apart", "bleed"])
def test_each_speaker_is_heard_in_full_even_when_both_talk(calls, name):
    transcript = _transcribe(calls[name])
    assert "stereo channels transcribed apart" in transcript.method
    assert sorted(transcript.speakers.values()) == ["interviewer", "participant"]
    by_role = score_by_role(SCRIPT, [(t.role, t.text) for t in transcript.turns])
    assert by_role["interviewer"].wer < 0.1, by_role
    assert by_role["participant"].wer < 0.2, by_role
    assert _overlap_turns(transcript) >= 3  # overlapping speech stays two turns, one per speaker
    starts = [t.start for t in transcript.turns]
    assert starts == sorted(starts)  # merged by time
    assert all(w.start >= t.start and w.end <= t.end for t in transcript.turns for w in t.words)
