"""The branch year by year: injuries, awards, capital values and pensions in payment.

Each calendar year t (arrays by sex M=0, F=1 and age x on 1 January):

1. Pensions in payment on 1 January are paid through the year while the pensioner
   lives: ``mass x (1 - q/2)``; disability pensioners die ``1 + (F - 1) d`` times as
   often as other people of their age (``F`` = ``pensioner_mortality_factor``, ``d`` the
   degree). Their value on 1 January is the stock's mass times the annuity factors of
   :mod:`.annuity` (the present value of pensions in payment).
2. Injuries: ``contributor-years x incidence(sex, age)``; a share is fatal, a share of
   the others leaves a permanent disability spread over the degree grid. Every non-fatal
   injury draws temporary disability benefit; degrees below the pension threshold a
   lump sum; the others a pension from the next 1 January (see :mod:`.rules`), for those
   still alive then (``1 - q/2``, the injured die like disability pensioners).
3. Fatal injuries: a funeral grant; a spouse (chance ``married``, aged x + the spouse
   age gap) and children (chance ``child_probability``, ``children`` of them on average,
   counted at one age, the parent's age minus the parent-child gap, half of them boys)
   receive survivors' pensions from the death: half a year in year t, then from the next
   1 January (those still alive, ``1 - q/2``). Orphans' pensions stop at the age limit.
4. The capital value of the year's new pensions (the *constituent capital*, valued at
   mid-year t): the survivors' half year plus, for everyone entering the stock on
   1 January t+1, the annual amount times the annuity factor then, discounted half a
   year.
5. The stock rolls forward to 1 January t+1: survivors age a year, amounts are indexed
   by the index's change over year t; new pensions join unindexed.

Named approximations: injuries and deaths happen at mid-year; the disability pension
starts on the 1 January after the injury whatever the month (the temporary benefit covers
the months between, up to 180 days); survivors' pensions are not stopped by remarriage;
all a family's children are one age; a spouse's age is capped at 109 (at 110 nobody
survives the year); the family chances of the pension set (married, children) stand for
families of the injured.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .annuity import annuity_factors, extend_years
from .insured import Insured
from .pensions import PensionStock
from .rules import DAYS_PER_YEAR, BranchRules, survivor_rates

__all__ = ["BranchProjection", "project_branch", "FLOW_KEYS", "STOCK_KEYS"]

N_AGE = 111
EPS = 1e-12

#: Yearly flows by sex. By sex of the insured: injuries, fatal, permanent, lump sums
#: and their awards, temporary benefits, funeral grants, capital values, earnings,
#: contributor-years. By sex of the recipient: pension payments, people entering and
#: leaving the stock of pensioners.
FLOW_KEYS = (
    "contributor_years", "insurable_earnings", "injuries", "fatal_injuries",
    "permanent_disabilities", "lump_sum_awards", "disability_pension_awards",
    "temporary_disability_benefits", "lump_sums", "funeral_grants",
    "cv_disability_pensions", "cv_survivor_pensions",
    "permanent_disability_benefits", "spouse_benefits", "orphan_benefits",
    "disability_entering", "spouse_entering", "orphan_entering",
    "spouse_awards", "orphan_awards",
    "disability_deaths", "spouse_deaths", "orphan_deaths", "orphans_expired",
)
#: Stocks on 1 January (years 0 .. T), by sex of the pensioner.
STOCK_KEYS = ("disability_pensioners", "spouse_pensioners", "orphan_pensioners",
              "pv_disability_pensions", "pv_spouse_pensions", "pv_orphan_pensions")


@dataclass(frozen=True)
class BranchProjection:
    """The projection of the branch (money in KHR of each year).

    ``flows[key]`` is ``[T, 2]`` (year, sex) for each of :data:`FLOW_KEYS`;
    ``stocks[key]`` is ``[T + 1, 2]`` on 1 January for each of :data:`STOCK_KEYS`;
    ``awards_by_degree`` is ``[T, D]`` permanent disabilities by degree (both sexes)
    on the grid ``degrees``; ``final`` is the stock after the last year.
    """

    years: np.ndarray
    flows: dict[str, np.ndarray]
    stocks: dict[str, np.ndarray]
    degrees: np.ndarray
    awards_by_degree: np.ndarray
    final: PensionStock

    def total(self, key: str) -> np.ndarray:
        """A flow or stock summed over sexes."""
        arr = self.flows[key] if key in self.flows else self.stocks[key]
        return arr.sum(axis=1)


def _factors(rules: BranchRules, insured: Insured, degrees: np.ndarray, T: int):
    """Death probabilities of pensioners and the annuity factors of the three kinds."""
    q = insured.mortality[:T]
    factor = rules.pensioner_mortality_factor[:T]
    qd = np.minimum(q[:, :, :, None] * (1.0 + (factor[:, None, None, None] - 1.0)
                                        * degrees[None, None, None, :]), 1.0)
    qd[:, :, -1, :] = 1.0
    ret, idx = rules.investment_return[:T], rules.indexation[:T]
    ret_e, idx_e = extend_years(ret), extend_years(idx)
    a_dis = annuity_factors(extend_years(qd).transpose(0, 1, 3, 2), ret_e, idx_e)
    a_dis = a_dis[: T + 1].transpose(0, 1, 3, 2)  # [T+1, 2, 111, D]
    q_e = extend_years(q)
    a_life = annuity_factors(q_e, ret_e, idx_e)[: T + 1]
    a_orph = annuity_factors(q_e, ret_e, idx_e, age_limit=insured.orphan_age_limit)[: T + 1]
    return q, qd, a_dis, a_life, a_orph


def _place(target: np.ndarray, sex: np.ndarray | int, ages: np.ndarray,
           values: np.ndarray) -> None:
    """Add ``values`` (by source age) into ``target[sex, ages]``."""
    np.add.at(target, (sex, ages), values)


def project_branch(rules: BranchRules, insured: Insured, stock: PensionStock) -> BranchProjection:
    """Project the branch over the insured's years from the pensions in payment ``stock``."""
    T = insured.n_years
    if rules.n_years < T:
        raise ValueError(f"rules cover {rules.n_years} years, the insured {T}")
    stock = stock.on_degrees(rules.degrees)
    deg = stock.degrees
    D = deg.size
    shares = np.zeros(D)
    shares[np.searchsorted(np.round(deg, 12), np.round(rules.degrees, 12))] = rules.degree_shares
    q, qd, a_dis, a_life, a_orph = _factors(rules, insured, deg, T)
    flows = {k: np.zeros((T, 2)) for k in FLOW_KEYS}
    stocks = {k: np.zeros((T + 1, 2)) for k in STOCK_KEYS}
    by_degree = np.zeros((T, D))
    n_dis, m_dis = stock.disability_count.copy(), stock.disability_mass.copy()
    n_sp, m_sp = stock.spouse_count.copy(), stock.spouse_mass.copy()
    n_or, m_or = stock.orphan_count.copy(), stock.orphan_mass.copy()
    limit = insured.orphan_age_limit
    ages = np.arange(N_AGE)
    spouse_age = np.stack([np.clip(ages + int(g), 0, N_AGE - 2) for g in insured.spouse_age_gap])
    child_age = np.clip(ages - insured.parent_child_gap, 0, limit - 1)
    sp_rate, ch_rate = (None, None)
    for t in range(T):
        f = {k: flows[k][t] for k in FLOW_KEYS}
        qt, qdt = q[t], qd[t]
        u = (1.0 + rules.investment_return[t]) ** -0.5
        _record_stock(stocks, t, n_dis, m_dis, n_sp, m_sp, n_or, m_or, a_dis[t], a_life[t],
                      a_orph[t])
        # 1. pensions in payment
        f["permanent_disability_benefits"] += (m_dis * (1.0 - 0.5 * qdt)).sum(axis=(1, 2))
        f["spouse_benefits"] += (m_sp * (1.0 - 0.5 * qt)).sum(axis=1)
        f["orphan_benefits"] += (m_or * (1.0 - 0.5 * qt)).sum(axis=1)
        f["disability_deaths"] += (n_dis * qdt).sum(axis=(1, 2))
        f["spouse_deaths"] += (n_sp * qt).sum(axis=1)
        f["orphan_deaths"] += (n_or * qt).sum(axis=1)
        # roll the stock to 1 January t+1 (indexed), before adding the year's awards
        idx = 1.0 + rules.indexation[t]
        n_dis, m_dis = _age(n_dis * (1.0 - qdt)), _age(m_dis * (1.0 - qdt)) * idx
        n_sp, m_sp = _age(n_sp * (1.0 - qt)), _age(m_sp * (1.0 - qt)) * idx
        n_or, m_or = _age(n_or * (1.0 - qt)), _age(m_or * (1.0 - qt)) * idx
        # 2. injuries and disability awards
        exposure, earnings = insured.exposure[t], insured.earnings[t]
        wage = np.divide(earnings, exposure, out=np.zeros_like(earnings), where=exposure > 0)
        f["contributor_years"] += exposure.sum(axis=1)
        f["insurable_earnings"] += earnings.sum(axis=1)
        injuries = exposure * rules.incidence
        fatal = injuries * rules.fatal_share[t]
        permanent = (injuries - fatal) * rules.permanent_share[t]
        perm_d = permanent[:, :, None] * shares
        by_degree[t] = perm_d.sum(axis=(0, 1))
        f["injuries"] += injuries.sum(axis=1)
        f["fatal_injuries"] += fatal.sum(axis=1)
        f["permanent_disabilities"] += permanent.sum(axis=1)
        days = (rules.temporary_days[t] * (injuries - fatal - permanent)
                + rules.temporary_days_permanent[t] * permanent)
        f["temporary_disability_benefits"] += (rules.temporary_rate[t] * wage / DAYS_PER_YEAR
                                               * days).sum(axis=1)
        pension = deg >= rules.pension_threshold[t] - EPS
        lumps = perm_d[:, :, ~pension]
        f["lump_sum_awards"] += lumps.sum(axis=(1, 2))
        f["lump_sums"] += (lumps * (rules.lump_sum_years[t] * deg[~pension])
                           * wage[:, :, None]).sum(axis=(1, 2))
        carer = np.where(deg >= rules.total_disability_degree[t] - EPS,
                         rules.carer_allowance_rate[t], 0.0)
        amount = rules.pension_coefficient[t] * deg * (1.0 + carer) * wage[:, :, None]
        awarded = perm_d * pension
        entering = awarded * (1.0 - 0.5 * qdt)
        entering[:, -1, :] = 0.0  # nobody is alive after the last age
        f["disability_pension_awards"] += awarded.sum(axis=(1, 2))
        f["disability_entering"] += entering.sum(axis=(1, 2))
        f["disability_deaths"] += (awarded - entering).sum(axis=(1, 2))
        f["cv_disability_pensions"] += (entering[:, :-1] * amount[:, :-1]
                                        * a_dis[t + 1][:, 1:]).sum(axis=(1, 2)) * u
        n_dis[:, 1:] += entering[:, :-1]
        m_dis[:, 1:] += (entering * amount)[:, :-1]
        # 3. fatal injuries: funeral grant and survivors
        f["funeral_grants"] += (fatal * rules.funeral_grant[t]).sum(axis=1)
        sp_rate, ch_rate = survivor_rates(
            insured.married, insured.child_probability, rules.survivor_rate_one_class[t],
            rules.survivor_rate_both[t], rules.survivor_spouse_share[t])
        cv_surv = np.zeros(2)
        for s in (0, 1):
            # spouses: of the other sex, at the spouse's age
            r = 1 - s
            a2 = spouse_age[s]
            count = fatal[s] * insured.married[s]
            mass = count * sp_rate[s] * wage[s]
            alive = 1.0 - 0.5 * qt[r, a2]
            f["spouse_awards"][r] += count.sum()
            f["spouse_benefits"][r] += 0.5 * mass.sum()
            f["spouse_entering"][r] += (count * alive).sum()
            f["spouse_deaths"][r] += (count * (1.0 - alive)).sum()
            cv_surv[s] += 0.5 * mass.sum() + u * (mass * alive * a_life[t + 1][r, a2 + 1]).sum()
            _place(n_sp, r, a2 + 1, count * alive)
            _place(m_sp, r, a2 + 1, mass * alive)
            # orphans: half boys, half girls, at the children's age
            count = fatal[s] * insured.children[s]
            mass = fatal[s] * insured.child_probability[s] * ch_rate[s] * wage[s]
            for c in (0, 1):
                alive = 1.0 - 0.5 * qt[c, child_age]
                f["orphan_awards"][c] += 0.5 * count.sum()
                f["orphan_benefits"][c] += 0.25 * mass.sum()
                f["orphan_entering"][c] += 0.5 * (count * alive).sum()
                f["orphan_deaths"][c] += 0.5 * (count * (1.0 - alive)).sum()
                cv_surv[s] += 0.25 * mass.sum() + u * 0.5 * (
                    mass * alive * a_orph[t + 1][c, child_age + 1]).sum()
                _place(n_or, c, child_age + 1, 0.5 * count * alive)
                _place(m_or, c, child_age + 1, 0.5 * mass * alive)
        f["cv_survivor_pensions"] += cv_surv
        # orphans reaching the age limit leave on 1 January
        f["orphans_expired"] += n_or[:, limit:].sum(axis=1)
        n_or[:, limit:] = 0.0
        m_or[:, limit:] = 0.0
    _record_stock(stocks, T, n_dis, m_dis, n_sp, m_sp, n_or, m_or, a_dis[T], a_life[T], a_orph[T])
    final = PensionStock(deg, n_dis, m_dis, n_sp, m_sp, n_or, m_or)
    return BranchProjection(np.asarray(insured.years), flows, stocks, deg, by_degree, final)


def _age(arr: np.ndarray) -> np.ndarray:
    """Everyone one year older (axis 1 is age); the last age leaves (q = 1 there)."""
    out = np.zeros_like(arr)
    out[:, 1:] = arr[:, :-1]
    return out


def _record_stock(stocks: dict[str, np.ndarray], t: int, n_dis: np.ndarray, m_dis: np.ndarray,
                  n_sp: np.ndarray, m_sp: np.ndarray, n_or: np.ndarray, m_or: np.ndarray,
                  a_dis: np.ndarray, a_life: np.ndarray, a_orph: np.ndarray) -> None:
    """Counts and present values of the pensions in payment on 1 January of year t."""
    stocks["disability_pensioners"][t] = n_dis.sum(axis=(1, 2))
    stocks["spouse_pensioners"][t] = n_sp.sum(axis=1)
    stocks["orphan_pensioners"][t] = n_or.sum(axis=1)
    stocks["pv_disability_pensions"][t] = (m_dis * a_dis).sum(axis=(1, 2))
    stocks["pv_spouse_pensions"][t] = (m_sp * a_life).sum(axis=1)
    stocks["pv_orphan_pensions"][t] = (m_or * a_orph).sum(axis=1)
