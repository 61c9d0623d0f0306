"""Analysis of change: why the result of a valuation differs from the previous one.

Each side is a valuation's inputs: an assumption set with its starting population (the
one the set names, or a file given instead). The analysis goes from the previous inputs
to the current ones one group of keys at a time (:mod:`.change_keys`), in a stated
order, re-running the valuation at each step; the change an indicator shows at a step is
attributed to that step's group. The steps telescope: their sum is the total change
(``after`` of the last step minus ``before`` of the first) up to floating-point rounding
of the subtractions (about 1e-16 relative; tested to 1e-9).

The states (``S_0`` the previous valuation, ``S_n`` the current one):

* **roll-forward** (expected experience): the previous valuation carried to the new date
  as if everything had gone as assumed. The previous set is projected from its own date
  over ``k`` more years (``k`` = the difference of the valuation years; a part year is not
  rolled, the projection's step being a calendar year) and every indicator is measured
  from the new date on: the reserve at the new date is the projected one, the GAP and the
  actuarial balance run over the years from it. The accrued-to-date liability at the new
  date is the previous one accumulated at the previous basis's return for the ``k``
  years: the benefits paid and the rights earned in those years are not rolled (the
  projection does not keep members' service by year), so they fall into the data step.
  With equal valuation years the step is zero.
* **data**: the current starting population and its reserve (needs the roll-forward
  before it: the population is dated at the new date).
* **demographic, economic, methods, rules, new entrants**: the current set's keys of
  that group (:data:`~actuary.studies.change_keys.KEY_GROUPS`).

Indicators at each state (:data:`INDICATORS`): GAP over 25, 50 and 75 years and the
actuarial balance (fractions of insurable earnings), the depletion year under the
legislated rates and under the contribution rate held at its last enacted step (as the
held path of :func:`actuary.analysis.rate_paths.held_rates`), the reserve
ratio in years 10, 25 and 50 (years of expenditure), the reserve at the valuation date
and the accrued-to-date liability (KHR). A depletion year that is none in one of two
states has no change (an empty cell): a year has no difference with "never".

Order dependence: each group's change when taken first (right after the groups it needs:
the data step needs the roll-forward) and when taken last (before the groups that need
it), beside its change in the order chosen.

Identical intermediate inputs (the same body, population and rolled years) are valued
once: the same inputs give the same result, bit for bit.

Money context of each state (``state["money"]``, for showing its KHR amounts in USD, as
shares of GDP and in constant prices; not an indicator): the calendar year its amounts are
measured at (the set's valuation year, plus the rolled years in the roll-forward state),
the state's set's exchange rate (KHR per USD, average of that year; None without one) and
GDP (KHR, that year, as the valuation projects it: :func:`actuary.frame.build.gdp_path`;
None when the set's national frame cannot be built in that year) there, and the growth of its set's CPI index over the rolled years
(``P_{year} / P_{first}`` with ``P`` as :func:`actuary.frame.economy.level_path` builds
it from ``economic.price_inflation`` averaged by year; 1 when nothing is rolled):
:attr:`ChangeResult.price_growth` is the roll-forward state's, the inflation its expected
experience assumes from the previous valuation year to the current one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from actuary.analysis import indicators as ind
from actuary.analysis.rate_paths import held_rates
from actuary.analysis.valuation import (
    accrued_liability,
    cash_flows,
    load_population,
    summary_indicators,
    yearly_frame,
)
from actuary.assumptions.loader import load_raw
from actuary.assumptions.overlay import RawSet, read_set
from actuary.assumptions.registry import DEFAULT_SET, resolve
from actuary.engine.build import build_basis
from actuary.engine.projection import project
from actuary.frame.build import gdp_path
from actuary.frame.economy import level_path
from actuary.io.errors import ActuaryError, AssumptionError

from .change_keys import GROUP_TITLES, GROUPS, changed_keys, hybrid

__all__ = ["INDICATORS", "ChangeResult", "Side", "analyse_change", "parse_order",
           "REQUIRES"]

#: (key, label, kind): kind ``rate`` (fraction), ``year``, ``ratio`` (years of
#: expenditure) or ``khr``.
INDICATORS: tuple[tuple[str, str, str], ...] = (
    ("gap_25", "GAP 25 years", "rate"),
    ("gap_50", "GAP 50 years", "rate"),
    ("gap_75", "GAP 75 years", "rate"),
    ("actuarial_balance_75", "actuarial balance (75 years)", "rate"),
    ("depletion_year", "depletion year (legislated rates)", "year"),
    ("depletion_year_held", "depletion year (rate held at its last enacted step)", "year"),
    ("reserve_ratio_year_10", "reserve ratio, year 10", "ratio"),
    ("reserve_ratio_year_25", "reserve ratio, year 25", "ratio"),
    ("reserve_ratio_year_50", "reserve ratio, year 50", "ratio"),
    ("reserve0", "reserve at the valuation date (KHR)", "khr"),
    ("adl", "accrued-to-date liability (KHR)", "khr"),
)

#: Groups a group needs before it: the current population is dated at the new date.
REQUIRES: dict[str, tuple[str, ...]] = {"data": ("roll_forward",)}

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Side:
    """One valuation's inputs: an assumption set (path or shipped name) and, optionally,
    a starting-population file used instead of the one the set names."""

    basis: str | None
    population: str | None = None

    def read(self) -> RawSet:
        ref = DEFAULT_SET if self.basis is None else str(self.basis)
        return read_set(resolve(ref, Path.cwd(), "set", None, role="assumption set"))


@dataclass
class ChangeResult:
    """An analysis of change.

    Attributes
    ----------
    previous, current
        Names of the two assumption sets.
    order
        The groups in the order the steps took them.
    steps
        Long table ``step, title, indicator, label, kind, before, after, change``: one row
        per step and indicator, then the ``total`` rows.
    order_dependence
        ``group, indicator, label, kind, in_order, first, last, spread`` (``spread`` =
        ``last - first``).
    changed
        Group -> the key paths whose values differ between the two sets.
    states
        The indicators of each state, ``S_0`` .. ``S_n`` (dicts by indicator key, and
        ``money``: the state's money context, see the module docstring).
    valuation_dates
        (previous, current) valuation dates, ISO text.
    runs
        Number of distinct valuations run.
    """

    previous: str
    current: str
    order: tuple[str, ...]
    steps: pd.DataFrame
    order_dependence: pd.DataFrame
    changed: dict[str, list[str]]
    states: list[dict]
    valuation_dates: tuple[str, str]
    runs: int = 0
    inputs: list[str] = field(default_factory=list)
    #: (group, ``first`` or ``last``) -> the (before, after) states of that change in the
    #: order dependence (empty with no order check).
    dependence_states: dict[tuple[str, str], tuple[dict, dict]] = field(default_factory=dict)

    @property
    def price_growth(self) -> float:
        """Growth of the price index from the previous valuation year to the current one:
        the roll-forward state's (1 with equal years)."""
        return float(self.states[self.order.index("roll_forward") + 1]["money"]["price_growth"])

    def csv_frame(self) -> pd.DataFrame:
        """The ``change.csv`` columns: step, indicator, before, after, change."""
        return self.steps[["step", "indicator", "before", "after", "change"]].copy()

    def total(self, indicator: str) -> float:
        """The total change of ``indicator`` (NaN when undefined)."""
        t = self.steps[(self.steps.step == "total") & (self.steps.indicator == indicator)]
        return float(t["change"].iloc[0])


def parse_order(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """The order of the groups: every group once, the data step after the roll-forward.

    ``text`` is comma-separated group names (or a sequence); None gives :data:`GROUPS`.

    Raises
    ------
    ActuaryError
        For an unknown or repeated group, a missing one, or a group before one it needs.
    """
    if text is None:
        return GROUPS
    names = [n.strip() for n in (text.split(",") if isinstance(text, str) else text)]
    expected = "every group once, comma-separated: " + ",".join(GROUPS)
    for n in names:
        if n not in GROUPS:
            raise ActuaryError("unknown group", field="--order", value=n, expected=expected)
    if len(set(names)) != len(names) or set(names) != set(GROUPS):
        raise ActuaryError("the order must name every group exactly once", field="--order",
                           value=",".join(names), expected=expected)
    for g, needs in REQUIRES.items():
        for n in needs:
            if names.index(n) > names.index(g):
                raise ActuaryError(f"'{g}' needs '{n}' before it (the current population is "
                                   "dated at the new valuation date)", field="--order",
                                   value=",".join(names), expected=f"{n} before {g}")
    return tuple(names)


def _set_date(body: dict) -> str:
    return str(body.get("valuation_date"))


def _year(text: str) -> int:
    return int(str(text)[:4])


class _Runner:
    """Values intermediate states, each distinct input once."""

    def __init__(self, prev: RawSet, cur: RawSet, sides: tuple[Side, Side],
                 say: Progress) -> None:
        self.prev, self.cur, self.sides, self.say = prev, cur, sides, say
        self.roll = _year(_set_date(cur.body)) - _year(_set_date(prev.body))
        self.cache: dict[str, dict] = {}
        self.inputs: set[str] = set()

    def state(self, taken: frozenset[str]) -> dict:
        raw = hybrid(self.prev, self.cur, taken)
        roll = 0
        if "roll_forward" in taken and "data" not in taken:
            # the previous population, projected k more years from its own date
            raw.body["valuation_date"] = self.prev.body["valuation_date"]
            raw.origins[("valuation_date",)] = self.prev.origin(("valuation_date",))
            roll = self.roll
            raw.body["horizon_years"] = int(raw.body["horizon_years"]) + roll
        pop_file = (self.sides[1] if "data" in taken else self.sides[0]).population
        key = repr(_canon([raw.body, pop_file, roll, sorted(map(str, raw.origins.values()))]))
        if key not in self.cache:
            name = "previous + " + (", ".join(g for g in GROUPS if g in taken) or "nothing")
            self.say(f"  valuing: {name}")
            try:
                self.cache[key] = self._value(raw, pop_file, roll)
            except ActuaryError as exc:
                raise AssumptionError(
                    f"the intermediate set '{name}' of the analysis of change cannot be valued: "
                    f"{exc}", expected="two sets whose groups can be exchanged one at a time "
                    "(see actuary/studies/change_keys.py), or another --order") from None
        return self.cache[key]

    def _value(self, raw: RawSet, pop_file: str | None, roll: int) -> dict:
        aset = load_raw(raw)
        population = load_population(aset, pop_file)
        self.inputs.update(aset.read_files)
        self.inputs.add(population.path)
        return evaluate(raw, aset, population, roll)


def _canon(obj: Any) -> Any:
    """A form of ``obj`` equal for equal content whatever the order of its mappings."""
    if isinstance(obj, dict):
        return tuple(sorted((str(k), _canon(v)) for k, v in obj.items()))
    if isinstance(obj, (list, tuple)):
        return tuple(_canon(v) for v in obj)
    return (type(obj).__name__, str(obj))


def _sliced(cf: ind.CashFlows, k: int) -> ind.CashFlows:
    """The cash flows from year index ``k`` on, the reserve at the start of it opening them."""
    if k == 0:
        return cf
    reserve = ind.reserve_path(cf.reserve0, cf.contributions, cf.expenditure, cf.interest)
    cut = (lambda a: None if a is None else np.asarray(a)[k:])
    return ind.CashFlows(cf.years[k:], cf.earnings[k:], cf.contributions[k:],
                         cf.expenditure[k:], cf.interest[k:], float(reserve[k - 1]),
                         cut(cf.admin_rate), cut(cf.benefits), cut(cf.collection))


def _headline(basis: Any, k: int) -> tuple[dict, pd.DataFrame, ind.CashFlows]:
    proj = project(basis)
    cf_full = cash_flows(proj)
    yearly = yearly_frame(proj, cf_full, None).iloc[k:].reset_index(drop=True)
    cf = _sliced(cf_full, k)
    return summary_indicators(cf, yearly), yearly, cf


def evaluate(raw: RawSet, aset: Any, population: Any, roll: int = 0) -> dict:
    """The :data:`INDICATORS` of one state, measured ``roll`` years after the set's date.

    ``raw`` is the set as plain data, ``aset`` the loaded set, ``population`` its starting
    population. The held-rate path is the same basis with the contribution rate of
    :func:`actuary.analysis.rate_paths.held_rates`.
    """
    basis = build_basis(aset, population)
    s, yearly, cf = _headline(basis, roll)
    held = basis.with_(contribution_rate=held_rates(aset, basis))
    s_held, _, _ = _headline(held, roll)
    out = {k: s.get(k) for k, *_ in INDICATORS if k in s}
    out["depletion_year_held"] = s_held.get("depletion_year")
    for n in (10, 25, 50):
        rr = yearly["reserve_ratio"]
        out[f"reserve_ratio_year_{n}"] = float(rr.iloc[n - 1]) if len(rr) >= n else None
    out["reserve0"] = float(cf.reserve0)
    gdp0 = float(aset.economic.gdp.yearly(aset.first_year, aset.first_year)[0])
    acc = accrued_liability(aset, population, basis, float(basis.start.reserve), gdp0)
    adl = acc.get("adl")
    if adl is not None and roll:
        adl *= float(np.prod(1.0 + basis.investment_return[:roll]))
    out["adl"] = adl
    out["money"] = money_context(aset, roll)
    return out


def money_context(aset: Any, roll: int = 0) -> dict:
    """The money context of a state of set ``aset`` measured ``roll`` years after its
    valuation year (see the module docstring): ``year``, ``exchange_rate`` (KHR per USD
    or None), ``gdp`` (KHR or None) and ``price_growth`` (``P_year / P_first``)."""
    first = int(aset.first_year)
    year = first + int(roll)
    eco = aset.economic
    rate = getattr(eco, "exchange_rate", None)
    growth = 1.0
    if roll:
        years = np.arange(first, year + 1)
        inflation = np.asarray(eco.price_inflation.yearly(first, year, "average"), dtype=float)
        growth = float(level_path(inflation, years, first, 1.0, "economic.price_inflation")[-1])
    gdp = None
    if getattr(eco, "gdp", None) is not None:
        try:
            gdp = float(gdp_path(aset, year, year)[0])
        except ActuaryError:
            # the national frame's GDP needs its base population dated in the state's
            # year; a state that cannot build it has no GDP (no share shown), rather
            # than another path's
            gdp = None
    return {"year": year,
            "exchange_rate": None if rate is None else float(rate.yearly(year, year,
                                                                         "average")[0]),
            "gdp": gdp, "price_growth": growth}


def _num(v: Any) -> float:
    if v is None:
        return float("nan")
    return float(v)


def _change(before: Any, after: Any) -> float:
    return _num(after) - _num(before)


def analyse_change(previous: Side | str | None, current: Side | str | None,
                   order: str | Sequence[str] | None = None, *,
                   order_dependence: bool = True,
                   progress: Progress | None = None) -> ChangeResult:
    """Go from ``previous`` to ``current`` one group at a time (see the module docstring).

    Raises
    ------
    ActuaryError
        For a bad order, a current valuation dated before the previous one, or an
        intermediate set that is not valid.
    """
    say = progress or (lambda _m: None)
    sides = tuple(s if isinstance(s, Side) else Side(s) for s in (previous, current))
    groups = parse_order(order)
    prev, cur = sides[0].read(), sides[1].read()
    d0, d1 = _set_date(prev.body), _set_date(cur.body)
    if d1 < d0:
        raise AssumptionError("the current valuation is dated before the previous one",
                              source=cur.files[0], location="valuation_date", value=d1,
                              expected=f"a date on or after {d0} (the previous valuation's)")
    run = _Runner(prev, cur, sides, say)
    taken: list[str] = []
    states = [run.state(frozenset())]
    rows = []
    for g in groups:
        taken.append(g)
        states.append(run.state(frozenset(taken)))
        for key, label, kind in INDICATORS:
            b, a = states[-2].get(key), states[-1].get(key)
            rows.append({"step": g, "title": GROUP_TITLES[g], "indicator": key, "label": label,
                         "kind": kind, "before": b, "after": a, "change": _change(b, a)})
    for key, label, kind in INDICATORS:
        b, a = states[0].get(key), states[-1].get(key)
        rows.append({"step": "total", "title": "total change", "indicator": key,
                     "label": label, "kind": kind, "before": b, "after": a,
                     "change": _change(b, a)})
    steps = pd.DataFrame(rows)
    for col in ("before", "after", "change"):
        steps[col] = steps[col].map(_num)
    dep, dep_states = (_order_dependence(run, groups, steps) if order_dependence
                       else (pd.DataFrame(), {}))
    return ChangeResult(
        previous=str(prev.body.get("name")), current=str(cur.body.get("name")),
        order=groups, steps=steps, order_dependence=dep, changed=changed_keys(prev, cur),
        states=states, valuation_dates=(d0, d1), runs=len(run.cache),
        inputs=sorted(run.inputs), dependence_states=dep_states)


def _order_dependence(run: _Runner, groups: tuple[str, ...], steps: pd.DataFrame
                      ) -> tuple[pd.DataFrame, dict[tuple[str, str], tuple[dict, dict]]]:
    """Each group's change taken first and taken last, beside its change in ``groups``;
    and the (before, after) states of each (group, ``first``/``last``)."""
    followers = {g: {h for h, needs in REQUIRES.items() if g in needs} for g in GROUPS}
    rows = []
    states: dict[tuple[str, str], tuple[dict, dict]] = {}
    for g in groups:
        first_from = frozenset(REQUIRES.get(g, ()))
        last_from = frozenset(GROUPS) - followers[g] - {g}
        f0, f1 = run.state(first_from), run.state(first_from | {g})
        l0, l1 = run.state(last_from), run.state(last_from | {g})
        states[(g, "first")], states[(g, "last")] = (f0, f1), (l0, l1)
        here = steps[steps.step == g].set_index("indicator")["change"]
        for key, label, kind in INDICATORS:
            first, last = _change(f0.get(key), f1.get(key)), _change(l0.get(key), l1.get(key))
            rows.append({"group": g, "indicator": key, "label": label, "kind": kind,
                         "in_order": float(here[key]), "first": first, "last": last,
                         "spread": last - first})
    return pd.DataFrame(rows), states
