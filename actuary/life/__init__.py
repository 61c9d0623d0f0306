"""actuary.life: life-table mathematics. Survival, expectation of life, annuities, insurances.

Holds :mod:`.lifetable` (:class:`~.lifetable.LifeTable`: one life on integer ages,
UDD within the year) and :mod:`.annuities` (annuities and insurances for one or two
lives at a flat rate or a discount curve). :mod:`.lifetable` imports :mod:`.annuities`
for its methods; :mod:`.annuities` names a life table by what it reads of one (a
protocol), so the two do not import each other.

May import: :mod:`actuary.io`, and (though it needs neither today) :mod:`actuary.tables`
and :mod:`actuary.assumptions`, to build a table from a shipped or user table. Must not
import frame, engine, members or anything above: this is pure actuarial mathematics
that the member valuation (:mod:`actuary.members.closed_group`) and the schemes build on.
It sits above the assumptions so that it may take an assumption set's tables directly.
"""
