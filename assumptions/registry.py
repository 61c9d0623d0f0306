"""Shipped assumption sets and schemes, found by name.

A shipped set is any YAML file in ``assumptions/data/`` or its ``scenarios/``, ``reforms/`` or
``frame/`` folder (design files in ``reforms/`` are found the same way by ``actuary compare``);
it can be named by the ``name`` written inside it (``cambodia-default``) or by its
file stem (``cambodia_default``). Shipped schemes live in ``assumptions/data/schemes/``
and are named by stem (``nssf``) or by their ``name`` (``nssf-pension``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from actuary.io.errors import ActuaryError, AssumptionError
from actuary.io.yamlio import read_mapping

__all__ = ["DATA_DIR", "DEFAULT_SET", "shipped_sets", "shipped_schemes", "resolve", "looks_like_path", "display_names",
           "index_names", "first_named"]

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SET = "cambodia-default"


def index_names(folders: list[Path]) -> dict[str, Path]:
    """File stem and ``name`` -> path of the YAML files in ``folders`` (the first wins)."""
    found: dict[str, Path] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            found.setdefault(path.stem, path)
            try:
                name = read_mapping(path).get("name")
            except ActuaryError:
                # only the name is wanted here; a file that cannot be read is reported
                # properly when it is loaded
                continue
            if isinstance(name, str):
                found.setdefault(name, path)
    return found


def first_named(ref: str, folders: list[Path]) -> Path | None:
    """The path :func:`index_names` of ``folders`` gives ``ref``, or None, reading the
    files only up to the first that has it (as stem or ``name``, in the same order):
    finding ``cambodia-default`` reads one file, not the forty of the index."""
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            if path.stem == ref:
                return path
            try:
                if read_mapping(path).get("name") == ref:
                    return path
            except ActuaryError:
                continue
    return None


_SET_FOLDERS = (DATA_DIR, DATA_DIR / "scenarios", DATA_DIR / "reforms", DATA_DIR / "frame")
_SCHEME_FOLDERS = (DATA_DIR / "schemes",)


@lru_cache(maxsize=1)
def shipped_sets() -> dict[str, Path]:
    """Name (and stem) -> path of every shipped assumption set and scenario."""
    return index_names(list(_SET_FOLDERS))


@lru_cache(maxsize=1)
def shipped_schemes() -> dict[str, Path]:
    """Name (and stem) -> path of every shipped scheme definition."""
    return index_names(list(_SCHEME_FOLDERS))


def display_names(shipped: dict[str, Path]) -> list[str]:
    """One name per shipped file: its ``name`` when it has one, else its stem."""
    by_path: dict[Path, str] = {}
    for key, path in shipped.items():
        if key != path.stem or path not in by_path:
            by_path[path] = key
    return sorted(by_path.values())


def looks_like_path(ref: str) -> bool:
    return ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref


def resolve(ref: str, relative_to: Path, what: str, asked_in: str | None, role: str | None = None) -> Path:
    """The file a reference names: a path (relative to ``relative_to``) or a shipped name.

    Parameters
    ----------
    ref
        As written: ``cambodia-default``, ``nssf``, ``../base.yaml``.
    relative_to
        Folder of the file that wrote the reference (the working folder for the CLI).
    what
        ``"set"`` or ``"scheme"``: which shipped names to look in.
    asked_in
        The file that asked, for the error message.
    role
        What the reference is, in the message (default ``base`` or ``scheme``).

    Raises
    ------
    AssumptionError
        Naming the file that asked and the reference when nothing matches.
    """
    candidate = Path(ref).expanduser()
    if not candidate.is_absolute():
        candidate = relative_to / candidate
    if candidate.is_file() or (candidate.exists() and not candidate.is_dir()):
        return candidate.resolve()  # a FIFO or device too: the reader refuses it by name
    if not looks_like_path(ref):
        found = first_named(ref, list(_SET_FOLDERS if what == "set" else _SCHEME_FOLDERS))
        if found is not None:
            return found
    shipped = shipped_sets() if what == "set" else shipped_schemes()
    names = display_names(shipped)
    role = role or ("base" if what == "set" else "scheme")
    if candidate.is_dir():
        raise AssumptionError(f"{role} {ref!r} is a folder, not a file", source=asked_in,
                              value=str(candidate), expected=f"a path to a YAML file or a "
                                                             f"shipped {what}: " + ", ".join(names))
    raise AssumptionError(
        f"{role} {ref!r} not found: no file {candidate} "
        f"and no shipped {what} of that name",
        source=asked_in,
        value=ref,
        expected=f"a path to a YAML file or a shipped {what}: " + ", ".join(names),
    )
