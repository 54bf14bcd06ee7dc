"""Terminal progress and messages (rich), kept apart from the stages so they stay pure."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TypeVar

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

T = TypeVar("T")

console = Console(stderr=True, highlight=False)


class Progress:
    """Progress bars on a terminal; silent (but still reporting errors) when piped or disabled."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled and console.is_terminal
        self._bar = RichProgress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
            console=console, transient=False,
        ) if self.enabled else None

    def __enter__(self) -> "Progress":
        if self._bar:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar:
            self._bar.stop()

    def track(self, items: Iterable[T], description: str) -> Iterator[T]:
        items = list(items)
        if not self._bar:
            yield from items
            return
        task = self._bar.add_task(description, total=len(items))
        for item in items:
            yield item
            self._bar.advance(task)

    @contextmanager
    def task(self, description: str, total: float = 1.0) -> Iterator[Callable[[float], None]]:
        """A bar for one long step; the callback takes the fraction done (0..1)."""
        if not self._bar:
            yield lambda fraction: None
            return
        task = self._bar.add_task(description, total=total)
        try:
            yield lambda fraction: self._bar.update(task, completed=min(max(fraction, 0.0), 1.0) * total)
        finally:
            self._bar.remove_task(task)

    def error(self, line: str) -> None:
        console.print(f"[red]error[/red] {escape(line)}", soft_wrap=True)

    def warn(self, line: str) -> None:
        console.print(f"[yellow]warning[/yellow] {escape(line)}", soft_wrap=True)

    def note(self, line: str) -> None:
        console.print(f"note {escape(line)}", soft_wrap=True)


def say(message: str) -> None:
    console.print(message, soft_wrap=True)
