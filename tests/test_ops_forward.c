/* Every op forward in float32 against the long double reference, within
 * 4 ulp: special values, kinks and thresholds with their neighbours, a
 * dense grid over [-20, 20], uniform values, random bit patterns across
 * every magnitude, far tails, runs of consecutive floats; default and
 * non-default parameters. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define FWD_TOL 4.0

/* Run act on x[0..n) (1-D; crelu as [1, n]) and score every result. */
static void run_and_score(const tu_cfg *c, const double *x, size_t n, tu_score *s)
{
    double p[2];
    clact_activation a = tu_cfg_act(c, p);
    clact_tensor t = tu_tensor1(CLACT_F32, n);
    double w = p[0];
    if (c->op == CLACT_OP_CRELU) {
        const size_t shape[2] = {1, n};
        t = tu_tensor(CLACT_F32, 2, shape);
    }
    double *y = tu_alloc(2 * n * sizeof(double));
    ck_assert_ptr_nonnull(y);
    TU_ASSERT_OK(tu_forward(&a, &t, x, c->op == CLACT_OP_PRELU ? &w : NULL, 1, y));
    for (size_t i = 0; i < n; ++i) {
        tu_score_add(s, CLACT_F32, i, x[i], 0, y[i], ref_fwd(c->op, p, x[i]));
        if (c->op == CLACT_OP_CRELU) /* second half: relu(-x) */
            tu_score_add(s, CLACT_F32, n + i, x[i], 0, y[n + i], ref_fwd(c->op, p, -(long double)x[i]));
    }
    tu_free(y);
}

static const char *cfg_label(const tu_cfg *c)
{
    static char buf[240];
    snprintf(buf, sizeof buf, "%s f32 forward", tu_cfg_str(c));
    return buf;
}

/* scores the n inputs x (tu_alloc'd, freed here) of configuration c */
static void score_inputs(const tu_cfg *c, double *x, size_t n)
{
    tu_score s;
    tu_score_init(&s, FWD_TOL);
    run_and_score(c, x, n, &s);
    tu_free(x);
    TU_ASSERT_SCORE(&s, cfg_label(c));
}

/* Everything: specials, kinks, grid, uniform, random bit patterns. */
START_TEST(test_forward_all_inputs)
{
    const tu_cfg *c = &tu_cfgs[_i];
    double p[2];
    clact_activation a = tu_cfg_act(c, p);
    size_t n = 0;
    double *x = tu_inputs(CLACT_F32, &a, 0, 1000u + (unsigned)_i, &n);
    score_inputs(c, x, n);
}
END_TEST

/* Special values one by one, so a failure names the value. */
START_TEST(test_forward_special_values)
{
    const tu_cfg *c = &tu_cfgs[_i];
    const float specials[] = {NAN, -NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 0x1p-149f, -0x1p-149f,
                              0x1.fffffcp-127f, -0x1.fffffcp-127f, FLT_MIN, -FLT_MIN, FLT_MAX, -FLT_MAX,
                              1.0f, -1.0f};
    const size_t n = sizeof specials / sizeof specials[0];
    double x[sizeof specials / sizeof specials[0]];
    for (size_t i = 0; i < n; ++i) x[i] = specials[i];
    tu_score s;
    tu_score_init(&s, FWD_TOL);
    run_and_score(c, x, n, &s);
    TU_ASSERT_SCORE(&s, cfg_label(c));
}
END_TEST

/* Each kink and threshold of the op, exactly and +-1..8 ulp around it. */
START_TEST(test_forward_kinks)
{
    const tu_cfg *c = &tu_cfgs[_i];
    double p[2];
    tu_cfg_act(c, p);
    double x[TU_KINK_INPUTS];
    const size_t n = tu_kink_inputs(c->op, p, x);
    if (n == 0) return; /* smooth op: nothing to probe here */
    tu_score s;
    tu_score_init(&s, FWD_TOL);
    run_and_score(c, x, n, &s);
    TU_ASSERT_SCORE(&s, cfg_label(c));
}
END_TEST

/* Far tails: results that are tiny but normal floats must come out right,
 * not 0 (gelu(-10) is about -7.6e-23). */
START_TEST(test_forward_tails)
{
    const tu_cfg *c = &tu_cfgs[_i];
    double p[2];
    clact_activation a = tu_cfg_act(c, p);
    (void)a;
    double x[512];
    size_t n = 0;
    for (double v = -1; v >= -105; v -= 0.5) x[n++] = v;
    for (double v = 1; v <= 105; v += 0.5) x[n++] = v;
    const float small[] = {1e-30f, -1e-30f, 1e-20f, -1e-20f, 1e-10f, -1e-10f, 3e-8f, -3e-8f, 1e-5f, -1e-5f};
    for (size_t i = 0; i < sizeof small / sizeof small[0]; ++i) x[n++] = small[i];
    tu_score s;
    tu_score_init(&s, FWD_TOL);
    run_and_score(c, x, n, &s);
    TU_ASSERT_SCORE(&s, cfg_label(c));
}
END_TEST

/* The example of the numerics contract, by itself. */
START_TEST(test_gelu_minus_ten)
{
    tu_cfg c = {CLACT_OP_GELU, 1, 0, 0};
    const double x[3] = {-10.0, -12.0, -13.0};
    double p[2] = {0, 0};
    clact_activation a = tu_cfg_act(&c, p);
    clact_tensor t = tu_tensor1(CLACT_F32, 3);
    double y[3];
    TU_ASSERT_OK(tu_forward(&a, &t, x, NULL, 0, y));
    for (int i = 0; i < 3; ++i) {
        const long double want = ref_fwd(CLACT_OP_GELU, p, x[i]);
        ck_assert_msg(want < 0 && fabsl(want) >= FLT_MIN, "reference gelu(%g) = %Lg", x[i], want);
        ck_assert_msg(y[i] != 0, "gelu(%g) came out 0, want %.9Lg", x[i], want);
        const double d = ulp_dist_f32((float)y[i], want);
        ck_assert_msg(d <= FWD_TOL, "gelu(%g) = %.9g, want %.9Lg (%.3g ulp)", x[i], y[i], want, d);
    }
    ck_assert_msg(fabsl(ref_fwd(CLACT_OP_GELU, p, -10.0) + 7.6198530241605e-23L) < 1e-33L,
                  "reference gelu(-10) = %.15Lg", ref_fwd(CLACT_OP_GELU, p, -10.0));
}
END_TEST

/* Different parameters, one program: results for several alphas in a row
 * are each right (a stale parameter would show here). */
START_TEST(test_parameters_are_arguments)
{
    const double alphas[] = {0.01, 0.2, -0.5, 3.0, 0.0, 1e-3};
    double x[64];
    for (int i = 0; i < 64; ++i) x[i] = (i - 32) * 0.375;
    for (size_t k = 0; k < sizeof alphas / sizeof alphas[0]; ++k) {
        clact_activation a = tu_act2(CLACT_OP_ELU, alphas[k], 0);
        clact_tensor t = tu_tensor1(CLACT_F32, 64);
        double y[64];
        TU_ASSERT_OK(tu_forward(&a, &t, x, NULL, 0, y));
        tu_score s;
        tu_score_init(&s, FWD_TOL);
        for (int i = 0; i < 64; ++i) tu_score_add(&s, CLACT_F32, (size_t)i, x[i], 0, y[i], ref_fwd(a.op, a.param, x[i]));
        TU_ASSERT_SCORE(&s, tu_act_str(&a));
    }
}
END_TEST

/* celu with a negative alpha: for x < 0, e^(x/alpha) grows up to the
 * overflow, and the rounding of x/alpha would cost up to |x/alpha|/2 ulp
 * without its low part. */
START_TEST(test_celu_negative_alpha)
{
    double x[600];
    size_t n = 0;
    for (double v = -140; v <= 4; v += 0.2431) x[n++] = (float)v;
    clact_activation a = tu_act2(CLACT_OP_CELU, -1.5, 0);
    clact_tensor t = tu_tensor1(CLACT_F32, n);
    double y[600];
    TU_ASSERT_OK(tu_forward(&a, &t, x, NULL, 0, y));
    tu_score s;
    tu_score_init(&s, FWD_TOL);
    for (size_t i = 0; i < n; ++i) tu_score_add(&s, CLACT_F32, i, x[i], 0, y[i], ref_fwd(a.op, a.param, x[i]));
    TU_ASSERT_SCORE(&s, tu_act_str(&a));
}
END_TEST

/* Runs of consecutive floats where a CPU may switch forms (tu_run_inputs) */
START_TEST(test_forward_runs)
{
    const tu_cfg *c = &tu_cfgs[_i];
    size_t n = 0;
    double *x = tu_run_inputs(&n);
    score_inputs(c, x, n);
}
END_TEST

/* tanh is odd and gelu, gelu_tanh, silu and mish are x P(x) with
 * P(0) > 0: f(-0) = -0, f(+0) = +0, in every storage type (the ulp
 * scores count -0 and +0 as equal). The first 64 inputs are all zeros (a
 * CPU's range tables), the next 64 hold one -30, below every table's
 * range (the general forms). */
START_TEST(test_signed_zero)
{
    static const clact_dtype types[] = {CLACT_F32, CLACT_F16, CLACT_BF16, CLACT_F64};
    static const clact_op ops[] = {CLACT_OP_TANH, CLACT_OP_GELU, CLACT_OP_GELU_TANH, CLACT_OP_SILU, CLACT_OP_MISH};
    enum { N = 128, OUT = 64 + 37 };
    double x[N], y[N];
    for (int i = 0; i < N; ++i) x[i] = (i % 2) ? -0.0 : 0.0;
    x[OUT] = -30.0;
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; ++o)
        for (size_t k = 0; k < sizeof types / sizeof types[0]; ++k) {
            if (types[k] == CLACT_F64 && !tu_has_f64()) continue;
            clact_activation a = tu_act(ops[o]);
            clact_tensor t = tu_tensor1(types[k], N);
            TU_ASSERT_OK(tu_forward(&a, &t, x, NULL, 0, y));
            for (int i = 0; i < N; ++i)
                if (i != OUT)
                    ck_assert_msg(y[i] == 0 && signbit(y[i]) == signbit(x[i]), "%s %s: f(%s0) = %g%s (input %d)",
                                  tu_act_str(&a), clact_dtype_name(types[k]), signbit(x[i]) ? "-" : "+", y[i],
                                  signbit(y[i]) ? " (negative)" : "", i);
        }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ops_forward");
    TCase *tc = tu_tcase("f32");
    tcase_add_loop_test(tc, test_forward_special_values, 0, tu_ncfgs);
    tcase_add_loop_test(tc, test_forward_kinks, 0, tu_ncfgs);
    tcase_add_loop_test(tc, test_forward_tails, 0, tu_ncfgs);
    tcase_add_loop_test(tc, test_forward_all_inputs, 0, tu_ncfgs);
    tcase_add_loop_test(tc, test_forward_runs, 0, tu_ncfgs);
    tcase_add_test(tc, test_gelu_minus_ten);
    tcase_add_test(tc, test_parameters_are_arguments);
    tcase_add_test(tc, test_celu_negative_alpha);
    tcase_add_test(tc, test_signed_zero);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    tu_init();
    tu_track_all(1);
    return tu_run_suite(suite());
}
