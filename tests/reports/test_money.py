"""Prices of the workbooks' money (actuary.reports.money): the constant-price index is the
set's inflation compounded from the valuation year, USD at the set's rate."""

from __future__ import annotations

import numpy as np
import pytest

from actuary.assumptions import load_basis
from actuary.io.errors import ActuaryError
from actuary.reports.money import prices_for


@pytest.fixture(scope="module")
def aset():
    return load_basis("cambodia-default")


def test_constant_prices_compound_the_sets_inflation_from_the_valuation_year(aset):
    p = prices_for(aset, 2025, 2060, "constant")
    t = np.arange(36)
    # the default set holds inflation at 3% a year: P_t = 1.03^t, 1 in 2025
    assert np.allclose(p.index, 1.03 ** t, rtol=1e-14, atol=0)
    assert p.factor(2035) == pytest.approx(1.03 ** -10, rel=1e-14)
    assert np.allclose(p.deflate([1e9, 2e9], [2025, 2026]), [1e9, 2e9 / 1.03], rtol=1e-14)
    assert p.label() == "constant 2025 KHR (deflated by the set's CPI)"
    # USD of constant 2025 KHR at the 2025 rate (the set holds 4,100 KHR per USD)
    assert p.usd_rate(2050) == 4100.0


def test_a_step_in_inflation_enters_the_index_from_its_year(aset):
    stepped = aset.override({"economic.price_inflation.values":
                             {"2025-01-01": 0.03, "2030-01-01": 0.05}})
    p = prices_for(stepped, 2025, 2040, "constant")
    assert p.index[p.years.tolist().index(2030)] == pytest.approx(1.03 ** 4 * 1.05, rel=1e-14)
    assert p.index[-1] == pytest.approx(1.03 ** 4 * 1.05 ** 11, rel=1e-14)


def test_nominal_prices_change_nothing_and_unknown_prices_are_an_error(aset):
    p = prices_for(aset, 2025, 2030)
    assert not p.constant and p.label() == "nominal KHR of each year"
    assert np.array_equal(p.deflate([5.0, 7.0], [2025, 2030]), [5.0, 7.0])
    with pytest.raises(ActuaryError, match="prices"):
        prices_for(aset, 2025, 2030, "real")
    with pytest.raises(ActuaryError, match="year outside"):
        p.factor(2031)


def test_valuate_prices_constant_adds_the_constant_columns_the_chart_reads(tmp_path):
    import openpyxl
    from click.testing import CliRunner

    from actuary.cli.main import main

    out = tmp_path / "c.xlsx"
    res = CliRunner().invoke(main, ["valuate", "--prices", "constant", "--no-sensitivity",
                                    "--horizon", "20", "--out", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    proj = wb["Projection"]
    assert "constant 2025 KHR" in proj["A1"].value
    keys = {proj.cell(3, c).value: c for c in range(1, proj.max_column + 1)}
    letter = openpyxl.utils.get_column_letter
    for t in (0, 1, 19):
        assert proj.cell(6 + t, keys["price_index"]).value == pytest.approx(1.03 ** t, rel=1e-14)
        real = proj.cell(6 + t, keys["reserve_real"])
        assert real.value == f"={letter(keys['reserve_end'])}{6 + t}/{letter(keys['price_index'])}{6 + t}"
        assert real.number_format == "#,##0.0,,,"
    chart = wb["Charts"]._charts[0]
    text = chart.title.tx.rich.p[0].r[0].t
    assert "constant 2025 KHR" in text
    assert f"${letter(keys['reserve_real'])}$" in chart.series[0].val.numRef.f
    fin = wb["Financing"]
    heads = [fin.cell(8, c).value for c in range(1, fin.max_column + 1)]
    assert "Reserve F_t / P_t (constant 2025 KHR bn)" in heads and "Reserve F_t (USD m)" in heads
    summary = [str(c.value) for row in wb["Summary"].iter_rows() for c in row if c.value]
    assert any("constant 2025 KHR, deflated by the set's CPI" in t for t in summary)
