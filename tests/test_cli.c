/* test_cli.c - the `clact` command-line tool, driven as a user would:
 * write .npy files, run the binary, read the results back and compare them
 * with values computed here in double precision. */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clact.h"

#ifndef CLACT_TOOL_PATH
#error "CLACT_TOOL_PATH must name the clact binary"
#endif
#ifndef CLACT_TEST_TMP
#define CLACT_TEST_TMP "/tmp"
#endif

static char g_dir[1024];
static int  g_has_f64;

/* ---- files ---------------------------------------------------------------- */
static const char *path_of(const char *name)
{
    static char buf[8][1400];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", g_dir, name);
    return p;
}

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static char *slurp(const char *p, size_t *len)
{
    FILE *f = fopen(p, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap + 1);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            b = realloc(b, cap + 1);
        }
        size_t k = fread(b + n, 1, cap - n, f);
        if (k == 0) break;
        n += k;
    }
    fclose(f);
    b[n] = '\0';
    if (len) *len = n;
    return b;
}

static void write_bytes(const char *p, const void *data, size_t len)
{
    FILE *f = fopen(p, "wb");
    ck_assert_msg(f != NULL, "cannot create %s", p);
    ck_assert(fwrite(data, 1, len, f) == len);
    ck_assert(fclose(f) == 0);
}

/* ---- .npy writing and reading (independent of the tool's code) ----------- */
/* Header dictionary in numpy's own layout, padded to a multiple of 64. */
static size_t npy_header(unsigned char *out, int version, const char *descr, int ndim,
                         const size_t *shape)
{
    char dict[512], shp[256] = "(";
    for (int i = 0; i < ndim; ++i) {
        char d[32];
        snprintf(d, sizeof d, i ? ", %zu" : "%zu", shape[i]);
        strcat(shp, d);
    }
    strcat(shp, ndim == 1 ? ",)" : ")");
    int dl = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                      descr, shp);
    size_t pre = version == 1 ? 10 : 12;
    size_t total = (pre + (size_t)dl + 1 + 63) / 64 * 64;
    size_t hl = total - pre;
    memcpy(out, "\x93NUMPY", 6);
    out[6] = (unsigned char)version;
    out[7] = 0;
    out[8] = (unsigned char)(hl & 0xff);
    out[9] = (unsigned char)(hl >> 8);
    if (version != 1) out[10] = out[11] = 0;
    memcpy(out + pre, dict, (size_t)dl);
    memset(out + pre + dl, ' ', hl - (size_t)dl - 1);
    out[total - 1] = '\n';
    return total;
}

static void npy_save_raw(const char *p, int version, const char *descr, int ndim,
                         const size_t *shape, const void *data, size_t bytes)
{
    unsigned char head[640];
    size_t hl = npy_header(head, version, descr, ndim, shape);
    unsigned char *all = malloc(hl + bytes + 1);
    memcpy(all, head, hl);
    if (bytes) memcpy(all + hl, data, bytes);
    write_bytes(p, all, hl + bytes);
    free(all);
}

static void save_f32(const char *p, int ndim, const size_t *shape, const float *v, size_t n)
{
    npy_save_raw(p, 1, "<f4", ndim, shape, v, n * sizeof *v);
}

static void save_f32_1d(const char *p, const float *v, size_t n)
{
    save_f32(p, 1, &n, v, n);
}

typedef struct {
    char   descr[8];
    int    ndim;
    size_t shape[64];
    size_t count;
    void  *data;
} npy_t;

/* Reads the files the tool writes (numpy's header layout). */
static int npy_load(const char *p, npy_t *a)
{
    size_t len;
    unsigned char *b = (unsigned char *)slurp(p, &len);
    memset(a, 0, sizeof *a);
    if (!b) return -1;
    if (len < 10 || memcmp(b, "\x93NUMPY", 6) != 0) goto bad;
    size_t pre = b[6] == 1 ? 10 : 12;
    size_t hl = b[8] | ((size_t)b[9] << 8);
    if (pre == 12) hl |= ((size_t)b[10] << 16) | ((size_t)b[11] << 24);
    if (pre + hl > len) goto bad;
    if ((pre + hl) % 64 != 0) goto bad; /* numpy aligns the data */
    char *h = malloc(hl + 1);
    memcpy(h, b + pre, hl);
    h[hl] = '\0';
    char *d = strstr(h, "'descr': '"), *s = strstr(h, "'shape': ("),
         *fo = strstr(h, "'fortran_order': False");
    if (!d || !s || !fo || h[hl - 1] != '\n') {
        free(h);
        goto bad;
    }
    memcpy(a->descr, d + 10, 3);
    a->descr[3] = '\0';
    char *q = s + 10;
    a->count = 1;
    while (*q != ')') {
        while (*q == ' ' || *q == ',') ++q;
        if (*q == ')') break;
        a->shape[a->ndim] = strtoull(q, &q, 10);
        a->count *= a->shape[a->ndim++];
    }
    free(h);
    size_t es = a->descr[2] - '0';
    if (len - pre - hl != a->count * es) goto bad;
    a->data = malloc(a->count * es + 1);
    memcpy(a->data, b + pre + hl, a->count * es);
    free(b);
    return 0;
bad:
    free(b);
    return -1;
}

static void npy_release(npy_t *a)
{
    free(a->data);
    a->data = NULL;
}

/* Load and check descr and shape. */
static npy_t load_checked(const char *p, const char *descr, int ndim, const size_t *shape)
{
    npy_t a;
    ck_assert_msg(npy_load(p, &a) == 0, "cannot read a valid .npy from %s", p);
    ck_assert_str_eq(a.descr, descr);
    ck_assert_int_eq(a.ndim, ndim);
    for (int i = 0; i < ndim; ++i) ck_assert_uint_eq(a.shape[i], shape[i]);
    return a;
}

/* ---- running the tool ------------------------------------------------------ */
typedef struct {
    int   rc;
    char *out, *err;
} run_t;

static run_t run_argv(const char *const *args)
{
    run_t r = {-1, NULL, NULL};
    char outp[1400], errp[1400];
    static int seq;
    snprintf(outp, sizeof outp, "%s/run%d.out", g_dir, seq);
    snprintf(errp, sizeof errp, "%s/run%d.err", g_dir, seq++);
    const char *argv[64];
    int n = 0;
    argv[n++] = CLACT_TOOL_PATH;
    for (; args[n - 1] && n < 63; ++n) argv[n] = args[n - 1];
    argv[n] = NULL;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        int fo = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fi = open("/dev/null", O_RDONLY);
        if (fo < 0 || fe < 0) _exit(126);
        dup2(fo, 1);
        dup2(fe, 2);
        if (fi >= 0) dup2(fi, 0);
        /* a sanitizer build: no leak check in the tool, whose exit races the
         * OpenCL runtime's worker threads (LeakSanitizer can crash on them) */
        const char *ao = getenv("ASAN_OPTIONS");
        char opts[2400];
        snprintf(opts, sizeof opts, "%s%sdetect_leaks=0", ao ? ao : "", ao && *ao ? ":" : "");
        setenv("ASAN_OPTIONS", opts, 1);
        execv(CLACT_TOOL_PATH, (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    r.out = slurp(outp, NULL);
    r.err = slurp(errp, NULL);
    if (!r.out) r.out = calloc(1, 1);
    if (!r.err) r.err = calloc(1, 1);
    unlink(outp);
    unlink(errp);
    return r;
}

static run_t run(const char *first, ...)
{
    const char *args[64];
    int n = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && n < 62; a = va_arg(ap, const char *)) args[n++] = a;
    va_end(ap);
    args[n] = NULL;
    return run_argv(args);
}

static void run_free(run_t *r)
{
    free(r->out);
    free(r->err);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; ++s) n += *s == '\n';
    return n;
}

/* A successful run: exit 0, nothing on stderr. */
#define ck_run_ok(r)                                                                       \
    ck_assert_msg((r).rc == 0 && (r).err[0] == '\0', "clact exited %d, stderr: %s", (r).rc, \
                  (r).err)

/* A failed run: non-zero exit, exactly one "clact: error: ..." line on stderr. */
#define ck_run_error(r)                                                                         \
    do {                                                                                        \
        ck_assert_msg((r).rc != 0, "clact exited 0 where it must fail; stdout: %s", (r).out);  \
        ck_assert_msg(count_lines((r).err) == 1 && strncmp((r).err, "clact: error: ", 14) == 0 \
                          && strlen((r).err) > 16,                                              \
                      "stderr is not one error line: [%s]", (r).err);                           \
    } while (0)

/* ---- numbers -------------------------------------------------------------- */
/* float32 ulp at the magnitude of v (exact v, a double) */
static double ulp_f32(double v)
{
    v = fabs(v);
    if (v < 0x1p-126) return 0x1p-149;
    int e;
    frexp(v, &e); /* v = m * 2^e, m in [0.5, 1) */
    return ldexp(1.0, e - 24);
}

static double ulp_f64(double v)
{
    v = fabs(v);
    if (v < 0x1p-1022) return 0x1p-1074;
    int e;
    frexp(v, &e);
    return ldexp(1.0, e - 53);
}

/* Round v to nearest even with p significant bits, minimum normal exponent
 * emin and largest finite value max (overflow to inf). */
static double round_fmt(double v, int p, int emin, double max)
{
    if (v == 0 || !isfinite(v)) return v;
    int e;
    frexp(v, &e);
    int ex = e - 1 < emin ? emin : e - 1;
    double q = ldexp(1.0, ex - (p - 1));
    double r = rint(v / q) * q;
    if (fabs(r) > max) return copysign(INFINITY, v);
    return r;
}

static double round_bf16(double v) { return round_fmt(v, 8, -126, 0x1.fep127); }
static double round_f16(double v) { return round_fmt(v, 11, -14, 65504.0); }

/* IEEE half bits of a value that is exactly a half */
static uint16_t half_bits(double v)
{
    uint16_t s = signbit(v) ? 0x8000 : 0;
    v = fabs(v);
    if (isnan(v)) return 0x7e00;
    if (isinf(v)) return s | 0x7c00;
    if (v < 0x1p-14) return s | (uint16_t)(v * 0x1p24);
    int e;
    double m = frexp(v, &e); /* m in [0.5, 1) */
    return (uint16_t)(s | ((uint16_t)(e - 1 + 15) << 10) | (uint16_t)((m * 2 - 1) * 1024));
}

static double half_value(uint16_t h)
{
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(1024 + m, e - 25);
    return (h & 0x8000) ? -v : v;
}

/* ---- double-precision reference --------------------------------------------- */
static const double PI_D = 3.14159265358979323846;
static const double SELU_A = 1.6732632423543772848170429916717;
static const double SELU_S = 1.0507009873554804934193349852946;

static double softplus_d(double x, double beta, double th)
{
    return beta * x > th ? x : log1p(exp(beta * x)) / beta;
}

static double sigmoid_d(double x) { return 1.0 / (1.0 + exp(-x)); }

static double ref_fwd(const char *op, double x, double p0, double p1)
{
    if (!strcmp(op, "relu")) return x < 0 ? 0 : x;
    if (!strcmp(op, "leaky_relu")) return x < 0 ? p0 * x : x;
    if (!strcmp(op, "elu")) return x > 0 ? x : p0 * expm1(x);
    if (!strcmp(op, "selu")) return SELU_S * (x > 0 ? x : SELU_A * expm1(x));
    if (!strcmp(op, "celu")) return x > 0 ? x : p0 * expm1(x / p0);
    if (!strcmp(op, "gelu")) return 0.5 * x * erfc(-x / sqrt(2.0));
    if (!strcmp(op, "gelu_tanh")) {
        double u = sqrt(2.0 / PI_D) * (x + 0.044715 * x * x * x);
        return x / (1.0 + exp(-2.0 * u)); /* 0.5 x (1 + tanh u), without cancellation */
    }
    if (!strcmp(op, "relu6")) return x < 0 ? 0 : x > 6 ? 6 : x;
    if (!strcmp(op, "hardtanh")) return x < p0 ? p0 : x > p1 ? p1 : x;
    if (!strcmp(op, "silu")) return x * sigmoid_d(x);
    if (!strcmp(op, "mish")) return x * tanh(softplus_d(x, 1, 20));
    if (!strcmp(op, "softplus")) return softplus_d(x, p0, p1);
    if (!strcmp(op, "hardswish")) return x <= -3 ? 0 : x >= 3 ? x : x * (x + 3) / 6;
    if (!strcmp(op, "hardsigmoid")) return x <= -3 ? 0 : x >= 3 ? 1 : (x + 3) / 6;
    if (!strcmp(op, "sigmoid")) return sigmoid_d(x);
    if (!strcmp(op, "tanh")) return tanh(x);
    ck_abort_msg("no reference for %s", op);
    return 0;
}

/* d op / dx */
static double ref_grad(const char *op, double x, double p0, double p1)
{
    if (!strcmp(op, "relu")) return x > 0 ? 1 : 0;
    if (!strcmp(op, "leaky_relu")) return x > 0 ? 1 : p0;
    if (!strcmp(op, "relu6")) return x > 0 && x < 6 ? 1 : 0;
    if (!strcmp(op, "hardtanh")) return x > p0 && x < p1 ? 1 : 0;
    if (!strcmp(op, "sigmoid")) {
        double e = exp(-fabs(x));
        return e / ((1 + e) * (1 + e));
    }
    if (!strcmp(op, "tanh")) {
        double c = cosh(x);
        return 1.0 / (c * c);
    }
    if (!strcmp(op, "gelu"))
        return 0.5 * erfc(-x / sqrt(2.0)) + x * exp(-0.5 * x * x) / sqrt(2.0 * PI_D);
    if (!strcmp(op, "elu")) return x > 0 ? 1 : p0 * exp(x);
    ck_abort_msg("no gradient reference for %s", op);
    (void)p1;
    return 0;
}

/* test inputs: a dense grid over [-12, 12], the kinks, and special values */
static size_t make_inputs(float *v, size_t cap)
{
    size_t n = 0;
    for (int i = -1200; i <= 1200 && n < cap; ++i) v[n++] = (float)(i * 0.01);
    static const float extra[] = {-6.0f,  6.0f,   -3.0f,   3.0f,    -1.0f,   1.0f,
                                  -0.0f,  1e-30f, -1e-30f, 1e-42f,  -1e-42f, 0x1p-126f,
                                  20.0f,  20.5f,  -20.0f,  1e-5f,   -1e-5f,  5.9999995f,
                                  6.0000005f, 2.9999998f, -2.9999998f};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0] && n < cap; ++i) v[n++] = extra[i];
    return n;
}

/* Worst ulp error of got against want ("" in msg when within max_ulp, else
 * a description of the worst element). NaN and inf must match exactly. */
static double f32_error(const char *what, const float *got, const double *want, size_t n,
                        double max_ulp, char *msg, size_t msglen);

static void check_f32_close(const char *what, const float *got, const double *want, size_t n,
                            double max_ulp)
{
    char msg[256];
    f32_error(what, got, want, n, max_ulp, msg, sizeof msg);
    ck_assert_msg(msg[0] == '\0', "%s", msg);
}

static double f32_error(const char *what, const float *got, const double *want, size_t n,
                        double max_ulp, char *msg, size_t msglen)
{
    msg[0] = '\0';
    double worst = 0;
    size_t wi = 0;
    for (size_t i = 0; i < n; ++i) {
        if (isnan(want[i]) || isinf(want[i])) {
            if (isnan(want[i]) ? !isnan(got[i]) : (double)got[i] != want[i]) {
                snprintf(msg, msglen, "%s[%zu]: want %g, got %a", what, i, want[i],
                         (double)got[i]);
                return INFINITY;
            }
            continue;
        }
        double e = fabs((double)got[i] - want[i]) / ulp_f32(want[i]);
        /* subnormal results may be flushed to zero */
        if (got[i] == 0 && fabs(want[i]) < 0x1p-126) e = 0;
        if (!(e <= worst)) {
            worst = e;
            wi = i;
        }
    }
    if (worst > max_ulp)
        snprintf(msg, msglen, "%s: %.2f ulp at element %zu (got %a, want %a)", what, worst, wi,
                 (double)got[wi], want[wi]);
    return worst;
}

/* ---- fixtures --------------------------------------------------------------- */
static void mk_dir(void)
{
    mkdir(CLACT_TEST_TMP, 0755);
    snprintf(g_dir, sizeof g_dir, "%s/cli-%ld", CLACT_TEST_TMP, (long)getpid());
    if (mkdir(g_dir, 0755) != 0 && errno != EEXIST) {
        snprintf(g_dir, sizeof g_dir, "/tmp/clact-cli-%ld", (long)getpid());
        mkdir(g_dir, 0755);
    }
}

static void rm_dir(void)
{
    DIR *d = opendir(g_dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        unlink(path_of(e->d_name));
    }
    closedir(d);
    rmdir(g_dir);
}

/* ================================================================================
 * tests
 * ============================================================================= */
START_TEST(test_version_help)
{
    run_t r = run("--version", NULL);
    ck_run_ok(r);
    ck_assert_ptr_nonnull(strstr(r.out, CLACT_VERSION_STRING));
    run_free(&r);
    r = run("--help", NULL);
    ck_run_ok(r);
    ck_assert_ptr_nonnull(strstr(r.out, "apply"));
    ck_assert_ptr_nonnull(strstr(r.out, "bench"));
    run_free(&r);
    r = run("apply", "--help", NULL);
    ck_run_ok(r);
    ck_assert_ptr_nonnull(strstr(r.out, "--backward"));
    ck_assert_ptr_nonnull(strstr(r.out, "hardtanh"));
    run_free(&r);
    r = run("bench", "-h", NULL);
    ck_run_ok(r);
    ck_assert_ptr_nonnull(strstr(r.out, "--json"));
    run_free(&r);
    r = run(NULL);
    ck_run_error(r);
    run_free(&r);
    r = run("frobnicate", NULL);
    ck_run_error(r);
    run_free(&r);
}
END_TEST

START_TEST(test_devices)
{
    size_t count = 0;
    clact_device_info info[32];
    ck_assert_int_eq(clact_devices(info, 32, &count), CLACT_SUCCESS);
    run_t r = run("devices", NULL);
    ck_run_ok(r);
    ck_assert_int_eq(count_lines(r.out), (int)count);
    int marked = 0;
    for (char *line = r.out; *line;) {
        char *nl = strchr(line, '\n');
        ck_assert_ptr_nonnull(nl);
        *nl = '\0';
        if (line[0] == '*') {
            marked++;
            ck_assert_ptr_nonnull(strstr(line, "(default)"));
        }
        line = nl + 1;
    }
    int defaults = 0;
    for (size_t i = 0; i < count && i < 32; ++i) defaults += info[i].is_default != 0;
    ck_assert_int_eq(marked, defaults);
    ck_assert_int_le(marked, 1);
    for (size_t i = 0; i < count && i < 32; ++i) ck_assert_ptr_nonnull(strstr(r.out, info[i].name));
    run_free(&r);
    r = run("devices", "extra", NULL);
    ck_run_error(r);
    run_free(&r);
}
END_TEST

/* piecewise-linear ops: exact values */
START_TEST(test_forward_exact)
{
    float x[2600], y[2600];
    size_t n = make_inputs(x, 2400);
    x[n++] = NAN;
    x[n++] = INFINITY;
    x[n++] = -INFINITY;
    const char *in = path_of("exact_in.npy"), *out = path_of("exact_out.npy");
    save_f32_1d(in, x, n);
    static const struct {
        const char *op;
        const char *opt, *val, *opt2, *val2;
        double      p0, p1;
    } cases[] = {
        {"relu", NULL, NULL, NULL, NULL, 0, 0},
        {"leaky_relu", NULL, NULL, NULL, NULL, 0.01, 0},
        {"leaky_relu", "--alpha", "0.2", NULL, NULL, 0.2, 0},
        {"leaky_relu", "--alpha=-1.5", NULL, NULL, NULL, -1.5, 0},
        {"relu6", NULL, NULL, NULL, NULL, 0, 0},
        {"hardtanh", NULL, NULL, NULL, NULL, -1, 1},
        {"hardtanh", "--min", "-2", "--max", "0.5", -2, 0.5},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
        const char *args[12];
        int k = 0;
        args[k++] = "apply";
        args[k++] = cases[c].op;
        if (cases[c].opt) args[k++] = cases[c].opt;
        if (cases[c].val) args[k++] = cases[c].val;
        if (cases[c].opt2) args[k++] = cases[c].opt2;
        if (cases[c].val2) args[k++] = cases[c].val2;
        args[k++] = in;
        args[k++] = out;
        args[k] = NULL;
        unlink(out);
        run_t r = run_argv(args);
        ck_run_ok(r);
        run_free(&r);
        npy_t a = load_checked(out, "<f4", 1, &n);
        memcpy(y, a.data, n * sizeof *y);
        npy_release(&a);
        float p0 = (float)cases[c].p0, p1 = (float)cases[c].p1;
        for (size_t i = 0; i < n; ++i) {
            double want = ref_fwd(cases[c].op, (double)x[i], (double)p0, (double)p1);
            /* alpha * x rounded once to float */
            float wf = (float)want;
            if (isnan(wf)) {
                ck_assert_msg(isnan(y[i]), "%s(%a) = %a, want NaN", cases[c].op, (double)x[i],
                              (double)y[i]);
            } else {
                /* equal bits; +-0 alike; subnormal results may be flushed to zero */
                ck_assert_msg(memcmp(&wf, &y[i], sizeof wf) == 0 || (wf == 0 && y[i] == 0) ||
                                  (fabs(want) < 0x1p-126 && y[i] == 0),
                              "%s %s(%a) = %a, want %a", cases[c].op,
                              cases[c].opt ? cases[c].opt : "", (double)x[i], (double)y[i],
                              (double)wf);
            }
        }
    }
}
END_TEST

/* transcendental ops: within 4 ulp of a libm double reference */
START_TEST(test_forward_smooth)
{
    float x[2600];
    double want[2600];
    char failures[2048] = "";
    size_t n = make_inputs(x, 2400);
    x[n++] = NAN;
    const char *in = path_of("smooth_in.npy"), *out = path_of("smooth_out.npy");
    save_f32_1d(in, x, n);
    static const struct {
        const char *op, *opt, *val, *opt2, *val2;
        double      p0, p1;
    } cases[] = {
        {"elu", NULL, NULL, NULL, NULL, 1.0, 0},
        {"elu", "--alpha", "0.5", NULL, NULL, 0.5, 0},
        {"selu", NULL, NULL, NULL, NULL, 0, 0},
        {"celu", "--alpha", "2", NULL, NULL, 2.0, 0},
        {"gelu", NULL, NULL, NULL, NULL, 0, 0},
        {"gelu_tanh", NULL, NULL, NULL, NULL, 0, 0},
        {"silu", NULL, NULL, NULL, NULL, 0, 0},
        {"mish", NULL, NULL, NULL, NULL, 0, 0},
        {"softplus", NULL, NULL, NULL, NULL, 1.0, 20.0},
        {"softplus", "--beta", "2", "--threshold", "5", 2.0, 5.0},
        {"hardswish", NULL, NULL, NULL, NULL, 0, 0},
        {"hardsigmoid", NULL, NULL, NULL, NULL, 0, 0},
        {"sigmoid", NULL, NULL, NULL, NULL, 0, 0},
        {"tanh", NULL, NULL, NULL, NULL, 0, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
        const char *args[12];
        int k = 0;
        args[k++] = "apply";
        args[k++] = cases[c].op;
        if (cases[c].opt) args[k++] = cases[c].opt;
        if (cases[c].val) args[k++] = cases[c].val;
        if (cases[c].opt2) args[k++] = cases[c].opt2;
        if (cases[c].val2) args[k++] = cases[c].val2;
        args[k++] = in;
        args[k++] = out;
        args[k] = NULL;
        unlink(out);
        run_t r = run_argv(args);
        ck_run_ok(r);
        run_free(&r);
        npy_t a = load_checked(out, "<f4", 1, &n);
        for (size_t i = 0; i < n; ++i)
            want[i] = ref_fwd(cases[c].op, (double)x[i], cases[c].p0, cases[c].p1);
        char what[64], msg[256];
        snprintf(what, sizeof what, "%s%s%s", cases[c].op, cases[c].opt ? " " : "",
                 cases[c].opt ? cases[c].opt : "");
        f32_error(what, a.data, want, n, 4.0, msg, sizeof msg);
        npy_release(&a);
        if (msg[0] && strlen(failures) + strlen(msg) + 4 < sizeof failures) {
            strcat(failures, failures[0] ? "; " : "");
            strcat(failures, msg);
        }
    }
    ck_assert_msg(failures[0] == '\0', "beyond 4 ulp: %s", failures);
    /* infinities give the limits */
    float inf_in[2] = {INFINITY, -INFINITY};
    save_f32_1d(in, inf_in, 2);
    static const struct {
        const char *op;
        double      pos, neg;
    } lim[] = {{"elu", INFINITY, -1},   {"gelu", INFINITY, 0},   {"silu", INFINITY, 0},
               {"sigmoid", 1, 0},      {"tanh", 1, -1},         {"softplus", INFINITY, 0},
               {"hardswish", INFINITY, 0}, {"hardsigmoid", 1, 0}};
    for (size_t c = 0; c < sizeof lim / sizeof lim[0]; ++c) {
        unlink(out);
        run_t r = run("apply", lim[c].op, in, out, NULL);
        ck_run_ok(r);
        run_free(&r);
        size_t two = 2;
        npy_t a = load_checked(out, "<f4", 1, &two);
        const float *y = a.data;
        /* an infinite limit exactly, a finite one within the 4 ulp bound */
        for (int k = 0; k < 2; ++k) {
            double lw = k ? lim[c].neg : lim[c].pos, got = y[k];
            ck_assert_msg(isinf(lw) ? got == lw : fabs(got - lw) <= 4 * ulp_f32(lw),
                          "%s(%cinf) = %a, want %g", lim[c].op, k ? '-' : '+', got, lw);
        }
        npy_release(&a);
    }
}
END_TEST

/* N-d shapes, prelu weights and axes, crelu's doubled axis */
START_TEST(test_prelu_crelu)
{
    enum { A = 2, B = 3, Cc = 4, D = 5, N = A * B * Cc * D };
    float x[N], w[8];
    size_t shape[4] = {A, B, Cc, D};
    for (int i = 0; i < N; ++i) x[i] = (float)((i * 37 % 101) - 50) * 0.0625f;
    x[7] = 0.0f;
    x[8] = -0.0f;
    const char *in = path_of("pc_in.npy"), *out = path_of("pc_out.npy"), *wp = path_of("pc_w.npy");
    save_f32(in, 4, shape, x, N);
    for (int axis = -4; axis < 4; ++axis) {
        int ax = axis < 0 ? axis + 4 : axis;
        size_t C = shape[ax];
        for (size_t c = 0; c < C; ++c) w[c] = 0.125f * (float)(c + 1) - 0.25f;
        save_f32(wp, 1, &C, w, C);
        char axs[8];
        snprintf(axs, sizeof axs, "%d", axis);
        size_t inner = 1;
        for (int k = ax + 1; k < 4; ++k) inner *= shape[k];
        unlink(out);
        run_t r = axis == 1 ? run("apply", "prelu", "--weight", wp, in, out, NULL)
                            : run("apply", "prelu", "--axis", axs, "--weight", wp, in, out, NULL);
        ck_run_ok(r);
        run_free(&r);
        npy_t a = load_checked(out, "<f4", 4, shape);
        const float *y = a.data;
        for (int i = 0; i < N; ++i) {
            float wc = w[(size_t)i / inner % C];
            float want = x[i] < 0 ? wc * x[i] : x[i];
            ck_assert_msg(y[i] == want, "prelu axis %d [%d]: %a want %a", axis, i, (double)y[i],
                          (double)want);
        }
        npy_release(&a);

        /* crelu: concat(relu(x), relu(-x)) along the axis */
        unlink(out);
        r = run("apply", "crelu", "--axis", axs, in, out, NULL);
        ck_run_ok(r);
        run_free(&r);
        size_t oshape[4];
        memcpy(oshape, shape, sizeof oshape);
        oshape[ax] *= 2;
        a = load_checked(out, "<f4", 4, oshape);
        y = a.data;
        size_t outer = N / (C * inner);
        for (size_t o = 0; o < outer; ++o)
            for (size_t c = 0; c < 2 * C; ++c)
                for (size_t in_ = 0; in_ < inner; ++in_) {
                    float v = x[(o * C + c % C) * inner + in_];
                    if (c >= C) v = -v;
                    float want = v < 0 ? 0.0f : v;
                    float got = y[(o * 2 * C + c) * inner + in_];
                    ck_assert_msg(got == want, "crelu axis %d: %a want %a", axis, (double)got,
                                  (double)want);
                }
        npy_release(&a);
    }
    /* one shared weight */
    float w1 = 0.25f;
    size_t one = 1;
    save_f32(wp, 1, &one, &w1, 1);
    unlink(out);
    run_t r = run("apply", "prelu", "--weight", wp, in, out, NULL);
    ck_run_ok(r);
    run_free(&r);
    npy_t a = load_checked(out, "<f4", 4, shape);
    for (int i = 0; i < N; ++i)
        ck_assert(((float *)a.data)[i] == (x[i] < 0 ? 0.25f * x[i] : x[i]));
    npy_release(&a);
    /* a 1-d input has one channel (PyTorch), unless --axis says otherwise */
    size_t n1 = 5;
    save_f32(in, 1, &n1, x, 5);
    unlink(out);
    r = run("apply", "prelu", "--weight", wp, in, out, NULL);
    ck_run_ok(r);
    run_free(&r);
    a = load_checked(out, "<f4", 1, &n1);
    for (int i = 0; i < 5; ++i) ck_assert(((float *)a.data)[i] == (x[i] < 0 ? 0.25f * x[i] : x[i]));
    npy_release(&a);
}
END_TEST

START_TEST(test_backward)
{
    float x[2600], dy[2600];
    double want[2600];
    size_t n = make_inputs(x, 2400);
    for (size_t i = 0; i < n; ++i) dy[i] = (float)(0.75 + 0.5 * sin((double)i));
    const char *in = path_of("bw_in.npy"), *dyp = path_of("bw_dy.npy"),
               *out = path_of("bw_out.npy");
    save_f32_1d(in, x, n);
    save_f32_1d(dyp, dy, n);
    static const struct {
        const char *op, *opt, *val, *opt2, *val2;
        double      p0, p1, tol;
    } cases[] = {
        {"relu", NULL, NULL, NULL, NULL, 0, 0, 0},
        {"leaky_relu", "--alpha", "0.25", NULL, NULL, 0.25, 0, 0},
        {"relu6", NULL, NULL, NULL, NULL, 0, 0, 0},
        {"hardtanh", "--min", "-2", "--max", "3", -2, 3, 0},
        {"elu", NULL, NULL, NULL, NULL, 1, 0, 8},
        {"sigmoid", NULL, NULL, NULL, NULL, 0, 0, 8},
        {"tanh", NULL, NULL, NULL, NULL, 0, 0, 8},
        {"gelu", NULL, NULL, NULL, NULL, 0, 0, 8},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
        const char *args[14];
        int k = 0;
        args[k++] = "apply";
        args[k++] = cases[c].op;
        args[k++] = "--backward";
        args[k++] = dyp;
        if (cases[c].opt) args[k++] = cases[c].opt;
        if (cases[c].val) args[k++] = cases[c].val;
        if (cases[c].opt2) args[k++] = cases[c].opt2;
        if (cases[c].val2) args[k++] = cases[c].val2;
        args[k++] = in;
        args[k++] = out;
        args[k] = NULL;
        unlink(out);
        run_t r = run_argv(args);
        ck_run_ok(r);
        run_free(&r);
        npy_t a = load_checked(out, "<f4", 1, &n);
        const float *g = a.data;
        for (size_t i = 0; i < n; ++i) {
            double d = ref_grad(cases[c].op, (double)x[i], (double)(float)cases[c].p0,
                                (double)(float)cases[c].p1);
            want[i] = (double)dy[i] * d;
            if (cases[c].tol == 0) {
                float wf = (float)want[i];
                ck_assert_msg(g[i] == wf || (fabs(want[i]) < 0x1p-126 && g[i] == 0),
                              "%s' at %a: %a want %a", cases[c].op, (double)x[i],
                              (double)g[i], (double)wf);
            } else if (fabs((double)g[i] - want[i]) <= 1e-6 * fabs((double)dy[i])) {
                want[i] = (double)g[i]; /* near a zero of the derivative: absolute bound */
            }
        }
        if (cases[c].tol > 0) check_f32_close(cases[c].op, g, want, n, cases[c].tol);
        npy_release(&a);
    }
}
END_TEST

START_TEST(test_backward_prelu_crelu)
{
    enum { A = 3, C = 4, I = 50, N = A * C * I };
    float x[N], dy[2 * N], w[C];
    size_t shape[3] = {A, C, I}, wshape = C;
    for (int i = 0; i < N; ++i) x[i] = (float)(((i * 53) % 97) - 48) * 0.125f;
    for (int i = 0; i < 2 * N; ++i) dy[i] = (float)(((i * 29) % 31) - 15) * 0.0625f;
    for (int c = 0; c < C; ++c) w[c] = 0.1f * (float)(c + 1);
    const char *in = path_of("bp_in.npy"), *dyp = path_of("bp_dy.npy"), *wp = path_of("bp_w.npy"),
               *out = path_of("bp_out.npy"), *dwp = path_of("bp_dw.npy");
    save_f32(in, 3, shape, x, N);
    save_f32(dyp, 3, shape, dy, N);
    save_f32(wp, 1, &wshape, w, C);
    unlink(out);
    unlink(dwp);
    run_t r = run("apply", "prelu", "--weight", wp, "--backward", dyp, "--dweight", dwp, in, out,
                  NULL);
    ck_run_ok(r);
    run_free(&r);
    npy_t a = load_checked(out, "<f4", 3, shape);
    npy_t d = load_checked(dwp, "<f4", 1, &wshape);
    double dw[C] = {0};
    for (int i = 0; i < N; ++i) {
        int c = i / I % C;
        float want = x[i] > 0 ? dy[i] : w[c] * dy[i];
        ck_assert_msg(((float *)a.data)[i] == want, "prelu dx[%d]", i);
        if (x[i] <= 0) dw[c] += (double)x[i] * (double)dy[i];
    }
    for (int c = 0; c < C; ++c) {
        double got = ((float *)d.data)[c];
        ck_assert_msg(fabs(got - dw[c]) <= 1e-5 * fabs(dw[c]) + 1e-6, "dweight[%d] = %g want %g", c,
                      got, dw[c]);
    }
    npy_release(&a);
    npy_release(&d);

    /* crelu: dy has the doubled shape; dx = dy_pos (x > 0) - dy_neg (x < 0) */
    size_t dshape[3] = {A, 2 * C, I};
    save_f32(dyp, 3, dshape, dy, 2 * N);
    unlink(out);
    r = run("apply", "crelu", "--backward", dyp, in, out, NULL);
    ck_run_ok(r);
    run_free(&r);
    a = load_checked(out, "<f4", 3, shape);
    for (int o = 0; o < A; ++o)
        for (int c = 0; c < C; ++c)
            for (int i = 0; i < I; ++i) {
                float xv = x[(o * C + c) * I + i];
                float dp = dy[(o * 2 * C + c) * I + i], dn = dy[(o * 2 * C + C + c) * I + i];
                float want = (xv > 0 ? dp : 0.0f) - (xv < 0 ? dn : 0.0f);
                ck_assert(((float *)a.data)[(o * C + c) * I + i] == want);
            }
    npy_release(&a);
}
END_TEST

/* --dtype: the device stores bf16/f16/f64; OUT keeps IN's dtype */
START_TEST(test_dtypes)
{
    enum { N = 64 };
    float x[N];
    for (int i = 0; i < N - 12; ++i) x[i] = (float)((i - 20) * 0.3713) * (i % 3 ? 1.0f : 1e-3f);
    float special[12] = {1.0f + 0x1p-8f, 1.0f + 3 * 0x1p-8f, 1.0f + 0x1p-11f, 1.0f + 3 * 0x1p-11f,
                         65519.0f,       65520.0f,          1e-8f,            3e38f,
                         -2.5f,          0x1.fffffep127f,   1.0f + 0x1p-9f,   6e-8f};
    memcpy(x + N - 12, special, sizeof special);
    size_t n = N;
    const char *in = path_of("dt_in.npy"), *out = path_of("dt_out.npy");
    save_f32_1d(in, x, n);

    /* relu through bf16 and f16 storage: exact */
    static const char *const dts[] = {"bf16", "f16"};
    for (int k = 0; k < 2; ++k) {
        unlink(out);
        run_t r = run("apply", "relu", "--dtype", dts[k], in, out, NULL);
        ck_run_ok(r);
        run_free(&r);
        npy_t a = load_checked(out, "<f4", 1, &n);
        for (int i = 0; i < N; ++i) {
            double q = k == 0 ? round_bf16((double)x[i]) : round_f16((double)x[i]);
            double want = q < 0 ? 0 : q;
            ck_assert_msg((double)((float *)a.data)[i] == want, "relu %s at %a: %a want %a", dts[k],
                          (double)x[i], (double)((float *)a.data)[i], want);
        }
        npy_release(&a);
    }
    /* sigmoid through bf16: within one bf16 ulp of the exact result */
    unlink(out);
    run_t r = run("apply", "sigmoid", "--dtype", "bf16", in, out, NULL);
    ck_run_ok(r);
    run_free(&r);
    npy_t a = load_checked(out, "<f4", 1, &n);
    for (int i = 0; i < N; ++i) {
        double e = sigmoid_d(round_bf16((double)x[i]));
        double got = ((float *)a.data)[i];
        ck_assert_msg(round_bf16(got) == got, "bf16 result %a is not a bfloat16", got);
        ck_assert_msg(fabs(got - e) <= ulp_f32(e) * 65536.0, "bf16 sigmoid(%a) = %a want %a",
                      (double)x[i], got, e);
    }
    npy_release(&a);

    /* a float16 file in, a float16 file out */
    uint16_t h[N];
    double hv[N];
    for (int i = 0; i < N; ++i) {
        hv[i] = round_f16((double)x[i]);
        h[i] = half_bits(hv[i]);
    }
    npy_save_raw(in, 1, "<f2", 1, &n, h, sizeof h);
    unlink(out);
    r = run("apply", "relu", in, out, NULL);
    ck_run_ok(r);
    run_free(&r);
    a = load_checked(out, "<f2", 1, &n);
    for (int i = 0; i < N; ++i) {
        double got = half_value(((uint16_t *)a.data)[i]);
        ck_assert_msg(got == (hv[i] < 0 ? 0 : hv[i]), "f16 relu(%a) = %a", hv[i], got);
    }
    npy_release(&a);
    /* float16 file, bf16 storage: values rounded to bf16, written as f16 */
    unlink(out);
    r = run("apply", "relu", "--dtype", "bf16", in, out, NULL);
    ck_run_ok(r);
    run_free(&r);
    a = load_checked(out, "<f2", 1, &n);
    for (int i = 0; i < N; ++i) {
        double want = round_f16(round_bf16(hv[i] < 0 ? 0 : hv[i]));
        double got = half_value(((uint16_t *)a.data)[i]);
        ck_assert_msg(got == want, "f16 file via bf16: relu(%a) = %a want %a", hv[i], got, want);
    }
    npy_release(&a);

    if (!g_has_f64) {
        save_f32_1d(in, x, n);
        unlink(out);
        r = run("apply", "relu", "--dtype", "f64", in, out, NULL);
        ck_run_error(r);
        ck_assert(!file_exists(out));
        run_free(&r);
        return;
    }
    /* float64 file in and out */
    double xd[N], yd[N];
    for (int i = 0; i < N; ++i) xd[i] = (double)x[i] * (1.0 + 0x1p-40);
    xd[N - 3] = 1e300; /* beyond float */
    npy_save_raw(in, 1, "<f8", 1, &n, xd, sizeof xd);
    unlink(out);
    r = run("apply", "tanh", in, out, NULL);
    ck_run_ok(r);
    run_free(&r);
    a = load_checked(out, "<f8", 1, &n);
    memcpy(yd, a.data, sizeof yd);
    npy_release(&a);
    for (int i = 0; i < N; ++i) {
        double e = tanh(xd[i]);
        ck_assert_msg(fabs(yd[i] - e) <= 16 * ulp_f64(e), "f64 tanh(%a) = %a want %a", xd[i], yd[i],
                      e);
    }
    /* float64 file through float32 storage: a float32 result, stored as f64 */
    unlink(out);
    r = run("apply", "relu", "--dtype", "f32", in, out, NULL);
    ck_run_ok(r);
    run_free(&r);
    a = load_checked(out, "<f8", 1, &n);
    for (int i = 0; i < N; ++i) {
        double want = (double)(float)xd[i];
        want = want < 0 ? 0 : want;
        ck_assert_msg(((double *)a.data)[i] == want, "f64 via f32: relu(%a) = %a want %a", xd[i],
                      ((double *)a.data)[i], want);
    }
    npy_release(&a);
    /* float32 file through float64 storage: correctly rounded */
    save_f32_1d(in, x, n);
    unlink(out);
    r = run("apply", "sigmoid", "--dtype", "f64", in, out, NULL);
    ck_run_ok(r);
    run_free(&r);
    a = load_checked(out, "<f4", 1, &n);
    for (int i = 0; i < N; ++i) {
        double e = sigmoid_d((double)x[i]);
        ck_assert_msg(fabs((double)((float *)a.data)[i] - e) <= ulp_f32(e),
                      "f32 via f64: sigmoid(%a) = %a, want %a", (double)x[i],
                      (double)((float *)a.data)[i], e);
    }
    npy_release(&a);
}
END_TEST

/* shapes: 0-d, zero-size, many dimensions; .npy header versions */
START_TEST(test_shapes_and_headers)
{
    const char *in = path_of("sh_in.npy"), *out = path_of("sh_out.npy");
    float v = -3.5f, vals[24];
    for (int i = 0; i < 24; ++i) vals[i] = (float)(i - 12);

    npy_save_raw(in, 1, "<f4", 0, NULL, &v, sizeof v);
    unlink(out);
    run_t r = run("apply", "leaky_relu", "--alpha", "0.5", in, out, NULL);
    ck_run_ok(r);
    run_free(&r);
    npy_t a = load_checked(out, "<f4", 0, NULL);
    ck_assert_uint_eq(a.count, 1);
    ck_assert(((float *)a.data)[0] == -1.75f);
    npy_release(&a);

    size_t zshape[3] = {3, 0, 2};
    npy_save_raw(in, 1, "<f4", 3, zshape, NULL, 0);
    unlink(out);
    r = run("apply", "gelu", in, out, NULL);
    ck_run_ok(r);
    run_free(&r);
    a = load_checked(out, "<f4", 3, zshape);
    ck_assert_uint_eq(a.count, 0);
    npy_release(&a);
    unlink(out);
    r = run("apply", "crelu", "--axis", "0", in, out, NULL);
    ck_run_ok(r);
    run_free(&r);
    size_t zshape2[3] = {6, 0, 2};
    a = load_checked(out, "<f4", 3, zshape2);
    npy_release(&a);

    size_t many[12] = {1, 2, 1, 1, 3, 1, 1, 1, 2, 1, 1, 2};
    npy_save_raw(in, 1, "<f4", 12, many, vals, sizeof vals);
    unlink(out);
    r = run("apply", "relu", in, out, NULL);
    ck_run_ok(r);
    run_free(&r);
    a = load_checked(out, "<f4", 12, many);
    for (int i = 0; i < 24; ++i) ck_assert(((float *)a.data)[i] == (vals[i] < 0 ? 0 : vals[i]));
    npy_release(&a);
    /* prelu on axis 4 of a 12-d tensor */
    const char *wp = path_of("sh_w.npy");
    float w[3] = {0.5f, 0.25f, 0.125f};
    size_t three = 3;
    save_f32(wp, 1, &three, w, 3);
    unlink(out);
    r = run("apply", "prelu", "--axis", "4", "--weight", wp, in, out, NULL);
    ck_run_ok(r);
    run_free(&r);
    a = load_checked(out, "<f4", 12, many);
    for (int i = 0; i < 24; ++i) {
        float wc = w[i / 4 % 3];
        ck_assert(((float *)a.data)[i] == (vals[i] < 0 ? wc * vals[i] : vals[i]));
    }
    npy_release(&a);

    /* format versions 2.0 and 3.0, '=' and '|' byte orders, double quotes */
    size_t n4 = 4;
    for (int ver = 2; ver <= 3; ++ver) {
        npy_save_raw(in, ver, "<f4", 1, &n4, vals, 16);
        unlink(out);
        r = run("apply", "relu", in, out, NULL);
        ck_run_ok(r);
        run_free(&r);
        a = load_checked(out, "<f4", 1, &n4);
        npy_release(&a);
    }
    static const char *const hdrs[] = {
        "{'descr': '=f4', 'fortran_order': False, 'shape': (4,), }",
        "{'descr': '|f4', 'fortran_order': False, 'shape': (4,), }",
        "{\"shape\": (4,), \"fortran_order\": False, \"descr\": \"<f4\"}",
        "{'descr':'<f4','fortran_order':False,'shape':(2,2)}",
    };
    for (size_t k = 0; k < sizeof hdrs / sizeof hdrs[0]; ++k) {
        unsigned char buf[256];
        size_t hl = strlen(hdrs[k]) + 1;
        memcpy(buf, "\x93NUMPY\x01\x00", 8);
        buf[8] = (unsigned char)hl;
        buf[9] = 0;
        memcpy(buf + 10, hdrs[k], hl - 1);
        buf[10 + hl - 1] = '\n';
        memcpy(buf + 10 + hl, vals, 16);
        write_bytes(in, buf, 10 + hl + 16);
        unlink(out);
        r = run("apply", "relu", in, out, NULL);
        ck_assert_msg(r.rc == 0, "header %s refused: %s", hdrs[k], r.err);
        run_free(&r);
        ck_assert(npy_load(out, &a) == 0);
        ck_assert_uint_eq(a.count, 4);
        npy_release(&a);
    }
    /* IN == OUT is fine */
    save_f32_1d(in, vals, 4);
    r = run("apply", "relu", in, in, NULL);
    ck_run_ok(r);
    run_free(&r);
    a = load_checked(in, "<f4", 1, &n4);
    ck_assert(((float *)a.data)[0] == 0.0f);
    npy_release(&a);
}
END_TEST

/* every error: non-zero exit, one line on stderr, no OUT (and an existing OUT untouched) */
static void expect_failure(const char *const *args, const char *out)
{
    unlink(out);
    run_t r = run_argv(args);
    ck_run_error(r);
    ck_assert_msg(!file_exists(out), "failed run left %s behind (stderr: %s)", out, r.err);
    run_free(&r);
    /* the same failure must not touch an existing OUT */
    static const char keep[] = "precious contents";
    write_bytes(out, keep, sizeof keep);
    r = run_argv(args);
    ck_run_error(r);
    size_t len = 0;
    char *now = slurp(out, &len);
    ck_assert_msg(now && len == sizeof keep && memcmp(now, keep, len) == 0,
                  "failed run changed an existing OUT (%s)", r.err);
    free(now);
    run_free(&r);
    unlink(out);
    /* and no temporary file is left in the directory */
    DIR *d = opendir(g_dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        ck_assert_msg(strstr(e->d_name, "err_out.npy") == NULL, "left behind: %s", e->d_name);
    closedir(d);
}

#define FAIL_CASE(...)                                      \
    do {                                                    \
        const char *args_[] = {__VA_ARGS__, NULL};          \
        expect_failure(args_, out);                         \
    } while (0)

START_TEST(test_errors)
{
    const char *in = path_of("err_in.npy"), *out = path_of("err_out.npy"),
               *missing = path_of("does_not_exist.npy"), *bad = path_of("err_bad.npy"),
               *w = path_of("err_w.npy"), *dy = path_of("err_dy.npy"),
               *outdir = path_of("no_such_dir/x.npy");
    float x[24];
    for (int i = 0; i < 24; ++i) x[i] = (float)i - 12;
    size_t shape[3] = {2, 3, 4}, two = 2, s23[2] = {2, 3};
    save_f32(in, 3, shape, x, 24);

    FAIL_CASE("apply", "no_such_op", in, out);
    FAIL_CASE("apply", "relu", missing, out);
    FAIL_CASE("apply", "relu", in);
    FAIL_CASE("apply", "relu");
    FAIL_CASE("apply", "relu", in, out, "extra.npy");
    FAIL_CASE("apply", "relu", "--bogus", in, out);
    FAIL_CASE("apply", "relu", "--alpha", "0.1", in, out);
    FAIL_CASE("apply", "elu", "--beta", "2", in, out);
    FAIL_CASE("apply", "elu", "--alpha", "abc", in, out);
    FAIL_CASE("apply", "elu", "--alpha", "nan", in, out);
    FAIL_CASE("apply", "elu", in, out, "--alpha");
    FAIL_CASE("apply", "hardtanh", "--min", "2", "--max", "1", in, out);
    FAIL_CASE("apply", "softplus", "--beta", "-1", in, out);
    FAIL_CASE("apply", "relu", "--axis", "1", in, out);
    FAIL_CASE("apply", "relu", "--weight", w, in, out);
    FAIL_CASE("apply", "relu", "--dtype", "int8", in, out);
    FAIL_CASE("apply", "relu", "--dweight", w, in, out);
    FAIL_CASE("apply", "relu", "--device", "no-such-device-anywhere", in, out);
    FAIL_CASE("apply", "crelu", "--axis", "3", in, out);
    FAIL_CASE("apply", "crelu", "--axis", "x", in, out);

    /* prelu weights: missing, wrong count, unreadable */
    FAIL_CASE("apply", "prelu", in, out);
    float wv[4] = {0.1f, 0.2f, 0.3f, 0.4f};
    save_f32(w, 1, &two, wv, 2);
    FAIL_CASE("apply", "prelu", "--weight", w, in, out);
    FAIL_CASE("apply", "prelu", "--weight", missing, in, out);
    FAIL_CASE("apply", "prelu", "--weight", w, "--axis", "1", "--backward", in, "--dweight", out,
              in, out);

    /* backward: DY of the wrong shape */
    save_f32(dy, 2, s23, x, 6);
    FAIL_CASE("apply", "relu", "--backward", dy, in, out);
    save_f32(dy, 3, shape, x, 24); /* crelu needs (2, 6, 4) */
    FAIL_CASE("apply", "crelu", "--backward", dy, in, out);
    FAIL_CASE("apply", "relu", "--backward", missing, in, out);

    /* malformed and unsupported .npy files */
    write_bytes(bad, "garbage", 7);
    FAIL_CASE("apply", "relu", bad, out);
    write_bytes(bad, "", 0);
    FAIL_CASE("apply", "relu", bad, out);
    unsigned char head[256];
    size_t hl = npy_header(head, 1, "<f4", 3, shape);
    unsigned char *buf = malloc(hl + 200);
    memcpy(buf, head, hl);
    memcpy(buf + hl, x, 96);
    write_bytes(bad, buf, hl + 95); /* truncated data */
    FAIL_CASE("apply", "relu", bad, out);
    memset(buf + hl + 96, 0, 8);
    write_bytes(bad, buf, hl + 100); /* more data than the shape */
    FAIL_CASE("apply", "relu", bad, out);
    write_bytes(bad, buf, 30); /* truncated header */
    FAIL_CASE("apply", "relu", bad, out);
    buf[6] = 9; /* unknown format version */
    write_bytes(bad, buf, hl + 96);
    FAIL_CASE("apply", "relu", bad, out);
    free(buf);
    static const char *const bad_descr[] = {"<i4", ">f4", "|O", "<c8", "<f16", "f4", "<u2"};
    for (size_t k = 0; k < sizeof bad_descr / sizeof bad_descr[0]; ++k) {
        npy_save_raw(bad, 1, bad_descr[k], 1, &two, x, 8);
        FAIL_CASE("apply", "relu", bad, out);
    }
    static const char *const bad_hdr[] = {
        "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-4,), }",
        "{'descr': '<f4', 'fortran_order': False, }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'extra': 1}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4,)",
        "['descr', '<f4']",
        "{'descr': '<f4', 'fortran_order': Fals, 'shape': (4,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", /* 16 bytes for 3 */
    };
    for (size_t k = 0; k < sizeof bad_hdr / sizeof bad_hdr[0]; ++k) {
        unsigned char b2[256];
        size_t l = strlen(bad_hdr[k]) + 1;
        memcpy(b2, "\x93NUMPY\x01\x00", 8);
        b2[8] = (unsigned char)l;
        b2[9] = 0;
        memcpy(b2 + 10, bad_hdr[k], l - 1);
        b2[10 + l - 1] = '\n';
        memcpy(b2 + 10 + l, x, 16);
        write_bytes(bad, b2, 10 + l + 16);
        FAIL_CASE("apply", "relu", bad, out);
    }
    /* OUT in a directory that does not exist, or OUT a directory */
    {
        const char *args_[] = {"apply", "relu", in, outdir, NULL};
        run_t r = run_argv(args_);
        ck_run_error(r);
        run_free(&r);
        const char *args2[] = {"apply", "relu", in, g_dir, NULL};
        r = run_argv(args2);
        ck_run_error(r);
        run_free(&r);
        struct stat st;
        ck_assert(stat(g_dir, &st) == 0 && S_ISDIR(st.st_mode));
    }
    /* bench errors */
    {
        const char *a1[] = {"bench", "--ops", "nope", NULL};
        run_t r = run_argv(a1);
        ck_run_error(r);
        run_free(&r);
        const char *a2[] = {"bench", "--direction", "sideways", NULL};
        r = run_argv(a2);
        ck_run_error(r);
        run_free(&r);
        const char *a3[] = {"bench", "--size", "0", NULL};
        r = run_argv(a3);
        ck_run_error(r);
        run_free(&r);
    }
}
END_TEST

/* ---- a small JSON parser, enough to validate bench --json --------------------- */
typedef struct jnode {
    int           type; /* 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null */
    double        num;
    char         *str;
    char         *key;
    struct jnode *kids;
    int           nkids;
} jnode;

typedef struct {
    const char *p;
    int         ok;
} jparser;

static void jws(jparser *j)
{
    while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r') j->p++;
}

static char *jstring(jparser *j)
{
    if (*j->p != '"') {
        j->ok = 0;
        return NULL;
    }
    j->p++;
    size_t cap = 64, n = 0;
    char *s = malloc(cap);
    while (*j->p && *j->p != '"') {
        char c = *j->p++;
        if ((unsigned char)c < 0x20) j->ok = 0;
        if (c == '\\') {
            c = *j->p++;
            if (c == 'u') {
                for (int k = 0; k < 4; ++k)
                    if (!strchr("0123456789abcdefABCDEF", *j->p++ ? j->p[-1] : 'x')) j->ok = 0;
                c = '?';
            } else if (!strchr("\"\\/bfnrt", c) || !c) {
                j->ok = 0;
                break;
            }
        }
        if (n + 2 > cap) s = realloc(s, cap *= 2);
        s[n++] = c;
    }
    s[n] = '\0';
    if (*j->p != '"') j->ok = 0;
    else j->p++;
    return s;
}

static void jvalue(jparser *j, jnode *v, int depth)
{
    memset(v, 0, sizeof *v);
    jws(j);
    if (depth > 32) {
        j->ok = 0;
        return;
    }
    if (*j->p == '{' || *j->p == '[') {
        int obj = *j->p == '{';
        v->type = obj ? 'o' : 'a';
        j->p++;
        jws(j);
        if (*j->p == (obj ? '}' : ']')) {
            j->p++;
            return;
        }
        for (;;) {
            v->kids = realloc(v->kids, (size_t)(v->nkids + 1) * sizeof *v->kids);
            jnode *k = &v->kids[v->nkids++];
            char *key = NULL;
            if (obj) {
                jws(j);
                key = jstring(j);
                jws(j);
                if (*j->p != ':') j->ok = 0;
                else j->p++;
            }
            jvalue(j, k, depth + 1);
            k->key = key;
            if (!j->ok) return;
            jws(j);
            if (*j->p == ',') {
                j->p++;
                continue;
            }
            if (*j->p == (obj ? '}' : ']')) {
                j->p++;
                return;
            }
            j->ok = 0;
            return;
        }
    }
    if (*j->p == '"') {
        v->type = 's';
        v->str = jstring(j);
        return;
    }
    if (!strncmp(j->p, "true", 4) || !strncmp(j->p, "false", 5)) {
        v->type = 'b';
        j->p += j->p[0] == 't' ? 4 : 5;
        return;
    }
    if (!strncmp(j->p, "null", 4)) {
        v->type = 'z';
        j->p += 4;
        return;
    }
    /* number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    const char *s = j->p;
    if (*s == '-') s++;
    if (*s == '0') s++;
    else if (*s >= '1' && *s <= '9')
        while (*s >= '0' && *s <= '9') s++;
    else {
        j->ok = 0;
        return;
    }
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9')) j->ok = 0;
        while (*s >= '0' && *s <= '9') s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') s++;
        if (!(*s >= '0' && *s <= '9')) j->ok = 0;
        while (*s >= '0' && *s <= '9') s++;
    }
    v->type = 'n';
    v->num = strtod(j->p, NULL);
    j->p = s;
}

static void jfree(jnode *v)
{
    for (int i = 0; i < v->nkids; ++i) jfree(&v->kids[i]);
    free(v->kids);
    free(v->str);
    free(v->key);
}

static const jnode *jget(const jnode *o, const char *key)
{
    for (int i = 0; o->type == 'o' && i < o->nkids; ++i)
        if (o->kids[i].key && !strcmp(o->kids[i].key, key)) return &o->kids[i];
    return NULL;
}

START_TEST(test_bench_json)
{
    run_t r = run("bench", "--json", "--size", "4096", "--ops", "relu", NULL);
    ck_assert_msg(r.rc == 0, "bench exited %d: %s", r.rc, r.err);
    jparser j = {r.out, 1};
    jnode root;
    jvalue(&j, &root, 0);
    jws(&j);
    ck_assert_msg(j.ok && *j.p == '\0', "stdout is not exactly one JSON value: %s", r.out);
    ck_assert_int_eq(root.type, 'o');
    const jnode *dev = jget(&root, "device"), *cg = jget(&root, "copy_gbps"),
                *res = jget(&root, "results");
    ck_assert_msg(dev && dev->type == 's' && dev->str[0], "no device string");
    ck_assert_msg(cg && cg->type == 'n' && cg->num > 0, "no copy_gbps");
    ck_assert_msg(res && res->type == 'a', "no results array");
    ck_assert_int_eq(res->nkids, 2); /* relu forward and backward */
    int fwd = 0, bwd = 0;
    for (int i = 0; i < res->nkids; ++i) {
        const jnode *e = &res->kids[i];
        ck_assert_int_eq(e->type, 'o');
        const jnode *op = jget(e, "op"), *dt = jget(e, "dtype"), *dir = jget(e, "direction"),
                    *n = jget(e, "n"), *gb = jget(e, "gbps"), *fr = jget(e, "fraction_of_copy"),
                    *hu = jget(e, "host_us");
        ck_assert(op && op->type == 's' && !strcmp(op->str, "relu"));
        ck_assert(dt && dt->type == 's' && !strcmp(dt->str, "f32"));
        ck_assert(dir && dir->type == 's');
        fwd += !strcmp(dir->str, "forward");
        bwd += !strcmp(dir->str, "backward");
        ck_assert(n && n->type == 'n' && n->num == 4096);
        ck_assert(gb && gb->type == 'n' && gb->num > 0);
        ck_assert(fr && fr->type == 'n' && fr->num > 0);
        ck_assert(hu && hu->type == 'n' && hu->num > 0);
    }
    ck_assert(fwd == 1 && bwd == 1);
    jfree(&root);
    run_free(&r);

    /* the readable table */
    r = run("bench", "--size", "4096", "--ops", "leaky_relu,crelu", "--direction", "forward",
            "--quiet", "--time", "0.05", NULL);
    ck_assert_msg(r.rc == 0, "bench exited %d: %s", r.rc, r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "leaky_relu"));
    ck_assert_ptr_nonnull(strstr(r.out, "crelu"));
    ck_assert_ptr_null(strstr(r.out, "backward"));
    run_free(&r);
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_version_help);
    tcase_add_test(tc, test_devices);
    tcase_add_test(tc, test_forward_exact);
    tcase_add_test(tc, test_forward_smooth);
    tcase_add_test(tc, test_prelu_crelu);
    tcase_add_test(tc, test_backward);
    tcase_add_test(tc, test_backward_prelu_crelu);
    tcase_add_test(tc, test_dtypes);
    tcase_add_test(tc, test_shapes_and_headers);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_bench_json);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    size_t count = 0;
    clact_device_info info[4];
    clact_status st = clact_devices(info, 4, &count);
    if (st != CLACT_SUCCESS || count == 0) {
        printf("no OpenCL device: skipping the CLI tests\n");
        return 77;
    }
    if (access(CLACT_TOOL_PATH, X_OK) != 0) {
        printf("the clact tool is missing: %s\n", CLACT_TOOL_PATH);
        return 1;
    }
    clact_context *ctx = NULL;
    if (clact_context_create(&ctx, NULL) != CLACT_SUCCESS) {
        printf("no usable default OpenCL device: skipping the CLI tests\n");
        return 77;
    }
    g_has_f64 = clact_context_supports(ctx, CLACT_F64) == CLACT_SUCCESS;
    clact_context_destroy(ctx);
    mk_dir();
    SRunner *sr = srunner_create(cli_suite());
    /* no fork: the OpenCL runtime's threads live in this process */
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (failed == 0) rm_dir();
    return failed ? 1 : 0;
}
