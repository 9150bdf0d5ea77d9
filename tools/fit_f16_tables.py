#!/usr/bin/env python3
"""Fit the float16 piecewise-polynomial tables of kernels/clact_ops.cl
(CLACT_H16_*: the float16 forms on AVX-512, CLACT_H16) and print them as
C defines, with the worst error and the number of results that are not
correctly rounded, found by evaluating the kernels' float arithmetic on
every float16 input of the table's range.

A float16 op whose result is g P(x), g = x (forward) or dy (backward),
takes P from 16 or 32 polynomials (vpermps, vpermi2ps) of degree 6 to 8:
x is clamped to [L, H], the piece is k = round(s x) (index k - kmin, the
low bits of fma(x, s, 1.5*2^23 - kmin)) and P = sum c_j w^j with
w = x - m_k, m_k the piece's centre, itself from a table. A piece that
holds a root R of P is centred on R rounded to float (x - m exact for
the float16 x near it), so that the polynomial's constant term is the
small P(m) and P keeps its relative accuracy up to the root.

  forward  gelu       x Phi(x)                   P = Phi(x)
  forward  gelu_tanh  x s(v), v = x (A + B x^2)   P = s(v) (s the logistic function)
  forward  softplus   log1p(e^x) (beta = 1)      max(x, 0) + P(-|x|), [L, H = 0]
  backward gelu       dy (Phi(x) + x phi(x))
  backward gelu_tanh  dy (s(v) + x s(v) s(-v) v'(x))
  backward mish       dy (T + x (1 - T^2) s(x)), T = tanh(softplus(x))
  backward silu       dy s(x) (1 + x s(-x))

[L, H] is where the results need P: below L a forward result rounds
to 0 in float16 and a backward one does too for any |dy| <= 65504 (a
backward table has one piece more below L, which holds 0, and x is
clamped into it); above H, P is 1 to within 2^-14, which rounds x P or
dy P to x or dy. softplus needs its table on x <= 0 only (softplus(x) =
x + softplus(-x)), so 16 pieces (vpermps, which keeps its table register)
cover it. The fit: least squares of the result's relative error
(from 2^-14, float16's smallest normal, down: of its absolute error;
backward, for the largest dy) on Chebyshev nodes, float coefficients one
at a time from the constant term up, each refitted after the rounding of
those before. The score counts every finite float16 x near [L, H] (and
beyond it, as at its ends); backward, with dy = 1, 2^-12 + 2^-22 and
65504.

Developer tool (needs mpmath and numpy from PyPI):
  python3 tools/fit_f16_tables.py [NAME...]    e.g. GELU_F; all by default
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40
MAGIC = 12582912.0  # 1.5 * 2^23
TINY = mp.mpf(2) ** -14  # float16's smallest normal
DYMAX = 65504.0  # float16's largest finite

GT_A = mp.sqrt(8 / mp.pi)
GT_B = GT_A * mp.mpf("0.044715")


def logistic(z):
    return 1 / (1 + mp.exp(-z))


def gelu_f(x):
    return mp.ncdf(x)


def gelu_b(x):
    return mp.ncdf(x) + x * mp.npdf(x)


def gt_f(x):
    return logistic(x * (GT_A + GT_B * x * x))


def gt_b(x):
    v = x * (GT_A + GT_B * x * x)
    return logistic(v) + x * logistic(v) * logistic(-v) * (GT_A + 3 * GT_B * x * x)


def softplus(x):
    return mp.log1p(mp.exp(x))


def mish_f(x):
    return mp.tanh(mp.log1p(mp.exp(x)))


def mish_b(x):
    t = mish_f(x)
    return t + x * (1 - t * t) * logistic(x)


def silu_b(x):
    return logistic(x) * (1 + x * logistic(-x))


# name: (P, forward? ("even": softplus, P on [L, H = 0] taken at -|x|), L, H, s,
#        root or None, pieces, degree)
TABLES = {
    "GELU_F": (gelu_f, True, -5.8, 4.0, 1.6, None, 16, 6),
    "GELU_B": (gelu_b, False, -7.7, 4.6, 2.45, -0.75, 32, 6),
    "GT_F": (gt_f, True, -5.5, 3.9, 1.6, None, 16, 6),
    "GT_B": (gt_b, False, -7.0, 4.6, 2.6, -0.75, 32, 6),
    "SP_F": (softplus, "even", -17.4, 0.0, 0.89, None, 16, 6),
    "MISH_B": (mish_b, False, -32, 6.6, 0.78, -1.19, 32, 8),
    "SILU_B": (silu_b, False, -32, 12.5, 0.67, -1.28, 32, 7),
}


def f32(x):
    return np.float32(float(x))


def fma32(a, b, c):
    """float32 fma on arrays: the product is exact in double; the sum rounds
    to double and then to float, which differs from one rounding only in
    ties of the second, far below what is measured here"""
    return (a.astype(np.float64) * b.astype(np.float64) + c.astype(np.float64)).astype(np.float32)


def weight(forward, x, p):
    """turns P's error into the result's relative error (absolute below
    float16's smallest normal): g = x forward, dy up to 65504 backward"""
    if forward == "even":
        return 1 / max(abs(p), TINY)
    if forward:
        r = abs(x * p)
        return abs(x) / max(r, TINY) if x < 0 else 1 / max(abs(p), TINY)
    return 1 / max(abs(p), TINY / DYMAX)


def fit_piece(P, wfun, lo, hi, m, deg, nodes, c0=None):
    """float coefficients c_0 ... c_deg of P on [lo, hi] as a polynomial in
    w = x - m: least squares of wfun(x, P(x)) times the error on Chebyshev
    nodes and the ends, one coefficient at a time from the constant term
    up (c0 where given), each rounded to float and the rest refitted after
    it"""
    ts = [mp.mpf(lo) + (mp.mpf(hi) - lo) * (0.5 - 0.5 * mp.cos(mp.pi * (i + 0.5) / nodes)) for i in range(nodes)]
    ts += [mp.mpf(lo), mp.mpf(hi)]
    pv = [P(t) for t in ts]
    wv = [wfun(t, p) for t, p in zip(ts, pv)]
    c = [] if c0 is None else [mp.mpf(float(f32(c0)))]
    for j in range(len(c), deg + 1):
        A = mp.matrix([[(t - m) ** q * w for q in range(j, deg + 1)] for t, w in zip(ts, wv)])
        b = mp.matrix([(p - sum(c[q] * (t - m) ** q for q in range(j))) * w for t, p, w in zip(ts, pv, wv)])
        c.append(mp.mpf(float(f32(mp.lu_solve(A.T * A, A.T * b)[0]))))
    return c


def fit(name, nodes=48):
    P, fwd, L, H, s, root, npc, deg = TABLES[name]
    s = f32(s)
    kmin, kmax = int(np.rint(f32(L) * s)), int(np.rint(f32(H) * s))
    if not fwd:  # one piece more below L, holding 0; the clamp at its centre
        kmin -= 1
        L = float(f32((kmin + 0.25) / float(s)))
    assert kmax - kmin < npc, (name, kmin, kmax)
    for x, k in ((L, kmin), (H, kmax)):  # the kernels' float rounding picks the same ends
        assert int(np.float32(float(f32(x)) * float(s) + MAGIC) - np.float32(MAGIC)) == k, (name, x, k)
    r = mp.findroot(P, root) if root is not None else None
    cen, coef = [], []
    for k in range(kmin, kmin + npc):
        lo, hi = max((k - 0.5) / float(s), L), min((k + 0.5) / float(s), H)
        if not fwd and k == kmin:  # the piece of 0
            cen.append(float(f32(k / float(s))))
            coef.append([0.0] * (deg + 1))
            continue
        if k > kmax:  # never looked up
            cen.append(cen[-1])
            coef.append(coef[-1])
            continue
        m = mp.mpf(float(f32(k / float(s))))
        if r is not None and lo <= r < hi:
            m = mp.mpf(float(f32(r)))
        c = fit_piece(P, lambda t, p: weight(fwd, t, p), lo, hi, m, deg, nodes)
        cen.append(float(m))
        coef.append([float(x) for x in c])
    return dict(name=name, P=P, fwd=fwd, L=L, H=H, s=s, kmin=kmin, cen=np.array(cen, dtype=np.float32),
                coef=np.array(coef, dtype=np.float32), deg=deg, npc=npc)


def evaluate(t, x):
    """the kernels' P for float32 x"""
    xc = np.clip(x, np.float32(t["L"]), np.float32(t["H"])).astype(np.float32)
    mo = np.float32(MAGIC - t["kmin"])
    tt = fma32(xc, np.full_like(xc, t["s"]), np.full_like(xc, mo))
    i = (tt.view(np.int32) & (t["npc"] - 1)).astype(int)
    w = (xc - t["cen"][i]).astype(np.float32)
    p = t["coef"][i, t["deg"]]
    for j in range(t["deg"] - 1, -1, -1):
        p = fma32(p, w, t["coef"][i, j])
    return p


def exact(t, x, g):
    """the results: x P forward, dy P backward, softplus for the even table"""
    if t["fwd"] == "even":
        return [t["P"](mp.mpf(float(v))) for v in x]
    return [g * t["P"](mp.mpf(float(v))) if not t["fwd"] else mp.mpf(float(v)) * t["P"](mp.mpf(float(v))) for v in x]


def score(t):
    """worst error in float16 ulps and results not correctly rounded, over
    every finite float16 x (backward: dy = 1, 2^-12 + 2^-22 and 65504)"""
    h = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16).astype(np.float32)
    x = np.unique(h[np.isfinite(h)])
    even = t["fwd"] == "even"  # x > 0 through P(-x), up to where the result is x
    x = x[(x >= t["L"] - 4) & (x <= (16 if even else t["H"] + 4))]  # beyond: as at the ends
    p = evaluate(t, -np.abs(x) if even else x)
    worst, bad = 0.0, 0
    gs = [None] if t["fwd"] else [1.0, 2.0 ** -12 + 2.0 ** -22, DYMAX]
    for g in gs:
        if even:  # max(x, 0) + P(-|x|), as clact_nonneg_or_m0(x) + P
            res = (np.where(x > 0, x, np.float32(-0.0)).astype(np.float32) + p).astype(np.float32)
        elif t["fwd"]:
            m = np.maximum(x, np.float32(t["L"]))
            res = (m.astype(np.float64) * p).astype(np.float32)
        else:
            res = (np.float64(np.float32(g)) * p).astype(np.float32)
        want = np.array([float(v) for v in exact(t, x, g)])
        with np.errstate(over="ignore"):  # dy P beyond 65504: inf, as wanted
            got = res.astype(np.float16).astype(np.float64)
            cr = want.astype(np.float16).astype(np.float64)
        a = np.maximum(np.abs(want), 2.0 ** -14)
        ulp = 2.0 ** (np.floor(np.log2(a)) - 10)
        fin = np.isfinite(cr)  # beyond: both overflow (checked by the count)
        worst = max(worst, float(np.max(np.abs(got - want)[fin] / ulp[fin])))
        bad += int(np.sum(got != cr))
    return worst, bad, len(x) * len(gs)


def defines(t):
    """the defines of clact_ops.cl: the range [XLO, XHI], s, kmin, and per
    table of 16 (a 32-piece table is two: _A pieces 0-15, _B 16-31) the
    centres (_M) and the coefficients (_C0 ... _C6)"""
    name = "CLACT_H16_" + t["name"]
    out = ["#define %s_XLO %.9ef" % (name, f32(t["L"])), "#define %s_XHI %.9ef" % (name, f32(t["H"])),
           "#define %s_S %.9ef" % (name, t["s"]), "#define %s_KMIN %d" % (name, t["kmin"])]
    halves = [""] if t["npc"] == 16 else ["_A", "_B"]
    cols = [("_M", t["cen"])] + [("_C%d" % j, t["coef"][:, j]) for j in range(t["deg"] + 1)]
    for suffix, v in cols:
        for h, half in enumerate(halves):
            out.append(table16("%s%s%s" % (name, suffix, half), v[16 * h:16 * h + 16]))
    return "\n".join(out)


def table16(name, v):
    """a define of 16 floats, a float16 vector, four to a line"""
    nums = ["%.9ef" % x for x in v]
    rows = [", ".join(nums[i:i + 4]) for i in range(0, 16, 4)]
    text = ["#define %s (float16)(%s," % (name, rows[0])]
    text += ["    %s," % r for r in rows[1:3]] + ["    %s)" % rows[3]]
    w = max(len(z) for z in text) + 1
    return "\n".join(z.ljust(w) + "\\" for z in text[:-1]) + "\n" + text[-1]


if __name__ == "__main__":
    import sys
    for name in TABLES:
        if len(sys.argv) > 1 and name not in sys.argv[1:]:
            continue
        t = fit(name)
        worst, bad, n = score(t)
        print("/* %s: [%g, %g], s = %.9g, pieces %d..%d (index k + %d); worst %.3f ulp, %d of %d results"
              " not correctly rounded */" % (t["name"], t["L"], t["H"], t["s"], t["kmin"], t["kmin"] + t["npc"] - 1,
                                           -t["kmin"], worst, bad, n))
        print(defines(t))
