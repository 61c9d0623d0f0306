"""Experience studies from dated member records: exposures, survival fits, rates, graduation.

What is studied
---------------
Three decrements of the member file (:mod:`actuary.members.files`):

============  ====================================  =========================================
decrement     event (status on the record)          time observed (before the study window)
============  ====================================  =========================================
``death``     ``dead``, on the status date          from joining to death, or to the as-of
                                                    date for living members (``active``,
                                                    ``inactive``, ``retired``, ``invalid``);
                                                    ``refunded`` members left and are
                                                    censored on their status date
``exit``      ``inactive``, on the status date      the active spell: actives from their
                                                    status date (the (re)start) to the as-of
                                                    date; everyone else from joining to the
                                                    status date
``retirement`` ``retired`` or ``refunded`` (old-age  the active spell, as for exits
              benefit: pension or refund)
============  ====================================  =========================================

Everything else ends the observation without an event (right censoring); the other
decrements compete. Observation is then cut to the study window ``[study_start,
study_end)``: a member who joined before the window enters the study at its start, at
the age (and duration) reached then (left truncation), and a member who joins later
enters at the age of joining. Limitation of a one-status file: a member who stopped
contributing and later died or retired shows only the later status, so the exit is not
seen and the active spell is taken to run to that status date (a file with the date of
the last contribution would remove this).

Conventions
-----------
* Time is counted in days and converted to years at 365.25 days a year.
* Observation of a member covers the days ``[start, end)``; an event happens at
  ``end`` and belongs to the last cell the member was observed in (an event on a
  birthday counts at the age just completed).
* Cells: sex, age last birthday, calendar year and duration (completed years since
  joining). A 29 February birthday falls on 1 March in common years.
* Central exposure ``E^c``: time observed in the cell. Initial exposure ``E^0``: the
  central exposure plus, for each event, the time from the event to the member's next
  birthday (the end of the year of age), added to the cell of the event. So
  ``q_x = d_x / E^0_x`` and ``m_x = d_x / E^c_x`` by age and sex.

The package, by concept (imports run down this list, never up):
:mod:`.stats` (intervals and tail probabilities, by scipy.stats), :mod:`.expected`
(what the assumption set expects), :mod:`.observations` (intervals, Lexis cells,
exposures), :mod:`.rates` (crude rates, actual against expected), :mod:`.survival`
(Kaplan-Meier, Nelson-Aalen), :mod:`.graduation` (graduations and their tests),
:mod:`.study` (the whole study) and :mod:`.table` (a study as a decrement table).
Every public name is importable from ``actuary.members.experience`` as before.

"""

from actuary.members.experience.stats import (
    chi2_sf,
    gamma_pq,
    gamma_quantile,
    poisson_interval,
    wilson_interval,
)
from actuary.members.experience.expected import basis_forces, pension_age_in
from actuary.members.experience.observations import (
    DECREMENTS,
    EVENTS,
    exposures,
    InsufficientData,
    lexis_segments,
    Observations,
    observations,
    TIMESCALES,
    YEAR_DAYS,
)
from actuary.members.experience.rates import actual_to_expected, rates_by_age
from actuary.members.experience.survival import survival_fits, survival_inputs
from actuary.members.experience.graduation import (
    check_graduation_settings,
    fit_gm,
    fit_whittaker,
    goodness_of_fit,
    graduate,
    Graduation,
)
from actuary.members.experience.study import ExperienceResult, study
from actuary.members.experience.table import (
    exit_rate_from_force,
    experience_table,
    write_experience_table,
)

__all__ = [
    "YEAR_DAYS",
    "DECREMENTS",
    "InsufficientData",
    "lexis_segments",
    "basis_forces",
    "pension_age_in",
    "gamma_pq",
    "gamma_quantile",
    "chi2_sf",
    "poisson_interval",
    "wilson_interval",
    "EVENTS",
    "TIMESCALES",
    "Observations",
    "observations",
    "exposures",
    "rates_by_age",
    "actual_to_expected",
    "survival_inputs",
    "survival_fits",
    "Graduation",
    "fit_gm",
    "fit_whittaker",
    "check_graduation_settings",
    "graduate",
    "goodness_of_fit",
    "ExperienceResult",
    "study",
    "experience_table",
    "write_experience_table",
    "exit_rate_from_force",
]
