/* ops.c - the op table (from clact_ops.def), activations, dtypes, version */
#include "internal.h"

#include <math.h>
#include <string.h>

#define CLACT_DOMAIN_none CLACT_DOMAIN_FINITE
const clact_op_row clact__ops[CLACT_OP_COUNT] = {
#define CLACT_OP(E, n, np, a, ad, adom, b, bd, bdom, f) \
    {#n, np, {#a, #b}, {ad, bd}, {CLACT_DOMAIN_##adom, CLACT_DOMAIN_##bdom}, f},
#include "clact_ops.def"
#undef CLACT_OP
};

unsigned clact_version_number(void) { return CLACT_VERSION_NUMBER; }
const char *clact_version_string(void) { return CLACT_VERSION_STRING; }

static int op_valid(clact_op op) { return (int)op >= 0 && (int)op < CLACT_OP_COUNT; }

const char *clact_op_name(clact_op op) { return op_valid(op) ? clact__ops[op].name : NULL; }
int clact_op_param_count(clact_op op) { return op_valid(op) ? clact__ops[op].nparams : -1; }
unsigned clact_op_flags(clact_op op) { return op_valid(op) ? clact__ops[op].flags : 0u; }

const char *clact_op_param_name(clact_op op, int i)
{
    if (!op_valid(op) || i < 0 || i >= clact__ops[op].nparams) return NULL;
    return clact__ops[op].pname[i];
}

clact_status clact_op_from_name(clact_op *out, const char *name)
{
    clact__clear_error();
    if (!out || !name) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "clact_op_from_name: NULL argument");
    for (int i = 0; i < CLACT_OP_COUNT; ++i) {
        if (strcmp(clact__ops[i].name, name) == 0) {
            *out = (clact_op)i;
            return CLACT_SUCCESS;
        }
    }
    return clact__fail(CLACT_ERR_INVALID_OP, "unknown op '%s'", name);
}

clact_status clact_activation_init(clact_activation *act, clact_op op)
{
    clact__clear_error();
    if (!act) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "clact_activation_init: act is NULL");
    if (!op_valid(op)) return clact__fail(CLACT_ERR_INVALID_OP, "unknown op %d", (int)op);
    memset(act, 0, sizeof *act);
    act->op = op;
    for (int i = 0; i < CLACT_MAX_PARAMS; ++i)
        act->param[i] = i < clact__ops[op].nparams ? clact__ops[op].pdefault[i] : 0.0;
    act->axis = 1;
    return CLACT_SUCCESS;
}

clact_status clact_activation_set(clact_activation *act, const char *name, double value)
{
    clact__clear_error();
    if (!act || !name) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "clact_activation_set: NULL argument");
    if (!op_valid(act->op)) return clact__fail(CLACT_ERR_INVALID_OP, "unknown op %d", (int)act->op);
    const clact_op_row *r = &clact__ops[act->op];
    for (int i = 0; i < r->nparams; ++i) {
        if (strcmp(r->pname[i], name) == 0) {
            act->param[i] = value;
            return CLACT_SUCCESS;
        }
    }
    return clact__fail(CLACT_ERR_INVALID_PARAMETER, "%s has no parameter '%s'", r->name, name);
}

clact_status clact__check_activation(const clact_activation *act)
{
    if (!act) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "activation is NULL");
    if (!op_valid(act->op)) return clact__fail(CLACT_ERR_INVALID_OP, "unknown op %d", (int)act->op);
    const clact_op_row *r = &clact__ops[act->op];
    for (int i = 0; i < r->nparams; ++i) {
        const double v = act->param[i];
        if (!isfinite(v))
            return clact__fail(CLACT_ERR_INVALID_PARAMETER, "%s: %s must be finite", r->name, r->pname[i]);
        if (r->pdomain[i] == CLACT_DOMAIN_POSITIVE && !(v > 0))
            return clact__fail(CLACT_ERR_INVALID_PARAMETER, "%s: %s must be > 0 (got %g)", r->name, r->pname[i], v);
        if (r->pdomain[i] == CLACT_DOMAIN_NONZERO && v == 0)
            return clact__fail(CLACT_ERR_INVALID_PARAMETER, "%s: %s must not be 0", r->name, r->pname[i]);
        /* the kernels take float parameters for f32/f16/bf16: keep them representable */
        if (fabs(v) > 3.4028234663852886e38)
            return clact__fail(CLACT_ERR_INVALID_PARAMETER, "%s: %s out of float range", r->name, r->pname[i]);
    }
    if ((r->flags & CLACT_OPF_P0_LE_P1) && !(act->param[0] <= act->param[1]))
        return clact__fail(CLACT_ERR_INVALID_PARAMETER, "%s: %s (%g) must be <= %s (%g)", r->name,
                           r->pname[0], act->param[0], r->pname[1], act->param[1]);
    return CLACT_SUCCESS;
}

size_t clact_dtype_size(clact_dtype t)
{
    static const size_t sz[CLACT_DTYPE_COUNT] = {4, 2, 2, 8};
    return (int)t >= 0 && t < CLACT_DTYPE_COUNT ? sz[t] : 0;
}

const char *clact_dtype_name(clact_dtype t)
{
    static const char *const nm[CLACT_DTYPE_COUNT] = {"f32", "f16", "bf16", "f64"};
    return (int)t >= 0 && t < CLACT_DTYPE_COUNT ? nm[t] : NULL;
}

size_t clact_tensor_count(const clact_tensor *t)
{
    if (!t || t->ndim < 0 || t->ndim > CLACT_MAX_DIMS) return 0;
    size_t n = 1;
    for (int i = 0; i < t->ndim; ++i) n *= t->shape[i];
    return n;
}
