/* One context used from 8 threads at once: different ops, dtypes, sizes,
 * directions, prelu weight gradients; every result bit-identical to the
 * same job run alone. The threaded context is fresh, so its programs are
 * built (or loaded) while the threads race for them. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define NTHREADS 8
#define ROUNDS 3

typedef struct job {
    clact_op op;
    double p0, p1;
    clact_dtype dtype;
    int ndim;
    size_t shape[3];
    int axis;
    int backward;  /* 0 forward, 1 from x, 2 from y */
    int dweight;   /* prelu: also the weight gradient */
    /* filled in */
    size_t n, nout, nw;
    void *x, *dy, *w;       /* packed inputs */
    void *ref, *ref_dw;     /* single-threaded results (bytes) */
} job;

#define J(op, p0, p1, dt, nd, s0, s1, s2, ax, bwd, dw) {op, p0, p1, dt, nd, {s0, s1, s2}, ax, bwd, dw, 0, 0, 0, NULL, NULL, NULL, NULL, NULL}
static job jobs[] = {
    J(CLACT_OP_RELU, 0, 0, CLACT_F32, 1, 100003, 0, 0, 1, 0, 0),
    J(CLACT_OP_GELU, 0, 0, CLACT_F32, 1, 4099, 0, 0, 1, 0, 0),
    J(CLACT_OP_GELU, 0, 0, CLACT_F32, 1, 65537, 0, 0, 1, 1, 0),
    J(CLACT_OP_SILU, 0, 0, CLACT_F32, 2, 17, 33, 0, 1, 0, 0),
    J(CLACT_OP_MISH, 0, 0, CLACT_F32, 1, 7, 0, 0, 1, 1, 0),
    J(CLACT_OP_SOFTPLUS, 2, 10, CLACT_F32, 1, 30000, 0, 0, 1, 0, 0),
    J(CLACT_OP_HARDTANH, -2, 3, CLACT_F32, 1, 1023, 0, 0, 1, 1, 0),
    J(CLACT_OP_ELU, 0.5, 0, CLACT_F32, 1, 50001, 0, 0, 1, 2, 0),
    J(CLACT_OP_SIGMOID, 0, 0, CLACT_F32, 1, 20000, 0, 0, 1, 2, 0),
    J(CLACT_OP_TANH, 0, 0, CLACT_F32, 1, 3, 0, 0, 1, 1, 0),
    J(CLACT_OP_PRELU, 0, 0, CLACT_F32, 3, 4, 5, 999, 1, 0, 0),
    J(CLACT_OP_PRELU, 0, 0, CLACT_F32, 3, 64, 3, 1000, 1, 1, 1),
    J(CLACT_OP_CRELU, 0, 0, CLACT_F32, 3, 2, 3, 501, 1, 0, 0),
    J(CLACT_OP_CRELU, 0, 0, CLACT_F32, 2, 9, 77, 0, 0, 1, 0),
    J(CLACT_OP_HARDSWISH, 0, 0, CLACT_F16, 1, 12345, 0, 0, 1, 0, 0),
    J(CLACT_OP_SELU, 0, 0, CLACT_F16, 1, 999, 0, 0, 1, 1, 0),
    J(CLACT_OP_GELU_TANH, 0, 0, CLACT_BF16, 1, 8191, 0, 0, 1, 0, 0),
    J(CLACT_OP_LEAKY_RELU, 0.2, 0, CLACT_BF16, 1, 77, 0, 0, 1, 2, 0),
    J(CLACT_OP_CELU, 2, 0, CLACT_F64, 1, 3333, 0, 0, 1, 0, 0),
    J(CLACT_OP_HARDSIGMOID, 0, 0, CLACT_F64, 1, 2049, 0, 0, 1, 1, 0),
    J(CLACT_OP_RELU6, 0, 0, CLACT_F32, 1, 0, 0, 0, 1, 0, 0),
};
#define NJOBS ((int)(sizeof jobs / sizeof jobs[0]))

static int job_usable(const job *j) { return j->dtype != CLACT_F64 || tu_has_f64(); }

static clact_activation job_act(const job *j)
{
    clact_activation a;
    clact_activation_init(&a, j->op);
    const int np = ref_param_count(j->op);
    if (np > 0) a.param[0] = j->p0;
    if (np > 1) a.param[1] = j->p1;
    a.axis = j->axis;
    return a;
}

static clact_tensor job_tensor(const job *j) { return tu_tensor(j->dtype, j->ndim, j->shape); }

static void *pack_random(clact_dtype t, size_t n, double lo, double hi, uint64_t seed)
{
    double *v = tu_random(t, n, lo, hi, seed);
    void *p = tu_alloc((n ? n : 1) * clact_dtype_size(t));
    tu_pack(t, v, n, p);
    tu_free(v);
    return p;
}

static void prepare(job *j, int k)
{
    clact_activation a = job_act(j);
    clact_tensor t = job_tensor(j);
    j->n = clact_tensor_count(&t);
    j->nout = tu_out_count(&a, &t);
    j->nw = 1;
    if (j->op == CLACT_OP_PRELU) j->nw = j->ndim >= 2 ? j->shape[j->axis] : 1;
    j->x = pack_random(j->dtype, j->n, -8, 8, 100 + (unsigned)k);
    j->dy = pack_random(j->dtype, j->nout, -2, 2, 200 + (unsigned)k);
    j->w = pack_random(j->dtype, j->nw, -1, 1, 300 + (unsigned)k);
}

/* Run one job on ctx, thread-safely (no Check calls): result bytes into
 * out (and out_dw). Returns a clact status or an OpenCL error. */
static int run_job(clact_context *ctx, const job *j, void *out, void *out_dw)
{
    const size_t es = clact_dtype_size(j->dtype);
    cl_context cc = clact_context_cl_context(ctx);
    cl_command_queue q = clact_context_queue(ctx);
    cl_int err = CL_SUCCESS;
    const size_t nx = j->n ? j->n : 1, ny = j->nout ? j->nout : 1;
    cl_mem bx = clCreateBuffer(cc, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, nx * es, j->x, &err);
    if (err) return err;
    cl_mem bdy = clCreateBuffer(cc, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, ny * es, j->dy, &err);
    cl_mem bw = clCreateBuffer(cc, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, j->nw * es, j->w, &err);
    cl_mem bout = clCreateBuffer(cc, CL_MEM_READ_WRITE, (j->backward ? nx : ny) * es, NULL, &err);
    cl_mem bdw = clCreateBuffer(cc, CL_MEM_READ_WRITE, j->nw * es, NULL, &err);
    cl_mem by = clCreateBuffer(cc, CL_MEM_READ_WRITE, ny * es, NULL, &err);
    if (!bdy || !bw || !bout || !bdw || !by) return err ? err : -1;
    clact_activation a = job_act(j);
    clact_tensor t = job_tensor(j);
    cl_mem pw = j->op == CLACT_OP_PRELU ? bw : NULL;
    int st;
    cl_event ev = NULL;
    if (j->backward == 0) {
        st = clact_forward(ctx, &a, &t, bx, 0, bout, 0, pw, 0, NULL, &ev);
    } else if (j->backward == 1) {
        st = clact_backward(ctx, &a, &t, CLACT_FROM_X, bx, 0, bdy, 0, bout, 0, pw, j->dweight ? bdw : NULL, 0, NULL,
                            &ev);
    } else {
        cl_event e1 = NULL;
        st = clact_forward(ctx, &a, &t, bx, 0, by, 0, pw, 0, NULL, &e1);
        if (st == CLACT_SUCCESS) st = clact_backward(ctx, &a, &t, CLACT_FROM_Y, by, 0, bdy, 0, bout, 0, NULL, NULL, 1, &e1, &ev);
        if (e1) clReleaseEvent(e1);
    }
    if (st == CLACT_SUCCESS && ev) st = clWaitForEvents(1, &ev);
    if (ev) clReleaseEvent(ev);
    const size_t nres = j->backward ? j->n : j->nout;
    if (st == CLACT_SUCCESS && nres) st = clEnqueueReadBuffer(q, bout, CL_TRUE, 0, nres * es, out, 0, NULL, NULL);
    if (st == CLACT_SUCCESS && j->dweight)
        st = clEnqueueReadBuffer(q, bdw, CL_TRUE, 0, j->nw * es, out_dw, 0, NULL, NULL);
    clReleaseMemObject(bx);
    clReleaseMemObject(bdy);
    clReleaseMemObject(bw);
    clReleaseMemObject(bout);
    clReleaseMemObject(bdw);
    clReleaseMemObject(by);
    return st;
}

static size_t result_bytes(const job *j) { return ((j->backward ? j->n : j->nout) + 1) * clact_dtype_size(j->dtype); }

typedef struct worker {
    clact_context *ctx;
    int id;
    int status[ROUNDS][NJOBS];
    int mismatch[ROUNDS][NJOBS];
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    for (int r = 0; r < ROUNDS; ++r) {
        for (int k = 0; k < NJOBS; ++k) {
            const int jk = (k * 7 + w->id * 5 + r * 3) % NJOBS; /* each thread its own order */
            const job *j = &jobs[jk];
            w->status[r][jk] = 0;
            w->mismatch[r][jk] = 0;
            if (!job_usable(j)) continue;
            void *out = calloc(1, result_bytes(j)), *dw = calloc(j->nw + 1, clact_dtype_size(j->dtype));
            if (!out || !dw) {
                w->status[r][jk] = CLACT_ERR_OUT_OF_MEMORY;
                free(out);
                free(dw);
                continue;
            }
            w->status[r][jk] = run_job(w->ctx, j, out, dw);
            if (w->status[r][jk] == CLACT_SUCCESS) {
                const size_t nb = result_bytes(j) - clact_dtype_size(j->dtype);
                w->mismatch[r][jk] = memcmp(out, j->ref, nb) != 0;
                if (j->dweight) w->mismatch[r][jk] |= 2 * (memcmp(dw, j->ref_dw, j->nw * clact_dtype_size(j->dtype)) != 0);
            }
            free(out);
            free(dw);
        }
    }
    return NULL;
}

START_TEST(test_threads_bit_identical)
{
    /* single-threaded results on the shared context */
    for (int k = 0; k < NJOBS; ++k) {
        job *j = &jobs[k];
        prepare(j, k);
        j->ref = memset(tu_alloc(result_bytes(j)), 0, result_bytes(j));
        j->ref_dw = memset(tu_alloc((j->nw + 1) * clact_dtype_size(j->dtype)), 0, (j->nw + 1) * clact_dtype_size(j->dtype));
        if (!job_usable(j)) continue;
        const int st = run_job(tu_ctx(), j, j->ref, j->ref_dw);
        ck_assert_msg(st == CLACT_SUCCESS, "job %d (%s) alone -> %d: %s", k, ref_op_name(j->op), st, clact_last_error());
    }
    /* the same jobs from 8 threads at once on one fresh context */
    clact_context *ctx = NULL;
    TU_ASSERT_OK(clact_context_create(&ctx, getenv("CLACT_TEST_DEVICE")));
    static worker w[NTHREADS];
    pthread_t th[NTHREADS];
    for (int i = 0; i < NTHREADS; ++i) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].ctx = ctx;
        w[i].id = i;
        ck_assert_int_eq(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < NTHREADS; ++i) ck_assert_int_eq(pthread_join(th[i], NULL), 0);
    clact_context_destroy(ctx);
    for (int i = 0; i < NTHREADS; ++i)
        for (int r = 0; r < ROUNDS; ++r)
            for (int k = 0; k < NJOBS; ++k) {
                const job *j = &jobs[k];
                ck_assert_msg(w[i].status[r][k] == CLACT_SUCCESS, "thread %d round %d job %d (%s %s): status %d", i, r,
                              k, ref_op_name(j->op), clact_dtype_name(j->dtype), w[i].status[r][k]);
                ck_assert_msg(w[i].mismatch[r][k] == 0,
                              "thread %d round %d job %d (%s %s, %s): %s differs from the single-threaded run", i, r,
                              k, ref_op_name(j->op), clact_dtype_name(j->dtype),
                              j->backward ? "backward" : "forward", w[i].mismatch[r][k] & 2 ? "dweight" : "result");
            }
    /* and the single-threaded results are right where the reference can say
     * so cheaply: f32 forward jobs within the contract */
    for (int k = 0; k < NJOBS; ++k) {
        job *j = &jobs[k];
        if (j->dtype == CLACT_F32 && j->backward == 0 && j->op != CLACT_OP_PRELU && j->op != CLACT_OP_CRELU) {
            clact_activation a = job_act(j);
            const float *x = j->x, *y = j->ref;
            tu_score s;
            tu_score_init(&s, 4.0);
            for (size_t i = 0; i < j->n; ++i) tu_score_add(&s, CLACT_F32, i, x[i], 0, y[i], ref_fwd(a.op, a.param, x[i]));
            TU_ASSERT_SCORE(&s, tu_act_str(&a));
        }
    }
    for (int k = 0; k < NJOBS; ++k) {
        tu_free(jobs[k].x);
        tu_free(jobs[k].dy);
        tu_free(jobs[k].w);
        tu_free(jobs[k].ref);
        tu_free(jobs[k].ref_dw);
        jobs[k].x = jobs[k].dy = jobs[k].w = jobs[k].ref = jobs[k].ref_dw = NULL;
    }
}
END_TEST

/* contexts created and destroyed concurrently, each used at once */
static void *ctx_churn(void *arg)
{
    int *res = arg;
    *res = 0;
    for (int r = 0; r < 3 && *res == 0; ++r) {
        clact_context *c = NULL;
        int st = clact_context_create(&c, getenv("CLACT_TEST_DEVICE"));
        if (st) {
            *res = st;
            break;
        }
        job *j = &jobs[0];
        void *out = calloc(1, result_bytes(j));
        if (out && j->ref) {
            st = run_job(c, j, out, NULL);
            if (st) *res = st;
            else if (memcmp(out, j->ref, result_bytes(j) - clact_dtype_size(j->dtype)) != 0) *res = 1;
        }
        free(out);
        clact_context_destroy(c);
    }
    return NULL;
}

START_TEST(test_context_churn)
{
    job *j = &jobs[0];
    prepare(j, 0);
    j->ref = memset(tu_alloc(result_bytes(j)), 0, result_bytes(j));
    ck_assert_int_eq(run_job(tu_ctx(), j, j->ref, NULL), CLACT_SUCCESS);
    pthread_t th[4];
    int res[4];
    for (int i = 0; i < 4; ++i) ck_assert_int_eq(pthread_create(&th[i], NULL, ctx_churn, &res[i]), 0);
    for (int i = 0; i < 4; ++i) ck_assert_int_eq(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < 4; ++i) ck_assert_msg(res[i] == 0, "thread %d: %d", i, res[i]);
    tu_free(j->x);
    tu_free(j->dy);
    tu_free(j->w);
    tu_free(j->ref);
    j->x = j->dy = j->w = j->ref = NULL;
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tu_tcase("threads");
    tcase_add_test(tc, test_threads_bit_identical);
    tcase_add_test(tc, test_context_churn);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    tu_init();
    tu_track_all(1);
    return tu_run_suite(suite());
}
