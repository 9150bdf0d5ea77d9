/* convert.c - float16 / bfloat16 / float32 / float64 host conversions. */
#include "convert.h"

#include <math.h>
#include <string.h>

static uint32_t f2u(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float u2f(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

float cvt_half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t man = h & 0x3ffu;
    if (exp == 0x1f) return u2f(sign | 0x7f800000u | (man << 13)); /* inf, NaN */
    if (exp == 0) {
        /* zero or subnormal: man * 2^-24, exact in float */
        float v = (float)man * 0x1p-24f;
        return sign ? -v : v;
    }
    return u2f(sign | ((exp + 112u) << 23) | (man << 13));
}

uint16_t cvt_float_to_half(float f)
{
    uint32_t x = f2u(f);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
    uint32_t ax = x & 0x7fffffffu;
    if (ax > 0x7f800000u) return (uint16_t)(sign | 0x7e00u | ((ax >> 13) & 0x3ffu)); /* NaN */
    if (ax >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u); /* >= 65520 (or inf) */
    if (ax < 0x38800000u) {
        /* below 2^-14: a subnormal half; |f| * 2^24 is exact, rint rounds to even */
        float m = rintf(u2f(ax) * 0x1p24f);
        return (uint16_t)(sign | (uint16_t)m);
    }
    uint32_t r = ax - 0x38000000u; /* rebias the exponent from 127 to 15 */
    r += 0x0fffu + ((r >> 13) & 1u);
    return (uint16_t)(sign | (r >> 13));
}

float cvt_bf16_to_float(uint16_t b) { return u2f((uint32_t)b << 16); }

uint16_t cvt_float_to_bf16(float f)
{
    uint32_t b = f2u(f);
    if ((b & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((b >> 16) | 0x0040u); /* quiet NaN */
    b += 0x7fffu + ((b >> 16) & 1u);
    return (uint16_t)(b >> 16);
}

/* double -> float rounded to odd: a second rounding to a format at least
 * two bits narrower is then the correctly rounded result. */
static float double_to_float_odd(double d)
{
    if (isnan(d)) return (float)d;
    float f = (float)d;
    if ((double)f == d) return f;
    if (fabs((double)f) > fabs(d)) f = nextafterf(f, 0.0f);
    return u2f(f2u(f) | 1u);
}

uint16_t cvt_double_to_half(double d) { return cvt_float_to_half(double_to_float_odd(d)); }
uint16_t cvt_double_to_bf16(double d) { return cvt_float_to_bf16(double_to_float_odd(d)); }

double cvt_load(const void *src, clact_dtype t, size_t i)
{
    switch (t) {
    case CLACT_F16: return cvt_half_to_float(((const uint16_t *)src)[i]);
    case CLACT_BF16: return cvt_bf16_to_float(((const uint16_t *)src)[i]);
    case CLACT_F64: return ((const double *)src)[i];
    default: return ((const float *)src)[i];
    }
}

void cvt_store(void *dst, clact_dtype t, size_t i, double v)
{
    switch (t) {
    case CLACT_F16: ((uint16_t *)dst)[i] = cvt_double_to_half(v); break;
    case CLACT_BF16: ((uint16_t *)dst)[i] = cvt_double_to_bf16(v); break;
    case CLACT_F64: ((double *)dst)[i] = v; break;
    default: ((float *)dst)[i] = (float)v; break;
    }
}

void cvt_array(void *dst, clact_dtype dt, const void *src, clact_dtype st, size_t n)
{
    if (dt == st) {
        if (n) memmove(dst, src, n * clact_dtype_size(dt));
        return;
    }
    if (st == CLACT_F32 && dt == CLACT_F16) {
        for (size_t i = 0; i < n; ++i)
            ((uint16_t *)dst)[i] = cvt_float_to_half(((const float *)src)[i]);
        return;
    }
    if (st == CLACT_F32 && dt == CLACT_BF16) {
        for (size_t i = 0; i < n; ++i)
            ((uint16_t *)dst)[i] = cvt_float_to_bf16(((const float *)src)[i]);
        return;
    }
    for (size_t i = 0; i < n; ++i) cvt_store(dst, dt, i, cvt_load(src, st, i));
}
