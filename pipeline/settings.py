"""One typed settings object that every stage receives.

Sources, later wins: defaults < config file (`jtbd.toml` in the interview folder, or
~/.config/jtbd/config.toml) < environment (JTBD_*, OPENAI_*) < command-line flags.
"""
from __future__ import annotations

import hashlib
import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, Field, field_validator, model_validator

from .errors import ConfigError

OUTPUT_DIR_NAME = "jtbd-results"


DEFAULT_BASE_URL = "https://api.openai.com/v1"
DUMMY_API_KEY = "not-needed"  # local servers ignore the key, but the openai client insists on one


@dataclass(frozen=True)
class Endpoint:
    """The LLM endpoint as every stage uses it, resolved once from the settings (LLMSettings.endpoint)."""

    base_url: str
    model: str
    api_key: str
    timeout: float
    tries: int
    temperature: float
    embedding_model: str | None = None

    @property
    def host(self) -> str:
        return urlparse(self.base_url).netloc or self.base_url

    @property
    def name(self) -> str:
        return f"LLM at {self.base_url}"


class LLMSettings(BaseModel):
    base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1")
    api_key: str | None = None
    model: str | None = None
    timeout: float = 120.0
    max_retries: int = Field(default=3, description="Requests per LLM call, all told: time-outs, 429s, 5xx and invalid "
                                                     "answers share them (pipeline/llm/client.py retrying).")
    temperature: float = 0.0
    max_turns_per_chunk: int = 40
    chunk_overlap_turns: int = 4
    embedding_model: str | None = Field(default=None, description="Embedding model on the same endpoint, if any.")

    @property
    def reachable(self) -> bool:
        return bool(self.base_url or self.api_key)

    @property
    def configured(self) -> bool:
        """A chat model on an endpoint: extraction and synthesis may use the LLM."""
        return bool(self.model and self.reachable)

    @property
    def embeds(self) -> bool:
        """An embedding model on an endpoint."""
        return bool(self.embedding_model and self.reachable)

    @property
    def endpoint(self) -> Endpoint:
        """The one place base URL, key and tries are resolved (a property, not cached: a model_copy with
        other values must not keep the old endpoint); ConfigError (one line) when nothing is configured."""
        if not (self.model or self.embedding_model):
            raise ConfigError("no LLM model configured: set JTBD_LLM_MODEL or [llm] model in jtbd.toml")
        if not self.reachable:
            raise ConfigError("no LLM endpoint configured: set JTBD_LLM_BASE_URL or an API key")
        return Endpoint(
            base_url=(self.base_url or DEFAULT_BASE_URL).rstrip("/"), model=self.model or "", api_key=self.api_key or DUMMY_API_KEY,
            timeout=self.timeout, tries=max(1, self.max_retries), temperature=self.temperature, embedding_model=self.embedding_model,
        )


RedactLevel = Literal["llm", "outputs", "off"]
DEFAULT_REDACT_ENTITIES = [
    "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "URL", "IP_ADDRESS",
    "STREET_ADDRESS", "DATE_OF_BIRTH", "EMPLOYER", "ACCOUNT_NUMBER", "US_SSN", "UK_NHS",
]


class RedactSettings(BaseModel):
    """`redact = "outputs"` in jtbd.toml, or a [redact] table with these keys."""

    level: RedactLevel = Field(default="llm", description="llm: what is sent to the LLM endpoint (only when one is configured); "
                                                          "outputs: also the report, exports and synthesis.md; off: nothing.")
    entities: list[str] = Field(default_factory=lambda: list(DEFAULT_REDACT_ENTITIES))
    allow: list[str] = Field(default_factory=list, description="Words that are never redacted: product and competitor names are the research.")
    phone_regions: list[str] = Field(default_factory=lambda: ["US", "GB", "DE", "FR", "IN", "AU", "CA", "IE", "NL", "ES", "IT", "BR"])

    @field_validator("entities")
    @classmethod
    def _known_entities(cls, value: list[str]) -> list[str]:
        from .privacy.engine import PLACEHOLDER_LABELS

        unknown = sorted(set(value) - set(PLACEHOLDER_LABELS))
        if unknown:  # a ConfigError passes through pydantic whole, so the line names the setting
            raise ConfigError(f"redact.entities: unknown entity type {', '.join(unknown)}; choose from {', '.join(PLACEHOLDER_LABELS)}")
        return value


class Settings(BaseModel):
    whisper_model: str = Field(default="tiny.en", description="Model name or local CTranslate2 folder.")
    whisper_device: str = "cpu"
    whisper_compute_type: str = "int8"
    whisper_batched: bool = True
    whisper_batch_size: int = 8
    vad: bool = True
    max_audio_seconds: float = 2 * 3600.0
    max_transcript_chars: int = Field(default=600_000, description="Longest transcript read, in characters of speech (about 11 hours of talk).")
    num_speakers: int | None = Field(default=None, description="Force the number of speakers in audio (default: estimate, 2 for interviews).")
    roles: dict[str, dict[str, str]] = Field(default_factory=dict, description="Per-interview role overrides: {interview_id: {speaker: role}}.")
    extractor: Literal["auto", "classifier", "rules", "llm", "hybrid"] = "auto"
    llm: LLMSettings = Field(default_factory=LLMSettings)
    cluster_threshold: float = Field(default=0.55, description="Average-linkage cut on cosine distance between members' sentence vectors (0.17 wider once a kind has 20+ items and its mean is removed; see synthesize/themes.py).")
    embedding: Literal["auto", "minilm", "llm", "lexical"] = "auto"
    survey_csv: str | None = None
    key_result_date: str = Field(default="", description="Date for key results; default: end of the next quarter.")
    evidence: Literal["auto", "reviewed", "all"] = Field(
        default="auto",
        description="What synthesis counts. auto: drafts until any interview is marked reviewed, then only accepted items of "
                    "reviewed interviews ('N of M reviewed participants'); all: reviewed interviews' accepted items and the "
                    "drafts of the others, over all interviews; reviewed: reviewed interviews only, always.")
    progress: bool = True
    # where the per-interview steps run; none of these changes a result, so none joins a stage key
    workers: int | None = Field(default=None, ge=1, description="Worker processes (local) or Ray actors; default: the cores available (local), the cluster's CPUs (Ray).")
    engine: Literal["local", "ray"] = Field(default="local", description="local: worker processes on this machine; ray: a Ray cluster (pip install 'jtbd-analyser[ray]').")
    ray_address: str | None = Field(default=None, description="Ray cluster address (e.g. ray://head:10001 or auto); default: $RAY_ADDRESS, else a local cluster for the run.")
    ray_shared_folder: bool = Field(default=False, description="The interview folder is mounted at the same path on every Ray node: workers read files there instead of receiving them as bytes.")
    redact: RedactSettings = Field(default_factory=RedactSettings)

    @model_validator(mode="before")
    @classmethod
    def _include_unreviewed_was_evidence(cls, data: Any) -> Any:
        """Older jtbd.toml files say `include_unreviewed = true`; that is `evidence = "all"` now."""
        if isinstance(data, dict) and "include_unreviewed" in data:
            data = dict(data)
            legacy = data.pop("include_unreviewed")
            data.setdefault("evidence", "all" if legacy else "auto")
        return data

    @field_validator("redact", mode="before")
    @classmethod
    def _redact_level_alone(cls, value: Any) -> Any:
        """`redact = "outputs"` is short for `[redact] level = "outputs"`; `redact = false` for off, `true` for outputs."""
        if isinstance(value, bool):
            return {"level": "outputs" if value else "off"}
        return {"level": value} if isinstance(value, str) else value

    def fingerprint(self, *fields: str) -> str:
        """Hash of the named settings; part of a stage's cache key."""
        data = self.model_dump(include=set(fields)) if fields else self.model_dump()
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _env_llm() -> dict[str, Any]:
    env = os.environ
    pairs = {
        "base_url": env.get("JTBD_LLM_BASE_URL") or env.get("OPENAI_BASE_URL"),
        "api_key": env.get("JTBD_LLM_API_KEY") or env.get("OPENAI_API_KEY"),
        "model": env.get("JTBD_LLM_MODEL"),
        "embedding_model": env.get("JTBD_LLM_EMBEDDING_MODEL"),
        "timeout": env.get("JTBD_LLM_TIMEOUT"),
    }
    return {k: v for k, v in pairs.items() if v}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config: {exc}", str(path)) from None


def load_settings(folder: Path | None = None, **overrides: Any) -> Settings:
    data: dict[str, Any] = {}
    candidates = [Path.home() / ".config" / "jtbd" / "config.toml"]
    if folder is not None:
        candidates.append(Path(folder) / "jtbd.toml")
    for path in candidates:
        if path.is_file():
            _deep_update(data, _read_toml(path))
    _deep_update(data, {"llm": _env_llm()})
    _deep_update(data, {k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings.model_validate(data)
    except ValueError as exc:
        raise ConfigError(f"invalid settings: {exc}".splitlines()[0]) from None


def _deep_update(into: dict[str, Any], new: dict[str, Any]) -> None:
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _deep_update(into[key], value)
        else:
            into[key] = value
