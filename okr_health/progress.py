"""Stages of long command-line work shown as they happen: a progress bar on a terminal
(rich), one plain line per stage otherwise (logs, pipes, CI), always on stderr."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class StageProgress:
    """Call it with a stage's name as the stage starts; use it as a context manager.

    On a terminal: a bar of stages done out of `stages`, the current one named, time
    elapsed. Otherwise: `[2/4] check` as each stage starts and `done in 3.1 s` at the end."""

    def __init__(
        self, stages: Sequence[str], stream: TextIO | None = None, terminal: bool | None = None
    ) -> None:
        self.stages = list(stages)
        self.stream = stream or sys.stderr
        self.console = Console(file=self.stream, force_terminal=terminal)
        self.started = time.perf_counter()
        self.done = 0
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> StageProgress:
        if self.console.is_terminal:
            self.bar = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                MofNCompleteColumn(), TimeElapsedColumn(), console=self.console,
            )  # fmt: skip
            self.bar.start()
            self.task = self.bar.add_task("starting", total=len(self.stages))
        return self

    def __call__(self, stage: str) -> None:
        position = self.stages.index(stage) if stage in self.stages else self.done
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, completed=position, description=stage)
            self.bar.refresh()  # drawn now, however short the stage
        else:
            print(f"[{position + 1}/{len(self.stages)}] {stage}", file=self.stream, flush=True)
        self.done = position

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        took = time.perf_counter() - self.started
        if self.bar is not None and self.task is not None:
            if kind is None:
                self.bar.update(self.task, completed=self.done + 1, description="done")
            self.bar.stop()
        elif kind is None:
            print(f"done in {took:.1f} s", file=self.stream, flush=True)
