"""Errors a researcher can act on. Each renders as one line naming the file and the reason."""
from __future__ import annotations

import unicodedata

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` safe for one terminal line: newlines, escape codes, bidi controls and undecodable bytes
    shown as backslash escapes, so a file name can neither break the line nor colour it."""
    return "".join(_ESCAPES.get(ch) or (_escape(ch) if _unsafe(ch) else ch) for ch in text)


def _unsafe(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp")


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (os.fsdecode's surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class JtbdError(Exception):
    """Base for expected failures: bad input, bad configuration, a failing LLM."""

    def __init__(self, reason: str, path: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = path

    def line(self) -> str:
        return printable(f"{self.path}: {self.reason}" if self.path else self.reason)


class BadInputError(JtbdError):
    """The file cannot be used: empty, corrupt, wrong type, unreadable."""


class UnsupportedFileError(BadInputError):
    pass


class LLMError(JtbdError):
    """The LLM endpoint failed, timed out, or kept returning invalid output."""


class WorkspaceLockedError(JtbdError):
    pass


class ConfigError(JtbdError):
    pass


class ResultsWriteError(JtbdError):
    """The results folder takes no more writes: full disk, read-only mount, another user's folder."""
