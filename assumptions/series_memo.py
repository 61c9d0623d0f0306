"""The yearly series of dated parameters, kept by content (:meth:`DatedParameter.yearly`).

A valuation resolves the same dated parameters over the same years many times: the
loader's checks and the basis build each resolve every one, and each sensitivity test
validates and builds a whole set again in which all but one or two parameters are the
same as the base's (2,077 series, 1,203 of them distinct per object and far fewer by
content, ~0.075 s of a default valuation's sensitivity table). A series depends only
on what is kept here as its key: the parameter's kind (its bounds), its dated values,
its extension rule, the years, ``how``, and for an ``{index: NAME}`` rule the growth
series of NAME. Parameters are immutable (frozen models), so a series made once is
the series of every parameter with the same key; a copy is handed out each time, so a
caller that changes its array changes only its own. Errors are not kept: a series
that cannot be made is tried again, and raises again.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["series_key", "known_series", "keep_series"]

_KEPT: dict[tuple, np.ndarray] = {}
_MAX_KEPT = 4096  # ~100 numbers each: a few MB at most


def _exact(value: Any) -> Any:
    """``value`` as a key part telling apart what ``==`` does not (0.0 and -0.0)."""
    return value.hex() if type(value) is float else value


#: The content part of :func:`series_key` by parameter: id -> (the parameter, its values
#: and extension rule when the part was made, the part). The parameter is held, so no
#: other takes its id while it is here; a parameter whose values or rule are other
#: objects than they were (a copy with an update) has its part made again. Each test of
#: a sensitivity table resolves ~100 series of parameters its base's set shares.
_CONTENT: dict[int, tuple[Any, Any, Any, tuple]] = {}


def _content(param: Any) -> tuple:
    """What a series of ``param`` depends on in ``param``: its kind, dated values and
    extension rule."""
    ext, values = param.extend, param.values
    kept = _CONTENT.get(id(param))
    if kept is not None and kept[0] is param and kept[1] is values and kept[2] is ext:
        return kept[3]
    content = (type(param), tuple((d, _exact(v)) for d, v in values.items()),
               type(ext), tuple(_exact(getattr(ext, f)) for f in type(ext).model_fields))
    if len(_CONTENT) >= _MAX_KEPT:
        _CONTENT.clear()
    _CONTENT[id(param)] = (param, values, ext, content)
    return content


def series_key(param: Any, first_year: int, last_year: int, how: str,
               indices: Any) -> tuple:
    """What :meth:`DatedParameter.yearly` of ``param`` depends on, as a key."""
    ext = param.extend
    growth = None
    if ext.rule == "index" and indices is not None and ext.index in indices:
        growth = np.asarray(indices[ext.index], dtype=float).tobytes()
    return (*_content(param), first_year, last_year, how, growth)


def known_series(key: tuple) -> np.ndarray | None:
    """A copy of the series kept under ``key``, or None."""
    kept = _KEPT.get(key)
    return None if kept is None else kept.copy()


def keep_series(key: tuple, series: np.ndarray) -> None:
    """Keep a copy of ``series`` under ``key``."""
    if len(_KEPT) >= _MAX_KEPT:
        _KEPT.clear()
    _KEPT[key] = series.copy()
