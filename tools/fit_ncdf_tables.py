#!/usr/bin/env python3
"""Fit the per-piece polynomial tables of float32 gelu's tails and tanh
(kernels/clact_math.cl, CLACT_NCDF_C*, CLACT_GD_C* and CLACT_TANH_C*), of
softplus', mish's and the derivatives of gelu_tanh, silu and mish
(kernels/clact_ops.cl, CLACT_SP_C*, CLACT_MISH_M*, CLACT_MISH_Q*,
CLACT_GTP_C*, CLACT_GTV_C*, CLACT_SD_C*, CLACT_MISH_DP*, CLACT_MISH_DW*) and
print them as C defines, in
the order of the kernels' lookup index (a 32-entry table is two of them:
the x >= 0 half first, the x < 0 half second).

  H(a) = Phi(-a) e^(a^2/2)                      gelu forward:  a Phi(-a) = a H(a) e^(-a^2/2)
  U(a) = (H(a) - a/sqrt(2 pi)) / (a - R)        gelu backward: Phi(-a) - a phi(a) = (a - R) U(a) e^(-a^2/2)
  K(a) = log1p(e^-a) e^a                        softplus:      log1p(e^-|x|) = K(|x|) e^-|x|
  M(a) = (2 + e)/(2 + 2e + e^2), e = e^-a       mish, x <= 0:  mish(x) = x M(|x|) e^-|x|
  Q(a) = -2e/(1 + 2e + 2e^2)                    mish, x > 0:   mish(x) = x + x Q(x) e^-x
  with E = e^-w, w = a (A + B a^2) (gelu_tanh's v at |x|), w' its derivative:
  P(a) = (a w' - 1 - E)/(1 + E)^2               gelu_tanh', x >= 0: 1 + P(x) e^-w
  V(a) = (1 + E - a w')/(1 + E)^2/(a - RT)      gelu_tanh', x < 0:  (|x| - RT) V(|x|) e^-w
  V(a) = (1 + e - a)/(1 + e)^2/(a - RS), e = e^-a
                                                silu', x < 0:  (|x| - RS) V(|x|) e^-|x|, |x| <= 29.5
  P(a) = (mish'(a) - 1) e^a                     mish', x >= 0: 1 + P(x) e^-x
  W(a) = mish'(-a) e^a/(a - RM)                 mish', x < 0:  (|x| - RM) W(|x|) e^-|x|, |x| <= 29.5
  T(a) = tanh(a)/min(a, 1)                      tanh:          tanh(|x|) = min(|x|, 1) T(|x|), |x| <= 9.1

[0, 15) (softplus, mish, silu', mish': [0, 30)) is cut at the bits of b = a + 1
(b = a/2 + 1): exponent and two leading mantissa bits, 16 pieces. On each piece the
polynomial is in t = a - m, m the piece's midpoint; a least-squares fit of
the result's relative error on Chebyshev nodes (and the ends),
coefficients rounded to float (mish's, gelu_tanh's and tanh's: one at a
time from the constant term up, each remaining one refitted after the
rounding of the one before, which halves the rounding's share of the
error). The check evaluates the float polynomial by Horner's scheme with
exactly rounded fmas and prints the worst relative error of each table
(Q's and P's: of the result, x (1 + Q e^-x) and 1 + P e^-w, the only place
where their error shows).

Developer tool (needs mpmath and numpy from PyPI):
  python3 tools/fit_ncdf_tables.py [TABLE...]    e.g. CLACT_MISH_M; all by default
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40
AMAX = 14.7  # the kernels clamp a there


def H(a):
    return mp.erfc(a / mp.sqrt(2)) * mp.exp(a * a / 2) / 2


R = mp.findroot(lambda a: H(a) - a / mp.sqrt(2 * mp.pi), 0.75)


def U(a):
    if abs(a - R) < mp.mpf("1e-12"):
        a = R + mp.mpf("1e-12")
    return (H(a) - a / mp.sqrt(2 * mp.pi)) / (a - R)


def K(a):
    return mp.log1p(mp.exp(-a)) * mp.exp(a)


def M(a):
    e = mp.exp(-a)
    return (2 + e) / (2 + 2 * e + e * e)


def Q(a):
    e = mp.exp(-a)
    return -2 * e / (1 + 2 * e + 2 * e * e)


GT_A = mp.sqrt(8 / mp.pi)
GT_B = GT_A * mp.mpf("0.044715")


def GT_E(a):
    return mp.exp(-(GT_A * a + GT_B * a ** 3))


def GT_AW(a):  # a w'(a)
    return a * (GT_A + 3 * GT_B * a * a)


def P(a):
    return (GT_AW(a) - 1 - GT_E(a)) / (1 + GT_E(a)) ** 2


RT = mp.findroot(lambda a: 1 + GT_E(a) - GT_AW(a), 0.75)


def V(a):
    if abs(a - RT) < mp.mpf("1e-15"):
        a = RT + mp.mpf("1e-15")
    return (1 + GT_E(a) - GT_AW(a)) / (1 + GT_E(a)) ** 2 / (a - RT)


RS = mp.findroot(lambda a: 1 + mp.exp(-a) - a, 1.28)


def SV(a):
    if abs(a - RS) < mp.mpf("1e-15"):
        a = RS + mp.mpf("1e-15")
    e = mp.exp(-a)
    return (1 + e - a) / (1 + e) ** 2 / (a - RS)


def MISHD(x):  # mish'(x)
    E = mp.exp(x)
    n2 = E * (E + 2) + 2
    return (n2 - 2) / n2 + 4 * x * E * (E + 1) / n2 ** 2


RM = mp.findroot(lambda a: 4 * (1 - a) + mp.exp(-a) * (6 - 4 * a + mp.exp(-a) * (4 + mp.exp(-a))), 1.19)


def MDP(a):
    return (MISHD(a) - 1) * mp.exp(a)


def MDW(a):
    if abs(a - RM) < mp.mpf("1e-15"):
        a = RM + mp.mpf("1e-15")
    return MISHD(-a) * mp.exp(a) / (a - RM)


def TH(a):  # tanh(a)/min(a, 1)
    return mp.tanh(a) / min(a, 1) if a > 0 else mp.mpf(1)


def f32(x):
    return np.float32(float(x))


def fma(a, b, c):  # exactly rounded, as the hardware's
    return f32(mp.mpf(float(a)) * mp.mpf(float(b)) + mp.mpf(float(c)))


def pieces(s):
    """(lo, hi, m) for b = s a + 1 in [2^e (1 + k/4), 2^e (1 + (k+1)/4)), e = 0..3"""
    out = []
    for e in range(4):
        for k in range(4):
            w = 2.0 ** e / 4
            blo = 2.0 ** e + k * w
            out.append(((blo - 1) / s, (blo + w - 1) / s, (blo + w / 2 - 1) / s))
    return out


def fit(f, deg, s=1.0, amax=AMAX, nodes=50, checks=1500, w=None, seq=False):
    """w(a): the weight that turns the table's error into the result's
    relative error (1/f by default)"""
    w = w or (lambda a: 1 / f(a))
    table, worst = [], 0.0
    for lo, hi, m in pieces(s):
        if lo >= amax:  # beyond the clamp: never looked up
            table.append(table[-1])
            continue
        hi = min(hi, amax)
        ts = [mp.mpf(lo) + (mp.mpf(hi) - lo) * (0.5 - 0.5 * mp.cos(mp.pi * (i + 0.5) / nodes)) for i in range(nodes)]
        ts += [mp.mpf(lo), mp.mpf(hi)]
        if seq:
            c = []
            for k in range(deg + 1):
                A = mp.matrix([[(t - m) ** j * w(t) for j in range(k, deg + 1)] for t in ts])
                b = mp.matrix([(f(t) - sum(c[j] * (t - m) ** j for j in range(k))) * w(t) for t in ts])
                c.append(mp.mpf(float(f32(mp.lu_solve(A.T * A, A.T * b)[0]))))
            c = [f32(x) for x in c]
        else:
            A = mp.matrix([[(t - m) ** j * w(t) for j in range(deg + 1)] for t in ts])
            b = mp.matrix([f(t) * w(t) for t in ts])
            c = [f32(x) for x in mp.lu_solve(A.T * A, A.T * b)]
        for a in np.linspace(lo, hi, checks):
            a = f32(a)
            t = f32(mp.mpf(float(a)) - m)
            p = c[deg]
            for j in range(deg - 1, -1, -1):
                p = fma(p, t, c[j])
            ex = f(mp.mpf(float(a)))
            worst = max(worst, abs(float((mp.mpf(float(p)) - ex) * w(mp.mpf(float(a))))))
        table.append(c)
    return table, worst


def defines(name, table, deg):
    # the kernels' index is b's bits >> 21, read mod 16 by vpermps: exponent
    # 127 + e gives slots 4 ((e - 1) mod 4) + k
    order = [None] * 16
    for e in range(4):
        for k in range(4):
            order[((e - 1) & 3) * 4 + k] = table[4 * e + k]
    out = []
    for j in range(deg + 1):
        v = ["%.9ef" % c[j] for c in order]
        rows = [", ".join(v[i:i + 4]) for i in range(0, 16, 4)]
        body = ["#define %s%d (float16)(%s," % (name, j, rows[0])]
        body += ["                   %s," % r for r in rows[1:3]]
        body += ["                   %s)" % rows[3]]
        w = max(len(x) for x in body) + 1
        out.append("\n".join(x.ljust(w) + "\\" for x in body[:-1]) + "\n" + body[-1])
    return "\n".join(out)


if __name__ == "__main__":
    import sys
    wide = {"s": 0.5, "amax": 30.0, "nodes": 40, "checks": 800}
    tables = (("CLACT_NCDF_C", H, 6, {}), ("CLACT_GD_C", U, 5, {}), ("CLACT_SP_C", K, 5, wide),
              ("CLACT_MISH_Q", Q, 5, dict(wide, seq=True, w=lambda a: mp.exp(-a) / (1 + mp.exp(-a) * Q(a)))),
              ("CLACT_MISH_M", M, 5, dict(wide, seq=True)),
              ("CLACT_GTP_C", P, 5, {"amax": 14.99, "nodes": 40, "checks": 600, "seq": True,
                                     "w": lambda a: max(GT_E(a) / (1 + GT_E(a) * P(a)), mp.mpf(2) ** -40)}),
              ("CLACT_GTV_C", V, 5, {"amax": 14.99, "nodes": 40, "checks": 600, "seq": True}),
              ("CLACT_SD_C", SV, 5, dict(wide, seq=True)),
              ("CLACT_MISH_DP", MDP, 6, dict(wide, seq=True, w=lambda a: mp.exp(-a) / (1 + mp.exp(-a) * MDP(a)))),
              ("CLACT_MISH_DW", MDW, 6, dict(wide, seq=True)),
              ("CLACT_TANH_C", TH, 6, {"amax": 9.1, "nodes": 40, "checks": 800, "seq": True}))
    for name, f, deg, kw in tables:
        if len(sys.argv) > 1 and name not in sys.argv[1:]:
            continue  # only the tables named on the command line
        table, worst = fit(f, deg, **kw)
        print("/* %s: degree %d, worst relative error 2^%.2f */" % (name, deg, np.log2(worst)))
        print(defines(name, table, deg))
        # the root a table is divided by (the kernels use -hi, -lo: CLACT_*_R_HI/LO)
        root = {"CLACT_GTV_C": ("RT", RT), "CLACT_SD_C": ("RS", RS), "CLACT_MISH_DW": ("RM", RM)}.get(name)
        if root:
            r = root[1]
            print("/* %s = %s: hi %.9ef, lo %.9ef */" % (root[0], mp.nstr(r, 20), f32(r), f32(r - mp.mpf(float(f32(r))))))
