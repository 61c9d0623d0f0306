"""From a validated assumption set and a starting population to a dense :class:`Basis`.

Timing conventions (the kernel's year ``t`` is calendar year ``y = first_year + t``):

* Rates in force during the year (contribution rate, density, funeral grant minimum) are
  time-weighted averages over calendar year ``y`` (a change on 1 October counts for a
  quarter of the year). The admin rate, a share of contributions, follows the months
  with the contribution rate: its average weighted by the month's rate.
* Awards at the end of year ``y`` (accrual rate, minimum pension, pension age) use the
  value in force on 31 December of ``y``.
* Growth applied at the end of year ``y`` to carry amounts into year ``y+1``: wages and
  the revaluation of career earnings grow by the index's growth of year ``y+1``
  (economic growth rates of year ``y`` are the change from ``y-1`` to ``y``); pensions
  in payment are indexed in January of ``y+1`` by the index's change over year ``y``
  (the CPI change of the year just ended, as the NSSF rule is read: unverified).
* The wage floor and ceiling, given in KHR per month, become annual amounts (x 12).
* Wages: a starting population giving insurable wages (its ``wage_basis``, the default)
  has each row's wage made the gross mean that gives it within the floor and ceiling
  (:func:`actuary.engine.gross_wages.gross_mean`), as the kernel caps a cell's gross wage each
  year; entrants' gross wages follow the actives' average gross wage by sex on the
  salary scale (the scale the projection moves gross wages along).
* New entrants bring the number of actives on 1 January of ``y+1`` to the number on the
  valuation date grown by ``coverage.active_growth`` of each year up to ``y``.
* Optional rules use the value in force on 31 December of ``y`` (they act at the end of
  the year): retirement at any age (``min_months_any_age``, as completed years) and the
  grant below the old-age condition (``grant_months_below_condition``).
* Under the final-salary reference wage the inactive members of the starting population
  carry their last wage (``average_career_wage`` of their rows, read as the last
  contributory wage; blank = none known, 0) instead of career earnings.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np

from actuary.assumptions.dated import yearly_product_average
from actuary.assumptions.models import AssumptionSet
from actuary.engine.basis import Basis, SchemeRules, StartingState
from actuary.io.errors import AssumptionError
from actuary.engine.table_rates import by_age as _by_age, last_birthday_q as _last_birthday_q
from actuary.engine.starting import StartingPopulation
from actuary.engine.state import N_AGE
from actuary.engine.gross_wages import gross_means

__all__ = ["StartRules", "build_basis", "months_to_years", "paid_slots", "reference_wage_is_final", "start_rules",
           "starting_state"]

AGES = np.arange(N_AGE)


def months_to_years(months: float, where: str) -> int:
    """A qualifying period in months as completed credited years (rounded up).

    The projection keeps completed years of service, so a condition of 12 months is
    1 year and 60 months 5 years; a period that is not a whole number of years is
    rounded up (a member qualifies only once the whole period is credited).
    """
    if months < 0:
        raise AssumptionError("negative qualifying period", location=where, value=months,
                              expected="months >= 0")
    return int(math.ceil(months / 12.0 - 1e-12))


def frame_entrants(aset: AssumptionSet, horizon: int | None = None) -> dict[str, np.ndarray]:
    """``target_actives`` and ``entrant_distribution`` from the population frame.

    The covered workers of ``coverage.frame_scheme`` on 1 January of each year after the
    first (the frame's projection of population, labour force and coverage, issue 3),
    and the age and sex of its new entrants. The frame is built once for the set's frame
    inputs (:func:`actuary.frame.build.build_frame`): a sensitivity on an overlay that
    changes none of them reuses it.
    """
    from actuary.frame.build import build_frame

    T = int(horizon or aset.horizon_years)
    frame = build_frame(aset, aset.first_year + T - 1)
    scheme = aset.coverage.frame_scheme
    if scheme not in frame.flows:
        raise AssumptionError("no coverage of this scheme in the frame", location="frame.coverage",
                              value=scheme, expected="one of " + ", ".join(frame.flows))
    f = frame.flows[scheme]
    # copies: the frame is kept and shared (its arrays are read-only), the basis is not
    return {"target_actives": f.target_actives[:T].copy(),
            "entrant_distribution": f.entrant_distribution[:T].copy(),
            "covered_at_start": float(f.covered[0].sum())}


def build_basis(
    aset: AssumptionSet,
    population: StartingPopulation,
    horizon: int | None = None,
    *,
    closed_group: bool = False,
    entrants: dict[str, np.ndarray] | None = None,
) -> Basis:
    """The dense inputs of the projection of ``aset`` from ``population``.

    Parameters
    ----------
    aset
        A loaded assumption set (:func:`actuary.assumptions.load_basis`).
    population
        The insured population at the valuation date.
    horizon
        Projection years; defaults to ``aset.horizon_years``.
    closed_group
        Switch new entrants off.
    entrants
        ``target_actives`` and ``entrant_distribution`` already worked out (e.g. the
        base's frame, held fixed in a sensitivity test); by default they follow
        ``coverage.entrants_from``. Entrants' wages always follow this set's wages.
    """
    if population.valuation_date != aset.valuation_date:
        raise AssumptionError(
            "the starting population and the assumption set have different valuation dates",
            source=population.path, field="valuation_date",
            value=population.valuation_date.isoformat(),
            expected=f"{aset.valuation_date.isoformat()} (the assumption set's)",
        )
    T = int(horizon or aset.horizon_years)
    if T > aset.horizon_years:
        raise AssumptionError("horizon longer than the assumption set covers",
                              field="horizon", value=T,
                              expected=f"at most {aset.horizon_years} years")
    y0 = aset.first_year
    years = y0 + np.arange(T)
    last = int(years[-1])
    eco, demo, cov = aset.economic, aset.demographic, aset.coverage
    p = aset.scheme.parameters
    # growth series over y0 .. last+1 (the end-of-year steps of the last year need y+1)
    idx = aset.indices(y0, last + 1)

    def avg(param: Any) -> np.ndarray:
        return np.asarray(param.yearly(y0, last, "average", idx), dtype=float)

    def end(param: Any) -> np.ndarray:
        return np.asarray(param.yearly(y0, last, "end", idx), dtype=float)

    def index_series(choice: str, lag: int) -> np.ndarray:
        if choice == "none":
            return np.zeros(T)
        series = idx[choice]  # years y0 .. last+1
        return series[lag: lag + T]

    reval_choice = str(p.revaluation.yearly(y0, last, "end")[0])
    index_choice = str(p.indexation.yearly(y0, last, "end")[0])
    final = reference_wage_is_final(aset, last)
    for param, choice in ((p.revaluation, reval_choice), (p.indexation, index_choice)):
        if len(set(param.yearly(y0, last, "end"))) > 1:
            raise AssumptionError("a change of index during the projection is not supported",
                                  location=param._path, value=list(param.values.values()),
                                  expected="one choice for the whole projection")

    pension_age = end(p.pension_age)
    if np.any(pension_age != np.round(pension_age)):
        raise AssumptionError("the projection needs whole pension ages",
                              location="scheme.parameters.pension_age",
                              value=sorted(set(pension_age.tolist())),
                              expected="whole years (the state is kept by completed age)")

    # the table is by exact age; the state by age on 1 January (last birthday)
    q = _last_birthday_q(aset.tables["demographic.mortality"], years)
    q = np.minimum(q * demo.mortality.scale, 1.0)
    q[:, :, -1] = 1.0
    factor = avg(demo.disabled_mortality_factor)
    q_dis = np.minimum(q * factor[:, None, None], 1.0)
    inv = _by_age(aset.tables["demographic.invalidity"]) * demo.invalidity.scale
    ext = _by_age(aset.tables["demographic.exit"]) * demo.exit.scale
    reentry = np.minimum(_by_age(aset.tables["demographic.reentry"]) * demo.reentry.scale, 1.0)
    # Actives at or above the pension age of the year retire at its end: no invalidity
    # or exit applies to them (only starting members past the pension age are there).
    below_pa = AGES[None, None, :] < pension_age[:, None, None]
    inv_t = np.broadcast_to(inv, (T, 2, N_AGE)) * below_pa
    ext_t = np.broadcast_to(ext, (T, 2, N_AGE)) * below_pa
    over = q + inv_t + ext_t > 1.0 + 1e-12
    if np.any(over):
        t, s, x = (int(v[0]) for v in np.nonzero(over))
        raise AssumptionError(
            "death, invalidity and exit rates of actives add up to more than 1",
            source=aset.files[0] if aset.files else aset.name,
            location="demographic (mortality, invalidity, exit)",
            value=f"{q[t, s, x] + inv_t[t, s, x] + ext_t[t, s, x]:.4f} at age {x}, "
                  f"{'MF'[s]}, {years[t]}",
            expected="dependent rates whose sum is at most 1 (lower a scale factor)",
        )

    sal = _by_age(aset.tables["demographic.salary_scale"])
    with np.errstate(divide="ignore", invalid="ignore"):
        sal_growth = np.where(sal > 0, np.roll(sal, -1, axis=1) / sal, 1.0)
    sal_growth[:, -1] = 1.0
    sal_growth[sal_growth == 0] = 1.0

    married = _by_age(aset.tables["demographic.family.share_married"])
    children = _by_age(aset.tables["demographic.family.children"])
    # Children are counted, not tracked: the chance of at least one is read as Poisson.
    child_prob = 1.0 - np.exp(-children)

    floor_m = avg(p.wage_floor)
    ceiling_m = avg(p.wage_ceiling)
    wage_growth = index_series("wage_growth", 1)
    revaluation = index_series(reval_choice, 1)
    indexation = index_series(index_choice, 0)

    # Starting population, with the transitional credits read at the valuation date.
    rules = start_rules(aset, idx)
    start = starting_state(population, rules)
    if final:
        start = _with_last_wages(start, population, rules.extra_years, rules.months_for_extra)

    # Entrants: by age from the table, by sex from the female share; wages from the
    # actives' average wage by sex at the valuation date and the salary scale.
    dist_table = _by_age(aset.tables["coverage.entrant_age"])
    sums = dist_table.sum(axis=1, keepdims=True)
    dist_table = np.divide(dist_table, sums, out=np.zeros_like(dist_table), where=sums > 0)
    female = avg(cov.entrant_female_share)
    dist = np.empty((T, 2, N_AGE))
    dist[:, 0, :] = (1.0 - female)[:, None] * dist_table[0]
    dist[:, 1, :] = female[:, None] * dist_table[1]

    counts = start.active_count.sum(axis=2)
    masses = start.active_wage.sum(axis=2)
    if counts.sum() <= 0:
        raise AssumptionError("the starting population has no active contributors",
                              source=population.path, expected="at least one active row")
    base_wage = np.empty((2, N_AGE))
    for s in range(2):
        n_s = counts[s].sum()
        if n_s <= 0:  # one sex absent: use the other's level
            n_s, m_s, sal_bar = counts.sum(), masses.sum(), np.sum(counts * sal) / counts.sum()
        else:
            m_s, sal_bar = masses[s].sum(), np.sum(counts[s] * sal[s]) / n_s
        base_wage[s] = (m_s / n_s) * sal[s] / sal_bar
    level = np.cumprod(1.0 + wage_growth)  # wage level of year y+1 relative to y0
    entrant_wage = level[:, None, None] * base_wage[None, :, :]

    if entrants is None and cov.entrants_from == "frame":
        entrants = frame_entrants(aset, T)
    if entrants is not None:
        target = np.asarray(entrants["target_actives"], dtype=float)[:T]
        dist = np.asarray(entrants["entrant_distribution"], dtype=float)[:T]
        base = entrants.get("covered_at_start")
        if base:
            # The frame counts the whole covered population; a starting file of another
            # size (a sample, a sub-scheme) follows the frame's path in proportion.
            target = target * (counts.sum() / base)
    else:
        target = counts.sum() * np.cumprod(1.0 + avg(cov.active_growth))
    if closed_group:
        target = -np.ones(T)

    early, grant = _optional_rules(aset, end, T, final)
    rules = SchemeRules(
        final_salary=final,
        contributions_after_pension_age=_contributions_after_pension_age(aset, last),
        old_age_min_years=months_to_years(float(p.min_months_old_age.value_at(aset.valuation_date)),
                                          "scheme.parameters.min_months_old_age"),
        invalidity_min_years=months_to_years(
            float(p.min_months_invalidity.value_at(aset.valuation_date)),
            "scheme.parameters.min_months_invalidity"),
        survivor_min_years=months_to_years(
            float(p.min_months_survivors.value_at(aset.valuation_date)),
            "scheme.parameters.min_months_survivors"),
        old_age_min_months=float(p.min_months_old_age.value_at(aset.valuation_date)),
        invalidity_min_months=float(p.min_months_invalidity.value_at(aset.valuation_date)),
        survivor_min_months=float(p.min_months_survivors.value_at(aset.valuation_date)),
        refund_share=float(p.refund_share.value_at(aset.valuation_date)),
        survivor_rate=float(p.survivor_rate.value_at(aset.valuation_date)),
        survivor_spouse_share=float(p.survivor_spouse_share.value_at(aset.valuation_date)),
        survivor_children_share=float(p.survivor_children_share.value_at(aset.valuation_date)),
        survivor_lump_sum_months=float(p.survivor_lump_sum_months.value_at(aset.valuation_date)),
        funeral_grant_months=float(p.funeral_grant_months.value_at(aset.valuation_date)),
        invalidity_minimum_rate=float(p.invalidity_minimum_rate.value_at(aset.valuation_date)),
        invalidity_credited_share=(
            0.0 if p.invalidity_credited_share is None
            else float(p.invalidity_credited_share.value_at(aset.valuation_date))),
        invalidity_cover_years=_invalidity_cover_years(aset),
        invalidity_cover_to_pension_age=_invalidity_cover_to_pension_age(aset, last),
    )
    if np.any((early > 0) & (early < rules.old_age_min_years)):
        raise AssumptionError(
            "the service for retirement at any age is shorter than the old-age condition",
            location="scheme.parameters.min_months_any_age",
            value=sorted(set((12 * early[early > 0]).tolist())),
            expected=f"0 (none) or at least min_months_old_age "
                     f"({12 * rules.old_age_min_years} months)")
    fam = demo.family
    return Basis(
        first_year=y0,
        pension_age=pension_age.astype(np.int64),
        contribution_rate=avg(p.contribution_rate),
        contribution_factor=np.ones(T),
        credit_factor=np.ones(T),
        density=avg(demo.contribution_density),
        wage_floor=12.0 * floor_m,
        wage_ceiling=12.0 * ceiling_m,
        accrual_rate=end(p.accrual_rate),
        minimum_pension=12.0 * end(p.minimum_pension),
        revaluation=revaluation,
        indexation=indexation,
        wage_growth=wage_growth,
        investment_return=avg(eco.investment_return),
        admin_rate=_admin_rate(eco.admin_expense_rate, p.contribution_rate, y0, last, idx),
        funeral_grant_minimum=avg(p.funeral_grant_minimum),
        target_actives=target,
        mortality=q,
        disabled_mortality=q_dis,
        invalidity=inv_t,
        exit=ext_t,
        reentry=np.broadcast_to(reentry, (T, 2, N_AGE)).copy(),
        entrant_distribution=dist,
        entrant_wage=entrant_wage,
        salary_growth=sal_growth,
        share_married=married,
        child_probability=child_prob,
        children=children,
        spouse_age_gap=np.array([fam.spouse_age_gap.M, fam.spouse_age_gap.F]),
        start=start,
        rules=rules,
        wage_sigma=float(demo.wage_dispersion.value),
        orphan_age_limit=int(fam.orphan_age_limit.value),
        parent_child_gap=int(fam.parent_child_age_gap.value),
        early_retirement_years=early,
        grant_months=grant,
        refund_interest=avg(p.refund_interest),
        pensioners_short=_too_young_for_survivors(aset),
    )


@dataclass(frozen=True)
class StartRules:
    """How a member's record becomes service and career earnings on the valuation date.

    ``wage_floor`` and ``wage_ceiling`` (KHR per month, on the valuation date) bound the
    career wage of a member whose record has none; ``extra_years(age)`` gives the
    transitional credited years of a member of that age (``None``: no transitional
    credits), granted to members with at least ``months_for_extra`` credited months.
    ``wage_sigma`` is the log-sd of wages within a cell: with it, a population giving
    insurable wages (``StartingPopulation.wage_basis``) has its cells' wages turned into
    the gross means that give them (:func:`actuary.engine.gross_wages.gross_mean`).
    ``paid_slots``: members are placed by months of contributions paid (the file's
    credited months, without the transitional credits), as
    :attr:`actuary.engine.basis.Basis.paid_slots` says for the scheme's rules.
    ``past_rates``: the contribution rate in force on the first of each of the
    ``PAST_MONTHS`` months before the valuation date (most recent first; the first
    value of the scheme before its first date): a member's contributions paid are the
    months paid times the career wage times their average rate (:meth:`paid_rate`;
    the career wage is revalued, the wages of the past not being in the file: for the
    NSSF, whose members have paid since October 2022, a few per cent of revaluation);
    empty: none recorded (the engines take the first year's rate times the career).
    """

    wage_floor: float
    wage_ceiling: float
    extra_years: Callable[[int], float] | None
    months_for_extra: int
    wage_sigma: float = 0.0
    paid_slots: bool = False  # service slots by months paid (Basis.paid_slots)
    past_rates: tuple[float, ...] = ()  # contribution rate of each month before the date

    def paid_rate(self, months: float) -> float:
        """Average contribution rate of the ``months`` months before the valuation date
        (the rates of :attr:`past_rates`, most recent first; the earliest holds before
        them; 0 without any)."""
        m = int(round(months))
        if m <= 0 or not self.past_rates:
            return 0.0
        r = self.past_rates
        if m <= len(r):
            return float(sum(r[:m])) / m
        return (float(sum(r)) + (m - len(r)) * r[-1]) / m


def start_rules(aset: AssumptionSet, idx: dict[str, np.ndarray] | None = None) -> StartRules:
    """The :class:`StartRules` of ``aset``'s scheme (``idx``: its indices from the first year)."""
    p = aset.scheme.parameters
    y0 = aset.first_year
    if idx is None:
        idx = aset.indices(y0, y0 + 1)
    credits = p.transitional_credits
    extra_years = None if credits is None else _transitional_years(credits, aset.valuation_date)
    return StartRules(
        wage_floor=float(p.wage_floor.value_at(aset.valuation_date, _mapping(idx, y0))),
        wage_ceiling=float(p.wage_ceiling.value_at(aset.valuation_date, _mapping(idx, y0))),
        extra_years=extra_years, months_for_extra=credits.min_months_paid if credits else 0,
        wage_sigma=float(aset.demographic.wage_dispersion.value),
        paid_slots=paid_slots(aset),
        past_rates=_past_rates(p.contribution_rate, aset.valuation_date),
    )


PAST_MONTHS = 600  # months of contribution rates kept before the valuation date


def _too_young_for_survivors(aset: AssumptionSet) -> bool:
    """Whether nobody can have paid the survivors' months by the valuation date: the
    months from the scheme's first contribution date (the contribution rate's first
    date) to the valuation date are fewer (the NSSF: October 2022 to January 2025, 27
    against 60). Then the starting old-age pensioners are below the condition."""
    p = aset.scheme.parameters
    first = p.contribution_rate.first_date
    v = aset.valuation_date
    months = (v.year - first.year) * 12 + (v.month - first.month)
    return months < float(p.min_months_survivors.value_at(v))


#: :func:`_past_rates` already worked out, by the rate's dated values, extension and the
#: valuation date: the bases of a valuation's sensitivity tests share their rate.
_PAST_RATES: dict[tuple, tuple[float, ...]] = {}


def _past_rates(rate: Any, valuation_date: date) -> tuple[float, ...]:
    """The rate in force on the first of each of the ``PAST_MONTHS`` months before
    ``valuation_date`` (most recent first), the first value before the first date."""
    key = (tuple(rate.values.items()), repr(rate.extend), valuation_date)
    known = _PAST_RATES.get(key)
    if known is None:
        if len(_PAST_RATES) >= 16:
            _PAST_RATES.clear()
        known = _PAST_RATES[key] = _past_rates_of(rate, valuation_date)
    return known


def _past_rates_of(rate: Any, valuation_date: date) -> tuple[float, ...]:
    """:func:`_past_rates` worked out (600 look-ups of the step function)."""
    first = rate.first_date
    out = []
    y, m = valuation_date.year, valuation_date.month
    for _ in range(PAST_MONTHS):
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
        day = date(y, m, 1)
        out.append(float(rate.value_at(day if day >= first else first)))
    return tuple(out)


def paid_slots(aset: AssumptionSet) -> bool:
    """Whether the scheme's rules keep service as months paid
    (:attr:`actuary.engine.basis.Basis.paid_slots`, read from the set: a career-average
    reference wage, no invalidity minimum on the reference wage, no retirement at any
    age)."""
    p = aset.scheme.parameters
    if reference_wage_is_final(aset):
        return False
    if float(p.invalidity_minimum_rate.value_at(aset.valuation_date)) > 0:
        return False
    credited = getattr(p, "invalidity_credited_share", None)
    if credited is not None and float(credited.value_at(aset.valuation_date)) > 0:
        return False
    if p.min_months_any_age is not None:
        months = p.min_months_any_age.yearly(aset.first_year, aset.last_year, "end")
        if any(float(m) > 0 for m in months):
            return False
    return True


# The last few starting states made: (population, key, state). Sensitivity tests build
# a dozen bases from one population with the same starting rules.
_STATES: list[tuple[StartingPopulation, tuple, StartingState]] = []


def starting_state(population: StartingPopulation, rules: StartRules) -> StartingState:
    """``population.to_state`` under ``rules`` (the cells at the valuation date).

    The same population under rules with the same values gives the same state, which
    is shared: a :class:`StartingState` is not to be modified.
    """
    extra = rules.extra_years
    key = (rules.wage_floor, rules.wage_ceiling, rules.months_for_extra, rules.wage_sigma,
           rules.paid_slots, rules.past_rates,
           None if extra is None else tuple(float(extra(x)) for x in range(N_AGE)))
    for pop, k, state in _STATES:
        if pop is population and k == key:
            return state
    rows_as = population
    if population.wage_basis == "insurable" and rules.wage_sigma > 0:
        rows_as = _with_gross_wages(population, rules.wage_floor, rules.wage_ceiling,
                                    rules.wage_sigma)
    state = rows_as.to_state(rules.wage_floor, rules.wage_ceiling, extra_years=extra,
                             months_for_extra=rules.months_for_extra,
                             paid_slots=rules.paid_slots,
                             paid_rate=rules.paid_rate if rules.past_rates else None)
    _STATES.insert(0, (population, key, state))
    del _STATES[4:]
    return state


def _with_gross_wages(population: StartingPopulation, floor: float, ceiling: float,
                      sigma: float) -> StartingPopulation:
    """``population`` with each row's insurable average wage (KHR per month) made the gross
    mean that gives it within ``floor`` and ``ceiling`` (KHR per month) at the log-sd
    ``sigma`` (:func:`actuary.engine.gross_wages.gross_mean`): the kernel caps a cell's gross wage
    each year, so an insurable wage taken as gross would be capped twice (925,000 KHR a
    month became 862,000 at sigma 0.4). A member's career wage, when the row has none, stays
    the insurable wage (what :meth:`StartingPopulation.to_state` takes from it).

    Rows of different wages that fall in one cell (same sex, age and service slot) are
    pooled by the kernel, which caps their average: for member data aggregated by months
    this differs from capping each row (0.1% of the first-year insurable earnings in the
    synthetic test population); the built-in population has one wage a sex and age.
    """
    rows = population.rows.copy()
    wage = rows["average_monthly_wage"]
    has = wage.notna() & rows["status"].isin(("active", "inactive"))
    blank = has & rows["average_career_wage"].isna()
    top = ceiling if ceiling > 0 else np.inf
    rows.loc[blank, "average_career_wage"] = wage[blank].clip(lower=floor, upper=top)
    values, where = np.unique(wage[has].to_numpy(dtype=float), return_inverse=True)
    rows.loc[has, "average_monthly_wage"] = gross_means(values, floor, ceiling, sigma)[where]
    return replace(population, rows=rows)


def _transitional_years(credits: Any, valuation_date: date) -> Callable[[int], float]:
    """``age on the valuation date -> transitional credited years`` (the table is by age
    on its reference date)."""
    years_back = _years_between(credits.reference_date, valuation_date)

    def extra_years(age_now: int) -> float:
        return credits.extra_years_at(int(age_now - years_back))

    return extra_years


def _admin_rate(admin: Any, rate: Any, first_year: int, last_year: int,
                idx: dict[str, np.ndarray]) -> np.ndarray:
    """The admin rate of each year as a share of the year's contributions: the average of
    the admin rate weighted by the contribution rate, month by month, so that a year
    where either changes (October of a step year) costs ``sum(admin_m x rate_m)`` over
    its months, not the product of the two yearly averages.

    Contributions within a year are taken as proportional to the month's rate (members
    and wages even over the year); a year without contributions takes the plain
    average of the admin rate.
    """
    both = yearly_product_average(admin, rate, first_year, last_year, idx)
    mean_rate = np.asarray(rate.yearly(first_year, last_year, "average", idx), dtype=float)
    plain = np.asarray(admin.yearly(first_year, last_year, "average", idx), dtype=float)
    return np.where(mean_rate > 0, both / np.where(mean_rate > 0, mean_rate, 1.0), plain)


#: The longest cover for invalidity after the last contribution the kernels value (their
#: invalidities during the cover are taken in the year of leaving: see project_kernel).
MAX_COVER_MONTHS = 24


def _invalidity_cover_years(aset: AssumptionSet) -> float:
    """``scheme.parameters.invalidity_cover_months`` at the valuation date, in years (absent:
    0, no cover after leaving); more than :data:`MAX_COVER_MONTHS` is refused."""
    param = aset.scheme.parameters.invalidity_cover_months
    if param is None:
        return 0.0
    months = float(param.value_at(aset.valuation_date))
    if months > MAX_COVER_MONTHS:
        raise AssumptionError(
            "cover for invalidity after leaving is too long to value",
            location="scheme.parameters.invalidity_cover_months", value=months,
            expected=f"0 to {MAX_COVER_MONTHS} months (the invalidities of the cover are "
                     "valued in the year of leaving)")
    return months / 12.0


def _one_choice(param: Any, aset: AssumptionSet, last_year: int, what: str) -> str | None:
    """The option a :class:`DatedChoice` parameter holds over the projection (``None``
    when absent); a change during the projection is refused, naming the key."""
    if param is None:
        return None
    choices = set(param.yearly(aset.first_year, last_year, "end"))
    if len(choices) > 1:
        raise AssumptionError(f"a change of {what} during the projection is not supported",
                              location=param._path, value=sorted(choices),
                              expected="one choice for the projection")
    return choices.pop()


def _invalidity_cover_to_pension_age(aset: AssumptionSet, last_year: int) -> bool:
    """Whether members who stopped contributing stay covered for invalidity to the pension
    age (``scheme.parameters.invalidity_cover_until``: ``pension_age``; absent: no). One
    choice for the projection, and then no cover in months beside it."""
    p = aset.scheme.parameters
    if _one_choice(p.invalidity_cover_until, aset, last_year,
                   "the invalidity cover of inactive members") != "pension_age":
        return False
    months = p.invalidity_cover_months
    if months is not None and float(months.value_at(aset.valuation_date)) > 0.0:
        raise AssumptionError(
            "a cover for invalidity in months after leaving beside the cover to the pension age",
            location="scheme.parameters.invalidity_cover_months",
            value=float(months.value_at(aset.valuation_date)),
            expected="0 months when invalidity_cover_until is pension_age (the cover then "
                     "runs from the leaving to the pension age)")
    return True


def _contributions_after_pension_age(aset: AssumptionSet, last_year: int) -> bool:
    """Whether the set's members contribute voluntarily after the pension age (absent: no)."""
    return _one_choice(aset.scheme.parameters.contributions_after_pension_age, aset, last_year,
                       "contributions after the pension age") == "voluntary"


def reference_wage_is_final(aset: AssumptionSet, last_year: int | None = None) -> bool:
    """Whether the scheme's reference wage is the last wage (one choice for the projection)."""
    p = aset.scheme.parameters.reference_wage
    last = aset.last_year if last_year is None else last_year
    choices = set(str(c) for c in p.yearly(aset.first_year, last, "end"))
    if len(choices) > 1:
        raise AssumptionError("a change of reference wage during the projection is not supported",
                              location="scheme.parameters.reference_wage",
                              value=sorted(choices), expected="one choice for the whole projection")
    return choices.pop() == "final_wage"


def _optional_rules(aset: AssumptionSet, end: Any, T: int, final: bool
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Yearly completed years for retirement at any age (0 = none) and grant months."""
    p = aset.scheme.parameters
    early = np.zeros(T, dtype=np.int64)
    if p.min_months_any_age is not None:
        months = end(p.min_months_any_age)
        early = np.array([months_to_years(float(m), "scheme.parameters.min_months_any_age")
                          for m in months], dtype=np.int64)
    grant = np.zeros(T)
    if p.grant_months_below_condition is not None:
        grant = end(p.grant_months_below_condition)
        if np.any(grant > 0) and not final:
            raise AssumptionError(
                "a grant of months of the last wage needs the final-wage reference wage",
                location="scheme.parameters.grant_months_below_condition",
                value=sorted(set(grant.tolist())),
                expected="reference_wage: final_wage, or no grant (0 months)")
    return early, grant


def _with_last_wages(start: Any, population: StartingPopulation, extra: Any,
                     months_for_extra: int) -> Any:
    """``start`` with the inactive members' career earnings replaced by their last wage
    mass (KHR per year), spread over service slots exactly as ``to_state`` spreads them."""
    from dataclasses import fields

    from actuary.engine.state import N_SERVICE

    last = np.zeros_like(start.inactive_career)
    rows = population.rows[population.rows["status"] == "inactive"]
    for row in rows.itertuples(index=False):
        s = 0 if row.sex == "M" else 1
        months = float(row.credited_months)
        years = months / 12.0
        if extra is not None and months >= months_for_extra:
            years += float(extra(int(row.age)))
        wage = row.average_career_wage
        wage = 0.0 if wage is None or (isinstance(wage, float) and math.isnan(wage)) else float(wage)
        lo = min(int(math.floor(years)), N_SERVICE - 1)
        f = 0.0 if lo == N_SERVICE - 1 else years - math.floor(years)
        hi = min(lo + 1, N_SERVICE - 1)
        for slot, share in ((lo, 1.0 - f), (hi, f)):
            if share > 0.0:
                last[s, int(row.age), slot] += share * float(row.count) * 12.0 * wage
    kw = {f.name: getattr(start, f.name) for f in fields(start)}
    kw["inactive_career"] = last
    return StartingState(**kw)


def _years_between(earlier: date, later: date) -> int:
    """Whole years from ``earlier`` to ``later``, rounded to the nearest year."""
    return int(round((later - earlier).days / 365.25))


def _mapping(idx: dict[str, np.ndarray], y0: int) -> dict[str, dict[int, float]]:
    return {k: {y0 + i: float(v) for i, v in enumerate(arr)} for k, arr in idx.items()}
