"""Crude rates by age and sex with their confidence intervals, and actual against
expected by age band.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from actuary.members.experience.stats import poisson_interval, wilson_interval

__all__ = ["rates_by_age", "actual_to_expected"]


def rates_by_age(cells: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Crude rates by sex and age with confidence intervals, and A/E.

    Columns: ``central``, ``initial`` (years), ``events``, ``expected``; ``m`` =
    events / central exposure with its exact Poisson (Garwood) interval ``m_lower``,
    ``m_upper``; ``q`` = events / initial exposure with its Wilson interval (``q``
    capped at 1); ``ae`` = events / expected with the Poisson interval of the events
    divided by the expected (``ae_lower``, ``ae_upper``).
    """
    g = (cells.groupby(["sex", "age"], sort=True)[["central", "initial", "events", "expected"]]
         .sum(min_count=1).reset_index())
    return _with_intervals(g, alpha)


def _with_intervals(g: pd.DataFrame, alpha: float) -> pd.DataFrame:
    g = g.copy()
    cols = {c: [] for c in ("m_lower", "m_upper", "q_lower", "q_upper", "ae_lower", "ae_upper")}
    for r in g.itertuples():
        lo, hi = poisson_interval(r.events, alpha)
        ok_c = r.central > 0
        cols["m_lower"].append(lo / r.central if ok_c else np.nan)
        cols["m_upper"].append(hi / r.central if ok_c else np.nan)
        if r.initial > 0:
            ql, qh = wilson_interval(min(r.events / r.initial, 1.0), r.initial, alpha)
        else:
            ql = qh = np.nan
        cols["q_lower"].append(ql)
        cols["q_upper"].append(qh)
        e = r.expected
        ok_e = e is not None and np.isfinite(e) and e > 0
        cols["ae_lower"].append(lo / e if ok_e else np.nan)
        cols["ae_upper"].append(hi / e if ok_e else np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        g["m"] = np.where(g["central"] > 0, g["events"] / g["central"], np.nan)
        g["q"] = np.where(g["initial"] > 0, np.minimum(g["events"] / g["initial"], 1.0), np.nan)
        g["ae"] = np.where(g["expected"] > 0, g["events"] / g["expected"], np.nan)
    for c, v in cols.items():
        g[c] = v
    return g


def actual_to_expected(cells: pd.DataFrame, band: int = 5, alpha: float = 0.05) -> pd.DataFrame:
    """A/E by sex and age band (``band`` years) and in total, with Poisson intervals."""
    c = cells.copy()
    c["band_start"] = (c["age"] // band) * band
    g = (c.groupby(["sex", "band_start"])[["central", "initial", "events", "expected"]].sum()
         .reset_index())
    g["ages"] = g["band_start"].astype(str) + "-" + (g["band_start"] + band - 1).astype(str)
    tot = c.groupby("sex")[["central", "initial", "events", "expected"]].sum().reset_index()
    tot["ages"] = "all"
    both = c[["central", "initial", "events", "expected"]].sum().to_frame().T
    both["sex"] = "M+F"
    both["ages"] = "all"
    out = pd.concat([g.drop(columns="band_start"), tot, both], ignore_index=True)
    out = _with_intervals(out, alpha)
    return out[["sex", "ages", "central", "initial", "events", "expected", "ae", "ae_lower",
                "ae_upper"]]
