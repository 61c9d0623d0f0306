"""Write the bad-input corpus (run from anywhere: ``python tests/data/bad_inputs/make.py``).

The files are committed; this script says how each was made, and makes again the ones
holding bytes an editor would not keep (NUL). Data invented. ``cases.yaml`` lists what
each file is for and the message it gets; ``tests/test_bad_inputs.py`` runs them.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

POP_HEADER = ("status,sex,age,credited_months,count,average_monthly_wage,average_career_wage,"
              "average_monthly_pension")
POP_ROWS = [
    "active,M,30,60,1000,800000,,",
    "active,F,40,120,1200,700000,,",
    "inactive,F,45,36,300,,,",
    "old_age,M,62,,50,,,250000",
    "spouse,F,58,,20,,,120000",
    "orphan,M,10,,10,,,60000",
]
POP_META = """name: {name}
description: bad-input corpus case (invented)
valuation_date: 2025-01-01
reserve_khr: 1000000000
source: invented for the tests
status: unverified
"""

MEMBER_HEADER = ("member_id,sex,birth_date,entry_date,status,status_date,credited_months,"
                 "insurable_wage")
MEMBERS = [
    "M001,F,1995-03-10,2022-10-01,active,2022-10-01,27,800000",
    "M002,M,1990-01-01,2023-01-15,active,2023-01-15,24,650000",
    "M003,M,1985-05-05,2023-03-01,active,2023-03-01,22,1000000",
    "M004,F,1964-06-15,2022-10-01,retired,2024-06-15,20,900000",
]
PENSIONER_HEADER = "pensioner_id,sex,birth_date,benefit_type,start_date,monthly_amount,member_id"
PENSIONERS = [
    "P001,F,1964-06-15,old_age,2024-06-15,222750,M004",
    "P002,M,1962-01-01,old_age,2024-01-01,250000,",
    "P003,M,1978-04-04,spouse,2024-03-01,150000,M009",
    "P004,F,2012-08-08,orphan,2024-03-01,75000,M009",
]

TABLE_META = """name: table_nul
kind: rate
description: A flat exit rate with a NUL byte in the value of age 40 (invented)
unit: probability per year
source: bad-input corpus
licence: CC0
status: unverified
method: written by tests/data/bad_inputs/make.py
dimensions:
  sex: [B]
  age: [15, 110]
"""


def _write(path: Path, header: str, rows: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode("utf-8"))


def population(name: str, change=None) -> None:
    """A small starting population with ``change(rows)`` applied, and its sidecar."""
    rows = [r.split(",") for r in POP_ROWS]
    if change:
        change(rows)
    path = HERE / "starting_population" / f"{name}.csv"
    _write(path, POP_HEADER, [",".join(r) for r in rows])
    path.with_suffix(".yaml").write_text(POP_META.format(name=name), encoding="utf-8")


def _set(col: int, value: str, status: str | None = None, row: int | None = None):
    def change(rows: list[list[str]]) -> None:
        for i, r in enumerate(rows):
            if (status is None or r[0] == status) and (row is None or i == row):
                r[col] = value if "{}" not in value else value.format(r[col])
    return change


def _scale(col: int, factor: float, status: str):
    def change(rows: list[list[str]]) -> None:
        for r in rows:
            if r[0] == status and r[col]:
                r[col] = f"{float(r[col]) * factor:.1f}"
    return change


def main() -> None:
    population("ok")
    population("wages_usd", _scale(5, 1 / 4100, "active"))
    population("pensions_a_year", _scale(7, 12, "old_age"))
    population("pensions_usd", _scale(7, 1 / 4100, "old_age"))
    population("wages_thousands", _scale(5, 1 / 1000, "active"))
    population("wage_1e300", _set(5, "1e300", row=0))
    population("pension_1e300", _set(7, "1e300", "old_age"))
    population("count_1e300", _set(4, "1e300", row=1))
    population("old_age_aged_5", _set(2, "5", "old_age"))
    population("old_age_aged_45", _set(2, "45", "old_age"))
    population("active_aged_3", _active_aged_3)
    population("orphan_aged_75", _set(2, "75", "orphan"))
    population("nul_in_count", _set(4, "1\x00200", row=1))
    population("nul_in_wage", _set(5, "9\x00439.5", row=0))
    population("control_in_status", _set(0, "act\x07ive", row=0))

    m = HERE / "members"
    _write(m / "ok.csv", MEMBER_HEADER, MEMBERS)
    _write(m / "pensioners_ok.csv", PENSIONER_HEADER, PENSIONERS)
    usd = [",".join(r.split(",")[:7] + [f"{int(r.split(',')[7]) / 4100:.0f}"]) for r in MEMBERS]
    _write(m / "wages_usd.csv", MEMBER_HEADER, usd)
    _write(m / "nul_in_id.csv", MEMBER_HEADER, [MEMBERS[0], "AB\x00CD" + MEMBERS[1][4:]])
    _write(m / "nul_in_months.csv", MEMBER_HEADER,
           [MEMBERS[0], MEMBERS[1].replace(",24,", ",2\x006,")])
    _write(m / "all_rejected.csv", MEMBER_HEADER,
           [r.replace(",F,", ",X,").replace(",M,", ",X,") for r in MEMBERS])
    _write(m / "wage_1e300.csv", MEMBER_HEADER,
           MEMBERS[:1] + [MEMBERS[1].replace(",650000", ",1e300")] + MEMBERS[2:])
    _write(m / "contributor_aged_3.csv", MEMBER_HEADER,
           [MEMBERS[0], "M002,M,2021-05-01,2024-01-15,active,2024-01-15,12,650000"])
    p_year = [r.replace(",222750,", ",2673000,").replace(",250000,", ",3000000,")
              for r in PENSIONERS]
    _write(m / "pensions_a_year.csv", PENSIONER_HEADER, p_year)
    p_usd = [",".join(f[:5] + [f"{int(f[5]) / 4100:.0f}"] + f[6:])
             for f in (r.split(",") for r in PENSIONERS)]
    _write(m / "pensions_usd.csv", PENSIONER_HEADER, p_usd)
    _write(m / "pension_1e300.csv", PENSIONER_HEADER, PENSIONERS[:1] + [
        PENSIONERS[1].replace(",250000,", ",1e300,")] + PENSIONERS[2:])
    _write(m / "old_age_aged_5.csv", PENSIONER_HEADER,
           PENSIONERS[:1] + ["P002,M,2020-01-01,old_age,2024-01-01,250000,"] + PENSIONERS[2:])
    _write(m / "orphan_aged_75.csv", PENSIONER_HEADER,
           PENSIONERS[:3] + ["P004,F,1950-08-08,orphan,2024-03-01,75000,M009"])
    _write(m / "controls_nul.csv", "measure,value", ["members,4", "active_members,3\x00"])

    a = HERE / "assumptions"
    _write(a / "discount_curve_nul.csv", "year,rate", ["1,0.05", "2,0.0\x005"])
    _write(a / "table_nul.csv", "sex,age,value",
           [f"B,{x},0.05" if x != 40 else "B,40,0.0\x005" for x in range(15, 111)])
    (a / "table_nul.yaml").write_text(TABLE_META, encoding="utf-8")


def _active_aged_3(rows: list[list[str]]) -> None:
    rows[0][2] = "3"
    rows[0][3] = "0"


if __name__ == "__main__":
    main()
