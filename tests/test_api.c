/* The public API: versions, status strings, the op table and activation
 * set-up, dtypes and tensors, context accessors; tensors of 0..8 dims, odd
 * sizes, element offsets, in place, zero-size tensors, events in and out,
 * prelu weights on every axis, crelu layouts, clact_forward_check and
 * clact_copy. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"

START_TEST(test_version)
{
    ck_assert_uint_eq(clact_version_number(), CLACT_VERSION_NUMBER);
    ck_assert_ptr_nonnull(clact_version_string());
    ck_assert_str_eq(clact_version_string(), CLACT_VERSION_STRING);
    unsigned M = 0, m = 0, p = 0;
    ck_assert_int_eq(sscanf(clact_version_string(), "%u.%u.%u", &M, &m, &p), 3);
    ck_assert_uint_eq(M, CLACT_VERSION_MAJOR);
    ck_assert_uint_eq(m, CLACT_VERSION_MINOR);
    ck_assert_uint_eq(p, CLACT_VERSION_PATCH);
    ck_assert_uint_eq(clact_version_number(), M * 10000 + m * 100 + p);
}
END_TEST

START_TEST(test_status_strings)
{
    const clact_status all[] = {CLACT_SUCCESS,
                                CLACT_ERR_INVALID_ARGUMENT,
                                CLACT_ERR_INVALID_OP,
                                CLACT_ERR_INVALID_PARAMETER,
                                CLACT_ERR_INVALID_SHAPE,
                                CLACT_ERR_INVALID_AXIS,
                                CLACT_ERR_BUFFER_TOO_SMALL,
                                CLACT_ERR_WEIGHT_MISMATCH,
                                CLACT_ERR_OVERLAP,
                                CLACT_ERR_NO_DEVICE,
                                CLACT_ERR_UNSUPPORTED,
                                CLACT_ERR_BUILD,
                                CLACT_ERR_OUT_OF_MEMORY,
                                CLACT_ERR_IO,
                                CLACT_ERR_BLAS,
                                CLACT_ERR_INTERNAL};
    const size_t n = sizeof all / sizeof all[0];
    for (size_t i = 0; i < n; ++i) {
        const char *s = clact_status_string(all[i]);
        ck_assert_msg(s != NULL && s[0] != '\0', "status %d has no string", (int)all[i]);
        for (size_t j = 0; j < i; ++j)
            ck_assert_msg(strcmp(s, clact_status_string(all[j])) != 0, "statuses %d and %d share \"%s\"", (int)all[i],
                          (int)all[j], s);
        if (i) ck_assert_int_lt(all[i], 0);
    }
    /* distinct codes, clact's own at or below -2000, OpenCL's above */
    for (size_t i = 1; i < n; ++i) {
        ck_assert_int_le(all[i], -2000);
        for (size_t j = 1; j < i; ++j) ck_assert_int_ne(all[i], all[j]);
    }
    /* anything else still gets a string */
    const int other[] = {CL_OUT_OF_RESOURCES, CL_INVALID_VALUE, CL_BUILD_PROGRAM_FAILURE, -1001, -59, 12345, -1999,
                         -2100, -3000};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; ++i) {
        const char *s = clact_status_string((clact_status)other[i]);
        ck_assert_msg(s != NULL && s[0] != '\0', "status %d has no string", other[i]);
    }
}
END_TEST

START_TEST(test_op_table)
{
    ck_assert_int_eq(CLACT_OP_COUNT, 18);
    for (int i = 0; i < CLACT_OP_COUNT; ++i) {
        const clact_op op = (clact_op)i;
        const char *name = clact_op_name(op);
        ck_assert_ptr_nonnull(name);
        ck_assert_str_eq(name, ref_op_name(op));
        clact_op back = CLACT_OP_COUNT;
        TU_ASSERT_OK(clact_op_from_name(&back, name));
        ck_assert_int_eq(back, op);
        ck_assert_int_eq(clact_op_param_count(op), ref_param_count(op));
        for (int k = 0; k < ref_param_count(op); ++k) {
            ck_assert_ptr_nonnull(clact_op_param_name(op, k));
            ck_assert_str_eq(clact_op_param_name(op, k), ref_param_name(op, k));
        }
        ck_assert_ptr_null(clact_op_param_name(op, ref_param_count(op)));
        ck_assert_ptr_null(clact_op_param_name(op, -1));
        const unsigned f = clact_op_flags(op);
        const int from_y = op == CLACT_OP_RELU || op == CLACT_OP_SIGMOID || op == CLACT_OP_TANH;
        const int from_y_nonneg = op == CLACT_OP_LEAKY_RELU || op == CLACT_OP_ELU;
        ck_assert_msg(!!(f & CLACT_OPF_BWD_FROM_Y) == from_y, "%s: BWD_FROM_Y flag", name);
        ck_assert_msg(!!(f & CLACT_OPF_BWD_FROM_Y_IF_P0_NONNEG) == from_y_nonneg, "%s: BWD_FROM_Y_IF_P0_NONNEG", name);
        ck_assert_msg(!!(f & CLACT_OPF_WEIGHT) == (op == CLACT_OP_PRELU), "%s: WEIGHT flag", name);
        ck_assert_msg(!!(f & CLACT_OPF_CONCAT) == (op == CLACT_OP_CRELU), "%s: CONCAT flag", name);
        ck_assert_msg(!!(f & CLACT_OPF_P0_LE_P1) == (op == CLACT_OP_HARDTANH), "%s: P0_LE_P1 flag", name);
    }
    ck_assert_ptr_null(clact_op_name(CLACT_OP_COUNT));
    ck_assert_ptr_null(clact_op_name((clact_op)-1));
    ck_assert_int_eq(clact_op_param_count(CLACT_OP_COUNT), -1);
    clact_op o = CLACT_OP_RELU;
    TU_ASSERT_STATUS(clact_op_from_name(&o, "swish2"), CLACT_ERR_INVALID_OP);
    TU_ASSERT_STATUS(clact_op_from_name(&o, ""), CLACT_ERR_INVALID_OP);
    ck_assert_int_eq(o, CLACT_OP_RELU); /* untouched on error */
}
END_TEST

START_TEST(test_activation_init_and_set)
{
    for (int i = 0; i < CLACT_OP_COUNT; ++i) {
        clact_activation a;
        memset(&a, 0x5a, sizeof a);
        TU_ASSERT_OK(clact_activation_init(&a, (clact_op)i));
        ck_assert_int_eq(a.op, i);
        ck_assert_int_eq(a.axis, 1);
        ck_assert_uint_eq(a.weight_count, 0);
        double d[2];
        ref_defaults((clact_op)i, d);
        for (int k = 0; k < ref_param_count((clact_op)i); ++k)
            ck_assert_msg(a.param[k] == d[k], "%s: %s default %.17g, want %.17g", ref_op_name((clact_op)i),
                          ref_param_name((clact_op)i, k), a.param[k], d[k]);
        /* every parameter can be set by its name */
        for (int k = 0; k < ref_param_count((clact_op)i); ++k) {
            const double v = 0.125 * (k + 3);
            TU_ASSERT_OK(clact_activation_set(&a, ref_param_name((clact_op)i, k), v));
            ck_assert(a.param[k] == v);
        }
        /* a name the op does not have is refused and changes nothing */
        clact_activation before = a;
        const clact_status st = clact_activation_set(&a, "gamma", 3.0);
        ck_assert_int_ne(st, CLACT_SUCCESS);
        ck_assert_msg(clact_last_error()[0] != '\0', "no detail after a refused parameter name");
        ck_assert(memcmp(&before, &a, sizeof a) == 0);
    }
    clact_activation r = tu_act(CLACT_OP_RELU);
    ck_assert_int_ne(clact_activation_set(&r, "alpha", 0.5), CLACT_SUCCESS);
    clact_activation h = tu_act(CLACT_OP_HARDTANH);
    TU_ASSERT_OK(clact_activation_set(&h, "max", 4.0));
    TU_ASSERT_OK(clact_activation_set(&h, "min", -4.0));
    ck_assert(h.param[0] == -4.0 && h.param[1] == 4.0);
    clact_activation s = tu_act(CLACT_OP_SOFTPLUS);
    TU_ASSERT_OK(clact_activation_set(&s, "threshold", 7.0));
    TU_ASSERT_OK(clact_activation_set(&s, "beta", 3.0));
    ck_assert(s.param[0] == 3.0 && s.param[1] == 7.0);
}
END_TEST

START_TEST(test_dtypes_and_tensors)
{
    ck_assert_uint_eq(clact_dtype_size(CLACT_F32), 4);
    ck_assert_uint_eq(clact_dtype_size(CLACT_F16), 2);
    ck_assert_uint_eq(clact_dtype_size(CLACT_BF16), 2);
    ck_assert_uint_eq(clact_dtype_size(CLACT_F64), 8);
    ck_assert_uint_eq(clact_dtype_size(CLACT_DTYPE_COUNT), 0);
    ck_assert_uint_eq(clact_dtype_size((clact_dtype)-1), 0);
    ck_assert_str_eq(clact_dtype_name(CLACT_F32), "f32");
    ck_assert_str_eq(clact_dtype_name(CLACT_F16), "f16");
    ck_assert_str_eq(clact_dtype_name(CLACT_BF16), "bf16");
    ck_assert_str_eq(clact_dtype_name(CLACT_F64), "f64");
    clact_tensor t = tu_tensor(CLACT_F32, 0, NULL);
    ck_assert_uint_eq(clact_tensor_count(&t), 1);
    const size_t s3[3] = {4, 5, 6};
    t = tu_tensor(CLACT_F32, 3, s3);
    ck_assert_uint_eq(clact_tensor_count(&t), 120);
    const size_t z[3] = {4, 0, 6};
    t = tu_tensor(CLACT_F32, 3, z);
    ck_assert_uint_eq(clact_tensor_count(&t), 0);
    const size_t s8[8] = {2, 1, 3, 1, 2, 1, 1, 5};
    t = tu_tensor(CLACT_F32, 8, s8);
    ck_assert_uint_eq(clact_tensor_count(&t), 60);
}
END_TEST

START_TEST(test_context_accessors)
{
    clact_context *c = tu_ctx();
    ck_assert_ptr_nonnull(clact_context_queue(c));
    ck_assert_ptr_nonnull(clact_context_cl_context(c));
    ck_assert_ptr_nonnull(clact_context_device(c));
    const char *name = clact_context_device_name(c);
    ck_assert_msg(name && name[0], "empty device name");
    cl_device_id qd = NULL;
    cl_context qc = NULL;
    cl_command_queue_properties props = 0;
    TU_CL_OK(clGetCommandQueueInfo(tu_queue(), CL_QUEUE_DEVICE, sizeof qd, &qd, NULL));
    TU_CL_OK(clGetCommandQueueInfo(tu_queue(), CL_QUEUE_CONTEXT, sizeof qc, &qc, NULL));
    TU_CL_OK(clGetCommandQueueInfo(tu_queue(), CL_QUEUE_PROPERTIES, sizeof props, &props, NULL));
    ck_assert_ptr_eq(qd, clact_context_device(c));
    ck_assert_ptr_eq(qc, clact_context_cl_context(c));
    ck_assert_msg(props & CL_QUEUE_PROFILING_ENABLE, "clact's queue has no profiling");
    char dname[256] = "";
    TU_CL_OK(clGetDeviceInfo(qd, CL_DEVICE_NAME, sizeof dname, dname, NULL));
    ck_assert_msg(strstr(name, dname) != NULL, "context name \"%s\" lacks the device name \"%s\"", name, dname);
    TU_ASSERT_OK(clact_context_supports(c, CLACT_F32));
    TU_ASSERT_OK(clact_context_supports(c, CLACT_F16));
    TU_ASSERT_OK(clact_context_supports(c, CLACT_BF16));
    cl_device_fp_config dcfg = 0;
    clGetDeviceInfo(qd, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof dcfg, &dcfg, NULL);
    if (dcfg) TU_ASSERT_OK(clact_context_supports(c, CLACT_F64));
    else TU_ASSERT_STATUS(clact_context_supports(c, CLACT_F64), CLACT_ERR_UNSUPPORTED);
    ck_assert_int_ne(clact_context_supports(c, CLACT_DTYPE_COUNT), CLACT_SUCCESS);
}
END_TEST

/* ---- shapes, sizes, offsets, in place ------------------------------------ */
static void check_fwd(const clact_activation *a, const clact_tensor *t, const double *x, const double *y,
                      const char *what)
{
    const size_t n = clact_tensor_count(t);
    tu_score s;
    tu_score_init(&s, 4.0);
    for (size_t i = 0; i < n; ++i) tu_score_add(&s, CLACT_F32, i, x[i], 0, y[i], ref_fwd(a->op, a->param, x[i]));
    TU_ASSERT_SCORE(&s, what);
}

START_TEST(test_ndim_0_to_8)
{
    const size_t dims[8] = {3, 2, 5, 1, 4, 2, 3, 2};
    for (int nd = 0; nd <= 8; ++nd) {
        clact_tensor t = tu_tensor(CLACT_F32, nd, dims);
        const size_t n = clact_tensor_count(&t);
        double *x = tu_random(CLACT_F32, n, -8, 8, 10 + (unsigned)nd), *y = tu_alloc(n * sizeof(double));
        ck_assert_ptr_nonnull(y);
        const clact_op ops[] = {CLACT_OP_RELU, CLACT_OP_GELU, CLACT_OP_HARDTANH};
        for (size_t k = 0; k < 3; ++k) {
            clact_activation a = tu_act(ops[k]);
            TU_ASSERT_OK(clact_forward_check(tu_ctx(), &a, &t));
            TU_ASSERT_OK(tu_forward(&a, &t, x, NULL, 0, y));
            char what[64];
            snprintf(what, sizeof what, "%s ndim %d", ref_op_name(ops[k]), nd);
            check_fwd(&a, &t, x, y, what);
        }
        tu_free(x);
        tu_free(y);
    }
}
END_TEST

/* x and y at element offsets in larger buffers; nothing outside [off, off+n)
 * of y is written, x is not changed */
START_TEST(test_odd_sizes_and_offsets)
{
    const size_t sizes[] = {1, 3, 7, 1023, 4097, 65537};
    const size_t offs[][2] = {{0, 0}, {1, 0}, {0, 1}, {3, 5}, {7, 2}, {64, 64}};
    const clact_op ops[] = {CLACT_OP_SILU, CLACT_OP_LEAKY_RELU};
    for (size_t oi = 0; oi < sizeof ops / sizeof ops[0]; ++oi) {
        clact_activation a = tu_act(ops[oi]);
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; ++si) {
            for (size_t fi = 0; fi < sizeof offs / sizeof offs[0]; ++fi) {
                const size_t n = sizes[si], xo = offs[fi][0], yo = offs[fi][1], pad = 5;
                clact_tensor t = tu_tensor1(CLACT_F32, n);
                double *x = tu_random(CLACT_F32, n, -10, 10, 77 + si), *y = tu_alloc(n * sizeof(double));
                ck_assert_ptr_nonnull(y);
                cl_mem bx = tu_buffer_n(CLACT_F32, xo + n + pad), by = tu_buffer_n(CLACT_F32, yo + n + pad);
                tu_fill_bytes(bx, (xo + n + pad) * 4, 0x3c);
                tu_fill_bytes(by, (yo + n + pad) * 4, 0x3c);
                tu_write(bx, CLACT_F32, xo, x, n);
                TU_ASSERT_OK(clact_forward(tu_ctx(), &a, &t, bx, xo, by, yo, NULL, 0, NULL, NULL));
                tu_read(by, CLACT_F32, yo, y, n);
                char what[96];
                snprintf(what, sizeof what, "%s n=%zu x_off=%zu y_off=%zu", ref_op_name(ops[oi]), n, xo, yo);
                check_fwd(&a, &t, x, y, what);
                unsigned char *hb = tu_alloc((yo + n + pad) * 4);
                ck_assert_ptr_nonnull(hb);
                tu_read_bytes(by, 0, hb, (yo + n + pad) * 4);
                for (size_t b = 0; b < (yo + n + pad) * 4; ++b)
                    if (b < yo * 4 || b >= (yo + n) * 4)
                        ck_assert_msg(hb[b] == 0x3c, "%s: byte %zu of y written outside the tensor", what, b);
                tu_free(hb);
                double *xb = tu_alloc(n * sizeof(double));
                ck_assert_ptr_nonnull(xb);
                tu_read(bx, CLACT_F32, xo, xb, n);
                ck_assert_msg(memcmp(xb, x, n * sizeof(double)) == 0, "%s: x changed", what);
                tu_free(xb);
                tu_release(bx);
                tu_release(by);
                tu_free(x);
                tu_free(y);
            }
        }
    }
}
END_TEST

/* y == x for every op but crelu: same bits as out of place */
START_TEST(test_forward_in_place)
{
    const clact_op op = (clact_op)_i;
    if (op == CLACT_OP_CRELU) return;
    clact_activation a = tu_act(op);
    const size_t n = 4099, off = 3;
    clact_tensor t = tu_tensor1(CLACT_F32, n);
    double *x = tu_random(CLACT_F32, n, -9, 9, 500 + (unsigned)_i);
    x[0] = NAN;
    x[1] = -INFINITY;
    x[2] = INFINITY;
    double *ref = tu_alloc(n * sizeof(double)), *got = tu_alloc(n * sizeof(double)), w = 0.3;
    ck_assert(ref && got);
    const int prelu = op == CLACT_OP_PRELU;
    TU_ASSERT_OK(tu_forward(&a, &t, x, prelu ? &w : NULL, 1, ref));
    cl_mem b = tu_buffer_n(CLACT_F32, n + off);
    cl_mem bw = prelu ? tu_upload(CLACT_F32, &w, 1) : NULL;
    tu_write(b, CLACT_F32, off, x, n);
    TU_ASSERT_OK(clact_forward(tu_ctx(), &a, &t, b, off, b, off, bw, 0, NULL, NULL));
    tu_read(b, CLACT_F32, off, got, n);
    for (size_t i = 0; i < n; ++i)
        ck_assert_msg(got[i] == ref[i] || (isnan(got[i]) && isnan(ref[i])), "%s in place: y[%zu] = %.9g, want %.9g",
                      ref_op_name(op), i, got[i], ref[i]);
    tu_release(b);
    tu_release(bw);
    tu_free(x);
    tu_free(ref);
    tu_free(got);
}
END_TEST

/* ---- zero-size tensors, events -------------------------------------------------- */
START_TEST(test_zero_size_is_a_no_op)
{
    const size_t z[3] = {4, 0, 5};
    cl_mem bx = tu_buffer(64), by = tu_buffer(64), bw = tu_buffer(64), bdw = tu_buffer(64);
    tu_fill_bytes(bx, 64, 0x11);
    for (int i = 0; i < CLACT_OP_COUNT; ++i) {
        clact_activation a = tu_act((clact_op)i);
        clact_tensor t = tu_tensor(CLACT_F32, 3, z);
        tu_fill_bytes(by, 64, 0x77);
        TU_ASSERT_OK(clact_forward(tu_ctx(), &a, &t, bx, 0, by, 0, bw, 0, NULL, NULL));
        cl_event ev = NULL;
        TU_ASSERT_OK(clact_forward(tu_ctx(), &a, &t, bx, 0, by, 0, bw, 0, NULL, &ev));
        if (ev) {
            TU_CL_OK(clWaitForEvents(1, &ev));
            clReleaseEvent(ev);
        }
        ev = NULL;
        TU_ASSERT_OK(clact_backward(tu_ctx(), &a, &t, CLACT_FROM_X, bx, 0, bx, 0, by, 0, bw, NULL, 0, NULL, &ev));
        if (ev) {
            TU_CL_OK(clWaitForEvents(1, &ev));
            clReleaseEvent(ev);
        }
        tu_finish();
        ck_assert_msg(tu_bytes_are(by, 64, 0x77), "%s: a zero-size call wrote to the output", ref_op_name((clact_op)i));
    }
    /* zero elements at an offset at the very end of the buffers */
    clact_activation a = tu_act(CLACT_OP_RELU);
    clact_tensor e = tu_tensor1(CLACT_F32, 0);
    TU_ASSERT_OK(clact_forward(tu_ctx(), &a, &e, bx, 16, by, 16, NULL, 0, NULL, NULL));
    tu_finish();
    ck_assert(tu_bytes_are(by, 64, 0x77));
    tu_release(bx);
    tu_release(by);
    tu_release(bw);
    tu_release(bdw);
}
END_TEST

static cl_int event_status(cl_event e)
{
    cl_int st = 0;
    TU_CL_OK(clGetEventInfo(e, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof st, &st, NULL));
    return st;
}

/* a user event in the wait list holds the work back; the event out completes
 * after it, and carries profiling times */
START_TEST(test_events)
{
    const size_t n = 1000;
    double *x = tu_random(CLACT_F32, n, -3, 3, 9), *y = tu_alloc(n * sizeof(double));
    ck_assert_ptr_nonnull(y);
    cl_mem bx = tu_upload(CLACT_F32, x, n), by = tu_buffer_n(CLACT_F32, n), bdx = tu_buffer_n(CLACT_F32, n);
    cl_int err;
    cl_event gate = clCreateUserEvent(tu_cl_context(), &err);
    TU_CL_OK(err);
    clact_activation a = tu_act(CLACT_OP_TANH);
    clact_tensor t = tu_tensor1(CLACT_F32, n);
    cl_event done = NULL, done2 = NULL;
    TU_ASSERT_OK(clact_forward(tu_ctx(), &a, &t, bx, 0, by, 0, NULL, 1, &gate, &done));
    ck_assert_ptr_nonnull(done);
    /* backward chained on the forward's event, reading y */
    TU_ASSERT_OK(clact_backward(tu_ctx(), &a, &t, CLACT_FROM_Y, by, 0, bx, 0, bdx, 0, NULL, NULL, 1, &done, &done2));
    ck_assert_ptr_nonnull(done2);
    TU_CL_OK(clFlush(tu_queue()));
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    ck_assert_msg(event_status(done) > CL_COMPLETE, "forward ran before its wait list completed");
    ck_assert_msg(event_status(done2) > CL_COMPLETE, "backward ran before its wait list completed");
    TU_CL_OK(clSetUserEventStatus(gate, CL_COMPLETE));
    TU_CL_OK(clWaitForEvents(1, &done2));
    ck_assert_int_eq(event_status(done), CL_COMPLETE);
    cl_ulong t0 = 0, t1 = 0;
    TU_CL_OK(clGetEventProfilingInfo(done, CL_PROFILING_COMMAND_START, sizeof t0, &t0, NULL));
    TU_CL_OK(clGetEventProfilingInfo(done, CL_PROFILING_COMMAND_END, sizeof t1, &t1, NULL));
    ck_assert_msg(t1 >= t0, "profiling end before start");
    tu_read(by, CLACT_F32, 0, y, n);
    check_fwd(&a, &t, x, y, "tanh after a user event");
    double *dx = tu_alloc(n * sizeof(double));
    ck_assert_ptr_nonnull(dx);
    tu_read(bdx, CLACT_F32, 0, dx, n);
    tu_score s;
    tu_score_init(&s, 8.0);
    for (size_t i = 0; i < n; ++i) tu_score_add(&s, CLACT_F32, i, y[i], x[i], dx[i], x[i] * ref_grad_from_y(a.op, a.param, y[i]));
    TU_ASSERT_SCORE(&s, "tanh backward from y, chained on events");
    clReleaseEvent(done);
    clReleaseEvent(done2);
    clReleaseEvent(gate);
    /* zero-size with a wait list: its event completes after the wait list */
    gate = clCreateUserEvent(tu_cl_context(), &err);
    TU_CL_OK(err);
    clact_tensor z = tu_tensor1(CLACT_F32, 0);
    done = NULL;
    TU_ASSERT_OK(clact_forward(tu_ctx(), &a, &z, bx, 0, by, 0, NULL, 1, &gate, &done));
    if (done) {
        TU_CL_OK(clFlush(tu_queue()));
        ck_assert_msg(event_status(done) > CL_COMPLETE, "zero-size call's event completed before its wait list");
        TU_CL_OK(clSetUserEventStatus(gate, CL_COMPLETE));
        TU_CL_OK(clWaitForEvents(1, &done));
        clReleaseEvent(done);
    } else {
        TU_CL_OK(clSetUserEventStatus(gate, CL_COMPLETE));
    }
    clReleaseEvent(gate);
    tu_finish();
    tu_release(bx);
    tu_release(by);
    tu_release(bdx);
    tu_free(x);
    tu_free(y);
    tu_free(dx);
}
END_TEST

/* ---- prelu and crelu layouts ---------------------------------------------------------- */
START_TEST(test_prelu_axes)
{
    static const struct {
        int ndim;
        size_t shape[4];
        int axis;
        size_t weights; /* 0: one per channel */
    } cases[] = {
        {4, {2, 3, 4, 5}, 0, 0}, {4, {2, 3, 4, 5}, 1, 0}, {4, {2, 3, 4, 5}, 2, 0}, {4, {2, 3, 4, 5}, -1, 0},
        {4, {2, 3, 4, 5}, 3, 0}, {4, {2, 3, 4, 5}, -4, 0}, {4, {2, 3, 4, 5}, 1, 1}, {4, {2, 3, 4, 5}, 2, 1},
        {2, {1000, 7}, 1, 0},   {2, {7, 1000}, 0, 0},    {1, {33}, 1, 1},          {0, {0}, 1, 1},
        {1, {33}, 0, 0},        {3, {3, 1, 4}, 1, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k) {
        clact_tensor t = tu_tensor(CLACT_F32, cases[k].ndim, cases[k].shape);
        const size_t n = clact_tensor_count(&t);
        clact_activation a = tu_act(CLACT_OP_PRELU);
        a.axis = cases[k].axis;
        a.weight_count = cases[k].weights;
        size_t outer = 1, C = 1, inner = n;
        if (cases[k].weights != 1) {
            const int nd = cases[k].ndim, ax = cases[k].axis < 0 ? cases[k].axis + nd : cases[k].axis;
            for (int i = 0; i < ax; ++i) outer *= cases[k].shape[i];
            C = cases[k].shape[ax];
            inner = n / outer / C;
        }
        double *x = tu_random(CLACT_F32, n, -4, 4, 900 + k), *w = tu_random(CLACT_F32, C, -2, 2, 950 + k);
        double *y = tu_alloc(n * sizeof(double));
        ck_assert_ptr_nonnull(y);
        TU_ASSERT_OK(clact_forward_check(tu_ctx(), &a, &t));
        TU_ASSERT_OK(tu_forward(&a, &t, x, w, C, y));
        for (size_t i = 0; i < n; ++i) {
            const size_t c = (i / inner) % C;
            const double want = x[i] > 0 ? x[i] : (double)(float)(w[c] * x[i]);
            ck_assert_msg(y[i] == want, "prelu case %zu (axis %d, %zu weights): y[%zu] = %.9g, want %.9g", k,
                          cases[k].axis, C, i, y[i], want);
        }
        tu_free(x);
        tu_free(w);
        tu_free(y);
        (void)outer;
    }
}
END_TEST

START_TEST(test_crelu_layouts)
{
    static const struct {
        int ndim;
        size_t shape[3];
        int axis;
    } cases[] = {{2, {3, 5}, 0}, {2, {3, 5}, 1}, {2, {3, 5}, -1}, {2, {3, 5}, -2}, {3, {2, 3, 4}, 1},
                 {3, {2, 3, 4}, 2}, {1, {7}, 0}, {3, {2, 1, 3}, 1}, {2, {1, 4097}, 1},
                 /* blocks of several work-items' spans, at offsets that are and are not whole spans */
                 {2, {3, 256}, 1}, {3, {3, 3, 70}, 1}, {3, {2, 5, 131}, -2}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k) {
        clact_tensor t = tu_tensor(CLACT_F32, cases[k].ndim, cases[k].shape);
        clact_activation a = tu_act(CLACT_OP_CRELU);
        a.axis = cases[k].axis;
        const size_t n = clact_tensor_count(&t);
        const int ax = cases[k].axis < 0 ? cases[k].axis + cases[k].ndim : cases[k].axis;
        size_t outer = 1, inner = 1;
        for (int i = 0; i < ax; ++i) outer *= cases[k].shape[i];
        for (int i = ax + 1; i < cases[k].ndim; ++i) inner *= cases[k].shape[i];
        const size_t C = cases[k].shape[ax];
        ck_assert_uint_eq(tu_out_count(&a, &t), 2 * n);
        double *x = tu_random(CLACT_F32, n, -5, 5, 1200 + k), *y = tu_alloc(2 * n * sizeof(double));
        ck_assert_ptr_nonnull(y);
        x[0] = NAN;
        TU_ASSERT_OK(tu_forward(&a, &t, x, NULL, 0, y));
        /* y has shape[axis] doubled: [outer, 2C, inner] */
        for (size_t o = 0; o < outer; ++o)
            for (size_t c = 0; c < 2 * C; ++c)
                for (size_t r = 0; r < inner; ++r) {
                    const double xv = x[(o * C + (c % C)) * inner + r];
                    const double want = c < C ? (xv < 0 ? 0.0 : xv) : (-xv < 0 ? 0.0 : -xv);
                    const double got = y[(o * 2 * C + c) * inner + r];
                    ck_assert_msg(got == want || (isnan(got) && isnan(want)),
                                  "crelu case %zu: y[%zu,%zu,%zu] = %.9g, want %.9g", k, o, c, r, got, want);
                }
        tu_free(x);
        tu_free(y);
    }
}
END_TEST

/* clact_forward_check agrees with clact_forward, compiles nothing */
START_TEST(test_forward_check)
{
    for (int i = 0; i < CLACT_OP_COUNT; ++i) {
        clact_activation a = tu_act((clact_op)i);
        const size_t s[3] = {2, 3, 4};
        clact_tensor t = tu_tensor(CLACT_F32, 3, s);
        TU_ASSERT_OK(clact_forward_check(tu_ctx(), &a, &t));
    }
    clact_activation a = tu_act(CLACT_OP_HARDTANH);
    a.param[0] = 2;
    a.param[1] = 1;
    clact_tensor t = tu_tensor1(CLACT_F32, 4);
    TU_ASSERT_STATUS(clact_forward_check(tu_ctx(), &a, &t), CLACT_ERR_INVALID_PARAMETER);
    a = tu_act(CLACT_OP_CRELU);
    a.axis = 3;
    TU_ASSERT_STATUS(clact_forward_check(tu_ctx(), &a, &t), CLACT_ERR_INVALID_AXIS);
    a = tu_act(CLACT_OP_RELU);
    t.ndim = 9;
    TU_ASSERT_STATUS(clact_forward_check(tu_ctx(), &a, &t), CLACT_ERR_INVALID_SHAPE);
    t.ndim = 1;
    a.op = CLACT_OP_COUNT;
    TU_ASSERT_STATUS(clact_forward_check(tu_ctx(), &a, &t), CLACT_ERR_INVALID_OP);
}
END_TEST

/* bit-exact copies; y at an odd offset and at the start of its buffer (the
 * positions a vector store can take whole) */
START_TEST(test_copy)
{
    const size_t n = 1027, offs[][2] = {{5, 2}, {3, 0}};
    for (size_t oi = 0; oi < sizeof offs / sizeof offs[0]; ++oi)
    for (int d = 0; d < CLACT_DTYPE_COUNT; ++d) {
        const clact_dtype t = (clact_dtype)d;
        const size_t xo = offs[oi][0], yo = offs[oi][1];
        if (clact_context_supports(tu_ctx(), t) != CLACT_SUCCESS) continue;
        double *x = tu_random(t, n, -100, 100, 31 + (unsigned)d), *y = tu_alloc(n * sizeof(double));
        ck_assert_ptr_nonnull(y);
        x[3] = NAN;
        x[4] = -INFINITY;
        cl_mem bx = tu_buffer_n(t, n + xo), by = tu_buffer_n(t, n + yo + 1);
        tu_fill_bytes(by, (n + yo + 1) * clact_dtype_size(t), 0x55);
        tu_write(bx, t, xo, x, n);
        TU_ASSERT_OK(clact_copy(tu_ctx(), t, n, bx, xo, by, yo, 0, NULL, NULL));
        tu_read(by, t, yo, y, n);
        for (size_t i = 0; i < n; ++i)
            ck_assert_msg(y[i] == x[i] || (isnan(y[i]) && isnan(x[i])), "copy %s y_off %zu [%zu]: %g != %g",
                          clact_dtype_name(t), yo, i, y[i], x[i]);
        unsigned char tail[16];
        const size_t es = clact_dtype_size(t);
        tu_read_bytes(by, (n + yo) * es, tail, es);
        for (size_t b = 0; b < es; ++b) ck_assert_msg(tail[b] == 0x55, "copy wrote past the end");
        tu_release(bx);
        tu_release(by);
        tu_free(x);
        tu_free(y);
    }
}
END_TEST

/* many work-groups: a large tensor, and results at its far end */
START_TEST(test_large_tensor)
{
    const size_t n = (1u << 22) + 5;
    double *x = tu_random(CLACT_F32, n, -6, 6, 4242), *y = tu_alloc(n * sizeof(double));
    ck_assert_ptr_nonnull(y);
    clact_activation a = tu_act(CLACT_OP_HARDSWISH);
    clact_tensor t = tu_tensor1(CLACT_F32, n);
    TU_ASSERT_OK(tu_forward(&a, &t, x, NULL, 0, y));
    check_fwd(&a, &t, x, y, "hardswish on 2^22+5 elements");
    tu_free(x);
    tu_free(y);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tu_tcase("api");
    tcase_add_test(tc, test_version);
    tcase_add_test(tc, test_status_strings);
    tcase_add_test(tc, test_op_table);
    tcase_add_test(tc, test_activation_init_and_set);
    tcase_add_test(tc, test_dtypes_and_tensors);
    tcase_add_test(tc, test_context_accessors);
    tcase_add_test(tc, test_ndim_0_to_8);
    tcase_add_test(tc, test_odd_sizes_and_offsets);
    tcase_add_loop_test(tc, test_forward_in_place, 0, CLACT_OP_COUNT);
    tcase_add_test(tc, test_zero_size_is_a_no_op);
    tcase_add_test(tc, test_events);
    tcase_add_test(tc, test_prelu_axes);
    tcase_add_test(tc, test_crelu_layouts);
    tcase_add_test(tc, test_forward_check);
    tcase_add_test(tc, test_copy);
    tcase_add_test(tc, test_large_tensor);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    tu_init();
    tu_track_all(1);
    return tu_run_suite(suite());
}
