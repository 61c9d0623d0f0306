"""Progress on the terminal for long commands: lines with the elapsed time, bars with the
time left, and a ticking clock while one long step (a first compilation) runs.

Everything goes to standard error, so ``--json`` and piped output stay clean. Off a
terminal (a log, a pipe, the tests) bars and clocks are replaced by one line per step.
"""

from __future__ import annotations

import sys
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, TypeVar

import click

__all__ = ["progress", "TerminalProgress"]

T = TypeVar("T")


class TerminalProgress:
    """A reporter (see :mod:`actuary.io.progress`): ``say(message)`` prints
    ``[  12.3s] message``; ``track`` draws a bar with the time left; ``waiting`` keeps a
    clock running beside a long step. Silent when ``quiet``."""

    def __init__(self, quiet: bool = False, stream=None) -> None:
        self.quiet = quiet
        self.start = time.perf_counter()
        self.stream = stream if stream is not None else sys.stderr

    @property
    def _live(self) -> bool:
        return not self.quiet and getattr(self.stream, "isatty", lambda: False)()

    def _stamp(self) -> str:
        return f"[{time.perf_counter() - self.start:6.1f}s]"

    def __call__(self, message: str) -> None:
        if not self.quiet:
            click.echo(f"{self._stamp()} {message}", file=self.stream)

    def track(self, items: Iterable[T], label: str, describe: Callable[[T], str] = str, *,
              size: Callable[[T], float] | None = None, total: float | None = None
              ) -> Iterator[T]:
        """Iterate over ``items`` with a bar and the estimated time left (one line per item
        off a terminal). With ``size`` (each item's share of the work) the bar and the time
        left follow the work done; ``total`` is the sum of the sizes (default: summed over
        ``items``, which must then be a sequence)."""
        if not self._live:
            for item in items:
                self(f"  {label}: {describe(item)}")
                yield item
            return
        if size is None and total is None:
            with click.progressbar(items, label=f"{self._stamp()} {label}", file=self.stream,
                                   show_eta=True, show_pos=True,
                                   item_show_func=lambda it: describe(it) if it is not None
                                   else "") as bar:
                yield from bar
            return
        weigh = size or (lambda _item: 1)
        if total is None:
            total = sum(weigh(item) for item in items)
        # whole units: click's bar counts in integers (rows, cells)
        with click.progressbar(length=max(1, round(total)), label=f"{self._stamp()} {label}",
                               file=self.stream, show_eta=True, show_percent=True) as bar:
            for item in items:
                yield item
                bar.update(round(weigh(item)), current_item=None)

    @contextmanager
    def waiting(self, message: str) -> Iterator[None]:
        """Say ``message``; on a terminal, show the seconds elapsed until the step ends."""
        self(message)
        if not self._live:
            yield
            return
        done = threading.Event()
        began = time.perf_counter()

        def tick() -> None:
            while not done.wait(1.0):
                self.stream.write(f"\r         ... {time.perf_counter() - began:5.0f} s")
                self.stream.flush()

        clock = threading.Thread(target=tick, daemon=True)
        clock.start()
        try:
            yield
        finally:
            done.set()
            clock.join()
            self.stream.write(f"\r         ... done in {time.perf_counter() - began:.1f} s\n")
            self.stream.flush()


def progress(quiet: bool = False) -> TerminalProgress:
    """The command line's reporter (nothing when ``quiet``)."""
    return TerminalProgress(quiet)
