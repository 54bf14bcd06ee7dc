"""Bytes to text: accept UTF-8 (with or without BOM) and UTF-16 with a BOM; name what anything else looks like."""
from __future__ import annotations

import codecs
from pathlib import Path

from ..errors import BadInputError

# Magic numbers of files people rename to .txt by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (a .docx renamed?)"),
    (b"{\\rtf", "an RTF document"),
    (b"\xd0\xcf\x11\xe0", "an old Word .doc file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"ID3", "MP3 audio"),
    (b"RIFF", "WAV audio"),
    (b"OggS", "Ogg audio"),
    (b"fLaC", "FLAC audio"),
    (b"\x1a\x45\xdf\xa3", "WebM video"),
    (b"\x7fELF", "a program"),
)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def read_text(path: Path) -> str:
    """The file's text, or BadInputError saying why it is not usable text."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BadInputError(f"cannot read file: {exc.strerror or exc}", str(path)) from None
    text = decode(data, str(path))
    if not text.strip():
        raise BadInputError("file is empty (no text, only whitespace)" if data else "file is empty", str(path))
    return text


def decode(data: bytes, where: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise BadInputError(f"not valid {encoding.upper()} text despite its byte-order mark; re-save as UTF-8", where) from None
    if _looks_utf16(data[:4096]):
        raise BadInputError("not UTF-8 text (looks like UTF-16 without a byte-order mark); re-save as UTF-8", where)
    kind = _binary_kind(data)
    if kind:
        raise BadInputError(f"not a text file (looks like {kind}); export the transcript as .txt, .docx, .vtt or .srt", where)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInputError(f"not UTF-8 text (looks like {_guess_encoding(data)}); re-save as UTF-8", where) from None


def _binary_kind(data: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[4:8] == b"ftyp":
        return "MP4/M4A media"
    head = data[:4096]
    if b"\x00" in head:
        return "binary data"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return "binary data" if head and controls / len(head) > 0.05 else None


def _looks_utf16(head: bytes) -> bool:
    """ASCII-heavy UTF-16 has a NUL in every other byte."""
    if len(head) < 4:
        return False
    odd_nuls = head[1::2].count(0)
    even_nuls = head[0::2].count(0)
    return max(odd_nuls, even_nuls) > 0.4 * (len(head) / 2) and min(odd_nuls, even_nuls) == 0


def _guess_encoding(data: bytes) -> str:
    try:
        data.decode("cp1252")
        return "Windows-1252, the Western European encoding of Word and Notepad"
    except UnicodeDecodeError:
        return "Latin-1 or another legacy 8-bit encoding"
