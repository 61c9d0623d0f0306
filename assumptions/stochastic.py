"""The ``stochastic`` section of an assumption set: the scenario generator's parameters.

Read only by ``actuary stochastic`` (:mod:`actuary.studies.stochastic`); a deterministic
valuation ignores it. Every number is a dated parameter or a constant with its source
and status, like the rest of the set.

Economic processes (one per variable: price inflation, real wage growth, the nominal
return on the reserve) are deviations ``x_t`` of ``log(1 + rate)`` from the basis's own
path, an AR(1) with correlated shocks:
``x_t = mu + phi_t (x_{t-1} - mu) + sigma_t e_t``, ``e_t`` standard normal with the
correlation matrix of the three ``correlations``; ``mu`` (the uncertain long-run mean,
standard deviation ``mean_sd``) is drawn once per scenario. Demographic processes
(the total fertility rate in children per woman, the log multiplier of the force of
mortality by sex, the relative change of net migration) have the same form, without
``mu``. Persistence is per year; volatility is per year in the units of ``x``.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from .base import Bounds, Strict
from .dated import DatedParameter

__all__ = [
    "DatedVolatility",
    "DatedPersistence",
    "DatedCorrelation",
    "DatedFertility",
    "EconomicProcess",
    "EconomicCorrelations",
    "EconomicGenerator",
    "FertilityProcess",
    "MortalityProcess",
    "MigrationProcess",
    "DemographicGenerator",
    "StochasticSection",
]

_VOL = Bounds("a standard deviation per year", 0, 2)
_PHI = Bounds("an autoregressive coefficient", -1, 1.1)
_RHO = Bounds("a correlation", -1, 1)
_TFR = Bounds("a total fertility rate", 0, 10)


class DatedVolatility(DatedParameter):
    """Standard deviation of a process's yearly shock (in the process's units)."""

    units: ClassVar[tuple[str, ...]] = ("standard deviation per year", "standard deviation")
    bounds: ClassVar[Bounds] = _VOL
    rules: ClassVar[tuple[str, ...]] = ("none", "hold", "step")
    values: dict[date, _VOL.type]  # type: ignore[valid-type]


class DatedPersistence(DatedParameter):
    """Autoregressive coefficient of a process from one year to the next (1 = random walk)."""

    units: ClassVar[tuple[str, ...]] = ("autocorrelation per year",)
    bounds: ClassVar[Bounds] = _PHI
    rules: ClassVar[tuple[str, ...]] = ("none", "hold", "step")
    values: dict[date, _PHI.type]  # type: ignore[valid-type]


class DatedCorrelation(DatedParameter):
    """Correlation of two processes' shocks in the same year."""

    units: ClassVar[tuple[str, ...]] = ("correlation",)
    bounds: ClassVar[Bounds] = _RHO
    rules: ClassVar[tuple[str, ...]] = ("none", "hold", "step")
    values: dict[date, _RHO.type]  # type: ignore[valid-type]


class DatedFertility(DatedParameter):
    """A total fertility rate, children per woman."""

    units: ClassVar[tuple[str, ...]] = ("children per woman",)
    bounds: ClassVar[Bounds] = _TFR
    rules: ClassVar[tuple[str, ...]] = ("none", "hold", "step")
    values: dict[date, _TFR.type]  # type: ignore[valid-type]


class EconomicProcess(Strict):
    """One economic variable's deviation from the basis (log of 1 + rate)."""

    volatility: DatedVolatility
    persistence: DatedPersistence
    mean_sd: DatedVolatility  # of the scenario's long-run mean (0 = certain); value at the start


class EconomicCorrelations(Strict):
    """Correlations of the yearly shocks of the three economic processes."""

    inflation_real_wage: DatedCorrelation
    inflation_return: DatedCorrelation
    real_wage_return: DatedCorrelation


class EconomicGenerator(Strict):
    """Inflation, real wage growth and the nominal return on the reserve."""

    price_inflation: EconomicProcess
    real_wage_growth: EconomicProcess
    investment_return: EconomicProcess
    correlations: EconomicCorrelations


class FertilityProcess(Strict):
    """Total fertility rate: additive deviation from the basis, children per woman."""

    volatility: DatedVolatility
    persistence: DatedPersistence
    minimum_tfr: DatedFertility  # a floor: no scenario goes below it


class MortalityProcess(Strict):
    """Log multiplier of the force of mortality at every age, by sex."""

    volatility_M: DatedVolatility
    volatility_F: DatedVolatility
    persistence_M: DatedPersistence
    persistence_F: DatedPersistence
    sex_correlation: DatedCorrelation


class MigrationProcess(Strict):
    """Relative change of net migration (every age and sex alike): migrants x (1 + x_t)."""

    volatility: DatedVolatility
    persistence: DatedPersistence


class DemographicGenerator(Strict):
    """Fertility, mortality and net migration."""

    fertility: FertilityProcess
    mortality: MortalityProcess
    migration: MigrationProcess


class StochasticSection(Strict):
    """The scenario generator of ``actuary stochastic``."""

    economic: EconomicGenerator
    demographic: DemographicGenerator
