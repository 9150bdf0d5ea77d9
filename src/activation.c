/* activation.c - validation and dispatch of forward, backward and copy */
#include "internal.h"

#include <string.h>

/* A validated call: everything the enqueue needs, computed once. */
typedef struct call {
    clact_variant v;
    size_t n;              /* elements of x */
    size_t outer, C, inner; /* prelu/crelu view of x around the channel axis */
    size_t esz;
} call;

clact_status clact__check_wait(cl_uint n_wait, const cl_event *wait)
{
    if ((n_wait > 0) != (wait != NULL))
        return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "event wait list: n_wait %u with wait %s", n_wait,
                           wait ? "non-NULL" : "NULL");
    return CLACT_SUCCESS;
}

/* Element count with overflow check; ndim and dtype checked. */
static clact_status check_tensor(const clact_context *ctx, const clact_tensor *t, size_t *n)
{
    if (!t) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "tensor descriptor is NULL");
    if (!clact_dtype_size(t->dtype)) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "invalid dtype %d", (int)t->dtype);
    if (t->ndim < 0 || t->ndim > CLACT_MAX_DIMS)
        return clact__fail(CLACT_ERR_INVALID_SHAPE, "ndim %d outside [0, %d]", t->ndim, CLACT_MAX_DIMS);
    size_t c = 1;
    for (int i = 0; i < t->ndim; ++i) {
        if (t->shape[i] && c > SIZE_MAX / 16 / t->shape[i])
            return clact__fail(CLACT_ERR_INVALID_SHAPE, "shape too large (overflow at dim %d)", i);
        c *= t->shape[i];
    }
    *n = c;
    if (ctx && t->dtype == CLACT_F64 && !ctx->has_fp64)
        return clact__fail(CLACT_ERR_UNSUPPORTED, "f64 needs cl_khr_fp64, which %s lacks", ctx->device_name);
    return CLACT_SUCCESS;
}

/* Shape, axis and parameter checks shared by forward, backward and check. */
static clact_status prepare(const clact_context *ctx, const clact_activation *act, const clact_tensor *t, call *k)
{
    memset(k, 0, sizeof *k);
    if (!ctx) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "context is NULL");
    clact_status s = clact__check_activation(act);
    if (s) return s;
    if ((s = check_tensor(ctx, t, &k->n))) return s;
    k->v.op = act->op;
    k->v.dtype = t->dtype;
    k->esz = clact_dtype_size(t->dtype);
    const unsigned flags = clact__ops[act->op].flags;
    k->outer = 1;
    k->C = 1;
    k->inner = k->n;
    if (flags & (CLACT_OPF_WEIGHT | CLACT_OPF_CONCAT)) {
        const int nd = t->ndim;
        int ax = act->axis < 0 ? act->axis + nd : act->axis;
        const int no_channel = (flags & CLACT_OPF_WEIGHT) && nd < 2 && act->axis == 1;
        if (!no_channel) {
            if (ax < 0 || ax >= nd)
                return clact__fail(CLACT_ERR_INVALID_AXIS, "%s: axis %d outside [-%d, %d) for a %d-d tensor",
                                   clact__ops[act->op].name, act->axis, nd, nd, nd);
            k->outer = 1;
            for (int i = 0; i < ax; ++i) k->outer *= t->shape[i];
            k->C = t->shape[ax];
            k->inner = 1;
            for (int i = ax + 1; i < nd; ++i) k->inner *= t->shape[i];
        }
        if (flags & CLACT_OPF_WEIGHT) {
            const size_t wc = act->weight_count ? act->weight_count : k->C;
            if (wc != 1 && wc != k->C)
                return clact__fail(CLACT_ERR_WEIGHT_MISMATCH, "prelu: %zu weights for %zu channels (need 1 or %zu)",
                                   wc, k->C, k->C);
            if (wc == 1) { k->outer = 1; k->C = 1; k->inner = k->n; }
        }
    }
    return CLACT_SUCCESS;
}

static clact_status mem_size(cl_mem m, const char *what, size_t *bytes)
{
    if (!m) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "buffer %s is NULL", what);
    cl_int err = clGetMemObjectInfo(m, CL_MEM_SIZE, sizeof *bytes, bytes, NULL);
    if (err != CL_SUCCESS) return clact__fail((clact_status)err, "buffer %s is not a valid cl_mem (%d)", what, err);
    return CLACT_SUCCESS;
}

clact_status clact__check_buffer(cl_mem m, const char *what, size_t off, size_t count, size_t esz)
{
    size_t bytes = 0;
    clact_status s = mem_size(m, what, &bytes);
    if (s) return s;
    const size_t cap = bytes / esz;
    if (off > cap || count > cap - off)
        return clact__fail(CLACT_ERR_BUFFER_TOO_SMALL,
                           "buffer %s holds %zu elements; offset %zu + %zu elements does not fit", what, cap, off, count);
    return CLACT_SUCCESS;
}

/* Same buffer: identical ranges are fine when `same_ok`, other overlaps are not. */
static clact_status check_overlap(cl_mem a, size_t ao, size_t an, cl_mem b, size_t bo, size_t bn,
                                  int same_ok, const char *what)
{
    if (a != b || an == 0 || bn == 0) return CLACT_SUCCESS;
    if (same_ok && ao == bo && an == bn) return CLACT_SUCCESS;
    if (ao < bo + bn && bo < ao + an)
        return clact__fail(CLACT_ERR_OVERLAP, "%s overlap in the same buffer (offsets %zu and %zu)", what, ao, bo);
    return CLACT_SUCCESS;
}

static size_t global_size(size_t work, size_t local)
{
    if (work == 0) work = 1;
    return local ? (work + local - 1) / local * local : work;
}

#define SETARG(kern, i, v) err |= clSetKernelArg((kern), (i), sizeof(v), &(v))

cl_int clact__set_real(cl_kernel k, cl_uint i, clact_dtype t, double v)
{
    if (t == CLACT_F64) return clSetKernelArg(k, i, sizeof v, &v);
    const float f = (float)v;
    return clSetKernelArg(k, i, sizeof f, &f);
}

/* the op's two scalar parameters */
static cl_int set_params(cl_kernel kern, cl_uint i, const call *k, double p0, double p1)
{
    return clact__set_real(kern, i, k->v.dtype, p0) | clact__set_real(kern, i + 1, k->v.dtype, p1);
}

/* work-items of an elementwise kernel over n elements: CLACT_VEC each, and
 * the prelu and crelu kernels CLACT_CH_WPT vectors each */
static size_t work_items(const clact_program *p, unsigned flags, size_t n)
{
    const size_t span =
        (flags & (CLACT_OPF_WEIGHT | CLACT_OPF_CONCAT)) ? (size_t)p->vec * p->ch_wpt : p->vec;
    return (n + span - 1) / span;
}

static clact_status enqueue(clact_context *ctx, cl_kernel kern, size_t work, size_t local, cl_uint n_wait,
                            const cl_event *wait, cl_event *ev)
{
    const size_t g = global_size(work, local);
    cl_int err = clEnqueueNDRangeKernel(ctx->queue, kern, 1, NULL, &g, local ? &local : NULL, n_wait, wait, ev);
    if (err != CL_SUCCESS) return clact__fail((clact_status)err, "clEnqueueNDRangeKernel failed (%d)", err);
    return CLACT_SUCCESS;
}

clact_status clact__marker(clact_context *ctx, cl_uint n_wait, const cl_event *wait, cl_event *done)
{
    if (!done) return CLACT_SUCCESS;
    cl_int err = clEnqueueMarkerWithWaitList(ctx->queue, n_wait, wait, done);
    return err == CL_SUCCESS ? CLACT_SUCCESS : clact__fail((clact_status)err, "clEnqueueMarkerWithWaitList failed (%d)", err);
}

clact_status clact_forward_check(const clact_context *ctx, const clact_activation *act, const clact_tensor *t)
{
    clact__clear_error();
    call k;
    return prepare(ctx, act, t, &k);
}

clact_status clact_forward(clact_context *ctx, const clact_activation *act, const clact_tensor *t, cl_mem x,
                           size_t x_off, cl_mem y, size_t y_off, cl_mem weight, cl_uint n_wait, const cl_event *wait,
                           cl_event *done)
{
    clact__clear_error();
    call k;
    clact_status s = prepare(ctx, act, t, &k);
    if (s) return s;
    if ((s = clact__check_wait(n_wait, wait))) return s;
    const unsigned flags = clact__ops[act->op].flags;
    const size_t ny = (flags & CLACT_OPF_CONCAT) ? 2 * k.n : k.n;
    if ((s = clact__check_buffer(x, "x", x_off, k.n, k.esz))) return s;
    if ((s = clact__check_buffer(y, "y", y_off, ny, k.esz))) return s;
    if ((s = check_overlap(x, x_off, k.n, y, y_off, ny, !(flags & CLACT_OPF_CONCAT), "x and y"))) return s;
    if ((flags & CLACT_OPF_WEIGHT) && (s = clact__check_buffer(weight, "weight", 0, k.C, k.esz))) return s;
    if (k.n == 0) return clact__marker(ctx, n_wait, wait, done);

    pthread_mutex_lock(&ctx->lock);
    clact_program *p;
    s = clact__program(ctx, &k.v, &p);
    if (s == CLACT_SUCCESS) {
        cl_int err = 0;
        const cl_ulong xo = x_off, yo = y_off, n = k.n, C = k.C, inner = k.inner;
        cl_kernel kern;
        if (flags & CLACT_OPF_WEIGHT) {
            kern = p->kernel[CLACT_K_FWD_PRELU_W];
            SETARG(kern, 0, x); SETARG(kern, 1, xo); SETARG(kern, 2, y); SETARG(kern, 3, yo);
            SETARG(kern, 4, n); SETARG(kern, 5, weight); SETARG(kern, 6, C); SETARG(kern, 7, inner);
        } else if (flags & CLACT_OPF_CONCAT) {
            kern = p->kernel[CLACT_K_FWD_CRELU];
            SETARG(kern, 0, x); SETARG(kern, 1, xo); SETARG(kern, 2, y); SETARG(kern, 3, yo);
            SETARG(kern, 4, n); SETARG(kern, 5, C); SETARG(kern, 6, inner);
        } else {
            kern = p->kernel[CLACT_K_FWD];
            SETARG(kern, 0, x); SETARG(kern, 1, xo); SETARG(kern, 2, y); SETARG(kern, 3, yo);
            SETARG(kern, 4, n);
            err |= set_params(kern, 5, &k, act->param[0], act->param[1]);
        }
        if (err != CL_SUCCESS) s = clact__fail(CLACT_ERR_INTERNAL, "clSetKernelArg failed (%d)", err);
        else s = enqueue(ctx, kern, work_items(p, flags, k.n), p->local, n_wait, wait, done);
    }
    pthread_mutex_unlock(&ctx->lock);
    return s;
}

/* A buffer of at least `bytes` for partial sums, without an allocation per
 * call: with an in-order queue the context's scratch buffer (grown when
 * needed), since each call's kernels run after the previous call's; with an
 * out-of-order queue a new buffer (*owned = 1). ctx->lock held. */
static cl_mem scratch(clact_context *ctx, size_t bytes, int *owned, cl_int *err)
{
    *owned = ctx->out_of_order;
    if (*owned) return clCreateBuffer(ctx->context, CL_MEM_READ_WRITE, bytes, NULL, err);
    if (ctx->scratch_size < bytes) {
        cl_mem m = clCreateBuffer(ctx->context, CL_MEM_READ_WRITE, bytes, NULL, err);
        if (!m) return NULL;
        if (ctx->scratch) clReleaseMemObject(ctx->scratch); /* kept alive by queued kernels */
        ctx->scratch = m;
        ctx->scratch_size = bytes;
    }
    return ctx->scratch;
}

/* prelu weight gradient: two deterministic passes (see elementwise.cl);
 * with dx, the first pass also writes the input gradient */
static clact_status prelu_dweight(clact_context *ctx, clact_program *p, const call *k, cl_mem x, size_t x_off,
                                  cl_mem dy, size_t dy_off, cl_mem dweight, cl_mem weight, cl_mem dx, size_t dx_off,
                                  cl_uint n_wait, const cl_event *wait, cl_event *ev)
{
    const size_t L = ctx->red_local, m = k->outer * k->inner;
    /* positions per work-group: on a CPU (one item per group unless
     * CLACT_RED_LOCAL says otherwise) enough to amortize a group's start */
    const size_t per_group = (ctx->type & CL_DEVICE_TYPE_CPU) ? 16384 : L * p->vec * 8;
    size_t P = (m + per_group - 1) / per_group;
    if (P < 1) P = 1;
    if (P > 1024) P = 1024;
    const size_t chunk = (m + P - 1) / P;
    const size_t rsz = (k->v.dtype == CLACT_F64 || ctx->has_fp64) ? sizeof(double) : sizeof(float); /* acc_t */
    cl_int err = CL_SUCCESS;
    int owned;
    cl_mem partial = scratch(ctx, k->C * P * rsz, &owned, &err);
    if (!partial) return clact__fail((clact_status)err, "cannot allocate %zu partial sums (%d)", k->C * P, err);
    err = 0;
    const cl_ulong xo = x_off, dyo = dy_off, dxo = dx_off, outer = k->outer, C = k->C, inner = k->inner, Pl = P,
                   ch = chunk;
    const cl_int want_dx = dx != NULL;
    cl_mem dxb = dx ? dx : x; /* unused without want_dx, but a valid buffer */
    cl_kernel a = p->kernel[CLACT_K_DW_PARTIAL], b = p->kernel[CLACT_K_DW_FINAL];
    SETARG(a, 0, x); SETARG(a, 1, xo); SETARG(a, 2, dy); SETARG(a, 3, dyo); SETARG(a, 4, outer);
    SETARG(a, 5, C); SETARG(a, 6, inner); SETARG(a, 7, Pl); SETARG(a, 8, ch); SETARG(a, 9, partial);
    SETARG(a, 10, weight); SETARG(a, 11, dxb); SETARG(a, 12, dxo); SETARG(a, 13, want_dx);
    SETARG(b, 0, partial); SETARG(b, 1, Pl); SETARG(b, 2, dweight); SETARG(b, 3, C);
    clact_status s = CLACT_SUCCESS;
    cl_event e1 = NULL;
    if (err != CL_SUCCESS) s = clact__fail(CLACT_ERR_INTERNAL, "clSetKernelArg failed (%d)", err);
    if (!s) s = enqueue(ctx, a, k->C * P * L, L, n_wait, wait, &e1);
    if (!s) s = enqueue(ctx, b, k->C, 0, 1, &e1, ev);
    if (e1) clReleaseEvent(e1);
    if (owned) clReleaseMemObject(partial); /* freed by the runtime once the kernels are done */
    return s;
}

clact_status clact_backward(clact_context *ctx, const clact_activation *act, const clact_tensor *t, clact_source src,
                            cl_mem xy, size_t xy_off, cl_mem dy, size_t dy_off, cl_mem dx, size_t dx_off,
                            cl_mem weight, cl_mem dweight, cl_uint n_wait, const cl_event *wait, cl_event *done)
{
    clact__clear_error();
    call k;
    clact_status s = prepare(ctx, act, t, &k);
    if (s) return s;
    if ((s = clact__check_wait(n_wait, wait))) return s;
    const unsigned flags = clact__ops[act->op].flags;
    if (src != CLACT_FROM_X && src != CLACT_FROM_Y)
        return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "invalid source %d (CLACT_FROM_X or CLACT_FROM_Y)", (int)src);
    if (src == CLACT_FROM_Y) {
        const int ok = (flags & CLACT_OPF_BWD_FROM_Y) ||
                       ((flags & CLACT_OPF_BWD_FROM_Y_IF_P0_NONNEG) && act->param[0] >= 0);
        if (!ok)
            return clact__fail(CLACT_ERR_UNSUPPORTED, "%s: the gradient cannot be computed from y%s",
                               clact__ops[act->op].name,
                               (flags & CLACT_OPF_BWD_FROM_Y_IF_P0_NONNEG) ? " when alpha < 0" : "");
        k.v.from_y = 1;
    }
    const size_t ndy = (flags & CLACT_OPF_CONCAT) ? 2 * k.n : k.n;
    if ((s = clact__check_buffer(xy, src == CLACT_FROM_Y ? "y" : "x", xy_off, k.n, k.esz))) return s;
    if ((s = clact__check_buffer(dy, "dy", dy_off, ndy, k.esz))) return s;
    if ((s = clact__check_buffer(dx, "dx", dx_off, k.n, k.esz))) return s;
    const int elementwise = !(flags & CLACT_OPF_CONCAT);
    if ((s = check_overlap(dy, dy_off, ndy, dx, dx_off, k.n, elementwise, "dy and dx"))) return s;
    if ((s = check_overlap(xy, xy_off, k.n, dx, dx_off, k.n, 1, "x and dx"))) return s;
    if (flags & CLACT_OPF_WEIGHT) {
        if ((s = clact__check_buffer(weight, "weight", 0, k.C, k.esz))) return s;
        if (dweight && (s = clact__check_buffer(dweight, "dweight", 0, k.C, k.esz))) return s;
        if (dweight && (dweight == dx || dweight == dy || dweight == xy || dweight == weight))
            return clact__fail(CLACT_ERR_OVERLAP, "dweight must be a buffer of its own");
    }
    if (k.n == 0) {
        if (!dweight || !(flags & CLACT_OPF_WEIGHT)) return clact__marker(ctx, n_wait, wait, done);
        /* no positions: the weight gradient is zero */
    }

    pthread_mutex_lock(&ctx->lock);
    clact_program *p;
    s = clact__program(ctx, &k.v, &p);
    if (s == CLACT_SUCCESS) {
        cl_event dw_ev = NULL;
        cl_uint nw = n_wait;
        const cl_event *w = wait;
        /* one pass for dx and dweight where the channel blocks are long
         * enough for vector access; else the weight gradient first (it
         * reads dy, which dx may overwrite in place), then dx */
        const int fused = (flags & CLACT_OPF_WEIGHT) && dweight && k.n > 0 && k.inner >= 4 * (size_t)p->vec;
        if ((flags & CLACT_OPF_WEIGHT) && dweight) {
            s = prelu_dweight(ctx, p, &k, xy, xy_off, dy, dy_off, dweight, weight, fused ? dx : NULL, dx_off,
                              n_wait, wait, fused ? done : &dw_ev);
            nw = 1;
            w = &dw_ev;
        }
        if (s != CLACT_SUCCESS || fused) {
            /* failed, or dx already written by the weight-gradient pass */
        } else if (k.n == 0) {
            s = clact__marker(ctx, nw, w, done);
        } else {
            cl_int err = 0;
            const cl_ulong so = xy_off, dyo = dy_off, dxo = dx_off, n = k.n, C = k.C, inner = k.inner;
            cl_kernel kern;
            if (flags & CLACT_OPF_WEIGHT) {
                kern = p->kernel[CLACT_K_BWD_PRELU_W];
                SETARG(kern, 7, weight); SETARG(kern, 8, C); SETARG(kern, 9, inner);
            } else if (flags & CLACT_OPF_CONCAT) {
                kern = p->kernel[CLACT_K_BWD_CRELU];
                SETARG(kern, 7, C); SETARG(kern, 8, inner);
            } else {
                kern = p->kernel[CLACT_K_BWD];
                err |= set_params(kern, 7, &k, act->param[0], act->param[1]);
            }
            SETARG(kern, 0, xy); SETARG(kern, 1, so); SETARG(kern, 2, dy); SETARG(kern, 3, dyo);
            SETARG(kern, 4, dx); SETARG(kern, 5, dxo); SETARG(kern, 6, n);
            if (err != CL_SUCCESS) s = clact__fail(CLACT_ERR_INTERNAL, "clSetKernelArg failed (%d)", err);
            else s = enqueue(ctx, kern, work_items(p, flags, k.n), p->local, nw, w, done);
        }
        if (dw_ev) clReleaseEvent(dw_ev);
    }
    pthread_mutex_unlock(&ctx->lock);
    return s;
}

clact_status clact_copy(clact_context *ctx, clact_dtype t, size_t n, cl_mem x, size_t x_off, cl_mem y, size_t y_off,
                        cl_uint n_wait, const cl_event *wait, cl_event *done)
{
    clact__clear_error();
    if (!ctx) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "context is NULL");
    clact_tensor tt = {t, 1, {n}};
    size_t cnt;
    clact_status s = check_tensor(ctx, &tt, &cnt);
    if (s) return s;
    if ((s = clact__check_wait(n_wait, wait))) return s;
    const size_t esz = clact_dtype_size(t);
    if ((s = clact__check_buffer(x, "x", x_off, n, esz))) return s;
    if ((s = clact__check_buffer(y, "y", y_off, n, esz))) return s;
    if ((s = check_overlap(x, x_off, n, y, y_off, n, 1, "x and y"))) return s;
    if (n == 0) return clact__marker(ctx, n_wait, wait, done);
    const clact_variant v = {CLACT_OP_RELU, t, 0};
    pthread_mutex_lock(&ctx->lock);
    clact_program *p;
    s = clact__program(ctx, &v, &p);
    if (s == CLACT_SUCCESS) {
        cl_int err = 0;
        const cl_ulong xo = x_off, yo = y_off, nn = n;
        cl_kernel kern = p->kernel[CLACT_K_COPY];
        SETARG(kern, 0, x); SETARG(kern, 1, xo); SETARG(kern, 2, y); SETARG(kern, 3, yo); SETARG(kern, 4, nn);
        if (err != CL_SUCCESS) s = clact__fail(CLACT_ERR_INTERNAL, "clSetKernelArg failed (%d)", err);
        else s = enqueue(ctx, kern, (n + p->copy_vec - 1) / p->copy_vec, p->local, n_wait, wait, done);
    }
    pthread_mutex_unlock(&ctx->lock);
    return s;
}

clact_status clact_prebuild(clact_context *ctx)
{
    clact__clear_error();
    if (!ctx) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "context is NULL");
    clact_status s = CLACT_SUCCESS;
    pthread_mutex_lock(&ctx->lock);
    for (int t = 0; t < CLACT_DTYPE_COUNT && !s; ++t) {
        if (t == CLACT_F64 && !ctx->has_fp64) continue;
        for (int o = 0; o < CLACT_OP_COUNT && !s; ++o) {
            const unsigned f = clact__ops[o].flags;
            for (int y = 0; y < 2 && !s; ++y) {
                if (y && !(f & (CLACT_OPF_BWD_FROM_Y | CLACT_OPF_BWD_FROM_Y_IF_P0_NONNEG))) continue;
                const clact_variant v = {(clact_op)o, (clact_dtype)t, y};
                clact_program *p;
                s = clact__program(ctx, &v, &p);
            }
        }
    }
    if (!s) s = clact__dense_prebuild(ctx);
    pthread_mutex_unlock(&ctx->lock);
    return s;
}
