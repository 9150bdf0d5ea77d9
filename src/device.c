/* device.c - device selection and contexts.
 *
 * Spec grammar: "gpu" | "cpu" | "accelerator" | "P:D" | any other text, a
 * case-insensitive substring of "platform / device / vendor". NULL or ""
 * reads CLACT_DEVICE; nothing set picks the first GPU, else the first CPU,
 * else the first device of any type. */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PLATFORMS 16
#define MAX_DEVICES 64

typedef struct dev_entry {
    cl_platform_id platform;
    cl_device_id   device;
    clact_device_info info;
} dev_entry;

/* A string property of platform p (d NULL) or device d into buf, cut to
 * cap - 1 characters when longer: the driver refuses a buffer that is too
 * small, so a long string is read whole first. */
static void get_str(cl_platform_id p, cl_device_id d, cl_uint what, char *buf, size_t cap)
{
    size_t sz = 0;
    buf[0] = '\0';
    const cl_int e = d ? clGetDeviceInfo(d, what, 0, NULL, &sz) : clGetPlatformInfo(p, what, 0, NULL, &sz);
    if (e != CL_SUCCESS || sz == 0) return;
    char *t = malloc(sz + 1);
    if (!t) return;
    if ((d ? clGetDeviceInfo(d, what, sz, t, NULL) : clGetPlatformInfo(p, what, sz, t, NULL)) == CL_SUCCESS) {
        t[sz] = '\0';
        size_t len = strlen(t);
        if (len > cap - 1) len = cap - 1;
        memcpy(buf, t, len);
        buf[len] = '\0';
    }
    free(t);
}
static void get_pinfo(cl_platform_id p, cl_platform_info what, char *buf, size_t cap)
{
    get_str(p, NULL, what, buf, cap);
}
static void get_dinfo(cl_device_id d, cl_device_info what, char *buf, size_t cap)
{
    get_str(NULL, d, what, buf, cap);
}

/* All devices of all platforms, in platform then device order. */
static clact_status enumerate(dev_entry *out, size_t cap, size_t *count)
{
    cl_platform_id plat[MAX_PLATFORMS];
    cl_uint np = 0;
    *count = 0;
    cl_int err = clGetPlatformIDs(MAX_PLATFORMS, plat, &np);
    if (err != CL_SUCCESS || np == 0)
        return clact__fail(CLACT_ERR_NO_DEVICE, "no OpenCL platform found (is an ICD such as pocl-opencl-icd installed?)");
    size_t n = 0;
    for (cl_uint p = 0; p < np && p < MAX_PLATFORMS; ++p) {
        cl_device_id dev[MAX_DEVICES];
        cl_uint nd = 0;
        if (clGetDeviceIDs(plat[p], CL_DEVICE_TYPE_ALL, MAX_DEVICES, dev, &nd) != CL_SUCCESS) continue;
        for (cl_uint d = 0; d < nd && d < MAX_DEVICES; ++d) {
            if (n < cap) {
                dev_entry *e = &out[n];
                memset(e, 0, sizeof *e);
                e->platform = plat[p];
                e->device = dev[d];
                e->info.platform_index = p;
                e->info.device_index = d;
                clGetDeviceInfo(dev[d], CL_DEVICE_TYPE, sizeof e->info.type, &e->info.type, NULL);
                get_pinfo(plat[p], CL_PLATFORM_NAME, e->info.platform, sizeof e->info.platform);
                get_dinfo(dev[d], CL_DEVICE_NAME, e->info.name, sizeof e->info.name);
                get_dinfo(dev[d], CL_DEVICE_VENDOR, e->info.vendor, sizeof e->info.vendor);
                get_dinfo(dev[d], CL_DEVICE_VERSION, e->info.version, sizeof e->info.version);
            }
            ++n;
        }
    }
    *count = n < cap ? n : cap;
    if (*count == 0) return clact__fail(CLACT_ERR_NO_DEVICE, "no OpenCL device found");
    return CLACT_SUCCESS;
}

static int default_index(const dev_entry *e, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (e[i].info.type & CL_DEVICE_TYPE_GPU) return (int)i;
    for (size_t i = 0; i < n; ++i)
        if (e[i].info.type & CL_DEVICE_TYPE_CPU) return (int)i;
    return n ? 0 : -1;
}

static int ci_contains(const char *hay, const char *needle)
{
    size_t nl = strlen(needle);
    if (nl == 0) return 1;
    for (; *hay; ++hay) {
        size_t i = 0;
        while (i < nl && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i])) ++i;
        if (i == nl) return 1;
    }
    return 0;
}

static int ci_equal(const char *a, const char *b)
{
    for (; *a && *b; ++a, ++b)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
    return *a == *b;
}

/* Index of the device a spec selects, or -1 (with detail recorded). */
static int select_device(const dev_entry *e, size_t n, const char *spec)
{
    if (!spec || !*spec) return default_index(e, n);
    cl_device_type want = 0;
    if (ci_equal(spec, "gpu")) want = CL_DEVICE_TYPE_GPU;
    else if (ci_equal(spec, "cpu")) want = CL_DEVICE_TYPE_CPU;
    else if (ci_equal(spec, "accelerator")) want = CL_DEVICE_TYPE_ACCELERATOR;
    if (want) {
        for (size_t i = 0; i < n; ++i)
            if (e[i].info.type & want) return (int)i;
        clact__fail(CLACT_ERR_NO_DEVICE, "no %s device found (spec '%s')", spec, spec);
        return -1;
    }
    unsigned p, d;
    char tail;
    if (sscanf(spec, "%u:%u%c", &p, &d, &tail) == 2) {
        for (size_t i = 0; i < n; ++i)
            if (e[i].info.platform_index == p && e[i].info.device_index == d) return (int)i;
        clact__fail(CLACT_ERR_NO_DEVICE, "no device %u:%u (see 'clact devices')", p, d);
        return -1;
    }
    for (size_t i = 0; i < n; ++i) {
        /* the device vendor and the platform's vendor: "pocl" is only in the latter */
        char full[600], pvendor[160];
        get_pinfo(e[i].platform, CL_PLATFORM_VENDOR, pvendor, sizeof pvendor);
        snprintf(full, sizeof full, "%s / %s / %s / %s", e[i].info.platform, e[i].info.name, e[i].info.vendor,
                 pvendor);
        if (ci_contains(full, spec)) return (int)i;
    }
    clact__fail(CLACT_ERR_NO_DEVICE, "no device matches '%s' (see 'clact devices')", spec);
    return -1;
}

clact_status clact_devices(clact_device_info *out, size_t cap, size_t *count)
{
    clact__clear_error();
    if (!count || (cap && !out)) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "clact_devices: NULL argument");
    *count = 0;
    dev_entry *e = calloc(MAX_DEVICES * 4, sizeof *e);
    if (!e) return clact__fail(CLACT_ERR_OUT_OF_MEMORY, "clact_devices: out of memory");
    size_t n = 0;
    clact_status s = enumerate(e, MAX_DEVICES * 4, &n);
    if (s == CLACT_SUCCESS) {
        int def = default_index(e, n);
        for (size_t i = 0; i < n && i < cap; ++i) {
            out[i] = e[i].info;
            out[i].is_default = (int)i == def;
        }
        *count = n;
    }
    free(e);
    return s;
}

static int has_extension(cl_device_id d, const char *ext)
{
    size_t sz = 0;
    if (clGetDeviceInfo(d, CL_DEVICE_EXTENSIONS, 0, NULL, &sz) != CL_SUCCESS || sz == 0) return 0;
    char *buf = malloc(sz + 1);
    if (!buf) return 0;
    int found = 0;
    if (clGetDeviceInfo(d, CL_DEVICE_EXTENSIONS, sz, buf, NULL) == CL_SUCCESS) {
        buf[sz] = '\0';
        size_t el = strlen(ext);
        for (char *p = buf; (p = strstr(p, ext)) != NULL; p += el)
            if ((p == buf || p[-1] == ' ') && (p[el] == ' ' || p[el] == '\0')) { found = 1; break; }
    }
    free(buf);
    return found;
}

/* Fill in everything a context knows about its device. */
static clact_status context_init(clact_context *c, cl_platform_id plat)
{
    if (pthread_mutex_init(&c->lock, NULL) != 0) return clact__fail(CLACT_ERR_INTERNAL, "mutex init failed");
    get_pinfo(plat, CL_PLATFORM_NAME, c->platform_name, sizeof c->platform_name);
    get_pinfo(plat, CL_PLATFORM_VERSION, c->platform_version, sizeof c->platform_version);
    get_dinfo(c->device, CL_DEVICE_NAME, c->device_name, sizeof c->device_name);
    get_dinfo(c->device, CL_DRIVER_VERSION, c->driver_version, sizeof c->driver_version);
    get_dinfo(c->device, CL_DEVICE_VENDOR, c->vendor, sizeof c->vendor);
    snprintf(c->display_name, sizeof c->display_name, "%s / %s", c->platform_name, c->device_name);
    clGetDeviceInfo(c->device, CL_DEVICE_TYPE, sizeof c->type, &c->type, NULL);
    clGetDeviceInfo(c->device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof c->max_alloc, &c->max_alloc, NULL);
    cl_device_fp_config dcfg = 0;
    clGetDeviceInfo(c->device, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof dcfg, &dcfg, NULL);
    c->has_fp64 = dcfg != 0 || has_extension(c->device, "cl_khr_fp64");
    c->has_fp16 = has_extension(c->device, "cl_khr_fp16");
    cl_command_queue_properties qp = 0;
    clGetCommandQueueInfo(c->queue, CL_QUEUE_PROPERTIES, sizeof qp, &qp, NULL);
    c->out_of_order = (qp & CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE) != 0;
    cl_device_fp_config scfg = 0;
    clGetDeviceInfo(c->device, CL_DEVICE_SINGLE_FP_CONFIG, sizeof scfg, &scfg, NULL);
    c->div_exact = (c->type & CL_DEVICE_TYPE_CPU) && (scfg & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT);
    clact__tuning_init(c);
    return CLACT_SUCCESS;
}

clact_status clact_context_create(clact_context **out, const char *spec)
{
    clact__clear_error();
    if (!out) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "clact_context_create: out is NULL");
    *out = NULL;
    if (!spec || !*spec) spec = getenv("CLACT_DEVICE");
    dev_entry *e = calloc(MAX_DEVICES * 4, sizeof *e);
    if (!e) return clact__fail(CLACT_ERR_OUT_OF_MEMORY, "out of memory");
    size_t n = 0;
    clact_status s = enumerate(e, MAX_DEVICES * 4, &n);
    if (s != CLACT_SUCCESS) { free(e); return s; }
    int idx = select_device(e, n, spec);
    if (idx < 0) { free(e); return CLACT_ERR_NO_DEVICE; }
    cl_platform_id plat = e[idx].platform;
    cl_device_id dev = e[idx].device;
    free(e);

    clact_context *c = calloc(1, sizeof *c);
    if (!c) return clact__fail(CLACT_ERR_OUT_OF_MEMORY, "out of memory");
    cl_int err;
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)plat, 0};
    c->context = clCreateContext(props, 1, &dev, NULL, NULL, &err);
    if (!c->context) { free(c); return clact__fail((clact_status)err, "clCreateContext failed (%d)", err); }
    c->queue = clCreateCommandQueue(c->context, dev, CL_QUEUE_PROFILING_ENABLE, &err);
    if (!c->queue) {
        clReleaseContext(c->context);
        free(c);
        return clact__fail((clact_status)err, "clCreateCommandQueue failed (%d)", err);
    }
    c->device = dev;
    c->owns = 1;
    s = context_init(c, plat);
    if (s != CLACT_SUCCESS) {
        clReleaseCommandQueue(c->queue);
        clReleaseContext(c->context);
        free(c);
        return s;
    }
    clact__debug("context on %s (%s)", c->display_name, c->driver_version);
    *out = c;
    return CLACT_SUCCESS;
}

clact_status clact_context_from_queue(clact_context **out, cl_command_queue queue)
{
    clact__clear_error();
    if (!out) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "clact_context_from_queue: out is NULL");
    *out = NULL;
    if (!queue) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "clact_context_from_queue: queue is NULL");
    cl_context ctx = NULL;
    cl_device_id dev = NULL;
    cl_platform_id plat = NULL;
    cl_int err = clGetCommandQueueInfo(queue, CL_QUEUE_CONTEXT, sizeof ctx, &ctx, NULL);
    if (err == CL_SUCCESS) err = clGetCommandQueueInfo(queue, CL_QUEUE_DEVICE, sizeof dev, &dev, NULL);
    if (err == CL_SUCCESS) err = clGetDeviceInfo(dev, CL_DEVICE_PLATFORM, sizeof plat, &plat, NULL);
    if (err != CL_SUCCESS) return clact__fail((clact_status)err, "not a valid command queue (%d)", err);
    clact_context *c = calloc(1, sizeof *c);
    if (!c) return clact__fail(CLACT_ERR_OUT_OF_MEMORY, "out of memory");
    c->context = ctx;
    c->queue = queue;
    c->device = dev;
    c->owns = 0; /* the caller's objects: never retained, never released */
    clact_status s = context_init(c, plat);
    if (s != CLACT_SUCCESS) { free(c); return s; }
    *out = c;
    return CLACT_SUCCESS;
}

void clact_context_destroy(clact_context *c)
{
    if (!c) return;
    clact__programs_reset(c);
    if (c->dense_release) c->dense_release(c);
    if (c->scratch) clReleaseMemObject(c->scratch);
    if (c->owns) {
        clReleaseCommandQueue(c->queue);
        clReleaseContext(c->context);
    }
    pthread_mutex_destroy(&c->lock);
    free(c);
}

cl_command_queue clact_context_queue(const clact_context *c) { return c ? c->queue : NULL; }
cl_context clact_context_cl_context(const clact_context *c) { return c ? c->context : NULL; }
cl_device_id clact_context_device(const clact_context *c) { return c ? c->device : NULL; }
const char *clact_context_device_name(const clact_context *c) { return c ? c->display_name : ""; }

clact_status clact_context_supports(const clact_context *c, clact_dtype t)
{
    clact__clear_error();
    if (!c) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "context is NULL");
    if (!clact_dtype_size(t)) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "invalid dtype %d", (int)t);
    if (t == CLACT_F64 && !c->has_fp64)
        return clact__fail(CLACT_ERR_UNSUPPORTED, "f64 needs cl_khr_fp64, which %s lacks", c->device_name);
    return CLACT_SUCCESS;
}
