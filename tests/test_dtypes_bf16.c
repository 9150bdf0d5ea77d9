/* Storage type bf16: bfloat16 storage; every op forward and backward against the
 * reference, gradients from y, odd sizes and offsets. See dtypes_suite.inc. */
#define DTYPES_UNDER_TEST CLACT_BF16
#define DTYPES_TAILS CLACT_BF16
#define DTYPES_SUITE "dtypes_bf16"
#include "dtypes_suite.inc"
