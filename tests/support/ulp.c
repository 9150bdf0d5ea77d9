/* ulp.c - see ulp.h */
#include "ulp.h"

#include <math.h>
#include <string.h>

const ulp_format ULP_F32 = {24, -126, 127};
const ulp_format ULP_F64 = {53, -1022, 1023};
const ulp_format ULP_F16 = {11, -14, 15};
const ulp_format ULP_BF16 = {8, -126, 127};

const ulp_format *ulp_format_of(clact_dtype t)
{
    switch (t) {
    case CLACT_F32: return &ULP_F32;
    case CLACT_F64: return &ULP_F64;
    case CLACT_F16: return &ULP_F16;
    case CLACT_BF16: return &ULP_BF16;
    default: return NULL;
    }
}

long double ulp_round(const ulp_format *f, long double v)
{
    if (isnan(v) || isinf(v) || v == 0) return v;
    int e = ilogbl(v);
    if (e < f->emin) e = f->emin;
    const int qexp = e - f->prec + 1;
    long double r = scalbnl(rintl(scalbnl(v, -qexp)), qexp);
    if (fabsl(r) >= scalbnl(1.0L, f->emax + 1)) r = copysignl(INFINITY, v);
    return r;
}

long double ulp_spacing(const ulp_format *f, long double v)
{
    int e;
    if (isnan(v) || isinf(v)) {
        e = f->emax;
    } else if (v == 0) {
        e = f->emin;
    } else {
        e = ilogbl(v);
        if (e < f->emin) e = f->emin;
        if (e > f->emax) e = f->emax;
    }
    return scalbnl(1.0L, e - f->prec + 1);
}

/* distance for the wide formats: real-valued, in ulps of want */
static double dist_wide(const ulp_format *f, long double got, long double want)
{
    if (isnan(want)) return isnan(got) ? 0.0 : INFINITY;
    if (isnan(got)) return INFINITY;
    if (fabsl(want) < scalbnl(1.0L, f->emin) && fabsl(got - want) <= fabsl(want)) return 0.0; /* flush, or better */
    if (isinf(got)) {
        const long double rw = ulp_round(f, want);
        if (isinf(rw) && signbit(rw) == signbit(got)) return 0.0;
        if (isinf(want)) return INFINITY;
        got = copysignl(scalbnl(1.0L, f->emax + 1), got);
    }
    if (isinf(want)) return INFINITY;
    return (double)(fabsl(got - want) / ulp_spacing(f, want));
}

double ulp_dist_f32(float got, long double want) { return dist_wide(&ULP_F32, got, want); }
double ulp_dist_f64(double got, long double want) { return dist_wide(&ULP_F64, got, want); }

/* ---- 16-bit formats ---------------------------------------------------- */
static uint16_t ld_to_bits16(const ulp_format *f, long double v)
{
    const int mbits = f->prec - 1;
    const int bias = -f->emin + 1;
    const uint16_t sign = signbit(v) ? 0x8000u : 0u;
    const uint16_t expmask = (uint16_t)(((1u << (15 - mbits)) - 1u) << mbits);
    if (isnan(v)) return (uint16_t)(sign | expmask | (1u << (mbits - 1)));
    const long double r = fabsl(ulp_round(f, v));
    if (isinf(r)) return (uint16_t)(sign | expmask);
    if (r == 0) return sign;
    if (r < scalbnl(1.0L, f->emin)) { /* subnormal: r = m * 2^(emin - mbits) */
        const long m = lrintl(scalbnl(r, -(f->emin - mbits)));
        return (uint16_t)(sign | (uint16_t)m);
    }
    const int e = ilogbl(r);
    const long m = lrintl(scalbnl(r, -(e - mbits))) - (1L << mbits);
    return (uint16_t)(sign | (uint16_t)((unsigned)(e + bias) << mbits) | (uint16_t)m);
}

static long double bits16_to_ld(const ulp_format *f, uint16_t b)
{
    const int mbits = f->prec - 1;
    const int bias = -f->emin + 1;
    const unsigned emask = (1u << (15 - mbits)) - 1u;
    const unsigned ex = (b >> mbits) & emask;
    const unsigned m = b & ((1u << mbits) - 1u);
    long double v;
    if (ex == emask) v = m ? (long double)NAN : (long double)INFINITY;
    else if (ex == 0) v = scalbnl((long double)m, f->emin - mbits);
    else v = scalbnl((long double)(m | (1u << mbits)), (int)ex - bias - mbits);
    return (b & 0x8000u) ? -v : v;
}

static int bits16_is_nan(const ulp_format *f, uint16_t b)
{
    const int mbits = f->prec - 1;
    const unsigned emask = (1u << (15 - mbits)) - 1u;
    return ((b >> mbits) & emask) == emask && (b & ((1u << mbits) - 1u)) != 0;
}

static long ord16(uint16_t b)
{
    return (b & 0x8000u) ? -(long)(b & 0x7fffu) : (long)(b & 0x7fffu);
}

static uint16_t unord16(long o)
{
    return o < 0 ? (uint16_t)(0x8000u | (uint16_t)(-o)) : (uint16_t)o;
}

static double dist16(const ulp_format *f, uint16_t got, long double want)
{
    if (isnan(want)) return bits16_is_nan(f, got) ? 0.0 : INFINITY;
    if (bits16_is_nan(f, got)) return INFINITY;
    if (fabsl(want) < scalbnl(1.0L, f->emin) && fabsl(bits16_to_ld(f, got) - want) <= fabsl(want))
        return 0.0; /* flush, or better */
    const uint16_t w = ld_to_bits16(f, want);
    const long d = ord16(got) - ord16(w);
    return (double)(d < 0 ? -d : d);
}

double ulp_dist_f16(uint16_t got, long double want) { return dist16(&ULP_F16, got, want); }
double ulp_dist_bf16(uint16_t got, long double want) { return dist16(&ULP_BF16, got, want); }

uint16_t ulp_ld_to_half(long double v) { return ld_to_bits16(&ULP_F16, v); }
uint16_t ulp_ld_to_bf16(long double v) { return ld_to_bits16(&ULP_BF16, v); }
uint16_t ulp_float_to_half(float f) { return ld_to_bits16(&ULP_F16, f); }
uint16_t ulp_float_to_bf16(float f) { return ld_to_bits16(&ULP_BF16, f); }
float ulp_half_to_float(uint16_t h) { return (float)bits16_to_ld(&ULP_F16, h); }
float ulp_bf16_to_float(uint16_t b)
{
    const uint32_t u = (uint32_t)b << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

double ulp_dist(clact_dtype t, double got, long double want)
{
    switch (t) {
    case CLACT_F32: return ulp_dist_f32((float)got, want);
    case CLACT_F64: return ulp_dist_f64(got, want);
    case CLACT_F16: return ulp_dist_f16(ulp_ld_to_half(got), want);
    case CLACT_BF16: return ulp_dist_bf16(ulp_ld_to_bf16(got), want);
    default: return INFINITY;
    }
}

double ulp_to_dtype(clact_dtype t, long double v)
{
    switch (t) {
    case CLACT_F32: return (double)ulp_round(&ULP_F32, v);
    case CLACT_F64: return (double)ulp_round(&ULP_F64, v);
    case CLACT_F16:
        if (isnan(v)) return (double)v;
        return (double)ulp_round(&ULP_F16, v);
    case CLACT_BF16:
        if (isnan(v)) return (double)v;
        return (double)ulp_round(&ULP_BF16, v);
    default: return NAN;
    }
}

float ulp_step_f32(float x, int n)
{
    for (; n > 0; --n) x = nextafterf(x, INFINITY);
    for (; n < 0; ++n) x = nextafterf(x, -INFINITY);
    return x;
}

double ulp_step_f64(double x, int n)
{
    for (; n > 0; --n) x = nextafter(x, INFINITY);
    for (; n < 0; ++n) x = nextafter(x, -INFINITY);
    return x;
}

/* keep a stepped ordinal between -inf and +inf */
static long clamp_ord(long o, long inf)
{
    return o > inf ? inf : (o < -inf ? -inf : o);
}

double ulp_step(clact_dtype t, double x, int n)
{
    switch (t) {
    case CLACT_F32: return ulp_step_f32((float)x, n);
    case CLACT_F64: return ulp_step_f64(x, n);
    case CLACT_F16: {
        const uint16_t b = unord16(clamp_ord(ord16(ulp_ld_to_half(x)) + n, 0x7c00));
        return (double)bits16_to_ld(&ULP_F16, b);
    }
    case CLACT_BF16: {
        const uint16_t b = unord16(clamp_ord(ord16(ulp_ld_to_bf16(x)) + n, 0x7f80));
        return (double)bits16_to_ld(&ULP_BF16, b);
    }
    default: return NAN;
    }
}
