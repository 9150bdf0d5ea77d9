/* train_core.h - the training demo behind `clact train`: a seeded
 * two-spirals data set and an MLP 2 -> H -> H -> 2 (softmax cross-entropy,
 * SGD with momentum) trained entirely on the device through clact's dense
 * layer, activations, statistics and training helpers. Depends on clact.h
 * only, so a test can run it in process. */
#ifndef CLACT_TRAIN_CORE_H
#define CLACT_TRAIN_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "clact.h"

typedef struct train_opts {
    int      epochs;
    double   lr;
    double   momentum;
    double   init_bias; /* initial bias of the hidden layers */
    uint64_t seed;
    size_t   points;    /* data set size (both classes together) */
    size_t   batch;
    size_t   hidden;    /* units per hidden layer */
    double   turns;     /* turns of each spiral */
    double   noise;     /* standard deviation of the noise added to points */
} train_opts;

/* The defaults: in this setup every activation of the demo learns the
 * spirals (gelu reaches >= 0.95 accuracy). */
void train_default_opts(train_opts *o);

typedef struct train_epoch {
    double loss;     /* mean cross-entropy over the epoch's batches */
    double acc;      /* fraction classified right during the epoch */
    double dead;     /* fraction of hidden units whose output was exactly 0
                        for every sample of the epoch */
    double inactive; /* fraction of hidden units whose pre-activation was
                        <= 0 for every sample of the epoch */
} train_epoch;

typedef struct train_result {
    clact_op     op;
    int          epochs;
    train_epoch *hist;       /* epochs entries */
    /* after training, one pass over the whole data set */
    double       loss, acc;
    size_t       units;      /* hidden units, both layers */
    size_t       dead_units; /* output exactly 0 for every point */
    size_t       inactive_units;
    int          first_90;   /* first epoch (1-based) with acc >= 0.9, 0 if none */
    double       seconds;    /* wall clock of the training */
} train_result;

/* called after every epoch (may be NULL) */
typedef void (*train_progress_fn)(void *user, const train_result *r, int epoch);

/* Train with activation op (relu, leaky_relu, prelu, elu, gelu or any op
 * but crelu) from the same seeded data and initial weights. prelu learns
 * one slope per unit (initially 0.25). Returns CLACT_SUCCESS or a status
 * with a one-line message in err. On success out->hist must be freed with
 * train_result_free. */
clact_status train_run(clact_context *ctx, clact_op op, const train_opts *o, train_progress_fn progress,
                       void *user, train_result *out, char *err, size_t errlen);
void         train_result_free(train_result *r);

/* The data set (for plots): 2 * n floats x, y interleaved, labels 0/1. */
int          train_spirals(const train_opts *o, float *xy, int *label);

#endif
