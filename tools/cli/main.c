/* main.c - the clact command-line tool: devices, apply, bench. */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "npy.h"
#include "train_cmds.h"

#define CLI_MSG_MAX 900

/* One line: control characters become spaces, runs of spaces collapse,
 * and very long details (build logs) are cut. */
static void one_line(char *s)
{
    char *w = s;
    int space = 0;
    for (char *r = s; *r; ++r) {
        unsigned char c = (unsigned char)*r;
        if (c < 0x20 || c == 0x7f) c = ' ';
        if (c == ' ') {
            if (space) continue;
            space = 1;
        } else {
            space = 0;
        }
        *w++ = (char)c;
    }
    while (w > s && w[-1] == ' ') --w;
    *w = '\0';
    if (strlen(s) > CLI_MSG_MAX) strcpy(s + CLI_MSG_MAX - 3, "...");
}

static void vreport(const char *kind, const char *fmt, va_list ap)
{
    char msg[4096];
    vsnprintf(msg, sizeof msg, fmt, ap);
    one_line(msg);
    fflush(stdout);
    fprintf(stderr, "clact: %s: %s\n", kind, msg);
    fflush(stderr);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("error", fmt, ap);
    va_end(ap);
}

void cli_warning(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("warning", fmt, ap);
    va_end(ap);
}

const char *cli_status_detail(clact_status s)
{
    static char buf[2048];
    const char *name = clact_status_string(s);
    const char *detail = clact_last_error();
    if (detail && detail[0] && strcmp(detail, name) != 0)
        snprintf(buf, sizeof buf, "%s: %s", name, detail);
    else
        snprintf(buf, sizeof buf, "%s", name);
    one_line(buf);
    return buf;
}

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; ++a, ++b)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
    return *a == *b;
}

int cli_parse_dtype(const char *s, clact_dtype *out)
{
    static const struct {
        const char *name;
        clact_dtype t;
    } names[] = {{"f32", CLACT_F32},     {"float32", CLACT_F32}, {"float", CLACT_F32},
                 {"f16", CLACT_F16},     {"float16", CLACT_F16}, {"half", CLACT_F16},
                 {"bf16", CLACT_BF16},   {"bfloat16", CLACT_BF16},
                 {"f64", CLACT_F64},     {"float64", CLACT_F64}, {"double", CLACT_F64}};
    if (!s) return -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i)
        if (ieq(s, names[i].name)) {
            *out = names[i].t;
            return 0;
        }
    return -1;
}

int cli_parse_double(const char *s, double *out)
{
    if (!s || !*s || isspace((unsigned char)*s)) return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end != '\0') return -1;
    if (errno == ERANGE && fabs(v) > 1.0) return -1; /* overflow; underflow is fine */
    *out = v;
    return 0;
}

int cli_parse_int(const char *s, int *out)
{
    if (!s || !*s || isspace((unsigned char)*s)) return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || errno == ERANGE || v < -1000000 || v > 1000000) return -1;
    *out = (int)v;
    return 0;
}

int cli_match_option(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0) return 0;
    if (a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (a[n] != '\0') return 0;
    if (*i + 1 < argc) {
        *value = argv[++*i];
    } else {
        *value = NULL;
    }
    return 1;
}

int cli_parse_op_list(const char *s, unsigned char *sel)
{
    memset(sel, 0, CLACT_OP_COUNT);
    if (!s || !*s) return -1;
    if (ieq(s, "all")) {
        memset(sel, 1, CLACT_OP_COUNT);
        return 0;
    }
    if (ieq(s, "none")) return 0;
    char buf[1024];
    if (strlen(s) >= sizeof buf) return -1;
    strcpy(buf, s);
    for (char *tok = buf, *next; tok; tok = next) {
        next = strchr(tok, ',');
        if (next) *next++ = '\0';
        if (!*tok) continue;
        clact_op op;
        if (clact_op_from_name(&op, tok) != CLACT_SUCCESS) {
            cli_error("unknown op '%s' (see 'clact apply --help' for the list)", tok);
            return -1;
        }
        sel[op] = 1;
    }
    return 0;
}

/* ---- usage ----------------------------------------------------------------- */
void usage_main(FILE *s)
{
    fprintf(s,
            "usage: clact <command> [options]\n"
            "\n"
            "Neural-network activation functions on any OpenCL device.\n"
            "\n"
            "commands:\n"
            "  devices                          list OpenCL devices, the default marked '*'\n"
            "  apply OP [options] IN.npy OUT.npy\n"
            "                                   apply an activation (forward or backward)\n"
            "  bench [options]                  measure throughput against a copy kernel\n"
            "  dense [options] X.npy OUT.npy    a dense layer: OP(X W^T + b)\n"
            "  train [options]                  train a small network on the device\n"
            "  cache dir|clear|prebuild         the program cache\n"
            "  tune [options]                   tune launch parameters for the device\n"
            "\n"
            "  clact --version                  print the version\n"
            "  clact <command> --help           help on one command\n"
            "\n"
            "The device is chosen by --device SPEC or the CLACT_DEVICE environment variable:\n"
            "gpu | cpu | accelerator | P:D (platform:device index) | a name substring.\n");
}

void usage_devices(FILE *s)
{
    fprintf(s, "usage: clact devices\n"
               "\n"
               "One line per OpenCL device: '*' and (default) mark the device clact picks\n"
               "without --device (CLACT_DEVICE, else the first GPU, else the first CPU).\n"
               "Columns: platform:device index (usable as --device P:D), type, platform /\n"
               "device / vendor, OpenCL version.\n");
}

void usage_apply(FILE *s)
{
    fprintf(s, "usage: clact apply OP [options] IN.npy OUT.npy\n"
               "\n"
               "Apply activation OP to IN (NumPy .npy: little-endian float16/32/64, C order,\n"
               "any shape) and write OUT (same dtype as IN).\n"
               "\n"
               "options:\n"
               "  --alpha A --beta B --min V --max V --threshold T\n"
               "                       the op's parameters (PyTorch names and defaults)\n"
               "  --weight W.npy       prelu weights: one per channel, or a single one\n"
               "  --axis K             prelu/crelu channel axis (default 1; negative counts\n"
               "                       from the end)\n"
               "  --backward DY.npy    write dx = dy * OP'(IN) instead of OP(IN); DY has the\n"
               "                       output's shape (crelu: the doubled one)\n"
               "  --dweight DW.npy     prelu with --backward: also write the weight gradient\n"
               "  --dtype T            device storage type: f32, f16, bf16 or f64 (default:\n"
               "                       IN's dtype); values are rounded to nearest even\n"
               "  --device SPEC        gpu | cpu | accelerator | P:D | name substring\n"
               "                       (default: CLACT_DEVICE, else first GPU, else CPU)\n"
               "\n"
               "ops and their parameters:\n");
    for (int op = 0; op < CLACT_OP_COUNT; ++op) {
        clact_activation a;
        int np = clact_op_param_count((clact_op)op);
        char line[256];
        size_t used = 0;
        line[0] = '\0';
        if (clact_activation_init(&a, (clact_op)op) == CLACT_SUCCESS)
            for (int i = 0; i < np && used < sizeof line; ++i)
                used += (size_t)snprintf(line + used, sizeof line - used, " --%s %g",
                                         clact_op_param_name((clact_op)op, i), a.param[i]);
        unsigned fl = clact_op_flags((clact_op)op);
        if ((fl & CLACT_OPF_WEIGHT) && used < sizeof line)
            used += (size_t)snprintf(line + used, sizeof line - used, " --weight W.npy [--axis 1]");
        if ((fl & CLACT_OPF_CONCAT) && used < sizeof line)
            used += (size_t)snprintf(line + used, sizeof line - used, " [--axis 1]");
        if (line[0])
            fprintf(s, "  %-12s%s\n", clact_op_name((clact_op)op), line);
        else
            fprintf(s, "  %s\n", clact_op_name((clact_op)op));
    }
}

void usage_bench(FILE *s)
{
    fprintf(s,
            "usage: clact bench [--ops LIST] [--dtype T] [--size N] "
            "[--direction forward|backward|both] [--json]\n"
            "                   [--time S] [--quiet] [--dense MxNxK] [--device SPEC]\n"
            "\n"
            "Throughput of each op in GB/s (bytes read + written) and as a fraction of a\n"
            "copy kernel measured in the same run on the same device; host cost of one\n"
            "call (host_us) and latency of a 4096-element call (latency_us).\n"
            "\n"
            "options:\n"
            "  --ops LIST           comma-separated op names, all (default) or none\n"
            "  --dtype T            f32 (default), f16, bf16, f64, a comma list, or all\n"
            "  --size N             elements per tensor; a comma list sweeps; suffixes\n"
            "                       K, M, G (binary) and 2^K are accepted. Default: at least\n"
            "                       4x the device's last-level cache and 2^24 elements\n"
            "  --direction D        forward, backward or both (default)\n"
            "  --json               print one JSON object on stdout\n"
            "  --time S             target seconds per measurement (default 0.3)\n"
            "  --quiet              no progress lines on stderr\n"
            "  --dense MxNxK        also time the dense layer (GEMM, forward, backward; f32,\n"
            "                       GFLOP/s); --ops none times it alone\n"
            "  --device SPEC        as CLACT_DEVICE\n");
}

/* ---- devices --------------------------------------------------------------- */
static const char *type_name(cl_device_type t)
{
    if (t & CL_DEVICE_TYPE_GPU) return "gpu";
    if (t & CL_DEVICE_TYPE_CPU) return "cpu";
    if (t & CL_DEVICE_TYPE_ACCELERATOR) return "accelerator";
    return "other";
}

int cmd_devices(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage_devices(stdout);
            return 0;
        }
        cli_error("devices: unexpected argument '%s' (usage: clact devices)", argv[i]);
        return CLI_EXIT_USAGE;
    }
    clact_device_info local[16];
    size_t count = 0;
    clact_status st = clact_devices(local, 16, &count);
    if (st != CLACT_SUCCESS) {
        cli_error("no OpenCL device: %s", cli_status_detail(st));
        return CLI_EXIT_FAIL;
    }
    if (count == 0) {
        cli_error("no OpenCL device found");
        return CLI_EXIT_FAIL;
    }
    clact_device_info *info = local;
    size_t got = count;
    if (count > 16) {
        info = calloc(count, sizeof *info);
        if (!info) {
            cli_error("out of memory");
            return CLI_EXIT_FAIL;
        }
        st = clact_devices(info, count, &got);
        if (st != CLACT_SUCCESS) {
            free(info);
            cli_error("cannot list devices: %s", cli_status_detail(st));
            return CLI_EXIT_FAIL;
        }
    }
    if (got < count) count = got;
    for (size_t i = 0; i < count; ++i) {
        const clact_device_info *d = &info[i];
        printf("%c %u:%u  %-4s %s / %s / %s (%s)%s\n", d->is_default ? '*' : ' ',
               d->platform_index, d->device_index, type_name(d->type), d->platform, d->name,
               d->vendor, d->version, d->is_default ? "  (default)" : "");
    }
    if (info != local) free(info);
    return fflush(stdout) == 0 ? 0 : CLI_EXIT_FAIL;
}

/* ---- entry ------------------------------------------------------------------- */
int main(int argc, char **argv)
{
    if (argc < 2) {
        cli_error("no command given (try 'clact --help')");
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    npy_install_signal_cleanup();
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        if (argc > 2 && !strcmp(cmd, "help")) {
            if (!strcmp(argv[2], "devices")) usage_devices(stdout);
            else if (!strcmp(argv[2], "apply")) usage_apply(stdout);
            else if (!strcmp(argv[2], "bench")) usage_bench(stdout);
            else if (!strcmp(argv[2], "cache")) usage_cache(stdout);
            else if (!strcmp(argv[2], "tune")) usage_tune(stdout);
            else if (!strcmp(argv[2], "dense") || !strcmp(argv[2], "train")) {
                static char help_opt[] = "--help";
                char *sub[2] = {argv[2], help_opt};
                return !strcmp(argv[2], "dense") ? clact_cmd_dense(2, sub) : clact_cmd_train(2, sub);
            }
            else {
                cli_error("unknown command '%s' (commands: devices, apply, bench, dense, train, cache, tune)", argv[2]);
                return CLI_EXIT_USAGE;
            }
            return 0;
        }
        usage_main(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V") || !strcmp(cmd, "version")) {
        printf("clact %s (library %s)\n", CLACT_VERSION_STRING, clact_version_string());
        return 0;
    }
    if (!strcmp(cmd, "devices")) return cmd_devices(argc - 1, argv + 1);
    if (!strcmp(cmd, "apply")) return cmd_apply(argc - 1, argv + 1);
    if (!strcmp(cmd, "bench")) return cmd_bench(argc - 1, argv + 1);
    if (!strcmp(cmd, "dense")) return clact_cmd_dense(argc - 1, argv + 1);
    if (!strcmp(cmd, "train")) return clact_cmd_train(argc - 1, argv + 1);
    if (!strcmp(cmd, "cache")) return cmd_cache(argc - 1, argv + 1);
    if (!strcmp(cmd, "tune")) return cmd_tune(argc - 1, argv + 1);
    if (cmd[0] == '-')
        cli_error("unknown option '%s' (try 'clact --help')", cmd);
    else
        cli_error("unknown command '%s' (commands: devices, apply, bench, dense, train, cache, tune; try "
                  "'clact --help')",
                  cmd);
    return CLI_EXIT_USAGE;
}
