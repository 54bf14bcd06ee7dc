"""Terminal progress and messages (rich), kept apart from the stages so they stay pure."""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TypeVar

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress as RichProgress, ProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.text import Text

T = TypeVar("T")

console = Console(stderr=True, highlight=False)


class _Count(ProgressColumn):
    """"3/12" for a bar over files; nothing for one step of unknown length (no "0/1" while it works)."""

    def render(self, task) -> Text:
        if task.total is None or task.fields.get("single"):
            return Text("")
        return Text(f"{int(task.completed)}/{int(task.total)}")


class StageBar:
    """One bar for one stage over many interviews; on a pipe or with --no-progress, one line when it ends."""

    def __init__(self, owner: "Progress", description: str, total: int | None, single: bool = False):
        self.owner, self.description, self.total, self.count = owner, description, total, 0
        self._started = time.perf_counter()
        bar = owner._bar
        self._task = bar.add_task(description, total=total, single=single) if bar else None

    def advance(self, n: int = 1) -> None:
        self.count += n
        if self._task is not None:
            self.owner._bar.update(self._task, completed=self.count)

    def partial(self, fraction: float) -> None:
        """How far the file being worked on has got (one worker: the bar moves within a long recording)."""
        if self._task is not None and self.total:
            self.owner._bar.update(self._task, completed=self.count + min(max(fraction, 0.0), 1.0))

    def finish(self, line: str) -> None:
        """`line` says what the stage did; printed only where no bar showed it."""
        if self._task is not None:
            self.owner._bar.update(self._task, completed=self.total if self.total else 1, total=self.total or 1,
                                   description=line)
        else:
            console.print(f"{escape(line)} ({time.perf_counter() - self._started:.1f} s)", soft_wrap=True)


class Progress:
    """Progress bars on a terminal; one line per finished stage (and per error) when piped or disabled."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled and console.is_terminal
        self._bar = RichProgress(
            TextColumn("{task.description}"), BarColumn(), _Count(), TimeElapsedColumn(), TimeRemainingColumn(),
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

    def stage(self, description: str, total: int | None, single: bool = False) -> StageBar:
        return StageBar(self, description, total, single)

    def error(self, line: str) -> None:
        console.print(f"[red]error[/red] {escape(line)}", soft_wrap=True)

    def warn(self, line: str) -> None:
        console.print(f"[yellow]warning[/yellow] {escape(line)}", soft_wrap=True)

    def line(self, line: str) -> None:
        console.print(escape(line), soft_wrap=True)

    def note(self, line: str) -> None:
        console.print(f"note {escape(line)}", soft_wrap=True)


def say(message: str) -> None:
    console.print(message, soft_wrap=True)
