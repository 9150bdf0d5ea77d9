/* internal.h - private declarations shared by the library's sources */
#ifndef CLACT_INTERNAL_H
#define CLACT_INTERNAL_H

#include "clact.h"
#include <pthread.h>
#include <stdarg.h>

#define CLACT_UNUSED(x) ((void)(x))

/* ---- errors (error.c) ---------------------------------------------------- */
/* Record detail for clact_last_error() and return s. */
clact_status clact__fail(clact_status s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void clact__clear_error(void);
/* Print when CLACT_DEBUG is set; the library is otherwise silent. */
void clact__debug(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* ---- op table (ops.c) ------------------------------------------------------ */
typedef struct clact_op_row {
    const char *name;
    int         nparams;
    const char *pname[CLACT_MAX_PARAMS];
    double      pdefault[CLACT_MAX_PARAMS];
    int         pdomain[CLACT_MAX_PARAMS];
    unsigned    flags;
} clact_op_row;
extern const clact_op_row clact__ops[CLACT_OP_COUNT];
/* Validate act (op, parameters); CLACT_SUCCESS or a status with detail. */
clact_status clact__check_activation(const clact_activation *act);

/* ---- kernels and programs (program.c) -------------------------------------- */
typedef enum clact_kernel_id {
    CLACT_K_FWD, CLACT_K_BWD, CLACT_K_COPY,
    CLACT_K_FWD_PRELU_W, CLACT_K_BWD_PRELU_W, CLACT_K_DW_PARTIAL, CLACT_K_DW_FINAL,
    CLACT_K_FWD_CRELU, CLACT_K_BWD_CRELU,
    CLACT_K_COUNT
} clact_kernel_id;
extern const char *const clact__kernel_names[CLACT_K_COUNT];

/* what changes generated code: the -D set of one build */
typedef struct clact_variant {
    clact_op    op;
    clact_dtype dtype;
    int         from_y;
} clact_variant;

typedef struct clact_program {
    cl_program program;
    cl_kernel  kernel[CLACT_K_COUNT];
    unsigned   vec;      /* elements per work-item */
    unsigned   copy_vec; /* the same for the copy kernel (-DCLACT_COPY_VEC) */
    unsigned   ch_wpt;   /* vectors per work-item of the prelu and crelu kernels (-DCLACT_CH_WPT) */
    size_t     local;    /* work-group size, 0 = runtime's choice */
} clact_program;

/* device launch parameters (tuning.c) */
typedef struct clact_launch {
    unsigned vec;
    unsigned copy_vec; /* the copy kernel's elements per work-item */
    unsigned ch_wpt;   /* vectors per work-item of the prelu and crelu kernels */
    size_t   local;
    cl_ulong stream_min; /* calls of at least this many elements store around the cache; 0 never */
    unsigned pf_bytes;   /* those calls prefetch their inputs this far ahead; 0 never */
    unsigned pf_fwd;     /* the forward kernel's distance (-DCLACT_PF_FWD); 0 never */
    int      pf_fwd_l2;  /* the forward kernel prefetches into L2, not L1 (-DCLACT_PF_FWD_L2) */
    unsigned pf_copy;    /* the copy kernel's distance, into L2 (-DCLACT_PF_COPY); 0 never */
    int      rcp14;      /* -DCLACT_RCP14 */
    int      tables;     /* -DCLACT_TABLES */
} clact_launch;
/* the launch parameters of op's programs for dtype t (tuning.c) */
clact_launch clact__op_launch(const clact_context *ctx, clact_op op, clact_dtype t);

struct clact_context {
    cl_context       context;
    cl_command_queue queue;
    cl_device_id     device;
    int              owns; /* created context/queue here: release on destroy */
    int              has_fp64, has_fp16;
    int              div_exact; /* CPU with correctly rounded float division: -DCLACT_DIV_EXACT */
    int              out_of_order; /* the queue runs commands out of order */
    cl_ulong         max_alloc;
    char             platform_name[256], platform_version[256];
    char             device_name[256], driver_version[128], vendor[256];
    char             display_name[520];
    cl_device_type   type;
    clact_launch     launch[CLACT_DTYPE_COUNT];
    size_t           red_local; /* work-group size of reductions */
    int              pl_bwd_pf; /* piecewise-linear ops prefetch in their backward (tuning.c) */
    unsigned         pf_fwd;       /* forward prefetch distance; 0 = pf_bytes (tuning.c) */
    unsigned         pf_fwd32_l2;  /* float32 formula forwards: distance, into L2; 0 = as pf_fwd */
    int              rcp14;     /* -DCLACT_RCP14 (tuning.c) */
    int              wide_prelu; /* float32 prelu at the table's width (tuning.c) */
    int              bf16_cvt;  /* -DCLACT_BF16_CVT: AVX512_BF16 stores (tuning.c) */
    int              avx512;    /* a PoCL CPU device on an AVX-512F host (tuning.c) */
    cl_mem           scratch;   /* partial sums of the prelu weight gradient, reused */
    size_t           scratch_size;
    clact_cache_stats stats;
    pthread_mutex_t  lock;      /* programs + kernel arguments + enqueue */
    clact_program   *prog[CLACT_OP_COUNT][CLACT_DTYPE_COUNT][2];
    void            *dense;                             /* stats.c: kernels/dense.cl programs */
    void           (*dense_release)(clact_context *ctx); /* frees `dense`; set with it */
};

/* Get (build or load) the program of a variant; call with ctx->lock held. */
clact_status clact__program(clact_context *ctx, const clact_variant *v, clact_program **out);
void         clact__program_release(clact_program *p);
/* Every kernels/dense.cl program this device can need (stats.c); ctx->lock held. */
clact_status clact__dense_prebuild(clact_context *ctx);
/* Build (or load from the disk cache) a program from embedded sources,
 * concatenated in the order given, with complete build options (which must
 * tell programs apart: they are the cache key). `what` names it in logs. */
/* the embedded sources every program starts with, in order */
#define CLACT_PRELUDE_SOURCES "clact_types.cl", "clact_math.cl", "clact_ops.cl"
clact_status clact__build_program(clact_context *ctx, const char *const *names, size_t n_names,
                                  const char *options, const char *what, cl_program *out);
/* Assemble all build options of a variant (one place for every quirk). */
void         clact__build_options(const clact_context *ctx, const clact_variant *v,
                                  const clact_launch *l, char *buf, size_t cap);

/* ---- disk cache (cache.c) -------------------------------------------------- */
/* Compute the cache key of a build (one function for lookup and store). */
void         clact__cache_key(const clact_context *ctx, const char *options, char *key, size_t cap);
/* Load a binary for key; *bin is malloc'ed. Returns 0 if found and valid,
 * -1 if there is no file, -2 if a file was there but invalid. */
int          clact__cache_load(const char *key, unsigned char **bin, size_t *size);
/* Create the cache directory and name a temporary file beside `path`;
 * returns 0 when the directory is usable. */
int          clact__cache_store_text(const char *path, char *tmp, size_t cap);
/* Store a binary (best effort, never fails the caller). */
void         clact__cache_store(const char *key, const unsigned char *bin, size_t size);

/* ---- tuning (tuning.c) ------------------------------------------------------ */
void         clact__tuning_init(clact_context *ctx);
/* path of the tuning overrides of ctx's device ("" without a cache dir) */
void         clact__tuning_path(const clact_context *ctx, char *path, size_t cap);
/* release every program of ctx (launch parameters changed); lock held */
void         clact__programs_reset(clact_context *ctx);

/* ---- argument checks and enqueue helpers shared by every entry point
 * (activation.c); each failure records its detail with clact__fail ---------- */
/* n_wait and wait agree */
clact_status clact__check_wait(cl_uint n_wait, const cl_event *wait);
/* m is a buffer holding `count` elements of esz bytes from element offset off */
clact_status clact__check_buffer(cl_mem m, const char *what, size_t off, size_t count, size_t esz);
/* a marker for calls with nothing to do (only when the caller wants an event) */
clact_status clact__marker(clact_context *ctx, cl_uint n_wait, const cl_event *wait, cl_event *done);
/* scalar kernel argument i as the build's `real` (double for f64, else float) */
cl_int       clact__set_real(cl_kernel k, cl_uint i, clact_dtype t, double v);

/* ---- misc ------------------------------------------------------------------ */
uint64_t     clact__fnv1a(uint64_t h, const void *data, size_t n);
#define CLACT_FNV_OFFSET 1469598103934665603ULL

#endif
