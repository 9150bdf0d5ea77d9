/* train_cmds.h - entry points of `clact train`, `clact dense` and the
 * dense-layer benchmark. */
#ifndef CLACT_TRAIN_CMDS_H
#define CLACT_TRAIN_CMDS_H

#include <stddef.h>

#include "clact.h"

/* argv[0] is the command name; returns the process exit status */
int clact_cmd_train(int argc, char **argv);
int clact_cmd_dense(int argc, char **argv);

/* Wall-clock GFLOP/s (2 m n k flops per product) around clFinish, medians:
 * the bare CLBlast product x W^T, the dense forward (product + fused bias
 * and gelu) and the dense backward (activation gradient + bias sums + dW +
 * dX: 4 m n k flops). Returns 0, or a clact_status. */
int clact_bench_dense(clact_context *ctx, size_t M, size_t N, size_t K, double *gemm_gflops, double *fwd_gflops,
                      double *bwd_gflops);

#endif
