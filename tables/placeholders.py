"""Placeholder tables for Cambodia: labelled assumptions a user is expected to replace.

No Cambodian source gives these decrements or profiles for NSSF contributors (see
../shared/cambodia/SCHEMES.md). Each table here is status ``unverified``; its
sidecar says what the values are, why they have this shape, and what should replace
them. All are by sex (M, F) and age 15..110 with no year dimension. Only
``placeholder_cambodia_children`` is computed from data (the WPP fertility and
mortality built in :mod:`actuary.tables.wpp`).

The shapes are set by a few numbers (knots interpolated linearly in age, or a
one-line formula) written below, so that a reader can see and change them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from actuary.tables.catalogue import Table
from actuary.tables.schema import TableMeta

__all__ = [
    "AGES",
    "build_placeholders",
    "invalidity",
    "exit_rates",
    "reentry",
    "salary_scale",
    "share_married",
    "children",
    "entrant_age",
    "REFERENCE_YEAR",
    "FATHER_AGE_GAP",
    "FEMALE_PAY_RATIO",
]

AGES = np.arange(15, 111)
#: Date (1 January of this year) at which the number of children is measured.
REFERENCE_YEAR = 2025
#: Assumed mean age gap between fathers and mothers, years (unverified).
FATHER_AGE_GAP = 3
#: Assumed women's wage as a share of men's at the same age (unverified).
FEMALE_PAY_RATIO = 0.90

_SOURCE = (
    "Placeholder assumption of the actuary project, not from any Cambodian data set; "
    "replace with the scheme's own experience or a documented table."
)
_LICENCE = "CC0 (project assumption)"


def _knots(points: dict[int, float]) -> np.ndarray:
    """Values at AGES by linear interpolation between ``{age: value}`` knots (flat beyond)."""
    ages = np.array(sorted(points))
    return np.interp(AGES, ages, [points[a] for a in ages])


def _table(name: str, kind: str, m: np.ndarray, f: np.ndarray, meta: TableMeta) -> Table:
    data = pd.DataFrame({
        "sex": np.repeat(["M", "F"], AGES.size),
        "age": np.tile(AGES, 2),
        "value": np.concatenate([m, f]),
    })
    return Table(name=name, kind=kind, meta=meta, data=data)


def invalidity() -> Table:
    """Annual invalidity incidence of contributors (probability per year)."""
    rate = np.where(AGES < 60, 0.0003 * np.exp(0.08 * (AGES - 20)), 0.0)
    return _table("placeholder_cambodia_invalidity", "rate", rate, rate.copy(), TableMeta(
        description="PLACEHOLDER. Annual probability that a contributor becomes entitled to "
        "an invalidity pension, by sex and age 15..110.",
        unit="probability per year",
        source=_SOURCE, licence=_LICENCE, status="unverified",
        method="""\
i(x) = 0.0003 exp(0.08 (x - 20)) for ages 15..59 (0.0002 at 15, 0.0015 at 40, 0.0068 at 59),
0 from age 60, the same for both sexes. Why: the NSSF scheme is young and has no invalidity
experience; valuations of young schemes (for example by the ILO) borrow low incidence rates
that rise roughly exponentially with age, of the order of a few per 10,000 at young ages to
about one per 100 near pension age, and this curve is of that order (not taken from any
one report). Invalidity pensions are paid before age 60 only (SCHEMES.md, secondary), hence
0 from 60. No basis was found for a sex difference. Replace with NSSF (or occupational-risk
scheme) experience once claims exist.""",
    ))


def exit_rates() -> Table:
    """Annual probability that a contributor stops contributing."""
    f = _knots({15: 0.30, 20: 0.28, 25: 0.20, 30: 0.15, 35: 0.12, 40: 0.10, 50: 0.08, 59: 0.08})
    m = _knots({15: 0.25, 20: 0.24, 25: 0.17, 30: 0.12, 35: 0.10, 40: 0.08, 50: 0.07, 59: 0.07})
    return _table("placeholder_cambodia_exit", "rate", m, f, TableMeta(
        description="PLACEHOLDER. Annual probability that an active contributor stops "
        "contributing (becomes inactive insured), by sex and age 15..110.",
        unit="probability per year",
        source=_SOURCE, licence=_LICENCE, status="unverified",
        method="""\
Linear between knots. Women: 0.30 at 15, 0.28 at 20, 0.20 at 25, 0.15 at 30, 0.12 at 35,
0.10 at 40, 0.08 from 50 to 59. Men: 0.25, 0.24, 0.17, 0.12, 0.10, 0.08, 0.07 at the same
ages; flat after 59 (the scheme's pension age retires members first; the rates above 59
matter only where a reform raises the pension age, and then members are assumed to keep
the exit pattern of their late fifties). Why this shape: most contributors work in garment, footwear and
travel goods (about 913,000 workers in 2024), a young, mobile and mostly female workforce
(836,288 of 1,335,609 paying contributors at end 2022 were women); only about half of the
2.58 million registered employees were paying on time at end 2022, so stopping and starting
are frequent. Exits are highest at young ages and for women (marriage, childbirth, return
to the village). Replace with exit rates measured from NSSF contribution records.""",
    ))


def reentry() -> Table:
    """Annual probability that an inactive insured person resumes contributing."""
    f = _knots({15: 0.30, 25: 0.25, 30: 0.18, 40: 0.10, 50: 0.05, 59: 0.03})
    m = _knots({15: 0.35, 25: 0.30, 30: 0.22, 40: 0.12, 50: 0.06, 59: 0.04})
    return _table("placeholder_cambodia_reentry", "rate", m, f, TableMeta(
        description="PLACEHOLDER. Annual probability that an inactive insured person (who has "
        "contributed before) resumes contributing, by sex and age 15..110.",
        unit="probability per year",
        source=_SOURCE, licence=_LICENCE, status="unverified",
        method="""\
Linear between knots. Women: 0.30 at 15, 0.25 at 25, 0.18 at 30, 0.10 at 40, 0.05 at 50,
0.03 at 59. Men: 0.35, 0.30, 0.22, 0.12, 0.06, 0.04 at the same ages; flat after 59 (it
matters only where a reform raises the pension age above 60). Why: young workers who leave a factory often find
another covered job within a year or two; the chance falls with age and time away, and is
lower for women, who more often leave wage work for family reasons. Replace with re-entry
rates measured from NSSF records.""",
    ))


def salary_scale() -> Table:
    """Relative wage by age (men aged 20 = 1), women at a fixed share of men."""
    x = np.minimum(AGES, 60) - 20
    m = np.exp(0.03 * x - 0.0006 * x * x)
    return _table("placeholder_cambodia_salary_scale", "salary_scale", m, FEMALE_PAY_RATIO * m,
                  TableMeta(
        description="PLACEHOLDER. Relative insurable wage by sex and age 15..110 "
        "(men aged 20 = 1), a cross-sectional age profile.",
        unit="ratio to the wage of a man aged 20",
        source=_SOURCE, licence=_LICENCE, status="unverified",
        method=f"""\
Men: s(x) = exp(0.03 (x - 20) - 0.0006 (x - 20)^2) for ages 15..60, held at its age-60 value
above (0.85 at 15, 1.00 at 20, 1.45 at its peak at 45, 1.27 at 60). Women: {FEMALE_PAY_RATIO}
x the men's value at every age: a gender pay gap of {1 - FEMALE_PAY_RATIO:.0%}, an explicit
assumption, not a measured figure. Why: a concave profile rising to the mid-forties is the
usual shape; it is kept flatter than in richer countries because many contributors are paid
close to the garment minimum wage (USD 208 a month in 2025, SCHEMES.md), which compresses
wages across ages. Replace with the age-wage profile of NSSF contributors by sex.""",
    ))


def share_married() -> Table:
    """Share of persons who are married (or in union), by sex and age."""
    f = _knots({15: 0.03, 18: 0.20, 20: 0.38, 22: 0.52, 25: 0.68, 30: 0.80, 35: 0.84,
                40: 0.84, 45: 0.82, 50: 0.78, 55: 0.72, 60: 0.64, 65: 0.55, 70: 0.45,
                75: 0.35, 80: 0.25, 85: 0.15, 90: 0.08, 95: 0.05})
    m = _knots({15: 0.005, 18: 0.05, 20: 0.15, 22: 0.30, 25: 0.52, 30: 0.78, 35: 0.88,
                40: 0.91, 50: 0.92, 60: 0.90, 65: 0.87, 70: 0.83, 75: 0.76, 80: 0.67,
                85: 0.55, 90: 0.42, 95: 0.30})
    return _table("placeholder_cambodia_share_married", "share", m, f, TableMeta(
        description="PLACEHOLDER. Share of persons currently married (or in union) by sex and "
        "age 15..110; used for the probability of leaving a surviving spouse.",
        unit="fraction of persons",
        source=_SOURCE, licence=_LICENCE, status="unverified",
        method="""\
Linear between knots (flat after 95). Women: 0.03 at 15, 0.20 at 18, 0.38 at 20, 0.52 at 22,
0.68 at 25, 0.80 at 30, 0.84 at 35-40, then falling with widowhood: 0.78 at 50, 0.64 at 60,
0.45 at 70, 0.25 at 80, 0.08 at 90, 0.05 from 95. Men: 0.005 at 15, 0.15 at 20, 0.52 at 25,
0.78 at 30, 0.91-0.92 at 40-50, 0.83 at 70, 0.67 at 80, 0.42 at 90, 0.30 from 95. Why: from
general knowledge of Cambodia's marriage pattern, not from a table: marriage is near
universal, women marry in their early twenties and men a few years later, and many older
women are widowed (men die younger, and the conflicts of the 1970s killed more men); older
widowers remarry more often than widows. Replace with currently-married shares by sex and
age from the 2019 General Population Census or the Cambodia Demographic and Health Survey.""",
    ))


def children(asfr: Table, qx: Table, srb: Table) -> Table:
    """Expected number of living children under 18 per person, from WPP fertility.

    For a woman aged ``x`` on 1 January ``Y`` (:data:`REFERENCE_YEAR`), the children
    aged ``k`` (0..17) were born in year ``b = Y - 1 - k``, when she was aged
    ``x - 1 - k`` at the start of the year and ``x - k`` at its end:

        C_F(x) = sum_k  0.5 (f_b(x - 1 - k) + f_b(x - k))  S_b(k + 1/2)

    with ``f_b`` the ASFR of year ``b`` (0 outside 15..49) and ``S_b(k + 1/2)`` the
    probability that a child born mid-year ``b`` is alive at exact age ``k + 1/2``
    (sexes mixed by the sex ratio at birth, life table of year ``b``, UDD within the
    year). Men: ``C_M(x) = C_F(x - FATHER_AGE_GAP)``.
    """
    c_f = _children_of_women(asfr, qx, srb, AGES)
    c_m = _children_of_women(asfr, qx, srb, AGES - FATHER_AGE_GAP)
    return _table("placeholder_cambodia_children", "count", c_m, c_f, TableMeta(
        description="PLACEHOLDER (derived). Expected number of living children under 18 per "
        f"person, by sex and age 15..110, on 1 January {REFERENCE_YEAR}.",
        unit="children per person",
        source="Derived by the actuary project from wpp2024_cambodia_asfr, "
        "wpp2024_cambodia_qx and wpp2024_cambodia_srb (United Nations, Department of "
        "Economic and Social Affairs, Population Division (2024). World Population "
        "Prospects 2024); the father-mother age gap is a project assumption.",
        licence="CC BY 3.0 IGO (derived from UN WPP data)",
        status="unverified",
        method=f"""\
Women aged x on 1 January {REFERENCE_YEAR}: the sum over child ages k = 0..17 of the births
in year b = {REFERENCE_YEAR - 1} - k per woman of her age that year (mean of the ASFR at ages
x-1-k and x-k of year b) times the chance that the child is alive at exact age k + 1/2 (life
table of year b, boys and girls mixed by the sex ratio at birth of year b, UDD within each
year of age). Men aged x: the women's value at age x - {FATHER_AGE_GAP}, i.e. fathers are
assumed {FATHER_AGE_GAP} years older than mothers on average (unverified), and men and women
are assumed to have the same number of children. Period ASFR of each past year stand in for
the woman's own history, and children's survival is taken from the birth year's period life
table; the count is for all persons, not only the married or the insured. Unverified: an
approximation for survivors' benefits; replace with household-survey counts of children by
age of parent if available.""",
    ))


def _children_of_women(asfr: Table, qx: Table, srb: Table, ages: np.ndarray) -> np.ndarray:
    """``C_F`` at the given ages of the woman (see :func:`children`)."""
    births = np.arange(REFERENCE_YEAR - 18, REFERENCE_YEAR)  # b for k = 17 .. 0
    k = REFERENCE_YEAR - 1 - births
    all_ages = np.arange(0, 111)
    f = asfr.to_array(all_ages[15:50], births, sex_fill=0.0)[:, 1, :]  # [birth year, age 15..49]

    def fert(b_idx: np.ndarray, age: np.ndarray) -> np.ndarray:
        inside = (age >= 15) & (age <= 49)
        return np.where(inside, f[b_idx, np.clip(age - 15, 0, 34)], 0.0)

    q = qx.to_array(all_ages[:18], births)  # [birth year, sex, age 0..17]
    l_k = np.concatenate([np.ones(q.shape[:2] + (1,)), np.cumprod(1.0 - q, axis=-1)[..., :-1]], -1)
    idx = np.arange(births.size)
    l_half = l_k[idx, :, k] * (1.0 - 0.5 * q[idx, :, k])  # [birth year, sex]
    ratio = srb.to_array([0], births)[:, 0, 0]
    p_boy = ratio / (1.0 + ratio)
    survive = p_boy * l_half[:, 0] + (1.0 - p_boy) * l_half[:, 1]

    out = np.zeros(ages.size)
    for i, b in enumerate(births):
        mean_f = 0.5 * (fert(np.full(ages.size, i), ages - 1 - k[i])
                        + fert(np.full(ages.size, i), ages - k[i]))
        out += mean_f * survive[i]
    return out


def entrant_age() -> Table:
    """Age distribution of new contributors by sex (sums to 1 for each sex)."""

    def gamma_shape(alpha: float, theta: float) -> np.ndarray:
        u = (AGES - 14).astype(float)
        w = np.where(AGES < 55, u ** (alpha - 1) * np.exp(-u / theta), 0.0)
        return w / w.sum()

    return _table("placeholder_cambodia_entrant_age", "share", gamma_shape(2.5, 5.0),
                  gamma_shape(2.5, 4.0), TableMeta(
        description="PLACEHOLDER. Age distribution of new NSSF contributors by sex, ages "
        "15..110 (0 from 55), summing to 1 for each sex.",
        unit="fraction of new contributors of that sex",
        source=_SOURCE, licence=_LICENCE, status="unverified",
        method="""\
Weights (x - 14)^(alpha - 1) exp(-(x - 14) / theta) for ages x = 15..54, 0 from 55, normalised
to sum to 1 for each sex: women alpha = 2.5, theta = 4 (most common age 20, mean about 24);
men alpha = 2.5, theta = 5 (most common 21-22, mean about 26). Why: new contributors are
mostly first-time wage earners, many of them young women entering garment and footwear
factories; men enter a little later and more spread out (construction, services). No NSSF
statistics of new registrations by age were found. Replace with the age distribution of
first registrations in NSSF records.""",
    ))


def build_placeholders(asfr: Table, qx: Table, srb: Table) -> list[Table]:
    """All placeholder tables (``children`` needs the WPP fertility and mortality tables)."""
    return [
        invalidity(),
        exit_rates(),
        reentry(),
        salary_scale(),
        share_married(),
        children(asfr, qx, srb),
        entrant_age(),
    ]
