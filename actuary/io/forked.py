"""Work done in a forked child process while this one carries on.

:func:`in_child` starts ``work()`` in a child made with ``os.fork`` (a copy of this
process: the modules imported, the data computed, the compiled kernels loaded)
and returns at once; :meth:`Pending.result` reads the child's return value back,
pickled through a pipe. The second core of a machine then does that work while this
process does what does not need it (``actuary valuate``: the sensitivity table while
the workbook's other sheets are written). :func:`in_child_steps` gives one child several
works in turn, each answer readable as soon as the child has it (``actuary valuate``:
the valuation's detail, then the sensitivity table).

Where a fork is not possible or not safe (a platform without ``os.fork``, such as
Windows; a process with more than one thread, whose other threads' locks a child would
inherit held) the work is done in this process, at the first :meth:`Pending.result`.
So is it when the child fails without a result that can be pickled back (it died, or
raised an exception that does not survive pickling): the same work done again here
raises the genuine error. An exception that survives pickling is raised here as the
child raised it.

The child never returns into the caller's code: it ends with ``os._exit`` once its
result is written (no ``atexit`` handler, no ``finally`` of the caller's frames, no
buffered output flushed a second time, no temporary file of the parent removed).
"""

from __future__ import annotations

import os
import pickle
import threading
from typing import Any, Callable, Generic, Sequence, TypeVar

__all__ = ["Pending", "in_child", "in_child_steps", "can_fork"]

T = TypeVar("T")

_OK, _RAISED = "ok", "raised"


def can_fork() -> bool:
    """Whether :func:`in_child` will fork: the platform has ``os.fork`` and this process
    runs one thread only."""
    return hasattr(os, "fork") and threading.active_count() == 1


class _Child:
    """A forked child, waited for once every one of its answers has been read."""

    def __init__(self, pid: int, answers: int) -> None:
        self.pid, self.unread = pid, answers

    def read(self) -> None:
        self.unread -= 1
        if self.unread == 0:
            os.waitpid(self.pid, 0)


class Pending(Generic[T]):
    """The result of ``work()``, computed in a forked child or, failing that, here."""

    def __init__(self, work: Callable[[], Any], child: _Child | None = None,
                 fd: int | None = None, then: Callable[[Any], T] | None = None) -> None:
        self._work = work
        self._child = child
        self._fd = fd
        self._then = then
        self._done = False
        self._value: Any = None

    @property
    def forked(self) -> bool:
        """Whether the work was handed to a child process."""
        return self._child is not None

    def result(self) -> T:
        """The work's return value (waits for the child; a second call returns the same
        value). Raises what the work raised."""
        if not self._done:
            value = self._collect()
            self._value = self._then(value) if self._then is not None else value
            self._done = True
        return self._value

    def _collect(self) -> T:
        if self._child is None:
            return self._work()
        data = _read_all(self._fd)
        os.close(self._fd)
        self._child.read()
        self._child = self._fd = None
        outcome = _decode(data)
        if outcome is None:  # no usable answer: do the work here (its error, if any)
            return self._work()
        kind, value = outcome
        if kind == _RAISED:
            raise value
        return value


def in_child(work: Callable[[], Any], fork: bool = True,
             then: Callable[[Any], T] | None = None) -> Pending[T]:
    """Start ``work()`` in a forked child process (see the module docstring); without
    ``fork``, or where :func:`can_fork` says no, it runs here at the first
    :meth:`Pending.result`. ``work`` must return something picklable; ``then``, if
    given, is applied here to what it returned, and gives the result."""
    return in_child_steps([(work, then)], fork)[0]


def in_child_steps(steps: Sequence[tuple[Callable[[], Any], Callable[[Any], Any] | None]],
                   fork: bool = True) -> list[Pending]:
    """:func:`in_child` of several works, one after the other in one child: a
    :class:`Pending` for each ``(work, then)`` of ``steps``, each readable as soon as
    the child has done its work (the first while the child does the next). A work that
    fails in the child does not stop the next ones; where no child can do them, each is
    done here at its first :meth:`Pending.result`."""
    if not (fork and can_fork()):
        return [Pending(work, then=then) for work, then in steps]
    pipes = [os.pipe() for _ in steps]
    pid = os.fork()
    if pid:  # this process
        child = _Child(pid, len(steps))
        for _read, write in pipes:
            os.close(write)
        return [Pending(work, child, read, then)
                for (work, then), (read, _write) in zip(steps, pipes)]
    try:  # the child: do the works, write the answers, end here whatever happens
        writers = []
        for (work, _then), (read, write) in zip(steps, pipes):
            os.close(read)
            writers.append(_write_soon(write, _answer(work)))
        for writer in writers:
            if writer is not None:
                writer.join()
    finally:
        os._exit(0)


def _answer(work: Callable[[], Any]) -> bytes:
    """The pickled outcome of ``work()``; empty when it cannot be pickled back whole."""
    try:
        outcome = (_OK, work())
    except BaseException as exc:  # noqa: BLE001 (re-raised by the parent)
        outcome = (_RAISED, exc)
    try:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        if outcome[0] == _RAISED:  # an exception must come back with its message
            back = pickle.loads(data)[1]
            if type(back) is not type(outcome[1]) or str(back) != str(outcome[1]):
                return b""
        return data
    except Exception:  # noqa: BLE001 (the parent does the work again)
        return b""


def _decode(data: bytes) -> tuple[str, Any] | None:
    if not data:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 (a truncated answer: the child died writing it)
        return None


def _write_soon(fd: int, data: bytes) -> threading.Thread | None:
    """Write what the pipe ``fd`` takes now, and the rest, if any, from a thread (the
    rest waits for the parent to read the pipe, while the child goes on with its next
    work); the thread, or None when all is written (and ``fd`` closed)."""
    view = memoryview(data)
    os.set_blocking(fd, False)
    try:
        while view:
            view = view[os.write(fd, view):]
    except BlockingIOError:  # the pipe is full
        pass
    os.set_blocking(fd, True)
    if not view:
        os.close(fd)
        return None
    writer = threading.Thread(target=_write_all, args=(fd, view))
    writer.start()
    return writer


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.close(fd)


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
