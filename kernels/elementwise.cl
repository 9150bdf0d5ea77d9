/* elementwise.cl - the generic activation kernels, specialised by -D
 * (see clact_types.cl). One work-item handles CLACT_VEC consecutive
 * elements as one realv; the last one loads its tail into the first lanes
 * (clact_ldt), so any n works without a rebuild. Offsets and sizes are in
 * elements.
 *
 * The op is chosen by CLACT_FWD / CLACT_GRAD: clact_fwd_<op>,
 * clact_grad_<op> (from x) or clact_grady_<op> (from y), from clact_ops.cl.
 */
#ifndef CLACT_EMBEDDED
#include "clact_types.cl"
#include "clact_math.cl"
#include "clact_ops.cl"
#endif

/* double where the device has it (the host says so): the weight-gradient
 * sums and, on CPUs, the index arithmetic */
#ifndef CLACT_HAS_FP64
#define CLACT_HAS_FP64 0
#endif
#if CLACT_HAS_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

/* ---- plain elementwise ops ------------------------------------------- */
kernel void clact_fwd(const global store_t *x, ulong x_off, global store_t *y, ulong y_off,
                      ulong n, real p0, real p1)
{
    const size_t i = get_global_id(0) * CLACT_VEC;
    x += x_off;
    y += y_off;
    if (i + CLACT_VEC <= n) {
        clact_prefetch_fwd(x, i, n, CLACT_STREAM(n));
        clact_stvs(y, i, CLACT_FWD(clact_ldv(x, i), p0, p1), CLACT_STREAM(n));
    } else if (i < n) {
        const size_t m = n - i;
        clact_stt(y, i, m, CLACT_FWD(clact_ldt(x, i, m), p0, p1));
    }
}

kernel void clact_bwd(const global store_t *s, ulong s_off, const global store_t *dy, ulong dy_off,
                      global store_t *dx, ulong dx_off, ulong n, real p0, real p1)
{
    const size_t i = get_global_id(0) * CLACT_VEC;
    s += s_off;
    dy += dy_off;
    dx += dx_off;
    if (i + CLACT_VEC <= n) {
        clact_prefetch(s, i, n, CLACT_STREAM(n));
        clact_prefetch(dy, i, n, CLACT_STREAM(n));
        clact_stvs(dx, i, clact_ldv(dy, i) * CLACT_GRAD(clact_ldv(s, i), p0, p1), CLACT_STREAM(n));
    } else if (i < n) {
        const size_t m = n - i;
        clact_stt(dx, i, m, clact_ldt(dy, i, m) * CLACT_GRAD(clact_ldt(s, i, m), p0, p1));
    }
}

/* plain copy of the stored bits: the bandwidth yardstick. A work-item
 * moves CLACT_COPY_VEC elements (the host sets it: CLACT_VEC, or on a CPU
 * at most 64 bytes, one AVX-512 register). Through PoCL on a 2-core Xeon,
 * float16 copied 35-36 GB/s at 64 elements (128 bytes) per work-item and
 * 43-46 at 32, where the op kernels lost nothing at 64 (n = 2^27): the
 * yardstick takes its faster width. */
#ifndef CLACT_COPY_VEC
#define CLACT_COPY_VEC CLACT_VEC
#endif
/* A call that streams also prefetches its input CLACT_PF_COPY bytes
 * ahead into L2 where the host asks (Intel CPUs; clact_prefetch_copy):
 * the Xeon's copy moved 15-20% more with it, so the yardstick is that
 * faster copy. */
#if CLACT_COPY_VEC == CLACT_VEC
kernel void clact_copy(const global store_t *x, ulong x_off, global store_t *y, ulong y_off, ulong n)
{
    const size_t i = get_global_id(0) * CLACT_VEC;
    x += x_off;
    y += y_off;
    if (i + CLACT_VEC <= n) {
        clact_prefetch_copy(x, i, n, CLACT_STREAM(n));
        clact_raw_stvs(y, i, CLACT_RAW_LD(x, i), CLACT_STREAM(n));
    } else
        for (size_t j = i; j < n; ++j) y[j] = x[j];
}
#else
/* CLACT_VEC 32 or 64 (clang vector extensions, CPUs) */
typedef store_t __attribute__((ext_vector_type(CLACT_COPY_VEC))) clact_copyv;
typedef store_t __attribute__((ext_vector_type(CLACT_COPY_VEC), aligned(sizeof(store_t)))) clact_copyv_u;
kernel void clact_copy(const global store_t *x, ulong x_off, global store_t *y, ulong y_off, ulong n)
{
    const size_t i = get_global_id(0) * CLACT_COPY_VEC;
    x += x_off;
    y += y_off;
    if (i + CLACT_COPY_VEC <= n) {
        clact_prefetch_copy(x, i, n, CLACT_STREAM(n));
        const clact_copyv_u v = *(const global clact_copyv_u *)(x + i);
        if (CLACT_STREAM(n) && clact_aligned(y, i)) { /* 64 bytes, as this store */
            __builtin_nontemporal_store((clact_copyv)v, (global clact_copyv *)(y + i));
            CLACT_KEEP_STORE();
        } else {
            *(global clact_copyv_u *)(y + i) = v;
        }
    } else {
        for (size_t j = i; j < n; ++j) y[j] = x[j];
    }
}
#endif

/* ---- prelu: weight per channel; x viewed as [outer, C, inner] --------- */

/* q = i / d, r = i % d (d >= 1), d made by clact_div_make.
 * CPUs: an integer division per vector costs as much as moving a vector of
 * 16-bit elements, so the high half of the 128-bit product i m instead,
 * m = floor((2^64 - 1)/d). i m/2^64 lies in (i/d - 1, i/d], so its integer
 * part is q or q - 1, which the remainder's size corrects. Each kernel
 * makes its divisors first, before any branch, so that the runtime's loop
 * over a work-group's items divides once for all of them (after a branch
 * the compiler may not move a division that could trap out of the loop).
 * Against i (1/d) in double, with two conversions between integer and
 * floating point and a correction either way: float16 prelu's forward,
 * whose work-items find their channel by two of these, went 69 -> 115
 * GB/s in cache (n = 2^21, medians of 3; bfloat16 123 -> 152).
 * GPUs: 32-bit division when it fits (several times cheaper than 64-bit). */
typedef struct {
    size_t d;
    ulong m; /* CPUs: floor((2^64 - 1)/d) */
} clact_div;
inline clact_div clact_div_make(size_t d)
{
    clact_div v;
    v.d = d;
#if CLACT_CPU
    v.m = (ulong)-1 / (ulong)max(d, (size_t)1); /* d = 0 (no positions): no trap */
#else
    v.m = 0;
#endif
    return v;
}
inline void clact_divmod(size_t i, clact_div d, size_t *q, size_t *r)
{
#if CLACT_CPU
#ifdef __SIZEOF_INT128__
    const ulong q0 = (ulong)(((unsigned __int128)i * d.m) >> 64);
#else
    const ulong q0 = mul_hi((ulong)i, d.m);
#endif
    const ulong r0 = (ulong)i - q0 * (ulong)d.d;
    const int hi = r0 >= (ulong)d.d;
    *q = (size_t)(q0 + (ulong)hi);
    *r = (size_t)(hi ? r0 - (ulong)d.d : r0);
#else
    if (i <= 0xffffffffu && d.d <= 0xffffffffu) {
        const uint q32 = (uint)i / (uint)d.d;
        *q = q32;
        *r = (uint)i - q32 * (uint)d.d;
    } else {
        *q = i / d.d;
        *r = i - *q * d.d;
    }
#endif
}

/* the channel weights of m consecutive elements from (r, c) on, per lane */
inline realv clact_prelu_lanes(const global store_t *w, size_t m, size_t r, size_t c, size_t inner, size_t C)
{
    clact_lanes u;
    u.v = (realv)0;
    for (size_t k = 0; k < m; ++k) {
        u.a[k] = clact_ld(w, c);
        if (++r == inner) { r = 0; if (++c == C) c = 0; }
    }
    return u.v;
}

/* i = (o * C + c) * inner + r: r and c of element i */
inline void clact_split(size_t i, clact_div inner, clact_div C, size_t *r, size_t *c)
{
    size_t q, o;
    clact_divmod(i, inner, &q, r);
    clact_divmod(q, C, &o, c);
}

/* CLACT_CH_WPT vectors per work-item (host's choice: CPUs 4, or 8 where
 * the 16-bit vectors are narrowed to 32 elements, src/tuning.c): the channel
 * of the first element is found once for all of them when they lie in one
 * channel, as they do but at a channel's end; the index arithmetic would
 * otherwise cost as much as moving a vector of 16-bit elements. */
#ifndef CLACT_CH_WPT
#define CLACT_CH_WPT 1
#endif
#define CLACT_CH_SPAN (CLACT_VEC * CLACT_CH_WPT)

/* one vector at i (i < n), any position */
inline void clact_prelu_fwd_vec(const global store_t *x, global store_t *y, size_t n, const global store_t *w,
                                clact_div dc, clact_div di, size_t i)
{
    const size_t C = dc.d, inner = di.d;
    size_t r, c;
    clact_split(i, di, dc, &r, &c);
    if (i + CLACT_VEC <= n && r + CLACT_VEC <= inner) { /* one channel: vector path */
        clact_stv(y, i, clact_fwd_prelu(clact_ldv(x, i), clact_ld(w, c), 0));
        return;
    }
    const size_t m = min(n - i, (size_t)CLACT_VEC);
    clact_stt(y, i, m, clact_fwd_prelu(clact_ldt(x, i, m), clact_prelu_lanes(w, m, r, c, inner, C), 0));
}

kernel void clact_prelu_fwd(const global store_t *x, ulong x_off, global store_t *y, ulong y_off,
                            ulong n, const global store_t *w, ulong C, ulong inner)
{
    const clact_div dc = clact_div_make(C), di = clact_div_make(inner);
    const size_t i0 = get_global_id(0) * CLACT_CH_SPAN;
    if (i0 >= n) return;
    x += x_off;
    y += y_off;
    size_t r, c;
    clact_split(i0, di, dc, &r, &c);
    if (i0 + CLACT_CH_SPAN <= n && r + CLACT_CH_SPAN <= inner) { /* one channel */
        const realv wc = clact_ld(w, c);
        for (size_t i = i0; i < i0 + CLACT_CH_SPAN; i += CLACT_VEC) {
            clact_prefetch_fwd(x, i, n, CLACT_STREAM(n));
            clact_stvs(y, i, clact_fwd_prelu(clact_ldv(x, i), wc, 0), CLACT_STREAM(n));
        }
        return;
    }
    for (size_t i = i0; i < i0 + CLACT_CH_SPAN && i < n; i += CLACT_VEC) clact_prelu_fwd_vec(x, y, n, w, dc, di, i);
}

inline void clact_prelu_bwd_vec(const global store_t *x, const global store_t *dy, global store_t *dx, size_t n,
                                const global store_t *w, clact_div dc, clact_div di, size_t i)
{
    const size_t C = dc.d, inner = di.d;
    size_t r, c;
    clact_split(i, di, dc, &r, &c);
    if (i + CLACT_VEC <= n && r + CLACT_VEC <= inner) {
        clact_stv(dx, i, clact_ldv(dy, i) * clact_grad_prelu(clact_ldv(x, i), clact_ld(w, c), 0));
        return;
    }
    const size_t m = min(n - i, (size_t)CLACT_VEC);
    const realv wl = clact_prelu_lanes(w, m, r, c, inner, C);
    clact_stt(dx, i, m, clact_ldt(dy, i, m) * clact_grad_prelu(clact_ldt(x, i, m), wl, 0));
}

kernel void clact_prelu_bwd(const global store_t *x, ulong x_off, const global store_t *dy, ulong dy_off,
                            global store_t *dx, ulong dx_off, ulong n,
                            const global store_t *w, ulong C, ulong inner)
{
    const clact_div dc = clact_div_make(C), di = clact_div_make(inner);
    const size_t i0 = get_global_id(0) * CLACT_CH_SPAN;
    if (i0 >= n) return;
    x += x_off;
    dy += dy_off;
    dx += dx_off;
    size_t r, c;
    clact_split(i0, di, dc, &r, &c);
    if (i0 + CLACT_CH_SPAN <= n && r + CLACT_CH_SPAN <= inner) {
        const realv wc = clact_ld(w, c);
        for (size_t i = i0; i < i0 + CLACT_CH_SPAN; i += CLACT_VEC)
            clact_stvs(dx, i, clact_ldv(dy, i) * clact_grad_prelu(clact_ldv(x, i), wc, 0), CLACT_STREAM(n));
        return;
    }
    for (size_t i = i0; i < i0 + CLACT_CH_SPAN && i < n; i += CLACT_VEC)
        clact_prelu_bwd_vec(x, dy, dx, n, w, dc, di, i);
}

/* Weight gradient, pass 1: work-group g handles channel g / P, chunk g % P
 * of the channel's outer*inner positions; each work-item sums a strided
 * share, then a fixed-order tree (CLACT_RED_LOCAL > 1; CPUs run one item
 * per group, whose sum is the group's). With want_dx it also writes the input
 * gradient dx = dy * prelu'(x) of the positions it visits (every element
 * once): one pass over x and dy instead of two when the channel's blocks
 * are long enough for vector access. Deterministic for a given (shape, local
 * size). Sums are kept in double where the device has it (the terms have
 * both signs, so a float sum of 10^6 of them could lose most digits);
 * otherwise in float with Kahan compensation per work-item. */
#ifndef CLACT_RED_LOCAL
#define CLACT_RED_LOCAL 256
#endif
#if CLACT_HAS_FP64
typedef double acc_t;
typedef CLACT_VT_(double) accv_t;
typedef union { accv_t v; double a[CLACT_VEC]; } clact_acc_lanes;
#define CLACT_TO_ACCV(v) CLACT_CAT(convert_, CLACT_VT_(double))(v)
/* a comparison of realv as a mask of accv_t's element size */
#define CLACT_ACC_MASK(m) CLACT_CAT(convert_, CLACT_VT_(long))(m)
#else
typedef real acc_t;
#endif

/* On CPUs with AVX-512 this pass, in float, is bound by its operations,
 * not by memory (without the sums, bfloat16's ran 17% faster at full
 * size), so two of them come from AVX-512 itself:
 * - prelu'(x) as one vfixupimmps by the class of x (clact_grad_prelu
 *   there, CLACT_PW512 in clact_ops.cl), where compares and selects took
 *   four;
 * - bfloat16's terms in float: x dy has at most 16 significant bits, so
 *   q = (x 2^64) dy is exact wherever it is a normal float, i.e. for
 *   products in [2^-190, 2^64). q is converted once where x and dy each
 *   were, and the lanes' sums are scaled back by 2^-64 (exact) at the
 *   end. A share whose sum comes out NaN or infinite (a NaN or infinite
 *   input, 0 * inf beside a positive x, a product of 2^64 or more) is
 *   summed again with exact double products, which mask what x > 0 and
 *   NaN x leave out. A product x dy below 2^-190 gives a subnormal q: it
 *   loses at most 2^-213 (after the scaling), where bfloat16's smallest
 *   subnormal is 2^-133. (A test of every vector's q for NaN, infinities
 *   and subnormals (vfpclassps) had cost 10% in cache.) */
#if CLACT_CPU && CLACT_HAS_FP64 && CLACT_DTYPE != 3 && defined(__AVX512F__) && defined(__clang__) && \
    CLACT_VEC % 16 == 0
#define CLACT_DW_SCALED (CLACT_DTYPE == 2)
#else
#define CLACT_DW_SCALED 0
#endif

/* The sum of x dy over x <= 0 at positions j, j + step, ... below e of
 * channel c (CLACT_VEC at a time where they lie in one block of inner),
 * and dx at the same positions where want_dx; exact: bfloat16's products
 * in double (below) */
CLACT_INLINE acc_t clact_dw_share(const global store_t *x, const global store_t *dy, global store_t *dx, size_t C,
                                  size_t c, size_t inner, clact_div di, size_t m, size_t j, size_t e, size_t step,
                                  real wc, int want_dx, int exact)
{
    (void)exact; /* bfloat16 on AVX-512 only */
#if CLACT_HAS_FP64
    accv_t a = 0; /* per lane; summed in lane order at the end */
    acc_t a0 = 0; /* the element-by-element path */
#else
    acc_t comp = 0, s = 0;
#endif
    size_t o, r;
    clact_divmod(j, di, &o, &r); /* position j = o * inner + r */
    for (; j < e; j += step) {
        const size_t idx = (o * C + c) * inner + r;
        if (j + CLACT_VEC <= e && r + CLACT_VEC <= inner) {
            clact_prefetch(x, idx, m * C, CLACT_STREAM(m * C));
            clact_prefetch(dy, idx, m * C, CLACT_STREAM(m * C));
            const realv xv = clact_ldv(x, idx), gv = clact_ldv(dy, idx);
            if (want_dx) clact_stvs(dx, idx, gv * clact_grad_prelu(xv, wc, 0), CLACT_STREAM(m * C));
#if CLACT_DW_SCALED
            /* (x 2^64) dy, 0 where x > 0 (0 dy is NaN for infinite dy:
             * the exact pass masks it) */
            if (exact)
                a += CLACT_ACC_MASK(xv <= 0) ? CLACT_TO_ACCV(xv) * CLACT_TO_ACCV(gv) * 0x1p64 : (accv_t)0;
            else
                a += CLACT_TO_ACCV((xv <= 0 ? xv * 0x1p64f : (realv)0) * gv);
#elif CLACT_HAS_FP64
#if CLACT_DTYPE == 1
            /* two halves: at most 22 significant bits, magnitudes in
             * [2^-48, 2^32], so the float product is exact; converted once.
             * (Not bfloat16: its products can leave float's range.) */
            const accv_t prod = CLACT_TO_ACCV(xv * gv);
#else
            const accv_t prod = CLACT_TO_ACCV(xv) * CLACT_TO_ACCV(gv); /* exact */
#endif
            a += CLACT_ACC_MASK(xv <= 0) ? prod : (accv_t)0;
#else
            clact_lanes u;
            u.v = xv <= 0 ? xv * gv : (realv)0;
            acc_t t = 0;
            for (int k = 0; k < CLACT_VEC; ++k) t += u.a[k];
            CLACT_KAHAN(acc_t, s, comp, t);
#endif
        } else { /* crosses an outer block or the end: element by element */
            size_t oo = o, rr = r;
            for (size_t q = j; q < min(e, j + CLACT_VEC); ++q) {
                const size_t id = (oo * C + c) * inner + rr;
                const real xs = clact_ld(x, id), gs = clact_ld(dy, id);
                if (want_dx) { /* lane 0 of a splat */
                    clact_lanes u;
                    u.v = gs * clact_grad_prelu((realv)xs, wc, 0);
                    clact_st(dx, id, u.a[0]);
                }
                const acc_t t = xs <= 0 ? (acc_t)xs * (acc_t)gs : (acc_t)0;
#if CLACT_HAS_FP64
                a0 += t;
#else
                CLACT_KAHAN(acc_t, s, comp, t);
#endif
                if (++rr == inner) { rr = 0; ++oo; }
            }
        }
        r += step; /* advance without a division when possible */
        if (r >= inner) {
            size_t q;
            clact_divmod(r, di, &q, &r);
            o += q;
        }
    }
#if CLACT_HAS_FP64
    clact_acc_lanes ua;
    ua.v = a;
#if CLACT_DW_SCALED
    acc_t s = 0;
    for (int k = 0; k < CLACT_VEC; ++k) s += ua.a[k];
    return a0 + s * 0x1p-64;
#else
    acc_t s = a0;
    for (int k = 0; k < CLACT_VEC; ++k) s += ua.a[k];
    return s;
#endif
#else
    return s;
#endif
}

__attribute__((reqd_work_group_size(CLACT_RED_LOCAL, 1, 1)))
kernel void clact_prelu_dw_partial(const global store_t *x, ulong x_off, const global store_t *dy, ulong dy_off,
                                   ulong outer, ulong C, ulong inner, ulong P, ulong chunk,
                                   global acc_t *partial, const global store_t *w, global store_t *dx,
                                   ulong dx_off, int want_dx)
{
#if CLACT_RED_LOCAL > 1
    local acc_t sh[CLACT_RED_LOCAL];
#endif
    const clact_div di = clact_div_make(inner);
    const size_t g = get_group_id(0), l = get_local_id(0);
    const size_t c = g / P, p = g % P, m = outer * inner;
    x += x_off;
    dy += dy_off;
    dx += dx_off;
    const real wc = want_dx ? clact_ld(w, c) : (real)0;
    const size_t b = p * chunk;
#if CLACT_CPU
    /* work-item l takes the l-th of CLACT_RED_LOCAL consecutive pieces:
     * one thread runs the items of a group one after the other, so each
     * streams through memory */
    const size_t step = CLACT_VEC;
    const size_t sub = ((chunk + CLACT_RED_LOCAL - 1) / CLACT_RED_LOCAL + CLACT_VEC - 1) / CLACT_VEC * CLACT_VEC;
    const size_t e = min(m, min(b + chunk, b + (l + 1) * sub));
    const size_t j = b + l * sub;
#else
    /* work-item l takes CLACT_VEC consecutive positions out of every
     * CLACT_RED_LOCAL * CLACT_VEC: vector loads, coalesced across items */
    const size_t step = (size_t)CLACT_RED_LOCAL * CLACT_VEC;
    const size_t e = min(m, b + chunk);
    const size_t j = b + l * CLACT_VEC;
#endif
    acc_t s = clact_dw_share(x, dy, dx, C, c, inner, di, m, j, e, step, wc, want_dx, 0);
#if CLACT_DW_SCALED
    if (!isfinite(s)) s = clact_dw_share(x, dy, dx, C, c, inner, di, m, j, e, step, wc, 0, 1);
#endif
#if CLACT_RED_LOCAL > 1
    sh[l] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (size_t h = CLACT_RED_LOCAL / 2; h > 0; h >>= 1) {
        if (l < h) sh[l] += sh[l + h];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (l == 0) partial[g] = sh[0];
#else
    partial[g] = s; /* one item per group (CPUs, see clact__tuning_init) */
#endif
}

/* pass 2: one work-item per channel sums its P partials in order */
kernel void clact_prelu_dw_final(const global acc_t *partial, ulong P, global store_t *dw, ulong C)
{
    const size_t c = get_global_id(0);
    if (c >= C) return;
    acc_t s = 0, comp = 0;
    for (size_t p = 0; p < P; ++p) CLACT_KAHAN(acc_t, s, comp, partial[c * P + p]);
    clact_st(dw, c, (real)s);
}

/* ---- crelu: x [outer, C, inner] -> y [outer, 2C, inner] -----------------
 * Element i = o blk + r (blk = C inner) goes to y[o 2 blk + r] (relu(x))
 * and y[o 2 blk + blk + r] (relu(-x)): y's index is i + o blk. A
 * work-item takes CLACT_CH_WPT vectors and finds o once for all of them
 * when they lie in one block, as they do but at a block's end. */

/* i = o blk + r, and whether elements [i, i + span) exist and lie in
 * block o */
inline int clact_crelu_block(size_t i, size_t span, size_t n, clact_div blk, size_t *o, size_t *r)
{
    clact_divmod(i, blk, o, r);
    return i + span <= n && *r + span <= blk.d;
}

/* one vector at i (i < n), any position */
inline void clact_crelu_fwd_vec(const global store_t *x, global store_t *y, size_t n, clact_div bd, size_t i, int s)
{
    const size_t blk = bd.d;
    size_t r, o;
    if (clact_crelu_block(i, CLACT_VEC, n, bd, &o, &r)) { /* one block: vector path */
        const realv v = clact_ldv(x, i);
        clact_stvs(y, i + o * blk, clact_fwd_relu(v, 0, 0), s);
        clact_stvs(y, i + o * blk + blk, clact_fwd_relu(-v, 0, 0), s);
        return;
    }
    const size_t m = min(n - i, (size_t)CLACT_VEC);
    const realv v = clact_ldt(x, i, m);
    clact_lanes p, q;
    p.v = clact_fwd_relu(v, 0, 0);
    q.v = clact_fwd_relu(-v, 0, 0);
    for (size_t k = 0; k < m; ++k) {
        const size_t pos = o * 2 * blk + r;
        clact_st(y, pos, p.a[k]);
        clact_st(y, pos + blk, q.a[k]);
        if (++r == blk) { r = 0; ++o; }
    }
}

kernel void clact_crelu_fwd(const global store_t *x, ulong x_off, global store_t *y, ulong y_off,
                            ulong n, ulong C, ulong inner)
{
    const clact_div bd = clact_div_make(C * inner);
    const size_t i0 = get_global_id(0) * CLACT_CH_SPAN;
    if (i0 >= n) return;
    x += x_off;
    y += y_off;
    const size_t blk = bd.d;
    const int s = CLACT_STREAM(n);
    size_t o, r;
    if (clact_crelu_block(i0, CLACT_CH_SPAN, n, bd, &o, &r)) {
        /* both halves vector by vector: on CPUs with streaming stores this
         * measured faster at large sizes than each half in one run */
        global store_t *yp = y + o * blk, *yn = yp + blk;
        for (size_t i = i0; i < i0 + CLACT_CH_SPAN; i += CLACT_VEC) {
            clact_prefetch_fwd(x, i, n, s);
            const realv v = clact_ldv(x, i);
            clact_stvs(yp, i, clact_fwd_relu(v, 0, 0), s);
            clact_stvs(yn, i, clact_fwd_relu(-v, 0, 0), s);
        }
        return;
    }
    for (size_t i = i0; i < i0 + CLACT_CH_SPAN && i < n; i += CLACT_VEC) clact_crelu_fwd_vec(x, y, n, bd, i, s);
}

/* d/dx [relu(x), relu(-x)] . [dp, dn] = dp*(x>0) - dn*(x<0), both
 * factors NaN for x NaN (one test for it) */
inline realv clact_crelu_grad(realv v, realv gp, realv gn)
{
#if CLACT_PW512
#define CLACT_GCRELU_P(s) \
    (gp s * CLACT_FIX_16((float16)0.0f, v s, CLACT_FIX_RELU, (ushort)0xffff) - \
     gn s * CLACT_FIX_16((float16)0.0f, v s, CLACT_FIX_NEG, (ushort)0xffff))
    return CLACT_BY16(CLACT_GCRELU_P);
#else
    const realv z = CLACT_OR_NAN(v, 0);
    return gp * (v > 0 ? (realv)1 : z) - gn * (v < 0 ? (realv)1 : z);
#endif
}

inline void clact_crelu_bwd_vec(const global store_t *x, const global store_t *dy, global store_t *dx, size_t n,
                                clact_div bd, size_t i, int s)
{
    const size_t blk = bd.d;
    size_t r, o;
    if (clact_crelu_block(i, CLACT_VEC, n, bd, &o, &r)) {
        const size_t pos = i + o * blk;
        clact_stvs(dx, i, clact_crelu_grad(clact_ldv(x, i), clact_ldv(dy, pos), clact_ldv(dy, pos + blk)), s);
        return;
    }
    /* crosses a block or the end: gather dy lane by lane */
    const size_t m = min(n - i, (size_t)CLACT_VEC);
    clact_lanes up, un;
    up.v = un.v = (realv)0;
    for (size_t k = 0; k < m; ++k) {
        const size_t pos = o * 2 * blk + r;
        up.a[k] = clact_ld(dy, pos);
        un.a[k] = clact_ld(dy, pos + blk);
        if (++r == blk) { r = 0; ++o; }
    }
    clact_stt(dx, i, m, clact_crelu_grad(clact_ldt(x, i, m), up.v, un.v));
}

kernel void clact_crelu_bwd(const global store_t *x, ulong x_off, const global store_t *dy, ulong dy_off,
                            global store_t *dx, ulong dx_off, ulong n, ulong C, ulong inner)
{
    const clact_div bd = clact_div_make(C * inner);
    const size_t i0 = get_global_id(0) * CLACT_CH_SPAN;
    if (i0 >= n) return;
    x += x_off;
    dy += dy_off;
    dx += dx_off;
    const size_t blk = bd.d;
    const int s = CLACT_STREAM(n);
    size_t o, r;
    if (clact_crelu_block(i0, CLACT_CH_SPAN, n, bd, &o, &r)) {
        const global store_t *gp = dy + o * blk, *gn = gp + blk;
        for (size_t i = i0; i < i0 + CLACT_CH_SPAN; i += CLACT_VEC) {
            clact_prefetch(x, i, n, s); /* gp + n and gn + n lie within dy */
            clact_prefetch(gp, i, n, s);
            clact_prefetch(gn, i, n, s);
            clact_stvs(dx, i, clact_crelu_grad(clact_ldv(x, i), clact_ldv(gp, i), clact_ldv(gn, i)), s);
        }
        return;
    }
    for (size_t i = i0; i < i0 + CLACT_CH_SPAN && i < n; i += CLACT_VEC) clact_crelu_bwd_vec(x, dy, dx, n, bd, i, s);
}
