"""``actuary stochastic``: the command, its CSV files and workbook, and the dask cluster."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from actuary.cli.main import main
from actuary.reports.stochastic import FAN_TITLES, SHEETS


def test_command_writes_workbook_and_csv(tmp_path):
    out, csv = tmp_path / "s.xlsx", tmp_path / "csv"
    res = CliRunner().invoke(main, ["stochastic", "--scenarios", "12", "--seed", "3",
                                    "--batch-size", "5", "--out", str(out), "--csv", str(csv),
                                    "--quiet"])
    assert res.exit_code == 0, res.output
    assert "probability that the reserve is depleted" in res.output
    assert "GAP 75 years: 80% of scenarios between" in res.output
    pct = pd.read_csv(csv / "percentiles.csv")
    assert list(pct.columns) == ["year", "indicator", "percentile", "value"]
    assert set(pct.indicator) == {"reserve_ratio", "payg_cost_rate", "reserve_pct_gdp",
                                  "contributors", "pensioners", "population"}
    assert sorted(pct.percentile.unique()) == [2.5, 10, 25, 50, 75, 90, 97.5]
    # percentiles are ordered within each year and indicator
    wide = pct.pivot_table(index=["indicator", "year"], columns="percentile", values="value")
    assert np.all(np.diff(wide.to_numpy(), axis=1) >= -1e-9)
    dep = pd.read_csv(csv / "depletion.csv")
    assert list(dep.columns) == ["year", "rate_path", "probability"]
    assert set(dep.rate_path) == {"legislated_schedule", "held_at_last_enacted_step"}
    wb = load_workbook(out)
    assert wb.sheetnames == list(SHEETS)
    fans = wb["Fans"]._charts
    assert len(fans) == len(FAN_TITLES)
    for chart in fans:  # a fan: an invisible base, shaded bands, the median and more lines
        assert chart.grouping == "stacked" and chart.series[0].graphicalProperties.noFill
    # one axis title each, the units (openpyxl does not read a combined chart's axes back:
    # the chart XML is read here)
    import re
    import zipfile

    from actuary.reports.stochastic import FAN_AXES

    with zipfile.ZipFile(out) as z:
        xml = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    for text in (x for x in xml if "fan of the scenarios" in x):
        val = re.search(r"<valAx>.*?</valAx>", text).group(0)
        cat = re.search(r"<catAx>.*?</catAx>", text).group(0)
        assert any(f"<a:t>{a}</a:t>" in val for a in FAN_AXES.values()) and "<title>" not in cat
    # the bands stack to the percentiles: base + bands up to k = the k-th percentile
    ws = wb["Fans"]
    head = {ws.cell(26, c).value: c for c in range(1, 30) if ws.cell(26, c).value}
    assert head["below 2.5%"] and head["2.5%-10%"] and head["90%-97.5%"]
    letter = ws.cell(27, head["2.5%-10%"]).value
    assert letter.startswith("=") and "-" in letter
    assert len(wb["Depletion"]._charts) == 1
    gen = wb["Generator"]
    texts = [c.value for row in gen.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("stochastic.economic.price_inflation.volatility") for t in texts)


def test_same_seed_same_csv(tmp_path):
    outs = []
    for k in range(2):
        d = tmp_path / f"c{k}"
        res = CliRunner().invoke(main, ["stochastic", "--scenarios", "4", "--seed", "9",
                                        "--batch-size", str(1 + 3 * k), "--threads", str(1 + k),
                                        "--out", str(tmp_path / f"s{k}.xlsx"), "--csv", str(d),
                                        "--quiet"])
        assert res.exit_code == 0, res.output
        outs.append((d / "percentiles.csv").read_text())
    assert outs[0] == outs[1]


def test_workers_and_scheduler_exclude_each_other(tmp_path):
    res = CliRunner().invoke(main, ["stochastic", "--scenarios", "2", "--workers", "2",
                                    "--scheduler", "tcp://127.0.0.1:1",
                                    "--out", str(tmp_path / "s.xlsx"), "--quiet"])
    assert res.exit_code == 1
    assert res.output.count("error:") == 1 and "Traceback" not in res.output


@pytest.mark.slow
def test_local_cluster_gives_the_in_process_results():
    """Two worker processes on the loopback interface, batches as tasks: the same numbers."""
    pytest.importorskip("dask.distributed")
    from actuary.studies.stochastic import run_stochastic
    from actuary.studies.stochastic.distributed import connect

    here = run_stochastic(None, scenarios=8, seed=5, batch_size=3)
    client, cluster = connect(workers=2)
    try:
        there = run_stochastic(None, scenarios=8, seed=5, batch_size=3, client=client)
        assert len(client.scheduler_info()["workers"]) == 2
    finally:
        client.close()
        cluster.close()
    pd.testing.assert_frame_equal(here.percentiles, there.percentiles, check_exact=True)
    pd.testing.assert_frame_equal(here.depletion, there.depletion, check_exact=True)
    for name, arr in here.results.yearly.items():
        assert np.array_equal(arr, there.results.yearly[name], equal_nan=True)


def test_khmer_workbook_and_headline(tmp_path):
    """``--lang km``: the workbook's titles and headers and the console headline in Khmer
    (generator parameter paths and their sources are the data's)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "reports"))
    from khmer_check import KHMER, english_cells, english_words, untranslated

    out = tmp_path / "s_km.xlsx"
    res = CliRunner().invoke(main, ["stochastic", "--scenarios", "6", "--seed", "3",
                                    "--batch-size", "3", "--out", str(out), "--lang", "km",
                                    "--quiet"])
    assert res.exit_code == 0, res.output
    heads = [ln.strip().split("  ")[0] for ln in res.output.splitlines() if ln.strip()]
    assert all(KHMER.search(h) for h in heads), heads
    assert not english_words(res.output.splitlines()[2])
    wb = load_workbook(out)
    assert not untranslated(wb), untranslated(wb)[:10]
    # every text cell but the generator's parameters (descriptions, sources: the set's)
    left = english_cells(wb, {"Generator": "*"})
    assert not left, left[:10]
