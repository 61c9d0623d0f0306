"""Tables of the demographic and economic frame: labour force, sectors and coverage.

Run from the repository root to (re)write the ``frame_`` tables::

    python -m actuary.tables.frame --out tables/data

Every table here is by sex (M, F) and age 15..110, without a year dimension: the
frame moves them through time with dated levels written in the assumption set
(``frame.labour`` and ``frame.coverage`` of ``assumptions/data/cambodia_default.yaml``).
The shapes by age are set by a few knots (linear in age between them, flat beyond),
written below so that a reader can see and change them.

What is sourced and what is not (see each sidecar's ``method``):

* ``frame_cambodia_participation``: the level is the Cambodia Labour Force Survey 2019
  (secondary: employment-to-population ratio 76.3% men, 61.8% women, unemployment 1.2%,
  as quoted by the ILO); the shape by age is an assumption (unverified), so the table
  is ``unverified``.
* ``frame_cambodia_sector_*``: relative propensity of each age to work in a sector
  (unverified shapes; the levels are dated shares in the assumption set).
* ``frame_cambodia_coverage_*``: coverage of a scheme within its sector, relative by
  age (legal ages are confirmed, the shape between them is an assumption).

The module also reads WPP 2024's published totals (:func:`wpp_totals`), the yardstick
of the population projection, from the raw files shipped in ``tables/data/wpp2024_raw``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from actuary.io.errors import TableError
from actuary.tables.catalogue import DATA_DIR, Table, load_table
from actuary.tables.schema import TableMeta
from actuary.tables.writer import save_table

__all__ = [
    "AGES",
    "SECTORS",
    "LFS2019",
    "participation",
    "sector_profile",
    "coverage_profile",
    "build_frame_tables",
    "wpp_totals",
    "main",
]

AGES = np.arange(15, 111)
#: Employment sectors of the frame, in output order; "others" takes what is left.
SECTORS = ("public", "private_formal", "private_informal", "self_employed", "others")

#: Cambodia Labour Force Survey 2019 aggregates used for the level of participation
#: (ages 15 and over). Employment-to-population ratios and the unemployment rate as
#: quoted by the ILO Country Office (secondary).
LFS2019 = {"epr_M": 0.763, "epr_F": 0.618, "unemployment": 0.012}
_LFS_SOURCE = (
    "Cambodia Labour Force Survey 2019 (National Institute of Statistics, Ministry of "
    "Planning, with ILO and ADB), as quoted in 'ILO statement on employment and unemployment "
    "statistics in Cambodia' (ILO news WCMS_893592): employment-to-population ratio 68.6% "
    "(men 76.3%, women 61.8%), unemployment rate 1.2%; report summary WCMS_821320 "
    "(informal employment 88%)"
)
_PROJECT_SOURCE = (
    "Placeholder assumption of the actuary project (shape by age), not from a Cambodian "
    "data set; replace with tabulations of the Labour Force Survey by sex and age."
)
_LICENCE = "CC0 (project assumption)"
_MAX_RATE = 0.97  # no age participates fully: a cap kept while scaling to the LFS level


def _knots(points: dict[int, float]) -> np.ndarray:
    """Values at AGES by linear interpolation between ``{age: value}`` knots (flat beyond)."""
    ages = np.array(sorted(points))
    return np.interp(AGES, ages, [points[a] for a in ages])


def _table(name: str, m: np.ndarray, f: np.ndarray, meta: TableMeta) -> Table:
    data = pd.DataFrame({
        "sex": np.repeat(["M", "F"], AGES.size),
        "age": np.tile(AGES, 2),
        "value": np.concatenate([m, f]),
    })
    return Table(name=name, kind="share", meta=meta, data=data)


# ---------------------------------------------------------------------- participation
#: Relative shape of participation by age before scaling (unverified).
PARTICIPATION_SHAPE = {
    "M": {15: 0.30, 18: 0.55, 20: 0.70, 25: 0.90, 30: 0.96, 50: 0.96, 55: 0.90, 60: 0.78,
          65: 0.60, 70: 0.42, 75: 0.25, 80: 0.12, 90: 0.03, 100: 0.0},
    "F": {15: 0.30, 18: 0.55, 20: 0.68, 25: 0.80, 30: 0.82, 50: 0.82, 55: 0.74, 60: 0.60,
          65: 0.45, 70: 0.30, 75: 0.17, 80: 0.08, 90: 0.02, 100: 0.0},
}


def _scaled(shape: np.ndarray, weights: np.ndarray, target: float) -> np.ndarray:
    """``min(k * shape, cap)`` with ``k`` such that the weighted mean equals ``target``.

    The weighted mean is increasing in ``k``, so Brent's method
    (:func:`scipy.optimize.brentq`) finds it; ``target`` must lie below the mean at the cap.
    """
    def mean(k: float) -> float:
        return float(np.sum(weights * np.minimum(k * shape, _MAX_RATE)) / weights.sum())

    if not 0.0 < target < mean(1e6):
        raise TableError("participation level out of reach of the shape", field="target",
                         value=target, expected=f"a rate between 0 and {mean(1e6):.3f}")
    from scipy import optimize  # here: its import is ~0.3 s, paid by this computation only

    hi = 1.0
    while mean(hi) < target:  # a bracket: the mean is 0 at k = 0
        hi *= 2.0
    k = optimize.brentq(lambda k: mean(k) - target, 0.0, hi, xtol=1e-15,
                        rtol=4 * np.finfo(float).eps)
    return np.minimum(k * shape, _MAX_RATE)


def participation(population: Table | None = None) -> Table:
    """Labour-force participation rates by sex and age 15..110 (fraction of the population).

    Parameters
    ----------
    population
        Population by sex and age used as weights for the level (default: the shipped
        ``wpp2024_cambodia_population_base``, 1 January 2025).
    """
    pop = (population or load_table("wpp2024_cambodia_population_base")).to_array(AGES)
    u = LFS2019["unemployment"]
    rates = {}
    for s, sex in enumerate(("M", "F")):
        target = LFS2019[f"epr_{sex}"] / (1.0 - u)
        rates[sex] = _scaled(_knots(PARTICIPATION_SHAPE[sex]), pop[s], target)
    shape_text = "\n".join(
        f"  {sex}: " + ", ".join(f"{a}: {v:g}" for a, v in PARTICIPATION_SHAPE[sex].items())
        for sex in ("M", "F"))
    return _table("frame_cambodia_participation", rates["M"], rates["F"], TableMeta(
        description="Labour-force participation rate by sex and age 15..110 (employed plus "
        "unemployed, share of the population of that sex and age). Level: Labour Force Survey "
        "2019; shape by age: PLACEHOLDER.",
        unit="fraction of the population",
        source=_LFS_SOURCE + ". Shape by age: " + _PROJECT_SOURCE,
        licence="figures quoted from ILO publications; shape " + _LICENCE,
        status="unverified",
        method=f"""\
Level (derived from secondary figures): the participation rate of ages 15+ is the
employment-to-population ratio divided by (1 - unemployment rate): men 0.763 / 0.988 =
{LFS2019['epr_M'] / (1 - u):.4f}, women 0.618 / 0.988 = {LFS2019['epr_F'] / (1 - u):.4f}
(the survey's unemployment rate of 1.2% is used for both sexes: no split by sex was found).
Shape (unverified): knots, linear in age between them and flat beyond,
{shape_text}
multiplied by the one factor per sex (Brent's method) that gives that level when weighted by
the population by age on 1 January 2025 (wpp2024_cambodia_population_base), each rate
capped at {_MAX_RATE}. Why this shape: participation rises through the late teens as
schooling ends, stays high in the prime ages (women a little lower: care work), and falls
gradually after 55 rather than stopping, since most older people work in farming or on their
own account without a pension. The 2019 rates by age are applied to the 2025 age structure
(the aggregate 2019 rate would move a little with the structure). The LFS 2019 follows the
19th ICLS, which leaves own-use production (much subsistence farming) outside employment,
so these rates are lower than older Cambodian surveys (83% in 2014). Replace with the LFS
tabulation of participation by sex and single age (or 5-year group).""",
    ))


# ---------------------------------------------------------------------- sector profiles
#: Relative propensity by age to be employed in each sector (both sexes; unverified).
SECTOR_SHAPES = {
    "public": {15: 0.0, 17: 0.0, 18: 0.2, 22: 0.6, 30: 1.0, 55: 1.0, 59: 0.6, 60: 0.15,
               65: 0.05, 70: 0.0},
    "private_formal": {15: 0.3, 18: 0.8, 20: 1.0, 29: 1.0, 35: 0.8, 45: 0.5, 55: 0.3,
                       60: 0.15, 65: 0.05, 70: 0.02},
    "private_informal": {15: 0.7, 20: 1.0, 40: 1.0, 50: 0.8, 60: 0.5, 70: 0.3, 80: 0.2},
    "self_employed": {15: 0.2, 20: 0.4, 30: 0.8, 40: 1.0},
    "others": {15: 1.0, 19: 1.0, 25: 0.6, 30: 0.4, 50: 0.4, 60: 0.5, 70: 0.6},
}
_SECTOR_WHY = {
    "public": "civil servants, teachers, health staff, armed forces and police are recruited "
    "after secondary or higher education (from about 18-22) and retire at 60 (NSAF rule, "
    "confirmed); a few contract staff work a little beyond",
    "private_formal": "formal private employment is dominated by garment, footwear and travel "
    "goods factories (about 913,000 workers in 2024, secondary) with a young workforce; older "
    "workers are fewer in formal firms",
    "private_informal": "informal wage work (construction, farm labour, small shops, domestic "
    "work) spans the working ages and continues, less often, after 60",
    "self_employed": "own-account work (farming, trade, transport) grows with age as people "
    "set up on their own and is the main work of older people",
    "others": "contributing family workers (mostly young people and women in family farms and "
    "shops) and employers; highest among the young",
}


def sector_profile(sector: str) -> Table:
    """Relative propensity by age (0..1) of employment in ``sector``, both sexes alike."""
    if sector not in SECTOR_SHAPES:
        raise TableError("unknown sector", field="sector", value=sector,
                         expected="one of " + ", ".join(SECTORS))
    shape = _knots(SECTOR_SHAPES[sector])
    knots = ", ".join(f"{a}: {v:g}" for a, v in SECTOR_SHAPES[sector].items())
    return _table(f"frame_cambodia_sector_{sector}", shape, shape.copy(), TableMeta(
        description=f"PLACEHOLDER. Relative propensity of the employed to work in the sector "
        f"'{sector}' by age 15..110 (1 = the most likely ages), both sexes alike.",
        unit="relative propensity (fraction of the maximum)",
        source=_PROJECT_SOURCE,
        licence=_LICENCE,
        status="unverified",
        method=f"""\
Knots, linear in age between them and flat beyond: {knots}. The frame combines the five
sector profiles with the dated shares of each sector by sex (frame.labour.sectors in the
assumption set): at each age the shares are proportional to share level x profile and sum to
1, and the levels are adjusted (iterative proportional fitting) so that each sector's share of
all employed people of a sex equals its dated share exactly. Only the shape matters. Why this
shape: {_SECTOR_WHY[sector]}. Replace with the LFS 2019 distribution of the employed by status
in employment, institutional sector and age.""",
    ))


# ---------------------------------------------------------------------- coverage profiles
#: Coverage within the sector by age, relative (legal ages confirmed; shape unverified).
COVERAGE_SHAPES = {
    "nssf": {15: 0.5, 17: 0.8, 18: 1.0, 59: 1.0, 60: 0.0},
    "public": {15: 0.0, 17: 0.0, 18: 1.0, 59: 1.0, 60: 0.0},
    "self_employed": {15: 1.0, 59: 1.0, 60: 0.0},
}
_COVERAGE_WHY = {
    "nssf": "the NSSF pension scheme covers employees under the Labour Law (minimum working age "
    "15, many firms hire from 18); employers stop contributing at 60 (Prakas 168/22 via Sok "
    "Siphana, secondary) and old-age pensions start at 60 (confirmed), so coverage stops at 60",
    "public": "civil servants are appointed as adults and retire at 60 (nsaf.gov.kh, confirmed)",
    "self_employed": "a future pension scheme for the self-employed (the policy framework asks "
    "for a feasibility study); assumed open at all working ages up to the pension age of 60",
}


def coverage_profile(scheme: str) -> Table:
    """Relative coverage by age (0..1) of ``scheme`` within its sector."""
    if scheme not in COVERAGE_SHAPES:
        raise TableError("unknown scheme for a coverage profile", field="scheme", value=scheme,
                         expected="one of " + ", ".join(COVERAGE_SHAPES))
    raw = _knots(COVERAGE_SHAPES[scheme])
    # np.interp would ramp between the knots 59 and 60; ages 60+ are outside coverage.
    shape = np.where(AGES >= 60, 0.0, raw)
    knots = ", ".join(f"{a}: {v:g}" for a, v in COVERAGE_SHAPES[scheme].items())
    return _table(f"frame_cambodia_coverage_{scheme}", shape, shape.copy(), TableMeta(
        description=f"Coverage of the '{scheme}' pension scheme within its sector by age "
        "15..110, relative (1 = the level of coverage of the sector; 0 from age 60).",
        unit="relative coverage (fraction of the level)",
        source="Legal ages: ../shared/cambodia/SCHEMES.md (status there). Shape between them: "
        + _PROJECT_SOURCE,
        licence=_LICENCE,
        status="unverified",
        method=f"""\
Knots, linear in age between them, 0 from age 60: {knots}. The frame multiplies this
profile by the dated coverage level of the scheme (frame.coverage in the assumption set,
calibrated at the base date to the published count of covered workers). Why: {_COVERAGE_WHY[scheme]}.
Replace with the scheme's members by age divided by the sector's workers by age.""",
    ))


# ---------------------------------------------------------------------- all
def build_frame_tables(population: Table | None = None) -> list[Table]:
    """Every ``frame_`` table, in writing order."""
    tables = [participation(population)]
    tables += [sector_profile(s) for s in SECTORS]
    tables += [coverage_profile(s) for s in COVERAGE_SHAPES]
    return tables


def write_frame_tables(out: Path) -> list[Path]:
    """Build and write every ``frame_`` table to ``out``; return the CSV paths."""
    return [save_table(t, out, digits=12) for t in build_frame_tables()]


# ---------------------------------------------------------------------- WPP totals
def wpp_totals(folder: str | Path | None = None) -> pd.DataFrame:
    """WPP 2024's published totals by calendar year, in persons (not thousands).

    Parameters
    ----------
    folder
        Folder with ``population_total.csv`` and ``e0_by_sex.csv`` (default: the raw WPP
        files shipped in ``tables/data/wpp2024_raw``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year`` (1950-2100): ``pop``, ``pop_male``, ``pop_female`` (on 31
        December of the year, medium variant from 2024, missing before), ``births``,
        ``deaths``, ``net_migration`` (during the year), ``e0_M``, ``e0_F``, ``e0_B``
        (years).
    """
    base = Path(folder) if folder is not None else DATA_DIR / "wpp2024_raw"
    paths = {n: base / n for n in ("population_total.csv", "e0_by_sex.csv")}
    for name, path in paths.items():
        if not path.exists():
            raise TableError("WPP file not found", source=str(path),
                             expected=f"the raw WPP file {name} (tables/data/wpp2024_raw)")
    tot = pd.read_csv(paths["population_total.csv"]).set_index("year")
    cols = ["pop", "pop_male", "pop_female", "births", "deaths", "net_migration"]
    out = tot[cols].astype(float) * 1000.0
    e0 = pd.read_csv(paths["e0_by_sex.csv"]).pivot(index="year", columns="sex", values="e0")
    for sex in ("M", "F", "B"):
        out[f"e0_{sex}"] = e0[sex].reindex(out.index).astype(float)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python -m actuary.tables.frame --out DIR``."""
    parser = argparse.ArgumentParser(
        prog="python -m actuary.tables.frame",
        description="Write the frame_ tables (participation, sector and coverage profiles).",
    )
    parser.add_argument("--out", required=True, type=Path, help="output folder (tables/data)")
    args = parser.parse_args(argv)
    try:
        written = write_frame_tables(args.out)
    except TableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
