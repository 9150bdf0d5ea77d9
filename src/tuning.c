/* tuning.c - launch parameters per device: a small built-in table with a
 * default at every level (device type, then vendor), like a tuning database.
 * CLACT_VEC (1,2,4,8,16; 32 and 64 for the float types on CPUs), CLACT_LOCAL,
 * CLACT_STREAM_MIN, CLACT_PF_BYTES, CLACT_PF_FWD, CLACT_PF_FWD32_L2 and
 * CLACT_RCP14 override it for experiments. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct tuning_row {
    const char    *match;   /* substring of "platform / device"; NULL = any */
    const char    *match2;  /* a second one; NULL = any */
    cl_device_type type;    /* 0 = any */
    unsigned       vec[CLACT_DTYPE_COUNT];
    size_t         local;
    int            pl_bwd_pf; /* piecewise-linear backwards prefetch (clact__op_launch) */
    unsigned       pf_fwd;    /* forward prefetch distance; 0 = the backwards' */
    int            rcp14;     /* AVX-512 forms (clact_math.cl): 1 vscalefps, tables and reciprocal
                               * estimates; 2 the same with the divisions kept (bfloat16: the estimate) */
    int            wide_prelu; /* float32 prelu at the row's width, not 16 (clact__op_launch) */
    unsigned       pf_fwd32_l2; /* float32 formula forwards: prefetch distance, into L2; 0 = pf_fwd */
} tuning_row;

/* Elements per work-item: 1-16 everywhere; 32 and 64 (two and four
 * 16-lane vectors, see clact_types.cl) for the float compute types on CPU
 * devices. Those widths need clang's vector extensions (PoCL); elsewhere
 * the kernel build stops with an #error, reported as CLACT_ERR_BUILD. */
static int vec_ok(unsigned v, int dtype, cl_device_type type)
{
    if (v == 32 || v == 64) return dtype != CLACT_F64 && (type & CL_DEVICE_TYPE_CPU);
    return v == 1 || v == 2 || v == 4 || v == 8 || v == 16;
}

/* The launch parameters an op's programs are built with (elementwise and
 * dense): dtype t's, at a width that suits the op. Widths above 16 pay off where
 * the formulas, not memory, set the speed: on PoCL (2-core Zen 5) at full
 * size, float32 relu, elu, silu, sigmoid and tanh (and the copy) moved 5-20%
 * fewer bytes per second at 64 than at 16, while gelu, gelu_tanh, mish and
 * softplus gained 10-30%. So float32 ops other than those four and silu
 * stay at 16 (the copy, built with relu's program, too). silu's
 * derivative is a table and an exponential at 64 (with vscalefps, which
 * comes with the width, clact_ops.cl): in cache (n = 2^21, medians of 5,
 * interleaved) 67 GB/s at 16, 80 at 64 with the former formula, 94 with
 * the table; at full size beside the slow copy the same fraction
 * (0.91-1.03 either way, runs apart). The 16-bit kernels do twice
 * the work per byte and gain from the table's width throughout. */
clact_launch clact__op_launch(const clact_context *ctx, clact_op op, clact_dtype t)
{
    clact_launch l = ctx->launch[t];
    /* prelu and crelu: vectors per work-item (their channel or block is
     * found once per work-item, elementwise.cl) */
    l.ch_wpt = (ctx->type & CL_DEVICE_TYPE_CPU) ? 4u : 1u;
    const int heavy = op == CLACT_OP_GELU || op == CLACT_OP_GELU_TANH || op == CLACT_OP_MISH || op == CLACT_OP_SOFTPLUS || op == CLACT_OP_SILU;
    /* prelu finds the channel of a work-item's first element by two
     * divisions (elementwise.cl) and then moves CLACT_CH_WPT vectors: on
     * the Xeon its float32 forward ran at 0.94 of copy with 16-element
     * vectors and 0.98 with 64 (full size, interleaved, medians of 3; the
     * backward 1.06 either way, 32 lost). Where the table says so it keeps
     * the wide vectors. */
    const int wide = heavy || (op == CLACT_OP_PRELU && ctx->wide_prelu);
    if (l.vec > 16 && t == CLACT_F32 && !wide) l.vec = 16;
    /* Prefetching, per device (the table's pl_bwd_pf and pf_fwd).
     * The piecewise-linear ops (and the copy, built with relu's program)
     * move their bytes without waiting on formulas: on a Zen 5 prefetching
     * cost their backwards 2-3% (see clact__tuning_init), so they do
     * without. On a Xeon their backwards gained 5% in float32 and 7-16% in
     * the 16-bit types with the usual 4 KiB; the forwards did best at
     * 2 KiB (float16, one run: relu6 and hardtanh 0.85 -> 0.97-0.98 of
     * copy, hardsigmoid 0.80 -> 0.96, elu 0.76 -> 0.85, tanh 0.72 -> 0.79;
     * float32 gelu, medians of 2: 0.62 -> 0.76 with the AVX-512 forms of
     * clact_math.cl, mish 0.74 -> 0.78; the other heavy forwards within
     * noise), where the backwards lost 5-10% against 4 KiB; but the
     * float32 piecewise-linear forwards lost with it at any distance
     * (0.98 -> 0.89 at 2 KiB, medians of 3): into L1 they do without (into
     * L2 they gain, below). */
    const int pl = (clact__ops[op].flags & CLACT_OPF_PIECEWISE_LINEAR) != 0;
    const unsigned pf = l.pf_bytes; /* 0: none on this device */
    l.pf_fwd = pl ? 0 : pf;
    /* float32 tanh' and sigmoid' from their table (clact_ops.cl: AVX-512,
     * tables on, 16 lanes or more) keep up with the memory as the
     * piecewise-linear ops do, and prefetch in their backwards as those
     * do. On the Zen 5 at full size (interleaved, 10 minutes, fractions of
     * copy): beside the slow copy tanh' 0.96 -> 1.02-1.04 and sigmoid'
     * 0.96 -> 1.02-1.03 without it, beside the fast one 1.06 -> 1.04-1.05
     * and 1.07-1.08 -> 1.05-1.06. The other float32 backwards gained 2-5%
     * in the slow periods and lost 1-4% in the fast ones (gelu_tanh' lost
     * in both): they keep it. */
    const int table_bwd = t == CLACT_F32 && (op == CLACT_OP_TANH || op == CLACT_OP_SIGMOID) && ctx->rcp14 &&
                          l.vec >= 16 && ctx->avx512;
    if ((pl || table_bwd) && !ctx->pl_bwd_pf) l.pf_bytes = 0;
    if (pf && ctx->pf_fwd && !(pl && t == CLACT_F32)) l.pf_fwd = ctx->pf_fwd;
    /* Where the table gives pf_fwd32_l2 (Intel CPUs), the float32 forwards
     * prefetch that far ahead into L2 (prefetcht1) instead, and so does the
     * copy in every type. The copy moved 15-20% more with it on the Xeon
     * (float32 39-40 -> 46-48 GB/s, float16 43-44 -> 45-48, bfloat16 37-39
     * -> 45-47; n = 2^26 and 2^27), and so did the float32
     * piecewise-linear forwards (relu 39.6 -> 46.4 GB/s, 0.97-0.99 of that
     * copy, where into L1 they had lost at any distance); the backwards
     * and the 16-bit forwards at 64 elements a work-item lost 2-10% with
     * it (below). For the formulas:
     * on the Xeon at full size (interleaved, medians of 3-4, fractions of
     * copy) gelu 0.73 -> 0.84, gelu_tanh 0.67 -> 0.79, mish 0.73 -> 0.86,
     * softplus 0.77 -> 0.87, elu 0.87 -> 0.96 at 2 KiB, and at 4 KiB
     * also the one-vector ones: sigmoid 0.85 -> 0.94, tanh 0.85 -> 0.95,
     * silu 0.83 -> 0.90, which lost a little at 2 KiB. The backwards lost
     * 3-10% with it (two inputs into L1 do better there), the 16-bit
     * formulas' forwards 0-8%: they keep prefetching into L1 (for the
     * 16-bit piecewise-linear ones see below).
     * The 16-bit piecewise-linear ops there move their bytes as the copy
     * does: 64 bytes per work-item (32 elements), the forward prefetching
     * into L2 the copy's distance ahead. On the Xeon (n = 2^27, medians of
     * 3, interleaved, against 64 elements and 2 KiB into L1) the bfloat16
     * forwards went 43-45 -> 48-50 GB/s (relu 0.87 -> 0.97 of copy,
     * hardtanh 0.86 -> 0.96, prelu 0.87 -> 0.94), float16 relu, leaky_relu,
     * hardtanh and relu6 43-45 -> 47-50 GB/s (0.86 -> 0.90-0.93), float16
     * hardswish, hardsigmoid and prelu within noise; the backwards (same
     * program, same width) within noise, 41-43 GB/s either way. 32
     * elements into L1 gained half as much, 16 into L2 nothing; the 16-bit
     * formulas did not gain with either change (elu and tanh: within
     * noise to 20% slower). prelu and crelu keep their work-items' span
     * (twice the vectors): at 32 elements with 4 vectors, not 8, prelu's
     * forward lost 5-10% in cache (n = 2^20; one channel lookup per 256
     * bytes, not 512) and 0-12% at full size. */
    const int pl16 = pl && (t == CLACT_F16 || t == CLACT_BF16);
    l.pf_fwd_l2 = pf && ctx->pf_fwd32_l2 && (t == CLACT_F32 || pl16);
    if (l.pf_fwd_l2) {
        l.pf_fwd = ctx->pf_fwd32_l2;
        if (pl16 && l.vec > 32) {
            l.ch_wpt *= l.vec / 32; /* prelu and crelu: the same span */
            l.vec = 32;
        }
    }
    l.pf_copy = pf ? ctx->pf_fwd32_l2 : 0;
    /* AVX-512 reciprocal estimates where the table asks for them (a Xeon's
     * division is slow) and a work-item holds several vectors: in cache
     * (n = 2^20, medians of 3, interleaved) the 16-bit formulas with a
     * division ran 3-14% faster with them, float32 gelu, gelu_tanh and
     * mish (64 elements per work-item) 4-7%, while sigmoid, tanh and silu,
     * one vector per work-item in float32 (silu then), ran 0-7% slower:
     * the estimate and its Newton step are a longer chain than the
     * division. */
    l.rcp14 = l.vec >= 32 ? ctx->rcp14 : 0;
    /* per-lane polynomial tables (vpermps) where they replace a division
     * or an exponential outright (float32 tanh's forward and the
     * backwards of tanh and sigmoid, one vector per work-item too); the
     * other tables come with CLACT_RCP14 */
    l.tables = ctx->rcp14 != 0;
    /* the copy (elementwise.cl): at most 64 bytes per work-item at the
     * CPU-only widths 32 and 64 */
    const unsigned es = (unsigned)clact_dtype_size(t);
    l.copy_vec = l.vec >= 32 && l.vec * es > 64 ? 64 / es : l.vec;
    return l;
}

/* first match wins; the last row is the default. PoCL gets a fixed
 * work-group size although it picks a good one itself: it compiles a
 * kernel once per work-group size, and the one it picks follows the
 * global size, so every new tensor size cost a code generation (0.1-1 s);
 * 256 is as fast for large and small tensors and needs two. Its float
 * kernels take 64 elements per work-item, four AVX-512 vectors in flight
 * (see clact__op_launch for the float32 ops that stay at 16): in cache,
 * against one vector, the heavy float32 formulas run 10-30% faster and the
 * 16-bit kernels 20-45% (their conversions too).
 * AMD CPUs take the AVX-512 forms of the formulas (rcp14) with their
 * divisions kept: on a Zen 5 the divider keeps up, and the estimate with
 * its Newton step lost where the division stands alone on the chain (in
 * cache, n = 2^20, medians of 5, interleaved, in GB/s: float16 tanh's
 * forward 53 with neither, 47 with the estimate, 55 with the division;
 * sigmoid 48, 42, 49; silu 47, 41, 46). Against neither (the same runs):
 * float32 gelu 40 -> 52 forward and 60 -> 74 backward, gelu_tanh's
 * backward 44 -> 58, mish's forward 46 -> 54, softplus' 51 -> 63, tanh's
 * 54 -> 76; float16 gelu 30 -> 44 and 39 -> 55, gelu_tanh's backward
 * 38 -> 49, elu's 55 -> 71; bfloat16 (the estimate alone, as on Intel)
 * gelu 35 -> 40 and 47 -> 50, tanh's backward 58 -> 67; the 16-bit silu
 * backwards lost 6-9% (51 -> 47; 3-6% in a later run of 7), the rest
 * within noise. At full size
 * (n = 2^25, 2^26 in 16 bits, copy near 50 GB/s, medians of 3): float32
 * gelu's forward 42 -> 52 GB/s (0.83 -> 0.99 of copy), gelu_tanh's
 * backward 41 -> 48, mish's forward 46 -> 50; float16 gelu 29 -> 45 and
 * 35 -> 44, gelu_tanh's backward 34 -> 44; bfloat16 gelu 32 -> 37. */
static const tuning_row table[] = {
    {"NVIDIA", NULL, CL_DEVICE_TYPE_GPU, {4, 8, 8, 2}, 256, 0, 0, 0, 0, 0},
    {"Portable Computing Language", "Intel", CL_DEVICE_TYPE_CPU, {64, 64, 64, 8}, 256, 1, 2048, 1, 1, 4096},
    {"Portable Computing Language", "AMD", CL_DEVICE_TYPE_CPU, {64, 64, 64, 8}, 256, 0, 0, 2, 0, 0},
    {"Portable Computing Language", NULL, CL_DEVICE_TYPE_CPU, {64, 64, 64, 8}, 256, 0, 0, 0, 0, 0},
    {NULL, NULL, CL_DEVICE_TYPE_GPU, {4, 8, 8, 2}, 256, 0, 0, 0, 0, 0},
    {NULL, NULL, CL_DEVICE_TYPE_CPU, {16, 16, 16, 8}, 0, 0, 0, 0, 0, 0},
    {NULL, NULL, 0, {4, 8, 8, 2}, 0, 0, 0, 0, 0, 0},
};

static void read_overrides(clact_context *ctx);

/* bfloat16 stores through AVX512_BF16's vcvtne2ps2bf16 (clact_types.cl):
 * one instruction rounds 32 floats to nearest even, where the integer
 * form takes five operations per 16. A PoCL CPU device is the host's
 * processor, so the host's own feature test answers for it. On the Xeon
 * at full size (medians of 2, interleaved) bfloat16 elu's forward went
 * 0.76 -> 0.85 of copy, tanh 0.68 -> 0.77 / 0.64 -> 0.78, mish 0.51 ->
 * 0.60, hardswish 0.86 -> 0.92. */
static int host_pocl_cpu(const clact_context *ctx)
{
    return (ctx->type & CL_DEVICE_TYPE_CPU) && strstr(ctx->platform_name, "Portable Computing Language");
}
static int host_bf16_cvt(const clact_context *ctx)
{
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
    return host_pocl_cpu(ctx) && __builtin_cpu_supports("avx512bf16");
#else
    (void)ctx;
    return 0;
#endif
}
/* the same for AVX-512F: the kernels' AVX-512 forms and float32 range
 * tables (clact_math.cl) */
static int host_avx512(const clact_context *ctx)
{
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
    return host_pocl_cpu(ctx) && __builtin_cpu_supports("avx512f");
#else
    (void)ctx;
    return 0;
#endif
}

static unsigned env_vec(void)
{
    const char *e = getenv("CLACT_VEC");
    return e ? (unsigned)atoi(e) : 0;
}

void clact__tuning_init(clact_context *ctx)
{
    const tuning_row *r = &table[sizeof table / sizeof table[0] - 1];
    for (size_t i = 0; i < sizeof table / sizeof table[0]; ++i) {
        const tuning_row *t = &table[i];
        if (t->type && !(ctx->type & t->type)) continue;
        if (t->match && !strstr(ctx->display_name, t->match)) continue;
        if (t->match2 && !strstr(ctx->display_name, t->match2)) continue;
        r = t;
        break;
    }
    for (int d = 0; d < CLACT_DTYPE_COUNT; ++d) {
        ctx->launch[d].vec = r->vec[d];
        ctx->launch[d].local = r->local;
    }
    ctx->pl_bwd_pf = r->pl_bwd_pf;
    ctx->pf_fwd = r->pf_fwd;
    const char *ef = getenv("CLACT_PF_FWD");
    if (ef) ctx->pf_fwd = (unsigned)strtoul(ef, NULL, 10);
    ctx->pf_fwd32_l2 = r->pf_fwd32_l2;
    const char *e2 = getenv("CLACT_PF_FWD32_L2");
    if (e2) ctx->pf_fwd32_l2 = (unsigned)strtoul(e2, NULL, 10);
    ctx->rcp14 = r->rcp14;
    ctx->wide_prelu = r->wide_prelu;
    const char *e14 = getenv("CLACT_RCP14");
    if (e14) {
        const int m = atoi(e14);
        ctx->rcp14 = m == 2 ? 2 : m != 0;
    }
    ctx->avx512 = host_avx512(ctx);
    ctx->bf16_cvt = host_bf16_cvt(ctx);
    const char *eb = getenv("CLACT_BF16_CVT");
    if (eb) ctx->bf16_cvt = atoi(eb) != 0;
    /* CPUs: results as large as the device's cache cannot stay in it, so
     * they are stored around it (streaming stores, clact_types.cl). The
     * cache counted is the last level's share of the cores the device
     * has, at most 4 MiB a core: a virtual machine or container with a few
     * cores of a server sees the whole socket's cache reported (480 MiB
     * for 2 cores of a Xeon, through PoCL) but holds far less of it.
     * There, with the whole 480 MiB counted, nothing up to 2^26 floats
     * streamed; with 8 MiB, the copy moved 27 -> 44 GB/s at n = 2^25 and
     * 37 -> 53 at 2^24, and streaming was no slower from 2^20 up. */
    cl_ulong cache = 0;
    cl_uint units = 0;
    if ((ctx->type & CL_DEVICE_TYPE_CPU) &&
        clGetDeviceInfo(ctx->device, CL_DEVICE_GLOBAL_MEM_CACHE_SIZE, sizeof cache, &cache, NULL) != CL_SUCCESS)
        cache = 0;
    if (cache && clGetDeviceInfo(ctx->device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof units, &units, NULL) != CL_SUCCESS)
        units = 0; /* unknown: the whole cache counts */
    if (units && cache > (cl_ulong)units << 22) cache = (cl_ulong)units << 22;
    /* Those calls also prefetch their inputs 4 KiB ahead (clact_types.cl).
     * With the hardware prefetchers alone the memory sat idle while a
     * heavy loop computed: on PoCL (2-core Zen 5) at n = 2^25, gelu_tanh's
     * backward took about its time in cache plus the copy's. Prefetching
     * 16 KiB ahead (medians of 4 interleaved runs, as fractions of copy):
     * softplus 0.73 -> 0.94 forward and 0.80 -> 0.99 backward, mish
     * backward 0.71 -> 0.89, gelu_tanh forward 0.60 -> 0.83. 4 KiB did
     * as well as 16 KiB or better (gelu backward 0.95 against 0.94, mish
     * backward 0.90 against 0.87). The copy was no faster with it, and the
     * piecewise-linear ops' backwards lost 2-3% (relu 1.00 -> 0.97, relu6
     * 0.97 -> 0.96, hardtanh 0.98 -> 0.95, medians of 4): clact__op_launch
     * leaves them, and the copy built with relu's program, without, but
     * where the table's pl_bwd_pf says otherwise (Intel CPUs). */
    for (int d = 0; d < CLACT_DTYPE_COUNT; ++d) {
        ctx->launch[d].stream_min = cache / clact_dtype_size((clact_dtype)d);
        ctx->launch[d].pf_bytes = cache ? 4096 : 0;
    }
    read_overrides(ctx);
    const unsigned ev = env_vec();
    const char *es = getenv("CLACT_STREAM_MIN");
    const char *el = getenv("CLACT_LOCAL");
    const char *ep = getenv("CLACT_PF_BYTES");
    for (int d = 0; d < CLACT_DTYPE_COUNT; ++d) {
        if (ev && vec_ok(ev, d, ctx->type)) ctx->launch[d].vec = ev;
        if (el) ctx->launch[d].local = (size_t)atoi(el);
        if (es) ctx->launch[d].stream_min = strtoull(es, NULL, 10);
        if (ep) ctx->launch[d].pf_bytes = (unsigned)strtoul(ep, NULL, 10);
    }
    size_t maxwg = 0;
    clGetDeviceInfo(ctx->device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof maxwg, &maxwg, NULL);
    /* The prelu weight-gradient reduction (elementwise.cl): on a GPU a
     * work-group of red_local items ends in a tree in local memory; on a
     * CPU each group is one item, with no tree and no barrier. A CPU
     * runtime runs a group's items one after the other in one thread, and
     * where a kernel has barriers it keeps each item's variables in memory
     * between them: through PoCL the backward with the weight gradient ran
     * 2.7-3x slower in cache with 256-item groups than with one-item ones.
     * CLACT_RED_LOCAL (a power of two) overrides, so that the tree can be
     * tested on a CPU. */
    ctx->red_local = (ctx->type & CL_DEVICE_TYPE_CPU) ? 1 : 256;
    const char *er = getenv("CLACT_RED_LOCAL");
    if (er) {
        const long v = atol(er);
        if (v > 0 && v <= 1024 && !(v & (v - 1))) ctx->red_local = (size_t)v;
    }
    while (maxwg && ctx->red_local > maxwg) ctx->red_local /= 2;
    for (int d = 0; d < CLACT_DTYPE_COUNT; ++d)
        if (maxwg && ctx->launch[d].local > maxwg) ctx->launch[d].local = 0;
}

/* ---- overrides written by clact_tune ------------------------------------ */
#include <stdio.h>

void clact__tuning_path(const clact_context *ctx, char *path, size_t cap)
{
    const char *dir = clact_cache_dir();
    if (!dir[0]) { path[0] = '\0'; return; }
    char id[1024];
    snprintf(id, sizeof id, "%s|%s|%s|%s", ctx->platform_name, ctx->platform_version, ctx->device_name,
             ctx->driver_version);
    snprintf(path, cap, "%s/tuning-%016llx.txt", dir,
             (unsigned long long)clact__fnv1a(CLACT_FNV_OFFSET, id, strlen(id)));
}

/* lines "f32 8 256": dtype, elements per work-item, work-group size */
static void read_overrides(clact_context *ctx)
{
    char path[4200];
    clact__tuning_path(ctx, path, sizeof path);
    if (!path[0]) return;
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[256], name[16];
    unsigned vec;
    size_t local;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "%15s %u %zu", name, &vec, &local) != 3) continue;
        if (local > 4096) continue;
        for (int d = 0; d < CLACT_DTYPE_COUNT; ++d)
            if (strcmp(name, clact_dtype_name((clact_dtype)d)) == 0 && vec_ok(vec, d, ctx->type)) {
                ctx->launch[d].vec = vec;
                ctx->launch[d].local = local;
            }
    }
    fclose(f);
    clact__debug("tuning overrides from %s", path);
}

/* ---- the tuner ------------------------------------------------------------ */
static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double event_ms(cl_event e)
{
    cl_ulong a = 0, b = 0;
    clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_START, sizeof a, &a, NULL);
    clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_END, sizeof b, &b, NULL);
    return (double)(b - a) * 1e-6;
}

/* median time of copy + relu + gelu forward (ms), or a negative value */
static double time_candidate(clact_context *ctx, clact_dtype t, size_t n, cl_mem x, cl_mem y)
{
    enum { REPS = 7 };
    static const clact_op ops[] = {CLACT_OP_RELU, CLACT_OP_GELU};
    double total = 0;
    for (int k = 0; k < 3; ++k) {
        double ms[REPS];
        for (int r = -1; r < REPS; ++r) { /* r = -1: warm-up (and build) */
            cl_event e = NULL;
            clact_status s;
            if (k == 0) {
                s = clact_copy(ctx, t, n, x, 0, y, 0, 0, NULL, &e);
            } else {
                clact_activation a;
                clact_activation_init(&a, ops[k - 1]);
                const clact_tensor tt = {t, 1, {n}};
                s = clact_forward(ctx, &a, &tt, x, 0, y, 0, NULL, 0, NULL, &e);
            }
            if (s != CLACT_SUCCESS) return -1;
            if (clWaitForEvents(1, &e) != CL_SUCCESS) { clReleaseEvent(e); return -1; }
            if (r >= 0) ms[r] = event_ms(e);
            clReleaseEvent(e);
        }
        qsort(ms, REPS, sizeof ms[0], cmp_double);
        total += ms[REPS / 2];
    }
    return total;
}

clact_status clact_tune(clact_context *ctx, size_t n, int save)
{
    clact__clear_error();
    if (!ctx) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "context is NULL");
    if (n == 0) n = (size_t)1 << 24;
    size_t maxwg = 0;
    clGetDeviceInfo(ctx->device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof maxwg, &maxwg, NULL);
    static const unsigned vecs[] = {1, 2, 4, 8, 16, 32, 64};
    /* CPUs: the vector width only; their work-group size stays (see table) */
    const int gpu = (ctx->type & CL_DEVICE_TYPE_GPU) != 0;
    const size_t gpu_locals[] = {64, 128, 256, 512};
    const size_t nlocals = gpu ? 4 : 1;
    clact_status s = CLACT_SUCCESS;
    char lines[CLACT_DTYPE_COUNT][64] = {{0}};
    for (int d = 0; d < CLACT_DTYPE_COUNT && !s; ++d) {
        if (d == CLACT_F64 && !ctx->has_fp64) continue;
        const size_t bytes = n * clact_dtype_size((clact_dtype)d);
        cl_int err;
        cl_mem x = clCreateBuffer(ctx->context, CL_MEM_READ_WRITE, bytes, NULL, &err);
        cl_mem y = x ? clCreateBuffer(ctx->context, CL_MEM_READ_WRITE, bytes, NULL, &err) : NULL;
        if (!y) {
            if (x) clReleaseMemObject(x);
            s = clact__fail((clact_status)err, "clact_tune: cannot allocate %zu bytes (%d)", bytes, err);
            break;
        }
        const cl_uchar pattern = 0x3c; /* small finite values in every dtype */
        clEnqueueFillBuffer(ctx->queue, x, &pattern, 1, 0, bytes, 0, NULL, NULL);
        const clact_launch orig = ctx->launch[d];
        const size_t *locals = gpu ? gpu_locals : &orig.local;
        clact_launch best = orig;
        double best_ms = -1;
        for (size_t vi = 0; vi < sizeof vecs / sizeof vecs[0]; ++vi) {
            if (!vec_ok(vecs[vi], d, ctx->type)) continue;
            for (size_t li = 0; li < nlocals; ++li) {
                if (maxwg && locals[li] > maxwg) continue;
                pthread_mutex_lock(&ctx->lock);
                ctx->launch[d].vec = vecs[vi];
                ctx->launch[d].local = locals[li];
                clact__programs_reset(ctx);
                pthread_mutex_unlock(&ctx->lock);
                const double ms = time_candidate(ctx, (clact_dtype)d, n, x, y);
                clact__debug("tune %s vec %u local %zu: %.3f ms", clact_dtype_name((clact_dtype)d), vecs[vi],
                             locals[li], ms);
                if (ms > 0 && (best_ms < 0 || ms < best_ms)) {
                    best_ms = ms;
                    best = ctx->launch[d];
                }
            }
        }
        clReleaseMemObject(x);
        clReleaseMemObject(y);
        pthread_mutex_lock(&ctx->lock);
        ctx->launch[d] = best_ms > 0 ? best : orig;
        clact__programs_reset(ctx);
        pthread_mutex_unlock(&ctx->lock);
        snprintf(lines[d], sizeof lines[d], "%s %u %zu\n", clact_dtype_name((clact_dtype)d), ctx->launch[d].vec,
                 ctx->launch[d].local);
    }
    if (s || !save) return s;
    char path[4200], tmp[4300];
    clact__tuning_path(ctx, path, sizeof path);
    if (!path[0]) return clact__fail(CLACT_ERR_IO, "clact_tune: no cache directory to save to (CLACT_CACHE=0?)");
    clact__cache_store_text(path, tmp, sizeof tmp); /* ensures the directory */
    FILE *f = fopen(tmp, "w");
    if (!f) return clact__fail(CLACT_ERR_IO, "clact_tune: cannot write %s", tmp);
    fprintf(f, "# clact launch parameters for %s (%s): dtype, elements per work-item, work-group size\n",
            ctx->display_name, ctx->driver_version);
    for (int d = 0; d < CLACT_DTYPE_COUNT; ++d) fputs(lines[d], f);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        remove(tmp);
        return clact__fail(CLACT_ERR_IO, "clact_tune: cannot write %s", path);
    }
    return CLACT_SUCCESS;
}

clact_status clact_context_launch(const clact_context *ctx, clact_dtype t, unsigned *vec, size_t *local)
{
    clact__clear_error();
    if (!ctx || !vec || !local) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "clact_context_launch: NULL argument");
    if (!clact_dtype_size(t)) return clact__fail(CLACT_ERR_INVALID_ARGUMENT, "invalid dtype %d", (int)t);
    if (t == CLACT_F64 && !ctx->has_fp64) return clact__fail(CLACT_ERR_UNSUPPORTED, "no f64 on this device");
    *vec = ctx->launch[t].vec;
    *local = ctx->launch[t].local;
    return CLACT_SUCCESS;
}
