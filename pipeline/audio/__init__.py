"""Audio path of the transcript stage: recording → checked, decoded audio → whisper words →
speakers (channels or voice embeddings) → turns with roles. Ends in the shared `Transcript` schema."""
from __future__ import annotations

from .transcribe import AUDIO_PIPELINE_VERSION, transcribe_audio

__all__ = ["AUDIO_PIPELINE_VERSION", "transcribe_audio"]
