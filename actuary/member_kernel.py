"""Numba kernel of the member-level (closed-group) valuation: members outside, years inside.

Each member is read once and projected alone over the years, in expected values, by
the year step of the cohort kernel (:mod:`actuary.kernels`, whose module docstring
states the conventions) applied to a state holding that one member:

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
  (:func:`actuary.closed_group.pension_factors`).

Two things differ from the cohort kernel, both on purpose:

* the floor, the ceiling and the minimum pension apply to the member's own expected
  wage and pension, where the cohort applies them to a lognormal spread of wages in
  a cell (``Basis.wage_sigma``) and to cell masses. Where none of them binds, the
  member values add up to the cohort projection of the same people (tested to 1e-9);
* survivors' pensions are not carried as stocks: each year's deaths leave survivors
  whose whole future pensions are valued at once (``A_SURVIVORS``: present value at
  the valuation date per unit of the deceased's pension, built by
  :func:`actuary.closed_group.survivor_values` from the same rules); and each award
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

from actuary.kernels import invalidity_pension

__all__ = [
    "BRANCHES", "MEMBER_ACTIVE", "MEMBER_INACTIVE", "MEMBER_OLD_AGE", "MEMBER_INVALIDITY",
    "MEMBER_SPOUSE", "MEMBER_ORPHAN", "value_members_kernel",
]

# Member status codes (the kernel's input).
MEMBER_ACTIVE = 0
MEMBER_INACTIVE = 1
MEMBER_OLD_AGE = 2
MEMBER_INVALIDITY = 3
MEMBER_SPOUSE = 4
MEMBER_ORPHAN = 5

# Columns of the branch totals: present values (KHR) summed over members.
BRANCHES = ("contributions", "old_age", "invalidity", "survivors", "survivor_lump_sum",
            "funeral", "refund", "adl")
_B_CONTRIB, _B_OLD, _B_INV, _B_SURV, _B_LUMP, _B_FUN, _B_REF, _B_ADL = range(8)

# Rows of the per-thread scratch: this year's and next year's member state.
_A, _AW, _AR, _AP, _I, _IR, _IP = range(7)
_ROWS = 7
_STRIDE = 8  # a slot's rows, padded to a cache line


@numba.njit(cache=True, nogil=True, inline="always")
def _award(c, r, rp, n, f, acc, minp, min_years, out):
    """Members of one service slot reaching the pension age, service advanced by ``f``.

    ``c`` probability, ``r`` career earnings (KHR), ``rp`` its accrued part. A share
    ``1 - f`` keeps ``n`` years, ``f`` has ``n + 1``. Adds to ``out``: ``[0]`` new
    pensioners, ``[1]`` their pension (KHR per year, at least ``minp`` each), ``[2]``
    the accrued pension, ``[3]`` career below the old-age condition (refunded),
    ``[4]`` its accrued part.
    """
    for k in range(2):
        share = (1.0 - f) if k == 0 else f
        if share <= 0.0:
            continue
        cn = share * c
        if n + k >= min_years:
            floor = minp * cn
            p = acc * share * r
            pp = acc * share * rp
            out[0] += cn
            out[1] += p if p > floor else floor
            out[2] += pp if pp > floor else floor
        else:
            out[3] += share * r
            out[4] += share * rp



# Columns of the packed inputs (built by actuary.closed_group.kernel_inputs). The
# column is the last index, so what one member needs in one year sits in a few cache
# lines. yearly [T + 1, column] (the last year only for the thresholds):
(Y_PENSION_AGE, Y_RATE, Y_PAID, Y_CREDIT, Y_DENSITY, Y_FLOOR, Y_CEILING, Y_ACCRUAL,
 Y_MIN_PENSION, Y_REVALUATION, Y_INDEXATION, Y_WAGE_GROWTH, Y_FUNERAL_MIN, Y_V_MID,
 Y_MASS_ABOVE, Y_COUNT_BELOW) = range(16)
N_YEARLY = 16
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
N_FACTORS = 10


@numba.njit(cache=True, nogil=True)
def _funeral_by_year(kind, t1, s, x1, n, p, yearly, ysa, fm):
    """Value of the funeral grants of ``n`` pensioners of a kind (0 old age, 1 invalidity)
    with pensions ``p`` (KHR per year) on 1 January of year ``t1`` at age ``x1``, year
    by year: the grant is ``max(fm x pension, minimum)`` per death."""
    n_years = ysa.shape[0]
    n_age = ysa.shape[2]
    q_col = A_MORTALITY if kind == 0 else A_DISABLED_MORTALITY
    value = 0.0
    x = x1
    for t in range(t1, n_years):
        last = x == n_age - 1
        q = 1.0 if last else ysa[t, s, x, q_col]
        by_pension = fm * p * q
        by_minimum = yearly[t, Y_FUNERAL_MIN] * n * q
        value += yearly[t, Y_V_MID] * (by_pension if by_pension > by_minimum else by_minimum)
        if last:
            break
        n -= n * q
        p *= (1.0 - q) * (1.0 + yearly[t, Y_INDEXATION])
        x += 1
    return value


@numba.njit(cache=True, nogil=True, inline="always")
def _funeral(n, p, f_mass, f_count, above, below):
    """Funeral grants of ``n`` pensioners with pensions ``p`` from the factors: ``p x
    f_mass`` when the grant follows the pension in every year left (pension per head at
    or above ``above``), ``n x f_count`` when it is the minimum in every year left (at
    or below ``below``), else NaN (then :func:`_funeral_by_year`).

    Scalars only, on purpose: arrays handed to a function inlined in the year loop are
    reference-counted (atomic operations), which cost more than the rest of the step.
    """
    if p >= above * n:  # p / n >= above, without dividing
        return p * f_mass
    if p <= below * n:
        return n * f_count
    return np.nan


@numba.njit(cache=True, nogil=True)
def _close(kind, t1, s, x1, n, p, pp, yearly, ysa, fac, fm, out):
    """Value pensions in payment from 1 January of year ``t1`` (``n`` pensioners of a kind,
    0 old age or 1 invalidity, of age ``x1``, pension ``p``, accrued part ``pp``, KHR
    per year) to the end of the projection: add payments, survivors' pensions and
    funeral grants to the branches of ``out``; return the accrued value of all three."""
    if n <= 0.0 or t1 >= ysa.shape[0]:
        return 0.0
    k = 4 * kind
    pay = fac[t1, s, x1, k + F_PAY]
    surv = fac[t1, s, x1, k + F_SURVIVORS]
    f_mass = fac[t1, s, x1, k + F_FUNERAL_MASS]
    f_count = fac[t1, s, x1, k + F_FUNERAL_COUNT]
    above = yearly[t1, Y_MASS_ABOVE]
    below = yearly[t1, Y_COUNT_BELOW]
    fun = _funeral(n, p, f_mass, f_count, above, below)
    if fun != fun:
        fun = _funeral_by_year(kind, t1, s, x1, n, p, yearly, ysa, fm)
    fun_p = _funeral(n, pp, f_mass, f_count, above, below)
    if fun_p != fun_p:
        fun_p = _funeral_by_year(kind, t1, s, x1, n, pp, yearly, ysa, fm)
    out[_B_OLD + kind] += p * pay
    out[_B_SURV] += p * surv
    out[_B_FUN] += fun
    return pp * (pay + surv) + fun_p


@numba.njit(cache=True, nogil=True)
def _value_one(s, x0, status, years, wage, career, pension, buf, award,
               yearly, ysa, sa, fac, smin, imin, omin, refund_share, lump_months, fm,
               inv_min_rate, out):
    """Project one member from the valuation date; ``out[:len(BRANCHES) - 1]`` gets the
    member's present values by branch (KHR). Returns the accrued-to-date liability."""
    for k in range(len(BRANCHES)):
        out[k] = 0.0
    if status == MEMBER_SPOUSE or status == MEMBER_ORPHAN:
        row = F_SPOUSE if status == MEMBER_SPOUSE else F_ORPHAN
        v = pension * fac[0, s, x0, row]
        out[_B_SURV] += v
        return v
    if status == MEMBER_OLD_AGE or status == MEMBER_INVALIDITY:
        kind = 0 if status == MEMBER_OLD_AGE else 1
        return _close(kind, 0, s, x0, 1.0, pension, pension, yearly, ysa, fac, fm, out)

    n_years = ysa.shape[0]
    n_age = ysa.shape[2]
    n_slots = buf.shape[0] // (2 * _STRIDE)
    top = n_slots - 1
    # The state of slot n is buf[(c * n_slots + n) * _STRIDE + row]: this year's in half
    # c, next year's in half 1 - c, the rows of a slot side by side. One flat array with
    # offsets computed here: numba's multi-dimensional indexing (strides read at run
    # time, negative indices wrapped) cost more than the arithmetic of the step.
    c = 0
    for k in range(n_slots * _STRIDE):
        buf[k] = 0.0
    # completed years with the fraction split over two slots, as the cohort cells
    lo = int(np.floor(years))
    f = years - lo
    if lo >= 50:  # the cohort keeps 0..50 years (the last meaning 50 or more)
        lo = 50
        f = 0.0
    hi = min(lo + 1, top)
    lo = min(lo, top)
    active = status == MEMBER_ACTIVE
    row_n = _A if active else _I
    row_r = _AR if active else _IR
    row_p = _AP if active else _IP
    for slot, share in ((lo, 1.0 - f), (hi, f)):
        if share > 0.0:
            buf[slot * _STRIDE + row_n] += share
            buf[slot * _STRIDE + row_r] += share * career
            buf[slot * _STRIDE + row_p] += share * career
            if active:
                buf[slot * _STRIDE + _AW] += share * wage
    if f <= 0.0:
        hi = lo

    adl = 0.0
    for t in range(n_years):
        x = x0 + t
        last = x >= n_age - 1
        xn = x if last else x + 1
        vm = yearly[t, Y_V_MID]
        qd = 1.0 if last else ysa[t, s, x, A_MORTALITY]
        qi = 0.0 if last else ysa[t, s, x, A_INVALIDITY]
        qw = 0.0 if last else ysa[t, s, x, A_EXIT]
        back_rate = 0.0 if last else ysa[t, s, x, A_REENTRY]
        retire = xn >= yearly[t, Y_PENSION_AGE]
        rate = yearly[t, Y_RATE]
        dens = yearly[t, Y_DENSITY]
        credit = dens * yearly[t, Y_CREDIT]
        half_f = 0.5 * credit
        floor = yearly[t, Y_FLOOR]
        ceiling = yearly[t, Y_CEILING]
        acc = yearly[t, Y_ACCRUAL]
        minp = yearly[t, Y_MIN_PENSION]
        rv1 = 1.0 + yearly[t, Y_REVALUATION]
        ix1 = 1.0 + yearly[t, Y_INDEXATION]
        p_stay = 1.0 - qd - qi - qw
        e_frac = 1.0 - 0.5 * (qd + qi + qw)
        gw = p_stay * (1.0 + yearly[t, Y_WAGE_GROWTH]) * sa[s, x, S_SALARY_GROWTH]
        gr = p_stay * rv1
        p_back = 0.0 if retire else (1.0 - qd) * back_rate
        p_rest = (1.0 - qd) - p_back
        ew = ysa[t, s, xn, A_ENTRANT_WAGE]
        nx_hi = hi + 1 if hi < top else top
        for k in range(5):
            award[k] = 0.0
        earn = 0.0
        surv_m = 0.0  # pensions of the deaths leaving survivors (KHR per year)
        surv_mp = 0.0
        lump = 0.0  # pensions of the deaths below the survivors' condition
        lump_p = 0.0
        inv_n = 0.0
        inv_p = 0.0
        inv_pp = 0.0
        alive = 0.0
        # Next year's slot n is written once: what stays in n plus what moves up from
        # n - 1 (carried in c_*), so nothing is read back from the next state.
        c_i = c_ir = c_ip = c_a = c_aw = c_ar = c_ap = 0.0
        for n in range(lo, nx_hi + 1):
            if n <= hi:
                o = (c * n_slots + n) * _STRIDE
                cnt = buf[o + _A]
                wm = buf[o + _AW]
                rm = buf[o + _AR]
                rp = buf[o + _AP]
                i_cnt = buf[o + _I]
                i_rm = buf[o + _IR]
                i_rp = buf[o + _IP]
            else:  # the slot above the highest one used: only what moves into it
                cnt = wm = rm = rp = i_cnt = i_rm = i_rp = 0.0
            # ---- active paths with n completed years ----
            cwm = 0.0
            ln = lr = lrp = 0.0
            # pension base of this slot's deaths (active and inactive), KHR: all and accrued
            d_base = i_rm
            d_base_p = i_rp
            if cnt > 0.0:
                # the expected wage wm / cnt within the floor and ceiling, times cnt
                cwm = wm
                if wm < floor * cnt:
                    cwm = floor * cnt
                if ceiling > 0.0 and wm > ceiling * cnt:
                    cwm = ceiling * cnt
                earn += cwm
                half = rm + half_f * cwm  # career at mid-year
                d_base += half
                d_base_p += rp
                ln = qw * cnt
                lr = qw * half
                lrp = qw * rp
                if qi > 0.0:
                    if n >= imin:
                        p_inv = invalidity_pension(half, n + half_f, acc, inv_min_rate, minp,
                                                   cnt)
                        p_invp = invalidity_pension(rp, n + half_f, acc, inv_min_rate, minp,
                                                    cnt)
                        inv_n += qi * cnt
                        inv_p += qi * p_inv
                        inv_pp += qi * p_invp
                    else:
                        ln += qi * cnt
                        lr += qi * half
                        lrp += qi * rp
                if retire:
                    _award(ln, lr, lrp, n, half_f, acc, minp, omin, award)
                    _award(p_stay * cnt, p_stay * (rm + credit * cwm), p_stay * rp, n, credit,
                           acc, minp, omin, award)
            # ---- inactive paths with n completed years (service does not move) ----
            if retire and i_cnt > 0.0:
                _award((1.0 - qd) * i_cnt, (1.0 - qd) * i_rm, (1.0 - qd) * i_rp, n, 0.0,
                       acc, minp, omin, award)
            # ---- deaths of both: survivors' pensions with the condition, else the lump sum ----
            if n >= smin:
                surv_m += qd * acc * d_base
                surv_mp += qd * acc * d_base_p
            else:
                lump += qd * acc * d_base
                lump_p += qd * acc * d_base_p
            if retire:
                continue
            # ---- next year's slot n ----
            v_a = p_stay * cnt
            v_aw = gw * wm
            v_ar = gr * (rm + credit * cwm)
            v_ap = gr * rp
            v_ir = rv1 * lr
            v_ip = rv1 * lrp
            # the share that moves up stays in the last slot ("that many or more")
            keep_a = 1.0 if n == top else 1.0 - credit
            keep_i = 1.0 if n == top else 1.0 - half_f
            back = p_back * i_cnt
            rest = p_rest * i_cnt
            o = ((1 - c) * n_slots + n) * _STRIDE
            buf[o + _I] = keep_i * ln + c_i + rest
            buf[o + _IR] = keep_i * v_ir + c_ir + p_rest * rv1 * i_rm
            buf[o + _IP] = keep_i * v_ip + c_ip + p_rest * rv1 * i_rp
            buf[o + _A] = keep_a * v_a + c_a + back
            buf[o + _AW] = keep_a * v_aw + c_aw + ew * back
            buf[o + _AR] = keep_a * v_ar + c_ar + p_back * rv1 * i_rm
            buf[o + _AP] = keep_a * v_ap + c_ap + p_back * rv1 * i_rp
            c_i = half_f * ln
            c_ir = half_f * v_ir
            c_ip = half_f * v_ip
            c_a = credit * v_a
            c_aw = credit * v_aw
            c_ar = credit * v_ar
            c_ap = credit * v_ap
            alive += ln + v_a + back + rest
        c = 1 - c
        hi = nx_hi

        # ---- the year's money ----
        out[_B_CONTRIB] += vm * rate * yearly[t, Y_PAID] * dens * e_frac * earn
        sv = ysa[t, s, x, A_SURVIVORS]
        out[_B_SURV] += sv * surv_m
        adl += sv * surv_mp
        lump_k = vm * sa[s, x, S_ANY_SURVIVOR] * lump_months / 12.0
        out[_B_LUMP] += lump_k * lump
        adl += lump_k * lump_p
        below = vm * refund_share * rate
        out[_B_REF] += below * award[3]
        adl += below * award[4]
        # new invalidity pensions: half a year now, then in payment from next year
        out[_B_INV] += vm * 0.5 * inv_p
        adl += vm * 0.5 * inv_pp
        # ... then in payment from next year, valued at once by the factors (written out
        # here rather than by _close: see _funeral on arrays in the year loop)
        t1 = t + 1
        if inv_n > 0.0 and t1 < n_years:
            pay = fac[t1, s, xn, 4 + F_PAY]
            surv = fac[t1, s, xn, 4 + F_SURVIVORS]
            f_mass = fac[t1, s, xn, 4 + F_FUNERAL_MASS]
            f_count = fac[t1, s, xn, 4 + F_FUNERAL_COUNT]
            above = yearly[t1, Y_MASS_ABOVE]
            below = yearly[t1, Y_COUNT_BELOW]
            p1 = inv_p * ix1
            pp1 = inv_pp * ix1
            fun = _funeral(inv_n, p1, f_mass, f_count, above, below)
            if fun != fun:
                fun = _funeral_by_year(1, t1, s, xn, inv_n, p1, yearly, ysa, fm)
            fun_p = _funeral(inv_n, pp1, f_mass, f_count, above, below)
            if fun_p != fun_p:
                fun_p = _funeral_by_year(1, t1, s, xn, inv_n, pp1, yearly, ysa, fm)
            out[_B_INV] += p1 * pay
            out[_B_SURV] += p1 * surv
            out[_B_FUN] += fun
            adl += pp1 * (pay + surv) + fun_p
        if retire:
            adl += _close(0, t + 1, s, xn, award[0], award[1], award[2], yearly, ysa, fac, fm,
                          out)
            break
        if alive <= 0.0 or last:
            break
    return adl


@numba.njit(cache=True, nogil=True, parallel=True)
def value_members_kernel(sex, age, status, years, wage, career, pension, n_slots, n_chunks,
                         yearly, ysa, sa, fac, smin, imin, omin, refund_share, lump_months,
                         funeral_months, inv_min_rate):
    """Value every member: ``(pvfc [M], pvfb [M], adl [M], totals [len(BRANCHES)])`` (KHR).

    Members ``[M]``: ``sex`` (0 men, 1 women), ``age`` (completed years at the
    valuation date), ``status`` (``MEMBER_*``), ``years`` (credited service, years),
    ``wage`` (actives' insurable wage, KHR per year), ``career`` (revalued career
    earnings, KHR), ``pension`` (pensioners' pension, KHR per year). The packed inputs
    ``yearly``, ``ysa``, ``sa``, ``fac`` are described by the ``Y_*``, ``A_*``, ``S_*``,
    ``F_*`` rows. Members are cut into ``n_chunks`` contiguous chunks shared out over
    the threads; each chunk keeps its own scratch state, so each member is read once.
    """
    m = sex.shape[0]
    n_b = len(BRANCHES)
    pvfc = np.empty(m)
    pvfb = np.empty(m)
    adl = np.empty(m)
    totals = np.zeros((n_chunks, n_b))
    size = (m + n_chunks - 1) // n_chunks
    fm = funeral_months / 12.0
    for c in numba.prange(n_chunks):
        buf = np.zeros(2 * n_slots * _STRIDE)
        award = np.zeros(5)
        one = np.zeros(n_b)
        for i in range(c * size, min(m, (c + 1) * size)):
            d = _value_one(sex[i], age[i], status[i], years[i], wage[i], career[i], pension[i],
                           buf, award, yearly, ysa, sa, fac, smin, imin, omin, refund_share,
                           lump_months, fm, inv_min_rate, one)
            b = 0.0
            for k in range(1, n_b - 1):
                b += one[k]
                totals[c, k] += one[k]
            totals[c, _B_CONTRIB] += one[_B_CONTRIB]
            totals[c, _B_ADL] += d
            pvfc[i] = one[_B_CONTRIB]
            pvfb[i] = b
            adl[i] = d
    return pvfc, pvfb, adl, totals.sum(axis=0)
