"""The result of :func:`actuary.api.valuate`: pandas views by year, a summary, plots."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from actuary.analysis.valuation import ValuationResult

__all__ = ["Valuation"]

#: Summary keys that are rates (fractions), shown as per cent in the repr.
_RATES = ("gap_25", "gap_50", "gap_75", "actuarial_balance_75", "steady_state_rate")


class Valuation:
    """One valuation's results, indexed by calendar year (money in nominal KHR).

    Attributes
    ----------
    yearly : DataFrame
        One row per projection year (index ``year``): people, money, ratios.
    by_sex : DataFrame
        Index ``(year, sex)``: contributors, pensioners, average amounts, replacement rates.
    summary : Series
        Headline indicators by key (``gap_75``, ``depletion_year``, ...); rates as fractions.
    accrued : Series
        The implicit pension debt: ``adl`` (KHR), ``reserve0``, ``funded_ratio``,
        ``adl_pct_gdp``; empty where not computed.
    careers, sensitivity : DataFrame
        Model careers with the ILO C102 check; one row per sensitivity or stress test.
    basis : AssumptionSet
        The set valued.
    result : ValuationResult
        Everything the valuation computed (projection arrays, cash flows, provenance).
    plot : accessor
        ``plot.reserve()``, ``plot.cost_rate()``, ``plot.pyramid(year)`` (matplotlib).
    """

    def __init__(self, result: "ValuationResult") -> None:
        self.result = result

    @property
    def basis(self) -> Any:
        return self.result.aset

    @property
    def yearly(self) -> pd.DataFrame:
        return self.result.yearly.set_index("year")

    @property
    def by_sex(self) -> pd.DataFrame:
        return self.result.by_sex.set_index(["year", "sex"])

    @property
    def summary(self) -> pd.Series:
        return pd.Series(self.result.summary, name=self.result.aset.name, dtype=object)

    @property
    def accrued(self) -> pd.Series:
        return pd.Series(self.result.accrued, name="implicit pension debt", dtype=object)

    @property
    def careers(self) -> pd.DataFrame:
        return self.result.careers

    @property
    def sensitivity(self) -> pd.DataFrame:
        return self.result.sensitivity

    def people(self, year: int) -> pd.DataFrame:
        """Insured people on 1 January of ``year``, index age, columns ``(status, sex)``."""
        from actuary.engine.state import SEXES, STATUS_NAMES

        p = self.result.projection
        t = int(year) - int(p.basis.first_year)
        if not 0 <= t < p.people.shape[0]:
            raise ValueError(f"year {year} is outside the projection's stocks "
                             f"({p.basis.first_year}-{p.basis.first_year + p.people.shape[0] - 1})")
        cols = pd.MultiIndex.from_product([STATUS_NAMES, SEXES], names=["status", "sex"])
        data = p.people[t].reshape(len(STATUS_NAMES) * len(SEXES), -1).T
        return pd.DataFrame(data, columns=cols, index=pd.RangeIndex(data.shape[0], name="age"))

    @property
    def plot(self) -> "_Plots":
        return _Plots(self)

    def __repr__(self) -> str:
        s = self.result.summary
        parts = [f"{k.replace('_', ' ')} {100 * s[k]:.2f}%" for k in ("gap_75",)
                 if isinstance(s.get(k), float) and np.isfinite(s[k])]
        dep = s.get("depletion_year")
        parts.append(f"depletion {dep if dep is not None else 'none in the projection'}")
        adl = self.result.accrued.get("adl")
        if adl is not None:
            parts.append(f"accrued liability {adl / 1e9:,.1f} bn KHR")
        return (f"<Valuation {self.result.aset.name!r} {s.get('first_year')}-{s.get('last_year')}: "
                + ", ".join(parts) + ">")


class _Plots:
    """Plots of a :class:`Valuation` (matplotlib; each returns its Axes)."""

    def __init__(self, valuation: Valuation) -> None:
        self._v = valuation

    @staticmethod
    def _axes(ax: Any) -> Any:
        if ax is not None:
            return ax
        import matplotlib.pyplot as plt

        return plt.subplots(figsize=(8, 4.5))[1]

    def reserve(self, ax: Any = None) -> Any:
        """The reserve at the end of each year, billion KHR (nominal)."""
        ax = self._axes(ax)
        y = self._v.yearly
        ax.plot(y.index, y["reserve_end"] / 1e9)
        ax.axhline(0.0, color="grey", linewidth=0.8)
        ax.set(title=f"Reserve at the end of the year, {self._v.basis.name}",
               xlabel="year", ylabel="billion KHR (nominal)")
        return ax

    def cost_rate(self, ax: Any = None) -> Any:
        """The PAYG cost rate against the contribution rate, per cent of insurable earnings."""
        ax = self._axes(ax)
        y = self._v.yearly
        ax.plot(y.index, 100 * y["payg_cost_rate"], label="PAYG cost rate")
        ax.plot(y.index, 100 * y["contribution_rate"], label="contribution rate", linestyle="--")
        ax.set(title=f"Cost and contribution rates, {self._v.basis.name}", xlabel="year",
               ylabel="% of insurable earnings")
        ax.legend()
        return ax

    def pyramid(self, year: int | None = None, ax: Any = None) -> Any:
        """The insured population by age and sex on 1 January of ``year`` (default the
        valuation date): men to the left, women to the right, stacked by status."""
        from actuary.engine.state import STATUS_NAMES

        ax = self._axes(ax)
        year = int(self._v.basis.first_year if year is None else year)
        people = self._v.people(year)
        ages = people.index.to_numpy()
        colours = [f"C{i}" for i in range(len(STATUS_NAMES))]  # one colour a status, both sexes
        for sex, sign in (("M", -1.0), ("F", 1.0)):
            left = np.zeros(len(ages))
            for status, colour in zip(STATUS_NAMES, colours):
                width = sign * people[(status, sex)].to_numpy() / 1e3
                ax.barh(ages, width, left=left, height=1.0, color=colour,
                        label=status.replace("_", " ") if sex == "M" else None)
                left += width
        ax.axvline(0.0, color="black", linewidth=0.8)
        # men are drawn to the left as negative widths; label the axis with head counts
        ax.xaxis.set_major_formatter(lambda x, _pos: f"{abs(x):,.0f}")
        ax.set(title=f"Insured population on 1 January {year}: men (left), women (right)",
               xlabel="thousands of people", ylabel="age")
        ax.legend(fontsize="small")
        return ax
