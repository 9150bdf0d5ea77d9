/* ulp_sweep.c - clact_ulp_sweep: the worst float32 error of each op over a
 * large sample of the whole float range, forward and backward, against the
 * long-double reference. A development tool (not a ctest test): run it on
 * a formula change before landing it.
 *
 *   clact_ulp_sweep [--ops gelu,silu] [--step K] [--direction forward|backward|both]
 *                   [--dtype f16|bf16] [--range LO HI]
 *
 * Inputs: every K-th float32 bit pattern (K odd, default 997, about 4.3
 * million values; 97 gives 44 million), so every binade and both signs are
 * sampled. --range LO HI takes every K-th float32 from LO to HI in
 * order instead (K defaults to 1 there: every float of the interval), to
 * look closely at a region such as a derivative's root. dy = 1, so the
 * backward result is f'(x). A NaN input must give NaN; for the others the distance to the exact value is scored in ulp of
 * the result (ulp.h). Prints one line per op and direction: the largest
 * error, the input where it occurred, how many results exceed the contract
 * bound (4 ulp forward, 8 backward). Exits 1 if any result does, 77 when
 * there is no OpenCL device. crelu is relu twice and is skipped.
 *
 * --dtype f16 or bf16: every one of the 65536 inputs of that storage type,
 * scored in ulp of the type against the exact value rounded to it (0: the
 * correctly rounded result); also counts the results that are not
 * correctly rounded. The bound is 1 ulp both ways. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define CHUNK ((size_t)1 << 22)

typedef struct {
    double      worst;
    float       at;
    size_t      over, nan_bad, n;
} score;

static void run_chunk(clact_op op, int backward, clact_dtype dt, const void *x, size_t n, cl_mem bx, cl_mem bdy,
                      cl_mem bout, cl_mem bw, void *out)
{
    const size_t es = dt == CLACT_F32 ? 4 : 2;
    clact_activation act;
    clact_activation_init(&act, op);
    act.axis = 0;
    act.weight_count = op == CLACT_OP_PRELU ? 1 : 0;
    const clact_tensor t = {dt, 1, {n}};
    cl_command_queue q = tu_queue();
    if (clEnqueueWriteBuffer(q, bx, CL_TRUE, 0, n * es, x, 0, NULL, NULL) != CL_SUCCESS) {
        fprintf(stderr, "clact_ulp_sweep: cannot upload inputs\n");
        exit(2);
    }
    clact_status s = backward ? clact_backward(tu_ctx(), &act, &t, CLACT_FROM_X, bx, 0, bdy, 0, bout, 0, bw, NULL,
                                               0, NULL, NULL)
                              : clact_forward(tu_ctx(), &act, &t, bx, 0, bout, 0, bw, 0, NULL, NULL);
    if (s != CLACT_SUCCESS) {
        fprintf(stderr, "clact_ulp_sweep: %s: %s\n", clact_op_name(op), clact_last_error());
        exit(2);
    }
    if (clEnqueueReadBuffer(q, bout, CL_TRUE, 0, n * es, out, 0, NULL, NULL) != CL_SUCCESS) {
        fprintf(stderr, "clact_ulp_sweep: cannot read results\n");
        exit(2);
    }
}

/* outside a Check test: the tu_ helpers that assert are not usable */
static cl_mem buffer(size_t bytes)
{
    cl_int err;
    cl_mem b = clCreateBuffer(tu_cl_context(), CL_MEM_READ_WRITE, bytes, NULL, &err);
    if (!b) {
        fprintf(stderr, "clact_ulp_sweep: cannot allocate %zu bytes (%d)\n", bytes, err);
        exit(2);
    }
    return b;
}

/* float32 bit patterns as integers in the numbers' order (-0 and +0 both 0) */
static int64_t ordered(float f)
{
    uint32_t b;
    memcpy(&b, &f, 4);
    return b >> 31 ? -(int64_t)(b & 0x7fffffffu) : (int64_t)b;
}
static uint32_t unordered(int64_t o) { return o < 0 ? 0x80000000u | (uint32_t)-o : (uint32_t)o; }

int main(int argc, char **argv)
{
    const char *ops = "all";
    unsigned long step = 997;
    int range = 0, step_given = 0;
    float rlo = 0, rhi = 0;
    int fwd = 1, bwd = 1;
    clact_dtype dt = CLACT_F32;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--ops") && i + 1 < argc) ops = argv[++i];
        else if (!strcmp(argv[i], "--step") && i + 1 < argc) {
            step = strtoul(argv[++i], NULL, 10);
            step_given = 1;
        }
        else if (!strcmp(argv[i], "--direction") && i + 1 < argc) {
            const char *d = argv[++i];
            fwd = !strcmp(d, "forward") || !strcmp(d, "both");
            bwd = !strcmp(d, "backward") || !strcmp(d, "both");
        } else if (!strcmp(argv[i], "--range") && i + 2 < argc) {
            range = 1;
            rlo = strtof(argv[i + 1], NULL);
            rhi = strtof(argv[i + 2], NULL);
            i += 2;
        } else if (!strcmp(argv[i], "--dtype") && i + 1 < argc && (!strcmp(argv[i + 1], "f16") || !strcmp(argv[i + 1], "bf16"))) {
            dt = !strcmp(argv[++i], "f16") ? CLACT_F16 : CLACT_BF16;
        } else {
            fprintf(stderr, "usage: clact_ulp_sweep [--ops LIST] [--step K] [--direction forward|backward|both]"
                            " [--range LO HI]"
                            " [--dtype f16|bf16]\n");
            return 2;
        }
    }
    if (range && !step_given) step = 1;
    if (step == 0 || !(fwd || bwd) || (range && (dt != CLACT_F32 || !(rlo <= rhi)))) {
        fprintf(stderr, "clact_ulp_sweep: --step must be positive, --direction forward, backward or both,"
                        " --range two ordered float32 numbers\n");
        return 2;
    }
    int pick[CLACT_OP_COUNT];
    for (int op = 0; op < CLACT_OP_COUNT; ++op) pick[op] = !strcmp(ops, "all");
    if (!pick[0]) { /* a comma-separated list */
        char list[512];
        snprintf(list, sizeof list, "%s", ops);
        for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
            clact_op op;
            if (clact_op_from_name(&op, tok) != CLACT_SUCCESS) {
                fprintf(stderr, "clact_ulp_sweep: unknown op '%s'\n", tok);
                return 2;
            }
            pick[op] = 1;
        }
    }
    tu_init();
    float *x = malloc(CHUNK * sizeof *x), *out = malloc(CHUNK * sizeof *out), *ones = malloc(CHUNK * sizeof *ones);
    if (!x || !out || !ones) return 2;
    uint16_t *x16 = (uint16_t *)x, *out16 = (uint16_t *)out, *ones16 = (uint16_t *)ones;
    const int narrow = dt != CLACT_F32;
    for (size_t k = 0; k < CHUNK; ++k) {
        if (narrow) ones16[k] = dt == CLACT_F16 ? 0x3c00 : 0x3f80;
        else ones[k] = 1.0f;
    }
    cl_mem bx = buffer(CHUNK * 4), bdy = buffer(CHUNK * 4), bout = buffer(CHUNK * 4), bw = buffer(4);
    clEnqueueWriteBuffer(tu_queue(), bdy, CL_TRUE, 0, CHUNK * 4, ones, 0, NULL, NULL);
    const int64_t olo = ordered(rlo);
    const uint64_t total = narrow ? 65536 : range ? (uint64_t)(ordered(rhi) - olo) / step + 1 : ((uint64_t)1 << 32) / step;
    if (narrow) step = 1;
    int bad = 0;
    printf("%-12s %-9s %12s %14s %8s %8s%s\n", "op", "direction", "worst ulp", "at x", "over", "inputs",
           narrow ? "  not rounded" : "");
    for (int op = 0; op < CLACT_OP_COUNT; ++op) {
        const char *name = clact_op_name((clact_op)op);
        if (!pick[op] || op == CLACT_OP_CRELU) continue;
        double p[2];
        ref_defaults((clact_op)op, p);
        const float w = (float)p[0];
        const uint16_t w16 = dt == CLACT_F16 ? ulp_float_to_half(w) : ulp_float_to_bf16(w);
        clEnqueueWriteBuffer(tu_queue(), bw, CL_TRUE, 0, narrow ? 2 : 4, narrow ? (const void *)&w16 : (const void *)&w,
                             0, NULL, NULL);
        if (narrow && op == CLACT_OP_PRELU) p[0] = dt == CLACT_F16 ? ulp_half_to_float(w16) : ulp_bf16_to_float(w16);
        for (int dir = 0; dir < 2; ++dir) {
            if ((dir == 0 && !fwd) || (dir == 1 && !bwd)) continue;
            const double bound = narrow ? 1.0 : dir ? 8.0 : 4.0;
            score sc = {0, 0, 0, 0, 0};
            size_t inexact = 0;
            for (uint64_t i0 = 0; i0 < total; i0 += CHUNK) {
                const size_t n = (size_t)(total - i0 < CHUNK ? total - i0 : CHUNK);
                for (size_t k = 0; k < n; ++k) {
                    const uint32_t b = range ? unordered(olo + (int64_t)((i0 + k) * step)) : (uint32_t)((i0 + k) * step);
                    if (narrow) x16[k] = (uint16_t)b;
                    else memcpy(&x[k], &b, 4);
                }
                run_chunk((clact_op)op, dir, dt, x, n, bx, bdy, bout, bw, out);
                for (size_t k = 0; k < n; ++k) {
                    ++sc.n;
                    const float xv = !narrow ? x[k] : dt == CLACT_F16 ? ulp_half_to_float(x16[k]) : ulp_bf16_to_float(x16[k]);
                    const float ov = !narrow ? out[k] : dt == CLACT_F16 ? ulp_half_to_float(out16[k]) : ulp_bf16_to_float(out16[k]);
                    if (isnan(xv)) {
                        sc.nan_bad += !isnan(ov);
                        continue;
                    }
                    const long double want = dir ? ref_grad((clact_op)op, p, xv) : ref_fwd((clact_op)op, p, xv);
                    const double d = !narrow ? ulp_dist_f32(out[k], want)
                                   : dt == CLACT_F16 ? ulp_dist_f16(out16[k], want) : ulp_dist_bf16(out16[k], want);
                    if (d > bound) ++sc.over;
                    inexact += d > 0;
                    if (d > sc.worst || isnan(d)) {
                        sc.worst = d;
                        sc.at = xv;
                    }
                }
            }
            printf("%-12s %-9s %12.3f %14.7g %8zu %8zu", name, dir ? "backward" : "forward", sc.worst, (double)sc.at,
                   sc.over, sc.n);
            if (narrow) printf("  %11zu", inexact);
            printf("%s\n", sc.nan_bad ? "  NaN lost" : "");
            fflush(stdout);
            bad |= sc.over != 0 || sc.nan_bad != 0;
        }
    }
    clReleaseMemObject(bx);
    clReleaseMemObject(bdy);
    clReleaseMemObject(bout);
    clReleaseMemObject(bw);
    free(x);
    free(out);
    free(ones);
    tu_fini();
    return bad;
}
