"""Word .docx: paragraphs (and two-column speaker tables) in document order, then the plain-text rules."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..errors import BadInputError
from .base import TIMESTAMP

_FIX = "re-save it from Word or Google Docs as .docx, or export it as .txt"
# python-docx unpacks every part into memory (a 300 KB file inflating to 300 MB peaked at 658 MB),
# so the sizes the zip directory states are checked first (zipfile never yields more than a part's
# stated size, so they cannot lie). A 3-hour transcript unpacks to about 2 MB.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


def docx_text(path: Path, max_unpacked: int = MAX_UNPACKED_BYTES) -> str:
    import docx  # python-docx; imported here so text imports do not pay for it
    from docx.table import Table

    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise BadInputError(f"cannot read file: {exc.strerror or exc}", str(path)) from None
    if not zipfile.is_zipfile(path):
        kind = "an old Word .doc file" if head == b"\xd0\xcf\x11\xe0" else "not a zip archive"
        raise BadInputError(f"not a valid .docx ({kind}); {_FIX}", str(path))
    _check_unpacked_size(path, max_unpacked)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises KeyError, ValueError, PackageNotFoundError... for broken packages
        raise BadInputError(f"not a valid .docx ({type(exc).__name__}: {str(exc)[:80]}); {_FIX}", str(path)) from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        lines += _table_lines(block) if isinstance(block, Table) else block.text.split("\n")
    text = "\n".join(lines)
    if not text.strip():
        raise BadInputError("document has no text", str(path))
    return text


def _check_unpacked_size(path: Path, limit: int) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadInputError(f"not a valid .docx ({str(exc)[:80]}); {_FIX}", str(path)) from None
    if unpacked > limit:
        raise BadInputError(f"Word document unpacks to {unpacked / 2**20:,.0f} MB, more than the {limit / 2**20:,.0f} MB a transcript "
                            "could need (a damaged file, or a zip bomb); not opened", str(path))


def _table_lines(table) -> list[str]:
    """Rows of 'Speaker | text' or 'Speaker | time | text' tables as 'Speaker: text' lines."""
    lines = []
    for row in table.rows:
        cells = [c.text.strip() for c in row.cells]
        cells = [c for i, c in enumerate(cells) if c and (i == 0 or c != cells[i - 1])]  # merged cells repeat
        if len(cells) == 3 and re.fullmatch(TIMESTAMP, cells[1]):
            lines.append(f"{cells[0]} ({cells[1]}): {cells[2]}")
        elif len(cells) == 2:
            lines.append(f"{cells[0]}: {cells[1]}")
        elif cells:
            lines.append(" ".join(cells))
    return lines
