/* testutil.c - see testutil.h */
#include "testutil.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static clact_context *g_ctx;

void tu_init(void)
{
    const char *spec = getenv("CLACT_TEST_DEVICE");
    const clact_status st = clact_context_create(&g_ctx, spec);
    if (st == CLACT_ERR_NO_DEVICE) {
        fprintf(stderr, "no OpenCL device (%s): skipped\n", clact_last_error());
        exit(TU_SKIP);
    }
    if (st != CLACT_SUCCESS) {
        fprintf(stderr, "clact_context_create(%s) -> %d (%s): %s\n", spec ? spec : "NULL", (int)st,
                clact_status_string(st), clact_last_error());
        exit(1);
    }
    fprintf(stderr, "device: %s\n", clact_context_device_name(g_ctx));
}

void tu_fini(void)
{
    clact_context_destroy(g_ctx);
    g_ctx = NULL;
}

clact_context *tu_ctx(void) { return g_ctx; }
cl_context tu_cl_context(void) { return clact_context_cl_context(g_ctx); }
cl_command_queue tu_queue(void) { return clact_context_queue(g_ctx); }
cl_device_id tu_device(void) { return clact_context_device(g_ctx); }
int tu_has_f64(void) { return clact_context_supports(g_ctx, CLACT_F64) == CLACT_SUCCESS; }

int tu_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    tu_fini();
    return failed ? 1 : 0;
}

/* ---- per-test cleanup ------------------------------------------------------ */
typedef struct kept {
    void  *p;
    cl_mem b;
} kept;
static kept *g_kept;
static size_t g_nkept, g_capkept;
static pthread_mutex_t g_kept_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_track_all;

void tu_track_all(int on) { g_track_all = on; }

static void keep_entry(void *p, cl_mem b)
{
    pthread_mutex_lock(&g_kept_lock);
    for (size_t i = 0; i < g_nkept; ++i) /* kept already */
        if ((p && g_kept[i].p == p) || (b && g_kept[i].b == b)) {
            pthread_mutex_unlock(&g_kept_lock);
            return;
        }
    if (g_nkept == g_capkept) {
        const size_t cap = g_capkept ? 2 * g_capkept : 64;
        kept *k = realloc(g_kept, cap * sizeof *k);
        if (!k) {
            pthread_mutex_unlock(&g_kept_lock);
            return; /* cannot track it: it may leak on failure, nothing worse */
        }
        g_kept = k;
        g_capkept = cap;
    }
    g_kept[g_nkept].p = p;
    g_kept[g_nkept].b = b;
    g_nkept++;
    pthread_mutex_unlock(&g_kept_lock);
}

/* 1 if found (and forgotten) */
static int forget_entry(void *p, cl_mem b)
{
    int found = 0;
    pthread_mutex_lock(&g_kept_lock);
    for (size_t i = g_nkept; i-- > 0;) {
        if ((p && g_kept[i].p == p) || (b && g_kept[i].b == b)) {
            g_kept[i] = g_kept[--g_nkept];
            found = 1;
            break;
        }
    }
    pthread_mutex_unlock(&g_kept_lock);
    return found;
}

void *tu_keep(void *p)
{
    if (p) keep_entry(p, NULL);
    return p;
}

cl_mem tu_keep_mem(cl_mem b)
{
    if (b) keep_entry(NULL, b);
    return b;
}

void *tu_alloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    ck_assert_msg(p != NULL, "out of memory (%zu bytes)", bytes);
    return tu_keep(p);
}

void tu_free(void *p)
{
    if (!p) return;
    forget_entry(p, NULL);
    free(p);
}

void tu_cleanup(void)
{
    pthread_mutex_lock(&g_kept_lock);
    kept *k = g_kept;
    const size_t n = g_nkept;
    g_kept = NULL;
    g_nkept = g_capkept = 0;
    pthread_mutex_unlock(&g_kept_lock);
    if (n && g_ctx) clFinish(clact_context_queue(g_ctx));
    for (size_t i = 0; i < n; ++i) {
        if (k[i].b) clReleaseMemObject(k[i].b);
        free(k[i].p);
    }
    free(k);
}

TCase *tu_tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_set_timeout(tc, 0);
    tcase_add_checked_fixture(tc, NULL, tu_cleanup);
    return tc;
}

/* ---- random -------------------------------------------------------------- */
uint64_t tu_rand(uint64_t *state) /* splitmix64 */
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double tu_uniform(uint64_t *state, double lo, double hi)
{
    const double u = (double)(tu_rand(state) >> 11) * 0x1.0p-53;
    return lo + (hi - lo) * u;
}

/* ---- packing --------------------------------------------------------------- */
void tu_pack(clact_dtype t, const double *v, size_t n, void *out)
{
    switch (t) {
    case CLACT_F32: {
        float *o = out;
        for (size_t i = 0; i < n; ++i) o[i] = (float)v[i];
        break;
    }
    case CLACT_F64:
        memcpy(out, v, n * sizeof(double));
        break;
    case CLACT_F16: {
        uint16_t *o = out;
        for (size_t i = 0; i < n; ++i) o[i] = ulp_ld_to_half(v[i]);
        break;
    }
    case CLACT_BF16: {
        uint16_t *o = out;
        for (size_t i = 0; i < n; ++i) o[i] = ulp_ld_to_bf16(v[i]);
        break;
    }
    default:
        break;
    }
}

void tu_unpack(clact_dtype t, const void *in, size_t n, double *v)
{
    switch (t) {
    case CLACT_F32: {
        const float *p = in;
        for (size_t i = 0; i < n; ++i) v[i] = p[i];
        break;
    }
    case CLACT_F64:
        memcpy(v, in, n * sizeof(double));
        break;
    case CLACT_F16: {
        const uint16_t *p = in;
        for (size_t i = 0; i < n; ++i) v[i] = ulp_half_to_float(p[i]);
        break;
    }
    case CLACT_BF16: {
        const uint16_t *p = in;
        for (size_t i = 0; i < n; ++i) v[i] = ulp_bf16_to_float(p[i]);
        break;
    }
    default:
        break;
    }
}

/* ---- buffers ------------------------------------------------------------------ */
cl_mem tu_buffer(size_t bytes)
{
    cl_int err = CL_SUCCESS;
    cl_mem b = clCreateBuffer(tu_cl_context(), CL_MEM_READ_WRITE, bytes ? bytes : 1, NULL, &err);
    ck_assert_msg(err == CL_SUCCESS && b != NULL, "clCreateBuffer(%zu) -> %d", bytes, (int)err);
    return g_track_all ? tu_keep_mem(b) : b;
}

cl_mem tu_buffer_n(clact_dtype t, size_t n) { return tu_buffer((n ? n : 1) * clact_dtype_size(t)); }

void tu_write_bytes(cl_mem b, size_t off, const void *p, size_t bytes)
{
    if (!bytes) return;
    TU_CL_OK(clEnqueueWriteBuffer(tu_queue(), b, CL_TRUE, off, bytes, p, 0, NULL, NULL));
}

void tu_read_bytes(cl_mem b, size_t off, void *p, size_t bytes)
{
    if (!bytes) return;
    TU_CL_OK(clEnqueueReadBuffer(tu_queue(), b, CL_TRUE, off, bytes, p, 0, NULL, NULL));
}

void tu_write(cl_mem b, clact_dtype t, size_t off, const double *v, size_t n)
{
    const size_t es = clact_dtype_size(t);
    void *tmp = tu_alloc(n * es + 1);
    tu_pack(t, v, n, tmp);
    tu_write_bytes(b, off * es, tmp, n * es);
    tu_free(tmp);
}

void tu_read(cl_mem b, clact_dtype t, size_t off, double *v, size_t n)
{
    const size_t es = clact_dtype_size(t);
    void *tmp = tu_alloc(n * es + 1);
    tu_read_bytes(b, off * es, tmp, n * es);
    tu_unpack(t, tmp, n, v);
    tu_free(tmp);
}

cl_mem tu_upload(clact_dtype t, const double *v, size_t n)
{
    cl_mem b = tu_buffer_n(t, n);
    tu_write(b, t, 0, v, n);
    return b;
}

void tu_fill_bytes(cl_mem b, size_t bytes, unsigned char pattern)
{
    unsigned char *tmp = tu_alloc(bytes + 1);
    memset(tmp, pattern, bytes);
    tu_write_bytes(b, 0, tmp, bytes);
    tu_free(tmp);
}

int tu_bytes_are(cl_mem b, size_t bytes, unsigned char pattern)
{
    unsigned char *tmp = tu_alloc(bytes + 1);
    tu_read_bytes(b, 0, tmp, bytes);
    int ok = 1;
    for (size_t i = 0; i < bytes; ++i)
        if (tmp[i] != pattern) { ok = 0; break; }
    tu_free(tmp);
    return ok;
}

void tu_release(cl_mem b)
{
    if (!b) return;
    forget_entry(NULL, b);
    clReleaseMemObject(b);
}

void tu_finish(void) { TU_CL_OK(clFinish(tu_queue())); }

/* ---- tensors and activations ----------------------------------------------------- */
clact_tensor tu_tensor1(clact_dtype t, size_t n)
{
    clact_tensor x;
    memset(&x, 0, sizeof x);
    x.dtype = t;
    x.ndim = 1;
    x.shape[0] = n;
    return x;
}

clact_tensor tu_tensor(clact_dtype t, int ndim, const size_t *shape)
{
    clact_tensor x;
    memset(&x, 0, sizeof x);
    x.dtype = t;
    x.ndim = ndim;
    for (int i = 0; i < ndim && i < CLACT_MAX_DIMS; ++i) x.shape[i] = shape[i];
    return x;
}

clact_activation tu_act(clact_op op)
{
    clact_activation a;
    memset(&a, 0, sizeof a);
    TU_ASSERT_OK(clact_activation_init(&a, op));
    return a;
}

clact_activation tu_act2(clact_op op, double p0, double p1)
{
    clact_activation a = tu_act(op);
    const int np = ref_param_count(op);
    if (np > 0) a.param[0] = p0;
    if (np > 1) a.param[1] = p1;
    return a;
}

const char *tu_act_str(const clact_activation *a)
{
    static _Thread_local char buf[160];
    const char *name = ref_op_name(a->op);
    const int np = ref_param_count(a->op);
    int k = snprintf(buf, sizeof buf, "%s(", name ? name : "?");
    for (int i = 0; i < np && k > 0 && (size_t)k < sizeof buf; ++i)
        k += snprintf(buf + k, sizeof buf - (size_t)k, "%s%s=%.17g", i ? ", " : "",
                      ref_param_name(a->op, i), a->param[i]);
    if (k > 0 && (size_t)k < sizeof buf) snprintf(buf + k, sizeof buf - (size_t)k, ")");
    return buf;
}

size_t tu_out_count(const clact_activation *a, const clact_tensor *t)
{
    const size_t n = clact_tensor_count(t);
    return a->op == CLACT_OP_CRELU ? 2 * n : n;
}

/* ---- configurations ------------------------------------------------------------- */
const tu_cfg tu_cfgs[] = {
    {CLACT_OP_RELU, 1, 0, 0},
    {CLACT_OP_LEAKY_RELU, 1, 0, 0},
    {CLACT_OP_LEAKY_RELU, 0, 0.2, 0},
    {CLACT_OP_LEAKY_RELU, 0, -0.5, 0},
    {CLACT_OP_PRELU, 0, 0.25, 0},
    {CLACT_OP_PRELU, 0, -1.5, 0},
    {CLACT_OP_ELU, 1, 0, 0},
    {CLACT_OP_ELU, 0, 0.5, 0},
    {CLACT_OP_ELU, 0, -1.25, 0},
    {CLACT_OP_SELU, 1, 0, 0},
    {CLACT_OP_CELU, 1, 0, 0},
    {CLACT_OP_CELU, 0, 2.0, 0},
    {CLACT_OP_CELU, 0, 0.5, 0},
    {CLACT_OP_CELU, 0, 3.0, 0}, /* 1/alpha inexact */
    {CLACT_OP_GELU, 1, 0, 0},
    {CLACT_OP_GELU_TANH, 1, 0, 0},
    {CLACT_OP_RELU6, 1, 0, 0},
    {CLACT_OP_HARDTANH, 1, 0, 0},
    {CLACT_OP_HARDTANH, 0, -2.0, 3.0},
    {CLACT_OP_HARDTANH, 0, 0.5, 0.5},
    {CLACT_OP_CRELU, 1, 0, 0},
    {CLACT_OP_SILU, 1, 0, 0},
    {CLACT_OP_MISH, 1, 0, 0},
    {CLACT_OP_SOFTPLUS, 1, 0, 0},
    {CLACT_OP_SOFTPLUS, 0, 2.0, 10.0},
    {CLACT_OP_SOFTPLUS, 0, 0.5, 4.0},
    {CLACT_OP_SOFTPLUS, 0, 3.0, 20.0},
    {CLACT_OP_SOFTPLUS, 0, 1.0, 2.5}, /* beta 1 below 8: the float16 table form's threshold select */
    {CLACT_OP_HARDSWISH, 1, 0, 0},
    {CLACT_OP_HARDSIGMOID, 1, 0, 0},
    {CLACT_OP_SIGMOID, 1, 0, 0},
    {CLACT_OP_TANH, 1, 0, 0},
};
const int tu_ncfgs = (int)(sizeof tu_cfgs / sizeof tu_cfgs[0]);

size_t tu_kink_inputs(clact_op op, const double p[2], double *x)
{
    double k[8];
    const int nk = ref_kinks(op, p, k, 8);
    size_t n = 0;
    for (int i = 0; i < nk; ++i) {
        const float f = (float)k[i];
        x[n++] = f;
        for (int d = 1; d <= 8; ++d) {
            x[n++] = ulp_step_f32(f, d);
            x[n++] = ulp_step_f32(f, -d);
        }
    }
    return n;
}

clact_activation tu_cfg_act(const tu_cfg *c, double p[2])
{
    clact_activation a = tu_act(c->op);
    if (c->defaults) {
        double d[2];
        ref_defaults(c->op, d);
        for (int i = 0; i < ref_param_count(c->op); ++i)
            ck_assert_msg(a.param[i] == d[i], "%s: default %s is %.17g, PyTorch's is %.17g",
                          ref_op_name(c->op), ref_param_name(c->op, i), a.param[i], d[i]);
        p[0] = a.param[0];
        p[1] = a.param[1];
    } else if (c->op == CLACT_OP_PRELU) {
        p[0] = c->p0;
        p[1] = 0;
    } else {
        a = tu_act2(c->op, c->p0, c->p1);
        p[0] = a.param[0];
        p[1] = a.param[1];
    }
    return a;
}

const char *tu_cfg_str(const tu_cfg *c)
{
    static _Thread_local char buf[200];
    double p[2];
    clact_activation a = tu_cfg_act(c, p);
    if (c->op == CLACT_OP_PRELU) snprintf(buf, sizeof buf, "prelu(weight=%.17g)", c->p0);
    else snprintf(buf, sizeof buf, "%s", tu_act_str(&a));
    return buf;
}

/* ---- running --------------------------------------------------------------------- */
static clact_status wait_release(clact_status st, cl_event ev)
{
    if (ev) {
        const cl_int e = clWaitForEvents(1, &ev);
        clReleaseEvent(ev);
        ck_assert_msg(e == CL_SUCCESS, "clWaitForEvents -> %d", (int)e);
    }
    return st;
}

clact_status tu_forward(const clact_activation *act, const clact_tensor *t, const double *x,
                        const double *w, size_t nw, double *y)
{
    const size_t n = clact_tensor_count(t), ny = tu_out_count(act, t);
    cl_mem bx = tu_keep_mem(tu_upload(t->dtype, x, n));
    cl_mem by = tu_keep_mem(tu_buffer_n(t->dtype, ny));
    cl_mem bw = w ? tu_keep_mem(tu_upload(t->dtype, w, nw)) : NULL;
    cl_event ev = NULL;
    clact_status st = clact_forward(tu_ctx(), act, t, bx, 0, by, 0, bw, 0, NULL, &ev);
    st = wait_release(st, ev);
    if (st == CLACT_SUCCESS) tu_read(by, t->dtype, 0, y, ny);
    tu_release(bx);
    tu_release(by);
    tu_release(bw);
    return st;
}

clact_status tu_backward(const clact_activation *act, const clact_tensor *t, clact_source src,
                         const double *xy, const double *dy, const double *w, size_t nw,
                         double *dx, double *dw)
{
    const size_t n = clact_tensor_count(t), ny = tu_out_count(act, t);
    cl_mem bxy = tu_keep_mem(tu_upload(t->dtype, xy, n));
    cl_mem bdy = tu_keep_mem(tu_upload(t->dtype, dy, ny));
    cl_mem bdx = tu_keep_mem(tu_buffer_n(t->dtype, n));
    cl_mem bw = w ? tu_keep_mem(tu_upload(t->dtype, w, nw)) : NULL;
    cl_mem bdw = (w && dw) ? tu_keep_mem(tu_buffer_n(t->dtype, nw)) : NULL;
    cl_event ev = NULL;
    clact_status st = clact_backward(tu_ctx(), act, t, src, bxy, 0, bdy, 0, bdx, 0, bw, bdw, 0, NULL, &ev);
    st = wait_release(st, ev);
    if (st == CLACT_SUCCESS) {
        tu_read(bdx, t->dtype, 0, dx, n);
        if (bdw) tu_read(bdw, t->dtype, 0, dw, nw);
    }
    tu_release(bxy);
    tu_release(bdy);
    tu_release(bdx);
    tu_release(bw);
    tu_release(bdw);
    return st;
}

/* ---- input sets ------------------------------------------------------------------- */
typedef struct vec {
    double *v;
    size_t n, cap;
} vec;

static void vpush(vec *a, double x)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 1024;
        a->v = realloc(a->v, a->cap * sizeof(double));
        ck_assert_ptr_nonnull(a->v);
    }
    a->v[a->n++] = x;
}

/* push x (rounded into t) and its neighbours */
static void vpush_around(vec *a, clact_dtype t, double x, int steps)
{
    const double c = ulp_to_dtype(t, x);
    vpush(a, c);
    for (int k = 1; k <= steps; ++k) {
        vpush(a, ulp_step(t, c, k));
        vpush(a, ulp_step(t, c, -k));
    }
}

static double bits_to_value(clact_dtype t, uint64_t r)
{
    switch (t) {
    case CLACT_F32: {
        const uint32_t u = (uint32_t)r;
        float f;
        memcpy(&f, &u, sizeof f);
        return f;
    }
    case CLACT_F64: {
        double d;
        memcpy(&d, &r, sizeof d);
        return d;
    }
    case CLACT_F16: return ulp_half_to_float((uint16_t)r);
    case CLACT_BF16: return ulp_bf16_to_float((uint16_t)r);
    default: return NAN;
    }
}

double *tu_run_inputs(size_t *n)
{
    static const float at[] = {-20.476192f, -20.098040f, -20.0f, -18.0f, -9.0f, -7.7f, -7.5f, -7.0f,
                               -6.4f,       -4.0f,       -1.2784645f, -1.1924312f, -1.0f, -0.7524614f,
                               -0.7517915f, 0.0f,        1.0f,   5.6f,  6.4f,  7.0f,  7.5f,  9.0f,
                               10.0f,       11.0f,       18.0f,  20.0f};
    const size_t nat = sizeof at / sizeof at[0], run = 256, ngrid = 42 * 64 + 1, nnan = 192;
    double *x = tu_alloc((nat * 3 * run + ngrid + nnan) * sizeof(double));
    size_t k = 0;
    for (size_t j = 0; j < nat; ++j) {
        float v = at[j];
        for (size_t i = 0; i < run; ++i) v = nextafterf(v, -INFINITY); /* ends at at[j], then starts there */
        for (size_t i = 0; i < 2 * run; ++i, v = nextafterf(v, INFINITY)) x[k++] = v;
        v = at[j];
        for (size_t i = 0; i < run / 2; ++i) v = nextafterf(v, -INFINITY); /* straddles it */
        for (size_t i = 0; i < run; ++i, v = nextafterf(v, INFINITY)) x[k++] = v;
    }
    for (size_t i = 0; i < ngrid; ++i) x[k++] = -21.0 + (double)i / 64;
    /* one NaN among values in every table's range: the 64-element vector
     * that holds it lies within the block wherever vectors start */
    for (size_t i = 0; i < nnan; ++i) x[k++] = i == nnan / 2 ? NAN : -1.5 + (double)i / 64;
    *n = k;
    return x;
}

double *tu_inputs(clact_dtype t, const clact_activation *act, unsigned flags, uint64_t seed, size_t *n)
{
    vec a = {NULL, 0, 0};
    const ulp_format *f = ulp_format_of(t);
    const double tiny = (double)scalbnl(1.0L, f->emin - f->prec + 1); /* smallest subnormal */
    const double minn = (double)scalbnl(1.0L, f->emin);
    const double maxf = (double)((2.0L - scalbnl(1.0L, 1 - f->prec)) * scalbnl(1.0L, f->emax));
    const double specials[] = {NAN, -NAN, INFINITY, -INFINITY, 0.0, -0.0, tiny, -tiny,
                               3 * tiny, -3 * tiny, minn / 2, -minn / 2, minn - tiny, -(minn - tiny),
                               minn, -minn, 2 * minn, -2 * minn, maxf, -maxf, maxf / 2, -maxf / 2,
                               1, -1, 0.5, -0.5, 2, -2, 1e-3, -1e-3, 1e-7, -1e-7, 1e3, -1e3, 1e10,
                               -1e10, 1e30, -1e30, 1e300, -1e300, 88.7, -88.7, 89, -89, 104, -104,
                               709.7, -709.7, 710, -710, 11.1, -11.1, 65504, -65504};
    for (size_t i = 0; i < sizeof specials / sizeof specials[0]; ++i) vpush(&a, ulp_to_dtype(t, specials[i]));

    /* kinks and thresholds of every op, so a wrong threshold is caught
     * anywhere, then the op's own, its probes and points near them */
    const double common[] = {0, 3, -3, 6, 1, -1, 2, -2, 20, 10, 5, -1.5};
    for (size_t i = 0; i < sizeof common / sizeof common[0]; ++i) vpush_around(&a, t, common[i], 4);
    double k[16];
    int nk = ref_kinks(act->op, act->param, k, 16);
    for (int i = 0; i < nk; ++i) {
        vpush_around(&a, t, k[i], 8);
        const double d[] = {1e-4, 1e-3, 0.01, 0.25};
        for (size_t j = 0; j < sizeof d / sizeof d[0]; ++j) {
            vpush(&a, ulp_to_dtype(t, k[i] + d[j]));
            vpush(&a, ulp_to_dtype(t, k[i] - d[j]));
        }
    }
    nk = ref_probes(act->op, act->param, k, 16);
    for (int i = 0; i < nk; ++i) {
        vpush_around(&a, t, k[i], 8);
        const int far[] = {16, 64, 256, 1024, 4096, 16384, 65536};
        const double c = ulp_to_dtype(t, k[i]);
        for (size_t j = 0; j < sizeof far / sizeof far[0]; ++j) {
            vpush(&a, ulp_step(t, c, far[j]));
            vpush(&a, ulp_step(t, c, -far[j]));
        }
        const double d[] = {1e-4, 1e-3, 0.01, 0.05};
        for (size_t j = 0; j < sizeof d / sizeof d[0]; ++j) {
            vpush(&a, ulp_to_dtype(t, k[i] + d[j]));
            vpush(&a, ulp_to_dtype(t, k[i] - d[j]));
        }
    }

    uint64_t st = seed ^ 0x5eed5eed5eedull;
    if (t == CLACT_F16 || t == CLACT_BF16) {
        for (uint32_t b = 0; b < 65536; ++b) vpush(&a, bits_to_value(t, b)); /* every value */
    } else {
        if (!(flags & TU_IN_NO_GRID)) {
            for (int i = -20 * 1024; i <= 20 * 1024; ++i) vpush(&a, i / 1024.0);
            for (int i = 0; i < 8192; ++i) vpush(&a, ulp_to_dtype(t, tu_uniform(&st, -20, 20)));
            for (int i = 0; i < 2048; ++i) vpush(&a, ulp_to_dtype(t, tu_uniform(&st, -120, 120)));
        }
        for (int i = 0; i < 32768; ++i) vpush(&a, bits_to_value(t, tu_rand(&st)));
    }

    if (flags & TU_IN_NO_NAN) {
        size_t j = 0;
        for (size_t i = 0; i < a.n; ++i)
            if (!isnan(a.v[i])) a.v[j++] = a.v[i];
        a.n = j;
    }
    *n = a.n;
    return g_track_all ? tu_keep(a.v) : a.v;
}

double *tu_random(clact_dtype t, size_t n, double lo, double hi, uint64_t seed)
{
    double *v = malloc((n ? n : 1) * sizeof(double));
    ck_assert_ptr_nonnull(v);
    uint64_t st = seed ^ 0xabcdef12345ull;
    for (size_t i = 0; i < n; ++i) v[i] = ulp_to_dtype(t, tu_uniform(&st, lo, hi));
    return g_track_all ? tu_keep(v) : v;
}

/* ---- scoring ------------------------------------------------------------------------ */
void tu_score_init(tu_score *s, double tol)
{
    memset(s, 0, sizeof *s);
    s->tol = tol;
    s->worst = -1;
}

void tu_score_add(tu_score *s, clact_dtype t, size_t i, double x, double x2, double got, long double want)
{
    const double d = ulp_dist(t, got, want);
    s->n++;
    if (!(d <= s->tol)) {
        s->nbad++;
        if (s->nex < 3) {
            s->ex[s->nex].i = i;
            s->ex[s->nex].x = x;
            s->ex[s->nex].x2 = x2;
            s->ex[s->nex].got = got;
            s->ex[s->nex].want = want;
            s->ex[s->nex].ulps = d;
            s->nex++;
        }
    }
    if (d > s->worst || isnan(d)) {
        s->worst = d;
        s->where = i;
        s->x = x;
        s->x2 = x2;
        s->got = got;
        s->want = want;
    }
}

const char *tu_score_str(const tu_score *s, const char *label)
{
    static _Thread_local char buf[1536];
    int k = snprintf(buf, sizeof buf,
                     "%s: %zu of %zu results beyond %g ulp; worst %.4g ulp at [%zu] x=%.9g (%a), "
                     "second input %.9g: got %.12g (%a), want %.17Lg",
                     label, s->nbad, s->n, s->tol, s->worst, s->where, s->x, s->x, s->x2, s->got, s->got,
                     s->want);
    for (int j = 0; j < s->nex && k > 0 && (size_t)k < sizeof buf; ++j)
        k += snprintf(buf + k, sizeof buf - (size_t)k, "; e.g. [%zu] x=%.9g (%a) second %.9g: got %.12g want %.17Lg (%.4g ulp)",
                      s->ex[j].i, s->ex[j].x, s->ex[j].x, s->ex[j].x2, s->ex[j].got, s->ex[j].want, s->ex[j].ulps);
    return buf;
}
