/* program.c - kernel variants: build options, in-memory cache per context,
 * disk cache (cache.c), run-time build from the embedded sources. */
#include "internal.h"
#include "embedded.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const clact__kernel_names[CLACT_K_COUNT] = {
    "clact_fwd", "clact_bwd", "clact_copy",
    "clact_prelu_fwd", "clact_prelu_bwd", "clact_prelu_dw_partial", "clact_prelu_dw_final",
    "clact_crelu_fwd", "clact_crelu_bwd",
};

/* concatenation order of the embedded sources of one program */
static const char *const source_order[] = {
    CLACT_PRELUDE_SOURCES, "elementwise.cl",
};
#define N_SOURCES (sizeof source_order / sizeof source_order[0])

void clact__build_options(const clact_context *ctx, const clact_variant *v, const clact_launch *l,
                          char *buf, size_t cap)
{
    int n = snprintf(buf, cap,
                     "-cl-std=CL1.2 -DCLACT_EMBEDDED -DCLACT_DTYPE=%d -DCLACT_VEC=%u "
                     "-DCLACT_FWD=clact_fwd_%s -DCLACT_GRAD=clact_grad%s_%s -DCLACT_RED_LOCAL=%zu -DCLACT_HAS_FP64=%d"
                     " -DCLACT_CPU=%d -DCLACT_CH_WPT=%u -DCLACT_DIV_EXACT=%d -DCLACT_STREAM_MIN=%lluUL -DCLACT_PF_BYTES=%u"
                     " -DCLACT_PF_FWD=%u -DCLACT_PF_FWD_L2=%d -DCLACT_PF_COPY=%u -DCLACT_COPY_VEC=%u -DCLACT_RCP14=%d -DCLACT_TABLES=%d -DCLACT_BF16_CVT=%d%s",
                     (int)v->dtype, l->vec, clact__ops[v->op].name, v->from_y ? "y" : "",
                     clact__ops[v->op].name, ctx->red_local, ctx->has_fp64,
                     (ctx->type & CL_DEVICE_TYPE_CPU) ? 1 : 0, l->ch_wpt, ctx->div_exact,
                     (unsigned long long)l->stream_min, l->pf_bytes, l->pf_fwd, l->pf_fwd_l2, l->pf_copy, l->copy_vec, l->rcp14, l->tables,
                     v->dtype == CLACT_BF16 ? ctx->bf16_cvt : 0, ctx->div_exact ? " -cl-fp32-correctly-rounded-divide-sqrt" : "");
    /* vendor quirks go here, decided from ctx (platform / device names) */
    const char *extra = getenv("CLACT_BUILD_OPTIONS");
    if (extra && *extra && n > 0 && (size_t)n < cap) snprintf(buf + n, cap - (size_t)n, " %s", extra);
}

static const clact_embedded_file *find_source(const char *name)
{
    for (const clact_embedded_file *f = clact_embedded_files; f->name; ++f)
        if (strcmp(f->name, name) == 0) return f;
    return NULL;
}

static clact_status build_log_fail(clact_context *ctx, cl_program prog, cl_int err, const char *options)
{
    size_t sz = 0;
    clGetProgramBuildInfo(prog, ctx->device, CL_PROGRAM_BUILD_LOG, 0, NULL, &sz);
    char *log = malloc(sz + 1);
    if (log) {
        log[0] = '\0';
        clGetProgramBuildInfo(prog, ctx->device, CL_PROGRAM_BUILD_LOG, sz, log, NULL);
        log[sz] = '\0';
    }
    clact_status s = clact__fail(CLACT_ERR_BUILD, "kernel build failed (%d) with options '%s': %s", err, options,
                                 log ? log : "(no log)");
    free(log);
    return s;
}

static cl_program from_binary(clact_context *ctx, const char *key)
{
    unsigned char *bin = NULL;
    size_t size = 0;
    const int r = clact__cache_load(key, &bin, &size);
    if (r == -2) ctx->stats.cache_rejected++;
    if (r != 0) return NULL;
    cl_int st = CL_SUCCESS, err = CL_SUCCESS;
    const unsigned char *b = bin;
    cl_program p = clCreateProgramWithBinary(ctx->context, 1, &ctx->device, &size, &b, &st, &err);
    free(bin);
    if (!p) return NULL;
    if (err != CL_SUCCESS || st != CL_SUCCESS || clBuildProgram(p, 1, &ctx->device, "", NULL, NULL) != CL_SUCCESS) {
        clact__debug("cached binary rejected by the driver; rebuilding");
        ctx->stats.cache_rejected++;
        clReleaseProgram(p);
        return NULL;
    }
    ctx->stats.programs_loaded++;
    return p;
}

static void store_binary(clact_context *ctx, cl_program p, const char *key)
{
    size_t size = 0;
    if (clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof size, &size, NULL) != CL_SUCCESS || size == 0) return;
    unsigned char *bin = malloc(size);
    if (!bin) return;
    unsigned char *bins[1] = {bin};
    if (clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof bins, bins, NULL) == CL_SUCCESS)
        clact__cache_store(key, bin, size);
    free(bin);
    CLACT_UNUSED(ctx);
}

void clact__program_release(clact_program *p)
{
    if (!p) return;
    for (int k = 0; k < CLACT_K_COUNT; ++k)
        if (p->kernel[k]) clReleaseKernel(p->kernel[k]);
    if (p->program) clReleaseProgram(p->program);
    free(p);
}

clact_status clact__build_program(clact_context *ctx, const char *const *names, size_t n_names,
                                  const char *options, const char *what, cl_program *out)
{
    char key[2048];
    clact__cache_key(ctx, options, key, sizeof key);
    cl_program prog = from_binary(ctx, key);
    if (!prog) {
        const char *src[16];
        size_t len[16];
        if (n_names > 16) return clact__fail(CLACT_ERR_INTERNAL, "too many sources for one program");
        for (size_t i = 0; i < n_names; ++i) {
            const clact_embedded_file *f = find_source(names[i]);
            if (!f) return clact__fail(CLACT_ERR_INTERNAL, "embedded source %s missing", names[i]);
            src[i] = f->data;
            len[i] = f->length;
        }
        cl_int err;
        prog = clCreateProgramWithSource(ctx->context, (cl_uint)n_names, src, len, &err);
        if (!prog) return clact__fail((clact_status)err, "clCreateProgramWithSource failed (%d)", err);
        clact__debug("building %s: %s", what, options);
        err = clBuildProgram(prog, 1, &ctx->device, options, NULL, NULL);
        if (err != CL_SUCCESS) {
            clact_status s = build_log_fail(ctx, prog, err, options);
            clReleaseProgram(prog);
            return s;
        }
        ctx->stats.programs_built++;
        store_binary(ctx, prog, key);
    }
    *out = prog;
    return CLACT_SUCCESS;
}

clact_status clact__program(clact_context *ctx, const clact_variant *v, clact_program **out)
{
    clact_program **slot = &ctx->prog[v->op][v->dtype][v->from_y ? 1 : 0];
    if (*slot) {
        *out = *slot;
        return CLACT_SUCCESS;
    }
    const clact_launch l = clact__op_launch(ctx, v->op, v->dtype);
    char options[1024], what[128];
    clact__build_options(ctx, v, &l, options, sizeof options);
    snprintf(what, sizeof what, "%s/%s%s", clact__ops[v->op].name, clact_dtype_name(v->dtype),
             v->from_y ? " from y" : "");
    cl_program prog;
    clact_status bs = clact__build_program(ctx, source_order, N_SOURCES, options, what, &prog);
    if (bs != CLACT_SUCCESS) return bs;
    clact_program *p = calloc(1, sizeof *p);
    if (!p) {
        clReleaseProgram(prog);
        return clact__fail(CLACT_ERR_OUT_OF_MEMORY, "out of memory");
    }
    p->program = prog;
    p->vec = l.vec;
    p->copy_vec = l.copy_vec;
    p->ch_wpt = l.ch_wpt;
    p->local = l.local;
    for (int k = 0; k < CLACT_K_COUNT; ++k) {
        cl_int err;
        p->kernel[k] = clCreateKernel(prog, clact__kernel_names[k], &err);
        if (!p->kernel[k]) {
            clact__program_release(p);
            return clact__fail(CLACT_ERR_BUILD, "kernel %s missing from the program (%d)", clact__kernel_names[k], err);
        }
    }
    *slot = p;
    *out = p;
    return CLACT_SUCCESS;
}

void clact__programs_reset(clact_context *ctx)
{
    for (int o = 0; o < CLACT_OP_COUNT; ++o)
        for (int t = 0; t < CLACT_DTYPE_COUNT; ++t)
            for (int y = 0; y < 2; ++y) {
                clact__program_release(ctx->prog[o][t][y]);
                ctx->prog[o][t][y] = NULL;
            }
    if (ctx->dense_release) ctx->dense_release(ctx); /* the dense.cl programs too */
}

clact_status clact_context_cache_stats(const clact_context *ctx, clact_cache_stats *out)
{
    clact__clear_error();
    if (!ctx || !out) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "clact_context_cache_stats: NULL argument");
    pthread_mutex_lock((pthread_mutex_t *)&ctx->lock);
    *out = ctx->stats;
    pthread_mutex_unlock((pthread_mutex_t *)&ctx->lock);
    return CLACT_SUCCESS;
}
