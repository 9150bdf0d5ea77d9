/* clact_ops.cl - one forward and one derivative formula per op of
 * include/clact_ops.def, in `realv`: CLACT_VEC elements of float or double at once.
 *   realv clact_fwd_<op>(realv x, realv p0, realv p1)    y = f(x)
 *   realv clact_grad_<op>(realv x, realv p0, realv p1)   f'(x)
 *   realv clact_grady_<op>(realv y, realv p0, realv p1)  f'(x) from y = f(x)
 *                                                    (ops with BWD_FROM_Y)
 * prelu receives its channel weight as p0.
 *
 * Semantics are PyTorch's (torch.nn.functional), including the derivative
 * at each kink; NaN in gives NaN out, +-inf give the limits. The formulas
 * are chosen to avoid cancellation so that every result keeps its relative
 * accuracy over the whole range, tails included:
 *   - a sigmoid-like factor is written with e = e^-|x| <= 1, never as
 *     1 - s or 1 + tanh(.), and f' products such as s (1 - s) are
 *     e/(1+e)^2, so sigmoid'(20) and tanh'(10) are right, not 0;
 *   - e^x in a tail is kept scaled up (clact_expb2, clact_expk) and scaled
 *     down after the other factors, so x e^x is right wherever it is
 *     normal, and its last rounding is folded into the product;
 *   - arguments that an exponential amplifies (beta x, x/alpha, the
 *     gelu_tanh polynomial) are carried with their rounding error;
 *   - where a derivative has a root (gelu, gelu_tanh, silu, mish, all near
 *     x = -1) it is evaluated as (x - r) g(x - r) close to the root.
 * Both sides of every case are computed and one is selected: no
 * data-dependent branches.
 */
#ifndef CLACT_OPS_CL
#define CLACT_OPS_CL
#ifndef CLACT_EMBEDDED
#include "clact_types.cl"
#include "clact_math.cl"
#endif

/* a constant in the working precision */
#if CLACT_REAL_IS_DOUBLE
#define CLACT_R(f, d) (d)
#else
#define CLACT_R(f, d) (f)
#endif

/* |x| beyond which e^-|x| is 0 in the working precision (with margin):
 * arguments are clamped to it so that inf * 0 never happens. */
#define CLACT_XBIG CLACT_R(200.0f, 1500.0)
/* float32 on AVX-512: the tables of polynomials on [0, 30) (softplus',
 * mish's, silu's and mish's derivatives) take |x| clamped at TAB_AMAX,
 * the e^-|x| beside them at ENX_AMAX (e^-115 is 0 in float) */
#define CLACT_TAB_AMAX 29.5f
#define CLACT_ENX_AMAX 115.0f

/* NaN-propagating zero / one for the derivative of piecewise ops */
#define CLACT_OR_NAN(x, v) (isnan(x) ? (x) : (realv)(v))

/* a = |x| clamped at TAB_AMAX for those tables, *ae at ENX_AMAX for the
 * e^-|x| beside them (NaN passes both) */
CLACT_INLINE realv clact_tab_a(realv a, realv *ae)
{
    *ae = a > CLACT_ENX_AMAX ? CLACT_ENX_AMAX : a;
    return a > CLACT_TAB_AMAX ? CLACT_TAB_AMAX : a;
}

/* v e^x for x in [CLACT_EXPB_MIN, CLACT_EXPB_MAX] (caller clamps; with
 * vscalefps [-175, 100]): the factor v is applied before the scaling, so
 * the result is right wherever it is normal, whatever v is */
CLACT_INLINE realv clact_mul_exp(realv v, realv x)
{
#if CLACT_HAVE_SCALEF
    realv em;
    const realv kf = clact_exp_kf(x, CLACT_K(-0.0f), &em);
    return clact_scale1p(v, em, kf);
#else
    return v * clact_expb(x, CLACT_K(-0.0f)) * CLACT_EXPB_INV;
#endif
}

#if CLACT_LOWP
/* ---- 16-bit results on a CPU (CLACT_LOWP, see clact_types.cl): the exp
 * core and clact_log1p_ratio (clact_math.cl) and several ops below have
 * shorter forms there. The tails stay right in relative terms:
 * e^x is formed scaled up by 2^EXPB and scaled down once, rounding once
 * into the subnormals, whose relative precision (2^-22 at 1e-39) is still
 * far finer than bf16's where bf16 results are normal. Arguments are one
 * float (one rounding, which e^z turns into |z| 2^-24 <= 2^-17.5 for the
 * |z| <= 90 that reach a 16-bit result), and the polynomials and
 * rational functions are shorter fits, each to 2^-16.5 or better
 * (bfloat16's gelu tail: 2^-15.2, where its reciprocal estimate is
 * 2^-14). */
/* e^x for x >= CLACT_EXPB_MIN (caller clamps), x <= CLACT_EXPB_MAX */
#if CLACT_HAVE_SCALEF
/* e^x itself rounds once, 1 + r (1 + r P), and vscalefps scales it: no
 * r^2, one vector operation fewer than 1 + em (bfloat16 with vreduceps:
 * clact_lp_mul_exp2_s) */
CLACT_INLINE realv clact_lp_exp(realv x)
{
#if CLACT_HAVE_REDUCE
    return clact_lp_mul_exp2_s(CLACT_K(1.0f), x * CLACT_LOG2E, 1.0f);
#else
    realv t;
    const realv m = clact_exp_r(x, CLACT_K(-0.0f), &t);
    return clact_scalef(m, t - 0x1.8p23f);
#endif
}
#else
CLACT_INLINE realv clact_lp_exp(realv x) { return clact_mul_exp(CLACT_K(1.0f), x); }
#endif
/* Near a root r of f' (gelu_tanh, silu, mish) the formulas' bracket
 * (1 + x v' (1 - s) and its kin) cancels: float16 inputs come within 2e-5
 * of gelu_tanh's root, where 14 bits are lost, and float16 takes
 * f'(r + d) = d g(d) there instead, |d| <= 1/16, g of degree 2 or 3,
 * d = x - r with r in two floats (x - R_HI is exact there; R_LO is
 * 2^-10.7 of d). bfloat16's nearest inputs lie 1.4e-3 to 2.9e-3 from the
 * roots, where at most 7 bits are lost: with s from a reciprocal to float
 * accuracy (clact_rcpf, not the estimate) and the exponentials' 2^-16.5
 * the formulas stay within 2^-10 there, a quarter of a bfloat16 ulp, and
 * bfloat16 skips the polynomial and its select (7 vector operations per
 * 16 elements, a reciprocal's Newton step or division costs 2 or 1).
 * Over all 65536 inputs the three backwards round 1, 1 and 9 results
 * away from the correctly rounded one (7, 18 and 9 with the polynomial
 * and the estimate), none near a root. */
#define CLACT_LP_ROOTS (CLACT_DTYPE != 2)
#define CLACT_LP_ROOT_DELTA 0.0625f
#define CLACT_LP_ROOT_D(x, NAME) (((x) - NAME##_R_HI) - NAME##_R_LO)
#endif

/* Piecewise derivatives on AVX-512 CPUs (clang: PoCL). The value by x's
 * class comes from one vfixupimmps: a table of responses, one nibble per
 * class (from the top: positive, negative, +inf, -inf, +1, zero, SNaN,
 * QNaN), 0 keeping the lane of its first operand, 1 giving x, 2 x
 * quieted, 8 +0 and A +1. An open interval is one compare, or two
 * chained through the mask, true for NaN, and the fixup's zero-masking
 * clears the lanes outside it. One to three instructions per 16 lanes
 * where the compares and selects took five to twelve (and at 64 lanes
 * a work-item spilled mask registers); the same values bit for bit. */
#if CLACT_CPU && defined(__AVX512F__) && defined(__clang__) && CLACT_VEC >= 16 && CLACT_DTYPE != 3
#define CLACT_PW512 1
#define CLACT_FIX_RELU 0xA8A8A821 /* 1 above 0, +0 at and below, x for NaN */
#define CLACT_FIX_SLOPE 0xA0A0A021 /* 1 above 0, the first operand at and below, x for NaN */
#define CLACT_FIX_NEG 0x8A8A8821 /* 1 below 0, +0 at and above, x for NaN */
#define CLACT_FIX_ALL 0xAAAAAA21 /* 1, x for NaN */
#define CLACT_FIX_KEEP 0x00000021 /* the first operand, x for NaN */
#define CLACT_FIX_16(d, x, tab, k) __builtin_ia32_fixupimmps512_maskz((d), (x), (int16)(tab), 0, (k), 4)
#define CLACT_NLE_16(x, v, k) __builtin_ia32_cmpps512_mask((x), (v), 0x16 /* !(x <= v), NaN: true */, (k), 4)
#define CLACT_NGE_16(x, v, k) __builtin_ia32_cmpps512_mask((x), (v), 0x19 /* !(x >= v), NaN: true */, (k), 4)
/* the response of table tab to x's class in (lo, hi) (NaN included), +0 outside */
#define CLACT_PW_16(d, x, lo, hi, tab) CLACT_FIX_16((d), (x), (tab), CLACT_NGE_16((x), (hi), CLACT_NLE_16((x), (lo), (ushort)0xffff)))
#else
#define CLACT_PW512 0
#endif

/* ---- relu, leaky_relu, prelu, crelu ------------------------------------ */

CLACT_INLINE realv clact_fwd_relu(realv x, realv p0, realv p1) { return x < 0 ? (realv)0 : x; }
#if CLACT_PW512
CLACT_INLINE realv clact_grad_relu(realv x, realv p0, realv p1)
{
#define CLACT_GRELU_P(s) CLACT_FIX_16((float16)0.0f, x s, CLACT_FIX_RELU, (ushort)0xffff)
    return CLACT_BY16(CLACT_GRELU_P);
}
#else
CLACT_INLINE realv clact_grad_relu(realv x, realv p0, realv p1) { return x > 0 ? (realv)1 : CLACT_OR_NAN(x, 0); }
#endif
CLACT_INLINE realv clact_grady_relu(realv y, realv p0, realv p1) { return clact_grad_relu(y, p0, p1); }

/* a slope of 0 gives 0 for x = -inf (the limit), not 0 * inf = NaN */
CLACT_INLINE realv clact_fwd_leaky_relu(realv x, realv a, realv p1)
{
    const realv n = a * x;
    return x < 0 ? (a == 0 ? (realv)0 : n) : x;
}
#if CLACT_PW512
CLACT_INLINE realv clact_grad_leaky_relu(realv x, realv a, realv p1)
{
#define CLACT_GLEAKY_P(s) CLACT_FIX_16(a s, x s, CLACT_FIX_SLOPE, (ushort)0xffff)
    return CLACT_BY16(CLACT_GLEAKY_P);
}
#else
CLACT_INLINE realv clact_grad_leaky_relu(realv x, realv a, realv p1) { return x > 0 ? (realv)1 : CLACT_OR_NAN(x, a); }
#endif
CLACT_INLINE realv clact_grady_leaky_relu(realv y, realv a, realv p1) { return clact_grad_leaky_relu(y, a, p1); }

CLACT_INLINE realv clact_fwd_prelu(realv x, realv w, realv p1) { return clact_fwd_leaky_relu(x, w, p1); }
CLACT_INLINE realv clact_grad_prelu(realv x, realv w, realv p1) { return clact_grad_leaky_relu(x, w, p1); }

CLACT_INLINE realv clact_fwd_crelu(realv x, realv p0, realv p1) { return clact_fwd_relu(x, p0, p1); }
CLACT_INLINE realv clact_grad_crelu(realv x, realv p0, realv p1) { return clact_grad_relu(x, p0, p1); }

/* ---- elu, selu, celu: x > 0 ? x : alpha expm1(x); x = 0 takes the
 * negative branch. expm1 has no cancellation near 0. alpha e^x is scaled
 * last (alpha is arbitrary), so it is right wherever it is normal. */

CLACT_INLINE realv clact_fwd_elu(realv x, realv a, realv p1)
{
    const realv n = a * clact_expm1n(x);
    return x > 0 ? x : n;
}
CLACT_INLINE realv clact_grad_elu(realv x, realv a, realv p1)
{
#if CLACT_LOWP
    /* alpha e^x scaled down last: right for any alpha where it is normal */
    const realv n = clact_mul_exp(a, x < CLACT_EXPB_MIN ? CLACT_EXPB_MIN : x);
    return x > 0 ? (realv)1 : n;
#else
    intv k;
    const realv m = clact_expk(x, CLACT_K(-0.0f), &k);
    const realv n = clact_ldexp(a * m, k);
    return x > 0 ? (realv)1 : n;
#endif
}
/* alpha e^x = alpha (e^x - 1) + alpha = y + alpha */
CLACT_INLINE realv clact_grady_elu(realv y, realv a, realv p1) { return y > 0 ? (realv)1 : y + a; }

#define CLACT_SELU_SCALE CLACT_R(1.050701022e+00f, 1.0507009873554805)
#define CLACT_SELU_SA CLACT_R(1.758099318e+00f, 1.7580993408473768) /* scale * alpha */
CLACT_INLINE realv clact_fwd_selu(realv x, realv p0, realv p1)
{
    const realv n = CLACT_SELU_SA * clact_expm1n(x), p = CLACT_SELU_SCALE * x;
    return x > 0 ? p : n;
}
CLACT_INLINE realv clact_grad_selu(realv x, realv p0, realv p1)
{
    const realv xc = x < CLACT_EXPB_MIN ? CLACT_EXPB_MIN : x;
    const realv n = clact_mul_exp(CLACT_SELU_SA, xc);
    return x > 0 ? CLACT_SELU_SCALE : n;
}

/* x/alpha in two pieces: q = x (1/alpha) is within an ulp or so, and the
 * remainder x - q alpha (exact by fma) divided by alpha is the low part,
 * passed on to the exponent, which amplifies it by up to |x/alpha|. No
 * per-element division: 1/alpha is loop-invariant. */
CLACT_INLINE realv clact_celu_q(realv x, realv a, realv *ql)
{
    const realv ra = clact_rcp(a);
    const realv q = x * ra;
    const realv l = fma(-q, a, x) * ra;
    *ql = fabs(q) < CLACT_XBIG ? l : (realv)0;
    return q;
}
/* alpha = 1 (the default; uniform, as softplus's beta) is elu */
CLACT_INLINE realv clact_fwd_celu(realv x, realv a, realv p1)
{
    if (CLACT_ALL(a == 1)) return clact_fwd_elu(x, a, p1);
    realv ql;
    const realv q = clact_celu_q(x, a, &ql);
    const realv n = clact_expm1(q, ql, a);
    return x > 0 ? x : n;
}
CLACT_INLINE realv clact_grad_celu(realv x, realv a, realv p1)
{
    if (CLACT_ALL(a == 1)) return clact_grad_elu(x, a, p1);
    realv ql;
    const realv q = clact_celu_q(x, a, &ql);
    intv k;
    const realv m = clact_expk(q, ql, &k);
    const realv n = clact_ldexp(m, k);
    return x > 0 ? (realv)1 : n;
}

/* ---- gelu (erf form): x Phi(x). With a = |x| and a Phi(-a) computed
 * directly (clact_ncdf_tail): x < 0 gives -a Phi(-a), x >= 0 gives
 * x - a Phi(-a) (a Phi(-a) <= x/2: no cancellation).
 * gelu'(x) = Phi(x) + x phi(x) is g (x < 0) or 1 - g (x >= 0) with
 * g = gelu'(-a) from clact_gelu_dtail. */

#if CLACT_LOWP
/* v e^(-a2/2): with vscalefps as 2^(a2 C), C = -log2(e)/2 in one float
 * (its rounding moves the exponent by 2^-18.9 at a = 14.7), one fma
 * giving k and one the reduced argument (clact_lp_mul_exp2): no -a2/2,
 * and v times 2^r before the scaling. Without vscalefps, where it was
 * not measured, the e^x form as before. */
CLACT_INLINE realv clact_lp_mul_gauss(realv v, realv a2)
{
#if CLACT_HAVE_SCALEF
    return clact_lp_mul_exp2(v, a2, CLACT_K(-7.213475108e-01f));
#else
    return clact_mul_exp(v, -0.5f * a2);
#endif
}
/* clact_ncdf_tail and clact_gelu_dtail as rational functions of a, no
 * q = (a-2)/(a+2): with sc = e^(-a^2/2) 2^EXPB (clact_lp_mul_gauss),
 *   a Phi(-a)          = sc a N(a)/D(a)          N/D: degrees 3/4, 2^-19.9
 *   Phi(-a) - a phi(a) = sc (a - R) V(a)/W(a)    V/W: degrees 3/3, 2^-19.3
 * (times 2^-EXPB). Within each polynomial all coefficients have one
 * sign: nothing cancels. bfloat16 takes N/D of degrees 2/3 (2^-15.2,
 * N(0) the same): two operations fewer, and 8 of its 65536 results not
 * correctly rounded where there were 10, with its 14-bit reciprocal
 * estimate (2^-14) the larger error. The derivative's V/W at degrees
 * 2/2 (2^-14.4) ran no faster. */
CLACT_INLINE realv clact_lp_ncdf_tail(realv a)
{
    const realv ac = a > 14.7f ? 14.7f : a, a2 = ac * ac;
#if CLACT_DTYPE == 2
    const realv n = fma(a2, CLACT_K(6.207026914e-02f), fma(CLACT_K(2.776345611e-01f), ac, CLACT_K(4.999999702e-01f)));
    const realv d = fma(a2, fma(CLACT_K(1.554138809e-01f), ac, CLACT_K(7.010024190e-01f)),
                        fma(CLACT_K(1.353698611e+00f), ac, CLACT_K(1.0f)));
#else
    const realv n = fma(a2, fma(CLACT_K(1.632944308e-02f), ac, CLACT_K(1.167066544e-01f)),
                        fma(CLACT_K(3.573207259e-01f), ac, CLACT_K(4.999999702e-01f)));
    const realv d = fma(a2, fma(CLACT_K(4.093757272e-02f), a2, fma(CLACT_K(2.923125029e-01f), ac, CLACT_K(9.403141141e-01f))),
                        fma(CLACT_K(1.512516856e+00f), ac, CLACT_K(1.0f)));
#endif
    return clact_lp_mul_gauss(clact_divn(ac * n, d), a2);
}
CLACT_INLINE realv clact_lp_gelu_dtail(realv a)
{
    const realv ac = a > 14.7f ? 14.7f : a, a2 = ac * ac;
    const realv v = fma(a2, fma(CLACT_K(-3.691098467e-02f), ac, CLACT_K(-2.411279827e-01f)),
                        fma(CLACT_K(-6.216256618e-01f), ac, CLACT_K(-6.650781035e-01f)));
    const realv w = fma(a2, fma(CLACT_K(9.253044426e-02f), ac, CLACT_K(5.345739722e-01f)),
                        fma(CLACT_K(1.200292826e+00f), ac, CLACT_K(1.0f)));
    const realv dr = (ac - CLACT_GELU_A0_HI) - CLACT_GELU_A0_LO;
    return clact_lp_mul_gauss(clact_divn(dr * v, w), a2);
}
#endif
#if CLACT_H16
/* GELU_F: [-5.8, 4], s = 1.60000002, pieces -9..6 (index k + 9); worst 0.500 ulp, 3 of 37095 results not correctly rounded */
#define CLACT_H16_GELU_F_XLO -5.800000191e+00f
#define CLACT_H16_GELU_F_XHI 4.000000000e+00f
#define CLACT_H16_GELU_F_S 1.600000024e+00f
#define CLACT_H16_GELU_F_KMIN -9
#define CLACT_H16_GELU_F_M (float16)(-5.625000000e+00f, -5.000000000e+00f, -4.375000000e+00f, -3.750000000e+00f, \
    -3.125000000e+00f, -2.500000000e+00f, -1.875000000e+00f, -1.250000000e+00f,                                  \
    -6.250000000e-01f, 0.000000000e+00f, 6.250000000e-01f, 1.250000000e+00f,                                     \
    1.875000000e+00f, 2.500000000e+00f, 3.125000000e+00f, 3.750000000e+00f)
#define CLACT_H16_GELU_F_C0 (float16)(9.275206381e-09f, 2.866515274e-07f, 6.071630651e-06f, 8.841742238e-05f, \
    8.890251629e-04f, 6.209664512e-03f, 3.039636090e-02f, 1.056497768e-01f,                                   \
    2.659855187e-01f, 5.000000000e-01f, 7.340144515e-01f, 8.943502307e-01f,                                   \
    9.696036577e-01f, 9.937903285e-01f, 9.991109967e-01f, 9.999116063e-01f)
#define CLACT_H16_GELU_F_C1 (float16)(5.372955059e-08f, 1.486952556e-06f, 2.783529271e-05f, 3.525972425e-04f, \
    3.022254910e-03f, 1.752828062e-02f, 6.878627837e-02f, 1.826491654e-01f,                                   \
    3.281609714e-01f, 3.989421725e-01f, 3.281609714e-01f, 1.826491654e-01f,                                   \
    6.878627837e-02f, 1.752827317e-02f, 3.022253281e-03f, 3.525552165e-04f)
#define CLACT_H16_GELU_F_C2 (float16)(1.512077148e-07f, 3.716904075e-06f, 6.088568625e-05f, 6.610883866e-04f, \
    4.722305574e-03f, 2.191054821e-02f, 6.448721886e-02f, 1.141552478e-01f,                                   \
    1.025510505e-01f, 1.596620649e-07f, -1.025486737e-01f, -1.141560674e-01f,                                 \
    -6.448873878e-02f, -2.190987021e-02f, -4.724059254e-03f, -6.632785662e-04f)
#define CLACT_H16_GELU_F_C3 (float16)(2.747177632e-07f, 5.927999155e-06f, 8.404874825e-05f, 7.674426888e-04f, \
    4.415650852e-03f, 1.533917431e-02f, 2.883988805e-02f, 1.711670309e-02f,                                   \
    -3.332902864e-02f, -6.648091972e-02f, -3.332903609e-02f, 1.711664535e-02f,                                \
    2.883988619e-02f, 1.533947699e-02f, 4.415719304e-03f, 7.702038856e-04f)
#define CLACT_H16_GELU_F_C4 (float16)(3.545144409e-07f, 6.805981684e-06f, 8.191887173e-05f, 6.102909101e-04f, \
    2.661828185e-03f, 5.929311737e-03f, 2.768223174e-03f, -1.366427541e-02f,                                  \
    -2.231168747e-02f, -5.162738489e-06f, 2.226397395e-02f, 1.368354540e-02f,                                 \
    -2.737294184e-03f, -5.944503937e-03f, -2.626551781e-03f, -5.581821315e-04f)
#define CLACT_H16_GELU_F_C5 (float16)(3.626432203e-07f, 6.303150258e-06f, 6.124597712e-05f, 3.465696936e-04f, \
    9.944019839e-04f, 6.239150534e-04f, -3.283288097e-03f, -5.849624518e-03f,                                 \
    2.215407090e-03f, 9.774670005e-03f, 2.215492772e-03f, -5.848959554e-03f,                                  \
    -3.283266211e-03f, 6.214616005e-04f, 9.938388830e-04f, 3.122096823e-04f)
#define CLACT_H16_GELU_F_C6 (float16)(4.166760164e-07f, 4.188908406e-06f, 3.235710756e-05f, 1.266678009e-04f, \
    1.669736812e-04f, -4.836597072e-04f, -1.362044364e-03f, 5.134488456e-04f,                                 \
    3.230853705e-03f, 3.728306183e-05f, -2.956237411e-03f, -6.353511126e-04f,                                 \
    1.182430191e-03f, 5.774006713e-04f, -3.702240356e-04f, -4.940915387e-04f)
/* GELU_B: [-8.06122, 4.6], s = 2.45000005, pieces -20..11 (index k + 20); worst 0.500 ulp, 9 of 112380 results not correctly rounded */
#define CLACT_H16_GELU_B_XLO -8.061223984e+00f
#define CLACT_H16_GELU_B_XHI 4.599999905e+00f
#define CLACT_H16_GELU_B_S 2.450000048e+00f
#define CLACT_H16_GELU_B_KMIN -20
#define CLACT_H16_GELU_B_M_A (float16)(-8.163265228e+00f, -7.755101681e+00f, -7.346938610e+00f, -6.938775539e+00f, \
    -6.530611992e+00f, -6.122448921e+00f, -5.714285374e+00f, -5.306122303e+00f,                                    \
    -4.897959232e+00f, -4.489795685e+00f, -4.081632614e+00f, -3.673469305e+00f,                                    \
    -3.265305996e+00f, -2.857142687e+00f, -2.448979616e+00f, -2.040816307e+00f)
#define CLACT_H16_GELU_B_M_B (float16)(-1.632652998e+00f, -1.224489808e+00f, -7.517915368e-01f, -4.081632495e-01f, \
    0.000000000e+00f, 4.081632495e-01f, 8.163264990e-01f, 1.224489808e+00f,                                        \
    1.632652998e+00f, 2.040816307e+00f, 2.448979616e+00f, 2.857142687e+00f,                                        \
    3.265305996e+00f, 3.673469305e+00f, 4.081632614e+00f, 4.489795685e+00f)
#define CLACT_H16_GELU_B_C0_A (float16)(0.000000000e+00f, -2.653061961e-13f, -5.469801261e-12f, -9.513818899e-11f, \
    -1.395411009e-09f, -1.724881216e-08f, -1.795684028e-07f, -1.573010877e-06f,                                    \
    -1.158178020e-05f, -7.156743231e-05f, -3.704028786e-04f, -1.601118245e-03f,                                    \
    -5.756477825e-03f, -1.710292511e-02f, -4.153977707e-02f, -8.082915097e-02f)
#define CLACT_H16_GELU_B_C0_B (float16)(-1.205142513e-01f, -1.204397529e-01f, -5.187434482e-09f, 1.917575896e-01f, \
    5.000000000e-01f, 8.082424402e-01f, 1.026226401e+00f, 1.120439768e+00f,                                        \
    1.120514274e+00f, 1.080829144e+00f, 1.041539788e+00f, 1.017102957e+00f,                                        \
    1.005756497e+00f, 1.001601100e+00f, 1.000370383e+00f, 1.000071526e+00f)
#define CLACT_H16_GELU_B_C1_A (float16)(0.000000000e+00f, -2.022597801e-12f, -3.942055363e-11f, -6.459345836e-10f, \
    -8.889641911e-09f, -1.026420904e-07f, -9.928128293e-07f, -8.029713172e-06f,                                    \
    -5.417178909e-05f, -3.038596478e-04f, -1.410660567e-03f, -5.384292454e-03f,                                    \
    -1.672118157e-02f, -4.150405526e-02f, -7.949831337e-02f, -1.076343581e-01f)
#define CLACT_H16_GELU_B_C1_B (float16)(-7.002875954e-02f, 9.437074512e-02f, 4.314939678e-01f, 6.729639769e-01f, \
    7.978844643e-01f, 6.729639173e-01f, 3.812718689e-01f, 9.437074512e-02f,                                      \
    -7.002875954e-02f, -1.076343581e-01f, -7.949831337e-02f, -4.150405526e-02f,                                  \
    -1.672118157e-02f, -5.384291988e-03f, -1.410660450e-03f, -3.039655858e-04f)
#define CLACT_H16_GELU_B_C2_A (float16)(0.000000000e+00f, -7.572102667e-12f, -1.392275600e-10f, -2.143764721e-09f, \
    -2.759383122e-08f, -2.964525834e-07f, -2.651286195e-06f, -1.967339631e-05f,                                    \
    -1.205971857e-04f, -6.069983938e-04f, -2.486141166e-03f, -8.168784901e-03f,                                    \
    -2.099671960e-02f, -4.005107284e-02f, -4.864171147e-02f, -8.366634138e-03f)
#define CLACT_H16_GELU_B_C2_B (float16)(1.146193966e-01f, 2.886018157e-01f, 3.882846236e-01f, 2.871591151e-01f, \
    1.137016383e-07f, -2.871644199e-01f, -3.890032470e-01f, -2.886046171e-01f,                                  \
    -1.146236509e-01f, 8.368090726e-03f, 4.863961414e-02f, 4.004503787e-02f,                                    \
    2.099297941e-02f, 8.172252215e-03f, 2.489872277e-03f, 6.180905038e-04f)
#define CLACT_H16_GELU_B_C3_A (float16)(0.000000000e+00f, -1.846521547e-11f, -3.198819820e-10f, -4.618881277e-09f, \
    -5.548220727e-08f, -5.522970810e-07f, -4.540486316e-06f, -3.066936188e-05f,                                    \
    -1.689581841e-04f, -7.508854032e-04f, -2.645152388e-03f, -7.154718507e-03f,                                    \
    -1.385034248e-02f, -1.514729299e-02f, 6.673187017e-03f, 6.470169127e-02f)
#define CLACT_H16_GELU_B_C3_B (float16)(1.324641705e-01f, 1.334367394e-01f, -1.819572970e-02f, -1.750572771e-01f, \
    -2.659454346e-01f, -1.750526279e-01f, 1.050617360e-02f, 1.334367692e-01f,                                     \
    1.324641705e-01f, 6.470169127e-02f, 6.673195399e-03f, -1.514729671e-02f,                                      \
    -1.385035180e-02f, -7.154760882e-03f, -2.645162400e-03f, -6.983114290e-04f)
#define CLACT_H16_GELU_B_C4_A (float16)(0.000000000e+00f, -3.331929524e-11f, -5.415107251e-10f, -7.298481819e-09f, \
    -8.165721255e-08f, -7.484848084e-07f, -5.604485523e-06f, -3.405513417e-05f,                                    \
    -1.658540714e-04f, -6.344784633e-04f, -1.837420277e-03f, -3.702685935e-03f,                                    \
    -3.779500257e-03f, 4.128426779e-03f, 2.434257790e-02f, 4.422190413e-02f)
#define CLACT_H16_GELU_B_C4_B (float16)(3.015133925e-02f, -3.613318875e-02f, -1.139477342e-01f, -1.011128649e-01f, \
    -8.583777344e-06f, 1.013548598e-01f, 1.080240533e-01f, 3.626533598e-02f,                                       \
    -2.994892001e-02f, -4.429227486e-02f, -2.424363792e-02f, -3.841076046e-03f,                                    \
    3.957951907e-03f, 3.538061865e-03f, 1.659980626e-03f, 8.144343883e-05f)
#define CLACT_H16_GELU_B_C5_A (float16)(0.000000000e+00f, -5.111979590e-11f, -7.683319536e-10f, -9.526435640e-09f, \
    -9.655912692e-08f, -8.020547284e-07f, -5.390498245e-06f, -2.888917334e-05f,                                    \
    -1.208124522e-04f, -3.787454043e-04f, -8.106576279e-04f, -8.132418734e-04f,                                    \
    1.344825840e-03f, 6.954226643e-03f, 1.178496145e-02f, 4.305060022e-03f)
#define CLACT_H16_GELU_B_C5_B (float16)(-2.031059936e-02f, -4.018237069e-02f, -1.486655232e-02f, 3.019665554e-02f, \
    5.912125483e-02f, 3.011662327e-02f, -2.147285640e-02f, -4.018317163e-02f,                                      \
    -2.031059936e-02f, 4.305057228e-03f, 1.178473514e-02f, 6.954328157e-03f,                                       \
    1.345077646e-03f, -8.124528104e-04f, -8.104759618e-04f, -4.471689463e-03f)
#define CLACT_H16_GELU_B_C6_A (float16)(0.000000000e+00f, -5.791292793e-11f, -8.125753403e-10f, -9.339259144e-09f, \
    -8.148305142e-08f, -6.058174336e-07f, -3.686591072e-06f, -1.743584471e-05f,                                    \
    -6.153438153e-05f, -1.480178762e-04f, -1.718576386e-04f, 2.653604024e-04f,                                     \
    1.568060601e-03f, 2.816667780e-03f, 5.615744740e-04f, -6.538260262e-03f)
#define CLACT_H16_GELU_B_C6_B (float16)(-1.129856892e-02f, -1.695150393e-03f, 1.713070273e-02f, 2.122600749e-02f, \
    1.449979463e-04f, -2.442180924e-02f, -1.636582799e-02f, -9.021044389e-05f,                                    \
    8.547171950e-03f, 7.504260633e-03f, -1.898743212e-03f, -6.724276114e-03f,                                     \
    -3.998084459e-03f, 1.969040604e-03f, 2.582870889e-03f, -6.521066185e-03f)
#endif
#if CLACT_R32
/* GELU_F: (-7.5, 7.5), s = 2, pieces 0..15 (index k + 0), degree 9; worst 2.244 ulp (at -6.76725864) of 65527 results */
#define CLACT_R32_GELU_F_XLO -7.500000000e+00f
#define CLACT_R32_GELU_F_XHI 7.500000000e+00f
#define CLACT_R32_GELU_F_S 2.000000000e+00f
#define CLACT_R32_GELU_F_KMIN 0
#define CLACT_R32_GELU_F_M (float16)(0.000000000e+00f, 5.000000000e-01f, 1.000000000e+00f, 1.750000000e+00f, \
    2.250000000e+00f, 2.750000000e+00f, 3.250000000e+00f, 3.750000000e+00f,                                  \
    4.250000000e+00f, 4.750000000e+00f, 5.250000000e+00f, 5.750000000e+00f,                                  \
    6.250000000e+00f, 6.750000000e+00f, 7.250000000e+00f, 7.500000000e+00f)
#define CLACT_R32_GELU_F_C0 (float16)(-0.000000000e+00f, -1.542687714e-01f, -1.586552560e-01f, -7.010352612e-02f, \
    -2.750506438e-02f, -8.194348775e-03f, -1.875331393e-03f, -3.315648064e-04f,                                   \
    -4.542623356e-05f, -4.831145361e-06f, -3.992604150e-07f, -2.565749213e-08f,                                   \
    -1.282664641e-09f, -4.989773872e-11f, -1.510797130e-12f, -2.393168671e-13f)
#define CLACT_R32_GELU_F_C1 (float16)(-5.000000000e-01f, -1.325048804e-01f, 8.331546932e-02f, 1.109259501e-01f, \
    5.918962508e-02f, 2.202755027e-02f, 6.017380394e-03f, 1.233818359e-03f,                                     \
    1.921158255e-04f, 2.287308234e-05f, 2.091399438e-06f, 1.472942444e-07f,                                     \
    8.007287278e-09f, 3.365165369e-10f, 1.094604355e-11f, 1.793833853e-12f)
#define CLACT_R32_GELU_F_C2 (float16)(3.989422917e-01f, 3.080575764e-01f, 1.209858060e-01f, -4.584219679e-02f, \
    -4.860582948e-02f, -2.529082447e-02f, -8.686892688e-03f, -2.126519335e-03f,                                \
    -3.832342918e-04f, -5.170937948e-05f, -5.276627689e-06f, -4.099097737e-07f,                                \
    -2.434987145e-08f, -1.109703773e-09f, -3.889349606e-11f, -6.602902686e-12f)
#define CLACT_R32_GELU_F_C3 (float16)(-8.901388355e-07f, -1.100194529e-01f, -1.209852993e-01f, -2.371365391e-02f, \
    1.257019769e-02f, 1.485928521e-02f, 7.212085649e-03f, 2.218802460e-03f,                                       \
    4.754313268e-04f, 7.391449617e-05f, 8.513132343e-06f, 7.350403735e-07f,                                       \
    4.799928277e-08f, 2.383411690e-09f, 9.036776882e-11f, 1.590607333e-11f)
#define CLACT_R32_GELU_F_C4 (float16)(-6.646467745e-02f, -3.394619375e-02f, 2.013892494e-02f, 2.787819318e-02f, \
    6.989786867e-03f, -3.023637924e-03f, -3.524588654e-03f, -1.505480264e-03f,                                  \
    -4.041971697e-04f, -7.438155444e-05f, -9.804297406e-06f, -9.521091897e-07f,                                 \
    -6.867371383e-08f, -3.721408071e-09f, -1.524154969e-10f, -2.800657449e-11f)
#define CLACT_R32_GELU_F_C5 (float16)(-3.687977442e-04f, 2.241039649e-02f, 1.613271423e-02f, -1.363964099e-02f, \
    -1.084726024e-02f, -1.107713091e-03f, 7.074722671e-04f, 7.410290418e-04f,                                   \
    2.518019755e-04f, 5.573336239e-05f, 8.650245945e-06f, 9.459625971e-07f,                                     \
    7.726090701e-08f, 4.708246681e-09f, 2.166164748e-10f, 4.049404215e-11f)
#define CLACT_R32_GELU_F_C6 (float16)(1.288872678e-02f, 3.533490701e-03f, -5.514455494e-03f, -1.995677501e-02f, \
    -9.934074245e-03f, 3.254023613e-03f, 1.531058078e-04f, 6.948398368e-05f,                                    \
    -8.542434807e-05f, -3.060029121e-05f, -5.554690688e-06f, -7.352537637e-07f,                                 \
    -6.269183217e-08f, -3.787445912e-09f, -1.609345296e-10f, -3.393675271e-11f)
#define CLACT_R32_GELU_F_C7 (float16)(-1.291935984e-02f, -2.165753860e-03f, -1.333648339e-03f, -3.180341795e-02f, \
    -2.167609148e-02f, 3.060831688e-03f, -4.038852931e-04f, 4.157102085e-04f,                                     \
    6.354013749e-05f, 1.416701707e-05f, 3.709243856e-06f, 5.172230431e-07f,                                       \
    6.519623952e-08f, 5.843324491e-09f, 3.841529317e-10f, 8.212786701e-11f)
#define CLACT_R32_GELU_F_C8 (float16)(2.890414931e-02f, -3.540912876e-03f, -2.887144452e-03f, -3.414766863e-02f, \
    -2.303408086e-02f, 3.524163272e-03f, -9.278291691e-05f, 4.878180625e-04f,                                    \
    3.629759522e-05f, -2.992684813e-06f, -6.204876968e-07f, -1.541752539e-07f,                                   \
    -2.534078725e-09f, 1.191299615e-09f, 1.669039906e-10f, 5.753150387e-11f)
#define CLACT_R32_GELU_F_C9 (float16)(-2.864560299e-02f, -7.032859139e-03f, 8.885068237e-04f, -1.472027134e-02f, \
    -9.778347798e-03f, 1.617464470e-03f, -5.973642692e-05f, 1.899927738e-04f,                                    \
    1.160937063e-05f, 4.489535002e-07f, 8.211169416e-07f, 2.041725082e-07f,                                      \
    4.018704303e-08f, 4.740710047e-09f, 3.765825707e-10f, 1.159231669e-10f)
#endif
CLACT_INLINE realv clact_fwd_gelu(realv x, realv p0, realv p1)
{
#if CLACT_R32
    /* max(x, -0) + P(|x|), P(a) = -a Phi(-a) (x - a Phi(-a) or -a Phi(-a),
     * as below); 0.78 -> 0.95 of copy in cache (n = 2^21, 54 -> 76
     * GB/s), 0.68 -> 0.87 beside the fast copy at full size on the Zen 5 */
    if (CLACT_R32_IN(GELU_F, x)) {
        intv i;
        const realv w = CLACT_R16_W(GELU_F, fabs(x), &i);
#define CLACT_R32_GELU_F_L(k, i) CLACT_R16_C(GELU_F, k, i)
        return clact_nonneg_or_m0(x) + CLACT_HORNER9(CLACT_R32_GELU_F_L, i, w);
    }
#endif
#if CLACT_H16
    /* x P(x), P = Phi; at and below XLO x P rounds to -0 */
    intv i;
    const realv w = CLACT_H16_W(GELU_F, x, &i);
#define CLACT_H16_GELU_F_L(k, i) CLACT_H16_C(GELU_F, k, i)
    return (x < CLACT_H16_GELU_F_XLO ? CLACT_H16_GELU_F_XLO : x) * CLACT_HORNER6(CLACT_H16_GELU_F_L, i, w);
#else
#if CLACT_LOWP
    const realv aT = clact_lp_ncdf_tail(fabs(x));
#else
    const realv aT = clact_ncdf_tail(fabs(x));
#endif
    /* x - aT, or -0 - aT (not 0 - aT: -0 where aT underflows, as x Phi(x) is) */
    return clact_nonneg_or_m0(x) - aT;
#endif
}
#if CLACT_R32
/* GELU_B: (-7, 7), s = 2.20000005, pieces 0..15 (index k + 0), degree 9; worst 1.990 ulp (at -0.676815689) of 64993 results */
#define CLACT_R32_GELU_B_XLO -7.000000000e+00f
#define CLACT_R32_GELU_B_XHI 7.000000000e+00f
#define CLACT_R32_GELU_B_S 2.200000048e+00f
#define CLACT_R32_GELU_B_KMIN 0
#define CLACT_R32_GELU_B_M (float16)(0.000000000e+00f, 4.545454681e-01f, 7.517915368e-01f, 1.590909123e+00f, \
    2.045454502e+00f, 2.500000000e+00f, 2.954545498e+00f, 3.409090996e+00f,                                  \
    3.863636255e+00f, 4.318181992e+00f, 4.772727489e+00f, 5.227272511e+00f,                                  \
    5.681818008e+00f, 6.136363506e+00f, 6.590909004e+00f, 7.000000000e+00f)
#define CLACT_R32_GELU_B_C0 (float16)(5.000000000e-01f, 1.611787826e-01f, -5.227311917e-09f, -1.232280657e-01f, \
    -8.033010364e-02f, -3.761108592e-02f, -1.342597976e-02f, -3.746823873e-03f,                                 \
    -8.280391921e-04f, -1.459964114e-04f, -2.063372813e-05f, -2.344912673e-06f,                                 \
    -2.147585292e-07f, -1.587647169e-08f, -9.485668917e-10f, -6.266322877e-11f)
#define CLACT_R32_GELU_B_C1 (float16)(-7.978845835e-01f, -6.452370286e-01f, -4.314939976e-01f, 5.975870043e-02f, \
    1.075527892e-01f, 7.449527830e-02f, 3.414528444e-02f, 1.149496157e-02f,                                      \
    2.957504708e-03f, 5.931427004e-04f, 9.378886170e-05f, 1.177702507e-05f,                                      \
    1.180139407e-06f, 9.470205953e-08f, 6.101510408e-09f, 4.293322087e-10f)
#define CLACT_R32_GELU_B_C2 (float16)(2.429897904e-06f, 3.101858199e-01f, 3.882849514e-01f, 1.315138787e-01f, \
    -9.252741933e-03f, -4.929824173e-02f, -3.544971347e-02f, -1.552051399e-02f,                               \
    -4.829388112e-03f, -1.126811258e-03f, -2.022782573e-04f, -2.834990119e-05f,                               \
    -3.131237463e-06f, -2.742698939e-07f, -1.913637782e-08f, -1.438695496e-09f)
#define CLACT_R32_GELU_B_C3 (float16)(2.658643723e-01f, 1.556863487e-01f, 1.820690930e-02f, -1.370266080e-01f, \
    -6.371390820e-02f, -2.005998977e-03f, 1.615943760e-02f, 1.149995439e-02f,                                  \
    4.666214343e-03f, 1.312983921e-03f, 2.732778667e-04f, 4.335471749e-05f,                                    \
    5.327525287e-06f, 5.126632914e-07f, 3.895377176e-08f, 3.139971838e-09f)
#define CLACT_R32_GELU_B_C4 (float16)(1.974494895e-03f, -1.075809151e-01f, -1.140414849e-01f, 2.662809566e-02f, \
    4.574042931e-02f, 2.136740461e-02f, 1.242949627e-03f, -4.197346047e-03f,                                    \
    -2.807070035e-03f, -1.034295070e-03f, -2.582572924e-04f, -4.699659985e-05f,                                 \
    -6.502687938e-06f, -6.947832389e-07f, -5.756474053e-08f, -4.998341741e-09f)
#define CLACT_R32_GELU_B_C5 (float16)(-8.276350796e-02f, -2.392838337e-02f, 1.405186113e-02f, 2.885434404e-02f, \
    4.384524189e-03f, -1.152951457e-02f, -4.740541335e-03f, 3.307992301e-04f,                                   \
    1.053008251e-03f, 5.212614196e-04f, 1.675905951e-04f, 3.813599324e-05f,                                     \
    6.056516668e-06f, 7.167579383e-07f, 6.736229352e-08f, 6.316646761e-09f)
#define CLACT_R32_GELU_B_C6 (float16)(1.585140377e-01f, 2.530210279e-02f, 2.770632505e-02f, 7.358966861e-03f, \
    2.433560602e-02f, 1.627683290e-03f, 4.857928026e-03f, 2.813238185e-03f,                                   \
    3.045563353e-04f, -2.886118600e-04f, -1.152369950e-04f, -2.350352042e-05f,                                \
    -4.328168870e-06f, -6.110049640e-07f, -5.560645988e-08f, -5.709323236e-09f)
#define CLACT_R32_GELU_B_C7 (float16)(-6.365463734e-01f, -1.065710559e-02f, -3.946075588e-02f, 3.689923137e-02f, \
    6.651427597e-02f, 2.868056996e-03f, 4.330257885e-03f, 3.196406178e-03f,                                      \
    5.440611276e-04f, -2.068960894e-04f, -3.213956734e-05f, 1.137741401e-05f,                                    \
    2.749088480e-06f, 3.923558438e-07f, 6.280161102e-08f, 7.040127592e-09f)
#define CLACT_R32_GELU_B_C8 (float16)(1.432625771e+00f, -3.138554841e-02f, 6.461512297e-02f, 4.349547625e-02f, \
    7.094636559e-02f, 7.917744806e-04f, 4.963585176e-03f, 4.331088625e-03f,                                    \
    8.993719239e-04f, -2.446501167e-04f, -7.772256504e-05f, -3.795665179e-06f,                                 \
    -8.517873766e-07f, -1.922155377e-07f, -5.160539218e-10f, 3.315019093e-11f)
#define CLACT_R32_GELU_B_C9 (float16)(-1.334408402e+00f, 1.168416068e-01f, -4.790366068e-02f, 1.925922744e-02f, \
    3.263704479e-02f, 5.861936370e-04f, 2.620187122e-03f, 2.097538672e-03f,                                     \
    3.828479385e-04f, -1.416387386e-04f, -3.865728650e-05f, 7.199224115e-07f,                                   \
    7.121054750e-07f, 1.721868443e-07f, 4.199485559e-08f, 5.978014084e-09f)
#endif
CLACT_INLINE realv clact_grad_gelu(realv x, realv p0, realv p1)
{
#if CLACT_R32
    /* g = gelu'(-|x|) from the table (its root 0.7518 a piece's centre),
     * then as below: 0.62 -> 0.96 of copy in cache (58 -> 76 GB/s), 0.89
     * -> 1.05 beside the fast copy at full size on the Zen 5 */
    if (CLACT_R32_IN(GELU_B, x)) {
        intv i;
        const realv w = CLACT_R16_W(GELU_B, fabs(x), &i);
#define CLACT_R32_GELU_B_L(k, i) CLACT_R16_C(GELU_B, k, i)
        return clact_half_sym(x, CLACT_HORNER9(CLACT_R32_GELU_B_L, i, w));
    }
#endif
#if CLACT_H16
    intv i;
    const realv w = CLACT_H32_W(GELU_B, x, &i);
#define CLACT_H16_GELU_B_L(k, i) CLACT_H32_C(GELU_B, k, i)
    return CLACT_HORNER6(CLACT_H16_GELU_B_L, i, w);
#else
#if CLACT_LOWP
    const realv g = clact_lp_gelu_dtail(fabs(x));
#else
    const realv g = clact_gelu_dtail(fabs(x));
#endif
    return clact_half_sym(x, g);
#endif
}

/* ---- the logistic family (gelu_tanh, silu, sigmoid, softplus', tanh'):
 * with e = e^-|z|, s(z) = 1/(1+e) for z >= 0 and e/(1+e) for z < 0, and
 * s(z) s(-z) = e/(1+e)^2. e comes from clact_expb2 as sc (1 + em), scaled
 * up by 2^EXPB: a product v e is formed as fma(v sc, em, v sc) and scaled
 * down last, so it keeps its accuracy wherever it is normal. 1/(1+e) is
 * clact_rcp1p (1 + e summed exactly). */

/* e^-|z| = sc (1 + em) 2^-EXPB, z clamped so the scale stays normal */
CLACT_INLINE realv clact_logistic_e(realv z, realv dz, realv *em)
{
    const realv dn = z < 0 ? dz : -dz;
    return clact_expb2(clact_nabs_min(z, CLACT_EXPB_MIN), dn, em);
}
/* the same without a low part. The exp core adds its dx: -0 is dropped by
 * the compiler, +0 (and a select between the two) is not. */
CLACT_INLINE realv clact_logistic_e0(realv z, realv *em)
{
    return clact_expb2(clact_nabs_min(z, CLACT_EXPB_MIN), CLACT_K(-0.0f), em);
}
#if CLACT_LOWP
/* e^-|z| itself, rounded once more where it is subnormal (16-bit
 * results) */
CLACT_INLINE realv clact_logistic_ev(realv z) { return clact_lp_exp(clact_nabs_min(z, CLACT_EXPB_MIN)); }
#endif
/* v (1 + em) 2^-EXPB */
CLACT_INLINE realv clact_unscale(realv v, realv em) { return fma(v, em, v) * CLACT_EXPB_INV; }

/* 1/(c + c e^-(z+dz)) with c = 2^-EXPB, so that s(z) = c times it. One
 * form for both signs of z, one division: c e^-z is normal over the
 * clamp, [EXPB_MIN, EXPB_MAX - 1] (beyond it s is 1 or underflows), and
 * the products with c are exact or round once, at the end. The sum
 * c + c e^-z costs half an ulp. Without a low part pass dz = +0: the
 * exp core adds -dz = -0, which the compiler drops (not +0). */
CLACT_INLINE realv clact_logistic_rc(realv z, realv dz)
{
    const realv zc = clact_clamp(z, CLACT_EXPB_MIN, CLACT_EXPB_MAX - 1);
    return clact_rcpn(clact_expbn_add(CLACT_EXPB_INV, -zc, -dz));
}

/* 4 s(z) s(-z) = 4e/(1+e)^2 for |z| < 1.1, from e = e^-|z| and r =
 * 1/(1+e): as 1 - q^2, q = (e - 1) r = -tanh(|z|/2) (e - 1 exact for
 * e >= 1/2, within 2^-25 below), whose roundings fall on q^2 <= 1/4,
 * where the product 4 e r r adds the roundings of its steps on a result
 * near 1 (5 ulp near z = 0; this form 1 ulp there, 1.8 at |z| = 1.1) */
CLACT_INLINE realv clact_logistic_d4(realv e, realv r)
{
    const realv q = (e - 1) * r;
    return fma(-q, q, CLACT_K(1.0f));
}

/* ---- gelu_tanh: 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3)
 * = x s(v), s the logistic function, v = 2u = x (A + B x^2).
 * v reaches -100 before the result underflows and e^v turns an absolute
 * error of v into a relative one, so v is computed in two pieces (v + vl),
 * from x^2 split by fma and A + B x^2 as one rounded sum and its error
 * (below), then times x. */
#define CLACT_GT_A_HI CLACT_R(1.595769167e+00f, 1.5957691216057308)
#define CLACT_GT_B_HI CLACT_R(7.135481387e-02f, 0.07135481627260025)
#define CLACT_GT_B_LO CLACT_R(2.398832466e-09f, -6.175149918155315e-19)
#define CLACT_GT_XMAX CLACT_R(20.0f, 40.0) /* |v| > 600 / 4600: e^-|v| is 0 */
/* float32 clamps x to [-XNEG, XPOS] instead: v(-11) = -112.5 and
 * v(8.5) = 57.4 lie within [EXPB_MIN, EXPB_MAX - 1], so the exponential's
 * argument needs no clamp of its own (two operations fewer on the chain).
 * Nothing changes: below -11 the results underflow (|x s(v)| < 1e-46, as
 * at -20), above 8.5 s(v) and the derivative round to 1. */
#define CLACT_GT_XNEG CLACT_R(11.0f, 40.0)
#define CLACT_GT_XPOS CLACT_R(8.5f, 40.0)

/* A = A21 + A21L, A21 a multiple of 2^-20 (float) or 2^-46 (double):
 * then A21 - q is exact for every q = A21 + B x^2 of the clamped range
 * (q < 16, or 128 in double: a multiple of q's ulp, smaller than q) */
#define CLACT_GT_A21 CLACT_R(0x1.98845p+0f, 0x1.9884533d43640p+0)
#define CLACT_GT_A21L CLACT_R(1.930778950e-07f, 3.675065195634423e-15)
/* q = A21 + B x^2 in one rounding and its error ql exactly (fma, with
 * A21 - q exact), the rest (A21L, B's low part, x^2's) added to it, then
 * times x: 11 vector operations where a two-sum of A + B x^2 took 16.
 * float32 gelu_tanh ran 10% faster in cache, forward and backward, and
 * 2-5 points nearer the copy at full size (interleaved, both orders),
 * with the same worst errors (the ulp sweep over the whole range and
 * over every 31st float of [-11, 9]). */
CLACT_INLINE realv clact_gelu_tanh_v(realv xc, realv *vl, realv *t)
{
    const realv x2 = xc * xc, x2l = fma(xc, xc, -x2);
    const realv q = fma(CLACT_K(CLACT_GT_B_HI), x2, CLACT_K(CLACT_GT_A21));
    const realv ql = fma(CLACT_K(CLACT_GT_B_HI), x2, CLACT_GT_A21 - q);
    const realv lo = fma(CLACT_K(CLACT_GT_B_LO), x2, fma(CLACT_K(CLACT_GT_B_HI), x2l, CLACT_K(CLACT_GT_A21L))) + ql;
    const realv v = xc * q;
    *vl = fma(xc, lo, fma(xc, q, -v));
    *t = CLACT_GT_B_HI * x2;
    return v;
}
#if !CLACT_REAL_IS_DOUBLE
/* float32: v log2(e) = x q2, q2 = A2 + B2 x^2 with A2 = A log2(e) and
 * B2 = B log2(e), as q above (A2 = A2_21 + A2_21L, A2_21 a multiple of
 * 2^-20; q2 < 16 over the clamp [-XNEG, XPOS]): the exponential takes
 * q2 and its low part as they are (clact_exp2bn_add_xq), with no product
 * v = x q and no error vl of its own */
#define CLACT_GT2_A21 0x1.26aecp+1f
#define CLACT_GT2_A21L 2.513669699e-07f
#define CLACT_GT2_B_HI 1.029432416e-01f
#define CLACT_GT2_B_LO -2.016198541e-09f
#define CLACT_GT2_A 2.302208185e+00f /* A2 in one piece (16-bit results) */
/* v'(x) = A + 3 B x^2 from the 16-bit q = A2 + B2 x^2 as 3 ln(2) q - 2 A,
 * the constant taken against A2 as rounded: x^2 is then dead once q is
 * formed (fewer registers live than with A and 3 B) */
#define CLACT_GT2_DV1 2.079441547e+00f
#define CLACT_GT2_DV0 -3.191538095e+00f
#if CLACT_LOWP
/* -q, the 16-bit q negated, e^-v = 2^(x (-q)) (forward and backward;
 * the sign in the constants, not an operation of its own) */
CLACT_INLINE realv clact_lp_gelu_tanh_nq(realv xc) { return fma(CLACT_K(-CLACT_GT2_B_HI), xc * xc, CLACT_K(-CLACT_GT2_A)); }
#endif
CLACT_INLINE realv clact_gelu_tanh_q2(realv xc, realv *lo)
{
    const realv x2 = xc * xc, x2l = fma(xc, xc, -x2);
    const realv q = fma(CLACT_K(CLACT_GT2_B_HI), x2, CLACT_K(CLACT_GT2_A21));
    const realv ql = fma(CLACT_K(CLACT_GT2_B_HI), x2, CLACT_GT2_A21 - q);
    *lo = fma(CLACT_K(CLACT_GT2_B_LO), x2, fma(CLACT_K(CLACT_GT2_B_HI), x2l, CLACT_K(CLACT_GT2_A21L))) + ql;
    return q;
}
#endif
/* x s(v) = x rc c, xc = x clamped to [-XMAX, XMAX] (float32: [-XNEG,
 * XPOS]), where s(v) = 1 above: float32 results scale last, (xc rc) c
 * (x rc is normal where the result is); 16-bit ones are normal only where
 * rc c is (and rc c = 1 exactly above XMAX, so x is not clamped there) */
#if CLACT_H16
/* GT_F: [-5.5, 3.9], s = 1.60000002, pieces -9..6 (index k + 9); worst 0.500 ulp, 5 of 37031 results not correctly rounded */
#define CLACT_H16_GT_F_XLO -5.500000000e+00f
#define CLACT_H16_GT_F_XHI 3.900000095e+00f
#define CLACT_H16_GT_F_S 1.600000024e+00f
#define CLACT_H16_GT_F_KMIN -9
#define CLACT_H16_GT_F_M (float16)(-5.625000000e+00f, -5.000000000e+00f, -4.375000000e+00f, -3.750000000e+00f, \
    -3.125000000e+00f, -2.500000000e+00f, -1.875000000e+00f, -1.250000000e+00f,                                \
    -6.250000000e-01f, 0.000000000e+00f, 6.250000000e-01f, 1.250000000e+00f,                                   \
    1.875000000e+00f, 2.500000000e+00f, 3.125000000e+00f, 3.750000000e+00f)
#define CLACT_H16_GT_F_C0 (float16)(3.904143397e-10f, 4.583575475e-08f, 2.360209010e-06f, 5.846734348e-05f, \
    7.730797515e-04f, 6.033705547e-03f, 3.040051460e-02f, 1.058286428e-01f,                                 \
    2.660461664e-01f, 5.000000000e-01f, 7.339538336e-01f, 8.941713572e-01f,                                 \
    9.695994854e-01f, 9.939662814e-01f, 9.992269278e-01f, 9.999415278e-01f)
#define CLACT_H16_GT_F_C1 (float16)(3.065921295e-09f, 3.186700326e-07f, 1.343847998e-05f, 2.692881390e-04f, \
    2.847553464e-03f, 1.759409532e-02f, 6.922040880e-02f, 1.826570928e-01f,                                 \
    3.279267251e-01f, 3.989421427e-01f, 3.279267251e-01f, 1.826571077e-01f,                                 \
    6.922040880e-02f, 1.759408973e-02f, 2.847551135e-03f, 2.692746930e-04f)
#define CLACT_H16_GT_F_C2 (float16)(1.541005545e-08f, 1.057248483e-06f, 3.603811274e-05f, 5.731434212e-04f, \
    4.723566119e-03f, 2.228688076e-02f, 6.450389326e-02f, 1.136526167e-01f,                                 \
    1.027169600e-01f, 1.291050609e-07f, -1.027169526e-01f, -1.136528403e-01f,                               \
    -6.450387836e-02f, -2.228573337e-02f, -4.724145867e-03f, -5.724752555e-04f)
#define CLACT_H16_GT_F_C3 (float16)(1.520935733e-08f, 2.205426199e-06f, 6.003567250e-05f, 7.397381123e-04f, \
    4.572623875e-03f, 1.545647252e-02f, 2.837936580e-02f, 1.724035479e-02f,                                 \
    -3.304630890e-02f, -6.680876762e-02f, -3.304630518e-02f, 1.723981090e-02f,                              \
    2.837937325e-02f, 1.545670349e-02f, 4.572721664e-03f, 7.428470417e-04f)
#define CLACT_H16_GT_F_C4 (float16)(1.479230605e-07f, 3.303922540e-06f, 6.945224595e-05f, 6.367870374e-04f, \
    2.758666174e-03f, 5.740238354e-03f, 2.686755499e-03f, -1.327785291e-02f,                                \
    -2.257178351e-02f, -4.175389222e-06f, 2.257152461e-02f, 1.328514796e-02f,                               \
    -2.687245607e-03f, -5.764672067e-03f, -2.747306833e-03f, -6.533982814e-04f)
#define CLACT_H16_GT_F_C5 (float16)(-1.301329036e-07f, 4.073663149e-06f, 6.078955266e-05f, 3.760090622e-04f, \
    9.741736576e-04f, 5.122327129e-04f, -3.076589899e-03f, -5.927833263e-03f,                                \
    2.082358813e-03f, 9.987478144e-03f, 2.082315972e-03f, -5.923639052e-03f,                                 \
    -3.076675581e-03f, 5.103467265e-04f, 9.733691113e-04f, 2.539806592e-04f)
#define CLACT_H16_GT_F_C6 (float16)(3.848099936e-07f, 3.375394272e-06f, 3.624398596e-05f, 1.347338257e-04f, \
    1.290237560e-04f, -4.551586753e-04f, -1.305754180e-03f, 3.378077527e-04f,                               \
    3.208892653e-03f, 3.015647053e-05f, -3.206950380e-03f, -3.907746577e-04f,                               \
    1.309329178e-03f, 6.013546954e-04f, -1.932356390e-04f, -3.230330185e-04f)
/* GT_B: [-7.21154, 4.6], s = 2.5999999, pieces -19..12 (index k + 19); worst 0.526 ulp, 17 of 112056 results not correctly rounded */
#define CLACT_H16_GT_B_XLO -7.211538792e+00f
#define CLACT_H16_GT_B_XHI 4.599999905e+00f
#define CLACT_H16_GT_B_S 2.599999905e+00f
#define CLACT_H16_GT_B_KMIN -19
#define CLACT_H16_GT_B_M_A (float16)(-7.307692528e+00f, -6.923077106e+00f, -6.538461685e+00f, -6.153846264e+00f, \
    -5.769230843e+00f, -5.384615421e+00f, -5.000000000e+00f, -4.615384579e+00f,                                  \
    -4.230769157e+00f, -3.846153975e+00f, -3.461538553e+00f, -3.076923132e+00f,                                  \
    -2.692307711e+00f, -2.307692289e+00f, -1.923076987e+00f, -1.538461566e+00f)
#define CLACT_H16_GT_B_M_B (float16)(-1.153846145e+00f, -7.524614334e-01f, -3.846153915e-01f, 0.000000000e+00f, \
    3.846153915e-01f, 7.692307830e-01f, 1.153846145e+00f, 1.538461566e+00f,                                     \
    1.923076987e+00f, 2.307692289e+00f, 2.692307711e+00f, 3.076923132e+00f,                                     \
    3.461538553e+00f, 3.846153975e+00f, 4.230769157e+00f, 4.615384579e+00f)
#define CLACT_H16_GT_B_C0_A (float16)(0.000000000e+00f, -6.734407953e-14f, -4.434512219e-12f, -1.914380460e-10f, \
    -5.547317272e-09f, -1.104430609e-07f, -1.546365866e-06f, -1.558104486e-05f,                                  \
    -1.155737846e-04f, -6.453273236e-04f, -2.771452069e-03f, -9.339191020e-03f,                                  \
    -2.510694973e-02f, -5.436437204e-02f, -9.434609860e-02f, -1.262938231e-01f)
#define CLACT_H16_GT_B_C0_B (float16)(-1.120147258e-01f, -4.887023675e-09f, 2.078252882e-01f, 5.000000000e-01f, \
    7.921746969e-01f, 1.007108450e+00f, 1.112014771e+00f, 1.126293778e+00f,                                     \
    1.094346046e+00f, 1.054364324e+00f, 1.025106907e+00f, 1.009339213e+00f,                                     \
    1.002771497e+00f, 1.000645280e+00f, 1.000115633e+00f, 1.000015616e+00f)
#define CLACT_H16_GT_B_C1_A (float16)(0.000000000e+00f, -7.728034792e-13f, -4.583531124e-11f, -1.773494795e-09f, \
    -4.579275270e-08f, -8.072880178e-07f, -9.934211448e-06f, -8.722958592e-05f,                                  \
    -5.583692109e-04f, -2.659583464e-03f, -9.605143219e-03f, -2.669895068e-02f,                                  \
    -5.744569004e-02f, -9.393153340e-02f, -1.060778722e-01f, -4.295689613e-02f)
#define CLACT_H16_GT_B_C1_B (float16)(1.379507482e-01f, 4.304001033e-01f, 6.857469678e-01f, 7.978845239e-01f, \
    6.857469678e-01f, 4.173920751e-01f, 1.379507482e-01f, -4.295689613e-02f,                                  \
    -1.060778722e-01f, -9.393153340e-02f, -5.744569004e-02f, -2.669895068e-02f,                               \
    -9.605142288e-03f, -2.659583231e-03f, -5.583692109e-04f, -8.359328058e-05f)
#define CLACT_H16_GT_B_C2_A (float16)(0.000000000e+00f, -4.321412152e-12f, -2.302638635e-10f, -7.952401404e-09f, \
    -1.818673780e-07f, -2.818360372e-06f, -3.018774078e-05f, -2.280417102e-04f,                                  \
    -1.237899647e-03f, -4.908215255e-03f, -1.437513996e-02f, -3.104931116e-02f,                                  \
    -4.745323583e-02f, -4.092473909e-02f, 2.100411430e-02f, 1.536447555e-01f)
#define CLACT_H16_GT_B_C2_B (float16)(3.134154975e-01f, 3.875183165e-01f, 2.752792835e-01f, 1.864634953e-07f, \
    -2.752760947e-01f, -3.881115019e-01f, -3.134249449e-01f, -1.536351889e-01f,                               \
    -2.099293284e-02f, 4.093514383e-02f, 4.746243730e-02f, 3.104450926e-02f,                                  \
    1.436554454e-02f, 4.918375053e-03f, 1.225205953e-03f, 3.553576826e-04f)
#define CLACT_H16_GT_B_C3_A (float16)(0.000000000e+00f, -1.545578769e-11f, -7.417616521e-10f, -2.283920963e-08f, \
    -4.615351372e-07f, -6.229516202e-06f, -5.736311141e-05f, -3.663509560e-04f,                                  \
    -1.643767348e-03f, -5.210447591e-03f, -1.151736360e-02f, -1.642088406e-02f,                                  \
    -8.685490116e-03f, 2.508511394e-02f, 8.517700434e-02f, 1.387539506e-01f)
#define CLACT_H16_GT_B_C3_B (float16)(1.207493544e-01f, -1.578805409e-02f, -1.840290725e-01f, -2.672675550e-01f, \
    -1.840291172e-01f, -8.194920607e-03f, 1.207493767e-01f, 1.387539506e-01f,                                    \
    8.517700434e-02f, 2.508511767e-02f, -8.685481735e-03f, -1.642089151e-02f,                                    \
    -1.151745301e-02f, -5.210473668e-03f, -1.643767930e-03f, 1.683586976e-03f)
#define CLACT_H16_GT_B_C4_A (float16)(0.000000000e+00f, -4.137504228e-11f, -1.761966129e-09f, -4.776504525e-08f, \
    -8.483131637e-07f, -9.802070963e-06f, -7.603372796e-05f, -3.993546707e-04f,                                  \
    -1.418176573e-03f, -3.312289715e-03f, -4.473984241e-03f, -6.354557700e-04f,                                  \
    1.231704466e-02f, 3.186055273e-02f, 4.271817207e-02f, 1.918232627e-02f)
#define CLACT_H16_GT_B_C4_B (float16)(-4.795317352e-02f, -1.139250547e-01f, -9.920009226e-02f, -1.597336632e-05f, \
    9.902960062e-02f, 1.119591370e-01f, 4.845532775e-02f, -1.969444193e-02f,                                      \
    -4.331734404e-02f, -3.241878375e-02f, -1.281066239e-02f, 8.930871263e-04f,                                    \
    4.988548812e-03f, 2.768230857e-03f, 2.098253230e-03f, 1.701212116e-02f)
#define CLACT_H16_GT_B_C5_A (float16)(0.000000000e+00f, -1.003813838e-10f, -3.635471479e-09f, -8.345041635e-08f, \
    -1.221981393e-06f, -1.181952575e-05f, -7.475098391e-05f, -3.069711966e-04f,                                  \
    -7.853274583e-04f, -1.041600015e-03f, 2.722781501e-04f, 4.181510303e-03f,                                    \
    9.098464623e-03f, 9.763707407e-03f, -1.188955386e-03f, -2.467883751e-02f)
#define CLACT_H16_GT_B_C5_B (float16)(-4.045914859e-02f, -1.631061919e-02f, 3.315785527e-02f, 6.059588492e-02f, \
    3.315921128e-02f, -1.820911840e-02f, -4.045982659e-02f, -2.467883751e-02f,                                  \
    -1.188953989e-03f, 9.763593785e-03f, 9.098209441e-03f, 4.181735683e-03f,                                    \
    2.740956261e-04f, -1.041031792e-03f, -7.853087736e-04f, 6.559026241e-02f)
#define CLACT_H16_GT_B_C6_A (float16)(0.000000000e+00f, -1.630669488e-10f, -5.213655285e-09f, -1.039221260e-07f, \
    -1.152856044e-06f, -9.583396604e-06f, -4.967249697e-05f, -1.531901798e-04f,                                  \
    -2.292919526e-04f, 9.390256309e-05f, 1.088501187e-03f, 2.192544751e-03f,                                     \
    1.630678424e-03f, -1.499072299e-03f, -7.311597932e-03f, -1.095823664e-02f)
#define CLACT_H16_GT_B_C6_B (float16)(-2.832480241e-04f, 1.908370107e-02f, 2.250563726e-02f, 3.051503736e-04f, \
    -1.990055293e-02f, -1.115269121e-02f, -7.363435347e-03f, 1.879256219e-02f,                                 \
    1.648364775e-02f, 1.005121134e-02f, 5.931151100e-03f, -6.139543373e-03f,                                   \
    -8.969371207e-03f, 8.230683394e-03f, -1.017991360e-02f, 1.019009054e-01f)
#endif
CLACT_INLINE realv clact_fwd_gelu_tanh(realv x, realv p0, realv p1)
{
#if CLACT_H16
    /* x P(x), P = s(v), as gelu's */
    intv i;
    const realv w = CLACT_H16_W(GT_F, x, &i);
#define CLACT_H16_GT_F_L(k, i) CLACT_H16_C(GT_F, k, i)
    return (x < CLACT_H16_GT_F_XLO ? CLACT_H16_GT_F_XLO : x) * CLACT_HORNER6(CLACT_H16_GT_F_L, i, w);
#elif CLACT_LOWP
    /* x clamped to [-XNEG, XPOS] as float32's (no clamp of v), the
     * exponential in base 2 with log2(e) in q (clact_gelu_tanh_q2) */
    const realv xc = clact_clamp(x, -CLACT_GT_XNEG, CLACT_GT_XPOS);
    const realv nq = clact_lp_gelu_tanh_nq(xc);
    const realv rc = clact_rcpn(clact_lp_exp2bn_add_xq(CLACT_EXPB_INV, xc, nq));
    return (x < -CLACT_GT_XNEG ? -CLACT_GT_XNEG : x) * (rc * CLACT_EXPB_INV);
#elif CLACT_REAL_IS_DOUBLE
    realv vl, t;
    const realv xc = clact_clamp(x, -CLACT_GT_XMAX, CLACT_GT_XMAX);
    const realv v = clact_gelu_tanh_v(xc, &vl, &t);
    const realv y = xc * clact_logistic_rc(v, vl) * CLACT_EXPB_INV;
    return x > CLACT_GT_XMAX ? x : y;
#else
    realv lo;
    const realv xc = clact_clamp(x, -CLACT_GT_XNEG, CLACT_GT_XPOS);
    const realv q = clact_gelu_tanh_q2(xc, &lo);
    /* clact_logistic_rc without its clamp (v is in range) */
    const realv y = xc * clact_rcpn(clact_exp2bn_add_xq(CLACT_EXPB_INV, xc, q, lo)) * CLACT_EXPB_INV;
    return x > CLACT_GT_XPOS ? x : y;
#endif
}
#if CLACT_HAVE_SCALEF && !CLACT_LOWP
/* float32 on AVX-512 (Intel row), with a = |x|, w = v(a) >= 0 (two
 * pieces) and E = e^-w:
 *   x >= 0: f' = 1 + E P(a),         P = (a w' - 1 - E)/(1 + E)^2
 *   x < 0:  f' = E (a - RT) V(a),    V = (1 + E - a w')/(1 + E)^2/(a - RT)
 * (a w' = v + 2 B x^3 at a; RT = 0.7525, the root). P and V from one
 * 32-entry table of degree-5 polynomials (clact_perm2; the sign bit of x
 * picks the half), on gelu's pieces of [0, 15) (V within 2^-23.2, P
 * within 2^-24.9 of f'); x is clamped at +-11 (E is 0 in float beyond,
 * to well below the last subnormal result). One exponential, no
 * division, and the root needs no polynomial of its own: the sign bit
 * selects (a - RT) or 1. The same speed as the form below on the Xeon
 * (0.78 of copy, interleaved), and within 3.2 ulp where that one reached
 * 6.4 (at -3.148). tools/fit_ncdf_tables.py fits and prints the table. */
#define CLACT_GTP_C0 (float16)(1.034969330e+00f, 2.670196056e+00f, 4.896008492e+00f, 7.793460846e+00f, \
                   1.375818253e+01f, 2.568752480e+01f, 4.339170456e+01f, 6.815995026e+01f,             \
                   1.213671494e+02f, 2.290221405e+02f, 3.880525818e+02f, 6.087336426e+02f,             \
                   -4.893287718e-01f, -3.915942907e-01f, -1.685372144e-01f, 1.988397092e-01f)
#define CLACT_GTP_C1 (float16)(2.683661938e+00f, 3.851410389e+00f, 5.079586983e+00f, 6.565887451e+00f, \
                   9.480468750e+00f, 1.460050964e+01f, 2.102213287e+01f, 2.872844124e+01f,             \
                   4.269614410e+01f, 6.581510162e+01f, 9.407160950e+01f, 1.274656677e+02f,             \
                   1.764608175e-01f, 6.251256466e-01f, 1.172079206e+00f, 1.771896005e+00f)
#define CLACT_GTP_C2 (float16)(1.194627404e+00f, 1.163566232e+00f, 1.329117179e+00f, 1.660795689e+00f, \
                   2.220063448e+00f, 2.889056683e+00f, 3.532077551e+00f, 4.174232006e+00f,             \
                   5.137552261e+00f, 6.421931744e+00f, 7.706379890e+00f, 8.990597725e+00f,             \
                   7.738106847e-01f, 1.009630203e+00f, 1.162440419e+00f, 1.222369790e+00f)
#define CLACT_GTP_C3 (float16)(-5.120123923e-02f, 3.587545455e-02f, 1.788642704e-01f, 2.483133078e-01f, \
                   2.377373129e-01f, 2.151982039e-01f, 2.139586657e-01f, 2.140154243e-01f,              \
                   2.140619010e-01f, 2.140712142e-01f, 2.140692323e-01f, 2.140540928e-01f,              \
                   3.542853594e-01f, 2.651651800e-01f, 1.401019990e-01f, 2.516291477e-02f)
#define CLACT_GTP_C4 (float16)(-4.430462141e-03f, 7.273237407e-02f, 5.711330101e-02f, 1.356267370e-02f, \
                   -9.920821525e-03f, -1.308099250e-03f, -3.413831291e-04f, 7.502573135e-05f,           \
                   -4.294026439e-06f, 1.312387212e-06f, -4.693566007e-05f, 8.695826546e-05f,            \
                   -5.800219998e-02f, -1.137467101e-01f, -1.271065474e-01f, -9.500439465e-02f)
#define CLACT_GTP_C5 (float16)(4.846942052e-02f, 1.113449782e-02f, -1.740720682e-02f, -1.448564418e-02f, \
                   -7.758073625e-04f, 1.254739123e-03f, -2.314041776e-04f, 1.513432944e-04f,             \
                   1.792229796e-06f, -4.766029633e-06f, -3.371939783e-06f, 8.610748409e-06f,             \
                   -5.590623990e-02f, -2.989672311e-02f, 7.895691320e-03f, 4.030831531e-02f)
#define CLACT_GTV_C0 (float16)(-2.080179214e+00f, -2.676784754e+00f, -3.269370794e+00f, -3.901531935e+00f, \
                   -5.007457733e+00f, -6.854505539e+00f, -9.139831543e+00f, -1.185898018e+01f,             \
                   -1.674598122e+01f, -2.476574135e+01f, -3.450111389e+01f, -4.595069504e+01f,             \
                   -7.798547745e-01f, -1.037441850e+00f, -1.322260618e+00f, -1.622670174e+00f)
#define CLACT_GTV_C1 (float16)(-1.212936521e+00f, -1.177522540e+00f, -1.208794832e+00f, -1.333819032e+00f, \
                   -1.628011584e+00f, -2.066956997e+00f, -2.502830982e+00f, -2.935074806e+00f,             \
                   -3.580547810e+00f, -4.438950539e+00f, -5.296314716e+00f, -6.153215885e+00f,             \
                   -9.616431594e-01f, -1.092339993e+00f, -1.178249478e+00f, -1.217785954e+00f)
#define CLACT_GTV_C2 (float16)(3.681848571e-02f, 1.401399728e-02f, -8.032044023e-02f, -1.636990458e-01f, \
                   -2.154910117e-01f, -2.193795294e-01f, -2.167918980e-01f, -2.156088948e-01f,           \
                   -2.148344517e-01f, -2.144299746e-01f, -2.142652571e-01f, -2.141930610e-01f,           \
                   -2.993445992e-01f, -2.191241980e-01f, -1.240006089e-01f, -3.744938597e-02f)
#define CLACT_GTV_C3 (float16)(2.890472859e-02f, -5.010832101e-02f, -6.577520072e-02f, -4.237684980e-02f, \
                   -7.984709926e-03f, 1.096112072e-03f, 5.723198410e-04f, 2.630871895e-04f,               \
                   1.042586009e-04f, 4.119944424e-05f, 2.014714664e-05f, 8.212145076e-06f,                \
                   8.757103235e-02f, 1.219742522e-01f, 1.262290925e-01f, 1.001219302e-01f)
#define CLACT_GTV_C4 (float16)(-4.979071766e-02f, -2.389945090e-02f, 5.101287272e-03f, 1.453605480e-02f, \
                   6.758484989e-03f, 1.119922526e-04f, -1.203960928e-04f, -2.565856812e-05f,             \
                   -1.245764270e-05f, -7.252768228e-06f, -5.083070391e-06f, 1.704181045e-06f,            \
                   4.627802595e-02f, 2.090496197e-02f, -1.157991681e-02f, -3.759151697e-02f)
#define CLACT_GTV_C5 (float16)(2.703758189e-03f, 1.401843317e-02f, 7.861377671e-03f, 1.987783617e-04f, \
                   -2.593265148e-03f, -2.891422191e-04f, 2.469446736e-05f, 2.181350828e-05f,           \
                   3.273140919e-06f, -5.316674674e-07f, -1.304105126e-06f, 1.056371502e-06f,           \
                   -1.587487757e-02f, -2.368934266e-02f, -2.459891513e-02f, -1.498589944e-02f)
#endif
/* f' = s(v) + x s(v) s(-v) v'  with  x v' = x (A + 3 B x^2) = v + 2 B x^3:
 *    = r + (x v') e r^2                       (x >= 0), r = 1/(1+e)
 *    = e ((1 + v) + e + 2 B x^3) r^2          (x < 0; root at -0.7525)
 * 1 + v is exact near the root (Sterbenz), and vl, e and 2 B x^3 are
 * added to it with their full accuracy. */
#if CLACT_R32
/* GT_B: (-6.4000001, 6.4000001), s = 2.4000001, pieces 0..15 (index k + 0), degree 9; worst 2.115 ulp (at -5.67565012) of 65137 results */
#define CLACT_R32_GT_B_XLO -6.400000095e+00f
#define CLACT_R32_GT_B_XHI 6.400000095e+00f
#define CLACT_R32_GT_B_S 2.400000095e+00f
#define CLACT_R32_GT_B_KMIN 0
#define CLACT_R32_GT_B_M (float16)(0.000000000e+00f, 4.166666567e-01f, 7.524614334e-01f, 1.458333373e+00f, \
    1.875000000e+00f, 2.291666746e+00f, 2.708333254e+00f, 3.125000000e+00f,                                \
    3.541666746e+00f, 3.958333254e+00f, 4.375000000e+00f, 4.791666508e+00f,                                \
    5.208333492e+00f, 5.625000000e+00f, 6.041666508e+00f, 6.400000095e+00f)
#define CLACT_R32_GT_B_C0 (float16)(5.000000000e-01f, 1.861349791e-01f, -4.880576832e-09f, -1.286773086e-01f, \
    -9.938775748e-02f, -5.588008091e-02f, -2.419850230e-02f, -8.125535212e-03f,                               \
    -2.088364912e-03f, -4.018934269e-04f, -5.642602628e-05f, -5.621627679e-06f,                               \
    -3.862224389e-07f, -1.777356751e-08f, -5.319755192e-10f, -1.803458424e-11f)
#define CLACT_R32_GT_B_C1 (float16)(-7.978845835e-01f, -6.675470471e-01f, -4.304000735e-01f, 1.562787592e-02f, \
    1.034488976e-01f, 9.522316605e-02f, 5.593166128e-02f, 2.382695861e-02f,                                    \
    7.514050696e-03f, 1.737222541e-03f, 2.884594724e-04f, 3.355872468e-05f,                                    \
    2.663500254e-06f, 1.402913341e-07f, 4.767136463e-09f, 1.792057891e-10f)
#define CLACT_R32_GT_B_C2 (float16)(2.658277708e-06f, 2.923516631e-01f, 3.875184655e-01f, 1.876182705e-01f, \
    3.388660774e-02f, -3.967816755e-02f, -4.701663181e-02f, -2.869218588e-02f,                              \
    -1.177891903e-02f, -3.389793914e-03f, -6.815837696e-04f, -9.414803935e-05f,                             \
    -8.738371434e-06f, -5.316638862e-07f, -2.065491955e-08f, -8.651258598e-10f)
#define CLACT_R32_GT_B_C3 (float16)(2.671616971e-01f, 1.709962040e-01f, 1.577978209e-02f, -1.429388374e-01f, \
    -9.321296215e-02f, -2.732308209e-02f, 9.457644075e-03f, 1.624935865e-02f,                                \
    1.009279024e-02f, 3.859475022e-03f, 9.752851329e-04f, 1.637954410e-04f,                                  \
    1.806501132e-05f, 1.284115456e-06f, 5.753700449e-08f, 2.700717650e-09f)
#define CLACT_R32_GT_B_C4 (float16)(2.581811510e-03f, -1.041404828e-01f, -1.139420196e-01f, 1.093528233e-02f, \
    4.372582585e-02f, 3.081487678e-02f, 1.164668053e-02f, -1.098772394e-03f,                                  \
    -4.303777590e-03f, -2.698012628e-03f, -9.225424728e-04f, -1.954495383e-04f,                               \
    -2.622922875e-05f, -2.212610070e-06f, -1.151981692e-07f, -6.090020044e-09f)
#define CLACT_R32_GT_B_C5 (float16)(-9.396316856e-02f, -2.916486934e-02f, 1.690575853e-02f, 4.620488361e-02f, \
    1.269210968e-02f, -2.128248289e-02f, -8.572351187e-03f, -5.938369432e-04f,                                \
    1.335476874e-03f, 1.157522318e-03f, 5.935162771e-04f, 1.689883939e-04f,                                   \
    2.824460717e-05f, 2.875310656e-06f, 1.800825657e-07f, 1.093126212e-08f)
#define CLACT_R32_GT_B_C6 (float16)(2.474686056e-01f, 2.220397443e-02f, 1.873455010e-02f, 4.944664985e-02f, \
    2.557057887e-02f, -4.557255656e-02f, 3.330889391e-03f, 1.346307062e-02f,                                \
    5.149028730e-03f, 2.895305806e-04f, -1.940917573e-04f, -9.536415018e-05f,                               \
    -2.278526699e-05f, -2.906596137e-06f, -1.974377568e-07f, -1.303716868e-08f)
#define CLACT_R32_GT_B_C7 (float16)(-1.091814160e+00f, 2.084949985e-03f, -1.251230575e-02f, 1.272202432e-01f, \
    7.809791714e-02f, -9.565885365e-02f, 4.018990789e-03f, 2.556066029e-02f,                                  \
    9.383778088e-03f, 6.466246559e-04f, 9.963651246e-05f, 5.635313937e-05f,                                   \
    1.424869515e-05f, 2.423550086e-06f, 2.833162114e-07f, 2.517970721e-08f)
#define CLACT_R32_GT_B_C8 (float16)(2.668493986e+00f, -1.921568764e-03f, 4.146682099e-02f, 1.559345424e-01f, \
    9.198111296e-02f, -1.195427179e-01f, 3.849068889e-03f, 3.182351962e-02f,                                 \
    1.230729651e-02f, 1.123825088e-03f, 1.211188865e-04f, 9.497092833e-06f,                                  \
    -6.216536349e-06f, -1.172871634e-06f, -1.434883323e-08f, 3.749445643e-09f)
#define CLACT_R32_GT_B_C9 (float16)(-2.713286400e+00f, 1.101545151e-02f, -6.211035326e-02f, 7.712833583e-02f, \
    4.596386105e-02f, -6.119392812e-02f, 2.216297435e-03f, 1.665617153e-02f,                                  \
    6.458673161e-03f, 5.455564824e-04f, 3.265043051e-05f, 3.512622698e-06f,                                   \
    1.343515351e-06f, 1.168545964e-06f, 2.895493765e-07f, 3.804815663e-08f)
#endif
CLACT_INLINE realv clact_grad_gelu_tanh(realv x, realv p0, realv p1)
{
#if CLACT_R32
    /* as gelu's: g = gelu_tanh'(-|x|) from the table (root 0.7525);
     * 0.71 -> 0.99 beside the fast copy at full size on the Zen 5 */
    if (CLACT_R32_IN(GT_B, x)) {
        intv i;
        const realv w = CLACT_R16_W(GT_B, fabs(x), &i);
#define CLACT_R32_GT_B_L(k, i) CLACT_R16_C(GT_B, k, i)
        return clact_half_sym(x, CLACT_HORNER9(CLACT_R32_GT_B_L, i, w));
    }
#endif
#if CLACT_H16
    intv i;
    const realv w = CLACT_H32_W(GT_B, x, &i);
#define CLACT_H16_GT_B_L(k, i) CLACT_H32_C(GT_B, k, i)
    return CLACT_HORNER6(CLACT_H16_GT_B_L, i, w);
#elif CLACT_LOWP
    /* x clamped to [-XNEG, XPOS] as float32's: v needs no clamp of its own */
    const realv xc = clact_clamp(x, -CLACT_GT_XNEG, CLACT_GT_XPOS);
    /* s (1 + (x v') (1 - s)): 1 - s loses its relative accuracy as s
     * nears 1, but its term is then small against the 1. s(v) as the
     * forward's, e^-v = 2^(x (-q)) (no v), and x v'(x) from -q */
    const realv nq = clact_lp_gelu_tanh_nq(xc);
    const realv sv = clact_rcpf(clact_lp_exp2bn_add_xq(CLACT_EXPB_INV, xc, nq)) * CLACT_EXPB_INV;
    const realv xdv = xc * fma(nq, CLACT_K(-CLACT_GT2_DV1), CLACT_K(CLACT_GT2_DV0)); /* x v'(x) */
    const realv g = sv * fma(xdv, 1 - sv, CLACT_K(1.0f));
#if CLACT_LP_ROOTS
    const realv d = CLACT_LP_ROOT_D(x, CLACT_GELUT); /* degree 3, fit 2^-23.7 */
    const realv g3 = fma(fma(fma(CLACT_K(-1.137999818e-01f), d, CLACT_K(-1.584762521e-02f)), d,
                             CLACT_K(3.875181973e-01f)), d, CLACT_K(4.304001331e-01f));
    return fabs(d) <= CLACT_LP_ROOT_DELTA ? d * g3 : g;
#else
    return g;
#endif
#elif CLACT_HAVE_SCALEF
    const realv ax = fabs(x), a = ax > CLACT_GT_XNEG ? CLACT_GT_XNEG : ax; /* NaN passes */
    realv lo, em;
    const realv q = clact_gelu_tanh_q2(a, &lo);
    const realv kf = clact_exp2_kf_xq(a, q, lo, &em); /* E = e^-w */
    const intv neg = CLACT_ASI(x) >> 31; /* -0 too: V's side gives 1/2 there */
    intv i;
    const realv tt = clact_piece32(a, 1.0f, neg, &i);
#define CLACT_GTPV_L(k, i) clact_perm2(CLACT_GTP_C##k, CLACT_GTV_C##k, i)
    const realv k = CLACT_HORNER5(CLACT_GTPV_L, i, tt);
    const realv d = neg ? (a + CLACT_GELUT_R_HI) + CLACT_GELUT_R_LO : (realv)1; /* a - RT, exact near RT */
    const realv z = clact_scale1p(d * k, em, kf); /* E (a - RT) V or E P, scaled last */
    return neg ? z : 1 + z;
#else
    const realv xc = clact_clamp(x, -CLACT_GT_XNEG, CLACT_GT_XPOS); /* double: +-XMAX */
    realv vl, t, em;
    const realv v = clact_gelu_tanh_v(xc, &vl, &t);
    const realv sc = clact_logistic_e(v, vl, &em);
    const realv e = fma(sc, em, sc) * CLACT_EXPB_INV;
    const realv r = clact_rcp1p(e), r2 = r * r;
    const realv c3 = 2 * xc * t; /* 2 B x^3 */
    const realv p = fma((v + c3) * e, r2, r);
    const realv br = (1 + v) + ((vl + e) + c3);
    const realv n = clact_unscale(sc * br * r2, em);
    const realv d = (x - CLACT_GELUT_R_HI) - CLACT_GELUT_R_LO;
    const realv nr = clact_gelu_tanh_root(d);
    const realv g = x < 0 ? n : p;
    return fabs(d) <= CLACT_ROOT_DELTA ? nr : g;
#endif
}

/* ---- silu: x s(x), s from clact_logistic_rc (as gelu_tanh).
 * With e = e^-|x| and r = 1/(1+e):
 * silu' = s(x) (1 + x s(-x)) = r + x e r^2              (x >= 0)
 *                            = e ((1 + x) + e) r^2      (x < 0; root -1.278)
 * with 1 + x exact near the root. */
CLACT_INLINE realv clact_fwd_silu(realv x, realv p0, realv p1)
{
    const realv rc = clact_logistic_rc(x, CLACT_K(0.0f));
#if CLACT_LOWP
    /* the clamp's lower half (shared): x s(x) rounds to -0 below it in
     * 16 bits, and -inf s(-inf) = -0 */
    const realv xm = x < CLACT_EXPB_MIN ? CLACT_EXPB_MIN : x;
    return xm * (rc * CLACT_EXPB_INV);
#else
    const realv xm = x < -CLACT_XBIG ? -CLACT_XBIG : x; /* -inf s(-inf) = -0 */
    return x < 0 ? xm * rc * CLACT_EXPB_INV : x * (rc * CLACT_EXPB_INV);
#endif
}
#if CLACT_HAVE_SCALEF && !CLACT_LOWP
/* silu'(-a) = (a - RS) V(a) e^-a for a >= 0 (the same for x < 0 and,
 * as 1 - silu'(-a), for x >= 0: silu'(x) + silu'(-x) = 1), RS = 1.2785
 * the root of 1 + e^-a - a, V = (1 + e^-a - a)/((1 + e^-a)^2 (a - RS))
 * from a table of 16 polynomials as softplus' (pieces of [0, 30), degree
 * 5, within 2^-22.2 of V; tools/fit_ncdf_tables.py fits and prints it).
 * Beyond 29.5 (a - RS) V is 1 - a to within 2^-40; the exponential's
 * argument is clamped at 115 (e^-115 is 0 in float), and so is 1 - a
 * (silu'(-inf) = -0). No division, and no polynomial about the root:
 * a - RS, with RS in two pieces, keeps the relative accuracy there. */
#define CLACT_SD_C0 (float16)(-9.913372397e-01f, -1.047533989e+00f, -1.059323311e+00f, -1.056343079e+00f, \
                   -1.046600461e+00f, -1.035791755e+00f, -1.028607965e+00f, -1.023751855e+00f,            \
                   -1.018915176e+00f, -1.014873981e+00f, -1.012255549e+00f, -1.010421038e+00f,            \
                   -4.697934389e-01f, -6.305360198e-01f, -7.748593688e-01f, -8.869714141e-01f)
#define CLACT_SD_C1 (float16)(-9.539305419e-02f, -2.681959793e-02f, -1.452365890e-03f, 5.711794831e-03f, \
                   6.396945100e-03f, 4.395664204e-03f, 2.910105046e-03f, 2.021906897e-03f,               \
                   1.284645987e-03f, 7.944831159e-04f, 5.393796018e-04f, 3.899843141e-04f,               \
                   -3.215470016e-01f, -3.125334680e-01f, -2.593856156e-01f, -1.883622706e-01f)
#define CLACT_SD_C2 (float16)(5.010529235e-02f, 2.086805925e-02f, 6.645829882e-03f, 1.453475095e-03f, \
                   -4.071702424e-04f, -4.654301447e-04f, -2.849465818e-04f, -1.704107708e-04f,        \
                   -8.718984463e-05f, -4.246874960e-05f, -2.372242307e-05f, -1.453581353e-05f,        \
                   -1.814117096e-02f, 3.466875851e-02f, 6.681032479e-02f, 7.123010606e-02f)
#define CLACT_SD_C3 (float16)(-1.157912891e-02f, -7.112157997e-03f, -2.828062978e-03f, -9.328714223e-04f, \
                   -1.117354841e-04f, 3.107499288e-05f, 2.500161827e-05f, 1.393264756e-05f,               \
                   5.887714906e-06f, 2.265818011e-06f, 1.044686314e-06f, 5.461070600e-07f,                \
                   3.637430444e-02f, 3.055284917e-02f, 1.161109563e-02f, -4.312336911e-03f)
#define CLACT_SD_C4 (float16)(-4.722552330e-05f, 1.370689948e-03f, 7.327001658e-04f, 2.803099633e-04f, \
                   5.498483006e-05f, 2.193251703e-06f, -1.460131443e-06f, -1.101096927e-06f,           \
                   -3.932881327e-07f, -1.157041822e-07f, -4.955393607e-08f, -3.208315746e-08f,         \
                   2.615495585e-03f, -7.534486707e-03f, -9.679896757e-03f, -5.689339712e-03f)
#define CLACT_SD_C5 (float16)(8.867674624e-04f, -7.409317914e-05f, -1.250910427e-04f, -5.812589370e-05f, \
                   -1.308123592e-05f, -1.249631623e-06f, 2.400508459e-09f, 6.543647402e-08f,             \
                   2.585985115e-08f, 6.548244169e-09f, 2.053105241e-09f, 7.809706770e-10f,               \
                   -4.606558476e-03f, -2.782694995e-03f, 8.019231027e-04f, 1.973408973e-03f)
CLACT_INLINE realv clact_silu_dtail(realv a)
{
    realv ae;
    const realv ak = clact_tab_a(a, &ae);
    intv i;
    const realv t = clact_piece16(ak, 0.5f, &i);
#define CLACT_SD_L(k, i) clact_perm(CLACT_SD_C##k, i)
    const realv v = CLACT_HORNER5(CLACT_SD_L, i, t);
    const realv d = (ak + CLACT_SILU_R_HI) + CLACT_SILU_R_LO; /* a - RS, RS = -R */
    return clact_mul_exp(a > CLACT_TAB_AMAX ? 1 - ae : d * v, -ae);
}
#endif
#if CLACT_H16
/* SILU_B: [-32.4627, 12.5], s = 0.670000017, pieces -22..9 (index k + 22); worst 0.503 ulp, 23 of 120333 results not correctly rounded */
#define CLACT_H16_SILU_B_XLO -3.246268463e+01f
#define CLACT_H16_SILU_B_XHI 1.250000000e+01f
#define CLACT_H16_SILU_B_S 6.700000167e-01f
#define CLACT_H16_SILU_B_KMIN -22
#define CLACT_H16_SILU_B_M_A (float16)(-3.283581924e+01f, -3.134328270e+01f, -2.985074615e+01f, -2.835820770e+01f, \
    -2.686567116e+01f, -2.537313461e+01f, -2.388059616e+01f, -2.238805962e+01f,                                    \
    -2.089552116e+01f, -1.940298462e+01f, -1.791044807e+01f, -1.641790962e+01f,                                    \
    -1.492537308e+01f, -1.343283558e+01f, -1.194029808e+01f, -1.044776058e+01f)
#define CLACT_H16_SILU_B_M_B (float16)(-8.955224037e+00f, -7.462686539e+00f, -5.970149040e+00f, -4.477612019e+00f, \
    -2.985074520e+00f, -1.278464556e+00f, 0.000000000e+00f, 1.492537260e+00f,                                      \
    2.985074520e+00f, 4.477612019e+00f, 5.970149040e+00f, 7.462686539e+00f,                                        \
    8.955224037e+00f, 1.044776058e+01f, 1.194029808e+01f, 1.194029808e+01f)
#define CLACT_H16_SILU_B_C0_A (float16)(0.000000000e+00f, -7.410505586e-13f, -3.134315507e-12f, -1.322131120e-11f, \
    -5.560463548e-11f, -2.330767801e-10f, -9.733212014e-10f, -4.047255420e-09f,                                    \
    -1.674733774e-08f, -6.890950033e-08f, -2.816737208e-07f, -1.142399128e-06f,                                    \
    -4.589859145e-06f, -1.822898594e-05f, -7.135389023e-05f, -2.740927739e-04f)
#define CLACT_H16_SILU_B_C0_B (float16)(-1.026429003e-03f, -3.705718322e-03f, -1.262199506e-02f, -3.849868476e-02f, \
    -8.858379722e-02f, -3.430759454e-09f, 5.000000000e-01f, 1.040121317e+00f,                                       \
    1.088583827e+00f, 1.038498640e+00f, 1.012621999e+00f, 1.003705740e+00f,                                         \
    1.001026392e+00f, 1.000274062e+00f, 1.000071406e+00f, 1.000071406e+00f)
#define CLACT_H16_SILU_B_C1_A (float16)(0.000000000e+00f, -7.166283083e-13f, -3.025676498e-12f, -1.273804413e-11f, \
    -5.345488982e-11f, -2.235139296e-10f, -9.307820625e-10f, -3.858025899e-09f,                                    \
    -1.590557552e-08f, -6.516503248e-08f, -2.650169506e-07f, -1.068303391e-06f,                                    \
    -4.260251899e-06f, -1.676273496e-05f, -6.483079778e-05f, -2.450645552e-04f)
#define CLACT_H16_SILU_B_C1_B (float16)(-8.971195784e-04f, -3.127683420e-03f, -1.001033373e-02f, -2.640088089e-02f, \
    -3.195651993e-02f, 2.178120017e-01f, 4.999991357e-01f, 1.581475735e-01f,                                        \
    -3.195648268e-02f, -2.640088089e-02f, -1.001033373e-02f, -3.127683653e-03f,                                     \
    -8.971194620e-04f, -2.450645261e-04f, -6.479729927e-05f, -6.479729927e-05f)
#define CLACT_H16_SILU_B_C2_A (float16)(0.000000000e+00f, -3.461035983e-13f, -1.458520913e-12f, -6.127393298e-12f, \
    -2.565263627e-11f, -1.069758726e-10f, -4.441224610e-10f, -1.834402963e-09f,                                    \
    -7.531913759e-09f, -3.071032140e-08f, -1.241801897e-07f, -4.971046224e-07f,                                    \
    -1.965325282e-06f, -7.648212886e-06f, -2.915348159e-05f, -1.080113943e-04f)
#define CLACT_H16_SILU_B_C2_B (float16)(-3.837967524e-04f, -1.273194095e-03f, -3.677145112e-03f, -6.922924425e-03f, \
    1.250961982e-02f, 1.466453671e-01f, 1.318143319e-07f, -1.309942156e-01f,                                        \
    -1.251005288e-02f, 6.923560519e-03f, 3.677091794e-03f, 1.272885711e-03f,                                        \
    3.843236773e-04f, 1.084471442e-04f, 2.791642146e-05f, 2.791642146e-05f)
#define CLACT_H16_SILU_B_C3_A (float16)(0.000000000e+00f, -1.112976763e-13f, -4.680672625e-13f, -1.961921077e-12f, \
    -8.192584632e-12f, -3.406480653e-11f, -1.409508343e-10f, -5.799282166e-10f,                                    \
    -2.370317054e-09f, -9.612608487e-09f, -3.861689635e-08f, -1.533518059e-07f,                                    \
    -6.001737916e-07f, -2.304976761e-06f, -8.630250704e-06f, -3.115907384e-05f)
#define CLACT_H16_SILU_B_C3_B (float16)(-1.062781521e-04f, -3.265429114e-04f, -7.705659955e-04f, -1.114967890e-04f, \
    1.286446583e-02f, 1.885914430e-02f, -8.331493288e-02f, 2.891420946e-02f,                                        \
    1.286395639e-02f, -1.114987681e-04f, -7.705633179e-04f, -3.265392734e-04f,                                      \
    -1.062799274e-04f, -3.115949585e-05f, -9.635032256e-06f, -9.635032256e-06f)
#define CLACT_H16_SILU_B_C4_A (float16)(0.000000000e+00f, -2.680154716e-14f, -1.124690347e-13f, -4.702722586e-13f, \
    -1.958113142e-12f, -8.115612349e-12f, -3.345791699e-11f, -1.370652342e-10f,                                    \
    -5.574214423e-10f, -2.246760111e-09f, -8.958967790e-09f, -3.524429459e-08f,                                    \
    -1.362820967e-07f, -5.151226219e-07f, -1.885329993e-06f, -6.576804935e-06f)
#define CLACT_H16_SILU_B_C4_B (float16)(-2.112964830e-05f, -5.675382999e-05f, -7.390747487e-05f, 5.479769316e-04f, \
    4.588850308e-03f, -1.518259384e-02f, -7.411907177e-07f, 8.382551372e-03f,                                      \
    -4.587289412e-03f, -5.502395798e-04f, 7.409786485e-05f, 5.785137546e-05f,                                      \
    1.925490324e-05f, 5.026538929e-06f, 9.252863492e-06f, 9.252863492e-06f)
#define CLACT_H16_SILU_B_C5_A (float16)(0.000000000e+00f, -5.156317725e-15f, -2.158846256e-14f, -9.002681548e-14f, \
    -3.737159508e-13f, -1.543428254e-12f, -6.337578899e-12f, -2.583984762e-11f,                                    \
    -1.045620604e-10f, -4.184407265e-10f, -1.654283932e-09f, -6.432819610e-09f,                                    \
    -2.450572367e-08f, -9.090873476e-08f, -3.226507488e-07f, -1.073038788e-06f)
#define CLACT_H16_SILU_B_C5_B (float16)(-3.129276138e-06f, -6.218428553e-06f, 1.057260579e-05f, 2.255904983e-04f, \
    7.416401641e-04f, -6.465889513e-03f, 1.238958351e-02f, -6.122790743e-03f,                                     \
    7.434111903e-04f, 2.256004373e-04f, 1.055888424e-05f, -6.231903171e-06f,                                      \
    -3.122762564e-06f, -1.071521069e-06f, 6.808715170e-06f, 6.808715170e-06f)
#define CLACT_H16_SILU_B_C6_A (float16)(0.000000000e+00f, -8.408430952e-16f, -3.510012419e-15f, -1.457668655e-14f, \
    -6.047004802e-14f, -2.489972746e-13f, -1.016129021e-12f, -4.122548223e-12f,                                    \
    -1.651671161e-11f, -6.559932458e-11f, -2.563788903e-10f, -9.854391747e-10f,                                    \
    -3.689779815e-09f, -1.323361420e-08f, -4.525266917e-08f, -1.385596988e-07f)
#define CLACT_H16_SILU_B_C6_B (float16)(-3.299784055e-07f, -1.017360916e-07f, 6.683441825e-06f, 5.399143993e-05f, \
    -9.674869943e-05f, 7.447082317e-05f, 9.339295843e-07f, 5.924077705e-04f,                                      \
    9.514824342e-05f, -5.169198994e-05f, -6.877441137e-06f, -1.014060103e-06f,                                    \
    2.235520697e-06f, 1.714232894e-06f, -1.262522437e-05f, -1.262522437e-05f)
#define CLACT_H16_SILU_B_C7_A (float16)(0.000000000e+00f, -1.156239413e-16f, -4.795042397e-16f, -1.984501845e-15f, \
    -8.200945043e-15f, -3.367095556e-14f, -1.361100089e-13f, -5.473874392e-13f,                                    \
    -2.098689928e-12f, -8.331372051e-12f, -3.196853546e-11f, -1.243771197e-10f,                                    \
    -4.643861684e-10f, -1.484682710e-09f, -5.113926616e-09f, -1.281891571e-08f)
#define CLACT_H16_SILU_B_C7_B (float16)(-1.602196775e-08f, 1.207994416e-07f, 1.637983701e-06f, 7.738452950e-06f, \
    -8.043104026e-05f, 4.574290069e-04f, -1.431328477e-03f, 4.635786463e-04f,                                    \
    -8.220401651e-05f, 7.726764125e-06f, 1.654337893e-06f, 1.348089995e-07f,                                     \
    -2.275952227e-08f, -1.437292863e-08f, -1.396764947e-05f, -1.396764947e-05f)
#endif
#if CLACT_R32
/* SILU_B: (-20, 20), s = 0.75, pieces 0..15 (index k + 0), degree 8; worst 2.155 ulp (at -0.886776745) of 64885 results */
#define CLACT_R32_SILU_B_XLO -2.000000000e+01f
#define CLACT_R32_SILU_B_XHI 2.000000000e+01f
#define CLACT_R32_SILU_B_S 7.500000000e-01f
#define CLACT_R32_SILU_B_KMIN 0
#define CLACT_R32_SILU_B_M (float16)(0.000000000e+00f, 1.278464556e+00f, 3.333333254e+00f, 4.666666508e+00f, \
    6.000000000e+00f, 7.333333492e+00f, 8.666666985e+00f, 1.000000000e+01f,                                  \
    1.133333302e+01f, 1.266666698e+01f, 1.400000000e+01f, 1.533333302e+01f,                                  \
    1.666666603e+01f, 1.800000000e+01f, 1.933333397e+01f, 2.000000000e+01f)
#define CLACT_R32_SILU_B_C0 (float16)(5.000000000e-01f, -2.827039713e-09f, -7.641722262e-02f, -3.375351429e-02f, \
    -1.232643239e-02f, -4.132319707e-03f, -1.319962554e-03f, -4.085602122e-04f,                                  \
    -1.236589451e-04f, -3.680275768e-05f, -1.080985476e-05f, -3.141702564e-06f,                                  \
    -9.051810252e-07f, -2.589096368e-07f, -7.360057452e-08f, -3.916191815e-08f)
#define CLACT_R32_SILU_B_C1 (float16)(-5.000000000e-01f, -2.178117037e-01f, 3.670756146e-02f, 2.380868047e-02f, \
    9.792860597e-03f, 3.473966615e-03f, 1.147305127e-03f, 3.631250875e-04f,                                     \
    1.116888452e-04f, 3.364801523e-05f, 9.978305570e-06f, 2.922515478e-06f,                                     \
    8.474036690e-07f, 2.436800912e-07f, 6.958587306e-08f, 3.710080421e-08f)
#define CLACT_R32_SILU_B_C2 (float16)(-7.744633024e-08f, 1.466487199e-01f, 2.081049839e-03f, -6.756286137e-03f, \
    -3.608453320e-03f, -1.405647141e-03f, -4.871445999e-04f, -1.588315354e-04f,                                 \
    -4.985794658e-05f, -1.524625986e-05f, -4.573409569e-06f, -1.351628725e-06f,                                 \
    -3.948100584e-07f, -1.142198940e-07f, -3.278711702e-08f, -1.751893386e-08f)
#define CLACT_R32_SILU_B_C3 (float16)(8.333528042e-02f, -1.887434721e-02f, -7.411917206e-03f, 4.524739925e-04f, \
    7.622030098e-04f, 3.574478324e-04f, 1.334162080e-04f, 4.534653635e-05f,                                     \
    1.462391447e-05f, 4.557553439e-06f, 1.385669634e-06f, 4.141807040e-07f,                                     \
    1.219876538e-07f, 3.556150219e-08f, 1.025221419e-08f, 5.504984024e-09f)
#define CLACT_R32_SILU_B_C4 (float16)(-1.906714351e-05f, -1.522123814e-02f, 3.248163965e-03f, 3.608765255e-04f, \
    -7.373395056e-05f, -5.942890493e-05f, -2.610651791e-05f, -9.462635717e-06f,                                 \
    -3.154259275e-06f, -1.004227897e-06f, -3.123413137e-07f, -9.395858314e-08f,                                 \
    -2.805541222e-08f, -8.184225742e-09f, -2.417287481e-09f, -1.243847247e-09f)
#define CLACT_R32_SILU_B_C5 (float16)(-1.240294240e-02f, 6.599570625e-03f, -7.487499970e-04f, -1.752033713e-04f, \
    -6.942525943e-06f, 8.376953701e-06f, 3.692479140e-06f, 1.469039375e-06f,                                     \
    5.342711802e-07f, 1.800609937e-07f, 5.458258912e-08f, 1.764287916e-08f,                                      \
    5.173789841e-09f, 1.618487566e-09f, 4.158139111e-10f, 3.699528184e-10f)
#define CLACT_R32_SILU_B_C6 (float16)(-2.839698573e-04f, 1.219656115e-04f, 3.654228931e-05f, 3.547158121e-05f, \
    8.464688108e-06f, 1.841386506e-06f, -3.967633120e-07f, -2.167305411e-07f,                                  \
    -6.947488629e-08f, -2.089508833e-08f, -8.882591551e-09f, -2.065014826e-09f,                                \
    -7.542389491e-10f, -1.551574563e-10f, -9.539841833e-11f, 1.769694113e-10f)
#define CLACT_R32_SILU_B_C7 (float16)(2.175686881e-03f, -7.675245870e-04f, 8.558827176e-06f, -1.363078991e-05f, \
    -1.628098971e-07f, 7.441399816e-07f, 1.528650273e-08f, 4.827588107e-09f,                                    \
    8.690515862e-09f, 4.494004724e-09f, 5.620320875e-10f, 5.029276995e-10f,                                     \
    1.000651784e-10f, 6.201977126e-11f, -3.720250670e-12f, 1.921684478e-10f)
#define CLACT_R32_SILU_B_C8 (float16)(-4.748516367e-04f, 1.789106173e-04f, -2.547558324e-05f, -1.538515448e-06f, \
    6.808051012e-07f, 2.412643312e-07f, 7.747495090e-09f, -2.966861201e-09f,                                     \
    -6.590932800e-10f, -8.446138233e-11f, -2.170958135e-10f, -1.381691289e-11f,                                  \
    -1.519667378e-11f, 1.035355070e-12f, -3.784526512e-12f, 6.658806839e-11f)
#endif
CLACT_INLINE realv clact_grad_silu(realv x, realv p0, realv p1)
{
#if CLACT_R32
    /* as gelu's: g = silu'(-|x|) from the table (root 1.2785); 0.90 ->
     * 1.05 beside the fast copy at full size on the Zen 5 */
    if (CLACT_R32_IN(SILU_B, x)) {
        intv i;
        const realv w = CLACT_R16_W(SILU_B, fabs(x), &i);
#define CLACT_R32_SILU_B_L(k, i) CLACT_R16_C(SILU_B, k, i)
        return clact_half_sym(x, CLACT_HORNER8(CLACT_R32_SILU_B_L, i, w));
    }
#endif
#if CLACT_H16
    intv i;
    const realv w = CLACT_H32_W(SILU_B, x, &i);
#define CLACT_H16_SILU_B_L(k, i) CLACT_H32_C(SILU_B, k, i)
    return CLACT_HORNER7(CLACT_H16_SILU_B_L, i, w);
#else
#if CLACT_LOWP
    /* s (1 + x (1 - s)), as gelu_tanh's; x clamped once, to the
     * exponential's range (s is 1 above it, and the result 0 in 16 bits
     * below) */
    const realv xc = clact_clamp(x, CLACT_EXPB_MIN, CLACT_EXPB_MAX - 1);
    const realv sx = clact_rcpf(clact_expbn_add(CLACT_EXPB_INV, -xc, CLACT_K(-0.0f))) * CLACT_EXPB_INV;
    const realv g = sx * fma(xc, 1 - sx, CLACT_K(1.0f));
#if CLACT_LP_ROOTS
    const realv d = CLACT_LP_ROOT_D(x, CLACT_SILU); /* degree 2, fit 2^-17.8 */
    const realv g2 = fma(fma(CLACT_K(1.886258833e-02f), d, CLACT_K(1.466042101e-01f)), d, CLACT_K(2.178116888e-01f));
    return fabs(d) <= CLACT_LP_ROOT_DELTA ? d * g2 : g;
#else
    return g;
#endif
#elif CLACT_HAVE_SCALEF
    const realv g = clact_silu_dtail(fabs(x));
    return x < 0 ? g : 1 - g;
#else
    const realv xc = clact_clamp(x, -CLACT_XBIG, CLACT_XBIG);
    realv em;
    const realv sc = clact_logistic_e0(xc, &em);
    const realv e = fma(sc, em, sc) * CLACT_EXPB_INV;
    const realv r = clact_rcp1p(e), r2 = r * r;
    const realv p = fma(xc * e, r2, r);
    const realv n = clact_unscale(sc * ((1 + xc) + e) * r2, em);
    const realv d = (x - CLACT_SILU_R_HI) - CLACT_SILU_R_LO;
    const realv nr = clact_silu_root(d);
    const realv g = x < 0 ? n : p;
    return fabs(d) <= CLACT_ROOT_DELTA ? nr : g;
#endif
#endif
}

/* ---- mish: x tanh(softplus(x)). With E = e^x and n = E (E + 2):
 * tanh(log(1 + E)) = n/(n + 2) = 1 - 2/(n + 2): the first form for x <= 0
 * (x E u/(E u + 2), u = E + 2 summed exactly; scaled last, mish(-90) is
 * normal), the second for x > 0 (2/(n+2) < 2/5: no cancellation). E is
 * capped at e^XCAP, where 2/(n+2) is below the rounding of 1. */
#define CLACT_MISH_XCAP CLACT_R(15.0f, 40.0)

#if CLACT_HAVE_SCALEF && !CLACT_LOWP
/* On AVX-512 (Intel row, as softplus'), with a = |x| and e = e^-a:
 *   x <= 0: mish(x) = x e M(a),      M = (2 + e)/(2 + 2e + e^2)  in [3/5, 1)
 *   x > 0:  mish(x) = x + x e Q(a),  Q = -2e/(1 + 2e + 2e^2)     in (-2/5, 0]
 * M and Q from one 32-entry table of degree-5 polynomials (vpermi2ps:
 * lanes 0-15 Q, 16-31 M, the sign bit of x picks), pieces of [0, 30) as
 * softplus' (within 2^-23.5 of M; Q within 2^-23.8 of the result's
 * relative error). M is 1 within 2^-26 beyond 17.3 and x e Q below
 * 2^-26 x beyond 9.4, so a is clamped at 29.5 for the table; x at +-115
 * for e (mish(-115) is -0, and x + x e Q is x there). The exponential
 * runs beside the lookups: the chain is the table's, not the
 * exponential's followed by a division (0.75 -> 0.84 of copy on the
 * Xeon, interleaved; 25 -> 22.5 cycles per 16 floats in cache). */
#define CLACT_MISH_Q0 (float16)(-1.394051015e-01f, -5.685713515e-02f, -2.172983252e-02f, -8.107011206e-03f, \
                   -1.820479520e-03f, -2.467645390e-04f, -3.340308831e-05f, -4.520747552e-06f,              \
                   -2.245479465e-07f, -4.112739926e-09f, -7.532745955e-11f, -1.379670466e-12f,              \
                   -4.130842388e-01f, -3.951215744e-01f, -3.298505545e-01f, -2.468480468e-01f)
#define CLACT_MISH_Q1 (float16)(1.167803481e-01f, 5.342881382e-02f, 2.124712802e-02f, 8.040762506e-03f, \
                   1.817494631e-03f, 2.467557206e-04f, 3.340914554e-05f, 4.521699339e-06f,              \
                   2.280267637e-07f, 4.176458734e-09f, 7.649451211e-11f, 1.401045946e-12f,              \
                   -2.334154025e-02f, 9.150763601e-02f, 1.587049961e-01f, 1.647367030e-01f)
#define CLACT_MISH_Q2 (float16)(-3.785286471e-02f, -2.340027317e-02f, -1.014665980e-02f, -3.954201005e-03f, \
                   -9.042241145e-04f, -1.231333881e-04f, -1.667823562e-05f, -2.257407459e-06f,              \
                   -1.125338400e-07f, -2.061131266e-09f, -3.775093432e-11f, -6.914325883e-13f,              \
                   1.198934689e-01f, 9.830439091e-02f, 3.417145833e-02f, -1.697902754e-02f)
#define CLACT_MISH_Q3 (float16)(9.222368826e-04f, 5.701691844e-03f, 3.070131643e-03f, 1.274180715e-03f, \
                   2.978442935e-04f, 4.079059363e-05f, 5.529250757e-06f, 7.484669027e-07f,              \
                   3.318464081e-08f, 6.077971459e-10f, 1.113219412e-11f, 2.038931497e-13f,              \
                   9.746914729e-03f, -3.517957777e-02f, -4.316938296e-02f, -2.325318940e-02f)
#define CLACT_MISH_Q4 (float16)(4.325033166e-03f, -4.020269844e-04f, -6.121484912e-04f, -2.990252979e-04f, \
                   -7.693561929e-05f, -1.072134364e-05f, -1.456672521e-06f, -1.972450860e-07f,             \
                   -1.058325161e-08f, -1.938399441e-10f, -3.550303064e-12f, -6.502604851e-14f,             \
                   -2.432113513e-02f, -1.501042768e-02f, 5.554212257e-03f, 1.121063158e-02f)
#define CLACT_MISH_Q5 (float16)(-1.862419886e-03f, -2.836018684e-04f, 6.091159958e-05f, 5.158645945e-05f, \
                   1.598742347e-05f, 2.306132728e-06f, 3.147337964e-07f, 4.264105513e-08f,                \
                   3.043720387e-09f, 5.574849263e-11f, 1.021069188e-12f, 1.870155405e-14f,                \
                   -2.861261601e-03f, 8.543478325e-03f, 5.857389420e-03f, -5.984896561e-04f)
#define CLACT_MISH_M0 (float16)(9.590849280e-01f, 9.849079847e-01f, 9.944458604e-01f, 9.979566336e-01f, \
                   9.995440245e-01f, 9.999383092e-01f, 9.999916553e-01f, 9.999988675e-01f,              \
                   9.999999404e-01f, 1.000000000e+00f, 1.000000000e+00f, 1.000000000e+00f,              \
                   6.673181057e-01f, 7.804524302e-01f, 8.611764312e-01f, 9.142165184e-01f)
#define CLACT_MISH_M1 (float16)(4.067072645e-02f, 1.507885661e-02f, 5.553487223e-03f, 2.043335466e-03f, \
                   4.559509398e-04f, 6.170632696e-05f, 8.351043107e-06f, 1.130190753e-06f,              \
                   5.635749645e-08f, 1.032223640e-09f, 1.890583523e-11f, 3.462724356e-13f,              \
                   2.569834292e-01f, 1.935808659e-01f, 1.311956644e-01f, 8.376589417e-02f)
#define CLACT_MISH_M2 (float16)(-1.998557523e-02f, -7.519525010e-03f, -2.775838599e-03f, -1.021572971e-03f, \
                   -2.275404986e-04f, -3.086832658e-05f, -4.194467692e-06f, -5.552129778e-07f,              \
                   -2.422409828e-08f, -1.517768911e-09f, -2.779890727e-11f, -5.091547843e-13f,              \
                   -5.470028892e-02f, -6.676191092e-02f, -5.579893291e-02f, -3.912414983e-02f)
#define CLACT_MISH_M3 (float16)(6.330910604e-03f, 2.487583552e-03f, 9.241880616e-04f, 3.404663585e-04f, \
                   7.590639143e-05f, 1.027291455e-05f, 1.390289299e-06f, 1.881553260e-07f,              \
                   9.202087092e-09f, 1.685420414e-10f, 3.086955171e-12f, 5.653957120e-14f,              \
                   -1.929765940e-02f, 1.782848500e-03f, 1.072876435e-02f, 1.061007753e-02f)
#define CLACT_MISH_M4 (float16)(-1.339637907e-03f, -6.134778960e-04f, -2.319751657e-04f, -8.597636042e-05f, \
                   -2.002147448e-05f, -2.651533805e-06f, -3.455529907e-07f, -5.655946467e-08f,              \
                   -3.471910093e-09f, 1.477059586e-10f, 2.705329016e-12f, 4.954983838e-14f,                 \
                   1.168267615e-02f, 7.805018686e-03f, 1.654244959e-03f, -1.083734096e-03f)
#define CLACT_MISH_M5 (float16)(1.369617676e-04f, 1.138533698e-04f, 4.606992661e-05f, 1.716986299e-05f, \
                   3.962044048e-06f, 5.362766728e-07f, 7.257636270e-08f, 9.822039182e-09f,              \
                   5.538525749e-10f, 1.014417456e-11f, 1.857970565e-13f, 3.402988959e-15f,              \
                   6.422916777e-04f, -2.755040536e-03f, -1.816091477e-03f, -4.807040968e-04f)
#if CLACT_R32
/* MISH_F: (-20.4761925, 10), s = 1.04999995, pieces -21..10 (index k + 21), degree 7; worst 1.721 ulp (at -13.808095) of 65971 results */
#define CLACT_R32_MISH_F_XLO -2.047619247e+01f
#define CLACT_R32_MISH_F_XHI 1.000000000e+01f
#define CLACT_R32_MISH_F_S 1.049999952e+00f
#define CLACT_R32_MISH_F_KMIN -21
#define CLACT_R32_MISH_F_M_A (float16)(-2.047619057e+01f, -1.952380943e+01f, -1.857142830e+01f, -1.761904716e+01f, \
    -1.666666603e+01f, -1.571428585e+01f, -1.476190472e+01f, -1.380952358e+01f,                                    \
    -1.285714245e+01f, -1.190476227e+01f, -1.095238113e+01f, -1.000000000e+01f,                                    \
    -9.047618866e+00f, -8.095237732e+00f, -7.142857075e+00f, -6.190476418e+00f)
#define CLACT_R32_MISH_F_M_B (float16)(-5.238095284e+00f, -4.285714149e+00f, -3.333333254e+00f, -2.380952358e+00f, \
    -9.523809552e-01f, 0.000000000e+00f, 9.523809552e-01f, 1.904761910e+00f,                                       \
    2.857142925e+00f, 3.809523821e+00f, 4.761904716e+00f, 5.714285851e+00f,                                        \
    6.666666508e+00f, 7.619047642e+00f, 8.571428299e+00f, 9.523809433e+00f)
#define CLACT_R32_MISH_F_C0_A (float16)(1.280275441e-09f, 3.318312514e-09f, 8.600648194e-09f, 2.229179508e-08f, \
    5.777751966e-08f, 1.497518980e-07f, 3.881380053e-07f, 1.006004481e-06f,                                     \
    2.607434453e-06f, 6.758121344e-06f, 1.751610398e-05f, 4.539889778e-05f,                                     \
    1.176639707e-04f, 3.049416118e-04f, 7.901779609e-04f, 2.046751557e-03f)
#define CLACT_R32_MISH_F_C0_B (float16)(5.296261981e-03f, 1.366907638e-02f, 3.503806889e-02f, 8.820448071e-02f, \
    3.151859045e-01f, 6.000000238e-01f, 8.561311960e-01f, 9.669774175e-01f,                                     \
    9.941174984e-01f, 9.990605116e-01f, 9.998562932e-01f, 9.999783635e-01f,                                     \
    9.999967813e-01f, 9.999995232e-01f, 9.999999404e-01f, 1.000000000e+00f)
#define CLACT_R32_MISH_F_C1_A (float16)(1.280276996e-09f, 3.318316733e-09f, 8.600633983e-09f, 2.229178087e-08f, \
    5.777754808e-08f, 1.497518980e-07f, 3.881373800e-07f, 1.006001639e-06f,                                     \
    2.607435363e-06f, 6.758089057e-06f, 1.751593663e-05f, 4.539793008e-05f,                                     \
    1.176570440e-04f, 3.048951039e-04f, 7.898646290e-04f, 2.044651192e-03f)
#define CLACT_R32_MISH_F_C1_B (float16)(5.282171071e-03f, 1.357438695e-02f, 3.440294787e-02f, 8.397843689e-02f, \
    2.507487535e-01f, 3.199999928e-01f, 1.926939487e-01f, 5.653851479e-02f,                                     \
    1.109329611e-02f, 1.837327145e-03f, 2.849497541e-04f, 4.309177893e-05f,                                     \
    6.453697097e-06f, 9.629405895e-07f, 1.434712118e-07f, 2.136428101e-08f)
#define CLACT_R32_MISH_F_C2_A (float16)(6.401179031e-10f, 1.659102855e-09f, 4.300486633e-09f, 1.114604053e-08f, \
    2.888834416e-08f, 7.487565767e-08f, 1.940750849e-07f, 5.030285024e-07f,                                     \
    1.303658223e-06f, 3.379133204e-06f, 8.757971955e-06f, 2.269712058e-05f,                                     \
    5.882154801e-05f, 1.524007530e-04f, 3.946303623e-04f, 1.020244323e-03f)
#define CLACT_R32_MISH_F_C2_B (float16)(2.626880305e-03f, 6.692481693e-03f, 1.656709611e-02f, 3.780631348e-02f, \
    6.846693158e-02f, -1.600142196e-02f, -9.221832454e-02f, -4.392591491e-02f,                                  \
    -1.012799423e-02f, -1.774949953e-03f, -2.811638406e-04f, -4.220527626e-05f,                                 \
    -6.871081496e-06f, -1.132212901e-06f, -5.673355190e-07f, -3.942467117e-07f)
#define CLACT_R32_MISH_F_C3_A (float16)(2.134931815e-10f, 5.533572489e-10f, 1.432628904e-09f, 3.714688557e-09f, \
    9.632159070e-09f, 2.496107143e-08f, 6.465916158e-08f, 1.675294072e-07f,                                     \
    4.348721916e-07f, 1.125802214e-06f, 2.918487098e-06f, 7.569706213e-06f,                                     \
    1.960357440e-05f, 5.077279275e-05f, 1.312828390e-04f, 3.385943710e-04f)
#define CLACT_R32_MISH_F_C3_B (float16)(8.668090450e-04f, 2.167843981e-03f, 5.102135707e-03f, 9.885100648e-03f, \
    -7.059833501e-03f, -4.586591199e-02f, 2.991155488e-03f, 1.870473288e-02f,                                   \
    5.841628183e-03f, 1.123773283e-03f, 1.838888857e-04f, 2.837300417e-05f,                                     \
    4.281956535e-06f, 6.407816500e-07f, 9.558513625e-08f, 1.424052964e-08f)
#define CLACT_R32_MISH_F_C4_A (float16)(5.300437866e-11f, 1.373559599e-10f, 3.603381482e-10f, 9.298896098e-10f, \
    2.398974575e-09f, 6.229268656e-09f, 1.624452040e-08f, 4.226201256e-08f,                                     \
    1.077550280e-07f, 2.828182915e-07f, 7.311429044e-07f, 1.877941486e-06f,                                     \
    4.892801371e-06f, 1.266010531e-05f, 3.284368722e-05f, 8.416028140e-05f)
#define CLACT_R32_MISH_F_C4_B (float16)(2.103859442e-04f, 5.107386969e-04f, 1.067374018e-03f, 1.124454313e-03f, \
    -1.072309073e-02f, -3.503844782e-04f, 1.476057991e-02f, -3.234108677e-03f,                                  \
    -2.291406505e-03f, -5.262417835e-04f, -9.028960631e-05f, -1.989546581e-05f,                                 \
    1.618300189e-06f, 1.163378556e-06f, 3.650897952e-06f, 3.246364486e-06f)
#define CLACT_R32_MISH_F_C5_A (float16)(1.123208557e-11f, 2.914556443e-11f, 6.933757041e-11f, 1.855586379e-10f, \
    4.969313849e-10f, 1.271581396e-09f, 3.153847405e-09f, 7.946826308e-09f,                                     \
    2.314964576e-08f, 5.492422872e-08f, 1.449443090e-07f, 3.993174005e-07f,                                     \
    9.933551155e-07f, 2.570095148e-06f, 6.379261777e-06f, 1.631514533e-05f)
#define CLACT_R32_MISH_F_C5_B (float16)(4.263369556e-05f, 8.794596943e-05f, 1.208890899e-04f, -2.033280034e-04f, \
    -2.558709821e-03f, 7.804654539e-03f, -4.147884436e-03f, -1.118274522e-03f,                                   \
    5.821756204e-04f, 1.819026656e-04f, 3.409624696e-05f, 5.513095857e-06f,                                      \
    8.468396686e-07f, 1.275712975e-07f, 1.902433411e-08f, 2.829267931e-09f)
#define CLACT_R32_MISH_F_C6_A (float16)(1.266926342e-12f, 3.260597738e-12f, 1.294829955e-11f, 2.931122012e-11f, \
    6.440156741e-11f, 1.788119236e-10f, 5.662995073e-10f, 1.632832980e-09f,                                     \
    2.381209008e-09f, 9.847530791e-09f, 2.362324203e-08f, 4.396489928e-08f,                                     \
    1.429997809e-07f, 3.665304575e-07f, 1.105731258e-06f, 2.697523769e-06f)
#define CLACT_R32_MISH_F_C6_B (float16)(4.534543677e-06f, 1.331134899e-05f, 1.285441522e-05f, -2.109523630e-04f, \
    6.039875443e-04f, 7.191153709e-04f, -1.567487721e-03f, 8.790062275e-04f,                                     \
    -4.937544509e-05f, -2.839471563e-05f, -8.148089364e-06f, 1.280081415e-05f,                                   \
    -9.632773981e-06f, -3.740399507e-06f, -9.225792382e-06f, -8.110626368e-06f)
#define CLACT_R32_MISH_F_C7_A (float16)(4.826753146e-13f, 1.257447380e-12f, 1.962165022e-12f, 6.313861760e-12f, \
    1.969705128e-11f, 4.762098008e-11f, 9.377090771e-11f, 1.953763540e-10f,                                     \
    1.040066921e-09f, 1.634797853e-09f, 4.778659690e-09f, 1.731199006e-08f,                                     \
    3.620004563e-08f, 9.301048465e-08f, 1.824948299e-07f, 4.297631619e-07f)
#define CLACT_R32_MISH_F_C7_B (float16)(1.209354878e-06f, -1.354286496e-06f, -2.110131027e-05f, -5.345627505e-05f, \
    5.197727005e-04f, -1.180610503e-03f, 9.738950757e-04f, -2.096384997e-04f,                                      \
    -3.408873818e-05f, 9.082998986e-06f, 2.738201829e-06f, 5.061812089e-07f,                                       \
    8.081111247e-08f, 1.236760916e-08f, 2.014929112e-09f, 3.234036650e-10f)
#endif
CLACT_INLINE realv clact_fwd_mish(realv x, realv p0, realv p1)
{
#if CLACT_R32
    if (CLACT_R32_IN(MISH_F, x)) {
        intv i;
        const realv w = CLACT_R32_W(MISH_F, x, &i);
#define CLACT_R32_MISH_F_L(k, i) CLACT_R32_C(MISH_F, k, i)
        return x * CLACT_HORNER7(CLACT_R32_MISH_F_L, i, w);
    }
#endif
    const realv xc = clact_clamp(x, -CLACT_ENX_AMAX, CLACT_ENX_AMAX), a = fabs(xc);
    const realv ak = a > CLACT_TAB_AMAX ? CLACT_TAB_AMAX : a;
    const intv neg = CLACT_ASI(x) >> 31; /* x's sign bit: M's side */
    intv i;
    const realv t = clact_piece32(ak, 0.5f, neg, &i);
#define CLACT_MISH_L(k, i) clact_perm2(CLACT_MISH_Q##k, CLACT_MISH_M##k, i)
    const realv k = CLACT_HORNER5(CLACT_MISH_L, i, t);
    realv em;
    const realv kf = clact_exp_kf(-a, CLACT_K(-0.0f), &em);
    const realv z = clact_scale1p(xc * k, em, kf); /* x e M or x e Q, scaled last */
    return x >= 0 ? x + z : z; /* +0: 0 + -0; -0: -0 + -0 */
}
#else
CLACT_INLINE realv clact_fwd_mish(realv x, realv p0, realv p1)
{
    const realv xc = clact_clamp(x, CLACT_EXPB_MIN, CLACT_MISH_XCAP);
#if CLACT_LOWP
    /* n/(n + 2), n = E (E + 2): no cancellation on either side */
    const realv E = clact_lp_exp(xc), n = E * (E + 2);
    /* x itself above 0 (n/(n + 2) is 1 above the cap), xc below */
    return (x < CLACT_EXPB_MIN ? CLACT_EXPB_MIN : x) * clact_divn(n, n + 2);
#else
    realv em;
#if CLACT_HAVE_SCALEF
    const realv kf = clact_exp_kf(xc, CLACT_K(-0.0f), &em);
    const realv E = clact_scalef(em + 1, kf);
#else
    const realv sc = clact_expb2(xc, CLACT_K(-0.0f), &em);
    const realv E = fma(sc, em, sc) * CLACT_EXPB_INV;
#endif
    /* E + 2 = u + ul: exact for E <= 2 (Fast2Sum; every x <= 0), within
     * half an ulp of u above (where 2/(n + 2) < 2/5 shrinks the error) */
    const realv u = E + 2, ul = E - (u - 2);
    const realv n2 = fma(E, u, fma(E, ul, CLACT_K((realv)2)));            /* n + 2 */
    const realv r = clact_rcpn(n2);
    const realv rho0 = u * r;                                    /* (E + 2)/(n + 2) */
    const realv rho = fma(fma(-rho0, n2, u) + ul, r, rho0);
#if CLACT_HAVE_SCALEF
    const realv n = clact_scale1p(xc * rho, em, kf);
#else
    const realv n = clact_unscale(xc * sc * rho, em);
#endif
    const realv p = x * (1 - 2 * r);
    /* n with x's sign: x n/(n + 2) is -0 at x = -0, where the fma of the
     * scaling can round -0 + -0 em to +0 */
    return x > 0 ? p : copysign(n, x);
#endif
}
#endif
#if CLACT_HAVE_SCALEF && !CLACT_LOWP
/* mish' on AVX-512, as gelu_tanh's derivative, with a = |x|, e = e^-a:
 *   x >= 0: 1 + e P(a),  P = (mish'(a) - 1) e^a          -> 0.6 at 0, to 0
 *   x < 0:  (a - RM) W(a) e, W = mish'(-a) e^a/(a - RM)  RM = 1.1924 its root
 * P and W from one 32-entry table of degree-6 polynomials (vpermi2ps,
 * the sign bit of x picks; pieces of [0, 30) as softplus'; P within
 * 2^-24.9 of the result's relative error, W within 2^-23.1; degree 5
 * left 2^-21.6 near 0; tools/fit_ncdf_tables.py). a - RM, with RM in two
 * pieces, keeps the relative accuracy about the root. Beyond 29.5
 * (a - RM) W is 1 - a to within 2^-40 and e P below 2^-78; the
 * exponential's argument and 1 - a are clamped at 115 (e^-115 is 0 in
 * float). No division, and no polynomial about the root. */
#define CLACT_MISH_DP0 (float16)(5.010601878e-01f, 3.291452229e-01f, 1.716666520e-01f, 8.070565760e-02f, \
                   2.364251204e-02f, 4.194348119e-03f, 7.014350267e-04f, 1.130155433e-04f,               \
                   6.975334600e-06f, 1.607195230e-07f, 3.547396599e-09f, 7.603027929e-11f,               \
                   -3.156485558e-01f, -3.014956601e-02f, 2.808437943e-01f, 4.734251201e-01f)
#define CLACT_MISH_DP1 (float16)(-1.082004905e-01f, -1.870566458e-01f, -1.227054223e-01f, -6.353383511e-02f, \
                   -1.993848197e-02f, -3.699318739e-03f, -6.346000009e-04f, -1.039743947e-04f,               \
                   -6.525007848e-06f, -1.524686724e-07f, -3.396224413e-09f, -7.326050183e-11f,               \
                   4.321888983e-01f, 6.569673419e-01f, 5.342918038e-01f, 2.285965085e-01f)
#define CLACT_MISH_DP2 (float16)(-1.288421601e-01f, 1.806002297e-02f, 3.540987521e-02f, 2.287290990e-02f, \
                   8.093738928e-03f, 1.601557597e-03f, 2.838780056e-04f, 4.746851482e-05f,                \
                   3.052050715e-06f, 7.251339440e-08f, 1.632407876e-09f, 3.547164298e-11f,                \
                   3.603793979e-01f, 5.050459877e-02f, -2.607870400e-01f, -3.080107868e-01f)
#define CLACT_MISH_DP3 (float16)(8.138912171e-02f, 1.992446370e-02f, -2.462452278e-03f, -4.490838852e-03f, \
                   -2.060190309e-03f, -4.506686819e-04f, -8.343359514e-05f, -1.430718203e-05f,             \
                   -9.352020243e-07f, -2.260457421e-08f, -5.143083182e-10f, -1.125677850e-11f,             \
                   -1.081502661e-01f, -2.580980361e-01f, -1.238655895e-01f, 4.398627579e-02f)
#define CLACT_MISH_DP4 (float16)(-1.358428877e-02f, -1.077604946e-02f, -1.921202638e-03f, 2.732521389e-04f, \
                   3.505233617e-04f, 9.165883239e-05f, 1.803397208e-05f, 3.192774784e-06f,                  \
                   2.038780877e-07f, 5.000096337e-09f, 1.147661896e-10f, 2.526690879e-12f,                  \
                   -1.307736486e-01f, 3.760931548e-03f, 1.013357192e-01f, 5.384935439e-02f)
#define CLACT_MISH_DP5 (float16)(-6.352663040e-03f, 2.540847054e-03f, 9.287261637e-04f, 1.406293013e-04f, \
                   -3.265892155e-05f, -1.429632630e-05f, -3.130395726e-06f, -5.812513564e-07f,            \
                   -4.314584245e-08f, -1.097502089e-09f, -2.572882532e-11f, -5.743089923e-13f,            \
                   1.571861468e-02f, 6.693351269e-02f, 3.204386448e-03f, -2.783353813e-02f)
#define CLACT_MISH_DP6 (float16)(4.370793235e-03f, -9.344967111e-05f, -2.342983062e-04f, -6.047825082e-05f, \
                   -1.956127107e-06f, 1.681484491e-06f, 4.470418560e-07f, 8.877483992e-08f,                 \
                   8.505135263e-09f, 2.253707776e-10f, 5.402343937e-12f, 1.222906596e-13f,                  \
                   3.443145379e-02f, -7.373285946e-03f, -2.251995541e-02f, 3.030538501e-04f)
#define CLACT_MISH_DW0 (float16)(-1.022470474e+00f, -1.044169903e+00f, -1.044746161e+00f, -1.039929152e+00f, \
                   -1.032113910e+00f, -1.024512410e+00f, -1.019602776e+00f, -1.016294837e+00f,               \
                   -1.012995362e+00f, -1.010231614e+00f, -1.008437157e+00f, -1.007178187e+00f,               \
                   -5.992314219e-01f, -7.691562772e-01f, -8.910998106e-01f, -9.668260813e-01f)
#define CLACT_MISH_DW1 (float16)(-4.349285364e-02f, -6.932087708e-03f, 3.457207466e-03f, 5.474803504e-03f, \
                   4.666067660e-03f, 3.021018347e-03f, 1.982564339e-03f, 1.377835753e-03f,                 \
                   8.775052847e-04f, 5.440121167e-04f, 3.699282533e-04f, 2.677692391e-04f,                 \
                   -3.759241402e-01f, -2.950458825e-01f, -1.940209717e-01f, -1.136649922e-01f)
#define CLACT_MISH_DW2 (float16)(3.082391620e-02f, 9.416854940e-03f, 2.307195449e-03f, 1.507355482e-04f, \
                   -4.504992394e-04f, -3.354648652e-04f, -1.951322483e-04f, -1.160557003e-04f,           \
                   -5.917579620e-05f, -2.885983486e-05f, -1.623534263e-05f, -1.009654170e-05f,           \
                   4.876806960e-02f, 1.011078432e-01f, 9.411183000e-02f, 6.581657380e-02f)
#define CLACT_MISH_DW3 (float16)(-1.137520373e-02f, -3.972323611e-03f, -1.251266687e-03f, -3.511448740e-04f, \
                   -1.393087769e-05f, 2.850628698e-05f, 1.774604243e-05f, 9.494371625e-06f,                  \
                   3.981903774e-06f, 1.537419507e-06f, 7.111089531e-07f, 3.725850206e-07f,                   \
                   5.789389461e-02f, 1.154044364e-02f, -1.583538018e-02f, -1.926383190e-02f)
#define CLACT_MISH_DW4 (float16)(2.664074535e-03f, 1.120623667e-03f, 3.721594985e-04f, 1.293992536e-04f, \
                   1.941930714e-05f, -8.832921594e-07f, -9.063388120e-07f, -4.622358496e-09f,            \
                   -2.818495091e-07f, -1.135158314e-07f, -2.335150917e-08f, 3.950783878e-08f,            \
                   -1.945238188e-02f, -2.118247375e-02f, -6.435337011e-03f, 1.582996803e-03f)
#define CLACT_MISH_DW5 (float16)(-2.640928433e-04f, -2.326875838e-04f, -8.419227379e-05f, -2.830416270e-05f, \
                   -5.478338608e-06f, -4.053521252e-07f, 5.648783841e-08f, 5.049117036e-08f,                 \
                   1.767187996e-08f, 4.416451649e-09f, 1.384414250e-09f, 5.248442236e-10f,                   \
                   -8.269182406e-03f, 4.909616895e-03f, 4.997247830e-03f, 1.541733276e-03f)
#define CLACT_MISH_DW6 (float16)(-6.836875400e-05f, 9.669687643e-06f, 2.025585673e-05f, -1.416512350e-05f, \
                   6.676426665e-07f, 2.178454110e-07f, -2.447289944e-07f, -4.160757499e-07f,               \
                   1.256944437e-09f, 4.266767384e-09f, -1.166493013e-09f, -7.566131721e-09f,               \
                   4.939462524e-03f, 2.915227320e-03f, -1.067940495e-03f, -1.601599506e-03f)
#endif
/* mish' = n/(n+2) + 4 x E (E+1)/(n+2)^2
 *       = (1 - 2/(n+2)) + 4 x E (E+1)/(n+2)^2                 (x > 0)
 *       = E (4 (1 + x) + E (6 + 4x + E (4 + E)))/(n+2)^2      (x <= 0)
 * The x <= 0 bracket, (E+2)(n+2) + 4x(E+1) expanded in powers of E, has
 * 4 (1 + x) and 6 + 4x exact near the root (-1.192), so it cancels only
 * close to it, where the root polynomial takes over. */
#if CLACT_H16
/* MISH_B: [-33.0128, 6.6], s = 0.779999971, pieces -26..5 (index k + 26); worst 0.500 ulp, 13 of 118215 results not correctly rounded */
#define CLACT_H16_MISH_B_XLO -3.301282120e+01f
#define CLACT_H16_MISH_B_XHI 6.599999905e+00f
#define CLACT_H16_MISH_B_S 7.799999714e-01f
#define CLACT_H16_MISH_B_KMIN -26
#define CLACT_H16_MISH_B_M_A (float16)(-3.333333588e+01f, -3.205128479e+01f, -3.076923180e+01f, -2.948718071e+01f, \
    -2.820512962e+01f, -2.692307854e+01f, -2.564102745e+01f, -2.435897446e+01f,                                    \
    -2.307692337e+01f, -2.179487228e+01f, -2.051282120e+01f, -1.923077011e+01f,                                    \
    -1.794871902e+01f, -1.666666794e+01f, -1.538461590e+01f, -1.410256481e+01f)
#define CLACT_H16_MISH_B_M_B (float16)(-1.282051373e+01f, -1.153846169e+01f, -1.025641060e+01f, -8.974359512e+00f, \
    -7.692307949e+00f, -6.410256863e+00f, -5.128205299e+00f, -3.846153975e+00f,                                    \
    -2.564102650e+00f, -1.192431211e+00f, 0.000000000e+00f, 1.282051325e+00f,                                      \
    2.564102650e+00f, 3.846153975e+00f, 5.128205299e+00f, 6.410256863e+00f)
#define CLACT_H16_MISH_B_C0_A (float16)(0.000000000e+00f, -3.735798563e-13f, -1.290803185e-12f, -4.451738023e-12f, \
    -1.532211164e-11f, -5.261894392e-11f, -1.802611255e-10f, -6.158650812e-10f,                                    \
    -2.097771068e-09f, -7.121368828e-09f, -2.408324562e-08f, -8.109380190e-08f,                                    \
    -2.717110021e-07f, -9.051794905e-07f, -2.995328032e-06f, -9.833087461e-06f)
#define CLACT_H16_MISH_B_C0_B (float16)(-3.197104161e-05f, -1.027265098e-04f, -3.251801245e-04f, -1.009537722e-03f, \
    -3.052361542e-03f, -8.881733753e-03f, -2.430606075e-02f, -5.927259102e-02f,                                     \
    -1.082568541e-01f, 4.829383768e-11f, 5.999999046e-01f, 1.082601190e+00f,                                        \
    1.038002610e+00f, 1.005708814e+00f, 1.000638485e+00f, 1.000063658e+00f)
#define CLACT_H16_MISH_B_C1_A (float16)(0.000000000e+00f, -3.615487900e-13f, -1.247442904e-12f, -4.295466326e-12f, \
    -1.475890590e-11f, -5.058913358e-11f, -1.729456439e-10f, -5.894998378e-10f,                                    \
    -2.002749966e-09f, -6.778911210e-09f, -2.284901868e-08f, -7.664561963e-08f,                                    \
    -2.556796517e-07f, -8.474020206e-07f, -2.787096037e-06f, -9.082609722e-06f)
#define CLACT_H16_MISH_B_C1_B (float16)(-2.926624074e-05f, -9.297768702e-05f, -2.900377731e-04f, -8.828028804e-04f, \
    -2.594748512e-03f, -7.223851047e-03f, -1.825142466e-02f, -3.684221208e-02f,                                     \
    -2.514334954e-02f, 2.669479251e-01f, 6.399984956e-01f, 6.090650335e-02f,                                        \
    -4.752828926e-02f, -9.318891913e-03f, -1.127162948e-03f, -1.161306573e-04f)
#define CLACT_H16_MISH_B_C2_A (float16)(0.000000000e+00f, -1.747589161e-13f, -6.020429923e-13f, -2.069598182e-12f, \
    -7.097872637e-12f, -2.427967549e-11f, -8.281510200e-11f, -2.815672695e-10f,                                    \
    -9.538614343e-10f, -3.218232569e-09f, -1.080738787e-08f, -3.609876842e-08f,                                    \
    -1.198245059e-07f, -3.948116500e-07f, -1.289430656e-06f, -4.166061444e-06f)
#define CLACT_H16_MISH_B_C2_B (float16)(-1.328062717e-05f, -4.161410470e-05f, -1.274431270e-04f, -3.779824765e-04f, \
    -1.068029553e-03f, -2.777697518e-03f, -6.052249577e-03f, -6.901360117e-03f,                                     \
    2.896105871e-02f, 2.047320455e-01f, -4.799475521e-02f, -1.776994616e-01f,                                       \
    1.978560910e-02f, 7.147655357e-03f, 9.744523559e-04f, 1.017147806e-04f)
#define CLACT_H16_MISH_B_C3_A (float16)(0.000000000e+00f, -5.624790727e-14f, -1.934540446e-13f, -6.638220789e-13f, \
    -2.272078359e-12f, -7.754920837e-12f, -2.638571132e-11f, -8.946154234e-11f,                                    \
    -3.021182748e-10f, -1.015664219e-09f, -3.396759984e-09f, -1.129155169e-08f,                                    \
    -3.726946929e-08f, -1.219742956e-07f, -3.951043936e-07f, -1.263598392e-06f)
#define CLACT_H16_MISH_B_C3_B (float16)(-3.976064363e-06f, -1.224614243e-05f, -3.661914525e-05f, -1.048226841e-04f, \
    -2.792325977e-04f, -6.447478663e-04f, -9.680305957e-04f, 1.665010350e-03f,                                      \
    2.240970545e-02f, 4.190801457e-02f, -1.834155172e-01f, 1.027309224e-01f,                                        \
    3.620498115e-03f, -3.270889167e-03f, -5.443186965e-04f, -6.954340643e-05f)
#define CLACT_H16_MISH_B_C4_A (float16)(0.000000000e+00f, -1.356022499e-14f, -4.654217346e-14f, -1.594370523e-13f, \
    -5.443520526e-13f, -1.854033203e-12f, -6.291413571e-12f, -2.126708532e-11f,                                    \
    -7.159627752e-11f, -2.395953436e-10f, -7.978298577e-10f, -2.637125629e-09f,                                    \
    -8.646315663e-09f, -2.809106725e-08f, -9.010815205e-08f, -2.846327902e-07f)
#define CLACT_H16_MISH_B_C4_B (float16)(-8.817736443e-07f, -2.654246373e-06f, -7.686092431e-06f, -2.089543341e-05f, \
    -5.044670252e-05f, -8.957769023e-05f, 2.983463855e-05f, 1.430963166e-03f,                                       \
    7.698835805e-03f, -2.029100619e-02f, -1.912444597e-03f, 6.926692440e-04f,                                       \
    -8.353082463e-03f, 8.804296376e-04f, 2.138034033e-04f, 8.020738460e-05f)
#define CLACT_H16_MISH_B_C5_A (float16)(0.000000000e+00f, -2.611235076e-15f, -8.948286448e-15f, -3.057878047e-14f, \
    -1.042282919e-13f, -3.538918019e-13f, -1.197588578e-12f, -4.033569919e-12f,                                    \
    -1.352080687e-11f, -4.508055387e-11f, -1.492665574e-10f, -4.903801809e-10f,                                    \
    -1.596270338e-09f, -5.136424175e-09f, -1.628667690e-08f, -5.069622233e-08f)
#define CLACT_H16_MISH_B_C5_B (float16)(-1.536848657e-07f, -4.495639701e-07f, -1.244486839e-06f, -3.111410024e-06f, \
    -6.182131074e-06f, -3.166840770e-06f, 6.292581384e-05f, 4.826996592e-04f,                                       \
    1.304780599e-03f, -1.583451591e-02f, 4.644785449e-02f, -2.617365308e-02f,                                       \
    4.588690121e-03f, -4.139546581e-05f, -6.458658027e-05f, 2.057350648e-04f)
#define CLACT_H16_MISH_B_C6_A (float16)(0.000000000e+00f, -4.199955959e-16f, -1.478196583e-15f, -4.902279839e-15f, \
    -1.723568899e-14f, -5.655267311e-14f, -1.900841409e-13f, -6.348088288e-13f,                                    \
    -2.039734701e-12f, -7.203937967e-12f, -2.296109830e-11f, -7.686763726e-11f,                                    \
    -2.534824295e-10f, -7.608697006e-10f, -2.399747956e-09f, -7.401997237e-09f)
#define CLACT_H16_MISH_B_C6_B (float16)(-2.034073887e-08f, -6.402755304e-08f, -1.645008183e-07f, -3.470301522e-07f, \
    -4.351798282e-07f, 2.016187864e-06f, 2.049430259e-05f, 1.060645809e-04f,                                        \
    -1.120328016e-04f, -3.238227451e-03f, 6.066317670e-03f, 9.377286769e-03f,                                       \
    -1.166952890e-03f, -1.200110855e-04f, 2.668419984e-05f, 1.976400672e-04f)
#define CLACT_H16_MISH_B_C7_A (float16)(0.000000000e+00f, -5.862544653e-17f, -1.994618463e-16f, -6.807153811e-16f, \
    -2.260205776e-15f, -7.705612881e-15f, -2.550547494e-14f, -8.627555051e-14f,                                    \
    -2.877628691e-13f, -9.377684176e-13f, -3.085134578e-12f, -1.005509044e-11f,                                    \
    -3.188263195e-11f, -9.907668436e-11f, -3.041474295e-10f, -8.813760277e-10f)
#define CLACT_H16_MISH_B_C7_B (float16)(-2.626530105e-09f, -7.007749936e-09f, -1.458978982e-08f, -2.396034837e-08f, \
    5.870594677e-08f, 7.010247032e-07f, 4.463985078e-06f, 1.429204167e-05f,                                         \
    -1.699031855e-04f, 1.204407192e-03f, -8.585056290e-03f, 2.585927490e-03f,                                       \
    -1.199799080e-04f, 5.044686259e-05f, -1.384717393e-06f, -1.292510424e-04f)
#define CLACT_H16_MISH_B_C8_A (float16)(0.000000000e+00f, -5.401952621e-18f, 2.653718986e-17f, -5.677526188e-17f, \
    4.261555636e-16f, -4.950145247e-16f, -2.313903641e-15f, -1.103601599e-14f,                                    \
    -1.199196721e-13f, 6.948873307e-14f, -5.639921039e-13f, 2.335131058e-13f,                                     \
    6.664541748e-12f, -2.633007701e-11f, -5.851947399e-11f, -8.758820058e-11f)
#define CLACT_H16_MISH_B_C8_B (float16)(-1.864835397e-09f, 2.160615686e-09f, 5.861757302e-09f, 8.164637855e-09f, \
    9.948826829e-08f, 1.710462669e-07f, 6.829800441e-07f, -4.154043154e-07f,                                     \
    -5.845441410e-05f, 7.517052582e-04f, -2.308434108e-03f, -2.322030487e-03f,                                   \
    1.680153073e-04f, 2.317151848e-05f, -1.425708797e-05f, -1.920468349e-04f)
#endif
#if CLACT_R32
/* MISH_B: (-20.0980396, 11), s = 1.01999998, pieces -20..11 (index k + 20), degree 8; worst 1.821 ulp (at -1.16553378) of 65971 results */
#define CLACT_R32_MISH_B_XLO -2.009803963e+01f
#define CLACT_R32_MISH_B_XHI 1.100000000e+01f
#define CLACT_R32_MISH_B_S 1.019999981e+00f
#define CLACT_R32_MISH_B_KMIN -20
#define CLACT_R32_MISH_B_M_A (float16)(-2.009803963e+01f, -1.911764717e+01f, -1.813725471e+01f, -1.715686226e+01f, \
    -1.617646980e+01f, -1.519607830e+01f, -1.421568584e+01f, -1.323529434e+01f,                                    \
    -1.225490189e+01f, -1.127450943e+01f, -1.029411793e+01f, -9.313725471e+00f,                                    \
    -8.333333015e+00f, -7.352941036e+00f, -6.372549057e+00f, -5.392157078e+00f)
#define CLACT_R32_MISH_B_M_B (float16)(-4.411764622e+00f, -3.431372643e+00f, -1.960784316e+00f, -1.192431211e+00f, \
    0.000000000e+00f, 9.803921580e-01f, 1.960784316e+00f, 2.941176414e+00f,                                        \
    3.921568632e+00f, 4.901960850e+00f, 5.882352829e+00f, 6.862745285e+00f,                                        \
    7.843137264e+00f, 8.823529243e+00f, 9.803921700e+00f, 1.078431416e+01f)
#define CLACT_R32_MISH_B_C0_A (float16)(-3.568790774e-08f, -9.024291359e-08f, -2.275263000e-07f, -5.717766385e-07f, \
    -1.431591613e-06f, -3.569400860e-06f, -8.857180546e-06f, -2.185739140e-05f,                                     \
    -5.359241186e-05f, -1.304061589e-04f, -3.144228249e-04f, -7.496431354e-04f,                                     \
    -1.762257423e-03f, -4.067549482e-03f, -9.158113971e-03f, -1.989235543e-02f)
#define CLACT_R32_MISH_B_C0_B (float16)(-4.082166031e-02f, -7.557372004e-02f, -1.068504676e-01f, 8.125727868e-10f, \
    6.000000238e-01f, 1.045315266e+00f, 1.071560740e+00f, 1.022951007e+00f,                                        \
    1.005045295e+00f, 1.000950336e+00f, 1.000165939e+00f, 1.000027776e+00f,                                        \
    1.000004530e+00f, 1.000000715e+00f, 1.000000119e+00f, 1.000000000e+00f)
#define CLACT_R32_MISH_B_C1_A (float16)(-3.381921587e-08f, -8.526212980e-08f, -2.142496385e-07f, -5.363870628e-07f, \
    -1.337262233e-06f, -3.317962637e-06f, -8.186959349e-06f, -2.007088915e-05f,                                     \
    -4.883035581e-05f, -1.177118902e-04f, -2.805819386e-04f, -6.594027509e-04f,                                     \
    -1.521491096e-03f, -3.424443537e-03f, -7.436085958e-03f, -1.525958348e-02f)
#define CLACT_R32_MISH_B_C1_B (float16)(-2.825945616e-02f, -4.121976346e-02f, 4.177548736e-02f, 2.669479251e-01f, \
    6.399998069e-01f, 1.948786527e-01f, -5.659148842e-02f, -3.244454414e-02f,                                     \
    -8.294945583e-03f, -1.662454451e-03f, -2.996002149e-04f, -5.106512617e-05f,                                   \
    -8.415468074e-06f, -1.355727932e-06f, -2.148206164e-07f, -2.128656185e-08f)
#define CLACT_R32_MISH_B_C2_A (float16)(-1.597562971e-08f, -4.013815058e-08f, -1.004857424e-07f, -2.505063605e-07f, \
    -6.214589803e-07f, -1.533287900e-06f, -3.758570983e-06f, -9.142824638e-06f,                                     \
    -2.203552503e-05f, -5.251325274e-05f, -1.233551448e-04f, -2.845354320e-04f,                                     \
    -6.402251311e-04f, -1.389641315e-03f, -2.851645462e-03f, -5.283150822e-03f)
#define CLACT_R32_MISH_B_C2_B (float16)(-7.708339486e-03f, -2.957080258e-03f, 8.861292154e-02f, 2.047312558e-01f, \
    -4.800092801e-02f, -2.621271014e-01f, -1.697263122e-02f, 1.885255054e-02f,                                    \
    6.437353790e-03f, 1.415445586e-03f, 2.666435612e-04f, 4.564830670e-05f,                                       \
    7.140317393e-06f, 1.604689260e-06f, -1.106346161e-07f, 2.247716793e-06f)
#define CLACT_R32_MISH_B_C3_A (float16)(-5.011319359e-09f, -1.256610460e-08f, -3.128730697e-08f, -7.755227216e-08f, \
    -1.914815044e-07f, -4.690128605e-07f, -1.139796950e-06f, -2.745496886e-06f,                                     \
    -6.541536095e-06f, -1.535379488e-05f, -3.554621071e-05f, -7.989935693e-05f,                                     \
    -1.729144133e-04f, -3.553120769e-04f, -6.566401571e-04f, -9.644037345e-04f)
#define CLACT_R32_MISH_B_C3_B (float16)(-3.592920839e-04f, 5.035294220e-03f, 4.418408871e-02f, 4.190728813e-02f, \
    -1.834556311e-01f, 7.399149984e-02f, 4.420726746e-02f, -3.719211789e-03f,                                    \
    -3.011730965e-03f, -7.777936407e-04f, -1.556962088e-04f, -2.803709503e-05f,                                  \
    -4.778147286e-06f, -7.875499932e-07f, -1.269019521e-07f, 1.618164447e-06f)
#define CLACT_R32_MISH_B_C4_A (float16)(-1.183858012e-09f, -2.872599492e-09f, -7.251411027e-09f, -1.810317940e-08f, \
    -4.375612406e-08f, -1.074247180e-07f, -2.619327404e-07f, -6.277962257e-07f,                                     \
    -1.472682470e-06f, -3.433530310e-06f, -7.212480796e-06f, -1.576070463e-05f,                                     \
    -3.386147000e-05f, -6.076703721e-05f, -9.601481725e-05f, -2.771481195e-05f)
#define CLACT_R32_MISH_B_C4_B (float16)(4.816061701e-04f, 2.737934003e-03f, 9.115112945e-03f, -2.027056925e-02f, \
    -1.853955328e-03f, 4.918087274e-02f, -2.561635152e-02f, -2.123983577e-03f,                                   \
    8.622879395e-04f, 3.454038524e-04f, 6.994630530e-05f, 2.636626232e-05f,                                      \
    1.187785165e-05f, -4.631390311e-06f, 4.715682735e-06f, -7.249991177e-05f)
#define CLACT_R32_MISH_B_C5_A (float16)(-2.028134188e-10f, -6.595038404e-10f, -1.374252823e-09f, -2.931172194e-09f, \
    -8.344198221e-09f, -1.804045979e-08f, -3.669674342e-08f, -7.786698575e-08f,                                     \
    -1.812137356e-07f, -3.247214124e-07f, -1.696829372e-06f, -3.301301604e-06f,                                     \
    -3.192213853e-06f, -8.201622222e-06f, 8.998338672e-06f, 2.272028905e-05f)
#define CLACT_R32_MISH_B_C5_B (float16)(2.212705294e-04f, 8.114434895e-04f, -1.274202252e-03f, -1.581345126e-02f, \
    4.674320668e-02f, -3.450136259e-02f, 4.745136481e-03f, 2.113069175e-03f,                                      \
    -7.346536586e-05f, -8.456310752e-05f, -2.189444785e-05f, -4.373068805e-06f,                                   \
    -7.868038665e-07f, -1.340804232e-07f, -2.211133676e-08f, -1.517974888e-04f)
#define CLACT_R32_MISH_B_C6_A (float16)(-5.314739968e-11f, 4.651653715e-11f, -1.709984654e-10f, -9.112544608e-10f, \
    -8.139178220e-10f, -4.273579268e-09f, -1.715200071e-08f, -4.945332321e-08f,                                    \
    -1.107037022e-07f, -3.394266912e-07f, 3.989850370e-07f, 6.521097475e-07f,                                      \
    -1.999138703e-06f, 1.501912379e-06f, -1.087803230e-05f, 2.916941048e-05f)
#define CLACT_R32_MISH_B_C6_B (float16)(4.820461982e-05f, 1.134886988e-04f, -1.647886704e-03f, -3.390856320e-03f, \
    5.907855928e-03f, -2.352799056e-03f, 2.354420256e-03f, -1.128097530e-03f,                                     \
    -1.427288516e-04f, -2.239028545e-04f, -1.348279602e-05f, -7.514858589e-05f,                                   \
    -5.316146053e-05f, 2.754590969e-05f, -2.562829650e-05f, 6.352211349e-04f)
#define CLACT_R32_MISH_B_C7_A (float16)(7.207493283e-12f, -8.872483304e-11f, -4.597877634e-11f, 1.865287924e-10f, \
    -3.804745963e-10f, 5.041971840e-10f, 5.452677865e-09f, 1.861247512e-08f,                                      \
    4.159143430e-08f, 1.502075122e-07f, -3.461631195e-07f, -5.859121757e-07f,                                     \
    9.280947211e-07f, -9.155672842e-07f, 8.453877854e-06f, -6.455312814e-06f)
#define CLACT_R32_MISH_B_C7_B (float16)(1.470408733e-05f, 4.537674249e-05f, -5.909410538e-04f, 1.079444191e-03f, \
    -9.197602980e-03f, 7.801036816e-03f, -1.974123064e-03f, 1.769060473e-04f,                                    \
    4.048314440e-05f, -5.365100151e-07f, -1.134116246e-06f, -2.984651530e-07f,                                   \
    -5.976824724e-08f, -1.074384759e-08f, -1.810386063e-09f, 2.351624193e-03f)
#define CLACT_R32_MISH_B_C8_A (float16)(-3.537893286e-12f, 1.753324395e-11f, 8.637686378e-13f, -7.101010752e-11f, \
    3.484368696e-11f, -2.614867767e-10f, -1.650873771e-09f, -5.270317516e-09f,                                    \
    -1.166751851e-08f, -3.975244667e-08f, 8.021022779e-08f, 1.389307442e-07f,                                     \
    -2.202480118e-07f, 3.065668750e-07f, -1.678232138e-06f, 3.049110774e-06f)
#define CLACT_R32_MISH_B_C8_B (float16)(-9.408545765e-08f, -2.204782322e-05f, -6.573795690e-05f, 1.180064050e-03f, \
    -2.230601618e-03f, -1.394783845e-03f, 7.725518662e-04f, 4.621961561e-04f,                                      \
    1.361730829e-04f, 4.387058434e-04f, 3.530646063e-05f, 1.402441849e-04f,                                        \
    9.799486725e-05f, -5.047054219e-05f, 4.704179082e-05f, 2.026596805e-03f)
#endif
CLACT_INLINE realv clact_grad_mish(realv x, realv p0, realv p1)
{
#if CLACT_R32
    if (CLACT_R32_IN(MISH_B, x)) {
        intv i;
        const realv w = CLACT_R32_W(MISH_B, x, &i);
#define CLACT_R32_MISH_B_L(k, i) CLACT_R32_C(MISH_B, k, i)
        return CLACT_HORNER8(CLACT_R32_MISH_B_L, i, w);
    }
#endif
#if CLACT_H16
    intv i;
    const realv w = CLACT_H32_W(MISH_B, x, &i);
#define CLACT_H16_MISH_B_L(k, i) CLACT_H32_C(MISH_B, k, i)
    return CLACT_HORNER8(CLACT_H16_MISH_B_L, i, w);
#elif CLACT_HAVE_SCALEF && !CLACT_LOWP
    realv ae;
    const realv a = fabs(x), ak = clact_tab_a(a, &ae); /* NaN passes */
    const intv neg = CLACT_ASI(x) >> 31; /* -0 too: W's side gives 0.6 there */
    intv i;
    const realv t = clact_piece32(ak, 0.5f, neg, &i);
#define CLACT_MISH_D_L(k, i) clact_perm2(CLACT_MISH_DP##k, CLACT_MISH_DW##k, i)
    const realv k = CLACT_HORNER6(CLACT_MISH_D_L, i, t);
    const realv dk = ((ak + CLACT_MISH_R_HI) + CLACT_MISH_R_LO) * k; /* a - RM (RM = -R), exact near RM */
    const realv z = clact_mul_exp(neg ? (a > CLACT_TAB_AMAX ? 1 - ae : dk) : k, -ae); /* e (a - RM) W or e P */
    return neg ? z : 1 + z;
#else
    const realv xc = clact_clamp(x, CLACT_EXPB_MIN, CLACT_MISH_XCAP);
#if CLACT_LOWP
    /* the x <= 0 form on both sides: for x > 0 all its terms are
     * positive, and E <= e^15 keeps E^4 finite */
    const realv E = clact_lp_exp(xc), n2 = fma(E, E + 2, CLACT_K(2.0f));
    const realv br = fma(E, (6 + 4 * xc) + E * (4 + E), 4 * (1 + xc));
    /* the division's error (bfloat16: the estimate's) falls on the
     * result after br's cancellation, not into it. Above the cap the
     * formula at the cap is 1 + 58 e^-30 (and the estimate's error): 1 in
     * 16 bits, with no select of its own */
    const realv n = clact_divn(E * br, n2 * n2);
#if CLACT_LP_ROOTS
    const realv d = CLACT_LP_ROOT_D(x, CLACT_MISH); /* degree 2, fit 2^-17.7 */
    const realv g2 = fma(fma(CLACT_K(4.186096415e-02f), d, CLACT_K(2.046718448e-01f)), d, CLACT_K(2.669479251e-01f));
    return fabs(d) <= CLACT_LP_ROOT_DELTA ? d * g2 : n;
#else
    return n;
#endif
#else
    realv em;
    const realv sc = clact_expb2(xc, CLACT_K(-0.0f), &em);
    const realv E = fma(sc, em, sc) * CLACT_EXPB_INV;
    const realv u = E + 2, n2 = fma(E, u, CLACT_K(2));
    const realv r = clact_rcpn(n2), r2 = r * r;
    const realv p = fma(4 * xc * E, (E + 1) * r2, 1 - 2 * r);
    const realv br = fma(E, (6 + 4 * xc) + E * (4 + E), 4 * (1 + xc));
    const realv n = clact_unscale(sc * br * r2, em);
    const realv d = (x - CLACT_MISH_R_HI) - CLACT_MISH_R_LO;
    const realv nr = clact_mish_root(d);
    const realv v0 = x > 0 ? p : n;
    const realv v1 = fabs(d) <= CLACT_ROOT_DELTA ? nr : v0;
    return x > CLACT_MISH_XCAP ? (realv)1 : v1;
#endif
#endif
}

/* ---- softplus(beta, threshold): x when beta x > threshold, else
 * log1p(e^(beta x))/beta. z = beta x is split exactly (z + zl), the
 * comparison is on the exact product, and zl goes into the exponent
 * (log1p(e^z) ~ e^z amplifies it by |z|). With e = e^-|z|:
 *   z <= 0: log1p(e)/beta = e L(e)/beta, scaled last (e^z/beta is normal
 *           where e^z is not when beta < 1; right for any beta >= 1e-11
 *           in float, 1e-100 in double, where z reaches the clamp of e)
 *   z > 0:  x + log1p(e)/beta */
CLACT_INLINE realv clact_softplus_z(realv x, realv beta, realv *zl)
{
    const realv z = beta * x;
    const realv l = fma(beta, x, -z);
    *zl = fabs(z) < CLACT_XBIG ? l : (realv)0;
    return z;
}
/* beta = 1, the default and by far the most common: z = x, exact */
#if CLACT_HAVE_SCALEF && !CLACT_LOWP
/* log1p(e^-a) = K(a) e^-a for a >= 0, K from a table of 16 polynomials
 * as gelu's H (clact_ncdf_tail): [0, 30) cut at the bits of a/2 + 1
 * (pieces 1/2 wide to 2, 1 to 6, 2 to 14, 4 to 30), degree 5 in t = a - m
 * (fit, float coefficients and float evaluation within 2^-23.6 of K).
 * K(a) = 1 - e^-a/2 + ... beyond 29.5, so a is clamped there for the
 * table (the error below 2^-43) and at 115 for the exponential (e^-115
 * is 0 in float). In place of log1p01's division and the chain behind
 * it (tools/fit_ncdf_tables.py fits and prints the table). */
#define CLACT_SP_C0 (float16)(9.610737562e-01f, 9.851985574e-01f, 9.944862723e-01f, 9.979621768e-01f, \
                   9.995443225e-01f, 9.999383092e-01f, 9.999916553e-01f, 9.999988675e-01f,            \
                   9.999999404e-01f, 1.000000000e+00f, 1.000000000e+00f, 1.000000000e+00f,            \
                   7.395208478e-01f, 8.190059066e-01f, 8.793188930e-01f, 9.220263362e-01f)
#define CLACT_SP_C1 (float16)(3.693186864e-02f, 1.451077405e-02f, 5.473241676e-03f, 2.032302786e-03f, \
                   4.553968902e-04f, 6.169615517e-05f, 8.350856660e-06f, 1.130187343e-06f,            \
                   5.635748934e-08f, 1.032223640e-09f, 1.890583523e-11f, 3.462724356e-13f,            \
                   1.773443520e-01f, 1.398272365e-01f, 1.020190343e-01f, 7.007352263e-02f)
#define CLACT_SP_C2 (float16)(-1.658748649e-02f, -6.971130613e-03f, -2.696336946e-03f, -1.010549255e-03f, \
                   -2.270566329e-04f, -3.079168891e-05f, -4.168355645e-06f, -5.641467169e-07f,            \
                   -2.732597970e-08f, -5.004928139e-10f, -9.166846102e-12f, -1.678966346e-13f,            \
                   -3.439424559e-02f, -3.903358802e-02f, -3.554297239e-02f, -2.802805975e-02f)
#define CLACT_SP_C3 (float16)(4.383332562e-03f, 2.140582772e-03f, 8.724000072e-04f, 3.332021879e-04f, \
                   7.554521289e-05f, 1.026629161e-05f, 1.390169018e-06f, 1.881531517e-07f,            \
                   9.202081763e-09f, 1.685420692e-10f, 3.086955821e-12f, 5.653956781e-14f,            \
                   -6.363897584e-03f, 2.492694193e-06f, 4.152915906e-03f, 5.454583094e-03f)
#define CLACT_SP_C4 (float16)(-5.801630905e-04f, -4.479825438e-04f, -2.067973692e-04f, -8.238544979e-05f, \
                   -1.975608757e-05f, -2.699955530e-06f, -3.658823005e-07f, -4.952563870e-08f,            \
                   -2.861697324e-09f, -5.241392390e-11f, -9.599945621e-13f, -1.758291321e-14f,            \
                   3.272923641e-03f, 2.778880298e-03f, 1.320967101e-03f, 9.417705587e-05f)
#define CLACT_SP_C5 (float16)(-4.560616799e-05f, 5.639178562e-05f, 3.607273538e-05f, 1.569810956e-05f, \
                   3.875890343e-06f, 5.346686294e-07f, 7.254610068e-08f, 9.821467195e-09f,             \
                   5.538507430e-10f, 1.014416849e-11f, 1.857969345e-13f, 3.402989594e-15f,             \
                   1.645695302e-04f, -4.852690618e-04f, -5.949768238e-04f, -3.632518928e-04f)
CLACT_INLINE realv clact_softplus_tail(realv a)
{
    realv ae;
    const realv ak = clact_tab_a(a, &ae);
    intv i;
    const realv t = clact_piece16(ak, 0.5f, &i);
#define CLACT_SP_L(k, i) clact_perm(CLACT_SP_C##k, i)
    return clact_mul_exp(CLACT_HORNER5(CLACT_SP_L, i, t), -ae);
}
#endif
#if CLACT_H16
/* SP_F: [-17.4, 0], s = 0.889999986, pieces -15..0 (index k + 15); worst 0.500 ulp, 2 of 39258 results not correctly rounded */
#define CLACT_H16_SP_F_XLO -1.739999962e+01f
#define CLACT_H16_SP_F_XHI 0.000000000e+00f
#define CLACT_H16_SP_F_S 8.899999857e-01f
#define CLACT_H16_SP_F_KMIN -15
#define CLACT_H16_SP_F_M (float16)(-1.685393333e+01f, -1.573033714e+01f, -1.460674191e+01f, -1.348314667e+01f, \
    -1.235955048e+01f, -1.123595524e+01f, -1.011236000e+01f, -8.988763809e+00f,                                \
    -7.865168571e+00f, -6.741573334e+00f, -5.617977619e+00f, -4.494381905e+00f,                                \
    -3.370786667e+00f, -2.247190952e+00f, -1.123595476e+00f, 0.000000000e+00f)
#define CLACT_H16_SP_F_C0 (float16)(4.791039387e-08f, 1.473673734e-07f, 4.532861908e-07f, 1.394259129e-06f, \
    4.288589480e-06f, 1.319118383e-05f, 4.057411206e-05f, 1.247964974e-04f,                                 \
    3.838109551e-04f, 1.180091407e-03f, 3.625399200e-03f, 1.110964268e-02f,                                 \
    3.378538787e-02f, 1.004747376e-01f, 2.814945579e-01f, 6.931471825e-01f)
#define CLACT_H16_SP_F_C1 (float16)(4.791042585e-08f, 1.473674729e-07f, 4.532864182e-07f, 1.394259129e-06f, \
    4.288583568e-06f, 1.319110652e-05f, 4.057331898e-05f, 1.247887849e-04f,                                 \
    3.837375261e-04f, 1.179395942e-03f, 3.618837101e-03f, 1.104816049e-02f,                                 \
    3.322102502e-02f, 9.559197724e-02f, 2.453451008e-01f, 5.000000596e-01f)
#define CLACT_H16_SP_F_C2 (float16)(2.395522181e-08f, 7.368373645e-08f, 2.266431380e-07f, 6.971286552e-07f, \
    2.144287237e-06f, 6.595466857e-06f, 2.028586641e-05f, 6.238633796e-05f,                                 \
    1.917942136e-04f, 5.889994791e-04f, 1.802867511e-03f, 5.463035312e-03f,                                 \
    1.605867967e-02f, 4.322726652e-02f, 9.257503599e-02f, 1.250004470e-01f)
#define CLACT_H16_SP_F_C3 (float16)(7.984244377e-09f, 2.455855785e-08f, 7.553948933e-08f, 2.323509136e-07f, \
    7.146778103e-07f, 2.198192760e-06f, 6.760679298e-06f, 2.078824218e-05f,                                 \
    6.387630856e-05f, 1.958531502e-04f, 5.965606542e-04f, 1.780712861e-03f,                                 \
    4.997508135e-03f, 1.165598724e-02f, 1.571301371e-02f, 9.263964595e-10f)
#define CLACT_H16_SP_F_C4 (float16)(1.995931420e-09f, 6.139619479e-09f, 1.888479062e-08f, 5.808744419e-08f, \
    1.786385297e-07f, 5.495189157e-07f, 1.689738156e-06f, 5.196660368e-06f,                                 \
    1.595186768e-05f, 4.875592276e-05f, 1.470105926e-04f, 4.255092936e-04f,                                 \
    1.080467366e-03f, 1.732371282e-03f, -8.536870591e-04f, -5.219209008e-03f)
#define CLACT_H16_SP_F_C5 (float16)(4.044682922e-10f, 1.244548242e-09f, 3.827882455e-09f, 1.177305897e-08f, \
    3.621349975e-08f, 1.113756980e-07f, 3.423900523e-07f, 1.051459549e-06f,                                 \
    3.220206281e-06f, 9.772704288e-06f, 2.884371497e-05f, 7.780065789e-05f,                                 \
    1.517612691e-04f, -3.303354242e-05f, -9.373495122e-04f, -4.005459050e-05f)
#define CLACT_H16_SP_F_C6 (float16)(6.777912259e-11f, 2.073926586e-10f, 6.378800821e-10f, 1.961534268e-09f, \
    6.083520798e-09f, 1.855481457e-08f, 5.726905883e-08f, 1.703377990e-07f,                                 \
    5.184143106e-07f, 1.548872319e-06f, 4.441475994e-06f, 1.019873798e-05f,                                 \
    6.541664789e-06f, -8.136556426e-05f, -1.115802079e-04f, 2.987998887e-04f)
#endif
#if CLACT_R32
/* SP_F: (-20, 20), s = 1.54999995, pieces 0..31 (index k + 0), degree 5; worst 1.616 ulp (at -14.5584087) of 128873 results */
#define CLACT_R32_SP_F_XLO -2.000000000e+01f
#define CLACT_R32_SP_F_XHI 2.000000000e+01f
#define CLACT_R32_SP_F_S 1.549999952e+00f
#define CLACT_R32_SP_F_KMIN 0
#define CLACT_R32_SP_F_M_A (float16)(0.000000000e+00f, 6.451612711e-01f, 1.290322542e+00f, 2.258064508e+00f, \
    2.903225899e+00f, 3.548387051e+00f, 4.193548203e+00f, 4.838709831e+00f,                                  \
    5.483870983e+00f, 6.129032135e+00f, 6.774193764e+00f, 7.419354916e+00f,                                  \
    8.064516068e+00f, 8.709677696e+00f, 9.354838371e+00f, 1.000000000e+01f)
#define CLACT_R32_SP_F_M_B (float16)(1.064516163e+01f, 1.129032230e+01f, 1.193548393e+01f, 1.258064556e+01f, \
    1.322580624e+01f, 1.387096786e+01f, 1.451612949e+01f, 1.516129017e+01f,                                  \
    1.580645180e+01f, 1.645161247e+01f, 1.709677505e+01f, 1.774193573e+01f,                                  \
    1.838709641e+01f, 1.903225899e+01f, 1.967741966e+01f, 2.000000000e+01f)
#define CLACT_R32_SP_F_C0_A (float16)(6.931471825e-01f, 4.217176139e-01f, 2.430889159e-01f, 9.944041073e-02f, \
    5.339479074e-02f, 2.836489491e-02f, 1.497987751e-02f, 7.886084728e-03f,                                   \
    4.144620616e-03f, 2.176318550e-03f, 1.142238965e-03f, 5.993560771e-04f,                                   \
    3.144538205e-04f, 1.649678015e-04f, 8.654191333e-05f, 4.539889778e-05f)
#define CLACT_R32_SP_F_C0_B (float16)(2.381550803e-05f, 1.249316847e-05f, 6.553657840e-06f, 3.437908390e-06f, \
    1.803453415e-06f, 9.460519550e-07f, 4.962778917e-07f, 2.603366340e-07f,                                   \
    1.365668112e-07f, 7.163998106e-08f, 3.758070477e-08f, 1.971402064e-08f,                                   \
    1.034154629e-08f, 5.424940053e-09f, 2.845805369e-09f, 2.061153692e-09f)
#define CLACT_R32_SP_F_C1_A (float16)(-5.000000596e-01f, -3.440807462e-01f, -2.157982439e-01f, -9.465582669e-02f, \
    -5.199424922e-02f, -2.796636894e-02f, -1.486825943e-02f, -7.855104282e-03f,                                   \
    -4.136060365e-03f, -2.173966262e-03f, -1.141591580e-03f, -5.991805810e-04f,                                   \
    -3.144060320e-04f, -1.649552578e-04f, -8.653875557e-05f, -4.539811198e-05f)
#define CLACT_R32_SP_F_C1_B (float16)(-2.381537161e-05f, -1.249315937e-05f, -6.553665571e-06f, -3.437919304e-06f, \
    -1.803461373e-06f, -9.460558772e-07f, -4.962809044e-07f, -2.603376856e-07f,                                   \
    -1.365674649e-07f, -7.164032212e-08f, -3.758088596e-08f, -1.971410946e-08f,                                   \
    -1.034159958e-08f, -5.424962701e-09f, -2.845823799e-09f, -2.061149251e-09f)
#define CLACT_R32_SP_F_C2_A (float16)(1.250000298e-01f, 1.128438711e-01f, 8.461562544e-02f, 4.285465926e-02f, \
    2.464730851e-02f, 1.359215844e-02f, 7.322978694e-03f, 3.896059003e-03f,                                   \
    2.059110440e-03f, 1.084367977e-03f, 5.700343172e-04f, 2.993372327e-04f,                                   \
    1.571194734e-04f, 8.244421770e-05f, 4.325492773e-05f, 2.269300239e-05f)
#define CLACT_R32_SP_F_C2_B (float16)(1.190459079e-05f, 6.245103123e-06f, 3.276144525e-06f, 1.718589260e-06f, \
    9.015305977e-07f, 4.729297984e-07f, 2.480811361e-07f, 1.301430501e-07f,                                   \
    6.826930843e-08f, 3.581263996e-08f, 1.878647460e-08f, 9.855035898e-09f,                                   \
    5.169676687e-09f, 2.711943337e-09f, 1.422567730e-09f, 1.030647567e-09f)
#define CLACT_R32_SP_F_C3_A (float16)(9.937745745e-06f, -1.172983367e-02f, -1.603080891e-02f, -1.153117884e-02f, \
    -7.347437087e-03f, -4.278262146e-03f, -2.373339375e-03f, -1.282769954e-03f,                                  \
    -6.833685911e-04f, -3.615775495e-04f, -1.903981902e-04f, -1.001556811e-04f,                                  \
    -5.258469537e-05f, -2.760821008e-05f, -1.448844159e-05f, -7.599501714e-06f)
#define CLACT_R32_SP_F_C3_B (float16)(-3.987496257e-06f, -2.091584292e-06f, -1.096987830e-06f, -5.755153438e-07f, \
    -3.019305268e-07f, -1.583636191e-07f, -8.310205146e-08f, -4.357494987e-08f,                                   \
    -2.286166989e-08f, -1.199258115e-08f, -6.291136057e-09f, -3.299968299e-09f,                                   \
    -1.731319976e-09f, -9.080295404e-10f, -4.765503547e-10f, -3.430993822e-10f)
#define CLACT_R32_SP_F_C4_A (float16)(-5.298457574e-03f, -3.312838031e-03f, -1.321124728e-04f, 1.883003744e-03f, \
    1.486676629e-03f, 9.423252777e-04f, 5.411045277e-04f, 2.965205058e-04f,                                      \
    1.594462519e-04f, 8.443836850e-05f, 4.473144872e-05f, 2.346202928e-05f,                                      \
    1.235675791e-05f, 6.478014257e-06f, 3.398148920e-06f, 1.786435064e-06f)
#define CLACT_R32_SP_F_C4_B (float16)(9.362747164e-07f, 4.916117291e-07f, 2.582814602e-07f, 1.354062817e-07f, \
    7.099065868e-08f, 3.727754461e-08f, 1.951040396e-08f, 1.026462826e-08f,                                   \
    5.379417800e-09f, 2.822181377e-09f, 1.480276568e-09f, 7.768862220e-10f,                                   \
    4.071686044e-10f, 2.138842298e-10f, 1.118498003e-10f, 8.669664292e-11f)
#define CLACT_R32_SP_F_C5_A (float16)(2.990302746e-04f, 9.932282846e-04f, 8.165010950e-04f, 2.160856529e-04f, \
    -1.009317493e-04f, -1.560896490e-04f, -1.203455686e-04f, -7.573558833e-05f,                               \
    -4.325792543e-05f, -2.386750748e-05f, -1.272487771e-05f, -6.803687029e-06f,                               \
    -3.575652499e-06f, -1.887699568e-06f, -9.929642601e-07f, -5.193959396e-07f)
#define CLACT_R32_SP_F_C5_B (float16)(-2.731560187e-07f, -1.430802001e-07f, -7.484381825e-08f, -3.931364034e-08f, \
    -2.064773597e-08f, -1.080985967e-08f, -5.696460637e-09f, -2.970956148e-09f,                                   \
    -1.561514806e-09f, -8.189896539e-10f, -4.297316392e-10f, -2.252148745e-10f,                                   \
    -1.183576015e-10f, -6.191757523e-11f, -3.268264132e-11f, -1.798496768e-11f)
#endif
CLACT_INLINE realv clact_softplus1(realv x, realv th)
{
#if CLACT_R32
    if (CLACT_R32_IN(SP_F, x)) {
        intv i;
        const realv w = CLACT_R32_W(SP_F, fabs(x), &i);
#define CLACT_R32_SP_F_L(k, i) CLACT_R32_C(SP_F, k, i)
        const realv v = clact_nonneg_or_m0(x) + CLACT_HORNER5(CLACT_R32_SP_F_L, i, w);
        return x > th ? x : v;
    }
#endif
#if CLACT_H16
    /* max(x, 0) + softplus(-|x|), the second from the table on [XLO, 0]
     * (16 pieces and vpermps, where x itself took 32 and vpermi2ps). With
     * the max and the threshold below: on the Zen 5, in cache, 34 -> 42
     * GB/s, as fast as gelu's forward. */
    intv i;
    const realv w = clact_h16_w(clact_nabs_min(x, CLACT_H16_SP_F_XLO), CLACT_H16_SP_F_S, CLACT_H16_SP_F_KMIN,
                                CLACT_H16_SP_F_M, &i);
#define CLACT_H16_SP_F_L(k, i) CLACT_H16_C(SP_F, k, i)
    const realv t = CLACT_HORNER6(CLACT_H16_SP_F_L, i, w);
#else
#if CLACT_LOWP
    const realv e = clact_logistic_ev(x);
    const realv t = clact_log1p_ratio(e) * e;
#elif CLACT_REAL_IS_DOUBLE
    realv em;
    const realv sc = clact_logistic_e0(x, &em);
    const realv e = fma(sc, em, sc) * CLACT_EXPB_INV;
    const realv t = clact_log1p_ratio(e) * e;
#elif CLACT_HAVE_SCALEF
    const realv t = clact_softplus_tail(fabs(x));
#else
    realv em;
    /* e unscaled: where it is subnormal, so is the result */
    const realv p2k = clact_exp2(clact_nabs_min(x, CLACT_EXPB_MIN), CLACT_K(-0.0f), &em);
    const realv t = clact_log1p01(fma(p2k, em, p2k));
#endif
#endif
    const realv v = clact_nonneg_or_m0(x) + t; /* x + t for x > 0, t otherwise */
#if CLACT_LOWP
    /* a threshold >= 8 changes no 16-bit result (x + softplus(-x) rounds to
     * x there), so the default 20 skips the select */
    if (CLACT_ALL(th >= 8)) return v;
#endif
    return x > th ? x : v;
}
CLACT_INLINE realv clact_fwd_softplus(realv x, realv beta, realv th)
{
    /* beta is the same in every lane and every work-item: a uniform branch */
    if (CLACT_ALL(beta == 1)) return clact_softplus1(x, th);
    realv zl, em;
    const realv z = clact_softplus_z(x, beta, &zl);
    const realv sc = clact_logistic_e(z, zl, &em);
    const realv L = clact_log1p_ratio(fma(sc, em, sc) * CLACT_EXPB_INV);
    const realv bs = clact_rcp(beta) * sc; /* e/beta = bs (1 + em) 2^-EXPB, ready before L */
    const realv t = L * fma(bs, em, bs) * CLACT_EXPB_INV;
    const realv v = z > 0 ? x + t : t;
    const intv over = (z > th) | ((z == th) & (zl > 0));
    return over ? x : v;
}
CLACT_INLINE realv clact_grad_softplus(realv x, realv beta, realv th)
{
#if CLACT_LOWP
    const realv z = beta * x;
    const realv v = clact_logistic_rc(z, CLACT_K(0.0f)) * CLACT_EXPB_INV; /* s(z) */
    return z > th ? (realv)1 : v;
#else
    realv zl, em;
    const realv z = clact_softplus_z(x, beta, &zl);
    const realv sc = clact_logistic_e(z, zl, &em);
    const realv r = clact_rcp1p(fma(sc, em, sc) * CLACT_EXPB_INV);
    const realv n = clact_unscale(sc * r, em);
    const realv v = z < 0 ? n : r;
    const intv over = (z > th) | ((z == th) & (zl > 0));
    return over ? (realv)1 : v;
#endif
}

/* ---- hardswish: x (x+3)/6 on (-3, 3); derivative (2x+3)/6 on [-3, 3]
 * (0 below, 1 above). (2x+3) is one rounding and exact near -1.5, where
 * x/3 + 1/2 would cancel. Division by 6 as a product with a residual
 * correction (one rounding in effect). */
#define CLACT_SIXTH CLACT_R(1.666666716e-01f, 0.16666666666666666)
CLACT_INLINE realv clact_div6(realv v)
{
    const realv h = v * CLACT_SIXTH;
#if CLACT_LOWP
    return h; /* 16-bit results: 1.5 float ulps, 2^-21 of a float16 ulp */
#else
    return fma(fma(-h, CLACT_K(6), v), CLACT_K(CLACT_SIXTH), h);
#endif
}
CLACT_INLINE realv clact_fwd_hardswish(realv x, realv p0, realv p1)
{
    const realv m = clact_div6(x * (x + 3));
    return x <= -3 ? (realv)0 : (x >= 3 ? x : m);
}
CLACT_INLINE realv clact_grad_hardswish(realv x, realv p0, realv p1)
{
    const realv m = clact_div6(fma(CLACT_K((realv)2), x, CLACT_K((realv)3)));
    return x < -3 ? (realv)0 : (x > 3 ? (realv)1 : m);
}

/* ---- hardsigmoid: (x+3)/6 clipped to [0, 1]; 1/6 strictly inside */
CLACT_INLINE realv clact_fwd_hardsigmoid(realv x, realv p0, realv p1)
{
    /* x + 3 clipped to [0, 6] first (NaN passes): 6/6 is 1 exactly */
    return clact_div6(clact_clamp(x + 3, CLACT_K(0.0f), CLACT_K(6.0f)));
}
CLACT_INLINE realv clact_grad_hardsigmoid(realv x, realv p0, realv p1)
{
#if CLACT_PW512
#define CLACT_GHSIG_P(s) CLACT_PW_16((float16)CLACT_SIXTH, x s, (float16)-3.0f, (float16)3.0f, CLACT_FIX_KEEP)
    return CLACT_BY16(CLACT_GHSIG_P);
#else
    return fabs(x) < 3 ? CLACT_SIXTH : CLACT_OR_NAN(x, 0);
#endif
}

/* ---- relu6, hardtanh: clip; gradient only strictly inside */
CLACT_INLINE realv clact_fwd_relu6(realv x, realv p0, realv p1) { return x < 0 ? (realv)0 : (x > 6 ? (realv)6 : x); }
CLACT_INLINE realv clact_grad_relu6(realv x, realv p0, realv p1)
{
#if CLACT_PW512
#define CLACT_GRELU6_P(s) CLACT_FIX_16((float16)0.0f, x s, CLACT_FIX_RELU, CLACT_NGE_16(x s, (float16)6.0f, (ushort)0xffff))
    return CLACT_BY16(CLACT_GRELU6_P);
#else
    return CLACT_ASU(x) - 1 < CLACT_ASU(CLACT_K(6)) - 1 ? (realv)1 : CLACT_OR_NAN(x, 0);
#endif
}

CLACT_INLINE realv clact_fwd_hardtanh(realv x, realv lo, realv hi) { return x < lo ? lo : (x > hi ? hi : x); }
/* float order as unsigned integer order: +x as is with the sign bit set,
 * -x with all bits flipped (x + 0 first: -0 becomes +0, the two compare
 * equal); NaN lies beyond +-inf */
CLACT_INLINE uintv clact_okey(realv x)
{
    const realv z = x + 0;
    return CLACT_ASU(z) ^ (CLACT_ASU(CLACT_ASI(z) >> (8 * sizeof(real) - 1)) | ((uintv)1 << (8 * sizeof(real) - 1)));
}
CLACT_INLINE realv clact_grad_hardtanh(realv x, realv lo, realv hi)
{
#if CLACT_PW512
/* lo and hi are the same in every lane: as splats of lane 0 the compiler
 * keeps one compare each per 16 lanes (it had joined the masks of 64) */
#define CLACT_GHTANH_P(s) CLACT_PW_16((float16)0.0f, x s, (float16)lo.s0, (float16)hi.s0, CLACT_FIX_ALL)
    return CLACT_BY16(CLACT_GHTANH_P);
#else
    const uintv kl = clact_okey(lo), w = clact_okey(hi) - kl; /* lo <= hi: no wrap */
    return clact_okey(x) - kl - 1 < (w == 0 ? w : w - 1) ? (realv)1 : CLACT_OR_NAN(x, 0);
#endif
}

#if CLACT_R32
/* float32 tanh' = sech^2(|x|) from 16 polynomials of degree 7 where every
 * |x| < 9 (tools/fit_f32_tables.py: the "abs" form), and sigmoid' from
 * the same table */
#define CLACT_R32_TANH_B_XLO -9.000000000e+00f
#define CLACT_R32_TANH_B_XHI 9.000000000e+00f
#define CLACT_R32_TANH_B_S 1.700000048e+00f
#define CLACT_R32_TANH_B_KMIN 0
#define CLACT_R32_TANH_B_M (float16)(0.000000000e+00f, 5.882353187e-01f, 1.176470637e+00f, 2.058823586e+00f, \
    2.647058725e+00f, 3.235294104e+00f, 3.823529482e+00f, 4.411764622e+00f,                                  \
    5.000000000e+00f, 5.588235378e+00f, 6.176470757e+00f, 6.764705658e+00f,                                  \
    7.352941036e+00f, 7.941176414e+00f, 8.529411316e+00f, 9.000000000e+00f)
#define CLACT_R32_TANH_B_C0 (float16)(1.000000000e+00f, 7.205553651e-01f, 3.171696961e-01f, 6.306079030e-02f, \
    1.988399774e-02f, 6.174125243e-03f, 1.907962724e-03f, 5.887380103e-04f,                                   \
    1.815832366e-04f, 5.599745054e-05f, 1.726799383e-05f, 5.324884114e-06f,                                   \
    1.642011512e-06f, 5.063393473e-07f, 1.561375740e-07f, 6.091991622e-08f)
#define CLACT_R32_TANH_B_C1 (float16)(6.599716329e-08f, -7.618072629e-01f, -5.241772532e-01f, -1.220801249e-01f, \
    -3.937054798e-02f, -1.231006533e-02f, -3.812280484e-03f, -1.177127939e-03f,                                  \
    -3.631331783e-04f, -1.119917870e-04f, -3.453576210e-05f, -1.064973912e-05f,                                  \
    -3.284021659e-06f, -1.012679604e-06f, -3.122750343e-07f, -1.218399177e-07f)
#define CLACT_R32_TANH_B_C2 (float16)(-1.000005722e+00f, -1.165015548e-01f, 3.325524926e-01f, 1.141945794e-01f, \
    3.858418390e-02f, 1.223402936e-02f, 3.805047134e-03f, 1.176457154e-03f,                                     \
    3.630715073e-04f, 1.119843728e-04f, 3.453345562e-05f, 1.064962998e-05f,                                     \
    3.283966635e-06f, 1.012648340e-06f, 3.122747216e-07f, 1.218374450e-07f)
#define CLACT_R32_TANH_B_C3 (float16)(1.700265566e-04f, 5.899609923e-01f, -1.693642884e-02f, -6.593748182e-02f, \
    -2.465482429e-02f, -8.053321391e-03f, -2.526775468e-03f, -7.832630654e-04f,                                 \
    -2.419495722e-04f, -7.466683019e-05f, -2.303952533e-05f, -7.100987659e-06f,                                 \
    -2.190014129e-06f, -6.754551123e-07f, -2.082106647e-07f, -8.125515905e-08f)
#define CLACT_R32_TANH_B_C4 (float16)(6.642434597e-01f, -2.442772537e-01f, -1.321908683e-01f, 2.381683700e-02f, \
    1.147583779e-02f, 3.933784086e-03f, 1.253534225e-03f, 3.907031205e-04f,                                     \
    1.207497626e-04f, 3.718075459e-05f, 1.141866051e-05f, 3.538877991e-06f,                                     \
    1.090020874e-06f, 3.355619640e-07f, 1.038146351e-07f, 4.043321056e-08f)
#define CLACT_R32_TANH_B_C5 (float16)(1.874043792e-02f, -1.901959926e-01f, 1.042713374e-01f, -7.106761914e-04f, \
    -3.218640340e-03f, -1.471208292e-03f, -4.989004810e-04f, -1.576402283e-04f,                                 \
    -4.926931433e-05f, -1.544250154e-05f, -4.882794201e-06f, -1.465196647e-06f,                                 \
    -4.548666368e-07f, -1.415917126e-07f, -4.286892974e-08f, -1.687736884e-08f)
#define CLACT_R32_TANH_B_C6 (float16)(-4.592137635e-01f, 1.996931881e-01f, -2.297170833e-02f, 1.845981460e-04f, \
    1.634775777e-03f, 4.705754109e-04f, 1.431637356e-04f, 4.456869283e-05f,                                     \
    1.343261192e-05f, 3.891891538e-06f, 1.061319608e-06f, 3.755900195e-07f,                                     \
    1.122236242e-07f, 3.304025142e-08f, 1.112728487e-08f, 4.182835855e-09f)
#define CLACT_R32_TANH_B_C7 (float16)(1.907686144e-01f, -8.307086304e-03f, -1.760244556e-02f, 6.485434249e-03f, \
    8.193150861e-04f, -8.754506416e-05f, -6.399315316e-05f, -2.313476944e-05f,                                  \
    -7.627145806e-06f, -2.502610414e-06f, -8.401551668e-07f, -2.366527099e-07f,                                 \
    -7.470286079e-08f, -2.377452191e-08f, -6.889997017e-09f, -2.753830275e-09f)
/* sech(a 2^-e)^2 2^-2e, a = |x| (e = 0: tanh'; e = 1: sigmoid' =
 * sech(a/2)^2/4) from the table at a 2^-e, the scaling folded into its
 * centres (times 2^e), piece scale and coefficients (c_k 2^-(k+2)e):
 * powers of 2, the same roundings. False, *g unset, unless every
 * |x| < 9 2^e (a NaN lane: false). */
CLACT_INLINE bool clact_sech2_table(realv x, int e, realv *g)
{
    const realv a = fabs(x);
    if (!clact_all_lt(a, CLACT_R32_TANH_B_XHI * (1 << e))) return false;
    intv i;
    const realv w = clact_h16_w(a, CLACT_R32_TANH_B_S / (1 << e), CLACT_R32_TANH_B_KMIN, CLACT_R32_TANH_B_M * (1 << e), &i);
#define CLACT_R32_SECH2_L(k, i) clact_perm(CLACT_R32_TANH_B_C##k / (float)(1 << (k + 2) * e), i)
    *g = CLACT_HORNER7(CLACT_R32_SECH2_L, i, w);
    return true;
}
#endif
/* ---- sigmoid: c/(c + c e^-x) (clact_logistic_rc); sigmoid' = e/(1+e)^2
 * with e = e^-|x| on both sides (no 1 - s). */
CLACT_INLINE realv clact_fwd_sigmoid(realv x, realv p0, realv p1)
{
    return clact_logistic_rc(x, CLACT_K(0.0f)) * CLACT_EXPB_INV;
}
CLACT_INLINE realv clact_grad_sigmoid(realv x, realv p0, realv p1)
{
#if CLACT_R32
    realv g;
    if (clact_sech2_table(x, 1, &g)) return g;
#endif
#if CLACT_LOWP
    const realv e = clact_logistic_ev(x), r = clact_rcp1p(e);
    return e * r * r; /* e rounds into the subnormals: enough for 16 bits */
#else
    realv em;
    const realv sc = clact_logistic_e0(x, &em);
    const realv e = fma(sc, em, sc) * CLACT_EXPB_INV, r = clact_rcp1p(e);
    return fabs(x) < 1.1f ? 0.25f * clact_logistic_d4(e, r) : clact_unscale(sc * r * r, em);
#endif
}
/* y (1 - y) = y - y^2 in one rounding */
CLACT_INLINE realv clact_grady_sigmoid(realv y, realv p0, realv p1) { return fma(-y, y, y); }

/* ---- tanh; tanh' = 1 - tanh^2 = 4e/(1+e)^2, e = e^-2|x| */
CLACT_INLINE realv clact_fwd_tanh(realv x, realv p0, realv p1)
{
#if CLACT_LOWP
    /* x P(x^2)/Q(x^2) on |x| <= 9, P and Q of degree 3 (relative fit
     * 2^-16.5; positive coefficients: no cancellation); +-1 beyond
     * (NaN passes the clamp). One form and no exp. P(0) = Q(0) = 1, so
     * that tanh(x) = x for tiny x, as it is: just below the smallest
     * normal float the result may flush (a subnormal), and a fit with
     * P(0) = 1 - 2^-20 put tanh(2^-126) there, where bfloat16 rounds it
     * back up. (A degree-4 pair
     * fits to 2^-24.4, but in float the roundings of the two
     * polynomials and the quotient reach 4.5 ulp.) */
    const realv xc = clact_clamp(x, CLACT_K(-9.0f), CLACT_K(9.0f));
    const realv t = xc * xc;
    const realv p = fma(fma(fma(CLACT_K(3.225497949e-06f), t, CLACT_K(2.125939820e-03f)), t,
                            CLACT_K(1.213626415e-01f)), t, CLACT_K(1.0f));
    const realv q = fma(fma(fma(CLACT_K(1.259423298e-04f), t, CLACT_K(2.037383430e-02f)), t,
                            CLACT_K(4.546796978e-01f)), t, CLACT_K(1.0f));
    return xc * clact_divn(p, q); /* tanh(-0) = -0 */
#else
    return clact_tanh(x);
#endif
}
CLACT_INLINE realv clact_grad_tanh(realv x, realv p0, realv p1)
{
#if CLACT_R32
    realv g;
    if (clact_sech2_table(x, 0, &g)) return g;
#endif
#if CLACT_LOWP
    /* e = e^-2|x| as 2^(|x| C), C = -2 log2(e) in one float (|x| C off
     * by 2^-17.6 at the clamp, 57.5, where e is 2^-166): no 2 x of its own */
    const realv ax = fabs(x), a = ax > 57.5f ? 57.5f : ax; /* NaN passes */
    const realv e = clact_lp_mul_exp2(CLACT_K(1.0f), a, CLACT_K(-2.885390043e+00f));
    const realv r = clact_rcp1p(e);
    return 4 * e * r * r;
#else
    realv em;
    const realv sc = clact_logistic_e0(2 * x, &em);
    const realv e = fma(sc, em, sc) * CLACT_EXPB_INV, r = clact_rcp1p(e);
    return fabs(x) < 0.55f ? clact_logistic_d4(e, r) : clact_unscale(4 * sc * r * r, em);
#endif
}
/* 1 - y^2 in one rounding */
CLACT_INLINE realv clact_grady_tanh(realv y, realv p0, realv p1) { return fma(-y, y, CLACT_K((realv)1)); }

/* The op of this build. The host names its functions directly
 * (-DCLACT_FWD=clact_fwd_gelu -DCLACT_GRAD=clact_grad_gelu): pasting an op
 * name such as `tanh` would expand a vendor's builtin-renaming macro of the
 * same name. relu when compiled standalone. */
#ifndef CLACT_FWD
#define CLACT_FWD clact_fwd_relu
#endif
#ifndef CLACT_GRAD
#define CLACT_GRAD clact_grad_relu
#endif

#endif /* CLACT_OPS_CL */
