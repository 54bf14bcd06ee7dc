"""Errors a researcher can act on. Each renders as one line naming the file and the reason."""
from __future__ import annotations


class JtbdError(Exception):
    """Base for expected failures: bad input, bad configuration, a failing LLM."""

    def __init__(self, reason: str, path: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = path

    def line(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


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
