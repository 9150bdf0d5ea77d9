/* clact_math.cl - math helpers shared by the op formulas.
 * (placeholder: builtins; replaced by accurate, fast approximations) */
#ifndef CLACT_MATH_CL
#define CLACT_MATH_CL
#ifndef CLACT_EMBEDDED
#include "clact_types.cl"
#endif
#endif
