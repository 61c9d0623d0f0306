"""How long computations report what they are doing: messages, counted steps, long waits.

A core function takes ``progress``: None (silent), or any callable taking one message
(``print`` will do). Where a computation counts steps (sensitivities, scenarios), it
iterates with :func:`track`; where it waits on one long step (compiling a kernel), it
wraps it in :func:`waiting`. A reporter that can draw more (the command line's, with a
bar and the time left) offers ``track`` and ``waiting`` methods and gets them; a plain
callable gets one message per step. The core never draws anything itself.
"""

from __future__ import annotations

from contextlib import contextmanager, nullcontext
from typing import Any, Callable, ContextManager, Iterable, Iterator, TypeVar

__all__ = ["Progress", "track", "waiting"]

T = TypeVar("T")

#: A reporter: called with one message per step.
Progress = Callable[[str], None]


def track(progress: Progress | None, items: Iterable[T], label: str,
          describe: Callable[[T], str] = str, *, size: Callable[[T], float] | None = None,
          total: float | None = None) -> Iterator[T]:
    """Iterate over ``items``, telling ``progress`` of each one.

    With a reporter that has a ``track`` method (a bar with the time left), that method
    draws it; with a plain callable, one message ``"  <label>: <item>"`` per item.
    Steps of unequal work (chunks of rows, tables of different lengths) give ``size``:
    each item's share of the work (rows, say), so that the time left is estimated from
    the work done, not from the count of items; ``total`` is the sum of the sizes, needed
    when ``items`` has no length (a generator of chunks).
    """
    if progress is None:
        yield from items
        return
    bar = getattr(progress, "track", None)
    if bar is not None:
        if size is None and total is None:
            yield from bar(items, label, describe)
        else:
            yield from bar(items, label, describe, size=size, total=total)
        return
    for item in items:
        progress(f"  {label}: {describe(item)}")
        yield item


def waiting(progress: Progress | None, message: str) -> ContextManager[Any]:
    """A context for one long step: ``progress`` is told ``message`` as it starts (a
    reporter with a ``waiting`` method may also show the time elapsed until it ends)."""
    if progress is None:
        return nullcontext()
    wait = getattr(progress, "waiting", None)
    if wait is not None:
        return wait(message)
    return _say_once(progress, message)


@contextmanager
def _say_once(progress: Progress, message: str) -> Iterator[None]:
    progress(message)
    yield
