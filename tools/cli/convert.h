/* convert.h - host conversions between the storage types, rounding to
 * nearest even (the same rounding the kernels use when they store). */
#ifndef CLACT_CONVERT_H
#define CLACT_CONVERT_H

#include <stddef.h>
#include <stdint.h>

#include "clact.h"

float    cvt_half_to_float(uint16_t h);
uint16_t cvt_float_to_half(float f);
float    cvt_bf16_to_float(uint16_t b);
uint16_t cvt_float_to_bf16(float f);
/* One rounding from double straight to the 16-bit formats. */
uint16_t cvt_double_to_half(double d);
uint16_t cvt_double_to_bf16(double d);

/* Element i of an array of dtype t, as a double (exact). */
double cvt_load(const void *src, clact_dtype t, size_t i);
/* Store v rounded (nearest even) to dtype t at element i. */
void cvt_store(void *dst, clact_dtype t, size_t i, double v);

/* dst[i] = round(src[i]) for n elements; src and dst must not overlap
 * unless the dtypes are equal (then it is a memmove). */
void cvt_array(void *dst, clact_dtype dt, const void *src, clact_dtype st, size_t n);

#endif /* CLACT_CONVERT_H */
