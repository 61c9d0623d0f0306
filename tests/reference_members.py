"""Vectorised numpy reference of the member-level valuation: years outer, members as arrays.

The way a closed-group valuation is usually written in numpy: every member's state is a
row of ``[M, K]`` arrays (K service slots) and each year updates all rows at once. It
is the oracle of :func:`actuary.engine.member_kernel.value_members_kernel` (agreement to
1e-12 relative, tests/members/test_closed_group.py) and the baseline of its benchmark. It shares
only the packed inputs (:func:`actuary.members.closed_group.kernel_inputs`: rates, discount
factors and the pension factors) with the kernel; the year step is written again here.
"""

from __future__ import annotations

import numpy as np

from actuary.engine import member_kernel as mk
from actuary.engine.records import rules_record
from actuary.members.closed_group import (contributions_paid, discount_factors, kernel_inputs,
                                          start_slots)


def _up(v: np.ndarray, k: int) -> np.ndarray:
    """Rows of ``v`` [M, K] moved ``k`` slots up (the last keeps its own)."""
    if k == 0:
        return v
    out = np.zeros_like(v)
    out[:, k:] = v[:, :-k]
    out[:, -1] += v[:, -k:].sum(axis=1)
    return out


def _split(adv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An advance of ``adv`` slots [M] as whole slots and a share of one more."""
    a = np.floor(adv + 1e-12)
    f = adv - a
    return a.astype(np.int64), np.where(f < 1e-12, 0.0, f)


def _shift(v: np.ndarray, a: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Rows of ``v`` [M, K] moved ``a`` slots up (one a member, [M]) and a share ``f``
    ([M]) one more (the last keeps its own)."""
    out = np.zeros_like(v)
    for k in np.unique(a):
        sel = (a == k)[:, None]
        part = np.where(sel, v, 0.0)
        out += _up((1.0 - f[:, None]) * part, int(k)) + _up(f[:, None] * part, int(k) + 1)
    return out


def _meets(slot: np.ndarray, a: np.ndarray, f: np.ndarray, min_slot: int) -> np.ndarray:
    """Share [M, K] of a slot meeting a condition of ``min_slot`` after ``a + f`` slots."""
    lo = slot + a[:, None]
    return (1.0 - f[:, None]) * (lo >= min_slot) + f[:, None] * (lo + 1 >= min_slot)


def _funeral(kind, t1, s, x1, n, p, yearly, ysa, fac, fm):
    """Vectorised funeral value of pensions in payment (see ``member_kernel._funeral``)."""
    T = ysa.shape[0]
    value = np.zeros(n.shape)
    ok = (n > 0.0) & (t1 < T)
    if not ok.any():
        return value
    t1c = np.minimum(t1, T - 1)
    per_head = np.divide(p, n, out=np.zeros_like(p), where=n > 0.0)
    mass = ok & (per_head >= yearly[t1c, mk.Y_MASS_ABOVE])
    count = ok & ~mass & (per_head <= yearly[t1c, mk.Y_COUNT_BELOW])
    value[mass] = p[mass] * fac[t1c[mass], s[mass], x1[mass], 4 * kind + mk.F_FUNERAL_MASS]
    value[count] = n[count] * fac[t1c[count], s[count], x1[count], 4 * kind + mk.F_FUNERAL_COUNT]
    q_row = mk.A_MORTALITY if kind == 0 else mk.A_DISABLED_MORTALITY
    n_age = ysa.shape[2]
    for i in np.flatnonzero(ok & ~mass & ~count):  # rare: the minimum binds some years only
        cnt, pen, x = n[i], p[i], x1[i]
        for t in range(t1[i], T):
            last = x == n_age - 1
            q = 1.0 if last else ysa[t, s[i], x, q_row]
            value[i] += yearly[t, mk.Y_V_MID] * max(fm * pen * q, yearly[t, mk.Y_FUNERAL_MIN] * cnt * q)
            if last:
                break
            cnt -= cnt * q
            pen *= (1.0 - q) * (1.0 + yearly[t, mk.Y_INDEXATION])
            x += 1
    return value


def _close(kind, t1, s, x1, n, p, pp, yearly, ysa, fac, fm, pv, short=False):
    """Add the value of pensions in payment from year ``t1`` to ``pv``; return the accrued
    value (``short``: old-age pensions below the survivors' condition, whose survivors
    get the lump sum)."""
    T = ysa.shape[0]
    ok = (n > 0.0) & (t1 < T)
    t1c = np.minimum(t1, T - 1)
    pay = np.where(ok, fac[t1c, s, x1, 4 * kind + mk.F_PAY], 0.0)
    col = mk.F_OLD_LUMP if short else 4 * kind + mk.F_SURVIVORS
    surv = np.where(ok, fac[t1c, s, x1, col], 0.0)
    pv["old_age" if kind == 0 else "invalidity"] += p * pay
    pv["survivor_lump_sum" if short else "survivors"] += p * surv
    pv["funeral"] += _funeral(kind, t1, s, x1, n, p, yearly, ysa, fac, fm)
    return pp * (pay + surv) + _funeral(kind, t1, s, x1, n, pp, yearly, ysa, fac, fm)


def value_members_reference(basis, members, discount=None):
    """``(pvfc, pvfb, adl)`` by member (KHR), as :func:`actuary.members.closed_group.value_members`."""
    b, r = basis, rules_record(basis)  # the rules record the kernel takes
    yearly, ysa, sa, fac = kernel_inputs(b, discount_factors(b, discount))
    T, n_age = ysa.shape[0], ysa.shape[2]
    K = b.service_slots
    M = len(members)
    s, x0, status = members.sex, members.age, members.status
    fm = r.funeral_months / 12.0
    smin, imin, omin = r.survivor_min_slot, r.invalidity_min_slot, r.old_age_min_slot
    pv = {k: np.zeros(M) for k in ("contributions", "old_age", "invalidity", "survivors",
                                   "survivor_lump_sum", "funeral", "refund")}
    adl = np.zeros(M)
    zero_t = np.zeros(M, dtype=np.int64)

    # pensioners in the file
    for code, row in ((mk.MEMBER_SPOUSE, mk.F_SPOUSE), (mk.MEMBER_ORPHAN, mk.F_ORPHAN)):
        sel = status == code
        v = np.where(sel, members.pension * fac[0, s, x0, row], 0.0)
        pv["survivors"] += v
        adl += v
    for code, kind in ((mk.MEMBER_OLD_AGE, 0), (mk.MEMBER_INVALIDITY, 1)):
        sel = (status == code).astype(float)
        adl += _close(kind, zero_t, s, x0, sel, sel * members.pension, sel * members.pension,
                      yearly, ysa, fac, fm, pv, short=kind == 0 and r.pensioners_short > 0)

    # members: the starting slot (months paid / 6, or credited years split over two
    # slots), as the cohort cells
    is_member = (status == mk.MEMBER_ACTIVE) | (status == mk.MEMBER_INACTIVE)
    pos = start_slots(b, members)
    lo = np.floor(pos).astype(np.int64)
    f = pos - lo
    f[lo >= 50] = 0.0
    lo = np.minimum(lo, 50)
    hi = np.minimum(lo + 1, K - 1)
    lo = np.minimum(lo, K - 1)
    rows = np.arange(M)
    # (AC, IC: contributions paid; AQ, IQ: their part paid by the valuation date)
    st = {k: np.zeros((M, K)) for k in ("A", "AW", "AR", "AP", "I", "IR", "IP", "AC", "IC",
                                        "AQ", "IQ")}
    act = (status == mk.MEMBER_ACTIVE).astype(float)
    ina = (status == mk.MEMBER_INACTIVE).astype(float)
    paid0 = contributions_paid(b, members)
    for slot, share in ((lo, 1.0 - f), (hi, f)):
        for key, who in (("AC", act), ("AQ", act), ("IC", ina), ("IQ", ina)):
            np.add.at(st[key], (rows, slot), share * who * paid0)
        np.add.at(st["A"], (rows, slot), share * act)
        np.add.at(st["AW"], (rows, slot), share * act * members.wage)
        np.add.at(st["AR"], (rows, slot), share * act * members.career)
        np.add.at(st["AP"], (rows, slot), share * act * members.career)
        np.add.at(st["I"], (rows, slot), share * ina)
        np.add.at(st["IR"], (rows, slot), share * ina * members.career)
        np.add.at(st["IP"], (rows, slot), share * ina * members.career)

    slot = np.arange(K)[None, :]
    going = is_member.copy()
    for t in range(T):
        if not going.any():
            break
        x = np.minimum(x0 + t, n_age - 1)
        last = (x0 + t) >= n_age - 1
        xn = np.where(last, x, x + 1)
        g = lambda row: np.where(last, 0.0, ysa[t, s, x, row])  # noqa: E731
        retire = xn >= yearly[t, mk.Y_PENSION_AGE]
        # members reaching the pension age retire on the birthday: a share hh of the year
        hh = np.where(retire, r.before_pension, 1.0)
        qd = hh * np.where(last, 1.0, ysa[t, s, x, mk.A_MORTALITY])
        qi, qw, back_rate = hh * g(mk.A_INVALIDITY), hh * g(mk.A_EXIT), g(mk.A_REENTRY)
        rate = yearly[t, mk.Y_RATE]
        dens = yearly[t, mk.Y_DENSITY]
        credit = hh * dens * yearly[t, mk.Y_CREDIT]  # [M]
        half_f = 0.5 * credit
        # service slots moved by stayers, leavers, and at a death or invalidity
        paid = r.paid_slots_a_year > 0
        adv = hh * dens * yearly[t, mk.Y_PAID] * r.paid_slots_a_year if paid else credit
        a_s, f_s = _split(adv)
        a_l, f_l = _split(0.5 * adv)
        a_e, f_e = (a_l, f_l) if paid else (np.zeros(M, np.int64), np.zeros(M))
        floor, ceiling = yearly[t, mk.Y_FLOOR], yearly[t, mk.Y_CEILING]
        acc, minp = yearly[t, mk.Y_ACCRUAL], yearly[t, mk.Y_MIN_PENSION]
        rv1 = 1.0 + yearly[t, mk.Y_REVALUATION]
        ix1 = 1.0 + yearly[t, mk.Y_INDEXATION]
        vm = yearly[t, mk.Y_V_MID]
        p_stay = 1.0 - qd - qi - qw
        e_frac = hh * (1.0 - 0.5 * (qd + qi + qw))
        gw = p_stay * (1.0 + yearly[t, mk.Y_WAGE_GROWTH]) * sa[s, x, mk.S_SALARY_GROWTH]
        gr = p_stay * rv1
        p_back = np.where(retire, 0.0, (1.0 - qd) * back_rate)
        ew = ysa[t, s, xn, mk.A_ENTRANT_WAGE]
        col = lambda v: v[:, None]  # noqa: E731

        A, AW, AR, AP, I, IR, IP = (st[k] for k in ("A", "AW", "AR", "AP", "I", "IR", "IP"))
        AC, IC, AQ, IQ = (st[k] for k in ("AC", "IC", "AQ", "IQ"))
        kch = col(hh * rate * yearly[t, mk.Y_PAID] * dens)  # paid a year per KHR of wage
        iv1 = 1.0 + yearly[t, mk.Y_REFUND_INTEREST]
        w = np.divide(AW, A, out=np.zeros_like(AW), where=A > 0.0)
        w = np.maximum(w, floor)
        if ceiling > 0.0:
            w = np.minimum(w, ceiling)
        cwm = np.where(A > 0.0, w * A, 0.0)
        half = AR + half_f[:, None] * cwm
        ok_a = _meets(slot, a_e, f_e, smin)  # actives at the death, inactives as they are
        ok_i = (slot >= smin).astype(float)
        surv_m = (col(qd) * acc * (ok_a * half + ok_i * IR)).sum(1)
        surv_mp = (col(qd) * acc * (ok_a * AP + ok_i * IP)).sum(1)
        lump = (col(qd) * acc * ((1 - ok_a) * half + (1 - ok_i) * IR)).sum(1)
        lump_p = (col(qd) * acc * ((1 - ok_a) * AP + (1 - ok_i) * IP)).sum(1)
        inv_slot = _meets(slot, a_e, f_e, imin) * col(qi > 0.0)
        ref_years = slot + half_f[:, None]
        # credited years to the pension age (issue 13, rule 7a)
        y_left = np.maximum(yearly[t, mk.Y_PENSION_AGE] - (x0 + t) - 0.5 - 0.5 * hh, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            acc_inv = acc * (1 + r.invalidity_credited_share
                             * np.where(ref_years > 0, col(y_left) / ref_years, 0.0))
        p_inv = acc_inv * half
        p_invp = acc_inv * AP
        if ref_years.min() > 0.0 or r.invalidity_minimum_rate > 0.0:
            safe = np.where(ref_years > 0.0, ref_years, 1.0)
            p_inv = np.where(ref_years > 0.0, np.maximum(p_inv, r.invalidity_minimum_rate * half / safe), p_inv)
            p_invp = np.where(ref_years > 0.0, np.maximum(p_invp, r.invalidity_minimum_rate * AP / safe), p_invp)
        p_inv = np.maximum(p_inv, minp * A)
        p_invp = np.maximum(p_invp, minp * A)
        # leavers with the condition invalid during their cover (rule 7b), in the year; with
        # the inactives covered to the pension age, from the leaving to the year end
        cover = 0.5 * hh if r.inactive_invalidity > 0 else r.invalidity_cover_years
        q_cov = qw * g(mk.A_INVALIDITY) * np.minimum(cover, y_left)
        q_all = col(qi + q_cov)
        inv_n = (inv_slot * q_all * A).sum(1)
        inv_p = np.where(A > 0, inv_slot * q_all * p_inv, 0.0).sum(1)
        inv_pp = np.where(A > 0, inv_slot * q_all * p_invp, 0.0).sum(1)
        to_leave = col(qw) - inv_slot * col(q_cov) + (1 - inv_slot) * col(qi)
        # inactives covered to the pension age: the condition on their own slot, the pension
        # on their own career and frozen credited years (the slot), the minimum on the
        # expected pension
        covered_i = (r.inactive_invalidity > 0) & (x0 + t < yearly[t, mk.Y_PENSION_AGE])
        qv = col(qi * covered_i) * (slot >= imin) * (I > 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            safe = np.where(slot > 0, slot, 1)
            i_acc = acc * (1 + r.invalidity_credited_share * np.where(slot > 0, col(y_left) / safe, 0.0))
            i_floor = np.where(slot > 0, r.invalidity_minimum_rate / safe, 0.0)
        i_rate = np.maximum(i_acc, i_floor)
        inv_n = inv_n + (qv * I).sum(1)
        inv_p = inv_p + (qv * np.maximum(i_rate * IR, minp * I)).sum(1)
        inv_pp = inv_pp + (qv * np.maximum(i_rate * IP, minp * I)).sum(1)
        i_live = col(1.0 - qd) - qv  # alive and not invalid at the year end
        pb = col(p_back) - qv * col(np.where(retire, 0.0, back_rate))
        pr = i_live - pb
        ln, lr, lrp = to_leave * A, to_leave * half, to_leave * AP
        # contributions paid: leavers half the part of the year, stayers all of it
        lc, lcq = to_leave * (AC + 0.5 * kch * cwm), to_leave * AQ
        sc, scq = col(p_stay) * (AC + kch * cwm), col(p_stay) * AQ

        # retirement at the year end: awards by slot, the shares with n and n + 1 years
        award = np.zeros((M, 10))  # (7, 8, 9: the pensions with the survivors' condition)
        zero_a = np.zeros(M, np.int64)
        for cnt, base, base_p, a_up, f_up, pc, pcq in (
                (ln, lr, lrp, a_l, col(f_l), lc, lcq),
                (col(p_stay) * A, col(p_stay) * (AR + col(credit) * cwm), col(p_stay) * AP, a_s,
                 col(f_s), sc, scq),
                (i_live * I, i_live * IR, i_live * IP, zero_a,
                 np.zeros((M, 1)), i_live * IC, i_live * IQ)):
            for k, share in ((0, 1.0 - f_up), (1, f_up)):
                if np.all(share <= 0.0):
                    continue
                ok = slot + col(a_up) + k >= omin
                cn, rn, rpn = share * cnt, share * base, share * base_p
                award[:, 0] += np.where(ok, cn, 0.0).sum(1)
                award[:, 1] += np.where(ok, np.maximum(acc * rn, minp * cn), 0.0).sum(1)
                award[:, 2] += np.where(ok, np.maximum(acc * rpn, minp * cn), 0.0).sum(1)
                award[:, 3] += np.where(ok, 0.0, rn).sum(1)
                award[:, 4] += np.where(ok, 0.0, rpn).sum(1)
                award[:, 5] += np.where(ok, 0.0, share * pc).sum(1)
                award[:, 6] += np.where(ok, 0.0, share * pcq).sum(1)
                rights = ok & (slot + col(a_up) + k >= smin)
                award[:, 7] += np.where(rights, cn, 0.0).sum(1)
                award[:, 8] += np.where(rights, np.maximum(acc * rn, minp * cn), 0.0).sum(1)
                award[:, 9] += np.where(rights, np.maximum(acc * rpn, minp * cn), 0.0).sum(1)
        award[~retire] = 0.0

        # the year's money
        earn = cwm.sum(1)
        pv["contributions"] += going * vm * rate * yearly[t, mk.Y_PAID] * dens * e_frac * earn
        sv = ysa[t, s, x, mk.A_SURVIVORS]
        pv["survivors"] += going * sv * surv_m
        adl += going * sv * surv_mp
        lump_k = going * vm * sa[s, x, mk.S_ANY_SURVIVOR] * r.lump_sum_months / 12.0
        pv["survivor_lump_sum"] += lump_k * lump
        adl += lump_k * lump_p
        below = going * vm * r.refund_share  # of the contributions paid
        pv["refund"] += below * award[:, 5]
        adl += below * award[:, 6]
        pv["invalidity"] += going * vm * (1.0 - 0.5 * hh) * inv_p  # from the invalidity
        adl += going * vm * (1.0 - 0.5 * hh) * inv_pp
        # old-age pensions awarded on the birthday: the rest of the year, then indexed
        pv["old_age"] += going * vm * (1.0 - hh) * award[:, 1]
        adl += going * vm * (1.0 - hh) * award[:, 2]
        award[:, [1, 2, 8, 9]] *= np.where(hh < 1.0, ix1, 1.0)[:, None]
        tn = np.full(M, t + 1)
        adl += _close(1, tn, s, xn, going * inv_n, going * inv_p * ix1, going * inv_pp * ix1,
                      yearly, ysa, fac, fm, pv)
        adl += _close(0, tn, s, xn, going * award[:, 7], going * award[:, 8],
                      going * award[:, 9], yearly, ysa, fac, fm, pv)
        adl += _close(0, tn, s, xn, going * (award[:, 0] - award[:, 7]),
                      going * (award[:, 1] - award[:, 8]), going * (award[:, 2] - award[:, 9]),
                      yearly, ysa, fac, fm, pv, short=True)

        # next year's state of those who stay members
        stay = col(~retire)
        nxt = {
            "I": _shift(ln, a_l, f_l) + pr * I,
            "IR": _shift(rv1 * lr, a_l, f_l) + pr * rv1 * IR,
            "IP": _shift(rv1 * lrp, a_l, f_l) + pr * rv1 * IP,
            "A": _shift(col(p_stay) * A, a_s, f_s) + pb * I,
            "AW": _shift(col(gw) * AW, a_s, f_s) + pb * I * col(ew),
            "AR": (_shift(col(gr) * (AR + col(credit) * cwm), a_s, f_s)
                   + pb * rv1 * IR),
            "AP": _shift(col(gr) * AP, a_s, f_s) + pb * rv1 * IP,
            "IC": _shift(iv1 * lc, a_l, f_l) + pr * iv1 * IC,
            "IQ": _shift(iv1 * lcq, a_l, f_l) + pr * iv1 * IQ,
            "AC": _shift(iv1 * sc, a_s, f_s) + pb * iv1 * IC,
            "AQ": _shift(iv1 * scq, a_s, f_s) + pb * iv1 * IQ,
        }
        alive = (nxt["A"] + nxt["I"]).sum(1)
        for k, v in nxt.items():
            st[k] = np.where(stay, v, 0.0)
        going = going & ~retire & (alive > 0.0) & ~last
        for k in st:
            st[k][~going] = 0.0

    pvfb = sum(v for k, v in pv.items() if k != "contributions")
    return pv["contributions"], pvfb, adl
