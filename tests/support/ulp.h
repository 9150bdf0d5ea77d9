/* ulp.h - distances in units in the last place of a storage type, and
 * host conversions between float and the 16-bit storage formats.
 *
 * Distances are measured against an exact (long double) value:
 *   float / double : |got - want| / ulp(want), ulp taken in the storage type
 *                    at |want| (the spacing of the binade |want| lies in,
 *                    the subnormal spacing below the smallest normal);
 *   half / bf16    : the number of representable steps between got and
 *                    want rounded to nearest even in that format.
 * Rules shared by all:
 *   - NaN expected <-> NaN got: 0, any other mix: INFINITY;
 *   - +0 and -0 are equal;
 *   - a result whose exact value is below the smallest normal may be 0
 *     (flush to zero): distance 0; so may any result no farther from the
 *     exact value than 0 is (|got - want| <= |want|);
 *   - an expected value that rounds to +-inf accepts +-inf; an infinite
 *     result for a finite expected value counts as the first value past
 *     the largest finite one (2^(emax+1)).
 */
#ifndef CLACT_TEST_ULP_H
#define CLACT_TEST_ULP_H

#include <stdint.h>

#include "clact.h"

/* Parameters of a binary floating-point storage format. */
typedef struct ulp_format {
    int prec; /* significand bits, hidden bit included */
    int emin; /* exponent of the smallest normal */
    int emax; /* exponent of the largest finite binade */
} ulp_format;

extern const ulp_format ULP_F32, ULP_F64, ULP_F16, ULP_BF16;
const ulp_format *ulp_format_of(clact_dtype t);

/* Round to nearest even into format f (overflow gives +-inf). */
long double ulp_round(const ulp_format *f, long double v);
/* Spacing of format f at |v| (top binade spacing beyond the range). */
long double ulp_spacing(const ulp_format *f, long double v);

double ulp_dist_f32(float got, long double want);
double ulp_dist_f64(double got, long double want);
double ulp_dist_f16(uint16_t got, long double want);
double ulp_dist_bf16(uint16_t got, long double want);
/* got given as a double holding a value of dtype t exactly */
double ulp_dist(clact_dtype t, double got, long double want);

/* Host conversions, round to nearest even; NaN stays NaN (quiet). */
uint16_t ulp_ld_to_half(long double v);
uint16_t ulp_ld_to_bf16(long double v);
uint16_t ulp_float_to_half(float f);
uint16_t ulp_float_to_bf16(float f);
float    ulp_half_to_float(uint16_t h);
float    ulp_bf16_to_float(uint16_t b);

/* Value of dtype t nearest to v (round to nearest even), returned as a
 * double that holds it exactly. */
double ulp_to_dtype(clact_dtype t, long double v);

/* Neighbours in a storage format (n steps up, negative = down), for
 * probing around thresholds. */
float  ulp_step_f32(float x, int n);
double ulp_step_f64(double x, int n);
double ulp_step(clact_dtype t, double x, int n);

#endif /* CLACT_TEST_ULP_H */
