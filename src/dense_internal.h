/* dense_internal.h - private pieces shared by dense.c (the CLBlast part)
 * and stats.c (the programs of kernels/dense.cl, statistics, training
 * helpers, and the argument checks they all use). */
#ifndef CLACT_DENSE_INTERNAL_H
#define CLACT_DENSE_INTERNAL_H

#include "internal.h"

/* every build has the first three; the identity build has them all */
typedef enum dense_kernel_id {
    DK_FWD, DK_BWD, DK_BWD_FINAL, DK_STATS_COUNT, DK_STATS_FOLD, DK_XENT, DK_SGD, DK_COUNT
} dense_kernel_id;

typedef struct dense_program {
    cl_program program;
    cl_kernel  kernel[DK_COUNT];
    unsigned   vec; /* elements per work-item (CLACT_VEC of the build) */
} dense_program;

/* op index of "no activation" (a linear layer) */
#define DENSE_IDENTITY CLACT_OP_COUNT

/* The dense.cl program of (op or DENSE_IDENTITY, dtype, from_y); call with
 * ctx->lock held. */
clact_status clact__dense_program(clact_context *ctx, int op, clact_dtype dt, int from_y, dense_program **out);

/* argument checks (each records the detail with clact__fail) */
/* (clact__check_wait, clact__check_buffer: internal.h) */
/* ranges in the same buffer must not overlap */
clact_status clact__dn_check_overlap(cl_mem a, size_t ao, size_t an, size_t aesz, const char *an_,
                                     cl_mem b, size_t bo, size_t bn, size_t besz, const char *bn_);
/* dtype valid and storable on the device */
clact_status clact__dn_check_dtype(const clact_context *ctx, clact_dtype t);
/* a*b*c without overflow (with a margin); 0 on success */
int          clact__dn_mul(size_t a, size_t b, size_t *out);

/* enqueue helpers: n-D range with the runtime's work-group size */
clact_status clact__dn_enqueue(clact_context *ctx, cl_kernel k, cl_uint dims, const size_t *global,
                               cl_uint n_wait, const cl_event *wait, cl_event *ev);
/* rows per chunk of the column reductions, for M rows and N columns
 * handled vec at a time */
size_t       clact__dn_chunk(const clact_context *ctx, size_t M, size_t N, unsigned vec);

#endif
