/* train_core.c - the two-spirals MLP trained on the device (see
 * train_core.h). Everything per step runs on the context's queue: three
 * dense layers forward (CLBlast products + fused bias/activation), the
 * dead-unit statistics, softmax cross-entropy, three dense layers backward
 * and one SGD-with-momentum update over all parameters at once. The host
 * only shuffles the data set once per epoch and reads the per-sample
 * losses and predictions back at the end of it. */
#define _POSIX_C_SOURCE 200809L

#include "train_core.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TRAIN_PI 3.14159265358979323846

void train_default_opts(train_opts *o)
{
    o->epochs = 150;
    o->lr = 0.05;
    o->momentum = 0.9;
    o->init_bias = 0.0;
    o->seed = 1;
    o->points = 1000;
    o->batch = 32;
    o->hidden = 64;
    o->turns = 1.5;
    o->noise = 0.02;
}

/* ---- random numbers: splitmix64 ---------------------------------------------- */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double rng_unif(uint64_t *s) { return (double)(rng_next(s) >> 11) * 0x1.0p-53; }

static double rng_normal(uint64_t *s)
{
    double u1 = rng_unif(s), u2 = rng_unif(s);
    if (u1 < 1e-300) u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * TRAIN_PI * u2);
}

int train_spirals(const train_opts *o, float *xy, int *label)
{
    uint64_t s = o->seed * 0x2545f4914f6cdd1dull + 17;
    const size_t n0 = o->points / 2;
    size_t k = 0;
    for (int c = 0; c < 2; ++c) {
        const size_t n = c ? o->points - n0 : n0;
        for (size_t i = 0; i < n; ++i, ++k) {
            const double r = 0.05 + 0.95 * ((double)i + 0.5) / (double)n;
            const double th = o->turns * 2.0 * TRAIN_PI * r + c * TRAIN_PI;
            xy[2 * k] = (float)(r * cos(th) + o->noise * rng_normal(&s));
            xy[2 * k + 1] = (float)(r * sin(th) + o->noise * rng_normal(&s));
            label[k] = c;
        }
    }
    return 0;
}

/* ---- the run -------------------------------------------------------------------- */
typedef struct net {
    clact_context *ctx;
    cl_context     cl;
    cl_command_queue q;
    size_t H, P, B, R; /* hidden, points, batch, rows of the activation buffers */
    size_t oW1, ob1, oW2, ob2, oW3, ob3, np;
    cl_mem X, L, params, grads, vel, a1, a2, ga1, ga2, va1, va2;
    cl_mem Y1, Z1, Y2, Z2, dY1, dY2, dZ, LOG, dLOG, loss, pred;
    clact_stats *sy1, *sy2, *sz1, *sz2;
} net;

static clact_status failf(char *err, size_t errlen, clact_status s, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *le = clact_last_error();
    if (le && *le)
        snprintf(err, errlen, "%s: %s: %s", msg, clact_status_string(s), le);
    else
        snprintf(err, errlen, "%s: %s", msg, clact_status_string(s));
    return s;
}

#define CK(expr, what)                                                 \
    do {                                                               \
        const clact_status ck_s_ = (expr);                             \
        if (ck_s_ != CLACT_SUCCESS) {                                  \
            st = failf(err, errlen, ck_s_, "%s", (what));              \
            goto done;                                                 \
        }                                                              \
    } while (0)

static cl_mem mk(net *n, size_t bytes, const void *init, cl_int *e)
{
    cl_mem m = clCreateBuffer(n->cl, CL_MEM_READ_WRITE | (init ? CL_MEM_COPY_HOST_PTR : 0), bytes ? bytes : 4,
                              (void *)init, e);
    return m;
}

static void rel(cl_mem *m)
{
    if (*m) clReleaseMemObject(*m);
    *m = NULL;
}

static clact_status zero(net *n, cl_mem m, size_t bytes)
{
    const float z = 0;
    cl_int e = clEnqueueFillBuffer(n->q, m, &z, sizeof z, 0, bytes, 0, NULL, NULL);
    return e == CL_SUCCESS ? CLACT_SUCCESS : (clact_status)e;
}

/* forward of `rows` rows of X from row `o`: Y1, Z1, Y2, Z2, LOG */
static clact_status forward(net *n, const clact_activation *act, size_t o, size_t rows)
{
    const size_t H = n->H;
    const clact_dense_desc d1 = {CLACT_F32, rows, H, 2}, d2 = {CLACT_F32, rows, H, H}, d3 = {CLACT_F32, rows, 2, H};
    const int prelu = act->op == CLACT_OP_PRELU;
    clact_status s = clact_dense_forward(n->ctx, act, &d1, n->X, 2 * o, n->params, n->oW1, n->params, n->ob1, n->Y1, 0,
                                         n->Z1, 0, prelu ? n->a1 : NULL, 0, NULL, NULL);
    if (!s)
        s = clact_dense_forward(n->ctx, act, &d2, n->Y1, 0, n->params, n->oW2, n->params, n->ob2, n->Y2, 0, n->Z2, 0,
                                prelu ? n->a2 : NULL, 0, NULL, NULL);
    if (!s)
        s = clact_dense_forward(n->ctx, NULL, &d3, n->Y2, 0, n->params, n->oW3, n->params, n->ob3, n->LOG, 0, NULL, 0,
                                NULL, 0, NULL, NULL);
    return s;
}

static clact_status accumulate(net *n, size_t rows)
{
    clact_status s = clact_stats_accumulate(n->sy1, CLACT_F32, rows, n->Y1, 0, 0, NULL, NULL);
    if (!s) s = clact_stats_accumulate(n->sy2, CLACT_F32, rows, n->Y2, 0, 0, NULL, NULL);
    if (!s) s = clact_stats_accumulate(n->sz1, CLACT_F32, rows, n->Z1, 0, 0, NULL, NULL);
    if (!s) s = clact_stats_accumulate(n->sz2, CLACT_F32, rows, n->Z2, 0, 0, NULL, NULL);
    return s;
}

static clact_status reset_stats(net *n)
{
    clact_status s = clact_stats_reset(n->sy1);
    if (!s) s = clact_stats_reset(n->sy2);
    if (!s) s = clact_stats_reset(n->sz1);
    if (!s) s = clact_stats_reset(n->sz2);
    return s;
}

/* dead (activation) and inactive (pre-activation) units of both layers */
static clact_status read_stats(net *n, size_t *dead, size_t *inactive)
{
    clact_stats_result r[4];
    clact_stats *all[4] = {n->sy1, n->sy2, n->sz1, n->sz2};
    for (int i = 0; i < 4; ++i) {
        clact_status s = clact_stats_read(all[i], &r[i], NULL, NULL);
        if (s) return s;
    }
    *dead = r[0].dead + r[1].dead;
    *inactive = r[2].dead + r[3].dead;
    return CLACT_SUCCESS;
}

/* backward through one hidden layer: dy -> (dx), gradients of W, b (and slopes) */
static clact_status hidden_backward(net *n, const clact_activation *act, size_t rows, size_t K, cl_mem x,
                                    size_t x_off, size_t oW,
                                    size_t ob, cl_mem z, cl_mem dy, cl_mem dx, cl_mem slope, cl_mem dslope)
{
    const clact_dense_desc d = {CLACT_F32, rows, n->H, K};
    if (act->op == CLACT_OP_PRELU) {
        /* the slopes' gradient through the elementwise backward */
        const clact_tensor t = {CLACT_F32, 2, {rows, n->H}};
        clact_status s = clact_backward(n->ctx, act, &t, CLACT_FROM_X, z, 0, dy, 0, n->dZ, 0, slope, dslope, 0, NULL,
                                        NULL);
        if (s) return s;
        return clact_dense_backward(n->ctx, NULL, &d, CLACT_FROM_X, x, x_off, n->params, oW, NULL, 0, n->dZ, 0, dx, 0,
                                    n->grads, oW, n->grads, ob, NULL, NULL, 0, NULL, NULL);
    }
    return clact_dense_backward(n->ctx, act, &d, CLACT_FROM_X, x, x_off, n->params, oW, z, 0, dy, 0, dx, 0, n->grads, oW,
                                n->grads, ob, NULL, NULL, 0, NULL, NULL);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

void train_result_free(train_result *r)
{
    if (!r) return;
    free(r->hist);
    r->hist = NULL;
}

clact_status train_run(clact_context *ctx, clact_op op, const train_opts *o, train_progress_fn progress, void *user,
                       train_result *out, char *err, size_t errlen)
{
    clact_status st = CLACT_SUCCESS;
    net n;
    memset(&n, 0, sizeof n);
    memset(out, 0, sizeof *out);
    err[0] = '\0';
    float *xy = NULL, *hx = NULL, *hp = NULL, *hloss = NULL;
    int *lab = NULL, *hl = NULL, *hpred = NULL;
    size_t *perm = NULL;
    if (!ctx || !o || o->epochs < 0 || o->points < 2 || o->batch < 1 || o->hidden < 1)
        return failf(err, errlen, CLACT_ERR_INVALID_ARGUMENT, "train: bad options");
    clact_activation act;
    CK(clact_activation_init(&act, op), "activation");
    if (op == CLACT_OP_PRELU) act.weight_count = 0; /* one slope per unit */
    {
        const clact_dense_desc d = {CLACT_F32, 1, o->hidden, 2};
        CK(clact_dense_check(ctx, &act, &d), clact_op_name(op));
    }
    n.ctx = ctx;
    n.cl = clact_context_cl_context(ctx);
    n.q = clact_context_queue(ctx);
    const size_t H = n.H = o->hidden, P = n.P = o->points, B = n.B = o->batch < o->points ? o->batch : o->points;
    const size_t R = n.R = B;
    n.oW1 = 0;
    n.ob1 = n.oW1 + 2 * H;
    n.oW2 = n.ob1 + H;
    n.ob2 = n.oW2 + H * H;
    n.oW3 = n.ob2 + H;
    n.ob3 = n.oW3 + 2 * H;
    n.np = n.ob3 + 2;

    out->op = op;
    out->epochs = o->epochs;
    out->units = 2 * H;
    out->hist = calloc((size_t)(o->epochs > 0 ? o->epochs : 1), sizeof *out->hist);
    xy = malloc(2 * P * sizeof *xy);
    hx = malloc(2 * P * sizeof *hx);
    lab = malloc(P * sizeof *lab);
    hl = malloc(P * sizeof *hl);
    hpred = malloc(P * sizeof *hpred);
    hloss = malloc(P * sizeof *hloss);
    perm = malloc(P * sizeof *perm);
    hp = calloc(n.np, sizeof *hp);
    if (!out->hist || !xy || !hx || !lab || !hl || !hpred || !hloss || !perm || !hp)
        CK(CLACT_ERR_OUT_OF_MEMORY, "host memory");
    train_spirals(o, xy, lab);

    /* initial parameters: He-normal weights, hidden biases init_bias; the
     * same for every activation (same seed) */
    {
        uint64_t s = o->seed * 0x9e3779b97f4a7c15ull + 5;
        for (size_t i = 0; i < 2 * H; ++i) hp[n.oW1 + i] = (float)(rng_normal(&s) * sqrt(2.0 / 2.0));
        for (size_t i = 0; i < H * H; ++i) hp[n.oW2 + i] = (float)(rng_normal(&s) * sqrt(2.0 / (double)H));
        for (size_t i = 0; i < 2 * H; ++i) hp[n.oW3 + i] = (float)(rng_normal(&s) * sqrt(1.0 / (double)H));
        for (size_t i = 0; i < H; ++i) hp[n.ob1 + i] = hp[n.ob2 + i] = (float)o->init_bias;
        hp[n.ob3] = hp[n.ob3 + 1] = 0;
    }
    cl_int e = CL_SUCCESS;
#define MK(var, bytes, init)                                                         \
    do {                                                                             \
        n.var = mk(&n, (bytes), (init), &e);                                         \
        if (!n.var) CK((clact_status)e, "cannot allocate a device buffer");          \
    } while (0)
    MK(X, 2 * P * sizeof(float), NULL);
    MK(L, P * sizeof(cl_int), NULL);
    MK(params, n.np * sizeof(float), hp);
    MK(grads, n.np * sizeof(float), NULL);
    MK(vel, n.np * sizeof(float), NULL);
    MK(Y1, R * H * sizeof(float), NULL);
    MK(Z1, R * H * sizeof(float), NULL);
    MK(Y2, R * H * sizeof(float), NULL);
    MK(Z2, R * H * sizeof(float), NULL);
    MK(dY1, B * H * sizeof(float), NULL);
    MK(dY2, B * H * sizeof(float), NULL);
    MK(LOG, R * 2 * sizeof(float), NULL);
    MK(dLOG, B * 2 * sizeof(float), NULL);
    MK(loss, P * sizeof(float), NULL);
    MK(pred, P * sizeof(cl_int), NULL);
    CK(zero(&n, n.vel, n.np * sizeof(float)), "clear the velocities");
    if (op == CLACT_OP_PRELU) {
        float *init = malloc(H * sizeof *init);
        if (!init) CK(CLACT_ERR_OUT_OF_MEMORY, "host memory");
        for (size_t i = 0; i < H; ++i) init[i] = 0.25f;
        n.a1 = mk(&n, H * sizeof(float), init, &e);
        n.a2 = n.a1 ? mk(&n, H * sizeof(float), init, &e) : NULL;
        free(init);
        if (!n.a1 || !n.a2) CK((clact_status)e, "cannot allocate a device buffer");
        MK(ga1, H * sizeof(float), NULL);
        MK(ga2, H * sizeof(float), NULL);
        MK(va1, H * sizeof(float), NULL);
        MK(va2, H * sizeof(float), NULL);
        MK(dZ, B * H * sizeof(float), NULL);
        CK(zero(&n, n.va1, H * sizeof(float)), "clear the velocities");
        CK(zero(&n, n.va2, H * sizeof(float)), "clear the velocities");
    }
#undef MK
    CK(clact_stats_create(&n.sy1, ctx, H, CLACT_STATS_ZERO), "statistics");
    CK(clact_stats_create(&n.sy2, ctx, H, CLACT_STATS_ZERO), "statistics");
    CK(clact_stats_create(&n.sz1, ctx, H, CLACT_STATS_NONPOSITIVE), "statistics");
    CK(clact_stats_create(&n.sz2, ctx, H, CLACT_STATS_NONPOSITIVE), "statistics");

    const double t0 = now_s();
    uint64_t shuffle = o->seed * 0xd1b54a32d192ed03ull + 3;
    for (size_t i = 0; i < P; ++i) perm[i] = i;
    for (int ep = 0; ep < o->epochs; ++ep) {
        for (size_t i = P - 1; i > 0; --i) { /* Fisher-Yates */
            const size_t j = (size_t)(rng_next(&shuffle) % (i + 1));
            const size_t t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        for (size_t i = 0; i < P; ++i) {
            hx[2 * i] = xy[2 * perm[i]];
            hx[2 * i + 1] = xy[2 * perm[i] + 1];
            hl[i] = lab[perm[i]];
        }
        e = clEnqueueWriteBuffer(n.q, n.X, CL_FALSE, 0, 2 * P * sizeof(float), hx, 0, NULL, NULL);
        if (e == CL_SUCCESS) e = clEnqueueWriteBuffer(n.q, n.L, CL_TRUE, 0, P * sizeof(cl_int), hl, 0, NULL, NULL);
        if (e != CL_SUCCESS) CK((clact_status)e, "upload the shuffled data");
        CK(reset_stats(&n), "statistics");
        for (size_t o0 = 0; o0 < P; o0 += B) {
            const size_t rows = P - o0 < B ? P - o0 : B;
            CK(forward(&n, &act, o0, rows), "forward");
            CK(accumulate(&n, rows), "statistics");
            CK(clact_softmax_xent(ctx, CLACT_F32, rows, 2, n.LOG, 0, n.L, o0, 1.0 / (double)rows, n.dLOG, 0, n.loss, o0,
                                  n.pred, o0, 0, NULL, NULL),
               "softmax cross-entropy");
            const clact_dense_desc d3 = {CLACT_F32, rows, 2, H};
            CK(clact_dense_backward(ctx, NULL, &d3, CLACT_FROM_X, n.Y2, 0, n.params, n.oW3, NULL, 0, n.dLOG, 0, n.dY2,
                                    0, n.grads, n.oW3, n.grads, n.ob3, NULL, NULL, 0, NULL, NULL),
               "backward, output layer");
            CK(hidden_backward(&n, &act, rows, H, n.Y1, 0, n.oW2, n.ob2, n.Z2, n.dY2, n.dY1, n.a2, n.ga2),
               "backward, layer 2");
            CK(hidden_backward(&n, &act, rows, 2, n.X, 2 * o0, n.oW1, n.ob1, n.Z1, n.dY1, NULL, n.a1, n.ga1),
               "backward, layer 1");
            CK(clact_sgd_momentum(ctx, CLACT_F32, n.np, n.params, 0, n.grads, 0, n.vel, 0, o->lr, o->momentum, 0.0, 0,
                                  NULL, NULL),
               "sgd");
            if (op == CLACT_OP_PRELU) {
                CK(clact_sgd_momentum(ctx, CLACT_F32, H, n.a1, 0, n.ga1, 0, n.va1, 0, o->lr, o->momentum, 0.0, 0, NULL,
                                      NULL),
                   "sgd");
                CK(clact_sgd_momentum(ctx, CLACT_F32, H, n.a2, 0, n.ga2, 0, n.va2, 0, o->lr, o->momentum, 0.0, 0, NULL,
                                      NULL),
                   "sgd");
            }
        }
        e = clEnqueueReadBuffer(n.q, n.loss, CL_FALSE, 0, P * sizeof(float), hloss, 0, NULL, NULL);
        if (e == CL_SUCCESS) e = clEnqueueReadBuffer(n.q, n.pred, CL_TRUE, 0, P * sizeof(cl_int), hpred, 0, NULL, NULL);
        if (e != CL_SUCCESS) CK((clact_status)e, "read the losses");
        double sl = 0;
        size_t right = 0;
        for (size_t i = 0; i < P; ++i) {
            sl += hloss[i];
            right += hpred[i] == hl[i];
        }
        size_t dead = 0, inactive = 0;
        CK(read_stats(&n, &dead, &inactive), "statistics");
        train_epoch *h = &out->hist[ep];
        h->loss = sl / (double)P;
        h->acc = (double)right / (double)P;
        h->dead = (double)dead / (double)(2 * H);
        h->inactive = (double)inactive / (double)(2 * H);
        if (!out->first_90 && h->acc >= 0.9) out->first_90 = ep + 1;
        out->seconds = now_s() - t0;
        if (progress) progress(user, out, ep + 1);
    }
    out->seconds = now_s() - t0;

    /* one pass over the data set in its original order */
    {
        e = clEnqueueWriteBuffer(n.q, n.X, CL_FALSE, 0, 2 * P * sizeof(float), xy, 0, NULL, NULL);
        if (e == CL_SUCCESS) e = clEnqueueWriteBuffer(n.q, n.L, CL_TRUE, 0, P * sizeof(cl_int), lab, 0, NULL, NULL);
        if (e != CL_SUCCESS) CK((clact_status)e, "upload the data");
        CK(reset_stats(&n), "statistics");
        /* in batches: the products keep the shapes of the training */
        for (size_t o0 = 0; o0 < P; o0 += B) {
            const size_t rows = P - o0 < B ? P - o0 : B;
            CK(forward(&n, &act, o0, rows), "forward");
            CK(accumulate(&n, rows), "statistics");
            CK(clact_softmax_xent(ctx, CLACT_F32, rows, 2, n.LOG, 0, n.L, o0, 1.0, NULL, 0, n.loss, o0, n.pred, o0, 0,
                                  NULL, NULL),
               "softmax cross-entropy");
        }
        e = clEnqueueReadBuffer(n.q, n.loss, CL_FALSE, 0, P * sizeof(float), hloss, 0, NULL, NULL);
        if (e == CL_SUCCESS) e = clEnqueueReadBuffer(n.q, n.pred, CL_TRUE, 0, P * sizeof(cl_int), hpred, 0, NULL, NULL);
        if (e != CL_SUCCESS) CK((clact_status)e, "read the losses");
        double sl = 0;
        size_t right = 0;
        for (size_t i = 0; i < P; ++i) {
            sl += hloss[i];
            right += hpred[i] == lab[i];
        }
        out->loss = sl / (double)P;
        out->acc = (double)right / (double)P;
        CK(read_stats(&n, &out->dead_units, &out->inactive_units), "statistics");
    }

done:
    if (n.q) clFinish(n.q);
    clact_stats_destroy(n.sy1);
    clact_stats_destroy(n.sy2);
    clact_stats_destroy(n.sz1);
    clact_stats_destroy(n.sz2);
    cl_mem *all[] = {&n.X, &n.L, &n.params, &n.grads, &n.vel, &n.a1, &n.a2, &n.ga1, &n.ga2, &n.va1, &n.va2,
                     &n.Y1, &n.Z1, &n.Y2, &n.Z2, &n.dY1, &n.dY2, &n.dZ, &n.LOG, &n.dLOG, &n.loss, &n.pred};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; ++i) rel(all[i]);
    free(xy); free(hx); free(hp); free(hloss); free(lab); free(hl); free(hpred); free(perm);
    if (st != CLACT_SUCCESS) train_result_free(out);
    return st;
}
