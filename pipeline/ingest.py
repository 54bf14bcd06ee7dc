"""Ingest: find every interview in a folder and give each a stable id and a content hash."""
from __future__ import annotations

from pathlib import Path

from schemas import Interview

from .errors import BadInputError, UnsupportedFileError
from .settings import OUTPUT_DIR_NAME
from .workspace import AUDIO_EXTENSIONS, IGNORED_NAMES, TRANSCRIPT_EXTENSIONS, sha256_file, slug

SUPPORTED = sorted(AUDIO_EXTENSIONS | TRANSCRIPT_EXTENSIONS)


def discover(folder: Path) -> tuple[list[Interview], list[BadInputError]]:
    """Every supported file directly in `folder` (sub-folders are not searched), plus one error per unusable file."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BadInputError("not a folder", str(folder))
    interviews: list[Interview] = []
    problems: list[BadInputError] = []
    taken: set[str] = set()
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name == OUTPUT_DIR_NAME or path.name in IGNORED_NAMES or path.is_dir():
            continue
        ext = path.suffix.lower()
        if ext not in AUDIO_EXTENSIONS and ext not in TRANSCRIPT_EXTENSIONS:
            problems.append(UnsupportedFileError(f"unsupported file type '{ext or 'none'}' (supported: {' '.join(SUPPORTED)})", path.name))
            continue
        if path.stat().st_size == 0:
            problems.append(BadInputError("file is empty", path.name))
            continue
        interviews.append(_interview(path, taken))
    return interviews, problems


def interview_for(path: Path) -> Interview:
    """An Interview for one file on its own (e.g. `jtbd coach FILE`), with the same checks as discovery."""
    path = Path(path)
    if not path.is_file():
        raise BadInputError("no such file", str(path))
    ext = path.suffix.lower()
    if ext not in AUDIO_EXTENSIONS and ext not in TRANSCRIPT_EXTENSIONS:
        raise UnsupportedFileError(f"unsupported file type '{ext or 'none'}' (supported: {' '.join(SUPPORTED)})", str(path))
    if path.stat().st_size == 0:
        raise BadInputError("file is empty", str(path))
    return _interview(path, set())


def _interview(path: Path, taken: set[str]) -> Interview:
    interview_id = slug(path.stem)
    if interview_id in taken:
        interview_id = slug(f"{path.stem}-{path.suffix[1:]}")
    base, n = interview_id, 2
    while interview_id in taken:
        interview_id, n = f"{base}-{n}", n + 1
    taken.add(interview_id)
    kind = "audio" if path.suffix.lower() in AUDIO_EXTENSIONS else "transcript"
    return Interview(id=interview_id, source=path.name, kind=kind, sha256=sha256_file(path), title=path.stem)
