"""The numba projection kernel against independent references.

* the vectorised numpy reference (tests/reference_projection.py), to 1e-12 relative;
* identities: people are neither created nor lost; scaling money scales money;
* a tiny scheme computed by hand, year by year;
* the capped-wage expectation against numerical integration.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest import make_basis  # noqa: E402
from reference_projection import project_reference  # noqa: E402

from actuary.engine import state as S
from actuary.engine.basis import SchemeRules, StartingState
from actuary.engine.kernels import capped_mean
from actuary.engine.projection import project, run_kernel


def _max_rel_err(a: np.ndarray, b: np.ndarray) -> float:
    """Largest relative difference, elementwise (exact zeros in both count as equal)."""
    diff = np.abs(a - b)
    scale = np.maximum(np.abs(a), np.abs(b))
    rel = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
    return float(rel.max())


@pytest.mark.parametrize(
    "seed,sigma,entrants,years",
    [(0, 0.0, True, 40), (1, 0.3, True, 40), (2, 0.5, False, 30), (3, 0.3, True, 100)],
)
def test_kernel_agrees_with_numpy_reference(seed, sigma, entrants, years):
    basis = make_basis(seed, years, entrants=entrants, sigma=sigma)
    for got, want in zip(run_kernel(basis), project_reference(basis)):
        assert got.shape == want.shape
        assert _max_rel_err(got, want) < 1e-12


def test_kernel_agrees_with_reference_when_rules_change():
    rules = SchemeRules(old_age_min_years=3, invalidity_min_years=2, survivor_min_years=8,
                        refund_share=0.5, survivor_rate=0.6, survivor_spouse_share=0.7,
                        survivor_children_share=0.3, survivor_lump_sum_months=3,
                        funeral_grant_months=2, invalidity_minimum_rate=0.5)
    basis = make_basis(7, 35, rules=rules, sigma=0.2)
    for got, want in zip(run_kernel(basis), project_reference(basis)):
        assert _max_rel_err(got, want) < 1e-12


def _balance(proj) -> np.ndarray:
    """start(t) + in - out - start(t+1), by year and sex: zero when nobody is lost."""
    f = proj.flows
    total = proj.people.sum(axis=(1, 3))  # [T+1, sex]
    inflow = f[:, :, S.FLOW_ENTRANTS] + f[:, :, S.FLOW_NEW_SPOUSES] + f[:, :, S.FLOW_NEW_ORPHANS]
    outflow = (f[:, :, S.FLOW_DEATHS_ACTIVE] + f[:, :, S.FLOW_DEATHS_INACTIVE]
               + f[:, :, S.FLOW_DEATHS_PENSIONER] + f[:, :, S.FLOW_ORPHANS_EXPIRED]
               + f[:, :, S.FLOW_REFUNDS_PAID])
    return total[:-1] + inflow - outflow - total[1:]


@pytest.mark.parametrize("seed", [0, 4, 9])
def test_people_are_neither_created_nor_lost(seed):
    proj = project(make_basis(seed, 60))
    scale = proj.people.sum(axis=(1, 3)).max()
    assert np.abs(_balance(proj)).max() < 1e-10 * scale


def test_each_active_cell_is_conserved():
    """in = out + deaths + exits, cell by cell: one active cell alone for one year."""
    base = make_basis(3, 1, entrants=False)
    rng = np.random.default_rng(11)
    for _ in range(20):
        s, x, n = int(rng.integers(0, 2)), int(rng.integers(16, 58)), int(rng.integers(0, 12))
        start = StartingState.empty()
        start.active_count[s, x, n] = 100.0
        start.active_wage[s, x, n] = 100.0 * 6e6
        start.active_career[s, x, n] = 100.0 * 6e6 * n
        proj = project(base.with_(start=start))
        q, i, w = base.mortality[0, s, x], base.invalidity[0, s, x], base.exit[0, s, x]
        f = proj.flows[0, s]
        assert f[S.FLOW_DEATHS_ACTIVE] == pytest.approx(100 * q, rel=1e-12)
        stayers = proj.people[1, S.STATUS_ACTIVE, s].sum()
        moved = (proj.people[1, S.STATUS_INACTIVE, s].sum()
                 + proj.people[1, S.STATUS_INVALIDITY, s].sum())
        assert stayers == pytest.approx(100 * (1 - q - i - w), rel=1e-12)
        assert stayers + moved + f[S.FLOW_DEATHS_ACTIVE] == pytest.approx(100.0, rel=1e-12)
        assert f[S.FLOW_EXITS] + f[S.FLOW_NEW_INVALIDITY] == pytest.approx(100 * (i + w),
                                                                           rel=1e-12)


def test_scaling_money_by_k_scales_every_money_figure():
    k = 3.7
    b = make_basis(5, 40, sigma=0.3)
    st = b.start
    scaled_start = StartingState(
        active_count=st.active_count, active_wage=st.active_wage * k,
        active_career=st.active_career * k, inactive_count=st.inactive_count,
        inactive_career=st.inactive_career * k, old_age_count=st.old_age_count,
        old_age_pension=st.old_age_pension * k, invalidity_count=st.invalidity_count,
        invalidity_pension=st.invalidity_pension * k, spouse_count=st.spouse_count,
        spouse_pension=st.spouse_pension * k, orphan_count=st.orphan_count,
        orphan_pension=st.orphan_pension * k, reserve=st.reserve * k,
    )
    b2 = b.with_(start=scaled_start, wage_floor=b.wage_floor * k, wage_ceiling=b.wage_ceiling * k,
                 minimum_pension=b.minimum_pension * k, entrant_wage=b.entrant_wage * k,
                 funeral_grant_minimum=b.funeral_grant_minimum * k)
    p1, p2 = project(b), project(b2)
    money = [S.FLOW_CONTRIBUTIONS, S.FLOW_EARNINGS, S.FLOW_OLD_AGE, S.FLOW_INVALIDITY,
             S.FLOW_SPOUSE, S.FLOW_ORPHAN, S.FLOW_REFUND, S.FLOW_SURVIVOR_LUMP, S.FLOW_FUNERAL,
             S.FLOW_NEW_OLD_AGE_AMOUNT, S.FLOW_NEW_INVALIDITY_AMOUNT, S.FLOW_WAGE_MASS]
    counts = [i for i in range(S.N_FLOWS) if i not in money]
    np.testing.assert_allclose(p2.flows[:, :, money], k * p1.flows[:, :, money], rtol=1e-11)
    np.testing.assert_allclose(p2.flows[:, :, counts], p1.flows[:, :, counts], rtol=1e-11)
    np.testing.assert_allclose(p2.masses, k * p1.masses, rtol=1e-11)
    np.testing.assert_allclose(p2.people, p1.people, rtol=1e-11)


def test_tiny_scheme_by_hand():
    """Two women aged 58 with 4 credited years, three years, every figure by hand.

    The state is by credited years, read as 12 months paid each (48 months): the
    conditions test the months paid at the date of each event.

    Rules: contribution 10%, no floor or ceiling, accrual 1.5%, pension age 60, old-age
    after 1 year, survivors after 5, survivors' rate 45%; death 1% a year, exit 10%,
    no invalidity, no re-entry, no growth, no indexation. Half of the deceased are
    married, none has children; a woman's spouse is 3 years older. Members contribute
    voluntarily to the 1 January after the pension age (the retirement on the birthday
    is tested in test_scheme_rules.py).
    """
    T = 3
    b = make_basis(0, T, entrants=False, sigma=0.0)
    zeros = np.zeros((T, 2, 111))
    q = np.full((T, 2, 111), 0.01)
    q[:, :, -1] = 1.0
    start = StartingState.empty()
    start.active_count[1, 58, 4] = 2.0
    start.active_wage[1, 58, 4] = 2 * 10e6
    start.active_career[1, 58, 4] = 2 * 40e6
    married = np.full((2, 111), 0.5)
    b = b.with_(
        start=start, pension_age=np.full(T, 60), contribution_rate=np.full(T, 0.10),
        contribution_factor=np.ones(T), credit_factor=np.ones(T), density=np.ones(T),
        wage_floor=np.zeros(T), wage_ceiling=np.zeros(T), accrual_rate=np.full(T, 0.015),
        minimum_pension=np.zeros(T), revaluation=np.zeros(T), indexation=np.zeros(T),
        wage_growth=np.zeros(T), funeral_grant_minimum=np.full(T, 2e6),
        mortality=q, disabled_mortality=q, invalidity=zeros, exit=np.where(q < 1, 0.1, 0.0),
        reentry=zeros, salary_growth=np.ones((2, 111)), share_married=married,
        child_probability=np.zeros((2, 111)), children=np.zeros((2, 111)),
        spouse_age_gap=np.array([-3, 3]),
        rules=SchemeRules(old_age_min_years=1, invalidity_min_years=5, survivor_min_years=5,
                          refund_share=1.0, survivor_rate=0.45, survivor_lump_sum_months=1,
                          funeral_grant_months=5, contributions_after_pension_age=True),
    )
    p = project(b)
    F = p.flows[:, 1]  # women

    # Year 1 (age 58 -> 59). Exposure 2 x (1 - (0.01 + 0.10)/2) = 1.89 contributor-years.
    assert F[0, S.FLOW_EARNINGS] == pytest.approx(1.89 * 10e6, rel=1e-13)
    assert F[0, S.FLOW_CONTRIBUTIONS] == pytest.approx(1.89e6, rel=1e-13)
    # 0.02 deaths with 54 (< 60) months paid at death: a lump sum of one month of the
    # accrued pension 1.5% x (40M + 10M/2) = 675,000 a year, to the half who leave a spouse.
    assert F[0, S.FLOW_SURVIVOR_LUMP] == pytest.approx(0.02 * 0.5 * 675_000 / 12, rel=1e-13)
    # 0.2 exits keep 54 months paid (4.5 years), career 45M each.
    assert p.people[1, S.STATUS_INACTIVE, 1, 59] == pytest.approx(0.2, rel=1e-13)
    # 1.78 stay: 5 years, career 50M each, wage 10M.
    assert p.people[1, S.STATUS_ACTIVE, 1, 59] == pytest.approx(1.78, rel=1e-13)
    assert p.masses[1, S.MASS_CAREER, 1, 59] == pytest.approx(1.78 * 50e6 + 0.2 * 45e6, rel=1e-13)

    # Year 2 (age 59, attaining 60 at the end: everybody retires).
    assert F[1, S.FLOW_CONTRIBUTIONS] == pytest.approx(0.1 * 1.78 * 0.945 * 10e6, rel=1e-13)
    # Active deaths 0.0178 (66 months at death: survivors' pensions) with pension
    # 1.5% x 55M = 825,000; inactive deaths 0.002 with 54 months (a lump sum), pension
    # 1.5% x 45M = 675,000.
    surv_mass = 0.0178 * 825_000
    assert F[1, S.FLOW_NEW_SPOUSES] == 0.0  # the spouses of women are men
    assert p.flows[1, 0, S.FLOW_NEW_SPOUSES] == pytest.approx(0.5 * 0.0178, rel=1e-13)
    assert p.flows[1, 0, S.FLOW_SPOUSE] == pytest.approx(0.5 * 0.45 * 0.5 * surv_mass, rel=1e-13)
    assert F[1, S.FLOW_SURVIVOR_LUMP] == pytest.approx(0.5 * 0.002 * 675_000 / 12, rel=1e-13)
    # Retirements: 1.78 x 0.89 stayers with 6 years, career 60M -> 900,000 a year;
    # 0.178 exits with 5.5 years, career 55M -> 825,000; 0.099 + 0.099 inactives with
    # 4 and 5 years, career 45M -> 675,000. All have at least 1 year: no refund.
    stay, leave, idle = 1.78 * 0.89, 0.178, 0.198
    assert F[1, S.FLOW_NEW_OLD_AGE] == pytest.approx(stay + leave + idle, rel=1e-13)
    new_mass = stay * 900_000 + leave * 825_000 + idle * 675_000
    assert F[1, S.FLOW_NEW_OLD_AGE_AMOUNT] == pytest.approx(new_mass, rel=1e-13)
    assert F[1, S.FLOW_REFUND] == 0.0

    # Year 3: pensions paid mid-year, 1% die: paid = mass x (1 - 0.01/2); each death a
    # funeral grant of max(5/12 x pension, 2,000,000) = 2,000,000.
    assert F[2, S.FLOW_OLD_AGE] == pytest.approx(new_mass * 0.995, rel=1e-13)
    assert F[2, S.FLOW_FUNERAL] == pytest.approx(0.01 * (stay + leave + idle) * 2e6, rel=1e-13)
    assert F[2, S.FLOW_CONTRIBUTIONS] == 0.0
    # The widowers of year 2 (aged 62 = 59 + 3 at the end of year 2) are paid a full year;
    # the pensioners dying in year 3 leave new widowers, paid half a year, if they paid
    # 60 months: the stayers (72) and the leavers of year 2 (66), not the inactives (54),
    # whose widowers get the lump sum of a month's pension.
    assert p.people[2, S.STATUS_SPOUSE, 0, 63] == pytest.approx(0.5 * 0.0178, rel=1e-13)
    rights = stay * 900_000 + leave * 825_000
    widowers = 0.45 * 0.5 * surv_mass * 0.995 + 0.5 * 0.45 * 0.5 * (0.01 * rights)
    assert F[2, S.FLOW_SURVIVOR_LUMP] == pytest.approx(0.5 * 0.01 * idle * 675_000 / 12,
                                                       rel=1e-13)
    assert p.flows[2, 0, S.FLOW_SPOUSE] == pytest.approx(widowers, rel=1e-13)


@pytest.mark.parametrize("mean,floor,ceiling,sigma", [
    (800_000.0, 400_000.0, 1_200_000.0, 0.4),
    (300_000.0, 400_000.0, 1_200_000.0, 0.6),
    (2_000_000.0, 400_000.0, 1_200_000.0, 0.3),
    (900_000.0, 0.0, 1_200_000.0, 0.5),
    (900_000.0, 400_000.0, 0.0, 0.5),
])
def test_capped_mean_against_numerical_integration(mean, floor, ceiling, sigma):
    mu = math.log(mean) - sigma**2 / 2
    z = np.linspace(-12, 12, 400_001)
    w = np.exp(mu + sigma * z)
    capped = np.maximum(w, floor)
    if ceiling > 0:
        capped = np.minimum(capped, ceiling)
    density = np.exp(-z**2 / 2) / math.sqrt(2 * math.pi)
    expected = np.trapezoid(capped * density, z)
    assert capped_mean(mean, floor, ceiling, sigma) == pytest.approx(expected, rel=1e-9)


def test_capped_mean_without_dispersion_is_a_clip():
    assert capped_mean(300.0, 400.0, 1200.0, 0.0) == 400.0
    assert capped_mean(3000.0, 400.0, 1200.0, 0.0) == 1200.0
    assert capped_mean(800.0, 400.0, 1200.0, 0.0) == 800.0


def test_model_career_replacement_rate_closed_form():
    """A full career with revaluation = wage growth and no cap: RR = accrual x years. Aged
    20 on 1 January 2025 and born 1 July, the member reaches 60 on 1 July 2064: 39.5 years."""
    from actuary.analysis.careers import ModelCareer, run_career

    b = make_basis(2, 60)
    b = b.with_(revaluation=b.wage_growth, wage_floor=np.zeros(60), wage_ceiling=np.zeros(60),
                minimum_pension=np.zeros(60), accrual_rate=np.full(60, 0.015),
                pension_age=np.full(60, 60))
    res = run_career(b, ModelCareer("full", sex=1, entry_age=20, monthly_wage=900_000.0))
    assert res.retirement_year == 2064
    assert res.credited_years == 39.5
    assert res.replacement_rate == pytest.approx(0.015 * 39.5, rel=1e-12)
    half = run_career(b, ModelCareer("half", 1, 20, 900_000.0, density=0.5))
    assert half.replacement_rate == pytest.approx(0.015 * 19.75, rel=1e-12)
    # at a constant ceiling, a wage above it earns the same pension as one at it
    c = b.with_(wage_ceiling=np.full(60, 12 * 1.2e6), wage_growth=np.zeros(60),
                revaluation=np.zeros(60))
    top = run_career(c, ModelCareer("ceiling", 0, 30, 0.0, cap_at_ceiling=True))
    assert top.annual_pension == pytest.approx(0.015 * 29.5 * 12 * 1.2e6, rel=1e-12)


@pytest.mark.parametrize("seed", [1, 6])
def test_merged_service_slots(seed):
    """Without an invalidity minimum, slots from the longest qualifying period up are merged
    (60 months paid: 10 slots of 6 months, and "60 or more").

    The kernel and the reference agree on the merged state space; and where the capped
    wage is linear (no dispersion, floor or ceiling) merging changes no result at all.
    """
    rules = SchemeRules(old_age_min_years=1, invalidity_min_years=5, survivor_min_years=5,
                        invalidity_minimum_rate=0.0)
    b = make_basis(seed, 50, rules=rules, sigma=0.3)
    assert b.service_slots == 11
    assert b.with_(full_service=True).service_slots == 51
    for got, oracle in zip(run_kernel(b), project_reference(b)):
        assert _max_rel_err(got, oracle) < 1e-12
    linear = b.with_(wage_sigma=0.0, wage_floor=np.zeros(50), wage_ceiling=np.zeros(50),
                     minimum_pension=np.zeros(50))
    for got, want in zip(run_kernel(linear), run_kernel(linear.with_(full_service=True))):
        assert _max_rel_err(got, want) < 1e-12


# ---- public-sector rules: final salary, retirement at any age, grant below the condition ----

@pytest.mark.parametrize("final,early,grant,sigma", [
    (True, 45, 0.0, 0.3),    # final salary, retirement at any age hardly ever reached
    (True, 30, 10.0, 0.3),   # the civil-service rules: 30 years at any age, 10 months' grant
    (False, 25, 0.0, 0.2),   # career average with retirement at any age (refund below)
    (True, 8, 6.0, 0.0),     # a short service condition: many early retirements
])
def test_kernel_agrees_with_reference_under_public_sector_rules(final, early, grant, sigma):
    rules = SchemeRules(old_age_min_years=5 if early else 20, invalidity_min_years=5,
                        survivor_min_years=5, final_salary=final)
    b = make_basis(12, 40, rules=rules, sigma=sigma)
    ey = np.full(40, early, dtype=np.int64)
    ey[:10] = 0  # the rule starts in year 11
    gm = np.full(40, grant)
    b = b.with_(early_retirement_years=ey, grant_months=gm)
    assert b.service_slots == (51 if final else max(early, 5) + 1)
    for got, want in zip(run_kernel(b), project_reference(b)):
        assert _max_rel_err(got, want) < 1e-12
    if early:  # early retirements do happen before the pension age
        assert project(b).flows[10:, :, S.FLOW_RETIREMENTS].sum() > 0


def test_public_sector_rules_keep_people():
    rules = SchemeRules(old_age_min_years=20, final_salary=True)
    b = make_basis(4, 50, rules=rules).with_(early_retirement_years=np.full(50, 30),
                                             grant_months=np.full(50, 10.0))
    proj = project(b)
    scale = proj.people.sum(axis=(1, 3)).max()
    assert np.abs(_balance(proj)).max() < 1e-10 * scale


def test_grant_needs_final_salary_and_early_years_the_old_age_condition():
    b = make_basis(0, 5)
    with pytest.raises(ValueError, match="final-salary"):
        b.with_(grant_months=np.full(5, 10.0))
    with pytest.raises(ValueError, match="qualifying"):
        b.with_(rules=SchemeRules(old_age_min_years=20), early_retirement_years=np.full(5, 10))


def test_public_sector_rules_by_hand():
    """Five women, one year of the civil-service rules computed by hand.

    Final salary, accrual 2% a year, pension age 60, 20 years for a pension, retirement at
    any age with 30 years, a grant of 10 months' last wage below 20 years; death 1%,
    exit 5%, no invalidity, no growth, no revaluation; rate 10%, no floor or ceiling.
    A: active 55, 29 years, 12M a year.  B: active 59, 10 years, 12M.
    C: active 59, 25 years, 24M.  D: inactive 50, 31 years, last wage 6M.
    E: inactive 59, 15 years, last wage 6M.
    """
    T = 2
    q = np.full((T, 2, 111), 0.01)
    q[:, :, -1] = 1.0
    zeros = np.zeros((T, 2, 111))
    start = StartingState.empty()
    for age, years, wage in ((55, 29, 12e6), (59, 10, 12e6), (59, 25, 24e6)):
        start.active_count[1, age, years] = 1.0
        start.active_wage[1, age, years] = wage
        start.active_career[1, age, years] = wage * years  # not used by the final salary
    for age, years, wage in ((50, 31, 6e6), (59, 15, 6e6)):
        start.inactive_count[1, age, years] = 1.0
        start.inactive_career[1, age, years] = wage  # under the final salary: the last wage
    rules = SchemeRules(old_age_min_years=20, invalidity_min_years=5, survivor_min_years=5,
                        refund_share=0.0, survivor_rate=0.5, survivor_lump_sum_months=0,
                        funeral_grant_months=0, final_salary=True,
                        contributions_after_pension_age=True)  # retiring on 1 January
    b = make_basis(0, T, entrants=False, sigma=0.0).with_(
        start=start, rules=rules, pension_age=np.full(T, 60),
        contribution_rate=np.full(T, 0.10), contribution_factor=np.ones(T),
        credit_factor=np.ones(T), density=np.ones(T), wage_floor=np.zeros(T),
        wage_ceiling=np.zeros(T), accrual_rate=np.full(T, 0.02), minimum_pension=np.zeros(T),
        revaluation=np.zeros(T), indexation=np.zeros(T), wage_growth=np.zeros(T),
        funeral_grant_minimum=np.zeros(T), mortality=q, disabled_mortality=q,
        invalidity=zeros, exit=np.where(q < 1, 0.05, 0.0), reentry=zeros,
        salary_growth=np.ones((2, 111)), share_married=np.ones((2, 111)),
        child_probability=np.zeros((2, 111)), children=np.zeros((2, 111)),
        early_retirement_years=np.full(T, 30), grant_months=np.full(T, 10.0),
    )
    p = project(b)
    F = p.flows[0, 1]
    # contributions: each active contributes 1 - (0.01 + 0.05)/2 = 0.97 of the year
    assert F[S.FLOW_EARNINGS] == pytest.approx(0.97 * 48e6, rel=1e-13)
    assert F[S.FLOW_CONTRIBUTIONS] == pytest.approx(0.097 * 48e6, rel=1e-13)
    # A: 0.94 stayers reach 30 years and retire at 55 on 2% x 30 x 12M = 7.2M; of the
    # 0.05 leavers (half a year credited) half reach 30 and retire, half stay inactive.
    # C: 0.94 stayers with 26 years (12.48M), leavers 0.025 with 25 (12.0M) and 0.025
    # with 26. D: 0.99 inactives with 31 years retire on 2% x 31 x 6M = 3.72M.
    new = 0.965 + 0.99 + 0.99
    mass = 0.965 * 7.2e6 + (0.965 * 12.48e6 + 0.025 * 12.0e6) + 0.99 * 3.72e6
    assert F[S.FLOW_NEW_OLD_AGE] == pytest.approx(new, rel=1e-13)
    assert F[S.FLOW_NEW_OLD_AGE_AMOUNT] == pytest.approx(mass, rel=1e-13)
    # B and E reach 60 below 20 years: a grant of 10 months of the last wage
    assert F[S.FLOW_REFUNDS_PAID] == pytest.approx(0.99 + 0.99, rel=1e-13)
    assert F[S.FLOW_REFUND] == pytest.approx(0.99 * 10e6 + 0.99 * 5e6, rel=1e-13)
    assert F[S.FLOW_RETIREMENTS] == pytest.approx(0.965 + 4 * 0.99, rel=1e-13)
    # the leavers of A who stay below 30 years: inactive at 56 with 29 years, last wage 12M
    assert p.people[1, S.STATUS_INACTIVE, 1, 56] == pytest.approx(0.025, rel=1e-13)
    assert p.masses[1, S.MASS_CAREER, 1, 56] == pytest.approx(0.025 * 12e6, rel=1e-13)
    assert p.people[1, S.STATUS_OLD_AGE, 1].sum() == pytest.approx(new, rel=1e-13)
    # survivors' pensions: half of 2% x service at mid-year x last wage, all married,
    # paid half a year to the widowers in the year of death
    base = 0.02 * (29.5 * 12e6 + 10.5 * 12e6 + 25.5 * 24e6 + 31 * 6e6 + 15 * 6e6)
    assert p.flows[0, 0, S.FLOW_SPOUSE] == pytest.approx(0.5 * 0.5 * 0.01 * base, rel=1e-12)
    # year 2: the new pensions are paid mid-year, 1% of the pensioners dying
    assert p.flows[1, 1, S.FLOW_OLD_AGE] == pytest.approx(mass * 0.995, rel=1e-13)
