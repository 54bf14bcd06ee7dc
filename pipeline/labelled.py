"""Gold-labelled interviews: each gold/*.gold.json of a folder with the transcript it labels, read
as `jtbd run` reads it. Shared by `jtbd eval`, the classifier's training and the benchmarks."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from schemas import GoldForce, GoldLabels, Interview, Quote, Transcript

from .errors import BadInputError
from .grounding import locate
from .workspace import TRANSCRIPT_EXTENSIONS, read_model, sha256_file, slug

SCRIPT_SUFFIX = ".script.txt"


def locate_gold(transcript: Transcript, labels: GoldLabels) -> tuple[list[tuple[GoldForce, Quote]], list[str]]:
    found, errors = [], []
    for force in labels.forces:
        quote = locate(transcript, force.quote)
        if quote is None:
            errors.append(force.quote)
        else:
            found.append((force, quote))
    return found, errors


def transcript_for(folder: Path, interview: str) -> Path | None:
    """The transcript a gold file labels; a '.script.txt' (a script for recorded audio) needs a transcript of the same name."""
    if interview.endswith(SCRIPT_SUFFIX):
        stem = interview[: -len(SCRIPT_SUFFIX)]
        hits = [folder / f"{stem}{ext}" for ext in sorted(TRANSCRIPT_EXTENSIONS)]
        return next((p for p in hits if p.is_file()), None)
    path = folder / interview
    return path if path.is_file() and path.suffix.lower() in TRANSCRIPT_EXTENSIONS else None


def load_transcript(path: Path, roles: dict[str, dict[str, str]] | None = None) -> Transcript:
    """A transcript file as `jtbd run` reads it, with the folder's role overrides applied."""
    from .importers import import_transcript
    from .roles import apply_role_overrides

    interview = Interview(id=slug(path.stem), source=path.name, kind="transcript", sha256=sha256_file(path), title=path.stem)
    transcript = import_transcript(path, interview)
    return apply_role_overrides(transcript, (roles or {}).get(interview.id, {}))


@dataclass
class Labelled:
    """One gold file with the transcript it labels."""

    labels: GoldLabels
    transcript: Transcript
    path: Path


def load_labelled(folder: Path, skipped: list[str] | None = None) -> list[Labelled]:
    """Every gold/*.gold.json of `folder` with its transcript; the ones without are noted in `skipped`."""
    from .settings import load_settings

    folder = Path(folder)
    gold_dir = folder / "gold"
    if not gold_dir.is_dir():
        raise BadInputError("no gold/ folder with *.gold.json labels", str(folder))
    roles = load_settings(folder).roles
    out = []
    for gold_path in sorted(gold_dir.glob("*.gold.json")):
        labels = read_model(gold_path, GoldLabels)
        path = transcript_for(folder, labels.interview)
        if path is None:
            if skipped is not None:
                skipped.append(f"{gold_path.name}: no transcript '{labels.interview}' in {folder}")
            continue
        out.append(Labelled(labels, load_transcript(path, roles), path))
    return out
