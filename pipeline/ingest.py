"""Ingest: find every interview in a folder and its sub-folders, and give each a stable id and a content hash.

Researchers keep one sub-folder per round or segment, so sub-folders are read too (an interview in
`round-2/05.txt` gets the id `round-2-05`). Not read: hidden files and folders, `jtbd-results`,
`gold/` (labels for `jtbd eval`), and links to folders (they could loop; each is named in one line).
Any entry that cannot be used is one error, never the end of the listing.
"""
from __future__ import annotations

import os
from pathlib import Path

from schemas import Interview

from .errors import BadInputError, UnsupportedFileError, printable
from .settings import OUTPUT_DIR_NAME
from .workspace import AUDIO_EXTENSIONS, IGNORED_NAMES, TRANSCRIPT_EXTENSIONS, sha256_file, slug

SUPPORTED = sorted(AUDIO_EXTENSIONS | TRANSCRIPT_EXTENSIONS)
SKIPPED_FOLDERS = {OUTPUT_DIR_NAME, "gold"}


def discover(folder: Path) -> tuple[list[Interview], list[BadInputError]]:
    """Every supported file under `folder`, plus one error per entry that cannot be used."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BadInputError("not a folder", str(folder))
    interviews: list[Interview] = []
    problems: list[BadInputError] = []
    taken: set[str] = set()
    for relative in _entries(folder, problems):
        try:
            interviews.append(_checked(folder / relative, relative, taken))
        except BadInputError as exc:
            problems.append(exc)
    return interviews, problems


def _entries(folder: Path, problems: list[BadInputError], under: Path = Path()) -> list[Path]:
    """Paths relative to the interview folder, sorted, sub-folders in place; unreadable folders are problems."""
    try:
        names = sorted(os.listdir(folder / under))
    except OSError as exc:
        problems.append(BadInputError(f"cannot read folder: {exc.strerror or exc}", str(under) if str(under) != "." else str(folder)))
        return []
    found: list[Path] = []
    for name in names:
        relative = under / name
        path = folder / relative
        if name.startswith(".") or (name in IGNORED_NAMES and not path.is_dir()):
            continue
        if path.is_dir():
            if name in SKIPPED_FOLDERS:
                continue
            if path.is_symlink():
                problems.append(BadInputError("a link to a folder, not followed (copy the folder in, or run jtbd on it)", str(relative)))
                continue
            found += _entries(folder, problems, relative)
        else:
            found.append(relative)
    return found


def _checked(path: Path, relative: Path, taken: set[str]) -> Interview:
    name = str(relative)
    if name != name.encode("utf-8", "surrogateescape").decode("utf-8", "replace"):
        raise BadInputError("the file name is not valid UTF-8 text; rename the file", name)
    ext = path.suffix.lower()
    if ext not in AUDIO_EXTENSIONS and ext not in TRANSCRIPT_EXTENSIONS:
        raise UnsupportedFileError(f"unsupported file type '{printable(ext) or 'none'}' (supported: {' '.join(SUPPORTED)})", name)
    if path.is_symlink() and not path.exists():
        raise BadInputError(f"broken link: it points to '{printable(os.readlink(path))}', which does not exist", name)
    try:
        if path.stat().st_size == 0:
            raise BadInputError("file is empty", name)
        return _interview(path, relative, taken)
    except OSError as exc:
        raise BadInputError(f"cannot read file: {exc.strerror or exc}", name) from None


def interview_for(path: Path) -> Interview:
    """An Interview for one file on its own (e.g. `jtbd coach FILE`), with the same checks as discovery."""
    path = Path(path)
    if not path.is_file():
        raise BadInputError("no such file", str(path))
    try:
        return _checked(path, Path(path.name), set())
    except BadInputError as exc:
        exc.path = str(path)
        raise


def _interview(path: Path, relative: Path, taken: set[str]) -> Interview:
    stem = str(relative.with_suffix("")).replace(os.sep, "-")
    interview_id = slug(stem)
    if interview_id in taken:
        interview_id = slug(f"{stem}-{path.suffix[1:]}")
    base, n = interview_id, 2
    while interview_id in taken:
        interview_id, n = f"{base}-{n}", n + 1
    kind = "audio" if path.suffix.lower() in AUDIO_EXTENSIONS else "transcript"
    interview = Interview(id=interview_id, source=relative.as_posix(), kind=kind, sha256=sha256_file(path), title=path.stem)
    taken.add(interview_id)
    return interview
