"""Shared fixtures: small synthetic bases built directly as arrays (no assumption files)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

from actuary.engine.basis import Basis, SchemeRules, StartingState
from actuary.engine.state import N_AGE, N_SERVICE, N_SEX

# The tests sit in sub-folders named after the toolkit's layers (tests/engine/ ...); the
# helpers they share (this file, reference_*.py, cli_errors.py, libreoffice.py,
# native_required.py) stay here and are imported by name, so this folder goes on the path
# for every one of them.
sys.path.insert(0, str(Path(__file__).resolve().parent))


def pytest_sessionstart(session: pytest.Session) -> None:
    """Where LibreOffice must be (``.ci/run`` installs it and sets ACTUARY_REQUIRE_OFFICE),
    its absence stops the run instead of skipping the workbook tests one by one."""
    if not os.environ.get("ACTUARY_REQUIRE_OFFICE"):
        return
    from libreoffice import PDFTOTEXT, SOFFICE

    missing = [name for name, found in (("soffice", SOFFICE), ("pdftotext", PDFTOTEXT))
               if found is None]
    if missing:
        raise pytest.UsageError(f"ACTUARY_REQUIRE_OFFICE is set but {', '.join(missing)} "
                                "is not on the PATH: the workbook tests would be skipped")


def make_basis(
    seed: int = 0,
    n_years: int = 30,
    *,
    entrants: bool = True,
    sigma: float = 0.3,
    rules: SchemeRules | None = None,
) -> Basis:
    """A random but plausible basis with people in every state.

    Rates are drawn so that no cell is special; the point is to exercise every branch
    of the year step, not to be realistic.
    """
    rng = np.random.default_rng(seed)
    T = n_years
    ages = np.arange(N_AGE)
    start = StartingState.empty()
    an = np.zeros((N_SEX, N_AGE, N_SERVICE))
    an[:, 16:66, :12] = rng.uniform(0, 50, size=(N_SEX, 50, 12))
    wage = rng.uniform(3e6, 2e7, size=an.shape)
    career = an * wage * rng.uniform(0.5, 1.5, size=an.shape) * np.arange(N_SERVICE)
    inn = np.zeros_like(an)
    inn[:, 18:70, :12] = rng.uniform(0, 20, size=(N_SEX, 52, 12))
    inr = inn * rng.uniform(2e6, 1e7, size=an.shape) * np.arange(N_SERVICE)
    pens = np.zeros((N_SEX, N_AGE))
    pens[:, 60:100] = rng.uniform(0, 30, size=(N_SEX, 40))
    young = np.zeros((N_SEX, N_AGE))
    young[:, 0:18] = rng.uniform(0, 5, size=(N_SEX, 18))
    start = StartingState(
        active_count=an, active_wage=an * wage, active_career=career,
        inactive_count=inn, inactive_career=inr,
        old_age_count=pens, old_age_pension=pens * rng.uniform(2e6, 8e6, size=pens.shape),
        invalidity_count=pens * 0.2, invalidity_pension=pens * 0.2 * 3e6,
        spouse_count=pens * 0.3, spouse_pension=pens * 0.3 * 1.5e6,
        orphan_count=young, orphan_pension=young * 1e6,
        reserve=5e9,
    )
    q = np.clip(0.0005 * np.exp(0.085 * ages) * rng.uniform(0.8, 1.2, size=(T, N_SEX, N_AGE)), 0, 1)
    q[..., -1] = 1.0
    inv = np.where((ages >= 15) & (ages < 60), 0.002 + 0.0001 * (ages - 15), 0.0) * np.ones((T, N_SEX, 1))
    ex = np.where(ages < 60, rng.uniform(0.02, 0.15, size=(T, N_SEX, N_AGE)), 0.0)
    ex = np.minimum(ex, 1 - q - inv)
    re = np.where(ages < 60, rng.uniform(0.0, 0.2, size=(T, N_SEX, N_AGE)), 0.0)
    dist = np.zeros((T, N_SEX, N_AGE))
    dist[:, :, 18:40] = rng.uniform(0, 1, size=(T, N_SEX, 22))
    dist /= dist.sum(axis=(1, 2), keepdims=True)
    ew = np.zeros((T, N_SEX, N_AGE))
    ew[:, :, 15:80] = rng.uniform(4e6, 1e7, size=(T, N_SEX, 65))
    target = an.sum() * np.cumprod(np.full(T, 1.02)) if entrants else -np.ones(T)
    pa = np.full(T, 60, dtype=np.int64)
    pa[T // 2:] = 62
    return Basis(
        first_year=2025,
        pension_age=pa,
        contribution_rate=np.linspace(0.04, 0.2, T),
        contribution_factor=np.where(np.arange(T) == 2, 0.5, 1.0),
        credit_factor=np.where(np.arange(T) == 2, 0.5, 1.0),
        density=rng.uniform(0.7, 1.0, size=T),
        wage_floor=np.full(T, 4.8e6) * 1.03 ** np.arange(T),
        wage_ceiling=np.full(T, 14.4e6) * 1.03 ** np.arange(T),
        accrual_rate=np.full(T, 0.015),
        minimum_pension=np.full(T, 1.5e6),
        revaluation=rng.uniform(0.02, 0.06, size=T),
        indexation=rng.uniform(0.01, 0.04, size=T),
        wage_growth=rng.uniform(0.02, 0.06, size=T),
        investment_return=rng.uniform(0.02, 0.07, size=T),
        admin_rate=np.full(T, 0.03),
        funeral_grant_minimum=np.full(T, 2e6),
        target_actives=target,
        mortality=q,
        disabled_mortality=np.minimum(1.0, 1.5 * q),
        invalidity=inv,
        exit=ex,
        reentry=re,
        entrant_distribution=dist,
        entrant_wage=ew,
        salary_growth=np.where(ages < 50, 1.02, 1.0) * np.ones((N_SEX, 1)),
        share_married=np.where(ages >= 20, 0.7, 0.0) * np.ones((N_SEX, 1)),
        child_probability=np.where((ages >= 20) & (ages < 65), 0.6, 0.0) * np.ones((N_SEX, 1)),
        children=np.where((ages >= 20) & (ages < 65), 1.4, 0.0) * np.ones((N_SEX, 1)),
        spouse_age_gap=np.array([-4, 4]),
        start=start,
        rules=rules or SchemeRules(invalidity_minimum_rate=0.2),
        wage_sigma=sigma,
    )


@pytest.fixture
def random_basis() -> Basis:
    return make_basis(0)


@pytest.fixture
def fork_allowed(monkeypatch):
    """Fork where the platform can, even with another thread running: a test process
    may hold an idle library thread (dask's offload thread, started for good when
    another test imports distributed), which makes can_fork refuse; the children here
    take no lock such a thread could hold."""
    import actuary.io.forked as forked

    if not hasattr(os, "fork"):
        pytest.skip("no os.fork on this platform")
    monkeypatch.setattr(forked, "can_fork", lambda: True)


@pytest.fixture
def disk_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The toolkit's disk-cache folder (:mod:`actuary.io.diskcache`) moved to an empty
    temporary folder for the test: it lives beside numba's cache, ``NUMBA_CACHE_DIR``."""
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "numba"))
    return tmp_path / "numba" / "actuary"
