/* reference.c - see reference.h */
#include "reference.h"

#include <math.h>
#include <stddef.h>

#define SQRT1_2L 0.7071067811865475244008443621048490392848L
#define SQRT_2_OVER_PI_L 0.7978845608028653558798921198687637369517L
#define INV_SQRT_2PI_L 0.3989422804014326779399460599343818684759L
#define GELU_TANH_C 0.044715L

/* ---- the op list, written out independently of the library's table ---- */
typedef struct ref_op_info {
    const char *name;
    int np;
    const char *pn[2];
    double pd[2];
} ref_op_info;

static const ref_op_info ref_ops[] = {
    [CLACT_OP_RELU] = {"relu", 0, {NULL, NULL}, {0, 0}},
    [CLACT_OP_LEAKY_RELU] = {"leaky_relu", 1, {"alpha", NULL}, {0.01, 0}},
    [CLACT_OP_PRELU] = {"prelu", 0, {NULL, NULL}, {0, 0}},
    [CLACT_OP_ELU] = {"elu", 1, {"alpha", NULL}, {1.0, 0}},
    [CLACT_OP_SELU] = {"selu", 0, {NULL, NULL}, {0, 0}},
    [CLACT_OP_CELU] = {"celu", 1, {"alpha", NULL}, {1.0, 0}},
    [CLACT_OP_GELU] = {"gelu", 0, {NULL, NULL}, {0, 0}},
    [CLACT_OP_GELU_TANH] = {"gelu_tanh", 0, {NULL, NULL}, {0, 0}},
    [CLACT_OP_RELU6] = {"relu6", 0, {NULL, NULL}, {0, 0}},
    [CLACT_OP_HARDTANH] = {"hardtanh", 2, {"min", "max"}, {-1.0, 1.0}},
    [CLACT_OP_CRELU] = {"crelu", 0, {NULL, NULL}, {0, 0}},
    [CLACT_OP_SILU] = {"silu", 0, {NULL, NULL}, {0, 0}},
    [CLACT_OP_MISH] = {"mish", 0, {NULL, NULL}, {0, 0}},
    [CLACT_OP_SOFTPLUS] = {"softplus", 2, {"beta", "threshold"}, {1.0, 20.0}},
    [CLACT_OP_HARDSWISH] = {"hardswish", 0, {NULL, NULL}, {0, 0}},
    [CLACT_OP_HARDSIGMOID] = {"hardsigmoid", 0, {NULL, NULL}, {0, 0}},
    [CLACT_OP_SIGMOID] = {"sigmoid", 0, {NULL, NULL}, {0, 0}},
    [CLACT_OP_TANH] = {"tanh", 0, {NULL, NULL}, {0, 0}},
};

static const ref_op_info *info(clact_op op)
{
    if ((int)op < 0 || (size_t)op >= sizeof ref_ops / sizeof ref_ops[0]) return NULL;
    return ref_ops[op].name ? &ref_ops[op] : NULL;
}

const char *ref_op_name(clact_op op)
{
    const ref_op_info *i = info(op);
    return i ? i->name : NULL;
}

int ref_param_count(clact_op op)
{
    const ref_op_info *i = info(op);
    return i ? i->np : -1;
}

const char *ref_param_name(clact_op op, int k)
{
    const ref_op_info *i = info(op);
    return (i && k >= 0 && k < i->np) ? i->pn[k] : NULL;
}

void ref_defaults(clact_op op, double p[2])
{
    const ref_op_info *i = info(op);
    p[0] = i ? i->pd[0] : 0;
    p[1] = i ? i->pd[1] : 0;
}

/* ---- building blocks ---------------------------------------------------- */
/* 1 / (1 + e^-z), and its complement through the same form: no 1 - s */
static long double sigm(long double z)
{
    if (z >= 0) return 1.0L / (1.0L + expl(-z));
    const long double e = expl(z);
    return e / (1.0L + e);
}

/* tanh(softplus(x)) = ((1+e)^2 - 1) / ((1+e)^2 + 1), e = exp(x) */
static long double tanh_softplus(long double x)
{
    if (x <= 0) {
        const long double e = expl(x);
        const long double n = e * (e + 2.0L);
        return n / (n + 2.0L);
    }
    const long double n = expl(-x);
    return (1.0L + 2.0L * n) / (1.0L + 2.0L * n + 2.0L * n * n);
}

/* sech^2(softplus(x)) = 1 - tanh_softplus(x)^2, without the subtraction */
static long double sech2_softplus(long double x)
{
    if (x <= 0) {
        const long double e = expl(x);
        const long double w = (1.0L + e) * (1.0L + e);
        return 4.0L * w / ((w + 1.0L) * (w + 1.0L));
    }
    const long double n = expl(-x);
    const long double a = (1.0L + n) * (1.0L + n);
    const long double d = a + n * n;
    return 4.0L * n * n * a / (d * d);
}

static long double gelu_tanh_u(long double x)
{
    return SQRT_2_OVER_PI_L * x * (1.0L + GELU_TANH_C * x * x);
}

/* softplus for beta*x = z <= threshold */
static long double softplus_z(long double z)
{
    if (z > 0) return z + log1pl(expl(-z));
    return log1pl(expl(z));
}

/* ---- forward ----------------------------------------------------------- */
long double ref_fwd(clact_op op, const double *p, long double x)
{
    if (isnan(x)) return x;
    const long double a = p ? p[0] : 0, b = p ? p[1] : 0;
    switch (op) {
    case CLACT_OP_RELU:
    case CLACT_OP_CRELU:
        return x < 0 ? 0.0L : x;
    case CLACT_OP_LEAKY_RELU:
    case CLACT_OP_PRELU:
        if (x > 0) return x;
        if (isinf(x) && a == 0) return 0.0L; /* limit of 0 * x */
        return a * x;
    case CLACT_OP_ELU:
        return x > 0 ? x : a * expm1l(x);
    case CLACT_OP_SELU:
        return REF_SELU_SCALE * (x > 0 ? x : REF_SELU_ALPHA * expm1l(x));
    case CLACT_OP_CELU:
        return x > 0 ? x : a * expm1l(x / a);
    case CLACT_OP_GELU:
        if (isinf(x)) return x > 0 ? x : 0.0L;
        return 0.5L * x * erfcl(-x * SQRT1_2L);
    case CLACT_OP_GELU_TANH:
        /* 0.5 x (1 + tanh u) = x * sigmoid(2u) */
        if (isinf(x)) return x > 0 ? x : 0.0L;
        return x * sigm(2.0L * gelu_tanh_u(x));
    case CLACT_OP_RELU6:
        return x < 0 ? 0.0L : (x > 6 ? 6.0L : x);
    case CLACT_OP_HARDTANH:
        return x < a ? a : (x > b ? b : x);
    case CLACT_OP_SILU:
        if (isinf(x)) return x > 0 ? x : 0.0L;
        return x * sigm(x);
    case CLACT_OP_MISH:
        if (isinf(x)) return x > 0 ? x : 0.0L;
        return x * tanh_softplus(x);
    case CLACT_OP_SOFTPLUS: {
        const long double z = a * x;
        if (z > b) return x;
        return softplus_z(z) / a;
    }
    case CLACT_OP_HARDSWISH:
        if (x <= -3) return 0.0L;
        if (x >= 3) return x;
        return x * (x + 3.0L) / 6.0L;
    case CLACT_OP_HARDSIGMOID:
        if (x <= -3) return 0.0L;
        if (x >= 3) return 1.0L;
        return (x + 3.0L) / 6.0L;
    case CLACT_OP_SIGMOID:
        return sigm(x);
    case CLACT_OP_TANH:
        return tanhl(x);
    default:
        return NAN;
    }
}

/* ---- derivative -------------------------------------------------------- */
/* f'(x) = t0 + t1 for the ops whose derivative is a sum; else t1 = 0 */
static long double grad_terms(clact_op op, const double *p, long double x, long double *t1)
{
    const long double a = p ? p[0] : 0, b = p ? p[1] : 0;
    *t1 = 0;
    if (isnan(x)) return x;
    switch (op) {
    case CLACT_OP_RELU:
    case CLACT_OP_CRELU:
        return x > 0 ? 1.0L : 0.0L;
    case CLACT_OP_LEAKY_RELU:
    case CLACT_OP_PRELU:
        return x > 0 ? 1.0L : a;
    case CLACT_OP_ELU:
        return x > 0 ? 1.0L : a * expl(x);
    case CLACT_OP_SELU:
        return x > 0 ? REF_SELU_SCALE : REF_SELU_SCALE * REF_SELU_ALPHA * expl(x);
    case CLACT_OP_CELU:
        return x > 0 ? 1.0L : expl(x / a);
    case CLACT_OP_GELU:
        /* Phi(x) + x phi(x) */
        if (isinf(x)) return x > 0 ? 1.0L : 0.0L;
        *t1 = x * INV_SQRT_2PI_L * expl(-0.5L * x * x);
        return 0.5L * erfcl(-x * SQRT1_2L);
    case CLACT_OP_GELU_TANH: {
        /* d/dx x s(2u) = s + x s (1-s) 2u' */
        if (isinf(x)) return x > 0 ? 1.0L : 0.0L;
        const long double u = gelu_tanh_u(x);
        const long double s = sigm(2.0L * u), sc = sigm(-2.0L * u);
        const long double du = SQRT_2_OVER_PI_L * (1.0L + 3.0L * GELU_TANH_C * x * x);
        *t1 = 2.0L * x * s * sc * du;
        return s;
    }
    case CLACT_OP_RELU6:
        return (x > 0 && x < 6) ? 1.0L : 0.0L;
    case CLACT_OP_HARDTANH:
        return (x > a && x < b) ? 1.0L : 0.0L;
    case CLACT_OP_SILU: {
        if (isinf(x)) return x > 0 ? 1.0L : 0.0L;
        const long double s = sigm(x), sc = sigm(-x);
        *t1 = x * s * sc;
        return s;
    }
    case CLACT_OP_MISH:
        if (isinf(x)) return x > 0 ? 1.0L : 0.0L;
        *t1 = x * sech2_softplus(x) * sigm(x);
        return tanh_softplus(x);
    case CLACT_OP_SOFTPLUS: {
        const long double z = a * x;
        if (z > b) return 1.0L;
        return sigm(z);
    }
    case CLACT_OP_HARDSWISH:
        if (x < -3) return 0.0L;
        if (x > 3) return 1.0L;
        return (2.0L * x + 3.0L) / 6.0L;
    case CLACT_OP_HARDSIGMOID:
        return (x > -3 && x < 3) ? 1.0L / 6.0L : 0.0L;
    case CLACT_OP_SIGMOID:
        return sigm(x) * sigm(-x);
    case CLACT_OP_TANH: {
        if (isinf(x)) return 0.0L;
        const long double t = expl(-2.0L * fabsl(x));
        return 4.0L * t / ((1.0L + t) * (1.0L + t));
    }
    default:
        return NAN;
    }
}

long double ref_grad(clact_op op, const double *p, long double x)
{
    long double t1;
    const long double t0 = grad_terms(op, p, x, &t1);
    return t0 + t1;
}

long double ref_grad_cond(clact_op op, const double *p, long double x)
{
    long double t1;
    const long double t0 = grad_terms(op, p, x, &t1);
    const long double s = t0 + t1;
    if (t1 == 0 || isnan(s)) return 1.0L;
    if (s == 0) return INFINITY;
    return (fabsl(t0) + fabsl(t1)) / fabsl(s);
}

int ref_from_y_ok(clact_op op, const double *p)
{
    switch (op) {
    case CLACT_OP_RELU:
    case CLACT_OP_SIGMOID:
    case CLACT_OP_TANH:
        return 1;
    case CLACT_OP_LEAKY_RELU:
    case CLACT_OP_ELU:
        return p && p[0] >= 0;
    default:
        return 0;
    }
}

long double ref_grad_from_y(clact_op op, const double *p, long double y)
{
    const long double a = p ? p[0] : 0;
    if (isnan(y)) return y;
    switch (op) {
    case CLACT_OP_RELU:
        return y > 0 ? 1.0L : 0.0L;
    case CLACT_OP_LEAKY_RELU:
        return y > 0 ? 1.0L : a;
    case CLACT_OP_ELU: /* y = a (e^x - 1)  =>  a e^x = y + a */
        return y > 0 ? 1.0L : y + a;
    case CLACT_OP_SIGMOID:
        return y * (1.0L - y);
    case CLACT_OP_TANH:
        return (1.0L - y) * (1.0L + y);
    default:
        return NAN;
    }
}

/* ---- special points ---------------------------------------------------- */
static int put(double *out, int n, int cap, double v)
{
    if (n < cap) out[n] = v;
    return n + 1;
}

int ref_kinks(clact_op op, const double *p, double *out, int cap)
{
    int n = 0;
    switch (op) {
    case CLACT_OP_RELU:
    case CLACT_OP_CRELU:
    case CLACT_OP_LEAKY_RELU:
    case CLACT_OP_PRELU:
    case CLACT_OP_ELU:
    case CLACT_OP_SELU:
    case CLACT_OP_CELU:
        n = put(out, n, cap, 0.0);
        break;
    case CLACT_OP_RELU6:
        n = put(out, n, cap, 0.0);
        n = put(out, n, cap, 6.0);
        break;
    case CLACT_OP_HARDTANH:
        n = put(out, n, cap, p[0]);
        n = put(out, n, cap, p[1]);
        break;
    case CLACT_OP_SOFTPLUS:
        n = put(out, n, cap, p[1] / p[0]);
        break;
    case CLACT_OP_HARDSWISH:
    case CLACT_OP_HARDSIGMOID:
        n = put(out, n, cap, -3.0);
        n = put(out, n, cap, 3.0);
        break;
    default:
        break;
    }
    return n < cap ? n : cap;
}

int ref_probes(clact_op op, const double *p, double *out, int cap)
{
    int n = 0;
    (void)p;
    switch (op) { /* zeros of f', to 30 digits */
    case CLACT_OP_GELU:
        n = put(out, n, cap, -0.751791524693564457457904946780);
        break;
    case CLACT_OP_GELU_TANH:
        n = put(out, n, cap, -0.752461422071016258487954443289);
        break;
    case CLACT_OP_SILU:
        n = put(out, n, cap, -1.27846454276107379510935873902);
        break;
    case CLACT_OP_MISH:
        n = put(out, n, cap, -1.19243121451549521213758834042);
        break;
    case CLACT_OP_HARDSWISH:
        n = put(out, n, cap, -1.5);
        break;
    default:
        break;
    }
    return n < cap ? n : cap;
}

int ref_smooth_at(clact_op op, const double *p, double x, double margin)
{
    double k[8];
    const int n = ref_kinks(op, p, k, 8);
    for (int i = 0; i < n; ++i)
        if (fabs(x - k[i]) <= margin) return 0;
    return 1;
}
