/* bench.c - `clact bench`: throughput of every op against a copy kernel. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "convert.h"
#include "train_cmds.h"

#define BENCH_MAX_SIZES 32
#define BENCH_SMALL_N 4096
#define BENCH_CHANNELS 64
#define BENCH_MIN_REPS 5
#define BENCH_MAX_REPS 4000
#define BENCH_HOST_CALLS 400
#define BENCH_LATENCY_CALLS 41

enum { DIR_COPY, DIR_FWD, DIR_BWD };
static const char *const dir_names[] = {"copy", "forward", "backward"};

typedef struct {
    int         ok;
    clact_op    op;
    clact_dtype dt;
    int         dir;
    size_t      n;
    double      bytes, time_s, gbps, copy_gbps, host_us, latency_us;
    int         reps;
    const char *timing;
    char        error[400];
} bench_result;

typedef struct {
    clact_context          *ctx;
    const clact_activation *act;
    const clact_tensor     *t;
    clact_dtype             dt;
    int                     dir;
    size_t                  n;
    cl_mem                  x, b, c, w, dw;
} bench_call;

typedef struct {
    unsigned char ops[CLACT_OP_COUNT];
    int           dtypes[CLACT_DTYPE_COUNT];
    size_t        sizes[BENCH_MAX_SIZES];
    int           nsizes;
    int           fwd, bwd, json, quiet;
    double        target_s;
    const char   *device;
    size_t        dense[3]; /* --dense MxNxK: the dense layer too (0: no) */
} bench_opts;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    if (n == 0) return 0.0;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static clact_status do_call(const bench_call *c, cl_event *ev)
{
    switch (c->dir) {
    case DIR_COPY: return clact_copy(c->ctx, c->dt, c->n, c->x, 0, c->b, 0, 0, NULL, ev);
    case DIR_FWD: return clact_forward(c->ctx, c->act, c->t, c->x, 0, c->b, 0, c->w, 0, NULL, ev);
    default:
        return clact_backward(c->ctx, c->act, c->t, CLACT_FROM_X, c->x, 0, c->b, 0, c->c, 0, c->w,
                              c->dw, 0, NULL, ev);
    }
}

static int event_seconds(cl_event ev, double *s)
{
    cl_ulong t0 = 0, t1 = 0;
    if (clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof t0, &t0, NULL) !=
            CL_SUCCESS ||
        clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof t1, &t1, NULL) != CL_SUCCESS ||
        t1 <= t0)
        return -1;
    *s = 1e-9 * (double)(t1 - t0);
    return 0;
}

static int fail_status(bench_result *r, const char *what, clact_status st)
{
    snprintf(r->error, sizeof r->error, "%s: %s", what, cli_status_detail(st));
    return -1;
}

/* Median seconds of one call. Single kernels are timed with profiling
 * events; calls that may enqueue several kernels (use_events == 0) with the
 * wall clock around clFinish over batches. `warm` (the same op on a small
 * tensor, or NULL) builds the program before anything is timed. With
 * `pair` (the copy on the same buffers), event timing alternates the two
 * calls, so both see the same conditions; *pair_s gets the copy's median
 * (0 when it was not measured). */
static int measure(const bench_call *c, const bench_call *warm, int use_events, double target,
                   bench_result *r, const bench_call *pair, double *pair_s)
{
    cl_command_queue q = clact_context_queue(c->ctx);
    clact_status st;
    cl_event ev = NULL;
    double d = 0.0;

    /* warm-up: the first call may build the program (done on the small
     * tensor), and some runtimes specialise a kernel for a launch size */
    if (warm && (st = do_call(warm, NULL)) != CLACT_SUCCESS)
        return fail_status(r, "call failed", st);
    if ((st = do_call(c, NULL)) != CLACT_SUCCESS) return fail_status(r, "call failed", st);
    if ((st = (clact_status)clFinish(q)) != CLACT_SUCCESS)
        return fail_status(r, "clFinish failed", st);
    /* calibration: one call timed both ways. An event much shorter than the
     * wall time of a long call means more than one kernel: use the wall clock. */
    double t0 = now_s();
    if ((st = do_call(c, use_events ? &ev : NULL)) != CLACT_SUCCESS)
        return fail_status(r, "call failed", st);
    if (ev) clWaitForEvents(1, &ev);
    else clFinish(q);
    double wall = now_s() - t0;
    if (use_events && (!ev || event_seconds(ev, &d) != 0)) use_events = 0;
    if (use_events && wall > 1e-3 && d < 0.6 * wall) use_events = 0;
    if (ev) clReleaseEvent(ev);
    ev = NULL;
    if (!use_events) d = wall;
    if (d <= 0) d = 1e-6;

    if (use_events) {
        double want = ceil(target / d);
        int reps = want < BENCH_MIN_REPS ? BENCH_MIN_REPS
                   : want > BENCH_MAX_REPS ? BENCH_MAX_REPS
                                           : (int)want;
        double *s = malloc(2 * (size_t)reps * sizeof *s), *ps = s ? s + reps : NULL;
        cl_event evs[64], pevs[64];
        if (!s) {
            snprintf(r->error, sizeof r->error, "out of memory");
            return -1;
        }
        int got = 0, bad = 0, pbad = !pair;
        while (got < reps) {
            int k = reps - got < 64 ? reps - got : 64, made = 0;
            for (; made < k; ++made) {
                evs[made] = pevs[made] = NULL;
                if ((st = do_call(c, &evs[made])) != CLACT_SUCCESS) break;
                if (pair && do_call(pair, &pevs[made]) != CLACT_SUCCESS) pbad = 1;
            }
            clFinish(q);
            for (int j = 0; j < made; ++j) {
                if (!evs[j] || event_seconds(evs[j], &s[got + j]) != 0) bad = 1;
                if (pair && (!pevs[j] || event_seconds(pevs[j], &ps[got + j]) != 0)) pbad = 1;
                if (evs[j]) clReleaseEvent(evs[j]);
                if (pevs[j]) clReleaseEvent(pevs[j]);
            }
            if (made < k) {
                free(s);
                return fail_status(r, "call failed", st);
            }
            got += k;
        }
        if (!bad) {
            r->time_s = median(s, (size_t)reps);
            r->reps = reps;
            r->timing = "event";
            if (pair_s) *pair_s = pbad ? 0.0 : median(ps, (size_t)reps);
            free(s);
            return 0;
        }
        free(s);
    }
    if (pair_s) *pair_s = 0.0;
    /* wall clock: 5 batches of k calls */
    enum { BATCHES = 5 };
    double want = ceil(target / BATCHES / d);
    int k = want < 1 ? 1 : want > 100000 ? 100000 : (int)want;
    double s[BATCHES];
    for (int b = 0; b < BATCHES; ++b) {
        clFinish(q);
        double tb = now_s();
        for (int j = 0; j < k; ++j)
            if ((st = do_call(c, NULL)) != CLACT_SUCCESS) return fail_status(r, "call failed", st);
        clFinish(q);
        s[b] = (now_s() - tb) / k;
    }
    r->time_s = median(s, BATCHES);
    r->reps = BATCHES * k;
    r->timing = "wall";
    return 0;
}

/* Host cost of one call (no event, no wait), and enqueue-to-completion
 * latency, both on the small tensor. */
static int measure_host(const bench_call *c, bench_result *r)
{
    cl_command_queue q = clact_context_queue(c->ctx);
    clact_status st;
    double s[BENCH_HOST_CALLS];
    for (int k = 0; k < 20; ++k)
        if ((st = do_call(c, NULL)) != CLACT_SUCCESS) return fail_status(r, "small call failed", st);
    clFinish(q);
    for (int got = 0; got < BENCH_HOST_CALLS;) {
        for (int k = 0; k < 50 && got < BENCH_HOST_CALLS; ++k, ++got) {
            double t0 = now_s();
            st = do_call(c, NULL);
            s[got] = now_s() - t0;
            if (st != CLACT_SUCCESS) return fail_status(r, "small call failed", st);
        }
        clFinish(q);
    }
    r->host_us = 1e6 * median(s, BENCH_HOST_CALLS);

    double l[BENCH_LATENCY_CALLS];
    for (int k = 0; k < BENCH_LATENCY_CALLS; ++k) {
        cl_event ev = NULL;
        double t0 = now_s();
        st = do_call(c, &ev);
        if (st == CLACT_SUCCESS) {
            if (ev) clWaitForEvents(1, &ev);
            else clFinish(q);
        }
        l[k] = now_s() - t0;
        if (ev) clReleaseEvent(ev);
        if (st != CLACT_SUCCESS) return fail_status(r, "small call failed", st);
    }
    r->latency_us = 1e6 * median(l, BENCH_LATENCY_CALLS);
    return 0;
}

/* ---- data ------------------------------------------------------------------- */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* normally distributed values (Box-Muller), scaled */
static void fill_normal(float *v, size_t n, double scale, uint64_t seed)
{
    uint64_t s = seed;
    for (size_t i = 0; i < n; i += 2) {
        double u1 = ((double)(rng_next(&s) >> 11) + 1.0) * 0x1p-53;
        double u2 = (double)(rng_next(&s) >> 11) * 0x1p-53;
        double rad = sqrt(-2.0 * log(u1)) * scale;
        v[i] = (float)(rad * cos(6.283185307179586 * u2));
        if (i + 1 < n) v[i + 1] = (float)(rad * sin(6.283185307179586 * u2));
    }
}

static cl_mem upload(cl_context cc, cl_command_queue q, clact_dtype dt, size_t n, double scale,
                     uint64_t seed, size_t alloc_n, char *err, size_t errlen)
{
    size_t es = clact_dtype_size(dt);
    cl_int e = CL_SUCCESS;
    cl_mem m = clCreateBuffer(cc, CL_MEM_READ_WRITE, alloc_n * es, NULL, &e);
    if (!m || e != CL_SUCCESS) {
        snprintf(err, errlen, "cannot allocate %zu bytes on the device: %s", alloc_n * es,
                 clact_status_string((clact_status)e));
        return NULL;
    }
    if (n == 0) return m;
    float *f = malloc(n * sizeof *f);
    void *h = dt == CLACT_F32 ? (void *)f : malloc(n * es);
    if (!f || !h) {
        free(f);
        if (h != f) free(h);
        clReleaseMemObject(m);
        snprintf(err, errlen, "out of memory (%zu bytes)", n * es);
        return NULL;
    }
    fill_normal(f, n, scale, seed);
    if (h != f) cvt_array(h, dt, f, CLACT_F32, n);
    e = clEnqueueWriteBuffer(q, m, CL_TRUE, 0, n * es, h, 0, NULL, NULL);
    if (h != f) free(h);
    free(f);
    if (e != CL_SUCCESS) {
        clReleaseMemObject(m);
        snprintf(err, errlen, "cannot upload data: %s", clact_status_string((clact_status)e));
        return NULL;
    }
    return m;
}

/* one set of device buffers for a dtype and size */
typedef struct {
    cl_mem       x, b, c, w, dw;
    size_t       n, wn;
    clact_tensor flat, chan; /* 1-d, and [1, C, n/C] for prelu/crelu */
} bench_buffers;

static void buffers_release(bench_buffers *B)
{
    cl_mem *m[] = {&B->x, &B->b, &B->c, &B->w, &B->dw};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; ++i)
        if (*m[i]) {
            clReleaseMemObject(*m[i]);
            *m[i] = NULL;
        }
}

static int buffers_make(clact_context *ctx, clact_dtype dt, size_t n, bench_buffers *B, char *err,
                        size_t errlen)
{
    cl_context cc = clact_context_cl_context(ctx);
    cl_command_queue q = clact_context_queue(ctx);
    memset(B, 0, sizeof *B);
    B->n = n;
    B->wn = n % BENCH_CHANNELS == 0 ? BENCH_CHANNELS : 1;
    B->flat.dtype = B->chan.dtype = dt;
    B->flat.ndim = 1;
    B->flat.shape[0] = n;
    B->chan.ndim = 3;
    B->chan.shape[0] = 1;
    B->chan.shape[1] = B->wn;
    B->chan.shape[2] = n / B->wn;
    if (!(B->x = upload(cc, q, dt, n, 2.0, 1 + n, n, err, errlen)) ||
        !(B->b = upload(cc, q, dt, 2 * n, 1.0, 2 + n, 2 * n, err, errlen)) ||
        !(B->c = upload(cc, q, dt, n, 1.0, 3, n, err, errlen)) ||
        !(B->w = upload(cc, q, dt, B->wn, 0.1, 4, B->wn, err, errlen)) ||
        !(B->dw = upload(cc, q, dt, 0, 1.0, 5, B->wn, err, errlen))) {
        buffers_release(B);
        return -1;
    }
    return 0;
}

static double bytes_of(clact_op op, int dir, size_t n, size_t wn, size_t es)
{
    unsigned fl = clact_op_flags(op);
    double y = (fl & CLACT_OPF_CONCAT) ? 2.0 * (double)n : (double)n;
    double w = (fl & CLACT_OPF_WEIGHT) ? (double)wn : 0.0;
    if (dir == DIR_COPY) return 2.0 * (double)n * (double)es;
    if (dir == DIR_FWD) return ((double)n + y + w) * (double)es;      /* x, w in; y out */
    return ((double)n + y + (double)n + 2.0 * w) * (double)es;       /* x, dy, w in; dx, dw out */
}

static void fill_call(bench_call *c, clact_context *ctx, const clact_activation *act, clact_op op,
                      clact_dtype dt, int dir, const bench_buffers *B)
{
    unsigned fl = dir == DIR_COPY ? 0 : clact_op_flags(op);
    memset(c, 0, sizeof *c);
    c->ctx = ctx;
    c->act = act;
    c->dt = dt;
    c->dir = dir;
    c->n = B->n;
    c->t = (fl & (CLACT_OPF_WEIGHT | CLACT_OPF_CONCAT)) ? &B->chan : &B->flat;
    c->x = B->x;
    c->b = B->b;
    c->c = B->c;
    c->w = (fl & CLACT_OPF_WEIGHT) ? B->w : NULL;
    c->dw = (fl & CLACT_OPF_WEIGHT) && dir == DIR_BWD ? B->dw : NULL;
}

/* ---- options ------------------------------------------------------------------ */
static int parse_size(const char *s, size_t *out)
{
    char *end;
    if (!s || !*s || *s == '-' || *s == '+') return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s) return -1;
    if (*end == '^') {
        if (v != 2) return -1;
        char *e2;
        unsigned long long k = strtoull(end + 1, &e2, 10);
        if (e2 == end + 1 || *e2 || k > 62) return -1;
        v = 1ull << k;
    } else if (*end) {
        unsigned sh = 0;
        switch (*end) {
        case 'k': case 'K': sh = 10; break;
        case 'm': case 'M': sh = 20; break;
        case 'g': case 'G': sh = 30; break;
        default: return -1;
        }
        if (end[1] || v > (1ull << (62 - sh))) return -1;
        v <<= sh;
    }
    if (v == 0 || v > ((unsigned long long)SIZE_MAX >> 4)) return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_bench_args(int argc, char **argv, bench_opts *o)
{
    memset(o, 0, sizeof *o);
    memset(o->ops, 1, sizeof o->ops);
    o->dtypes[CLACT_F32] = 1;
    o->fwd = o->bwd = 1;
    o->target_s = 0.3;
    for (int i = 1; i < argc; ++i) {
        const char *arg = argv[i], *v = NULL;
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            usage_bench(stdout);
            return 1;
        }
        if (!strcmp(arg, "--json")) {
            o->json = 1;
            continue;
        }
        if (!strcmp(arg, "--quiet") || !strcmp(arg, "-q")) {
            o->quiet = 1;
            continue;
        }
        if (cli_match_option(argc, argv, &i, "--ops", &v)) {
            if (!v) {
                cli_error("bench: --ops needs a list of ops");
                return -1;
            }
            if (cli_parse_op_list(v, o->ops) != 0) return -1;
            continue;
        }
        if (cli_match_option(argc, argv, &i, "--dtype", &v)) {
            char buf[256];
            if (!v || strlen(v) >= sizeof buf) {
                cli_error("bench: --dtype needs f32, f16, bf16, f64, a comma list or all");
                return -1;
            }
            memset(o->dtypes, 0, sizeof o->dtypes);
            if (!strcmp(v, "all")) {
                for (int t = 0; t < CLACT_DTYPE_COUNT; ++t) o->dtypes[t] = 1;
                continue;
            }
            strcpy(buf, v);
            int any = 0;
            for (char *tok = buf, *next; tok; tok = next) {
                next = strchr(tok, ',');
                if (next) *next++ = '\0';
                if (!*tok) continue;
                clact_dtype t;
                if (cli_parse_dtype(tok, &t) != 0) {
                    cli_error("bench: unknown --dtype '%s' (expected f32, f16, bf16 or f64)", tok);
                    return -1;
                }
                o->dtypes[t] = 1;
                any = 1;
            }
            if (!any) {
                cli_error("bench: --dtype needs f32, f16, bf16, f64, a comma list or all");
                return -1;
            }
            continue;
        }
        if (cli_match_option(argc, argv, &i, "--size", &v)) {
            char buf[512];
            if (!v || strlen(v) >= sizeof buf) {
                cli_error("bench: --size needs N or a comma list");
                return -1;
            }
            strcpy(buf, v);
            o->nsizes = 0;
            for (char *tok = buf, *next; tok; tok = next) {
                next = strchr(tok, ',');
                if (next) *next++ = '\0';
                if (!*tok) continue;
                if (o->nsizes >= BENCH_MAX_SIZES || parse_size(tok, &o->sizes[o->nsizes]) != 0) {
                    cli_error("bench: bad --size '%s' (a positive element count, e.g. 4096, 16M "
                              "or 2^24)",
                              tok);
                    return -1;
                }
                o->nsizes++;
            }
            if (!o->nsizes) {
                cli_error("bench: --size needs N or a comma list");
                return -1;
            }
            continue;
        }
        if (cli_match_option(argc, argv, &i, "--direction", &v)) {
            if (v && !strcmp(v, "forward")) o->fwd = 1, o->bwd = 0;
            else if (v && !strcmp(v, "backward")) o->fwd = 0, o->bwd = 1;
            else if (v && !strcmp(v, "both")) o->fwd = o->bwd = 1;
            else {
                cli_error("bench: --direction must be forward, backward or both");
                return -1;
            }
            continue;
        }
        if (cli_match_option(argc, argv, &i, "--time", &v)) {
            if (!v || cli_parse_double(v, &o->target_s) != 0 || !(o->target_s > 0) ||
                o->target_s > 60) {
                cli_error("bench: --time needs seconds in (0, 60]");
                return -1;
            }
            continue;
        }
        if (cli_match_option(argc, argv, &i, "--dense", &v)) {
            char buf[128], *p;
            int k = 0;
            if (v && strlen(v) < sizeof buf) {
                strcpy(buf, v);
                for (p = strtok(buf, "x,"); p && k < 3; p = strtok(NULL, "x,"))
                    if (parse_size(p, &o->dense[k]) == 0) k++;
                    else break;
                if (p) k = 0;
            }
            if (k != 3) {
                cli_error("bench: --dense needs MxNxK (e.g. 4096x4096x4096)");
                return -1;
            }
            continue;
        }
        if (cli_match_option(argc, argv, &i, "--device", &v)) {
            if (!v || !*v) {
                cli_error("bench: --device needs a device spec");
                return -1;
            }
            o->device = v;
            continue;
        }
        cli_error("bench: unknown %s '%s' (see 'clact bench --help')",
                  arg[0] == '-' ? "option" : "argument", arg);
        return -1;
    }
    return 0;
}

/* ---- output ----------------------------------------------------------------- */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; ++s) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

static void json_number(FILE *f, double v, const char *fmt)
{
    if (isfinite(v)) fprintf(f, fmt, v);
    else fputs("null", f);
}

static void table_header(FILE *f)
{
    fprintf(f, "%-12s %-5s %-9s %10s %9s %9s %7s %8s %10s\n", "op", "dtype", "direction", "n",
            "GB/s", "copy GB/s", "x copy", "host_us", "latency_us");
}

static void table_row(FILE *f, const bench_result *r)
{
    if (!r->ok) {
        fprintf(f, "%-12s %-5s %-9s %10zu  error: %s\n", clact_op_name(r->op),
                clact_dtype_name(r->dt), dir_names[r->dir], r->n, r->error);
        return;
    }
    fprintf(f, "%-12s %-5s %-9s %10zu %9.2f %9.2f %7.3f %8.2f %10.1f\n", clact_op_name(r->op),
            clact_dtype_name(r->dt), dir_names[r->dir], r->n, r->gbps, r->copy_gbps,
            r->copy_gbps > 0 ? r->gbps / r->copy_gbps : 0.0, r->host_us, r->latency_us);
}

/* ---- the command --------------------------------------------------------------- */
static size_t pow2_floor(size_t v)
{
    size_t p = 1;
    while (p <= v / 2) p *= 2;
    return p;
}

int cmd_bench(int argc, char **argv)
{
    bench_opts o;
    int rc = parse_bench_args(argc, argv, &o);
    if (rc > 0) return 0;
    if (rc < 0) return CLI_EXIT_USAGE;

    clact_context *ctx = NULL;
    clact_status st = clact_context_create(&ctx, o.device);
    if (st != CLACT_SUCCESS) {
        cli_error("cannot open device %s%s%s: %s", o.device ? "'" : "",
                  o.device ? o.device : "(default)", o.device ? "'" : "", cli_status_detail(st));
        return CLI_EXIT_FAIL;
    }
    const char *devname = clact_context_device_name(ctx);
    cl_device_id dev = clact_context_device(ctx);
    cl_ulong llc = 0, gmem = 0, maxalloc = 0;
    clGetDeviceInfo(dev, CL_DEVICE_GLOBAL_MEM_CACHE_SIZE, sizeof llc, &llc, NULL);
    clGetDeviceInfo(dev, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof gmem, &gmem, NULL);
    clGetDeviceInfo(dev, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof maxalloc, &maxalloc, NULL);
    if (gmem == 0) gmem = 1ull << 30;
    if (maxalloc == 0) maxalloc = gmem / 4;
    /* the largest buffer (2n elements) must fit one allocation and 1/8 of the memory */
    cl_ulong cap_bytes = maxalloc < gmem / 8 ? maxalloc : gmem / 8;

    /* dtypes the device can run */
    int ndt = 0, skipped = 0;
    for (int t = 0; t < CLACT_DTYPE_COUNT; ++t) {
        if (!o.dtypes[t]) continue;
        if (clact_context_supports(ctx, (clact_dtype)t) != CLACT_SUCCESS) {
            o.dtypes[t] = 0;
            skipped++;
            if (!o.quiet)
                cli_warning("device '%s' does not support %s: skipped", devname,
                            clact_dtype_name((clact_dtype)t));
            continue;
        }
        ndt++;
    }
    if (ndt == 0) {
        cli_error("device '%s' supports none of the requested dtypes", devname);
        clact_context_destroy(ctx);
        return CLI_EXIT_FAIL;
    }
    int nops = 0;
    for (int op = 0; op < CLACT_OP_COUNT; ++op) nops += o.ops[op] ? 1 : 0;
    int ndir = o.fwd + o.bwd;

    /* sizes per dtype */
    size_t sizes[CLACT_DTYPE_COUNT][BENCH_MAX_SIZES];
    int nsz = o.nsizes ? o.nsizes : 1;
    for (int t = 0; t < CLACT_DTYPE_COUNT; ++t) {
        if (!o.dtypes[t]) continue;
        size_t es = clact_dtype_size((clact_dtype)t);
        size_t cap = (size_t)(cap_bytes / (2 * es));
        if (o.nsizes) {
            for (int k = 0; k < o.nsizes; ++k) {
                if (o.sizes[k] > cap) {
                    cli_error("bench: --size %zu is too large for %s on this device (at most %zu "
                              "elements)",
                              o.sizes[k], clact_dtype_name((clact_dtype)t), cap);
                    clact_context_destroy(ctx);
                    return CLI_EXIT_USAGE;
                }
                sizes[t][k] = o.sizes[k];
            }
        } else {
            size_t want = (size_t)1 << 24;
            size_t from_cache = (size_t)((4 * llc + es - 1) / es);
            while (want < from_cache && want < ((size_t)1 << 40)) want *= 2;
            if (want > cap) want = pow2_floor(cap ? cap : 1);
            sizes[t][0] = want;
        }
    }

    size_t total = (size_t)nsz * (size_t)ndt * (size_t)nops * (size_t)ndir;
    bench_result *res = calloc(total ? total : 1, sizeof *res);
    bench_result copies[CLACT_DTYPE_COUNT * BENCH_MAX_SIZES];
    int ncopies = 0, nres = 0, failures = 0;
    double top_copy = 0.0;
    if (!res) {
        cli_error("out of memory");
        clact_context_destroy(ctx);
        return CLI_EXIT_FAIL;
    }
    memset(copies, 0, sizeof copies);
    if (!o.json) {
        printf("device: %s\n", devname);
        printf("last-level cache %llu KiB, memory %llu MiB, max allocation %llu MiB\n",
               (unsigned long long)(llc >> 10), (unsigned long long)(gmem >> 20),
               (unsigned long long)(maxalloc >> 20));
        fflush(stdout);
    }

    int progress = !o.quiet && (o.json || !isatty(STDOUT_FILENO));
    size_t step = 0;
    for (int si = 0; si < (nops ? nsz : 0); ++si)
        for (int t = 0; t < CLACT_DTYPE_COUNT; ++t) {
            if (!o.dtypes[t]) continue;
            clact_dtype dt = (clact_dtype)t;
            size_t n = sizes[t][si], es = clact_dtype_size(dt);
            char err[400];
            bench_buffers B, S;
            int have_b = buffers_make(ctx, dt, n, &B, err, sizeof err) == 0;
            int have_s = have_b && buffers_make(ctx, dt, BENCH_SMALL_N, &S, err, sizeof err) == 0;
            if (!have_s && have_b) buffers_release(&B);

            /* the copy yardstick */
            bench_result *cp = &copies[ncopies++];
            cp->dt = dt;
            cp->dir = DIR_COPY;
            cp->n = n;
            cp->bytes = bytes_of(CLACT_OP_RELU, DIR_COPY, n, 0, es);
            if (progress)
                fprintf(stderr, "clact bench: copy %s n=%zu ...\n", clact_dtype_name(dt), n);
            if (have_s) {
                bench_call c;
                fill_call(&c, ctx, NULL, CLACT_OP_RELU, dt, DIR_COPY, &B);
                bench_call cs;
                fill_call(&cs, ctx, NULL, CLACT_OP_RELU, dt, DIR_COPY, &S);
                if (measure(&c, &cs, 1, o.target_s, cp, NULL, NULL) == 0) {
                    cp->ok = 1;
                    cp->gbps = cp->bytes / cp->time_s * 1e-9;
                    if (top_copy == 0.0) top_copy = cp->gbps;
                }
            } else {
                snprintf(cp->error, sizeof cp->error, "%s", err);
            }
            if (!cp->ok) {
                failures++;
                cli_warning("copy %s n=%zu failed: %s", clact_dtype_name(dt), n, cp->error);
            }
            if (!o.json) {
                if (cp->ok)
                    printf("\ncopy %s n=%zu: %.2f GB/s\n", clact_dtype_name(dt), n, cp->gbps);
                table_header(stdout);
                fflush(stdout);
            }

            for (int op = 0; op < CLACT_OP_COUNT; ++op) {
                if (!o.ops[op]) continue;
                clact_activation act;
                clact_activation_init(&act, (clact_op)op);
                act.axis = 1;
                act.weight_count = (clact_op_flags((clact_op)op) & CLACT_OPF_WEIGHT) ? B.wn : 0;
                for (int dir = DIR_FWD; dir <= DIR_BWD; ++dir) {
                    if ((dir == DIR_FWD && !o.fwd) || (dir == DIR_BWD && !o.bwd)) continue;
                    bench_result *r = &res[nres++];
                    ++step;
                    r->op = (clact_op)op;
                    r->dt = dt;
                    r->dir = dir;
                    r->n = n;
                    if (progress)
                        fprintf(stderr, "clact bench: [%zu/%zu] %s %s %s n=%zu ...\n", step, total,
                                clact_op_name((clact_op)op), clact_dtype_name(dt), dir_names[dir],
                                n);
                    if (!have_s) {
                        snprintf(r->error, sizeof r->error, "%s", err);
                    } else {
                        bench_call c, cs;
                        fill_call(&c, ctx, &act, (clact_op)op, dt, dir, &B);
                        fill_call(&cs, ctx, &act, (clact_op)op, dt, dir, &S);
                        size_t wn = (clact_op_flags((clact_op)op) & CLACT_OPF_WEIGHT) ? B.wn : 0;
                        r->bytes = bytes_of((clact_op)op, dir, n, wn, es);
                        /* prelu's backward with a weight gradient may be several kernels */
                        int single = !(dir == DIR_BWD && c.dw);
                        /* the copy yardstick of this row is timed alongside it (or
                         * right after it), so both see the same machine */
                        bench_call cc, ccs;
                        fill_call(&cc, ctx, NULL, CLACT_OP_RELU, dt, DIR_COPY, &B);
                        fill_call(&ccs, ctx, NULL, CLACT_OP_RELU, dt, DIR_COPY, &S);
                        double copy_s = 0.0;
                        if (measure(&c, &cs, single, o.target_s, r, &cc, &copy_s) == 0 &&
                            measure_host(&cs, r) == 0) {
                            r->ok = 1;
                            r->gbps = r->bytes / r->time_s * 1e-9;
                            if (copy_s <= 0) {
                                bench_result again;
                                memset(&again, 0, sizeof again);
                                if (measure(&cc, &ccs, 1, o.target_s * 0.5, &again, NULL, NULL) ==
                                    0)
                                    copy_s = again.time_s;
                            }
                            r->copy_gbps = copy_s > 0 ? cp->bytes / copy_s * 1e-9
                                                      : (cp->ok ? cp->gbps : 0.0);
                        }
                    }
                    if (!r->ok) {
                        failures++;
                        if (o.json)
                            cli_warning("%s %s %s failed: %s", clact_op_name((clact_op)op),
                                        clact_dtype_name(dt), dir_names[dir], r->error);
                    }
                    if (!o.json) {
                        table_row(stdout, r);
                        fflush(stdout);
                    }
                }
            }
            if (have_s) {
                buffers_release(&B);
                buffers_release(&S);
            }
        }

    /* the dense layer: GEMM, fused forward and backward (wall clock) */
    double dg = 0, df = 0, db = 0;
    int dense_st = 0;
    char dense_err[300] = "";
    if (o.dense[0]) {
        if (progress)
            fprintf(stderr, "clact bench: dense %zux%zux%zu ...\n", o.dense[0], o.dense[1],
                    o.dense[2]);
        dense_st = clact_bench_dense(ctx, o.dense[0], o.dense[1], o.dense[2], &dg, &df, &db);
        if (dense_st) {
            snprintf(dense_err, sizeof dense_err, "%s", cli_status_detail((clact_status)dense_st));
            failures++;
            if (o.json) cli_warning("dense layer failed: %s", dense_err);
        }
        if (!o.json) {
            printf("\ndense f32 M=%zu N=%zu K=%zu: ", o.dense[0], o.dense[1], o.dense[2]);
            if (dense_st)
                printf("error: %s\n", dense_err);
            else
                printf("GEMM %.1f GFLOP/s, forward %.1f GFLOP/s, backward %.1f GFLOP/s\n", dg, df,
                       db);
        }
    }

    if (o.json) {
        FILE *f = stdout;
        fputs("{\"device\": ", f);
        json_string(f, devname);
        fputs(", \"clact_version\": ", f);
        json_string(f, clact_version_string());
        fputs(", \"copy_gbps\": ", f);
        json_number(f, top_copy, "%.6g");
        fprintf(f, ", \"cache_bytes\": %llu, \"global_mem_bytes\": %llu", (unsigned long long)llc,
                (unsigned long long)gmem);
        fputs(", \"copies\": [", f);
        for (int k = 0; k < ncopies; ++k) {
            const bench_result *c = &copies[k];
            fprintf(f, "%s{\"dtype\": \"%s\", \"n\": %zu, \"gbps\": ", k ? ", " : "",
                    clact_dtype_name(c->dt), c->n);
            json_number(f, c->ok ? c->gbps : NAN, "%.6g");
            fputs(", \"time_us\": ", f);
            json_number(f, c->ok ? c->time_s * 1e6 : NAN, "%.6g");
            fputs("}", f);
        }
        fputs("], \"results\": [", f);
        for (int k = 0; k < nres; ++k) {
            const bench_result *r = &res[k];
            fprintf(f, "%s\n  {\"op\": \"%s\", \"dtype\": \"%s\", \"direction\": \"%s\", \"n\": %zu",
                    k ? "," : "", clact_op_name(r->op), clact_dtype_name(r->dt),
                    dir_names[r->dir], r->n);
            if (r->ok) {
                fputs(", \"gbps\": ", f);
                json_number(f, r->gbps, "%.6g");
                fputs(", \"fraction_of_copy\": ", f);
                json_number(f, r->copy_gbps > 0 ? r->gbps / r->copy_gbps : NAN, "%.6g");
                fputs(", \"host_us\": ", f);
                json_number(f, r->host_us, "%.6g");
                fputs(", \"latency_us\": ", f);
                json_number(f, r->latency_us, "%.6g");
                fputs(", \"copy_gbps\": ", f);
                json_number(f, r->copy_gbps > 0 ? r->copy_gbps : NAN, "%.6g");
                fputs(", \"time_us\": ", f);
                json_number(f, r->time_s * 1e6, "%.6g");
                fprintf(f, ", \"bytes\": %.0f, \"reps\": %d, \"timing\": \"%s\"", r->bytes, r->reps,
                        r->timing);
            } else {
                fputs(", \"gbps\": null, \"fraction_of_copy\": null, \"host_us\": null, \"error\": ",
                      f);
                json_string(f, r->error);
            }
            fputs("}", f);
        }
        fputs("\n]", f);
        if (o.dense[0]) {
            fprintf(f, ", \"dense\": {\"dtype\": \"f32\", \"m\": %zu, \"n\": %zu, \"k\": %zu",
                    o.dense[0], o.dense[1], o.dense[2]);
            if (dense_st) {
                fputs(", \"error\": ", f);
                json_string(f, dense_err);
            } else {
                fputs(", \"gemm_gflops\": ", f);
                json_number(f, dg, "%.6g");
                fputs(", \"forward_gflops\": ", f);
                json_number(f, df, "%.6g");
                fputs(", \"backward_gflops\": ", f);
                json_number(f, db, "%.6g");
            }
            fputs("}", f);
        }
        fputs("}\n", f);
    }
    free(res);
    clact_context_destroy(ctx);
    if (fflush(stdout) != 0) return CLI_EXIT_FAIL;
    (void)skipped;
    return failures ? CLI_EXIT_FAIL : 0;
}
