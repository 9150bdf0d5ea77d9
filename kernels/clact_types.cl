/* clact_types.cl - storage and compute types of one kernel build.
 *
 * Build options (each has a default so the file compiles standalone):
 *   CLACT_DTYPE  0 f32, 1 f16, 2 bf16, 3 f64   (storage type)
 *   CLACT_VEC    1, 2, 4, 8, 16, 32 or 64     (elements per work-item; 32
 *                                             and 64: CPUs, float compute,
 *                                             clang)
 *   CLACT_FWD    forward function, e.g. clact_fwd_gelu     (elementwise.cl)
 *   CLACT_GRAD   derivative, clact_grad_gelu or clact_grady_tanh (from y)
 *
 * Compute is in `real`: float for f32/f16/bf16, double for f64. Loads widen
 * to real, stores round to nearest even.
 */
#ifndef CLACT_TYPES_CL
#define CLACT_TYPES_CL

/* CPUs without AVX-512 (PoCL for AVX2, say): clang warns that 16-lane
 * vectors passed between functions change the calling convention there,
 * hundreds of times per program, and PoCL prints the count on stderr at
 * every build. Every function here is inlined into its kernel: no calling
 * convention is crossed. (Compilers older than the warning ignore it.) */
#ifdef __clang__
#pragma clang diagnostic ignored "-Wunknown-warning-option"
#pragma clang diagnostic ignored "-Wpsabi"
#endif

#ifndef CLACT_DTYPE
#define CLACT_DTYPE 0
#endif
#ifndef CLACT_VEC
#define CLACT_VEC 4
#endif
#ifndef CLACT_CPU
#define CLACT_CPU 0 /* 1: a CPU device (memory access patterns) */
#endif

/* CLACT_LOWP 1: results are stored in 16 bits (f16: 11 significant bits,
 * bf16: 8) on a CPU, where the formulas, not memory, set the speed. The op
 * formulas then drop what only float results need (arguments carried in
 * two pieces, long polynomials) and keep a relative error below about
 * 2^-16, a small fraction of a 16-bit ulp, tails included. GPUs keep the
 * float formulas: there they cost nothing. */
#ifndef CLACT_LOWP
#define CLACT_LOWP ((CLACT_DTYPE == 1 || CLACT_DTYPE == 2) && CLACT_CPU)
#endif

#define CLACT_CAT_(a, b) a##b
#define CLACT_CAT(a, b) CLACT_CAT_(a, b)

#if CLACT_DTYPE == 3
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#define CLACT_REAL_IS_DOUBLE 1
typedef double real;
#define CLACT_REAL_T double
typedef double store_t;
#define CLACT_STORE_T double
#else
#define CLACT_REAL_IS_DOUBLE 0
typedef float real;
#define CLACT_REAL_T float
#if CLACT_DTYPE == 1 || CLACT_DTYPE == 2
typedef ushort store_t; /* float16 / bfloat16 bits: no cl_khr_fp16 needed */
#define CLACT_STORE_T ushort
#else
typedef float store_t;
#define CLACT_STORE_T float
#endif
#endif

/* ---- vector types ---------------------------------------------------
 * The op formulas (clact_math.cl, clact_ops.cl) work on realv, CLACT_VEC
 * elements at once: explicit vectors map onto the widest SIMD registers of
 * a CPU (a compiler's auto-vectorizer may pick narrower ones) and onto
 * independent instructions on a GPU. intv/uintv are the integer vectors of
 * the same element size (exponent arithmetic). With CLACT_VEC 1 they are
 * scalars: OpenCL C has no 1-element vectors. */
#if CLACT_REAL_IS_DOUBLE
#define CLACT_IT_ long
#define CLACT_UT_ ulong
#else
#define CLACT_IT_ int
#define CLACT_UT_ uint
#endif
#if CLACT_VEC == 1
#define CLACT_VT_(t) t
#elif CLACT_VEC >= 32
#define CLACT_VT_(t) CLACT_CAT(clact_, CLACT_CAT(t, CLACT_VEC))
#else
#define CLACT_VT_(t) CLACT_CAT(t, CLACT_VEC)
#endif
/* ---- fma on x86 CPUs without it --------------------------------------
 * The formulas lean on fma: for polynomials, and for exact error terms
 * (fma(a, b, -p), p the rounded product). On an x86 processor without FMA
 * (before AVX2, or a PoCL target for SSE) the compiler makes each fma a
 * call to the C library's software fmaf, one lane at a time: the formulas
 * ran 50-200x slower than memory (float32 gelu's forward at 0.46 GB/s).
 * The exact product of two floats fits in a double, so a b + c in double
 * rounds once there and once more to float: the fused result but near a
 * tie, where it may take the other neighbour (an error at most 2^-29 of an
 * ulp above half an ulp), and error terms such as fma(a, b, -a b)
 * exactly. Doubles keep the builtin. */
#if CLACT_CPU && (defined(__x86_64__) || defined(__i386__)) && !defined(__FMA__) && !defined(__FMA4__) && \
    CLACT_HAS_FP64 && !CLACT_REAL_IS_DOUBLE
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#define CLACT_SFMA_F(F, CVD, CVF)                                                                     \
    inline __attribute__((overloadable, always_inline)) F clact_sfma(F a, F b, F c)                  \
    {                                                                                                 \
        return CVF(CVD(a) * CVD(b) + CVD(c));                                                         \
    }
#define CLACT_SFMA_D(D) \
    inline __attribute__((overloadable, always_inline)) D clact_sfma(D a, D b, D c) { return (fma)(a, b, c); }
CLACT_SFMA_F(float, (double), (float))
CLACT_SFMA_F(float2, convert_double2, convert_float2)
CLACT_SFMA_F(float4, convert_double4, convert_float4)
CLACT_SFMA_F(float8, convert_double8, convert_float8)
CLACT_SFMA_F(float16, convert_double16, convert_float16)
CLACT_SFMA_D(double)
CLACT_SFMA_D(double2)
CLACT_SFMA_D(double4)
CLACT_SFMA_D(double8)
CLACT_SFMA_D(double16)
#undef fma
#define fma(a, b, c) clact_sfma(a, b, c) /* CLACT_VEC 32 and 64 route theirs through it below */
#endif

#if CLACT_VEC >= 32
/* ---- CLACT_VEC 32 and 64 (CPUs with clang: PoCL) ----------------------
 * 32 or 64 elements per work-item as clang vectors of that many lanes
 * (clact_<type><lanes>), which a 16-lane SIMD unit (AVX-512) runs as two
 * or four registers: every step of an op formula becomes two or four
 * independent instructions side by side. A core runs the long dependent
 * chains of the transcendental formulas faster that way than one vector
 * after the other. OpenCL C has no such types; they are declared here,
 * and the builtins the kernels call on realv are routed through
 * overloads that split a value into halves (.lo, .hi) down to 16 lanes.
 * The routing is by macro, defined after the overloads that call the
 * builtins, so the builtins themselves are never redeclared. Float
 * compute types only. */
#if !defined(__clang__) || CLACT_REAL_IS_DOUBLE
#error "CLACT_VEC 32 and 64 need clang vector extensions and a float compute type"
#endif
#define CLACT_W_TYPES(t)                                                                              \
    typedef t CLACT_CAT(clact_, CLACT_CAT(t, 32)) __attribute__((ext_vector_type(32)));            \
    typedef t CLACT_CAT(clact_, CLACT_CAT(t, 64)) __attribute__((ext_vector_type(64)));
CLACT_W_TYPES(float)
CLACT_W_TYPES(int)
CLACT_W_TYPES(uint)
CLACT_W_TYPES(ushort)
#define as_clact_float32(x) __builtin_astype((x), clact_float32)
#define as_clact_int32(x) __builtin_astype((x), clact_int32)
#define as_clact_uint32(x) __builtin_astype((x), clact_uint32)
#define as_clact_ushort32(x) __builtin_astype((x), clact_ushort32)
#define convert_clact_float32(x) __builtin_convertvector((x), clact_float32)
#define convert_clact_uint32(x) __builtin_convertvector((x), clact_uint32)
#define convert_clact_ushort32(x) __builtin_convertvector((x), clact_ushort32)
#define as_clact_float64(x) __builtin_astype((x), clact_float64)
#define as_clact_int64(x) __builtin_astype((x), clact_int64)
#define as_clact_uint64(x) __builtin_astype((x), clact_uint64)
#define as_clact_ushort64(x) __builtin_astype((x), clact_ushort64)
#define convert_clact_float64(x) __builtin_convertvector((x), clact_float64)
#define convert_clact_uint64(x) __builtin_convertvector((x), clact_uint64)
#define convert_clact_ushort64(x) __builtin_convertvector((x), clact_ushort64)
#if CLACT_HAS_FP64 /* prelu's weight-gradient sums */
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
CLACT_W_TYPES(double)
CLACT_W_TYPES(long)
#define convert_clact_double32(x) __builtin_convertvector((x), clact_double32)
#define convert_clact_long32(x) __builtin_convertvector((x), clact_long32)
#define convert_clact_double64(x) __builtin_convertvector((x), clact_double64)
#define convert_clact_long64(x) __builtin_convertvector((x), clact_long64)
#endif

#define CLACT_W_OVL inline __attribute__((overloadable, always_inline))
/* f for each scalar type T: the builtin itself */
#define CLACT_W_1(f, T) CLACT_W_OVL T clact_w_##f(T a) { return f(a); }
#define CLACT_W_2(f, T) CLACT_W_OVL T clact_w_##f(T a, T b) { return f(a, b); }
#define CLACT_W_3(f, T) CLACT_W_OVL T clact_w_##f(T a, T b, T c) { return f(a, b, c); }
CLACT_W_3(fma, float)
CLACT_W_1(fabs, float)
CLACT_W_2(fmax, float)
CLACT_W_2(fmin, float)
CLACT_W_2(copysign, float)
CLACT_W_OVL int clact_w_isnan(float a) { return isnan(a); }
CLACT_W_2(min, int)
CLACT_W_2(min, uint)
CLACT_W_2(min, long)
CLACT_W_2(min, ulong)
#if CLACT_HAS_FP64
CLACT_W_3(fma, double)
CLACT_W_1(fabs, double)
CLACT_W_2(fmax, double)
CLACT_W_2(fmin, double)
CLACT_W_OVL int clact_w_isnan(double a) { return isnan(a); }
#endif
/* float lanes V (int lanes I): f on the two halves, by P##f (P empty: the
 * builtins on 16 lanes; clact_w_: the overloads on 32) */
#define CLACT_W_SPLIT(V, I, P)                                                                           \
    CLACT_W_OVL V clact_w_fma(V a, V b, V c) { return (V)(P##fma(a.lo, b.lo, c.lo), P##fma(a.hi, b.hi, c.hi)); } \
    CLACT_W_OVL V clact_w_fabs(V a) { return (V)(P##fabs(a.lo), P##fabs(a.hi)); }                         \
    CLACT_W_OVL V clact_w_fmax(V a, V b) { return (V)(P##fmax(a.lo, b.lo), P##fmax(a.hi, b.hi)); }         \
    CLACT_W_OVL V clact_w_fmin(V a, V b) { return (V)(P##fmin(a.lo, b.lo), P##fmin(a.hi, b.hi)); }         \
    CLACT_W_OVL V clact_w_copysign(V a, V b) { return (V)(P##copysign(a.lo, b.lo), P##copysign(a.hi, b.hi)); } \
    CLACT_W_OVL I clact_w_isnan(V a) { return a != a; }                                                  \
    CLACT_W_OVL I clact_w_min(I a, I b) { return a < b ? a : b; }                                        \
    CLACT_W_OVL int clact_w_all(I c) { return P##all(c.lo) && P##all(c.hi); }
CLACT_W_SPLIT(clact_float32, clact_int32, )
CLACT_W_SPLIT(clact_float64, clact_int64, clact_w_)
/* from here on (the implementation may have macros of these names) */
#undef fma
#undef fabs
#undef fmax
#undef fmin
#undef copysign
#undef isnan
#undef min
#undef all
#define fma(a, b, c) clact_w_fma(a, b, c)
#define fabs(a) clact_w_fabs(a)
#define fmax(a, b) clact_w_fmax(a, b)
#define fmin(a, b) clact_w_fmin(a, b)
#define copysign(a, b) clact_w_copysign(a, b)
#define isnan(a) clact_w_isnan(a)
#define min(a, b) clact_w_min(a, b)
#define all(c) clact_w_all(c)
#endif
typedef CLACT_VT_(CLACT_REAL_T) realv;
typedef CLACT_VT_(CLACT_IT_) intv;
typedef CLACT_VT_(CLACT_UT_) uintv;
typedef CLACT_VT_(uint) u32v;     /* 16-bit storage conversions */
typedef CLACT_VT_(ushort) u16v;
#define CLACT_ASU(x) CLACT_CAT(as_, CLACT_VT_(CLACT_UT_))(x)
#define CLACT_ASI(x) CLACT_CAT(as_, CLACT_VT_(CLACT_IT_))(x)
#define CLACT_ASR(x) CLACT_CAT(as_, CLACT_VT_(CLACT_REAL_T))(x)
/* a constant as realv, for builtins whose arguments must share one type */
#define CLACT_K(c) ((realv)(c))
/* a realv comparison true in every lane (a scalar comparison gives 1, a
 * vector one -1 per lane, which all() reads) */
#if CLACT_VEC == 1
#define CLACT_ALL(c) (c)
#else
#define CLACT_ALL(c) all(c)
#endif

/* ---- 16-bit storage: conversions by integer bit manipulation ------------
 * Branch-free (selects only), exact, round to nearest even, NaN stays NaN.
 * Each is defined for one element (clact_ld/clact_st) and for realv (the
 * vector paths); CLACT_CVT16 spells both out from one text. */
#define CLACT_CVT16(SUF, F, U, US, CVU, CVF, CVUS, ASF, ASU)                                         \
    inline F clact_bf16_to_float##SUF(US u) { return ASF(CVU(u) << 16); }                             \
    /* f rounded to bfloat16, in the high half of its 32 bits */                                     \
    inline U clact_bf16_round##SUF(F f)                                                               \
    {                                                                                                  \
        const U b = ASU(f);                                                                            \
        U t = b + 0x7fffu;                        /* round to nearest even: */                         \
        t = (b & 0x10000u) != 0 ? t + 1u : t;     /* +1 if the kept part is odd */                     \
        return isnan(f) ? (b | 0x00400000u) : t; /* NaN: keep it, quiet */                            \
    }                                                                                                  \
    inline US clact_float_to_bf16##SUF(F f) { return CVUS(clact_bf16_round##SUF(f) >> 16); }          \
    inline F clact_half_to_float##SUF(US h)                                                            \
    {                                                                                                  \
        const U hu = CVU(h);                                                                           \
        const U sign = (hu & 0x8000u) << 16;                                                           \
        const U em = hu & 0x7fffu;                                                                     \
        U n = (em << 13) + 0x38000000u;               /* rebias the exponent: +112 */                  \
        n = em >= 0x7c00u ? n + 0x38000000u : n;      /* inf / NaN: exponent all ones */               \
        const F sub = CVF(em) * 5.9604644775390625e-8f; /* subnormal: em * 2^-24, exact */            \
        return ASF(sign | (em < 0x0400u ? ASU(sub) : n));                                              \
    }                                                                                                  \
    inline US clact_float_to_half##SUF(F f)                                                            \
    {                                                                                                  \
        const U x = ASU(f);                                                                            \
        const U sign = (x >> 16) & 0x8000u;                                                            \
        const U ax = x & 0x7fffffffu;                                                                  \
        /* normal: rebias (-112 << 23) and round to nearest even on bit 13 */                          \
        const U n = (ax + 0xc8000fffu + ((ax >> 13) & 1u)) >> 13;                                      \
        /* below 2^-14: the FPU rounds when adding 0.5 (whose ulp is 2^-24) */                         \
        const U s = ASU(ASF(ax) + 0.5f) - 0x3f000000u;                                                 \
        U r = ax < 0x38800000u ? s : n;                                                                \
        r = ax >= 0x477ff000u ? 0x7c00u : r;                            /* >= 65520: inf */            \
        r = ax > 0x7f800000u ? (0x7e00u | ((ax >> 13) & 0x3ffu)) : r;   /* NaN, quiet */               \
        return CVUS(sign | r);                                                                         \
    }
CLACT_CVT16(, float, uint, ushort, convert_uint, convert_float, convert_ushort, as_float, as_uint)
#if CLACT_VEC > 1 && !CLACT_REAL_IS_DOUBLE
CLACT_CVT16(_v, realv, u32v, u16v, CLACT_CAT(convert_, CLACT_VT_(uint)), CLACT_CAT(convert_, CLACT_VT_(float)),
            CLACT_CAT(convert_, CLACT_VT_(ushort)), CLACT_CAT(as_, CLACT_VT_(float)), CLACT_CAT(as_, CLACT_VT_(uint)))
#endif

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

/* s += v with Kahan compensation c (s and c lvalues of type T) */
#define CLACT_KAHAN(T, s, c, v)                                                                     \
    do {                                                                                           \
        const T y_ = (v) - (c), t_ = (s) + y_;                                                     \
        (c) = (t_ - (s)) - y_;                                                                     \
        (s) = t_;                                                                                  \
    } while (0)

/* ---- realv loads and stores ----------------------------------------------
 * clact_ldv/clact_stv: CLACT_VEC consecutive elements at p + i (no
 * alignment needed). clact_ldt/clact_stt: the first m < CLACT_VEC of them
 * (a tail; the other lanes are 0 and are not stored). */
#if CLACT_VEC == 1
inline realv clact_ldv(const global store_t *p, size_t i) { return clact_ld(p, i); }
inline void clact_stv(global store_t *p, size_t i, realv v) { clact_st(p, i, v); }
#define CLACT_RAW_LD(p, i) ((p)[i])
#define CLACT_RAW_ST(p, i, v) ((p)[i] = (v))
#else
/* CLACT_VEC stored elements as one vector, without conversion.
 * CLACT_CPU 1 (the host sets it for CPU devices): through a vector type
 * whose alignment is lowered to the element's, which a CPU compiler turns
 * into one unaligned vector move; some vloadn/vstoren of 16-bit elements
 * are split into one store per element there. Elsewhere vloadn/vstoren. */
#if CLACT_CPU
typedef CLACT_VT_(CLACT_STORE_T) __attribute__((aligned(sizeof(CLACT_STORE_T)))) clact_raw_v;
#define CLACT_RAW_LD(p, i) (*(const global clact_raw_v *)((p) + (i)))
#define CLACT_RAW_ST(p, i, v) (*(global clact_raw_v *)((p) + (i)) = (v))
#else
#define CLACT_RAW_LD(p, i) CLACT_CAT(vload, CLACT_VEC)(0, (p) + (i))
#define CLACT_RAW_ST(p, i, v) CLACT_CAT(vstore, CLACT_VEC)((v), 0, (p) + (i))
#endif
#if CLACT_DTYPE == 1
#define CLACT_VFROM_BITS clact_half_to_float_v
#define CLACT_VTO_BITS clact_float_to_half_v
#elif CLACT_DTYPE == 2
#define CLACT_VFROM_BITS clact_bf16_to_float_v
#define CLACT_VTO_BITS clact_float_to_bf16_v
#endif
#if CLACT_DTYPE == 1 && CLACT_CPU && defined(__clang__) && defined(__FLT16_MAX__) && \
    (defined(__F16C__) || defined(__aarch64__))
/* Stores on a CPU compiler with _Float16 (clang: PoCL) and hardware
 * conversions (x86 F16C, AArch64): a whole vector converts in one
 * instruction (AVX-512: 16 elements), where its
 * vstore_half16 takes a shuffle and two halves. The conversion rounds to
 * nearest even (the default rounding mode). Loads stay vload_half: a
 * _Float16 load lets the compiler narrow the float formulas of the
 * piecewise ops back to half, which x86 then runs one element at a time. */
#define CLACT_F16_EXT 1
typedef _Float16 clact_f16v_ __attribute__((ext_vector_type(CLACT_VEC)));
#endif
/* float16 conversions in hardware where the CPU has them: not on x86
 * without F16C (SSE-only processors and PoCL targets), where vload_half
 * and vstore_half convert one element at a time in software (relu's
 * forward at 0.01 of copy) and the bit conversions above run as vectors */
#if CLACT_DTYPE == 1 && CLACT_CPU && !((defined(__x86_64__) || defined(__i386__)) && !defined(__F16C__))
#define CLACT_F16_HW 1
#endif
#if defined(CLACT_F16_HW) && CLACT_CPU && defined(__AVX512F__) && defined(__clang__) && CLACT_VEC >= 16
/* 16 float16 in one vcvtph2ps: PoCL's vload_half16 converts 8 at a
 * time and joins the halves (three instructions where one does). Inline
 * assembly: the compiler takes the builtin for a plain conversion and
 * then narrows compares with constants (relu6', hardsigmoid') back to
 * float16, which x86 runs one element at a time. */
typedef short __attribute__((ext_vector_type(16), aligned(2))) clact_s16x16_;
inline float16 clact_h2f16(const global store_t *p)
{
    float16 r;
    __asm__("vcvtph2ps %1, %0" : "=v"(r) : "m"(*(const global clact_s16x16_ *)p));
    return r;
}
#define CLACT_H2F16(p) clact_h2f16(p)
#endif
inline realv clact_ldv(const global store_t *p, size_t i)
{
#if defined(CLACT_H2F16)
#if CLACT_VEC == 16
    return CLACT_H2F16(p + i);
#elif CLACT_VEC == 32
    return (realv)(CLACT_H2F16(p + i), CLACT_H2F16(p + i + 16));
#else
    return (realv)(CLACT_H2F16(p + i), CLACT_H2F16(p + i + 16), CLACT_H2F16(p + i + 32), CLACT_H2F16(p + i + 48));
#endif
#elif defined(CLACT_F16_HW)
    /* the core vload_half: CPUs with F16C convert 16 elements in one
     * instruction, exactly and rounding to nearest even on the way back
     * (the same results as the bit conversions) */
#if CLACT_VEC == 32
    const global half *h = (const global half *)(p + i);
    return (realv)(vload_half16(0, h), vload_half16(0, h + 16));
#elif CLACT_VEC == 64
    const global half *h = (const global half *)(p + i);
    return (realv)(vload_half16(0, h), vload_half16(0, h + 16), vload_half16(0, h + 32), vload_half16(0, h + 48));
#else
    return CLACT_CAT(vload_half, CLACT_VEC)(0, (const global half *)(p + i));
#endif
#elif defined(CLACT_VFROM_BITS)
    return CLACT_VFROM_BITS(CLACT_RAW_LD(p, i));
#else
    return CLACT_RAW_LD(p, i);
#endif
}
#if CLACT_DTYPE == 2 && CLACT_CPU && CLACT_VEC > 1 && defined(__clang__)
/* bf16 vector stores on a CPU (clang vector builtins): round in the 32-bit
 * lanes and take their high halves with one shuffle (no shift, no
 * narrowing move) */
typedef ushort __attribute__((ext_vector_type(2 * CLACT_VEC))) clact_u16x2v;
#ifndef CLACT_BF16_CVT
#define CLACT_BF16_CVT 0
#endif
#if CLACT_BF16_CVT && defined(__AVX512F__) && CLACT_VEC >= 16
/* AVX512_BF16 (the host asks for it where the processor has it): one
 * instruction rounds 16 or 32 floats to nearest even and quiets NaN, as
 * the integer form below; it reads subnormal floats as zero (results
 * that may flush). The compiler's target need not know the extension:
 * the instruction goes in by inline assembly. */
typedef ushort __attribute__((ext_vector_type(32))) clact_u16x32_;
#define CLACT_CVT2BF16(d, hi, lo) __asm__("vcvtne2ps2bf16 %2, %1, %0" : "=v"(d) : "v"(hi), "v"(lo))
#endif
inline u16v clact_bf16_pack(realv f)
{
#if CLACT_BF16_CVT && defined(__AVX512F__) && CLACT_VEC == 16
    u16v d;
    __asm__("vcvtneps2bf16 %1, %0" : "=v"(d) : "v"(f));
    return d;
#elif CLACT_BF16_CVT && defined(__AVX512F__) && CLACT_VEC == 32
    u16v d;
    CLACT_CVT2BF16(d, f.hi, f.lo);
    return d;
#elif CLACT_BF16_CVT && defined(__AVX512F__) && CLACT_VEC == 64
    clact_u16x32_ a, b;
    CLACT_CVT2BF16(a, f.lo.hi, f.lo.lo);
    CLACT_CVT2BF16(b, f.hi.hi, f.hi.lo);
    return (u16v)(a, b);
#else
    const clact_u16x2v w = __builtin_astype(clact_bf16_round_v(f), clact_u16x2v);
#if CLACT_VEC == 2
    return __builtin_shufflevector(w, w, 1, 3);
#elif CLACT_VEC == 4
    return __builtin_shufflevector(w, w, 1, 3, 5, 7);
#elif CLACT_VEC == 8
    return __builtin_shufflevector(w, w, 1, 3, 5, 7, 9, 11, 13, 15);
#elif CLACT_VEC == 16
    return __builtin_shufflevector(w, w, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
#elif CLACT_VEC == 32
    return __builtin_shufflevector(w, w, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, 33, 35, 37, 39, 41, 43, 45, 47, 49, 51, 53, 55, 57, 59, 61, 63);
#else
    return __builtin_shufflevector(w, w, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, 33, 35, 37, 39, 41, 43, 45, 47, 49, 51, 53, 55, 57, 59, 61, 63, 65, 67, 69, 71, 73, 75, 77, 79, 81, 83, 85, 87, 89, 91, 93, 95, 97, 99, 101, 103, 105, 107, 109, 111, 113, 115, 117, 119, 121, 123, 125, 127);
#endif
#endif
}
#endif
/* v rounded to the storage type: CLACT_VEC stored elements as one vector */
typedef CLACT_VT_(CLACT_STORE_T) clact_rawv;
inline clact_rawv clact_to_raw(realv v)
{
#if CLACT_DTYPE == 2 && CLACT_CPU && CLACT_VEC > 1 && defined(__clang__)
    return clact_bf16_pack(v);
#elif defined(CLACT_F16_EXT)
    return __builtin_astype(__builtin_convertvector(v, clact_f16v_), clact_rawv);
#elif defined(CLACT_VTO_BITS)
    return CLACT_VTO_BITS(v);
#else
    return v;
#endif
}
inline void clact_stv(global store_t *p, size_t i, realv v)
{
#if defined(CLACT_F16_HW) && !defined(CLACT_F16_EXT)
    /* the core vstore_half, at most 16 wide, as the loads */
    global half *h = (global half *)(p + i);
#if CLACT_VEC == 32
    vstore_half16_rte(v.lo, 0, h);
    vstore_half16_rte(v.hi, 0, h + 16);
#elif CLACT_VEC == 64
    vstore_half16_rte(v.lo.lo, 0, h);
    vstore_half16_rte(v.lo.hi, 0, h + 16);
    vstore_half16_rte(v.hi.lo, 0, h + 32);
    vstore_half16_rte(v.hi.hi, 0, h + 48);
#else
    CLACT_CAT(CLACT_CAT(vstore_half, CLACT_VEC), _rte)(v, 0, h);
#endif
#else
    CLACT_RAW_ST(p, i, clact_to_raw(v));
#endif
}
#endif

/* Streaming stores (CPUs, clang: PoCL). A store to memory that is not in
 * the cache first reads the line it writes to (write-allocate), so a plain
 * store moves its bytes twice; a non-temporal store writes whole lines
 * around the cache and moves them once (a copy of a large tensor: 1.5x the
 * throughput). The same store evicts the result from the cache, which
 * costs the next kernel a reload where the tensor fits in the cache: the
 * host sets CLACT_STREAM_MIN (elements) to a call size whose data exceed
 * the device's cache, 0 for never. A streaming store needs an address
 * aligned to the vector's size; other positions store as usual.
 * x86 orders non-temporal stores only at fences and locked instructions:
 * the runtime's threads execute those when they take the next work-group
 * and when they signal the kernel's completion. */
#ifndef CLACT_STREAM_MIN
#define CLACT_STREAM_MIN 0
#endif
#if CLACT_CPU && CLACT_VEC > 1 && defined(__clang__) && CLACT_STREAM_MIN > 0
#define CLACT_STREAM(n) ((n) >= CLACT_STREAM_MIN)
/* The two branches below store the same value at the same address, and a
 * compiler may merge them into one store after the branch, keeping only
 * what both have in common: a plain store. An empty volatile asm after the
 * streaming store makes the branches differ. */
#define CLACT_KEEP_STORE() __asm__ __volatile__("")
/* A streaming store moves at most one 64-byte register. A wider vector
 * (CLACT_VEC 32 or 64: 128 or 256 bytes) is stored as 32-byte pieces: on a
 * Zen 5 through PoCL, with four 64-byte streaming stores back to back per
 * work-item a memory-bound kernel ran at 0.80-0.93 of the copy (n = 2^25),
 * with eight 32-byte ones at 0.98-1.07. (One 64-byte store per work-item,
 * CLACT_VEC 16, does as well as two 32-byte ones.) Positions are checked
 * for 64-byte alignment all the same. */
#define CLACT_NT_BYTES (sizeof(clact_rawv) < 64 ? sizeof(clact_rawv) : 64)
inline int clact_aligned(const global store_t *p, size_t i)
{
    return ((size_t)(p + i) & (CLACT_NT_BYTES - 1)) == 0;
}
#if CLACT_VEC >= 32 && CLACT_DTYPE == 0
typedef float8 clact_ntp_t; /* the 32-byte piece */
#elif CLACT_VEC == 64
typedef ushort16 clact_ntp_t;
#endif
#define CLACT_NT_PART(v, k) __builtin_nontemporal_store((v), (global clact_ntp_t *)(p + i) + (k))
inline void clact_nt_store(global store_t *p, size_t i, clact_rawv r)
{
#if CLACT_VEC == 64 && CLACT_DTYPE == 0 /* 256 bytes */
    CLACT_NT_PART(r.lo.lo.lo, 0);
    CLACT_NT_PART(r.lo.lo.hi, 1);
    CLACT_NT_PART(r.lo.hi.lo, 2);
    CLACT_NT_PART(r.lo.hi.hi, 3);
    CLACT_NT_PART(r.hi.lo.lo, 4);
    CLACT_NT_PART(r.hi.lo.hi, 5);
    CLACT_NT_PART(r.hi.hi.lo, 6);
    CLACT_NT_PART(r.hi.hi.hi, 7);
#elif CLACT_VEC >= 32 && (CLACT_VEC == 64 || CLACT_DTYPE == 0) /* 128 bytes */
    CLACT_NT_PART(r.lo.lo, 0);
    CLACT_NT_PART(r.lo.hi, 1);
    CLACT_NT_PART(r.hi.lo, 2);
    CLACT_NT_PART(r.hi.hi, 3);
#else
    __builtin_nontemporal_store(r, (global clact_rawv *)(p + i));
#endif
}
/* r at p + i, streaming when s */
inline void clact_raw_stvs(global store_t *p, size_t i, clact_rawv r, int s)
{
    if (s && clact_aligned(p, i)) {
        clact_nt_store(p, i, r);
        CLACT_KEEP_STORE();
    } else {
        CLACT_RAW_ST(p, i, r);
    }
}
inline void clact_stvs(global store_t *p, size_t i, realv v, int s)
{
    if (s && clact_aligned(p, i)) {
        clact_nt_store(p, i, clact_to_raw(v));
        CLACT_KEEP_STORE();
    } else {
        clact_stv(p, i, v);
    }
}
#else
#define CLACT_STREAM(n) 0
#define CLACT_KEEP_STORE() ((void)0)
#define clact_raw_stvs(p, i, r, s) CLACT_RAW_ST(p, i, r)
#define clact_stvs(p, i, v, s) clact_stv(p, i, v)
#endif

/* Prefetch (CPUs, clang: PoCL): a call that streams its result (its data
 * exceed the cache) also prefetches its inputs CLACT_PF_BYTES ahead. The
 * host picks the distance per op and device (clact__op_launch): 0, no
 * prefetch, on GPUs, for the copy, and for the piecewise-linear ops where
 * the tuning table says so (all CPUs but Intel's, and there their float32
 * forwards). */
#ifndef CLACT_PF_BYTES
#define CLACT_PF_BYTES 0
#endif
/* the forward kernel's distance (clact_prefetch_fwd), the host's choice
 * too: on some CPUs (Intel's) the forwards do better nearer */
#ifndef CLACT_PF_FWD
#define CLACT_PF_FWD CLACT_PF_BYTES
#endif
/* 1: the forward kernel prefetches into L2 only (the host's choice too:
 * float32 forwards with formulas on Intel CPUs) */
#ifndef CLACT_PF_FWD_L2
#define CLACT_PF_FWD_L2 0
#endif
/* the copy kernel's distance, into L2 (the host's choice: Intel CPUs) */
#ifndef CLACT_PF_COPY
#define CLACT_PF_COPY 0
#endif
#if CLACT_CPU && defined(__clang__) && (CLACT_PF_BYTES > 0 || CLACT_PF_FWD > 0 || CLACT_PF_COPY > 0) && \
    CLACT_STREAM_MIN > 0
/* the w elements at i, d bytes ahead: into L1 (prefetcht0), or into L2
 * (prefetcht1) where l2 (d, w and l2 constants) */
inline void clact_prefetch_at(const global store_t *p, size_t i, size_t n, int s, size_t d, int l2, size_t w)
{
    const size_t a = i + d / sizeof(store_t);
    if (d && s && a + w <= n)
        for (size_t b = 0; b < w * sizeof(store_t); b += 64) {
            if (l2)
                __builtin_prefetch((const global char *)(p + a) + b, 0, 2);
            else
                __builtin_prefetch((const global char *)(p + a) + b);
        }
}
#define clact_prefetch(p, i, n, s) clact_prefetch_at((p), (i), (n), (s), CLACT_PF_BYTES, 0, CLACT_VEC)
#define clact_prefetch_fwd(p, i, n, s) clact_prefetch_at((p), (i), (n), (s), CLACT_PF_FWD, CLACT_PF_FWD_L2, CLACT_VEC)
/* the copy kernel's (elementwise.cl): its CLACT_COPY_VEC elements, into L2 */
#define clact_prefetch_copy(p, i, n, s) clact_prefetch_at((p), (i), (n), (s), CLACT_PF_COPY, 1, CLACT_COPY_VEC)
#else
#define clact_prefetch(p, i, n, s) ((void)0)
#define clact_prefetch_fwd(p, i, n, s) ((void)0)
#define clact_prefetch_copy(p, i, n, s) ((void)0)
#endif

typedef union { realv v; real a[CLACT_VEC]; } clact_lanes;
inline realv clact_ldt(const global store_t *p, size_t i, size_t m)
{
    clact_lanes u;
    u.v = (realv)0;
    for (size_t k = 0; k < m; ++k) u.a[k] = clact_ld(p, i + k);
    return u.v;
}
inline void clact_stt(global store_t *p, size_t i, size_t m, realv v)
{
    clact_lanes u;
    u.v = v;
    for (size_t k = 0; k < m; ++k) clact_st(p, i + k, u.a[k]);
}
/* the same as arrays of CLACT_VEC elements, for kernels that keep per-lane
 * state in arrays */
#define CLACT_LDV(p, i, arr) do { clact_lanes u_; u_.v = clact_ldv((p), (i));                       \
        for (int k_ = 0; k_ < CLACT_VEC; ++k_) (arr)[k_] = u_.a[k_]; } while (0)
#define CLACT_STV(p, i, arr) do { clact_lanes u_;                                                   \
        for (int k_ = 0; k_ < CLACT_VEC; ++k_) u_.a[k_] = (arr)[k_];                                \
        clact_stv((p), (i), u_.v); } while (0)

#endif /* CLACT_TYPES_CL */
