/* bench_dense.c - the dense layer's cost next to CLBlast's bare product:
 * wall clock around clFinish (CLBlast enqueues several kernels and its
 * event covers only the last), medians of repeated calls. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <time.h>

#include "train_cmds.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

enum { B_GEMM, B_FWD, B_BWD };

typedef struct bufs {
    cl_mem x, w, b, y, z, dy, dx, dw, db;
} bufs;

static clact_status run(clact_context *ctx, int what, const clact_dense_desc *d, const bufs *m)
{
    clact_activation act;
    clact_activation_init(&act, CLACT_OP_GELU);
    switch (what) {
    case B_GEMM: /* no bias, no activation, no z: the product alone */
        return clact_dense_forward(ctx, NULL, d, m->x, 0, m->w, 0, NULL, 0, m->y, 0, NULL, 0, NULL, 0, NULL, NULL);
    case B_FWD:
        return clact_dense_forward(ctx, &act, d, m->x, 0, m->w, 0, m->b, 0, m->y, 0, NULL, 0, NULL, 0, NULL, NULL);
    default:
        return clact_dense_backward(ctx, &act, d, CLACT_FROM_X, m->x, 0, m->w, 0, m->z, 0, m->dy, 0, m->dx, 0, m->dw,
                                    0, m->db, 0, NULL, NULL, 0, NULL, NULL);
    }
}

/* median seconds of one call: at least 3 calls and about 0.5 s in all */
static clact_status timed(clact_context *ctx, int what, const clact_dense_desc *d, const bufs *m, double *sec)
{
    cl_command_queue q = clact_context_queue(ctx);
    clact_status s = run(ctx, what, d, m); /* warm-up: builds, CLBlast's own compile */
    if (s) return s;
    if (clFinish(q) != CL_SUCCESS) return CLACT_ERR_INTERNAL;
    double t[64];
    int n = 0;
    const double start = now_s();
    while (n < 64 && (n < 3 || now_s() - start < 0.5)) {
        const double t0 = now_s();
        if ((s = run(ctx, what, d, m))) return s;
        if (clFinish(q) != CL_SUCCESS) return CLACT_ERR_INTERNAL;
        t[n++] = now_s() - t0;
    }
    qsort(t, (size_t)n, sizeof t[0], cmp_double);
    *sec = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
    return CLACT_SUCCESS;
}

int clact_bench_dense(clact_context *ctx, size_t M, size_t N, size_t K, double *gemm_gflops, double *fwd_gflops,
                      double *bwd_gflops)
{
    if (!ctx || !M || !N || !K) return CLACT_ERR_INVALID_ARGUMENT;
    const clact_dense_desc d = {CLACT_F32, M, N, K};
    clact_status s = clact_dense_check(ctx, NULL, &d);
    if (s) return s;
    cl_context c = clact_context_cl_context(ctx);
    cl_command_queue q = clact_context_queue(ctx);
    bufs m = {0};
    const size_t sizes[9] = {M * K, N * K, N, M * N, M * N, M * N, M * K, N * K, N};
    cl_mem *all[9] = {&m.x, &m.w, &m.b, &m.y, &m.z, &m.dy, &m.dx, &m.dw, &m.db};
    cl_int err = CL_SUCCESS;
    for (int i = 0; i < 9 && err == CL_SUCCESS; ++i) {
        *all[i] = clCreateBuffer(c, CL_MEM_READ_WRITE, sizes[i] * sizeof(float), NULL, &err);
        const float v = i == 2 ? 0.1f : 0.5f / (float)(i + 1); /* tame values: no denormals, no overflow */
        if (err == CL_SUCCESS) err = clEnqueueFillBuffer(q, *all[i], &v, sizeof v, 0, sizes[i] * sizeof(float), 0,
                                                         NULL, NULL);
    }
    if (err != CL_SUCCESS) s = (clact_status)err;
    double tg = 0, tf = 0, tb = 0;
    if (!s) s = timed(ctx, B_GEMM, &d, &m, &tg);
    if (!s) s = timed(ctx, B_FWD, &d, &m, &tf);
    if (!s) s = timed(ctx, B_BWD, &d, &m, &tb);
    clFinish(q);
    for (int i = 0; i < 9; ++i)
        if (*all[i]) clReleaseMemObject(*all[i]);
    if (s) return s;
    const double f = 2.0 * (double)M * (double)N * (double)K * 1e-9;
    if (gemm_gflops) *gemm_gflops = f / tg;
    if (fwd_gflops) *fwd_gflops = f / tf;
    if (bwd_gflops) *bwd_gflops = 2.0 * f / tb;
    return 0;
}
