/* tuning.c - launch parameters per device: a small built-in table with a
 * default at every level (device type, then vendor), like a tuning database.
 * CLACT_VEC (1,2,4,8,16) and CLACT_LOCAL override it for experiments. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct tuning_row {
    const char    *match;   /* substring of "platform / device"; NULL = any */
    cl_device_type type;    /* 0 = any */
    unsigned       vec[CLACT_DTYPE_COUNT];
    size_t         local;
} tuning_row;

/* first match wins; the last row is the default */
static const tuning_row table[] = {
    {"NVIDIA", CL_DEVICE_TYPE_GPU, {4, 8, 8, 2}, 256},
    {"Portable Computing Language", CL_DEVICE_TYPE_CPU, {8, 8, 8, 4}, 0},
    {NULL, CL_DEVICE_TYPE_GPU, {4, 8, 8, 2}, 256},
    {NULL, CL_DEVICE_TYPE_CPU, {8, 8, 8, 4}, 0},
    {NULL, 0, {4, 8, 8, 2}, 0},
};

static unsigned env_vec(void)
{
    const char *e = getenv("CLACT_VEC");
    if (!e) return 0;
    unsigned v = (unsigned)atoi(e);
    return (v == 1 || v == 2 || v == 4 || v == 8 || v == 16) ? v : 0;
}

void clact__tuning_init(clact_context *ctx)
{
    const tuning_row *r = &table[sizeof table / sizeof table[0] - 1];
    for (size_t i = 0; i < sizeof table / sizeof table[0]; ++i) {
        const tuning_row *t = &table[i];
        if (t->type && !(ctx->type & t->type)) continue;
        if (t->match && !strstr(ctx->display_name, t->match)) continue;
        r = t;
        break;
    }
    const unsigned ev = env_vec();
    const char *el = getenv("CLACT_LOCAL");
    for (int d = 0; d < CLACT_DTYPE_COUNT; ++d) {
        ctx->launch[d].vec = ev ? ev : r->vec[d];
        ctx->launch[d].local = el ? (size_t)atoi(el) : r->local;
    }
    size_t maxwg = 0;
    clGetDeviceInfo(ctx->device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof maxwg, &maxwg, NULL);
    ctx->red_local = 256;
    while (maxwg && ctx->red_local > maxwg) ctx->red_local /= 2;
    for (int d = 0; d < CLACT_DTYPE_COUNT; ++d)
        if (maxwg && ctx->launch[d].local > maxwg) ctx->launch[d].local = 0;
}
