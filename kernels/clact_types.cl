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
#if CLACT_DTYPE == 1
typedef half store_t; /* pointer use only: no cl_khr_fp16 needed */
#elif CLACT_DTYPE == 2
typedef ushort store_t; /* bfloat16 bits */
#else
typedef float store_t;
#endif
#endif

#if CLACT_DTYPE == 2
inline float clact_bf16_to_float(ushort u) { return as_float((uint)u << 16); }
inline ushort clact_float_to_bf16(float f)
{
    uint b = as_uint(f);
    if ((b & 0x7fffffffu) > 0x7f800000u) return (ushort)((b >> 16) | 0x0040u); /* quiet NaN */
    b += 0x7fffu + ((b >> 16) & 1u); /* round to nearest even */
    return (ushort)(b >> 16);
}
#endif

/* scalar load/store of element i */
inline real clact_ld(const global store_t *p, size_t i)
{
#if CLACT_DTYPE == 1
    return vload_half(i, p);
#elif CLACT_DTYPE == 2
    return clact_bf16_to_float(p[i]);
#else
    return p[i];
#endif
}
inline void clact_st(global store_t *p, size_t i, real v)
{
#if CLACT_DTYPE == 1
    vstore_half_rte(v, i, p);
#elif CLACT_DTYPE == 2
    p[i] = clact_float_to_bf16(v);
#else
    p[i] = v;
#endif
}

/* CLACT_VEC consecutive elements starting at p + i (no alignment needed) */
#if CLACT_VEC == 1
#define CLACT_LDV(p, i, a) do { (a)[0] = clact_ld((p), (i)); } while (0)
#define CLACT_STV(p, i, a) do { clact_st((p), (i), (a)[0]); } while (0)
#else
#define CLACT_VREAL CLACT_CAT(CLACT_REAL_T, CLACT_VEC)
typedef union { CLACT_VREAL v; real a[CLACT_VEC]; } clact_vec_u;
#if CLACT_DTYPE == 1
#define CLACT_VLOAD(i, p) CLACT_CAT(vload_half, CLACT_VEC)(0, (p) + (i))
#define CLACT_VSTORE(v, i, p) CLACT_CAT(CLACT_CAT(vstore_half, CLACT_VEC), _rte)((v), 0, (p) + (i))
#elif CLACT_DTYPE == 2
#define CLACT_VUINT CLACT_CAT(uint, CLACT_VEC)
#define CLACT_VUSHORT CLACT_CAT(ushort, CLACT_VEC)
#define CLACT_VLOAD(i, p) \
    CLACT_CAT(as_float, CLACT_VEC)(CLACT_CAT(convert_uint, CLACT_VEC)(CLACT_CAT(vload, CLACT_VEC)(0, (p) + (i))) << 16)
#define CLACT_VSTORE(v, i, p) do {                                                   \
        CLACT_VUINT b_ = CLACT_CAT(as_uint, CLACT_VEC)(v);                           \
        CLACT_VUINT r_ = (b_ + 0x7fffu + ((b_ >> 16) & 1u)) >> 16;                   \
        CLACT_VUINT q_ = (b_ >> 16) | 0x40u;                                         \
        r_ = select(r_, q_, (b_ & 0x7fffffffu) > 0x7f800000u);                      \
        CLACT_CAT(vstore, CLACT_VEC)(CLACT_CAT(convert_ushort, CLACT_VEC)(r_), 0, (p) + (i)); \
    } while (0)
#else
#define CLACT_VLOAD(i, p) CLACT_CAT(vload, CLACT_VEC)(0, (p) + (i))
#define CLACT_VSTORE(v, i, p) CLACT_CAT(vstore, CLACT_VEC)((v), 0, (p) + (i))
#endif
#define CLACT_LDV(p, i, arr) do { clact_vec_u u_; u_.v = CLACT_VLOAD((i), (p));   \
        for (int k_ = 0; k_ < CLACT_VEC; ++k_) (arr)[k_] = u_.a[k_]; } while (0)
#define CLACT_STV(p, i, arr) do { clact_vec_u u_;                                 \
        for (int k_ = 0; k_ < CLACT_VEC; ++k_) u_.a[k_] = (arr)[k_];               \
        CLACT_VSTORE(u_.v, (i), (p)); } while (0)
#endif

#endif /* CLACT_TYPES_CL */
