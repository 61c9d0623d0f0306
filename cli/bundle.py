"""A run that others can re-run: ``--bundle FILE.zip`` and ``actuary verify FILE.zip``.

A bundle is one zip archive holding:

* ``manifest.json``: the exact command (``argv``), the command that re-runs it from the
  archive (``rerun_argv``: inputs and outputs pointed into the archive, ``--bundle``
  dropped), every input and output file with its SHA-256, the package versions, the
  platform and the time;
* ``inputs/``: every file the run read that is not part of the toolkit (the assumption
  set, its bases and scheme, its user tables, the starting population and its sidecar),
  under ``inputs/files/`` with their layout relative to their common folder kept (so
  the relative paths the files name between them still resolve), and the toolkit's
  shipped files the run read (shipped sets, schemes, populations) under
  ``inputs/shipped/`` by their path in the package;
* ``outputs/``: the files the run wrote;
* ``REVIEW.md``: a checklist for a reviewer (ISAP 2 items, the five questions of the
  CPP peer review), written by the command.

It is written atomically (a temporary name renamed at the end).

:func:`verify_bundle` re-runs the command from a copy of the archive in a temporary
folder, in a fresh process (``python -m actuary.cli.main``), and compares what it writes
with the archived outputs: workbooks cell by cell (values and formulas of every sheet;
charts, styles and document properties are not compared), other files line by line. A
run's own circumstances are masked before comparing: its time (text of the form
``YYYY-MM-DD HH:MM:SS``), its command line, and the paths of its inputs and outputs
(each becomes its place in the archive). Shipped inputs are read from the installed
toolkit, so they are compared with the archived copies by hash: a different toolkit is a
difference. A file named by an absolute path inside a set is read where it is, not from
the archive (the bundle lists it; keep paths relative for a portable bundle).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from actuary.cli.options import run_argv
from actuary.io.errors import DataError
from actuary.io.fileio import atomic_path

__all__ = ["write_bundle", "verify_bundle", "BUNDLE_FORMAT", "package_root", "VERSIONED",
           "write_run_bundle"]

BUNDLE_FORMAT = "actuary-bundle/1"
#: Distributions whose versions a bundle records.
VERSIONED = ("actuary", "numpy", "pandas", "numba", "llvmlite", "scipy", "openpyxl",
             "pydantic", "PyYAML", "click", "lifelines", "pyarrow")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}")
_MAX_LISTED = 50  # differences listed per file; the rest are counted


def write_run_bundle(bundle: str, *, inputs: Iterable[str | os.PathLike[str]],
                     outputs: dict[str, tuple[str, list[str | os.PathLike[str]]]],
                     review: str = "", extra: dict | None = None,
                     say: Callable[[str], None] | None = None) -> Path:
    """:func:`write_bundle` of the running command (its arguments as the command group
    received them; ``sys.argv`` outside a command)."""
    if say:
        say(f"writing the bundle {bundle}")
    return write_bundle(bundle, argv=run_argv(), inputs=inputs, outputs=outputs,
                        review=review, extra=extra)


def package_root() -> Path:
    """The folder holding the installed ``actuary`` package (shipped files are below it
    or below the folders of its mapped subpackages)."""
    import actuary

    return Path(actuary.__file__).resolve().parent


def _shipped_roots() -> dict[str, Path]:
    """Name -> folder of each part of the toolkit that ships data files."""
    from actuary import assumptions, tables

    return {"actuary": package_root(),
            "assumptions": Path(assumptions.__file__).resolve().parent,
            "tables": Path(tables.__file__).resolve().parent}


def _shipped_name(path: Path) -> str | None:
    """``inputs/shipped/<part>/<path in it>`` for a file of the toolkit, else None."""
    for part, root in _shipped_roots().items():
        try:
            rel = path.resolve().relative_to(root)
        except ValueError:
            continue
        return f"inputs/shipped/{part}/{rel.as_posix()}"
    return None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _common_root(paths: list[Path]) -> Path:
    if not paths:
        return Path.cwd()
    return Path(os.path.commonpath([str(p.parent) for p in paths]))


def _archive_names(inputs: Iterable[str | os.PathLike[str]]) -> dict[Path, str]:
    """Resolved input path -> its name in the archive (existing files only, each once)."""
    files = list(dict.fromkeys(Path(p).resolve() for p in inputs if p and Path(p).is_file()))
    names: dict[Path, str] = {}
    user = []
    for f in files:
        shipped = _shipped_name(f)
        if shipped:
            names[f] = shipped
        else:
            user.append(f)
    root = _common_root(user)
    for f in user:
        names[f] = "inputs/files/" + f.relative_to(root).as_posix()
    return names


def _rerun_argv(argv: list[str], inputs: dict[Path, str], outputs: dict[str, str]) -> list[str]:
    """``argv`` with inputs and the output options (``outputs``: option -> archive name)
    pointed into the archive, output options not written out added, ``--bundle`` dropped."""
    out: list[str] = []
    seen: set[str] = set()
    k = 0
    while k < len(argv):
        arg = argv[k]
        option, _eq, value = arg.partition("=")
        if option == "--bundle":
            k += 1 if _eq else 2
            continue
        if option in outputs:
            out += [option, outputs[option]]
            seen.add(option)
            k += 1 if _eq else 2
            continue
        p = Path(arg)
        if not arg.startswith("-") and p.is_file() and p.resolve() in inputs:
            name = inputs[p.resolve()]
            # a shipped file named by path is read from the installed toolkit
            out.append(arg if name.startswith("inputs/shipped/") else name)
        else:
            out.append(arg)
        k += 1
    for option, name in outputs.items():
        if option not in seen:
            out += [option, name]
    return out


def write_bundle(path: str | os.PathLike[str], *, argv: list[str],
                 inputs: Iterable[str | os.PathLike[str]],
                 outputs: dict[str, tuple[str, list[str | os.PathLike[str]]]],
                 review: str = "", extra: dict | None = None) -> Path:
    """Write the bundle of a finished run (see the module docstring).

    Parameters
    ----------
    path
        The ``.zip`` to write (atomically).
    argv
        The command's arguments after ``actuary`` (``sys.argv[1:]``).
    inputs
        Every file the run read (names that are not files are skipped).
    outputs
        For each output option (``--out``, ``--csv``), its value (a file, or the folder of
        ``--csv``) and the files the run wrote there.
    review
        The reviewer's checklist (Markdown), stored as ``REVIEW.md``.
    extra
        More facts for the manifest (e.g. the assumption set's content hash).

    Raises
    ------
    DataError
        If ``path`` does not end in ``.zip`` or an output named is missing.
    """
    dest = Path(path)
    if dest.suffix.lower() != ".zip":
        raise DataError("a bundle is a zip archive", source=str(dest), field="--bundle",
                        value=dest.suffix or dest.name, expected="a file name ending in .zip")
    names = _archive_names(inputs)
    out_files: dict[Path, str] = {}
    option_map: dict[str, str] = {}
    written = [Path(f).resolve() for _v, files in outputs.values() for f in files]
    root = _common_root(written)
    for option, (value, files) in outputs.items():
        v = Path(value).resolve()
        option_map[option] = "outputs/" + (v.relative_to(root).as_posix() if v != root else ".")
        for f in files:
            if not Path(f).is_file():
                raise DataError("an output of the run is missing", source=str(f),
                                expected="the files the command wrote")
            out_files[Path(f).resolve()] = "outputs/" + Path(f).resolve().relative_to(root).as_posix()
    entries = []
    for kind, mapping in (("input", names), ("output", out_files)):
        for src, name in mapping.items():
            data = src.read_bytes()
            entries.append((name, data, {"kind": kind, "archive": name, "original": str(src),
                                         "sha256": _sha256(data), "bytes": len(data)}))
    manifest = {
        "format": BUNDLE_FORMAT,
        "command": "actuary " + " ".join(argv),
        "argv": list(argv),
        "rerun_argv": _rerun_argv(list(argv), names, option_map),
        "cwd": str(Path.cwd()),
        "created_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
        "versions": _versions(),
        "platform": {"system": platform.platform(), "machine": platform.machine(),
                     "python": sys.version.split()[0],
                     "implementation": platform.python_implementation()},
        "files": [e[2] for e in entries],
        **(extra or {}),
    }
    with atomic_path(dest) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
            for name, data, _meta in entries:
                z.writestr(name, data)
            if review:
                z.writestr("REVIEW.md", review)
    return dest


# -- verification ---------------------------------------------------------------------


def _read_manifest(z: zipfile.ZipFile, source: str) -> dict:
    try:
        manifest = json.loads(z.read("manifest.json"))
    except KeyError:
        raise DataError("not a bundle: no manifest.json", source=source,
                        expected="an archive written by --bundle") from None
    except ValueError as exc:
        raise DataError(f"manifest.json is not JSON ({exc})", source=source) from None
    if manifest.get("format") != BUNDLE_FORMAT:
        raise DataError("unknown bundle format", source=source, field="format",
                        value=manifest.get("format"), expected=BUNDLE_FORMAT)
    return manifest


def _masker(manifest: dict, folder: Path):
    """A function making a text of either run comparable (see the module docstring)."""
    pairs: list[tuple[str, str]] = []
    original_cwd = Path(manifest.get("cwd", "."))
    for f in manifest["files"]:
        token = f"<{f['archive']}>"
        orig = Path(f["original"])
        variants = {str(orig), _rel(orig, original_cwd), str(folder / f["archive"]),
                    f["archive"]}
        if f["archive"].startswith("inputs/shipped/"):  # read from this install on re-run
            variants.add(str(_installed(f["archive"])))
        for variant in variants:
            if variant and variant != ".":
                pairs.append((variant, token))
    commands = [manifest["command"], "actuary " + " ".join(manifest["rerun_argv"])]
    pairs += [(c, "<command>") for c in commands]
    table = dict(pairs)
    # one pass, longest first: a path inside another stays whole, a token is not re-read
    pattern = re.compile("|".join(re.escape(k) for k in sorted(table, key=len, reverse=True)))

    def mask(text: str) -> str:
        return _TIME.sub("<time>", pattern.sub(lambda m: table[m.group(0)], text))

    return mask


def _installed(archive_name: str) -> Path:
    """Where this installed toolkit holds a shipped input of the archive."""
    part, rel = archive_name[len("inputs/shipped/"):].split("/", 1)
    return _shipped_roots().get(part, Path("/nonexistent")) / rel


def _rel(path: Path, cwd: Path) -> str:
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return ""


def _cells(path: Path, mask) -> dict[tuple[str, str], str]:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    v = c.value
                    out[(ws.title, c.coordinate)] = mask(v) if isinstance(v, str) else repr(v)
    return out


def _compare_file(name: str, old: Path, new: Path, mask) -> list[str]:
    if not new.is_file():
        return [f"{name}: not written by the re-run"]
    diffs: list[str] = []
    if name.lower().endswith(".xlsx"):
        a, b = _cells(old, mask), _cells(new, mask)
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                diffs.append(f"{name}: {key[0]}!{key[1]}: archived {a.get(key)!r}, "
                             f"re-run {b.get(key)!r}")
    else:
        la = mask(old.read_text(encoding="utf-8", errors="replace")).splitlines()
        lb = mask(new.read_text(encoding="utf-8", errors="replace")).splitlines()
        for i in range(max(len(la), len(lb))):
            x = la[i] if i < len(la) else "<no line>"
            y = lb[i] if i < len(lb) else "<no line>"
            if x != y:
                diffs.append(f"{name}: line {i + 1}: archived {x!r}, re-run {y!r}")
    if len(diffs) > _MAX_LISTED:
        diffs = diffs[:_MAX_LISTED] + [f"{name}: ... and {len(diffs) - _MAX_LISTED} more"]
    return diffs


def verify_bundle(path: str | os.PathLike[str], timeout: float = 3600.0,
                  progress: Callable[[str], None] | None = None) -> list[str]:
    """Re-run a bundle from the archive alone and list every difference (empty: identical).

    Raises
    ------
    DataError
        If the file is not a readable bundle.
    """
    src = Path(path)
    if not src.is_file():
        raise DataError("bundle not found", source=str(src), expected="a .zip written by --bundle")
    try:
        z = zipfile.ZipFile(src)
    except zipfile.BadZipFile:
        raise DataError("not a zip archive", source=str(src),
                        expected="a .zip written by --bundle") from None
    diffs: list[str] = []
    with z, tempfile.TemporaryDirectory(prefix="actuary-verify-") as tmp:
        folder = Path(tmp)
        manifest = _read_manifest(z, str(src))
        if progress:
            progress(f"re-running {manifest['command']} from the archive alone")
        for f in manifest["files"]:
            try:
                data = z.read(f["archive"])
            except KeyError:
                diffs.append(f"{f['archive']}: listed in the manifest but not in the archive")
                continue
            if _sha256(data) != f["sha256"]:
                diffs.append(f"{f['archive']}: its SHA-256 is not the manifest's (the archive "
                             "was changed)")
            if f["kind"] == "input" and f["archive"].startswith("inputs/shipped/"):
                installed = _installed(f["archive"])
                if not installed.is_file():
                    diffs.append(f"{f['archive']}: not in the installed toolkit")
                elif _sha256(installed.read_bytes()) != f["sha256"]:
                    diffs.append(f"{f['archive']}: the installed toolkit's copy differs from "
                                 "the archived one")
            target = folder / ("archived" if f["kind"] == "output" else "") / f["archive"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if any("was changed" in d or "not in the archive" in d for d in diffs):
            return diffs + ["not re-run: the archive is not the one written by --bundle"]
        (folder / "outputs").mkdir(exist_ok=True)
        env = dict(os.environ)
        proc = subprocess.run([sys.executable, "-m", "actuary.cli.main", *manifest["rerun_argv"]],
                              cwd=folder, env=env, capture_output=True, text=True,
                              timeout=timeout)
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
            diffs.append(f"the re-run failed (exit {proc.returncode}): {last}")
            return diffs
        mask = _masker(manifest, folder)
        for f in manifest["files"]:
            if f["kind"] == "output":
                diffs += _compare_file(f["archive"], folder / "archived" / f["archive"],
                                       folder / f["archive"], mask)
    return diffs
