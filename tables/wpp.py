"""Build Cambodia's shipped tables from UN World Population Prospects 2024.

Run from the repository root::

    python -m actuary.tables.wpp --source /work/shared/data/un_wpp_cambodia --out tables/data

It reads the extracted WPP CSVs (see their README), writes each table as
``NAME.csv`` + ``NAME.yaml`` into ``--out``, copies the raw CSVs it used into
``--out/wpp2024_raw/`` (so the installed package needs nothing else), and writes the
placeholder tables of :mod:`actuary.tables.placeholders`. The output is
deterministic: running it again from ``tables/data/wpp2024_raw`` reproduces the
shipped files byte for byte on the same machine (a test checks it, to the last digit written).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from actuary.io.errors import TableError
from actuary.io.fileio import atomic_path, sha256_of
from actuary.tables.catalogue import Table
from actuary.tables.schema import TableMeta
from actuary.tables.split import split_groups
from actuary.tables.writer import save_table
from actuary.tables.wpp_mortality import (
    GROUP_STARTS,
    MAX_AGE,
    interpolate_years,
    rates_to_q,
    single_age_rates,
)

__all__ = [
    "RAW_FILES",
    "WPP_SOURCE",
    "build_mortality",
    "build_population_base",
    "build_fertility",
    "build_srb",
    "build_net_migration",
    "build_all",
    "main",
]

#: The raw WPP files used (all copied to ``wpp2024_raw/``).
RAW_FILES = (
    "mx5_by_sex.csv",
    "e0_5yr_by_sex.csv",
    "e0_by_sex.csv",
    "population_by_age_sex.csv",
    "population_total.csv",
    "tfr.csv",
    "pasfr5.csv",
    "sex_ratio_at_birth.csv",
    "net_migration_by_age_sex.csv",
    # not built into a table: the calibration of actuary stochastic reads it as it is
    "probabilistic_tfr_e0.csv",
)

WPP_SOURCE = (
    "United Nations, Department of Economic and Social Affairs, Population Division (2024). "
    "World Population Prospects 2024. Extracted from the wpp2024 R package 1.1-3 "
    "(github PPgp/wpp2024, commit 2da7768); raw files in tables/data/wpp2024_raw/"
)
WPP2017_SOURCE = (
    "United Nations, Department of Economic and Social Affairs, Population Division (2017). "
    "World Population Prospects: The 2017 Revision (age shape; wpp2017 R package 1.2-3)"
)
LICENCE = "CC BY 3.0 IGO (https://creativecommons.org/licenses/by/3.0/igo/)"

YEARS = np.arange(1950, 2101)
SEX_CODES = ("M", "F")
#: Base date of the population table: 1 January 2025 = WPP 2024's "31 Dec 2024".
BASE_YEAR_END = 2024
_DIGITS = 12  # significant digits written; ample for data given to 8 digits


def _read(source: Path, name: str) -> pd.DataFrame:
    path = source / name
    if not path.exists():
        raise TableError("WPP input file not found", source=str(path),
                         expected=f"the extracted WPP file {name} (see the data README)")
    return pd.read_csv(path)


def _inputs(source: Path, *names: str) -> dict[str, str]:
    """SHA-256 of the raw files a table was built from (provenance in its sidecar)."""
    return {n: sha256_of(source / n) for n in names}


def _tidy(values: np.ndarray, ages: np.ndarray, years: np.ndarray | None,
          sexes: tuple[str, ...]) -> pd.DataFrame:
    """Rows sex, age, [year], value from an array ``[year, sex, age]`` (or ``[sex, age]``)."""
    v = values if years is not None else values[None]
    n_y, n_s, n_a = v.shape
    frame = pd.DataFrame({
        "sex": np.tile(np.repeat(np.array(sexes), n_a), n_y),
        "age": np.tile(ages, n_y * n_s),
        "value": v.reshape(-1),
    })
    if years is not None:
        frame.insert(2, "year", np.repeat(years, n_s * n_a))
    return frame


# ---------------------------------------------------------------------- mortality
def _group_rates(source: Path) -> tuple[np.ndarray, np.ndarray]:
    """``nMx`` as ``[period, sex, group]`` and the period start years."""
    mx = _read(source, "mx5_by_sex.csv")
    periods = np.sort(mx["period_start"].unique())
    out = np.empty((periods.size, 2, GROUP_STARTS.size))
    for s, sex in enumerate(SEX_CODES):
        wide = mx[mx["sex"] == sex].pivot(index="period_start", columns="age_start", values="mx")
        out[:, s, :] = wide.reindex(index=periods, columns=GROUP_STARTS).to_numpy()
    # log-interpolation needs positive rates, the Kannisto fit rates below 1 at 80-99
    bad = ~(np.isfinite(out) & (out > 0))
    bad[..., 17:21] |= out[..., 17:21] >= 1
    if bad.any():
        p, s, g = np.argwhere(bad)[0]
        raise TableError(
            "death rate missing or outside the range the method needs",
            source=str(source / "mx5_by_sex.csv"),
            location=f"sex {SEX_CODES[s]}, period {periods[p]}, age group {GROUP_STARTS[g]}",
            field="mx", value=float(out[p, s, g]),
            expected="a rate > 0 for every sex, period and group (and < 1 at ages 80-99)",
        )
    return out, periods


def _q_from_rates(m: np.ndarray) -> np.ndarray:
    """``q`` from single-age rates ``[..., sex, age]``."""
    q = np.empty_like(m)
    for s, sex in enumerate(SEX_CODES):
        q[..., s, :] = rates_to_q(m[..., s, :], sex)
    return q


_MORTALITY_METHOD = """\
From WPP's central death rates nMx by sex, abridged age group (0, 1-4, 5-9, ..., 95-99,
100+) and 5-year period (mx5_by_sex.csv), per period: log m interpolated between group
midpoints and evaluated at mid-year of each single age 1..99, then scaled within each
group so the single-age table reproduces the group's nMx exactly (constant force within
each year of age); q0 = m0 / (1 + (1 - a0) m0) with Coale-Demeny a0; ages 100..110 from a
Kannisto (logistic) curve fitted to the groups 80-84..95-99 and scaled so the open group
reproduces M100+; q = 1 - exp(-m) for ages 1..109 and q110 = 1 (closed table)."""
_MORTALITY_SEE = """
Full description and measured checks: actuary.tables.wpp_mortality and tables/README.md."""


def build_mortality(source: Path) -> tuple[Table, Table]:
    """The annual (1950-2100) and period (1950-1955 .. 2095-2100) ``qx`` tables.

    Returns
    -------
    annual, period
        ``wpp2024_cambodia_qx`` (year = calendar year) and
        ``wpp2024_cambodia_qx_period`` (year = first year of the 5-year period).
    """
    groups, periods = _group_rates(source)
    m_period = single_age_rates(groups)  # [period, sex, age]
    m_annual = interpolate_years(m_period, periods, YEARS)
    ages = np.arange(MAX_AGE + 1)
    inputs = _inputs(source, "mx5_by_sex.csv")
    annual = Table(
        name="wpp2024_cambodia_qx",
        kind="qx",
        meta=TableMeta(
            description="Cambodia, one-year death probabilities by sex, single age 0..110 and "
            "calendar year 1950-2100 (WPP 2024 estimates to 2023, medium variant from 2024).",
            unit="probability of dying within one year of age (fraction)",
            source=WPP_SOURCE,
            licence=LICENCE,
            status="derived",
            method=_MORTALITY_METHOD + """
Calendar years: log m_x interpolated linearly in time between period midpoints, a period
t..t+5 placed at 1 January t+3 (legacy WPP periods run 1 July t to 30 June t+5) and year y
at 1 July y; 1950-1952 and 2098-2100 extend the trend of the two nearest periods."""
            + _MORTALITY_SEE,
            extra={"inputs_sha256": inputs},
        ),
        data=_tidy(_q_from_rates(m_annual), ages, YEARS, SEX_CODES),
    )
    period = Table(
        name="wpp2024_cambodia_qx_period",
        kind="qx",
        meta=TableMeta(
            description="Cambodia, one-year death probabilities by sex and single age 0..110 "
            "for each WPP 5-year period; year = first year of the period (1950 = 1950-1955).",
            unit="probability of dying within one year of age (fraction)",
            source=WPP_SOURCE,
            licence=LICENCE,
            status="derived",
            method=_MORTALITY_METHOD + _MORTALITY_SEE,
            extra={"inputs_sha256": inputs},
        ),
        data=_tidy(_q_from_rates(m_period), ages, periods, SEX_CODES),
    )
    return annual, period


def stationary_weights(q: np.ndarray) -> np.ndarray:
    """Person-years ``L_x`` (UDD) of a life table closed at its last age, ``l_first = 1``."""
    l = np.concatenate([[1.0], np.cumprod(1.0 - q)])
    l[-1] = 0.0
    return 0.5 * (l[:-1] + l[1:])


def _split_with_open_group(totals: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Single ages 0..110 from 21 group totals (0-4, ..., 95-99, 100+).

    Groups up to 95-99: monotone-spline split of the cumulative (exact group totals,
    :func:`actuary.tables.split.split_groups`). The open group 100+ is shared over ages
    100..110 in proportion to the stationary population ``L_x`` of the life table ``q``.
    """
    out = np.empty(MAX_AGE + 1)
    out[:100] = split_groups(totals[:20], np.arange(0, 101, 5))
    w = stationary_weights(q[100:])
    out[100:] = totals[20] * w / w.sum()
    return out


# ---------------------------------------------------------------------- population
def population_base_groups(source: Path) -> np.ndarray:
    """Scaled 5-year group totals ``[sex, 21]`` the base population is split from (persons)."""
    pop = _read(source, "population_by_age_sex.csv")
    tot = _read(source, "population_total.csv").set_index("year")
    out = np.empty((2, 21))
    for s, sex in enumerate(SEX_CODES):
        rows = pop[pop["sex"] == sex].pivot(index="year", columns="age_start", values="pop")
        shape = 0.1 * rows.loc[2020].to_numpy() + 0.9 * rows.loc[2025].to_numpy()
        target = 1000.0 * float(tot.loc[BASE_YEAR_END, "pop_male" if sex == "M" else "pop_female"])
        out[s] = shape * (target / shape.sum())
    return out


def build_population_base(source: Path, qx: Table) -> Table:
    """Population by sex and single age 0..110 on 1 January 2025 (persons).

    The wpp2017 5-year age shape at 1 July 2020 and 1 July 2025 is interpolated
    linearly to 1 January 2025 (weight 0.9 on 2025), split into single ages, and scaled
    by sex to WPP 2024's population on 31 December 2024 (``pop_male`` / ``pop_female``
    of year 2024 in population_total.csv, thousands).
    """
    ages = np.arange(MAX_AGE + 1)
    q_end = qx.to_array(ages, [BASE_YEAR_END])[0]
    groups = population_base_groups(source)
    values = np.stack([_split_with_open_group(groups[s], q_end[s]) for s in range(2)])
    return Table(
        name="wpp2024_cambodia_population_base",
        kind="population",
        meta=TableMeta(
            description="Cambodia, population by sex and single age 0..110 on 1 January 2025 "
            "(= WPP 2024's end-2024 population). A starting point, to be calibrated.",
            unit="persons",
            source=WPP_SOURCE + "; age shape: " + WPP2017_SOURCE,
            licence=LICENCE + " (wpp2017 package: GPL >= 2 for the package; UN data)",
            status="derived",
            method="""\
Age shape: wpp2017 population by sex and 5-year age group (0-4 .. 95-99, 100+, thousands)
on 1 July 2020 and 1 July 2025 (medium variant), interpolated linearly to 1 January 2025
(0.1 x 2020 + 0.9 x 2025). Scaled by sex to WPP 2024's pop_male / pop_female of year 2024
(wpp2024 dates annual population at 31 December, so this is 1 January 2025). Split to single
ages 0..99 by a monotone cubic (Fritsch-Carlson) interpolation of the cumulative population
at the group boundaries, which keeps every group total exactly and all ages >= 0; the open
group 100+ is spread over 100..110 in proportion to the stationary population L_x of the
2024 life table wpp2024_cambodia_qx.""",
            extra={
                "reference_date": "2025-01-01",
                "inputs_sha256": _inputs(source, "population_by_age_sex.csv",
                                         "population_total.csv", "mx5_by_sex.csv"),
            },
        ),
        data=_tidy(values, ages, None, SEX_CODES),
    )


# ---------------------------------------------------------------------- fertility
FERTILITY_AGES = np.arange(15, 50)


def asfr_group_shares(source: Path) -> tuple[np.ndarray, np.ndarray]:
    """Shares of TFR by 5-year group 15-19 .. 45-49, ``[year, 7]``, and the years.

    WPP's annual PASFR has 9 groups 10-14 .. 50-54 in percent. The 10-14 share is
    added to 15-19 and the 50-54 share to 45-49 (both at most a fraction of a percent),
    and the shares are normalised to sum to exactly 1.
    """
    p = _read(source, "pasfr5.csv")
    p = p[p["time_basis"] == "annual"]
    wide = p.pivot(index="time_start", columns="age_start", values="pasfr").loc[YEARS]
    g = wide[list(range(15, 50, 5))].to_numpy().copy()
    g[:, 0] += wide[10].to_numpy()
    g[:, -1] += wide[50].to_numpy()
    return g / g.sum(axis=1, keepdims=True), YEARS


def build_fertility(source: Path) -> Table:
    """Age-specific fertility rates, women aged 15..49, calendar years 1950-2100."""
    tfr = _read(source, "tfr.csv").set_index("year").loc[YEARS, "tfr"].to_numpy()
    shares, _ = asfr_group_shares(source)
    asfr = split_groups(tfr[:, None] * shares, np.arange(15, 51, 5))  # [year, age]
    return Table(
        name="wpp2024_cambodia_asfr",
        kind="fertility",
        meta=TableMeta(
            description="Cambodia, age-specific fertility rates by single age of the mother "
            "15..49 and calendar year 1950-2100 (sex F only: rates per woman).",
            unit="live births per woman per year",
            source=WPP_SOURCE,
            licence=LICENCE,
            status="derived",
            method="""\
ASFR = TFR (tfr.csv) x share of TFR by 5-year age group (pasfr5.csv, annual series,
percentASFR5.txt), split to single ages. The source's 9 groups 10-14 .. 50-54 are reduced
to 15-19 .. 45-49 by adding the 10-14 share to 15-19 and the 50-54 share to 45-49 (each at
most 0.2%), and the shares are normalised to sum to 1 (the source's sum to 100 +- 2e-6).
Single ages by a monotone cubic (Fritsch-Carlson) interpolation of cumulative fertility at
ages 15, 20, ..., 50, which keeps every group total, so the rates sum to the TFR of each
year. Men are not in the table (use sex_fill=0 in to_array).""",
            extra={"inputs_sha256": _inputs(source, "tfr.csv", "pasfr5.csv")},
        ),
        data=_tidy(asfr[:, None, :], FERTILITY_AGES, YEARS, ("F",)),
    )


def build_srb(source: Path) -> Table:
    """Sex ratio at birth (male per female births) by calendar year, 1950-2100."""
    srb = _read(source, "sex_ratio_at_birth.csv").set_index("year").loc[YEARS, "srb"]
    return Table(
        name="wpp2024_cambodia_srb",
        kind="ratio",
        meta=TableMeta(
            description="Cambodia, sex ratio at birth by calendar year 1950-2100. No sex "
            "dimension (sex B) and one age (0, the age at birth).",
            unit="male live births per female live birth",
            source=WPP_SOURCE,
            licence=LICENCE,
            status="derived",
            method="Copied from sex_ratio_at_birth.csv (wpp2024 sexRatio.txt); reshaped only.",
            extra={"inputs_sha256": _inputs(source, "sex_ratio_at_birth.csv")},
        ),
        data=pd.DataFrame({"sex": "B", "age": 0, "year": YEARS, "value": srb.to_numpy()}),
    )


# ---------------------------------------------------------------------- migration
def migration_groups(source: Path) -> tuple[np.ndarray, np.ndarray]:
    """Net migrants per 5-year period ``[period, sex, 21 groups]`` (persons) and starts."""
    mig = _read(source, "net_migration_by_age_sex.csv")
    periods = np.sort(mig["period_start"].unique())
    out = np.empty((periods.size, 2, 21))
    for s, sex in enumerate(SEX_CODES):
        wide = mig[mig["sex"] == sex].pivot(
            index="period_start", columns="age_start", values="net_migration"
        )
        out[:, s, :] = 1000.0 * wide.loc[periods, list(range(0, 101, 5))].to_numpy()
    return out, periods


def build_net_migration(source: Path, qx: Table) -> Table:
    """Net migrants by sex, single age 0..110 and calendar year 2020-2099 (persons/year)."""
    groups, periods = migration_groups(source)
    years = np.arange(periods[0], periods[-1] + 5)
    ages = np.arange(MAX_AGE + 1)
    q = qx.to_array(ages, years)
    values = np.empty((years.size, 2, ages.size))
    for i, year in enumerate(years):
        p = np.searchsorted(periods, year, side="right") - 1
        for s in range(2):
            values[i, s] = _split_with_open_group(groups[p, s] / 5.0, q[i, s])
    return Table(
        name="wpp2024_cambodia_net_migration",
        kind="migration",
        meta=TableMeta(
            description="Cambodia, net international migrants by sex, single age 0..110 and "
            "calendar year 2020-2099, WPP 2024 medium variant (negative = net emigration).",
            unit="persons per year",
            source=WPP_SOURCE,
            licence=LICENCE,
            status="derived",
            method="""\
WPP's net migrants by sex and 5-year age group over each 5-year period 2020-2025 ..
2095-2100 (net_migration_by_age_sex.csv, thousands per period) divided by 5 and given to
each calendar year t..t+4 of the period t..t+5 (the legacy periods run from 1 July, so this
places them half a year early; totals per period are kept). Single ages 0..99 by a monotone
cubic (Fritsch-Carlson) interpolation of the cumulative at the group boundaries (keeps each
group total); the open group 100+ over 100..110 in proportion to the stationary population
of that year's life table. WPP gives no age detail before 2020 or after 2099; use
beyond='hold' to extend.""",
            extra={"inputs_sha256": _inputs(source, "net_migration_by_age_sex.csv",
                                            "mx5_by_sex.csv")},
        ),
        data=_tidy(values, ages, years, SEX_CODES),
    )


# ---------------------------------------------------------------------- all
def build_all(source: Path) -> list[Table]:
    """Every table derived from WPP (not the placeholders), in writing order."""
    qx, qx_period = build_mortality(source)
    return [
        qx,
        qx_period,
        build_population_base(source, qx),
        build_fertility(source),
        build_srb(source),
        build_net_migration(source, qx),
    ]


def copy_raw(source: Path, out: Path) -> None:
    """Copy the raw WPP files into ``out/wpp2024_raw`` (atomically; skipped if the same)."""
    raw = out / "wpp2024_raw"
    for name in RAW_FILES:
        dest = raw / name
        if dest.exists() and dest.resolve() == (source / name).resolve():
            continue
        with atomic_path(dest) as tmp:
            shutil.copyfile(source / name, tmp)


def write_all(source: Path, out: Path) -> list[Path]:
    """Build and write every shipped table; return the CSV paths written."""
    from actuary.tables.placeholders import build_placeholders

    tables = build_all(source)
    by_name = {t.name: t for t in tables}
    tables += build_placeholders(
        asfr=by_name["wpp2024_cambodia_asfr"], qx=by_name["wpp2024_cambodia_qx"],
        srb=by_name["wpp2024_cambodia_srb"],
    )
    copy_raw(source, out)
    return [save_table(t, out, digits=_DIGITS) for t in tables]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python -m actuary.tables.wpp --source DIR --out DIR``."""
    parser = argparse.ArgumentParser(
        prog="python -m actuary.tables.wpp",
        description="Build Cambodia's tables from the extracted UN WPP 2024 CSVs.",
    )
    parser.add_argument("--source", required=True, type=Path,
                        help="folder with the extracted WPP CSVs (e.g. ../shared/data/un_wpp_cambodia)")
    parser.add_argument("--out", required=True, type=Path, help="output folder (tables/data)")
    args = parser.parse_args(argv)
    try:
        written = write_all(args.source, args.out)
    except TableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
