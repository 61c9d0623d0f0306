"""Closed-group valuation of accrued rights, member by member.

The member-level engine (:mod:`actuary.engine.member_kernel`) projects each member alone
under the scheme rules and returns, by member and in total, in KHR at the valuation
date:

* ``pvfb``: the present value of future benefits (old-age and invalidity pensions,
  survivors' pensions and lump sums, funeral grants, refunds), the member's own and
  those of the survivors the member may leave;
* ``pvfc``: the present value of future contributions (employer and employee);
* ``adl``: the accrued-to-date liability, the part of ``pvfb`` earned by the career
  earnings of the valuation date (projected unit credit: future service still counts
  for the qualifying periods, future wages add nothing). For pensioners ``adl = pvfb``.

:func:`cohort_values` gives the same present values from the cohort projection of the
same people aggregated into cells, new entrants off; :func:`compare_with_cohort` sets
the two side by side. They agree to rounding where no floor, ceiling or minimum binds
(tested); otherwise the difference is what aggregation into cells costs.

The engine values career-average schemes (NSSF, self-employed). Final-salary rules
and retirement at any age (the public-sector scheme) are valued by the cohort engine:
:func:`value_members` refuses them with a message rather than give a wrong value.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from actuary.life.annuities import Discount
from actuary.engine import native
from actuary.engine.basis import Basis
from actuary.engine.build import StartRules
from actuary.io.errors import AssumptionError, DataError
from actuary.engine.member_blocks import PARALLEL_FROM, blocks_of
from actuary.engine.member_inputs import (  # noqa: F401 (re-exported)
    funeral_thresholds, kernel_inputs, pension_factors, survivor_values,
)
from actuary.engine.records import rules_record
from actuary.engine.member_columns import (
    BRANCHES,
    MEMBER_ACTIVE,
    MEMBER_INACTIVE,
    MEMBER_INVALIDITY,
    MEMBER_OLD_AGE,
    MEMBER_ORPHAN,
    MEMBER_SPOUSE,
)
from actuary.engine.state import (
    FLOW_CONTRIBUTIONS,
    FLOW_FUNERAL,
    FLOW_INVALIDITY,
    FLOW_OLD_AGE,
    FLOW_ORPHAN,
    FLOW_REFUND,
    FLOW_SPOUSE,
    FLOW_SURVIVOR_LUMP,
    N_AGE,
    N_SERVICE,
    N_SEX,
    PAID_SLOT_MONTHS,
)

__all__ = [
    "ClosedGroupRun", "ClosedGroupValuation", "MemberSet", "STATUS_CODES", "cohort_values",
    "compare_with_cohort", "discount_factors", "funeral_thresholds", "kernel_inputs",
    "pension_factors", "survivor_values", "value_check_result",
    "value_members", "value_population", "values_rules",
]

#: Work shares of the member kernel: a fixed number (not one per thread) so that the
#: order of the sums, hence every total to the last bit, does not depend on
#: NUMBA_NUM_THREADS. 256 shares keep 16 threads busy; on this 2-core machine, 300,000
#: synthetic members valued in 1.5-1.75 s with 128 or 256 shares alike (noise).
WORK_SHARES = 256

STATUS_CODES = {"active": MEMBER_ACTIVE, "inactive": MEMBER_INACTIVE, "old_age": MEMBER_OLD_AGE,
                "invalidity": MEMBER_INVALIDITY, "spouse": MEMBER_SPOUSE,
                "orphan": MEMBER_ORPHAN}

# Cohort flows making up each branch of the member totals.
_BRANCH_FLOWS = {
    "contributions": (FLOW_CONTRIBUTIONS,),
    "old_age": (FLOW_OLD_AGE,),
    "invalidity": (FLOW_INVALIDITY,),
    "survivors": (FLOW_SPOUSE, FLOW_ORPHAN),
    "survivor_lump_sum": (FLOW_SURVIVOR_LUMP,),
    "funeral": (FLOW_FUNERAL,),
    "refund": (FLOW_REFUND,),
}
BENEFIT_BRANCHES = tuple(b for b in _BRANCH_FLOWS if b != "contributions")


@dataclass(frozen=True)
class MemberSet:
    """Members and pensioners as the member-level engine reads them (one row each).

    ``sex`` 0 men / 1 women; ``age`` completed years at the valuation date; ``status``
    a code of :data:`STATUS_CODES`; ``years`` credited service (years, transitional
    credits included); ``wage`` actives' insurable wage (KHR per year); ``career``
    revalued career earnings (KHR); ``pension`` pensioners' pension (KHR per year).
    ``ids`` are the records' identifiers, ``synthetic`` says the data are synthetic.
    ``months`` are the months of contributions paid (the qualifying periods are tested
    on them, :attr:`actuary.engine.basis.Basis.paid_slots`); ``None``: 12 a credited
    year (no credits). ``paid`` are the contributions paid (KHR, nominal: refunds are
    what was paid); ``None``: the first year's contribution rate times the career
    earnings (as the cohort engine takes for a state without them).
    """

    ids: np.ndarray
    sex: np.ndarray
    age: np.ndarray
    status: np.ndarray
    years: np.ndarray
    wage: np.ndarray
    career: np.ndarray
    pension: np.ndarray
    synthetic: bool = False
    months: np.ndarray | None = None
    paid: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.ids)
        if self.months is None:
            object.__setattr__(self, "months", 12.0 * np.asarray(self.years, dtype=np.float64))
        typed = {"sex": np.int64, "age": np.int64, "status": np.int64, "years": np.float64,
                 "wage": np.float64, "career": np.float64, "pension": np.float64,
                 "months": np.float64}
        if self.paid is not None:
            typed["paid"] = np.float64
        for name, dtype in typed.items():
            arr = np.ascontiguousarray(getattr(self, name), dtype=dtype)
            if arr.shape != (n,):
                raise ValueError(f"MemberSet.{name} has shape {arr.shape}, expected ({n},)")
            object.__setattr__(self, name, arr)
        money = np.concatenate([self.years, self.wage, self.career, self.pension, self.months,
                                np.zeros(0) if self.paid is None else self.paid])
        if not np.all(np.isfinite(money)) or np.any(money < 0):
            raise ValueError("MemberSet service and amounts must be finite and >= 0")
        # the engine indexes its tables by these codes: anything else would be read
        # from outside them
        for name, low, high in (("sex", 0, N_SEX - 1), ("age", 0, N_AGE - 1),
                                ("status", 0, max(STATUS_CODES.values()))):
            arr = getattr(self, name)
            bad = np.flatnonzero((arr < low) | (arr > high))
            if len(bad):
                raise ValueError(f"MemberSet.{name} of row {bad[0]} ({self.ids[bad[0]]}) is "
                                 f"{arr[bad[0]]}, expected {low} to {high}")

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_check(cls, result: Any, rules: StartRules) -> "MemberSet":
        """The used rows of a data check (:class:`actuary.members.datacheck.CheckResult`).

        Actives and inactives are valued from the member file and pensions in payment
        from the pensioner file; members retired, invalid, refunded or dead are not
        (their pension, if any, is a row of the pensioner file). Service and career
        earnings follow the starting-population rules exactly
        (:meth:`actuary.engine.starting.StartingPopulation.to_state`): credited months / 12
        plus the transitional years, and a career wage equal to the insurable wage
        within the floor and ceiling (the last wage for inactives, the floor without one).
        """
        from actuary.members.aggregate import ages_on

        as_of = result.settings.as_of
        m = result.members
        m = m[m["status"].isin(["active", "inactive"])]
        floor, ceiling = rules.wage_floor, rules.wage_ceiling
        age = ages_on(m["birth_date"], as_of)
        months = m["credited_months"].to_numpy(float)
        years = months / 12.0
        if rules.extra_years is not None:
            extra = {int(a): float(rules.extra_years(int(a))) for a in np.unique(age)}
            add = np.array([extra[int(a)] for a in age]) if len(age) else np.zeros(0)
            years = years + np.where(months >= rules.months_for_extra, add, 0.0)
        active = (m["status"] == "active").to_numpy()
        wage = m["insurable_wage"].to_numpy(float)
        bounded = np.clip(wage, floor, ceiling if ceiling > 0 else np.inf)
        career_wage = np.where(np.isnan(bounded), floor, bounded)
        parts = [dict(
            ids=m["member_id"].astype(str).to_numpy(), sex=(m["sex"] == "F").to_numpy(np.int64),
            age=age, status=np.where(active, MEMBER_ACTIVE, MEMBER_INACTIVE),
            years=years, wage=np.where(active, 12.0 * np.nan_to_num(wage), 0.0),
            career=12.0 * career_wage * years, pension=np.zeros(len(m)), months=months,
            paid=(months * career_wage * np.array([rules.paid_rate(v) for v in months])
                  if rules.past_rates else None),
        )]
        p = result.pensioners
        if p is not None and len(p):
            parts.append(dict(
                ids=p["pensioner_id"].astype(str).to_numpy(), sex=(p["sex"] == "F").to_numpy(np.int64),
                age=ages_on(p["birth_date"], as_of),
                status=p["benefit_type"].map(STATUS_CODES).to_numpy(np.int64),
                years=np.zeros(len(p)), wage=np.zeros(len(p)), career=np.zeros(len(p)),
                pension=12.0 * p["monthly_amount"].to_numpy(float), months=np.zeros(len(p)),
                paid=np.zeros(len(p)) if rules.past_rates else None,
            ))
        joined = {k: (None if parts[0][k] is None
                      else np.concatenate([part[k] for part in parts])) for k in parts[0]}
        if len(joined["ids"]) == 0:
            raise DataError("no active or inactive member and no pensioner to value",
                            source=result.files[0].path,
                            expected="at least one used member or pensioner row")
        return cls(**joined, synthetic=result.synthetic)

    @classmethod
    def from_population(cls, population: Any, rules: StartRules) -> "MemberSet":
        """One member of each row of a starting population
        (:class:`actuary.engine.starting.StartingPopulation`), with the row's average amounts.

        Service, wage and career earnings are those
        :meth:`~actuary.engine.starting.StartingPopulation.to_state` puts in cells
        (:meth:`~actuary.engine.starting.StartingPopulation.member_service`); a row of ``count``
        people is worth ``count`` times its member (see :func:`value_population`).
        """
        rows = population.rows
        service = np.array(population.member_service(
            rules.wage_floor, rules.wage_ceiling, rules.extra_years, rules.months_for_extra),
            dtype=float).reshape(len(rows), 3)
        pension = pd.to_numeric(rows["average_monthly_pension"], errors="coerce")
        # contributions paid: months x career wage x their rates, as to_state
        months = np.where(rows["status"].isin(("active", "inactive")),
                          pd.to_numeric(rows["credited_months"], errors="coerce"), 0.0)
        return cls(
            ids=np.array([f"row {i + 2}" for i in range(len(rows))], dtype=object),
            sex=(rows["sex"] == "F").to_numpy(np.int64),
            age=rows["age"].to_numpy(np.int64),
            status=rows["status"].map(STATUS_CODES).to_numpy(np.int64),
            years=service[:, 0], wage=service[:, 1], career=service[:, 2],
            pension=12.0 * np.nan_to_num(pension.to_numpy(float)),
            months=months,
            paid=None if not rules.past_rates else np.where(
                service[:, 0] > 0, months * service[:, 2]
                / (12.0 * np.where(service[:, 0] > 0, service[:, 0], 1.0))
                * np.array([rules.paid_rate(v) for v in months]), 0.0),
        )


def value_population(basis: Basis, population: Any, rules: StartRules,
                     discount: Any = None) -> pd.Series:
    """Present values (KHR, at the valuation date) of a starting population valued as a
    closed group, member by member: each row's member times the row's count.

    Returns ``pvfb`` (future benefits), ``pvfc`` (future contributions) and ``adl`` (the
    accrued-to-date liability: the benefits earned by the service to date), as
    :func:`value_members` defines them. ``discount`` as there (default: the basis's
    investment return).
    """
    members = MemberSet.from_population(population, rules)
    counts = population.rows["count"].to_numpy(float)
    valued = value_members(basis, members, discount).by_member
    return pd.Series({name: float(counts @ valued[name].to_numpy())
                      for name in ("pvfb", "pvfc", "adl")})


def _kernel_args(basis: Basis, members: MemberSet, v_mid: np.ndarray,
                 chunks: int | None = None) -> tuple:
    """The arguments of :func:`actuary.engine.member_entry.value_members_kernel` (and of
    its serial twin) for ``members`` on ``basis`` discounted by ``v_mid``."""
    n_chunks = chunks or max(1, min(len(members), WORK_SHARES))
    tables = kernel_inputs(basis, v_mid)  # yearly, ysa [T, 2, age, column], sa, fac
    years = start_slots(basis, members)
    blocks = blocks_of(members.sex, members.age, members.status, years, tables[1].shape[2])
    return (blocks, members.sex, members.age, members.status, years,
            members.wage, members.career, contributions_paid(basis, members),
            members.pension, int(basis.service_slots), int(n_chunks), *tables,
            rules_record(basis))


_ENTRY = "actuary.engine.member_entry"  # the member engine's entries, for a worker


def _cohort_compiling_early() -> bool:
    """Whether a worker compiles the cohort kernel (a first run's start,
    :func:`actuary.engine.kernel_types.compile_cohort_early`): this process then compiles
    the member engine itself meanwhile, on the other core, rather than in a second
    worker that would share the two cores with it and with this process's loading."""
    from actuary.engine.ahead import compiling_early

    return compiling_early("actuary.engine.kernels", "project_kernel")


def member_engine_early() -> bool:
    """At a valuation's start: when the member engine (its serial entry, what a
    valuation's accrued rights use below ``PARALLEL_FROM`` members) is not compiled,
    start the worker that will compile it now, so that its imports overlap the loading
    (:func:`actuary.engine.ahead.start_early`); :func:`value_population_ahead` hands it
    the arguments, or dismisses it. True when one was started. None is started while a
    worker compiles the cohort kernel (this process compiles the member engine then), nor
    where it was compiled at install (:mod:`actuary.engine.native`)."""
    from actuary.engine.ahead import start_early
    from actuary.engine.kernel_types import member_inputs

    if (_cohort_compiling_early()
            or native.function("value_members_serial", member_inputs()) is not None):
        return False
    return start_early(_ENTRY, "value_members_serial")


def member_engine_here(basis: Basis) -> bool:
    """Whether :func:`value_population_ahead` will compile the member engine in this
    process (it takes seconds: a caller may say so)."""
    return values_rules(basis) and _cohort_compiling_early()


def value_population_ahead(basis: Basis, population: Any, rules: StartRules) -> Any:
    """Start compiling the member engine that :func:`value_population` will need for
    ``population``: in a worker process (see :mod:`actuary.engine.ahead`), or here and now
    while a worker compiles the cohort kernel (:func:`member_engine_here`). Returns the
    worker, None when there is none (compiled already, here or before, or the rules are
    not the member engine's). Wait on the handle before calling :func:`value_population`."""
    from actuary.engine.ahead import cache_is_warm, compile_ahead, dismiss, signature

    if not values_rules(basis):
        dismiss(_ENTRY)
        return None
    members = MemberSet.from_population(population, rules)
    parallel = len(members) >= PARALLEL_FROM
    name = "value_members_kernel" if parallel else "value_members_serial"
    # the kernel's own arguments: the worker imports the engine alone (numba, not pandas)
    args = _kernel_args(basis, members, discount_factors(basis))
    if not parallel and native.function(name, args) is not None:
        dismiss(_ENTRY)  # compiled at install
        return None
    entry = getattr(importlib.import_module(_ENTRY), name)
    if cache_is_warm(entry):
        dismiss(_ENTRY)
        return None
    if _cohort_compiling_early():
        dismiss(_ENTRY)
        entry.compile(signature(args))  # the specialisation the call will take
        return None
    return compile_ahead(_ENTRY, name, *args)


def discount_factors(basis: Basis, discount: Any = None) -> np.ndarray:
    """``v_mid[t]``: value at the valuation date of 1 KHR paid in the middle of year ``t``.

    ``discount``: ``None`` for the basis's investment return (forward rates by
    year), a float annual effective rate (0.05 for 5%), a sequence of annual forward
    rates by projection year (the last repeats), or an
    :class:`actuary.life.annuities.Discount`.
    """
    if discount is None:
        curve = Discount.from_forward_rates(basis.investment_return)
    elif isinstance(discount, Discount):
        curve = discount
    elif np.ndim(discount) == 0:
        curve = Discount.constant(float(discount))
    else:
        curve = Discount.from_forward_rates(np.asarray(discount, dtype=float))
    return np.ascontiguousarray(curve(np.arange(basis.n_years) + 0.5))


@dataclass(frozen=True)
class ClosedGroupValuation:
    """Result of :func:`value_members`.

    ``by_member``: one row per member (id, sex, age, status, service years, ``pvfb``,
    ``pvfc``, ``adl``, KHR at the valuation date); ``totals``: the sums by branch
    (``contributions`` is the PVFC, ``adl`` the ADL, the others add up to the PVFB);
    ``v_mid`` the discount factors used; ``first_year`` the valuation year.
    """

    by_member: pd.DataFrame
    totals: pd.Series
    v_mid: np.ndarray
    first_year: int
    synthetic: bool = False

    @property
    def pvfb(self) -> float:
        """Present value of future benefits, KHR."""
        return float(self.totals[list(BENEFIT_BRANCHES)].sum())

    @property
    def pvfc(self) -> float:
        """Present value of future contributions, KHR."""
        return float(self.totals["contributions"])

    @property
    def adl(self) -> float:
        """Accrued-to-date liability, KHR."""
        return float(self.totals["adl"])

    def summary(self) -> pd.DataFrame:
        """Members, PVFB, PVFC and ADL (KHR) by status and sex, with a total row."""
        # categories keep the order of STATUS_CODES and of M, F; empty groups are dropped
        g = (self.by_member.groupby(["status", "sex"], observed=True)
             .agg(members=("id", "size"), pvfb=("pvfb", "sum"), pvfc=("pvfc", "sum"),
                  adl=("adl", "sum"))
             .reset_index())
        g["status"] = g["status"].astype(str)
        g["sex"] = g["sex"].astype(str)
        total = pd.DataFrame([{"status": "all", "sex": "all", "members": int(g["members"].sum()),
                               "pvfb": g["pvfb"].sum(), "pvfc": g["pvfc"].sum(),
                               "adl": g["adl"].sum()}])
        return pd.concat([g, total], ignore_index=True)


def values_rules(basis: Basis) -> bool:
    """Whether the member-level engine values ``basis``'s rules (career-average, no
    retirement at any age); :func:`value_members` refuses the others."""
    return not basis.rules.final_salary and not np.any(basis.early_retirement_years > 0)


def _check_rules(basis: Basis) -> None:
    if basis.rules.final_salary:
        raise AssumptionError(
            "the member-level valuation handles career-average schemes only",
            location="scheme.parameters.reference_wage", value="final_wage",
            expected="a career-average reference wage (value final-salary schemes with "
                     "actuary valuate, the cohort engine)")
    advance = basis.density * (12.0 / PAID_SLOT_MONTHS * basis.contribution_factor
                               if basis.paid_slots else basis.credit_factor)
    if np.any(advance > 2.0):
        raise AssumptionError(
            "the member-level valuation moves service at most two slots a year",
            location="demographic.contribution_density", value=float(basis.density.max()),
            expected="a density (times the credit factor) of at most 1")
    if np.any(basis.early_retirement_years > 0):
        raise AssumptionError(
            "the member-level valuation has no retirement before the pension age",
            location="scheme.parameters.early_retirement_years",
            value=sorted(set(basis.early_retirement_years.tolist())),
            expected="no retirement at any age (value such schemes with actuary valuate)")


def contributions_paid(basis: Basis, members: MemberSet) -> np.ndarray:
    """Each member's contributions paid by the valuation date (KHR): as given, else the
    first year's contribution rate times the career earnings (the cohort's rule for a
    state without them, :func:`actuary.engine.records.start_cells`)."""
    if members.paid is not None:
        return members.paid
    return basis.contribution_rate[0] * members.career


def start_slots(basis: Basis, members: MemberSet) -> np.ndarray:
    """Each member's service slot on the valuation date (the kernel's ``years``): months
    paid / ``PAID_SLOT_MONTHS``, whole (:attr:`Basis.paid_slots`), else credited years
    (the fraction split over two slots by the kernel); 50 at most, as the cohort cells."""
    if basis.paid_slots:
        return np.minimum(np.floor(members.months / PAID_SLOT_MONTHS), N_SERVICE - 1)
    return members.years


def value_members(basis: Basis, members: MemberSet, discount: Any = None, *,
                  chunks: int | None = None, parallel: bool | None = None
                  ) -> ClosedGroupValuation:
    """Value every member of ``members`` on ``basis`` (its rules, decrements and economy).

    Parameters
    ----------
    basis
        The dense basis (:func:`actuary.engine.build.build_basis`); its starting population and
        new entrants are not used.
    members
        The people to value.
    discount
        See :func:`discount_factors` (default: the basis's investment return).
    chunks
        Work shares: the blocks of alike members (see
        :func:`actuary.engine.member_kernel.member_blocks`) are dealt out to this many shares in
        turn, and the shares to the threads (default :data:`WORK_SHARES`, whatever the
        number of threads: each share sums its members in a fixed order and the shares
        are added in order, so the totals are the same bits on 1 or 16 threads).
    parallel
        Value on numba's threads (True) or on one (False); by default on the threads from
        :data:`actuary.engine.member_blocks.PARALLEL_FROM` members. The same bits either
        way as numba compiles them; the serial entry compiled at install
        (:mod:`actuary.engine.native`, used when its argument types are a valuation's)
        agrees to rounding (1e-13 relative, tested). The parallel entry costs seconds
        more to compile the first time.
    """
    _check_rules(basis)
    v_mid = discount_factors(basis, discount)
    if parallel is None:
        parallel = len(members) >= PARALLEL_FROM
    args = _kernel_args(basis, members, v_mid, chunks)
    if parallel:
        from actuary.engine.member_entry import value_members_kernel as kernel
    else:  # compiled at install when it was for these types (actuary.engine.native)
        kernel = native.entry("value_members_serial", args)
    pvfc, pvfb, adl, totals = kernel(*args)
    by_member = pd.DataFrame({
        "id": members.ids.copy(),
        # categories, not millions of strings
        "sex": pd.Categorical.from_codes(members.sex, ["M", "F"]), "age": members.age.copy(),
        "status": pd.Categorical.from_codes(members.status, list(STATUS_CODES)),
        "service_years": members.years.copy(),
        "pvfb": pvfb, "pvfc": pvfc, "adl": adl,
    }, copy=False)  # the columns are this frame's own: not copied again into blocks
    return ClosedGroupValuation(by_member=by_member, totals=pd.Series(totals, index=BRANCHES),
                                v_mid=v_mid, first_year=basis.first_year,
                                synthetic=members.synthetic)


def cohort_values(basis: Basis, v_mid: np.ndarray) -> pd.Series:
    """Present values by branch (KHR) of the cohort projection of ``basis``'s starting
    population with new entrants switched off, every flow discounted to mid-year."""
    from actuary.engine.projection import run_kernel

    flows, _, _ = run_kernel(basis.with_(target_actives=np.full(basis.n_years, -1.0)))
    money = flows.sum(axis=1)  # [T, flow]
    return pd.Series({name: float(v_mid @ money[:, list(idx)].sum(axis=1))
                      for name, idx in _BRANCH_FLOWS.items()})


def compare_with_cohort(valuation: ClosedGroupValuation, cohort_basis: Basis) -> pd.DataFrame:
    """Member totals beside the cohort projection of the same people in cells.

    Columns ``member_level``, ``cohort``, ``difference`` (member − cohort, KHR) and
    ``relative`` (difference / cohort), one row per branch, then PVFB and PVFC.
    """
    cohort = cohort_values(cohort_basis, valuation.v_mid)
    member = valuation.totals[list(_BRANCH_FLOWS)]
    frame = pd.DataFrame({"member_level": member, "cohort": cohort})
    frame.loc["pvfb"] = frame.loc[list(BENEFIT_BRANCHES)].sum()
    frame.loc["pvfc"] = frame.loc["contributions"]
    frame["difference"] = frame["member_level"] - frame["cohort"]
    frame["relative"] = np.where(frame["cohort"] != 0,
                                 frame["difference"] / frame["cohort"].where(frame["cohort"] != 0),
                                 np.nan)
    frame.index.name = "branch"
    return frame


@dataclass(frozen=True)
class ClosedGroupRun:
    """A member file valued member by member, beside its cohort projection.

    ``valuation`` the member-level result; ``comparison`` the table of
    :func:`compare_with_cohort`; ``basis`` the cohort basis of the same people
    aggregated into cells (new entrants off); ``aset`` the assumption set.
    """

    valuation: ClosedGroupValuation
    comparison: pd.DataFrame
    basis: Basis
    aset: Any


def value_check_result(result: Any, aset: Any, discount: Any = None,
                       horizon: int | None = None) -> ClosedGroupRun:
    """Value the used rows of a data check on the assumption set ``aset``.

    The data check's as-of date must be the set's valuation date. The cohort basis is
    built from the same rows aggregated into cells (:func:`actuary.aggregate.aggregate`).
    """
    from actuary.members.aggregate import aggregate
    from actuary.engine.build import build_basis, start_rules
    from actuary.engine.starting import StartingPopulation

    as_of = result.settings.as_of
    if as_of != aset.valuation_date:
        raise DataError("the data are not at the valuation date of the assumption set",
                        field="as_of", value=as_of.isoformat(),
                        expected=f"{aset.valuation_date.isoformat()} (pass --as-of or choose "
                                 "an assumption set of that date)")
    rows, _ = aggregate(result)
    population = StartingPopulation(rows=rows, valuation_date=as_of, reserve=0.0,
                                    name="members in cells", status="derived")
    basis = build_basis(aset, population, horizon, closed_group=True)
    members = MemberSet.from_check(result, start_rules(aset))
    valuation = value_members(basis, members, discount)
    return ClosedGroupRun(valuation=valuation,
                          comparison=compare_with_cohort(valuation, basis), basis=basis,
                          aset=aset)
