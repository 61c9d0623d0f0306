"""Work in a forked child process (actuary.io.forked): its value or its error comes back,
and where no child can do it, this process does."""

from __future__ import annotations

import os
import threading
import time

import pytest

from actuary.io.errors import AssumptionError
from actuary.io.forked import can_fork, in_child, in_child_steps

needs_fork = pytest.mark.usefixtures("fork_allowed")


class _Unpicklable(Exception):
    """An exception that cannot be pickled (it holds a lock)."""

    def __init__(self, where: int) -> None:
        super().__init__(f"raised in process {where}")
        self.lock = threading.Lock()


@needs_fork
def test_the_work_runs_in_a_child_and_its_value_comes_back():
    big = list(range(200_000))  # more than a pipe holds: read while the child writes
    pending = in_child(lambda: (os.getpid(), [2 * x for x in big]))
    assert pending.forked
    pid, doubled = pending.result()
    assert pid != os.getpid() and doubled == [2 * x for x in big]
    assert pending.result()[0] == pid  # read once, kept


@needs_fork
def test_then_turns_the_childs_value_here():
    me = os.getpid()
    pending = in_child(os.getpid, then=lambda pid: (pid, os.getpid()))
    child, here = pending.result()
    assert here == me != child


@needs_fork
def test_the_child_never_comes_back_into_the_callers_code(tmp_path):
    log = tmp_path / "log"
    pending = in_child(lambda: 1)
    with open(log, "a") as fh:  # a child returning here would write its line too
        fh.write(f"{os.getpid()}\n")
    assert pending.result() == 1
    assert log.read_text().split() == [str(os.getpid())]


@needs_fork
def test_an_error_comes_back_with_its_type_and_message():
    def work():
        raise AssumptionError("no such key in the assumption set", location="a.b",
                              value=os.getpid(), expected="a key of the set")

    pending = in_child(work)
    assert pending.forked
    with pytest.raises(AssumptionError, match=r"at a\.b: no such key .*value \d+") as raised:
        pending.result()
    assert f"value {os.getpid()};" not in str(raised.value)  # the child's, not redone here


@needs_fork
def test_an_error_that_cannot_come_back_is_raised_by_the_work_done_here():
    def work():
        raise _Unpicklable(os.getpid())

    with pytest.raises(_Unpicklable, match=f"raised in process {os.getpid()}$"):
        in_child(work).result()


@needs_fork
def test_a_child_that_dies_leaves_the_work_to_this_process():
    me = os.getpid()
    pending = in_child(lambda: os._exit(3) if os.getpid() != me else "done here")
    assert pending.forked
    assert pending.result() == "done here"


def test_without_a_fork_the_work_runs_here_when_its_result_is_asked():
    calls: list[int] = []

    def work():
        calls.append(os.getpid())
        return "value"

    pending = in_child(work, fork=False)
    assert not pending.forked and calls == []
    assert pending.result() == "value" and pending.result() == "value"
    assert calls == [os.getpid()]


def test_no_fork_while_another_thread_runs():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not can_fork()
        pending = in_child(os.getpid)
        assert not pending.forked
        assert pending.result() == os.getpid()
    finally:
        stop.set()
        other.join()


@needs_fork
def test_steps_come_back_each_as_soon_as_the_child_has_done_it(tmp_path):
    """The first answer (larger than a pipe holds) is read while the child still works on
    the second, which waits here for a file this process writes after reading it."""
    go = tmp_path / "go"

    def second():
        while not go.exists():
            time.sleep(0.005)
        return os.getpid(), "second"

    first, then = in_child_steps([(lambda: [os.getpid()] * 100_000, None),
                                  (second, lambda answer: answer + ("read here",))])
    assert first.forked and then.forked
    answer = first.result()  # the child is still in second(): it has not seen go yet
    assert len(answer) == 100_000 and answer[0] != os.getpid()
    go.touch()
    assert then.result() == (answer[0], "second", "read here")


@needs_fork
def test_a_step_that_fails_does_not_stop_the_next():
    def fails():
        raise AssumptionError("no such key", location="a.b")

    bad, good = in_child_steps([(fails, None), (os.getpid, None)])
    with pytest.raises(AssumptionError, match="no such key"):
        bad.result()
    assert good.result() != os.getpid()


@needs_fork
def test_steps_of_a_child_that_dies_are_done_here():
    me = os.getpid()
    steps = in_child_steps([(lambda: "child" if os.getpid() != me else "here", None),
                            (lambda: os._exit(3) if os.getpid() != me else "here", None),
                            (lambda: "child" if os.getpid() != me else "here", None)])
    assert [s.result() for s in steps] == ["child", "here", "here"]


def test_steps_without_a_fork_run_here_in_turn():
    steps = in_child_steps([(os.getpid, None), (lambda: 2, lambda v: v * 10)], fork=False)
    assert not any(s.forked for s in steps)
    assert [s.result() for s in steps] == [os.getpid(), 20]
