"""Numba kernel of the member-level (closed-group) valuation: members outside, years inside.

Each member is projected on its own over the years, in expected values, by the year
step of the cohort kernel (:mod:`actuary.engine.kernels`, whose module docstring states the
conventions) applied to a state holding that one member. Members who share sex, age,
status and credited service have the same probabilities in every year and differ only
in their money, so they are projected side by side in blocks of up to ``LANES``
(:func:`member_blocks`): the probabilities once for the block, the money one lane per
member, in loops over the lanes that LLVM turns into vector instructions. Nothing of
one member's value depends on the others of its block. The state:

* an active or inactive member is a distribution over completed-service slots
  ``0 .. K-1`` (``K = Basis.service_slots``, the last slot meaning "K-1 or more"):
  probability of being active (inactive) with that service, the expected annual wage
  of the active paths (KHR per year), and the expected revalued career earnings (KHR);
* pensions, those in payment at the valuation date and those the projection awards
  (invalidity each year, old age at the pension age), are valued at once by factors:
  the value per unit of pension of the payments and of the survivors' pensions left
  at death, and of the funeral grants (``max(months x pension, minimum)``: by a factor
  when one term is the larger in every year left, else year by year). The factors
  are built by backward recursion over the same rules
  (:func:`actuary.engine.member_inputs.pension_factors`).

Two things differ from the cohort kernel, both on purpose:

* the floor, the ceiling and the minimum pension apply to the member's own expected
  wage and pension, where the cohort applies them through a lognormal spread of wages
  in a cell (``Basis.wage_sigma``; the minimum member by member by a closed form). With
  no spread and one member a cell, the two agree to 1e-9. The minimum applies to the
  member's expected pension in each service slot: the paths of one slot, which differ
  only in when the member left or came back, share it (their small spread of careers
  is not taken);
* survivors' pensions are not carried as stocks: each year's deaths leave survivors
  whose whole future pensions are valued at once (``A_SURVIVORS``: present value at
  the valuation date per unit of the deceased's pension, built by
  :func:`actuary.engine.member_inputs.survivor_values` from the same rules); and each award
  of a pension gets its own funeral grant, where the cohort pools the awards of a
  cell (the grant's minimum is not linear).

Every flow of year ``t`` is discounted to the middle of the year (``Y_V_MID``), the
cash-flow convention of the projection. The accrued-to-date liability (ADL) is
carried beside: the same benefits computed on the career earnings of the valuation
date alone (revalued, but without the credits of future contributions), with
service still counting for the qualifying periods (projected unit credit).
"""

from __future__ import annotations

import numba
import numpy as np

from actuary.engine.invalidity import (invalidity_accrual, invalidity_floor_rate,
                                       invalidity_pension, years_to_pension_age)
from actuary.engine.cells import qualifying_share, slot_split
from actuary.engine.member_columns import (  # noqa: F401 (re-exported: the packed columns)
    A_DISABLED_MORTALITY,
    A_ENTRANT_WAGE,
    A_EXIT,
    A_INVALIDITY,
    A_MORTALITY,
    A_REENTRY,
    A_SURVIVORS,
    F_FUNERAL_COUNT,
    F_FUNERAL_MASS,
    F_OLD_LUMP,
    F_ORPHAN,
    F_PAY,
    F_SPOUSE,
    F_SURVIVORS,
    N_FACTORS,
    N_SEX_AGE,
    N_YEAR_SEX_AGE,
    N_YEARLY,
    S_ANY_SURVIVOR,
    S_SALARY_GROWTH,
    Y_ACCRUAL,
    Y_CEILING,
    Y_COUNT_BELOW,
    Y_CREDIT,
    Y_DENSITY,
    Y_FLOOR,
    Y_FUNERAL_MIN,
    Y_INDEXATION,
    Y_MASS_ABOVE,
    Y_MIN_PENSION,
    Y_PAID,
    Y_PENSION_AGE,
    Y_RATE,
    Y_REFUND_INTEREST,
    Y_REVALUATION,
    Y_V_MID,
    Y_WAGE_GROWTH,
)
from actuary.engine.member_funeral import close_factors, funeral, funeral_by_year
from actuary.engine.member_terms import award_lane, award_terms, slot_money, slot_shares
from actuary.engine.member_lanes import (  # the state's layout (BRANCHES re-exported)
    _AW1, _AW2, _AW3, _AW4, _AW5, _AW6, _B_ADL, _B_FUN, _B_INV, _B_LUMP, _B_OLD,
    _B_REF, _B_SURV, _C2_IC, _CA, _CI, _INVP, _INVPP, _IPU, _IQU, _IR, _K0, _MC, _MR, _N_LANE,
    _N_MONEY, _N_SLOT, _OUT, _P0, _PU, _QU, _W0, _WC, _WU, _IC, BRANCHES, invalidity_lanes,
    paid_lanes, step_lanes,
)
from actuary.engine.jitopt import INNER
from actuary.engine.member_columns import (  # re-exported: the status codes are the input
    LANES,
    MEMBER_ACTIVE,
    MEMBER_INACTIVE,
    MEMBER_INVALIDITY,
    MEMBER_OLD_AGE,
    MEMBER_ORPHAN,
    MEMBER_SPOUSE,
)
from actuary.engine.member_table import member_blocks

__all__ = [
    "BRANCHES", "MEMBER_ACTIVE", "MEMBER_INACTIVE", "MEMBER_OLD_AGE", "MEMBER_INVALIDITY",
    "MEMBER_SPOUSE", "MEMBER_ORPHAN", "member_blocks",
]




@numba.njit(**INNER)
def _close(kind, t1, s, x1, n, p, pp, yearly, ysa, fac, fm, out, short):
    """Value pensions in payment from 1 January of year ``t1`` (``n`` pensioners of a kind,
    0 old age or 1 invalidity, of age ``x1``, pension ``p``, accrued part ``pp``, KHR
    per year) to the end of the projection: add payments, survivors' pensions (the
    survivors' lump sums when ``short``: an old-age pension below the survivors'
    condition) and funeral grants to the branches of ``out``; return the accrued value
    of all three."""
    if n <= 0.0 or t1 >= ysa.shape[0]:
        return 0.0
    pay, surv, f_mass, f_count, above, below = close_factors(kind, t1, s, x1, yearly, fac)
    if short:
        surv = fac[t1, s, x1, F_OLD_LUMP]
    fun = funeral(n, p, f_mass, f_count, above, below)
    if fun != fun:
        fun = funeral_by_year(kind, t1, s, x1, n, p, yearly, ysa, fm)
    fun_p = funeral(n, pp, f_mass, f_count, above, below)
    if fun_p != fun_p:
        fun_p = funeral_by_year(kind, t1, s, x1, n, pp, yearly, ysa, fm)
    out[_B_OLD + kind] += p * pay
    out[_B_LUMP if short else _B_SURV] += p * surv
    out[_B_FUN] += fun
    return pp * (pay + surv) + fun_p


@numba.njit(**INNER)
def _value_pensioner(s, x0, status, pension, yearly, ysa, fac, fm, out, short):
    """A pensioner in the file: ``out[:len(BRANCHES) - 1]`` gets the present values by
    branch (KHR). Returns the accrued-to-date liability (all of it: the pension is
    earned). ``short``: old-age pensioners are below the survivors' condition
    (``KernelRules.pensioners_short``)."""
    for k in range(len(BRANCHES)):
        out[k] = 0.0
    if status == MEMBER_SPOUSE or status == MEMBER_ORPHAN:
        row = F_SPOUSE if status == MEMBER_SPOUSE else F_ORPHAN
        v = pension * fac[0, s, x0, row]
        out[_B_SURV] += v
        return v
    kind = 0 if status == MEMBER_OLD_AGE else 1
    return _close(kind, np.int64(0), s, x0, 1.0, pension, pension, yearly, ysa, fac, fm, out,
                  short and kind == 0)


@numba.njit(**INNER, fastmath={"contract"})
def _value_block(s, x0, active, years, wage, career, paid, first, nl, slots, money, lane,
                 yearly, ysa, sa, fac, rules):
    """Project ``nl`` members together from the valuation date: same sex ``s``, age
    ``x0``, status (``active`` or inactive) and credited service ``years``; lane ``l``
    has the wage ``wage[first + l]`` (KHR per year) and career earnings
    ``career[first + l]`` (KHR) and contributions paid ``paid[first + l]`` (KHR, the
    base of a refund). Their present values (KHR) by branch are left in
    ``lane[(_OUT + branch) * LANES + l]``.

    The state of slot ``n`` is shared, ``slots[_N_SLOT n + row]``: the probabilities of
    being active and inactive, and the parts of the money that are linear in the
    member's own starting wage ``w`` and career ``C`` (the expected wage mass is ``w x
    _WU + _WC``, ``_WC`` coming from re-entrants at the entry wage; the accrued careers
    are ``C x _PU`` and ``C x _IPU``, the contributions paid to date ``P x _QU`` and ``P
    x _IQU``). The career earnings and contributions paid, which take the wage within
    the floor and ceiling, are each lane's own: ``money[(4 n + row) LANES + l]``.

    A year's step overwrites slot ``n`` with next year's as soon as it has read it, what
    moves up to ``n + 1`` being carried: one array, read and written at the same
    places, is what LLVM vectorises without checks of overlap at run time. Offsets into
    the lane rows are unsigned on purpose: numba wraps negative indices, which also
    keeps LLVM from vectorising the loops over lanes.
    """
    u = np.uint64
    L = LANES
    # the conditions and shares of the scheme rules (the yearly parameters are in yearly)
    smin, imin, omin = (rules.survivor_min_slot, rules.invalidity_min_slot,
                        rules.old_age_min_slot)
    paid_a_year = rules.paid_slots_a_year
    r_min = max(omin, smin)  # an old-age pension with the survivors' condition
    refund_share, lump_months = rules.refund_share, rules.lump_sum_months
    fm, inv_min_rate = rules.funeral_months / 12.0, rules.invalidity_minimum_rate
    before_pension = rules.before_pension
    inv_credit, cover = rules.invalidity_credited_share, rules.invalidity_cover_years
    ina_cover = rules.inactive_invalidity  # inactives covered to the pension age (1) or not
    n_years = ysa.shape[0]
    n_age = ysa.shape[2]
    n_slots = slots.shape[0] // _N_SLOT
    top = n_slots - 1
    # Loops over lanes run over nl rounded up to a multiple of 4 (the vector width), the
    # unused lanes (zeros) too, so that they have no scalar remainder. Not a constant,
    # so that LLVM does not unroll them whole.
    width = u((nl + 3) // 4 * 4)
    # (zeroed by slices: numba's loops over signed indices, which wrap negative ones,
    # became scatter instructions, a few per cent of the engine's time)
    for r in range(_N_LANE):
        lane[r * L:r * L + width] = 0.0
    for j in range(nl):
        lane[_W0 * L + j] = wage[first + j] if active else 0.0
        lane[_K0 * L + j] = career[first + j]
        lane[_P0 * L + j] = paid[first + j]
    # the starting slot: months paid / 6 (whole), or completed credited years with the
    # fraction split over two slots, as the cohort cells
    lo = int(np.floor(years))
    f = years - lo
    if lo >= 50:  # the cohort keeps 0..50 years (the last meaning 50 or more)
        lo = 50
        f = 0.0
    hi = min(lo + 1, top)
    lo = min(lo, top)
    for n in range(lo, hi + 1):
        slots[_N_SLOT * n:_N_SLOT * (n + 1)] = 0.0
        money[_N_MONEY * L * n:_N_MONEY * L * (n + 1)] = 0.0
    for slot, share in ((lo, 1.0 - f), (hi, f)):
        if share > 0.0:
            o = _N_SLOT * slot
            if active:
                slots[o + _CA] += share
                slots[o + _WU] += share
                slots[o + _PU] += share
                slots[o + _QU] += share
            else:
                slots[o + _CI] += share
                slots[o + _IPU] += share
                slots[o + _IQU] += share
            o = _N_MONEY * L * slot + (_MR if active else _IR) * L
            oc = _N_MONEY * L * slot + (_MC if active else _IC) * L
            for j in range(nl):
                money[o + j] += share * lane[_K0 * L + j]
                money[oc + j] += share * lane[_P0 * L + j]
    if f <= 0.0:
        hi = lo
    # lane rows
    o_k0 = u(_K0 * L)
    o_adl = u((_OUT + _B_ADL) * L)
    o_inv = u((_OUT + _B_INV) * L)
    o_invp, o_invpp = u(_INVP * L), u(_INVPP * L)
    adl_deaths = 0.0  # the accrued survivors' pensions and lump sums, per KHR of career

    for t in range(n_years):
        x = x0 + t
        last = x >= n_age - 1
        xn = x if last else x + 1
        vm = yearly[t, Y_V_MID]
        # in the year of the pension age the member retires on the birthday, a share h
        # of the year in (the cohort kernel's convention): the decrements and credits of
        # that part of the year
        h = before_pension if xn >= yearly[t, Y_PENSION_AGE] else 1.0
        y_inv = years_to_pension_age(yearly[t, Y_PENSION_AGE], x, h)
        qd = h * (1.0 if last else ysa[t, s, x, A_MORTALITY])
        qi = h * (0.0 if last else ysa[t, s, x, A_INVALIDITY])
        qw = h * (0.0 if last else ysa[t, s, x, A_EXIT])
        back_rate = 0.0 if last else ysa[t, s, x, A_REENTRY]
        # leavers' invalidity during their cover, taken in the year of leaving (the cohort's;
        # with the inactives covered to the pension age, from the leaving to the year end)
        cv = 0.5 * h if ina_cover > 0.0 else cover
        q_cover = qw * (0.0 if last else ysa[t, s, x, A_INVALIDITY]) * min(cv, y_inv)
        qi_ina = qi if ina_cover > 0.0 and x < yearly[t, Y_PENSION_AGE] else 0.0
        retire = xn >= yearly[t, Y_PENSION_AGE]
        rate = yearly[t, Y_RATE]
        dens = yearly[t, Y_DENSITY]
        credit = h * dens * yearly[t, Y_CREDIT]
        half_f = 0.5 * credit
        # service slots moved by stayers (a_s + f_s) and leavers (a_l + f_l), and at the
        # date of a death or invalidity (a_e + f_e), as the cohort kernel
        adv = h * dens * yearly[t, Y_PAID] * paid_a_year if paid_a_year > 0.0 else credit
        a_s, f_s = slot_split(adv)
        a_l, f_l = slot_split(0.5 * adv)
        a_e, f_e = (a_l, f_l) if paid_a_year > 0.0 else (0, 0.0)
        floor = yearly[t, Y_FLOOR]
        ceiling = yearly[t, Y_CEILING]
        acc = yearly[t, Y_ACCRUAL]
        minp = yearly[t, Y_MIN_PENSION]
        rv1 = 1.0 + yearly[t, Y_REVALUATION]
        ix1 = 1.0 + yearly[t, Y_INDEXATION]
        p_stay = 1.0 - qd - qi - qw
        e_frac = h * (1.0 - 0.5 * (qd + qi + qw))
        gw = p_stay * (1.0 + yearly[t, Y_WAGE_GROWTH]) * sa[s, x, S_SALARY_GROWTH]
        gr = p_stay * rv1
        p_back = 0.0 if retire else (1.0 - qd) * back_rate
        back_in = 0.0 if retire else back_rate
        ew = ysa[t, s, xn, A_ENTRANT_WAGE]
        # the year's money per unit: contributions per KHR of wage, survivors' pensions
        # and lump sums per KHR of the deceased's pension
        k_contrib = vm * rate * yearly[t, Y_PAID] * dens * e_frac
        # contributions paid per KHR of capped wage (a stayer's part of the year), and the
        # interest credited on them at the year end
        kch = h * rate * yearly[t, Y_PAID] * dens
        iv1 = 1.0 + yearly[t, Y_REFUND_INTEREST]
        sv = ysa[t, s, x, A_SURVIVORS]
        lump_k = vm * sa[s, x, S_ANY_SURVIVOR] * lump_months / 12.0
        up = max(a_s + (1 if f_s > 0.0 else 0), a_l + (1 if f_l > 0.0 else 0))
        nx_hi = min(hi + up, top)
        for n in range(hi + 1, nx_hi + 1):  # the slots above the highest one used
            slots[_N_SLOT * n:_N_SLOT * (n + 1)] = 0.0
            money[_N_MONEY * L * n:_N_MONEY * L * (n + 1)] = 0.0
        lane[_INVP * L:(_C2_IC + 1) * L] = 0.0  # the year's invalidity, the carries
        a_new = 0.0  # new old-age pensioners (the same in every lane)
        a_new_r = 0.0  # ... of whom with the survivors' condition
        inv_n = 0.0
        alive = 0.0
        c_a = c_i = c_wu = c_wc = c_pu = c_ipu = c_qu = c_iqu = 0.0  # carries of the shared
        d_a = d_i = d_wu = d_wc = d_pu = d_ipu = d_qu = d_iqu = 0.0  # state: into the next
        # slot (c_), the one after (d_)
        for n in range(lo, nx_hi + 1):
            o = _N_SLOT * n
            cnt = slots[o + _CA]
            i_cnt = slots[o + _CI]
            wu = slots[o + _WU]
            wc = slots[o + _WC]
            pu = slots[o + _PU]
            ipu = slots[o + _IPU]
            qu = slots[o + _QU]
            iqu = slots[o + _IQU]
            # what is the same for every lane
            af = 1.0 if cnt > 0.0 else 0.0
            fl = floor * cnt
            ce = ceiling * cnt if ceiling > 0.0 else np.inf
            # the conditions at the date of the event (inactives pay no more months)
            ok_inv = qualifying_share(n, a_e, f_e, imin) if qi > 0.0 else 0.0
            inv_ok = ok_inv > 0.0
            q_c = ok_inv * q_cover  # leavers invalid during the cover
            q_inv = ok_inv * qi + q_c  # becoming invalid with a pension
            q_lapse = qi - ok_inv * qi  # ... or without one: leaves
            q_out = (qw - q_c) + q_lapse  # leaving to the inactives
            ln = q_out * cnt
            if inv_ok and cnt > 0.0:
                inv_n += q_inv * cnt
            floor_rate = invalidity_floor_rate(inv_min_rate, n + half_f)
            # the invalidity accrual, with the credited years (on the accrued career too)
            acc_inv = invalidity_accrual(acc, inv_credit, y_inv, n + half_f)
            minp_c = minp * cnt
            pua = af * pu  # accrued career of the actives, per KHR of C
            # deaths: survivors' pensions with the condition, else the lump sum
            ok_a = qualifying_share(n, a_e, f_e, smin)
            ok_i = 1.0 if n >= smin else 0.0
            deaths = (ok_a * sv * qd * acc, (1.0 - ok_a) * lump_k * qd * acc,
                      ok_i * sv * qd * acc, (1.0 - ok_i) * lump_k * qd * acc)
            adl_deaths += ((deaths[0] + deaths[1]) * pua + (deaths[2] + deaths[3]) * ipu)
            om = u(_N_MONEY * L * n)
            o_r, o_ir = om + u(_MR * L), om + u(_IR * L)
            o_c, o_ic = om + u(_MC * L), om + u(_IC * L)
            # inactives covered to the pension age: the condition on their own slot (qv the
            # chance), the pension on their own career (before step_lanes overwrites it)
            qv = qi_ina if n >= imin and i_cnt > 0.0 else 0.0
            i_live = (1.0 - qd) - qv  # alive and not invalid at the year end
            p_back_n = p_back - qv * back_in
            p_rest = i_live - p_back_n
            r_rest, r_back = p_rest * rv1, p_back_n * rv1
            if qv > 0.0:
                inv_n += qv * i_cnt
                _inactive_invalidity_lanes(lane, money, width, o_ir, ipu, qv, (
                    invalidity_accrual(acc, inv_credit, y_inv, float(n)),
                    invalidity_floor_rate(inv_min_rate, float(n)), minp * i_cnt))
            if retire:  # old-age pensions and refunds, then the year as any other
                t_leave = award_terms(ln if cnt > 0.0 else 0.0, n + a_l, f_l, acc, minp, omin)
                t_stay = award_terms(p_stay * cnt if cnt > 0.0 else 0.0, n + a_s, f_s, acc,
                                      minp, omin)
                t_ina = award_terms(i_live * i_cnt if i_cnt > 0.0 else 0.0, n, 0.0, acc,
                                     minp, omin)
                a_new += t_leave[0] + t_stay[0] + t_ina[0]
                # the same with the survivors' condition too
                r_leave = award_terms(ln if cnt > 0.0 else 0.0, n + a_l, f_l, acc, minp, r_min)
                r_stay = award_terms(p_stay * cnt if cnt > 0.0 else 0.0, n + a_s, f_s, acc,
                                     minp, r_min)
                r_ina = award_terms(i_live * i_cnt if i_cnt > 0.0 else 0.0, n, 0.0, acc,
                                    minp, r_min)
                a_new_r += r_leave[0] + r_stay[0] + r_ina[0]
                _award_lanes(money, lane, width, (o_r, o_ir, o_c, o_ic),
                             (wu, wc, pu, ipu, qu, iqu, af), (fl, ce, half_f, credit, kch),
                             (q_out, p_stay, i_live), (t_leave[1], t_stay[1], t_ina[1]),
                             (r_leave[1], r_stay[1], r_ina[1]))
            # ---- next year's slot n: what stays in n plus what moves up from n - 1 and
            # n - 2 (carried); shares of stayers (s0, s1, s2) and leavers (l0, l1, l2)
            # moving 0, 1 and 2 slots up, what would pass the last slot kept in it ----
            s0, s1, s2 = slot_shares(a_s, f_s, top - n)
            l0, l1, l2 = slot_shares(a_l, f_l, top - n)
            v_a = p_stay * cnt
            back = p_back_n * i_cnt
            rest = p_rest * i_cnt
            leave = rv1 * q_out  # leavers keep their career, revalued
            slots[o + _CI] = l0 * ln + c_i + rest
            slots[o + _CA] = s0 * v_a + c_a + back
            slots[o + _WU] = s0 * gw * wu + c_wu
            slots[o + _WC] = s0 * gw * wc + c_wc + ew * back
            slots[o + _PU] = s0 * gr * pu + c_pu + r_back * ipu
            slots[o + _IPU] = l0 * leave * pua + c_ipu + r_rest * ipu
            # contributions paid to date: interest, and leavers carry the actives' part
            gc, leave_c, qua = p_stay * iv1, iv1 * q_out, af * qu
            slots[o + _QU] = s0 * gc * qu + c_qu + p_back_n * iv1 * iqu
            slots[o + _IQU] = l0 * leave_c * qua + c_iqu + p_rest * iv1 * iqu
            c_qu, d_qu = d_qu + s1 * gc * qu, s2 * gc * qu
            c_iqu, d_iqu = d_iqu + l1 * leave_c * qua, l2 * leave_c * qua
            c_i, d_i = d_i + l1 * ln, l2 * ln
            c_a, d_a = d_a + s1 * v_a, s2 * v_a
            c_wu, d_wu = d_wu + s1 * gw * wu, s2 * gw * wu
            c_wc, d_wc = d_wc + s1 * gw * wc, s2 * gw * wc
            c_pu, d_pu = d_pu + s1 * gr * pu, s2 * gr * pu
            c_ipu, d_ipu = d_ipu + l1 * leave * pua, l2 * leave * pua
            alive += ln + v_a + back + rest
            # ---- the slot's money, lane by lane (vectorised): invalidity (before the
            # careers move), contributions paid (below the old-age condition only: above
            # it nobody is refunded, see member_lanes), careers and the year's flows ----
            slot = (wu, wc, pua, af, fl, ce, half_f)
            if inv_ok:
                invalidity_lanes(money, lane, width, o_r, (wu, wc, pua, af, fl, ce, half_f,
                                                           acc_inv, floor_rate, minp_c), q_inv)
            if n < omin:
                paid_lanes(money, lane, width, (o_c, o_ic), slot, (
                    l0 * leave_c, l1 * leave_c, l2 * leave_c, s0 * gc, s1 * gc, s2 * gc,
                    p_rest * iv1, p_back_n * iv1, kch))
            step_lanes(money, lane, width, (o_r, o_ir), slot, (
                l0 * leave, l1 * leave, l2 * leave, s0 * gr, s1 * gr, s2 * gr, r_rest, r_back),
                k_contrib, deaths, credit)
        hi = nx_hi

        # ---- new invalidity pensions: half a year now ... ----
        k_inv = vm * (1.0 - 0.5 * h)  # from the date of invalidity
        for j in range(width):
            lane[o_inv + j] += k_inv * lane[o_invp + j]
            lane[o_adl + j] += k_inv * lane[o_invpp + j]
        # ... then in payment from next year, valued at once by the factors
        t1 = t + 1
        if inv_n > 0.0 and t1 < n_years:
            # (the kinds, rows and flags as run-time values, np.int64/np.bool_, not
            # literals: numba would compile one specialisation per constant)
            _close_lanes(lane, nl, width, np.int64(1), np.int64(_INVP), np.int64(_INVPP), ix1,
                         t1, s, xn, inv_n, yearly, ysa, fac, fm, np.bool_(False))
        if retire:
            k_refund = vm * refund_share  # of the contributions paid
            o_ref = u((_OUT + _B_REF) * L)
            o_aw3, o_aw4 = u(_AW3 * L), u(_AW4 * L)
            for j in range(width):
                lane[o_ref + j] += k_refund * lane[o_aw3 + j]
                lane[o_adl + j] += k_refund * lane[o_aw4 + j]
            # awarded on the birthday: paid the rest of the year, then in payment from
            # next year, indexed (h = 1: awarded on 1 January next)
            k_old = vm * (1.0 - h)
            o_old, o_aw1, o_aw2 = u((_OUT + _B_OLD) * L), u(_AW1 * L), u(_AW2 * L)
            for j in range(width):
                lane[o_old + j] += k_old * lane[o_aw1 + j]
                lane[o_adl + j] += k_old * lane[o_aw2 + j]
            # in payment: those with the survivors' condition (rows _AW5, _AW6), then the
            # others (the rest of _AW1, _AW2), whose survivors get the lump sum
            g = ix1 if h < 1.0 else 1.0
            if a_new_r > 0.0 and t1 < n_years:
                _close_lanes(lane, nl, width, np.int64(0), np.int64(_AW5), np.int64(_AW6), g,
                             t1, s, xn, a_new_r, yearly, ysa, fac, fm, np.bool_(False))
            if a_new - a_new_r > 0.0 and t1 < n_years:
                o_aw5, o_aw6 = u(_AW5 * L), u(_AW6 * L)
                for j in range(width):
                    lane[o_aw1 + j] -= lane[o_aw5 + j]
                    lane[o_aw2 + j] -= lane[o_aw6 + j]
                _close_lanes(lane, nl, width, np.int64(0), np.int64(_AW1), np.int64(_AW2), g,
                             t1, s, xn, a_new - a_new_r, yearly, ysa, fac, fm, np.bool_(True))
            break
        if alive <= 0.0 or last:
            break
    for j in range(width):
        lane[o_adl + j] += adl_deaths * lane[o_k0 + j]


@numba.njit(cache=True, nogil=True, inline="always")
def _inactive_invalidity_lanes(lane, money, width, o_ir, ipu, q, formula):
    """The invalidity pensions of a slot's inactive members, each lane's, added to the
    rows ``_INVP`` (on the member's career in the slot, ``money[o_ir + j]``) and
    ``_INVPP`` (on his accrued career, ``C x ipu``): ``q`` (the chance) times
    :func:`actuary.engine.invalidity.invalidity_pension` with ``formula = (accrual,
    floor rate, minimum)`` (the minimum for the slot's probability of being inactive,
    KHR per year). Their credited service is the slot's, frozen at the leaving."""
    acc, floor_rate, minimum = formula
    u = np.uint64
    L = LANES
    o_k0, o_invp, o_invpp = u(_K0 * L), u(_INVP * L), u(_INVPP * L)
    for j in range(width):
        lane[o_invp + j] += q * invalidity_pension(money[o_ir + j], acc, floor_rate, minimum)
        lane[o_invpp + j] += q * invalidity_pension(lane[o_k0 + j] * ipu, acc, floor_rate,
                                                    minimum)


@numba.njit(cache=True, nogil=True, inline="always")
def _close_lanes(lane, nl, width, kind, row_p, row_pp, scale, t1, s, x1, n, yearly, ysa, fac,
                 fm, short):
    """Pensions of a kind (0 old age, 1 invalidity) awarded to every lane this year, ``n``
    pensioners with ``scale`` times the pensions of rows ``row_p`` (all) and ``row_pp``
    (accrued), KHR per year, in payment from 1 January of year ``t1`` at age ``x1``: add
    their payments, survivors' pensions and funeral grants to the lanes' present values,
    as :func:`_close` does for one member (``short``: the survivors' lump sums in place
    of their pensions).

    Inlined: the factors are read here and the lanes valued by :func:`_close_by_factors`,
    which is handed the lanes' array alone. Every array handed to a function is
    reference-counted on the way in and out (atomic operations); with the tables too,
    that was a tenth of the member engine's time (the call is made every year)."""
    factors = close_factors(kind, t1, s, x1, yearly, fac)
    if short:
        factors = (factors[0], fac[t1, s, x1, F_OLD_LUMP]) + factors[2:]
    if _close_by_factors(lane, width, kind, row_p, row_pp, scale, n, factors, short):
        _funerals_by_year(lane, nl, kind, row_p, row_pp, scale, t1, s, x1, n, factors, yearly,
                          ysa, fm)


@numba.njit(**INNER)
def _close_by_factors(lane, width, kind, row_p, row_pp, scale, n, factors, short):
    """:func:`_close_lanes` by the ``factors`` of :func:`close_factors` (with the lump sums'
    in place of the survivors' when ``short``): the funeral grants of the lanes whose
    grant is not the pension's or the minimum's in every year left are left out, and
    their number returned (then :func:`_funerals_by_year`)."""
    u = np.uint64
    L = LANES
    pay, surv, f_mass, f_count, above, below = factors
    o_p, o_pp = u(row_p * L), u(row_pp * L)
    o_pay = u((_OUT + _B_OLD + kind) * L)
    o_surv = u((_OUT + (_B_LUMP if short else _B_SURV)) * L)
    o_fun, o_adl = u((_OUT + _B_FUN) * L), u((_OUT + _B_ADL) * L)
    by_year = 0
    for j in range(width):
        p1 = lane[o_p + j] * scale
        pp1 = lane[o_pp + j] * scale
        fun = funeral(n, p1, f_mass, f_count, above, below)
        fun_p = funeral(n, pp1, f_mass, f_count, above, below)
        by_year += (fun != fun) + (fun_p != fun_p)
        lane[o_pay + j] += p1 * pay
        lane[o_surv + j] += p1 * surv
        lane[o_fun + j] += fun if fun == fun else 0.0
        lane[o_adl + j] += pp1 * (pay + surv) + (fun_p if fun_p == fun_p else 0.0)
    return by_year


@numba.njit(**INNER)
def _funerals_by_year(lane, nl, kind, row_p, row_pp, scale, t1, s, x1, n, factors, yearly, ysa,
                      fm):
    """The funeral grants :func:`_close_by_factors` left out, year by year (the minimum
    binds in some years only)."""
    _, _, f_mass, f_count, above, below = factors
    L = LANES
    for j in range(nl):
        p1 = lane[row_p * L + j] * scale
        pp1 = lane[row_pp * L + j] * scale
        fun = funeral(n, p1, f_mass, f_count, above, below)
        if fun != fun:
            lane[(_OUT + _B_FUN) * L + j] += funeral_by_year(kind, t1, s, x1, n, p1, yearly,
                                                              ysa, fm)
        fun_p = funeral(n, pp1, f_mass, f_count, above, below)
        if fun_p != fun_p:
            lane[(_OUT + _B_ADL) * L + j] += funeral_by_year(kind, t1, s, x1, n, pp1, yearly,
                                                              ysa, fm)


@numba.njit(**INNER)
def _award_lanes(money, lane, width, offs, shared, caps, probs, terms, rights):
    """Old-age pensions and refunds of slot ``n`` in the year its members reach the
    pension age, lane by lane, added to the rows ``_AW1`` (pensions) to ``_AW4``
    (refunds of the contributions paid): the leavers of the year (with half the year's
    credit and contributions), the stayers (with all of it) and the inactives (none),
    from their ``terms`` (:func:`award_terms`). ``offs``: the slot's careers and
    contributions paid in ``money`` (active, inactive); ``shared``: the slot's shared
    state ``(wu, wc, pu, ipu, qu, iqu, af)``; ``caps``: ``(floor, ceiling, half_f,
    credit, kch)`` (kch the contributions paid a year per KHR of capped wage);
    ``probs``: of leaving, staying and being alive at the end of the year; ``rights``
    the terms with the survivors' condition too, whose pensions go to ``_AW5`` and
    ``_AW6`` as well."""
    o_r, o_ir, o_c, o_ic = offs
    wu, wc, pu, ipu, qu, iqu, af = shared
    fl, ce, half_f, credit, kch = caps
    q_leave, p_stay, p_live = probs
    t_leave, t_stay, t_inactive = terms
    r_leave, r_stay, r_inactive = rights
    u = np.uint64
    L = LANES
    o5, o6 = u(_AW5 * L), u(_AW6 * L)
    o_w0, o_k0, o_p0 = u(_W0 * L), u(_K0 * L), u(_P0 * L)
    o1, o2, o3, o4 = u(_AW1 * L), u(_AW2 * L), u(_AW3 * L), u(_AW4 * L)
    pua = af * pu
    qua = af * qu
    for j in range(width):
        rm = money[o_r + j]
        i_rm = money[o_ir + j]
        cm = money[o_c + j]
        k0 = lane[o_k0 + j]
        p0 = lane[o_p0 + j]
        cwm, half, _, _ = slot_money(lane[o_w0 + j], k0, rm, wu, wc, pua, af, fl, ce, half_f,
                                     0.0, 0.0, 0.0)
        rp = k0 * pua
        la, lp, lc, lcp = (q_leave * half, q_leave * rp, q_leave * (cm + 0.5 * kch * cwm),
                           q_leave * p0 * qua)
        sa, sp, sc, scp = (p_stay * (rm + credit * cwm), p_stay * rp,
                           p_stay * (cm + kch * cwm), p_stay * p0 * qua)
        ia, ip, ic, icp = (p_live * i_rm, p_live * k0 * ipu, p_live * money[o_ic + j],
                           p_live * p0 * iqu)
        a = award_lane(la, lp, lc, lcp, t_leave)
        b = award_lane(sa, sp, sc, scp, t_stay)
        c = award_lane(ia, ip, ic, icp, t_inactive)
        ar = award_lane(la, lp, lc, lcp, r_leave)
        br = award_lane(sa, sp, sc, scp, r_stay)
        cr = award_lane(ia, ip, ic, icp, r_inactive)
        lane[o5 + j] += ar[0] + br[0] + cr[0]
        lane[o6 + j] += ar[1] + br[1] + cr[1]
        lane[o1 + j] += a[0] + b[0] + c[0]
        lane[o2 + j] += a[1] + b[1] + c[1]
        lane[o3 + j] += a[2] + b[2] + c[2]
        lane[o4 + j] += a[3] + b[3] + c[3]
