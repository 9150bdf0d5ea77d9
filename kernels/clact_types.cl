/* clact_types.cl - storage and compute types of one kernel build.
 *
 * Build options (each has a default so the file compiles standalone):
 *   CLACT_DTYPE  0 f32, 1 f16, 2 bf16, 3 f64   (storage type)
 *   CLACT_VEC    1, 2, 4, 8 or 16             (elements per work-item)
 *   CLACT_FWD    forward function, e.g. clact_fwd_gelu     (elementwise.cl)
 *   CLACT_GRAD   derivative, clact_grad_gelu or clact_grady_tanh (from y)
 *
 * Compute is in `real`: float for f32/f16/bf16, double for f64. Loads widen
 * to real, stores round to nearest even.
 */
#ifndef CLACT_TYPES_CL
#define CLACT_TYPES_CL

#ifndef CLACT_DTYPE
#define CLACT_DTYPE 0
#endif
#ifndef CLACT_VEC
#define CLACT_VEC 4
#endif

#define CLACT_CAT_(a, b) a##b
#define CLACT_CAT(a, b) CLACT_CAT_(a, b)

#if CLACT_DTYPE == 3
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#define CLACT_REAL_IS_DOUBLE 1
typedef double real;
#define CLACT_REAL_T double
typedef double store_t;
#else
#define CLACT_REAL_IS_DOUBLE 0
typedef float real;
#define CLACT_REAL_T float
#if CLACT_DTYPE == 1 || CLACT_DTYPE == 2
typedef ushort store_t; /* float16 / bfloat16 bits: no cl_khr_fp16 needed */
#else
typedef float store_t;
#endif
#endif

/* ---- 16-bit storage: conversions by integer bit manipulation ------------
 * Branch-free (selects only), so they vectorize on CPUs and cost a few
 * integer operations on GPUs; exact, round to nearest even, NaN stays NaN. */
inline float clact_bf16_to_float(ushort u) { return as_float((uint)u << 16); }
inline ushort clact_float_to_bf16(float f)
{
    const uint b = as_uint(f);
    const uint r = (b + 0x7fffu + ((b >> 16) & 1u)) >> 16; /* round to nearest even */
    const uint q = (b >> 16) | 0x0040u;                     /* NaN: keep it, quiet */
    return (ushort)((b & 0x7fffffffu) > 0x7f800000u ? q : r);
}

inline float clact_half_to_float(ushort h)
{
    const uint sign = ((uint)h & 0x8000u) << 16;
    const uint em = (uint)h & 0x7fffu;
    uint n = (em << 13) + 0x38000000u;                /* rebias the exponent: +112 */
    n = em >= 0x7c00u ? n + 0x38000000u : n;          /* inf / NaN: exponent all ones */
    const float sub = (float)em * 5.9604644775390625e-8f; /* subnormal: em * 2^-24, exact */
    return as_float(sign | (em < 0x0400u ? as_uint(sub) : n));
}

inline ushort clact_float_to_half(float f)
{
    const uint x = as_uint(f);
    const uint sign = (x >> 16) & 0x8000u;
    const uint ax = x & 0x7fffffffu;
    /* normal: rebias (-112 << 23) and round to nearest even on bit 13 */
    const uint n = (ax + 0xc8000fffu + ((ax >> 13) & 1u)) >> 13;
    /* below 2^-14: the FPU rounds when adding 0.5 (whose ulp is 2^-24) */
    const uint s = as_uint(as_float(ax) + 0.5f) - 0x3f000000u;
    uint r = ax < 0x38800000u ? s : n;
    r = ax >= 0x477ff000u ? 0x7c00u : r;                             /* >= 65520: inf */
    r = ax > 0x7f800000u ? (0x7e00u | ((ax >> 13) & 0x3ffu)) : r;    /* NaN, quiet */
    return (ushort)(sign | r);
}

#if CLACT_DTYPE == 1
#define CLACT_FROM_BITS clact_half_to_float
#define CLACT_TO_BITS clact_float_to_half
#elif CLACT_DTYPE == 2
#define CLACT_FROM_BITS clact_bf16_to_float
#define CLACT_TO_BITS clact_float_to_bf16
#endif

/* scalar load/store of element i */
inline real clact_ld(const global store_t *p, size_t i)
{
#ifdef CLACT_FROM_BITS
    return CLACT_FROM_BITS(p[i]);
#else
    return p[i];
#endif
}
inline void clact_st(global store_t *p, size_t i, real v)
{
#ifdef CLACT_TO_BITS
    p[i] = CLACT_TO_BITS(v);
#else
    p[i] = v;
#endif
}

/* CLACT_VEC consecutive elements starting at p + i (no alignment needed):
 * one vector load/store of the storage type, converted element by element. */
#if CLACT_VEC == 1
#define CLACT_LDV(p, i, a) do { (a)[0] = clact_ld((p), (i)); } while (0)
#define CLACT_STV(p, i, a) do { clact_st((p), (i), (a)[0]); } while (0)
#else
#if CLACT_DTYPE == 1 || CLACT_DTYPE == 2
#define CLACT_VSTORE_T CLACT_CAT(ushort, CLACT_VEC)
typedef union { CLACT_VSTORE_T v; ushort a[CLACT_VEC]; } clact_vec_u;
#define CLACT_CVT_IN(b) CLACT_FROM_BITS(b)
#define CLACT_CVT_OUT(f) CLACT_TO_BITS(f)
#else
#define CLACT_VSTORE_T CLACT_CAT(CLACT_REAL_T, CLACT_VEC)
typedef union { CLACT_VSTORE_T v; real a[CLACT_VEC]; } clact_vec_u;
#define CLACT_CVT_IN(b) (b)
#define CLACT_CVT_OUT(f) (f)
#endif
#define CLACT_LDV(p, i, arr) do { clact_vec_u u_; u_.v = CLACT_CAT(vload, CLACT_VEC)(0, (p) + (i)); \
        for (int k_ = 0; k_ < CLACT_VEC; ++k_) (arr)[k_] = CLACT_CVT_IN(u_.a[k_]); } while (0)
#define CLACT_STV(p, i, arr) do { clact_vec_u u_;                                                  \
        for (int k_ = 0; k_ < CLACT_VEC; ++k_) u_.a[k_] = CLACT_CVT_OUT((arr)[k_]);                 \
        CLACT_CAT(vstore, CLACT_VEC)(u_.v, 0, (p) + (i)); } while (0)
#endif

#endif /* CLACT_TYPES_CL */
