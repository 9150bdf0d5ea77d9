/* stats.c - the programs of kernels/dense.cl (per context, built on first
 * use), dead-unit statistics, the training helpers (softmax cross-entropy,
 * SGD with momentum), and the argument checks dense.c shares. Nothing here
 * needs CLBlast; without it the dense calls are stubs that say so. */
#include "dense_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- programs ---------------------------------------------------------------- */
static const char *const dense_kernel_names[DK_COUNT] = {
    "clact_dense_fwd", "clact_dense_bwd", "clact_dense_bwd_final", "clact_stats_count",
    "clact_stats_fold", "clact_softmax_xent", "clact_sgd",
};

static const char *const dense_sources[] = {
    CLACT_PRELUDE_SOURCES, "dense.cl",
};

typedef struct dense_state {
    dense_program *p[CLACT_OP_COUNT + 1][CLACT_DTYPE_COUNT][2];
} dense_state;

static void program_free(dense_program *p)
{
    if (!p) return;
    for (int k = 0; k < DK_COUNT; ++k)
        if (p->kernel[k]) clReleaseKernel(p->kernel[k]);
    if (p->program) clReleaseProgram(p->program);
    free(p);
}

static void dense_release(clact_context *ctx)
{
    dense_state *d = ctx->dense;
    if (!d) return;
    for (int o = 0; o <= CLACT_OP_COUNT; ++o)
        for (int t = 0; t < CLACT_DTYPE_COUNT; ++t)
            for (int y = 0; y < 2; ++y) program_free(d->p[o][t][y]);
    free(d);
    ctx->dense = NULL;
}

clact_status clact__dense_program(clact_context *ctx, int op, clact_dtype dt, int from_y, dense_program **out)
{
    if (!ctx->dense) {
        ctx->dense = calloc(1, sizeof(dense_state));
        if (!ctx->dense) return clact__fail(CLACT_ERR_OUT_OF_MEMORY, "out of memory");
        ctx->dense_release = dense_release;
    }
    dense_state *d = ctx->dense;
    dense_program **slot = &d->p[op][dt][from_y ? 1 : 0];
    if (*slot) {
        *out = *slot;
        return CLACT_SUCCESS;
    }
    const int identity = op == DENSE_IDENTITY;
    clact_variant v;
    memset(&v, 0, sizeof v);
    v.op = identity ? CLACT_OP_RELU : (clact_op)op;
    v.dtype = dt;
    v.from_y = identity ? 0 : from_y;
    const clact_launch l = clact__op_launch(ctx, v.op, dt);
    char options[1200], what[128];
    clact__build_options(ctx, &v, &l, options, 1024);
    const size_t n = strlen(options);
    snprintf(options + n, sizeof options - n, " -DCLACT_DENSE_PROGRAM=1%s",
             identity ? " -DCLACT_DENSE_IDENTITY=1" : "");
    snprintf(what, sizeof what, "dense %s/%s%s", identity ? "identity" : clact__ops[op].name, clact_dtype_name(dt),
             from_y ? " from y" : "");
    cl_program prog;
    clact_status s = clact__build_program(ctx, dense_sources, sizeof dense_sources / sizeof dense_sources[0],
                                          options, what, &prog);
    if (s) return s;
    dense_program *p = calloc(1, sizeof *p);
    if (!p) {
        clReleaseProgram(prog);
        return clact__fail(CLACT_ERR_OUT_OF_MEMORY, "out of memory");
    }
    p->program = prog;
    p->vec = l.vec;
    /* the op-independent kernels are in the identity build only */
    for (int k = 0; k < (identity ? DK_COUNT : DK_STATS_COUNT); ++k) {
        cl_int err;
        p->kernel[k] = clCreateKernel(prog, dense_kernel_names[k], &err);
        if (!p->kernel[k]) {
            program_free(p);
            return clact__fail(CLACT_ERR_BUILD, "kernel %s missing from the program (%d)", dense_kernel_names[k], err);
        }
    }
    *slot = p;
    *out = p;
    return CLACT_SUCCESS;
}

/* ---- shared checks and helpers ------------------------------------------------ */


/* Every dense.cl program a call can need on this device (clact_prebuild):
 * the identity build for each dtype (statistics and training helpers use
 * it), and with the dense layer each activation its epilogue accepts, for
 * the dtypes CLBlast multiplies, from x and, where the op allows, from y. */
clact_status clact__dense_prebuild(clact_context *ctx)
{
#ifdef CLACT_HAVE_CLBLAST
    const int layer = 1;
#else
    const int layer = 0; /* the dense calls are stubs */
#endif
    clact_status s = CLACT_SUCCESS;
    for (int t = 0; t < CLACT_DTYPE_COUNT && !s; ++t) {
        if (t == CLACT_F64 && !ctx->has_fp64) continue;
        const int gemm = layer && t != CLACT_BF16 && (t != CLACT_F16 || ctx->has_fp16);
        for (int o = 0; o <= DENSE_IDENTITY && !s; ++o) {
            const unsigned f = o < DENSE_IDENTITY ? clact__ops[o].flags : 0;
            if (o < DENSE_IDENTITY && (!gemm || (f & CLACT_OPF_CONCAT))) continue;
            for (int y = 0; y < 2 && !s; ++y) {
                if (y && !(f & (CLACT_OPF_BWD_FROM_Y | CLACT_OPF_BWD_FROM_Y_IF_P0_NONNEG))) continue;
                dense_program *p;
                s = clact__dense_program(ctx, o, (clact_dtype)t, y, &p);
            }
        }
    }
    return s;
}

clact_status clact__dn_check_overlap(cl_mem a, size_t ao, size_t an, size_t aesz, const char *a_name,
                                     cl_mem b, size_t bo, size_t bn, size_t besz, const char *b_name)
{
    if (!a || !b || a != b || an == 0 || bn == 0) return CLACT_SUCCESS;
    const size_t as = ao * aesz, ae = as + an * aesz, bs = bo * besz, be = bs + bn * besz;
    if (as < be && bs < ae)
        return clact__fail(CLACT_ERR_OVERLAP, "%s and %s overlap in the same buffer", a_name, b_name);
    return CLACT_SUCCESS;
}

clact_status clact__dn_check_dtype(const clact_context *ctx, clact_dtype t)
{
    if (!clact_dtype_size(t)) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "invalid dtype %d", (int)t);
    if (t == CLACT_F64 && !ctx->has_fp64)
        return clact__fail(CLACT_ERR_UNSUPPORTED, "f64 needs cl_khr_fp64, which %s lacks", ctx->device_name);
    return CLACT_SUCCESS;
}

int clact__dn_mul(size_t a, size_t b, size_t *out)
{
    if (a && b > SIZE_MAX / 16 / a) return -1;
    *out = a * b;
    return 0;
}

clact_status clact__dn_enqueue(clact_context *ctx, cl_kernel k, cl_uint dims, const size_t *global,
                               cl_uint n_wait, const cl_event *wait, cl_event *ev)
{
    cl_int err = clEnqueueNDRangeKernel(ctx->queue, k, dims, NULL, global, NULL, n_wait, wait, ev);
    if (err != CL_SUCCESS) return clact__fail((clact_status)err, "clEnqueueNDRangeKernel failed (%d)", err);
    return CLACT_SUCCESS;
}



size_t clact__dn_chunk(const clact_context *ctx, size_t M, size_t N, unsigned vec)
{
    /* enough work-items to fill the device; on a CPU also short chunks, so
     * the rows a work-group walks stay in cache; at least 16 rows each */
    const int gpu = (ctx->type & CL_DEVICE_TYPE_GPU) != 0;
    const size_t target = gpu ? 65536 : 64, groups = vec ? (N + vec - 1) / vec : N;
    size_t P = groups ? target / groups : 1;
    if (!gpu && P < (M + 255) / 256) P = (M + 255) / 256;
    if (P > (M + 15) / 16) P = (M + 15) / 16;
    if (P < 1) P = 1;
    size_t chunk = (M + P - 1) / P;
    if (chunk > 0x7fffffffu) chunk = 0x7fffffffu;
    return chunk ? chunk : 1;
}

#define SETARG(kern, i, v) err |= clSetKernelArg((kern), (i), sizeof(v), &(v))

/* ---- statistics ---------------------------------------------------------------- */
struct clact_stats {
    clact_context   *ctx;
    size_t           units;
    int              mode;
    cl_mem           counts; /* ulong per unit: inactive rows */
    uint64_t         rows;
    cl_event         last;   /* last command that touched counts */
    pthread_mutex_t  lock;
};

/* wait list = the caller's + st->last; *tmp is malloc'ed when needed */
static clact_status join_wait(clact_stats *st, cl_uint n_wait, const cl_event *wait, cl_uint *nw,
                              const cl_event **w, cl_event **tmp)
{
    *tmp = NULL;
    *nw = n_wait;
    *w = wait;
    if (!st->last) return CLACT_SUCCESS;
    if (n_wait == 0) {
        *nw = 1;
        *w = &st->last;
        return CLACT_SUCCESS;
    }
    cl_event *l = malloc((n_wait + 1) * sizeof *l);
    if (!l) return clact__fail(CLACT_ERR_OUT_OF_MEMORY, "out of memory");
    memcpy(l, wait, n_wait * sizeof *l);
    l[n_wait] = st->last;
    *tmp = l;
    *nw = n_wait + 1;
    *w = l;
    return CLACT_SUCCESS;
}

static void set_last(clact_stats *st, cl_event ev)
{
    if (st->last) clReleaseEvent(st->last);
    st->last = ev;
}

static clact_status zero_counts(clact_stats *st, cl_uint nw, const cl_event *w, cl_event *ev)
{
    const cl_ulong zero = 0;
    cl_int err = clEnqueueFillBuffer(st->ctx->queue, st->counts, &zero, sizeof zero, 0, st->units * sizeof zero, nw,
                                     w, ev);
    if (err != CL_SUCCESS) return clact__fail((clact_status)err, "clEnqueueFillBuffer failed (%d)", err);
    return CLACT_SUCCESS;
}

clact_status clact_stats_create(clact_stats **out, clact_context *ctx, size_t units, clact_stats_mode mode)
{
    clact__clear_error();
    if (!out) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "clact_stats_create: out is NULL");
    *out = NULL;
    if (!ctx) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "context is NULL");
    if (mode != CLACT_STATS_ZERO && mode != CLACT_STATS_NONPOSITIVE)
        return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "invalid statistics mode %d", (int)mode);
    if (units == 0) return clact__fail(CLACT_ERR_INVALID_SHAPE, "statistics need at least one unit");
    if (units > SIZE_MAX / 64) return clact__fail(CLACT_ERR_INVALID_SHAPE, "too many units (%zu)", units);
    clact_stats *st = calloc(1, sizeof *st);
    if (!st) return clact__fail(CLACT_ERR_OUT_OF_MEMORY, "out of memory");
    if (pthread_mutex_init(&st->lock, NULL) != 0) {
        free(st);
        return clact__fail(CLACT_ERR_INTERNAL, "mutex init failed");
    }
    st->ctx = ctx;
    st->units = units;
    st->mode = mode;
    cl_int err;
    st->counts = clCreateBuffer(ctx->context, CL_MEM_READ_WRITE, units * sizeof(cl_ulong), NULL, &err);
    clact_status s = st->counts ? CLACT_SUCCESS
                                : clact__fail((clact_status)err, "cannot allocate %zu counters (%d)", units, err);
    cl_event ev = NULL;
    if (!s) s = zero_counts(st, 0, NULL, &ev);
    if (s) {
        if (st->counts) clReleaseMemObject(st->counts);
        pthread_mutex_destroy(&st->lock);
        free(st);
        return s;
    }
    st->last = ev;
    *out = st;
    return CLACT_SUCCESS;
}

void clact_stats_destroy(clact_stats *st)
{
    if (!st) return;
    if (st->last) {
        clWaitForEvents(1, &st->last);
        clReleaseEvent(st->last);
    }
    clReleaseMemObject(st->counts);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

clact_status clact_stats_reset(clact_stats *st)
{
    clact__clear_error();
    if (!st) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "statistics object is NULL");
    pthread_mutex_lock(&st->lock);
    cl_event ev = NULL;
    clact_status s = zero_counts(st, st->last ? 1 : 0, st->last ? &st->last : NULL, &ev);
    if (!s) {
        set_last(st, ev);
        st->rows = 0;
    }
    pthread_mutex_unlock(&st->lock);
    return s;
}

clact_status clact_stats_accumulate(clact_stats *st, clact_dtype dtype, size_t rows, cl_mem a, size_t a_off,
                                    cl_uint n_wait, const cl_event *wait, cl_event *done)
{
    clact__clear_error();
    if (!st) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "statistics object is NULL");
    clact_context *ctx = st->ctx;
    clact_status s = clact__dn_check_dtype(ctx, dtype);
    if (s) return s;
    if ((s = clact__check_wait(n_wait, wait))) return s;
    size_t n;
    if (clact__dn_mul(rows, st->units, &n)) return clact__fail(CLACT_ERR_INVALID_SHAPE, "rows x units overflows");
    if ((s = clact__check_buffer(a, "a", a_off, n, clact_dtype_size(dtype)))) return s;
    if (rows == 0) return clact__marker(ctx, n_wait, wait, done);

    const size_t N = st->units;
    size_t P = 1;
    cl_int err = 0;
    cl_mem part = NULL;
    pthread_mutex_lock(&st->lock);
    pthread_mutex_lock(&ctx->lock);
    dense_program *p;
    s = clact__dense_program(ctx, DENSE_IDENTITY, dtype, 0, &p);
    const size_t chunk = s ? 1 : clact__dn_chunk(ctx, rows, N, p->vec);
    if (!s) P = (rows + chunk - 1) / chunk;
    if (!s && P > 1) {
        part = clCreateBuffer(ctx->context, CL_MEM_READ_WRITE, P * N * sizeof(cl_uint), NULL, &err);
        if (!part) s = clact__fail((clact_status)err, "cannot allocate %zu partial counts (%d)", P * N, err);
    }
    cl_uint nw;
    const cl_event *w;
    cl_event *tmp = NULL, ev = NULL;
    if (!s) s = join_wait(st, n_wait, wait, &nw, &w, &tmp);
    if (!s) {
        const cl_ulong ao = a_off, M = rows, NN = N, ch = chunk, PP = P;
        const cl_int mode = st->mode;
        cl_kernel k = p->kernel[DK_STATS_COUNT];
        SETARG(k, 0, a); SETARG(k, 1, ao); SETARG(k, 2, M); SETARG(k, 3, NN); SETARG(k, 4, ch);
        SETARG(k, 5, mode); SETARG(k, 6, part); SETARG(k, 7, st->counts);
        cl_kernel f = p->kernel[DK_STATS_FOLD];
        if (part) { SETARG(f, 0, part); SETARG(f, 1, PP); SETARG(f, 2, NN); SETARG(f, 3, st->counts); }
        if (err != CL_SUCCESS) s = clact__fail(CLACT_ERR_INTERNAL, "clSetKernelArg failed (%d)", err);
        const size_t g2[2] = {(N + p->vec - 1) / p->vec, P};
        cl_event e1 = NULL;
        if (!s) s = clact__dn_enqueue(ctx, k, 2, g2, nw, w, part ? &e1 : &ev);
        if (!s && part) s = clact__dn_enqueue(ctx, f, 1, &N, 1, &e1, &ev);
        if (e1) clReleaseEvent(e1);
    }
    pthread_mutex_unlock(&ctx->lock);
    free(tmp);
    if (!s) {
        set_last(st, ev);
        st->rows += rows;
        if (done) {
            clRetainEvent(ev);
            *done = ev;
        }
    }
    pthread_mutex_unlock(&st->lock);
    if (part) clReleaseMemObject(part);
    return s;
}

/* counts of every unit, after the pending work */
static clact_status read_counts(clact_stats *st, cl_ulong *c)
{
    cl_int err = clEnqueueReadBuffer(st->ctx->queue, st->counts, CL_TRUE, 0, st->units * sizeof *c, c,
                                     st->last ? 1 : 0, st->last ? &st->last : NULL, NULL);
    if (err != CL_SUCCESS) return clact__fail((clact_status)err, "reading the statistics failed (%d)", err);
    return CLACT_SUCCESS;
}

clact_status clact_stats_read(clact_stats *st, clact_stats_result *out, unsigned char *dead, uint64_t *inactive_rows)
{
    clact__clear_error();
    if (!st || !out) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "clact_stats_read: NULL argument");
    cl_ulong *c = malloc(st->units * sizeof *c);
    if (!c) return clact__fail(CLACT_ERR_OUT_OF_MEMORY, "out of memory");
    pthread_mutex_lock(&st->lock);
    clact_status s = read_counts(st, c);
    const uint64_t rows = st->rows;
    pthread_mutex_unlock(&st->lock);
    if (!s) {
        clact_stats_result r;
        memset(&r, 0, sizeof r);
        r.rows = rows;
        r.units = st->units;
        r.values = rows * st->units;
        for (size_t u = 0; u < st->units; ++u) {
            r.inactive += c[u];
            const int d = rows > 0 && c[u] == rows;
            r.dead += (size_t)d;
            if (dead) dead[u] = (unsigned char)d;
            if (inactive_rows) inactive_rows[u] = c[u];
        }
        r.sparsity = r.values ? (double)r.inactive / (double)r.values : 0.0;
        r.dead_fraction = (double)r.dead / (double)r.units;
        *out = r;
    }
    free(c);
    return s;
}

clact_status clact_stats_dead_units(clact_stats *st, size_t *list, size_t cap, size_t *count)
{
    clact__clear_error();
    if (!st || !count || (cap && !list))
        return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "clact_stats_dead_units: NULL argument");
    cl_ulong *c = malloc(st->units * sizeof *c);
    if (!c) return clact__fail(CLACT_ERR_OUT_OF_MEMORY, "out of memory");
    pthread_mutex_lock(&st->lock);
    clact_status s = read_counts(st, c);
    const uint64_t rows = st->rows;
    pthread_mutex_unlock(&st->lock);
    if (!s) {
        size_t n = 0;
        for (size_t u = 0; u < st->units; ++u)
            if (rows > 0 && c[u] == rows) {
                if (n < cap) list[n] = u;
                ++n;
            }
        *count = n;
    }
    free(c);
    return s;
}

/* ---- training helpers ------------------------------------------------------------ */
clact_status clact_softmax_xent(clact_context *ctx, clact_dtype dtype, size_t m, size_t n, cl_mem logits,
                                size_t logits_off, cl_mem labels, size_t labels_off, double scale, cl_mem dlogits,
                                size_t dlogits_off, cl_mem loss, size_t loss_off, cl_mem pred, size_t pred_off,
                                cl_uint n_wait, const cl_event *wait, cl_event *done)
{
    clact__clear_error();
    if (!ctx) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "context is NULL");
    clact_status s = clact__dn_check_dtype(ctx, dtype);
    if (s) return s;
    if ((s = clact__check_wait(n_wait, wait))) return s;
    if (scale != scale || scale - scale != 0)
        return clact__fail(CLACT_ERR_INVALID_PARAMETER, "softmax cross-entropy: scale %g is not finite", scale);
    size_t mn;
    if (clact__dn_mul(m, n, &mn)) return clact__fail(CLACT_ERR_INVALID_SHAPE, "m x n overflows");
    if (m > 0 && n == 0) return clact__fail(CLACT_ERR_INVALID_SHAPE, "softmax over 0 classes");
    const size_t esz = clact_dtype_size(dtype);
    if ((s = clact__check_buffer(logits, "logits", logits_off, mn, esz))) return s;
    if ((s = clact__check_buffer(labels, "labels", labels_off, m, sizeof(cl_int)))) return s;
    if (dlogits && (s = clact__check_buffer(dlogits, "dlogits", dlogits_off, mn, esz))) return s;
    if (loss && (s = clact__check_buffer(loss, "loss", loss_off, m, esz))) return s;
    if (pred && (s = clact__check_buffer(pred, "pred", pred_off, m, sizeof(cl_int)))) return s;
    /* dlogits may be logits exactly; nothing else may overlap */
    if (!(dlogits == logits && dlogits_off == logits_off) &&
        (s = clact__dn_check_overlap(logits, logits_off, mn, esz, "logits", dlogits, dlogits_off, mn, esz, "dlogits")))
        return s;
    {
        const struct { cl_mem m; size_t o, n, e; const char *name; } b[] = {
            {logits, logits_off, mn, esz, "logits"}, {labels, labels_off, m, sizeof(cl_int), "labels"},
            {dlogits, dlogits_off, mn, esz, "dlogits"}, {loss, loss_off, m, esz, "loss"},
            {pred, pred_off, m, sizeof(cl_int), "pred"}};
        for (int i = 0; i < 5; ++i)
            for (int j = i + 1; j < 5; ++j) {
                if (i == 0 && j == 2) continue;
                if ((s = clact__dn_check_overlap(b[i].m, b[i].o, b[i].n, b[i].e, b[i].name, b[j].m, b[j].o, b[j].n,
                                                 b[j].e, b[j].name)))
                    return s;
            }
    }
    if (m == 0) return clact__marker(ctx, n_wait, wait, done);
    pthread_mutex_lock(&ctx->lock);
    dense_program *p;
    s = clact__dense_program(ctx, DENSE_IDENTITY, dtype, 0, &p);
    if (!s) {
        cl_int err = 0;
        const cl_ulong lo = logits_off, lbo = labels_off, M = m, N = n, dlo = dlogits_off, loo = loss_off,
                       po = pred_off;
        cl_kernel k = p->kernel[DK_XENT];
        SETARG(k, 0, logits); SETARG(k, 1, lo); SETARG(k, 2, labels); SETARG(k, 3, lbo); SETARG(k, 4, M);
        SETARG(k, 5, N);
        err |= clact__set_real(k, 6, dtype, scale);
        SETARG(k, 7, dlogits); SETARG(k, 8, dlo); SETARG(k, 9, loss); SETARG(k, 10, loo);
        SETARG(k, 11, pred); SETARG(k, 12, po);
        if (err != CL_SUCCESS) s = clact__fail(CLACT_ERR_INTERNAL, "clSetKernelArg failed (%d)", err);
        else s = clact__dn_enqueue(ctx, k, 1, &m, n_wait, wait, done);
    }
    pthread_mutex_unlock(&ctx->lock);
    return s;
}

clact_status clact_sgd_momentum(clact_context *ctx, clact_dtype dtype, size_t n, cl_mem param, size_t param_off,
                                cl_mem grad, size_t grad_off, cl_mem velocity, size_t velocity_off, double lr,
                                double momentum, double weight_decay, cl_uint n_wait, const cl_event *wait,
                                cl_event *done)
{
    clact__clear_error();
    if (!ctx) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "context is NULL");
    clact_status s = clact__dn_check_dtype(ctx, dtype);
    if (s) return s;
    if ((s = clact__check_wait(n_wait, wait))) return s;
    if (lr != lr || lr - lr != 0 || momentum != momentum || momentum - momentum != 0 ||
        weight_decay != weight_decay || weight_decay - weight_decay != 0)
        return clact__fail(CLACT_ERR_INVALID_PARAMETER, "sgd: lr %g, momentum %g, weight decay %g must be finite", lr,
                           momentum, weight_decay);
    const size_t esz = clact_dtype_size(dtype);
    if ((s = clact__check_buffer(param, "param", param_off, n, esz))) return s;
    if ((s = clact__check_buffer(grad, "grad", grad_off, n, esz))) return s;
    if ((s = clact__check_buffer(velocity, "velocity", velocity_off, n, esz))) return s;
    if ((s = clact__dn_check_overlap(param, param_off, n, esz, "param", grad, grad_off, n, esz, "grad"))) return s;
    if ((s = clact__dn_check_overlap(param, param_off, n, esz, "param", velocity, velocity_off, n, esz, "velocity")))
        return s;
    if ((s = clact__dn_check_overlap(grad, grad_off, n, esz, "grad", velocity, velocity_off, n, esz, "velocity")))
        return s;
    if (n == 0) return clact__marker(ctx, n_wait, wait, done);
    pthread_mutex_lock(&ctx->lock);
    dense_program *p;
    s = clact__dense_program(ctx, DENSE_IDENTITY, dtype, 0, &p);
    if (!s) {
        cl_int err = 0;
        const cl_ulong po = param_off, go = grad_off, vo = velocity_off, nn = n;
        cl_kernel k = p->kernel[DK_SGD];
        SETARG(k, 0, param); SETARG(k, 1, po); SETARG(k, 2, grad); SETARG(k, 3, go);
        SETARG(k, 4, velocity); SETARG(k, 5, vo); SETARG(k, 6, nn);
        err |= clact__set_real(k, 7, dtype, lr);
        err |= clact__set_real(k, 8, dtype, momentum);
        err |= clact__set_real(k, 9, dtype, weight_decay);
        const size_t g = (n + p->vec - 1) / p->vec;
        if (err != CL_SUCCESS) s = clact__fail(CLACT_ERR_INTERNAL, "clSetKernelArg failed (%d)", err);
        else s = clact__dn_enqueue(ctx, k, 1, &g, n_wait, wait, done);
    }
    pthread_mutex_unlock(&ctx->lock);
    return s;
}

/* ---- without CLBlast --------------------------------------------------------------- */
#ifndef CLACT_HAVE_CLBLAST
static clact_status no_blas(void)
{
    return clact__fail(CLACT_ERR_UNSUPPORTED, "this clact was built without CLBlast (CLACT_WITH_CLBLAST=OFF)");
}

clact_status clact_dense_forward(clact_context *ctx, const clact_activation *act, const clact_dense_desc *desc,
                                 cl_mem x, size_t x_off, cl_mem w, size_t w_off, cl_mem b, size_t b_off, cl_mem y,
                                 size_t y_off, cl_mem z, size_t z_off, cl_mem weight, cl_uint n_wait,
                                 const cl_event *wait, cl_event *done)
{
    clact__clear_error();
    (void)ctx; (void)act; (void)desc; (void)x; (void)x_off; (void)w; (void)w_off; (void)b; (void)b_off;
    (void)y; (void)y_off; (void)z; (void)z_off; (void)weight; (void)n_wait; (void)wait; (void)done;
    return no_blas();
}

clact_status clact_dense_backward(clact_context *ctx, const clact_activation *act, const clact_dense_desc *desc,
                                  clact_source src, cl_mem x, size_t x_off, cl_mem w, size_t w_off, cl_mem zy,
                                  size_t zy_off, cl_mem dy, size_t dy_off, cl_mem dx, size_t dx_off, cl_mem dw,
                                  size_t dw_off, cl_mem db, size_t db_off, cl_mem weight, cl_mem dweight,
                                  cl_uint n_wait, const cl_event *wait, cl_event *done)
{
    clact__clear_error();
    (void)ctx; (void)act; (void)desc; (void)src; (void)x; (void)x_off; (void)w; (void)w_off; (void)zy;
    (void)zy_off; (void)dy; (void)dy_off; (void)dx; (void)dx_off; (void)dw; (void)dw_off; (void)db; (void)db_off;
    (void)weight; (void)dweight; (void)n_wait; (void)wait; (void)done;
    return no_blas();
}

clact_status clact_dense_check(const clact_context *ctx, const clact_activation *act, const clact_dense_desc *desc)
{
    clact__clear_error();
    (void)ctx; (void)act; (void)desc;
    return no_blas();
}
#endif
