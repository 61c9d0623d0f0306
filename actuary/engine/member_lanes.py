"""The member-level kernel's state layout and its loops over the lanes of a block
(inlined into :func:`actuary.engine.member_kernel._value_block`).

A slot's year is up to three loops over the lanes, each run only where it has work:

* :func:`step_lanes`, always: contributions, deaths, and the career earnings of next
  year's slots;
* :func:`paid_lanes`, only in the slots below the old-age condition: the contributions
  paid (the base of a refund). Members only move up the slots, so a member at or above
  the condition is never refunded and what he paid is never read again: the loop is
  skipped there (most slots: the NSSF's 12 months are the third of eleven), which is
  about a third of the lanes' arithmetic and stores;
* :func:`invalidity_lanes`, only in the slots with the invalidity condition: the
  invalidity pensions of the year, run before :func:`step_lanes` overwrites the careers.

Each loop reads and writes the lane rows at the same offsets, so that LLVM vectorises it
without checks of overlap at run time; offsets are unsigned (numba wraps negative
indices, which keeps LLVM from vectorising).
"""

from __future__ import annotations

import numba
import numpy as np

from actuary.engine import jitopt  # noqa: F401 (before any decoration: see actuary.engine)

from actuary.engine.member_columns import BRANCHES, LANES
from actuary.engine.member_terms import slot_money

__all__ = ["BRANCHES", "invalidity_lanes", "paid_lanes", "step_lanes"]

# Columns of the branch totals (their names: BRANCHES).
_B_CONTRIB, _B_OLD, _B_INV, _B_SURV, _B_LUMP, _B_FUN, _B_REF, _B_ADL = range(8)

# A block's state. Per slot, shared by the lanes: the probabilities of being active and
# inactive, and the money linear in the member's own starting wage w, career C and
# contributions paid P (wage mass w x _WU + _WC; accrued careers C x _PU, active, and
# C x _IPU, inactive; contributions paid by the valuation date P x _QU and P x _IQU).
_CA, _CI, _WU, _WC, _PU, _IPU, _QU, _IQU = range(8)
_N_SLOT = 8
# Per slot, one lane per member: the career earnings and the contributions paid (the
# base of refunds) of the actives and the inactives.
_MR, _IR, _MC, _IC = range(4)
_N_MONEY = 4
# Per lane: the member's starting wage and career, the year's invalidity pensions (all
# and accrued), the carries into the next slot, the awards at the pension age, and the
# member's present values (_OUT + branch).
# (_C_* into the next slot, _C2_* into the one after: a year of contributions moves two
# slots of months paid; _P0 the member's contributions paid by the valuation date)
(_W0, _K0, _P0, _INVP, _INVPP, _C_AR, _C_IR, _C_AC, _C_IC, _C2_AR, _C2_IR, _C2_AC, _C2_IC,
 _AW1, _AW2, _AW3, _AW4, _AW5, _AW6) = range(19)
_OUT = 19
_N_LANE = _OUT + 8


@numba.njit(cache=True, nogil=True, inline="always")
def step_lanes(money, lane, width, offs, slot, moves, k_contrib, deaths, credit):
    """A slot's year for every lane: contributions and deaths (survivors' pensions and
    lump sums, by the shares ``deaths`` of the actives and inactives meeting the
    condition) added to the lanes' rows, and the career earnings of next year's slot (in
    place, the parts that move one and two slots up carried in ``_C_AR``/``_C_IR`` and
    ``_C2_AR``/``_C2_IR``). ``slot`` holds the slot's terms of
    :func:`actuary.engine.member_terms.slot_money` after the lane's own (``wu ..
    half_f``), ``moves`` the shares of the careers of leavers and stayers kept in the slot
    and moved one and two slots up, and of inactives staying and coming back, per unit of
    this year's; ``offs`` the offsets of the slot's careers (active, inactive) in
    ``money``; ``credit`` the share of the year's wage credited to the career."""
    wu, wc, pua, af, fl, ce, half_f = slot
    keep_l, up_l, up2_l, keep_r, up_r, up2_r, r_rest, r_back = moves
    k_surv_a, k_lump_a, k_surv_i, k_lump_i = deaths
    o_r, o_ir = offs
    u = np.uint64
    L = LANES
    o_surv, o_lump = u((_OUT + _B_SURV) * L), u((_OUT + _B_LUMP) * L)
    o_contrib = u((_OUT + _B_CONTRIB) * L)
    o_w0 = u(_W0 * L)
    o_car, o_cir = u(_C_AR * L), u(_C_IR * L)
    o_car2, o_cir2 = u(_C2_AR * L), u(_C2_IR * L)
    for j in range(width):
        rm = money[o_r + j]
        i_rm = money[o_ir + j]
        cwm, half, _, _ = slot_money(lane[o_w0 + j], 0.0, rm, wu, wc, pua, af, fl, ce, half_f,
                                     0.0, 0.0, 0.0)
        lane[o_contrib + j] += k_contrib * cwm
        # pension base of the slot's deaths, with the condition or without
        lane[o_surv + j] += k_surv_a * half + k_surv_i * i_rm
        lane[o_lump + j] += k_lump_a * half + k_lump_i * i_rm
        r_cred = rm + credit * cwm  # career with the year's credited wage
        money[o_ir + j] = keep_l * half + lane[o_cir + j] + r_rest * i_rm
        money[o_r + j] = keep_r * r_cred + lane[o_car + j] + r_back * i_rm
        lane[o_cir + j] = lane[o_cir2 + j] + up_l * half
        lane[o_car + j] = lane[o_car2 + j] + up_r * r_cred
        lane[o_cir2 + j] = up2_l * half
        lane[o_car2 + j] = up2_r * r_cred


@numba.njit(cache=True, nogil=True, inline="always")
def paid_lanes(money, lane, width, offs, slot, paid_moves):
    """The contributions paid of next year's slot for every lane, as :func:`step_lanes`
    does the careers (the parts moving up carried in ``_C_AC``/``_C_IC`` and
    ``_C2_AC``/``_C2_IC``): leavers with half the part of the year's contributions,
    stayers with all of it. ``offs`` the offsets of the slot's contributions paid
    (active, inactive) in ``money``; ``paid_moves`` the shares kept and moved up (with
    the interest), and the contributions paid a year per KHR of capped wage."""
    wu, wc, pua, af, fl, ce, half_f = slot
    keep_lc, up_lc, up2_lc, keep_sc, up_sc, up2_sc, c_rest, c_back, kch = paid_moves
    o_c, o_ic = offs
    u = np.uint64
    L = LANES
    o_w0 = u(_W0 * L)
    o_cac, o_cic = u(_C_AC * L), u(_C_IC * L)
    o_cac2, o_cic2 = u(_C2_AC * L), u(_C2_IC * L)
    for j in range(width):
        cwm, _, _, _ = slot_money(lane[o_w0 + j], 0.0, 0.0, wu, wc, pua, af, fl, ce, half_f,
                                  0.0, 0.0, 0.0)
        cm = money[o_c + j]
        icm = money[o_ic + j]
        c_half = cm + 0.5 * kch * cwm
        c_full = cm + kch * cwm
        money[o_ic + j] = keep_lc * c_half + lane[o_cic + j] + c_rest * icm
        money[o_c + j] = keep_sc * c_full + lane[o_cac + j] + c_back * icm
        lane[o_cic + j] = lane[o_cic2 + j] + up_lc * c_half
        lane[o_cac + j] = lane[o_cac2 + j] + up_sc * c_full
        lane[o_cic2 + j] = up2_lc * c_half
        lane[o_cac2 + j] = up2_sc * c_full


@numba.njit(cache=True, nogil=True, inline="always")
def invalidity_lanes(money, lane, width, o_r, slot, q_inv):
    """The invalidity pensions of a slot's actives for every lane, ``q_inv`` (the chance)
    times :func:`actuary.engine.member_terms.slot_money`'s pensions on the career at
    mid-year and on the accrued career, added to the rows ``_INVP`` and ``_INVPP``.
    ``slot`` is :func:`step_lanes`'s followed by the accrual, the floor rate and the
    minimum; run before :func:`step_lanes` overwrites the careers (``money[o_r + j]``)."""
    wu, wc, pua, af, fl, ce, half_f, acc, floor_rate, minp_c = slot
    u = np.uint64
    L = LANES
    o_w0, o_k0 = u(_W0 * L), u(_K0 * L)
    o_invp, o_invpp = u(_INVP * L), u(_INVPP * L)
    for j in range(width):
        _, _, p_inv, p_invp = slot_money(lane[o_w0 + j], lane[o_k0 + j], money[o_r + j], wu, wc,
                                         pua, af, fl, ce, half_f, acc, floor_rate, minp_c)
        lane[o_invp + j] += q_inv * p_inv
        lane[o_invpp + j] += q_inv * p_invp
