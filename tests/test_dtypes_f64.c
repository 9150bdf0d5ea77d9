/* Storage type f64: float64 (or CLACT_ERR_UNSUPPORTED without fp64); every op forward and backward against the
 * reference, gradients from y, odd sizes and offsets. See dtypes_suite.inc. */
#define DTYPES_UNDER_TEST CLACT_F64
#define DTYPES_TAILS CLACT_F64
#define DTYPES_SUITE "dtypes_f64"
#include "dtypes_suite.inc"
