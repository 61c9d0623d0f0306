"""Graduation of crude rates (Gompertz-Makeham by Poisson likelihood, Whittaker-Henderson)
and the standard tests of a graduation's fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from actuary.io.errors import AssumptionError
from actuary.members.experience.stats import (
    _binom_cdf,
    _binom_sf,
    _positive_runs,
    _runs_cdf,
    chi2_sf,
)
from actuary.members.experience.observations import InsufficientData
from actuary.members.experience.survival import _counted

__all__ = [
    "MAX_GM_DEGREE", "Graduation", "fit_gm", "fit_whittaker", "check_graduation_settings",
    "graduate", "goodness_of_fit"
]


#: Highest number of GM parameters (``--degree``).
MAX_GM_DEGREE = 8


@dataclass
class Graduation:
    """A graduated force of decrement for one sex on ages ``ages``."""

    sex: str
    method: str
    ages: np.ndarray
    mu: np.ndarray
    parameters: float  # number of parameters (GM) or effective degrees of freedom (WH)
    detail: str
    aic: float


def _poisson_loglik(d: np.ndarray, fitted: np.ndarray) -> float:
    """Poisson log-likelihood without the constant sum(log d!)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum(np.where(d > 0, d * np.log(fitted), 0.0) - fitted))


def _scaled(ages: np.ndarray) -> np.ndarray:
    lo, hi = ages.min(), ages.max()
    return np.zeros(len(ages)) if hi == lo else 2.0 * (ages - lo) / (hi - lo) - 1.0


def fit_gm(ages: np.ndarray, d: np.ndarray, E: np.ndarray, degree: int) -> tuple[np.ndarray, float]:
    """Poisson maximum likelihood of ``log mu_x = sum_j b_j P_j(x)``: a GM(0, degree)
    formula (Forfar, McCutcheon and Wilkie 1988) with Legendre polynomials of the age
    scaled to [-1, 1]. Newton-Raphson (IRLS) with step halving. Returns (mu, loglik)."""
    from numpy.polynomial import legendre

    X = legendre.legvander(_scaled(ages.astype(float)), degree - 1)
    b = np.zeros(degree)
    b[0] = math.log(d.sum() / E.sum())
    ll = _poisson_loglik(d, E * np.exp(X @ b))
    for _ in range(200):
        fitted = E * np.exp(X @ b)
        grad = X.T @ (d - fitted)
        hess = X.T @ (X * fitted[:, None])
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while True:
            nb = b + t * step
            nll = _poisson_loglik(d, E * np.exp(X @ nb))
            if nll >= ll - 1e-12 or t < 1e-8:
                break
            t /= 2.0
        b, gain, ll = nb, nll - ll, nll
        if np.max(np.abs(t * step)) < 1e-12 or abs(gain) < 1e-13:
            break
    return np.exp(X @ b), ll


def fit_whittaker(d: np.ndarray, E: np.ndarray, h: float, order: int = 3
                  ) -> tuple[np.ndarray, float, float]:
    """Whittaker-Henderson graduation of ``log mu`` with a Poisson likelihood.

    Maximises ``loglik(mu) - h/2 * sum((Delta^order log mu)^2)`` by penalised IRLS:
    each step solves ``(W + h D'D) eta = W z`` with weights ``W = E mu`` and working
    values ``z = eta + (d - E mu)/(E mu)``, which is Whittaker-Henderson's smoothing with
    the Poisson weights. Ages are consecutive; one with no exposure (E = 0) has no
    weight and is interpolated by the penalty. Returns (mu,
    loglik, effective degrees of freedom = trace of (W + h D'D)^-1 W).
    """
    n = len(d)
    D = np.diff(np.eye(n), n=order, axis=0)
    P = h * D.T @ D
    eta = np.full(n, math.log(max(d.sum(), 0.5) / E.sum()))
    for _ in range(100):
        fitted = E * np.exp(eta)
        # ages without exposure have no weight: the penalty interpolates across them
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(fitted > 0, eta + (d - fitted) / fitted, eta)
        new = np.linalg.solve(np.diag(fitted) + P, fitted * z)
        if np.max(np.abs(new - eta)) < 1e-11:
            eta = new
            break
        eta = new
    fitted = E * np.exp(eta)
    edf = float(np.trace(np.linalg.solve(np.diag(fitted) + P, np.diag(fitted))))
    return np.exp(eta), _poisson_loglik(d, fitted), edf


def check_graduation_settings(method: str, degree: int | None = None,
                              h: float | None = None) -> None:
    """Refuse a graduation setting that is out of range or that ``method`` would ignore
    (``degree`` belongs to ``gm``, ``h`` to ``whittaker``).

    Raises
    ------
    AssumptionError
        Naming the parameter, its value and what is accepted.
    """
    if method not in ("gm", "whittaker"):
        raise AssumptionError("unknown graduation method", field="method", value=method,
                              expected="gm or whittaker")
    if degree is not None:
        if method != "gm":
            raise AssumptionError("a degree is a number of GM parameters: Whittaker-Henderson "
                                  "would ignore it", field="degree", value=degree,
                                  expected="no degree with method whittaker (--degree goes "
                                           "with --method gm)")
        if isinstance(degree, bool) or not isinstance(degree, (int, np.integer)) \
                or not 1 <= degree <= MAX_GM_DEGREE:
            raise AssumptionError("GM degree out of range", field="degree", value=degree,
                                  expected=f"a whole number from 1 to {MAX_GM_DEGREE}")
    if h is not None:
        if method != "whittaker":
            raise AssumptionError("h is the Whittaker-Henderson smoothing: GM would ignore it",
                                  field="h", value=h,
                                  expected="no h with method gm (--smoothing goes with "
                                           "--method whittaker)")
        # nan passes every comparison test, so finiteness is checked on its own
        if not isinstance(h, (int, float, np.number)) or not math.isfinite(h) or h <= 0:
            raise AssumptionError("Whittaker-Henderson smoothing out of range", field="h",
                                  value=h, expected="a finite number above 0")


def graduate(rates: pd.DataFrame, sex: str, method: str = "gm", degree: int | None = None,
             h: float | None = None, order: int = 3) -> Graduation | None:
    """Graduate the crude central rates of one sex (ages with exposure).

    ``gm``: the degree (1..8 parameters) with the lowest AIC unless given. ``whittaker``:
    the smoothing ``h`` on a grid 10^-2..10^7 with the lowest AIC (with the effective
    degrees of freedom) unless given. ``None`` when there are no events.

    A fit needs events at as many ages as the parameters it leaves free (``degree``
    for GM, ``order`` for Whittaker-Henderson, whose penalty does not bind polynomials
    of degree ``order - 1``): with fewer, a polynomial that is 0 at every age with an
    event and negative elsewhere makes the likelihood grow without bound, so the
    maximum does not exist (the fitted force runs to 0 at ages without events). The
    automatic GM choice stops at that number.

    Raises
    ------
    AssumptionError
        A setting out of range or one ``method`` ignores (:func:`check_graduation_settings`).
    InsufficientData
        Too few ages with exposure or with events for the fit asked for.
    """
    check_graduation_settings(method, degree, h)
    r = rates[(rates["sex"] == sex) & (rates["central"] > 0)].sort_values("age")
    if r.empty or r["events"].sum() <= 0:
        return None
    ages = r["age"].to_numpy(np.int64)
    d = r["events"].to_numpy(float)
    E = r["central"].to_numpy(float)
    n_event_ages = int(np.count_nonzero(d > 0))
    found = (f"{_counted(d.sum(), 'event')} at {_counted(n_event_ages, 'age')} "
             f"(of {len(ages)} with exposure)")
    if method == "gm":
        if degree and degree > n_event_ages:
            raise InsufficientData(f"{found}, too few for GM(0,{degree})",
                                   source=f"graduation {sex}", field="degree", value=degree,
                                   expected=f"events at {degree} ages or more, or a degree "
                                            f"(--degree) of at most {n_event_ages}")
        choices = [degree] if degree else list(range(1, min(MAX_GM_DEGREE, n_event_ages) + 1))
        best = None
        for k in choices:
            mu, ll = fit_gm(ages, d, E, k)
            aic = -2.0 * ll + 2.0 * k
            if best is None or aic < best[2] - 1e-9:
                best = (mu, k, aic)
        mu, k, aic = best
        return Graduation(sex, "gm", ages, mu, float(k),
                          f"GM(0,{k}): log mu = polynomial of degree {k - 1} in age "
                          f"(Poisson maximum likelihood, {k} parameters, chosen by AIC "
                          f"among {choices})" if not degree else
                          f"GM(0,{k}): log mu = polynomial of degree {k - 1} in age "
                          f"(Poisson maximum likelihood, {k} parameters)", aic)
    if method == "whittaker":
        if len(ages) <= order or n_event_ages < order:
            raise InsufficientData(f"{found}, too few for Whittaker-Henderson of order "
                                   f"{order}", source=f"graduation {sex}", field="method",
                                   value=method,
                                   expected=f"more than {order} ages with exposure and "
                                            f"events at {order} ages or more")
        # consecutive ages; those without exposure get no weight
        full = np.arange(ages.min(), ages.max() + 1)
        pos = ages - ages.min()
        d_full, E_full = np.zeros(len(full)), np.zeros(len(full))
        d_full[pos], E_full[pos] = d, E
        ages, d, E = full, d_full, E_full
        grid = [h] if h is not None else [10.0 ** k for k in np.arange(-2, 7.5, 0.5)]
        best = None
        for hh in grid:
            mu, ll, edf = fit_whittaker(d, E, hh, order)
            aic = -2.0 * ll + 2.0 * edf
            if best is None or aic < best[3] - 1e-9:
                best = (mu, hh, edf, aic)
        mu, hh, edf, aic = best
        return Graduation(sex, "whittaker", ages, mu, edf,
                          f"Whittaker-Henderson on log mu, order {order}, h = {hh:g} "
                          f"({'given' if h else 'lowest AIC on 10^-2..10^7'}), "
                          f"{edf:.2f} effective degrees of freedom", aic)
    raise AssumptionError("unknown graduation method", field="method", value=method,
                          expected="gm or whittaker")


def goodness_of_fit(g: Graduation, rates: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """The standard tests of a graduation against the data it graduates.

    With ``z_x = (d_x - E_x mu_x) / sqrt(E_x mu_x)`` over the ages graduated:

    * chi-square: ``sum z^2`` on ``n - parameters`` degrees of freedom (upper tail);
    * standardised deviations: ``|z| > 2`` at more ages than a binomial(n, 0.0455)
      allows (upper tail);
    * signs: positive deviations ~ binomial(n, 1/2) (two-sided);
    * cumulative deviation: ``sum(d - E mu) / sqrt(sum E mu)`` ~ N(0, 1) (two-sided);
    * grouping of signs: too few runs of positive deviations (lower tail, exact);
    * serial correlation: lag-1 correlation of z, ``r1 sqrt(n)`` ~ N(0, 1) (upper tail).

    Each row: test, statistic, p-value, verdict at ``alpha`` ("pass" or "FAIL").
    """
    r = rates[(rates["sex"] == g.sex) & (rates["central"] > 0)].set_index("age")
    keep = np.isin(g.ages, r.index)
    r = r.loc[g.ages[keep]]
    d = r["events"].to_numpy(float)
    E = r["central"].to_numpy(float)
    ex = E * g.mu[keep]
    z = (d - ex) / np.sqrt(ex)
    n = len(z)
    N = NormalDist()
    out = []
    df = n - g.parameters
    chi = float(np.sum(z * z))
    out.append(("chi-square", chi, f"{df:.2f} degrees of freedom", chi2_sf(chi, df) if df > 0
                else float("nan")))
    p2 = 2.0 * (1.0 - N.cdf(2.0))
    big = int(np.sum(np.abs(z) > 2.0))
    out.append(("standardised deviations |z| > 2", float(big),
                f"{n * p2:.2f} expected of {n}", _binom_sf(big, n, p2)))
    pos = int(np.sum(z > 0))
    out.append(("signs (positive deviations)", float(pos), f"{n / 2:.1f} expected of {n}",
                min(1.0, 2.0 * min(_binom_cdf(pos, n, 0.5), _binom_sf(pos, n, 0.5)))))
    cum = float(np.sum(d - ex) / math.sqrt(np.sum(ex)))
    out.append(("cumulative deviation", cum, "N(0, 1)", 2.0 * (1.0 - N.cdf(abs(cum)))))
    runs, n1, n2 = _positive_runs(z)
    out.append(("grouping of signs (runs of positives)", float(runs),
                f"{n1} positive, {n2} negative", _runs_cdf(runs, n1, n2)))
    if n > 2 and np.std(z) > 0:
        r1 = float(np.corrcoef(z[:-1], z[1:])[0, 1])
        out.append(("serial correlation (lag 1)", r1, "r1 sqrt(n) ~ N(0, 1)",
                    1.0 - N.cdf(r1 * math.sqrt(n))))
    frame = pd.DataFrame(out, columns=["test", "statistic", "reference", "p_value"])
    frame.insert(0, "sex", g.sex)
    frame["verdict"] = np.where(frame["p_value"].isna(), "n/a",
                                np.where(frame["p_value"] < alpha, "FAIL", "pass"))
    return frame
