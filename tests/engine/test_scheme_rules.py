"""Scheme rules as the law states them (issue 13): hand cases, each computed independently.

* a step year's admin cost follows the months: the admin rate times the contributions of
  each month, not the product of the two yearly averages;
* insurable wages are capped once: a starting file giving insurable wages (the sidecar's
  ``wage_basis``) contributes on exactly those wages in the first year;
* the pension age is reached on the birthday: a member born on 1 July who reaches 60
  mid-year pays half a year of contributions and draws half a year of pension, in both
  engines (present values with the life-table functions).
"""

from __future__ import annotations

import math
import shutil
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, stats

sys.path.insert(0, str(Path(__file__).parent))
from conftest import make_basis  # noqa: E402

from actuary.analysis.valuation import load_population  # noqa: E402
from actuary.assumptions import load_basis  # noqa: E402
from actuary.engine.build import build_basis  # noqa: E402
from actuary.engine.projection import project  # noqa: E402
from actuary.engine.starting import read_starting_population, shipped_population_path  # noqa: E402
from actuary.engine import state as S  # noqa: E402
from actuary.engine.basis import SchemeRules, StartingState  # noqa: E402
from actuary.engine.member_kernel import MEMBER_ACTIVE  # noqa: E402
from actuary.engine.state import FLOW_EARNINGS  # noqa: E402
from actuary.life.lifetable import LifeTable  # noqa: E402
from actuary.members.closed_group import MemberSet, value_members  # noqa: E402
from actuary.engine.gross_wages import gross_mean  # noqa: E402
from actuary.io.errors import DataError  # noqa: E402


@pytest.fixture(scope="module")
def default():
    aset = load_basis()
    pop = load_population(aset, None)
    return aset, project(build_basis(aset, pop, horizon=6))


def _monthly(param, year: int) -> np.ndarray:
    """The value in force on the first day of each month of ``year`` (NSSF changes fall on
    the first of a month)."""
    return np.array([float(param.value_at(date(year, m, 1))) for m in range(1, 13)])


def test_step_year_admin_cost_follows_the_months(default):
    aset, proj = default
    year = 2027  # the rate goes from 4% to 8% on 1 October 2027, the admin rate from 5% to 2.5%
    rate = _monthly(aset.scheme.parameters.contribution_rate, year)
    admin = _monthly(aset.economic.admin_expense_rate, year)
    assert len(set(rate)) == 2 and len(set(admin)) == 2  # a step year for both
    t = year - proj.basis.first_year
    earnings = proj.earnings[t]  # insurable earnings, even over the year
    # each month: a twelfth of the earnings, times that month's rate and admin rate
    want = (earnings / 12.0 * rate * admin).sum()
    assert proj.admin[t] == pytest.approx(want, rel=1e-12)
    assert proj.contributions[t] == pytest.approx((earnings / 12.0 * rate).sum(), rel=1e-12)
    # the old product of the yearly averages was 9% higher
    assert rate.mean() * admin.mean() * earnings / want == pytest.approx(1.09375, rel=1e-12)


def test_admin_rate_of_years_without_a_step_is_the_rate_in_force(default):
    aset, proj = default
    for year in (2025, 2026, 2028):
        t = year - proj.basis.first_year
        assert proj.basis.admin_rate[t] == _monthly(aset.economic.admin_expense_rate, year)[6]


def _capped_by_quadrature(mean: float, floor: float, ceiling: float, sigma: float) -> float:
    """E[min(max(W, floor), ceiling)] for a lognormal W of mean ``mean``, by quadrature."""
    w = stats.lognorm(s=sigma, scale=math.exp(math.log(mean) - sigma**2 / 2))
    inside, _ = integrate.quad(lambda v: v * w.pdf(v), floor, ceiling, epsabs=0, epsrel=1e-12,
                               limit=200)
    return floor * w.cdf(floor) + inside + ceiling * w.sf(ceiling)


@pytest.mark.parametrize("insurable,sigma", [(925_000.0, 0.4), (450_000.0, 0.4),
                                             (1_150_000.0, 0.4), (800_000.0, 0.1),
                                             (700_000.0, 1.2)])
def test_gross_mean_gives_the_insurable_mean(insurable, sigma):
    floor, ceiling = 400_000.0, 1_200_000.0
    m = gross_mean(insurable, floor, ceiling, sigma)
    assert _capped_by_quadrature(m, floor, ceiling, sigma) == pytest.approx(insurable, rel=1e-9)


def test_gross_mean_at_the_bounds_or_without_dispersion_keeps_the_wage():
    for w in (400_000.0, 1_200_000.0, 300_000.0, 2e6):
        assert gross_mean(w, 400_000.0, 1_200_000.0, 0.4) == w
    assert gross_mean(925_000.0, 400_000.0, 1_200_000.0, 0.0) == 925_000.0


def _first_year_earnings(aset, pop) -> float:
    """First-year insurable earnings with nobody leaving or retiring during the year."""
    basis = build_basis(aset, pop, horizon=1)
    zero = np.zeros_like(basis.mortality)
    proj = project(basis.with_(mortality=zero, invalidity=zero, exit=zero,
                               pension_age=np.full(1, 111)))
    return float(proj.flows[0, :, FLOW_EARNINGS].sum())


def test_insurable_wages_are_capped_once(default):
    aset, _ = default
    pop = load_population(aset, None)
    assert pop.wage_basis == "insurable"
    act = pop.rows[pop.rows.status == "active"]
    # every active contributes on the file's insurable wage, twelve months (density 1)
    density = float(aset.demographic.contribution_density.value_at(date(2025, 1, 1)))
    want = density * (act["count"] * 12.0 * act["average_monthly_wage"]).sum()
    assert _first_year_earnings(aset, pop) == pytest.approx(want, rel=1e-10)
    # the same file read as gross wages: capped within the cells' lognormal spread, less
    gross = replace(pop, wage_basis="gross")
    assert _first_year_earnings(aset, gross) < 0.97 * want


def test_sidecar_wage_basis_is_checked(tmp_path):
    src = shipped_population_path("nssf-default")
    shutil.copy(src, tmp_path / src.name)
    side = src.with_suffix(".yaml").read_text().replace("wage_basis: insurable",
                                                         "wage_basis: net")
    (tmp_path / src.with_suffix(".yaml").name).write_text(side)
    with pytest.raises(DataError) as err:
        read_starting_population(tmp_path / src.name)
    text = str(err.value)
    assert "wage_basis" in text and "net" in text and "gross" in text


def _one_woman_at_59(T: int, **rules):
    """A woman aged 59 on 1 January (born 1 July: 60 on 1 July), active with 10 credited
    years, wage 10M and career earnings 80M KHR a year; rate 10%, accrual 1.5%, no floor
    or ceiling, death (1%) the only decrement, pensions indexed 2%, no survivors' pension
    or funeral grant."""
    b = make_basis(5, T, entrants=False, sigma=0.0,
                   rules=SchemeRules(survivor_rate=0.0, funeral_grant_months=0.0, **rules))
    q = np.full((T, 2, 111), 0.01)
    q[:, :, -1] = 1.0
    zeros, z = np.zeros((T, 2, 111)), np.zeros(T)
    start = StartingState.empty()
    start.active_count[1, 59, 10] = 1.0
    start.active_wage[1, 59, 10] = 10e6
    start.active_career[1, 59, 10] = 80e6
    return b.with_(start=start, pension_age=np.full(T, 60), contribution_rate=np.full(T, 0.1),
                   contribution_factor=np.ones(T), credit_factor=np.ones(T), density=np.ones(T),
                   wage_floor=z, wage_ceiling=z, accrual_rate=np.full(T, 0.015),
                   minimum_pension=z, revaluation=z, indexation=np.full(T, 0.02),
                   wage_growth=z, funeral_grant_minimum=z, mortality=q, disabled_mortality=q,
                   invalidity=zeros, exit=zeros, reentry=zeros)


def test_born_1_july_reaches_60_mid_year_cohort_engine():
    p = project(_one_woman_at_59(3))
    F = p.flows[:, 1]
    # half a year as a member: deaths 0.5 x 1% at a quarter year, exposure 0.5 x (1 - 0.005/2)
    assert F[0, S.FLOW_DEATHS_ACTIVE] == pytest.approx(0.005, rel=1e-13)
    assert F[0, S.FLOW_CONTRIBUTIONS] == pytest.approx(0.1 * 10e6 * 0.5 * (1 - 0.0025),
                                                        rel=1e-13)
    # on 1 July the 0.995 alive retire with the career plus half a year's wage: 85M
    pension = 0.015 * 85e6
    assert F[0, S.FLOW_NEW_OLD_AGE] == pytest.approx(0.995, rel=1e-13)
    assert F[0, S.FLOW_NEW_OLD_AGE_AMOUNT] == pytest.approx(0.995 * pension, rel=1e-13)
    assert F[0, S.FLOW_OLD_AGE] == pytest.approx(0.5 * 0.995 * pension, rel=1e-13)
    # next year: indexed 2% at the end of the year, paid mid-year, no contributions
    assert p.people[1, S.STATUS_OLD_AGE, 1, 60] == pytest.approx(0.995, rel=1e-13)
    assert F[1, S.FLOW_OLD_AGE] == pytest.approx(0.995 * pension * 1.02 * (1 - 0.005),
                                                  rel=1e-13)
    assert F[1, S.FLOW_CONTRIBUTIONS] == 0.0


def test_born_1_july_reaches_60_mid_year_member_engine():
    T = 60
    basis = _one_woman_at_59(T)
    one = MemberSet(ids=np.array(["w"]), sex=[1], age=[59], status=[MEMBER_ACTIVE],
                    years=[10.0], wage=[10e6], career=[80e6], pension=[0.0])
    got = value_members(basis, one, discount=0.04)
    v = 1 / 1.04
    assert got.pvfc == pytest.approx(v**0.5 * 0.1 * 10e6 * 0.5 * (1 - 0.0025), rel=1e-12)
    pension = 0.995 * 0.015 * 85e6
    lt = LifeTable(basis.mortality[0, 1])
    k = np.arange(51)  # ages 60 .. 110 (the last), all within the 60 years
    # from next year: indexed, paid mid-year while alive
    later = np.sum(v ** (k + 1.5) * 1.02 ** (k + 1) * np.array([lt.tpx(60, kk) for kk in k])
                   * (1 - 0.5 * lt.qx[60 + k]))
    assert got.totals["old_age"] == pytest.approx(pension * (v**0.5 * 0.5 + later), rel=1e-12)
    # the accrued part: the career of the valuation date only
    assert got.adl == pytest.approx(0.995 * 0.015 * 80e6 * (v**0.5 * 0.5 + later), rel=1e-12)


@pytest.mark.parametrize("cover", [
    {"invalidity_cover_years": 1.0},  # cover for invalidity after leaving (rule 7b)
    {"invalidity_cover_to_pension_age": True},  # inactives covered to the pension age
])
def test_member_and_cohort_engines_agree_one_member_a_cell(cover):
    """Without wage dispersion and with one member in each cell (one a sex and age, so
    that no two members ever share a cell), the cohort kernel applies the floor, the
    ceiling and the minimum pension to each member as the member engine does: every
    branch's present value agrees to 1e-9 where they bind for some members and not for
    others. (The funeral grant's minimum stays pooled in the cohort, so it is 0 here.)"""
    T = 50
    rng = np.random.default_rng(21)
    # the rules of issue 13 exercised too: credited years to the pension age (rule 7a),
    # the cover of those who stopped contributing (rule 7)
    rules = SchemeRules(invalidity_minimum_rate=0.2, invalidity_credited_share=0.5, **cover)
    base = make_basis(9, T, entrants=False, sigma=0.0, rules=rules)
    floor, ceiling = base.wage_floor[0], base.wage_ceiling[0]
    start = StartingState.empty()
    rows = []
    for s in range(2):
        for x in range(20, 70):
            active = x < 59 or rng.random() < 0.3
            n = int(rng.integers(0, 9))
            w = rng.uniform(0.6 * floor, 1.3 * ceiling) if active else 0.0
            c = rng.uniform(0.3, 1.5) * (floor + ceiling) / 2 * n
            if active:
                start.active_count[s, x, n], start.active_wage[s, x, n] = 1.0, w
                start.active_career[s, x, n] = c
            else:
                start.inactive_count[s, x, n], start.inactive_career[s, x, n] = 1.0, c
            rows.append((s, x, 0 if active else 1, float(n), w, c))
    s_, x_, st_, n_, w_, c_ = map(np.array, zip(*rows))
    members = MemberSet(ids=np.array([f"m{i}" for i in range(len(rows))]), sex=s_, age=x_,
                        status=st_, years=n_, wage=w_, career=c_, pension=np.zeros(len(rows)))
    # a minimum pension that binds for about a third of the awards
    basis = base.with_(start=StartingState(**{k: getattr(start, k) for k in
                                              start.__dataclass_fields__}),
                       minimum_pension=np.full(T, 0.01 * 6 * (floor + ceiling) / 2),
                       funeral_grant_minimum=np.zeros(T))
    got = value_members(basis, members)
    from actuary.members.closed_group import cohort_values
    cohort = cohort_values(basis, got.v_mid)
    assert (w_[st_ == 0] < floor).any() and (w_[st_ == 0] > ceiling).any()
    for branch, value in cohort.items():
        assert got.totals[branch] == pytest.approx(value, rel=1e-9), branch
    # not vacuous: the minimum binds for some (old-age pensions cost more with it)
    without = value_members(basis.with_(minimum_pension=np.zeros(T)), members)
    assert 1.001 < got.totals["old_age"] / without.totals["old_age"] < 1.5
    plain = value_members(basis.with_(rules=SchemeRules(invalidity_minimum_rate=0.2)), members)
    assert got.totals["invalidity"] > 1.05 * plain.totals["invalidity"]


def test_gross_means_are_each_gross_mean_and_read_back_bit_for_bit(tmp_path, monkeypatch):
    """The disk cache of actuary.engine.gross_wages.gross_means: a first call finds each
    root (the same numbers as gross_mean one by one), a second reads the same bits back
    without finding any, other parameters are another file, and a damaged file is
    found again."""
    import actuary.engine.gross_wages as gw

    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    values = np.array([300_000.0, 650_000.0, 925_000.0, 1_500_000.0])
    floor, ceiling, sigma = 400_000.0, 1_200_000.0, 0.4
    first = gw.gross_means(values, floor, ceiling, sigma)
    assert first.tolist() == [gross_mean(v, floor, ceiling, sigma) for v in values]
    files = list((tmp_path / "actuary").glob("gross_means-*.npy"))
    assert len(files) == 1

    def no_root(*_args):
        raise AssertionError("found again, not read back")

    monkeypatch.setattr(gw, "gross_mean", no_root)
    assert gw.gross_means(values, floor, ceiling, sigma).tobytes() == first.tobytes()
    monkeypatch.undo()
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    gw.gross_means(values, floor, ceiling, 0.5)
    assert len(list((tmp_path / "actuary").glob("gross_means-*.npy"))) == 2
    files[0].write_bytes(b"not an array")
    assert gw.gross_means(values, floor, ceiling, sigma).tobytes() == first.tobytes()
    # numbers found by numba's capped mean are not read by a run on the one compiled at
    # install, nor the other way round (they agree to rounding, not to the bit)
    compiled = gw.native.available("capped_mean", (1.0, 1.0, 1.0, 1.0))
    monkeypatch.setenv(gw.native.ENVIRONMENT, "0")
    assert (gw._cache_file(values, floor, ceiling, sigma) != files[0]) == compiled
