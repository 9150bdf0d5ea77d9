/* Devices: the listing, the device spec grammar (gpu | cpu | accelerator |
 * P:D | case-insensitive substring of "platform / device / vendor"),
 * CLACT_DEVICE when no spec is given, a clean CLACT_ERR_NO_DEVICE without
 * any OpenCL platform, and adopting the caller's queue without retaining
 * or releasing the caller's objects. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#define MAXDEV 64
static clact_device_info devs[MAXDEV];
static size_t ndev;

static void list_devices(void)
{
    size_t count = 0;
    TU_ASSERT_OK(clact_devices(devs, MAXDEV, &count));
    ndev = count < MAXDEV ? count : MAXDEV;
}

static int ci_contains(const char *hay, const char *needle)
{
    const size_t nl = strlen(needle);
    for (; *hay; ++hay) {
        size_t i = 0;
        while (i < nl && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i])) ++i;
        if (i == nl) return 1;
    }
    return nl == 0;
}

/* index of the first listed device whose "platform / name / vendor"
 * contains s, or -1 */
static int first_match(const char *s)
{
    for (size_t i = 0; i < ndev; ++i) {
        char full[512];
        snprintf(full, sizeof full, "%s / %s / %s", devs[i].platform, devs[i].name, devs[i].vendor);
        if (ci_contains(full, s)) return (int)i;
    }
    return -1;
}

static int first_of_type(cl_device_type t)
{
    for (size_t i = 0; i < ndev; ++i)
        if (devs[i].type & t) return (int)i;
    return -1;
}

/* 1 if the context's device is the listed device i, else 0 and why */
static int is_device(clact_context *c, int i, const char *spec, char *why, size_t cap)
{
    cl_device_id d = clact_context_device(c);
    char name[256] = "", plat[256] = "";
    cl_platform_id p = NULL;
    if (clGetDeviceInfo(d, CL_DEVICE_NAME, sizeof name, name, NULL) != CL_SUCCESS ||
        clGetDeviceInfo(d, CL_DEVICE_PLATFORM, sizeof p, &p, NULL) != CL_SUCCESS ||
        clGetPlatformInfo(p, CL_PLATFORM_NAME, sizeof plat, plat, NULL) != CL_SUCCESS) {
        snprintf(why, cap, "spec \"%s\": the context's device cannot be queried", spec);
        return 0;
    }
    if (strcmp(name, devs[i].name) != 0 || strcmp(plat, devs[i].platform) != 0) {
        snprintf(why, cap, "spec \"%s\" picked %s / %s, want %s / %s (%u:%u)", spec, plat, name, devs[i].platform,
                 devs[i].name, devs[i].platform_index, devs[i].device_index);
        return 0;
    }
    const char *dn = clact_context_device_name(c);
    if (!dn || !strstr(dn, devs[i].name)) {
        snprintf(why, cap, "device name \"%s\" lacks \"%s\"", dn ? dn : "(null)", devs[i].name);
        return 0;
    }
    return 1;
}

/* create from spec: success iff want >= 0, and then that device */
static void expect_spec(const char *spec, int want)
{
    clact_context *c = NULL;
    const clact_status st = clact_context_create(&c, spec);
    if (want < 0) {
        ck_assert_msg(st == CLACT_ERR_NO_DEVICE, "spec \"%s\" -> %d (%s), want CLACT_ERR_NO_DEVICE", spec, (int)st,
                      clact_status_string(st));
        ck_assert_msg(clact_last_error()[0] != '\0', "spec \"%s\": no detail", spec);
        ck_assert_ptr_null(c);
        return;
    }
    ck_assert_msg(st == CLACT_SUCCESS, "spec \"%s\" -> %d (%s): %s", spec, (int)st, clact_status_string(st),
                  clact_last_error());
    char why[600];
    const int ok = is_device(c, want, spec, why, sizeof why);
    clact_context_destroy(c);
    ck_assert_msg(ok, "%s", why);
}

START_TEST(test_device_list)
{
    size_t count = 0;
    TU_ASSERT_OK(clact_devices(NULL, 0, &count));
    ck_assert_uint_ge(count, 1);
    list_devices();
    ck_assert_uint_eq(ndev, count < MAXDEV ? count : MAXDEV);
    int defaults = 0;
    for (size_t i = 0; i < ndev; ++i) {
        const clact_device_info *d = &devs[i];
        ck_assert_msg(memchr(d->platform, 0, sizeof d->platform) && d->platform[0], "device %zu: platform", i);
        ck_assert_msg(memchr(d->name, 0, sizeof d->name) && d->name[0], "device %zu: name", i);
        ck_assert_msg(memchr(d->vendor, 0, sizeof d->vendor), "device %zu: vendor", i);
        ck_assert_msg(memchr(d->version, 0, sizeof d->version) && d->version[0], "device %zu: version", i);
        ck_assert_msg(d->type != 0, "device %zu: no type", i);
        for (size_t j = 0; j < i; ++j)
            ck_assert_msg(d->platform_index != devs[j].platform_index || d->device_index != devs[j].device_index,
                          "devices %zu and %zu share %u:%u", i, j, d->platform_index, d->device_index);
        defaults += d->is_default != 0;
    }
    ck_assert_int_eq(defaults, 1);
    /* the default is the first GPU, else the first CPU */
    int want = first_of_type(CL_DEVICE_TYPE_GPU);
    if (want < 0) want = first_of_type(CL_DEVICE_TYPE_CPU);
    if (want < 0) want = 0;
    ck_assert_msg(devs[want].is_default, "device %d should be the default", want);
    /* a short array: nothing written past cap, count is the total */
    clact_device_info one[2];
    memset(one, 0xEE, sizeof one);
    TU_ASSERT_OK(clact_devices(one, 1, &count));
    ck_assert_uint_eq(count, ndev);
    ck_assert_str_eq(one[0].name, devs[0].name);
    const unsigned char *tail = (const unsigned char *)&one[1];
    for (size_t b = 0; b < sizeof one[1]; ++b) ck_assert_msg(tail[b] == 0xEE, "clact_devices wrote past cap");
    memset(one, 0xEE, sizeof one);
    TU_ASSERT_OK(clact_devices(one, 0, &count));
    ck_assert_uint_eq(count, ndev);
    tail = (const unsigned char *)&one[0];
    for (size_t b = 0; b < sizeof one; ++b) ck_assert_msg(tail[b] == 0xEE, "clact_devices wrote with cap 0");
}
END_TEST

START_TEST(test_spec_default)
{
    list_devices();
    const char *saved = getenv("CLACT_DEVICE");
    char keep[256] = "";
    if (saved) snprintf(keep, sizeof keep, "%s", saved);
    unsetenv("CLACT_DEVICE");
    int def = -1;
    for (size_t i = 0; i < ndev; ++i)
        if (devs[i].is_default) def = (int)i;
    expect_spec(NULL, def);
    expect_spec("", def);
    if (saved) setenv("CLACT_DEVICE", keep, 1);
}
END_TEST

START_TEST(test_spec_types)
{
    list_devices();
    expect_spec("gpu", first_of_type(CL_DEVICE_TYPE_GPU));
    expect_spec("cpu", first_of_type(CL_DEVICE_TYPE_CPU));
    expect_spec("accelerator", first_of_type(CL_DEVICE_TYPE_ACCELERATOR));
}
END_TEST

START_TEST(test_spec_indices)
{
    list_devices();
    for (size_t i = 0; i < ndev; ++i) {
        char spec[32];
        snprintf(spec, sizeof spec, "%u:%u", devs[i].platform_index, devs[i].device_index);
        expect_spec(spec, (int)i);
    }
    expect_spec("9:9", -1);
    expect_spec("0:99", -1);
    expect_spec("99:0", -1);
}
END_TEST

START_TEST(test_spec_substrings)
{
    list_devices();
    for (size_t i = 0; i < ndev; ++i) {
        /* the device's own name, and a piece of it in another case */
        expect_spec(devs[i].name, first_match(devs[i].name));
        char piece[16] = "";
        const size_t L = strlen(devs[i].name);
        if (L >= 4) {
            for (size_t k = 0; k < 4; ++k) {
                const unsigned char ch = (unsigned char)devs[i].name[L / 2 - 2 + k];
                piece[k] = (char)(islower(ch) ? toupper(ch) : tolower(ch));
            }
            piece[4] = '\0';
            expect_spec(piece, first_match(piece));
        }
        expect_spec(devs[i].platform, first_match(devs[i].platform));
        if (devs[i].vendor[0]) expect_spec(devs[i].vendor, first_match(devs[i].vendor));
    }
    /* PoCL, whatever its device is called */
    int pocl = -1;
    for (size_t i = 0; i < ndev && pocl < 0; ++i)
        if (ci_contains(devs[i].platform, "Portable Computing Language")) pocl = (int)i;
    if (pocl >= 0) {
        expect_spec("portable", pocl);
        expect_spec("PORTABLE COMPUTING", pocl);
        expect_spec("POCL", first_match("POCL") >= 0 ? first_match("POCL") : pocl);
    }
    const char *garbage[] = {"no-such-device-xyz", "0:", ":0", "1:2:3", "gpux", "cpu-", "#!%"};
    for (size_t g = 0; g < sizeof garbage / sizeof garbage[0]; ++g) expect_spec(garbage[g], first_match(garbage[g]));
}
END_TEST

START_TEST(test_spec_environment)
{
    list_devices();
    const char *saved = getenv("CLACT_DEVICE");
    char keep[256] = "";
    if (saved) snprintf(keep, sizeof keep, "%s", saved);
    setenv("CLACT_DEVICE", "9:9", 1);
    expect_spec(NULL, -1);
    expect_spec("", -1);
    char spec[32];
    snprintf(spec, sizeof spec, "%u:%u", devs[ndev - 1].platform_index, devs[ndev - 1].device_index);
    expect_spec(spec, (int)ndev - 1); /* an explicit spec wins over the variable */
    setenv("CLACT_DEVICE", spec, 1);
    expect_spec(NULL, (int)ndev - 1);
    setenv("CLACT_DEVICE", "no-such-device-xyz", 1);
    expect_spec(NULL, -1);
    setenv("CLACT_DEVICE", "cpu", 1);
    expect_spec(NULL, first_of_type(CL_DEVICE_TYPE_CPU));
    if (saved) setenv("CLACT_DEVICE", keep, 1);
    else unsetenv("CLACT_DEVICE");
}
END_TEST

/* No OpenCL platform at all: a fresh process with an empty ICD directory */
static int probe_no_platform(void)
{
    int bad = 0;
    size_t count = 99;
    clact_device_info d[2];
    clact_status st = clact_devices(d, 2, &count);
    printf("clact_devices -> %d (%s) count %zu\n", (int)st, clact_last_error(), count);
    bad |= st != CLACT_ERR_NO_DEVICE || clact_last_error()[0] == '\0' || count != 0;
    clact_context *c = NULL;
    st = clact_context_create(&c, NULL);
    printf("clact_context_create(NULL) -> %d (%s)\n", (int)st, clact_last_error());
    bad |= st != CLACT_ERR_NO_DEVICE || c != NULL || clact_last_error()[0] == '\0';
    st = clact_context_create(&c, "cpu");
    printf("clact_context_create(cpu) -> %d (%s)\n", (int)st, clact_last_error());
    bad |= st != CLACT_ERR_NO_DEVICE || c != NULL;
    return bad ? 3 : 0;
}

START_TEST(test_no_platform)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/empty-icd-%d", CLACT_TEST_TMP, (int)getpid());
    mkdir(CLACT_TEST_TMP, 0755);
    ck_assert_msg(mkdir(dir, 0755) == 0, "mkdir %s", dir);
    fflush(NULL);
    const pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        setenv("OCL_ICD_VENDORS", dir, 1);
        setenv("OPENCL_VENDOR_PATH", dir, 1);
        unsetenv("OCL_ICD_FILENAMES");
        unsetenv("CLACT_DEVICE");
        execl("/proc/self/exe", "test_devices", "--probe-no-platform", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    rmdir(dir);
    ck_assert_msg(WIFEXITED(status), "the probe died (signal %d) without any OpenCL platform",
                  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    ck_assert_msg(WEXITSTATUS(status) == 0, "without a platform: probe exit %d (see its output above)",
                  WEXITSTATUS(status));
}
END_TEST

/* ---- adopting the caller's queue ------------------------------------------------ */
static cl_uint refcount_queue(cl_command_queue q)
{
    cl_uint r = 0;
    TU_CL_OK(clGetCommandQueueInfo(q, CL_QUEUE_REFERENCE_COUNT, sizeof r, &r, NULL));
    return r;
}

static cl_uint refcount_context(cl_context c)
{
    cl_uint r = 0;
    TU_CL_OK(clGetContextInfo(c, CL_CONTEXT_REFERENCE_COUNT, sizeof r, &r, NULL));
    return r;
}

/* The runtime holds references of its own while commands finish (PoCL keeps
 * the last command of an in-order queue): read a count once it has stopped
 * changing (five equal reads 10 ms apart, at most 3 s). */
static cl_uint stable(cl_uint (*count)(void *), void *obj)
{
    cl_uint r = count(obj);
    for (int i = 0, same = 0; i < 300 && same < 5; ++i) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
        const cl_uint v = count(obj);
        same = v == r ? same + 1 : 0;
        r = v;
    }
    return r;
}
static cl_uint qcount(void *q) { return refcount_queue(q); }

START_TEST(test_context_from_queue)
{
    cl_device_id dev = tu_device();
    cl_int err;
    cl_context mine = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
    TU_CL_OK(err);
    cl_command_queue q = clCreateCommandQueue(mine, dev, 0, &err); /* no profiling */
    TU_CL_OK(err);

    for (int round = 0; round < 2; ++round) {
        clact_context *c = NULL;
        const cl_uint q0 = stable(qcount, q);
        TU_ASSERT_OK(clact_context_from_queue(&c, q));
        ck_assert_msg(refcount_queue(q) == q0, "clact_context_from_queue retained the queue (%u -> %u)", q0,
                      refcount_queue(q));
        ck_assert_ptr_eq(clact_context_queue(c), q);
        ck_assert_ptr_eq(clact_context_cl_context(c), mine);
        ck_assert_ptr_eq(clact_context_device(c), dev);

        const size_t n = 3001;
        double *x = tu_random(CLACT_F32, n, -6, 6, 77), *dy = tu_random(CLACT_F32, n, -1, 1, 78);
        double *y = tu_alloc(n * sizeof(double)), *dx = tu_alloc(n * sizeof(double));
        ck_assert(y && dx);
        float *hf = tu_alloc(n * sizeof(float));
        ck_assert_ptr_nonnull(hf);
        for (size_t i = 0; i < n; ++i) hf[i] = (float)x[i];
        cl_mem bx = tu_keep_mem(clCreateBuffer(mine, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, n * 4, hf, &err));
        TU_CL_OK(err);
        for (size_t i = 0; i < n; ++i) hf[i] = (float)dy[i];
        cl_mem bdy = tu_keep_mem(clCreateBuffer(mine, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, n * 4, hf, &err));
        TU_CL_OK(err);
        cl_mem by = tu_keep_mem(clCreateBuffer(mine, CL_MEM_READ_WRITE, n * 4, NULL, &err));
        TU_CL_OK(err);
        cl_mem bdx = tu_keep_mem(clCreateBuffer(mine, CL_MEM_READ_WRITE, n * 4, NULL, &err));
        TU_CL_OK(err);
        clact_activation a = tu_act(CLACT_OP_GELU);
        clact_tensor t = tu_tensor1(CLACT_F32, n);
        cl_event ev = NULL;
        TU_ASSERT_OK(clact_forward(c, &a, &t, bx, 0, by, 0, NULL, 0, NULL, NULL));
        TU_ASSERT_OK(clact_backward(c, &a, &t, CLACT_FROM_X, bx, 0, bdy, 0, bdx, 0, NULL, NULL, 0, NULL, &ev));
        TU_CL_OK(clWaitForEvents(1, &ev));
        clReleaseEvent(ev);
        TU_CL_OK(clEnqueueReadBuffer(q, by, CL_TRUE, 0, n * 4, hf, 0, NULL, NULL));
        for (size_t i = 0; i < n; ++i) y[i] = hf[i];
        TU_CL_OK(clEnqueueReadBuffer(q, bdx, CL_TRUE, 0, n * 4, hf, 0, NULL, NULL));
        for (size_t i = 0; i < n; ++i) dx[i] = hf[i];
        tu_score sf, sb;
        tu_score_init(&sf, 4.0);
        tu_score_init(&sb, 8.0);
        for (size_t i = 0; i < n; ++i) {
            tu_score_add(&sf, CLACT_F32, i, x[i], 0, y[i], ref_fwd(a.op, a.param, x[i]));
            tu_score_add(&sb, CLACT_F32, i, x[i], dy[i], dx[i], dy[i] * ref_grad(a.op, a.param, x[i]));
        }
        TU_ASSERT_SCORE(&sf, "gelu forward on the caller's queue");
        TU_ASSERT_SCORE(&sb, "gelu backward on the caller's queue");
        TU_CL_OK(clFinish(q));
        const cl_uint q1 = stable(qcount, q);
        clact_context_destroy(c);
        ck_assert_msg(refcount_queue(q) == q1, "clact_context_destroy released the queue (%u -> %u)", q1,
                      refcount_queue(q));

        /* the caller's objects are alive and usable */
        TU_CL_OK(clEnqueueWriteBuffer(q, by, CL_TRUE, 0, 4, hf, 0, NULL, NULL));
        TU_CL_OK(clFinish(q));
        tu_release(bx);
        tu_release(by);
        tu_release(bdy);
        tu_release(bdx);
        ck_assert_uint_ge(refcount_context(mine), 1);
        tu_free(x);
        tu_free(dy);
        tu_free(y);
        tu_free(dx);
        tu_free(hf);
    }
    TU_CL_OK(clReleaseCommandQueue(q));
    TU_CL_OK(clReleaseContext(mine));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("devices");
    TCase *tc = tu_tcase("devices");
    tcase_add_test(tc, test_device_list);
    tcase_add_test(tc, test_spec_default);
    tcase_add_test(tc, test_spec_types);
    tcase_add_test(tc, test_spec_indices);
    tcase_add_test(tc, test_spec_substrings);
    tcase_add_test(tc, test_spec_environment);
    tcase_add_test(tc, test_no_platform);
    tcase_add_test(tc, test_context_from_queue);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--probe-no-platform") == 0) return probe_no_platform();
    tu_init();
    tu_track_all(1);
    return tu_run_suite(suite());
}
