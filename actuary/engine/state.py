"""The state space and the index constants shared by the kernel, its reference and the results.

Dimensions (see DESIGN §4):

* sex: 0 = men (M), 1 = women (F);
* age: completed years 0..110 at the start of the calendar year (age last birthday on 1 January);
  members are 15 and over, survivors (spouses, orphans) can be any age; 110 is the last age;
* service: completed years of credited service 0..50 (50 holds "50 or more"), or, for
  rules that test months of contributions paid (``Basis.paid_slots``), months paid in
  slots of ``PAID_SLOT_MONTHS`` (slot k: 6k to 6k + 5 months; the last "or more").

Money is in KHR per year (annual amounts) unless a name says otherwise.
"""

from __future__ import annotations

N_SEX = 2
N_AGE = 111  # ages 0..110
N_SERVICE = 51  # completed credited years 0..50
PAID_SLOT_MONTHS = 6  # months of contributions paid a service slot spans (paid slots)
SEXES = ("M", "F")

# --- yearly flows, indexed [year, sex, FLOW_*] (sex of the member or of the recipient) ---
FLOW_CONTRIBUTIONS = 0  # contributions received, KHR
FLOW_EARNINGS = 1  # insurable (contributory) earnings of contributors, KHR: the S_t of the PAYG rate
FLOW_OLD_AGE = 2  # old-age pensions paid, KHR
FLOW_INVALIDITY = 3  # invalidity pensions paid, KHR
FLOW_SPOUSE = 4  # survivors' pensions paid to spouses, KHR
FLOW_ORPHAN = 5  # survivors' pensions paid to orphans, KHR
FLOW_REFUND = 6  # refunds of contributions, or grants of months of the last wage under the
#                  final-salary rule, to members below the old-age condition, KHR
FLOW_SURVIVOR_LUMP = 7  # survivors' lump sums (deceased below the survivors' condition), KHR
FLOW_FUNERAL = 8  # funeral grants, KHR
FLOW_EXPOSURE = 9  # contributor-years (average number of contributors x density)
FLOW_NEW_OLD_AGE = 10  # number of new old-age pensions awarded (end of year)
FLOW_NEW_OLD_AGE_AMOUNT = 11  # their annual amount at award, KHR per year (mass)
FLOW_NEW_INVALIDITY = 12  # number of new invalidity pensions (mid-year)
FLOW_NEW_INVALIDITY_AMOUNT = 13  # their annual amount at award, KHR per year (mass)
FLOW_NEW_SPOUSES = 14  # new spouse pensioners (by sex of the spouse)
FLOW_NEW_ORPHANS = 15  # new orphan pensioners (by sex of the orphan)
FLOW_DEATHS_ACTIVE = 16  # deaths of active contributors
FLOW_DEATHS_INACTIVE = 17  # deaths of inactive insured
FLOW_DEATHS_PENSIONER = 18  # deaths of pensioners of every kind (old-age, invalidity, spouses, orphans)
FLOW_EXITS = 19  # actives who stop contributing (become inactive), incl. invalid below the condition
FLOW_REENTRIES = 20  # inactives who resume contributing
FLOW_ENTRANTS = 21  # new entrants
FLOW_REFUNDS_PAID = 22  # number of members leaving with a refund at the pension age
FLOW_ORPHANS_EXPIRED = 23  # orphans reaching the age limit (pension ends)
FLOW_WAGE_MASS = 24  # uncapped wages of contributors (x exposure), KHR: for the average wage
FLOW_RETIREMENTS = 25  # members reaching the pension age (pension or refund)
N_FLOWS = 26

FLOW_NAMES = (
    "contributions",
    "insurable_earnings",
    "old_age_pensions",
    "invalidity_pensions",
    "spouse_pensions",
    "orphan_pensions",
    "refunds",
    "survivor_lump_sums",
    "funeral_grants",
    "contributor_years",
    "new_old_age_pensioners",
    "new_old_age_amount",
    "new_invalidity_pensioners",
    "new_invalidity_amount",
    "new_spouse_pensioners",
    "new_orphan_pensioners",
    "deaths_active",
    "deaths_inactive",
    "deaths_pensioners",
    "exits",
    "reentries",
    "entrants",
    "refunds_paid",
    "orphans_expired",
    "wage_mass",
    "retirements",
)
assert len(FLOW_NAMES) == N_FLOWS

# --- people by status, indexed [year, STATUS_*, sex, age], counts at 1 January ---
STATUS_ACTIVE = 0
STATUS_INACTIVE = 1
STATUS_OLD_AGE = 2
STATUS_INVALIDITY = 3
STATUS_SPOUSE = 4
STATUS_ORPHAN = 5
N_STATUS = 6
STATUS_NAMES = ("active", "inactive", "old_age", "invalidity", "spouse", "orphan")

# --- money stocks at 1 January, indexed [year, MASS_*, sex, age] ---
MASS_WAGE = 0  # annual wage mass of actives, KHR per year
MASS_OLD_AGE = 1  # annual old-age pension mass, KHR per year
MASS_INVALIDITY = 2
MASS_SPOUSE = 3
MASS_ORPHAN = 4
MASS_CAREER = 5  # revalued career contributory earnings of actives and inactives, KHR
#                  (under the final-salary rule, inactives hold their revalued last wage here)
MASS_PAID = 6  # contributions paid by actives and inactives, KHR: nominal, at the rate of
#                the year they were paid, with the refund interest (the base of refunds)
N_MASS = 7
MASS_NAMES = ("wages", "old_age", "invalidity", "spouse", "orphan", "career_earnings",
              "contributions_paid")
