"""A vectorised numpy reference of the projection year step (the oracle of the kernel).

Written the way most Python actuarial models are: whole arrays per year, no loops over
cells. It follows the conventions stated in :mod:`actuary.engine.kernels` but shares no code
with it (only the index constants of :mod:`actuary.engine.state`). The benchmarks also use it
as the baseline the kernel's speed is reported against.
"""

from __future__ import annotations

import math

import numpy as np

from actuary.engine import state as S
from actuary.engine.basis import Basis
from actuary.engine.records import KernelInputs, kernel_inputs

_erf = np.frompyfunc(math.erf, 1, 1)


def _phi(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + _erf(z / math.sqrt(2.0)).astype(np.float64))


def capped_mean_np(mean: np.ndarray, floor: float, ceiling: float, sigma: float) -> np.ndarray:
    """Vectorised E[min(max(W, floor), ceiling)] for lognormal W (see the kernel)."""
    mean = np.asarray(mean, dtype=np.float64)
    out = np.zeros_like(mean)
    pos = mean > 0
    m = mean[pos]
    if sigma <= 0:
        w = np.maximum(m, floor)
        if ceiling > 0:
            w = np.minimum(w, ceiling)
        out[pos] = w
        return out
    mu = np.log(m) - 0.5 * sigma**2
    res = np.zeros_like(m)
    lower = np.zeros_like(m)
    if floor > 0:
        d_f = (math.log(floor) - mu) / sigma
        res += floor * _phi(d_f)
        lower = _phi(d_f - sigma)
    upper = np.ones_like(m)
    if ceiling > 0:
        d_c = (math.log(ceiling) - mu) / sigma
        res += ceiling * (1 - _phi(d_c))
        upper = _phi(d_c - sigma)
    out[pos] = res + m * (upper - lower)
    return out


# ---- minimum pension, member by member (issue 13, rule 6) ----
def _capped_mean_floors(mean, floor, ceiling: float, sigma: float) -> np.ndarray:
    """E[min(max(W, floor), ceiling)] for lognormal W with floors given element by element."""
    mean, floor = np.broadcast_arrays(np.asarray(mean, float), np.asarray(floor, float))
    out = np.zeros(mean.shape)
    pos = mean > 0
    m, f = mean[pos], floor[pos]
    mu = np.log(m) - 0.5 * sigma**2
    with np.errstate(divide="ignore"):
        d_f = np.where(f > 0, (np.log(np.where(f > 0, f, 1.0)) - mu) / sigma, -np.inf)
    res = np.where(f > 0, f * _phi(d_f), 0.0)
    lower = np.where(f > 0, _phi(d_f - sigma), 0.0)
    upper = np.ones_like(m)
    if ceiling > 0:
        d_c = (math.log(ceiling) - mu) / sigma
        res = res + ceiling * (1 - _phi(d_c))
        upper = _phi(d_c - sigma)
    out[pos] = res + m * (upper - lower)
    return out


def with_minimum_np(mass, count, minp: float, mean, floor: float, ceiling: float,
                    sigma: float) -> np.ndarray:
    """Pension masses of ``count`` members raised to at least ``minp`` each, a member's
    pension being the average times his capped wage over the capped mean of the lognormal
    of mean ``mean``: E[max(minp, k c(W))] = k E[min(max(W, max(floor, minp / k)), ceiling)]."""
    mass, count, mean = np.broadcast_arrays(*(np.asarray(a, float) for a in (mass, count, mean)))
    at_min = minp * count
    if minp <= 0:
        return mass.copy()
    plain = np.maximum(mass, at_min)
    if sigma <= 0:
        return plain
    cw = capped_mean_np(mean, floor, ceiling, sigma)
    ok = (count > 0) & (mass > 0) & (cw > 0)
    out = np.where(count > 0, plain, mass)
    k = np.where(ok, mass / np.where(ok, count * cw, 1.0), 0.0)
    t = np.where(ok, minp / np.where(ok, k, 1.0), 0.0)
    raised = count * k * _capped_mean_floors(mean, np.maximum(t, floor), ceiling, sigma)
    out = np.where(ok & (t > floor), raised, out)
    out = np.where(ok & (t <= floor), mass, out)
    if ceiling > 0:
        out = np.where(ok & (t >= ceiling), at_min, out)
    return out


def _shift_age(a: np.ndarray) -> np.ndarray:
    """Move everything one age up along axis 1 (the last age keeps its own)."""
    out = np.zeros_like(a)
    out[:, 1:] = a[:, :-1]
    out[:, -1] += a[:, -1]
    return out


def _advance(a: np.ndarray, f: np.ndarray | float) -> np.ndarray:
    """Split along the service axis (last): a share f moves to the next completed year."""
    f = np.broadcast_to(f, a.shape)
    out = (1 - f) * a
    moved = f * a
    out[..., 1:] += moved[..., :-1]
    out[..., -1] += moved[..., -1]
    return out


def _advance_keep(a: np.ndarray, f: float, keep0: np.ndarray, keep1: np.ndarray) -> np.ndarray:
    """:func:`_advance` of only the parts that stay members: the share ``1 - f`` where
    ``keep0`` (by service slot) and the share ``f`` moving up where ``keep1``."""
    out = (1 - f) * a * keep0
    moved = f * a * keep1
    out[..., 1:] += moved[..., :-1]
    out[..., -1] += moved[..., -1]
    return out


def _slots_up(a: np.ndarray, k: int) -> np.ndarray:
    """Move everything ``k`` service slots up along the last axis (the last keeps its own)."""
    if k == 0:
        return a
    out = np.zeros_like(a)
    out[..., k:] = a[..., :-k]
    out[..., -1] += a[..., -k:].sum(axis=-1)
    return out


def _whole_and_share(adv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An advance of ``adv`` slots (by age) as whole slots and a share of one more."""
    a = np.floor(adv + 1e-12)
    f = adv - a
    return a.astype(np.int64), np.where(f < 1e-12, 0.0, f)


def _move(x: np.ndarray, a: np.ndarray, f: np.ndarray) -> np.ndarray:
    """``x [sex, age, service]`` moved ``a[age]`` slots up and a share ``f[age]`` one more."""
    out = np.zeros_like(x)
    for k in np.unique(a):
        sel = (a == k)[None, :, None]
        part = np.where(sel, x, 0.0)
        fk = f[None, :, None]
        out += _slots_up((1 - fk) * part, int(k)) + _slots_up(fk * part, int(k) + 1)
    return out


def _meets(serv: np.ndarray, a: np.ndarray, f: np.ndarray, min_slot: int) -> np.ndarray:
    """Share ``[age, service]`` meeting a condition of ``min_slot`` after ``a + f`` slots."""
    lo = serv[None, :] + a[:, None]
    return (1 - f[:, None]) * (lo >= min_slot) + f[:, None] * (lo + 1 >= min_slot)


def project_reference(inputs: KernelInputs | Basis) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Same outputs as :func:`actuary.engine.projection.run_kernel`, computed with numpy from
    the same records (:class:`actuary.engine.records.KernelInputs`; a Basis is turned into
    them first)."""
    if isinstance(inputs, Basis):
        inputs = kernel_inputs(inputs)
    r, p, d, st = inputs.rules, inputs.paths, inputs.decrements, inputs.start
    final = inputs.final_salary is not None
    T = r.contribution_rate.shape[0]
    n_sex, n_age, n_serv = st.active_count.shape
    ages = np.arange(n_age)
    serv = np.arange(n_serv)
    flows = np.zeros((T, n_sex, S.N_FLOWS))
    people = np.zeros((T + 1, S.N_STATUS, n_sex, n_age))
    masses = np.zeros((T + 1, S.N_MASS, n_sex, n_age))

    an, aw, ar = st.active_count.copy(), st.active_wage.copy(), st.active_career.copy()
    inn, inr = st.inactive_count.copy(), st.inactive_career.copy()
    ac, ic = st.active_paid.copy(), st.inactive_paid.copy()  # contributions paid
    oan, oap = st.old_age_count.copy(), st.old_age_pension.copy()
    # old-age pensioners below the survivors' condition (their survivors: a lump sum)
    osn, osp = np.zeros_like(oan), np.zeros_like(oap)
    if r.pensioners_short:
        oan, osn, oap, osp = osn, oan, osp, oap
    ivn, ivp = st.invalidity_count.copy(), st.invalidity_pension.copy()
    spn, spp = st.spouse_count.copy(), st.spouse_pension.copy()
    orn, orp = st.orphan_count.copy(), st.orphan_pension.copy()

    def snapshot(t: int) -> None:
        people[t, S.STATUS_ACTIVE] = an.sum(axis=2)
        people[t, S.STATUS_INACTIVE] = inn.sum(axis=2)
        people[t, S.STATUS_OLD_AGE] = oan + osn
        people[t, S.STATUS_INVALIDITY] = ivn
        people[t, S.STATUS_SPOUSE] = spn
        people[t, S.STATUS_ORPHAN] = orn
        masses[t, S.MASS_WAGE] = aw.sum(axis=2)
        masses[t, S.MASS_OLD_AGE] = oap + osp
        masses[t, S.MASS_INVALIDITY] = ivp
        masses[t, S.MASS_SPOUSE] = spp
        masses[t, S.MASS_ORPHAN] = orp
        masses[t, S.MASS_CAREER] = ar.sum(axis=2) + inr.sum(axis=2)
        masses[t, S.MASS_PAID] = ac.sum(axis=2) + ic.sum(axis=2)

    last = ages == n_age - 1
    for t in range(T):
        snapshot(t)
        F = flows[t]
        ey = int(r.early_years[t])
        # the grant (months of the last wage), or the refund of the contributions paid
        below_factor = r.grant_months[t] / 12.0 if final else 0.0
        refunded = 0.0 if final else r.refund_share
        iv1 = 1 + r.refund_interest[t]
        rate, pay, dens = r.contribution_rate[t], r.contribution_factor[t], p.density[t]
        credit = dens * r.credit_factor[t]
        acc, minp, ix = r.accrual_rate[t], r.minimum_pension[t], p.indexation[t]
        rv1, g1 = 1 + p.revaluation[t], 1 + p.wage_growth[t]
        retire = np.minimum(ages + 1, n_age - 1) >= r.pension_age[t]  # by age x (attained x+1)
        # the share of the year members are members: to the birthday of the pension age
        h = np.where(retire, r.before_pension, 1.0)  # [age]
        H = h[None, :, None]
        CR = credit * H  # the credit of the part of the year
        # service slots moved by stayers and leavers, and at a death or an invalidity
        # (months paid: half a year's; credited years: none, tested on 1 January)
        paid = r.paid_slots_a_year > 0
        adv = h * (dens * pay * r.paid_slots_a_year if paid else credit)  # [age]
        a_s, f_s = _whole_and_share(adv)
        a_l, f_l = _whole_and_share(0.5 * adv)
        a_e, f_e = (a_l, f_l) if paid else (np.zeros(n_age, np.int64), np.zeros(n_age))
        qd = np.where(last, 1.0, d.mortality[t])  # [sex, age]
        qi = np.where(last, 0.0, d.invalidity[t])
        qw = np.where(last, 0.0, d.exit[t])
        qdis = np.where(last, 1.0, d.disabled_mortality[t])
        back_rate = np.where(last, 0.0, d.reentry[t])

        # ---- actives ----
        with np.errstate(invalid="ignore", divide="ignore"):
            w = np.where(an > 0, aw / an, 0.0)
            rpp = np.where(an > 0, ar / an, 0.0)
        cw = capped_mean_np(w, r.wage_floor[t], r.wage_ceiling[t], p.wage_sigma)
        QD, QI, QW = (qd * h)[..., None], (qi * h)[..., None], (qw * h)[..., None]
        exposure = an * H * (1 - 0.5 * (QD + QI + QW))
        earn = (dens * cw * exposure).sum(axis=(1, 2))
        F[:, S.FLOW_EARNINGS] += earn
        F[:, S.FLOW_CONTRIBUTIONS] += rate * pay * earn
        F[:, S.FLOW_EXPOSURE] += dens * exposure.sum(axis=(1, 2))
        F[:, S.FLOW_WAGE_MASS] += (dens * w * exposure).sum(axis=(1, 2))
        half_r = rpp + 0.5 * CR * cw
        # per-person pension base at mid-year, of a leaver, of a stayer at the year end
        if final:
            half_b, leave_b, stay_b = (serv + 0.5 * CR) * cw, cw, cw
        else:
            half_b, leave_b, stay_b = half_r, half_r, rpp + CR * cw
        deaths = an * QD
        F[:, S.FLOW_DEATHS_ACTIVE] += deaths.sum(axis=(1, 2))
        surv_ok = _meets(serv, a_e, f_e, r.survivor_min_slot)
        dead_pension = deaths * acc * half_b
        surv_deaths = (surv_ok * deaths).sum(axis=2)
        surv_mass = (surv_ok * dead_pension).sum(axis=2)
        lump_mass = ((1 - surv_ok) * dead_pension).sum(axis=2)

        inval = an * QI
        inv_ok = _meets(serv, a_e, f_e, r.invalidity_min_slot)
        ref_years = serv + 0.5 * CR
        # credited years to the pension age (issue 13, rule 7a): from mid-way through the
        # part of the year, members being x + 1/2 on 1 January
        y_left = np.maximum(r.pension_age[t] - ages - 0.5 - 0.5 * h, 0.0)[None, :, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            credit_ratio = np.where(ref_years > 0, y_left / ref_years, 0.0)
        p_inv = acc * (1 + r.invalidity_credited_share * credit_ratio) * half_b
        with np.errstate(invalid="ignore", divide="ignore"):
            p_floor = np.where(ref_years > 0, r.invalidity_minimum_rate * half_b / ref_years, 0)
        p_inv = np.maximum(p_inv, p_floor)  # the minimum pension: member by member
        # leavers with the condition invalid during their cover (rule 7b), in the year; with
        # the inactives covered to the pension age, from the leaving to the year end
        cover = 0.5 * H if r.inactive_invalidity > 0 else r.invalidity_cover_years
        covered = an * QW * (qi[..., None] * np.minimum(cover, y_left))
        inval = inval + covered  # (with pensions for the share inv_ok meeting the condition)
        inv_mass = with_minimum_np(inval * p_inv, inval, minp, w, r.wage_floor[t],
                                   r.wage_ceiling[t], p.wage_sigma)
        new_inv_n = (inv_ok * inval).sum(axis=2)
        new_inv_p = (inv_ok * inv_mass).sum(axis=2)
        leave = an * QW - inv_ok * covered + (1 - inv_ok) * (inval - covered)
        F[:, S.FLOW_EXITS] += leave.sum(axis=(1, 2))
        stay = an - an * QD - an * QI - an * QW
        full_r = rpp + CR * cw
        # contributions paid by a member at the year end (stayers) and at leaving
        with np.errstate(invalid="ignore", divide="ignore"):
            cpp = np.where(an > 0, ac / an, 0.0)
        kc = r.contribution_rate[t] * r.contribution_factor[t] * dens * H * cw
        stay_c, leave_c = cpp + kc, cpp + 0.5 * kc

        # members who stay active, leave to inactive, or retire at the end of the year
        R = retire[None, :, None] * np.ones((n_sex, 1, 1))
        nr = 1 - R
        # retirement at any age: below the pension age, a share whose service at the end
        # of the year is at least ey retires (keep0: the share keeping n years stays a
        # member; keep1: the share reaching n + 1)
        keep0 = np.ones(n_serv) if ey <= 0 else (serv < ey).astype(float)
        keep1 = np.ones(n_serv) if ey <= 0 else (serv + 1 < ey).astype(float)
        if ey > 0:  # (credited years only)
            new_an = _shift_age(_advance_keep(stay * nr, CR, keep0, keep1))
            new_aw = _shift_age(_advance_keep(stay * nr * w * g1 * p.salary_growth[..., None],
                                              CR, keep0, keep1))
            new_ar = _shift_age(_advance_keep(stay * nr * full_r * rv1, CR, keep0, keep1))
            new_in = _shift_age(_advance_keep(leave * nr, 0.5 * CR, keep0, keep1))
            new_ir = _shift_age(_advance_keep(leave * nr * leave_b * rv1, 0.5 * CR, keep0,
                                              keep1))
            new_ac = _shift_age(_advance_keep(stay * nr * stay_c * iv1, CR, keep0, keep1))
            new_ic = _shift_age(_advance_keep(leave * nr * leave_c * iv1, 0.5 * CR, keep0,
                                              keep1))
        else:
            new_an = _shift_age(_move(stay * nr, a_s, f_s))
            new_aw = _shift_age(_move(stay * nr * w * g1 * p.salary_growth[..., None], a_s,
                                      f_s))
            new_ar = _shift_age(_move(stay * nr * full_r * rv1, a_s, f_s))
            new_in = _shift_age(_move(leave * nr, a_l, f_l))
            new_ir = _shift_age(_move(leave * nr * leave_b * rv1, a_l, f_l))
            new_ac = _shift_age(_move(stay * nr * stay_c * iv1, a_s, f_s))
            new_ic = _shift_age(_move(leave * nr * leave_c * iv1, a_l, f_l))

        # retirements: each group keeps a share (1 - f) of its service slot and moves f to
        # the next one; the minimum pension applies to each part before parts are merged.
        # Parts are (count, pension base, completed years, gross mean wage for the minimum,
        # contributions paid).
        up = np.minimum(serv + 1, n_serv)
        ret_parts = []
        for cnt, base, f, a, fa, cb in ((stay, stay_b, CR, a_s, f_s, stay_c),
                                        (leave, leave_b, 0.5 * CR, a_l, f_l, leave_c)):
            at = serv[None, None, :] + a[None, :, None]  # slots at the pension age
            fa = fa[None, :, None]
            for part, years in (((1 - fa) * cnt * R, at), (fa * cnt * R, at + 1)):
                ret_parts.append((part, part * base, years, w, part * cb))
            if ey > 0:
                for part, years in (((1 - f) * cnt * nr * (1 - keep0), serv),
                                    (f * cnt * nr * (1 - keep1), up)):
                    ret_parts.append((part, part * base, years, w, part * cb))

        # ---- inactives ----
        with np.errstate(invalid="ignore", divide="ignore"):
            irpp = np.where(inn > 0, inr / inn, 0.0)
            icpp = np.where(inn > 0, ic / inn, 0.0)
        ideaths = inn * QD
        F[:, S.FLOW_DEATHS_INACTIVE] += ideaths.sum(axis=(1, 2))
        ibase = irpp * serv if final else irpp  # a member's pension base
        idp = ideaths * acc * ibase
        surv_in = serv >= r.survivor_min_slot  # inactives pay no more months
        surv_deaths += np.where(surv_in, ideaths, 0).sum(axis=2)
        surv_mass += np.where(surv_in, idp, 0).sum(axis=2)
        lump_mass += np.where(surv_in, 0, idp).sum(axis=2)
        # covered for invalidity to the pension age: the condition on their own slot, the
        # pension on their own base and credited years (frozen), the minimum member by
        # member through the entrant wage's spread (next year's, as their old-age awards)
        ew_next = np.zeros((n_sex, n_age))
        ew_next[:, :-1] = p.entrant_wage[t][:, 1:]
        ew_next[:, -1] = p.entrant_wage[t][:, -1]
        covered_i = (r.inactive_invalidity > 0) & (ages < r.pension_age[t])  # [age]
        i_inval = inn * (qi * h * covered_i)[..., None] * (serv >= r.invalidity_min_slot)
        with np.errstate(invalid="ignore", divide="ignore"):
            i_ratio = np.where(serv > 0, y_left / np.where(serv > 0, serv, 1), 0.0)
            i_floor = np.where(serv > 0, r.invalidity_minimum_rate / np.where(serv > 0, serv, 1),
                               0.0)
        i_rate = np.maximum(acc * (1 + r.invalidity_credited_share * i_ratio), i_floor)
        i_mass = with_minimum_np(i_inval * i_rate * ibase, i_inval, minp, ew_next[..., None],
                                 r.wage_floor[t], r.wage_ceiling[t], p.wage_sigma)
        new_inv_n += i_inval.sum(axis=2)
        new_inv_p += np.where(i_inval > 0, i_mass, 0.0).sum(axis=2)
        alive = inn - ideaths - i_inval
        early = np.zeros(n_serv) if ey <= 0 else (serv >= ey).astype(float)
        staying = nr * (1 - early)  # below the pension age and not retiring early
        back = alive * back_rate[..., None] * staying
        rest = (alive - alive * back_rate[..., None]) * staying
        F[:, S.FLOW_REENTRIES] += back.sum(axis=(1, 2))
        new_an += _shift_age(back)
        new_aw += _shift_age(back * ew_next[..., None])
        new_ar += _shift_age(back * irpp * rv1)
        new_in += _shift_age(rest)
        new_ir += _shift_age(rest * irpp * rv1)
        new_ac += _shift_age(back * icpp * iv1)
        new_ic += _shift_age(rest * icpp * iv1)
        retiring = alive * (R + nr * early)
        # inactives: the spread of the entrant wage of their sex and age (next year's)
        ret_parts.append((retiring, retiring * irpp, serv, ew_next[..., None], retiring * icpp))

        oa_new = np.zeros((n_sex, n_age))
        oa_new_p = np.zeros((n_sex, n_age))
        oa_r = np.zeros((n_sex, n_age))  # with the survivors' condition too
        oa_r_p = np.zeros((n_sex, n_age))
        ref_n = np.zeros((n_sex, n_age))
        ref_r = np.zeros((n_sex, n_age))
        ref_c = np.zeros((n_sex, n_age))
        n_ret = np.zeros((n_sex, n_age))
        for c_part, r_part, years, w_part, p_part in ret_parts:
            n_ret += c_part.sum(axis=2)
            ok = years >= r.old_age_min_slot
            amount = acc * r_part * years if final else acc * r_part
            pens = with_minimum_np(amount, c_part, minp, w_part, r.wage_floor[t],
                                   r.wage_ceiling[t], p.wage_sigma)
            oa_new += np.where(ok, c_part, 0).sum(axis=2)
            oa_new_p += np.where(ok, pens, 0).sum(axis=2)
            rights = ok & (years >= r.survivor_min_slot)
            oa_r += np.where(rights, c_part, 0).sum(axis=2)
            oa_r_p += np.where(rights, pens, 0).sum(axis=2)
            ref_n += np.where(ok, 0, c_part).sum(axis=2)
            ref_r += np.where(ok, 0, r_part).sum(axis=2)
            ref_c += np.where(ok, 0, p_part).sum(axis=2)
        F[:, S.FLOW_RETIREMENTS] += n_ret.sum(axis=1)
        F[:, S.FLOW_NEW_OLD_AGE] += oa_new.sum(axis=1)
        F[:, S.FLOW_NEW_OLD_AGE_AMOUNT] += oa_new_p.sum(axis=1)
        F[:, S.FLOW_REFUNDS_PAID] += ref_n.sum(axis=1)
        F[:, S.FLOW_REFUND] += below_factor * ref_r.sum(axis=1) + refunded * ref_c.sum(axis=1)

        # ---- pensioners ----
        grant_min = r.funeral_grant_minimum[t]
        months = r.funeral_months / 12.0
        d_pen = np.zeros((n_sex, n_age))
        grants = np.zeros((n_sex, n_age))
        new_oan = _shift_age(oan * (1 - qd)) + _shift_age(oa_r)
        new_osn = _shift_age(osn * (1 - qd)) + _shift_age(oa_new - oa_r)
        # awards on the birthday: paid the rest of the year, indexed at its end
        F[:, S.FLOW_OLD_AGE] += ((1 - h) * oa_new_p).sum(axis=1)
        g_new = np.where(h < 1, 1 + ix, 1.0)
        new_oap = _shift_age(oap * (1 - qd) * (1 + ix)) + _shift_age(oa_r_p * g_new)
        new_osp = _shift_age(osp * (1 - qd) * (1 + ix)) + _shift_age((oa_new_p - oa_r_p) * g_new)
        new_ivn = _shift_age(ivn * (1 - qdis)) + _shift_age(new_inv_n)
        new_ivp = _shift_age(ivp * (1 - qdis) * (1 + ix)) + _shift_age(new_inv_p * (1 + ix))
        for cnt, mass, q, flow in (
            (oan, oap, qd, S.FLOW_OLD_AGE),
            (ivn, ivp, qdis, S.FLOW_INVALIDITY),
        ):
            F[:, flow] += (mass * (1 - 0.5 * q)).sum(axis=1)
            dn, dm = cnt * q, mass * q
            d_pen += dn
            grants += np.where(dn > 0, np.maximum(months * dm, grant_min * dn), 0)
            surv_deaths += dn
            surv_mass += dm
        F[:, S.FLOW_OLD_AGE] += (osp * (1 - 0.5 * qd)).sum(axis=1)
        dn, dm = osn * qd, osp * qd
        d_pen += dn
        grants += np.where(dn > 0, np.maximum(months * dm, grant_min * dn), 0)
        lump_mass += dm  # below the survivors' condition: the lump sum
        F[:, S.FLOW_INVALIDITY] += ((1 - 0.5 * h) * new_inv_p).sum(axis=1)
        F[:, S.FLOW_NEW_INVALIDITY] += new_inv_n.sum(axis=1)
        F[:, S.FLOW_NEW_INVALIDITY_AMOUNT] += new_inv_p.sum(axis=1)
        F[:, S.FLOW_SPOUSE] += (spp * (1 - 0.5 * qd)).sum(axis=1)
        F[:, S.FLOW_ORPHAN] += (orp * (1 - 0.5 * qd)).sum(axis=1)
        d_pen += spn * qd + orn * qd
        F[:, S.FLOW_DEATHS_PENSIONER] += d_pen.sum(axis=1)
        F[:, S.FLOW_FUNERAL] += grants.sum(axis=1)
        new_spn = _shift_age(spn * (1 - qd))
        new_spp = _shift_age(spp * (1 - qd) * (1 + ix))
        keep_orphan = np.minimum(ages + 1, n_age - 1) < d.orphan_age_limit
        new_orn = _shift_age(np.where(keep_orphan, orn * (1 - qd), 0))
        new_orp = _shift_age(np.where(keep_orphan, orp * (1 - qd) * (1 + ix), 0))
        F[:, S.FLOW_ORPHANS_EXPIRED] += np.where(keep_orphan, 0, orn * (1 - qd)).sum(axis=1)

        # ---- survivors of this year's deaths ----
        married, pc = d.share_married, d.child_probability
        anyone = 1 - (1 - married) * (1 - pc)
        F[:, S.FLOW_SURVIVOR_LUMP] += (anyone * r.lump_sum_months / 12 * lump_mass).sum(
            axis=1
        )
        total = r.survivor_rate * surv_mass
        spouse_mass = total * married * (pc * r.spouse_share + (1 - pc))
        orphan_mass = total * pc * (married * r.children_share + (1 - married))
        spouse_count = surv_deaths * married
        orphan_count = surv_deaths * d.children
        if r.survivor_rate > 0:
            for s in range(n_sex):
                s2 = 1 - s
                a_sp = np.clip(ages + d.spouse_age_gap[s], 0, n_age - 1)
                a_next = np.minimum(a_sp + 1, n_age - 1)
                has = (spouse_count[s] > 0) & (surv_deaths[s] > 0)
                F[s2, S.FLOW_SPOUSE] += 0.5 * spouse_mass[s][has].sum()
                F[s2, S.FLOW_NEW_SPOUSES] += spouse_count[s][has].sum()
                np.add.at(new_spn[s2], a_next[has], spouse_count[s][has])
                np.add.at(new_spp[s2], a_next[has], spouse_mass[s][has] * (1 + ix))
                a_or = np.clip(ages - d.parent_child_gap, 0, d.orphan_age_limit - 1)
                has = (orphan_count[s] > 0) & (orphan_mass[s] > 0) & (surv_deaths[s] > 0)
                expired = a_or + 1 >= d.orphan_age_limit
                for s3 in range(2):
                    F[s3, S.FLOW_ORPHAN] += 0.25 * orphan_mass[s][has].sum()
                    F[s3, S.FLOW_NEW_ORPHANS] += 0.5 * orphan_count[s][has].sum()
                    F[s3, S.FLOW_ORPHANS_EXPIRED] += 0.5 * orphan_count[s][has & expired].sum()
                    live = has & ~expired
                    np.add.at(new_orn[s3], a_or[live] + 1, 0.5 * orphan_count[s][live])
                    np.add.at(new_orp[s3], a_or[live] + 1, 0.5 * orphan_mass[s][live] * (1 + ix))

        # ---- new entrants ----
        target = p.target_actives[t]
        if target >= 0:
            need = target - new_an.sum()
            if need > 0:
                e = need * p.entrant_distribution[t]
                F[:, S.FLOW_ENTRANTS] += e.sum(axis=1)
                new_an[:, :, 0] += e
                new_aw[:, :, 0] += e * p.entrant_wage[t]

        an, aw, ar, inn, inr = new_an, new_aw, new_ar, new_in, new_ir
        ac, ic = new_ac, new_ic
        oan, oap, ivn, ivp = new_oan, new_oap, new_ivn, new_ivp
        osn, osp = new_osn, new_osp
        spn, spp, orn, orp = new_spn, new_spp, new_orn, new_orp

    snapshot(T)
    return flows, people, masses
