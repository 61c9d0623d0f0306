"""From a study to a decrement table in the tables layer's format (``NAME.csv`` and its
sidecar), exit rates turned back from forces into the basis's dependent probabilities.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import optimize
import pandas as pd

from actuary.io.errors import AssumptionError
from actuary.engine.table_rates import by_age as _by_age
from actuary.members.experience.expected import MAX_FORCE, basis_forces, pension_age_in
from actuary.members.experience.study import ExperienceResult, _f

__all__ = [
    "TABLE_AGES", "TABLE_KINDS", "experience_table", "exit_rate_from_force",
    "write_experience_table"
]


TABLE_AGES = {"death": (0, 110), "exit": (15, 110), "retirement": (15, 110)}


TABLE_AGES = {"death": (0, 110), "exit": (15, 110), "retirement": (15, 110)}
TABLE_KINDS = {"death": "qx", "exit": "rate", "retirement": "rate"}


def experience_table(result: ExperienceResult, aset: Any, name: str) -> Any:
    """The study's rates as a :class:`~actuary.tables.Table` in the basis's conventions.

    * death (kind ``qx``, ages 0-110): ``q = 1 - exp(-mu)`` on the graduated ages; other
      ages the basis's mortality of the study's middle year times the ratio graduated /
      basis at the nearest graduated age; ``q_110 = 1``.
    * exit (kind ``rate``, ages 15-110): the graduated force turned back into the
      basis's dependent probability beside death and invalidity,
      ``q_exit = mu_exit / mu_total * (1 - exp(-mu_total))``; other ages as for death;
      zero from the pension age (the projection retires members first).
    * retirement (kind ``rate``, ages 15-110): crude ``q`` where observed, else the
      basis's rule (1 in the year of age ending at the pension age, 0 elsewhere). The
      basis has no retirement-rate parameter yet: this table is evidence for one.

    A sex not graduated (no events, or too few) keeps the basis's values (said in the
    method).
    """
    from actuary.tables import Table, TableMeta

    d = result.decrement
    lo, hi = TABLE_AGES[d]
    ages = np.arange(lo, hi + 1)
    o = result.observations
    mid_year = int((o.study_start.year + o.study_end.year) // 2)
    pa = pension_age_in(aset, mid_year)
    values = {}
    method_lines = []
    for s, sex in enumerate(("M", "F")):
        if d == "retirement":
            base = np.where(ages == pa - 1, 1.0, 0.0)
            r = result.rates[(result.rates["sex"] == sex) & (result.rates["initial"] > 0)]
            v = base.copy()
            pos = r["age"].to_numpy() - lo
            ok = (pos >= 0) & (pos < len(ages))
            v[pos[ok]] = r["q"].to_numpy()[ok]
            values[sex] = v
            method_lines.append(f"{sex}: crude q = events / initial exposure at ages "
                                f"{_ages_text(r['age'])}; other ages the basis's rule")
            continue
        mu_d = basis_forces(aset, "death", np.array([mid_year]))[0, s]
        if d == "death":
            base_mu = mu_d
        else:
            base_mu = basis_forces(aset, "exit", np.array([mid_year]))[0, s]
        g = result.graduations.get(sex)
        mu = base_mu[ages].copy()
        if g is None:
            why = result.not_graduated.get(sex, "no events")
            method_lines.append(f"{sex}: not graduated ({why}); the basis's values")
        else:
            inside = (ages >= g.ages.min()) & (ages <= g.ages.max())
            grad = np.interp(ages, g.ages, g.mu)  # graduated ages (interpolated over gaps)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(base_mu[g.ages] > 0, g.mu / base_mu[g.ages], np.nan)
            r_lo = ratio[0] if np.isfinite(ratio[0]) else 1.0
            r_hi = ratio[-1] if np.isfinite(ratio[-1]) else 1.0
            mu = np.where(inside, grad, np.where(ages < g.ages.min(), mu * r_lo, mu * r_hi))
            method_lines.append(
                f"{sex}: ages {g.ages.min()}-{g.ages.max()} graduated ({g.detail}); ages below "
                f"the basis x {r_lo:.4f}, above x {r_hi:.4f} (the ratio at the nearest "
                f"graduated age)")
        if d == "death":
            q = 1.0 - np.exp(-mu)
            q[-1] = 1.0
        else:
            q = exit_rate_from_force(mu, _other_rates(aset, mid_year, s)[ages])
            q = np.where(ages >= pa, 0.0, q)
        values[sex] = np.clip(q, 0.0, 1.0)
    rows = pd.DataFrame({"sex": np.repeat(["M", "F"], len(ages)),
                         "age": np.tile(ages, 2),
                         "value": np.concatenate([values["M"], values["F"]])})
    tot = result.ae[(result.ae["sex"] == "M+F") & (result.ae["ages"] == "all")].iloc[0]
    synthetic = " SYNTHETIC DATA (not real records)." if result.synthetic else ""
    meta = TableMeta(
        description=(f"Experience-based {d} rates from member data, study window "
                     f"{o.study_start} to {o.study_end}.{synthetic}"),
        unit="probability per year",
        source=f"{result.source or 'member data'}; actuary experience --decrement {d}",
        licence="as the member data",
        status="unverified" if result.synthetic else "derived",
        method="\n".join([
            f"Exposure from dated member records (actuary.members.experience): {o.years_observed:,.1f} "
            f"years observed, {int(o.event.sum()):,} events, A/E against {result.basis} "
            f"{_f(tot.ae)}.",
            *method_lines,
        ]),
        extra={"study_start": o.study_start.isoformat(), "study_end": o.study_end.isoformat(),
               "as_of": o.as_of.isoformat(), "actual": float(tot.events),
               "expected": float(tot.expected), "synthetic": bool(result.synthetic)},
    )
    return Table(name=name, kind=TABLE_KINDS[d], meta=meta, data=rows)


def _other_rates(aset: Any, year: int, s: int) -> np.ndarray:
    """Death plus invalidity probabilities of actives in ``year`` (ages 0-110), as
    :func:`basis_forces` adds them to the exit rate."""
    demo = aset.demographic
    q = np.minimum(_by_age(aset.tables["demographic.mortality"], np.array([year]), beyond="hold")
                   [0, s] * demo.mortality.scale, 1.0)
    inv = _by_age(aset.tables["demographic.invalidity"])[s] * demo.invalidity.scale
    return q + inv


def exit_rate_from_force(mu: np.ndarray, q_other: np.ndarray) -> np.ndarray:
    """The dependent exit probability ``q`` whose force (as :func:`basis_forces` reads
    it) is ``mu``: the root of ``q * -ln(1 - q_other - q) / (q_other + q) = mu`` on
    ``[0, 1 - q_other)`` (the left side increases with q from 0 to infinity there;
    capped at :data:`MAX_FORCE`, so a force at the cap gives ``1 - q_other``), by
    :func:`scipy.optimize.brentq` for each age (to 1e-15 in q)."""
    mu = np.asarray(mu, dtype=float)
    other = np.broadcast_to(np.asarray(q_other, dtype=float), mu.shape)
    room = np.clip(1.0 - other, 0.0, 1.0)

    def force(q: float, q_o: float) -> float:
        Q = min(q_o + q, 1.0)
        if Q <= 0:
            return 0.0
        total = MAX_FORCE if Q >= 1.0 else min(-math.log1p(-Q), MAX_FORCE)
        return q * total / Q

    out = np.zeros(mu.shape)
    for i in np.ndindex(mu.shape):
        m, q_o, top = float(mu[i]), float(other[i]), float(room[i])
        if m <= 0 or top <= 0:
            continue
        if force(top, q_o) <= m:  # the cap reached within [0, room]: the whole room
            out[i] = top
            continue
        out[i] = optimize.brentq(lambda q: force(q, q_o) - m, 0.0, top, xtol=1e-15,
                                 rtol=4 * np.finfo(float).eps)
    return out


def _ages_text(ages: pd.Series) -> str:
    a = sorted(set(int(x) for x in ages))
    return f"{a[0]}-{a[-1]}" if a else "none"


def write_experience_table(result: ExperienceResult, aset: Any, path: str | Any) -> Any:
    """Write the table as ``path`` (CSV) + sidecar YAML, atomically; returns the CSV path."""
    from pathlib import Path

    from actuary.tables import save_table

    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise AssumptionError("a table is written as CSV + YAML", field="table",
                              value=str(path), expected="a name ending in .csv")
    table = experience_table(result, aset, path.stem)
    return save_table(table, path.parent)
