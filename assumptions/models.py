"""The assumption set: economic, demographic and coverage assumptions plus the scheme.

One YAML file (``assumptions/data/cambodia_default.yaml`` is the built-in one) is
validated into :class:`AssumptionSet` by :func:`actuary.assumptions.loader.load_basis`,
which also merges the scheme file, applies overlays and checks table references.

Conventions: the projection starts on ``valuation_date``; year 1 is its calendar year
and the last year is ``first_year + horizon_years - 1``. Rates are fractions per year,
money is KHR.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Callable, ClassVar, Literal

import numpy as np
from pydantic import BeforeValidator, Field, PrivateAttr, field_validator

from .base import Bounds, Status, Strict, Text, WholeNumber, whole_bounded
from .dated import (
    INDEX_NAMES,
    DatedExchangeRate,
    DatedFactor,
    DatedFraction,
    DatedParameter,
    DatedRate,
    constant_shorthand,
)
from .inventory import content_hash, iter_dated, parameters_table, unverified_items
from .items import _SCALE, GDP, Constant, MortalityRef, ScaledTableRef, SexPair, TableRef, WholeYears
from .scheme import SchemeDefinition
from .stochastic import StochasticSection
from .stress import SensitivitySpec, ShockSpec

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "Constant",
    "WholeYears",
    "SexPair",
    "TableRef",
    "ScaledTableRef",
    "MortalityRef",
    "GDP",
    "Economic",
    "Family",
    "Demographic",
    "Coverage",
    "AssumptionSet",
    "TABLE_KINDS",
    "FrameTable",
    "FrameScaledTable",
    "BaseCalibration",
    "PopulationTargets",
    "FramePopulation",
    "SexShares",
    "Sector",
    "Sectors",
    "Labour",
    "CoverageCount",
    "SchemeCoverage",
    "Coverages",
    "WageLevel",
    "MinimumWage",
    "FrameEconomy",
    "Frame",
    "SECTOR_NAMES",
]

# The kind of table each reference must point to (kinds of the tables layer).
TABLE_KINDS: dict[str, tuple[str, ...]] = {
    "demographic.mortality": ("qx",),
    "demographic.invalidity": ("rate", "qx"),
    "demographic.exit": ("rate", "qx"),
    "demographic.reentry": ("rate", "qx"),
    "demographic.salary_scale": ("salary_scale",),
    "demographic.family.share_married": ("share",),
    "demographic.family.children": ("count",),
    "coverage.entrant_age": ("share",),
    "occupational_risk.incidence": ("rate",),
}

class Economic(Strict):
    """Economic assumptions (all rates fractions per year).

    The three growth series are the indices other parameters may follow with
    ``{index: NAME}``; being rates, they cannot use an index rule themselves.
    """

    price_inflation: DatedRate
    wage_growth: DatedRate
    investment_return: DatedRate
    exchange_rate: DatedExchangeRate
    gdp: GDP
    admin_expense_rate: DatedFraction  # share of contribution income


class Family(Strict):
    """What a death leaves behind: spouses and children."""

    share_married: TableRef
    spouse_age_gap: SexPair
    children: TableRef
    orphan_age_limit: WholeYears
    parent_child_age_gap: WholeYears


class Demographic(Strict):
    """Decrements, wages and family of the insured population."""

    mortality: MortalityRef
    # Multiplier on q for invalidity pensioners; a bare number is accepted.
    disabled_mortality_factor: Annotated[
        DatedFactor,
        BeforeValidator(constant_shorthand("multiplier on mortality of invalidity pensioners", "factor")),
    ]
    invalidity: ScaledTableRef
    exit: ScaledTableRef
    reentry: ScaledTableRef
    salary_scale: TableRef
    wage_dispersion: Constant  # standard deviation of log wages within a cell
    # Share of the year an active member contributes; a bare number is accepted.
    contribution_density: Annotated[
        DatedFraction,
        BeforeValidator(constant_shorthand("contribution density", "fraction")),
    ]
    family: Family


class Coverage(Strict):
    """Growth of the insured population and who joins it.

    ``entrants_from`` says where the number of contributors wanted each year and the
    age and sex of new entrants come from: ``growth`` (``active_growth``,
    ``entrant_age`` and ``entrant_female_share`` below) or ``frame`` (the demographic
    and economic frame of the section ``frame``: population, labour force and the
    coverage of the scheme named by ``frame_scheme``).
    """

    active_growth: DatedRate
    entrant_age: TableRef
    entrant_female_share: DatedFraction
    entrants_from: Literal["growth", "frame"] = "growth"
    frame_scheme: Literal["nssf", "public", "self_employed"] = "nssf"


# -- the demographic and economic frame (optional section ``frame``) -------------------

#: Employment sectors of the frame; ``others`` is what the four dated shares leave.
SECTOR_NAMES: tuple[str, ...] = ("public", "private_formal", "private_informal", "self_employed", "others")

_PERSONS = Bounds("a number of persons", 0, lo_open=True)
_E0 = Bounds("a life expectancy in years", 20, 110)
_KHR = Bounds("an amount", 0, lo_open=True)


class FrameTable(Strict):
    """A table the frame reads, by shipped name or by path (relative to the file that
    names it). The frame loads and checks it when it runs (kind, sexes, ages), not the
    loader: the valuation does not use it. ``reference`` and ``status`` describe its use
    here; the table's own source and status are in its sidecar."""

    table: Text
    reference: Text
    status: Status
    note: str | None = None


class FrameScaledTable(FrameTable):
    """A frame table used times ``scale`` (1.0 = as published)."""

    scale: _SCALE.type = 1.0  # type: ignore[valid-type]


class BaseCalibration(Strict):
    """Calibration of a base population to the births and deaths of one calendar year.

    Women aged ``women_ages`` (both ends included) are multiplied by one factor and
    everyone aged ``old_from`` or more by another; the other ages of each sex are
    rescaled so the totals by sex are kept. The factors are those that reproduce
    ``births`` and ``deaths`` (persons) in calendar year ``year``.
    """

    description: Text
    reference: Text
    status: Status
    note: str | None = None
    year: WholeNumber
    births: _PERSONS.type  # type: ignore[valid-type]
    deaths: _PERSONS.type  # type: ignore[valid-type]
    women_ages: tuple[whole_bounded("an age", 0, 110), whole_bounded("an age", 0, 110)] = (15, 49)  # type: ignore[valid-type]
    old_from: whole_bounded("an age", 1, 110) = 60  # type: ignore[valid-type]


class PopulationTargets(Strict):
    """Figures a scenario follows: life expectancy at birth (both sexes) and total
    population (on 31 December) by calendar year. The frame moves mortality (one
    multiplier on the death rates each year, life expectancy linear between targets)
    and fertility (one multiplier per interval between population targets) to meet them."""

    description: Text
    reference: Text
    status: Status
    note: str | None = None
    life_expectancy: dict[WholeNumber, _E0.type] = Field(default_factory=dict)  # type: ignore[valid-type]
    population: dict[WholeNumber, _PERSONS.type] = Field(default_factory=dict)  # type: ignore[valid-type]


class FramePopulation(Strict):
    """Inputs of the national population projection."""

    base: FrameTable
    calibration: BaseCalibration | None = None
    mortality: FrameScaledTable  # years after the table's last year keep its last year
    fertility: FrameScaledTable
    sex_ratio_at_birth: FrameTable
    migration: FrameScaledTable
    targets: PopulationTargets | None = None


class SexShares(Strict):
    """A dated share for each sex."""

    M: DatedFraction
    F: DatedFraction


class Sector(Strict):
    """A sector's share of the employed (ages 15+) by sex, and its profile by age."""

    share: SexShares
    age_profile: FrameTable


class Sectors(Strict):
    """The employed by sector; ``others`` (contributing family workers, employers, ...)
    is the share the four dated shares leave, with its own age profile."""

    public: Sector
    private_formal: Sector
    private_informal: Sector
    self_employed: Sector
    others_age_profile: FrameTable


class Labour(Strict):
    """Labour force and employment by sector."""

    participation: FrameTable
    unemployment: DatedFraction
    sectors: Sectors


class CoverageCount(Strict):
    """A published count of covered workers the coverage level is calibrated to."""

    description: Text
    reference: Text
    status: Status
    note: str | None = None
    date: date
    count: _PERSONS.type  # type: ignore[valid-type]


class SchemeCoverage(Strict):
    """Coverage of a scheme: a dated level (share of its sector) times a profile by age."""

    sector: Literal["public", "private_formal", "private_informal", "self_employed", "others"]
    level: DatedFraction
    age_profile: FrameTable
    calibration: CoverageCount | None = None


class Coverages(Strict):
    """Coverage of each scheme of the frame."""

    nssf: SchemeCoverage
    public: SchemeCoverage | None = None
    self_employed: SchemeCoverage | None = None


class WageLevel(Strict):
    """An average wage in one year (KHR per month)."""

    description: Text
    unit: Literal["KHR per month"]
    reference: Text
    status: Status
    note: str | None = None
    year: WholeNumber
    value: _KHR.type  # type: ignore[valid-type]


class MinimumWage(Strict):
    """A minimum wage in one year (USD per month) and its growth in KHR afterwards
    (``growth`` missing: it follows the frame's average wage)."""

    description: Text
    unit: Literal["USD per month"]
    reference: Text
    status: Status
    note: str | None = None
    year: WholeNumber
    value: _KHR.type  # type: ignore[valid-type]
    growth: DatedRate | None = None


class WageGdpBand(Strict):
    """How far the average insurable wage may move against GDP per head: within
    ``tolerance`` (a share, e.g. 0.2 for 20%) of its first-year ratio through the year
    ``through``; ``reason`` says why that band (and why any wider drift is expected)."""

    description: Text
    tolerance: Bounds("a tolerance", 0.0, 1.0, lo_open=True).type  # type: ignore[valid-type]
    through: WholeNumber
    reason: Text


class FrameEconomy(Strict):
    """Productivity, wages and the minimum wage, beside the set's economic section.

    ``wage_rule``: ``productivity_plus_inflation`` makes wage growth
    ``productivity_growth + price_inflation`` each year; ``as_set`` takes
    ``economic.wage_growth`` and reports the productivity it implies. ``gdp_rule``:
    ``as_set`` takes ``economic.gdp``; ``employment_productivity_inflation`` grows the
    base-year GDP by employment growth + productivity growth + inflation.
    """

    productivity_growth: DatedRate
    wage_rule: Literal["productivity_plus_inflation", "as_set"] = "productivity_plus_inflation"
    gdp_rule: Literal["as_set", "employment_productivity_inflation"] = "as_set"
    average_wage: WageLevel
    minimum_wage: MinimumWage
    wage_gdp_band: WageGdpBand | None = None


class Frame(Strict):
    """The demographic and economic frame: population, labour, coverage and economy."""

    population: FramePopulation
    labour: Labour
    coverage: Coverages
    economy: FrameEconomy


class AssumptionSet(Strict):
    """A complete, validated assumption set (scheme included).

    Build it with :func:`actuary.assumptions.load_basis`, which also checks the tables
    and that every series covers the horizon; constructing it directly validates the
    structure only.
    """

    name: Text
    description: Text
    base: str | None = None
    valuation_date: date
    horizon_years: whole_bounded("a horizon in years", 1, 300)  # type: ignore[valid-type]
    economic: Economic
    demographic: Demographic
    coverage: Coverage
    scheme: SchemeDefinition
    starting_population: Text
    # The set's own one-at-a-time tests and shocks (assumptions.stress); None: the
    # shipped default lists.
    sensitivities: list[SensitivitySpec] | None = None
    shocks: list[ShockSpec] | None = None
    # The demographic and economic frame (actuary.frame.population, .labour, .economy); optional.
    frame: Frame | None = None
    # The scenario generator of `actuary stochastic` (assumptions.stochastic); optional.
    stochastic: StochasticSection | None = None
    # The occupational-risk branch (assumptions/occupational_risk.py): when present, the
    # set values that branch on the insured population of its pension scheme.
    occupational_risk: "OccupationalRisk | None" = None

    # Filled by the loader: the files read (set, bases, scheme), the tables loaded by
    # reference path, and the digests of their data (part of the content hash).
    _files: list[str] = PrivateAttr(default_factory=list)
    _tables: dict[str, Any] = PrivateAttr(default_factory=dict)
    _table_digests: dict[str, str] = PrivateAttr(default_factory=dict)
    _overrides: list[tuple[str, str]] = PrivateAttr(default_factory=list)
    # the starting population's file when the set names one by path (resolved from the
    # folder of the file that wrote it); None for a shipped population's name
    _population_file: str | None = PrivateAttr(default=None)
    # the CSV and sidecar of every user table the set references
    _table_files: list[str] = PrivateAttr(default_factory=list)
    # the merged plain data the set was validated from, with where each key came from:
    # what an override in memory starts from (see :meth:`override`)
    _raw: Any = PrivateAttr(default=None)
    # (key path, item) of every item, walked once (see inventory.iter_items)
    _items: Any = PrivateAttr(default=None)
    # parameters_table(), made once
    _parameters: Any = PrivateAttr(default=None)

    index_names: ClassVar[tuple[str, ...]] = INDEX_NAMES

    #: The function behind :meth:`override`, :func:`actuary.assumptions.loader.override`,
    #: which the loader sets here when it is imported (always, with this package):
    #: overriding validates and checks a new set, the loader's work, and the loader
    #: imports this module, so this one does not import it.
    _override: ClassVar[Callable[..., AssumptionSet] | None] = None

    def model_post_init(self, __context: Any) -> None:
        for path, param in iter_dated(self):
            param._path = path

    def override(self, overrides: dict[str, Any] | None = None, /, *, name: str | None = None,
                 description: str | None = None, source: str | None = None) -> "AssumptionSet":
        """A new set with ``overrides`` applied in memory; this one is unchanged.

        The keys are an overlay file's (dotted key paths, the scheme as ``scheme``), so a
        reform tried here can be written to a file as it is::

            >>> basis = load_basis("cambodia-default")
            >>> richer = basis.override({"scheme.parameters.accrual_rate.values":
            ...                          {"2022-10-01": 0.0175}})

        Errors name the key (``overrides.KEY``) and the source ``override of NAME in
        memory``. See :func:`actuary.assumptions.loader.override`.
        """
        return type(self)._override(self, overrides or {}, name=name, description=description,
                                    source=source)

    # -- the projection period ------------------------------------------------------

    @property
    def first_year(self) -> int:
        """Calendar year of projection year 1 (the valuation date's year)."""
        return self.valuation_date.year

    @property
    def last_year(self) -> int:
        """Calendar year of the last projection year."""
        return self.first_year + self.horizon_years - 1

    @property
    def horizon_end(self) -> date:
        """Last day of the projection (31 December of the last year)."""
        return date(self.last_year, 12, 31)

    @property
    def files(self) -> list[str]:
        """Files this set was read from: the set, its bases, the scheme (loader order)."""
        return list(self._files)

    @property
    def table_files(self) -> list[str]:
        """The CSV and YAML files of the user tables the set references (not shipped ones)."""
        return list(dict.fromkeys(self._table_files))

    @property
    def read_files(self) -> list[str]:
        """Every file the set is made of or names: :attr:`files`, :attr:`table_files` and
        the starting population named by path (with its sidecar). Outputs must not
        replace any of them."""
        out = [*self.files, *self.table_files]
        if self._population_file:
            out += [self._population_file, str(Path(self._population_file).with_suffix(".yaml"))]
        return out

    @property
    def starting_population_file(self) -> Path | None:
        """The starting population's file when ``starting_population`` is a path (a CSV
        or XLSX, relative to the file that names it); None when it names a shipped one."""
        return Path(self._population_file) if self._population_file else None

    @property
    def tables(self) -> dict[str, Any]:
        """Tables loaded by the loader, by key path of the reference (e.g. ``demographic.exit``)."""
        return dict(self._tables)

    @property
    def overrides(self) -> list[tuple[str, str]]:
        """(key path, file) of every overlay override applied, in order."""
        return list(self._overrides)

    def indices(self, first_year: int | None = None, last_year: int | None = None) -> dict[str, np.ndarray]:
        """The economic growth series, averaged per calendar year, by index name.

        The ``indices`` argument of :meth:`DatedParameter.yearly` for parameters extended
        with ``{index: NAME}``. Defaults to the projection years.
        """
        lo = self.first_year if first_year is None else first_year
        hi = self.last_year if last_year is None else last_year
        return {name: getattr(self.economic, name).yearly(lo, hi) for name in self.index_names}

    # -- reports ------------------------------------------------------------------------

    def unverified(self) -> list[tuple[str, str, str, str]]:
        """(key path, description, status, reference) of every unverified item.

        Parameters, constants and table uses with status ``unverified``, and every
        table whose own status (from the tables layer) is ``unverified``.
        """
        return unverified_items(self)

    def content_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON of the resolved set and its tables' data.

        Stable across runs and key orders; changes when any value, text or table
        content changes.
        """
        return content_hash(self)

    def parameters_table(self) -> "pd.DataFrame":
        """One row per parameter, constant and table: path, description, values, unit,
        status, reference, note (for the workbook's Assumptions sheet).

        A new frame each call, made once a set (a valuation's workbook asks three
        times): the set is frozen, and the loader records its tables and overrides
        before handing it out.
        """
        if self._parameters is None:
            self._parameters = parameters_table(self)
        return self._parameters.copy()

    @property
    def scheme_type(self) -> str:
        """What a valuation of this set values: ``"occupational_risk"`` (the branch of
        the ``occupational_risk`` section) or ``"pension"`` (the scheme)."""
        return "pension" if self.occupational_risk is None else "occupational_risk"

    def dated_parameters(self) -> dict[str, DatedParameter]:
        """Every dated parameter by key path."""
        return dict(iter_dated(self))


# The branch's model uses the table references above; imported last, then the set's
# forward reference to it is resolved.
from .occupational_risk import OccupationalRisk  # noqa: E402

AssumptionSet.model_rebuild()
