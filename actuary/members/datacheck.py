"""The data check of member and pensioner files (ISAP 2 and the ISSA guidelines).

Every row read is either *used* or *rejected* with its reason(s); some used rows are
also *flagged* (used as they are, listed for the actuary) or *changed* (a documented
correction, e.g. a wage capped at the ceiling when asked). Nothing is dropped
silently and the input files are never written. The result says how many rows came
in, how many were used and rejected by reason, lists every problem row, compares the
file totals with the control totals the user supplies, and measures what the
rejections remove (the effect on counts and wage mass).

Checks on the member file (reason codes; all reject the row unless marked):

* ``empty_row``: a row with no values at all (a blank line; no other check is run);
* ``too_many_fields``: more values than header columns (no other check is run: the
  values are likely shifted);
* ``missing_value``: a required field is blank (the insurable wage for actives);
* ``bad_sex``, ``bad_status``, ``bad_date`` (not ``YYYY-MM-DD``), ``bad_number``
  (credited months not a whole number >= 0, a wage not a number from 0 to
  :data:`~actuary.engine.plausibility.MAX_MONTHLY_KHR`);
* ``date_order``: impossible order of dates (joined before birth, status before joining);
* ``future_date``: a date after the as-of date of the file;
* ``entry_age``: age at entry below :attr:`CheckSettings.min_entry_age`;
* ``age_out_of_range``: age above :attr:`CheckSettings.max_age` on the as-of date
  (living members) or on the status date (others);
* ``credits_too_long``: more credited months than calendar months from joining (or the
  scheme's start, whichever is later) to the status date (actives: the as-of date),
  both months counted;
* ``wage_below_floor`` / ``wage_above_ceiling``: an active's insurable wage outside the
  floor and ceiling of the as-of date (with ``cap_wages`` the row is used, the wage
  brought to the floor or ceiling and the row listed as *changed*);
* ``duplicate_id``: the same id on rows that differ (all are rejected: which one is
  right cannot be told); ``duplicate_row``: a row identical to an earlier one (the
  first is used, the repeats rejected).

On the pensioner file: the same kinds of checks (``empty_row``, ``too_many_fields``,
``missing_value``,
``missing_start_date``, ``bad_sex``, ``bad_benefit_type``, ``bad_date``,
``bad_number`` (an amount above :data:`~actuary.engine.plausibility.MAX_MONTHLY_KHR`
too), ``amount_not_positive``, ``date_order``, ``future_date``, ``age_out_of_range``,
``duplicate_id``, ``duplicate_row``), ``impossible_age`` (an old-age, invalidity or
spouse's pensioner younger than the minimum working age, an orphan at or past the age
orphans' pensions stop) and three flags:
``missing_survivor_link`` (a spouse's or orphan's pension without the deceased's
member id), ``unknown_member_link`` (a member id not in the member file) and
``old_age_before_pension_age``.

A file whose text holds a control character (a NUL would cut a value short) is refused
as a whole, with the row and column. Finally the averages are checked against the
rules (:mod:`actuary.engine.plausibility`): actives' wages or pensions of a kind whose
average looks like a unit mistake (USD, thousands, a year for a month) make the check
fail with the likely cause, unless :attr:`CheckSettings.accept_implausible` (the CLI's
``--accept-implausible``), when they are listed in :attr:`CheckResult.accepted`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from actuary.engine.plausibility import ACCEPT_OPTION, refuse_or_accept
from actuary.members.checkrules import PROBLEM_COLUMNS, REASONS, CheckSettings
from actuary.members.controls import CONTROL_MEASURES, _compare_controls, _totals, read_controls
from actuary.members.filecheck import FileSummary, check_members, check_pensioners
from actuary.members.files import open_table

__all__ = [
    "REASONS",
    "CONTROL_MEASURES",
    "PROBLEM_COLUMNS",
    "CheckSettings",
    "FileSummary",
    "CheckResult",
    "check_files",
    "check_members",
    "check_pensioners",
    "read_controls",
]


@dataclass
class CheckResult:
    """The outcome of a data check.

    Attributes
    ----------
    settings
        The limits checked against.
    files
        One :class:`FileSummary` per file read.
    members, pensioners
        The used rows, typed: dates as ``datetime64``, numbers as float, with the
        spreadsheet ``row`` they came from. ``pensioners`` is ``None`` without a file.
    problems
        One line per problem found: file kind, row, id, reason code, severity
        (rejected, flagged, changed), field, value as read, what was expected.
    totals
        Per measure, the total over all rows read (``in``) and over the used rows.
    controls
        The user's control totals against the file totals (``None`` without them).
    """

    settings: CheckSettings
    files: list[FileSummary]
    members: pd.DataFrame
    pensioners: pd.DataFrame | None
    problems: pd.DataFrame
    totals: pd.DataFrame
    controls: pd.DataFrame | None = None
    controls_path: str | None = None
    #: implausible findings accepted with --accept-implausible (file: finding)
    accepted: list[str] = field(default_factory=list)

    @property
    def synthetic(self) -> bool:
        """True when any file read is marked synthetic."""
        return any(f.synthetic for f in self.files)

    def reason_counts(self) -> pd.DataFrame:
        """Rows per file, severity and reason (a row with two reasons counts under each)."""
        if self.problems.empty:
            return pd.DataFrame(columns=["file", "severity", "code", "rows", "description"])
        g = (self.problems.groupby(["file", "severity", "code"], sort=False)["row"]
             .nunique().rename("rows").reset_index())
        g["description"] = [REASONS[c][1] for c in g["code"]]
        order = {c: i for i, c in enumerate(REASONS)}
        g["_o"] = g["code"].map(order)
        return g.sort_values(["file", "_o"]).drop(columns="_o").reset_index(drop=True)

    def summary_lines(self) -> list[str]:
        """Counts in, used, rejected by reason: the text the CLI prints."""
        lines = [f"IMPLAUSIBLE DATA ACCEPTED ({ACCEPT_OPTION}): {note}" for note in self.accepted]
        if self.synthetic:
            lines.append("SYNTHETIC DATA: the files read are marked synthetic "
                         "(made by actuary data synth), not real member records.")
        counts = self.reason_counts()
        for f in self.files:
            lines.append(f"{f.kind}: {f.path}")
            lines.append(f"  rows in {f.rows_in:,}, used {f.rows_used:,}, rejected "
                         f"{f.rows_rejected:,}, flagged {f.rows_flagged:,}, changed {f.rows_changed:,}")
            for r in counts[counts.file == f.kind].itertuples():
                lines.append(f"    {r.severity:8s} {r.code:28s} {r.rows:>10,}  {r.description}")
            if f.ignored:
                lines.append(f"  columns ignored: {', '.join(f.ignored)}")
        if self.controls is not None:
            bad = self.controls[~self.controls["agrees"]]
            lines.append(f"control totals: {len(self.controls) - len(bad)} of "
                         f"{len(self.controls)} agree"
                         + ("" if bad.empty else "; differ: " + ", ".join(bad["measure"])))
        return lines


def check_files(
    members: str | Path,
    settings: CheckSettings,
    *,
    pensioners: str | Path | None = None,
    controls: str | Path | None = None,
    encoding: str | None = None,
    chunk_rows: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> CheckResult:
    """Check a member file (and a pensioner file, and control totals).

    Raises
    ------
    DataError
        When a file cannot be used at all (see :func:`actuary.members.files.open_table` and
        :func:`read_controls`); row-level problems never raise, they are reported.
    """
    say = progress or (lambda _m: None)
    kw: dict[str, Any] = {"encoding": encoding}
    if chunk_rows:
        kw["chunk_rows"] = chunk_rows
    control_frame = read_controls(controls) if controls is not None else None
    msource = open_table(members, "members", **kw)
    psource = open_table(pensioners, "pensioners", **kw) if pensioners is not None else None
    say(f"checking {msource.path}")
    mused, mprob, msum, mtot = check_members(msource, settings, progress)
    files, problems = [msum], [mprob]
    pused, ptot = None, None
    if psource is not None:
        say(f"checking {psource.path}")
        # every member id read (used or not) counts as known for the survivor links
        member_ids = set(mused["member_id"]) | set(mprob["id"])
        pused, pprob, psum, ptot = check_pensioners(psource, settings, member_ids, progress)
        files.append(psum)
        problems.append(pprob)
    # averages far from what the rules give (a unit mistake?): refused unless accepted
    accepted = [note for f in files for note in
                refuse_or_accept(f.findings, f.path, settings.accept_implausible)]
    totals = _totals(mtot, mused, ptot, pused)
    # problems in file order, then row order (a row's reasons together)
    problems = pd.concat(problems, ignore_index=True).sort_values(["row"], kind="stable")
    problems = problems.sort_values("file", key=lambda f: f.map({"members": 0, "pensioners": 1}),
                                    kind="stable").reset_index(drop=True)
    result = CheckResult(settings=settings, files=files, members=mused, pensioners=pused,
                         problems=problems, totals=totals, accepted=accepted)
    if control_frame is not None:
        result.controls = _compare_controls(control_frame, totals)
        result.controls_path = str(controls)
    return result
