/* clact_math.cl - elementary functions for the op formulas, in `realv`
 * (CLACT_VEC elements of float or double at once).
 *
 * The op formulas (clact_ops.cl) must be accurate over the whole range,
 * tails included, and cheap enough to stay at memory bandwidth. Builtins
 * give neither guarantee everywhere (OpenCL allows erfc 16 ulp, tanh 5 ulp,
 * exp 3 ulp, a division 2.5 ulp, and some erf/erfc implementations run at
 * a fraction of memory speed), so float gets its own approximations here:
 * polynomials evaluated with fma and a Cody-Waite exp. Double builds use
 * the builtin exp/expm1/log1p/tanh/erfc for the core functions, with the
 * same compensations around them.
 *
 * Branch-free style: every candidate value is computed into a variable
 * and one is picked with ?: on plain variables, which compiles to selects.
 * Kernels are vectorized across consecutive elements (CPU) or run in
 * lock-step (GPU), and a ?: around an inlined call can become a branch
 * that stops both.
 *
 * Polynomial coefficients are near-minimax fits of the stated function on
 * the stated interval, rounded to the working precision; the quoted figure
 * is the relative error of the fit. Every helper propagates NaN.
 *
 *   clact_expk(x, dx, &k)   m with e^(x+dx) = m 2^k, m in [0.7, 1.42]
 *   clact_ldexp(v, k)       v 2^k, exact unless the result is subnormal
 *   clact_expb(x, dx)       e^(x+dx) 2^CLACT_EXPB for x in
 *                           [CLACT_EXPB_MIN, CLACT_EXPB_MAX] (caller clamps)
 *   clact_exp2(x, dx, &em)  2^k with e^(x+dx) = 2^k (1 + em), 0 below the
 *                           normal range (for results that may flush)
 *   clact_expbn_add(c, x, dx)  c + e^(x+dx) 2^-CLACT_EXPB for -x in that
 *                           range
 *   clact_exp_kf(x, dx, &em)  kf with e^(x+dx) = 2^kf (1 + em), and
 *   clact_scalef(v, kf)     v 2^kf, and clact_scale1p(v, em, kf) v (1 + em)
 *                           2^kf (AVX-512 only: CLACT_HAVE_SCALEF)
 *   clact_perm(t, i)        lane i mod 16 of the 16-entry table t, per lane
 *                           (AVX-512's vpermps; CLACT_HAVE_PERM)
 *   clact_perm2(lo, hi, i)  lane i mod 32 of the 32-entry table (lo, hi)
 *                           (vpermi2ps; CLACT_HAVE_PERM)
 *   clact_rcp(d)            1/d to about half an ulp (d finite, nonzero)
 *   clact_rcpf(d), clact_divf(a, d)  1/d and a/d for the formulas'
 *                           denominators (d normal, in [2^-125, 2^125])
 *   clact_rcpn(d), clact_divn(a, d)  the same, bfloat16's to its accuracy
 *   clact_expm1n(x)         e^x - 1 for x <= 0
 *   clact_expm1(x, dx, c)   c (e^(x+dx) - 1) (dx a small correction)
 *   clact_log1p_ratio(e)    log1p(e)/e for 0 <= e <= 1
 *   clact_log1p01(e)        log1p(e) for 0 <= e <= 1 (float)
 *   clact_tanh(x)           tanh(x)
 *   clact_ncdf_tail(a)      a Phi(-a) = a erfc(a/sqrt2)/2, a >= 0
 *   clact_gelu_dtail(a)     Phi(-a) - a phi(a) = gelu'(-a), a >= 0
 *   clact_<op>_root(d)      f'(r + d) near the root r of f' (see below)
 *
 * Tails: e^x is often multiplied by other factors that are large where e^x
 * is tiny (silu(-90) = -90 e^-90 is a normal float though e^-90 is not).
 * clact_expb returns e^x scaled up by 2^CLACT_EXPB so that a formula can
 * form the whole product first and scale down once, at the end
 * (CLACT_EXPB_INV); clact_expk/clact_ldexp do the same over the full range
 * for the few formulas whose other factor is an arbitrary parameter.
 */
#ifndef CLACT_MATH_CL
#define CLACT_MATH_CL
#ifndef CLACT_EMBEDDED
#include "clact_types.cl"
#endif

/* The op formulas are large; a compiler that leaves one as a call cannot
 * vectorize the element loop around it. */
#ifndef CLACT_INLINE
#define CLACT_INLINE inline __attribute__((always_inline))
#endif

/* x clamped to [lo, hi]; NaN passes through (both comparisons are false) */
CLACT_INLINE realv clact_clamp(realv x, realv lo, realv hi)
{
    const realv t = x < lo ? lo : x;
    return t > hi ? hi : t;
}

/* -|x|, or lo where that lies below it (NaN passes): the sign bit or-ed
 * in and the clamp in the form x86 takes as one vmaxps. Written as -fabs
 * and a clamp na < lo ? lo : na, PoCL's compiler formed |x|, the or, a
 * compare and a masked move (bfloat16 softplus: 38 -> 40 GB/s in cache). */
CLACT_INLINE realv clact_nabs_min(realv x, realv lo)
{
#if CLACT_REAL_IS_DOUBLE
    const realv na = -fabs(x);
#else
    const realv na = CLACT_ASR(CLACT_ASI(x) | (int)0x80000000);
#endif
    return lo > na ? lo : na;
}

#if !CLACT_REAL_IS_DOUBLE
/* =========================== float =================================== */

#define CLACT_LOG2E 1.442695041f
#define CLACT_LN2_HI 0x1.62e430p-1f   /* float(ln 2) */
#define CLACT_LN2_LO -0x1.05c610p-29f /* ln 2 - CLACT_LN2_HI */

/* e^(x+dx) = 2^k e^r, k = round(x/ln2) by the 1.5*2^23 trick (no
 * float->int conversion, so a NaN x just gives a NaN r). r = x - k ln2
 * + dx: x - k ln2_hi is exact (k ln2_hi has at most 32 bits and r is
 * small), dx is added to it (|dx| << 1, the low part of an argument the
 * caller carried in two pieces; most callers have none, and their -0
 * costs nothing) and k ln2_lo is taken off by one fma: two roundings of
 * at most half an ulp of r with dx, one without. (The rest dx - k ln2_lo
 * formed beside it and added once rounds once with dx, but costs a
 * product more without: one of the 20-40 operations per vector of these
 * formulas.) e^r = 1 + r + r^2 P(r) on |r| <= 0.35 (degree 6, fit
 * 3.3e-9): within ~0.6 ulp.
 * e^r - 1 is one fma, r + r^2 P (clact_expm1_r), which callers that fold
 * the final 1 + . into a product of their own use (v m = v + v (m - 1),
 * one rounding fewer). */
CLACT_INLINE realv clact_exp_rp(realv x, realv dx, realv *t, realv *r, realv *r2)
{
    *t = fma(x, CLACT_K(CLACT_LOG2E), CLACT_K(0x1.8p23f));
    const realv kf = *t - 0x1.8p23f;
#if CLACT_LOWP
    /* one-constant reduction (r off by |k| 1.9e-9 <= 3.2e-7) and degree 4
     * (fit 5.3e-6): e^r to 2^-17.5. Horner's rule: the callers that form
     * e^r itself (clact_exp_r, clact_expbn_add) then need no r^2, and
     * the chain is no longer. */
    *r = fma(-kf, CLACT_K(CLACT_LN2_HI), x) + dx;
    *r2 = *r * *r;
    return fma(fma(CLACT_K(4.127747938e-02f), *r, CLACT_K(1.675352901e-01f)), *r, CLACT_K(5.000512004e-01f));
#else
    *r = fma(-kf, CLACT_K(CLACT_LN2_LO), fma(-kf, CLACT_K(CLACT_LN2_HI), x) + dx);
    *r2 = *r * *r;
    const realv p4 = fma(CLACT_K(1.381916809e-03f), *r2, fma(CLACT_K(8.368907496e-03f), *r, CLACT_K(4.166829214e-02f)));
    return fma(p4, *r2, fma(CLACT_K(1.666651964e-01f), *r, CLACT_K(4.999999404e-01f)));
#endif
}
/* e^r itself rounds once: 1 + r (1 + r P) */
CLACT_INLINE realv clact_exp_r(realv x, realv dx, realv *t)
{
    realv r, r2;
    const realv p = clact_exp_rp(x, dx, t, &r, &r2);
    return fma(r, fma(r, p, CLACT_K(1.0f)), CLACT_K(1.0f));
}
CLACT_INLINE realv clact_expm1_r(realv x, realv dx, realv *t)
{
    realv r, r2;
    const realv p = clact_exp_rp(x, dx, t, &r, &r2);
    return fma(r2, p, r);
}

/* full range: x clamped to [-175, 100], k in [-252, 145] */
CLACT_INLINE realv clact_expk(realv x, realv dx, intv *k)
{
    realv t;
    const realv m = clact_exp_r(clact_clamp(x, -175.0f, 100.0f), dx, &t);
    *k = CLACT_ASI(CLACT_ASU(t) - 0x4b400000u);
    return m;
}

/* v 2^k for k in [-252, 254] as two exact power-of-two factors: rounds
 * once, at the end, and only if the result is subnormal. Unsigned
 * arithmetic keeps a garbage k (NaN argument) well defined. */
CLACT_INLINE realv clact_ldexp(realv v, intv k)
{
    const intv k1 = k / 2;
    return v * CLACT_ASR(CLACT_ASU(k1 + 127) << 23) * CLACT_ASR(CLACT_ASU(k - k1 + 127) << 23);
}

/* An AVX-512 builtin of 16 lanes over realv's 16, 32 or 64: P(s) is the
 * builtin on the parts of its vector arguments that the suffix s picks
 * (empty, .lo, .hi, .lo.lo, ...), and the realv is their concatenation */
#if CLACT_VEC == 16
#define CLACT_BY16(P) P()
#elif CLACT_VEC == 32
#define CLACT_BY16(P) ((realv)(P(.lo), P(.hi)))
#else
#define CLACT_BY16(P) ((realv)(P(.lo.lo), P(.lo.hi), P(.hi.lo), P(.hi.hi)))
#endif

/* AVX-512's reciprocal estimate and vscalefps in the formulas (see
 * clact_rcp14 below) */
#if CLACT_RCP14 && CLACT_CPU && defined(__AVX512F__) && defined(__clang__) && CLACT_VEC >= 16
#define CLACT_AVX512_RCP 1
#else
#define CLACT_AVX512_RCP 0
#endif

/* e^(x+dx) 2^40 for x in [-115, 60]: 2^(k+40) is a normal float there,
 * built from t's low bits (t = 1.5*2^23 + k); one multiply, NaN-safe.
 * float16 results need no scale where the formulas scale by vscalefps
 * (which takes any exponent, where the forms built from t's bits need
 * callers to clamp to the range): every result below 2^-25 rounds to 0
 * there, and for x in [-87, 88] e^x itself is a normal float. With
 * CLACT_EXPB 0 the scale-down is a product by 1, which the compiler
 * drops, and the scalings' exponents are the reduction's own: two vector
 * operations fewer per 16 elements in sigmoid, silu and gelu_tanh, with
 * the same results for all 65536 inputs (the ulp sweep, forward and
 * backward). */
#if CLACT_LOWP && CLACT_DTYPE == 1 && CLACT_AVX512_RCP
#define CLACT_EXPB 0
#define CLACT_EXPB_INV 1.0f
#define CLACT_EXPB_MIN -87.0f
#define CLACT_EXPB_MAX 88.0f
#else
#define CLACT_EXPB 40
#define CLACT_EXPB_INV 0x1p-40f
#define CLACT_EXPB_MIN -115.0f
#define CLACT_EXPB_MAX 60.0f
#endif
/* 2^(k + e) from t = 1.5*2^23 + k (the reductions' rounding trick leaves
 * k in t's low bits), for k + e in [-126, 127]: the exponent field built
 * directly, unsigned so that a NaN's garbage k stays well defined */
#define CLACT_T_POW2(t, e) CLACT_ASR((CLACT_ASU(t) - (0x4b400000u - 127u - (e))) << 23)
CLACT_INLINE realv clact_expb(realv x, realv dx)
{
    realv t;
    const realv m = clact_exp_r(x, dx, &t);
    return m * CLACT_T_POW2(t, CLACT_EXPB);
}

/* the same as (1 + *em) * scale, for callers that fold the 1 + . */
CLACT_INLINE realv clact_expb2(realv x, realv dx, realv *em)
{
    realv t;
    *em = clact_expm1_r(x, dx, &t);
    return CLACT_T_POW2(t, CLACT_EXPB);
}

/* the same unscaled, 2^k (1 + *em), for formulas whose result is e^x
 * times a factor below 1: 2^k is 0 below the normal range (x below about
 * -87.3), where such a result is subnormal and may flush to zero */
CLACT_INLINE realv clact_exp2(realv x, realv dx, realv *em)
{
    realv t;
    *em = clact_expm1_r(x, dx, &t);
    const intv e = CLACT_ASI(t) - (0x4b400000 - 127);
    return CLACT_ASR(CLACT_ASU(e > 0 ? e : 0) << 23);
}

/* Per-lane table lookups (AVX-512's vpermps, vpermi2ps) for the
 * polynomial tables below: where the host asks for tables (CLACT_TABLES,
 * from the tuning table) or for reciprocal estimates (which bring the
 * other tables along), on 16 lanes or more. */
#ifndef CLACT_TABLES
#define CLACT_TABLES 0
#endif
#if (CLACT_TABLES || CLACT_RCP14) && CLACT_CPU && defined(__AVX512F__) && defined(__clang__) && CLACT_VEC >= 16
#define CLACT_HAVE_PERM 1
#else
#define CLACT_HAVE_PERM 0
#endif

/* Division. OpenCL lets a float division be off by 2.5 ulp unless the
 * program is built with -cl-fp32-correctly-rounded-divide-sqrt; the host
 * asks for that on CPU devices that support it and then defines
 * CLACT_DIV_EXACT to 1 (a CPU runs these formulas at the edge of its
 * arithmetic throughput, so every instruction on the critical path
 * counts). Elsewhere (GPUs: far from compute bound) a Newton step makes
 * any division good to about half an ulp, and sums such as 1 + e are
 * carried in two pieces into it. Both forms are within the ulp bounds;
 * the second is the more accurate by about half an ulp. */
#ifndef CLACT_DIV_EXACT
#define CLACT_DIV_EXACT 0
#endif

/* 1/d (d finite, nonzero) */
CLACT_INLINE realv clact_rcp(realv d)
{
    const realv r = 1.0f / d;
#if CLACT_DIV_EXACT
    return r;
#else
    return fma(fma(-d, r, CLACT_K(1.0f)), r, r);
#endif
}

/* 1/d and a/d for a normal d in [2^-125, 2^125] (the denominators of the
 * formulas below, never a parameter's). CLACT_RCP14 (the host's tuning
 * table sets it, for CPUs whose division is slow) asks for AVX-512's
 * 14-bit reciprocal estimate and one Newton step, within about half an
 * ulp of the correctly rounded result (the step squares the estimate's
 * error: 2^-28 and the final rounding). On a 2-core Xeon through PoCL a
 * 16-lane division takes the divider about as long as 5 FMAs take the
 * core: in cache the formulas ran 5-20% faster with their division taken
 * out (a timing experiment). Elsewhere these are the division. bfloat16
 * builds take the estimate alone (below): its error is a small fraction
 * of their ulp (clact_rcpn; clact_rcpf keeps the step where a formula
 * cancels after its division). CLACT_RCP14 2 (a CPU whose divider keeps
 * up: Zen 5) keeps the divisions beside the rest of the AVX-512 forms;
 * bfloat16's clact_rcpn takes the estimate either way. */
#if CLACT_AVX512_RCP && (CLACT_RCP14 != 2 || (CLACT_LOWP && CLACT_DTYPE == 2))
#define CLACT_RCP_EST 1
#else
#define CLACT_RCP_EST 0
#endif
#if CLACT_RCP_EST
#define CLACT_RCP14_16(v) __builtin_ia32_rcp14ps512_mask((v), (float16)0, (ushort)0xffff)
CLACT_INLINE realv clact_rcp14(realv d)
{
#define CLACT_RCP14_P(s) CLACT_RCP14_16(d s)
    return CLACT_BY16(CLACT_RCP14_P);
}
#endif
/* to float accuracy in every build */
#if CLACT_RCP_EST && CLACT_RCP14 != 2
CLACT_INLINE realv clact_rcpf(realv d)
{
    const realv r = clact_rcp14(d);
    return fma(fma(-d, r, CLACT_K(1.0f)), r, r);
}
CLACT_INLINE realv clact_divf(realv a, realv d)
{
    const realv r = clact_rcp14(d), q = a * r;
    return fma(fma(-q, d, a), r, q);
}
#else
CLACT_INLINE realv clact_rcpf(realv d) { return clact_rcp(d); }
CLACT_INLINE realv clact_divf(realv a, realv d) { return a / d; }
#endif
#if CLACT_RCP_EST && CLACT_LOWP && CLACT_DTYPE == 2
/* bfloat16 results (8 significant bits): the estimate alone, two vector
 * operations fewer per 16 elements on chains of 20-30. Its 2^-14 is
 * 2^-7 of a bfloat16 ulp, about what the 2^-16.5 of the float16 forms
 * is of theirs: over all 65536 inputs, the ops that divide round 3-18
 * results per op and direction away from the correctly rounded one
 * (0-3 with the step; float16: 14-90), all within the 1-ulp bound. */
CLACT_INLINE realv clact_rcpn(realv d) { return clact_rcp14(d); }
CLACT_INLINE realv clact_divn(realv a, realv d) { return a * clact_rcp14(d); }
#else
CLACT_INLINE realv clact_rcpn(realv d) { return clact_rcpf(d); }
CLACT_INLINE realv clact_divn(realv a, realv d) { return clact_divf(a, d); }
#endif
#if CLACT_AVX512_RCP
/* v 2^k for a float k (an integer value): AVX-512's vscalefps, exact
 * unless the result is subnormal, where it rounds once. Where the
 * formulas' e^x = 2^k (1 + em) meets its other factors v last, the whole
 * v (1 + em) 2^k is one fma and this, in place of forming 2^k from t's
 * bits (two integer ops) and two products with it (the scale up and the
 * scale down by 2^EXPB): on the Xeon, float32 gelu's forward went from
 * 45 to 40 vector operations per 16 elements with it (and the fma q). */
#define CLACT_HAVE_SCALEF 1
#define CLACT_SCALEF_16(v, k) __builtin_ia32_scalefps512_mask((v), (k), (float16)0, (ushort)0xffff, 4)
CLACT_INLINE realv clact_scalef(realv v, realv k)
{
#define CLACT_SCALEF_P(s) CLACT_SCALEF_16(v s, k s)
    return CLACT_BY16(CLACT_SCALEF_P);
}
/* e^(x+dx) = 2^kf (1 + *em), kf a float; x in [-175, 100] (caller clamps) */
CLACT_INLINE realv clact_exp_kf(realv x, realv dx, realv *em)
{
    realv t;
    *em = clact_expm1_r(x, dx, &t);
    return t - 0x1.8p23f;
}
/* v (1 + em) 2^kf: one fma, one vscalefps */
CLACT_INLINE realv clact_scale1p(realv v, realv em, realv kf) { return clact_scalef(fma(v, em, v), kf); }
#else
#define CLACT_HAVE_SCALEF 0
#endif

/* bfloat16 on AVX-512 (CLACT_HAVE_REDUCE): v S 2^y = scalef(v S P(r), y)
 * with r = y - floor(y) in [0, 1) from vreduceps (one operation, exact),
 * P(r) = 1 + r Q(r) of degree 4 for 2^r on [0, 1) (fit 2^-18.4), S a
 * power of 2 folded into P's coefficients (exact), and vscalefps scaling
 * by 2^floor(y) itself: y needs no rounding to an integer and no
 * subtraction. y is one product, rounded (2^-17 at |y| = 166, e^-115):
 * the formulas' exponentials become a product, vreduceps, 4 fmas and
 * vscalefps, where the forms below take a rounding fma, one or two
 * subtractions, an fma for r and the same rest: one operation fewer on
 * the multiply-add units, which bound these formulas on a CPU. In cache
 * on Zen 5 (medians of 7, interleaved): bfloat16 sigmoid, silu, mish,
 * softplus and gelu_tanh 2-6% faster, both directions. Over all 65536
 * inputs the results not correctly rounded stay within 2 of the former
 * counts. Not for float16: P's error is relative to 2^r on all of
 * [0, 1), so for small negative y (r near 1) it no longer shrinks with
 * |y| as 1 + r Q does about 0, and float16 results there lie near halfway
 * cases (silu forward: 33 results not correctly rounded, was 15). */
#if CLACT_LOWP && CLACT_DTYPE == 2 && CLACT_HAVE_SCALEF && defined(__AVX512DQ__)
#define CLACT_HAVE_REDUCE 1
#define CLACT_REDUCE_16(v) __builtin_ia32_reduceps512_mask((v), 0x09, (float16)0, (ushort)0xffff, 4)
#define CLACT_LP_EXP2_P(r, S)                                                                                   \
    fma(fma(fma(fma(CLACT_K(1.342664752e-02f * (S)), r, CLACT_K(5.224253237e-02f * (S))), r,                     \
                CLACT_K(2.412801832e-01f * (S))), r, CLACT_K(6.930448413e-01f * (S))), r, CLACT_K(S))
CLACT_INLINE realv clact_lp_mul_exp2_s(realv v, realv y, float S)
{
#define CLACT_REDUCE_P(s) CLACT_REDUCE_16(y s)
    const realv r = CLACT_BY16(CLACT_REDUCE_P);
    return clact_scalef(v * CLACT_LP_EXP2_P(r, S), y);
}
#else
#define CLACT_HAVE_REDUCE 0
#endif

/* c + e^(x+dx) 2^-EXPB, e^x scaled down (a normal float for x in
 * [1 - CLACT_EXPB_MAX, -CLACT_EXPB_MIN], caller clamps; c = 2^-EXPB, the
 * logistic functions' denominators): with e^(x+dx) = 2^k (1 + r u) and
 * S = 2^(k - EXPB), (c + S) + (S r) u, one fma after the polynomial where
 * forming e^x, scaling it and adding c are three dependent steps. S r is
 * exact; c + S and the fma round once each, as the two steps it replaces.
 * With vscalefps, c + S e^r: e^r rounds once, the scaling is exact, and
 * the sum rounds once (one operation fewer than building S from t's
 * bits and the two products with it). */
CLACT_INLINE realv clact_expbn_add(realv c, realv x, realv dx)
{
#if CLACT_HAVE_REDUCE
    return clact_lp_mul_exp2_s(CLACT_K(1.0f), (x + dx) * CLACT_LOG2E, CLACT_EXPB_INV) + c;
#else
    realv t, r, r2;
    const realv p = clact_exp_rp(x, dx, &t, &r, &r2);
#if CLACT_HAVE_SCALEF
    return clact_scalef(fma(r, fma(r, p, CLACT_K(1.0f)), CLACT_K(1.0f)), t - (0x1.8p23f + CLACT_EXPB)) + c;
#else
    const realv S = CLACT_T_POW2(t, -CLACT_EXPB);
    return fma(S * r, fma(r, p, CLACT_K(1.0f)), c + S);
#endif
#endif
}

/* 2^-(x (q + lo)) = 2^k (1 + r (C1 + r p)), for exponents that are a
 * product x q whose factor log2(e) the caller has folded into q (carried
 * as q + lo, lo its low part): k = round(-x q) is one fma (the 1.5*2^23
 * trick, *t = 1.5*2^23 + k) and r = -x q - k one more (exact product,
 * one rounding: |r| <= 1/2), then -x lo. Where the argument is formed
 * first and reduced by ln 2 after (v = x q, its error vl, then k ln2_hi
 * and k ln2_lo), three or four vector operations more. 2^r is degree 6
 * on |r| <= 1/2 (the same function as e^r on |r| <= ln2/2; fit 2^-27.9
 * with the float coefficients), within 0.77 ulp. */
#define CLACT_EXP2_C1 6.931471825e-01f
CLACT_INLINE realv clact_exp2_rp_xq(realv x, realv q, realv lo, realv *t, realv *r)
{
    *t = fma(-x, q, CLACT_K(0x1.8p23f));
    const realv kf = *t - 0x1.8p23f;
    *r = fma(-x, lo, fma(-x, q, -kf));
    const realv r2 = *r * *r;
    const realv p4 = fma(CLACT_K(1.519669313e-04f), r2, fma(CLACT_K(1.339130453e-03f), *r, CLACT_K(9.619002230e-03f)));
    return fma(p4, r2, fma(CLACT_K(5.550358817e-02f), *r, CLACT_K(2.402264327e-01f)));
}
/* c + 2^-(x (q + lo)) 2^-EXPB (as clact_expbn_add); the caller clamps x
 * so that -x q lies in [1 - CLACT_EXPB_MAX, -CLACT_EXPB_MIN] log2(e) */
CLACT_INLINE realv clact_exp2bn_add_xq(realv c, realv x, realv q, realv lo)
{
    realv t, r;
    const realv p = clact_exp2_rp_xq(x, q, lo, &t, &r);
#if CLACT_HAVE_SCALEF
    return clact_scalef(fma(r, fma(r, p, CLACT_K(CLACT_EXP2_C1)), CLACT_K(1.0f)), t - (0x1.8p23f + CLACT_EXPB)) + c;
#else
    const realv S = CLACT_T_POW2(t, -CLACT_EXPB);
    return fma(S, fma(r, fma(r, p, CLACT_K(CLACT_EXP2_C1)), CLACT_K(1.0f)), c);
#endif
}
#if CLACT_LOWP
/* the same for 16-bit results (CLACT_LOWP), 2^(x q) with q in one piece:
 * *t = 1.5*2^23 + k, r = x q - k, and 2^r = 1 + r (C1 + r P) returned
 * (degree 4, fit 2^-18.4) */
CLACT_INLINE realv clact_lp_exp2_m(realv x, realv q, realv *t)
{
    *t = fma(x, q, CLACT_K(0x1.8p23f));
    const realv kf = *t - 0x1.8p23f;
    const realv r = fma(x, q, -kf);
    const realv p = fma(fma(CLACT_K(9.583037347e-03f), r, CLACT_K(5.590651184e-02f)), r, CLACT_K(2.402409464e-01f));
    return fma(r, fma(r, p, CLACT_K(6.931241751e-01f)), CLACT_K(1.0f));
}
/* c + 2^(x q) 2^-EXPB: q's rounding moves the argument by 2^-16 where
 * x q is -130 (gelu_tanh's at the smallest bfloat16 result) */
CLACT_INLINE realv clact_lp_exp2bn_add_xq(realv c, realv x, realv q)
{
#if CLACT_HAVE_REDUCE
    return clact_lp_mul_exp2_s(CLACT_K(1.0f), x * q, CLACT_EXPB_INV) + c;
#else
    realv t;
    const realv m = clact_lp_exp2_m(x, q, &t);
#if CLACT_HAVE_SCALEF
    return clact_scalef(m, t - (0x1.8p23f + CLACT_EXPB)) + c;
#else
    return fma(CLACT_T_POW2(t, -CLACT_EXPB), m, c);
#endif
#endif
}
/* v 2^(x q), v applied before the scaling, rounded once more where it is
 * subnormal (as clact_lp_exp); the caller keeps x q above EXPB_MIN
 * log2(e) */
CLACT_INLINE realv clact_lp_mul_exp2(realv v, realv x, realv q)
{
#if CLACT_HAVE_REDUCE
    return clact_lp_mul_exp2_s(v, x * q, 1.0f);
#else
    realv t;
    const realv m = clact_lp_exp2_m(x, q, &t);
#if CLACT_HAVE_SCALEF
    return clact_scalef(v * m, t - 0x1.8p23f);
#else
    return v * m * CLACT_T_POW2(t, CLACT_EXPB) * CLACT_EXPB_INV;
#endif
#endif
}
#endif
#if CLACT_HAVE_SCALEF
/* kf with 2^-(x (q + lo)) = 2^kf (1 + *em), as clact_exp_kf */
CLACT_INLINE realv clact_exp2_kf_xq(realv x, realv q, realv lo, realv *em)
{
    realv t, r;
    const realv p = clact_exp2_rp_xq(x, q, lo, &t, &r);
    *em = r * fma(r, p, CLACT_K(CLACT_EXP2_C1));
    return t - 0x1.8p23f;
}
#endif

/* 1/(c + e) for 0 <= e <= c, c = 1 or 2: with exact division, 1 + e
 * rounds once (at most half an ulp more); otherwise the sum is carried in
 * two pieces into a Newton step */
CLACT_INLINE realv clact_rcp_sum(realv c, realv e)
{
    const realv s = c + e;
#if CLACT_DIV_EXACT
    return clact_rcpn(s);
#else
    const realv sl = e - (s - c);
    const realv r = 1.0f / s;
    return fma(fma(-s, r, CLACT_K(1.0f)) - sl * r, r, r);
#endif
}
CLACT_INLINE realv clact_rcp1p(realv e) { return clact_rcp_sum(CLACT_K(1.0f), e); }

/* expm1 on |x| <= 1.04: x + x^2 Q(x), Q = (expm1(x) - x)/x^2 (degree 7,
 * fit 2.4e-9, by Estrin's scheme): no cancellation, ~1 ulp. */
CLACT_INLINE realv clact_expm1_poly(realv x)
{
    const realv x2 = x * x, x4 = x2 * x2;
    const realv p3 = fma(CLACT_K(2.729059133e-06f), x, CLACT_K(2.540012974e-05f));
    const realv p2 = fma(CLACT_K(1.985455892e-04f), x, CLACT_K(1.388494158e-03f));
    const realv p1 = fma(CLACT_K(8.333233185e-03f), x, CLACT_K(4.166674241e-02f));
    const realv p0 = fma(CLACT_K(1.666666865e-01f), x, CLACT_K(0.5f));
    const realv q = fma(fma(p3, x2, p2), x4, fma(p1, x2, p0));
    return fma(x2, q, x);
}

/* e^x - 1 for x <= 0 as 2^k (e^r - 1) + (2^k - 1), with e^r - 1 = r + r^2 P
 * from the exp core: one form, no select. For k = 0 (|x| <= 0.35) r = x
 * exactly and the result is r + r^2 P (about an ulp); for k = -1 the result is
 * at least 0.29 against terms up to 1/2; below, no cancellation. x is
 * clamped where 2^k stays normal (e^-87 - 1 = -1 in float). */
CLACT_INLINE realv clact_expm1n(realv x)
{
#if CLACT_HAVE_SCALEF
    realv em;
    const realv pk = clact_scalef(CLACT_K(1.0f), clact_exp_kf(x < -87.0f ? -87.0f : x, CLACT_K(-0.0f), &em));
#else
    realv t;
    const realv em = clact_expm1_r(x < -87.0f ? -87.0f : x, CLACT_K(-0.0f), &t);
    const realv pk = CLACT_T_POW2(t, 0); /* 2^k */
#endif
    return fma(pk, em, pk - 1.0f);
}

/* c (e^(x+dx) - 1) for any x: the polynomial on |x| <= 1.04; below,
 * e^x - 1 with e^x < 0.36 (the exp error shrinks in the result); above,
 * 2^k (m - 2^-k) with k >= 2, so m - 2^-k >= 0.45 (no real cancellation);
 * the factor c is applied before the scaling, so c (e^x - 1) does not
 * overflow unless the result does. The correction dx enters the
 * polynomial as dx e^x. */
CLACT_INLINE realv clact_expm1(realv x, realv dx, realv c)
{
    intv k;
    const realv m = clact_expk(x, dx, &k);
    realv small = clact_expm1_poly(x);
    small = c * fma(dx, small + 1.0f, small);
    const realv lo = c * (clact_ldexp(m, k) - 1.0f);
    const realv hi = clact_ldexp(c * (m - CLACT_ASR(CLACT_ASU(127 - min(k, (intv)64)) << 23)), k);
    const realv big = x < 0.0f ? lo : hi;
    return fabs(x) <= 1.04f ? small : big;
}

/* log1p(e)/e for e in [0, 1] as 1 + e Q(e), Q of degree 10 (relative fit
 * 8.7e-9 with the float coefficients), evaluated by Estrin's scheme: no
 * division and a short dependent chain. ~1 ulp. Returning the ratio lets
 * the caller keep e's scale factor apart. */
CLACT_INLINE realv clact_log1p_ratio(realv e)
{
#if CLACT_LOWP && CLACT_DTYPE == 2
    /* bfloat16 results: 1 + e P(e), P of degree 4 by Horner's rule, fit
     * 2^-16.7, two operations fewer than the float16 form */
    const realv p = fma(fma(fma(fma(CLACT_K(-2.473449707e-02f), e, CLACT_K(1.035925299e-01f)), e,
                                CLACT_K(-2.124041170e-01f)), e, CLACT_K(3.262260556e-01f)), e,
                        CLACT_K(-4.995394647e-01f));
    return fma(e, p, CLACT_K(1.0f));
#elif CLACT_LOWP
    /* float16 results (clact_types.cl): degree 5, fit 2^-19.4 */
    const realv e2 = e * e;
    const realv r0 = fma(CLACT_K(3.314041793e-01f), e, CLACT_K(-4.999074638e-01f));
    const realv r1 = fma(CLACT_K(1.510268003e-01f), e, CLACT_K(-2.361130267e-01f));
    const realv r2 = fma(CLACT_K(1.458798721e-02f), e, CLACT_K(-6.785030663e-02f));
    return fma(e, fma(fma(r2, e2, r1), e2, r0), CLACT_K(1.0f));
#else
    const realv e2 = e * e, e4 = e2 * e2, e8 = e4 * e4;
    const realv p0 = fma(CLACT_K(3.333318830e-01f), e, CLACT_K(-4.999999702e-01f));
    const realv p1 = fma(CLACT_K(1.996774971e-01f), e, CLACT_K(-2.499697655e-01f));
    const realv p2 = fma(CLACT_K(1.345283985e-01f), e, CLACT_K(-1.646289229e-01f));
    const realv p3 = fma(CLACT_K(6.451391429e-02f), e, CLACT_K(-1.016956717e-01f));
    const realv p4 = fma(CLACT_K(9.223374538e-03f), e, CLACT_K(-3.052817471e-02f));
    const realv q0 = fma(p1, e2, p0), q1 = fma(p3, e2, p2);
    const realv q2 = fma(CLACT_K(-1.305387821e-03f), e2, p4);
    const realv q = fma(q1, e4, q0);
    return fma(e, fma(q2, e8, q), CLACT_K(1.0f));
#endif
}

#if !CLACT_LOWP
/* log1p(e) for e in [0, 1] as 2 atanh(s), s = e/(2 + e) in [0, 1/3]:
 * 2s + 2s w G(w), w = s^2, G(w) = (atanh(s)/s - 1)/w of degree 4 (relative
 * fit 1e-8, which the factor w G/(1 + w G) <= 0.04 shrinks to 1e-9): 7
 * multiply-adds and a division, which costs a CPU about one more (a Zen 5
 * runs it beside them, but not for free), where clact_log1p_ratio and the
 * product with e cost 14.
 * s is within about an ulp (one rounding in 2 + e, one in the quotient),
 * and so is the result: 2s dominates it and is exact. */
CLACT_INLINE realv clact_log1p01(realv e)
{
#if CLACT_DIV_EXACT
    const realv s = clact_divn(e, 2.0f + e);
#else
    const realv s = e * clact_rcp(2.0f + e);
#endif
    const realv w = s * s;
    realv g = fma(CLACT_K(1.161677699e-01f), w, CLACT_K(1.085226763e-01f));
    g = fma(g, w, CLACT_K(1.429624940e-01f));
    g = fma(g, w, CLACT_K(1.999985162e-01f));
    g = fma(g, w, CLACT_K(3.333333367e-01f));
    const realv s2 = s + s;
    return fma(s2 * w, g, s2);
}
#endif

/* tanh(x) = sign(x) tanh(a), a = |x| (tanh(-0) = -0).
 *  a < 0.5493 (tanh < 1/2): a + a^3 T(a^2) (degree 5 in a^2, fit
 *  1.1e-9), ~1 ulp.
 *  otherwise: 1 - 2e/(1+e), e = e^-2|x|, as 1 - 2c/(c + c e^2|x|) with
 *  c = 2^-EXPB (c e^2|x| is normal for 2|x| in [1, 115]; beyond, the
 *  subtracted term is below half an ulp of 1): one division, and the
 *  subtracted term is at most half of a result in [1/2, 1], so its
 *  ~1.5 ulp error halves. */
#if !CLACT_HAVE_PERM /* else from a table, below */
CLACT_INLINE realv clact_tanh(realv x)
{
    const realv a = fabs(x);
    const realv a2 = 2.0f * a;
    const realv rc = clact_rcpn(clact_expbn_add(CLACT_EXPB_INV, a2 > -CLACT_EXPB_MIN ? -CLACT_EXPB_MIN : a2, CLACT_K(-0.0f)));
    const realv big = fma(CLACT_K(-2.0f * CLACT_EXPB_INV), rc, CLACT_K(1.0f));
    const realv s = x * x;
    realv p = fma(CLACT_K(-6.246106699e-03f), s, CLACT_K(2.105253935e-02f));
    p = fma(p, s, CLACT_K(-5.384785682e-02f));
    p = fma(p, s, CLACT_K(1.333254576e-01f));
    p = fma(p, s, CLACT_K(-3.333331645e-01f));
    const realv small = fma(a * s, p, a);
    return copysign(a < 0.5493f ? small : big, x); /* tanh(-0) = -0 */
}
#endif

/* Normal distribution tail for gelu, a = |x| >= 0: a Phi(-a), with
 *   Phi(-a) = phi(a) M(a),  phi(a) = e^(-a^2/2)/sqrt(2 pi),  M = Mills ratio.
 * With q = (a-2)/(a+2) in [-1, 0.76] (a in [0, 14.7]), (a+2) M(a)/sqrt(2 pi)
 * is a smooth function of q, a degree-11 polynomial P(q) (fit 3.8e-9,
 * constant term in two pieces), so
 *   a Phi(-a) = e^(-a^2/2) P(q) h,  h = a/(a+2).
 * The tail is computed directly, never as 1 - erf(.), and keeps its
 * relative accuracy down to the subnormals (gelu(-10) = -7.6e-23).
 * Care points: a + 2 is formed exactly (two pieces) and h refined to half
 * an ulp (with CLACT_DIV_EXACT one division by the rounded a + 2: within
 * about an ulp); q = 2h - 1 is then right to about an ulp of 1, and the choice
 * c = 2 in (a-c)/(a+c) keeps P's sensitivity to q small; a^2 is split
 * exactly and its low part goes into the exp, whose argument error would
 * be amplified by a^2/2 (up to 108); e^(-a^2/2) = 2^k (1 + em) stays in
 * two pieces until the last operation, h 2^k P + (h 2^k P) em, one fma
 * with the exact product inside (2^k is 0 beyond a = 13.2, where the
 * results are subnormal and may flush to zero). Beyond a = 14.7 the
 * results are below half the smallest subnormal: a is clamped there. */
CLACT_INLINE realv clact_gelu_h(realv ac, realv *q)
{
#if CLACT_DIV_EXACT
    const realv h = clact_divn(ac, ac + 2.0f);
#else
    const realv hi = fmax(ac, CLACT_K(2.0f)), lo = fmin(ac, CLACT_K(2.0f));
    const realv s = hi + lo, sl = lo - (s - hi);       /* a + 2 = s + sl */
    const realv r = 1.0f / s;
    const realv h0 = ac * r;                            /* a/(a + 2), refined */
    const realv h = fma(fma(-h0, sl, fma(-h0, s, ac)), r, h0);
#endif
    /* (a - 2)/(a + 2), one rounding either way: two adds where they run
     * beside the multiply-adds (Zen), one fma where they share its ports */
#if CLACT_HAVE_SCALEF
    *q = fma(h, CLACT_K(2.0f), CLACT_K(-1.0f));
#else
    *q = (h + h) - 1.0f;
#endif
    return h;
}
/* -a^2/2 = s + *sl exactly (one product) */
CLACT_INLINE realv clact_gelu_s(realv ac, realv *sl)
{
    const realv hs = -0.5f * ac;
    const realv s = ac * hs;
    *sl = fma(ac, hs, -s);
    return s;
}
/* e^(-a^2/2) 2^EXPB = sc (1 + em) */
CLACT_INLINE realv clact_gelu_e(realv ac, realv *em)
{
    realv sl;
    const realv s = clact_gelu_s(ac, &sl);
    return clact_expb2(s, sl, em);
}
#if CLACT_HAVE_SCALEF
/* e^(-a^2/2) = 2^kf (1 + em) */
CLACT_INLINE realv clact_gelu_kf(realv ac, realv *em)
{
    realv sl;
    const realv s = clact_gelu_s(ac, &sl);
    return clact_exp_kf(s, sl, em);
}
#endif
#if CLACT_HAVE_PERM
/* AVX-512's vpermps: lane k of the result is t's lane i_k mod 16 (a
 * 16-entry table in one register, looked up per lane) */
#define CLACT_PERM_16(t, i) __builtin_ia32_permvarsf512((t), (i))
CLACT_INLINE realv clact_perm(float16 t, intv i)
{
#define CLACT_PERM_P(s) CLACT_PERM_16(t, i s)
    return CLACT_BY16(CLACT_PERM_P);
}
/* AVX-512's vpermi2ps: lane k of the result is lane i_k mod 32 of the
 * 32-entry table (lo, hi), two registers */
#define CLACT_PERM2_16(lo, hi, i) __builtin_ia32_vpermi2varps512((lo), (i), (hi))
CLACT_INLINE realv clact_perm2(float16 lo, float16 hi, intv i)
{
#define CLACT_PERM2_P(s) CLACT_PERM2_16(lo, hi, i s)
    return CLACT_BY16(CLACT_PERM2_P);
}
/* vmaxps itself, a > b ? a : b (b where either is NaN): a select of that
 * form feeding a sum can become a compare, the sum and a masked move */
#define CLACT_MAX_16(a, b) __builtin_ia32_maxps512((a), (b), 4)
CLACT_INLINE realv clact_vmax(realv a, realv b)
{
#define CLACT_MAX_P(s) CLACT_MAX_16(a s, b s)
    return CLACT_BY16(CLACT_MAX_P);
}
/* Horner's scheme over per-lane table lookups: L(k, i) is the degree-k
 * coefficient of lane i's piece (e.g. clact_perm(NAME##k, i)) */
#define CLACT_HORNER5(L, i, t)                                                                      \
    fma(fma(fma(fma(fma(L(5, i), t, L(4, i)), t, L(3, i)), t, L(2, i)), t, L(1, i)), t, L(0, i))
#define CLACT_HORNER6(L, i, t)                                                                      \
    fma(fma(fma(fma(fma(fma(L(6, i), t, L(5, i)), t, L(4, i)), t, L(3, i)), t, L(2, i)), t, L(1, i)), t, L(0, i))
/* float16 on AVX-512 (CLACT_H16): gelu and gelu_tanh, the derivatives of
 * silu and mish as g P(x), g = x (forward) or dy (backward), and
 * softplus (beta 1), with P from a table of polynomials in x: no
 * exponential, no division. float16 needs P to about 2^-16 on a short
 * range only: below XLO a result rounds to 0 (backward: for any |dy| <=
 * 65504, from a lowest piece that holds 0), above XHI P is 1 to within
 * 2^-14. x, clamped to [XLO, XHI], lies in piece k = round(s x), index
 * k - kmin (the permutes read the low bits of fma(x, s, 1.5*2^23 - kmin)),
 * and P is a polynomial in w = x - m, m the piece's centre, from a table
 * too: a root of P is the centre of its piece, so P keeps its relative
 * accuracy up to it. gelu's and gelu_tanh's forwards take 16 pieces of
 * degree 6 (vpermps), as softplus does on x <= 0 (max(x, 0) + P(-|x|));
 * the backwards, whose ranges are longer, 32 (vpermi2ps) of degree 6
 * (gelu, gelu_tanh), 7 (silu) and 8 (mish). tools/fit_f16_tables.py fits
 * the tables (CLACT_H16_*) and scores them on every float16 input.
 * Vector operations per 16 elements: forward gelu 32 -> 23 and gelu_tanh
 * 25 -> 23; backward gelu 37 -> 26, gelu_tanh 41 -> 26, silu 34 -> 28,
 * mish 42 -> 30. Results not correctly rounded (of 65536) fell too:
 * forward gelu 21 -> 2, gelu_tanh 43 -> 4, softplus 90 -> 2. (32 pieces
 * of degree 4 for the forwards, 4 operations fewer, ran 12% faster in
 * cache but at the same speed at full size, and rounded 16-19 results
 * wrongly.) */
#define CLACT_HORNER7(L, i, t)                                                                      \
    fma(fma(fma(fma(fma(fma(fma(L(7, i), t, L(6, i)), t, L(5, i)), t, L(4, i)), t, L(3, i)), t, L(2, i)), t, \
            L(1, i)),                                                                               \
        t, L(0, i))
#define CLACT_HORNER8(L, i, t)                                                                      \
    fma(fma(fma(fma(fma(fma(fma(fma(L(8, i), t, L(7, i)), t, L(6, i)), t, L(5, i)), t, L(4, i)), t, L(3, i)), t, \
                L(2, i)),                                                                           \
            t, L(1, i)),                                                                            \
        t, L(0, i))
#define CLACT_HORNER9(L, i, t)                                                                      \
    fma(fma(fma(fma(fma(fma(fma(fma(fma(L(9, i), t, L(8, i)), t, L(7, i)), t, L(6, i)), t, L(5, i)), t,      \
                        L(4, i)),                                                                   \
                    t, L(3, i)),                                                                    \
                t, L(2, i)),                                                                        \
            t, L(1, i)),                                                                            \
        t, L(0, i))
#if CLACT_HAVE_PERM
/* the index of piece round(s x) - kmin, for x in the table's range, in
 * the low bits of 1.5*2^23 + round(s x) - kmin */
CLACT_INLINE intv clact_h16_i(realv xc, float s, int kmin)
{
    return CLACT_ASI(fma(xc, (realv)s, (realv)(0x1.8p23f - kmin)));
}
/* w = x - m, m the centre of x's piece, and *i its index */
CLACT_INLINE realv clact_h16_w(realv xc, float s, int kmin, float16 m, intv *i)
{
    *i = clact_h16_i(xc, s, kmin);
    return xc - clact_perm(m, *i);
}
/* the same for 32 pieces, two registers a table (_A: pieces 0-15) */
CLACT_INLINE realv clact_h32_w(realv xc, float s, int kmin, float16 ma, float16 mb, intv *i)
{
    *i = clact_h16_i(xc, s, kmin);
    return xc - clact_perm2(ma, mb, *i);
}
#endif
#if CLACT_LOWP && CLACT_DTYPE == 1
#define CLACT_H16 1
#define CLACT_H16_W(NAME, x, i)                                                                                  \
    clact_h16_w(clact_clamp((x), CLACT_H16_##NAME##_XLO, CLACT_H16_##NAME##_XHI), CLACT_H16_##NAME##_S,           \
                CLACT_H16_##NAME##_KMIN, CLACT_H16_##NAME##_M, (i))
#define CLACT_H32_W(NAME, x, i)                                                                                  \
    clact_h32_w(clact_clamp((x), CLACT_H16_##NAME##_XLO, CLACT_H16_##NAME##_XHI), CLACT_H16_##NAME##_S,           \
                CLACT_H16_##NAME##_KMIN, CLACT_H16_##NAME##_M_A, CLACT_H16_##NAME##_M_B, (i))
/* the degree-k coefficient of lane i's piece */
#define CLACT_H16_C(NAME, k, i) clact_perm(CLACT_H16_##NAME##_C##k, i)
#define CLACT_H32_C(NAME, k, i) clact_perm2(CLACT_H16_##NAME##_C##k##_A, CLACT_H16_##NAME##_C##k##_B, i)
#endif
/* a Phi(-a) = a H(a) e^(-a^2/2) with H(a) = Phi(-a) e^(a^2/2) (the
 * (a + 2) M(a) / sqrt(2 pi) / (a + 2) of the form below) from a table of
 * 16 polynomials, in place of that form's division and degree-11 chain.
 * [0, 15) is cut at the bits of b = a + 1, its exponent and two leading
 * mantissa bits (pieces 1/4 wide on [0, 1), 1/2 to 3, 1 to 7, 2 to 15);
 * on each piece H is a degree-6 polynomial in t = a - m, m the piece's
 * midpoint (fit, float coefficients and float evaluation within 2^-23.1
 * of H; a constant term in two pieces would reach 2^-23.8 for one lookup
 * and one add more, which cost 3% of the throughput). The index is b's
 * bits >> 21 (vpermps reads the low four), m + 1 is b with bit 20 set and
 * the bits below cleared (m itself exact), and t is exact where a >= m/2,
 * within 2^-28 of a - m below. The lookups run beside the arithmetic and
 * the chain of dependent operations is about half as long: on the Xeon
 * gelu's forward went from 26.4 to 24 cycles per 16 floats in cache and
 * from 0.75 to 0.87 of copy at full size (interleaved, medians of 4).
 * Float coefficients, in the order of the index: pieces 4-15 (b in
 * [2, 16)), then 0-3
 * (tools/fit_ncdf_tables.py fits and prints them, and U's below). */
#define CLACT_NCDF_C0 (float16)(2.307603210e-01f, 1.852316707e-01f, 1.536519378e-01f, 1.307247281e-01f, \
                   1.063451543e-01f, 8.480339497e-02f, 7.034269720e-02f, 6.001567468e-02f,            \
                   4.912254587e-02f, 3.950669244e-02f, 3.301897272e-02f, 2.835266106e-02f,            \
                   4.537932277e-01f, 3.796044290e-01f, 3.233561814e-01f, 2.797705829e-01f)
#define CLACT_NCDF_C1 (float16)(-1.104918867e-01f, -7.478687167e-02f, -5.322542042e-02f, -3.944926336e-02f, \
                   -2.673424780e-02f, -1.732701622e-02f, -1.205746364e-02f, -8.840390481e-03f,            \
                   -5.961912218e-03f, -3.875339637e-03f, -2.714627655e-03f, -2.005032962e-03f,            \
                   -3.422181308e-01f, -2.565906346e-01f, -1.968446821e-01f, -1.541430354e-01f)
#define CLACT_NCDF_C2 (float16)(4.632273316e-02f, 2.717732266e-02f, 1.694737002e-02f, 1.111963205e-02f, \
                   6.387650967e-03f, 3.415910061e-03f, 2.013322897e-03f, 1.276567928e-03f,            \
                   7.136302302e-04f, 3.766501031e-04f, 2.217206929e-04f, 1.410991681e-04f,            \
                   2.055079788e-01f, 1.416914761e-01f, 1.001641229e-01f, 7.244770974e-02f)
#define CLACT_NCDF_C3 (float16)(-1.752887480e-02f, -9.075304493e-03f, -5.031199660e-03f, -2.956724958e-03f, \
                   -1.458998653e-03f, -6.517699221e-04f, -3.280517412e-04f, -1.808961242e-04f,            \
                   -8.427630382e-05f, -3.627683327e-05f, -1.799240817e-05f, -9.881670849e-06f,            \
                   -1.055092886e-01f, -6.781847030e-02f, -4.474720359e-02f, -3.025033884e-02f)
#define CLACT_NCDF_C4 (float16)(6.102728657e-03f, 2.823788440e-03f, 1.406744588e-03f, 7.471355493e-04f, \
                   3.201444342e-04f, 1.206927554e-04f, 5.224459164e-05f, 2.517997746e-05f,            \
                   9.827972463e-06f, 3.463854227e-06f, 1.450943159e-06f, 6.885650237e-07f,            \
                   4.807990789e-02f, 2.906489372e-02f, 1.804926805e-02f, 1.149465051e-02f)
#define CLACT_NCDF_C5 (float16)(-1.999613829e-03f, -8.335075690e-04f, -3.757608065e-04f, -1.814605203e-04f, \
                   -6.894861872e-05f, -2.202638279e-05f, -8.225392776e-06f, -3.472952130e-06f,            \
                   -1.157936708e-06f, -3.330402478e-07f, -1.175877671e-07f, -4.796949327e-08f,            \
                   -1.997478679e-02f, -1.142270956e-02f, -6.714035291e-03f, -4.049880430e-03f)
#define CLACT_NCDF_C6 (float16)(6.080478197e-04f, 2.306670212e-04f, 9.492904064e-05f, 4.199411342e-05f, \
                   1.403592523e-05f, 3.852757800e-06f, 1.253311552e-06f, 4.668154077e-07f,            \
                   1.312184850e-07f, 3.118287495e-08f, 9.349276908e-09f, 3.566481332e-09f,            \
                   7.611386944e-03f, 4.139443859e-03f, 2.314684447e-03f, 1.328865765e-03f)
/* The piece of the tables above (and of those in clact_ops.cl) that
 * a >= 0 lies in, for b = s a + 1 in [1, 16) (s a power of two): its index
 * *i and t = a - m, m the piece's midpoint. m s + 1 is b with bit 20 set
 * and the bits below cleared, so m itself is exact. */
CLACT_INLINE realv clact_piece16(realv a, float s, intv *i)
{
    const intv bi = CLACT_ASI(fma(a, (realv)s, CLACT_K(1.0f)));
    *i = bi >> 21;
    return a - fma(CLACT_ASR((bi & (int)0xffe00000) | 0x00100000), (realv)(1.0f / s), (realv)(-1.0f / s));
}
/* the same for a 32-entry table (clact_perm2): in its upper half where
 * neg is -1 (an op's x < 0 side), in its lower half where it is 0 */
CLACT_INLINE realv clact_piece32(realv a, float s, intv neg, intv *i)
{
    const realv t = clact_piece16(a, s, i);
    *i = (*i & ~16) | (neg & 16);
    return t;
}
/* tanh on AVX-512 (Intel row): tanh(a) = g(a) T(a) for a = |x| clamped
 * at 9.1 (beyond, tanh rounds to 1), g = min(a, 1) and T = tanh(a)/g a
 * degree-6 polynomial on the 16 pieces above (b = a + 1), within 2^-24
 * of T; x's sign put back last. No exponential and no division: 23
 * vector operations per 16 floats where the form with e^-2|x| takes 30
 * and a division. (T = tanh(a)/a throughout needs a higher degree: 1/a
 * on [7, 9] and the poles of tanh at +-i pi/2 near [1, 1.5].)
 * tools/fit_ncdf_tables.py fits and prints the table. */
#define CLACT_TANH_C0 (float16)(8.482836485e-01f, 9.413755536e-01f, 9.780260921e-01f, 9.918597341e-01f, \
                   9.981778860e-01f, 9.997532368e-01f, 9.999666214e-01f, 9.999954700e-01f,              \
                   9.999997616e-01f, 1.000000000e+00f, 1.000000000e+00f, 1.000000000e+00f,              \
                   9.948239923e-01f, 9.556197524e-01f, 8.873595595e-01f, 8.044635653e-01f)
#define CLACT_TANH_C1 (float16)(2.804147303e-01f, 1.138120443e-01f, 4.346491769e-02f, 1.621428877e-02f, \
                   3.640958341e-03f, 4.935285542e-04f, 6.680610386e-05f, 9.041485100e-06f,              \
                   4.508598863e-07f, 3.398305992e-08f, 3.398305992e-08f, 3.398305992e-08f,              \
                   -8.230146021e-02f, -2.241059989e-01f, -3.119046390e-01f, -3.427961767e-01f)
#define CLACT_TANH_C2 (float16)(-2.378724068e-01f, -1.071417853e-01f, -4.250694811e-02f, -1.608349942e-02f, \
                   -3.633910790e-03f, -4.942209343e-04f, -6.757050141e-05f, -8.746750609e-06f,              \
                   -3.447926531e-07f, 5.840708894e-08f, 5.840708894e-08f, 5.840708894e-08f,                 \
                   -3.210175633e-01f, -2.352948785e-01f, -1.153792292e-01f, -1.410751324e-02f)
#define CLACT_TANH_C3 (float16)(1.083270758e-01f, 6.292823702e-02f, 2.708769590e-02f, 1.054629963e-02f, \
                   2.411674708e-03f, 3.284155100e-04f, 4.448349864e-05f, 6.020863111e-06f,              \
                   2.944665312e-07f, 9.687389735e-08f, 9.687389735e-08f, 9.687389735e-08f,              \
                   6.459169835e-02f, 1.511533409e-01f, 1.560702622e-01f, 1.096095741e-01f)
#define CLACT_TANH_C4 (float16)(-1.255240198e-02f, -2.346332185e-02f, -1.241378486e-02f, -5.061971955e-03f, \
                   -1.200444181e-03f, -1.576163777e-04f, -1.617348971e-05f, -5.342816166e-06f,              \
                   -3.572962441e-07f, 6.679027820e-08f, 6.679027820e-08f, 6.679027820e-08f,                 \
                   1.196446642e-01f, 4.672013596e-02f, -2.883979678e-02f, -5.463455617e-02f)
#define CLACT_TANH_C5 (float16)(-1.970307156e-02f, 3.481535241e-03f, 3.977706190e-03f, 1.914419816e-03f, \
                   4.905789392e-04f, 6.833428779e-05f, 9.283919098e-06f, 1.257119493e-06f,               \
                   7.089278853e-08f, 2.851176006e-08f, 2.851176006e-08f, 2.851176006e-08f,               \
                   -3.763283044e-02f, -7.009744644e-02f, -4.152031988e-02f, -3.802847583e-03f)
#define CLACT_TANH_C6 (float16)(1.480296720e-02f, 1.543335151e-03f, 1.026193495e-04f, -8.892652113e-04f, \
                   -1.505522378e-04f, -3.719868255e-05f, -1.680301466e-05f, 4.854696726e-06f,            \
                   9.518019795e-08f, 3.711391194e-09f, 3.711391194e-09f, 3.711391194e-09f,               \
                   6.335782353e-03f, -5.154482648e-02f, 1.931159012e-02f, -2.252914011e-02f)
CLACT_INLINE realv clact_tanh(realv x)
{
    const realv ax = fabs(x), a = ax > 9.1f ? 9.1f : ax; /* NaN passes */
    intv i;
    const realv t = clact_piece16(a, 1.0f, &i);
#define CLACT_TANH_L(k, i) clact_perm(CLACT_TANH_C##k, i)
    const realv p = CLACT_HORNER6(CLACT_TANH_L, i, t);
    return copysign((a < 1 ? a : 1) * p, x);
}
#endif
#ifndef CLACT_H16
#define CLACT_H16 0
#endif
/* float32 on AVX-512 (CLACT_R32): where every lane of x lies above a
 * table's XLO, forward mish is x P(x), softplus (beta 1) and gelu
 * max(x, 0) + P(|x|) and mish's derivative P(x) itself, with P from 32
 * polynomials in w = x - m (vpermi2ps; gelu: 16, vpermps; piece, index
 * and centre as CLACT_H16's) of x (|x|) clamped at XHI above, where the
 * result rounds to x (to dy): no exponential, no division. The
 * derivatives of gelu, gelu_tanh and silu are P(|x|) or 1 - P(|x|)
 * (clact_half_sym), tanh' is P(|x|) where every |x| < 9 and sigmoid'
 * P(|x|/2)/4 where |x| < 18 (clact_all_lt), P from 16 polynomials too
 * (both 1.665 ulp over every float of their ranges, the same roundings;
 * their general forms 3.83 over the sweep's floats). The ranges hold nearly
 * all of an activation's inputs (mish: x > -20.48, degree 7, and
 * x > -20.1, degree 8; softplus: x > -20, degree 5; gelu: x > -7.5 and
 * x > -7, degree 9; gelu_tanh': x > -6.4, degree 9; silu': x > -20,
 * degree 8); a vector with a lane below, or NaN, takes the general form.
 * The piece of a root of P (mish' -1.1924, gelu' 0.7518, gelu_tanh'
 * 0.7525, silu' 1.2785) is centred on it with P(m) as its constant term,
 * which keeps the relative accuracy up to the root; so is gelu's first
 * piece on P's root 0 (P(0) = 0 the constant term: the result keeps its
 * relative accuracy down to the subnormals). Worst errors in range
 * (every 4th float; gelu and gelu_tanh' every float, silu' the sweep's):
 * mish 2.05 ulp forward and 2.02 backward (the general forms 2.69 and
 * 3.02 over all floats), softplus 1.77 (1.76), gelu 2.83 (3.09 with its
 * general form) and 2.50, gelu_tanh' 2.43, silu' 2.18 (3.56).
 * tools/fit_f32_tables.py fits the tables (CLACT_R32_*, clact_ops.cl)
 * and scores them. */
#if CLACT_HAVE_PERM && CLACT_DTYPE == 0
#define CLACT_R32 1
/* x > lo (x < hi) in every lane, false for NaN: one compare into a mask
 * register per 16 lanes and one test (all() moves the lanes into general
 * registers one by one); p the compare's predicate */
#define CLACT_CMP_16(v, b, p, s) __builtin_ia32_cmpps512_mask((v)s, (float16)(b), (p), (ushort)0xffff, 4)
#if CLACT_VEC == 16
#define CLACT_ALL_CMP(v, b, p) (CLACT_CMP_16(v, b, p, ) == 0xffff)
#elif CLACT_VEC == 32
#define CLACT_ALL_CMP(v, b, p) ((CLACT_CMP_16(v, b, p, .lo) & CLACT_CMP_16(v, b, p, .hi)) == 0xffff)
#else
#define CLACT_ALL_CMP(v, b, p)                                                                                   \
    ((CLACT_CMP_16(v, b, p, .lo.lo) & CLACT_CMP_16(v, b, p, .lo.hi) & CLACT_CMP_16(v, b, p, .hi.lo) &             \
      CLACT_CMP_16(v, b, p, .hi.hi)) == 0xffff)
#endif
CLACT_INLINE bool clact_all_gt(realv x, float lo) { return CLACT_ALL_CMP(x, lo, 0x1e /* >, ordered */); }
CLACT_INLINE bool clact_all_lt(realv x, float hi) { return CLACT_ALL_CMP(x, hi, 0x11 /* <, ordered */); }
#define CLACT_R32_IN(NAME, x) clact_all_gt((x), CLACT_R32_##NAME##_XLO)
#define CLACT_R32_W(NAME, x, i)                                                                                  \
    clact_h32_w((x) < CLACT_R32_##NAME##_XHI ? (x) : CLACT_R32_##NAME##_XHI, CLACT_R32_##NAME##_S,               \
                CLACT_R32_##NAME##_KMIN, CLACT_R32_##NAME##_M_A, CLACT_R32_##NAME##_M_B, (i))
#define CLACT_R32_C(NAME, k, i) clact_perm2(CLACT_R32_##NAME##_C##k##_A, CLACT_R32_##NAME##_C##k##_B, i)
/* the same for a table of 16 pieces (gelu's, the three derivatives') */
#define CLACT_R16_W(NAME, x, i)                                                                                  \
    clact_h16_w((x) < CLACT_R32_##NAME##_XHI ? (x) : CLACT_R32_##NAME##_XHI, CLACT_R32_##NAME##_S,               \
                CLACT_R32_##NAME##_KMIN, CLACT_R32_##NAME##_M, (i))
#define CLACT_R16_C(NAME, k, i) clact_perm(CLACT_R32_##NAME##_C##k, i)
#else
#define CLACT_R32 0
#endif
#if CLACT_HAVE_SCALEF
CLACT_INLINE realv clact_ncdf_tail(realv a)
{
    const realv ac = a > 14.7f ? 14.7f : a;
    intv i;
    const realv t = clact_piece16(ac, 1.0f, &i);
#define CLACT_NCDF_L(k, i) clact_perm(CLACT_NCDF_C##k, i)
    const realv p = CLACT_HORNER6(CLACT_NCDF_L, i, t);
    realv em;
    const realv kf = clact_gelu_kf(ac, &em);
    return clact_scale1p(ac * p, em, kf);
}
#else
CLACT_INLINE realv clact_ncdf_tail(realv a)
{
    const realv ac = a > 14.7f ? 14.7f : a;
    realv q;
    const realv h = clact_gelu_h(ac, &q);
    /* Horner's scheme: 11 multiply-adds where Estrin's takes 13 (two
     * multiplies for q^2 and q^4). A CPU has the wide work-item's other
     * lanes to fill the longer chain, and a GPU is far from compute bound. */
    realv u = fma(CLACT_K(-6.439759454e-05f), q, CLACT_K(-1.486583642e-04f));
    u = fma(u, q, CLACT_K(1.305229525e-04f));
    u = fma(u, q, CLACT_K(8.355433238e-04f));
    u = fma(u, q, CLACT_K(8.253731648e-04f));
    u = fma(u, q, CLACT_K(-1.950961305e-03f));
    u = fma(u, q, CLACT_K(-6.735051982e-03f));
    u = fma(u, q, CLACT_K(-4.698777047e-04f));
    u = fma(u, q, CLACT_K(3.671946377e-02f));
    u = fma(u, q, CLACT_K(2.879737876e-02f));
    u = fma(u, q, CLACT_K(-3.314044774e-01f));
    const realv p = fma(u, q, CLACT_K(2.010924582e-08f)) + 6.724079847e-01f;
    realv em;
#if CLACT_HAVE_SCALEF
    const realv kf = clact_gelu_kf(ac, &em);
    return clact_scale1p(h * p, em, kf);
#else
    realv sl;
    const realv s = clact_gelu_s(ac, &sl);
    const realv hk = h * clact_exp2(s, sl, &em); /* exact, or subnormal as the result */
    return fma(hk, p, hk * p * em);
#endif
}
#endif

/* Phi(-a) - a phi(a) = phi(a) (M(a) - a) = gelu'(-a), a >= 0.
 * M(a) - a has a simple root at a = R = 0.7518 (where gelu' changes sign),
 * so it is written as (a - R) U(q) with U(q) = (M(a) - a)/((a - R)
 * sqrt(2 pi)) a degree-10 polynomial in the same q (fit 2.3e-9). a - R is
 * formed with R in two pieces (the first subtraction is exact near the
 * root): the result keeps its relative accuracy through the root, and in
 * the tail, where Phi(-a) - a phi(a) would cancel, too.
 * With vpermps U comes from a table, as H does in clact_ncdf_tail: a
 * polynomial in t of degree 5 per piece (within 2^-23.3 of U). */
#define CLACT_GELU_A0_HI 7.517915368e-01f
#define CLACT_GELU_A0_LO -1.211444989e-08f
#if CLACT_HAVE_SCALEF
#define CLACT_GD_C0 (float16)(-5.377618670e-01f, -5.138378739e-01f, -4.965718687e-01f, -4.836164713e-01f, \
                   -4.693795443e-01f, -4.563345015e-01f, -4.472928941e-01f, -4.406780303e-01f,            \
                   -4.335437715e-01f, -4.271006882e-01f, -4.226707220e-01f, -4.194408059e-01f,            \
                   -6.444334984e-01f, -6.104199886e-01f, -5.837712288e-01f, -5.624931455e-01f)
#define CLACT_GD_C1 (float16)(5.685918406e-02f, 4.018071666e-02f, 2.963818237e-02f, 2.263274044e-02f, \
                   1.590236649e-02f, 1.068916358e-02f, 7.643543649e-03f, 5.722713657e-03f,            \
                   3.951265011e-03f, 2.625704277e-03f, 1.868192106e-03f, 1.395924366e-03f,            \
                   1.543207467e-01f, 1.197291464e-01f, 9.476763010e-02f, 7.635717839e-02f)
#define CLACT_GD_C2 (float16)(-2.114821039e-02f, -1.302654762e-02f, -8.470579050e-03f, -5.761678331e-03f, \
                   -3.461944405e-03f, -1.940400456e-03f, -1.185735920e-03f, -7.734756218e-04f,            \
                   -4.466418759e-04f, -2.431783214e-04f, -1.463732769e-04f, -9.471626981e-05f,            \
                   -8.166515827e-02f, -5.828757212e-02f, -4.256185144e-02f, -3.173049167e-02f)
#define CLACT_GD_C3 (float16)(7.264253218e-03f, 3.958249930e-03f, 2.295637736e-03f, 1.403725939e-03f, \
                   7.287851768e-04f, 3.437917330e-04f, 1.806311921e-04f, 1.030887579e-04f,            \
                   4.999125667e-05f, 2.237154695e-05f, 1.141331541e-05f, 6.402240615e-06f,            \
                   3.804191574e-02f, 2.529516816e-02f, 1.723624952e-02f, 1.201314759e-02f)
#define CLACT_GD_C4 (float16)(-2.351004165e-03f, -1.144258771e-03f, -5.966452882e-04f, -3.301318502e-04f, \
                   -1.508852583e-04f, -6.016338375e-05f, -2.725949889e-05f, -1.363958745e-05f,            \
                   -5.643594250e-06f, -2.070228675e-06f, -8.937429925e-07f, -4.328261696e-07f,            \
                   -1.606761850e-02f, -1.003431249e-02f, -6.429033820e-03f, -4.218594637e-03f)
#define CLACT_GD_C5 (float16)(7.109821890e-04f, 3.123779898e-04f, 1.477319311e-04f, 7.450517296e-05f, \
                   2.992050941e-05f, 1.019786578e-05f, 4.015080776e-06f, 1.770753215e-06f,            \
                   6.208794048e-07f, 1.882464602e-07f, 6.910869388e-08f, 3.093485290e-08f,            \
                   6.215553731e-03f, 3.669924103e-03f, 2.224704251e-03f, 1.382379676e-03f)
#endif
CLACT_INLINE realv clact_gelu_dtail(realv a)
{
    const realv ac = a > 14.7f ? 14.7f : a;
#if CLACT_HAVE_SCALEF
    intv i;
    const realv t = clact_piece16(ac, 1.0f, &i);
#define CLACT_GD_L(k, i) clact_perm(CLACT_GD_C##k, i)
    const realv u = CLACT_HORNER5(CLACT_GD_L, i, t);
#else
    realv q;
    clact_gelu_h(ac, &q);
    const realv q2 = q * q, q4 = q2 * q2; /* Estrin's scheme */
    const realv p4 = fma(CLACT_K(2.446901635e-05f), q, CLACT_K(-5.512998905e-05f));
    const realv p3 = fma(CLACT_K(-2.174110850e-04f), q, CLACT_K(-9.386493184e-05f));
    const realv p2 = fma(CLACT_K(1.042464981e-03f), q, CLACT_K(2.338831080e-03f));
    const realv p1 = fma(CLACT_K(-5.158527754e-03f), q, CLACT_K(-2.966488339e-02f));
    const realv p0 = fma(CLACT_K(1.373764724e-01f), q, CLACT_K(2.893067652e-08f));
    const realv h2 = fma(CLACT_K(1.369748134e-05f), q2, p4);
    const realv h = fma(fma(h2, q4, fma(p3, q2, p2)), q4, fma(p1, q2, p0));
    const realv u = h - 5.045492053e-01f;
#endif
    const realv d = (ac - CLACT_GELU_A0_HI) - CLACT_GELU_A0_LO;
#if CLACT_HAVE_SCALEF
    realv em;
    const realv kf = clact_gelu_kf(ac, &em);
    return clact_scale1p(d * u, em, kf);
#else
    realv em;
    const realv dus = d * u * clact_gelu_e(ac, &em);
    return fma(dus, em, dus) * CLACT_EXPB_INV;
#endif
}

/* Derivatives near their roots: f'(r + d) = d g(d) for |d| <= 1/4, g a
 * degree-6 polynomial (fit better than 0.7 ulp, most of it the rounding of
 * g(0)). Near a root the generic formulas lose their relative accuracy
 * (their terms cancel), while d = (x - r_hi) - r_lo keeps it. */
#define CLACT_ROOT_DELTA 0.25f
#define CLACT_SILU_R_HI -1.278464556e+00f
#define CLACT_SILU_R_LO 1.297928254e-08f
CLACT_INLINE realv clact_silu_root(realv d)
{
    realv g = fma(CLACT_K(9.705878911e-04f), d, CLACT_K(1.346348436e-04f));
    g = fma(g, d, CLACT_K(-6.625080947e-03f));
    g = fma(g, d, CLACT_K(-1.522252243e-02f));
    g = fma(g, d, CLACT_K(1.887531579e-02f));
    g = fma(g, d, CLACT_K(1.466487944e-01f));
    g = fma(g, d, CLACT_K(2.178117037e-01f));
    return d * g;
}
#define CLACT_MISH_R_HI -1.192431211e+00f
#define CLACT_MISH_R_LO -3.043937546e-09f
CLACT_INLINE realv clact_mish_root(realv d)
{
    realv g = fma(CLACT_K(-2.704286017e-04f), d, CLACT_K(-3.268699395e-03f));
    g = fma(g, d, CLACT_K(-1.569042541e-02f));
    g = fma(g, d, CLACT_K(-2.027393505e-02f));
    g = fma(g, d, CLACT_K(4.190470651e-02f));
    g = fma(g, d, CLACT_K(2.047312707e-01f));
    g = fma(g, d, CLACT_K(2.669479251e-01f));
    return d * g;
}
#define CLACT_GELUT_R_HI -7.524614334e-01f
#define CLACT_GELUT_R_LO 1.133962790e-08f
CLACT_INLINE realv clact_gelu_tanh_root(realv d)
{
    realv g = fma(CLACT_K(4.410133697e-03f), d, CLACT_K(1.952561364e-02f));
    g = fma(g, d, CLACT_K(-1.653026789e-02f));
    g = fma(g, d, CLACT_K(-1.139436513e-01f));
    g = fma(g, d, CLACT_K(-1.578548178e-02f));
    g = fma(g, d, CLACT_K(3.875184655e-01f));
    g = fma(g, d, CLACT_K(4.304001033e-01f));
    return d * g;
}

#else
/* =========================== double ================================== */

#define CLACT_LOG2E 1.4426950408889634
#define CLACT_LN2_HI 6.93147180369123816490e-01 /* 32 trailing zero bits */
#define CLACT_LN2_LO 1.90821492927058770002e-10

/* e^(x+dx) = 2^k e^r as in the float version (1.5*2^52 trick, Cody-Waite
 * r), with the builtin exp on |r| <= 0.35 (no under/overflow there). */
CLACT_INLINE realv clact_red_r(realv x, realv dx, realv *t)
{
    *t = fma(x, CLACT_K(CLACT_LOG2E), CLACT_K(0x1.8p52));
    const realv kf = *t - 0x1.8p52;
    const realv r = fma(-kf, CLACT_K(CLACT_LN2_HI), x);
    return fma(-kf, CLACT_K(CLACT_LN2_LO), r) + dx;
}
CLACT_INLINE realv clact_exp_r(realv x, realv dx, realv *t) { return exp(clact_red_r(x, dx, t)); }
CLACT_INLINE realv clact_expm1_r(realv x, realv dx, realv *t) { return expm1(clact_red_r(x, dx, t)); }

/* full range: x clamped to [-1400, 720], k in [-2020, 1039] */
CLACT_INLINE realv clact_expk(realv x, realv dx, intv *k)
{
    realv t;
    const realv m = clact_exp_r(clact_clamp(x, -1400.0, 720.0), dx, &t);
    *k = CLACT_ASI(CLACT_ASU(t) - 0x4338000000000000ul);
    return m;
}

CLACT_INLINE realv clact_ldexp(realv v, intv k)
{
    const intv k1 = k / 2;
    return v * CLACT_ASR(CLACT_ASU(k1 + 1023) << 52) * CLACT_ASR(CLACT_ASU(k - k1 + 1023) << 52);
}

/* e^(x+dx) 2^100 for x in [-775, 630] */
#define CLACT_EXPB 100
#define CLACT_EXPB_INV 0x1p-100
#define CLACT_EXPB_MIN -775.0
#define CLACT_EXPB_MAX 630.0
/* 2^(k + e) from t = 1.5*2^52 + k, as in float */
#define CLACT_T_POW2(t, e) CLACT_ASR((CLACT_ASU(t) - (0x4338000000000000ul - 1023ul - (e))) << 52)
CLACT_INLINE realv clact_expb(realv x, realv dx)
{
    realv t;
    const realv m = clact_exp_r(x, dx, &t);
    return m * CLACT_T_POW2(t, CLACT_EXPB);
}

/* the same as (1 + *em) * scale */
CLACT_INLINE realv clact_expb2(realv x, realv dx, realv *em)
{
    realv t;
    *em = clact_expm1_r(x, dx, &t);
    return CLACT_T_POW2(t, CLACT_EXPB);
}

/* e^(x+dx) 2^-100 for x in [-629, 775] */
CLACT_INLINE realv clact_expbn(realv x, realv dx)
{
    realv t;
    const realv m = clact_exp_r(x, dx, &t);
    return m * CLACT_T_POW2(t, -CLACT_EXPB);
}
CLACT_INLINE realv clact_expbn_add(realv c, realv x, realv dx) { return c + clact_expbn(x, dx); }

CLACT_INLINE realv clact_rcp(realv d) { return 1.0 / d; } /* correctly rounded in double */
CLACT_INLINE realv clact_rcpn(realv d) { return 1.0 / d; }
CLACT_INLINE realv clact_divn(realv a, realv d) { return a / d; }
CLACT_INLINE realv clact_rcp1p(realv e) { return 1.0 / (1.0 + e); }

CLACT_INLINE realv clact_expm1n(realv x) { return expm1(x); }

/* c (e^(x+dx) - 1): the builtin, and for x > 1.04 2^k c (m - 2^-k) so
 * that c e^x does not overflow unless the result does */
CLACT_INLINE realv clact_expm1(realv x, realv dx, realv c)
{
    const realv e = expm1(x);
    const realv small = c * fma(dx, e + 1.0, e);
    intv k;
    const realv m = clact_expk(x, dx, &k);
    const realv hi = clact_ldexp(c * (m - CLACT_ASR(CLACT_ASU(1023 - min(k, (intv)512)) << 52)), k);
    return x > 1.04 ? hi : small;
}

/* log1p(e)/e; 1 - e/2 below 2^-30 (also avoids 0/0 and a builtin log1p
 * that is inexact on subnormals) */
CLACT_INLINE realv clact_log1p_ratio(realv e)
{
    const realv r = log1p(e) / e;
    return e < 0x1p-30 ? fma(CLACT_K(-0.5), e, CLACT_K(1.0)) : r;
}

CLACT_INLINE realv clact_tanh(realv x) { return tanh(x); }

#define CLACT_ISQRT2_HI 0.7071067811865476
#define CLACT_ISQRT2_LO -4.833646656726457e-17
#define CLACT_ISQRT2PI 0.3989422804014327
#define CLACT_2_SQRTPI 1.1283791670955126

/* Mills ratio M(a) = Phi(-a)/phi(a) for a >= 30 by its asymptotic series
 * (1/a) sum_j (-1)^j (2j-1)!!/a^(2j); eleven terms, the last below 1e-20. */
CLACT_INLINE realv clact_mills_asym(realv a)
{
    const realv t = 1.0 / (a * a);
    realv s = 654729075.0;
    s = fma(s, t, CLACT_K(-34459425.0));
    s = fma(s, t, CLACT_K(2027025.0));
    s = fma(s, t, CLACT_K(-135135.0));
    s = fma(s, t, CLACT_K(10395.0));
    s = fma(s, t, CLACT_K(-945.0));
    s = fma(s, t, CLACT_K(105.0));
    s = fma(s, t, CLACT_K(-15.0));
    s = fma(s, t, CLACT_K(3.0));
    s = fma(s, t, CLACT_K(-1.0));
    s = fma(s, t, CLACT_K(1.0));
    return s / a;
}

/* Phi(-a) = erfc(z)/2, z = a/sqrt2 in two pieces (erfc amplifies a relative
 * argument error by 2 z^2): erfc(zh + zl) = erfc(zh) - zl (2/sqrt pi)
 * e^-zh^2. For a >= 30, where erfc(z) reaches the subnormals before
 * a Phi(-a) does, the Mills series, with e^(-a^2/2) scaled down last. */
CLACT_INLINE realv clact_ncdf_tail_T(realv a, realv *aT)
{
    const realv zh = a * CLACT_ISQRT2_HI;
    const realv zl = fma(a, CLACT_K(CLACT_ISQRT2_HI), -zh) + a * CLACT_ISQRT2_LO;
    const realv T = 0.5 * fma(-zl * CLACT_2_SQRTPI, exp(-zh * zh), erfc(zh));
    const realv ac = clact_clamp(a, 30.0, 39.3);
    const realv s = ac * ac, sl = fma(ac, ac, -s);
    const realv e = clact_expb(-0.5 * s, -0.5 * sl) * CLACT_ISQRT2PI;
    const realv aM = ac * clact_mills_asym(ac);
    const realv aTs = e * aM * CLACT_EXPB_INV, Ts = e * aM / ac * CLACT_EXPB_INV;
    const realv aTe = a * T;
    *aT = a < 30.0 ? aTe : aTs;
    return a < 30.0 ? T : Ts;
}
CLACT_INLINE realv clact_ncdf_tail(realv a)
{
    realv aT;
    clact_ncdf_tail_T(a, &aT);
    return aT;
}

/* Derivatives near their roots: f'(r + d) = d g(d) for |d| <= 1/4, g the
 * Taylor polynomial of f'(r+d)/d to degree 20 (truncation below 1e-19
 * relative on the interval). */
#define CLACT_ROOT_DELTA 0.25
#define CLACT_SILU_R_HI -1.2784645427610737
#define CLACT_SILU_R_LO -1.0946994183093437e-16
CLACT_INLINE realv clact_silu_root(realv d)
{
    realv g = fma(CLACT_K(-7.50344609385287e-11), d, CLACT_K(-2.251366201881081e-10));
    g = fma(g, d, CLACT_K(2.3648315053103244e-10));
    g = fma(g, d, CLACT_K(2.9177603026903803e-09));
    g = fma(g, d, CLACT_K(4.619379769031606e-09));
    g = fma(g, d, CLACT_K(-1.8877622907727957e-08));
    g = fma(g, d, CLACT_K(-9.266646309267441e-08));
    g = fma(g, d, CLACT_K(-3.051244750055421e-08));
    g = fma(g, d, CLACT_K(8.599695028268575e-07));
    g = fma(g, d, CLACT_K(2.346029682463866e-06));
    g = fma(g, d, CLACT_K(-2.942631888842464e-06));
    g = fma(g, d, CLACT_K(-2.9733542213263917e-05));
    g = fma(g, d, CLACT_K(-4.090534237428612e-05));
    g = fma(g, d, CLACT_K(0.00018570724361186496));
    g = fma(g, d, CLACT_K(0.0007985218818397998));
    g = fma(g, d, CLACT_K(0.000126627410081122));
    g = fma(g, d, CLACT_K(-0.006606589138356696));
    g = fma(g, d, CLACT_K(-0.015222655223188032));
    g = fma(g, d, CLACT_K(0.018874814223782312));
    g = fma(g, d, CLACT_K(0.1466487969969469));
    g = fma(g, d, CLACT_K(0.2178117057198001));
    return d * g;
}
#define CLACT_MISH_R_HI -1.1924312145154952
#define CLACT_MISH_R_LO -4.8484829848031044e-17
CLACT_INLINE realv clact_mish_root(realv d)
{
    realv g = fma(CLACT_K(3.3604012383661332e-09), d, CLACT_K(6.3895954615089855e-09));
    g = fma(g, d, CLACT_K(-5.460186173028381e-09));
    g = fma(g, d, CLACT_K(-6.174424363104907e-08));
    g = fma(g, d, CLACT_K(-1.4117255919499382e-07));
    g = fma(g, d, CLACT_K(2.6879417855557728e-08));
    g = fma(g, d, CLACT_K(1.071676702702074e-06));
    g = fma(g, d, CLACT_K(2.9088199364912223e-06));
    g = fma(g, d, CLACT_K(9.427361327376651e-07));
    g = fma(g, d, CLACT_K(-1.72992708103044e-05));
    g = fma(g, d, CLACT_K(-5.582891567360688e-05));
    g = fma(g, d, CLACT_K(-4.1961496031696126e-05));
    g = fma(g, d, CLACT_K(0.00025412936386191073));
    g = fma(g, d, CLACT_K(0.0009898181021289196));
    g = fma(g, d, CLACT_K(0.0010924055409445854));
    g = fma(g, d, CLACT_K(-0.0033606849270232685));
    g = fma(g, d, CLACT_K(-0.01582112656173338));
    g = fma(g, d, CLACT_K(-0.020271822716684245));
    g = fma(g, d, CLACT_K(0.04190782104360987));
    g = fma(g, d, CLACT_K(0.20473126408010586));
    g = fma(g, d, CLACT_K(0.2669479140495345));
    return d * g;
}
#define CLACT_GELUT_R_HI -0.7524614220710163
#define CLACT_GELUT_R_LO 3.635560509207687e-17
CLACT_INLINE realv clact_gelu_tanh_root(realv d)
{
    realv g = fma(CLACT_K(-1.196180847972441e-08), d, CLACT_K(-1.6978217459781023e-08));
    g = fma(g, d, CLACT_K(7.520740909289922e-08));
    g = fma(g, d, CLACT_K(1.4157556987729473e-07));
    g = fma(g, d, CLACT_K(-4.3102482988029016e-07));
    g = fma(g, d, CLACT_K(-9.898647747433667e-07));
    g = fma(g, d, CLACT_K(2.4335516344299543e-06));
    g = fma(g, d, CLACT_K(5.918611710894005e-06));
    g = fma(g, d, CLACT_K(-1.5950896871645105e-05));
    g = fma(g, d, CLACT_K(-3.4956171694436116e-05));
    g = fma(g, d, CLACT_K(0.00012425227802639782));
    g = fma(g, d, CLACT_K(0.00026392764052681053));
    g = fma(g, d, CLACT_K(-0.0009274420230205449));
    g = fma(g, d, CLACT_K(-0.0024227318458750974));
    g = fma(g, d, CLACT_K(0.005261059254921912));
    g = fma(g, d, CLACT_K(0.019682309459833118));
    g = fma(g, d, CLACT_K(-0.01661932834305256));
    g = fma(g, d, CLACT_K(-0.11394448308095899));
    g = fma(g, d, CLACT_K(-0.01578285352184803));
    g = fma(g, d, CLACT_K(0.38751844613578895));
    g = fma(g, d, CLACT_K(0.4304000910248585));
    return d * g;
}
CLACT_INLINE realv clact_gelu_root(realv d)
{
    realv g = fma(CLACT_K(-8.950037692726255e-11), d, CLACT_K(1.4506418938779426e-10));
    g = fma(g, d, CLACT_K(1.90319840501314e-09));
    g = fma(g, d, CLACT_K(-1.396942086426202e-09));
    g = fma(g, d, CLACT_K(-3.5459866461783865e-08));
    g = fma(g, d, CLACT_K(-1.6044265494246427e-09));
    g = fma(g, d, CLACT_K(5.702764979242107e-07));
    g = fma(g, d, CLACT_K(4.3284506257392273e-07));
    g = fma(g, d, CLACT_K(-7.74846130700372e-06));
    g = fma(g, d, CLACT_K(-1.121438018842664e-05));
    g = fma(g, d, CLACT_K(8.615947861116571e-05));
    g = fma(g, d, CLACT_K(0.00018633974623233514));
    g = fma(g, d, CLACT_K(-0.0007448268386746817));
    g = fma(g, d, CLACT_K(-0.002239538068073497));
    g = fma(g, d, CLACT_K(0.004539228379125415));
    g = fma(g, d, CLACT_K(0.019421679838189067));
    g = fma(g, d, CLACT_K(-0.014771522148244337));
    g = fma(g, d, CLACT_K(-0.1140082332972217));
    g = fma(g, d, CLACT_K(-0.018199676398671087));
    g = fma(g, d, CLACT_K(0.388284982990552));
    g = fma(g, d, CLACT_K(0.4314939923140469));
    return d * g;
}

/* Phi(-a) - a phi(a) = gelu'(-a), a >= 0: near the root a = 0.7518 the
 * Taylor polynomial in d = -a - x0 (x0 = -0.7518 the root of gelu'); for
 * a >= 30 the Mills series; elsewhere the difference itself, whose terms
 * differ by at least 10% there. */
#define CLACT_GELU_X0_HI -0.7517915246935645
#define CLACT_GELU_X0_LO 1.4956759177009883e-17
CLACT_INLINE realv clact_gelu_dtail(realv a)
{
    realv aT;
    const realv T = clact_ncdf_tail_T(a, &aT);
    const realv ac = clact_clamp(a, 0.0, 39.3);
    const realv s = ac * ac, sl = fma(ac, ac, -s);
    const realv e = clact_expb(-0.5 * s, -0.5 * sl) * CLACT_ISQRT2PI;
    const realv mid = T - ac * e * CLACT_EXPB_INV;
    const realv far = e * (clact_mills_asym(ac) - ac) * CLACT_EXPB_INV;
    const realv d = (-a - CLACT_GELU_X0_HI) - CLACT_GELU_X0_LO;
    const realv nr = clact_gelu_root(d);
    const realv v = a < 30.0 ? mid : far;
    return fabs(d) <= CLACT_ROOT_DELTA ? nr : v;
}

#endif /* precision */

/* x, or -0 where x < 0: a result that is x + z for x >= 0 and z for
 * x < 0 (-0 where z underflows there) is this + z, the sign of a zero
 * kept, and NaN passes. On AVX-512 vmaxps(-0, x) itself: written as the
 * select, the compiler took a compare and a masked move (and with the
 * select after the sum instead, one operation more still). Elsewhere the
 * select (-0 > x ? -0 : x) came out -0 for +0 (float64, and float32 built
 * for SSE4.1: gelu(+0) = -0); copysign puts x's sign back. */
CLACT_INLINE realv clact_nonneg_or_m0(realv x)
{
#if CLACT_HAVE_PERM && !CLACT_REAL_IS_DOUBLE
    return clact_vmax(CLACT_K(-0.0f), x);
#else
    return copysign(x < 0 ? CLACT_K(0.0f) : x, x);
#endif
}
/* f'(x) of an f with f'(x) + f'(-x) = 1 (gelu, gelu_tanh, silu) from
 * g = f'(-|x|): g for x < 0 and 1 - g above (g <= 1/2 there: no
 * cancellation); a NaN g passes */
CLACT_INLINE realv clact_half_sym(realv x, realv g)
{
    const realv p = 1 - g;
    return x < 0 ? g : p;
}

#endif /* CLACT_MATH_CL */
