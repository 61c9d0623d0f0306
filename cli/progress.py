"""Progress lines for long commands: elapsed time and what is being done, on stderr."""

from __future__ import annotations

import time
from typing import Callable

import click

__all__ = ["progress"]


def progress(quiet: bool = False) -> Callable[[str], None]:
    """A function printing ``[  12.3s] message`` to stderr (nothing when ``quiet``)."""
    start = time.perf_counter()

    def say(message: str) -> None:
        if not quiet:
            click.echo(f"[{time.perf_counter() - start:6.1f}s] {message}", err=True)

    return say
