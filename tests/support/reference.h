/* reference.h - an independent long double reference of every activation:
 * forward f(x), derivative f'(x) and, for the ops that allow it, f'(x)
 * expressed through y = f(x). PyTorch semantics (torch.nn.functional),
 * its defaults and its conventions at kinks; mathematical limits at +-inf;
 * NaN in gives NaN out.
 *
 * Parameters are passed as in clact_activation.param:
 *   leaky_relu p[0] = negative_slope; elu/celu p[0] = alpha;
 *   hardtanh p[0] = min_val, p[1] = max_val;
 *   softplus p[0] = beta, p[1] = threshold;
 *   prelu p[0] = the channel's weight.
 * crelu is relu on the first half of the doubled axis and relu(-x) on the
 * second; ref_fwd/ref_grad for CLACT_OP_CRELU are relu's.
 *
 * The formulas avoid cancellation (erfc for gelu, exp forms of sigmoid's
 * complement, sech^2 through exp(-2|x|) for tanh', ...), so the results
 * are accurate to a few long double ulps wherever the function itself is
 * well conditioned. Where a derivative is a sum of terms of opposite sign
 * (gelu, gelu_tanh, silu, mish near their minimum), ref_grad_cond tells
 * how much of that accuracy is lost.
 */
#ifndef CLACT_TEST_REFERENCE_H
#define CLACT_TEST_REFERENCE_H

#include "clact.h"

#define REF_SELU_ALPHA 1.6732632423543772848170429916717L
#define REF_SELU_SCALE 1.0507009873554804934193349852946L

/* PyTorch's name, number of parameters, parameter names and defaults. */
const char *ref_op_name(clact_op op);
int         ref_param_count(clact_op op);
const char *ref_param_name(clact_op op, int i);
void        ref_defaults(clact_op op, double p[2]);

long double ref_fwd(clact_op op, const double *p, long double x);
long double ref_grad(clact_op op, const double *p, long double x);
/* |sum of the terms| / |f'(x)|: 1 where f' is not a sum of terms. */
long double ref_grad_cond(clact_op op, const double *p, long double x);

/* 1 if the backward may be computed from y = f(x) with these parameters */
int         ref_from_y_ok(clact_op op, const double *p);
/* f'(x) as a function of y = f(x) (exact in y) */
long double ref_grad_from_y(clact_op op, const double *p, long double y);

/* Points where f or f' is not smooth (kinks, thresholds): up to `cap`
 * values written to out, the number returned. */
int ref_kinks(clact_op op, const double *p, double *out, int cap);
/* Points worth probing besides kinks: zeros of f' (minimum of gelu, silu,
 * mish, ...), where a derivative formula tends to cancel. */
int ref_probes(clact_op op, const double *p, double *out, int cap);
/* 1 if every kink is farther than `margin` from x */
int ref_smooth_at(clact_op op, const double *p, double x, double margin);

#endif /* CLACT_TEST_REFERENCE_H */
