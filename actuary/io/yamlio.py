"""Reading the project's YAML files: ``safe_load`` only, duplicate keys refused, errors located.

Assumption sets, scheme files, starting-population sidecars and table sidecars are all
read here, so that every one of them reports a bad file the same way: one line naming
the file, the line and column, the key and the value (see :func:`read_mapping`).

PyYAML keeps the last of two equal keys without a word; for dated values that would
silently drop a step, so a duplicate key is an error with its line and column. PyYAML
turns an unquoted ``2025-02-30`` into a date and fails with a bare ``ValueError``; here
it is an error naming the key and the value.
"""

from __future__ import annotations

import copy
import functools
import hashlib
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError

from actuary.io.errors import ActuaryError, AssumptionError

__all__ = ["read_mapping", "parse_value"]


# libyaml's parser when PyYAML was built with it (about 10x faster on the shipped
# files); the constructor, hence the safe-load rules and the check below, is the same.
_SafeBase: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class _NotADate(yaml.YAMLError):
    """A scalar YAML reads as a date (``2025-02-30``) that is not one; ``node`` is where."""

    def __init__(self, node: yaml.Node, key: str | None, reason: str) -> None:
        super().__init__(reason)
        self.node = node
        self.key = key
        self.reason = reason


class _UniqueKeyLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """Safe loader that raises on a key repeated in one mapping or an impossible date."""

    def construct_document(self, node: yaml.Node) -> Any:
        self._root = node  # to name the key of a bad date (see _construct_date)
        return super().construct_document(node)

    def _construct_date(self, node: yaml.ScalarNode) -> date:
        # Only an explicit !!timestamp tag can reach here with text that is no date at all.
        if self.timestamp_regexp.match(str(node.value)) is None:
            raise _NotADate(node, _key_path(self._root, node), "not a date")
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:  # day is out of range for month, month must be in 1..12
            raise _NotADate(node, _key_path(self._root, node), str(exc)) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # unhashable key: the base class reports it
                continue
            if first is not None:
                raise ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found the key {key!s} twice (first at line {first.line + 1}); each key may appear once",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


# add_constructor copies the table into the subclass: SafeLoader itself is unchanged.
_UniqueKeyLoader.add_constructor(_TIMESTAMP_TAG, _UniqueKeyLoader._construct_date)


def _key_path(root: yaml.Node, target: yaml.Node) -> str | None:
    """The dotted key path of ``target`` under ``root`` (``overrides.valuation_date``,
    ``notes[2]``), or None when it is the whole document.

    A slow walk of the tree, made only to word an error.
    """
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if node is target:
            return path or None
        if id(node) in seen:  # an alias: the same node again, perhaps a cycle
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                name = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
                inner = f"{path}.{name}" if path else name
                # a date used as a key (a dated value) is named by its own path
                stack += [(key_node, inner), (value_node, inner)]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(item, f"{path}[{i}]") for i, item in enumerate(node.value)]
    return None


def read_mapping(path: Path, error: type[ActuaryError] = AssumptionError) -> dict[str, Any]:
    """Read a YAML file whose top level is a mapping.

    A file read before and unchanged since (same size and modification time) is not
    parsed again: sensitivity tests load the same base set a dozen times. The caller
    gets its own copy either way.

    Parameters
    ----------
    path
        The file.
    error
        The error to raise: :class:`~actuary.io.errors.AssumptionError` for assumption
        files, :class:`~actuary.io.errors.DataError` for a population's sidecar,
        :class:`~actuary.io.errors.TableError` for a table's.

    Raises
    ------
    ActuaryError
        Of class ``error``, on one line naming the file: if the file cannot be read, is
        not UTF-8, is not valid YAML (with line and column), repeats a key, holds a
        date that is not a real calendar date (with line, column, key and value), or is
        not a mapping at the top level.
    """
    try:
        st = path.stat()
        stamp: tuple | None = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    except OSError:
        stamp = None  # _parse_mapping reports it
    if stamp is None:
        return _parse_mapping(path, error)
    return _copy_tree(_parse_cached(stamp, path, error))


def _copy_tree(node: Any) -> Any:
    """A copy of a parsed YAML tree: new mappings and lists, the scalars shared.

    Safe-loaded scalars (text, numbers, booleans, dates, None) are immutable, so only
    the containers need copying; anything else falls back to :func:`copy.deepcopy`.
    Several times faster than ``deepcopy`` on the shipped sets.
    """
    if isinstance(node, dict):
        return {k: _copy_tree(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy_tree(v) for v in node]
    if node is None or isinstance(node, (str, int, float, date)):
        return node
    return copy.deepcopy(node)


@functools.lru_cache(maxsize=128)
def _parse_cached(stamp: tuple, path: Path, error: type[ActuaryError]) -> dict[str, Any]:
    return _parse_mapping(path, error)


def parse_value(text: str, source: str, error: type[ActuaryError] = AssumptionError) -> Any:
    """One YAML value written on a command line (``0.06``, ``{2025-01-01: 0.06}``), read
    as the files are (safe types, real dates, no aliases, no repeated keys).

    Raises
    ------
    ActuaryError
        Of class ``error``, naming ``source`` (e.g. ``--set economic.investment_return``).
    """
    return _parse_text(f"value: {text}", Path(source), error, source)["value"]


def _parse_mapping(path: Path, error: type[ActuaryError]) -> dict[str, Any]:
    from actuary.io.fileio import input_file

    input_file(path, "a YAML file", error)  # a FIFO or a device would never end
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror or exc}", source=str(path)) from None
    except UnicodeDecodeError as exc:  # e.g. a Latin-1 "café" from an old editor
        line = exc.object.count(b"\n", 0, exc.start) + 1
        raise error(
            f"the file is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at {exc.start})",
            source=str(path),
            location=f"line {line}",
            expected="a UTF-8 YAML file",
        ) from None
    return _parse_kept(text, path, error)


#: Parsed files kept on disk (the oldest written removed; a few kB each).
_KEPT_ON_DISK = 256


def _parse_kept(text: str, path: Path, error: type[ActuaryError]) -> dict[str, Any]:
    """:func:`_parse_text` of a file's ``text``, read back from the disk cache
    (:mod:`actuary.io.diskcache`) when the same text was parsed before by the same code.

    What a text parses to depends on nothing else (``path`` and ``error`` only name a
    problem), so it is kept under a SHA-256 of the text, the toolkit's source stamp and
    the PyYAML version and parser: a new process does not parse the shipped set and
    scheme again (about 0.02 s of a run's start). A text with a problem is never kept
    (it is parsed and reported every time); a damaged entry is a miss.
    """
    from actuary.io import diskcache

    digest = hashlib.sha256(f"{diskcache.source_stamp()}|{yaml.__version__}|"
                            f"{_SafeBase.__name__}\n".encode())
    digest.update(text.encode("utf-8"))
    entry = diskcache.cache_path("yaml", digest.hexdigest(), ".pickle")
    data = diskcache.load_pickle(entry, dict)
    if data is None:
        data = _parse_text(text, path, error, str(path))
        diskcache.store_pickle(entry, data, keep=_KEPT_ON_DISK)
    return data


def _parse_text(text: str, path: Path, error: type[ActuaryError], source: str) -> dict[str, Any]:
    """The mapping of YAML ``text`` read from ``source`` (a file, or an option)."""
    try:
        _refuse_aliases(text, path, error)
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except _NotADate as exc:
        mark = exc.node.start_mark
        raise error(
            f"not a real calendar date: {exc.reason}",
            source=source,
            location=f"line {mark.line + 1}, column {mark.column + 1}",
            field=exc.key,
            value=str(exc.node.value),
            expected="a real calendar date (YYYY-MM-DD)",
        ) from None
    except yaml.reader.ReaderError as exc:  # a control character; the first line says which
        raise error(
            f"malformed YAML: {str(exc).splitlines()[0]}",
            source=source,
            location=_char_location(text, exc.character),
            expected="printable text",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{what} ({exc.context})"
        raise error(f"malformed YAML: {_one_line(what)}", source=source, location=where) from None
    except yaml.YAMLError as exc:
        raise error(f"malformed YAML: {_one_line(str(exc))}", source=source) from None
    if not isinstance(data, dict):
        raise error(
            "the top level is not a mapping of keys",
            source=source,
            value=None if data is None else type(data).__name__,
            expected="a YAML mapping (key: value lines)",
        )
    return data


def _refuse_aliases(text: str, path: Path, error: type[ActuaryError]) -> None:
    """Refuse YAML aliases (``*name``): no file here needs them, and an alias inside its
    own anchor, or aliases of aliases, would make a value that never ends or one
    billions of items long."""
    for event in yaml.parse(text, Loader=_SafeBase):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            raise error(f"a YAML alias (*{event.anchor}) is not read here", source=str(path),
                        location=f"line {mark.line + 1}, column {mark.column + 1}",
                        expected="every value written out (no anchors and aliases)")


def _one_line(text: str) -> str:
    """``text`` with its line breaks (PyYAML words some problems on two lines) as spaces."""
    return " ".join(text.split())


def _char_location(text: str, character: Any) -> str | None:
    """Line and column of the first ``character`` (a code point) in ``text``.

    A ReaderError's position counts bytes in libyaml and characters in PyYAML; the
    reader stops at the first unacceptable character, so its first occurrence is it.
    """
    if not isinstance(character, int) or chr(character) not in text:
        return None
    at = text.index(chr(character))
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    return f"line {line}, column {column}"
