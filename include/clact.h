/* clact.h - portable OpenCL activation functions (the ReLU family and
 * relatives), forward and backward, plus a dense layer on CLBlast.
 *
 * Conventions
 *  - every function returns a clact_status (0 = success); OpenCL error codes
 *    (negative, > -2000) pass through unchanged, clact's own are <= -2000;
 *  - out-parameters come first; create/destroy pairs; destroy(NULL) is a no-op;
 *  - buffers are a cl_mem plus an offset counted in ELEMENTS of the dtype;
 *  - work is enqueued on the context's queue and is asynchronous, exactly as
 *    clEnqueue*: pass a wait list in, get an event out (optional);
 *  - on any error nothing is enqueued, nothing is written to an output and
 *    nothing allocated is kept; clact_last_error() says why (per thread).
 *  - a context may be used from several threads at once.
 */
#ifndef CLACT_H
#define CLACT_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#ifdef __APPLE__
#include <OpenCL/cl.h>
#else
#include <CL/cl.h>
#endif
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- versioning and visibility ---------------------------------------- */
#define CLACT_VERSION_MAJOR 0
#define CLACT_VERSION_MINOR 1
#define CLACT_VERSION_PATCH 0
#define CLACT_VERSION_NUMBER \
    (CLACT_VERSION_MAJOR * 10000 + CLACT_VERSION_MINOR * 100 + CLACT_VERSION_PATCH)
#define CLACT_VERSION_STRING "0.1.0"

#if defined(_WIN32) && defined(CLACT_SHARED_BUILD)
#define CLACT_API __declspec(dllexport)
#elif defined(_WIN32) && defined(CLACT_SHARED)
#define CLACT_API __declspec(dllimport)
#elif defined(__GNUC__) && __GNUC__ >= 4
#define CLACT_API __attribute__((visibility("default")))
#else
#define CLACT_API
#endif

CLACT_API unsigned    clact_version_number(void); /* CLACT_VERSION_NUMBER of the library */
CLACT_API const char *clact_version_string(void);

/* ---- status ------------------------------------------------------------ */
typedef enum clact_status {
    CLACT_SUCCESS = 0,
    /* OpenCL error codes (CL_OUT_OF_RESOURCES, ...) pass through unchanged */
    CLACT_ERR_INVALID_ARGUMENT = -2000,    /* NULL pointer, bad flag, ...       */
    CLACT_ERR_INVALID_OP = -2001,          /* op outside the op table            */
    CLACT_ERR_INVALID_PARAMETER = -2002,   /* non-finite alpha, min > max, ...   */
    CLACT_ERR_INVALID_SHAPE = -2003,       /* ndim, shape, dtype mismatch        */
    CLACT_ERR_INVALID_AXIS = -2004,        /* axis outside [-ndim, ndim)         */
    CLACT_ERR_BUFFER_TOO_SMALL = -2005,    /* shape + offset beyond the cl_mem   */
    CLACT_ERR_WEIGHT_MISMATCH = -2006,     /* prelu weight count != channels, 1  */
    CLACT_ERR_OVERLAP = -2007,             /* in/out overlap where it is unsafe  */
    CLACT_ERR_NO_DEVICE = -2008,           /* no platform/device matches         */
    CLACT_ERR_UNSUPPORTED = -2009,         /* e.g. f64 without cl_khr_fp64       */
    CLACT_ERR_BUILD = -2010,               /* kernel build failed (see log)      */
    CLACT_ERR_OUT_OF_MEMORY = -2011,       /* host allocation failed             */
    CLACT_ERR_IO = -2012,                  /* cache directory / file problem     */
    CLACT_ERR_BLAS = -2013,                /* CLBlast reported an error          */
    CLACT_ERR_INTERNAL = -2014,            /* a bug: please report               */
} clact_status;

CLACT_API const char *clact_status_string(clact_status s); /* never NULL */
/* Detail of the last error on this thread ("" if none). Includes the build
 * log after CLACT_ERR_BUILD. Valid until the next clact call on the thread. */
CLACT_API const char *clact_last_error(void);

/* ---- ops --------------------------------------------------------------- */
enum { CLACT_DOMAIN_FINITE, CLACT_DOMAIN_POSITIVE, CLACT_DOMAIN_NONZERO };
#define CLACT_OPF_PIECEWISE_LINEAR          (1u << 0) /* cheap: no transcendental  */
#define CLACT_OPF_BWD_FROM_Y                (1u << 1) /* backward may take y     */
#define CLACT_OPF_BWD_FROM_Y_IF_P0_NONNEG   (1u << 2) /* ... when param[0] >= 0  */
#define CLACT_OPF_WEIGHT                    (1u << 3) /* takes a weight buffer   */
#define CLACT_OPF_CONCAT                    (1u << 4) /* output doubles the axis */
#define CLACT_OPF_P0_LE_P1                  (1u << 5) /* param[0] <= param[1]    */

typedef enum clact_op {
#define CLACT_OP(E, n, np, a, ad, adom, b, bd, bdom, f) CLACT_OP_##E,
#include "clact_ops.def"
#undef CLACT_OP
    CLACT_OP_COUNT
} clact_op;

#define CLACT_MAX_PARAMS 2
#define CLACT_MAX_DIMS 8

/* An activation and its parameters. Initialise with clact_activation_init
 * (PyTorch's defaults), then change what you need. */
typedef struct clact_activation {
    clact_op op;
    double   param[CLACT_MAX_PARAMS]; /* meaning: clact_op_param_name(op, i) */
    int      axis; /* prelu/crelu channel axis; default 1; negative counts from the end */
    size_t   weight_count; /* prelu: 1 (shared) or shape[axis]; 0 = shape[axis] */
} clact_activation;

CLACT_API clact_status clact_activation_init(clact_activation *act, clact_op op);
/* Set a parameter by its name ("alpha", "beta", "min", "max", "threshold"). */
CLACT_API clact_status clact_activation_set(clact_activation *act, const char *name, double value);
CLACT_API const char  *clact_op_name(clact_op op);          /* NULL if invalid */
CLACT_API clact_status clact_op_from_name(clact_op *out, const char *name);
CLACT_API int          clact_op_param_count(clact_op op);   /* -1 if invalid   */
CLACT_API const char  *clact_op_param_name(clact_op op, int i);
CLACT_API unsigned     clact_op_flags(clact_op op);

/* ---- tensors ----------------------------------------------------------- */
typedef enum clact_dtype {
    CLACT_F32 = 0, CLACT_F16 = 1, CLACT_BF16 = 2, CLACT_F64 = 3, CLACT_DTYPE_COUNT
} clact_dtype;
CLACT_API size_t      clact_dtype_size(clact_dtype t); /* 0 if invalid */
CLACT_API const char *clact_dtype_name(clact_dtype t); /* "f32", ... */

/* A dense C-order (row-major) tensor. ndim 0 is a scalar (1 element). */
typedef struct clact_tensor {
    clact_dtype dtype;
    int         ndim;
    size_t      shape[CLACT_MAX_DIMS];
} clact_tensor;
CLACT_API size_t clact_tensor_count(const clact_tensor *t); /* element count */

/* ---- devices and contexts ---------------------------------------------- */
typedef struct clact_device_info {
    unsigned platform_index, device_index;
    cl_device_type type;
    int  is_default;   /* what clact_context_create(.., NULL) would pick */
    char platform[128];
    char name[128];
    char vendor[128];
    char version[64];
} clact_device_info;

/* Fill up to `cap` entries; *count receives the total number of devices.
 * No OpenCL platform gives CLACT_ERR_NO_DEVICE. */
CLACT_API clact_status clact_devices(clact_device_info *out, size_t cap, size_t *count);

typedef struct clact_context clact_context; /* opaque */

/* The queue clact creates has CL_QUEUE_PROFILING_ENABLE, so events it
 * returns can be timed.
 * spec: "gpu" | "cpu" | "accelerator" | "P:D" | substring of
 * "platform / device / vendor" (case-insensitive; the platform vendor
 * counts too, so "pocl" finds PoCL). NULL or "" reads
 * CLACT_DEVICE; unset means the first GPU, else the first CPU. */
CLACT_API clact_status clact_context_create(clact_context **out, const char *spec);
/* Adopt the caller's queue. clact never retains or releases it (nor its
 * context or device): keep it alive while the clact context lives. */
CLACT_API clact_status clact_context_from_queue(clact_context **out, cl_command_queue queue);
CLACT_API void         clact_context_destroy(clact_context *ctx);
CLACT_API cl_command_queue clact_context_queue(const clact_context *ctx);
CLACT_API cl_context       clact_context_cl_context(const clact_context *ctx);
CLACT_API cl_device_id     clact_context_device(const clact_context *ctx);
/* "platform / device" of the context's device */
CLACT_API const char      *clact_context_device_name(const clact_context *ctx);
/* CLACT_SUCCESS if the device can store dtype, else CLACT_ERR_UNSUPPORTED. */
CLACT_API clact_status     clact_context_supports(const clact_context *ctx, clact_dtype t);

/* ---- activations ------------------------------------------------------- */
/* y = act(x). x described by t; y has t's shape except crelu (axis doubled).
 * prelu: `weight` holds act->weight_count elements of t->dtype (offset 0):
 * 1 (one shared slope) or shape[axis] (one per channel); as in PyTorch, a
 * tensor with ndim < 2 and the default axis 1 has a single channel.
 * x == y (same buffer, same offset) is allowed for every op but crelu;
 * partly overlapping ranges are refused (CLACT_ERR_OVERLAP). */
CLACT_API clact_status clact_forward(clact_context *ctx, const clact_activation *act,
                                     const clact_tensor *t,
                                     cl_mem x, size_t x_off, cl_mem y, size_t y_off,
                                     cl_mem weight,
                                     cl_uint n_wait, const cl_event *wait, cl_event *done);

typedef enum clact_source { CLACT_FROM_X = 0, CLACT_FROM_Y = 1 } clact_source;
/* dx = act'(x) * dy. With src == CLACT_FROM_Y, `xy` holds y = act(x)
 * (only for ops with CLACT_OPF_BWD_FROM_Y, or _IF_P0_NONNEG and param[0] >= 0).
 * dy has y's shape (crelu: the doubled one). dx == dy is allowed.
 * prelu: dweight (shape of weight, may be NULL) receives sum over x <= 0 of
 * x * dy per channel, deterministically. */
CLACT_API clact_status clact_backward(clact_context *ctx, const clact_activation *act,
                                      const clact_tensor *t, clact_source src,
                                      cl_mem xy, size_t xy_off, cl_mem dy, size_t dy_off,
                                      cl_mem dx, size_t dx_off,
                                      cl_mem weight, cl_mem dweight,
                                      cl_uint n_wait, const cl_event *wait, cl_event *done);

/* y = x, n elements of dtype t, with the same vector width as the
 * activation kernels: the bandwidth yardstick of `clact bench`. */
CLACT_API clact_status clact_copy(clact_context *ctx, clact_dtype t, size_t n,
                                  cl_mem x, size_t x_off, cl_mem y, size_t y_off,
                                  cl_uint n_wait, const cl_event *wait, cl_event *done);

/* Check a call without enqueueing or compiling anything. */
CLACT_API clact_status clact_forward_check(const clact_context *ctx, const clact_activation *act,
                                           const clact_tensor *t);

/* ---- programs and the cache -------------------------------------------- */
/* Build (or load from the disk cache) every kernel variant this device can
 * run, the dense layer's and the training helpers' included, so later calls
 * never compile. */
CLACT_API clact_status clact_prebuild(clact_context *ctx);
/* Remove clact's cache files from the cache directory (see README). */
CLACT_API clact_status clact_cache_clear(void);
/* The cache directory in use ("" when CLACT_CACHE=0). */
CLACT_API const char  *clact_cache_dir(void);

/* What a context's program cache did so far. */
typedef struct clact_cache_stats {
    unsigned long programs_built;   /* compiled from source                  */
    unsigned long programs_loaded;  /* loaded from the disk cache            */
    unsigned long cache_rejected;   /* cache files found invalid and rebuilt */
} clact_cache_stats;
CLACT_API clact_status clact_context_cache_stats(const clact_context *ctx, clact_cache_stats *out);

/* Time the launch parameters (elements per work-item, work-group size) on
 * n-element tensors of every supported dtype and use the fastest in ctx
 * (its programs are rebuilt as needed). With save != 0 they are written to
 * the cache directory, and every later context on the same device and driver
 * starts with them (tuning-<hash>.txt; delete it to return to the built-in
 * table). n = 0 picks 2^24. Takes seconds to minutes. */
CLACT_API clact_status clact_tune(clact_context *ctx, size_t n, int save);
/* The launch parameters ctx uses for dtype t (on CPUs, float32 ops other
 * than gelu, gelu_tanh, mish and softplus take at most 16 elements per
 * work-item). */
CLACT_API clact_status clact_context_launch(const clact_context *ctx, clact_dtype t, unsigned *vec, size_t *local);

/* ---- dense layer (matrix products by CLBlast) ---------------------------
 * y = act(x W^T + b), row-major: x [m, k], W [n, k], b [n], y [m, n].
 * The product is computed by CLBlast (Sgemm; Dgemm for f64 where the device
 * has cl_khr_fp64; Hgemm for f16 only where it has cl_khr_fp16), then ONE
 * kernel adds the bias and applies the activation in place. bf16 is
 * CLACT_ERR_UNSUPPORTED (CLBlast has no bfloat16 product). A library built
 * without CLBlast returns CLACT_ERR_UNSUPPORTED from the dense calls.
 *
 * act == NULL means no activation (a linear layer). Every op but crelu
 * works (crelu: CLACT_ERR_UNSUPPORTED); for prelu the slopes are per unit:
 * `weight` holds act->weight_count elements (1 shared slope, or n; 0 means
 * n) and act->axis must be 1 or -1 (the columns of y).
 * All buffers hold desc->dtype; offsets count elements (prelu weights start
 * at element 0, as in clact_forward). CLBlast takes no wait list: the wait
 * list becomes a barrier on the queue ahead of the call's first command. */
typedef struct clact_dense_desc {
    clact_dtype dtype;
    size_t      m; /* rows of x and y: the batch */
    size_t      n; /* units: rows of W, length of b, columns of y */
    size_t      k; /* inputs: columns of x and W */
} clact_dense_desc;

/* Forward. b may be NULL (no bias). z, when not NULL, also receives the
 * pre-activation x W^T + b (what clact_dense_backward needs with
 * CLACT_FROM_X). y (and z) must not overlap x, W, b, the weight or each
 * other; the product is written to y (or z) and finished in place there,
 * so no temporary buffer is used. */
CLACT_API clact_status clact_dense_forward(clact_context *ctx, const clact_activation *act,
                                           const clact_dense_desc *desc,
                                           cl_mem x, size_t x_off, cl_mem w, size_t w_off,
                                           cl_mem b, size_t b_off,
                                           cl_mem y, size_t y_off, cl_mem z, size_t z_off,
                                           cl_mem weight,
                                           cl_uint n_wait, const cl_event *wait, cl_event *done);

/* Backward of the forward above, given dy [m, n]:
 *   dZ = act'(.) * dy (one kernel, which also forms the column sums),
 *   dW = dZ^T x [n, k], db = column sums of dZ [n], dX = dZ W [m, k].
 * zy holds the pre-activation z (src CLACT_FROM_X) or y (CLACT_FROM_Y, for
 * the ops clact_backward allows it for); with act == NULL it is not read
 * and may be NULL. Outputs may each be NULL when not wanted: dx, dw, db,
 * and for prelu dweight (the slope gradient: sum over z <= 0 of z * dy,
 * per unit or over everything for a shared slope). x is needed for dw, w
 * for dx. Sums are deterministic (fixed order, compensated): the same
 * inputs give the same bits on every run. Outputs must not overlap any
 * other buffer of the call. dZ and the partial sums live in temporary
 * buffers allocated per call. */
CLACT_API clact_status clact_dense_backward(clact_context *ctx, const clact_activation *act,
                                            const clact_dense_desc *desc, clact_source src,
                                            cl_mem x, size_t x_off, cl_mem w, size_t w_off,
                                            cl_mem zy, size_t zy_off, cl_mem dy, size_t dy_off,
                                            cl_mem dx, size_t dx_off, cl_mem dw, size_t dw_off,
                                            cl_mem db, size_t db_off,
                                            cl_mem weight, cl_mem dweight,
                                            cl_uint n_wait, const cl_event *wait, cl_event *done);

/* Check a dense call (activation, shape, dtype support) without enqueueing
 * or compiling anything. */
CLACT_API clact_status clact_dense_check(const clact_context *ctx, const clact_activation *act,
                                         const clact_dense_desc *desc);

/* ---- dead units and sparsity ----------------------------------------------
 * Accumulates, over any number of batches [rows, units] of activations
 * (or pre-activations), how often each unit (column) was inactive:
 * CLACT_STATS_ZERO counts exact zeros (+0 and -0), CLACT_STATS_NONPOSITIVE
 * counts values <= 0 (use it on pre-activations). NaN counts as active.
 * A unit is dead when it was inactive for every row seen. Counts are exact
 * integers (deterministic). The object belongs to one context; its calls
 * are serialised internally and enqueue on the context's queue. */
typedef struct clact_stats clact_stats; /* opaque */
typedef enum clact_stats_mode { CLACT_STATS_ZERO = 0, CLACT_STATS_NONPOSITIVE = 1 } clact_stats_mode;

typedef struct clact_stats_result {
    uint64_t rows;          /* rows (samples) seen since create / reset   */
    uint64_t values;        /* rows * units                              */
    uint64_t inactive;      /* values that were inactive (zero)          */
    double   sparsity;      /* inactive / values; 0 when nothing was seen */
    size_t   units;
    size_t   dead;          /* units inactive for every row; 0 if no rows */
    double   dead_fraction; /* dead / units                              */
} clact_stats_result;

CLACT_API clact_status clact_stats_create(clact_stats **out, clact_context *ctx, size_t units,
                                          clact_stats_mode mode);
CLACT_API void         clact_stats_destroy(clact_stats *st); /* waits for pending work */
/* Forget everything seen (enqueued after the pending accumulations). */
CLACT_API clact_status clact_stats_reset(clact_stats *st);
/* Add a batch: a holds rows x units elements of dtype from element a_off. */
CLACT_API clact_status clact_stats_accumulate(clact_stats *st, clact_dtype dtype, size_t rows,
                                              cl_mem a, size_t a_off,
                                              cl_uint n_wait, const cl_event *wait, cl_event *done);
/* Wait for the accumulations so far and read the totals. Optional per-unit
 * arrays of `units` entries: dead[u] = 1 if unit u is dead, else 0;
 * inactive_rows[u] = rows where unit u was inactive. */
CLACT_API clact_status clact_stats_read(clact_stats *st, clact_stats_result *out, unsigned char *dead,
                                        uint64_t *inactive_rows);
/* The indices of the dead units, ascending: up to cap of them into list
 * (may be NULL when cap is 0); *count receives how many there are. */
CLACT_API clact_status clact_stats_dead_units(clact_stats *st, size_t *list, size_t cap, size_t *count);

/* ---- training helpers -------------------------------------------------------
 * Softmax cross-entropy over the rows of logits [m, n] with integer labels
 * (cl_int, in [0, n)): loss[r] = logsumexp(logits[r]) - logits[r][label[r]],
 * dlogits = (softmax - onehot) * scale (pass 1/m for the gradient of the
 * mean loss), pred[r] = index of the largest logit (cl_int). loss, dlogits
 * and pred may each be NULL; dlogits may be logits itself (same offset).
 * A label outside [0, n) gives a NaN loss and NaN gradients for its row. */
CLACT_API clact_status clact_softmax_xent(clact_context *ctx, clact_dtype dtype, size_t m, size_t n,
                                          cl_mem logits, size_t logits_off,
                                          cl_mem labels, size_t labels_off, double scale,
                                          cl_mem dlogits, size_t dlogits_off,
                                          cl_mem loss, size_t loss_off, cl_mem pred, size_t pred_off,
                                          cl_uint n_wait, const cl_event *wait, cl_event *done);
/* SGD with momentum as torch.optim.SGD (dampening 0, not Nesterov), over n
 * elements: d = grad + weight_decay * param; velocity = momentum * velocity
 * + d; param -= lr * velocity. Start with velocity zero. */
CLACT_API clact_status clact_sgd_momentum(clact_context *ctx, clact_dtype dtype, size_t n,
                                          cl_mem param, size_t param_off, cl_mem grad, size_t grad_off,
                                          cl_mem velocity, size_t velocity_off,
                                          double lr, double momentum, double weight_decay,
                                          cl_uint n_wait, const cl_event *wait, cl_event *done);

#ifdef __cplusplus
}
#endif
#endif /* CLACT_H */
