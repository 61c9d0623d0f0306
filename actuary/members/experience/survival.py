"""Non-parametric survival fits (Kaplan-Meier, Nelson-Aalen, by lifelines) on the time
scale of each decrement, with what they leave out said.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from actuary.members.experience.observations import InsufficientData, Observations, YEAR_DAYS

__all__ = ["survival_inputs", "SURVIVAL_COLUMNS", "survival_fits"]


def survival_inputs(obs: Observations, timescale: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(entry, exit, event) times in years on the ``age`` or ``duration`` time scale:
    age from birth, or duration since joining; entry > 0 is left truncation."""
    origin = obs.birth if timescale == "age" else obs.entry
    entry = (obs.start - origin).astype(np.int64) / YEAR_DAYS
    exit_ = (obs.end - origin).astype(np.int64) / YEAR_DAYS
    return entry, exit_, obs.event.astype(bool)


SURVIVAL_COLUMNS = ["estimator", "group", "time", "estimate", "lower", "upper", "at_risk",
                    "events"]


def survival_fits(obs: Observations, timescale: str, alpha: float = 0.05,
                  max_points: int = 2000, left_out: list[str] | None = None) -> pd.DataFrame:
    """Kaplan-Meier survival and Nelson-Aalen cumulative hazard (lifelines), all and by sex.

    Left truncation: each member enters the risk set at the entry time. Returns a tidy
    frame (estimator, group, time, estimate, lower, upper, at_risk, events) thinned to at
    most ``max_points`` event times per curve (every k-th time, the last always kept).

    A curve lifelines cannot estimate (no one at risk at some time while members enter
    later: too few members) is left out and described in ``left_out`` when a list is
    given; without one it raises :class:`InsufficientData`.
    """
    from lifelines import KaplanMeierFitter, NelsonAalenFitter
    from lifelines.exceptions import StatError

    entry, exit_, event = survival_inputs(obs, timescale)
    frames = []
    for group, mask in (("all", np.ones(len(obs), bool)), ("M", obs.sex == 0), ("F", obs.sex == 1)):
        if not mask.any():
            continue
        # Nelson-Aalen without lifelines' tie smoothing: the increment at a time with d
        # events among n at risk is d / n (dates make ties common)
        for name, fitter, col in (("kaplan_meier", KaplanMeierFitter(alpha=alpha), "KM_estimate"),
                                  ("nelson_aalen", NelsonAalenFitter(
                                      alpha=alpha, nelson_aalen_smoothing=False), "NA_estimate")):
            try:
                fitter.fit(exit_[mask], event[mask], entry=entry[mask], label=col)
            except StatError:
                # With left truncation, a time at which no one is at risk while others
                # enter later breaks the product of conditional survivals; lifelines
                # refuses the whole curve.
                gap = _risk_set_gap(entry[mask], exit_[mask])
                at = f" after {timescale} {gap:.2f}" if gap is not None else ""
                what = (f"{name.replace('_', '-').title()} curve ({group}): no one is at risk"
                        f"{at} while members enter later (left truncation): too few members "
                        f"({_counted(int(mask.sum()), 'member')}, "
                        f"{_counted(int(event[mask].sum()), 'event')})")
                if left_out is None:
                    raise InsufficientData(what, field="survival curve",
                                           value=f"{name} {group}",
                                           expected="more members at risk at each event time")
                left_out.append(what)
                continue
            est = fitter.survival_function_ if name == "kaplan_meier" else fitter.cumulative_hazard_
            ci = fitter.confidence_interval_
            table = fitter.event_table
            f = pd.DataFrame({"time": est.index.to_numpy(float), "estimate": est.iloc[:, 0].to_numpy(),
                              "lower": ci.iloc[:, 0].to_numpy(), "upper": ci.iloc[:, 1].to_numpy()})
            f["at_risk"] = table["at_risk"].reindex(est.index).to_numpy()
            f["events"] = table["observed"].reindex(est.index).to_numpy()
            f = f[(f["events"] > 0) | (f.index == 0) | (f.index == len(f) - 1)]
            if len(f) > max_points:
                step = int(math.ceil(len(f) / max_points))
                keep = np.zeros(len(f), bool)
                keep[::step] = True
                keep[-1] = True
                f = f[keep]
            f.insert(0, "group", group)
            f.insert(0, "estimator", name)
            frames.append(f)
    if not frames:
        return pd.DataFrame(columns=SURVIVAL_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _risk_set_gap(entry: np.ndarray, exit_: np.ndarray) -> float | None:
    """The first time at which no one is at risk while someone enters later (members are
    at risk on ``(entry, exit]``), or ``None``."""
    times = np.unique(np.concatenate([entry, exit_]))
    at_risk = (np.searchsorted(np.sort(entry), times, side="right")
               - np.searchsorted(np.sort(exit_), times, side="right"))
    gap = times[(at_risk == 0) & (times < entry.max())]
    return float(gap[0]) if gap.size else None


def _counted(n: float, word: str) -> str:
    """``n`` with ``word`` in the singular or the plural."""
    return f"{n:,.0f} {word}{'' if n == 1 else 's'}"
