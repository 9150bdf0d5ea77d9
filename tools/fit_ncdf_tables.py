#!/usr/bin/env python3
"""Fit the per-piece polynomial tables of float32 gelu's tails
(kernels/clact_math.cl, CLACT_NCDF_C* and CLACT_GD_C*) and of softplus'
(kernels/clact_ops.cl, CLACT_SP_C*) and print them as C defines, in the
order of the kernels' lookup index.

  H(a) = Phi(-a) e^(a^2/2)                      gelu forward:  a Phi(-a) = a H(a) e^(-a^2/2)
  U(a) = (H(a) - a/sqrt(2 pi)) / (a - R)        gelu backward: Phi(-a) - a phi(a) = (a - R) U(a) e^(-a^2/2)
  K(a) = log1p(e^-a) e^a                        softplus:      log1p(e^-|x|) = K(|x|) e^-|x|

[0, 15) (softplus: [0, 30)) is cut at the bits of b = a + 1 (b = a/2 + 1):
exponent and two leading mantissa bits, 16 pieces. On each piece the polynomial is in t = a - m, m the
piece's midpoint; a least-squares fit of the relative error on Chebyshev
nodes (and the ends), coefficients rounded to float. The check evaluates
the float polynomial by Horner's scheme with exactly rounded fmas and
prints the worst relative error of each table.

Developer tool (needs mpmath and numpy from PyPI):
  python3 tools/fit_ncdf_tables.py
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


def fit(f, deg, s=1.0, amax=AMAX, nodes=50, checks=1500):
    table, worst = [], 0.0
    for lo, hi, m in pieces(s):
        hi = min(hi, amax)
        ts = [mp.mpf(lo) + (mp.mpf(hi) - lo) * (0.5 - 0.5 * mp.cos(mp.pi * (i + 0.5) / nodes)) for i in range(nodes)]
        ts += [mp.mpf(lo), mp.mpf(hi)]
        A = mp.matrix([[(t - m) ** j / f(t) for j in range(deg + 1)] for t in ts])
        b = mp.matrix([1] * len(ts))
        c = [f32(x) for x in mp.lu_solve(A.T * A, A.T * b)]
        for a in np.linspace(lo, hi, checks):
            a = f32(a)
            t = f32(mp.mpf(float(a)) - m)
            p = c[deg]
            for j in range(deg - 1, -1, -1):
                p = fma(p, t, c[j])
            ex = f(mp.mpf(float(a)))
            worst = max(worst, abs(float((mp.mpf(float(p)) - ex) / ex)))
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
    for name, f, deg, kw in (("CLACT_NCDF_C", H, 6, {}), ("CLACT_GD_C", U, 5, {}),
                             ("CLACT_SP_C", K, 5, {"s": 0.5, "amax": 30.0, "nodes": 40, "checks": 800})):
        table, worst = fit(f, deg, **kw)
        print("/* %s: degree %d, worst relative error 2^%.2f */" % (name, deg, np.log2(worst)))
        print(defines(name, table, deg))
