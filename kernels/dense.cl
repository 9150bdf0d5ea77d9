/* dense.cl - kernels around the matrix products of the dense layer
 * y = act(x W^T + b), and the small kernels a training loop needs next to
 * them: dead-unit statistics, softmax cross-entropy, SGD with momentum.
 *
 * Built after clact_types.cl, clact_math.cl and clact_ops.cl with the same
 * options as the elementwise kernels (CLACT_DTYPE, CLACT_VEC, CLACT_FWD,
 * CLACT_GRAD) plus
 *   CLACT_DENSE_IDENTITY 1: no activation (a linear layer): CLACT_FWD and
 *                        CLACT_GRAD are ignored; only this build also has
 *                        the kernels that do not depend on the op
 *                        (statistics, softmax cross-entropy, SGD).
 * Matrices are row-major; offsets and sizes count elements. The prelu slope
 * comes in through the weight arguments (wmode 0: none, 1: one shared
 * slope w[0], 2: one slope per column w[c]); other ops take p0, p1.
 */
#ifndef CLACT_EMBEDDED
#include "clact_types.cl"
#include "clact_math.cl"
#include "clact_ops.cl"
#endif

#ifndef CLACT_DENSE_IDENTITY
#define CLACT_DENSE_IDENTITY 0
#endif

#if CLACT_DENSE_IDENTITY
inline realv clact_dense_act(realv x, realv a, realv b) { return x; }
inline realv clact_dense_dact(realv x, realv a, realv b) { return (realv)1; }
#else
#define clact_dense_act CLACT_FWD
#define clact_dense_dact CLACT_GRAD
#endif

/* the first parameter of the op in column c */
inline real clact_dense_p0(const global store_t *w, int wmode, size_t c, real p0)
{
    return wmode == 2 ? clact_ld(w, c) : (wmode == 1 ? clact_ld(w, 0) : p0);
}
/* the same for the m <= CLACT_VEC columns from c0 on, per lane */
inline realv clact_dense_p0v(const global store_t *w, int wmode, size_t c0, size_t m, real p0)
{
    if (wmode != 2) return (realv)clact_dense_p0(w, wmode, c0, p0);
    if (m == CLACT_VEC) return clact_ldv(w, c0);
    return clact_ldt(w, c0, m);
}

/* ---- forward epilogue: y = act(acc + b), optionally z = acc + b --------
 * 2-D range: dim 0 covers the N columns CLACT_VEC at a time, dim 1 the M
 * rows. acc may be the same buffer and offset as y or z (the matrix
 * product is written there first): each element is read once, then
 * written, by the same work-item. */
kernel void clact_dense_fwd(const global store_t *acc, ulong acc_off, global store_t *y, ulong y_off,
                            global store_t *z, ulong z_off, int has_z,
                            const global store_t *b, ulong b_off, int has_b,
                            const global store_t *w, int wmode, ulong M, ulong N, real p0, real p1)
{
    const size_t c0 = get_global_id(0) * CLACT_VEC, r = get_global_id(1);
    if (c0 >= N || r >= M) return;
    const size_t base = r * N + c0;
    acc += acc_off + base;
    y += y_off + base;
    z += z_off + base; /* unused unless has_z */
    b += b_off + c0;
    const realv a = clact_dense_p0v(w, wmode, c0, min((size_t)N - c0, (size_t)CLACT_VEC), p0);
    if (c0 + CLACT_VEC <= N) {
        realv v = clact_ldv(acc, 0);
        if (has_b) v += clact_ldv(b, 0);
        if (has_z) clact_stv(z, 0, v);
        clact_stv(y, 0, clact_dense_act(v, a, p1));
    } else {
        const size_t m = (size_t)N - c0;
        realv v = clact_ldt(acc, 0, m);
        if (has_b) v += clact_ldt(b, 0, m);
        if (has_z) clact_stt(z, 0, m, v);
        clact_stt(y, 0, m, clact_dense_act(v, a, p1));
    }
}

/* ---- backward: dz = act'(s) * dy, with the column sums of dz (bias
 * gradient) and, for prelu, of s * dy over s <= 0 (slope gradient).
 * 2-D range: dim 0 covers the columns CLACT_VEC at a time, dim 1 the
 * chunks of `chunk` rows. Each work-item sums its rows in order with Kahan
 * compensation and writes one partial per (chunk, column);
 * clact_dense_bwd_final adds the partials of a column in order, so the
 * result depends on the shape only, never on timing.
 * dz, part_db and part_dw may each be NULL (not wanted). */
kernel void clact_dense_bwd(const global store_t *s, ulong s_off, const global store_t *dy, ulong dy_off,
                            global store_t *dz, ulong M, ulong N, ulong chunk,
                            const global store_t *w, int wmode, real p0, real p1,
                            global real *part_db, global real *part_dw)
{
    const size_t c0 = get_global_id(0) * CLACT_VEC, p = get_global_id(1);
    if (c0 >= N) return;
    const size_t nc = min((size_t)N - c0, (size_t)CLACT_VEC);
    const size_t rb = p * chunk, re = min((size_t)M, rb + (size_t)chunk);
    s += s_off;
    dy += dy_off;
    const realv a = clact_dense_p0v(w, wmode, c0, nc, p0);
    realv sb = 0, cb = 0, sw = 0, cw = 0;
    for (size_t r = rb; r < re; ++r) {
        const size_t base = r * N + c0;
        /* lanes past nc hold 0 and are never stored */
        const realv t = nc == CLACT_VEC ? clact_ldv(s, base) : clact_ldt(s, base, nc);
        const realv g = nc == CLACT_VEC ? clact_ldv(dy, base) : clact_ldt(dy, base, nc);
        const realv d = g * clact_dense_dact(t, a, p1);
        CLACT_KAHAN(realv, sb, cb, d);
        CLACT_KAHAN(realv, sw, cw, t <= 0 ? t * g : (realv)0);
        if (dz) {
            if (nc == CLACT_VEC) clact_stv(dz, base, d);
            else clact_stt(dz, base, nc, d);
        }
    }
    clact_lanes ub, uw;
    ub.v = sb;
    uw.v = sw;
    for (size_t k = 0; k < nc; ++k) {
        if (part_db) part_db[p * N + c0 + k] = ub.a[k];
        if (part_dw) part_dw[p * N + c0 + k] = uw.a[k];
    }
}

/* Kahan sum of n values v[i * stride], in order */
inline real clact_dense_sum(const global real *v, size_t n, size_t stride)
{
    real s = 0, comp = 0;
    for (size_t i = 0; i < n; ++i) CLACT_KAHAN(real, s, comp, v[i * stride]);
    return s;
}

/* work-item c < N: db[c] (and dw[c] when per column); work-item N: the
 * shared slope's gradient, all N * P partials in order */
kernel void clact_dense_bwd_final(const global real *part_db, const global real *part_dw, ulong P, ulong N,
                                  global store_t *db, ulong db_off, global store_t *dw, int dw_shared)
{
    const size_t c = get_global_id(0);
    if (c < N) {
        if (part_db) clact_st(db, db_off + c, clact_dense_sum(part_db + c, P, N));
        if (part_dw && !dw_shared) clact_st(dw, c, clact_dense_sum(part_dw + c, P, N));
    } else if (c == N && part_dw && dw_shared) {
        clact_st(dw, 0, clact_dense_sum(part_dw, P * N, 1));
    }
}

#if CLACT_DENSE_IDENTITY
/* ---- dead-unit statistics ------------------------------------------------
 * Per column, the number of rows where the unit is inactive: a == 0
 * (mode 0) or a <= 0 (mode 1; NaN counts as active in both). 2-D range as
 * clact_dense_bwd. With P == 1 the count goes straight into the 64-bit
 * accumulator, else into part[p * N + c] for clact_stats_fold. */
kernel void clact_stats_count(const global store_t *a, ulong a_off, ulong M, ulong N, ulong chunk, int mode,
                              global uint *part, global ulong *counts)
{
    const size_t c0 = get_global_id(0) * CLACT_VEC, p = get_global_id(1);
    if (c0 >= N) return;
    const size_t nc = min((size_t)N - c0, (size_t)CLACT_VEC);
    const size_t rb = p * chunk, re = min((size_t)M, rb + (size_t)chunk);
    a += a_off;
    uint n[CLACT_VEC];
    for (int k = 0; k < CLACT_VEC; ++k) n[k] = 0;
    if (nc == CLACT_VEC) {
        for (size_t r = rb; r < re; ++r) {
            real v[CLACT_VEC];
            CLACT_LDV(a, r * N + c0, v);
            for (int k = 0; k < CLACT_VEC; ++k) n[k] += (mode ? v[k] <= 0 : v[k] == 0) ? 1u : 0u;
        }
    } else {
        for (size_t r = rb; r < re; ++r)
            for (size_t k = 0; k < nc; ++k) {
                const real v = clact_ld(a, r * N + c0 + k);
                n[k] += (mode ? v <= 0 : v == 0) ? 1u : 0u;
            }
    }
    for (size_t k = 0; k < nc; ++k) {
        if (part) part[p * N + c0 + k] = n[k];
        else counts[c0 + k] += n[k];
    }
}

kernel void clact_stats_fold(const global uint *part, ulong P, ulong N, global ulong *counts)
{
    const size_t c = get_global_id(0);
    if (c >= N) return;
    ulong s = 0;
    for (size_t p = 0; p < P; ++p) s += part[p * N + c];
    counts[c] += s;
}

/* ---- softmax cross-entropy, one work-item per row -------------------------
 * loss[r] = logsumexp(l[r, :]) - l[r, label[r]];
 * dl[r, j] = (softmax(l[r, :])_j - (j == label[r])) * scale;
 * pred[r] = first index of the largest logit. A label outside [0, N) gives
 * a NaN loss and a NaN gradient row. dl may be l itself. */
kernel void clact_softmax_xent(const global store_t *l, ulong l_off, const global int *labels, ulong lab_off,
                               ulong M, ulong N, real scale, global store_t *dl, ulong dl_off,
                               global store_t *loss, ulong loss_off, global int *pred, ulong pred_off)
{
    const size_t r = get_global_id(0);
    if (r >= M) return;
    l += l_off + r * N;
    const int lab = labels[lab_off + r];
    real mx = clact_ld(l, 0);
    int arg = 0;
    for (size_t j = 1; j < N; ++j) {
        const real v = clact_ld(l, j);
        if (v > mx || (isnan(v) && !isnan(mx))) { mx = v; arg = (int)j; }
    }
    real sum = 0;
    for (size_t j = 0; j < N; ++j) sum += exp(clact_ld(l, j) - mx);
    const int ok = lab >= 0 && (ulong)lab < N;
    const real nan_ = (real)NAN;
    if (loss) clact_st(loss, loss_off + r, ok ? log(sum) + mx - clact_ld(l, lab) : nan_);
    if (pred) pred[pred_off + r] = arg;
    if (dl) {
        dl += dl_off + r * N;
        for (size_t j = 0; j < N; ++j) {
            const real sm = exp(clact_ld(l, j) - mx) / sum;
            clact_st(dl, j, ok ? (sm - ((int)j == lab ? (real)1 : (real)0)) * scale : nan_);
        }
    }
}

/* ---- SGD with momentum (PyTorch's convention, dampening 0) ----------------
 * d = g + wd * p;  v = mu * v + d;  p = p - lr * v */
kernel void clact_sgd(global store_t *p, ulong p_off, const global store_t *g, ulong g_off,
                      global store_t *v, ulong v_off, ulong n, real lr, real mu, real wd)
{
    const size_t i = get_global_id(0) * CLACT_VEC;
    if (i >= n) return;
    p += p_off;
    g += g_off;
    v += v_off;
    if (i + CLACT_VEC <= n) {
        real pv[CLACT_VEC], gv[CLACT_VEC], vv[CLACT_VEC];
        CLACT_LDV(p, i, pv);
        CLACT_LDV(g, i, gv);
        CLACT_LDV(v, i, vv);
        for (int k = 0; k < CLACT_VEC; ++k) {
            vv[k] = mu * vv[k] + (gv[k] + wd * pv[k]);
            pv[k] -= lr * vv[k];
        }
        CLACT_STV(v, i, vv);
        CLACT_STV(p, i, pv);
    } else {
        for (size_t j = i; j < n; ++j) {
            const real pj = clact_ld(p, j);
            const real vj = mu * clact_ld(v, j) + (clact_ld(g, j) + wd * pj);
            clact_st(v, j, vj);
            clact_st(p, j, pj - lr * vj);
        }
    }
}
#endif /* CLACT_DENSE_IDENTITY */
