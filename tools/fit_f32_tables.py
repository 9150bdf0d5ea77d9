#!/usr/bin/env python3
"""Fit the float32 range tables of kernels/clact_ops.cl (CLACT_R32_*:
the in-range forms of the forwards of mish, softplus (beta 1) and gelu
and of the backwards of mish, gelu, gelu_tanh, silu and tanh (sigmoid's
too, scaled) on AVX-512, CLACT_R32) and print them as C defines, with
the worst error of the results, found by evaluating the kernels' float
arithmetic on float32 inputs spread over each piece.

The result is x P(x) (softplus, gelu: max(x, 0) + P(|x|); backward: dy
P(x), gelu', gelu_tanh', silu': dy P(|x|) or dy (1 - P(|x|)), tanh': dy
P(|x|)), with P from 32 polynomials (vpermi2ps; 16 and vpermps for gelu
and those four derivatives) where every lane of a vector lies above XLO
(tanh': every |x| below XHI): the piece is k = round(s x) of x (|x|)
clamped at XHI above (where the result rounds to x or dy), index k -
kmin (the low bits of fma(x, s, 1.5*2^23 - kmin)), and P = sum c_j w^j
with w = x - m_k, m_k the piece's centre from a table too. In the steep
tail of P a piece is centred on the end where |P| is smallest: |P| grows
from there, its terms have one sign and Horner's scheme keeps the
relative accuracy that it would lose to cancellation from the middle;
the piece that holds a root of P is centred on it, with P(m) rounded as
its constant term (gelu's P(0) = 0, written -0: its first piece holds
only P's root). Below XLO, and for NaN, the ops keep their general
forms. The fit is that of tools/fit_f16_tables.py with the weight 1/|P|
(P's relative error, which is the result's where it matters). XLO is the
float nearest the range's low end from inside whose piece the kernels'
rounding finds (softplus: -XHI).

  forward  mish       x tanh(softplus(x))     P = tanh(softplus(x))
  forward  softplus   log1p(e^x) (beta 1)     max(x, 0) + P(|x|), P(a) = log1p(e^-a)
  forward  gelu       x Phi(x)                max(x, 0) + P(|x|), P(a) = -a Phi(-a)
  backward mish       dy mish'(x)             P = mish'(x), root -1.1924
  backward gelu       dy gelu'(x)             P(a) = gelu'(-a) (x < 0), 1 - P(a), root 0.7518
  backward gelu_tanh  dy gelu_tanh'(x)        the same, root 0.7525
  backward silu       dy silu'(x)             the same, root 1.2785
  backward tanh       dy tanh'(x)             P(a) = sech(a)^2, |x| < 9 (sigmoid': P(|x|/2)/4)

Developer tool (needs mpmath and numpy from PyPI):
  python3 tools/fit_f32_tables.py [NAME...]    e.g. MISH_F; all by default
"""
import mpmath as mp
import numpy as np

import fit_f16_tables as h

# name: (P, form, s, kmin, H, C, degree, root, pieces): pieces (16 or 32)
# from kmin.
# "x": the result is x P(x), x clamped at H above (where x P rounds to x);
# the pieces below C are centred on their low ends (the steep tail, |P|
# increasing: its terms have one sign there).
# "dy": the same with the result dy P(x) (a backward); the piece that
# holds P's root is centred on it, its constant term P(m) rounded (the
# polynomial then keeps its relative accuracy up to the root).
# "even": the result is max(x, 0) + P(a), a = |x| clamped at H (where
# x + P rounds to x), the range -H < x; the pieces above C are centred on
# their high ends (P decreasing).
# "half": the result is dy P(a) for x < 0 and dy (1 - P(a)) for x >= 0,
# a = |x| clamped at H (where 1 - P rounds to 1), the range -H < x, the
# pieces as "even"'s and the root's as "dy"'s: derivatives f' with
# f'(x) + f'(-x) = 1 (gelu', gelu_tanh', silu'), P(a) = f'(-a).
# "abs": the result is dy P(a), a = |x|, the range |x| < H (no clamp:
# P has no limit that the result rounds to on either side), the pieces
# as "even"'s.
TABLES = {
    "MISH_F": (h.mish_f, "x", 1.05, -21, 10.0, -1.0, 7, None, 32),
    "SP_F": (lambda a: h.softplus(-a), "even", 1.55, 0, 20.0, 1.0, 5, None, 32),
    "GELU_F": (lambda a: -a * mp.erfc(a / mp.sqrt(2)) / 2, "even", 2.0, 0, 7.5, 1.0, 9, 0.0, 16),
    "MISH_B": (h.mish_b, "dy", 1.02, -20, 11.0, -2.0, 8, -1.19, 32),
    "GELU_B": (lambda a: h.gelu_b(-a), "half", 2.2, 0, 7.0, 1.0, 9, 0.75, 16),
    "GT_B": (lambda a: h.gt_b(-a), "half", 2.4, 0, 6.4, 1.0, 9, 0.75, 16),
    "SILU_B": (lambda a: h.silu_b(-a), "half", 0.75, 0, 20.0, 1.0, 8, 1.28, 16),
    "TANH_B": (lambda a: 1 / mp.cosh(a) ** 2, "abs", 1.7, 0, 9.0, 1.0, 7, None, 16),
}
SYM = ("even", "half", "abs")  # the forms of a = |x|


def index(x, s, kmin):
    """the kernels' piece index of float32 x (before the mod 32 of the permute)"""
    t = h.fma32(np.float32(x), np.float32(s), np.float32(h.MAGIC - kmin))
    return int(t.view(np.int32)) - int(np.float32(h.MAGIC).view(np.int32))


def low_end(s, kmin):
    """XLO: every float32 x > XLO (up to piece kmin + 31) lies in piece kmin or above (the "x" and
    "dy" forms: 32 pieces)"""
    lo = np.float32((kmin - 0.5) / s)
    while index(np.nextafter(lo, np.float32(np.inf)), s, kmin) != 0:
        lo = np.nextafter(lo, np.float32(np.inf))
    while index(lo, s, kmin) == 0:
        lo = np.nextafter(lo, np.float32(-np.inf))
    return lo


def fit(name, nodes=40):
    P, form, s, kmin, H, C, deg, root, npc = TABLES[name]
    r = mp.findroot(P, root) if root is not None else None
    hi = np.float32(H)
    assert index(hi, s, kmin) < npc  # the clamp's piece is in the table
    sym = form in SYM
    lo = -hi if sym else low_end(s, kmin)
    cen, coef = [], []
    for k in range(kmin, kmin + npc):
        a, b = max((k - 0.5) / s, 0.0 if sym else float(lo)), min((k + 0.5) / s, float(hi))
        c0 = None
        if sym:
            m = mp.mpf(float(np.float32(b if a >= C else k / s)))
        else:
            m = mp.mpf(float(np.float32(a if b <= C else k / s)))
        if r is not None and a <= r < b:
            m = mp.mpf(float(np.float32(r)))
            c0 = P(m)
        cen.append(float(m))
        # a node on the root (gelu's P(0) = 0) weighs nothing: c0 holds it
        coef.append([float(c) for c in h.fit_piece(P, lambda x, p: 1 / abs(p) if p else 0, a, b, m, deg, nodes, c0)])
        if form == "even" and coef[-1][0] == 0:
            # -0: max(x, -0) + P(0) then keeps the sign of a zero x
            # (-0 + +0 would be +0, where x Phi(x) is -0 at x = -0)
            coef[-1][0] = -0.0
    return dict(name=name, P=P, form=form, s=np.float32(s), kmin=kmin, lo=lo, hi=hi, npc=npc,
                cen=np.array(cen, dtype=np.float32), coef=np.array(coef, dtype=np.float32), deg=deg)


def evaluate(t, x):
    """the kernels' P for float32 x above XLO"""
    x = np.minimum(np.abs(x) if t["form"] in SYM else x, t["hi"])
    i = np.array([index(v, t["s"], t["kmin"]) for v in x])
    w = (x - t["cen"][i]).astype(np.float32)
    p = t["coef"][i, t["deg"]]
    for j in range(t["deg"] - 1, -1, -1):
        p = h.fma32(p, w, t["coef"][i, j])
    return p


def score(t, per=2000):
    """worst error of the results in float32 ulps over per floats of each
    piece, its ends included (the |x| forms: on both sides of 0), and as
    many from H to 2H (but for "abs", whose range ends at H)"""
    xs = []
    for k in range(t["kmin"], t["kmin"] + t["npc"]):
        a = max(np.float32((k - 0.5) / float(t["s"])), np.nextafter(t["lo"], np.float32(np.inf)))
        b = min(np.float32((k + 0.5) / float(t["s"])), t["hi"])
        xs.append(np.linspace(a, b, per).astype(np.float32))
        if t["form"] in SYM:
            xs.append(-xs[-1])
    x = np.unique(np.concatenate(xs + [np.float32([-2.0 ** -20, 2.0 ** -20, 1e-30]),
                                       np.linspace(t["hi"], 2 * t["hi"], per).astype(np.float32)]))
    x = x[x > t["lo"]]
    if t["form"] == "abs":  # the range is |x| < H on both sides
        x = x[x < t["hi"]]
    p = evaluate(t, x)
    if t["form"] == "even":  # as clact_nonneg_or_m0(x) + P
        res = (np.where(x > 0, x, np.float32(-0.0)).astype(np.float64) + p).astype(np.float32)
        want = np.array([float(max(v, 0) + t["P"](mp.mpf(abs(float(v))))) for v in x])
    elif t["form"] == "half":  # dy = 1
        res = np.where(x < 0, p, np.float32(1) - p)
        want = np.array([float(t["P"](mp.mpf(-float(v))) if v < 0 else 1 - t["P"](mp.mpf(float(v)))) for v in x])
    elif t["form"] == "abs":  # dy = 1
        res = p
        want = np.array([float(t["P"](mp.mpf(abs(float(v))))) for v in x])
    elif t["form"] == "dy":  # dy = 1
        res = p
        want = np.array([float(t["P"](mp.mpf(float(v)))) for v in x])
    else:
        res = (x.astype(np.float64) * p).astype(np.float32)
        want = np.array([float(mp.mpf(float(v)) * t["P"](mp.mpf(float(v)))) for v in x])
    ulp = 2.0 ** (np.floor(np.log2(np.maximum(np.abs(want), 2.0 ** -126))) - 23)
    err = np.abs(res.astype(np.float64) - want) / ulp
    return float(np.max(err)), float(x[np.argmax(err)]), len(x)


def defines(t):
    """XLO, XHI, s, kmin, and per table of 16 (of 32: _A pieces 0-15, _B
    16-31) the centres (_M) and the coefficients (_C0 ...)"""
    name = "CLACT_R32_" + t["name"]
    out = ["#define %s_XLO %.9ef" % (name, t["lo"]), "#define %s_XHI %.9ef" % (name, t["hi"]),
           "#define %s_S %.9ef" % (name, t["s"]), "#define %s_KMIN %d" % (name, t["kmin"])]
    cols = [("_M", t["cen"])] + [("_C%d" % j, t["coef"][:, j]) for j in range(t["deg"] + 1)]
    for suffix, v in cols:
        for half, part in (("_A", v[:16]), ("_B", v[16:])) if t["npc"] == 32 else (("", v),):
            out.append(h.table16("%s%s%s" % (name, suffix, half), part))
    return "\n".join(out)


if __name__ == "__main__":
    import sys
    for name in TABLES:
        if len(sys.argv) > 1 and name not in sys.argv[1:]:
            continue
        t = fit(name)
        worst, at, n = score(t)
        print("/* %s: (%.9g, %.9g), s = %.9g, pieces %d..%d (index k + %d), degree %d; worst %.3f ulp"
              " (at %.9g) of %d results */" % (t["name"], t["lo"], t["hi"], t["s"], t["kmin"], t["kmin"] + t["npc"] - 1,
                                               -t["kmin"], t["deg"], worst, at, n))
        print(defines(t))
