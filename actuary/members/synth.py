"""A synthetic NSSF-like membership: seeded, reproducible, calibrated, marked SYNTHETIC.

No member data of the NSSF pension scheme is public. For demos, tests and benchmarks
this module makes a member file and a pensioner file of any size that look like the
scheme's published aggregates. Every row carries ``synthetic = yes``, every id starts
with ``SYN``, the files' names must contain ``synthetic`` and a sidecar YAML records the
generator, the seed and the calibration. Same seed, same size, same files, bit for bit.

Calibration targets (the figures of :mod:`actuary.engine.starting_default`, with their status)
------------------------------------------------------------------------------------
* Active contributors on the valuation date: women 62.6% (836,288 of 1,335,609 paying
  contributors at end 2022, Phnom Penh Post 2023; derived from secondary), ages as the
  default population (WPP 2024 population times an unverified coverage profile).
* Credited months of actives: the default's mix (26 months 70%, 18 months 20%, 6 months
  10%; unverified), by joining in October-November 2022, in June 2023 and in June 2024.
* Insurable wages of actives: mean by sex and age as the default (1,000,000 KHR men,
  880,000 KHR women on average, spread by the placeholder salary scale; unverified),
  each member's wage lognormal with the basis's dispersion (sigma 0.4, unverified) and
  brought within the floor and ceiling; the lognormal's median is solved so that the
  mean of the *bounded* wage is the target.
* Inactive insured: 400,000 for 1,560,000 actives (unverified), reached by scaling the
  basis's exit forces by a factor ``k`` solved for that ratio (reported).
* Old-age pensioners: members who reach 60 in service since October 2022; the latent
  weights of ages 60-61 are the default's old-age pensioners.

How a member is made
--------------------
1. A cell (sex, age on the valuation date, joining period) is drawn with weight
   ``target actives / P(still active on the valuation date)``, so that the actives who
   remain follow the targets; the birth date and joining day are drawn within the cell.
2. From joining, two clocks run with piecewise-constant forces by age and calendar year:
   death (basis mortality, all statuses, to the valuation date) and exit (basis exit
   forces times ``k``, while active and before 60). Who reaches 60 in service retires
   then (``retired`` with at least 12 months, ``refunded`` otherwise); an inactive who
   reaches 60 retires too. Status and status date follow :mod:`actuary.members.files`;
   credited months are the whole months of the active spell since the scheme started.
3. Retired members alive on the valuation date get an old-age pension of 1.5% x 16.5
   credited years x last wage (the default's unverified pension formula). No
   invalidity or survivors' pensions: their 60-month condition cannot be met before
   October 2027 (derived).

Known simplifications: no re-entries, no invalidity, no voluntary contributors, one
active spell per member. ``defects`` injects a known number of defective rows of each
kind the data check finds (recorded in the sidecar), for testing the check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from statistics import NormalDist
from typing import Any, Callable

import numpy as np
import pandas as pd
import yaml
from scipy import optimize

from actuary.engine import starting_default as sd
from actuary.io.errors import DataError
from actuary.members.experience import YEAR_DAYS, basis_forces, lexis_segments
from actuary.io.fileio import atomic_path, save_xlsx, spreadsheet_safe, write_atomic
from actuary.members.files import anniversary, completed_years, from_ymd, iso_dates, month_index, ymd

__all__ = [
    "SynthResult",
    "synthesize",
    "write_synthetic",
    "DEFECT_KINDS",
    "GENERATOR",
]

GENERATOR = "actuary.members.synth 1"
#: Pension age and minimum months for an old-age pension (as the NSSF scheme file:
#: 60, confirmed; 12 months, confirmed).
PENSION_AGE = 60
MIN_MONTHS = 12
#: Joining windows for the credited-months mix: months before the valuation date.
LATENT_OLD_AGES = (60, 61)
DEFECT_KINDS = ("bad_sex", "bad_date", "date_order", "future_date", "entry_age",
                "age_out_of_range", "credits_too_long", "wage_below_floor",
                "wage_above_ceiling", "missing_value", "duplicate_id", "missing_start_date")


@dataclass
class SynthResult:
    """Synthetic member and pensioner tables (text-ready) and the calibration record."""

    members: pd.DataFrame
    pensioners: pd.DataFrame
    meta: dict[str, Any]
    calibration: pd.DataFrame = field(default_factory=pd.DataFrame)


# -- calibration helpers ----------------------------------------------------------------

def _bounded_lognormal_mean(mu: float, sigma: float, lo: float, hi: float) -> float:
    """E[min(max(W, lo), hi)] for ln W ~ N(mu, sigma^2)."""
    N = NormalDist()
    a = (math.log(lo) - mu) / sigma
    b = (math.log(hi) - mu) / sigma
    return (lo * N.cdf(a) + hi * (1.0 - N.cdf(b))
            + math.exp(mu + sigma * sigma / 2.0) * (N.cdf(b - sigma) - N.cdf(a - sigma)))


def solve_wage_mu(target: float, sigma: float, lo: float, hi: float) -> float:
    """``mu`` such that the bounded lognormal has mean ``target`` (lo < target < hi)."""
    if not lo < target < hi:
        raise DataError("a target wage outside the floor and ceiling cannot be a mean of "
                        "bounded wages", value=target, expected=f"{lo:,.0f} < wage < {hi:,.0f}")
    # the bounded mean increases with mu, from about lo to about hi over this bracket
    a, b = math.log(lo) - 6 * sigma, math.log(hi) + 6 * sigma
    return float(optimize.brentq(lambda m: _bounded_lognormal_mean(m, sigma, lo, hi) - target,
                                 a, b, xtol=1e-14, rtol=4 * np.finfo(float).eps))


def _cum_hazard(mu: np.ndarray, y0: int, sex: np.ndarray, birth: np.ndarray, t0: np.ndarray,
                t1: np.ndarray) -> np.ndarray:
    """Integral of the force ``mu[year - y0, sex, age]`` over ``[t0, t1)`` (years)."""
    out = np.zeros(len(sex))
    for idx, a, b, age, year, _ in lexis_segments(birth, t0, t1):
        rate = mu[year - y0, sex[idx], np.minimum(age, mu.shape[2] - 1)]
        out[idx] += rate * (b - a).astype(np.int64) / YEAR_DAYS
    return out


def _first_event(mu: np.ndarray, y0: int, sex: np.ndarray, birth: np.ndarray, t0: np.ndarray,
                 t1: np.ndarray, clock: np.ndarray) -> np.ndarray:
    """Date the cumulative force from ``t0`` first reaches ``clock`` (an Exp(1) draw),
    or NaT when it does not before ``t1``. Exact for piecewise-constant forces; the
    date is the day the event falls in."""
    remaining = clock.astype(float).copy()
    out = np.full(len(sex), np.datetime64("NaT"), dtype="datetime64[D]")
    done = np.zeros(len(sex), dtype=bool)
    for idx, a, b, age, year, _ in lexis_segments(birth, t0, t1):
        live = ~done[idx]
        idx, a, b, age, year = idx[live], a[live], b[live], age[live], year[live]
        rate = mu[year - y0, sex[idx], np.minimum(age, mu.shape[2] - 1)]
        length = (b - a).astype(np.int64) / YEAR_DAYS
        mass = rate * length
        hit = mass >= remaining[idx]
        if hit.any():
            h = idx[hit]
            days = np.floor(remaining[h] / rate[hit] * YEAR_DAYS).astype(np.int64)
            days = np.minimum(days, (b[hit] - a[hit]).astype(np.int64) - 1)
            out[h] = a[hit] + days
            done[h] = True
        remaining[idx[~hit]] -= mass[~hit]
    return out


def whole_months(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whole months from date ``a`` to date ``b`` (0 when b <= a)."""
    da, db = ymd(a)[2], ymd(b)[2]
    m = month_index(b) - month_index(a) - (db < da).astype(np.int64)
    return np.maximum(m, 0)


def _add_months(d: date, months: int) -> np.datetime64:
    m = np.datetime64(d, "M") + months
    return m.astype("datetime64[D]") + (d.day - 1)


@dataclass(frozen=True)
class _Targets:
    actives: np.ndarray  # [2, 111] active members on the valuation date
    wages: np.ndarray    # [2, 111] mean insurable wage, KHR per month
    old_age: np.ndarray  # [2, 111] old-age pensioners (latent weights)
    months: tuple[tuple[int, float], ...]
    inactive_ratio: float
    female_share: float


def _targets() -> _Targets:
    rows, _meta = sd.derive_nssf_default()
    act = np.zeros((2, 111))
    wage = np.zeros((2, 111))
    old = np.zeros((2, 111))
    for s, sex in enumerate("MF"):
        a = rows[(rows.status == "active") & (rows.sex == sex)]
        g = a.groupby("age")
        act[s, g["count"].sum().index] = g["count"].sum().to_numpy()
        wage[s, g["average_monthly_wage"].first().index] = g["average_monthly_wage"].first()
        o = rows[(rows.status == "old_age") & (rows.sex == sex)]
        old[s, o["age"].to_numpy()] = o["count"].to_numpy()
    return _Targets(act, wage, old, sd.MONTHS_MIX, sd.INACTIVE_TOTAL / sd.ACTIVE_TOTAL,
                    sd.FEMALE_SHARE)


def _windows(valuation: date, months: tuple[tuple[int, float], ...]
             ) -> list[tuple[np.datetime64, np.datetime64, float]]:
    """Joining windows (first day, last day, share): joining in the window gives exactly
    ``m`` whole months to the valuation date."""
    out = []
    for m, share in months:
        first = _add_months(valuation, -(m + 1)) + 1
        last = _add_months(valuation, -m)
        out.append((first, last, share))
    return out


# -- the generator --------------------------------------------------------------------

def synthesize(
    n: int,
    seed: int,
    *,
    aset: Any = None,
    defects: float = 0.0,
    progress: Callable[[str], None] | None = None,
) -> SynthResult:
    """Make ``n`` synthetic member rows (and the pensioners among them).

    Parameters
    ----------
    n
        Rows of the member file (all statuses), >= 1.
    seed
        Seed of numpy's PCG64 generator: the same (n, seed, basis, defects) give the
        same files.
    aset
        Assumption set for mortality, exit rates, floor, ceiling and wage dispersion
        (default: the built-in ``cambodia-default``). Its valuation date is the date of
        the file.
    defects
        Share of rows to make defective for each kind in :data:`DEFECT_KINDS` (0 to
        0.05); the rows are disjoint and the counts are recorded in ``meta``.
    """
    say = progress or (lambda _m: None)
    if n < 1:
        raise DataError("the number of members must be at least 1", field="members", value=n)
    if not 0.0 <= defects <= 0.05:
        raise DataError("defect share out of range", field="defects", value=defects,
                        expected="0 <= share <= 0.05 of the rows for each kind")
    if aset is None:
        from actuary.assumptions import load_basis

        aset = load_basis()
    rng = np.random.default_rng(seed)
    V = aset.valuation_date
    Vd = np.datetime64(V, "D")
    start = aset.scheme.start_date
    p = aset.scheme.parameters
    floor = float(p.wage_floor.value_at(V))
    ceiling = float(p.wage_ceiling.value_at(V))
    if not 0.0 < floor < ceiling:
        # the wages are drawn within the floor and ceiling, to the NSSF's published means
        raise DataError("a synthetic NSSF-like membership needs a scheme with a wage floor "
                        "and ceiling", source=aset.files[0] if aset.files else aset.name,
                        field="scheme.parameters.wage_floor / wage_ceiling",
                        value=f"{floor:,.0f} / {ceiling:,.0f} KHR a month on {V}",
                        expected="0 < floor < ceiling, as in the NSSF scheme (--basis "
                                 "cambodia-default or a set built on it)")
    sigma = float(aset.demographic.wage_dispersion.value)
    T = _targets()
    y0 = min(start.year, V.year) - 1
    years = np.arange(y0, V.year + 1)
    mu_death = basis_forces(aset, "death", years)
    mu_exit1 = basis_forces(aset, "exit", years)
    windows = _windows(V, T.months)

    # Representative member of each cell (sex, age x at V, window c): born x + 1/2 years
    # before V, joined mid-window; cumulative forces from joining to V.
    ages = np.arange(15, max(LATENT_OLD_AGES) + 1)
    S, X, C = np.meshgrid(np.arange(2), ages, np.arange(len(windows)), indexing="ij")
    S, X, C = S.ravel(), X.ravel(), C.ravel()
    mid = np.array([w[0] + (w[1] - w[0]) // 2 for w in windows])
    t0 = mid[C]
    birth_mid = Vd - np.round((X + 0.5) * YEAR_DAYS).astype(np.int64)
    t1 = np.full(len(S), Vd)
    Hd = _cum_hazard(mu_death, y0, S, birth_mid, t0, t1)
    He = _cum_hazard(mu_exit1, y0, S, birth_mid, t0, t1)
    share = np.array([w[2] for w in windows])[C]
    act = T.actives[S, X] * share
    young = X < PENSION_AGE
    k = _solve_exit_scale(act[young], He[young], T.inactive_ratio)
    survive = np.exp(-Hd - k * He)
    # old ages: weight by the chance that the 60th birthday falls after joining
    span = (Vd - t0).astype(np.int64) / YEAR_DAYS
    feasible = np.clip(span - (X - PENSION_AGE), 0.0, 1.0)
    weight = np.where(young, act / survive, T.old_age[S, X] * share * feasible)
    prob = weight / weight.sum()

    say(f"drawing {n:,} members")
    cell = rng.choice(len(prob), size=n, p=prob)
    sex = S[cell]
    x = X[cell]
    c = C[cell]
    first = np.array([w[0] for w in windows])[c]
    width = np.array([(w[1] - w[0]).astype(np.int64) + 1 for w in windows])[c]
    entry = first + np.floor(rng.random(n) * width).astype(np.int64)
    # age at V uniform within the year of age; at old ages, 60th birthday after joining
    u = rng.random(n)
    span_i = (Vd - entry).astype(np.int64) / YEAR_DAYS
    room = np.where(x >= PENSION_AGE, np.clip(span_i - (x - PENSION_AGE), 1e-9, 1.0), 1.0)
    # born between (V - x - 1 years, V - x years]: exactly x completed years on V
    latest = from_ymd(V.year - x, np.full(n, V.month), np.full(n, V.day))
    earliest = from_ymd(V.year - x - 1, np.full(n, V.month), np.full(n, V.day)) + 1
    days_in = (latest - earliest).astype(np.int64) + 1
    birth = latest - np.floor(u * room * days_in).astype(np.int64)
    b60 = anniversary(birth, ymd(birth)[0] + PENSION_AGE)
    b60 = np.where(b60 <= entry, entry + 1, b60)  # rounding at the edge: retire the day after

    say("simulating deaths and exits")
    death = _first_event(mu_death, y0, sex, birth, entry, np.full(n, Vd), rng.exponential(size=n))
    exit_end = np.minimum(b60, Vd)
    exit_ = _first_event(k * mu_exit1, y0, sex, birth, entry, exit_end, rng.exponential(size=n))
    has_death = ~np.isnat(death)
    has_exit = ~np.isnat(exit_) & (~has_death | (exit_ < death))
    retire_day = b60 < Vd
    active_end = np.full(n, Vd)
    active_end = np.where(retire_day, b60, active_end)
    active_end = np.where(has_exit, exit_, active_end)
    active_end = np.where(has_death & (death < active_end), death, active_end)
    credits = whole_months(np.maximum(entry, np.datetime64(start, "D")), active_end)
    old_age = retire_day & ~(has_death & (death < b60))
    status = np.full(n, "active", dtype=object)
    sdate = entry.copy()
    status[has_exit] = "inactive"
    sdate[has_exit] = exit_[has_exit]
    status[old_age] = np.where(credits[old_age] >= MIN_MONTHS, "retired", "refunded")
    sdate[old_age] = b60[old_age]
    status[has_death] = "dead"
    sdate[has_death] = death[has_death]

    say("drawing wages")
    age_end = np.clip(completed_years(birth, np.where(status == "active", Vd, active_end)),
                      15, PENSION_AGE - 1)
    mu_w = _wage_mu(T.wages, sigma, floor, ceiling)
    wage = np.exp(mu_w[sex, age_end] + sigma * rng.standard_normal(n))
    wage = np.round(np.clip(wage, floor, ceiling))

    ids = np.char.add("SYN", np.char.zfill(np.arange(1, n + 1).astype(str), max(7, len(str(n)))))
    members = pd.DataFrame({
        "member_id": ids.astype(object),
        "sex": np.where(sex == 0, "M", "F").astype(object),
        "birth_date": birth, "entry_date": entry, "status": status, "status_date": sdate,
        "credited_months": credits.astype(np.int64),
        "insurable_wage": wage.astype(np.int64),
        "synthetic": "yes",
    })
    alive_retired = status == "retired"
    pens = members[alive_retired]
    pensioners = pd.DataFrame({
        "pensioner_id": np.char.add("SYNP", pens["member_id"].str[3:].to_numpy().astype(str)
                                    ).astype(object),
        "sex": pens["sex"].to_numpy(), "birth_date": pens["birth_date"].to_numpy(),
        "benefit_type": "old_age", "start_date": pens["status_date"].to_numpy(),
        "monthly_amount": np.round(sd.ACCRUAL * sd.PENSION_CREDIT_YEARS
                                   * pens["insurable_wage"].to_numpy(float)).astype(np.int64),
        "member_id": pens["member_id"].to_numpy(), "synthetic": "yes",
    })
    members = _as_text(members, ("birth_date", "entry_date", "status_date"))
    pensioners = _as_text(pensioners, ("birth_date", "start_date"))
    injected = _inject(members, pensioners, defects, rng, Vd, ceiling) if defects else {}
    age_v = completed_years(birth, np.full(n, Vd))
    calibration = _calibration(T, sex, age_v, status, wage, credits)
    meta = {
        "synthetic": True,
        "warning": "SYNTHETIC DATA made by actuary data synth: not real member records",
        "generator": GENERATOR,
        "seed": int(seed),
        "members": int(n),
        "pensioners": int(len(pensioners)),
        "valuation_date": V.isoformat(),
        "assumption_set": aset.name,
        "exit_scale_k": float(k),
        "wage_sigma": sigma,
        "wage_floor": floor,
        "wage_ceiling": ceiling,
        "statuses": {str(k_): int(v) for k_, v in pd.Series(status).value_counts().items()},
        "defects_share": float(defects),
        "defects_injected": injected,
        "sources": [
            "calibration figures of actuary/engine/starting_default.py (see its docstring for each "
            "figure's source and status)",
            "mortality and exit forces of the assumption set " + aset.name,
        ],
    }
    return SynthResult(members=members, pensioners=pensioners, meta=meta,
                       calibration=calibration)


def _solve_exit_scale(actives: np.ndarray, He: np.ndarray, ratio: float) -> float:
    """``k`` with sum(A (exp(k He) - 1)) / sum(A) = ratio (inactives per active).

    For a member active at joining with death force and exit force k x mu, P(active at
    V) = exp(-Hd - k He) and P(inactive at V) = exp(-Hd) (1 - exp(-k He)); weighting the
    cells by A / P(active) makes the expected ratio the expression above.
    """
    total = actives.sum()

    def r(k: float) -> float:
        return float(np.sum(actives * np.expm1(k * He)) / total)

    lo, hi = 0.0, 1.0
    while r(hi) < ratio:
        hi *= 2.0
        if hi > 1e3:
            raise DataError("cannot reach the inactive ratio with the basis's exit rates",
                            value=ratio)
    # r increases with k from r(0) = 0: one root in [0, hi], by Brent's method
    return float(optimize.brentq(lambda k: r(k) - ratio, lo, hi, xtol=1e-15,
                                 rtol=4 * np.finfo(float).eps))


def _wage_mu(targets: np.ndarray, sigma: float, floor: float, ceiling: float) -> np.ndarray:
    """Lognormal location by sex and age; ages without a target take the nearest one."""
    mu = np.zeros_like(targets)
    for s in range(2):
        have = np.nonzero(targets[s] > 0)[0]
        solved = {int(x): solve_wage_mu(float(targets[s, x]), sigma, floor, ceiling)
                  for x in have}
        for x in range(targets.shape[1]):
            mu[s, x] = solved[int(have[np.argmin(np.abs(have - x))])]
    return mu


def _as_text(frame: pd.DataFrame, date_cols: tuple[str, ...]) -> pd.DataFrame:
    out = frame.copy()
    for col in date_cols:
        out[col] = iso_dates(out[col].to_numpy(dtype="datetime64[D]"))
    for col in out.columns:
        if col not in date_cols and out[col].dtype.kind in "iu":
            out[col] = out[col].astype(np.int64)
    return out


def _inject(members: pd.DataFrame, pensioners: pd.DataFrame, share: float,
            rng: np.random.Generator, Vd: np.datetime64, ceiling: float) -> dict[str, int]:
    """Make disjoint sets of rows defective, one set per kind; return the rows per kind."""
    n = len(members)
    each = int(round(share * n))
    order = rng.permutation(n)
    active_rows = set(np.nonzero(members["status"].to_numpy() == "active")[0])
    taken: set[int] = set()
    out: dict[str, int] = {}
    pos = 0

    def pick(k: int, only_active: bool = False) -> np.ndarray:
        nonlocal pos
        chosen = []
        while len(chosen) < k and pos < n:
            i = int(order[pos])
            pos += 1
            if i in taken or (only_active and i not in active_rows):
                continue
            chosen.append(i)
            taken.add(i)
        return np.array(chosen, dtype=np.int64)

    def col(name: str) -> int:
        return members.columns.get_loc(name)

    birth = members["birth_date"].to_numpy(dtype="datetime64[D]")
    entry = members["entry_date"].to_numpy(dtype="datetime64[D]")
    r = pick(each)
    members.iloc[r, col("sex")] = "X"
    out["bad_sex"] = len(r)
    r = pick(each)
    members.iloc[r, col("birth_date")] = "1990-02-30"
    out["bad_date"] = len(r)
    r = pick(each)
    members.iloc[r, col("entry_date")] = np.datetime_as_string(birth[r] - 365, unit="D")
    out["date_order"] = len(r)
    r = pick(each, only_active=True)
    members.iloc[r, col("status_date")] = str(Vd + 30)
    out["future_date"] = len(r)
    r = pick(each)
    members.iloc[r, col("birth_date")] = np.datetime_as_string(entry[r] - 10 * 366, unit="D")
    out["entry_age"] = len(r)
    r = pick(each)
    members.iloc[r, col("birth_date")] = "1900-01-01"
    out["age_out_of_range"] = len(r)
    r = pick(each)
    members.iloc[r, col("credited_months")] = 400
    out["credits_too_long"] = len(r)
    r = pick(each, only_active=True)
    members.iloc[r, col("insurable_wage")] = 100_000
    out["wage_below_floor"] = len(r)
    r = pick(each, only_active=True)
    members.iloc[r, col("insurable_wage")] = int(2 * ceiling)
    out["wage_above_ceiling"] = len(r)
    r = pick(each)
    members.iloc[r, col("status_date")] = ""
    out["missing_value"] = len(r)
    # duplicates: a row takes the id of another untouched row; both are rejected
    r = pick(each)
    src = pick(len(r))
    members.iloc[r[: len(src)], col("member_id")] = members["member_id"].to_numpy()[src]
    out["duplicate_id"] = 2 * len(src)
    if len(pensioners):
        k = min(len(pensioners), max(1, int(round(share * len(pensioners)))))
        r = rng.choice(len(pensioners), size=k, replace=False)
        pensioners.iloc[r, pensioners.columns.get_loc("start_date")] = ""
        out["missing_start_date"] = int(k)
    return out


def _calibration(T: _Targets, sex: np.ndarray, x: np.ndarray, status: np.ndarray,
                 wage: np.ndarray, credits: np.ndarray) -> pd.DataFrame:
    """Targets against what was drawn (actives on the valuation date, before defects)."""
    act = status == "active"
    n_act = max(int(act.sum()), 1)
    rows = [
        ("female share of actives", T.female_share, float(np.mean(sex[act] == 1)),
         "836,288 / 1,335,609 (Phnom Penh Post 2023)", "derived from secondary"),
        ("inactives per active", T.inactive_ratio, float(np.sum(status == "inactive") / n_act),
         "400,000 / 1,560,000 (starting_default)", "unverified"),
        ("mean credited months of actives", float(sum(m * s for m, s in T.months)),
         float(np.mean(credits[act])), "months mix of starting_default", "unverified"),
    ]
    for s, name in ((0, "men"), (1, "women")):
        a = act & (sex == s)
        target = float(np.sum(T.actives[s] * T.wages[s]) / T.actives[s].sum())
        rows.append((f"mean insurable wage of active {name}, KHR per month", target,
                     float(np.mean(wage[a])) if a.any() else np.nan,
                     "AVERAGE_WAGE of starting_default", "unverified"))
    dist_t = T.actives.sum(axis=0) / T.actives.sum()
    ages_act = np.bincount(x[act], minlength=dist_t.size)[: dist_t.size] / n_act
    rows.append(("age distribution of actives: total variation distance", 0.0,
                 float(0.5 * np.abs(ages_act - dist_t).sum()),
                 "WPP 2024 x coverage profile (starting_default)", "unverified"))
    return pd.DataFrame(rows, columns=["measure", "target", "synthetic", "source", "status"])


# -- writing ----------------------------------------------------------------------------

def _write_frame(frame: pd.DataFrame, path: Path) -> None:
    suffix = path.suffix.lower()
    with atomic_path(path) as tmp:
        if suffix == ".csv":
            spreadsheet_safe(frame).to_csv(tmp, index=False, lineterminator="\n")
        elif suffix == ".parquet":
            frame.astype({c: str for c in frame.columns if frame[c].dtype == object}).to_parquet(
                tmp, index=False, engine="pyarrow")
        elif suffix == ".xlsx":
            _write_xlsx(frame, tmp)
        else:  # pragma: no cover - checked before
            raise AssertionError(suffix)


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    ws = book.create_sheet("SYNTHETIC members")
    ws.append(list(frame.columns))
    for rec in frame.itertuples(index=False):
        cells = []
        for v in rec:
            cell = WriteOnlyCell(ws, value=v.item() if hasattr(v, "item") else v)
            if isinstance(v, str):
                cell.data_type = "s"  # text stays text, whatever it starts with
            cells.append(cell)
        ws.append(cells)
    save_xlsx(book, path)


def output_paths(out: str | Path) -> tuple[Path, Path, Path]:
    """Member file, pensioner file and sidecar for ``--out``; the name must say synthetic."""
    out = Path(out)
    if "synthetic" not in out.name.lower():
        raise DataError("the output name must contain 'synthetic' (synthetic data are marked in "
                        "their file names)", source=str(out), value=out.name,
                        expected="e.g. members_synthetic.csv")
    if out.suffix.lower() not in (".csv", ".parquet", ".xlsx"):
        raise DataError("unknown output type", source=str(out), value=out.suffix,
                        expected=".csv, .parquet or .xlsx")
    pens = out.with_name(f"{out.stem}_pensioners{out.suffix}")
    return out, pens, out.with_suffix(".yaml")


def write_synthetic(result: SynthResult, out: str | Path) -> tuple[Path, Path, Path]:
    """Write the member file, the pensioner file beside it and the sidecar, atomically."""
    members_path, pens_path, side = output_paths(out)
    if members_path.suffix.lower() == ".xlsx" and len(result.members) > 1_048_575:
        raise DataError("too many rows for a workbook", source=str(members_path),
                        value=len(result.members), expected="at most 1,048,575 rows (use .csv "
                        "or .parquet)")
    _write_frame(result.members, members_path)
    _write_frame(result.pensioners, pens_path)
    meta = dict(result.meta, files={"members": members_path.name, "pensioners": pens_path.name})
    write_atomic(side, lambda p: p.write_text(yaml.safe_dump(meta, sort_keys=False, width=100),
                                              encoding="utf-8"))
    return members_path, pens_path, side
