/* test_cache.c - the persistent program cache: hits, damaged files,
 * unwritable directories, concurrent writers, clearing, disabling. */
#define _POSIX_C_SOURCE 200809L
#include "clact.h"

#include <check.h>
#include <errno.h>
#include <math.h>
#include <dirent.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static const char *self_path;
static char shared_dir[4096]; /* CLACT_CACHE_DIR as the suite was started */

enum { N = 1000 };

/* A fresh, empty cache directory for one test; CLACT_CACHE_DIR points at it. */
static void fresh_dir(char *dir, size_t cap, const char *tag)
{
    snprintf(dir, cap, "%s/cache-%s-%ld-XXXXXX", CLACT_TEST_TMP, tag, (long)getpid());
    mkdir(CLACT_TEST_TMP, 0755);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    setenv("CLACT_CACHE_DIR", dir, 1);
    unsetenv("CLACT_CACHE");
}

static int count_files(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name), sl = strlen(suffix);
        if (l > sl && strcmp(e->d_name + l - sl, suffix) == 0) ++n;
    }
    closedir(d);
    return n;
}

/* Apply `fn` to every cache file of dir. */
static void for_each_file(const char *dir, void (*fn)(const char *path))
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l > 6 && strcmp(e->d_name + l - 6, ".clbin") == 0) {
            char p[8192];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            fn(p);
        }
    }
    closedir(d);
}

/* Run relu and gelu forward on a fixed input in a new context; check the
 * results against libm and return the cache statistics. */
static int run_ops(clact_cache_stats *st)
{
    clact_context *ctx;
    if (clact_context_create(&ctx, getenv("CLACT_TEST_DEVICE")) != CLACT_SUCCESS) return -1;
    cl_context cl = clact_context_cl_context(ctx);
    float hx[N], hy[N];
    for (int i = 0; i < N; ++i) hx[i] = (float)(i - N / 2) * 0.013f;
    cl_int err;
    cl_mem x = clCreateBuffer(cl, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof hx, hx, &err);
    cl_mem y = clCreateBuffer(cl, CL_MEM_READ_WRITE, sizeof hy, NULL, &err);
    int bad = 0;
    const clact_op ops[] = {CLACT_OP_RELU, CLACT_OP_GELU};
    for (int k = 0; k < 2 && !bad; ++k) {
        clact_activation a;
        clact_activation_init(&a, ops[k]);
        clact_tensor t = {CLACT_F32, 1, {N}};
        if (clact_forward(ctx, &a, &t, x, 0, y, 0, NULL, 0, NULL, NULL) != CLACT_SUCCESS) { bad = 1; break; }
        clEnqueueReadBuffer(clact_context_queue(ctx), y, CL_TRUE, 0, sizeof hy, hy, 0, NULL, NULL);
        for (int i = 0; i < N; ++i) {
            const double v = hx[i];
            const double want = k == 0 ? (v < 0 ? 0 : v) : 0.5 * v * erfc(-v / sqrt(2.0));
            if (fabs(hy[i] - want) > 1e-6 * fabs(want) + 1e-30) { bad = 1; break; }
        }
    }
    clact_context_cache_stats(ctx, st);
    clReleaseMemObject(x);
    clReleaseMemObject(y);
    clact_context_destroy(ctx);
    return bad;
}

START_TEST(cold_then_warm)
{
    char dir[4096];
    fresh_dir(dir, sizeof dir, "warm");
    clact_cache_stats st;
    ck_assert_int_eq(run_ops(&st), 0);
    ck_assert_uint_eq(st.programs_built, 2);
    ck_assert_uint_eq(st.programs_loaded, 0);
    ck_assert_int_eq(count_files(dir, ".clbin"), 2);
    ck_assert_int_eq(run_ops(&st), 0);
    ck_assert_uint_eq(st.programs_built, 0);
    ck_assert_uint_eq(st.programs_loaded, 2);
    ck_assert_uint_eq(st.cache_rejected, 0);
}
END_TEST

static void truncate_half(const char *p)
{
    struct stat sb;
    ck_assert_int_eq(stat(p, &sb), 0);
    ck_assert_int_eq(truncate(p, sb.st_size / 2), 0);
}

static void flip_middle_byte(const char *p)
{
    FILE *f = fopen(p, "r+b");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, sz / 2, SEEK_SET);
    int c = fgetc(f);
    fseek(f, sz / 2, SEEK_SET);
    fputc(c ^ 0x5a, f);
    fclose(f);
}

static void foreign_format(const char *p)
{
    FILE *f = fopen(p, "r+b");
    ck_assert_ptr_nonnull(f);
    fseek(f, 8, SEEK_SET); /* the format version follows the magic */
    fputc(0x7f, f);
    fclose(f);
}

static void empty_file(const char *p) { ck_assert_int_eq(truncate(p, 0), 0); }

static void append_garbage(const char *p)
{
    FILE *f = fopen(p, "ab");
    ck_assert_ptr_nonnull(f);
    fputs("trailing", f);
    fclose(f);
}

static void damaged(void (*damage)(const char *), const char *tag)
{
    char dir[4096];
    fresh_dir(dir, sizeof dir, tag);
    clact_cache_stats st;
    ck_assert_int_eq(run_ops(&st), 0);
    for_each_file(dir, damage);
    ck_assert_int_eq(run_ops(&st), 0); /* right results from rebuilt programs */
    ck_assert_uint_eq(st.cache_rejected, 2);
    ck_assert_uint_eq(st.programs_built, 2);
    ck_assert_uint_eq(st.programs_loaded, 0);
    ck_assert_int_eq(run_ops(&st), 0); /* and the rebuilt files are good again */
    ck_assert_uint_eq(st.programs_loaded, 2);
    ck_assert_uint_eq(st.cache_rejected, 0);
}

START_TEST(truncated_files) { damaged(truncate_half, "trunc"); }
END_TEST
START_TEST(corrupted_files) { damaged(flip_middle_byte, "corrupt"); }
END_TEST
START_TEST(foreign_format_files) { damaged(foreign_format, "foreign"); }
END_TEST
START_TEST(empty_files) { damaged(empty_file, "empty"); }
END_TEST
START_TEST(trailing_bytes) { damaged(append_garbage, "trailing"); }
END_TEST

START_TEST(unwritable_directory)
{
    /* a path below a regular file can never be created, even by root */
    char dir[4096], bad[4200];
    fresh_dir(dir, sizeof dir, "rofile");
    snprintf(bad, sizeof bad, "%s/file", dir);
    FILE *f = fopen(bad, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    snprintf(bad, sizeof bad, "%s/file/cache", dir);
    setenv("CLACT_CACHE_DIR", bad, 1);
    clact_cache_stats st;
    ck_assert_int_eq(run_ops(&st), 0);
    ck_assert_uint_eq(st.programs_built, 2);
    ck_assert_int_eq(run_ops(&st), 0); /* still works, still builds */
    ck_assert_uint_eq(st.programs_built, 2);
}
END_TEST

START_TEST(read_only_directory)
{
    if (geteuid() == 0) return; /* root writes anyway; the test above covers root */
    char dir[4096];
    fresh_dir(dir, sizeof dir, "ro");
    ck_assert_int_eq(chmod(dir, 0555), 0);
    clact_cache_stats st;
    ck_assert_int_eq(run_ops(&st), 0);
    ck_assert_uint_eq(st.programs_built, 2);
    ck_assert_int_eq(count_files(dir, ".clbin"), 0);
    chmod(dir, 0755);
}
END_TEST

START_TEST(disabled)
{
    char dir[4096];
    fresh_dir(dir, sizeof dir, "off");
    setenv("CLACT_CACHE", "0", 1);
    ck_assert_str_eq(clact_cache_dir(), "");
    clact_cache_stats st;
    ck_assert_int_eq(run_ops(&st), 0);
    ck_assert_int_eq(count_files(dir, ".clbin"), 0);
    ck_assert_int_eq(run_ops(&st), 0);
    ck_assert_uint_eq(st.programs_built, 2);
    unsetenv("CLACT_CACHE");
}
END_TEST

START_TEST(clear_removes_only_our_files)
{
    char dir[4096], other[4200];
    fresh_dir(dir, sizeof dir, "clear");
    snprintf(other, sizeof other, "%s/keep.txt", dir);
    FILE *f = fopen(other, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    clact_cache_stats st;
    ck_assert_int_eq(run_ops(&st), 0);
    ck_assert_int_eq(count_files(dir, ".clbin"), 2);
    ck_assert_int_eq(clact_cache_clear(), CLACT_SUCCESS);
    ck_assert_int_eq(count_files(dir, ".clbin"), 0);
    ck_assert_int_eq(access(other, F_OK), 0);
    ck_assert_int_eq(run_ops(&st), 0);
    ck_assert_uint_eq(st.programs_built, 2);
}
END_TEST

/* Several processes fill one empty cache at the same time: each gets right
 * results, and the files they leave are all valid. */
START_TEST(concurrent_writers)
{
    char dir[4096];
    fresh_dir(dir, sizeof dir, "conc");
    enum { KIDS = 4 };
    pid_t pid[KIDS];
    for (int i = 0; i < KIDS; ++i) {
        char *argv[] = {(char *)self_path, "--child", NULL};
        ck_assert_int_eq(posix_spawn(&pid[i], self_path, NULL, NULL, argv, environ), 0);
    }
    for (int i = 0; i < KIDS; ++i) {
        int status = 0;
        ck_assert_int_eq(waitpid(pid[i], &status, 0), pid[i]);
        ck_assert(WIFEXITED(status));
        ck_assert_int_eq(WEXITSTATUS(status), 0);
    }
    ck_assert_int_eq(count_files(dir, ".clbin"), 2);
    clact_cache_stats st;
    ck_assert_int_eq(run_ops(&st), 0);
    ck_assert_uint_eq(st.programs_loaded, 2);
    ck_assert_uint_eq(st.cache_rejected, 0);
}
END_TEST

/* Uses the suite's shared cache directory (every variant built once per test
 * run, not once per test), so it checks "at least" for files. */
/* A small dense layer with gelu (the dense.cl programs): the status. */
static clact_status dense_gelu(clact_context *ctx)
{
    cl_context cl = clact_context_cl_context(ctx);
    float hx[8], hw[12], hb[3], hy[6];
    for (int i = 0; i < 12; ++i) hw[i] = 0.25f * (float)(i % 5) - 0.5f;
    for (int i = 0; i < 8; ++i) hx[i] = 0.5f * (float)i - 2.0f;
    for (int i = 0; i < 3; ++i) hb[i] = 0.1f * (float)i;
    cl_int err;
    cl_mem x = clCreateBuffer(cl, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof hx, hx, &err);
    cl_mem w = clCreateBuffer(cl, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof hw, hw, &err);
    cl_mem b = clCreateBuffer(cl, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof hb, hb, &err);
    cl_mem y = clCreateBuffer(cl, CL_MEM_READ_WRITE, sizeof hy, NULL, &err);
    clact_activation a;
    clact_activation_init(&a, CLACT_OP_GELU);
    const clact_dense_desc d = {CLACT_F32, 2, 3, 4};
    clact_status s = clact_dense_forward(ctx, &a, &d, x, 0, w, 0, b, 0, y, 0, NULL, 0, NULL, 0, NULL, NULL);
    if (!s) clFinish(clact_context_queue(ctx));
    clReleaseMemObject(x);
    clReleaseMemObject(w);
    clReleaseMemObject(b);
    clReleaseMemObject(y);
    return s;
}

START_TEST(prebuild_fills_cache)
{
    char dir[4096];
    if (shared_dir[0]) {
        snprintf(dir, sizeof dir, "%s", shared_dir);
        setenv("CLACT_CACHE_DIR", dir, 1);
    } else {
        fresh_dir(dir, sizeof dir, "pre");
    }
    unsetenv("CLACT_CACHE");
    clact_context *ctx;
    ck_assert_int_eq(clact_context_create(&ctx, getenv("CLACT_TEST_DEVICE")), CLACT_SUCCESS);
    ck_assert_int_eq(clact_prebuild(ctx), CLACT_SUCCESS);
    clact_cache_stats st;
    clact_context_cache_stats(ctx, &st);
    const int n = (int)(st.programs_built + st.programs_loaded);
    ck_assert_int_ge(n, CLACT_OP_COUNT * 3); /* f32, f16, bf16 at least */
    ck_assert_int_ge(count_files(dir, ".clbin"), n);
    clact_context_destroy(ctx);
    ck_assert_int_eq(clact_context_create(&ctx, getenv("CLACT_TEST_DEVICE")), CLACT_SUCCESS);
    ck_assert_int_eq(clact_prebuild(ctx), CLACT_SUCCESS);
    clact_context_cache_stats(ctx, &st);
    ck_assert_uint_eq(st.programs_built, 0);
    ck_assert_int_eq((int)st.programs_loaded, n);
    /* the dense layer's programs are among them (a build without CLBlast
     * has no dense layer to run) */
    const clact_status ds = dense_gelu(ctx);
    if (ds != CLACT_ERR_UNSUPPORTED) ck_assert_int_eq(ds, CLACT_SUCCESS);
    clact_context_cache_stats(ctx, &st);
    ck_assert_uint_eq(st.programs_built, 0);
    ck_assert_int_eq((int)st.programs_loaded, n);
    clact_context_destroy(ctx);
}
END_TEST

/* the first tuning-*.txt of dir, or "" */
static void tuning_file(const char *dir, char *out, size_t cap)
{
    out[0] = '\0';
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, "tuning-", 7) == 0 && strstr(e->d_name, ".txt")) {
            snprintf(out, cap, "%s/%s", dir, e->d_name);
            break;
        }
    closedir(d);
}

/* The tuner saves its choice for the device; a later context starts with
 * it, and launch parameters a device cannot take are ignored when read. */
START_TEST(tuning_overrides)
{
    char dir[4096], path[8192];
    fresh_dir(dir, sizeof dir, "tune");
    clact_context *ctx;
    ck_assert_int_eq(clact_context_create(&ctx, getenv("CLACT_TEST_DEVICE")), CLACT_SUCCESS);
    cl_device_type type = 0;
    clGetDeviceInfo(clact_context_device(ctx), CL_DEVICE_TYPE, sizeof type, &type, NULL);
    const int cpu = (type & CL_DEVICE_TYPE_CPU) != 0;
    const int f64 = clact_context_supports(ctx, CLACT_F64) == CLACT_SUCCESS;
    ck_assert_int_eq(clact_tune(ctx, 4096, 1), CLACT_SUCCESS);
    unsigned tuned[4];
    size_t tuned_local[4];
    for (int d = 0; d < 4; ++d) {
        ck_assert_int_eq(clact_context_launch(ctx, (clact_dtype)d, &tuned[d], &tuned_local[d]), CLACT_SUCCESS);
        const unsigned v = tuned[d];
        ck_assert(v == 1 || v == 2 || v == 4 || v == 8 || v == 16 || ((v == 32 || v == 64) && cpu && d != CLACT_F64));
    }
    clact_context_destroy(ctx);
    tuning_file(dir, path, sizeof path);
    ck_assert_str_ne(path, "");

    /* a new context reads the saved choice */
    ck_assert_int_eq(clact_context_create(&ctx, getenv("CLACT_TEST_DEVICE")), CLACT_SUCCESS);
    for (int d = 0; d < 4; ++d) {
        if (d == CLACT_F64 && !f64) continue;
        unsigned v;
        size_t l;
        ck_assert_int_eq(clact_context_launch(ctx, (clact_dtype)d, &v, &l), CLACT_SUCCESS);
        ck_assert_uint_eq(v, tuned[d]);
        ck_assert_uint_eq(l, tuned_local[d]);
    }
    clact_context_destroy(ctx);

    /* hand-written overrides: valid ones are taken, the rest ignored */
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "# test\nf32 2 64\nf16 3 64\nbf16 32 64\nf64 64 64\n");
    fclose(f);
    ck_assert_int_eq(clact_context_create(&ctx, getenv("CLACT_TEST_DEVICE")), CLACT_SUCCESS);
    unsigned v;
    size_t l;
    clact_context_launch(ctx, CLACT_F32, &v, &l);
    ck_assert_uint_eq(v, 2);
    ck_assert_uint_eq(l, 64);
    clact_context_launch(ctx, CLACT_F16, &v, &l);
    ck_assert_uint_ne(v, 3); /* not a vector width */
    clact_context_launch(ctx, CLACT_BF16, &v, &l);
    if (cpu) ck_assert_uint_eq(v, 32);
    else ck_assert_uint_ne(v, 32);
    if (f64) {
        clact_context_launch(ctx, CLACT_F64, &v, &l);
        ck_assert_uint_ne(v, 64); /* for the float types only */
        ck_assert_uint_ne(l, 64);
    }
    clact_context_destroy(ctx);
    clact_cache_stats st;
    ck_assert_int_eq(run_ops(&st), 0); /* f32 at 2 per work-item: right results */
}
END_TEST

int main(int argc, char **argv)
{
    self_path = argv[0];
    const char *sd = getenv("CLACT_CACHE_DIR");
    if (sd) snprintf(shared_dir, sizeof shared_dir, "%s", sd);
    if (argc > 1 && strcmp(argv[1], "--child") == 0) {
        clact_cache_stats st;
        return run_ops(&st) == 0 ? 0 : 1;
    }
    clact_context *probe;
    clact_status s = clact_context_create(&probe, getenv("CLACT_TEST_DEVICE"));
    if (s == CLACT_ERR_NO_DEVICE) return 77;
    clact_context_destroy(probe);

    Suite *su = suite_create("cache");
    TCase *tc = tcase_create("disk");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, cold_then_warm);
    tcase_add_test(tc, truncated_files);
    tcase_add_test(tc, corrupted_files);
    tcase_add_test(tc, foreign_format_files);
    tcase_add_test(tc, empty_files);
    tcase_add_test(tc, trailing_bytes);
    tcase_add_test(tc, unwritable_directory);
    tcase_add_test(tc, read_only_directory);
    tcase_add_test(tc, disabled);
    tcase_add_test(tc, clear_removes_only_our_files);
    tcase_add_test(tc, concurrent_writers);
    tcase_add_test(tc, prebuild_fills_cache);
    tcase_add_test(tc, tuning_overrides);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    /* no fork per test: an OpenCL runtime with threads does not survive fork */
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
