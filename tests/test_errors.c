/* Every error path: the documented status, a non-empty clact_last_error(),
 * no event, and the output buffers untouched (filled with a sentinel and
 * checked after the queue drained). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define N 64          /* elements of the test tensors */
#define SENT 0xC7     /* sentinel byte */
#define BIG (4 * N)   /* elements of the roomy buffers */

static cl_mem bx, by, bdy, bdx, bw, bdw, small; /* f32 buffers */

static void setup(void)
{
    double v[BIG];
    for (int i = 0; i < BIG; ++i) v[i] = (i % 7) - 3.5;
    bx = tu_upload(CLACT_F32, v, BIG);
    bdy = tu_upload(CLACT_F32, v, BIG);
    by = tu_buffer_n(CLACT_F32, BIG);
    bdx = tu_buffer_n(CLACT_F32, BIG);
    bw = tu_upload(CLACT_F32, v, BIG);
    bdw = tu_buffer_n(CLACT_F32, BIG);
    small = tu_buffer_n(CLACT_F32, N - 1);
}

static void teardown(void)
{
    tu_release(bx);
    tu_release(by);
    tu_release(bdy);
    tu_release(bdx);
    tu_release(bw);
    tu_release(bdw);
    tu_release(small);
}

static void fill_outputs(void)
{
    tu_fill_bytes(by, BIG * 4, SENT);
    tu_fill_bytes(bdx, BIG * 4, SENT);
    tu_fill_bytes(bdw, BIG * 4, SENT);
}

static void check_outputs(const char *what)
{
    tu_finish();
    ck_assert_msg(tu_bytes_are(by, BIG * 4, SENT), "%s: y written on error", what);
    ck_assert_msg(tu_bytes_are(bdx, BIG * 4, SENT), "%s: dx written on error", what);
    ck_assert_msg(tu_bytes_are(bdw, BIG * 4, SENT), "%s: dweight written on error", what);
}

/* forward that must fail with `want` */
static void fwd_fails(clact_status want, clact_context *ctx, const clact_activation *a, const clact_tensor *t, cl_mem x,
                      size_t xo, cl_mem y, size_t yo, cl_mem w, const char *what)
{
    fill_outputs();
    cl_event ev = NULL;
    const clact_status st = clact_forward(ctx, a, t, x, xo, y, yo, w, 0, NULL, &ev);
    ck_assert_msg(st == want, "%s: forward -> %d (%s), want %d (%s); %s", what, (int)st, clact_status_string(st),
                  (int)want, clact_status_string(want), clact_last_error());
    ck_assert_msg(clact_last_error()[0] != '\0', "%s: empty clact_last_error()", what);
    ck_assert_msg(ev == NULL, "%s: an event came back from a failed call", what);
    /* the check path reports the same for what it can see */
    check_outputs(what);
}

static void bwd_fails(clact_status want, const clact_activation *a, const clact_tensor *t, clact_source src, cl_mem xy,
                      size_t xyo, cl_mem dy, size_t dyo, cl_mem dx, size_t dxo, cl_mem w, cl_mem dw, const char *what)
{
    fill_outputs();
    cl_event ev = NULL;
    const clact_status st = clact_backward(tu_ctx(), a, t, src, xy, xyo, dy, dyo, dx, dxo, w, dw, 0, NULL, &ev);
    ck_assert_msg(st == want, "%s: backward -> %d (%s), want %d (%s); %s", what, (int)st, clact_status_string(st),
                  (int)want, clact_status_string(want), clact_last_error());
    ck_assert_msg(clact_last_error()[0] != '\0', "%s: empty clact_last_error()", what);
    ck_assert_msg(ev == NULL, "%s: an event came back from a failed call", what);
    check_outputs(what);
}

START_TEST(test_null_arguments)
{
    clact_activation a = tu_act(CLACT_OP_RELU);
    clact_tensor t = tu_tensor1(CLACT_F32, N);
    fwd_fails(CLACT_ERR_INVALID_ARGUMENT, NULL, &a, &t, bx, 0, by, 0, NULL, "NULL context");
    fwd_fails(CLACT_ERR_INVALID_ARGUMENT, tu_ctx(), NULL, &t, bx, 0, by, 0, NULL, "NULL activation");
    fwd_fails(CLACT_ERR_INVALID_ARGUMENT, tu_ctx(), &a, NULL, bx, 0, by, 0, NULL, "NULL tensor");
    fwd_fails(CLACT_ERR_INVALID_ARGUMENT, tu_ctx(), &a, &t, NULL, 0, by, 0, NULL, "NULL x");
    fwd_fails(CLACT_ERR_INVALID_ARGUMENT, tu_ctx(), &a, &t, bx, 0, NULL, 0, NULL, "NULL y");
    clact_activation p = tu_act(CLACT_OP_PRELU);
    fwd_fails(CLACT_ERR_INVALID_ARGUMENT, tu_ctx(), &p, &t, bx, 0, by, 0, NULL, "prelu without weight");
    bwd_fails(CLACT_ERR_INVALID_ARGUMENT, &a, &t, CLACT_FROM_X, NULL, 0, bdy, 0, bdx, 0, NULL, NULL, "NULL x (bwd)");
    bwd_fails(CLACT_ERR_INVALID_ARGUMENT, &a, &t, CLACT_FROM_X, bx, 0, NULL, 0, bdx, 0, NULL, NULL, "NULL dy");
    bwd_fails(CLACT_ERR_INVALID_ARGUMENT, &a, &t, CLACT_FROM_X, bx, 0, bdy, 0, NULL, 0, NULL, NULL, "NULL dx");
    bwd_fails(CLACT_ERR_INVALID_ARGUMENT, &p, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, NULL, bdw, "prelu bwd without weight");
    bwd_fails(CLACT_ERR_INVALID_ARGUMENT, NULL, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, NULL, NULL, "NULL act (bwd)");
    bwd_fails(CLACT_ERR_INVALID_ARGUMENT, &a, NULL, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, NULL, NULL, "NULL tensor (bwd)");
    fill_outputs();
    TU_ASSERT_STATUS(clact_backward(NULL, &a, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, NULL, NULL, 0, NULL, NULL),
                     CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_forward_check(NULL, &a, &t), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_forward_check(tu_ctx(), NULL, &t), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_forward_check(tu_ctx(), &a, NULL), CLACT_ERR_INVALID_ARGUMENT);
    check_outputs("NULL context (bwd)");
}
END_TEST

START_TEST(test_unknown_op)
{
    clact_tensor t = tu_tensor1(CLACT_F32, N);
    const int bad[] = {CLACT_OP_COUNT, -1, 1000, INT32_MIN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        clact_activation a = tu_act(CLACT_OP_RELU);
        a.op = (clact_op)bad[i];
        char what[64];
        snprintf(what, sizeof what, "op %d", bad[i]);
        fwd_fails(CLACT_ERR_INVALID_OP, tu_ctx(), &a, &t, bx, 0, by, 0, bw, what);
        bwd_fails(CLACT_ERR_INVALID_OP, &a, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, bw, NULL, what);
        TU_ASSERT_STATUS(clact_forward_check(tu_ctx(), &a, &t), CLACT_ERR_INVALID_OP);
        clact_activation b;
        TU_ASSERT_STATUS(clact_activation_init(&b, (clact_op)bad[i]), CLACT_ERR_INVALID_OP);
    }
}
END_TEST

START_TEST(test_bad_parameters)
{
    static const struct {
        clact_op op;
        double p0, p1;
        const char *what;
    } bad[] = {
        {CLACT_OP_LEAKY_RELU, NAN, 0, "leaky_relu alpha NaN"},
        {CLACT_OP_LEAKY_RELU, INFINITY, 0, "leaky_relu alpha +inf"},
        {CLACT_OP_LEAKY_RELU, -INFINITY, 0, "leaky_relu alpha -inf"},
        {CLACT_OP_ELU, NAN, 0, "elu alpha NaN"},
        {CLACT_OP_ELU, INFINITY, 0, "elu alpha inf"},
        {CLACT_OP_CELU, 0.0, 0, "celu alpha 0"},
        {CLACT_OP_CELU, -0.0, 0, "celu alpha -0"},
        {CLACT_OP_CELU, NAN, 0, "celu alpha NaN"},
        {CLACT_OP_HARDTANH, 1.0, -1.0, "hardtanh min > max"},
        {CLACT_OP_HARDTANH, 0.5, 0.25, "hardtanh min > max (positive)"},
        {CLACT_OP_HARDTANH, NAN, 1.0, "hardtanh min NaN"},
        {CLACT_OP_HARDTANH, -1.0, INFINITY, "hardtanh max inf"},
        {CLACT_OP_SOFTPLUS, 0.0, 20, "softplus beta 0"},
        {CLACT_OP_SOFTPLUS, -1.0, 20, "softplus beta -1"},
        {CLACT_OP_SOFTPLUS, NAN, 20, "softplus beta NaN"},
        {CLACT_OP_SOFTPLUS, 1.0, NAN, "softplus threshold NaN"},
        {CLACT_OP_SOFTPLUS, 1.0, INFINITY, "softplus threshold inf"},
    };
    clact_tensor t = tu_tensor1(CLACT_F32, N);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        clact_activation a = tu_act(bad[i].op);
        a.param[0] = bad[i].p0;
        a.param[1] = bad[i].p1;
        if (ref_param_count(bad[i].op) < 2) a.param[1] = 0;
        fwd_fails(CLACT_ERR_INVALID_PARAMETER, tu_ctx(), &a, &t, bx, 0, by, 0, NULL, bad[i].what);
        bwd_fails(CLACT_ERR_INVALID_PARAMETER, &a, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, NULL, NULL, bad[i].what);
        TU_ASSERT_STATUS(clact_forward_check(tu_ctx(), &a, &t), CLACT_ERR_INVALID_PARAMETER);
    }
    /* the edges that are valid */
    clact_activation h = tu_act2(CLACT_OP_HARDTANH, 0.5, 0.5);
    TU_ASSERT_OK(clact_forward_check(tu_ctx(), &h, &t));
    clact_activation c = tu_act2(CLACT_OP_CELU, -1.0, 0);
    TU_ASSERT_OK(clact_forward_check(tu_ctx(), &c, &t));
    clact_activation l = tu_act2(CLACT_OP_LEAKY_RELU, -3.0, 0);
    TU_ASSERT_OK(clact_forward_check(tu_ctx(), &l, &t));
}
END_TEST

START_TEST(test_bad_shapes)
{
    clact_activation a = tu_act(CLACT_OP_RELU);
    clact_tensor t = tu_tensor1(CLACT_F32, N);
    t.ndim = -1;
    fwd_fails(CLACT_ERR_INVALID_SHAPE, tu_ctx(), &a, &t, bx, 0, by, 0, NULL, "ndim -1");
    bwd_fails(CLACT_ERR_INVALID_SHAPE, &a, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, NULL, NULL, "ndim -1 (bwd)");
    t.ndim = 9;
    fwd_fails(CLACT_ERR_INVALID_SHAPE, tu_ctx(), &a, &t, bx, 0, by, 0, NULL, "ndim 9");
    t.ndim = INT32_MAX;
    fwd_fails(CLACT_ERR_INVALID_SHAPE, tu_ctx(), &a, &t, bx, 0, by, 0, NULL, "ndim INT_MAX");
    /* element count overflowing size_t */
    const size_t huge[3] = {SIZE_MAX / 2, 4, 3};
    clact_tensor h = tu_tensor(CLACT_F32, 3, huge);
    fwd_fails(CLACT_ERR_INVALID_SHAPE, tu_ctx(), &a, &h, bx, 0, by, 0, NULL, "count overflow");
    bwd_fails(CLACT_ERR_INVALID_SHAPE, &a, &h, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, NULL, NULL, "count overflow (bwd)");
    /* bad dtype values */
    const int dts[] = {CLACT_DTYPE_COUNT, -1, 77};
    for (size_t i = 0; i < sizeof dts / sizeof dts[0]; ++i) {
        clact_tensor d = tu_tensor1(CLACT_F32, N);
        d.dtype = (clact_dtype)dts[i];
        char what[32];
        snprintf(what, sizeof what, "dtype %d", dts[i]);
        fwd_fails(CLACT_ERR_INVALID_ARGUMENT, tu_ctx(), &a, &d, bx, 0, by, 0, NULL, what);
        bwd_fails(CLACT_ERR_INVALID_ARGUMENT, &a, &d, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, NULL, NULL, what);
    }
}
END_TEST

START_TEST(test_bad_axis)
{
    const size_t s3[3] = {2, 4, 8};
    clact_tensor t = tu_tensor(CLACT_F32, 3, s3);
    const int axes[] = {3, -4, 100, INT32_MIN};
    for (size_t i = 0; i < sizeof axes / sizeof axes[0]; ++i) {
        char what[64];
        clact_activation c = tu_act(CLACT_OP_CRELU);
        c.axis = axes[i];
        snprintf(what, sizeof what, "crelu axis %d of 3", axes[i]);
        fwd_fails(CLACT_ERR_INVALID_AXIS, tu_ctx(), &c, &t, bx, 0, by, 0, NULL, what);
        bwd_fails(CLACT_ERR_INVALID_AXIS, &c, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, NULL, NULL, what);
        clact_activation p = tu_act(CLACT_OP_PRELU);
        p.axis = axes[i];
        snprintf(what, sizeof what, "prelu axis %d of 3", axes[i]);
        fwd_fails(CLACT_ERR_INVALID_AXIS, tu_ctx(), &p, &t, bx, 0, by, 0, bw, what);
        bwd_fails(CLACT_ERR_INVALID_AXIS, &p, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, bw, bdw, what);
    }
    /* crelu on a 1-d tensor with the default axis 1 */
    clact_activation c = tu_act(CLACT_OP_CRELU);
    clact_tensor t1 = tu_tensor1(CLACT_F32, N);
    fwd_fails(CLACT_ERR_INVALID_AXIS, tu_ctx(), &c, &t1, bx, 0, by, 0, NULL, "crelu 1-d, axis 1");
    /* scalar crelu: no axis at all */
    clact_tensor t0 = tu_tensor(CLACT_F32, 0, NULL);
    c.axis = 0;
    fwd_fails(CLACT_ERR_INVALID_AXIS, tu_ctx(), &c, &t0, bx, 0, by, 0, NULL, "crelu 0-d");
}
END_TEST

START_TEST(test_buffer_too_small)
{
    clact_activation a = tu_act(CLACT_OP_SIGMOID);
    clact_tensor t = tu_tensor1(CLACT_F32, N);
    fwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, tu_ctx(), &a, &t, small, 0, by, 0, NULL, "x one element short");
    fwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, tu_ctx(), &a, &t, bx, 0, small, 0, NULL, "y one element short");
    fwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, tu_ctx(), &a, &t, bx, BIG - N + 1, by, 0, NULL, "x offset one past");
    fwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, tu_ctx(), &a, &t, bx, 0, by, BIG - N + 1, NULL, "y offset one past");
    fwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, tu_ctx(), &a, &t, bx, SIZE_MAX, by, 0, NULL, "x offset SIZE_MAX");
    fwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, tu_ctx(), &a, &t, bx, 0, by, SIZE_MAX - N / 2, NULL, "y offset wraps");
    /* a buffer of bytes that are not a whole number of elements */
    cl_mem odd = tu_buffer(N * 4 - 1);
    fwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, tu_ctx(), &a, &t, bx, 0, odd, 0, NULL, "y 3 bytes short");
    tu_release(odd);
    /* exactly enough is fine */
    TU_ASSERT_OK(clact_forward(tu_ctx(), &a, &t, bx, BIG - N, by, BIG - N, NULL, 0, NULL, NULL));
    tu_finish();
    /* crelu's y needs 2n */
    clact_activation c = tu_act(CLACT_OP_CRELU);
    const size_t s2[2] = {2, N / 2};
    clact_tensor t2 = tu_tensor(CLACT_F32, 2, s2);
    cl_mem yn = tu_buffer_n(CLACT_F32, 2 * N - 1);
    fwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, tu_ctx(), &c, &t2, bx, 0, yn, 0, NULL, "crelu y of 2n-1");
    bwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, &c, &t2, CLACT_FROM_X, bx, 0, yn, 0, bdx, 0, NULL, NULL, "crelu dy of 2n-1");
    tu_release(yn);
    /* backward: each of x/y, dy, dx */
    bwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, &a, &t, CLACT_FROM_X, small, 0, bdy, 0, bdx, 0, NULL, NULL, "bwd x short");
    bwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, &a, &t, CLACT_FROM_Y, small, 0, bdy, 0, bdx, 0, NULL, NULL, "bwd y short");
    bwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, &a, &t, CLACT_FROM_X, bx, 0, small, 0, bdx, 0, NULL, NULL, "bwd dy short");
    bwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, &a, &t, CLACT_FROM_X, bx, 0, bdy, 0, small, 0, NULL, NULL, "bwd dx short");
    bwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, &a, &t, CLACT_FROM_X, bx, 0, bdy, BIG - N + 1, bdx, 0, NULL, NULL,
              "bwd dy offset");
    bwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, &a, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, SIZE_MAX, NULL, NULL,
              "bwd dx offset SIZE_MAX");
}
END_TEST

START_TEST(test_prelu_weights)
{
    const size_t s3[3] = {2, 4, 8}; /* 4 channels on axis 1 */
    clact_tensor t = tu_tensor(CLACT_F32, 3, s3);
    clact_activation p = tu_act(CLACT_OP_PRELU);
    p.weight_count = 3;
    fwd_fails(CLACT_ERR_WEIGHT_MISMATCH, tu_ctx(), &p, &t, bx, 0, by, 0, bw, "3 weights for 4 channels");
    bwd_fails(CLACT_ERR_WEIGHT_MISMATCH, &p, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, bw, bdw, "3 weights (bwd)");
    TU_ASSERT_STATUS(clact_forward_check(tu_ctx(), &p, &t), CLACT_ERR_WEIGHT_MISMATCH);
    p.weight_count = 8;
    fwd_fails(CLACT_ERR_WEIGHT_MISMATCH, tu_ctx(), &p, &t, bx, 0, by, 0, bw, "8 weights for 4 channels");
    /* weight buffer smaller than the weight count */
    p.weight_count = 0;
    cl_mem w3 = tu_buffer_n(CLACT_F32, 3);
    fwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, tu_ctx(), &p, &t, bx, 0, by, 0, w3, "weight buffer of 3 for 4");
    bwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, &p, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, w3, bdw, "weight 3 for 4 (bwd)");
    bwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, &p, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, bw, w3, "dweight 3 for 4");
    bwd_fails(CLACT_ERR_OVERLAP, &p, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, bw, bdx, "dweight == dx");
    tu_release(w3);
    cl_mem w0 = tu_buffer(2); /* less than one element */
    p.weight_count = 1;
    fwd_fails(CLACT_ERR_BUFFER_TOO_SMALL, tu_ctx(), &p, &t, bx, 0, by, 0, w0, "weight buffer of 2 bytes");
    tu_release(w0);
}
END_TEST

START_TEST(test_overlap)
{
    const size_t s2[2] = {2, N / 2};
    clact_tensor t2 = tu_tensor(CLACT_F32, 2, s2);
    clact_activation c = tu_act(CLACT_OP_CRELU);
    fill_outputs();
    tu_fill_bytes(bdx, BIG * 4, SENT);
    /* crelu in place: refused, buffer untouched */
    cl_mem b = tu_buffer_n(CLACT_F32, BIG);
    tu_fill_bytes(b, BIG * 4, SENT);
    cl_event ev = NULL;
    TU_ASSERT_STATUS(clact_forward(tu_ctx(), &c, &t2, b, 0, b, 0, NULL, 0, NULL, &ev), CLACT_ERR_OVERLAP);
    ck_assert_ptr_null(ev);
    TU_ASSERT_STATUS(clact_forward(tu_ctx(), &c, &t2, b, 0, b, N - 1, NULL, 0, NULL, NULL), CLACT_ERR_OVERLAP);
    TU_ASSERT_STATUS(clact_forward(tu_ctx(), &c, &t2, b, N, b, 0, NULL, 0, NULL, NULL), CLACT_ERR_OVERLAP);
    TU_ASSERT_STATUS(clact_backward(tu_ctx(), &c, &t2, CLACT_FROM_X, bx, 0, b, 0, b, 0, NULL, NULL, 0, NULL, NULL),
                     CLACT_ERR_OVERLAP);
    tu_finish();
    ck_assert_msg(tu_bytes_are(b, BIG * 4, SENT), "refused crelu wrote to its buffer");
    /* partly overlapping ranges for an elementwise op */
    clact_activation r = tu_act(CLACT_OP_RELU);
    clact_tensor t = tu_tensor1(CLACT_F32, N);
    TU_ASSERT_STATUS(clact_forward(tu_ctx(), &r, &t, b, 0, b, 1, NULL, 0, NULL, NULL), CLACT_ERR_OVERLAP);
    TU_ASSERT_STATUS(clact_forward(tu_ctx(), &r, &t, b, N - 1, b, 0, NULL, 0, NULL, NULL), CLACT_ERR_OVERLAP);
    TU_ASSERT_STATUS(clact_backward(tu_ctx(), &r, &t, CLACT_FROM_X, bx, 0, b, 0, b, 3, NULL, NULL, 0, NULL, NULL),
                     CLACT_ERR_OVERLAP);
    tu_finish();
    ck_assert_msg(tu_bytes_are(b, BIG * 4, SENT), "refused overlap wrote to its buffer");
    /* disjoint ranges of one buffer are fine */
    TU_ASSERT_OK(clact_forward(tu_ctx(), &r, &t, b, 0, b, N, NULL, 0, NULL, NULL));
    TU_ASSERT_OK(clact_forward(tu_ctx(), &c, &t2, b, 0, b, N, NULL, 0, NULL, NULL));
    tu_finish();
    tu_release(b);
}
END_TEST

START_TEST(test_bad_source)
{
    const size_t s2[2] = {2, N / 2};
    clact_tensor t = tu_tensor(CLACT_F32, 2, s2);
    clact_activation r = tu_act(CLACT_OP_RELU);
    bwd_fails(CLACT_ERR_INVALID_ARGUMENT, &r, &t, (clact_source)2, bx, 0, bdy, 0, bdx, 0, NULL, NULL, "source 2");
    bwd_fails(CLACT_ERR_INVALID_ARGUMENT, &r, &t, (clact_source)-1, bx, 0, bdy, 0, bdx, 0, NULL, NULL, "source -1");
    for (int i = 0; i < CLACT_OP_COUNT; ++i) {
        clact_activation a = tu_act((clact_op)i);
        if (ref_from_y_ok(a.op, a.param)) continue;
        char what[64];
        snprintf(what, sizeof what, "%s from y", ref_op_name(a.op));
        bwd_fails(CLACT_ERR_UNSUPPORTED, &a, &t, CLACT_FROM_Y, bx, 0, bdy, 0, bdx, 0, bw, bdw, what);
    }
    clact_activation l = tu_act2(CLACT_OP_LEAKY_RELU, -0.5, 0);
    bwd_fails(CLACT_ERR_UNSUPPORTED, &l, &t, CLACT_FROM_Y, bx, 0, bdy, 0, bdx, 0, NULL, NULL, "leaky_relu(-0.5) from y");
    clact_activation e = tu_act2(CLACT_OP_ELU, -1.0, 0);
    bwd_fails(CLACT_ERR_UNSUPPORTED, &e, &t, CLACT_FROM_Y, bx, 0, bdy, 0, bdx, 0, NULL, NULL, "elu(-1) from y");
}
END_TEST

START_TEST(test_wait_list)
{
    clact_activation a = tu_act(CLACT_OP_RELU);
    clact_tensor t = tu_tensor1(CLACT_F32, N);
    fill_outputs();
    cl_event dummy = NULL;
    cl_event ev = NULL;
    TU_ASSERT_STATUS(clact_forward(tu_ctx(), &a, &t, bx, 0, by, 0, NULL, 1, NULL, &ev), CLACT_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(ev);
    TU_ASSERT_STATUS(clact_forward(tu_ctx(), &a, &t, bx, 0, by, 0, NULL, 0, &dummy, &ev), CLACT_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(ev);
    TU_ASSERT_STATUS(clact_backward(tu_ctx(), &a, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, NULL, NULL, 2, NULL, &ev),
                     CLACT_ERR_INVALID_ARGUMENT);
    check_outputs("bad wait list");
}
END_TEST

START_TEST(test_f64_unsupported)
{
    if (tu_has_f64()) return; /* the device has fp64: nothing to refuse */
    clact_activation a = tu_act(CLACT_OP_GELU);
    clact_tensor t = tu_tensor1(CLACT_F64, N / 2);
    fwd_fails(CLACT_ERR_UNSUPPORTED, tu_ctx(), &a, &t, bx, 0, by, 0, NULL, "f64 without fp64");
    bwd_fails(CLACT_ERR_UNSUPPORTED, &a, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, NULL, NULL, "f64 bwd without fp64");
    TU_ASSERT_STATUS(clact_forward_check(tu_ctx(), &a, &t), CLACT_ERR_UNSUPPORTED);
    TU_ASSERT_STATUS(clact_context_supports(tu_ctx(), CLACT_F64), CLACT_ERR_UNSUPPORTED);
}
END_TEST

START_TEST(test_other_functions)
{
    clact_context *c = (clact_context *)&c; /* must be reset to NULL */
    TU_ASSERT_STATUS(clact_context_create(NULL, NULL), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_context_from_queue(NULL, tu_queue()), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_context_from_queue(&c, NULL), CLACT_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(c);
    c = (clact_context *)&c;
    TU_ASSERT_STATUS(clact_context_create(&c, "no-such-device-anywhere"), CLACT_ERR_NO_DEVICE);
    ck_assert_ptr_null(c);
    clact_context_destroy(NULL);
    size_t count = 0;
    TU_ASSERT_STATUS(clact_devices(NULL, 0, NULL), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_devices(NULL, 4, &count), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_activation_init(NULL, CLACT_OP_RELU), CLACT_ERR_INVALID_ARGUMENT);
    clact_activation a = tu_act(CLACT_OP_ELU);
    TU_ASSERT_STATUS(clact_activation_set(NULL, "alpha", 1.0), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_activation_set(&a, NULL, 1.0), CLACT_ERR_INVALID_ARGUMENT);
    clact_op op;
    TU_ASSERT_STATUS(clact_op_from_name(NULL, "relu"), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_op_from_name(&op, NULL), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_context_supports(NULL, CLACT_F32), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_context_supports(tu_ctx(), (clact_dtype)9), CLACT_ERR_INVALID_ARGUMENT);
    /* clact_copy */
    fill_outputs();
    TU_ASSERT_STATUS(clact_copy(NULL, CLACT_F32, N, bx, 0, by, 0, 0, NULL, NULL), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_copy(tu_ctx(), CLACT_F32, N, bx, 0, small, 0, 0, NULL, NULL), CLACT_ERR_BUFFER_TOO_SMALL);
    TU_ASSERT_STATUS(clact_copy(tu_ctx(), CLACT_F32, N, NULL, 0, by, 0, 0, NULL, NULL), CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_copy(tu_ctx(), CLACT_F32, N, by, 0, by, 1, 0, NULL, NULL), CLACT_ERR_OVERLAP);
    TU_ASSERT_STATUS(clact_copy(tu_ctx(), (clact_dtype)9, N, bx, 0, by, 0, 0, NULL, NULL), CLACT_ERR_INVALID_ARGUMENT);
    check_outputs("clact_copy errors");
}
END_TEST

/* clact_last_error() is per thread */
static void *other_thread(void *arg)
{
    clact_activation a;
    const clact_status st = clact_activation_init(&a, (clact_op)999);
    char *out = arg;
    snprintf(out, 256, "%d|%s", (int)st, clact_last_error());
    return NULL;
}

START_TEST(test_last_error_per_thread)
{
    clact_activation a = tu_act(CLACT_OP_CELU);
    a.param[0] = 0;
    clact_tensor t = tu_tensor1(CLACT_F32, N);
    TU_ASSERT_STATUS(clact_forward_check(tu_ctx(), &a, &t), CLACT_ERR_INVALID_PARAMETER);
    char mine[256];
    snprintf(mine, sizeof mine, "%s", clact_last_error());
    char theirs[256] = "";
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, other_thread, theirs), 0);
    ck_assert_int_eq(pthread_join(th, NULL), 0);
    ck_assert_msg(atoi(theirs) == CLACT_ERR_INVALID_OP, "other thread: %s", theirs);
    ck_assert_msg(strlen(strchr(theirs, '|') + 1) > 0, "other thread saw no detail");
    ck_assert_str_eq(clact_last_error(), mine);
    /* different errors, different details */
    ck_assert_str_ne(strchr(theirs, '|') + 1, mine);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("errors");
    TCase *tc = tu_tcase("errors");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_null_arguments);
    tcase_add_test(tc, test_unknown_op);
    tcase_add_test(tc, test_bad_parameters);
    tcase_add_test(tc, test_bad_shapes);
    tcase_add_test(tc, test_bad_axis);
    tcase_add_test(tc, test_buffer_too_small);
    tcase_add_test(tc, test_prelu_weights);
    tcase_add_test(tc, test_overlap);
    tcase_add_test(tc, test_bad_source);
    tcase_add_test(tc, test_wait_list);
    tcase_add_test(tc, test_f64_unsupported);
    tcase_add_test(tc, test_other_functions);
    tcase_add_test(tc, test_last_error_per_thread);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    tu_init();
    tu_track_all(1);
    return tu_run_suite(suite());
}
