"""The mel spectrogram resemblyzer's encoder was trained on, in plain numpy.

Same numbers as `resemblyzer.audio.wav_to_mel_spectrogram` (librosa: 25 ms Hann window, 10 ms hop,
40 Slaney mel bands, power 2, centred frames), without librosa's lazy imports of numba and
scipy, which cost many seconds on the first call.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

SAMPLE_RATE = 16000
N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40


def mel_spectrogram(wav: np.ndarray) -> np.ndarray:
    """(frames, 40) float32 power mel spectrogram."""
    padded = np.pad(wav.astype(np.float32), N_FFT // 2)
    count = 1 + (len(padded) - N_FFT) // HOP
    frames = np.lib.stride_tricks.as_strided(padded, (count, N_FFT), (padded.strides[0] * HOP, padded.strides[0]))
    # The windowed DFT as one float32 matrix product: a quarter of the CPU of np.fft.rfft on 400-sample
    # frames plus the complex magnitudes (float32 sums over 400 samples: ~1e-6 relative, as librosa's float32 STFT).
    spectrum = frames @ _windowed_dft()
    bins = N_FFT // 2 + 1
    power = np.square(spectrum[:, :bins])
    power += np.square(spectrum[:, bins:])
    return power @ _mel_basis_f32()


@lru_cache(maxsize=1)
def _hann() -> np.ndarray:
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)  # periodic, as librosa


@lru_cache(maxsize=1)
def _windowed_dft() -> np.ndarray:
    """(400, 2 x 201) float32: Hann window times the real and imaginary parts of rfft's basis."""
    turns = np.outer(np.arange(N_FFT), np.arange(N_FFT // 2 + 1)) % N_FFT  # exact integer phase, then the angle
    angle = 2 * np.pi * turns / N_FFT
    return (_hann()[:, None] * np.concatenate([np.cos(angle), -np.sin(angle)], axis=1)).astype(np.float32)


@lru_cache(maxsize=1)
def _mel_basis_f32() -> np.ndarray:
    return np.ascontiguousarray(_mel_basis().T.astype(np.float32))  # float32, as librosa's filters


@lru_cache(maxsize=1)
def _mel_basis() -> np.ndarray:
    fft_freqs = np.fft.rfftfreq(N_FFT, 1 / SAMPLE_RATE)
    mel_freqs = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(SAMPLE_RATE / 2), N_MELS + 2))
    gaps = np.diff(mel_freqs)
    ramps = mel_freqs[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / gaps[:-1, None]
    upper = ramps[2:] / gaps[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    return weights * (2.0 / (mel_freqs[2:] - mel_freqs[:-2]))[:, None]  # Slaney area normalisation


# Slaney's mel scale: linear below 1 kHz, logarithmic above.
_F_SP, _MIN_LOG_HZ, _LOGSTEP = 200.0 / 3, 1000.0, np.log(6.4) / 27.0
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP


def _hz_to_mel(hz):
    hz = np.asarray(hz, dtype=np.float64)
    return np.where(hz >= _MIN_LOG_HZ, _MIN_LOG_MEL + np.log(np.maximum(hz, 1e-10) / _MIN_LOG_HZ) / _LOGSTEP, hz / _F_SP)


def _mel_to_hz(mel):
    mel = np.asarray(mel, dtype=np.float64)
    return np.where(mel >= _MIN_LOG_MEL, _MIN_LOG_HZ * np.exp(_LOGSTEP * (mel - _MIN_LOG_MEL)), _F_SP * mel)
