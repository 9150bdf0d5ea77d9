/* Backward passes in float32: dx = dy * f'(x) within 8 ulp of the
 * reference for every op (NaN inputs are not scored), runs of consecutive
 * floats, the kink conventions, gradients from y, finite differences in
 * double, in-place dx == dy, the prelu weight gradient (accuracy and
 * determinism) and crelu's fold of the doubled axis. */
#define _POSIX_C_SOURCE 200809L /* setenv, strdup */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define BWD_TOL 8.0

/* dy: uniform in [-2, 2], and every 8th value with a random exponent,
 * |dy| in [2^-24, 2] (small gradients of either sign). Larger |dy| would
 * score f'(x) values that underflow float32 on their own, which the
 * numerics contract does not ask to survive. */
static double *make_dy(size_t n, uint64_t seed)
{
    double *dy = tu_random(CLACT_F32, n, -2, 2, seed);
    uint64_t st = seed * 7919u + 1u;
    for (size_t i = 0; i < n; i += 8) {
        const double m = tu_uniform(&st, 1, 2);
        const int e = (int)(tu_rand(&st) % 25) - 24;
        dy[i] = (float)ldexp((tu_rand(&st) & 1) ? -m : m, e);
    }
    return dy;
}

static clact_tensor cfg_tensor(const tu_cfg *c, size_t n)
{
    if (c->op == CLACT_OP_CRELU) { /* [1, n], axis 1 */
        const size_t shape[2] = {1, n};
        return tu_tensor(CLACT_F32, 2, shape);
    }
    return tu_tensor1(CLACT_F32, n);
}

/* dx for x[0..n) and dy (2n for crelu), scored against dy * f'(x) */
static void backward_and_score(const tu_cfg *c, const double *x, const double *dy, size_t n, tu_score *s)
{
    double p[2];
    clact_activation a = tu_cfg_act(c, p);
    clact_tensor t = cfg_tensor(c, n);
    double *dx = tu_alloc((n ? n : 1) * sizeof(double));
    ck_assert_ptr_nonnull(dx);
    const double w = p[0];
    TU_ASSERT_OK(tu_backward(&a, &t, CLACT_FROM_X, x, dy, c->op == CLACT_OP_PRELU ? &w : NULL, 1, dx, NULL));
    for (size_t i = 0; i < n; ++i) {
        long double want;
        if (c->op == CLACT_OP_CRELU)
            want = (long double)dy[i] * ref_grad(c->op, p, x[i]) -
                   (long double)dy[n + i] * ref_grad(c->op, p, -(long double)x[i]);
        else
            want = (long double)dy[i] * ref_grad(c->op, p, x[i]);
        tu_score_add(s, CLACT_F32, i, x[i], dy[i], dx[i], want);
    }
    tu_free(dx);
}

static const char *label(const tu_cfg *c, const char *what)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "%s f32 backward %s", tu_cfg_str(c), what);
    return buf;
}

/* x[0..n) scored with random dy (make_dy(seed)) and with dy = 1 (crelu's
 * second half -1); frees x */
static void score_both_dy(const tu_cfg *c, double *x, size_t n, uint64_t seed, const char *random_what,
                          const char *unit_what)
{
    double *dy = make_dy(2 * n, seed);
    tu_score s;
    tu_score_init(&s, BWD_TOL);
    backward_and_score(c, x, dy, n, &s);
    TU_ASSERT_SCORE(&s, label(c, random_what));
    for (size_t i = 0; i < 2 * n; ++i) dy[i] = (c->op == CLACT_OP_CRELU && i >= n) ? -1.0 : 1.0;
    tu_score_init(&s, BWD_TOL);
    backward_and_score(c, x, dy, n, &s);
    TU_ASSERT_SCORE(&s, label(c, unit_what));
    tu_free(x);
    tu_free(dy);
}

START_TEST(test_backward_all_inputs)
{
    const tu_cfg *c = &tu_cfgs[_i];
    double p[2];
    clact_activation a = tu_cfg_act(c, p);
    size_t n = 0;
    double *x = tu_inputs(CLACT_F32, &a, 0, 2000u + (unsigned)_i, &n);
    score_both_dy(c, x, n, 3000u + (unsigned)_i, "(random dy)", "(dy = 1)");
}
END_TEST

/* Runs of consecutive floats where a CPU may switch forms (tu_run_inputs),
 * random dy and dy = 1 */
START_TEST(test_backward_runs)
{
    const tu_cfg *c = &tu_cfgs[_i];
    size_t n = 0;
    double *x = tu_run_inputs(&n);
    score_both_dy(c, x, n, 5000u + (unsigned)_i, "runs (random dy)", "runs (dy = 1)");
}
END_TEST

/* Every kink and threshold, exactly and +-1..8 ulp around it, dy = 1 */
START_TEST(test_backward_kinks)
{
    const tu_cfg *c = &tu_cfgs[_i];
    double p[2];
    tu_cfg_act(c, p);
    double x[TU_KINK_INPUTS], dy[2 * TU_KINK_INPUTS];
    const size_t n = tu_kink_inputs(c->op, p, x);
    if (n == 0) return; /* smooth */
    for (size_t i = 0; i < 2 * n; ++i) dy[i] = i < n ? 1.0 : 0.5;
    tu_score s;
    tu_score_init(&s, BWD_TOL);
    backward_and_score(c, x, dy, n, &s);
    TU_ASSERT_SCORE(&s, label(c, "at kinks"));
}
END_TEST

/* PyTorch's values exactly at the kinks, written out */
START_TEST(test_backward_kink_conventions)
{
    static const struct {
        clact_op op;
        double p0, p1, x, want;
    } k[] = {
        {CLACT_OP_RELU, 0, 0, 0.0, 0.0},
        {CLACT_OP_LEAKY_RELU, 0.2, 0, 0.0, 0.2},
        {CLACT_OP_LEAKY_RELU, -0.5, 0, 0.0, -0.5},
        {CLACT_OP_ELU, 0.5, 0, 0.0, 0.5},
        {CLACT_OP_ELU, 1.0, 0, 0.0, 1.0},
        {CLACT_OP_CELU, 2.0, 0, 0.0, 1.0},
        {CLACT_OP_SELU, 0, 0, 0.0, (double)(REF_SELU_SCALE * REF_SELU_ALPHA)},
        {CLACT_OP_RELU6, 0, 0, 0.0, 0.0},
        {CLACT_OP_RELU6, 0, 0, 6.0, 0.0},
        {CLACT_OP_RELU6, 0, 0, 3.0, 1.0},
        {CLACT_OP_HARDTANH, -1, 1, -1.0, 0.0},
        {CLACT_OP_HARDTANH, -1, 1, 1.0, 0.0},
        {CLACT_OP_HARDTANH, -2, 3, 2.5, 1.0},
        {CLACT_OP_HARDTANH, -2, 3, 3.0, 0.0},
        /* the integer forms of the interval tests: zeros of either sign at
         * the bounds, the smallest subnormals and floats next to them, an
         * empty interval */
        {CLACT_OP_RELU6, 0, 0, -0.0, 0.0},
        {CLACT_OP_RELU6, 0, 0, 0x1p-149, 1.0},
        {CLACT_OP_RELU6, 0, 0, -0x1p-149, 0.0},
        {CLACT_OP_RELU6, 0, 0, 0x1.7ffffep+2, 1.0},
        {CLACT_OP_RELU6, 0, 0, INFINITY, 0.0},
        {CLACT_OP_HARDTANH, -0.0, 1, 0.0, 0.0},
        {CLACT_OP_HARDTANH, 0.0, 1, -0.0, 0.0},
        {CLACT_OP_HARDTANH, -1, -0.0, 0.0, 0.0},
        {CLACT_OP_HARDTANH, -1, 0.0, -0.0, 0.0},
        {CLACT_OP_HARDTANH, -0.0, 1, 0x1p-149, 1.0},
        {CLACT_OP_HARDTANH, -1, 0.0, -0x1p-149, 1.0},
        {CLACT_OP_HARDTANH, -3, -2, -0x1.000002p+1, 1.0},
        {CLACT_OP_HARDTANH, -3, -2, -0x1.7ffffep+1, 1.0},
        {CLACT_OP_HARDTANH, -3, -2, -1.0, 0.0},
        {CLACT_OP_HARDTANH, -3, -2, -4.0, 0.0},
        {CLACT_OP_HARDTANH, 0.5, 0.5, 0.5, 0.0},
        {CLACT_OP_HARDTANH, 0.5, 0.5, 0x1.000002p-1, 0.0},
        {CLACT_OP_HARDTANH, 0.5, 0.5, 0x1.fffffep-2, 0.0},
        {CLACT_OP_HARDTANH, -1, 1, -INFINITY, 0.0},
        {CLACT_OP_HARDSIGMOID, 0, 0, 0x1.7ffffep+1, 1.0 / 6.0},
        {CLACT_OP_HARDSIGMOID, 0, 0, -0x1.7ffffep+1, 1.0 / 6.0},
        {CLACT_OP_HARDSIGMOID, 0, 0, -3.0, 0.0},
        {CLACT_OP_HARDSIGMOID, 0, 0, 3.0, 0.0},
        {CLACT_OP_HARDSIGMOID, 0, 0, 0.0, 1.0 / 6.0},
        {CLACT_OP_HARDSWISH, 0, 0, -3.0, -0.5},
        {CLACT_OP_HARDSWISH, 0, 0, 3.0, 1.5},
        {CLACT_OP_HARDSWISH, 0, 0, -1.5, 0.0},
        {CLACT_OP_HARDSWISH, 0, 0, 4.0, 1.0},
        {CLACT_OP_HARDSWISH, 0, 0, -4.0, 0.0},
        {CLACT_OP_SOFTPLUS, 1, 20, 21.0, 1.0},
        {CLACT_OP_SIGMOID, 0, 0, 0.0, 0.25},
        {CLACT_OP_TANH, 0, 0, 0.0, 1.0},
        {CLACT_OP_GELU, 0, 0, 0.0, 0.5},
        {CLACT_OP_SILU, 0, 0, 0.0, 0.5},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; ++i) {
        const double p[2] = {k[i].p0, k[i].p1};
        const long double r = ref_grad(k[i].op, p, k[i].x);
        ck_assert_msg(fabsl(r - k[i].want) <= 1e-16L * fabsl(r) + 1e-19L, "reference %s'(%g) = %.20Lg, want %.17g",
                      ref_op_name(k[i].op), k[i].x, r, k[i].want);
        clact_activation a = tu_act2(k[i].op, k[i].p0, k[i].p1);
        clact_tensor t = tu_tensor1(CLACT_F32, 1);
        const double x = k[i].x, dy = 1.0;
        double dx = NAN;
        TU_ASSERT_OK(tu_backward(&a, &t, CLACT_FROM_X, &x, &dy, NULL, 0, &dx, NULL));
        const double d = ulp_dist_f32((float)dx, k[i].want);
        ck_assert_msg(d <= BWD_TOL, "%s'(%g) = %.9g, want %.9g", tu_act_str(&a), x, dx, k[i].want);
    }
}
END_TEST

/* Tail values the numerics contract names: sigmoid'(20) ~ 2e-9, not 0 */
START_TEST(test_backward_tails)
{
    const tu_cfg *c = &tu_cfgs[_i];
    double x[512], dy[1024];
    size_t n = 0;
    for (double v = -1; v >= -105; v -= 0.5) x[n++] = v;
    for (double v = 1; v <= 105; v += 0.5) x[n++] = v;
    const float small[] = {1e-30f, -1e-30f, 1e-20f, -1e-20f, 1e-10f, -1e-10f, 3e-8f, -3e-8f, 1e-5f, -1e-5f};
    for (size_t i = 0; i < sizeof small / sizeof small[0]; ++i) x[n++] = small[i];
    for (size_t i = 0; i < 2 * n; ++i) dy[i] = (i % 3 == 0) ? -0.75 : 1.0;
    tu_score s;
    tu_score_init(&s, BWD_TOL);
    backward_and_score(c, x, dy, n, &s);
    TU_ASSERT_SCORE(&s, label(c, "tails"));
}
END_TEST

START_TEST(test_sigmoid_grad_20)
{
    clact_activation a = tu_act(CLACT_OP_SIGMOID);
    clact_tensor t = tu_tensor1(CLACT_F32, 2);
    const double x[2] = {20.0, -20.0}, dy[2] = {1.0, 1.0};
    double dx[2];
    TU_ASSERT_OK(tu_backward(&a, &t, CLACT_FROM_X, x, dy, NULL, 0, dx, NULL));
    for (int i = 0; i < 2; ++i) {
        const long double want = ref_grad(CLACT_OP_SIGMOID, NULL, x[i]);
        ck_assert_msg(fabsl(want - 2.0611536139418493e-9L) < 1e-24L, "reference sigmoid'(%g) = %Lg", x[i], want);
        ck_assert_msg(dx[i] != 0 && ulp_dist_f32((float)dx[i], want) <= BWD_TOL,
                      "sigmoid'(%g) = %.9g, want %.9Lg", x[i], dx[i], want);
    }
}
END_TEST

/* ---- from y --------------------------------------------------------------- */
static const struct ycfg {
    clact_op op;
    double p0;
} ycfgs[] = {
    {CLACT_OP_RELU, 0},    {CLACT_OP_LEAKY_RELU, 0.01}, {CLACT_OP_LEAKY_RELU, 0.2},
    {CLACT_OP_LEAKY_RELU, 0}, {CLACT_OP_ELU, 1.0},      {CLACT_OP_ELU, 0.5},
    {CLACT_OP_ELU, 0},     {CLACT_OP_SIGMOID, 0},       {CLACT_OP_TANH, 0},
};
#define NYCFG ((int)(sizeof ycfgs / sizeof ycfgs[0]))

START_TEST(test_backward_from_y)
{
    const struct ycfg *c = &ycfgs[_i];
    clact_activation a = tu_act2(c->op, c->p0, 0);
    ck_assert_msg(ref_from_y_ok(a.op, a.param), "configuration must allow y");
    size_t n = 0;
    double *x = tu_inputs(CLACT_F32, &a, 0, 4000u + (unsigned)_i, &n);
    double *y = tu_alloc(n * sizeof(double)), *dx = tu_alloc(n * sizeof(double));
    ck_assert(y && dx);
    for (size_t i = 0; i < n; ++i) y[i] = ulp_to_dtype(CLACT_F32, ref_fwd(a.op, a.param, x[i]));
    double *dy = make_dy(n, 5000u + (unsigned)_i);
    clact_tensor t = tu_tensor1(CLACT_F32, n);
    TU_ASSERT_OK(tu_backward(&a, &t, CLACT_FROM_Y, y, dy, NULL, 0, dx, NULL));
    tu_score s;
    tu_score_init(&s, BWD_TOL);
    for (size_t i = 0; i < n; ++i)
        tu_score_add(&s, CLACT_F32, i, y[i], dy[i], dx[i], (long double)dy[i] * ref_grad_from_y(a.op, a.param, y[i]));
    char lab[200];
    snprintf(lab, sizeof lab, "%s f32 backward from y (x column shows y)", tu_act_str(&a));
    TU_ASSERT_SCORE(&s, lab);
    tu_free(x);
    tu_free(y);
    tu_free(dx);
    tu_free(dy);
}
END_TEST

/* ---- finite differences ------------------------------------------------------ */
/* 4-point central difference of the reference forward, in long double */
static long double fd(clact_op op, const double *p, long double x, long double h)
{
    return (-ref_fwd(op, p, x + 2 * h) + 8 * ref_fwd(op, p, x + h) - 8 * ref_fwd(op, p, x - h) +
            ref_fwd(op, p, x - 2 * h)) / (12 * h);
}

static double *fd_points(const tu_cfg *c, const double *p, size_t *n, uint64_t seed)
{
    double *x = tu_alloc(400 * sizeof(double));
    ck_assert_ptr_nonnull(x);
    uint64_t st = seed;
    size_t k = 0;
    while (k < 400) {
        const double v = tu_uniform(&st, -8, 8);
        if (ref_smooth_at(c->op, p, v, 0.01)) x[k++] = v;
    }
    *n = k;
    return x;
}

/* The reference derivative agrees with the reference forward */
START_TEST(test_fd_reference)
{
    const tu_cfg *c = &tu_cfgs[_i];
    double p[2];
    clact_activation a = tu_cfg_act(c, p);
    (void)a;
    size_t n;
    double *x = fd_points(c, p, &n, 6000u + (unsigned)_i);
    for (size_t i = 0; i < n; ++i) {
        const long double g = ref_grad(c->op, p, x[i]);
        const long double e = fd(c->op, p, x[i], 1e-3L);
        ck_assert_msg(fabsl(g - e) <= 1e-10L * (1 + fabsl(g)), "%s: reference f'(%.17g) = %.20Lg, finite difference %.20Lg",
                      tu_cfg_str(c), x[i], g, e);
    }
    tu_free(x);
}
END_TEST

/* The library's f64 backward agrees with finite differences of the
 * reference forward (where the device has fp64). */
START_TEST(test_fd_library_f64)
{
    if (!tu_has_f64()) return;
    const tu_cfg *c = &tu_cfgs[_i];
    double p[2];
    clact_activation a = tu_cfg_act(c, p);
    size_t n;
    double *x = fd_points(c, p, &n, 7000u + (unsigned)_i);
    double *dy = tu_alloc(2 * n * sizeof(double)), *dx = tu_alloc(n * sizeof(double));
    ck_assert(dy && dx);
    for (size_t i = 0; i < 2 * n; ++i) dy[i] = i < n ? 1.0 : 0.0;
    clact_tensor t = tu_tensor1(CLACT_F64, n);
    if (c->op == CLACT_OP_CRELU) {
        const size_t shape[2] = {1, n};
        t = tu_tensor(CLACT_F64, 2, shape);
    }
    const double w = p[0];
    TU_ASSERT_OK(tu_backward(&a, &t, CLACT_FROM_X, x, dy, c->op == CLACT_OP_PRELU ? &w : NULL, 1, dx, NULL));
    for (size_t i = 0; i < n; ++i) {
        const long double e = fd(c->op, p, x[i], 1e-3L);
        ck_assert_msg(fabsl(dx[i] - e) <= 1e-9L * (1 + fabsl(e)), "%s f64: f'(%.17g) = %.17g, finite difference %.20Lg",
                      tu_cfg_str(c), x[i], dx[i], e);
    }
    tu_free(x);
    tu_free(dy);
    tu_free(dx);
}
END_TEST

/* ---- in place ------------------------------------------------------------------ */
START_TEST(test_backward_inplace)
{
    const tu_cfg *c = &tu_cfgs[_i];
    if (c->op == CLACT_OP_CRELU) return; /* dy has the doubled shape: not in place */
    double p[2];
    clact_activation a = tu_cfg_act(c, p);
    const size_t n = 4099;
    double *x = tu_random(CLACT_F32, n, -12, 12, 8000u + (unsigned)_i);
    double *dy = make_dy(n, 9000u + (unsigned)_i);
    double *ref = tu_alloc(n * sizeof(double)), *got = tu_alloc(n * sizeof(double));
    ck_assert(ref && got);
    clact_tensor t = tu_tensor1(CLACT_F32, n);
    const double w = p[0];
    const int prelu = c->op == CLACT_OP_PRELU;
    TU_ASSERT_OK(tu_backward(&a, &t, CLACT_FROM_X, x, dy, prelu ? &w : NULL, 1, ref, NULL));

    for (int from_y = 0; from_y < 2; ++from_y) {
        if (from_y && !ref_from_y_ok(a.op, a.param)) break;
        double *src = x;
        if (from_y) { /* y from the library itself */
            src = tu_alloc(n * sizeof(double));
            ck_assert_ptr_nonnull(src);
            TU_ASSERT_OK(tu_forward(&a, &t, x, NULL, 0, src));
            TU_ASSERT_OK(tu_backward(&a, &t, CLACT_FROM_Y, src, dy, NULL, 0, ref, NULL));
        }
        cl_mem bs = tu_upload(CLACT_F32, src, n);
        cl_mem bd = tu_upload(CLACT_F32, dy, n);
        cl_mem bw = prelu ? tu_upload(CLACT_F32, &w, 1) : NULL;
        cl_event ev = NULL;
        TU_ASSERT_OK(clact_backward(tu_ctx(), &a, &t, from_y ? CLACT_FROM_Y : CLACT_FROM_X, bs, 0, bd, 0, bd, 0, bw,
                                    NULL, 0, NULL, &ev));
        TU_CL_OK(clWaitForEvents(1, &ev));
        clReleaseEvent(ev);
        tu_read(bd, CLACT_F32, 0, got, n);
        for (size_t i = 0; i < n; ++i)
            ck_assert_msg(got[i] == ref[i] || (isnan(got[i]) && isnan(ref[i])),
                          "%s in place (from %s): dx[%zu] = %.9g, out of place %.9g", tu_cfg_str(c), from_y ? "y" : "x",
                          i, got[i], ref[i]);
        tu_release(bs);
        tu_release(bd);
        tu_release(bw);
        if (from_y) tu_free(src);
    }
    tu_free(x);
    tu_free(dy);
    tu_free(ref);
    tu_free(got);
}
END_TEST

/* ---- prelu weight gradient -------------------------------------------------------- */
/* sum over x <= 0 of x * dy for each channel of [outer, C, inner], exact
 * products (float * float fits a double) summed in long double */
static void dweight_ref(const double *x, const double *dy, size_t outer, size_t C, size_t inner, long double *out,
                        long double *abs_out)
{
    for (size_t c = 0; c < C; ++c) out[c] = abs_out[c] = 0;
    for (size_t o = 0; o < outer; ++o)
        for (size_t c = 0; c < C; ++c)
            for (size_t r = 0; r < inner; ++r) {
                const size_t i = (o * C + c) * inner + r;
                if (x[i] <= 0) {
                    out[c] += (long double)(x[i] * dy[i]);
                    abs_out[c] += fabsl((long double)(x[i] * dy[i]));
                }
            }
}

START_TEST(test_prelu_dweight_large)
{
    /* 10^6 terms per channel: [100, 3, 10000] */
    const size_t outer = 100, C = 3, inner = 10000, n = outer * C * inner;
    double *x = tu_alloc(n * sizeof(double)), *dy = tu_alloc(n * sizeof(double));
    ck_assert(x && dy);
    uint64_t st = 424242;
    for (size_t o = 0; o < outer; ++o)
        for (size_t c = 0; c < C; ++c)
            for (size_t r = 0; r < inner; ++r) {
                const size_t i = (o * C + c) * inner + r;
                if (c == 0) { /* one sign: well conditioned */
                    x[i] = (float)tu_uniform(&st, -1, 0.5);
                    dy[i] = (float)tu_uniform(&st, 0, 1);
                } else if (c == 1) { /* mixed signs, positive bias */
                    x[i] = (float)tu_uniform(&st, -2, 1);
                    dy[i] = (float)tu_uniform(&st, -0.5, 1);
                } else { /* all positive: the gradient is exactly 0 */
                    x[i] = (float)tu_uniform(&st, 1e-3, 3);
                    dy[i] = (float)tu_uniform(&st, -1, 1);
                }
            }
    const double w[3] = {0.25, -0.5, 2.0};
    long double want[3], mag[3];
    dweight_ref(x, dy, outer, C, inner, want, mag);

    const size_t shape[3] = {outer, C, inner};
    clact_tensor t = tu_tensor(CLACT_F32, 3, shape);
    clact_activation a = tu_act(CLACT_OP_PRELU); /* axis 1, weight per channel */
    cl_mem bx = tu_upload(CLACT_F32, x, n), bdy = tu_upload(CLACT_F32, dy, n);
    cl_mem bw = tu_upload(CLACT_F32, w, C);
    cl_mem bdx = tu_buffer_n(CLACT_F32, n), bdw = tu_buffer_n(CLACT_F32, C);
    uint32_t bits[3][3];
    double *dx = tu_alloc(n * sizeof(double));
    ck_assert_ptr_nonnull(dx);
    for (int run = 0; run < 3; ++run) {
        tu_fill_bytes(bdw, C * 4, 0xAB);
        cl_event ev = NULL;
        TU_ASSERT_OK(clact_backward(tu_ctx(), &a, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, bw, bdw, 0, NULL, &ev));
        TU_CL_OK(clWaitForEvents(1, &ev));
        clReleaseEvent(ev);
        tu_read_bytes(bdw, 0, bits[run], sizeof bits[run]);
        if (run == 0) tu_read(bdx, CLACT_F32, 0, dx, n);
    }
    for (size_t c = 0; c < C; ++c) {
        float g;
        memcpy(&g, &bits[0][c], sizeof g);
        for (int run = 1; run < 3; ++run)
            ck_assert_msg(bits[run][c] == bits[0][c], "dweight[%zu] not deterministic: %08x then %08x", c,
                          (unsigned)bits[0][c], (unsigned)bits[run][c]);
        const long double err = fabsl((long double)g - want[c]);
        ck_assert_msg(err <= 1e-5L * fabsl(want[c]), "dweight[%zu] = %.9g, want %.12Lg (relative error %.3Lg)", c,
                      (double)g, want[c], want[c] != 0 ? err / fabsl(want[c]) : err);
    }
    /* and dx = dy * (x > 0 ? 1 : w) */
    tu_score s;
    tu_score_init(&s, BWD_TOL);
    for (size_t i = 0; i < n; ++i) {
        const size_t c = (i / inner) % C;
        const double p[2] = {w[c], 0};
        tu_score_add(&s, CLACT_F32, i, x[i], dy[i], dx[i], (long double)dy[i] * ref_grad(CLACT_OP_PRELU, p, x[i]));
    }
    TU_ASSERT_SCORE(&s, "prelu [100,3,10000] dx");
    tu_release(bx);
    tu_release(bdy);
    tu_release(bw);
    tu_release(bdx);
    tu_release(bdw);
    tu_free(x);
    tu_free(dy);
    tu_free(dx);
}
END_TEST

/* the weight gradient's work-group size, CLACT_RED_LOCAL: one item per
 * group (CPUs' default), or a tree in local memory (GPUs' default, 256);
 * each gives the sum, and a value that is not a power of two up to 1024
 * is ignored (the device's default, bit for bit). 3 channels of 60033
 * positions: several groups per channel either way. */
START_TEST(test_prelu_dweight_group_sizes)
{
    const size_t outer = 3, C = 3, inner = 20011, n = outer * C * inner;
    double *x = tu_random(CLACT_F32, n, -3, 3, 4101), *dy = tu_random(CLACT_F32, n, -1, 1, 4102);
    double *w = tu_random(CLACT_F32, C, -1, 1, 4103);
    long double want[3], mag[3];
    dweight_ref(x, dy, outer, C, inner, want, mag);
    const size_t shape[3] = {outer, C, inner};
    const clact_tensor t = tu_tensor(CLACT_F32, 3, shape);
    const clact_activation a = tu_act(CLACT_OP_PRELU);
    cl_mem bx = tu_upload(CLACT_F32, x, n), bdy = tu_upload(CLACT_F32, dy, n), bw = tu_upload(CLACT_F32, w, C);
    cl_mem bdx = tu_buffer_n(CLACT_F32, n), bdw = tu_buffer_n(CLACT_F32, C);
    static const char *const vals[] = {NULL, "1", "64", "256", "3", "0", "2048", "many"};
    enum { NV = sizeof vals / sizeof vals[0] };
    uint32_t bits[NV][3];
    const char *env = getenv("CLACT_RED_LOCAL");
    char *saved = env ? tu_keep(strdup(env)) : NULL;
    for (size_t v = 0; v < NV; ++v) {
        if (vals[v])
            setenv("CLACT_RED_LOCAL", vals[v], 1);
        else
            unsetenv("CLACT_RED_LOCAL");
        clact_context *ctx = NULL;
        TU_ASSERT_OK(clact_context_from_queue(&ctx, tu_queue()));
        tu_fill_bytes(bdw, C * 4, 0xAB);
        cl_event ev = NULL;
        TU_ASSERT_OK(clact_backward(ctx, &a, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, bw, bdw, 0, NULL, &ev));
        TU_CL_OK(clWaitForEvents(1, &ev));
        clReleaseEvent(ev);
        clact_context_destroy(ctx);
        tu_read_bytes(bdw, 0, bits[v], sizeof bits[v]);
        for (size_t c = 0; c < C; ++c) {
            float g;
            memcpy(&g, &bits[v][c], sizeof g);
            ck_assert_msg(fabsl((long double)g - want[c]) <= 1e-5L * fabsl(want[c]) + 1e-6L * mag[c],
                          "CLACT_RED_LOCAL=%s: dweight[%zu] = %.9g, want %.12Lg", vals[v] ? vals[v] : "(unset)", c,
                          (double)g, want[c]);
        }
        if (v >= 4)
            ck_assert_msg(!memcmp(bits[v], bits[0], sizeof bits[0]), "CLACT_RED_LOCAL=%s was not ignored", vals[v]);
    }
    if (saved)
        setenv("CLACT_RED_LOCAL", saved, 1);
    else
        unsetenv("CLACT_RED_LOCAL");
    tu_release(bx);
    tu_release(bdy);
    tu_release(bw);
    tu_release(bdx);
    tu_release(bdw);
}
END_TEST

/* dweight on other axes and with one shared weight; the in-place dx == dy
 * case must still see dy for the weight gradient. */
START_TEST(test_prelu_dweight_axes)
{
    static const struct {
        int ndim;
        size_t shape[4];
        int axis;
        int shared;
    } cases[] = {
        {4, {2, 3, 4, 5}, 0, 0}, {4, {2, 3, 4, 5}, 1, 0}, {4, {2, 3, 4, 5}, 2, 0}, {4, {2, 3, 4, 5}, -1, 0},
        {4, {2, 3, 4, 5}, 1, 1}, {1, {37}, 1, 1},         {2, {7, 1}, 1, 0},       {3, {1, 1, 9}, 2, 0},
        {2, {5, 3}, -2, 0},
        /* long channel blocks: dx and dweight in one pass, blocks and
         * chunks that are not a multiple of the vector width */
        {3, {3, 2, 1007}, 1, 0}, {2, {3, 700}, 0, 0}, {1, {5000}, 0, 1},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k) {
        clact_tensor t = tu_tensor(CLACT_F32, cases[k].ndim, cases[k].shape);
        const size_t n = clact_tensor_count(&t);
        const int nd = cases[k].ndim, ax = cases[k].axis < 0 ? cases[k].axis + nd : cases[k].axis;
        size_t outer = 1, C = 1, inner = n;
        if (!cases[k].shared) {
            for (int i = 0; i < ax; ++i) outer *= cases[k].shape[i];
            C = cases[k].shape[ax];
            inner = n / outer / C;
        }
        clact_activation a = tu_act(CLACT_OP_PRELU);
        a.axis = cases[k].axis;
        a.weight_count = cases[k].shared ? 1 : 0;
        double *x = tu_random(CLACT_F32, n, -3, 3, 100 + k), *dy = tu_random(CLACT_F32, n, -1, 1, 200 + k);
        double *w = tu_random(CLACT_F32, C, -1, 1, 300 + k);
        double *dx = tu_alloc(n * sizeof(double)), *dw = tu_alloc(C * sizeof(double));
        long double *want = tu_alloc(C * sizeof(long double)), *mag = tu_alloc(C * sizeof(long double));
        ck_assert(dx && dw && want && mag);
        dweight_ref(x, dy, outer, C, inner, want, mag);
        for (int inplace = 0; inplace < 2; ++inplace) {
            cl_mem bx = tu_upload(CLACT_F32, x, n), bdy = tu_upload(CLACT_F32, dy, n);
            cl_mem bw = tu_upload(CLACT_F32, w, C), bdw = tu_buffer_n(CLACT_F32, C);
            cl_mem bdx = inplace ? bdy : tu_buffer_n(CLACT_F32, n);
            cl_event ev = NULL;
            TU_ASSERT_OK(clact_backward(tu_ctx(), &a, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, bw, bdw, 0, NULL, &ev));
            TU_CL_OK(clWaitForEvents(1, &ev));
            clReleaseEvent(ev);
            tu_read(bdx, CLACT_F32, 0, dx, n);
            tu_read(bdw, CLACT_F32, 0, dw, C);
            for (size_t c = 0; c < C; ++c)
                ck_assert_msg(fabsl(dw[c] - want[c]) <= 1e-5L * fabsl(want[c]) + 1e-6L * mag[c],
                              "case %zu%s: dweight[%zu] = %.9g, want %.12Lg", k, inplace ? " (in place)" : "", c,
                              dw[c], want[c]);
            for (size_t i = 0; i < n; ++i) {
                const size_t c = cases[k].shared ? 0 : (i / inner) % C;
                const long double wd = x[i] > 0 ? (long double)dy[i] : (long double)dy[i] * w[c];
                ck_assert_msg(ulp_dist_f32((float)dx[i], wd) <= BWD_TOL, "case %zu: dx[%zu] = %.9g, want %.12Lg", k,
                              i, dx[i], wd);
            }
            tu_release(bx);
            tu_release(bdy);
            tu_release(bw);
            tu_release(bdw);
            if (!inplace) tu_release(bdx);
        }
        tu_free(x);
        tu_free(dy);
        tu_free(w);
        tu_free(dx);
        tu_free(dw);
        tu_free(want);
        tu_free(mag);
    }
}
END_TEST

/* 16-bit and double storage: dx from the one-pass kernel (dweight wanted)
 * is bit-identical to the plain backward kernel's, and dweight is the
 * exact sum rounded once to the storage type (double sums, one rounding) */
START_TEST(test_prelu_dweight_dtypes)
{
    static const clact_dtype types[] = {CLACT_F16, CLACT_BF16, CLACT_F64};
    const size_t outer = 2, C = 3, inner = 301, n = outer * C * inner;
    const size_t shape[3] = {outer, C, inner};
    for (size_t ti = 0; ti < sizeof types / sizeof types[0]; ++ti) {
        const clact_dtype t = types[ti];
        if (t == CLACT_F64 && !tu_has_f64()) continue;
        const size_t esz = clact_dtype_size(t);
        double *x = tu_random(t, n, -3, 3, 71 + ti), *dy = tu_random(t, n, -1, 1, 72 + ti);
        double *w = tu_random(t, C, -1, 1, 73 + ti), dw[3];
        long double want[3], mag[3];
        dweight_ref(x, dy, outer, C, inner, want, mag);
        clact_tensor ts = tu_tensor(t, 3, shape);
        clact_activation a = tu_act(CLACT_OP_PRELU);
        cl_mem bx = tu_upload(t, x, n), bdy = tu_upload(t, dy, n), bw = tu_upload(t, w, C);
        cl_mem bdx1 = tu_buffer_n(t, n), bdx2 = tu_buffer_n(t, n), bdw = tu_buffer_n(t, C);
        cl_event ev;
        TU_ASSERT_OK(clact_backward(tu_ctx(), &a, &ts, CLACT_FROM_X, bx, 0, bdy, 0, bdx1, 0, bw, bdw, 0, NULL, &ev));
        clWaitForEvents(1, &ev);
        clReleaseEvent(ev);
        TU_ASSERT_OK(clact_backward(tu_ctx(), &a, &ts, CLACT_FROM_X, bx, 0, bdy, 0, bdx2, 0, bw, NULL, 0, NULL, &ev));
        clWaitForEvents(1, &ev);
        clReleaseEvent(ev);
        unsigned char *b1 = tu_alloc(n * esz), *b2 = tu_alloc(n * esz);
        ck_assert(b1 && b2);
        tu_read_bytes(bdx1, 0, b1, n * esz);
        tu_read_bytes(bdx2, 0, b2, n * esz);
        for (size_t i = 0; i < n * esz; i += esz)
            ck_assert_msg(memcmp(b1 + i, b2 + i, esz) == 0, "%s: dx[%zu] differs with and without dweight",
                          clact_dtype_name(t), i / esz);
        tu_read(bdw, t, 0, dw, C);
        const long double rel = t == CLACT_F16 ? 0x1p-10L : (t == CLACT_BF16 ? 0x1p-7L : 1e-12L);
        for (size_t c = 0; c < C; ++c)
            ck_assert_msg(fabsl(dw[c] - want[c]) <= rel * fabsl(want[c]) + 1e-9L * mag[c],
                          "%s: dweight[%zu] = %.9g, want %.12Lg", clact_dtype_name(t), c, dw[c], want[c]);
        tu_free(b1);
        tu_free(b2);
        tu_release(bx);
        tu_release(bdy);
        tu_release(bw);
        tu_release(bdx1);
        tu_release(bdx2);
        tu_release(bdw);
        tu_free(x);
        tu_free(dy);
        tu_free(w);
    }
}
END_TEST

/* bfloat16 products x dy beyond float's range: the weight-gradient pass
 * must form them in double (a float product of two bfloat16 values is
 * exact only where it is a normal float; on AVX-512 it checks the product
 * scaled by 2^64, whose normal range holds products in [2^-190, 2^64)).
 * Channel 0 holds pairs of products -2^140 and +2^140 (inf - inf = NaN in
 * float) among products -2^100 (every partial sum exact in double, in any
 * order); channel 1 -2 * 1 beside positive x; channel 2 products -2^70
 * (a float, but not once scaled); channel 3 products of 2^-130 (float
 * subnormals, normal once scaled) whose sum is normal; channel 4 products
 * 2^-200 (subnormal even scaled) in every vector beside -1.5 * 1;
 * channel 5 NaN gradients beside positive x, which take no part. */
START_TEST(test_prelu_dweight_bf16_range)
{
    static const size_t inners[] = {1024, 192}; /* dx and dweight in one pass; dweight first */
    for (size_t s = 0; s < 2; ++s) {
        const size_t outer = 1, C = 6, inner = inners[s], n = outer * C * inner;
        const size_t shape[3] = {outer, C, inner};
        double *x = tu_alloc(n * sizeof *x), *dy = tu_alloc(n * sizeof *dy), *dx = tu_alloc(n * sizeof *dx), dw[6];
        ck_assert(x && dy && dx);
        const double m = 1 + 0x1p-7; /* 8 significant bits */
        for (size_t r = 0; r < inner; ++r) {
            const int k = (int)(r % 4);
            x[r] = k < 2 ? -0x1p70 : -0x1p50;
            dy[r] = k == 0 ? 0x1p70 : (k == 1 ? -0x1p70 : 0x1p50);
            x[inner + r] = k % 2 ? 3 : -2;
            dy[inner + r] = 1;
            x[2 * inner + r] = -m * 0x1p40;
            dy[2 * inner + r] = 0x1p30;
            x[3 * inner + r] = -m * 0x1p-60;
            dy[3 * inner + r] = 0x1p-70;
            x[4 * inner + r] = k == 0 ? -0x1p-100 : -1.5;
            dy[4 * inner + r] = k == 0 ? 0x1p-100 : 1;
            x[5 * inner + r] = k % 2 ? 2 : -1;
            dy[5 * inner + r] = k % 2 ? NAN : 2;
        }
        const long double ni = (long double)inner;
        const long double want[6] = {-0x1p100L * (ni / 2), -ni, -(long double)m * 0x1p70L * ni,
                                     -(long double)m * 0x1p-130L * ni, -1.5L * (ni * 3 / 4), -2 * (ni / 2)};
        const clact_tensor ts = tu_tensor(CLACT_BF16, 3, shape);
        const clact_activation a = tu_act(CLACT_OP_PRELU);
        const double w[6] = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
        TU_ASSERT_OK(tu_backward(&a, &ts, CLACT_FROM_X, x, dy, w, C, dx, dw));
        for (size_t c = 0; c < C; ++c)
            ck_assert_msg(fabsl(dw[c] - want[c]) <= 0x1p-8L * fabsl(want[c]), "inner %zu: dweight[%zu] = %.9g, want %.12Lg",
                          inner, c, dw[c], want[c]);
        tu_free(x);
        tu_free(dy);
        tu_free(dx);
    }
}
END_TEST

/* dweight may be NULL; a zero-size tensor gives a zero weight gradient */
START_TEST(test_prelu_dweight_optional_and_empty)
{
    const size_t shape[2] = {4, 3};
    clact_tensor t = tu_tensor(CLACT_F32, 2, shape);
    clact_activation a = tu_act(CLACT_OP_PRELU);
    double x[12], dy[12], dx[12];
    for (int i = 0; i < 12; ++i) {
        x[i] = i - 6.5;
        dy[i] = 1 + i;
    }
    const double w[3] = {0.5, -2, 3};
    TU_ASSERT_OK(tu_backward(&a, &t, CLACT_FROM_X, x, dy, w, 3, dx, NULL));
    for (int i = 0; i < 12; ++i) {
        const double want = x[i] > 0 ? dy[i] : dy[i] * w[i % 3];
        ck_assert_msg(dx[i] == want, "dx[%d] = %g, want %g", i, dx[i], want);
    }
    /* empty: shape [0, 3] (no outer blocks) and [2, 3, 0] (channels of
     * no positions: the kernels' index divisor is 0) */
    const size_t zshapes[2][3] = {{0, 3, 0}, {2, 3, 0}};
    cl_mem bx = tu_buffer_n(CLACT_F32, 1), bdy = tu_buffer_n(CLACT_F32, 1), bdx = tu_buffer_n(CLACT_F32, 1);
    cl_mem bw = tu_upload(CLACT_F32, w, 3), bdw = tu_buffer_n(CLACT_F32, 3);
    for (int k = 0; k < 2; ++k) {
        clact_tensor z = tu_tensor(CLACT_F32, k == 0 ? 2 : 3, zshapes[k]);
        tu_fill_bytes(bdw, 12, 0x7f);
        cl_event ev = NULL;
        TU_ASSERT_OK(clact_backward(tu_ctx(), &a, &z, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, bw, bdw, 0, NULL, &ev));
        if (ev) {
            TU_CL_OK(clWaitForEvents(1, &ev));
            clReleaseEvent(ev);
        }
        tu_finish();
        double dw[3];
        tu_read(bdw, CLACT_F32, 0, dw, 3);
        for (int c = 0; c < 3; ++c)
            ck_assert_msg(dw[c] == 0, "empty tensor %d: dweight[%d] = %g, want 0", k, c, dw[c]);
    }
    tu_release(bx);
    tu_release(bdy);
    tu_release(bdx);
    tu_release(bw);
    tu_release(bdw);
}
END_TEST

/* ---- crelu ------------------------------------------------------------------------ */
START_TEST(test_crelu_backward_shapes)
{
    static const struct {
        int ndim;
        size_t shape[3];
        int axis;
    } cases[] = {{3, {2, 3, 5}, 1}, {2, {4, 7}, 0}, {2, {3, 5}, -1}, {1, {9}, 0}, {3, {2, 3, 5}, 2}, {3, {2, 3, 5}, -3},
                 /* blocks of several work-items' spans, whole and not */
                 {2, {3, 256}, 1}, {3, {3, 3, 70}, 1}, {3, {2, 5, 131}, -2}, {1, {4099}, 0}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k) {
        clact_tensor t = tu_tensor(CLACT_F32, cases[k].ndim, cases[k].shape);
        clact_activation a = tu_act(CLACT_OP_CRELU);
        a.axis = cases[k].axis;
        const size_t n = clact_tensor_count(&t);
        const int ax = cases[k].axis < 0 ? cases[k].axis + cases[k].ndim : cases[k].axis;
        size_t outer = 1, inner = 1;
        for (int i = 0; i < ax; ++i) outer *= cases[k].shape[i];
        for (int i = ax + 1; i < cases[k].ndim; ++i) inner *= cases[k].shape[i];
        const size_t C = cases[k].shape[ax], blk = C * inner;
        ck_assert_uint_eq(outer * blk, n);
        double *x = tu_random(CLACT_F32, n, -2, 2, 50 + k), *dy = tu_random(CLACT_F32, 2 * n, -3, 3, 60 + k);
        x[0] = 0.0; /* both sides get nothing */
        double *dx = tu_alloc(n * sizeof(double));
        ck_assert_ptr_nonnull(dx);
        TU_ASSERT_OK(tu_backward(&a, &t, CLACT_FROM_X, x, dy, NULL, 0, dx, NULL));
        for (size_t i = 0; i < n; ++i) {
            const size_t o = i / blk, r = i % blk;
            const double dp = dy[o * 2 * blk + r], dn = dy[o * 2 * blk + blk + r];
            const double want = x[i] > 0 ? dp : (x[i] < 0 ? -dn : 0.0);
            ck_assert_msg(dx[i] == want, "crelu case %zu: dx[%zu] = %.9g, want %.9g (x %.9g, dy+ %.9g, dy- %.9g)", k, i,
                          dx[i], want, x[i], dp, dn);
        }
        tu_free(x);
        tu_free(dy);
        tu_free(dx);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("backward");
    TCase *tc = tu_tcase("f32");
    tcase_add_test(tc, test_backward_kink_conventions);
    tcase_add_test(tc, test_sigmoid_grad_20);
    tcase_add_loop_test(tc, test_backward_kinks, 0, tu_ncfgs);
    tcase_add_loop_test(tc, test_backward_tails, 0, tu_ncfgs);
    tcase_add_loop_test(tc, test_backward_all_inputs, 0, tu_ncfgs);
    tcase_add_loop_test(tc, test_backward_runs, 0, tu_ncfgs);
    tcase_add_loop_test(tc, test_backward_from_y, 0, NYCFG);
    tcase_add_loop_test(tc, test_fd_reference, 0, tu_ncfgs);
    tcase_add_loop_test(tc, test_fd_library_f64, 0, tu_ncfgs);
    tcase_add_loop_test(tc, test_backward_inplace, 0, tu_ncfgs);
    tcase_add_test(tc, test_prelu_dweight_large);
    tcase_add_test(tc, test_prelu_dweight_axes);
    tcase_add_test(tc, test_prelu_dweight_group_sizes);
    tcase_add_test(tc, test_prelu_dweight_dtypes);
    tcase_add_test(tc, test_prelu_dweight_bf16_range);
    tcase_add_test(tc, test_prelu_dweight_optional_and_empty);
    tcase_add_test(tc, test_crelu_backward_shapes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    tu_init();
    tu_track_all(1);
    return tu_run_suite(suite());
}
