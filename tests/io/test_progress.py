"""Progress reporting: the core's protocol (actuary.io.progress) and the terminal's reporter."""

from __future__ import annotations

import io
import time

from actuary.cli.progress import TerminalProgress
from actuary.io.progress import track, waiting


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_track_with_a_plain_callable_says_each_item():
    said: list[str] = []
    assert list(track(said.append, [1, 2, 3], "tests", lambda i: f"#{i}")) == [1, 2, 3]
    assert said == ["  tests: #1", "  tests: #2", "  tests: #3"]
    assert list(track(None, "ab", "x")) == ["a", "b"]


def test_waiting_with_a_plain_callable_says_it_once():
    said: list[str] = []
    with waiting(said.append, "compiling"):
        pass
    assert said == ["compiling"]
    with waiting(None, "silent"):
        pass


def test_off_a_terminal_the_reporter_writes_lines():
    out = io.StringIO()
    rep = TerminalProgress(stream=out)
    assert list(track(rep, ["a", "b"], "scenarios")) == ["a", "b"]
    with waiting(rep, "compiling"):
        pass
    lines = out.getvalue().splitlines()
    assert [line.split("] ", 1)[1] for line in lines] == ["  scenarios: a", "  scenarios: b",
                                                           "compiling"]


def test_on_a_terminal_a_bar_with_the_time_left_and_a_clock():
    out = _Tty()
    rep = TerminalProgress(stream=out)
    assert list(track(rep, list(range(3)), "scenarios", lambda i: f"s{i}")) == [0, 1, 2]
    assert "scenarios" in out.getvalue() and "3/3" in out.getvalue()
    with waiting(rep, "compiling"):
        time.sleep(1.2)
    text = out.getvalue()
    assert "compiling" in text and "done in 1." in text


def test_quiet_says_nothing():
    out = _Tty()
    rep = TerminalProgress(quiet=True, stream=out)
    assert list(track(rep, [1], "x")) == [1]
    with waiting(rep, "compiling"):
        pass
    rep("message")
    assert out.getvalue() == ""


def test_a_weighted_bar_follows_the_work_not_the_items():
    """Chunks of unequal size (rows): the bar's length is the total work and it ends at
    100%; a generator needs the total given."""
    out = _Tty()
    rep = TerminalProgress(stream=out)
    chunks = (n for n in (300, 100))  # no length
    assert list(track(rep, chunks, "rows", size=lambda n: n, total=400)) == [300, 100]
    text = out.getvalue()
    assert "rows" in text and "75%" in text and "100%" in text
    # off a terminal: one line per item, as the unweighted track
    plain = io.StringIO()
    lines = TerminalProgress(stream=plain)
    assert list(track(lines, [3, 1], "rows", lambda n: f"{n} rows", size=lambda n: n)) == [3, 1]
    assert [t.split("] ", 1)[1] for t in plain.getvalue().splitlines()] == \
        ["  rows: 3 rows", "  rows: 1 rows"]
    # a plain callable and None ignore the weights
    said: list[str] = []
    assert list(track(said.append, [2], "x", size=lambda n: n, total=2)) == [2]
    assert said == ["  x: 2"]
    assert list(track(None, iter([5]), "x", size=lambda n: n)) == [5]
    quiet = _Tty()
    assert list(track(TerminalProgress(quiet=True, stream=quiet), [1], "x",
                      size=lambda n: n)) == [1]
    assert quiet.getvalue() == ""
