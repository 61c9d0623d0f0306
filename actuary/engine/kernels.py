"""Numba kernels: the cohort projection year step and the capped-wage expectation.

Loop order: years outside; within a year, sex, then age, then service (the last index is
contiguous). Each year reads the state at 1 January and writes the state at 1 January
of the next year into fresh arrays, so the order of cells within a year does not matter.

Conventions of one year ``t`` (the rules are stated once here and in DESIGN §4):

* Actives at age x on 1 January are exposed to death, invalidity and exit (dependent
  probabilities of the year); these happen mid-year on average, so a decrement counts
  half a year of contributions, earnings and credit.
* Contributions are ``rate x contribution_factor x density x E[capped wage] x
  exposure``; the capped wage is the expectation of ``min(max(W, floor), ceiling)``
  for a lognormal ``W`` with the cell's mean and log-sd ``wage_sigma``.
* Service slots count months paid (career average, ``Basis.paid_slots``: the conditions
  of 12 and 60 months are tested on them, each member's exactly at density 1) or
  completed credited years (final salary, retirement at any age, an invalidity minimum
  or credited years): the rules and what stays approximate are stated in
  :mod:`actuary.engine.cells`.
* Career earnings (the base of the old-age formula) grow by the credited contributory
  wage each year and are revalued at the end of the year.
* At the end of the year survivors age by one year. Members attaining the pension age
  in the year (aged ``pension_age - 1`` or more on 1 January) retire on the birthday,
  after a share ``h = before_pension`` of the year: 0.5, the birthday being mid-year on
  average for a cell (contributions stop at the pension age, the employer being no
  longer liable); 1 when the set says members go on contributing voluntarily to the
  next 1 January. Their decrements before it are the year's rates times ``h`` (even
  over the year) at ``h/2`` on average, their contributions, earnings and credits
  those of the part of the year they are members. They get an old-age pension
  ``accrual x career earnings`` (at least the minimum pension) if they have the
  credited years, else a refund of contributions; the pension is paid ``1 - h`` of the
  year and indexed at its end, like an invalidity pension. Approximations, both
  within the year of the pension age and of the order of ``q/4`` of that year's flows:
  the new pensioners' deaths of the rest of the year are not taken (they join next
  year's stock whole, as new invalidity pensioners do), and the survivors of members
  dying before the birthday are paid from mid-year, not from the death (``h/2``).
* The benefits (minimum pension, final salary, retirement at any age, refunds,
  pensions in payment, survivors of pensioners) follow the conventions stated in
  :mod:`actuary.engine.benefits`, invalidity (the cover after leaving, and of inactive
  members to the pension age) those of :mod:`actuary.engine.invalidity`.
* New entrants join on 1 January of year t+1, bringing the number of actives to
  ``target_actives[t]`` (none when the target is negative or already exceeded).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from actuary.engine.benefits import (KEEP, NO_AWARDS, SLOT0, add_survivors, award_row,
                                     award_split, pensions_of_year)
from actuary.engine.invalidity import active_invalidity, inactive_invalidity, years_to_pension_age
from actuary.engine.cells import (add_entrants, add_flows, add_old_age_stock,
                                  qualifying_share, slot_split, snapshot)
from actuary.engine.cells import snapshot_pensioners
from actuary.engine.jitopt import LevelCompiler
from actuary.engine.memory import retain_freed_blocks
from actuary.engine.slots import used_slots
from actuary.engine.state import (
    FLOW_INVALIDITY,
    FLOW_NEW_INVALIDITY,
    FLOW_NEW_INVALIDITY_AMOUNT,
    FLOW_NEW_OLD_AGE,
    FLOW_NEW_OLD_AGE_AMOUNT,
    FLOW_ORPHAN,
    FLOW_ORPHANS_EXPIRED,
    FLOW_SPOUSE,
    FLOW_OLD_AGE,
    FLOW_REFUND,
    FLOW_REFUNDS_PAID,
    FLOW_RETIREMENTS,
    MASS_CAREER,
    MASS_OLD_AGE,
    MASS_PAID,
    MASS_WAGE,
    N_FLOWS,
    N_MASS,
    N_STATUS,
    STATUS_ACTIVE,
    STATUS_INACTIVE,
    STATUS_OLD_AGE,
)
from actuary.engine.wages import capped_mean, capped_mean_logs

__all__ = ["capped_mean", "project_kernel"]

# Each projection allocates about 2 MiB of outputs: keep freed blocks for the next one
# (see actuary.engine.memory).
retain_freed_blocks()

@numba.njit(cache=True, nogil=True, fastmath={"contract"},  # fused multiply-adds
             pipeline_class=LevelCompiler)  # LLVM -O1: faster here (jitopt.py)
def project_kernel(rules, paths, decrements, start, final_salary, any_early, keep_masses):
    """Project the state over ``T`` years.

    The inputs are the records of :mod:`actuary.engine.records` (``rules``: KernelRules,
    ``paths``: KernelPaths, ``decrements``: KernelDecrements, ``start``: KernelStart), as
    :func:`actuary.engine.records.kernel_inputs` builds them. ``final_salary`` switches
    the final-salary pension formula on; ``early_years`` ``[T]`` (int, 0 = none) is the credited service giving retirement at any age, and
    ``any_early`` says whether any year has it; ``grant_months`` ``[T]`` is the grant below
    the old-age condition under the final-salary rule (see the module docstring).
    The two switches are ``None`` (off) or ``True`` (on), not booleans: numba compiles
    one specialisation per argument type and prunes the ``is None`` branches, so a
    scheme without these rules runs the same machine code as before they existed
    (measured: as plain booleans they cost 3-4% each on the NSSF default).
    ``keep_masses`` False keeps one row of masses, worked over year by year (KernelInputs).

    Returns
    -------
    flows : ndarray [T, 2, N_FLOWS] - money (KHR in the year's money) and counts of each
        year, by sex.
    people : ndarray [T + 1, N_STATUS, 2, 111] - counts by status, sex and age on 1 January.
    masses : ndarray [T + 1 (1, the last, if not keep_masses), N_MASS, 2, 111] - annual wage
        and pension masses (KHR/year), career earnings and contributions paid (KHR) on 1 January.
    """
    # the records' fields under the names the year step uses (free: field loads)
    (pension_age, contribution_rate, contribution_factor, credit_factor, wage_floor,
     wage_ceiling, accrual_rate, minimum_pension, funeral_grant_minimum, early_years,
     grant_months, old_age_min_slot, invalidity_min_slot, survivor_min_slot, refund_share,
     survivor_rate, spouse_share, children_share, lump_sum_months, funeral_months,
     invalidity_minimum_rate, before_pension, inv_credit, cover, paid_slots_a_year,
     refund_interest, pensioners_short, ina_cover) = rules
    r_min = max(old_age_min_slot, survivor_min_slot)  # a pension with survivors' rights
    (density, revaluation, indexation, wage_growth, target_actives, entrant_distribution,
     entrant_wage, salary_growth, wage_sigma) = paths
    (mortality, disabled_mortality, invalidity, exit_rate, reentry, share_married,
     child_probability, children, spouse_age_gap, orphan_age_limit, parent_child_gap) = decrements
    (act_n0, act_w0, act_r0, ina_n0, ina_r0, oa_n0, oa_p0, iv_n0, iv_p0, sp_n0, sp_p0, or_n0,
     or_p0, act_c0, ina_c0) = start
    n_years = contribution_rate.shape[0]
    n_sex, n_age, n_serv = act_n0.shape
    flows = np.zeros((n_years, n_sex, N_FLOWS))
    people = np.zeros((n_years + 1, N_STATUS, n_sex, n_age))
    masses = np.empty((n_years + 1 if keep_masses else 1, N_MASS, n_sex, n_age))

    # Two buffers per member array; only the used service slots are visited, each cleared
    # as it is read (a separate pass over next year's buffers cost 0.3 ms of 3.6 ms).
    # (the contributions paid, act_c and ina_c, are the base of refunds)
    act_n, act_w, act_r, act_c = act_n0.copy(), act_w0.copy(), act_r0.copy(), act_c0.copy()
    ina_n, ina_r, ina_c = ina_n0.copy(), ina_r0.copy(), ina_c0.copy()
    nx_act_n, nx_act_w, nx_act_r, nx_act_c = (np.zeros(act_n0.shape), np.zeros(act_n0.shape),
                                              np.zeros(act_n0.shape), np.zeros(act_n0.shape))
    nx_ina_n, nx_ina_r, nx_ina_c = (np.zeros(act_n0.shape), np.zeros(act_n0.shape),
                                    np.zeros(act_n0.shape))
    top_act = used_slots(act_n)
    top_ina = used_slots(ina_n)
    nx_top_act = np.zeros(top_act.shape, np.int64)
    nx_top_ina = np.zeros(top_ina.shape, np.int64)
    last_slot = n_serv - 1
    # scratch rows over service, one per sex (the sexes run on separate threads)
    leave_ns = np.empty((n_sex, n_serv))
    leave_rs = np.empty((n_sex, n_serv))
    stay_ns = np.empty((n_sex, n_serv))
    stay_rs = np.empty((n_sex, n_serv))
    leave_cs = np.empty((n_sex, n_serv))
    stay_cs = np.empty((n_sex, n_serv))
    # the wage spread of each slot's members (gross mean, capped mean), for the minimum
    spread_ms = np.empty((n_sex, n_serv))
    spread_cs = np.empty((n_sex, n_serv))
    # deaths leaving survivors and their pensions, by sex and age of the deceased
    surv_d = np.zeros((n_sex, n_age))
    surv_m = np.zeros((n_sex, n_age))

    # Pensioner stocks: two buffers each too (the inputs are copied, never written).
    oa_n, oa_p, iv_n, iv_p = oa_n0.copy(), oa_p0.copy(), iv_n0.copy(), iv_p0.copy()
    # old-age pensioners below the survivors' condition (benefits.py)
    os_n, os_p = np.zeros(oa_n0.shape), np.zeros(oa_p0.shape)
    if pensioners_short > 0.0:
        oa_n, os_n, oa_p, os_p = os_n, oa_n, os_p, oa_p
    nx_os_n, nx_os_p = np.empty(oa_n0.shape), np.empty(oa_p0.shape)
    sp_n, sp_p, or_n, or_p = sp_n0.copy(), sp_p0.copy(), or_n0.copy(), or_p0.copy()
    nx_oa_n, nx_oa_p = np.empty(oa_n0.shape), np.empty(oa_p0.shape)
    nx_iv_n, nx_iv_p = np.empty(iv_n0.shape), np.empty(iv_p0.shape)
    nx_sp_n, nx_sp_p = np.empty(sp_n0.shape), np.empty(sp_p0.shape)
    nx_or_n, nx_or_p = np.empty(or_n0.shape), np.empty(or_p0.shape)

    for t in range(n_years + 1):
        m_row = t if keep_masses else 0
        masses[m_row] = 0.0  # cleared: summed into, and the cells of nobody are skipped
        if t == n_years:
            snapshot(people[t], masses[m_row], act_n, act_w, act_r, ina_n, ina_r, top_act, top_ina,
                     oa_n, oa_p, iv_n, iv_p, sp_n, sp_p, or_n, or_p, act_c, ina_c)
            add_old_age_stock(people[t], masses[m_row], os_n, os_p)
            break
        # (the stocks on 1 January of year t are recorded in the cell loop below)
        pt = people[t]
        mt = masses[m_row]

        ft = flows[t]
        rate = contribution_rate[t]
        pay = contribution_factor[t]
        dens = density[t]
        credit = dens * credit_factor[t]
        half_f = 0.5 * credit
        # a year of contributions moves `adv` slots up: months paid, or credited years
        adv = dens * pay * paid_slots_a_year if paid_slots_a_year > 0.0 else credit
        floor = wage_floor[t]
        ceiling = wage_ceiling[t]
        log_floor = math.log(floor) if floor > 0.0 else 0.0
        log_ceiling = math.log(ceiling) if ceiling > 0.0 else 0.0
        acc = accrual_rate[t]
        minp = minimum_pension[t]
        rv1 = 1.0 + revaluation[t]
        ix = indexation[t]
        g1 = 1.0 + wage_growth[t]
        pa = pension_age[t]
        grant_min = funeral_grant_minimum[t]
        ey = early_years[t]
        # paid per unit of the base of members retiring below the old-age condition
        # (the grant, of the last wage) or of their contributions paid (the refund)
        below_factor = grant_months[t] / 12.0 if final_salary is not None else 0.0
        refunded = 0.0 if final_salary is not None else refund_share
        kc = rate * pay * dens  # contributions paid a year per KHR of capped wage
        iv1 = 1.0 + refund_interest[t]  # on contributions paid, at the end of the year

        nx_top_act[:, :] = 0
        nx_top_ina[:, :] = 0
        for arr in (nx_oa_n, nx_oa_p, nx_os_n, nx_os_p, nx_iv_n, nx_iv_p, nx_sp_n, nx_sp_p,
                    nx_or_n, nx_or_p):
            arr[:, :] = 0.0

        surv_d[:, :] = 0.0
        surv_m[:, :] = 0.0
        # The sexes are independent within the year (survivors, who may be of the other
        # sex, are added after). Running them on two threads (numba.prange, parallel=True)
        # was measured here: best time 3.7 ms against 4.8 ms serial, but 47 s to compile
        # against 15 s and a median five times worse when the other core is busy; serial.
        for s in range(n_sex):
            leave_n = leave_ns[s]
            leave_r = leave_rs[s]
            stay_n = stay_ns[s]
            stay_r = stay_rs[s]
            leave_c = leave_cs[s]
            stay_c = stay_cs[s]
            spread_m = spread_ms[s]
            spread_c = spread_cs[s]
            for x in range(n_age):
                if (top_act[s, x] == 0 and top_ina[s, x] == 0 and oa_n[s, x] == 0.0
                        and os_n[s, x] == 0.0
                        and iv_n[s, x] == 0.0 and sp_n[s, x] == 0.0 and or_n[s, x] == 0.0):
                    continue  # nobody of this sex and age
                snapshot_pensioners(pt, mt, s, x, oa_n, oa_p, iv_n, iv_p, sp_n, sp_p, or_n,
                                     or_p)
                pt[STATUS_OLD_AGE, s, x] += os_n[s, x]
                mt[MASS_OLD_AGE, s, x] += os_p[s, x]
                last = x == n_age - 1
                xn = x if last else x + 1
                retire = xn >= pa
                qd = 1.0 if last else mortality[t, s, x]
                qi = 0.0 if last else invalidity[t, s, x]
                qw = 0.0 if last else exit_rate[t, s, x]
                qdis = 1.0 if last else disabled_mortality[t, s, x]
                back_rate = 0.0 if last else reentry[t, s, x]
                # Members reaching the pension age this year retire on the birthday, a
                # share h of the year in (before_pension: 0.5, mid-year on average; 1 when
                # they contribute to the next 1 January): their decrements, contributions
                # and credits are those of that part of the year (rates times h, which
                # takes the decrements as even over the year).
                h = before_pension if retire else 1.0
                y_inv = years_to_pension_age(pa, x, h)  # credited to invalidity pensions
                mq = h * qd
                mi = h * qi
                mw = h * qw
                m_credit = h * credit
                m_half = h * half_f
                # slots moved by stayers, leavers, and at a death or invalidity (cells.py)
                a_s, f_s = slot_split(h * adv)
                a_l, f_l = slot_split(0.5 * h * adv)
                a_e, f_e = (a_l, f_l) if paid_slots_a_year > 0.0 else (0, 0.0)
                # leavers' invalidity during their cover (to the pension age at most; with
                # the inactives covered to it, from the leaving to the year end)
                cv = 0.5 * h if ina_cover > 0.0 else cover
                mc = mw * qi * (cv if cv < y_inv else y_inv)
                sg = salary_growth[s, x]
                m = share_married[s, x]
                anyone = 1.0 - (1.0 - m) * (1.0 - child_probability[s, x])

                # Per-(sex, age) accumulators: everything below is linear in them.
                earn = 0.0
                wages = 0.0
                expo = 0.0
                surv_deaths = 0.0  # deaths leaving survivors' pensions
                surv_mass = 0.0  # their pensions, KHR per year
                lump_mass = 0.0  # pensions of deaths below the survivors' condition
                d_act = 0.0
                d_ina = 0.0
                inv_n = 0.0
                inv_p = 0.0
                n_exit = 0.0
                n_back = 0.0
                oa_new = 0.0
                oa_new_p = 0.0
                oa_r = 0.0  # the new pensioners meeting the survivors' condition too
                oa_r_p = 0.0
                ref_n = 0.0
                ref_r = 0.0
                ref_c = 0.0
                n_retire = 0.0

                # ---------------- active contributors ----------------
                # Row by row over service, in passes simple enough to vectorise; masses
                # (not per-person amounts) are carried, so no division is needed but the
                # average wage for the capped-wage expectation (cached while it repeats).
                top = top_act[s, x]
                if top > 0:
                    p_stay = 1.0 - mq - mi - mw
                    e_frac = h * (1.0 - 0.5 * (mq + mi + mw))
                    # after the year: stayers' wage and career grow (unless they retire)
                    gw = p_stay * g1 * sg
                    gr = p_stay * rv1
                    last_w = -1.0
                    last_cw = 0.0
                    prev_w = -1.0
                    prev_cw = 0.0
                    row_n = 0.0
                    row_cw = 0.0
                    row_w = 0.0
                    row_r = 0.0
                    row_c = 0.0
                    for n in range(top):
                        cnt = act_n[s, x, n]
                        wm = act_w[s, x, n]
                        rm = act_r[s, x, n]
                        cm = act_c[s, x, n]
                        # read once: cleared here for the year after next (buffers swap)
                        act_n[s, x, n] = act_w[s, x, n] = act_r[s, x, n] = act_c[s, x, n] = 0.0
                        if cnt == 0.0:  # (a year moves 2 slots: every other one is empty)
                            if retire:
                                leave_n[n] = leave_r[n] = leave_c[n] = 0.0
                                stay_n[n] = stay_r[n] = stay_c[n] = 0.0
                            continue
                        w = wm / cnt
                        if abs(w - last_w) > 1e-13 * w:
                            # two wages kept: the slots of a row alternate between those of
                            # the starting members and of the entrants (gross means of
                            # insurable wages are not on one salary scale)
                            if abs(w - prev_w) <= 1e-13 * w:
                                last_w, prev_w = prev_w, last_w
                                last_cw, prev_cw = prev_cw, last_cw
                            else:
                                prev_w, prev_cw = last_w, last_cw
                                last_w = w
                                last_cw = capped_mean_logs(w, floor, ceiling, log_floor,
                                                           log_ceiling, wage_sigma)
                        cwm = last_cw * cnt  # capped wage mass of the cell
                        row_n += cnt
                        row_cw += cwm
                        row_w += wm
                        row_r += rm
                        row_c += cm
                        # the pension base at mid-year: career mass, or (final salary)
                        # service at mid-year times the year's capped wage
                        if final_salary is not None:
                            half = (n + m_half) * cwm
                            xb = cwm  # leavers carry their last wage
                        else:
                            half = rm + m_half * cwm  # career mass at mid-year
                            xb = half
                        ok = qualifying_share(n, a_e, f_e, survivor_min_slot)
                        surv_deaths += ok * mq * cnt
                        surv_mass += ok * mq * acc * half
                        lump_mass += (1.0 - ok) * mq * acc * half
                        # invalid with a pension (the condition met) or leaving (lsh)
                        lsh, i_n, i_p = active_invalidity(
                            cnt, half, n, (a_e, f_e), (mi, mc, mw), invalidity_min_slot,
                            (acc, inv_credit, y_inv, n + m_half, invalidity_minimum_rate, minp),
                            (w, last_cw, floor, ceiling, wage_sigma))
                        inv_n += i_n
                        inv_p += i_p
                        ln = lsh * cnt
                        lr_m = lsh * xb
                        # contributions paid: leavers half the part of the year, stayers all
                        lc_m = lsh * (cm + 0.5 * h * kc * cwm)
                        sc_m = p_stay * (cm + h * kc * cwm)
                        n_exit += ln
                        if retire:
                            leave_n[n] = ln
                            leave_r[n] = lr_m
                            leave_c[n] = lc_m
                            stay_c[n] = sc_m
                            spread_m[n] = w
                            spread_c[n] = last_cw
                            stay_n[n] = p_stay * cnt
                            if final_salary is not None:
                                stay_r[n] = p_stay * cwm
                            else:
                                stay_r[n] = p_stay * (rm + m_credit * cwm)
                        elif any_early is not None and ey > 0 and n + 1 >= ey:
                            # retirement at any age: the shares whose service reaches ey
                            # retire; the rest goes on as below (the last slot is above ey:
                            # Basis.service_slots keeps one more than ey)
                            whole = n >= ey
                            if final_salary is not None:
                                sb = p_stay * cwm
                            else:
                                sb = p_stay * (rm + m_credit * cwm)
                            spread = (w, last_cw, floor, ceiling, wage_sigma)
                            a1, b1, c1, d1, g1_, e1 = award_split(ln, lr_m, lc_m, n, m_half, whole,
                                                                   acc, minp, old_age_min_slot,
                                                                   final_salary, spread,
                                                                   NO_AWARDS)
                            a2, b2, c2, d2, g2_, e2 = award_split(p_stay * cnt, sb, sc_m, n,
                                                                   m_credit, whole, acc, minp,
                                                                   old_age_min_slot,
                                                                   final_salary, spread,
                                                                   NO_AWARDS)
                            oa_new += a1 + a2
                            oa_new_p += b1 + b2
                            ref_n += c1 + c2
                            ref_r += d1 + d2
                            ref_c += g1_ + g2_
                            n_retire += e1 + e2
                            for cn, bn, pn, fn in ((ln, lr_m, lc_m, m_half),
                                                   (p_stay * cnt, sb, sc_m, m_credit)):
                                a1, b1, _, _, _, _ = award_split(cn, bn, pn, n, fn, whole, acc,
                                                                 minp, r_min, final_salary,
                                                                 spread, NO_AWARDS)
                                oa_r += a1
                                oa_r_p += b1
                            if not whole:
                                nx_ina_n[s, xn, n] += (1.0 - m_half) * ln
                                nx_ina_r[s, xn, n] += (1.0 - m_half) * (rv1 * lr_m)
                                nx_ina_c[s, xn, n] += (1.0 - m_half) * (iv1 * lc_m)
                                nx_act_c[s, xn, n] += (1.0 - m_credit) * (iv1 * sc_m)
                                v = p_stay * cnt
                                nx_act_n[s, xn, n] += (1.0 - m_credit) * v
                                nx_act_w[s, xn, n] += (1.0 - m_credit) * (gw * wm)
                                nx_act_r[s, xn, n] += ((1.0 - m_credit)
                                                       * (gr * (rm + m_credit * cwm)))
                        else:
                            # into next year's cells, leavers a_l + f_l slots up, stayers
                            # a_s + f_s (the last slot keeps its own)
                            lo = n + a_l if n + a_l < last_slot else last_slot
                            hi = lo + 1 if lo < last_slot else last_slot
                            v1, v2, v3 = ln, rv1 * lr_m, iv1 * lc_m
                            nx_ina_n[s, xn, lo] += (1.0 - f_l) * v1
                            nx_ina_r[s, xn, lo] += (1.0 - f_l) * v2
                            nx_ina_c[s, xn, lo] += (1.0 - f_l) * v3
                            if f_l > 0.0:
                                nx_ina_n[s, xn, hi] += f_l * v1
                                nx_ina_r[s, xn, hi] += f_l * v2
                                nx_ina_c[s, xn, hi] += f_l * v3
                            lo = n + a_s if n + a_s < last_slot else last_slot
                            hi = lo + 1 if lo < last_slot else last_slot
                            v1, v2 = p_stay * cnt, gw * wm
                            v3, v4 = gr * (rm + m_credit * cwm), iv1 * sc_m
                            nx_act_n[s, xn, lo] += (1.0 - f_s) * v1
                            nx_act_w[s, xn, lo] += (1.0 - f_s) * v2
                            nx_act_r[s, xn, lo] += (1.0 - f_s) * v3
                            nx_act_c[s, xn, lo] += (1.0 - f_s) * v4
                            if f_s > 0.0:
                                nx_act_n[s, xn, hi] += f_s * v1
                                nx_act_w[s, xn, hi] += f_s * v2
                                nx_act_r[s, xn, hi] += f_s * v3
                                nx_act_c[s, xn, hi] += f_s * v4
                    earn += e_frac * row_cw
                    expo += e_frac * row_n
                    wages += e_frac * row_w
                    d_act += mq * row_n
                    pt[STATUS_ACTIVE, s, x] = row_n
                    mt[MASS_WAGE, s, x] = row_w
                    mt[MASS_CAREER, s, x] += row_r
                    mt[MASS_PAID, s, x] += row_c
                    if retire:
                        wages_row = (spread_m, spread_c, floor, ceiling, wage_sigma)
                        a1, b1, c1, d1, g1_ = award_row(leave_n, leave_r, leave_c, top, a_l, f_l,
                                                         acc, minp, old_age_min_slot,
                                                         final_salary, wages_row)
                        a2, b2, c2, d2, g2_ = award_row(stay_n, stay_r, stay_c, top, a_s, f_s,
                                                         acc, minp, old_age_min_slot,
                                                         final_salary, wages_row)
                        oa_new += a1 + a2
                        oa_new_p += b1 + b2
                        ref_n += c1 + c2
                        ref_r += d1 + d2
                        ref_c += g1_ + g2_
                        a1, b1, _, _, _ = award_row(leave_n, leave_r, leave_c, top, a_l, f_l, acc,
                                                    minp, r_min, final_salary, wages_row)
                        a2, b2, _, _, _ = award_row(stay_n, stay_r, stay_c, top, a_s, f_s, acc,
                                                    minp, r_min, final_salary, wages_row)
                        oa_r += a1 + a2
                        oa_r_p += b1 + b2
                        for n in range(top):
                            n_retire += leave_n[n] + stay_n[n]
                    else:
                        ina_used = min(top + a_l + (1 if f_l > 0.0 else 0), last_slot + 1)
                        act_used = min(top + a_s + (1 if f_s > 0.0 else 0), last_slot + 1)
                        if ina_used > nx_top_ina[s, xn]:
                            nx_top_ina[s, xn] = ina_used
                        if act_used > nx_top_act[s, xn]:
                            nx_top_act[s, xn] = act_used

                # ---------------- inactive insured ----------------
                top = top_ina[s, x]
                if top > 0:
                    row_n = 0.0
                    row_r = 0.0
                    p_back = 0.0 if retire else (1.0 - mq) * back_rate
                    p_rest = (1.0 - mq) - p_back
                    ew = entrant_wage[t, s, xn]
                    # no wage: the careers' spread (minimum pension) is the entrant wage's
                    cew = 0.0 if minp <= 0.0 else capped_mean_logs(
                        ew, floor, ceiling, log_floor, log_ceiling, wage_sigma)
                    # covered for invalidity to the pension age (invalidity.py)
                    mi_i = mi if ina_cover > 0.0 and x < pa else 0.0
                    early_cnt = 0.0
                    row_i = 0.0  # the invalid
                    row_c = 0.0
                    for n in range(top):
                        cnt = ina_n[s, x, n]
                        rm = ina_r[s, x, n]
                        cm = ina_c[s, x, n]
                        ina_n[s, x, n] = ina_r[s, x, n] = ina_c[s, x, n] = 0.0  # (as actives)
                        if cnt == 0.0:
                            if retire:
                                stay_n[n] = stay_r[n] = stay_c[n] = 0.0
                            continue
                        row_n += cnt
                        row_r += rm
                        row_c += cm
                        # pension base: career mass, or years x last wage (final salary)
                        if final_salary is not None:
                            ib = rm * n
                        else:
                            ib = rm
                        if n >= survivor_min_slot:  # no service while inactive
                            surv_deaths += mq * cnt
                            surv_mass += mq * acc * ib
                        else:
                            lump_mass += mq * acc * ib
                        # invalid with a pension on their own record (qv: the chance)
                        qv, pv = inactive_invalidity(
                            cnt, ib, n, mi_i, invalidity_min_slot,
                            (acc, inv_credit, y_inv, n, invalidity_minimum_rate, minp),
                            (ew, cew, floor, ceiling, wage_sigma))
                        inv_n += qv * cnt
                        inv_p += pv
                        row_i += qv * cnt
                        live = (1.0 - mq) - qv  # alive and not invalid at the year end
                        if retire:
                            stay_n[n] = live * cnt
                            stay_r[n] = live * rm
                            stay_c[n] = live * cm
                            spread_m[n] = ew
                            spread_c[n] = cew
                        elif any_early is not None and ey > 0 and n >= ey:
                            # retirement at any age with the service condition
                            a1, b1, c1, d1, g1_, e1 = award_split(
                                live * cnt, live * rm, live * cm, n, 0.0, True,
                                acc, minp, old_age_min_slot, final_salary,
                                (ew, cew, floor, ceiling, wage_sigma), NO_AWARDS)
                            oa_new += a1
                            oa_new_p += b1
                            ref_n += c1
                            ref_r += d1
                            ref_c += g1_
                            n_retire += e1
                            early_cnt += cnt
                            if n >= r_min:  # (no more service while inactive)
                                oa_r += a1
                                oa_r_p += b1
                        else:
                            # service does not move while inactive; the invalid leave
                            pb = p_back - qv * back_rate
                            pr = p_rest - qv * (1.0 - back_rate)
                            if qv > 0.0:
                                n_back -= qv * back_rate * cnt  # (n_back: from p_back below)
                            back = pb * cnt
                            nx_act_n[s, xn, n] += back
                            nx_act_w[s, xn, n] += ew * back
                            nx_act_r[s, xn, n] += pb * rv1 * rm
                            nx_ina_n[s, xn, n] += pr * cnt
                            nx_ina_r[s, xn, n] += pr * rv1 * rm
                            nx_act_c[s, xn, n] += pb * iv1 * cm
                            nx_ina_c[s, xn, n] += pr * iv1 * cm
                    d_ina += mq * row_n
                    pt[STATUS_INACTIVE, s, x] = row_n
                    mt[MASS_CAREER, s, x] += row_r
                    mt[MASS_PAID, s, x] += row_c
                    if retire:
                        a1, b1, c1, d1, g1_ = award_row(stay_n, stay_r, stay_c, top, SLOT0, 0.0,
                                                         acc, minp, old_age_min_slot, final_salary,
                                                         (spread_m, spread_c, floor, ceiling,
                                                          wage_sigma))
                        oa_new += a1
                        oa_new_p += b1
                        ref_n += c1
                        ref_r += d1
                        ref_c += g1_
                        n_retire += (1.0 - mq) * row_n - row_i
                        a1, b1, _, _, _ = award_row(stay_n, stay_r, stay_c, top, SLOT0, 0.0,
                                                    acc, minp, r_min, final_salary,
                                                    (spread_m, spread_c, floor, ceiling,
                                                     wage_sigma))
                        oa_r += a1
                        oa_r_p += b1
                    else:
                        n_back += p_back * (row_n - early_cnt)
                        if p_rest > 0.0 and top > nx_top_ina[s, xn]:
                            nx_top_ina[s, xn] = top
                        if p_back > 0.0 and top > nx_top_act[s, xn]:
                            nx_top_act[s, xn] = top

                # ---------------- pensioners ----------------
                fs = funeral_months / 12.0
                paid, d_oa, m_oa = pensions_of_year(oa_n, oa_p, nx_oa_n, nx_oa_p, s, x, xn, qd,
                                                    ix, KEEP)
                ft[s, FLOW_OLD_AGE] += paid
                grants = max(fs * m_oa, grant_min * d_oa) if d_oa > 0.0 else 0.0
                paid, d_iv, m_iv = pensions_of_year(iv_n, iv_p, nx_iv_n, nx_iv_p, s, x, xn,
                                                    qdis, ix, KEEP)
                ft[s, FLOW_INVALIDITY] += paid
                if d_iv > 0.0:
                    grants += max(fs * m_iv, grant_min * d_iv)
                paid, d_sp, _ = pensions_of_year(sp_n, sp_p, nx_sp_n, nx_sp_p, s, x, xn, qd, ix,
                                                 KEEP)
                ft[s, FLOW_SPOUSE] += paid
                keep = xn < orphan_age_limit
                paid, d_or, _ = pensions_of_year(or_n, or_p, nx_or_n, nx_or_p, s, x, xn, qd, ix,
                                                 keep)
                ft[s, FLOW_ORPHAN] += paid
                if not keep:
                    ft[s, FLOW_ORPHANS_EXPIRED] += or_n[s, x] - d_or
                paid, d_os, m_os = pensions_of_year(os_n, os_p, nx_os_n, nx_os_p, s, x, xn, qd,
                                                    ix, KEEP)
                ft[s, FLOW_OLD_AGE] += paid
                if d_os > 0.0:
                    grants += max(fs * m_os, grant_min * d_os)
                    lump_mass += m_os  # their survivors get the lump sum
                d_pen = d_oa + d_iv + d_sp + d_or + d_os
                surv_deaths += d_oa + d_iv
                surv_mass += m_oa + m_iv

                # ---------------- this (sex, age): totals ----------------
                add_flows(ft, s, (dens * earn, rate * pay * dens * earn, dens * expo,
                                  dens * wages, d_act, d_ina, d_pen, n_exit, n_back, grants,
                                  anyone * lump_sum_months / 12.0 * lump_mass))
                if inv_n > 0.0:
                    ft[s, FLOW_NEW_INVALIDITY] += inv_n
                    ft[s, FLOW_NEW_INVALIDITY_AMOUNT] += inv_p
                    # from the date of invalidity: mid-year, or mid-way to the birthday
                    ft[s, FLOW_INVALIDITY] += (1.0 - 0.5 * h) * inv_p
                    nx_iv_n[s, xn] += inv_n
                    nx_iv_p[s, xn] += inv_p * (1.0 + ix)
                if n_retire > 0.0:
                    ft[s, FLOW_RETIREMENTS] += n_retire
                    ft[s, FLOW_NEW_OLD_AGE] += oa_new
                    ft[s, FLOW_NEW_OLD_AGE_AMOUNT] += oa_new_p
                    ft[s, FLOW_REFUNDS_PAID] += ref_n
                    ft[s, FLOW_REFUND] += below_factor * ref_r + refunded * ref_c
                    # awarded on the birthday: paid the rest of the year, indexed at its end
                    # (h = 1: on 1 January next); below the survivors' condition apart
                    ft[s, FLOW_OLD_AGE] += (1.0 - h) * oa_new_p
                    g = (1.0 + ix) if h < 1.0 else 1.0
                    nx_oa_n[s, xn] += oa_r
                    nx_oa_p[s, xn] += oa_r_p * g
                    nx_os_n[s, xn] += oa_new - oa_r
                    nx_os_p[s, xn] += (oa_new_p - oa_r_p) * g
                surv_d[s, x] = surv_deaths
                surv_m[s, x] = surv_mass

        # ---------------- survivors of this year's deaths ----------------
        for s in range(n_sex):
            for x in range(n_age):
                if surv_d[s, x] > 0.0:
                    add_survivors(
                        nx_sp_n, nx_sp_p, nx_or_n, nx_or_p, ft, s, x, surv_d[s, x],
                        surv_m[s, x], ix, share_married, child_probability, children,
                        spouse_age_gap, orphan_age_limit, parent_child_gap, survivor_rate,
                        spouse_share, children_share,
                    )

        # ---------------- new entrants on 1 January of t+1 ----------------
        add_entrants(ft, nx_act_n, nx_act_w, nx_top_act, target_actives[t],
                     entrant_distribution[t], entrant_wage[t])

        # swap buffers: next year's state becomes current
        act_n, nx_act_n = nx_act_n, act_n
        act_w, nx_act_w = nx_act_w, act_w
        act_r, nx_act_r = nx_act_r, act_r
        act_c, nx_act_c = nx_act_c, act_c
        ina_n, nx_ina_n = nx_ina_n, ina_n
        ina_r, nx_ina_r = nx_ina_r, ina_r
        ina_c, nx_ina_c = nx_ina_c, ina_c
        top_act, nx_top_act = nx_top_act, top_act
        top_ina, nx_top_ina = nx_top_ina, top_ina
        oa_n, nx_oa_n = nx_oa_n, oa_n
        oa_p, nx_oa_p = nx_oa_p, oa_p
        os_n, nx_os_n = nx_os_n, os_n
        os_p, nx_os_p = nx_os_p, os_p
        iv_n, nx_iv_n = nx_iv_n, iv_n
        iv_p, nx_iv_p = nx_iv_p, iv_p
        sp_n, nx_sp_n = nx_sp_n, sp_n
        sp_p, nx_sp_p = nx_sp_p, sp_p
        or_n, nx_or_n = nx_or_n, or_n
        or_p, nx_or_p = nx_or_p, or_p

    return flows, people, masses
