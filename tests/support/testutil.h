/* testutil.h - what every suite shares: one clact context per executable,
 * buffers, host<->device transfers in every dtype, running forward and
 * backward, input sets, and ulp scoring against the reference with the
 * worst case in the failure message. */
#ifndef CLACT_TEST_UTIL_H
#define CLACT_TEST_UTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "clact.h"
#include "reference.h"
#include "ulp.h"

#define TU_SKIP 77

/* ---- the context -------------------------------------------------------- */
/* Create the shared context from CLACT_TEST_DEVICE (or the default device);
 * exit(77) when there is no OpenCL device. */
void tu_init(void);
void tu_fini(void);
clact_context   *tu_ctx(void);
cl_context       tu_cl_context(void);
cl_command_queue tu_queue(void);
cl_device_id     tu_device(void);
int              tu_has_f64(void); /* clact_context_supports(F64) succeeded */
/* Run a suite in this process (no fork: the context is shared); returns
 * the exit status for main. */
int tu_run_suite(Suite *s);

/* ---- per-test cleanup ------------------------------------------------------ */
/* A failed assertion leaves a test by longjmp: what it allocated would leak
 * and drown real leaks in a sanitizer run. Memory and buffers handed to
 * tu_keep / tu_keep_mem are freed by tu_cleanup, which the test cases made
 * by tu_tcase run after every test, passed or failed. */
void  *tu_keep(void *p);          /* returns p (malloc'd), now owned by the test */
cl_mem tu_keep_mem(cl_mem b);     /* returns b, now owned by the test */
void  *tu_alloc(size_t bytes);    /* tu_keep(malloc(bytes)), never NULL */
void   tu_free(void *p);          /* frees p (kept or not) */
void   tu_cleanup(void);          /* frees and releases everything kept */
TCase *tu_tcase(const char *name); /* no timeout, tu_cleanup after each test */
/* When on, buffers from tu_buffer / tu_buffer_n / tu_upload and arrays from
 * tu_random / tu_inputs are kept as above (free them with tu_free and
 * tu_release). Off by default. */
void   tu_track_all(int on);

/* ---- random numbers (deterministic, seeded) ------------------------------ */
uint64_t tu_rand(uint64_t *state);
double   tu_uniform(uint64_t *state, double lo, double hi);

/* ---- dtype packing -------------------------------------------------------- */
/* Values are carried on the host as doubles holding values of the dtype
 * exactly. pack rounds to nearest even (exact for representable values). */
void tu_pack(clact_dtype t, const double *v, size_t n, void *out);
void tu_unpack(clact_dtype t, const void *in, size_t n, double *v);

/* ---- buffers -------------------------------------------------------------- */
cl_mem tu_buffer(size_t bytes);                  /* at least 1 byte */
cl_mem tu_buffer_n(clact_dtype t, size_t n);     /* n elements (at least 1) */
cl_mem tu_upload(clact_dtype t, const double *v, size_t n);
void   tu_write(cl_mem b, clact_dtype t, size_t off, const double *v, size_t n);
void   tu_read(cl_mem b, clact_dtype t, size_t off, double *v, size_t n);
void   tu_write_bytes(cl_mem b, size_t off, const void *p, size_t bytes);
void   tu_read_bytes(cl_mem b, size_t off, void *p, size_t bytes);
void   tu_fill_bytes(cl_mem b, size_t bytes, unsigned char pattern);
/* 1 if all `bytes` bytes of b equal pattern */
int    tu_bytes_are(cl_mem b, size_t bytes, unsigned char pattern);
void   tu_release(cl_mem b); /* kept or not */
void   tu_finish(void);

/* ---- tensors and activations ---------------------------------------------- */
clact_tensor     tu_tensor1(clact_dtype t, size_t n);
clact_tensor     tu_tensor(clact_dtype t, int ndim, const size_t *shape);
clact_activation tu_act(clact_op op);                         /* defaults */
clact_activation tu_act2(clact_op op, double p0, double p1);  /* nparams given */
const char      *tu_act_str(const clact_activation *a);       /* "elu(alpha=0.5)" */
size_t           tu_out_count(const clact_activation *a, const clact_tensor *t);

/* ---- the op configurations every numeric suite runs --------------------------- */
typedef struct tu_cfg {
    clact_op op;
    int      defaults; /* the library's defaults (checked against PyTorch's) */
    double   p0, p1;   /* otherwise these; prelu: its single weight */
} tu_cfg;
/* Every op with its defaults, plus non-default parameters: leaky_relu 0.2
 * and -0.5, prelu 0.25 and -1.5, elu 0.5 and -1.25, celu 2 and 0.5,
 * hardtanh(-2, 3) and (0.5, 0.5), softplus(2, 10) and (0.5, 4). */
extern const tu_cfg tu_cfgs[];
extern const int    tu_ncfgs;
/* The activation of a configuration (asserting the defaults), and the
 * reference's parameter vector in p (prelu: p[0] is the weight). */
clact_activation tu_cfg_act(const tu_cfg *c, double p[2]);
/* Every kink/threshold of op (parameters p) as a float, and the 8 floats on
 * each side of it, into x (room for TU_KINK_INPUTS values); returns how
 * many (0 for a smooth op). */
#define TU_KINK_INPUTS (8 * 17)
size_t tu_kink_inputs(clact_op op, const double p[2], double *x);
const char      *tu_cfg_str(const tu_cfg *c); /* "elu(alpha=0.5)" */

/* ---- running ---------------------------------------------------------------- */
/* Upload, run, wait, read back. w (nw elements) is prelu's weight; y has
 * tu_out_count elements. Returns the status of the clact call. */
clact_status tu_forward(const clact_activation *act, const clact_tensor *t, const double *x,
                        const double *w, size_t nw, double *y);
/* dy has tu_out_count elements, dx the tensor's; dw (nw) may be NULL. */
clact_status tu_backward(const clact_activation *act, const clact_tensor *t, clact_source src,
                         const double *xy, const double *dy, const double *w, size_t nw,
                         double *dx, double *dw);

/* ---- input sets -------------------------------------------------------------- */
#define TU_IN_NO_NAN   1u /* leave NaN out */
#define TU_IN_NO_GRID  2u /* special values, kinks, probes and random bits only */
/* Inputs of dtype t for act: special values (NaN, +-inf, +-0, subnormals,
 * extremes), every kink/threshold/probe and the values around it, a dense
 * grid over [-20, 20], uniform values in it, and random bit patterns across
 * every magnitude (f16/bf16: every bit pattern). Returns a malloc'd array
 * (free it) and its length in *n. */
double *tu_inputs(clact_dtype t, const clact_activation *act, unsigned flags, uint64_t seed, size_t *n);
/* n values of dtype t uniform in [lo, hi] */
double *tu_random(clact_dtype t, size_t n, double lo, double hi, uint64_t seed);
/* float32 runs of consecutive values, so that whole vectors share one
 * form: a CPU may take a faster form for a vector whose lanes all lie in
 * a range (float32 mish above -20.476192 forward and -20.098040 backward,
 * softplus above -20, gelu above -7.5 forward and -7 backward, gelu_tanh
 * above -6.4 and silu above -20 backward, with x or |x| clamped at 10,
 * 11, 20, 7.5, 7 and 6.4 inside the form; tanh and sigmoid backward for
 * |x| below 9 and 18) and the general one for any other. Runs of 256
 * floats end at, start at and straddle each of those points and a few
 * others (the roots of mish', silu', gelu' and gelu_tanh' among them); a
 * grid at 1/64 covers [-21, 21]; last, a NaN amid 191 values of [-1.5, 1.5),
 * so that a vector otherwise in range holds it (NaN in, NaN out: the
 * range test fails for a NaN lane). Returns a malloc'd array (free it)
 * and its length in *n. */
double *tu_run_inputs(size_t *n);

/* ---- scoring ------------------------------------------------------------------- */
typedef struct tu_score {
    double      tol;   /* ulps allowed */
    size_t      n;     /* values scored */
    size_t      nbad;  /* values beyond tol */
    double      worst; /* ulps (INFINITY: NaN mismatch or inf vs finite) */
    size_t      where; /* index of the worst */
    double      x, got;
    long double want;
    double      x2;    /* second input at the worst (dy for backward) */
    int         nex;   /* first failures, besides the worst */
    struct { size_t i; double x, x2, got, ulps; long double want; } ex[3];
} tu_score;
void        tu_score_init(tu_score *s, double tol);
void        tu_score_add(tu_score *s, clact_dtype t, size_t i, double x, double x2, double got,
                         long double want);
/* Failure text: label, count, worst ulps, x, got, want. Per thread buffer. */
const char *tu_score_str(const tu_score *s, const char *label);
#define TU_ASSERT_SCORE(s, label) ck_assert_msg((s)->nbad == 0, "%s", tu_score_str((s), (label)))

/* Checks a status and that clact_last_error() says something on failure. */
#define TU_ASSERT_OK(expr)                                                                   \
    do {                                                                                     \
        const clact_status tu_st_ = (expr);                                                  \
        ck_assert_msg(tu_st_ == CLACT_SUCCESS, "%s -> %d (%s): %s", #expr, (int)tu_st_,      \
                      clact_status_string(tu_st_), clact_last_error());                      \
    } while (0)
#define TU_ASSERT_STATUS(expr, want)                                                         \
    do {                                                                                     \
        const clact_status tu_st_ = (expr);                                                  \
        const clact_status tu_w_ = (want);                                                   \
        ck_assert_msg(tu_st_ == tu_w_, "%s -> %d (%s), want %d (%s); last error: %s", #expr, \
                      (int)tu_st_, clact_status_string(tu_st_), (int)tu_w_,                  \
                      clact_status_string(tu_w_), clact_last_error());                       \
        if (tu_w_ != CLACT_SUCCESS) {                                                        \
            const char *tu_le_ = clact_last_error();                                         \
            ck_assert_msg(tu_le_ != NULL && tu_le_[0] != '\0',                               \
                          "%s: empty clact_last_error() after an error", #expr);             \
        }                                                                                    \
    } while (0)
#define TU_CL_OK(expr)                                                                       \
    do {                                                                                     \
        const cl_int tu_ce_ = (expr);                                                        \
        ck_assert_msg(tu_ce_ == CL_SUCCESS, "%s -> OpenCL error %d", #expr, (int)tu_ce_);   \
    } while (0)

#endif /* CLACT_TEST_UTIL_H */
