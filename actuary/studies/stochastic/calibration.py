"""Calibration of the demographic scenarios to UN WPP 2024's probabilistic projections.

The WPP 2024 80% and 95% prediction intervals of the total fertility rate and of life
expectancy at birth by sex for Cambodia are shipped in
``tables/data/wpp2024_raw/probabilistic_tfr_e0.csv`` (sidecar: source, licence CC BY 3.0
IGO, status).

Method (:func:`calibrate`): each process ``x_t = phi x_{t-1} + sigma e_t`` starts at 0 in
``BASE_YEAR`` (2024, WPP's first projected year), so its standard deviation ``h`` years
later is ``sigma sqrt(sum_{j<h} phi^2j)``. The target standard deviation in each of the
two years (2050, 2100) is the mean of the four implied by WPP's bounds: ``(bound -
median) / z`` for the TFR (additive), and for mortality ``k / z`` with ``k`` the log
multiplier of the force of mortality that gives the bound's e0 (shifted by the basis's
own e0 minus WPP's median). Two targets fix ``phi`` (their ratio, by a root search) and
``sigma``. :func:`calibration_table` then compares the scenarios' intervals with WPP's:
the check asked for is every bound within 10% of the WPP interval's width.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.stats import norm

from actuary.frame.population import life_expectancy
from actuary.studies.stochastic.demography import scaled_mortality

__all__ = ["BASE_YEAR", "TARGET_YEARS", "wpp_intervals", "process_sd", "fit_ar1", "calibrate",
           "calibration_table", "TOLERANCE"]

BASE_YEAR = 2024
TARGET_YEARS = (2050, 2100)
TOLERANCE = 0.10  # of the WPP interval's width
BOUNDS = {"lower80": norm.ppf(0.10), "upper80": norm.ppf(0.90),
          "lower95": norm.ppf(0.025), "upper95": norm.ppf(0.975)}
_QUANTILES = {"lower80": 10.0, "upper80": 90.0, "lower95": 2.5, "upper95": 97.5}
INDICATORS = {"tfr": "tfr", "e0_male": "e0_M", "e0_female": "e0_F"}


def wpp_intervals() -> pd.DataFrame:
    """The shipped WPP 2024 table, indexed by ``(indicator, year)``."""
    ref = resources.files("actuary.tables") / "data" / "wpp2024_raw" / "probabilistic_tfr_e0.csv"
    with resources.as_file(ref) as path:
        return pd.read_csv(path).set_index(["indicator", "year"])


def process_sd(phi: float, sigma: float, h: int) -> float:
    """Standard deviation of the AR(1) ``h`` years after it starts at 0."""
    return float(sigma * np.sqrt(np.sum(phi ** (2 * np.arange(h)))))


def fit_ar1(sd_first: float, sd_second: float, h_first: int, h_second: int) -> tuple[float, float]:
    """``(phi, sigma)`` whose standard deviations after ``h_first`` and ``h_second`` years
    are ``sd_first`` and ``sd_second`` (``phi`` searched in [0, 1.1])."""
    ratio = sd_second / sd_first
    f = lambda phi: process_sd(phi, 1.0, h_second) / process_sd(phi, 1.0, h_first) - ratio  # noqa: E731
    phi = brentq(f, 0.0, 1.1, xtol=1e-12)
    return float(phi), float(sd_first / process_sd(phi, 1.0, h_first))


def _mortality_sd(q: np.ndarray, row: pd.Series) -> float:
    """Mean implied sd of the log mortality multiplier for one sex and year."""
    own = float(life_expectancy(q))
    shift = own - float(row["median"])
    sds = []
    for bound, z in BOUNDS.items():
        target = float(row[bound]) + shift
        k = brentq(lambda k: float(life_expectancy(scaled_mortality(q, np.exp(k)))) - target,
                   -4.0, 4.0, xtol=1e-12)
        sds.append(-k / z)  # a higher multiplier (k > 0) lowers e0
    return float(np.mean(sds))


def calibrate(first_year: int, mortality: np.ndarray, tfr: np.ndarray) -> pd.DataFrame:
    """Fitted ``phi`` and ``sigma`` of the TFR and of each sex's mortality multiplier.

    ``mortality`` ``[T, 2, 111]`` and ``tfr`` ``[T]``: the basis's national tables from
    ``first_year`` (the frame's). Rows ``process, phi, sigma, sd_2050, sd_2100``.
    """
    w = wpp_intervals()
    h = [y - BASE_YEAR for y in TARGET_YEARS]
    rows = []
    tfr_sd = [float(np.mean([(w.loc[("tfr", y), b] - w.loc[("tfr", y), "median"]) / z
                             for b, z in BOUNDS.items()])) for y in TARGET_YEARS]
    rows.append(("tfr", *fit_ar1(*tfr_sd, *h), *tfr_sd))
    for s, sex in enumerate(("male", "female")):
        sd = [_mortality_sd(mortality[y - first_year, s], w.loc[(f"e0_{sex}", y)])
              for y in TARGET_YEARS]
        rows.append((f"mortality_{'MF'[s]}", *fit_ar1(*sd, *h), *sd))
    return pd.DataFrame(rows, columns=["process", "phi", "sigma",
                                       *(f"sd_{y}" for y in TARGET_YEARS)])


def calibration_table(scalars: dict[str, np.ndarray]) -> pd.DataFrame:
    """The scenarios' intervals beside WPP's, in each calibration year with results.

    Rows ``indicator, year, bound, wpp, scenarios, difference, wpp_width,
    share_of_width, within`` (``within``: ``|difference| <= 10%`` of the width, checked in
    2050 and 2100; other years are shown for information).
    """
    w = wpp_intervals()
    rows = []
    for ind, short in INDICATORS.items():
        for key, arr in scalars.items():
            if not key.startswith(short + "_"):
                continue
            year = int(key.rsplit("_", 1)[1])
            if (ind, year) not in w.index:
                continue
            row = w.loc[(ind, year)]
            vals = np.percentile(arr[~np.isnan(arr)], [50.0, *_QUANTILES.values()])
            ours = dict(zip(["median", *_QUANTILES], vals))
            for bound in ("median", *_QUANTILES):
                level = "80" if bound.endswith("80") else "95"
                width = float(row[f"upper{level}"] - row[f"lower{level}"])
                diff = float(ours[bound] - row[bound])
                rows.append({"indicator": ind, "year": year, "bound": bound,
                             "wpp": float(row[bound]), "scenarios": float(ours[bound]),
                             "difference": diff, "wpp_width": width,
                             "share_of_width": abs(diff) / width,
                             "within": (abs(diff) <= TOLERANCE * width)
                             if year in TARGET_YEARS else None})
    return pd.DataFrame(rows)
