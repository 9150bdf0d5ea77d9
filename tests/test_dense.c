/* The dense layer y = act(x W^T + b) on CLBlast: forward and backward
 * against a naive double-precision reference with error bounds that grow
 * with the length of the sums; the fused epilogue of every op (but crelu)
 * against the reference formulas within the elementwise ulp bounds;
 * prelu slopes and their gradient; determinism; degenerate shapes; events;
 * every validation error, with nothing written on error. */
#define _POSIX_C_SOURCE 200809L

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#define FWD_TOL 4.0
#define BWD_TOL 8.0

static clact_context *C(void) { return tu_ctx(); }

static double eps_of(clact_dtype t) { return t == CLACT_F64 ? 0x1p-53 : 0x1p-24; }

/* a buffer of off + n elements, holding v at element off and `fill` bytes
 * elsewhere */
static cl_mem upload_at(clact_dtype t, const double *v, size_t n, size_t off)
{
    cl_mem b = tu_buffer_n(t, off + n);
    tu_fill_bytes(b, (off + n ? off + n : 1) * clact_dtype_size(t), 0x7f);
    if (n) tu_write(b, t, off, v, n);
    return b;
}

static double *rnd(clact_dtype t, size_t n, double lo, double hi, uint64_t seed)
{
    return tu_random(t, n ? n : 1, lo, hi, seed);
}

/* ---- naive references in long double ---------------------------------------------- */
/* z = x W^T + b, and the sums of |terms| for the error bounds */
static void ref_linear(size_t M, size_t N, size_t K, const double *x, const double *w, const double *b,
                       long double *z, long double *mag)
{
    for (size_t i = 0; i < M; ++i)
        for (size_t j = 0; j < N; ++j) {
            long double s = b ? b[j] : 0, a = b ? fabsl((long double)b[j]) : 0;
            for (size_t k = 0; k < K; ++k) {
                const long double t = (long double)x[i * K + k] * w[j * K + k];
                s += t;
                a += fabsl(t);
            }
            z[i * N + j] = s;
            mag[i * N + j] = a;
        }
}

typedef struct dcase {
    const char *name;
    int         has_act;
    clact_op    op;
    double      p0, p1;
    size_t      wc; /* prelu: 1 or n (0 = n) */
} dcase;

static clact_activation case_act(const dcase *c)
{
    clact_activation a;
    ck_assert_int_eq(clact_activation_init(&a, c->has_act ? c->op : CLACT_OP_RELU), CLACT_SUCCESS);
    if (c->has_act && clact_op_param_count(c->op) > 0) a.param[0] = c->p0;
    if (c->has_act && clact_op_param_count(c->op) > 1) a.param[1] = c->p1;
    a.weight_count = c->wc;
    return a;
}

static const dcase cases[] = {
    {"linear", 0, CLACT_OP_RELU, 0, 0, 0},
    {"relu", 1, CLACT_OP_RELU, 0, 0, 0},
    {"leaky_relu(0.2)", 1, CLACT_OP_LEAKY_RELU, 0.2, 0, 0},
    {"prelu(per unit)", 1, CLACT_OP_PRELU, 0, 0, 0},
    {"prelu(shared)", 1, CLACT_OP_PRELU, 0, 0, 1},
    {"elu", 1, CLACT_OP_ELU, 1.0, 0, 0},
    {"gelu", 1, CLACT_OP_GELU, 0, 0, 0},
    {"tanh", 1, CLACT_OP_TANH, 0, 0, 0},
};
#define NCASES ((int)(sizeof cases / sizeof cases[0]))

typedef struct shape { size_t M, N, K; } shape;
static const shape shapes[] = {
    {1, 1, 1}, {7, 5, 3}, {33, 17, 64}, {64, 64, 300}, {5, 130, 1000}, {129, 9, 40}, {300, 64, 2},
};
#define NSHAPES ((int)(sizeof shapes / sizeof shapes[0]))

/* prelu slope of unit j */
static double slope_of(const dcase *c, const double *slopes, size_t j)
{
    return c->wc == 1 ? slopes[0] : slopes[j];
}

/* ---- forward vs reference ------------------------------------------------------------ */
static void run_forward(clact_dtype t, const dcase *c, const shape *sh, int with_bias, int with_z, uint64_t seed)
{
    const size_t M = sh->M, N = sh->N, K = sh->K;
    const size_t xo = 3, wo = 5, bo = 1, yo = 2, zo = 7;
    double *x = rnd(t, M * K, -1, 1, seed), *w = rnd(t, N * K, -1, 1, seed + 1);
    double *b = rnd(t, N, -0.5, 0.5, seed + 2);
    const size_t wc = c->wc ? c->wc : N;
    double *sl = rnd(t, wc, -0.5, 0.5, seed + 3);
    cl_mem dx = upload_at(t, x, M * K, xo), dw = upload_at(t, w, N * K, wo), db = upload_at(t, b, N, bo);
    cl_mem dy = upload_at(t, NULL, 0, yo + M * N), dz = upload_at(t, NULL, 0, zo + M * N);
    cl_mem dsl = upload_at(t, sl, wc, 0);
    clact_activation a = case_act(c);
    const clact_dense_desc d = {t, M, N, K};
    cl_event ev = NULL;
    TU_ASSERT_OK(clact_dense_forward(C(), c->has_act ? &a : NULL, &d, dx, xo, dw, wo, with_bias ? db : NULL, bo, dy,
                                     yo, with_z ? dz : NULL, zo, c->has_act && c->op == CLACT_OP_PRELU ? dsl : NULL, 0,
                                     NULL, &ev));
    ck_assert_ptr_nonnull(ev);
    TU_CL_OK(clWaitForEvents(1, &ev));
    clReleaseEvent(ev);
    double *y = malloc((M * N + 1) * sizeof *y), *z = malloc((M * N + 1) * sizeof *z);
    long double *zr = malloc((M * N + 1) * sizeof *zr), *mag = malloc((M * N + 1) * sizeof *mag);
    tu_read(dy, t, yo, y, M * N);
    if (with_z) tu_read(dz, t, zo, z, M * N);
    ref_linear(M, N, K, x, w, with_bias ? b : NULL, zr, mag);
    const double u = eps_of(t);
    for (size_t i = 0; i < M; ++i)
        for (size_t j = 0; j < N; ++j) {
            const size_t q = i * N + j;
            const long double ez = 2.0L * (long double)(K + 2) * u * mag[q];
            if (with_z)
                ck_assert_msg(fabsl((long double)z[q] - zr[q]) <= ez + 1e-30L,
                              "%s %s [%zu,%zu,%zu] z[%zu,%zu] = %.9g, want %.9Lg (bound %.3Lg)", c->name,
                              clact_dtype_name(t), M, N, K, i, j, z[q], zr[q], ez);
            long double want = zr[q];
            double p[2] = {c->p0, c->p1};
            if (c->has_act && c->op == CLACT_OP_PRELU) p[0] = slope_of(c, sl, j);
            if (c->has_act) want = ref_fwd(c->op, p, zr[q]);
            /* |f'| <= 2 for every case here */
            const long double bound = 2.0L * ez + FWD_TOL * ulp_spacing(ulp_format_of(t), want) + 1e-30L;
            ck_assert_msg(fabsl((long double)y[q] - want) <= bound,
                          "%s %s [%zu,%zu,%zu] y[%zu,%zu] = %.9g, want %.9Lg (bound %.3Lg)", c->name,
                          clact_dtype_name(t), M, N, K, i, j, y[q], want, bound);
        }
    /* the padding around the outputs is untouched */
    double pad[8];
    tu_read(dy, t, 0, pad, yo);
    for (size_t i = 0; i < yo; ++i) ck_assert_msg(isnan(pad[i]) || pad[i] != 0, "y padding written");
    free(x); free(w); free(b); free(sl); free(y); free(z); free(zr); free(mag);
    tu_release(dx); tu_release(dw); tu_release(db); tu_release(dy); tu_release(dz); tu_release(dsl);
}

START_TEST(test_forward_f32)
{
    const dcase *c = &cases[_i];
    for (int s = 0; s < NSHAPES; ++s) run_forward(CLACT_F32, c, &shapes[s], 1, s % 2, 100u + (unsigned)(s * 16 + _i));
    run_forward(CLACT_F32, c, &shapes[2], 0, 1, 77u);
}
END_TEST

START_TEST(test_forward_f64)
{
    if (!tu_has_f64()) return;
    const dcase *c = &cases[_i];
    for (int s = 0; s < NSHAPES; s += 2) run_forward(CLACT_F64, c, &shapes[s], 1, 1, 500u + (unsigned)(s * 16 + _i));
}
END_TEST

/* ---- backward vs reference ------------------------------------------------------------- */
static void run_backward(clact_dtype t, const dcase *c, const shape *sh, clact_source src, uint64_t seed)
{
    const size_t M = sh->M, N = sh->N, K = sh->K;
    const size_t xo = 1, wo = 2, zo = 3, go = 4, dxo = 5, dwo = 6, dbo = 7;
    double *x = rnd(t, M * K, -1, 1, seed), *w = rnd(t, N * K, -1, 1, seed + 1);
    double *z = rnd(t, M * N, -3, 3, seed + 2), *g = rnd(t, M * N, -1, 1, seed + 3);
    const size_t wc = c->wc ? c->wc : N;
    double *sl = rnd(t, wc, -0.5, 0.5, seed + 4);
    double p[2] = {c->p0, c->p1};
    /* from y: the saved value is y = f(z) rounded to the dtype */
    double *zy = malloc((M * N + 1) * sizeof *zy);
    for (size_t q = 0; q < M * N; ++q)
        zy[q] = src == CLACT_FROM_Y ? ulp_to_dtype(t, ref_fwd(c->op, p, z[q])) : z[q];
    cl_mem bx = upload_at(t, x, M * K, xo), bw = upload_at(t, w, N * K, wo), bz = upload_at(t, zy, M * N, zo);
    cl_mem bg = upload_at(t, g, M * N, go), bsl = upload_at(t, sl, wc, 0);
    cl_mem bdx = upload_at(t, NULL, 0, dxo + M * K), bdw = upload_at(t, NULL, 0, dwo + N * K);
    cl_mem bdb = upload_at(t, NULL, 0, dbo + N), bdsl = upload_at(t, NULL, 0, wc);
    const int prelu = c->has_act && c->op == CLACT_OP_PRELU;
    clact_activation a = case_act(c);
    const clact_dense_desc d = {t, M, N, K};
    cl_event ev = NULL;
    TU_ASSERT_OK(clact_dense_backward(C(), c->has_act ? &a : NULL, &d, src, bx, xo, bw, wo, c->has_act ? bz : NULL,
                                      zo, bg, go, bdx, dxo, bdw, dwo, bdb, dbo, prelu ? bsl : NULL,
                                      prelu ? bdsl : NULL, 0, NULL, &ev));
    TU_CL_OK(clWaitForEvents(1, &ev));
    clReleaseEvent(ev);
    double *gx = malloc((M * K + 1) * sizeof(double)), *gw = malloc((N * K + 1) * sizeof(double));
    double *gb = malloc((N + 1) * sizeof(double)), *gs = malloc((wc + 1) * sizeof(double));
    tu_read(bdx, t, dxo, gx, M * K);
    tu_read(bdw, t, dwo, gw, N * K);
    tu_read(bdb, t, dbo, gb, N);
    if (prelu) tu_read(bdsl, t, 0, gs, wc);
    /* reference dZ */
    long double *dz = malloc((M * N + 1) * sizeof *dz);
    for (size_t i = 0; i < M; ++i)
        for (size_t j = 0; j < N; ++j) {
            const size_t q = i * N + j;
            long double f = 1;
            if (prelu) p[0] = slope_of(c, sl, j);
            if (c->has_act)
                f = src == CLACT_FROM_Y ? ref_grad_from_y(c->op, p, zy[q]) : ref_grad(c->op, p, zy[q]);
            dz[q] = (long double)g[q] * f;
        }
    const double u = eps_of(t);
    const long double rel = (BWD_TOL + 2) * u; /* of one dZ element */
    for (size_t j = 0; j < N; ++j) {
        long double s = 0, am = 0;
        for (size_t i = 0; i < M; ++i) { s += dz[i * N + j]; am += fabsl(dz[i * N + j]); }
        const long double bound = (rel + 4 * u) * am + 1e-30L;
        ck_assert_msg(fabsl(gb[j] - s) <= bound, "%s %s [%zu,%zu,%zu] db[%zu] = %.9g, want %.9Lg (bound %.3Lg)",
                      c->name, clact_dtype_name(t), M, N, K, j, gb[j], s, bound);
        for (size_t k = 0; k < K; ++k) {
            long double sw = 0, aw = 0;
            for (size_t i = 0; i < M; ++i) {
                const long double tt = dz[i * N + j] * x[i * K + k];
                sw += tt;
                aw += fabsl(tt);
            }
            const long double bw_ = (rel + 2.0L * (M + 2) * u) * aw + 1e-30L;
            ck_assert_msg(fabsl(gw[j * K + k] - sw) <= bw_, "%s %s [%zu,%zu,%zu] dw[%zu,%zu] = %.9g, want %.9Lg",
                          c->name, clact_dtype_name(t), M, N, K, j, k, gw[j * K + k], sw);
        }
    }
    for (size_t i = 0; i < M; ++i)
        for (size_t k = 0; k < K; ++k) {
            long double s = 0, am = 0;
            for (size_t j = 0; j < N; ++j) {
                const long double tt = dz[i * N + j] * w[j * K + k];
                s += tt;
                am += fabsl(tt);
            }
            const long double bound = (rel + 2.0L * (N + 2) * u) * am + 1e-30L;
            ck_assert_msg(fabsl(gx[i * K + k] - s) <= bound, "%s %s [%zu,%zu,%zu] dx[%zu,%zu] = %.9g, want %.9Lg",
                          c->name, clact_dtype_name(t), M, N, K, i, k, gx[i * K + k], s);
        }
    if (prelu) {
        for (size_t q = 0; q < wc; ++q) {
            long double s = 0, am = 0;
            for (size_t i = 0; i < M; ++i)
                for (size_t j = 0; j < N; ++j) {
                    if (wc > 1 && j != q) continue;
                    const double zz = z[i * N + j];
                    if (zz <= 0) { s += (long double)zz * g[i * N + j]; am += fabsl((long double)zz * g[i * N + j]); }
                }
            const long double bound = 8 * u * am + 1e-30L;
            ck_assert_msg(fabsl(gs[q] - s) <= bound, "%s dweight[%zu] = %.9g, want %.9Lg", c->name, q, gs[q], s);
        }
    }
    free(x); free(w); free(z); free(g); free(sl); free(zy); free(gx); free(gw); free(gb); free(gs); free(dz);
    tu_release(bx); tu_release(bw); tu_release(bz); tu_release(bg); tu_release(bsl);
    tu_release(bdx); tu_release(bdw); tu_release(bdb); tu_release(bdsl);
}

START_TEST(test_backward_f32)
{
    const dcase *c = &cases[_i];
    for (int s = 0; s < NSHAPES; ++s) run_backward(CLACT_F32, c, &shapes[s], CLACT_FROM_X, 900u + (unsigned)(s * 16 + _i));
    if (c->has_act && (clact_op_flags(c->op) & CLACT_OPF_BWD_FROM_Y))
        run_backward(CLACT_F32, c, &shapes[3], CLACT_FROM_Y, 31u);
}
END_TEST

START_TEST(test_backward_f64)
{
    if (!tu_has_f64()) return;
    const dcase *c = &cases[_i];
    for (int s = 1; s < NSHAPES; s += 2) run_backward(CLACT_F64, c, &shapes[s], CLACT_FROM_X, 1300u + (unsigned)_i);
}
END_TEST

/* ---- the epilogue of every op against the reference formulas ---------------------------
 * K = 1 and W = 1 make the product exact, z = x, so what is scored is the
 * fused bias + activation (forward) and gradient (backward). */
START_TEST(test_epilogue_forward)
{
    const tu_cfg *cfg = &tu_cfgs[_i];
    if (cfg->op == CLACT_OP_CRELU) return;
    double p[2];
    clact_activation a = tu_cfg_act(cfg, p);
    size_t n = 0;
    double *x = tu_inputs(CLACT_F32, &a, TU_IN_NO_GRID, 4000u + (unsigned)_i, &n);
    const size_t N = 11; /* a vector of columns and a tail */
    double bias[11] = {0, 0.5, -0.25, 1e-3, -3, 2.5, 0x1p-20, -0x1p-30, 7, -1, 0.125};
    for (int j = 0; j < 11; ++j) bias[j] = (float)bias[j];
    a.weight_count = 1; /* prelu: the configuration's single slope */
    const double ones[11] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    const double wt = p[0];
    cl_mem bx = tu_upload(CLACT_F32, x, n), bw = tu_upload(CLACT_F32, ones, N), bb = tu_upload(CLACT_F32, bias, N);
    cl_mem by = tu_buffer_n(CLACT_F32, n * N), bz = tu_buffer_n(CLACT_F32, n * N);
    cl_mem bsl = tu_upload(CLACT_F32, &wt, 1);
    const clact_dense_desc d = {CLACT_F32, n, N, 1};
    TU_ASSERT_OK(clact_dense_forward(C(), &a, &d, bx, 0, bw, 0, bb, 0, by, 0, bz, 0, bsl, 0, NULL, NULL));
    double *y = malloc(n * N * sizeof *y), *z = malloc(n * N * sizeof *z);
    tu_read(by, CLACT_F32, 0, y, n * N);
    tu_read(bz, CLACT_F32, 0, z, n * N);
    tu_score s;
    tu_score_init(&s, FWD_TOL);
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < N; ++j) {
            const size_t q = i * N + j;
            const float t = (float)((double)(float)x[i] + bias[j]);
            /* the product may flush a subnormal x to zero */
            const int sub = fabs(x[i]) < FLT_MIN && x[i] != 0;
            if (!sub) {
                ck_assert_msg((isnan(t) && isnan(z[q])) || (double)t == z[q],
                              "%s: z[%zu,%zu] = %a, want %a (x %a + b %a)", tu_cfg_str(cfg), i, j, z[q], (double)t,
                              x[i], bias[j]);
            }
            tu_score_add(&s, CLACT_F32, q, z[q], bias[j], y[q], ref_fwd(cfg->op, p, z[q]));
        }
    char label[256];
    snprintf(label, sizeof label, "dense epilogue %s forward", tu_cfg_str(cfg));
    TU_ASSERT_SCORE(&s, label);
    free(x); free(y); free(z);
    tu_release(bx); tu_release(bw); tu_release(bb); tu_release(by); tu_release(bz); tu_release(bsl);
}
END_TEST

static void epilogue_backward(const tu_cfg *cfg, clact_source src, unsigned seed)
{
    double p[2];
    clact_activation a = tu_cfg_act(cfg, p);
    size_t n = 0;
    double *x = tu_inputs(CLACT_F32, &a, TU_IN_NO_GRID | TU_IN_NO_NAN, seed, &n);
    double *g = tu_random(CLACT_F32, n, -2, 2, seed + 1);
    double *s_in = malloc(n * sizeof *s_in);
    for (size_t i = 0; i < n; ++i)
        s_in[i] = src == CLACT_FROM_Y ? ulp_to_dtype(CLACT_F32, ref_fwd(cfg->op, p, x[i])) : x[i];
    const double one = 1, wt = p[0];
    a.weight_count = 1;
    cl_mem bs = tu_upload(CLACT_F32, s_in, n), bg = tu_upload(CLACT_F32, g, n), bw = tu_upload(CLACT_F32, &one, 1);
    cl_mem bdx = tu_buffer_n(CLACT_F32, n), bsl = tu_upload(CLACT_F32, &wt, 1);
    /* N = K = 1: dX = dZ W = dZ exactly */
    const clact_dense_desc d = {CLACT_F32, n, 1, 1};
    TU_ASSERT_OK(clact_dense_backward(C(), &a, &d, src, NULL, 0, bw, 0, bs, 0, bg, 0, bdx, 0, NULL, 0, NULL, 0, bsl,
                                      NULL, 0, NULL, NULL));
    double *dx = malloc(n * sizeof *dx);
    tu_read(bdx, CLACT_F32, 0, dx, n);
    tu_score sc;
    tu_score_init(&sc, BWD_TOL);
    for (size_t i = 0; i < n; ++i) {
        const long double f = src == CLACT_FROM_Y ? ref_grad_from_y(cfg->op, p, s_in[i]) : ref_grad(cfg->op, p, x[i]);
        tu_score_add(&sc, CLACT_F32, i, s_in[i], g[i], dx[i], (long double)g[i] * f);
    }
    char label[256];
    snprintf(label, sizeof label, "dense epilogue %s backward%s", tu_cfg_str(cfg),
             src == CLACT_FROM_Y ? " from y" : "");
    TU_ASSERT_SCORE(&sc, label);
    free(x); free(g); free(s_in); free(dx);
    tu_release(bs); tu_release(bg); tu_release(bw); tu_release(bdx); tu_release(bsl);
}

START_TEST(test_epilogue_backward)
{
    const tu_cfg *cfg = &tu_cfgs[_i];
    if (cfg->op == CLACT_OP_CRELU) return;
    epilogue_backward(cfg, CLACT_FROM_X, 5000u + (unsigned)_i);
    double p[2];
    clact_activation a = tu_cfg_act(cfg, p);
    if (ref_from_y_ok(cfg->op, p) && clact_forward_check(C(), &a, &(clact_tensor){CLACT_F32, 1, {4}}) == 0) {
        const unsigned f = clact_op_flags(cfg->op);
        if ((f & CLACT_OPF_BWD_FROM_Y) || ((f & CLACT_OPF_BWD_FROM_Y_IF_P0_NONNEG) && p[0] >= 0))
            epilogue_backward(cfg, CLACT_FROM_Y, 6000u + (unsigned)_i);
    }
}
END_TEST

/* ---- determinism, degenerate shapes, events ----------------------------------------------- */
START_TEST(test_backward_deterministic)
{
    const size_t M = 3000, N = 33, K = 20;
    double *x = rnd(CLACT_F32, M * K, -1, 1, 1), *w = rnd(CLACT_F32, N * K, -1, 1, 2);
    double *z = rnd(CLACT_F32, M * N, -2, 2, 3), *g = rnd(CLACT_F32, M * N, -1, 1, 4);
    double *sl = rnd(CLACT_F32, N, 0, 0.5, 5);
    cl_mem bx = tu_upload(CLACT_F32, x, M * K), bw = tu_upload(CLACT_F32, w, N * K);
    cl_mem bz = tu_upload(CLACT_F32, z, M * N), bg = tu_upload(CLACT_F32, g, M * N), bsl = tu_upload(CLACT_F32, sl, N);
    clact_activation a;
    clact_activation_init(&a, CLACT_OP_PRELU);
    const clact_dense_desc d = {CLACT_F32, M, N, K};
    unsigned char first[3][4096];
    for (int rep = 0; rep < 3; ++rep) {
        cl_mem bdb = tu_buffer_n(CLACT_F32, N), bds = tu_buffer_n(CLACT_F32, N), bdw = tu_buffer_n(CLACT_F32, N * K);
        TU_ASSERT_OK(clact_dense_backward(C(), &a, &d, CLACT_FROM_X, bx, 0, bw, 0, bz, 0, bg, 0, NULL, 0, bdw, 0, bdb,
                                          0, bsl, bds, 0, NULL, NULL));
        unsigned char now[3][4096];
        tu_read_bytes(bdb, 0, now[0], N * 4);
        tu_read_bytes(bds, 0, now[1], N * 4);
        tu_read_bytes(bdw, 0, now[2], N * K * 4);
        if (rep == 0) memcpy(first, now, sizeof now);
        else {
            ck_assert_msg(memcmp(first[0], now[0], N * 4) == 0, "db differs between runs");
            ck_assert_msg(memcmp(first[1], now[1], N * 4) == 0, "dweight differs between runs");
            ck_assert_msg(memcmp(first[2], now[2], N * K * 4) == 0, "dw differs between runs");
        }
        tu_release(bdb); tu_release(bds); tu_release(bdw);
    }
    free(x); free(w); free(z); free(g); free(sl);
    tu_release(bx); tu_release(bw); tu_release(bz); tu_release(bg); tu_release(bsl);
}
END_TEST

START_TEST(test_degenerate_shapes)
{
    clact_activation a;
    clact_activation_init(&a, CLACT_OP_ELU);
    const double b[3] = {-1, 0, 2};
    cl_mem bx = tu_buffer_n(CLACT_F32, 16), bw = tu_buffer_n(CLACT_F32, 16), bb = tu_upload(CLACT_F32, b, 3);
    cl_mem by = tu_buffer_n(CLACT_F32, 16), bz = tu_buffer_n(CLACT_F32, 16);
    /* K = 0: y = act(b) */
    const clact_dense_desc d0 = {CLACT_F32, 2, 3, 0};
    tu_fill_bytes(by, 64, 0xff);
    TU_ASSERT_OK(clact_dense_forward(C(), &a, &d0, bx, 0, bw, 0, bb, 0, by, 0, bz, 0, NULL, 0, NULL, NULL));
    double y[6], z[6];
    tu_read(by, CLACT_F32, 0, y, 6);
    tu_read(bz, CLACT_F32, 0, z, 6);
    for (int i = 0; i < 6; ++i) {
        ck_assert_msg(z[i] == b[i % 3], "K=0: z[%d] = %g", i, z[i]);
        ck_assert_msg(fabs(y[i] - (double)ref_fwd(CLACT_OP_ELU, a.param, b[i % 3])) < 1e-6, "K=0: y[%d] = %g", i, y[i]);
    }
    /* M = 0: nothing written forward; backward dw = 0, db = 0 */
    const clact_dense_desc dm = {CLACT_F32, 0, 3, 4};
    tu_fill_bytes(by, 64, 0x5a);
    cl_event ev = NULL;
    TU_ASSERT_OK(clact_dense_forward(C(), &a, &dm, bx, 0, bw, 0, bb, 0, by, 0, NULL, 0, NULL, 0, NULL, &ev));
    ck_assert_ptr_nonnull(ev);
    TU_CL_OK(clWaitForEvents(1, &ev));
    clReleaseEvent(ev);
    ck_assert(tu_bytes_are(by, 64, 0x5a));
    cl_mem bdw = tu_buffer_n(CLACT_F32, 12), bdb = tu_buffer_n(CLACT_F32, 3);
    tu_fill_bytes(bdw, 48, 0x5a);
    tu_fill_bytes(bdb, 12, 0x5a);
    TU_ASSERT_OK(clact_dense_backward(C(), &a, &dm, CLACT_FROM_X, bx, 0, bw, 0, bz, 0, by, 0, NULL, 0, bdw, 0, bdb, 0,
                                      NULL, NULL, 0, NULL, NULL));
    ck_assert(tu_bytes_are(bdw, 48, 0));
    ck_assert(tu_bytes_are(bdb, 12, 0));
    /* N = 0: dx = 0 */
    const clact_dense_desc dn = {CLACT_F32, 2, 0, 4};
    cl_mem bdx = tu_buffer_n(CLACT_F32, 8);
    tu_fill_bytes(bdx, 32, 0x5a);
    TU_ASSERT_OK(clact_dense_backward(C(), &a, &dn, CLACT_FROM_X, bx, 0, bw, 0, bz, 0, by, 0, bdx, 0, NULL, 0, NULL, 0,
                                      NULL, NULL, 0, NULL, NULL));
    ck_assert(tu_bytes_are(bdx, 32, 0));
    tu_release(bx); tu_release(bw); tu_release(bb); tu_release(by); tu_release(bz);
    tu_release(bdw); tu_release(bdb); tu_release(bdx);
}
END_TEST

/* the result of the product is finished in place; NaN left in y beforehand
 * must not leak into it (beta = 0) */
START_TEST(test_output_garbage_ignored)
{
    const shape sh[2] = {{4, 3, 2}, {200, 150, 130}};
    for (int s = 0; s < 2; ++s) {
        const size_t M = sh[s].M, N = sh[s].N, K = sh[s].K;
        double *x = rnd(CLACT_F32, M * K, -1, 1, 11), *w = rnd(CLACT_F32, N * K, -1, 1, 12);
        cl_mem bx = tu_upload(CLACT_F32, x, M * K), bw = tu_upload(CLACT_F32, w, N * K);
        cl_mem by = tu_buffer_n(CLACT_F32, M * N);
        tu_fill_bytes(by, M * N * 4, 0xff); /* NaN */
        clact_activation a;
        clact_activation_init(&a, CLACT_OP_RELU);
        const clact_dense_desc d = {CLACT_F32, M, N, K};
        TU_ASSERT_OK(clact_dense_forward(C(), &a, &d, bx, 0, bw, 0, NULL, 0, by, 0, NULL, 0, NULL, 0, NULL, NULL));
        double *y = malloc(M * N * sizeof *y);
        tu_read(by, CLACT_F32, 0, y, M * N);
        for (size_t q = 0; q < M * N; ++q) ck_assert_msg(!isnan(y[q]), "NaN from the old contents of y at %zu", q);
        free(x); free(w); free(y);
        tu_release(bx); tu_release(bw); tu_release(by);
    }
}
END_TEST

START_TEST(test_wait_list_and_events)
{
    const size_t M = 16, N = 8, K = 4;
    double *x = rnd(CLACT_F32, M * K, -1, 1, 21), *w = rnd(CLACT_F32, N * K, -1, 1, 22);
    cl_mem bx = tu_buffer_n(CLACT_F32, M * K), bw = tu_upload(CLACT_F32, w, N * K), by = tu_buffer_n(CLACT_F32, M * N);
    cl_int err;
    cl_event user = clCreateUserEvent(tu_cl_context(), &err);
    TU_CL_OK(err);
    /* x is written only once the user event fires */
    float *xf = malloc(M * K * sizeof *xf);
    for (size_t i = 0; i < M * K; ++i) xf[i] = (float)x[i];
    cl_event wr = NULL;
    clact_activation a;
    clact_activation_init(&a, CLACT_OP_GELU);
    const clact_dense_desc d = {CLACT_F32, M, N, K};
    TU_CL_OK(clEnqueueWriteBuffer(tu_queue(), bx, CL_FALSE, 0, M * K * 4, xf, 1, &user, &wr));
    cl_event done = NULL;
    TU_ASSERT_OK(clact_dense_forward(C(), &a, &d, bx, 0, bw, 0, NULL, 0, by, 0, NULL, 0, NULL, 1, &wr, &done));
    cl_int st = 0;
    TU_CL_OK(clGetEventInfo(done, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof st, &st, NULL));
    ck_assert_int_ne(st, CL_COMPLETE);
    TU_CL_OK(clSetUserEventStatus(user, CL_COMPLETE));
    TU_CL_OK(clWaitForEvents(1, &done));
    double *y = malloc(M * N * sizeof *y);
    tu_read(by, CLACT_F32, 0, y, M * N);
    long double zr[128], mag[128];
    ref_linear(M, N, K, x, w, NULL, zr, mag);
    double p[2] = {0, 0};
    for (size_t q = 0; q < M * N; ++q)
        ck_assert_msg(fabsl(y[q] - ref_fwd(CLACT_OP_GELU, p, zr[q])) < 1e-5L, "y[%zu] = %g", q, y[q]);
    /* backward with a wait list too */
    cl_event done2 = NULL;
    cl_mem bdx = tu_buffer_n(CLACT_F32, M * K);
    TU_ASSERT_OK(clact_dense_backward(C(), NULL, &d, CLACT_FROM_X, bx, 0, bw, 0, NULL, 0, by, 0, bdx, 0, NULL, 0, NULL,
                                      0, NULL, NULL, 1, &done, &done2));
    TU_CL_OK(clWaitForEvents(1, &done2));
    clReleaseEvent(user); clReleaseEvent(wr); clReleaseEvent(done); clReleaseEvent(done2);
    free(x); free(w); free(xf); free(y);
    tu_release(bx); tu_release(bw); tu_release(by); tu_release(bdx);
}
END_TEST

/* ---- one context, several threads: the same bits as one thread ------------------------------------- */

typedef struct job {
    size_t M, N, K;
    cl_mem x, w, b, y, z, dy, dx, dw, db;
    clact_status st;
} job;

static void *job_run(void *arg)
{
    job *j = arg;
    clact_activation a;
    clact_activation_init(&a, CLACT_OP_ELU);
    const clact_dense_desc d = {CLACT_F32, j->M, j->N, j->K};
    for (int rep = 0; rep < 3 && !j->st; ++rep) {
        j->st = clact_dense_forward(C(), &a, &d, j->x, 0, j->w, 0, j->b, 0, j->y, 0, j->z, 0, NULL, 0, NULL, NULL);
        if (!j->st)
            j->st = clact_dense_backward(C(), &a, &d, CLACT_FROM_X, j->x, 0, j->w, 0, j->z, 0, j->dy, 0, j->dx, 0,
                                         j->dw, 0, j->db, 0, NULL, NULL, 0, NULL, NULL);
    }
    return NULL;
}

START_TEST(test_threads)
{
    enum { T = 4 };
    const size_t M = 70, N = 33, K = 50;
    double *x = rnd(CLACT_F32, M * K, -1, 1, 81), *w = rnd(CLACT_F32, N * K, -1, 1, 82);
    double *b = rnd(CLACT_F32, N, -1, 1, 83), *g = rnd(CLACT_F32, M * N, -1, 1, 84);
    job jobs[T + 1];
    for (int t = 0; t <= T; ++t) {
        job *j = &jobs[t];
        memset(j, 0, sizeof *j);
        j->M = M, j->N = N, j->K = K;
        j->x = tu_upload(CLACT_F32, x, M * K), j->w = tu_upload(CLACT_F32, w, N * K);
        j->b = tu_upload(CLACT_F32, b, N), j->dy = tu_upload(CLACT_F32, g, M * N);
        j->y = tu_buffer_n(CLACT_F32, M * N), j->z = tu_buffer_n(CLACT_F32, M * N);
        j->dx = tu_buffer_n(CLACT_F32, M * K), j->dw = tu_buffer_n(CLACT_F32, N * K), j->db = tu_buffer_n(CLACT_F32, N);
    }
    job_run(&jobs[T]); /* the single-threaded answer */
    TU_ASSERT_OK(jobs[T].st);
    pthread_t th[T];
    for (int t = 0; t < T; ++t) ck_assert_int_eq(pthread_create(&th[t], NULL, job_run, &jobs[t]), 0);
    for (int t = 0; t < T; ++t) pthread_join(th[t], NULL);
    tu_finish();
    const size_t sizes[5] = {M * N, M * N, M * K, N * K, N};
    for (int t = 0; t < T; ++t) {
        TU_ASSERT_OK(jobs[t].st);
        cl_mem mine[5] = {jobs[t].y, jobs[t].z, jobs[t].dx, jobs[t].dw, jobs[t].db};
        cl_mem ref[5] = {jobs[T].y, jobs[T].z, jobs[T].dx, jobs[T].dw, jobs[T].db};
        for (int k = 0; k < 5; ++k) {
            unsigned char *p = malloc(sizes[k] * 4), *q = malloc(sizes[k] * 4);
            tu_read_bytes(mine[k], 0, p, sizes[k] * 4);
            tu_read_bytes(ref[k], 0, q, sizes[k] * 4);
            ck_assert_msg(memcmp(p, q, sizes[k] * 4) == 0, "thread %d: output %d differs from one thread's", t, k);
            free(p);
            free(q);
        }
    }
    for (int t = 0; t <= T; ++t) {
        job *j = &jobs[t];
        cl_mem all[9] = {j->x, j->w, j->b, j->y, j->z, j->dy, j->dx, j->dw, j->db};
        for (int k = 0; k < 9; ++k) tu_release(all[k]);
    }
    free(x); free(w); free(b); free(g);
}
END_TEST

/* ---- validation ------------------------------------------------------------------------------ */
START_TEST(test_errors)
{
    const size_t M = 4, N = 3, K = 2;
    cl_mem bx = tu_buffer_n(CLACT_F32, M * K), bw = tu_buffer_n(CLACT_F32, N * K), bb = tu_buffer_n(CLACT_F32, N);
    cl_mem by = tu_buffer_n(CLACT_F32, M * N), small = tu_buffer_n(CLACT_F32, 2), big = tu_buffer_n(CLACT_F32, 64);
    cl_mem bdx = tu_buffer_n(CLACT_F32, M * K);
    tu_fill_bytes(by, M * N * 4, 0x5a);
    tu_fill_bytes(bdx, M * K * 4, 0x5a);
    tu_fill_bytes(big, 256, 0x5a);
    clact_activation a;
    clact_activation_init(&a, CLACT_OP_RELU);
    const clact_dense_desc d = {CLACT_F32, M, N, K};
    cl_event ev = NULL;
#define FWD(ctx_, act_, d_, x_, w_, b_, y_, yo_, z_, wt_, nw_, wl_) \
    clact_dense_forward((ctx_), (act_), (d_), (x_), 0, (w_), 0, (b_), 0, (y_), (yo_), (z_), 0, (wt_), (nw_), (wl_), &ev)
    TU_ASSERT_STATUS(FWD(NULL, &a, &d, bx, bw, bb, by, 0, NULL, NULL, 0, NULL), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(FWD(C(), &a, NULL, bx, bw, bb, by, 0, NULL, NULL, 0, NULL), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(FWD(C(), &a, &d, NULL, bw, bb, by, 0, NULL, NULL, 0, NULL), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(FWD(C(), &a, &d, bx, bw, bb, NULL, 0, NULL, NULL, 0, NULL), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(FWD(C(), &a, &d, bx, bw, bb, by, 0, NULL, NULL, 1, NULL), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(FWD(C(), &a, &d, bx, small, bb, by, 0, NULL, NULL, 0, NULL), CLACT_ERR_BUFFER_TOO_SMALL);
    TU_ASSERT_STATUS(FWD(C(), &a, &d, bx, bw, small, by, 0, NULL, NULL, 0, NULL), CLACT_ERR_BUFFER_TOO_SMALL);
    TU_ASSERT_STATUS(FWD(C(), &a, &d, bx, bw, bb, by, 1, NULL, NULL, 0, NULL), CLACT_ERR_BUFFER_TOO_SMALL);
    /* y over x, y over z */
    TU_ASSERT_STATUS(clact_dense_forward(C(), &a, &d, big, 0, bw, 0, NULL, 0, big, 4, NULL, 0, NULL, 0, NULL, NULL),
                     CLACT_ERR_OVERLAP);
    TU_ASSERT_STATUS(clact_dense_forward(C(), &a, &d, bx, 0, bw, 0, NULL, 0, big, 0, big, 6, NULL, 0, NULL, NULL),
                     CLACT_ERR_OVERLAP);
    clact_activation bad = a;
    bad.op = CLACT_OP_COUNT;
    TU_ASSERT_STATUS(FWD(C(), &bad, &d, bx, bw, bb, by, 0, NULL, NULL, 0, NULL), CLACT_ERR_INVALID_OP);
    clact_activation lk;
    clact_activation_init(&lk, CLACT_OP_LEAKY_RELU);
    lk.param[0] = NAN;
    TU_ASSERT_STATUS(FWD(C(), &lk, &d, bx, bw, bb, by, 0, NULL, NULL, 0, NULL), CLACT_ERR_INVALID_PARAMETER);
    clact_activation cr;
    clact_activation_init(&cr, CLACT_OP_CRELU);
    TU_ASSERT_STATUS(FWD(C(), &cr, &d, bx, bw, bb, by, 0, NULL, NULL, 0, NULL), CLACT_ERR_UNSUPPORTED);
    TU_ASSERT_STATUS(clact_dense_check(C(), &cr, &d), CLACT_ERR_UNSUPPORTED);
    clact_dense_desc dbf = d;
    dbf.dtype = CLACT_BF16;
    TU_ASSERT_STATUS(FWD(C(), &a, &dbf, bx, bw, bb, by, 0, NULL, NULL, 0, NULL), CLACT_ERR_UNSUPPORTED);
    clact_dense_desc dh = d;
    dh.dtype = CLACT_F16;
    if (clact_dense_check(C(), &a, &dh) != CLACT_SUCCESS)
        TU_ASSERT_STATUS(FWD(C(), &a, &dh, bx, bw, bb, by, 0, NULL, NULL, 0, NULL), CLACT_ERR_UNSUPPORTED);
    clact_dense_desc dinv = d;
    dinv.dtype = (clact_dtype)17;
    TU_ASSERT_STATUS(FWD(C(), &a, &dinv, bx, bw, bb, by, 0, NULL, NULL, 0, NULL), CLACT_ERR_INVALID_ARGUMENT);
    clact_dense_desc dbig = {CLACT_F32, SIZE_MAX / 4, 3, SIZE_MAX / 4};
    TU_ASSERT_STATUS(FWD(C(), &a, &dbig, bx, bw, bb, by, 0, NULL, NULL, 0, NULL), CLACT_ERR_INVALID_SHAPE);
    /* prelu: weight required, count 1 or n, axis 1 */
    clact_activation pr;
    clact_activation_init(&pr, CLACT_OP_PRELU);
    TU_ASSERT_STATUS(FWD(C(), &pr, &d, bx, bw, bb, by, 0, NULL, NULL, 0, NULL), CLACT_ERR_INVALID_ARGUMENT);
    pr.weight_count = 2;
    TU_ASSERT_STATUS(FWD(C(), &pr, &d, bx, bw, bb, by, 0, NULL, bb, 0, NULL), CLACT_ERR_WEIGHT_MISMATCH);
    pr.weight_count = 0;
    pr.axis = 0;
    TU_ASSERT_STATUS(FWD(C(), &pr, &d, bx, bw, bb, by, 0, NULL, bb, 0, NULL), CLACT_ERR_INVALID_AXIS);
    pr.axis = 1;
    TU_ASSERT_STATUS(FWD(C(), &pr, &d, bx, bw, bb, by, 0, NULL, small, 0, NULL), CLACT_ERR_BUFFER_TOO_SMALL);
    ck_assert_msg(tu_bytes_are(by, M * N * 4, 0x5a), "y written by a failed call");
    ck_assert_msg(tu_bytes_are(big, 256, 0x5a), "a buffer written by a failed call");

    /* backward */
    clact_activation ge;
    clact_activation_init(&ge, CLACT_OP_GELU);
#define BWD(act_, src_, zy_, dy_, dx_, dw_, db_, wt_, dwt_) \
    clact_dense_backward(C(), (act_), &d, (src_), bx, 0, bw, 0, (zy_), 0, (dy_), 0, (dx_), 0, (dw_), 0, (db_), 0, \
                         (wt_), (dwt_), 0, NULL, NULL)
    TU_ASSERT_STATUS(BWD(&ge, CLACT_FROM_Y, by, by, bdx, NULL, NULL, NULL, NULL), CLACT_ERR_UNSUPPORTED);
    TU_ASSERT_STATUS(BWD(&ge, (clact_source)5, by, by, bdx, NULL, NULL, NULL, NULL), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(BWD(&ge, CLACT_FROM_X, NULL, by, bdx, NULL, NULL, NULL, NULL), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(BWD(&ge, CLACT_FROM_X, by, small, bdx, NULL, NULL, NULL, NULL), CLACT_ERR_BUFFER_TOO_SMALL);
    TU_ASSERT_STATUS(BWD(&ge, CLACT_FROM_X, by, by, bdx, NULL, NULL, NULL, bb), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_dense_backward(C(), &ge, &d, CLACT_FROM_X, bx, 0, big, 4, by, 0, by, 0, big, 0, NULL, 0,
                                          NULL, 0, NULL, NULL, 0, NULL, NULL),
                     CLACT_ERR_OVERLAP); /* dx over w */
    TU_ASSERT_STATUS(BWD(&ge, CLACT_FROM_X, by, by, bdx, NULL, by, NULL, NULL), CLACT_ERR_OVERLAP);
    TU_ASSERT_STATUS(BWD(&ge, CLACT_FROM_X, by, by, bdx, bw, NULL, NULL, NULL), CLACT_ERR_OVERLAP);
    TU_ASSERT_STATUS(BWD(&cr, CLACT_FROM_X, by, by, bdx, NULL, NULL, NULL, NULL), CLACT_ERR_UNSUPPORTED);
    ck_assert_msg(tu_bytes_are(bdx, M * K * 4, 0x5a), "dx written by a failed call");
    ck_assert_msg(tu_bytes_are(by, M * N * 4, 0x5a), "dy written by a failed call");
    tu_release(bx); tu_release(bw); tu_release(bb); tu_release(by); tu_release(small); tu_release(big);
    tu_release(bdx);
#undef FWD
#undef BWD
}
END_TEST


/* ---- the command: clact dense ------------------------------------------------------------------- */

static const char *tool(void)
{
    const char *t = getenv("CLACT_TEST_TOOL");
    return t && *t ? t : CLACT_TOOL_PATH;
}

static int run_tool(const char *args)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' %s > '%s/dense_cli.out' 2>&1", tool(), args, CLACT_TEST_TMP);
    const int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *tmp_path(const char *name)
{
    static char buf[8][1024];
    static int k = 0;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", CLACT_TEST_TMP, name);
    return buf[k];
}

/* a minimal .npy writer: '<f4' or '<f8', C order */
static void npy_save(const char *path, int f64, int ndim, const size_t *dims, const double *v)
{
    char hdr[256], shp[128] = "";
    size_t n = 1, used = 0;
    for (int i = 0; i < ndim; ++i) {
        used += (size_t)snprintf(shp + used, sizeof shp - used, "%zu,%s", dims[i], ndim > 1 && i < ndim - 1 ? " " : "");
        n *= dims[i];
    }
    if (ndim > 1) shp[strlen(shp) - 1] = '\0'; /* "2, 3," -> "2, 3" */
    int len = snprintf(hdr, sizeof hdr, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", f64 ? "<f8" : "<f4",
                       shp);
    while ((10 + len + 1) % 64) hdr[len++] = ' ';
    hdr[len++] = '\n';
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    const unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(len & 255),
                                   (unsigned char)(len >> 8)};
    fwrite(pre, 1, 10, f);
    fwrite(hdr, 1, (size_t)len, f);
    for (size_t i = 0; i < n; ++i) {
        if (f64) fwrite(&v[i], 8, 1, f);
        else {
            const float x = (float)v[i];
            fwrite(&x, 4, 1, f);
        }
    }
    fclose(f);
}

/* read back: data as doubles, the header text for shape checks */
static double *npy_load(const char *path, size_t n, char *header, size_t hcap)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s not written", path);
    unsigned char pre[10];
    ck_assert_int_eq(fread(pre, 1, 10, f), 10);
    const size_t len = pre[8] | (size_t)pre[9] << 8;
    char *h = malloc(len + 1);
    ck_assert_int_eq(fread(h, 1, len, f), len);
    h[len] = '\0';
    snprintf(header, hcap, "%s", h);
    const int f64 = strstr(h, "<f8") != NULL;
    free(h);
    double *v = malloc((n + 1) * sizeof *v);
    for (size_t i = 0; i < n; ++i) {
        if (f64) ck_assert_int_eq(fread(&v[i], 8, 1, f), 1);
        else {
            float x;
            ck_assert_int_eq(fread(&x, 4, 1, f), 1);
            v[i] = x;
        }
    }
    fclose(f);
    return v;
}

START_TEST(test_cli_dense)
{
    const size_t M = 6, N = 5, K = 4; /* X is [2, 3, 4] */
    double *x = rnd(CLACT_F32, M * K, -1, 1, 61), *w = rnd(CLACT_F32, N * K, -1, 1, 62);
    double *b = rnd(CLACT_F32, N, -0.5, 0.5, 63), *g = rnd(CLACT_F32, M * N, -1, 1, 64);
    const double sl[5] = {0.1, 0.2, -0.3, 0.25, 0.5};
    const size_t sx[3] = {2, 3, 4}, sw[2] = {5, 4}, sb[1] = {5}, sy[3] = {2, 3, 5}, sbad[2] = {5, 3};
    npy_save(tmp_path("d_x.npy"), 0, 3, sx, x);
    npy_save(tmp_path("d_x64.npy"), 1, 3, sx, x);
    npy_save(tmp_path("d_w.npy"), 0, 2, sw, w);
    npy_save(tmp_path("d_wbad.npy"), 0, 2, sbad, w);
    npy_save(tmp_path("d_b.npy"), 0, 1, sb, b);
    npy_save(tmp_path("d_s.npy"), 0, 1, sb, sl);
    npy_save(tmp_path("d_dy.npy"), 0, 3, sy, g);
    long double z[30], mag[30];
    ref_linear(M, N, K, x, w, b, z, mag);
    char args[4096], hdr[256];

    /* forward, prelu with per-unit slopes, f32 and f64 */
    for (int f64 = 0; f64 < 2; ++f64) {
        if (f64 && !tu_has_f64()) continue;
        remove(tmp_path("d_y.npy"));
        snprintf(args, sizeof args, "dense --weight '%s' --bias '%s' --act prelu --prelu-weight '%s' '%s' '%s'",
                 tmp_path("d_w.npy"), tmp_path("d_b.npy"), tmp_path("d_s.npy"),
                 tmp_path(f64 ? "d_x64.npy" : "d_x.npy"), tmp_path("d_y.npy"));
        ck_assert_int_eq(run_tool(args), 0);
        double *y = npy_load(tmp_path("d_y.npy"), M * N, hdr, sizeof hdr);
        ck_assert_msg(strstr(hdr, "(2, 3, 5)") && strstr(hdr, f64 ? "<f8" : "<f4"), "header %s", hdr);
        for (size_t q = 0; q < M * N; ++q) {
            const double p[2] = {sl[q % N], 0};
            ck_assert_msg(fabsl(y[q] - ref_fwd(CLACT_OP_PRELU, p, z[q])) < 1e-5L, "y[%zu] = %g", q, y[q]);
        }
        free(y);
    }
    /* backward with gelu: dx, dw, db */
    snprintf(args, sizeof args,
             "dense --weight '%s' --bias '%s' --act gelu --backward '%s' --dweight '%s' --dbias '%s' '%s' '%s'",
             tmp_path("d_w.npy"), tmp_path("d_b.npy"), tmp_path("d_dy.npy"), tmp_path("d_dw.npy"),
             tmp_path("d_db.npy"), tmp_path("d_x.npy"), tmp_path("d_dx.npy"));
    ck_assert_int_eq(run_tool(args), 0);
    double *dx = npy_load(tmp_path("d_dx.npy"), M * K, hdr, sizeof hdr);
    ck_assert_msg(strstr(hdr, "(2, 3, 4)"), "dx header %s", hdr);
    double *dw = npy_load(tmp_path("d_dw.npy"), N * K, hdr, sizeof hdr);
    ck_assert_msg(strstr(hdr, "(5, 4)"), "dw header %s", hdr);
    double *db = npy_load(tmp_path("d_db.npy"), N, hdr, sizeof hdr);
    ck_assert_msg(strstr(hdr, "(5,)"), "db header %s", hdr);
    long double dz[30];
    const double p0[2] = {0, 0};
    for (size_t q = 0; q < M * N; ++q) dz[q] = g[q] * ref_grad(CLACT_OP_GELU, p0, z[q]);
    for (size_t i = 0; i < M; ++i)
        for (size_t k = 0; k < K; ++k) {
            long double s = 0;
            for (size_t j = 0; j < N; ++j) s += dz[i * N + j] * w[j * K + k];
            ck_assert_msg(fabsl(dx[i * K + k] - s) < 1e-5L, "dx[%zu,%zu] = %g, want %Lg", i, k, dx[i * K + k], s);
        }
    for (size_t j = 0; j < N; ++j) {
        long double s = 0;
        for (size_t i = 0; i < M; ++i) s += dz[i * N + j];
        ck_assert_msg(fabsl(db[j] - s) < 1e-5L, "db[%zu] = %g, want %Lg", j, db[j], s);
        for (size_t k = 0; k < K; ++k) {
            long double t = 0;
            for (size_t i = 0; i < M; ++i) t += dz[i * N + j] * x[i * K + k];
            ck_assert_msg(fabsl(dw[j * K + k] - t) < 1e-5L, "dw[%zu,%zu] = %g, want %Lg", j, k, dw[j * K + k], t);
        }
    }
    free(dx); free(dw); free(db);

    /* errors: usage problems exit 2, failures 1, and no output file */
    remove(tmp_path("d_none.npy"));
#define NOFILE() ck_assert_msg(access(tmp_path("d_none.npy"), F_OK) != 0, "an output was left behind")
    snprintf(args, sizeof args, "dense '%s' '%s'", tmp_path("d_x.npy"), tmp_path("d_none.npy"));
    ck_assert_int_eq(run_tool(args), 2);
    NOFILE();
    snprintf(args, sizeof args, "dense --weight '%s' '%s' '%s'", tmp_path("d_wbad.npy"), tmp_path("d_x.npy"),
             tmp_path("d_none.npy"));
    ck_assert_int_eq(run_tool(args), 2);
    NOFILE();
    snprintf(args, sizeof args, "dense --weight '%s' --bias '%s' '%s' '%s'", tmp_path("d_w.npy"), tmp_path("d_s.npy"),
             tmp_path("d_dy.npy"), tmp_path("d_none.npy"));
    ck_assert_int_eq(run_tool(args), 2); /* X [2,3,5] does not match W [5,4] */
    NOFILE();
    snprintf(args, sizeof args, "dense --weight '%s' --act crelu '%s' '%s'", tmp_path("d_w.npy"), tmp_path("d_x.npy"),
             tmp_path("d_none.npy"));
    ck_assert_int_eq(run_tool(args), 2);
    NOFILE();
    snprintf(args, sizeof args, "dense --weight '%s' --act relu --alpha 2 '%s' '%s'", tmp_path("d_w.npy"),
             tmp_path("d_x.npy"), tmp_path("d_none.npy"));
    ck_assert_int_eq(run_tool(args), 2);
    NOFILE();
    snprintf(args, sizeof args, "dense --weight '%s' --dweight '%s' '%s' '%s'", tmp_path("d_w.npy"),
             tmp_path("d_dw.npy"), tmp_path("d_x.npy"), tmp_path("d_none.npy"));
    ck_assert_int_eq(run_tool(args), 2);
    NOFILE();
    snprintf(args, sizeof args, "dense --weight '%s' --bogus '%s' '%s'", tmp_path("d_w.npy"), tmp_path("d_x.npy"),
             tmp_path("d_none.npy"));
    ck_assert_int_eq(run_tool(args), 2);
    NOFILE();
    snprintf(args, sizeof args, "dense --weight '%s' '%s' '%s'", tmp_path("no_such.npy"), tmp_path("d_x.npy"),
             tmp_path("d_none.npy"));
    ck_assert_int_eq(run_tool(args), 1);
    NOFILE();
    snprintf(args, sizeof args, "dense --weight '%s' --dtype bf16 '%s' '%s'", tmp_path("d_w.npy"), tmp_path("d_x.npy"),
             tmp_path("d_none.npy"));
    ck_assert_int_eq(run_tool(args), 1);
    NOFILE();
    /* backward: DY of the wrong shape */
    snprintf(args, sizeof args, "dense --weight '%s' --backward '%s' '%s' '%s'", tmp_path("d_w.npy"),
             tmp_path("d_x.npy"), tmp_path("d_x.npy"), tmp_path("d_none.npy"));
    ck_assert_int_eq(run_tool(args), 2);
    NOFILE();
#undef NOFILE
    ck_assert_int_eq(run_tool("dense --help"), 0);
    free(x); free(w); free(b); free(g);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("dense");
    TCase *tc = tcase_create("dense");
    tcase_set_timeout(tc, 0);
    tcase_add_test(tc, test_errors);
    tcase_add_loop_test(tc, test_forward_f32, 0, NCASES);
    tcase_add_loop_test(tc, test_backward_f32, 0, NCASES);
    tcase_add_loop_test(tc, test_epilogue_forward, 0, tu_ncfgs);
    tcase_add_loop_test(tc, test_epilogue_backward, 0, tu_ncfgs);
    tcase_add_test(tc, test_backward_deterministic);
    tcase_add_test(tc, test_degenerate_shapes);
    tcase_add_test(tc, test_output_garbage_ignored);
    tcase_add_test(tc, test_wait_list_and_events);
    tcase_add_test(tc, test_threads);
    tcase_add_loop_test(tc, test_forward_f64, 0, NCASES);
    tcase_add_loop_test(tc, test_backward_f64, 0, NCASES);
    suite_add_tcase(s, tc);
    TCase *cli = tcase_create("cli");
    tcase_set_timeout(cli, 0);
    tcase_add_test(cli, test_cli_dense);
    suite_add_tcase(s, cli);
    return s;
}

int main(void)
{
    tu_init();
    const clact_dense_desc d = {CLACT_F32, 1, 1, 1};
    if (clact_dense_check(tu_ctx(), NULL, &d) == CLACT_ERR_UNSUPPORTED) {
        fprintf(stderr, "no dense layer (%s): skipped\n", clact_last_error());
        tu_fini();
        return TU_SKIP;
    }
    return tu_run_suite(suite());
}
