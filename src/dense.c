/* dense.c - the dense layer y = act(x W^T + b): matrix products by CLBlast,
 * bias + activation (forward) and activation gradient + column sums
 * (backward) fused into one kernel each (kernels/dense.cl).
 *
 * CLBlast takes no wait list and its event covers only its last kernel, so
 * the caller's wait list becomes a barrier ahead of the first product, and
 * on an out-of-order queue every step is separated by a barrier. The
 * call's event is a marker after everything (or the last kernel of ours
 * when that is the last command and the queue is in order). */
#include "dense_internal.h"

#include <clblast_c.h>
#include <stdlib.h>
#include <string.h>

#define SETARG(kern, i, v) err |= clSetKernelArg((kern), (i), sizeof(v), &(v))

/* A validated dense call. */
typedef struct dcall {
    int         op;    /* clact_op or DENSE_IDENTITY */
    clact_dtype dt;
    size_t      esz;
    size_t      M, N, K, MK, NK, MN;
    int         wmode; /* 0 none, 1 shared prelu slope, 2 one per unit */
    size_t      wc;    /* prelu slope count */
    double      p0, p1;
} dcall;

static clact_status prepare(const clact_context *ctx, const clact_activation *act, const clact_dense_desc *d,
                            dcall *c)
{
    memset(c, 0, sizeof *c);
    if (!ctx) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "context is NULL");
    if (!d) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "dense descriptor is NULL");
    c->op = DENSE_IDENTITY;
    if (act) {
        clact_status s = clact__check_activation(act);
        if (s) return s;
        const unsigned f = clact__ops[act->op].flags;
        if (f & CLACT_OPF_CONCAT)
            return clact__fail(CLACT_ERR_UNSUPPORTED, "%s doubles its axis: not available as a dense epilogue",
                               clact__ops[act->op].name);
        c->op = act->op;
        c->p0 = act->param[0];
        c->p1 = act->param[1];
        if (f & CLACT_OPF_WEIGHT) {
            if (act->axis != 1 && act->axis != -1)
                return clact__fail(CLACT_ERR_INVALID_AXIS,
                                   "%s in a dense layer: the channel axis is the units (1 or -1), not %d",
                                   clact__ops[act->op].name, act->axis);
            c->wc = act->weight_count ? act->weight_count : d->n;
            if (c->wc != 1 && c->wc != d->n)
                return clact__fail(CLACT_ERR_WEIGHT_MISMATCH, "%s: %zu weights for %zu units (need 1 or %zu)",
                                   clact__ops[act->op].name, c->wc, d->n, d->n);
            c->wmode = c->wc == 1 ? 1 : 2;
        }
    }
    clact_status s = clact__dn_check_dtype(ctx, d->dtype);
    if (s) return s;
    if (d->dtype == CLACT_BF16)
        return clact__fail(CLACT_ERR_UNSUPPORTED, "dense: CLBlast has no bfloat16 matrix product");
    if (d->dtype == CLACT_F16 && !ctx->has_fp16)
        return clact__fail(CLACT_ERR_UNSUPPORTED, "dense f16 needs cl_khr_fp16 (CLBlast Hgemm), which %s lacks",
                           ctx->device_name);
    c->dt = d->dtype;
    c->esz = clact_dtype_size(d->dtype);
    c->M = d->m;
    c->N = d->n;
    c->K = d->k;
    if (clact__dn_mul(d->m, d->k, &c->MK) || clact__dn_mul(d->n, d->k, &c->NK) || clact__dn_mul(d->m, d->n, &c->MN))
        return clact__fail(CLACT_ERR_INVALID_SHAPE, "dense shape m %zu, n %zu, k %zu is too large", d->m, d->n, d->k);
    return CLACT_SUCCESS;
}

clact_status clact_dense_check(const clact_context *ctx, const clact_activation *act, const clact_dense_desc *desc)
{
    clact__clear_error();
    dcall c;
    return prepare(ctx, act, desc, &c);
}

static clact_status barrier(clact_context *ctx, cl_uint n_wait, const cl_event *wait)
{
    cl_int err = clEnqueueBarrierWithWaitList(ctx->queue, n_wait, wait, NULL);
    if (err != CL_SUCCESS) return clact__fail((clact_status)err, "clEnqueueBarrierWithWaitList failed (%d)", err);
    return CLACT_SUCCESS;
}

static clact_status blas_status(CLBlastStatusCode st, const char *what)
{
    if (st == CLBlastSuccess) return CLACT_SUCCESS;
    if ((int)st < 0 && (int)st > -1000) /* an OpenCL error code */
        return clact__fail((clact_status)st, "CLBlast %s failed with OpenCL error %d", what, (int)st);
    return clact__fail(CLACT_ERR_BLAS, "CLBlast %s failed (CLBlast status %d)", what, (int)st);
}

/* C[m, n] = op(A) op(B), row-major, alpha 1, beta 0 */
static clact_status gemm(clact_context *ctx, clact_dtype dt, int ta, int tb, size_t m, size_t n, size_t k, cl_mem a,
                         size_t a_off, size_t lda, cl_mem b, size_t b_off, size_t ldb, cl_mem c, size_t c_off,
                         size_t ldc, const char *what)
{
    cl_command_queue q = ctx->queue;
    const CLBlastTranspose TA = ta ? CLBlastTransposeYes : CLBlastTransposeNo;
    const CLBlastTranspose TB = tb ? CLBlastTransposeYes : CLBlastTransposeNo;
    CLBlastStatusCode st;
    cl_event ev = NULL;
    switch (dt) {
    case CLACT_F64:
        st = CLBlastDgemm(CLBlastLayoutRowMajor, TA, TB, m, n, k, 1.0, a, a_off, lda, b, b_off, ldb, 0.0, c, c_off,
                          ldc, &q, &ev);
        break;
    case CLACT_F16:
        st = CLBlastHgemm(CLBlastLayoutRowMajor, TA, TB, m, n, k, (cl_half)0x3c00, a, a_off, lda, b, b_off, ldb,
                          (cl_half)0, c, c_off, ldc, &q, &ev);
        break;
    default:
        st = CLBlastSgemm(CLBlastLayoutRowMajor, TA, TB, m, n, k, 1.0f, a, a_off, lda, b, b_off, ldb, 0.0f, c, c_off,
                          ldc, &q, &ev);
        break;
    }
    if (ev) clReleaseEvent(ev);
    return blas_status(st, what);
}

static clact_status fill_zero(clact_context *ctx, cl_mem m, size_t off, size_t count, size_t esz, cl_uint n_wait,
                              const cl_event *wait, cl_event *ev)
{
    const cl_ulong zero = 0;
    cl_int err = clEnqueueFillBuffer(ctx->queue, m, &zero, esz, off * esz, count * esz, n_wait, wait, ev);
    if (err != CL_SUCCESS) return clact__fail((clact_status)err, "clEnqueueFillBuffer failed (%d)", err);
    return CLACT_SUCCESS;
}

/* ---- forward ----------------------------------------------------------------------- */
clact_status clact_dense_forward(clact_context *ctx, const clact_activation *act, const clact_dense_desc *desc,
                                 cl_mem x, size_t x_off, cl_mem w, size_t w_off, cl_mem b, size_t b_off, cl_mem y,
                                 size_t y_off, cl_mem z, size_t z_off, cl_mem weight, cl_uint n_wait,
                                 const cl_event *wait, cl_event *done)
{
    clact__clear_error();
    dcall c;
    clact_status s = prepare(ctx, act, desc, &c);
    if (s) return s;
    if ((s = clact__check_wait(n_wait, wait))) return s;
    const size_t e = c.esz;
    if ((s = clact__check_buffer(x, "x", x_off, c.MK, e))) return s;
    if ((s = clact__check_buffer(w, "w", w_off, c.NK, e))) return s;
    if (b && (s = clact__check_buffer(b, "b", b_off, c.N, e))) return s;
    if ((s = clact__check_buffer(y, "y", y_off, c.MN, e))) return s;
    if (z && (s = clact__check_buffer(z, "z", z_off, c.MN, e))) return s;
    if (c.wmode) {
        if (!weight) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "prelu needs its weight buffer");
        if ((s = clact__check_buffer(weight, "weight", 0, c.wc, e))) return s;
    }
    {
        const struct { cl_mem m; size_t o, n; const char *name; } in[] = {
            {x, x_off, c.MK, "x"}, {w, w_off, c.NK, "w"}, {b, b_off, b ? c.N : 0, "b"},
            {weight, 0, c.wmode ? c.wc : 0, "weight"}};
        for (int i = 0; i < 4; ++i) {
            if ((s = clact__dn_check_overlap(y, y_off, c.MN, e, "y", in[i].m, in[i].o, in[i].n, e, in[i].name)))
                return s;
            if (z && (s = clact__dn_check_overlap(z, z_off, c.MN, e, "z", in[i].m, in[i].o, in[i].n, e, in[i].name)))
                return s;
        }
        if (z && (s = clact__dn_check_overlap(y, y_off, c.MN, e, "y", z, z_off, c.MN, e, "z"))) return s;
    }
    if (c.MN == 0) return clact__marker(ctx, n_wait, wait, done);

    /* build before enqueueing anything: a build failure leaves no trace */
    const int need_epilogue = c.op != DENSE_IDENTITY || b || z;
    dense_program *p = NULL;
    if (need_epilogue) {
        pthread_mutex_lock(&ctx->lock);
        s = clact__dense_program(ctx, c.op, c.dt, 0, &p);
        pthread_mutex_unlock(&ctx->lock);
        if (s) return s;
    }
    const int ooo = ctx->out_of_order;
    cl_mem acc = z ? z : y;
    const size_t acc_off = z ? z_off : y_off;
    if (c.K == 0) {
        s = fill_zero(ctx, acc, acc_off, c.MN, e, n_wait, wait, NULL);
    } else {
        if (n_wait) s = barrier(ctx, n_wait, wait);
        if (!s) s = gemm(ctx, c.dt, 0, 1, c.M, c.N, c.K, x, x_off, c.K, w, w_off, c.K, acc, acc_off, c.N, "x W^T");
    }
    if (s) return s;
    if (!need_epilogue) return clact__marker(ctx, 0, NULL, done);
    if (ooo && (s = barrier(ctx, 0, NULL))) return s;

    pthread_mutex_lock(&ctx->lock);
    /* fetched again: clact_tune may have replaced the programs meanwhile */
    s = clact__dense_program(ctx, c.op, c.dt, 0, &p);
    if (s) {
        pthread_mutex_unlock(&ctx->lock);
        return s;
    }
    cl_int err = 0;
    const cl_ulong ao = acc_off, yo = y_off, zo = z_off, bo = b_off, M = c.M, N = c.N;
    const cl_int has_z = z != NULL, has_b = b != NULL, wmode = c.wmode;
    cl_mem zz = z ? z : y, bb = b ? b : acc, ww = weight ? weight : acc; /* never pass NULL */
    cl_kernel k = p->kernel[DK_FWD];
    SETARG(k, 0, acc); SETARG(k, 1, ao); SETARG(k, 2, y); SETARG(k, 3, yo); SETARG(k, 4, zz); SETARG(k, 5, zo);
    SETARG(k, 6, has_z); SETARG(k, 7, bb); SETARG(k, 8, bo); SETARG(k, 9, has_b); SETARG(k, 10, ww);
    SETARG(k, 11, wmode); SETARG(k, 12, M); SETARG(k, 13, N);
    err |= clact__set_real(k, 14, c.dt, c.p0);
    err |= clact__set_real(k, 15, c.dt, c.p1);
    const size_t g[2] = {(c.N + p->vec - 1) / p->vec, c.M};
    if (err != CL_SUCCESS) s = clact__fail(CLACT_ERR_INTERNAL, "clSetKernelArg failed (%d)", err);
    else s = clact__dn_enqueue(ctx, k, 2, g, 0, NULL, done);
    pthread_mutex_unlock(&ctx->lock);
    return s;
}

/* ---- backward ------------------------------------------------------------------------ */
clact_status clact_dense_backward(clact_context *ctx, const clact_activation *act, const clact_dense_desc *desc,
                                  clact_source src, cl_mem x, size_t x_off, cl_mem w, size_t w_off, cl_mem zy,
                                  size_t zy_off, cl_mem dy, size_t dy_off, cl_mem dx, size_t dx_off, cl_mem dw,
                                  size_t dw_off, cl_mem db, size_t db_off, cl_mem weight, cl_mem dweight,
                                  cl_uint n_wait, const cl_event *wait, cl_event *done)
{
    clact__clear_error();
    dcall c;
    clact_status s = prepare(ctx, act, desc, &c);
    if (s) return s;
    if ((s = clact__check_wait(n_wait, wait))) return s;
    if (src != CLACT_FROM_X && src != CLACT_FROM_Y)
        return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "invalid source %d (CLACT_FROM_X or CLACT_FROM_Y)", (int)src);
    const int identity = c.op == DENSE_IDENTITY;
    int from_y = 0;
    if (src == CLACT_FROM_Y && !identity) {
        const unsigned f = clact__ops[c.op].flags;
        const int ok = (f & CLACT_OPF_BWD_FROM_Y) || ((f & CLACT_OPF_BWD_FROM_Y_IF_P0_NONNEG) && c.p0 >= 0);
        if (!ok)
            return clact__fail(CLACT_ERR_UNSUPPORTED, "%s: the gradient cannot be computed from y%s",
                               clact__ops[c.op].name,
                               (f & CLACT_OPF_BWD_FROM_Y_IF_P0_NONNEG) ? " when alpha < 0" : "");
        from_y = 1;
    }
    if (dweight && !c.wmode)
        return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "dweight is only for prelu");
    const size_t e = c.esz;
    if ((s = clact__check_buffer(dy, "dy", dy_off, c.MN, e))) return s;
    if (!identity && (s = clact__check_buffer(zy, from_y ? "y" : "z", zy_off, c.MN, e))) return s;
    if (dw && (s = clact__check_buffer(x, "x", x_off, c.MK, e))) return s;
    if (dx && (s = clact__check_buffer(w, "w", w_off, c.NK, e))) return s;
    if (dx && (s = clact__check_buffer(dx, "dx", dx_off, c.MK, e))) return s;
    if (dw && (s = clact__check_buffer(dw, "dw", dw_off, c.NK, e))) return s;
    if (db && (s = clact__check_buffer(db, "db", db_off, c.N, e))) return s;
    if (c.wmode) {
        if (!weight) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "prelu needs its weight buffer");
        if ((s = clact__check_buffer(weight, "weight", 0, c.wc, e))) return s;
        if (dweight && (s = clact__check_buffer(dweight, "dweight", 0, c.wc, e))) return s;
    }
    {
        const struct { cl_mem m; size_t o, n; const char *name; } b[] = {
            {dx, dx_off, dx ? c.MK : 0, "dx"}, {dw, dw_off, dw ? c.NK : 0, "dw"}, {db, db_off, db ? c.N : 0, "db"},
            {dweight, 0, dweight ? c.wc : 0, "dweight"},
            {x, x_off, dw ? c.MK : 0, "x"}, {w, w_off, dx ? c.NK : 0, "w"},
            {zy, zy_off, identity ? 0 : c.MN, from_y ? "y" : "z"}, {dy, dy_off, c.MN, "dy"},
            {weight, 0, c.wmode ? c.wc : 0, "weight"}};
        for (int i = 0; i < 4; ++i) /* outputs against everything */
            for (int j = i + 1; j < 9; ++j)
                if ((s = clact__dn_check_overlap(b[i].m, b[i].o, b[i].n, e, b[i].name, b[j].m, b[j].o, b[j].n, e,
                                                 b[j].name)))
                    return s;
    }
    if (!dx && !dw && !db && !dweight) return clact__marker(ctx, n_wait, wait, done);

    /* degenerate shapes: whatever is wanted is zero or empty */
    if (c.M == 0 || c.N == 0) {
        cl_uint nw = n_wait;
        const cl_event *wl = wait;
        cl_event prev = NULL;
        struct { cl_mem m; size_t o, n; } z[4] = {
            {dx, dx_off, dx ? c.MK : 0}, {dw, dw_off, dw ? c.NK : 0}, {db, db_off, db ? c.N : 0},
            {dweight, 0, dweight ? c.wc : 0}};
        for (int i = 0; i < 4 && !s; ++i) {
            if (!z[i].m || z[i].n == 0) continue;
            cl_event ev = NULL;
            s = fill_zero(ctx, z[i].m, z[i].o, z[i].n, e, nw, wl, &ev);
            if (prev) clReleaseEvent(prev);
            prev = ev;
            nw = 1;
            wl = &prev;
        }
        if (!s) s = clact__marker(ctx, nw, wl, done);
        if (prev) clReleaseEvent(prev);
        return s;
    }

    /* dZ: the gradient itself for a linear layer, else computed into a
     * temporary; the column-sum kernel runs when db or dweight is wanted */
    const int need_dz = (dx && c.K) || (dw && c.K);
    const int need_kernel = !identity || db;
    const size_t rsz = c.dt == CLACT_F64 ? sizeof(double) : sizeof(float);
    dense_program *p = NULL;
    if (need_kernel) { /* build first: a failure leaves no trace */
        pthread_mutex_lock(&ctx->lock);
        s = clact__dense_program(ctx, c.op, c.dt, from_y, &p);
        pthread_mutex_unlock(&ctx->lock);
        if (s) return s;
    }
    cl_mem dz = NULL, part_db = NULL, part_dw = NULL;
    cl_int err = 0;
    if (need_dz && !identity) {
        dz = clCreateBuffer(ctx->context, CL_MEM_READ_WRITE, c.MN * e, NULL, &err);
        if (!dz) return clact__fail((clact_status)err, "cannot allocate dZ (%zu elements) (%d)", c.MN, err);
    }
    const int ooo = ctx->out_of_order;
    int waited = 0; /* the caller's wait list is consumed */
    cl_event last = NULL; /* our last kernel, when it is the last command */
    if (need_kernel) {
        pthread_mutex_lock(&ctx->lock);
        /* fetched again: clact_tune may have replaced the programs meanwhile */
        s = clact__dense_program(ctx, c.op, c.dt, from_y, &p);
        const size_t chunk = s ? 1 : clact__dn_chunk(ctx, c.M, c.N, p->vec), P = (c.M + chunk - 1) / chunk;
        if (!s && db) {
            part_db = clCreateBuffer(ctx->context, CL_MEM_READ_WRITE, P * c.N * rsz, NULL, &err);
            if (!part_db) s = clact__fail((clact_status)err, "cannot allocate %zu partial sums (%d)", P * c.N, err);
        }
        if (!s && dweight) {
            part_dw = clCreateBuffer(ctx->context, CL_MEM_READ_WRITE, P * c.N * rsz, NULL, &err);
            if (!part_dw) s = clact__fail((clact_status)err, "cannot allocate %zu partial sums (%d)", P * c.N, err);
        }
        if (!s) {
            err = 0;
            const cl_ulong so = identity ? dy_off : zy_off, dyo = dy_off, M = c.M, N = c.N, ch = chunk, PP = P,
                           dbo = db_off;
            const cl_int wmode = c.wmode, shared = c.wmode == 1;
            cl_mem ss = identity ? dy : zy, ww = weight ? weight : dy;
            cl_kernel k = p->kernel[DK_BWD];
            SETARG(k, 0, ss); SETARG(k, 1, so); SETARG(k, 2, dy); SETARG(k, 3, dyo); SETARG(k, 4, dz);
            SETARG(k, 5, M); SETARG(k, 6, N); SETARG(k, 7, ch); SETARG(k, 8, ww); SETARG(k, 9, wmode);
            err |= clact__set_real(k, 10, c.dt, c.p0);
            err |= clact__set_real(k, 11, c.dt, c.p1);
            SETARG(k, 12, part_db); SETARG(k, 13, part_dw);
            cl_kernel f = p->kernel[DK_BWD_FINAL];
            cl_mem dbb = db ? db : dy, dwb = dweight ? dweight : dy;
            SETARG(f, 0, part_db); SETARG(f, 1, part_dw); SETARG(f, 2, PP); SETARG(f, 3, N); SETARG(f, 4, dbb);
            SETARG(f, 5, dbo); SETARG(f, 6, dwb); SETARG(f, 7, shared);
            if (err != CL_SUCCESS) s = clact__fail(CLACT_ERR_INTERNAL, "clSetKernelArg failed (%d)", err);
            const size_t g2[2] = {(c.N + p->vec - 1) / p->vec, P};
            const int final = db || dweight;
            cl_event e1 = NULL;
            if (!s) s = clact__dn_enqueue(ctx, k, 2, g2, n_wait, wait, final ? &e1 : &last);
            waited = 1;
            if (!s && final && ooo) s = barrier(ctx, 0, NULL);
            const size_t gf = c.N + 1;
            if (!s && final) s = clact__dn_enqueue(ctx, f, 1, &gf, 1, &e1, &last);
            if (e1) clReleaseEvent(e1);
        }
        pthread_mutex_unlock(&ctx->lock);
    }
    cl_mem g = identity ? dy : dz;
    const size_t g_off = identity ? dy_off : 0;
    const int gemms = (dw && c.K) || (dx && c.K);
    if (!s && gemms) {
        if (!waited && n_wait) s = barrier(ctx, n_wait, wait);
        else if (waited && ooo) s = barrier(ctx, 0, NULL);
        waited = 1;
        /* dW [N, K] = dZ^T [N, M] x [M, K] */
        if (!s && dw && c.K)
            s = gemm(ctx, c.dt, 1, 0, c.N, c.K, c.M, g, g_off, c.N, x, x_off, c.K, dw, dw_off, c.K, "dZ^T x");
        if (!s && dw && c.K && dx && ooo) s = barrier(ctx, 0, NULL);
        /* dX [M, K] = dZ [M, N] W [N, K] */
        if (!s && dx && c.K)
            s = gemm(ctx, c.dt, 0, 0, c.M, c.K, c.N, g, g_off, c.N, w, w_off, c.K, dx, dx_off, c.K, "dZ W");
    }
    if (!s) {
        if (last && !gemms && !ooo && done) {
            *done = last;
            last = NULL;
        } else {
            s = clact__marker(ctx, waited ? 0 : n_wait, waited ? NULL : wait, done);
        }
    }
    if (last) clReleaseEvent(last);
    /* released now, freed by the runtime once the commands using them end */
    if (dz) clReleaseMemObject(dz);
    if (part_db) clReleaseMemObject(part_db);
    if (part_dw) clReleaseMemObject(part_dw);
    return s;
}
