"""numpy's ``SeedSequence`` and ``PCG64``, compiled, so the fast engine draws a household's further blocks itself.

A household's random numbers beyond its first block come from
``default_rng(SeedSequence((seed, rep, purpose, household, block)))``
(:mod:`model.random_streams`). The SimPy engine asks numpy for them; the fast
engine cannot call back into Python, so this module computes the very same
numbers: SeedSequence's hash mixing (numpy/random/bit_generator.pyx), PCG64's
128-bit LCG with XSL-RR output (numpy/random/src/pcg64), and ``random()``'s
53-bit doubles. The tests compare it with numpy bit for bit.
"""

from __future__ import annotations

import numba
import numpy as np

_M32 = np.uint64(0xFFFFFFFF)
_INIT_A, _MULT_A = np.uint64(0x43B0D7E5), np.uint64(0x931E8875)
_INIT_B, _MULT_B = np.uint64(0x8B51F9DD), np.uint64(0x58F38DED)
_MIX_L, _MIX_R = np.uint64(0xCA01F9DD), np.uint64(0x4973F715)
_X16 = np.uint64(16)
_S32, _S64_11, _S58, _ONE = np.uint64(32), np.uint64(11), np.uint64(58), np.uint64(1)
_MUL_HI, _MUL_LO = np.uint64(2549297995355413924), np.uint64(4865540595714422341)
_POOL = 4


def entropy_words(*values: int) -> np.ndarray:
    """The uint32 words numpy makes of a tuple of non-negative ints (each little-endian; 0 is one word)."""
    words: list[int] = []
    for v in values:
        if v < 0:
            raise ValueError(f"entropy must be non-negative, got {v}")
        if v == 0:
            words.append(0)
        while v > 0:
            words.append(v & 0xFFFFFFFF)
            v >>= 32
    return np.array(words, dtype=np.uint64)


@numba.njit(cache=True, inline="always")
def _hashmix(value, hash_const):
    value = (value ^ hash_const[0]) & _M32
    hash_const[0] = (hash_const[0] * _MULT_A) & _M32
    value = (value * hash_const[0]) & _M32
    return value ^ (value >> _X16)


@numba.njit(cache=True, inline="always")
def _mix(x, y):
    r = ((_MIX_L * x) - (_MIX_R * y)) & _M32
    return r ^ (r >> _X16)


@numba.njit(cache=True)
def seed_state(entropy: np.ndarray) -> np.ndarray:
    """``SeedSequence(entropy).generate_state(4, np.uint64)``, from the entropy's uint32 words."""
    pool = np.zeros(_POOL, dtype=np.uint64)
    hc = np.empty(1, dtype=np.uint64)
    hc[0] = _INIT_A
    n = len(entropy)
    for i in range(_POOL):
        pool[i] = _hashmix(entropy[i] if i < n else np.uint64(0), hc)
    for i_src in range(_POOL):
        for i_dst in range(_POOL):
            if i_src != i_dst:
                pool[i_dst] = _mix(pool[i_dst], _hashmix(pool[i_src], hc))
    for i_src in range(_POOL, n):
        for i_dst in range(_POOL):
            pool[i_dst] = _mix(pool[i_dst], _hashmix(entropy[i_src], hc))
    words = np.empty(8, dtype=np.uint64)
    h = _INIT_B
    for i in range(8):
        v = (pool[i % _POOL] ^ h) & _M32
        h = (h * _MULT_B) & _M32
        v = (v * h) & _M32
        words[i] = v ^ (v >> _X16)
    out = np.empty(4, dtype=np.uint64)
    for i in range(4):
        out[i] = words[2 * i] | (words[2 * i + 1] << _S32)
    return out


@numba.njit(cache=True, inline="always")
def _mul64(a, b):
    """The 128-bit product of two 64-bit words, as (high, low)."""
    a_lo, a_hi = a & _M32, a >> _S32
    b_lo, b_hi = b & _M32, b >> _S32
    ll = a_lo * b_lo
    lh = a_lo * b_hi
    hl = a_hi * b_lo
    hh = a_hi * b_hi
    mid = (ll >> _S32) + (lh & _M32) + (hl & _M32)
    lo = (ll & _M32) | ((mid & _M32) << _S32)
    hi = hh + (lh >> _S32) + (hl >> _S32) + (mid >> _S32)
    return hi, lo


@numba.njit(cache=True, inline="always")
def _step(s_hi, s_lo, i_hi, i_lo):
    """state × multiplier + increment, modulo 2^128."""
    hi, lo = _mul64(s_lo, _MUL_LO)
    hi = hi + s_hi * _MUL_LO + s_lo * _MUL_HI
    lo2 = lo + i_lo
    carry = _ONE if lo2 < lo else np.uint64(0)
    return hi + i_hi + carry, lo2


@numba.njit(cache=True)
def uniforms(entropy: np.ndarray, out: np.ndarray) -> None:
    """Fill ``out`` with ``default_rng(SeedSequence(entropy)).random(len(out))``."""
    st = seed_state(entropy)
    i_hi = (st[2] << _ONE) | (st[3] >> np.uint64(63))
    i_lo = (st[3] << _ONE) | _ONE
    s_hi, s_lo = _step(np.uint64(0), np.uint64(0), i_hi, i_lo)
    lo = s_lo + st[1]
    carry = _ONE if lo < s_lo else np.uint64(0)
    s_hi, s_lo = s_hi + st[0] + carry, lo
    s_hi, s_lo = _step(s_hi, s_lo, i_hi, i_lo)
    for k in range(len(out)):
        s_hi, s_lo = _step(s_hi, s_lo, i_hi, i_lo)
        x = s_hi ^ s_lo
        rot = s_hi >> _S58
        x = (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))
        out[k] = float(x >> _S64_11) * (1.0 / 9007199254740992.0)
