/* apply.c - `clact apply OP [options] IN.npy OUT.npy` */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "convert.h"
#include "npy.h"

#define MAX_PARAM_OPTS 16

typedef struct {
    const char *op, *in, *out, *weight, *backward, *dweight, *device, *dtype;
    int         axis, have_axis;
    int         nparams;
    struct {
        const char *name; /* points into argv, without the leading "--" */
        size_t      len;
        double      value;
    } params[MAX_PARAM_OPTS];
} apply_args;

/* Is `name` (len chars) a parameter name of any op in the table? */
static int is_param_name(const char *name, size_t len)
{
    for (int op = 0; op < CLACT_OP_COUNT; ++op)
        for (int i = 0; i < clact_op_param_count((clact_op)op); ++i) {
            const char *p = clact_op_param_name((clact_op)op, i);
            if (p && strlen(p) == len && strncmp(p, name, len) == 0) return 1;
        }
    return 0;
}

static int op_has_param(clact_op op, const char *name, size_t len)
{
    for (int i = 0; i < clact_op_param_count(op); ++i) {
        const char *p = clact_op_param_name(op, i);
        if (p && strlen(p) == len && strncmp(p, name, len) == 0) return 1;
    }
    return 0;
}

static void op_params_text(clact_op op, char *buf, size_t len)
{
    size_t used = 0;
    int np = clact_op_param_count(op);
    buf[0] = '\0';
    if (np <= 0) {
        snprintf(buf, len, "it takes no parameters");
        return;
    }
    used += (size_t)snprintf(buf, len, "it takes");
    for (int i = 0; i < np && used < len; ++i)
        used += (size_t)snprintf(buf + used, len - used, "%s --%s", i ? "," : "",
                                 clact_op_param_name(op, i));
}

static int parse_args(int argc, char **argv, apply_args *a)
{
    int npos = 0, only_pos = 0;
    const char *pos[3] = {NULL, NULL, NULL};
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; ++i) {
        const char *arg = argv[i], *v = NULL;
        if (only_pos || arg[0] != '-' || arg[1] == '\0') {
            if (npos >= 3) {
                cli_error("apply: unexpected argument '%s' (usage: clact apply OP [options] IN.npy "
                          "OUT.npy)",
                          arg);
                return -1;
            }
            pos[npos++] = arg;
            continue;
        }
        if (!strcmp(arg, "--")) {
            only_pos = 1;
            continue;
        }
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            usage_apply(stdout);
            return 1;
        }
#define STR_OPT(flag, field)                                                      \
    if (cli_match_option(argc, argv, &i, flag, &v)) {                             \
        if (!v || !*v) {                                                          \
            cli_error("apply: option %s needs a value", flag);                    \
            return -1;                                                            \
        }                                                                         \
        if (a->field) {                                                           \
            cli_error("apply: option %s given twice", flag);                      \
            return -1;                                                            \
        }                                                                         \
        a->field = v;                                                             \
        continue;                                                                 \
    }
        STR_OPT("--weight", weight)
        STR_OPT("--backward", backward)
        STR_OPT("--dweight", dweight)
        STR_OPT("--device", device)
        STR_OPT("--dtype", dtype)
#undef STR_OPT
        if (cli_match_option(argc, argv, &i, "--axis", &v)) {
            if (!v || cli_parse_int(v, &a->axis) != 0) {
                cli_error("apply: --axis needs an integer%s%s%s", v ? " (got '" : "", v ? v : "",
                          v ? "')" : "");
                return -1;
            }
            if (a->have_axis) {
                cli_error("apply: option --axis given twice");
                return -1;
            }
            a->have_axis = 1;
            continue;
        }
        if (arg[0] == '-' && arg[1] == '-') {
            const char *name = arg + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            if (len > 0 && is_param_name(name, len)) {
                char flag[64];
                snprintf(flag, sizeof flag, "--%.*s", (int)(len < 40 ? len : 40), name);
                if (!cli_match_option(argc, argv, &i, flag, &v) || !v ||
                    cli_parse_double(v, &a->params[a->nparams].value) != 0) {
                    cli_error("apply: %s needs a number%s%s%s", flag, v ? " (got '" : "",
                              v ? v : "", v ? "')" : "");
                    return -1;
                }
                for (int k = 0; k < a->nparams; ++k)
                    if (a->params[k].len == len && !strncmp(a->params[k].name, name, len)) {
                        cli_error("apply: option %s given twice", flag);
                        return -1;
                    }
                if (a->nparams >= MAX_PARAM_OPTS) {
                    cli_error("apply: too many parameter options");
                    return -1;
                }
                a->params[a->nparams].name = name;
                a->params[a->nparams].len = len;
                a->nparams++;
                continue;
            }
        }
        cli_error("apply: unknown option '%s' (see 'clact apply --help')", arg);
        return -1;
    }
    if (npos == 0) {
        cli_error("apply: missing OP (usage: clact apply OP [options] IN.npy OUT.npy)");
        return -1;
    }
    a->op = pos[0];
    a->in = pos[1];
    a->out = pos[2];
    return 0;
}

/* Host copy of an array converted to dtype t (count elements, at least 1 byte). */
static void *converted(const npy_array *a, clact_dtype t)
{
    size_t bytes = a->count * clact_dtype_size(t);
    void *p = malloc(bytes ? bytes : 1);
    if (p) cvt_array(p, t, a->data, a->dtype, a->count);
    return p;
}

/* malloc of n elements of es bytes (at least 1 byte), NULL on overflow */
static void *alloc_elems(size_t n, size_t es)
{
    if (es && n > SIZE_MAX / es) return NULL;
    return malloc(n * es > 0 ? n * es : 1);
}

static cl_mem make_buffer(cl_context c, size_t bytes, void *host, const char *what)
{
    cl_int err = CL_SUCCESS;
    cl_mem m = clCreateBuffer(c, CL_MEM_READ_WRITE | (host ? CL_MEM_COPY_HOST_PTR : 0),
                              bytes ? bytes : 16, bytes ? host : NULL, &err);
    if (!m || err != CL_SUCCESS) {
        cli_error("cannot allocate the %s buffer (%zu bytes) on the device: %s", what, bytes,
                  clact_status_string((clact_status)err));
        return NULL;
    }
    return m;
}

static void release(cl_mem *m)
{
    if (*m) clReleaseMemObject(*m);
    *m = NULL;
}

int cmd_apply(int argc, char **argv)
{
    apply_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc > 0) return 0;
    if (rc < 0) return CLI_EXIT_USAGE;

    int status = CLI_EXIT_FAIL;
    npy_array in = {0}, w = {0}, dy = {0};
    clact_context *ctx = NULL;
    cl_mem bx = NULL, by = NULL, bw = NULL, bdy = NULL, bdw = NULL;
    void *hx = NULL, *hw = NULL, *hdy = NULL, *hy = NULL, *hdw = NULL;
    void *out_data = NULL, *dw_data = NULL;
    cl_event done = NULL;
    char err[NPY_ERR_LEN], tmp_out[4096] = "", tmp_dw[4096] = "";

    /* ---- the op and which options it takes ---- */
    clact_op op;
    if (clact_op_from_name(&op, a.op) != CLACT_SUCCESS) {
        char known[1024];
        size_t used = 0;
        known[0] = '\0';
        for (int k = 0; k < CLACT_OP_COUNT && used < sizeof known; ++k)
            used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", k ? ", " : "",
                                     clact_op_name((clact_op)k));
        cli_error("unknown op '%s' (known ops: %s)", a.op, known);
        return CLI_EXIT_USAGE;
    }
    const char *opname = clact_op_name(op);
    unsigned flags = clact_op_flags(op);
    if (!a.in || !a.out) {
        cli_error("apply: missing %s (usage: clact apply OP [options] IN.npy OUT.npy)",
                  a.in ? "OUT.npy" : "IN.npy and OUT.npy");
        return CLI_EXIT_USAGE;
    }
    for (int k = 0; k < a.nparams; ++k)
        if (!op_has_param(op, a.params[k].name, a.params[k].len)) {
            char takes[256];
            op_params_text(op, takes, sizeof takes);
            cli_error("op '%s' does not take --%.*s (%s)", opname, (int)a.params[k].len,
                      a.params[k].name, takes);
            return CLI_EXIT_USAGE;
        }
    if (a.weight && !(flags & CLACT_OPF_WEIGHT)) {
        cli_error("op '%s' does not take --weight", opname);
        return CLI_EXIT_USAGE;
    }
    if ((flags & CLACT_OPF_WEIGHT) && !a.weight) {
        cli_error("op '%s' needs --weight W.npy", opname);
        return CLI_EXIT_USAGE;
    }
    if (a.have_axis && !(flags & (CLACT_OPF_WEIGHT | CLACT_OPF_CONCAT))) {
        cli_error("op '%s' does not take --axis", opname);
        return CLI_EXIT_USAGE;
    }
    if (a.dweight && !(flags & CLACT_OPF_WEIGHT)) {
        cli_error("op '%s' does not take --dweight (it has no weight)", opname);
        return CLI_EXIT_USAGE;
    }
    if (a.dweight && !a.backward) {
        cli_error("--dweight needs --backward DY.npy");
        return CLI_EXIT_USAGE;
    }
    if (a.dweight && !strcmp(a.dweight, a.out)) {
        cli_error("OUT and --dweight name the same file '%s'", a.out);
        return CLI_EXIT_USAGE;
    }
    clact_dtype dev_dt = CLACT_F32;
    if (a.dtype && cli_parse_dtype(a.dtype, &dev_dt) != 0) {
        cli_error("unknown --dtype '%s' (expected f32, f16, bf16 or f64)", a.dtype);
        return CLI_EXIT_USAGE;
    }

    clact_activation act;
    clact_status st = clact_activation_init(&act, op);
    if (st != CLACT_SUCCESS) {
        cli_error("op '%s': %s", opname, cli_status_detail(st));
        return CLI_EXIT_FAIL;
    }
    for (int k = 0; k < a.nparams; ++k) {
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(a.params[k].len < 60 ? a.params[k].len : 60),
                 a.params[k].name);
        st = clact_activation_set(&act, name, a.params[k].value);
        if (st != CLACT_SUCCESS) {
            cli_error("invalid --%s %g for %s: %s", name, a.params[k].value, opname,
                      cli_status_detail(st));
            return CLI_EXIT_USAGE;
        }
    }

    /* ---- inputs ---- */
    if (npy_read(a.in, &in, err, sizeof err) != 0) {
        cli_error("%s", err);
        goto done;
    }
    if (!a.dtype) dev_dt = in.dtype;
    if (a.weight && npy_read(a.weight, &w, err, sizeof err) != 0) {
        cli_error("%s", err);
        goto done;
    }
    if (a.backward && npy_read(a.backward, &dy, err, sizeof err) != 0) {
        cli_error("%s", err);
        goto done;
    }

    /* ---- shapes ---- */
    char shp[128], shp2[128];
    npy_shape_str(in.ndim, in.shape, shp, sizeof shp);
    size_t n = in.count;
    size_t outer = 1, chans = 1, inner = n;
    int axis = -1; /* normalised channel axis, -1 if none */
    int out_ndim = in.ndim;
    size_t out_shape[NPY_MAX_DIMS];
    memcpy(out_shape, in.shape, sizeof out_shape);
    if (flags & (CLACT_OPF_WEIGHT | CLACT_OPF_CONCAT)) {
        int ax = a.have_axis ? a.axis : 1;
        if ((flags & CLACT_OPF_WEIGHT) && !a.have_axis && in.ndim < 2) {
            axis = -1; /* PyTorch: an input of fewer than 2 dims has one channel */
        } else {
            if (ax < 0) ax += in.ndim;
            if (ax < 0 || ax >= in.ndim) {
                cli_error("%s: axis %d is out of range for input %s of %d dimension%s%s", opname,
                          a.have_axis ? a.axis : 1, shp, in.ndim, in.ndim == 1 ? "" : "s",
                          in.ndim == 1 && !a.have_axis ? " (pass --axis 0)" : "");
                status = CLI_EXIT_USAGE;
                goto done;
            }
            axis = ax;
            outer = 1;
            for (int k = 0; k < ax; ++k) outer *= in.shape[k];
            chans = in.shape[ax];
            inner = 1;
            for (int k = ax + 1; k < in.ndim; ++k) inner *= in.shape[k];
        }
        if (axis < 0) {
            outer = 1;
            chans = 1;
            inner = n;
        }
    }
    if (flags & CLACT_OPF_CONCAT) out_shape[axis] *= 2;
    size_t out_n = (flags & CLACT_OPF_CONCAT) ? 2 * n : n;
    if (flags & CLACT_OPF_WEIGHT) {
        npy_shape_str(w.ndim, w.shape, shp2, sizeof shp2);
        if (w.count != 1 && w.count != chans) {
            if (axis >= 0)
                cli_error("%s: weight %s has %zu elements, input %s has %zu channels on axis %d "
                          "(need %zu or 1)",
                          opname, shp2, w.count, shp, chans, axis, chans);
            else
                cli_error("%s: weight %s has %zu elements, but input %s has fewer than 2 "
                          "dimensions and so one channel (need 1, or pass --axis)",
                          opname, shp2, w.count, shp);
            status = CLI_EXIT_USAGE;
            goto done;
        }
    }
    if (a.backward) {
        int same = dy.ndim == out_ndim;
        for (int k = 0; same && k < out_ndim; ++k) same = dy.shape[k] == out_shape[k];
        if (!same) {
            npy_shape_str(dy.ndim, dy.shape, shp2, sizeof shp2);
            char want[128];
            npy_shape_str(out_ndim, out_shape, want, sizeof want);
            cli_error("--backward: DY has shape %s, expected %s (the shape of %s(IN))", shp2, want,
                      opname);
            status = CLI_EXIT_USAGE;
            goto done;
        }
    }

    /* ---- device ---- */
    st = clact_context_create(&ctx, a.device);
    if (st != CLACT_SUCCESS) {
        cli_error("cannot open device %s%s%s: %s", a.device ? "'" : "",
                  a.device ? a.device : "(default)", a.device ? "'" : "", cli_status_detail(st));
        goto done;
    }
    if (clact_context_supports(ctx, dev_dt) != CLACT_SUCCESS) {
        cli_error("device '%s' does not support %s%s", clact_context_device_name(ctx),
                  clact_dtype_name(dev_dt),
                  dev_dt == CLACT_F64 ? " (no cl_khr_fp64)" : "");
        goto done;
    }
    clact_tensor t;
    memset(&t, 0, sizeof t);
    t.dtype = dev_dt;
    if (flags & (CLACT_OPF_WEIGHT | CLACT_OPF_CONCAT)) {
        t.ndim = 3;
        t.shape[0] = outer;
        t.shape[1] = chans;
        t.shape[2] = inner;
        act.axis = 1;
        if (flags & CLACT_OPF_WEIGHT) act.weight_count = w.count;
    } else {
        t.ndim = 1;
        t.shape[0] = n;
    }
    st = clact_forward_check(ctx, &act, &t);
    if (st != CLACT_SUCCESS) {
        cli_error("%s: %s", opname, cli_status_detail(st));
        goto done;
    }

    const size_t es = clact_dtype_size(dev_dt);
    size_t res_n = a.backward ? n : out_n; /* elements of OUT */
    size_t wn = (flags & CLACT_OPF_WEIGHT) ? w.count : 0;
    hy = alloc_elems(res_n, es);
    if (a.dweight) hdw = calloc(wn ? wn : 1, es);
    if (!hy || (a.dweight && !hdw)) {
        cli_error("out of memory");
        goto done;
    }
    if (n > 0) {
        cl_context cc = clact_context_cl_context(ctx);
        cl_command_queue q = clact_context_queue(ctx);
        hx = converted(&in, dev_dt);
        if (wn) hw = converted(&w, dev_dt);
        if (a.backward) hdy = converted(&dy, dev_dt);
        if (!hx || (wn && !hw) || (a.backward && !hdy)) {
            cli_error("out of memory");
            goto done;
        }
        if (!(bx = make_buffer(cc, n * es, hx, "input"))) goto done;
        if (!(by = make_buffer(cc, res_n * es, NULL, "output"))) goto done;
        if (wn && !(bw = make_buffer(cc, wn * es, hw, "weight"))) goto done;
        if (a.backward && !(bdy = make_buffer(cc, out_n * es, hdy, "gradient"))) goto done;
        if (a.dweight && !(bdw = make_buffer(cc, wn * es, NULL, "weight gradient"))) goto done;
        if (a.backward)
            st = clact_backward(ctx, &act, &t, CLACT_FROM_X, bx, 0, bdy, 0, by, 0, bw, bdw, 0, NULL,
                                &done);
        else
            st = clact_forward(ctx, &act, &t, bx, 0, by, 0, bw, 0, NULL, &done);
        if (st != CLACT_SUCCESS) {
            cli_error("%s%s failed: %s", opname, a.backward ? " backward" : "",
                      cli_status_detail(st));
            goto done;
        }
        cl_int e = clEnqueueReadBuffer(q, by, CL_TRUE, 0, res_n * es, hy, done ? 1 : 0,
                                       done ? &done : NULL, NULL);
        if (e == CL_SUCCESS && bdw)
            e = clEnqueueReadBuffer(q, bdw, CL_TRUE, 0, wn * es, hdw, done ? 1 : 0,
                                    done ? &done : NULL, NULL);
        if (e == CL_SUCCESS) e = clFinish(q);
        if (e != CL_SUCCESS) {
            cli_error("%s: reading the result from the device failed: %s", opname,
                      clact_status_string((clact_status)e));
            goto done;
        }
    }

    /* ---- outputs: IN's dtype (DW: W's dtype), written atomically ---- */
    npy_array o;
    memset(&o, 0, sizeof o);
    o.dtype = in.dtype;
    o.ndim = a.backward ? in.ndim : out_ndim;
    memcpy(o.shape, a.backward ? in.shape : out_shape, sizeof o.shape);
    o.count = res_n;
    out_data = alloc_elems(res_n, clact_dtype_size(o.dtype));
    if (!out_data) {
        cli_error("out of memory");
        goto done;
    }
    cvt_array(out_data, o.dtype, hy, dev_dt, res_n);
    o.data = out_data;
    if (npy_save_begin(a.out, &o, tmp_out, sizeof tmp_out, err, sizeof err) != 0) {
        cli_error("%s", err);
        goto done;
    }
    if (a.dweight) {
        npy_array d;
        memset(&d, 0, sizeof d);
        d.dtype = w.dtype;
        d.ndim = w.ndim;
        memcpy(d.shape, w.shape, sizeof d.shape);
        d.count = w.count;
        dw_data = alloc_elems(wn, clact_dtype_size(d.dtype));
        if (!dw_data) {
            cli_error("out of memory");
            goto done;
        }
        cvt_array(dw_data, d.dtype, hdw, dev_dt, wn);
        d.data = dw_data;
        if (npy_save_begin(a.dweight, &d, tmp_dw, sizeof tmp_dw, err, sizeof err) != 0) {
            cli_error("%s", err);
            goto done;
        }
        if (npy_save_commit(tmp_dw, a.dweight, err, sizeof err) != 0) {
            tmp_dw[0] = '\0';
            cli_error("%s", err);
            goto done;
        }
        tmp_dw[0] = '\0';
    }
    if (npy_save_commit(tmp_out, a.out, err, sizeof err) != 0) {
        tmp_out[0] = '\0';
        cli_error("%s", err);
        goto done;
    }
    tmp_out[0] = '\0';
    status = 0;

done:
    npy_save_abort(tmp_out);
    npy_save_abort(tmp_dw);
    if (done) clReleaseEvent(done);
    release(&bx);
    release(&by);
    release(&bw);
    release(&bdy);
    release(&bdw);
    clact_context_destroy(ctx);
    free(hx);
    free(hw);
    free(hdy);
    free(hy);
    free(hdw);
    free(out_data);
    free(dw_data);
    npy_free(&in);
    npy_free(&w);
    npy_free(&dy);
    return status;
}
