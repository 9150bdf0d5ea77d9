/* clact_ops.cl - one forward and one derivative formula per op of
 * include/clact_ops.def, in `real` (float or double).
 *   real clact_fwd_<op>(real x, real p0, real p1)    y = f(x)
 *   real clact_grad_<op>(real x, real p0, real p1)   f'(x)
 *   real clact_grady_<op>(real y, real p0, real p1)  f'(x) from y = f(x)
 *                                                    (ops with BWD_FROM_Y)
 * prelu receives its channel weight as p0. */
#ifndef CLACT_OPS_CL
#define CLACT_OPS_CL
#ifndef CLACT_EMBEDDED
#include "clact_types.cl"
#include "clact_math.cl"
#endif

#define SELU_ALPHA ((real)1.6732632423543772848170429916717)
#define SELU_SCALE ((real)1.0507009873554804934193349852946)

inline real clact_fwd_relu(real x, real a, real b) { return x < 0 ? (real)0 : x; }
inline real clact_grad_relu(real x, real a, real b) { return x > 0 ? (real)1 : (isnan(x) ? x : (real)0); }
inline real clact_grady_relu(real y, real a, real b) { return clact_grad_relu(y, a, b); }

inline real clact_fwd_leaky_relu(real x, real a, real b) { return x < 0 ? a * x : x; }
inline real clact_grad_leaky_relu(real x, real a, real b) { return x > 0 ? (real)1 : (isnan(x) ? x : a); }
inline real clact_grady_leaky_relu(real y, real a, real b) { return clact_grad_leaky_relu(y, a, b); }

inline real clact_fwd_prelu(real x, real w, real b) { return x < 0 ? w * x : x; }
inline real clact_grad_prelu(real x, real w, real b) { return x > 0 ? (real)1 : (isnan(x) ? x : w); }

inline real clact_fwd_elu(real x, real a, real b) { return x > 0 ? x : a * expm1(x); }
inline real clact_grad_elu(real x, real a, real b) { return x > 0 ? (real)1 : a * exp(x); }
inline real clact_grady_elu(real y, real a, real b) { return y > 0 ? (real)1 : y + a; }

inline real clact_fwd_selu(real x, real a, real b) { return SELU_SCALE * (x > 0 ? x : SELU_ALPHA * expm1(x)); }
inline real clact_grad_selu(real x, real a, real b) { return x > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * exp(x); }

inline real clact_fwd_celu(real x, real a, real b) { return x > 0 ? x : a * expm1(x / a); }
inline real clact_grad_celu(real x, real a, real b) { return x > 0 ? (real)1 : exp(x / a); }

inline real clact_fwd_gelu(real x, real a, real b) { return (real)0.5 * x * erfc(-x * (real)M_SQRT1_2); }
inline real clact_grad_gelu(real x, real a, real b)
{
    return (real)0.5 * erfc(-x * (real)M_SQRT1_2) + x * exp((real)-0.5 * x * x) * (real)(0.5 * M_2_SQRTPI * M_SQRT1_2);
}

#define GELU_K ((real)0.7978845608028654) /* sqrt(2/pi) */
inline real clact_fwd_gelu_tanh(real x, real a, real b)
{
    const real u = GELU_K * (x + (real)0.044715 * x * x * x);
    return (real)0.5 * x * (1 + tanh(u));
}
inline real clact_grad_gelu_tanh(real x, real a, real b)
{
    const real u = GELU_K * (x + (real)0.044715 * x * x * x);
    const real t = tanh(u);
    return (real)0.5 * (1 + t) + (real)0.5 * x * (1 - t * t) * GELU_K * (1 + (real)0.134145 * x * x);
}

inline real clact_fwd_relu6(real x, real a, real b) { return x < 0 ? (real)0 : (x > 6 ? (real)6 : x); }
inline real clact_grad_relu6(real x, real a, real b) { return (x > 0 && x < 6) ? (real)1 : (isnan(x) ? x : (real)0); }

inline real clact_fwd_hardtanh(real x, real lo, real hi) { return x < lo ? lo : (x > hi ? hi : x); }
inline real clact_grad_hardtanh(real x, real lo, real hi) { return (x > lo && x < hi) ? (real)1 : (isnan(x) ? x : (real)0); }

inline real clact_fwd_crelu(real x, real a, real b) { return clact_fwd_relu(x, a, b); }
inline real clact_grad_crelu(real x, real a, real b) { return clact_grad_relu(x, a, b); }

inline real clact_sigmoid_(real x) { return 1 / (1 + exp(-x)); }
inline real clact_fwd_silu(real x, real a, real b) { return x * clact_sigmoid_(x); }
inline real clact_grad_silu(real x, real a, real b) { const real s = clact_sigmoid_(x); return s * (1 + x * (1 - s)); }

inline real clact_softplus_(real x) { return x > 20 ? x : log1p(exp(x)); }
inline real clact_fwd_mish(real x, real a, real b) { return x * tanh(clact_softplus_(x)); }
inline real clact_grad_mish(real x, real a, real b)
{
    const real t = tanh(clact_softplus_(x));
    return t + x * (1 - t * t) * clact_sigmoid_(x);
}

inline real clact_fwd_softplus(real x, real beta, real th) { return x * beta > th ? x : log1p(exp(beta * x)) / beta; }
inline real clact_grad_softplus(real x, real beta, real th) { return x * beta > th ? (real)1 : clact_sigmoid_(beta * x); }

inline real clact_fwd_hardswish(real x, real a, real b) { return x <= -3 ? (real)0 : (x >= 3 ? x : x * (x + 3) / 6); }
inline real clact_grad_hardswish(real x, real a, real b) { return x < -3 ? (real)0 : (x > 3 ? (real)1 : (2 * x + 3) / 6); }

inline real clact_fwd_hardsigmoid(real x, real a, real b) { return x <= -3 ? (real)0 : (x >= 3 ? (real)1 : (x + 3) / 6); }
inline real clact_grad_hardsigmoid(real x, real a, real b) { return (x > -3 && x < 3) ? (real)1 / 6 : (isnan(x) ? x : (real)0); }

inline real clact_fwd_sigmoid(real x, real a, real b) { return clact_sigmoid_(x); }
inline real clact_grad_sigmoid(real x, real a, real b) { const real s = clact_sigmoid_(x); return s * (1 - s); }
inline real clact_grady_sigmoid(real y, real a, real b) { return y * (1 - y); }

inline real clact_fwd_tanh(real x, real a, real b) { return tanh(x); }
inline real clact_grad_tanh(real x, real a, real b) { const real t = tanh(x); return 1 - t * t; }
inline real clact_grady_tanh(real y, real a, real b) { return (1 - y) * (1 + y); }

#endif /* CLACT_OPS_CL */
