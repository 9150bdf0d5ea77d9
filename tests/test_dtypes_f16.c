/* Storage type f16: float16 storage (and the float32 vector tails, and the host conversions); every op forward and backward against the
 * reference, gradients from y, odd sizes and offsets. See dtypes_suite.inc. */
#define DTYPES_UNDER_TEST CLACT_F16
#define DTYPES_TAILS CLACT_F16, CLACT_F32
#define DTYPES_SUITE "dtypes_f16"
#define DTYPES_HOST_CONVERSIONS 1
#include "dtypes_suite.inc"
