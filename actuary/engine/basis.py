"""The `Basis`: everything a projection needs, as plain contiguous arrays.

This is the one boundary between Python objects (validated assumption models, tables,
member data) and the numba kernels (DESIGN §3). Nothing here is a Python object
inside a kernel: every field is a float64 or int64 array or a number.

Conventions
-----------
* Year index ``t = 0 .. T-1`` is calendar year ``first_year + t``.
* Sex 0 = men, 1 = women; age 0..110 at 1 January; service 0..50 completed years
  (see :mod:`actuary.engine.state`).
* Money in KHR. Wages, pensions and masses are **annual** amounts (KHR per year);
  the wage floor and ceiling are annual too (12 x the monthly figure).
* Rates are fractions per year. Decrement rates of actives (death, invalidity, exit)
  are the *dependent* probabilities of a multiple-decrement table for the year.
* Changes at the end of year ``t`` (ageing, revaluation, indexation, awards at the
  pension age, new entrants) use the parameters of year ``t``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from actuary.engine.state import N_AGE, N_SERVICE, N_SEX, PAID_SLOT_MONTHS

__all__ = ["Basis", "StartingState", "SchemeRules"]


@dataclass(frozen=True)
class SchemeRules:
    """Scheme rules that do not vary by year (eligibility in completed credited years).

    Attributes
    ----------
    old_age_min_years
        Completed credited years needed for an old-age pension (12 months -> 1).
    invalidity_min_years, survivor_min_years
        Completed credited years for invalidity and survivors' pensions (60 months -> 5).
    refund_share
        Share of the contributions paid that is refunded below the old-age condition
        (1.0 = worker's and employer's shares).
    survivor_rate
        Survivors' pensions, together, as a share of the deceased's pension.
    survivor_spouse_share, survivor_children_share
        Shares of the survivors' pension for the spouse and for the children when both
        classes qualify; a sole class receives the whole survivors' pension.
    survivor_lump_sum_months
        Months of the deceased's pension paid as a lump sum when the survivors'
        condition is not met (and there is a survivor).
    funeral_grant_months
        Months of pension paid as a funeral grant on a pensioner's death.
    invalidity_minimum_rate
        Minimum invalidity pension as a share of the reference wage (career average
        revalued contributory wage); 0 = none.
    final_salary
        Reference wage: False = career average of revalued contributory wages (the old-age
        pension is ``accrual x career earnings``); True = the last wage (``accrual x
        credited years x last capped contributory wage``), as in civil-service schemes.
        Under it members below the old-age condition get the grant of
        ``Basis.grant_months`` months of the last wage instead of a refund.
    contributions_after_pension_age
        False (the default): members reach the pension age on their birthday (mid-year
        on average for a cell), stop contributing and retire then. True: they go on
        contributing voluntarily to the next 1 January and retire then.
    old_age_min_months, invalidity_min_months, survivor_min_months
        The same qualifying periods in months of contributions paid, as the law words
        them (``None``: 12 x the years), tested on months paid where the slots count
        them (:attr:`Basis.paid_slots`).
    invalidity_credited_share
        Share of the years from the invalidity to the pension age credited to an
        invalidity pension, at the member's reference wage (0 = none: the accrued
        pension only).
    invalidity_cover_years
        Years after the last contribution during which a member who stopped
        contributing (and has the invalidity condition) is still covered for invalidity
        (0 = none; at most 2).
    invalidity_cover_to_pension_age
        True: members who stopped contributing and meet the invalidity condition on
        their own record (months paid) stay covered for invalidity to the pension age
        (the literal reading of "before 60, with 60 months of contributions"), in place
        of ``invalidity_cover_years``; False (the default): only that cover.
    """

    old_age_min_years: int = 1
    invalidity_min_years: int = 5
    survivor_min_years: int = 5
    refund_share: float = 1.0
    survivor_rate: float = 0.45
    survivor_spouse_share: float = 0.5
    survivor_children_share: float = 0.5
    survivor_lump_sum_months: float = 1.0
    funeral_grant_months: float = 5.0
    invalidity_minimum_rate: float = 0.0
    final_salary: bool = False
    contributions_after_pension_age: bool = False
    old_age_min_months: float | None = None
    invalidity_min_months: float | None = None
    survivor_min_months: float | None = None
    invalidity_credited_share: float = 0.0
    invalidity_cover_years: float = 0.0
    invalidity_cover_to_pension_age: bool = False


@dataclass(frozen=True)
class StartingState:
    """People and money at the valuation date (1 January of the first year).

    Arrays ``[sex, age, service]`` for members and ``[sex, age]`` for pensioners.
    Masses are sums over the people of a cell: annual wages and annual pensions in KHR
    per year; ``*_career`` the revalued career contributory earnings in KHR (sum of
    past annual contributory wages, revalued to the valuation year) that the old-age
    formula applies the accrual rate to.

    ``service_unit`` says what the service index of the member arrays is: ``"years"``
    (completed credited years, transitional credits included, a fraction split over two
    slots; the default, and what a state built by hand gives) or ``"paid"`` (months of
    contributions actually paid, in slots of ``PAID_SLOT_MONTHS`` = 6 months: slot ``k``
    holds ``6k .. 6k + 5`` months, the last ``300`` or more; no split). A projection
    whose rules test months paid (:attr:`Basis.paid_slots`) reads a ``"years"`` state
    as if every credited year were 12 months paid (exact for a state without credits
    and in whole years).

    ``active_paid`` and ``inactive_paid`` (optional) are the contributions the members
    have paid (KHR, nominal, at the rate of the months they were paid): refunds are
    what was paid. ``None``: the first year's contribution rate times the career
    earnings (for a state without a record of contributions).
    """

    active_count: np.ndarray
    active_wage: np.ndarray
    active_career: np.ndarray
    inactive_count: np.ndarray
    inactive_career: np.ndarray
    old_age_count: np.ndarray
    old_age_pension: np.ndarray
    invalidity_count: np.ndarray
    invalidity_pension: np.ndarray
    spouse_count: np.ndarray
    spouse_pension: np.ndarray
    orphan_count: np.ndarray
    orphan_pension: np.ndarray
    reserve: float = 0.0
    service_unit: str = "years"
    active_paid: np.ndarray | None = None
    inactive_paid: np.ndarray | None = None

    def __post_init__(self) -> None:
        member = (N_SEX, N_AGE, N_SERVICE)
        pension = (N_SEX, N_AGE)
        if self.service_unit not in ("years", "paid"):
            raise ValueError(f"StartingState.service_unit is {self.service_unit!r}, "
                             "expected 'years' or 'paid'")
        for f in fields(self):
            if f.name in ("reserve", "service_unit") or getattr(self, f.name) is None:
                continue
            arr = np.ascontiguousarray(getattr(self, f.name), dtype=np.float64)
            want = member if f.name.startswith(("active", "inactive")) else pension
            if arr.shape != want:
                raise ValueError(f"StartingState.{f.name} has shape {arr.shape}, expected {want}")
            if not np.all(np.isfinite(arr)) or np.any(arr < 0):
                raise ValueError(f"StartingState.{f.name} must be finite and non-negative")
            object.__setattr__(self, f.name, arr)

    @classmethod
    def empty(cls) -> "StartingState":
        """A state with nobody in it (for building small cases by hand)."""
        m = np.zeros((N_SEX, N_AGE, N_SERVICE))
        p = np.zeros((N_SEX, N_AGE))
        return cls(*(m.copy() for _ in range(5)), *(p.copy() for _ in range(8)))

    def scaled(self, people: float = 1.0, money: float = 1.0) -> "StartingState":
        """A copy with every count times ``people`` and every money mass times ``people*money``."""
        kw: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "service_unit" or v is None:
                kw[f.name] = v
            elif f.name == "reserve":
                kw[f.name] = v * people * money
            elif f.name.endswith("_count"):
                kw[f.name] = v * people
            else:
                kw[f.name] = v * people * money
        return StartingState(**kw)


_YEARLY = (
    "contribution_rate",
    "contribution_factor",
    "credit_factor",
    "density",
    "wage_floor",
    "wage_ceiling",
    "accrual_rate",
    "minimum_pension",
    "revaluation",
    "indexation",
    "wage_growth",
    "investment_return",
    "admin_rate",
    "funeral_grant_minimum",
    "target_actives",
)
_YEAR_SEX_AGE = (
    "mortality",
    "disabled_mortality",
    "invalidity",
    "exit",
    "reentry",
    "entrant_distribution",
    "entrant_wage",
)
_SEX_AGE = ("salary_growth", "share_married", "child_probability", "children")


@dataclass(frozen=True)
class Basis:
    """Dense inputs of one projection.

    Yearly arrays ``[T]`` (year ``t`` = calendar year ``first_year + t``):

    contribution_rate
        Legislated total contribution rate, fraction of the contributory wage.
    contribution_factor
        Share of due contributions actually paid (1; 0.5 = six months suspended).
    credit_factor
        Share of the contributing time that is credited as service (1 normally; equal
        to ``contribution_factor`` when a suspension also suspends credits).
    density
        Contribution density: share of the year an active member contributes.
    wage_floor, wage_ceiling
        Contributory wage floor and ceiling, KHR per year (12 x monthly).
    accrual_rate
        Old-age pension per credited year, fraction of the reference wage, for awards in year t.
    minimum_pension
        Minimum pension, KHR per year, for awards in year t (0 = none).
    revaluation
        Growth applied to career earnings at the end of year t.
    indexation
        Growth applied to pensions in payment at the end of year t.
    wage_growth
        Growth of every active's wage (before the age-related salary scale) at the end of year t.
    investment_return
        Nominal return on the reserve in year t.
    admin_rate
        Administrative expenses, share of contributions received in year t: in a year
        where the admin or the contribution rate changes, the months' admin rates
        weighted by the months' contribution rates (see ``build._admin_rate``).
    funeral_grant_minimum
        Minimum funeral grant, KHR, in year t.
    target_actives
        Number of active contributors wanted on 1 January of year t+1 (after new
        entrants); ``-1`` (any negative) switches new entrants off (closed group).

    Year-sex-age arrays ``[T, 2, 111]``: ``mortality`` (q of actives, inactives,
    old-age pensioners and survivors), ``disabled_mortality`` (q of invalidity
    pensioners), ``invalidity``, ``exit`` (dependent rates of actives), ``reentry``
    (of inactives), ``entrant_distribution`` (distribution of new entrants at the end
    of year t over sex and age, summing to 1 over both), ``entrant_wage`` (annual
    wage, KHR per year, of an entrant or re-entrant starting on 1 January of year
    t+1, in that year's money).

    Sex-age arrays ``[2, 111]``: ``salary_growth`` (merit growth of a wage from age x
    to x+1, e.g. s(x+1)/s(x)), ``share_married`` (share of deaths at age x leaving a
    spouse), ``child_probability`` (share leaving at least one child under the orphan
    age limit), ``children`` (expected number of such children).

    Scalars: ``wage_sigma`` (standard deviation of log wages within a cell; 0 = all
    equal), ``spouse_age_gap`` ``[2]`` int (spouse's age minus the member's, by sex of
    the member), ``orphan_age_limit`` (orphans' pensions stop on reaching it),
    ``parent_child_gap`` (age of the deceased minus the age given to the orphans),
    ``pension_age`` ``[T]`` int (members attaining it at the end of year t retire),
    ``rules`` (:class:`SchemeRules`) and ``start`` (:class:`StartingState`).

    Optional yearly rules (off by default): ``early_retirement_years`` ``[T]`` int,
    completed credited years with which a member below the pension age retires at the
    end of year t (0 = no retirement before the pension age); ``grant_months`` ``[T]``,
    months of the last wage paid as a grant to members retiring below the old-age
    condition in year t (final-salary rule only; 0 = nothing); ``refund_interest``
    ``[T]``, interest credited at the end of year t on the contributions paid, which
    members below the old-age condition get back (``rules.refund_share`` of them; 0 =
    none, the default); ``pensioners_short``: the starting old-age pensioners have not
    paid the survivors' months (the scheme being younger than that on the valuation
    date), so their survivors get the lump sum (False: they are taken to meet it).
    """

    first_year: int
    pension_age: np.ndarray
    contribution_rate: np.ndarray
    contribution_factor: np.ndarray
    credit_factor: np.ndarray
    density: np.ndarray
    wage_floor: np.ndarray
    wage_ceiling: np.ndarray
    accrual_rate: np.ndarray
    minimum_pension: np.ndarray
    revaluation: np.ndarray
    indexation: np.ndarray
    wage_growth: np.ndarray
    investment_return: np.ndarray
    admin_rate: np.ndarray
    funeral_grant_minimum: np.ndarray
    target_actives: np.ndarray
    mortality: np.ndarray
    disabled_mortality: np.ndarray
    invalidity: np.ndarray
    exit: np.ndarray
    reentry: np.ndarray
    entrant_distribution: np.ndarray
    entrant_wage: np.ndarray
    salary_growth: np.ndarray
    share_married: np.ndarray
    child_probability: np.ndarray
    children: np.ndarray
    spouse_age_gap: np.ndarray
    start: StartingState
    rules: SchemeRules = field(default_factory=SchemeRules)
    wage_sigma: float = 0.0
    orphan_age_limit: int = 18
    parent_child_gap: int = 28
    full_service: bool = False
    early_retirement_years: np.ndarray | None = None
    grant_months: np.ndarray | None = None
    refund_interest: np.ndarray | None = None
    pensioners_short: bool = False

    def __post_init__(self) -> None:
        n_years = int(np.asarray(self.contribution_rate).shape[0])
        if n_years < 1:
            raise ValueError("a Basis needs at least one year")
        interest = np.zeros(n_years) if self.refund_interest is None else self.refund_interest
        interest = np.ascontiguousarray(interest, dtype=np.float64)
        if interest.shape != (n_years,) or not np.all(np.isfinite(interest)):
            raise ValueError("Basis.refund_interest needs one finite value a year")
        object.__setattr__(self, "refund_interest", interest)
        early = np.zeros(n_years) if self.early_retirement_years is None \
            else np.asarray(self.early_retirement_years)
        grant = np.zeros(n_years) if self.grant_months is None else self.grant_months
        object.__setattr__(self, "early_retirement_years",
                           np.ascontiguousarray(early, dtype=np.int64))
        object.__setattr__(self, "grant_months", np.ascontiguousarray(grant, dtype=np.float64))
        self._check_optional_rules(n_years)
        object.__setattr__(
            self, "pension_age", np.ascontiguousarray(self.pension_age, dtype=np.int64)
        )
        object.__setattr__(
            self, "spouse_age_gap", np.ascontiguousarray(self.spouse_age_gap, dtype=np.int64)
        )
        checks = [(n, (n_years,)) for n in _YEARLY]
        checks += [(n, (n_years, N_SEX, N_AGE)) for n in _YEAR_SEX_AGE]
        checks += [(n, (N_SEX, N_AGE)) for n in _SEX_AGE]
        for name, shape in checks:
            arr = np.ascontiguousarray(getattr(self, name), dtype=np.float64)
            if arr.shape != shape:
                raise ValueError(f"Basis.{name} has shape {arr.shape}, expected {shape}")
            if not np.all(np.isfinite(arr)):
                raise ValueError(f"Basis.{name} has non-finite values")
            object.__setattr__(self, name, arr)
        if self.pension_age.shape != (n_years,):
            raise ValueError("Basis.pension_age must have one value per year")
        if self.spouse_age_gap.shape != (N_SEX,):
            raise ValueError("Basis.spouse_age_gap must have one value per sex")
        for name in ("mortality", "disabled_mortality", "invalidity", "exit", "reentry"):
            arr = getattr(self, name)
            if np.any(arr < 0) or np.any(arr > 1):
                raise ValueError(f"Basis.{name} must be probabilities in [0, 1]")
        total = self.mortality + self.invalidity + self.exit
        if np.any(total > 1 + 1e-12):
            raise ValueError("death + invalidity + exit rates of actives exceed 1 somewhere")

    def _check_optional_rules(self, n_years: int) -> None:
        early, grant = self.early_retirement_years, self.grant_months
        if early.shape != (n_years,) or grant.shape != (n_years,):
            raise ValueError("Basis.early_retirement_years and grant_months need one value a year")
        if np.any(early < 0) or np.any(early > N_SERVICE - 1):
            raise ValueError(f"Basis.early_retirement_years must be 0 (none) or 1..{N_SERVICE - 1}")
        if np.any((early > 0) & (early < self.rules.old_age_min_years)):
            raise ValueError("Basis.early_retirement_years below the old-age qualifying period")
        if not np.all(np.isfinite(grant)) or np.any(grant < 0):
            raise ValueError("Basis.grant_months must be finite and non-negative")
        if np.any(grant > 0) and not self.rules.final_salary:
            raise ValueError("a grant of months of the last wage needs the final-salary rule "
                             "(the last wage of inactive members is kept only under it)")

    @property
    def paid_slots(self) -> bool:
        """Whether the service slots count months of contributions paid (career-average
        rules) rather than completed credited years.

        Under a career-average formula the amount lives in the career earnings (which
        hold the credited years, transitional credits included), so service enters the
        rules only through the qualifying periods, which the law words in months of
        contributions: slots of ``PAID_SLOT_MONTHS`` months paid make each member's test
        exact (see :mod:`actuary.engine.kernels`). The final-salary rule (the pension is
        ``accrual x credited years x last wage``), retirement at any age on credited
        service, an invalidity minimum on the reference wage (career / credited years)
        and invalidity pensions crediting years to the pension age (in proportion to the
        credited years) need credited years: they keep completed credited years, and test the
        qualifying periods on them.
        """
        r = self.rules
        return not (r.final_salary or r.invalidity_minimum_rate > 0
                    or r.invalidity_credited_share > 0
                    or int(self.early_retirement_years.max()) > 0)

    def min_slots(self) -> tuple[int, int, int]:
        """The qualifying periods (old age, invalidity, survivors) in service slots: months
        paid / ``PAID_SLOT_MONTHS`` rounded up (:attr:`paid_slots`), else completed
        credited years."""
        r = self.rules
        years = (r.old_age_min_years, r.invalidity_min_years, r.survivor_min_years)
        if not self.paid_slots:
            return years
        months = (r.old_age_min_months, r.invalidity_min_months, r.survivor_min_months)
        return tuple(int(math.ceil((12.0 * y if m is None else float(m)) / PAID_SLOT_MONTHS
                                   - 1e-12)) for y, m in zip(years, months))

    @property
    def service_slots(self) -> int:
        """Completed-service slots the projection keeps (the last one means "that many or more").

        Service enters the rules only through the qualifying periods (old-age, invalidity,
        survivors, retirement at any age) and the reference wage of the invalidity minimum
        (and the whole pension under the final-salary rule, which keeps all slots). Without
        that minimum,
        members with at least ``K`` = the longest qualifying period are all treated alike,
        so the cells from ``K`` years up are merged into one ("K or more"): a 5 to 8 times
        smaller state for the NSSF rules. Counts, careers and pensions are unchanged; the
        one thing merging pools is the average wage of those cells, which matters only
        when wages within a sex and age differ by service *and* the capped wage is not
        linear (dispersion, floor or ceiling). The built-in default has starting wages
        by sex and age only, but its insurable wages are made gross means age by age
        (:func:`actuary.engine.gross_wages.gross_mean`), which are not on the salary scale
        the entrants' gross wages follow: pooling them moves its yearly contributions
        and benefits by at most 0.07%, its people not at all (tested). ``full_service``
        keeps all 51 slots.
        """
        r = self.rules
        # the final-salary pension depends on every year of service
        # (so do the invalidity minimum and the credited years, per year of service)
        if (self.full_service or r.invalidity_minimum_rate > 0 or r.final_salary
                or r.invalidity_credited_share > 0):
            return N_SERVICE
        longest = max(*self.min_slots(), int(self.early_retirement_years.max()))
        return int(min(max(longest + 1, 2), N_SERVICE))

    @property
    def n_years(self) -> int:
        """Number of projection years T."""
        return int(self.contribution_rate.shape[0])

    @property
    def years(self) -> np.ndarray:
        """Calendar years of the projection."""
        return self.first_year + np.arange(self.n_years)

    def with_(self, **changes: Any) -> "Basis":
        """A copy with some fields replaced (validated again)."""
        return replace(self, **changes)
