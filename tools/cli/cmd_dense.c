/* cmd_dense.c - `clact dense --weight W.npy [--bias b.npy] [--act OP] X.npy OUT.npy`:
 * y = act(x W^T + b) on the device (CLBlast product + fused epilogue), or
 * with --backward DY.npy the gradients: OUT gets dx, --dweight dW,
 * --dbias db, --dprelu-weight the prelu slopes' gradient. x may have any
 * number of leading dimensions (as torch.nn.functional.linear): its last
 * dimension is k, the others are flattened into the batch. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "convert.h"
#include "npy.h"
#include "train_cmds.h"

#define MAX_PARAMS 8

static void usage_dense(FILE *s)
{
    fprintf(s,
            "usage: clact dense --weight W.npy [--bias b.npy] [--act OP [op options]] X.npy OUT.npy\n"
            "\n"
            "Dense layer OUT = OP(X W^T + b) on the device: the product by CLBlast, bias and\n"
            "activation in one fused kernel. X is [..., k] (leading dimensions are the\n"
            "batch), W is [n, k], b is [n]; OUT is [..., n] with X's dtype.\n"
            "\n"
            "options:\n"
            "  --weight W.npy          the weights, [n, k] (required)\n"
            "  --bias b.npy            the bias, [n] (default: none)\n"
            "  --act OP                any op but crelu, or none (default: none, a linear layer)\n"
            "  --alpha A --beta B --min V --max V --threshold T\n"
            "                          the op's parameters (PyTorch names and defaults)\n"
            "  --prelu-weight S.npy    prelu slopes: 1 shared, or one per unit [n]\n"
            "                          (default: one shared slope 0.25)\n"
            "  --backward DY.npy       OUT gets dX = (OP'(.) * DY) W instead; DY is [..., n]\n"
            "  --dweight DW.npy        with --backward: also write dW [n, k]\n"
            "  --dbias DB.npy          with --backward: also write db [n]\n"
            "  --dprelu-weight DS.npy  with --backward and prelu: the slopes' gradient\n"
            "  --dtype f32|f16|f64     device storage type (default: X's dtype; f16 needs\n"
            "                          cl_khr_fp16, f64 cl_khr_fp64)\n"
            "  --device SPEC           gpu | cpu | accelerator | P:D | name substring\n");
}

typedef struct dense_args {
    const char *x, *out, *weight, *bias, *act, *pw, *backward, *dweight, *dbias, *dpw, *dtype, *device;
    int         np;
    const char *pname[MAX_PARAMS];
    double      pval[MAX_PARAMS];
} dense_args;

static int parse(int argc, char **argv, dense_args *a)
{
    memset(a, 0, sizeof *a);
    int npos = 0, only_pos = 0;
    for (int i = 1; i < argc; ++i) {
        const char *arg = argv[i], *v = NULL;
        if (only_pos || arg[0] != '-' || arg[1] == '\0') {
            if (npos == 0) a->x = arg;
            else if (npos == 1) a->out = arg;
            else {
                cli_error("dense: unexpected argument '%s' (usage: clact dense --weight W.npy [options] X.npy "
                          "OUT.npy)",
                          arg);
                return -1;
            }
            ++npos;
            continue;
        }
        if (!strcmp(arg, "--")) {
            only_pos = 1;
            continue;
        }
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            usage_dense(stdout);
            return 1;
        }
        static const struct { const char *flag; size_t off; } strs[] = {
            {"--weight", offsetof(dense_args, weight)},     {"--bias", offsetof(dense_args, bias)},
            {"--act", offsetof(dense_args, act)},           {"--prelu-weight", offsetof(dense_args, pw)},
            {"--backward", offsetof(dense_args, backward)}, {"--dweight", offsetof(dense_args, dweight)},
            {"--dbias", offsetof(dense_args, dbias)},       {"--dprelu-weight", offsetof(dense_args, dpw)},
            {"--dtype", offsetof(dense_args, dtype)},       {"--device", offsetof(dense_args, device)},
        };
        int matched = 0;
        for (size_t k = 0; k < sizeof strs / sizeof strs[0] && !matched; ++k) {
            if (!cli_match_option(argc, argv, &i, strs[k].flag, &v)) continue;
            matched = 1;
            const char **field = (const char **)((char *)a + strs[k].off);
            if (!v || !*v) {
                cli_error("dense: option %s needs a value", strs[k].flag);
                return -1;
            }
            if (*field) {
                cli_error("dense: option %s given twice", strs[k].flag);
                return -1;
            }
            *field = v;
        }
        if (matched) continue;
        static const char *const params[] = {"alpha", "beta", "min", "max", "threshold"};
        for (size_t k = 0; k < sizeof params / sizeof params[0] && !matched; ++k) {
            char flag[32];
            snprintf(flag, sizeof flag, "--%s", params[k]);
            if (!cli_match_option(argc, argv, &i, flag, &v)) continue;
            matched = 1;
            double d;
            if (!v || cli_parse_double(v, &d) != 0) {
                cli_error("dense: %s needs a number%s%s%s", flag, v ? " (got '" : "", v ? v : "", v ? "')" : "");
                return -1;
            }
            for (int j = 0; j < a->np; ++j)
                if (!strcmp(a->pname[j], params[k])) {
                    cli_error("dense: option %s given twice", flag);
                    return -1;
                }
            a->pname[a->np] = params[k];
            a->pval[a->np++] = d;
        }
        if (matched) continue;
        cli_error("dense: unknown option '%s' (see 'clact dense --help')", arg);
        return -1;
    }
    if (!a->x || !a->out) {
        cli_error("dense: missing %s (usage: clact dense --weight W.npy [options] X.npy OUT.npy)",
                  a->x ? "OUT.npy" : "X.npy and OUT.npy");
        return -1;
    }
    if (!a->weight) {
        cli_error("dense: --weight W.npy is required");
        return -1;
    }
    if ((a->dweight || a->dbias || a->dpw) && !a->backward) {
        cli_error("dense: --dweight, --dbias and --dprelu-weight need --backward DY.npy");
        return -1;
    }
    const char *outs[4] = {a->out, a->dweight, a->dbias, a->dpw};
    for (int i = 0; i < 4; ++i)
        for (int j = i + 1; j < 4; ++j)
            if (outs[i] && outs[j] && !strcmp(outs[i], outs[j])) {
                cli_error("dense: two outputs name the same file '%s'", outs[i]);
                return -1;
            }
    return 0;
}

static cl_mem upload(cl_context c, const npy_array *a, clact_dtype t, size_t min_count, const char *what)
{
    const size_t es = clact_dtype_size(t), n = a ? a->count : 0;
    const size_t bytes = (n > min_count ? n : min_count) * es;
    void *h = NULL;
    if (n) {
        h = malloc(n * es);
        if (!h) {
            cli_error("out of memory");
            return NULL;
        }
        cvt_array(h, t, a->data, a->dtype, n);
    }
    cl_int err = CL_SUCCESS;
    if (h && n * es != bytes) { /* an input is uploaded whole: never asked for more */
        free(h);
        h = NULL;
    }
    cl_mem m = clCreateBuffer(c, CL_MEM_READ_WRITE | (h ? CL_MEM_COPY_HOST_PTR : 0), bytes ? bytes : 16, h, &err);
    free(h);
    if (!m) cli_error("cannot allocate the %s buffer (%zu bytes): %s", what, bytes, clact_status_string((clact_status)err));
    return m;
}

static int read_npy(const char *path, npy_array *a)
{
    char err[NPY_ERR_LEN];
    if (npy_read(path, a, err, sizeof err) != 0) {
        cli_error("%s", err);
        return -1;
    }
    return 0;
}

/* read `count` elements of dtype t from m into an npy_array of dtype `as` */
static int download(clact_context *ctx, cl_mem m, clact_dtype t, size_t count, clact_dtype as, int ndim,
                    const size_t *shape, npy_array *out)
{
    memset(out, 0, sizeof *out);
    out->dtype = as;
    out->ndim = ndim;
    for (int i = 0; i < ndim; ++i) out->shape[i] = shape[i];
    out->count = count;
    const size_t es = clact_dtype_size(t);
    void *h = malloc(count * es + 1);
    out->data = malloc(count * clact_dtype_size(as) + 1);
    if (!h || !out->data) {
        free(h);
        cli_error("out of memory");
        return -1;
    }
    cl_int err = count ? clEnqueueReadBuffer(clact_context_queue(ctx), m, CL_TRUE, 0, count * es, h, 0, NULL, NULL)
                       : CL_SUCCESS;
    if (err != CL_SUCCESS) {
        free(h);
        cli_error("reading the result failed: %s", clact_status_string((clact_status)err));
        return -1;
    }
    cvt_array(out->data, as, h, t, count);
    free(h);
    return 0;
}

int clact_cmd_dense(int argc, char **argv)
{
    dense_args a;
    const int pr = parse(argc, argv, &a);
    if (pr > 0) return 0;
    if (pr < 0) return CLI_EXIT_USAGE;

    /* the activation */
    clact_activation act;
    int has_act = 0;
    if (a.act && strcmp(a.act, "none") && strcmp(a.act, "linear") && strcmp(a.act, "identity")) {
        clact_op op;
        if (clact_op_from_name(&op, a.act) != CLACT_SUCCESS) {
            cli_error("dense: unknown --act '%s' (an op of 'clact apply --help', or none)", a.act);
            return CLI_EXIT_USAGE;
        }
        if (clact_op_flags(op) & CLACT_OPF_CONCAT) {
            cli_error("dense: %s doubles its axis and is not available as a dense activation", a.act);
            return CLI_EXIT_USAGE;
        }
        clact_activation_init(&act, op);
        has_act = 1;
    }
    for (int i = 0; i < a.np; ++i) {
        clact_status s = has_act ? clact_activation_set(&act, a.pname[i], a.pval[i]) : CLACT_ERR_INVALID_PARAMETER;
        if (s != CLACT_SUCCESS) {
            if (!has_act) cli_error("dense: --%s needs an --act that takes it", a.pname[i]);
            else cli_error("dense: --%s %g for %s: %s", a.pname[i], a.pval[i], a.act, cli_status_detail(s));
            return CLI_EXIT_USAGE;
        }
    }
    const int prelu = has_act && (clact_op_flags(act.op) & CLACT_OPF_WEIGHT);
    if ((a.pw || a.dpw) && !prelu) {
        cli_error("dense: --prelu-weight and --dprelu-weight are for --act prelu");
        return CLI_EXIT_USAGE;
    }
    clact_dtype dev_dt = CLACT_F32;
    if (a.dtype && cli_parse_dtype(a.dtype, &dev_dt) != 0) {
        cli_error("dense: unknown --dtype '%s' (expected f32, f16 or f64)", a.dtype);
        return CLI_EXIT_USAGE;
    }

    int rc = CLI_EXIT_FAIL;
    npy_array x = {0}, w = {0}, b = {0}, pw = {0}, dy = {0}, res[4];
    memset(res, 0, sizeof res);
    char tmp[4][4096];
    memset(tmp, 0, sizeof tmp);
    clact_context *ctx = NULL;
    cl_mem bx = NULL, bw = NULL, bb = NULL, bpw = NULL, bdy = NULL, by = NULL, bz = NULL, bdx = NULL, bdw = NULL,
           bdb = NULL, bdpw = NULL;
    if (read_npy(a.x, &x) || read_npy(a.weight, &w) || (a.bias && read_npy(a.bias, &b)) ||
        (a.pw && read_npy(a.pw, &pw)) || (a.backward && read_npy(a.backward, &dy)))
        goto done;
    if (!a.dtype) dev_dt = x.dtype;

    /* shapes */
    char s1[160], s2[160];
    npy_shape_str(x.ndim, x.shape, s1, sizeof s1);
    npy_shape_str(w.ndim, w.shape, s2, sizeof s2);
    if (x.ndim < 1) {
        cli_error("dense: X %s must have at least one dimension (its last one is k)", s1);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    if (w.ndim != 2) {
        cli_error("dense: W %s must be 2-D [n, k]", s2);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    const size_t K = x.shape[x.ndim - 1], N = w.shape[0];
    if (w.shape[1] != K) {
        cli_error("dense: W %s does not match X %s: W must be [n, %zu]", s2, s1, K);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    size_t M_ = 1;
    for (int i = 0; i + 1 < x.ndim; ++i) M_ *= x.shape[i];
    if (a.bias && (b.ndim != 1 || b.count != N)) {
        npy_shape_str(b.ndim, b.shape, s2, sizeof s2);
        cli_error("dense: bias %s must be [%zu] (one per row of W)", s2, N);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    if (a.pw && pw.count != 1 && pw.count != N) {
        npy_shape_str(pw.ndim, pw.shape, s2, sizeof s2);
        cli_error("dense: prelu weight %s must hold 1 or %zu slopes", s2, N);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    int out_ndim = x.ndim;
    size_t out_shape[NPY_MAX_DIMS];
    memcpy(out_shape, x.shape, sizeof out_shape);
    out_shape[x.ndim - 1] = N;
    if (a.backward) {
        int same = dy.ndim == out_ndim;
        for (int i = 0; same && i < out_ndim; ++i) same = dy.shape[i] == out_shape[i];
        if (!same) {
            char want[160];
            npy_shape_str(dy.ndim, dy.shape, s2, sizeof s2);
            npy_shape_str(out_ndim, out_shape, want, sizeof want);
            cli_error("dense: --backward: DY has shape %s, expected %s (the shape of the layer's output)", s2, want);
            rc = CLI_EXIT_USAGE;
            goto done;
        }
    }

    /* device */
    clact_status st = clact_context_create(&ctx, a.device);
    if (st != CLACT_SUCCESS) {
        cli_error("cannot open device %s%s%s: %s", a.device ? "'" : "", a.device ? a.device : "(default)",
                  a.device ? "'" : "", cli_status_detail(st));
        goto done;
    }
    const float slope = 0.25f;
    npy_array pw_default = {0};
    if (prelu && !a.pw) { /* nn.PReLU's initial slope */
        pw_default.dtype = CLACT_F32;
        pw_default.ndim = 1;
        pw_default.shape[0] = 1;
        pw_default.count = 1;
        pw_default.data = (void *)&slope;
    }
    const npy_array *slopes = a.pw ? &pw : &pw_default;
    if (prelu) act.weight_count = slopes->count;
    const clact_dense_desc d = {dev_dt, M_, N, K};
    st = clact_dense_check(ctx, has_act ? &act : NULL, &d);
    if (st != CLACT_SUCCESS) {
        cli_error("dense: %s", cli_status_detail(st));
        goto done;
    }
    cl_context cc = clact_context_cl_context(ctx);
    if (!(bx = upload(cc, &x, dev_dt, 0, "X")) || !(bw = upload(cc, &w, dev_dt, 0, "W")) ||
        (a.bias && !(bb = upload(cc, &b, dev_dt, 0, "bias"))) ||
        (prelu && !(bpw = upload(cc, slopes, dev_dt, 0, "prelu weight"))) ||
        (a.backward && !(bdy = upload(cc, &dy, dev_dt, 0, "DY"))) || !(by = upload(cc, NULL, dev_dt, M_ * N, "Y")))
        goto done;
    /* forward (keeping z for the backward) */
    if (a.backward && has_act && !(bz = upload(cc, NULL, dev_dt, M_ * N, "Z"))) goto done;
    st = clact_dense_forward(ctx, has_act ? &act : NULL, &d, bx, 0, bw, 0, bb, 0, by, 0, bz, 0, bpw, 0, NULL, NULL);
    if (st != CLACT_SUCCESS) {
        cli_error("dense: %s", cli_status_detail(st));
        goto done;
    }
    int nres = 0;
    const char *paths[4];
    if (!a.backward) {
        if (download(ctx, by, dev_dt, M_ * N, x.dtype, out_ndim, out_shape, &res[nres])) goto done;
        paths[nres++] = a.out;
    } else {
        if (!(bdx = upload(cc, NULL, dev_dt, M_ * K, "DX")) ||
            (a.dweight && !(bdw = upload(cc, NULL, dev_dt, N * K, "DW"))) ||
            (a.dbias && !(bdb = upload(cc, NULL, dev_dt, N, "DB"))) ||
            (a.dpw && !(bdpw = upload(cc, NULL, dev_dt, slopes->count, "prelu weight gradient"))))
            goto done;
        st = clact_dense_backward(ctx, has_act ? &act : NULL, &d, CLACT_FROM_X, bx, 0, bw, 0, bz, 0, bdy, 0, bdx, 0,
                                  bdw, 0, bdb, 0, bpw, bdpw, 0, NULL, NULL);
        if (st != CLACT_SUCCESS) {
            cli_error("dense: %s", cli_status_detail(st));
            goto done;
        }
        if (download(ctx, bdx, dev_dt, M_ * K, x.dtype, x.ndim, x.shape, &res[nres])) goto done;
        paths[nres++] = a.out;
        if (a.dweight) {
            if (download(ctx, bdw, dev_dt, N * K, w.dtype, 2, w.shape, &res[nres])) goto done;
            paths[nres++] = a.dweight;
        }
        if (a.dbias) {
            const size_t shp[1] = {N};
            if (download(ctx, bdb, dev_dt, N, a.bias ? b.dtype : x.dtype, 1, shp, &res[nres])) goto done;
            paths[nres++] = a.dbias;
        }
        if (a.dpw) {
            if (download(ctx, bdpw, dev_dt, slopes->count, a.pw ? pw.dtype : x.dtype, slopes->ndim, slopes->shape,
                         &res[nres]))
                goto done;
            paths[nres++] = a.dpw;
        }
    }
    /* every output to a temporary file first, then all renamed */
    char err[NPY_ERR_LEN];
    for (int i = 0; i < nres; ++i)
        if (npy_save_begin(paths[i], &res[i], tmp[i], sizeof tmp[i], err, sizeof err) != 0) {
            cli_error("%s", err);
            goto done;
        }
    for (int i = 0; i < nres; ++i) {
        if (npy_save_commit(tmp[i], paths[i], err, sizeof err) != 0) {
            cli_error("%s", err);
            goto done;
        }
        tmp[i][0] = '\0';
    }
    rc = 0;
done:
    for (int i = 0; i < 4; ++i) {
        if (tmp[i][0]) npy_save_abort(tmp[i]);
        free(res[i].data);
    }
    cl_mem all[] = {bx, bw, bb, bpw, bdy, by, bz, bdx, bdw, bdb, bdpw};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; ++i)
        if (all[i]) clReleaseMemObject(all[i]);
    clact_context_destroy(ctx);
    npy_free(&x);
    npy_free(&w);
    npy_free(&b);
    npy_free(&pw);
    npy_free(&dy);
    return rc;
}
