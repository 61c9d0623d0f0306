"""The member-level kernel's packed inputs and its totals: their columns (the funeral
grants valued from them are :mod:`actuary.engine.member_funeral`;
:mod:`actuary.engine.member_kernel` re-exports the column names). Plain constants, no
numba: a valuation that calls the member engine compiled at install reads them too."""

from __future__ import annotations

__all__ = [
    "A_DISABLED_MORTALITY", "A_ENTRANT_WAGE", "A_EXIT", "A_INVALIDITY", "A_MORTALITY",
    "A_REENTRY", "A_SURVIVORS", "F_FUNERAL_COUNT", "F_FUNERAL_MASS", "F_OLD_LUMP", "F_ORPHAN",
    "F_PAY",
    "F_SPOUSE", "F_SURVIVORS", "N_FACTORS", "N_SEX_AGE", "N_YEARLY", "N_YEAR_SEX_AGE",
    "S_ANY_SURVIVOR", "S_SALARY_GROWTH", "Y_ACCRUAL", "Y_CEILING", "Y_COUNT_BELOW", "Y_CREDIT",
    "Y_DENSITY", "Y_FLOOR", "Y_FUNERAL_MIN", "Y_INDEXATION", "Y_MASS_ABOVE", "Y_MIN_PENSION",
    "Y_PAID", "Y_PENSION_AGE", "Y_RATE", "Y_REFUND_INTEREST", "Y_REVALUATION", "Y_V_MID", "Y_WAGE_GROWTH",
    "BRANCHES", "LANES", "MEMBER_ACTIVE", "MEMBER_INACTIVE", "MEMBER_INVALIDITY", "MEMBER_OLD_AGE",
    "MEMBER_ORPHAN", "MEMBER_SPOUSE",
]


# Columns of the packed inputs (built by actuary.engine.member_inputs.kernel_inputs). The
# column is the last index, so what one member needs in one year sits in a few cache
# lines. yearly [T + 1, column] (the last year only for the thresholds):
(Y_PENSION_AGE, Y_RATE, Y_PAID, Y_CREDIT, Y_DENSITY, Y_FLOOR, Y_CEILING, Y_ACCRUAL,
 Y_MIN_PENSION, Y_REVALUATION, Y_INDEXATION, Y_WAGE_GROWTH, Y_FUNERAL_MIN, Y_V_MID,
 Y_MASS_ABOVE, Y_COUNT_BELOW, Y_REFUND_INTEREST) = range(17)
N_YEARLY = 17
# year-sex-age [T, 2, 111, column]:
(A_MORTALITY, A_DISABLED_MORTALITY, A_INVALIDITY, A_EXIT, A_REENTRY, A_ENTRANT_WAGE,
 A_SURVIVORS) = range(7)
N_YEAR_SEX_AGE = 7
# sex-age [2, 111, column]:
S_SALARY_GROWTH, S_ANY_SURVIVOR = range(2)
N_SEX_AGE = 2
# pension factors [T + 1, 2, 111, column]: per kind (old age, invalidity) payments,
# survivors, funeral per unit of pension, funeral minimum per pensioner; then the
# pensions of a spouse and of an orphan
(F_PAY, F_SURVIVORS, F_FUNERAL_MASS, F_FUNERAL_COUNT) = range(4)
F_SPOUSE = 8
F_ORPHAN = 9
F_OLD_LUMP = 10  # lump sums left at death per unit of an old-age pension without
#                  the survivors' condition (in place of F_SURVIVORS)
N_FACTORS = 11


# Columns of the branch totals: present values (KHR) summed over members.
BRANCHES = ("contributions", "old_age", "invalidity", "survivors", "survivor_lump_sum",
            "funeral", "refund", "adl")

# Member status codes (the kernel's input).
MEMBER_ACTIVE = 0
MEMBER_INACTIVE = 1
MEMBER_OLD_AGE = 2
MEMBER_INVALIDITY = 3
MEMBER_SPOUSE = 4
MEMBER_ORPHAN = 5

# Members valued side by side: a block holds up to LANES members who share sex, age,
# status and service, so every probability of the projection is the same for all of
# them and is computed once; only the money differs, one lane each.
LANES = 256
