/* Training on the device: softmax cross-entropy and SGD with momentum
 * against double-precision references, then the two-spirals demo of
 * `clact train` run in process (gelu in its default setup must reach 0.95
 * accuracy; with a bad setup ReLU units die while ELU learns), and the
 * command itself (table, SVG, CSV, errors). */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

/* the demo's training loop itself, compiled into this test */
#include "../tools/cli/train_core.c"

static clact_context *C(void) { return tu_ctx(); }

/* ---- softmax cross-entropy ------------------------------------------------------------- */
START_TEST(test_softmax_xent)
{
    const size_t M = 37, N = 5;
    double *l = tu_random(CLACT_F32, M * N, -8, 8, 1);
    l[3 * N + 2] = 80; /* large logits: no overflow */
    l[3 * N + 4] = 79.5;
    l[4 * N + 0] = l[4 * N + 1] = 7; /* ties: the first index wins */
    cl_int lab[37];
    for (size_t i = 0; i < M; ++i) lab[i] = (cl_int)((i * 7) % N);
    lab[5] = 9; /* invalid */
    cl_mem bl = tu_upload(CLACT_F32, l, M * N), bd = tu_buffer_n(CLACT_F32, M * N), bloss = tu_buffer_n(CLACT_F32, M);
    cl_mem blab = tu_buffer(sizeof lab), bpred = tu_buffer(M * sizeof(cl_int));
    tu_write_bytes(blab, 0, lab, sizeof lab);
    const double scale = 1.0 / (double)M;
    cl_event ev = NULL;
    TU_ASSERT_OK(clact_softmax_xent(C(), CLACT_F32, M, N, bl, 0, blab, 0, scale, bd, 0, bloss, 0, bpred, 0, 0, NULL,
                                    &ev));
    TU_CL_OK(clWaitForEvents(1, &ev));
    clReleaseEvent(ev);
    double d[185], loss[37];
    cl_int pred[37];
    tu_read(bd, CLACT_F32, 0, d, M * N);
    tu_read(bloss, CLACT_F32, 0, loss, M);
    tu_read_bytes(bpred, 0, pred, sizeof pred);
    for (size_t i = 0; i < M; ++i) {
        long double mx = l[i * N];
        int arg = 0;
        for (size_t j = 1; j < N; ++j)
            if (l[i * N + j] > mx) { mx = l[i * N + j]; arg = (int)j; }
        long double s = 0;
        for (size_t j = 0; j < N; ++j) s += expl(l[i * N + j] - mx);
        ck_assert_int_eq(pred[i], arg);
        if (lab[i] < 0 || lab[i] >= (cl_int)N) {
            ck_assert_msg(isnan(loss[i]), "row %zu: invalid label, loss %g", i, loss[i]);
            for (size_t j = 0; j < N; ++j) ck_assert(isnan(d[i * N + j]));
            continue;
        }
        const long double want = logl(s) + mx - l[i * N + lab[i]];
        ck_assert_msg(fabsl(loss[i] - want) <= 1e-5L * (1 + fabsl(want)), "row %zu: loss %.9g, want %.9Lg", i, loss[i],
                      want);
        for (size_t j = 0; j < N; ++j) {
            const long double g = (expl(l[i * N + j] - mx) / s - ((int)j == lab[i])) * scale;
            ck_assert_msg(fabsl(d[i * N + j] - g) <= 1e-6L * scale + 1e-30L, "row %zu col %zu: %.9g, want %.9Lg", i, j,
                          d[i * N + j], g);
        }
    }
    /* in place, without loss or pred */
    TU_ASSERT_OK(clact_softmax_xent(C(), CLACT_F32, M, N, bl, 0, blab, 0, scale, bl, 0, NULL, 0, NULL, 0, 0, NULL,
                                    NULL));
    double d2[185];
    tu_read(bl, CLACT_F32, 0, d2, M * N);
    for (size_t q = 0; q < M * N; ++q)
        ck_assert_msg((isnan(d[q]) && isnan(d2[q])) || d[q] == d2[q], "in place differs at %zu", q);
    /* errors */
    TU_ASSERT_STATUS(clact_softmax_xent(NULL, CLACT_F32, M, N, bl, 0, blab, 0, 1, bd, 0, NULL, 0, NULL, 0, 0, NULL,
                                        NULL),
                     CLACT_ERR_INVALID_ARGUMENT);
    TU_ASSERT_STATUS(clact_softmax_xent(C(), CLACT_F32, M, N, bl, 1, blab, 0, 1, bd, 0, NULL, 0, NULL, 0, 0, NULL,
                                        NULL),
                     CLACT_ERR_BUFFER_TOO_SMALL);
    TU_ASSERT_STATUS(clact_softmax_xent(C(), CLACT_F32, M, N, bl, 0, blab, 1, 1, bd, 0, NULL, 0, NULL, 0, 0, NULL,
                                        NULL),
                     CLACT_ERR_BUFFER_TOO_SMALL);
    TU_ASSERT_STATUS(clact_softmax_xent(C(), CLACT_F32, M, N, bl, 0, blab, 0, NAN, bd, 0, NULL, 0, NULL, 0, 0, NULL,
                                        NULL),
                     CLACT_ERR_INVALID_PARAMETER);
    TU_ASSERT_STATUS(clact_softmax_xent(C(), CLACT_F32, M, 0, bl, 0, blab, 0, 1, bd, 0, NULL, 0, NULL, 0, 0, NULL,
                                        NULL),
                     CLACT_ERR_INVALID_SHAPE);
    TU_ASSERT_STATUS(clact_softmax_xent(C(), CLACT_F32, 3, 2, bl, 0, blab, 0, 1, bl, 1, NULL, 0, NULL, 0, 0, NULL,
                                        NULL),
                     CLACT_ERR_OVERLAP); /* dlogits partly over logits */
    TU_ASSERT_STATUS(clact_softmax_xent(C(), CLACT_F32, 3, 2, bl, 0, blab, 0, 1, bd, 0, bd, 2, NULL, 0, 0, NULL,
                                        NULL),
                     CLACT_ERR_OVERLAP); /* loss over dlogits */
    free(l);
    tu_release(bl); tu_release(bd); tu_release(bloss); tu_release(blab); tu_release(bpred);
}
END_TEST

/* ---- SGD with momentum ----------------------------------------------------------------------- */
START_TEST(test_sgd)
{
    const size_t n = 1003, off = 3;
    double *p = tu_random(CLACT_F32, n, -1, 1, 5), *v = calloc(n, sizeof *v), *pd = malloc(n * sizeof *pd);
    cl_mem bp = tu_buffer_n(CLACT_F32, n + off), bg = tu_buffer_n(CLACT_F32, n + off), bv = tu_buffer_n(CLACT_F32, n);
    tu_write(bp, CLACT_F32, off, p, n);
    tu_write(bv, CLACT_F32, 0, v, n);
    const double lr = 0.05, mu = 0.9, wd = 1e-3;
    for (int step = 0; step < 4; ++step) {
        double *g = tu_random(CLACT_F32, n, -1, 1, 10u + (unsigned)step);
        tu_write(bg, CLACT_F32, off, g, n);
        TU_ASSERT_OK(clact_sgd_momentum(C(), CLACT_F32, n, bp, off, bg, off, bv, 0, lr, mu, wd, 0, NULL, NULL));
        for (size_t i = 0; i < n; ++i) { /* in float, as the kernel */
            const float vi = (float)mu * (float)v[i] + ((float)g[i] + (float)wd * (float)p[i]);
            v[i] = vi;
            p[i] = (float)p[i] - (float)lr * vi;
        }
        free(g);
    }
    tu_read(bp, CLACT_F32, off, pd, n);
    for (size_t i = 0; i < n; ++i)
        ck_assert_msg(fabs(pd[i] - p[i]) <= 1e-6 * (1 + fabs(p[i])), "param %zu: %.9g, want %.9g", i, pd[i], p[i]);
    TU_ASSERT_STATUS(clact_sgd_momentum(C(), CLACT_F32, n, bp, off, bg, off, bv, 1, lr, mu, wd, 0, NULL, NULL),
                     CLACT_ERR_BUFFER_TOO_SMALL);
    TU_ASSERT_STATUS(clact_sgd_momentum(C(), CLACT_F32, n, bp, off, bp, off, bv, 0, lr, mu, wd, 0, NULL, NULL),
                     CLACT_ERR_OVERLAP);
    TU_ASSERT_STATUS(clact_sgd_momentum(C(), CLACT_F32, n, bp, off, bg, off, bv, 0, INFINITY, mu, wd, 0, NULL, NULL),
                     CLACT_ERR_INVALID_PARAMETER);
    TU_ASSERT_STATUS(clact_sgd_momentum(C(), CLACT_BF16 + 10, n, bp, off, bg, off, bv, 0, lr, mu, wd, 0, NULL, NULL),
                     CLACT_ERR_INVALID_ARGUMENT);
    free(p); free(v); free(pd);
    tu_release(bp); tu_release(bg); tu_release(bv);
}
END_TEST

/* ---- the demo, in process ----------------------------------------------------------------------- */
static double wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

START_TEST(test_train_gelu_default)
{
    train_opts o;
    train_default_opts(&o);
    train_result r;
    char err[1024];
    /* one epoch first: builds every program (and CLBlast's kernels) */
    train_opts o1 = o;
    o1.epochs = 1;
    const double tb = wall();
    ck_assert_msg(train_run(C(), CLACT_OP_GELU, &o1, NULL, NULL, &r, err, sizeof err) == CLACT_SUCCESS, "%s", err);
    train_result_free(&r);
    const double build = wall() - tb;
    const double t0 = wall();
    const clact_status s = train_run(C(), CLACT_OP_GELU, &o, NULL, NULL, &r, err, sizeof err);
    const double t = wall() - t0;
    ck_assert_msg(s == CLACT_SUCCESS, "train_run: %s", err);
    fprintf(stderr, "gelu, default setup: loss %.4f, accuracy %.3f, 90%% at epoch %d; %d epochs in %.1f s (builds and "
                    "one epoch before: %.1f s)\n",
            r.loss, r.acc, r.first_90, o.epochs, t, build);
    ck_assert_msg(r.acc >= 0.95, "gelu reached only %.3f accuracy", r.acc);
    ck_assert_msg(r.hist[o.epochs - 1].loss < r.hist[0].loss, "the loss did not fall");
    ck_assert_msg(t < 60, "training took %.1f s", t);
    /* the same seed gives the same run */
    train_result r2;
    o.epochs = 5;
    ck_assert_int_eq(train_run(C(), CLACT_OP_GELU, &o, NULL, NULL, &r2, err, sizeof err), CLACT_SUCCESS);
    for (int e = 0; e < 5; ++e) ck_assert(r2.hist[e].loss == r.hist[e].loss && r2.hist[e].acc == r.hist[e].acc);
    train_result_free(&r);
    train_result_free(&r2);
}
END_TEST

START_TEST(test_train_dying_relu)
{
    train_opts o;
    train_default_opts(&o);
    o.lr = 0.1;
    o.init_bias = -1.5;
    o.epochs = 40;
    train_result rr, re;
    char err[1024];
    ck_assert_msg(train_run(C(), CLACT_OP_RELU, &o, NULL, NULL, &rr, err, sizeof err) == CLACT_SUCCESS, "%s", err);
    ck_assert_msg(train_run(C(), CLACT_OP_ELU, &o, NULL, NULL, &re, err, sizeof err) == CLACT_SUCCESS, "%s", err);
    fprintf(stderr, "bad setup: relu accuracy %.3f, %zu/%zu dead; elu accuracy %.3f, %zu dead\n", rr.acc, rr.dead_units,
            rr.units, re.acc, re.dead_units);
    ck_assert_msg(rr.dead_units * 2 > rr.units, "relu: only %zu of %zu units dead", rr.dead_units, rr.units);
    ck_assert_msg(rr.hist[o.epochs - 1].dead >= 0.5, "relu: dead fraction %.3f", rr.hist[o.epochs - 1].dead);
    ck_assert_msg(rr.acc < 0.7, "relu learned (%.3f) despite its dead units", rr.acc);
    ck_assert_uint_eq(re.dead_units, 0);
    ck_assert_msg(re.acc >= 0.9, "elu reached only %.3f", re.acc);
    train_result_free(&rr);
    train_result_free(&re);
}
END_TEST

/* ---- the command ---------------------------------------------------------------------------------- */
static const char *tool(void)
{
    const char *t = getenv("CLACT_TEST_TOOL");
    return t && *t ? t : CLACT_TOOL_PATH;
}

/* run the tool with /bin/sh, stdout to out_path; returns the exit status */
static int run_tool(const char *args, const char *out_path)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' %s > '%s' 2> '%s.err'", tool(), args, out_path, out_path);
    const int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    const long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s) s[fread(s, 1, (size_t)n, f)] = '\0';
    fclose(f);
    return s;
}

START_TEST(test_cli_train)
{
    const char *dir = CLACT_TEST_TMP;
    char args[4096], out[1024], svg[1024], csv[1024];
    snprintf(out, sizeof out, "%s/train_out.txt", dir);
    snprintf(svg, sizeof svg, "%s/train_test.svg", dir);
    snprintf(csv, sizeof csv, "%s/train_test.csv", dir);
    remove(svg);
    remove(csv);
    snprintf(args, sizeof args, "train --acts relu,gelu --epochs 4 --points 200 --svg '%s' --csv '%s' --every 1", svg,
             csv);
    const int rc = run_tool(args, out);
    char *o = slurp(out);
    ck_assert_msg(rc == 0, "clact %s -> exit %d; output: %s", args, rc, o ? o : "");
    ck_assert_msg(strstr(o, "[relu]") && strstr(o, "[gelu]"), "no per-activation section: %s", o);
    ck_assert_msg(strstr(o, "activation") && strstr(o, "dead units") && strstr(o, "accuracy"), "no table: %s", o);
    free(o);
    char *s = slurp(svg);
    ck_assert_msg(s != NULL, "no SVG written");
    ck_assert(strstr(s, "<svg") && strstr(s, "</svg>") && strstr(s, "<polyline") && strstr(s, ">relu<") &&
              strstr(s, ">gelu<"));
    free(s);
    char *c = slurp(csv);
    ck_assert_msg(c && strstr(c, "activation,epoch,loss") && strstr(c, "gelu,4,"), "CSV: %s", c ? c : "(none)");
    free(c);
    /* errors: usage 2, one line on stderr */
    ck_assert_int_eq(run_tool("train --epochs 0", out), 2);
    ck_assert_int_eq(run_tool("train --acts nosuchop", out), 2);
    ck_assert_int_eq(run_tool("train --acts crelu", out), 2);
    ck_assert_int_eq(run_tool("train --bogus", out), 2);
    ck_assert_int_eq(run_tool("train --help", out), 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("train");
    TCase *tc = tcase_create("train");
    tcase_set_timeout(tc, 0);
    tcase_add_test(tc, test_softmax_xent);
    tcase_add_test(tc, test_sgd);
    const clact_dense_desc d = {CLACT_F32, 1, 1, 1};
    if (clact_dense_check(tu_ctx(), NULL, &d) == CLACT_SUCCESS) { /* else built without CLBlast */
        tcase_add_test(tc, test_train_gelu_default);
        tcase_add_test(tc, test_train_dying_relu);
        tcase_add_test(tc, test_cli_train);
    } else {
        fprintf(stderr, "no dense layer (%s): training not tested\n", clact_last_error());
    }
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    tu_init();
    return tu_run_suite(suite());
}
