/* cmd_train.c - `clact train`: the two-spirals demo of the dense layer and
 * the dying-ReLU problem (train_core.c does the work, train_svg.c draws). */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "train_cmds.h"
#include "train_core.h"
#include "train_svg.h"

#define MAX_ACTS 16

static void usage_train(FILE *s)
{
    train_opts d;
    train_default_opts(&d);
    fprintf(s,
            "usage: clact train [options]\n"
            "\n"
            "Train an MLP 2 -> %zu -> %zu -> 2 (softmax cross-entropy, SGD with momentum) on a\n"
            "seeded two-spirals data set, entirely on the device, once per activation,\n"
            "from the same data and initial weights. Per epoch: loss, accuracy and the\n"
            "fraction of dead hidden units (output exactly 0 for every sample of the\n"
            "epoch); then a comparison table and an SVG chart.\n"
            "\n"
            "options:\n"
            "  --acts LIST        activations, comma-separated (default\n"
            "                     relu,leaky_relu,prelu,elu,gelu; any op but crelu)\n"
            "  --epochs N         epochs (default %d)\n"
            "  --lr X             learning rate (default %g)\n"
            "  --momentum X       SGD momentum (default %g)\n"
            "  --init-bias X      initial bias of the hidden units (default %g)\n"
            "  --seed N           data set, weights and shuffling (default %llu)\n"
            "  --points N         data set size (default %zu)\n"
            "  --batch N          minibatch size (default %zu)\n"
            "  --svg FILE         chart (default train.svg; --svg none: no chart)\n"
            "  --csv FILE         every epoch of every run as CSV\n"
            "  --every N          print every Nth epoch (default: about 15 lines per run;\n"
            "                     1: every epoch)\n"
            "  --quiet            no progress bar on stderr\n"
            "  --device SPEC      gpu | cpu | accelerator | P:D | name substring\n"
            "\n"
            "To watch ReLU units die, spoil the setup: e.g. --lr 0.5 --init-bias -1.\n",
            d.hidden, d.hidden, d.epochs, d.lr, d.momentum, d.init_bias, (unsigned long long)d.seed, d.points,
            d.batch);
}

typedef struct progress {
    int         quiet, every, tty;
    double      last;
    const char *name;
} progress;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void bar(progress *p, const train_result *r, int epoch, int final)
{
    const int width = 30, fill = r->epochs ? epoch * width / r->epochs : width;
    char b[64];
    for (int i = 0; i < width; ++i) b[i] = i < fill ? '#' : '.';
    b[width] = '\0';
    const train_epoch *e = epoch > 0 ? &r->hist[epoch - 1] : NULL;
    /* a terminal gets one line redrawn in place; a file or pipe whole lines */
    fprintf(stderr, "%s%-11s [%s] %4d/%-4d loss %.4f  acc %.3f  dead %5.1f%%  %.1f s%s", p->tty ? "\r" : "", p->name, b,
            epoch, r->epochs, e ? e->loss : 0.0, e ? e->acc : 0.0, e ? 100 * e->dead : 0.0, r->seconds,
            p->tty ? "\033[K" : "\n");
    if (final && p->tty) fputc('\n', stderr);
    fflush(stderr);
}

static void on_epoch(void *user, const train_result *r, int epoch)
{
    progress *p = user;
    const train_epoch *e = &r->hist[epoch - 1];
    if (epoch == 1 || epoch == r->epochs || epoch % p->every == 0) {
        if (!p->quiet && p->tty) fputs("\r\033[K", stderr);
        printf("%6d  %8.4f  %6.3f  %6.1f%%  %8.1f%%\n", epoch, e->loss, e->acc, 100 * e->dead, 100 * e->inactive);
        fflush(stdout);
    }
    if (p->quiet) return;
    const double t = now_s();
    if (epoch == r->epochs || t - p->last >= (p->tty ? 0.1 : 2.0)) {
        p->last = t;
        bar(p, r, epoch, epoch == r->epochs);
    }
}

static int parse_size(const char *v, size_t *out, size_t lo, size_t hi)
{
    if (!v || !*v) return -1;
    char *end;
    const unsigned long long x = strtoull(v, &end, 10);
    if (*end || v[0] == '-' || x < lo || x > hi) return -1;
    *out = (size_t)x;
    return 0;
}

static int write_csv(const char *path, const train_result *runs, int n)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) return -1;
    fprintf(f, "activation,epoch,loss,accuracy,dead_fraction,inactive_fraction\n");
    for (int r = 0; r < n; ++r)
        for (int e = 0; e < runs[r].epochs; ++e) {
            const train_epoch *h = &runs[r].hist[e];
            fprintf(f, "%s,%d,%.6g,%.6g,%.6g,%.6g\n", clact_op_name(runs[r].op), e + 1, h->loss, h->acc, h->dead,
                    h->inactive);
        }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        remove(tmp);
        return -1;
    }
    return 0;
}

int clact_cmd_train(int argc, char **argv)
{
    train_opts o;
    train_default_opts(&o);
    const char *acts = "relu,leaky_relu,prelu,elu,gelu", *svg = "train.svg", *csv = NULL, *device = NULL;
    int every = 0, quiet = 0;
    for (int i = 1; i < argc; ++i) {
        const char *v = NULL;
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage_train(stdout);
            return 0;
        }
        if (!strcmp(a, "--quiet")) {
            quiet = 1;
            continue;
        }
        int bad = 0;
        double d;
        int k;
        size_t z;
        if (cli_match_option(argc, argv, &i, "--acts", &v)) {
            if (!v) bad = 1; else acts = v;
        } else if (cli_match_option(argc, argv, &i, "--epochs", &v)) {
            if (cli_parse_int(v, &k) || k < 1 || k > 100000) bad = 1; else o.epochs = k;
        } else if (cli_match_option(argc, argv, &i, "--lr", &v)) {
            if (cli_parse_double(v, &d) || !(d > 0) || !isfinite(d)) bad = 1; else o.lr = d;
        } else if (cli_match_option(argc, argv, &i, "--momentum", &v)) {
            if (cli_parse_double(v, &d) || !(d >= 0 && d < 1)) bad = 1; else o.momentum = d;
        } else if (cli_match_option(argc, argv, &i, "--init-bias", &v)) {
            if (cli_parse_double(v, &d) || !isfinite(d)) bad = 1; else o.init_bias = d;
        } else if (cli_match_option(argc, argv, &i, "--seed", &v)) {
            unsigned long long s;
            char *end;
            if (!v || !*v || v[0] == '-') bad = 1;
            else {
                s = strtoull(v, &end, 10);
                if (*end) bad = 1; else o.seed = s;
            }
        } else if (cli_match_option(argc, argv, &i, "--points", &v)) {
            if (parse_size(v, &z, 4, 10000000)) bad = 1; else o.points = z;
        } else if (cli_match_option(argc, argv, &i, "--batch", &v)) {
            if (parse_size(v, &z, 1, 1000000)) bad = 1; else o.batch = z;
        } else if (cli_match_option(argc, argv, &i, "--svg", &v)) {
            if (!v || !*v) bad = 1; else svg = v;
        } else if (cli_match_option(argc, argv, &i, "--csv", &v)) {
            if (!v || !*v) bad = 1; else csv = v;
        } else if (cli_match_option(argc, argv, &i, "--every", &v)) {
            if (cli_parse_int(v, &k) || k < 1) bad = 1; else every = k;
        } else if (cli_match_option(argc, argv, &i, "--device", &v)) {
            if (!v) bad = 1; else device = v;
        } else {
            cli_error("train: unknown %s '%s' (see 'clact train --help')", a[0] == '-' ? "option" : "argument", a);
            return CLI_EXIT_USAGE;
        }
        if (bad) {
            if (v) cli_error("train: bad value '%s' for %s (see 'clact train --help')", v, a);
            else cli_error("train: %s needs a value", a);
            return CLI_EXIT_USAGE;
        }
    }
    /* the activations */
    clact_op ops[MAX_ACTS];
    int nops = 0;
    {
        char buf[1024];
        if (strlen(acts) >= sizeof buf) {
            cli_error("train: --acts list too long");
            return CLI_EXIT_USAGE;
        }
        strcpy(buf, acts);
        for (char *tok = buf, *next; tok; tok = next) {
            next = strchr(tok, ',');
            if (next) *next++ = '\0';
            if (!*tok) continue;
            clact_op op;
            if (clact_op_from_name(&op, tok) != CLACT_SUCCESS) {
                cli_error("train: unknown activation '%s'", tok);
                return CLI_EXIT_USAGE;
            }
            if (clact_op_flags(op) & CLACT_OPF_CONCAT) {
                cli_error("train: %s doubles its axis and cannot be a dense layer's activation", tok);
                return CLI_EXIT_USAGE;
            }
            if (nops == MAX_ACTS) {
                cli_error("train: at most %d activations", MAX_ACTS);
                return CLI_EXIT_USAGE;
            }
            ops[nops++] = op;
        }
        if (nops == 0) {
            cli_error("train: --acts names no activation");
            return CLI_EXIT_USAGE;
        }
    }
    if (!every) every = o.epochs <= 20 ? 1 : (o.epochs + 14) / 15;
    const int no_svg = !strcmp(svg, "none");

    clact_context *ctx = NULL;
    clact_status st = clact_context_create(&ctx, device);
    if (st != CLACT_SUCCESS) {
        cli_error("train: %s", cli_status_detail(st));
        return CLI_EXIT_FAIL;
    }
    printf("two spirals: %zu points, %.3g turns, noise %g, seed %llu\n", o.points, o.turns, o.noise,
           (unsigned long long)o.seed);
    printf("MLP 2-%zu-%zu-2, softmax cross-entropy, SGD lr %g momentum %g, batch %zu, %d epochs, hidden bias %g\n",
           o.hidden, o.hidden, o.lr, o.momentum, o.batch, o.epochs, o.init_bias);
    printf("device: %s\n", clact_context_device_name(ctx));
    fflush(stdout);

    train_result runs[MAX_ACTS];
    memset(runs, 0, sizeof runs);
    int rc = 0, done = 0;
    progress pr = {quiet, every, isatty(2), 0, NULL};
    for (int r = 0; r < nops; ++r) {
        pr.name = clact_op_name(ops[r]);
        pr.last = 0;
        printf("\n[%s]\n%6s  %8s  %6s  %7s  %9s\n", pr.name, "epoch", "loss", "acc", "dead", "inactive");
        fflush(stdout);
        char err[1024];
        st = train_run(ctx, ops[r], &o, on_epoch, &pr, &runs[r], err, sizeof err);
        if (st != CLACT_SUCCESS) {
            if (!quiet) fputc('\n', stderr);
            cli_error("train: %s: %s", pr.name, err);
            rc = CLI_EXIT_FAIL;
            break;
        }
        ++done;
    }
    if (done > 0) {
        printf("\n%-12s %9s %9s %16s %16s %9s %9s\n", "activation", "loss", "accuracy", "dead units", "inactive units",
               "90% at", "time");
        for (int r = 0; r < done; ++r) {
            const train_result *R = &runs[r];
            char dead[32], inact[32], at[32];
            snprintf(dead, sizeof dead, "%zu/%zu (%.1f%%)", R->dead_units, R->units,
                     100.0 * (double)R->dead_units / (double)R->units);
            snprintf(inact, sizeof inact, "%zu/%zu (%.1f%%)", R->inactive_units, R->units,
                     100.0 * (double)R->inactive_units / (double)R->units);
            if (R->first_90) snprintf(at, sizeof at, "epoch %d", R->first_90);
            else snprintf(at, sizeof at, "never");
            printf("%-12s %9.4f %9.3f %16s %16s %9s %7.1f s\n", clact_op_name(R->op), R->loss, R->acc, dead, inact, at,
                   R->seconds);
        }
        printf("(loss and accuracy: one pass over the data after training; dead: output exactly 0 for\n"
               " every point; inactive: pre-activation <= 0 for every point; of both hidden layers)\n");
        fflush(stdout);
        if (!no_svg) {
            char title[256], err[1024];
            snprintf(title, sizeof title, "clact train: two spirals, MLP 2-%zu-%zu-2, lr %g, momentum %g, init bias %g",
                     o.hidden, o.hidden, o.lr, o.momentum, o.init_bias);
            if (train_svg_write(svg, title, runs, done, err, sizeof err) != 0) {
                cli_error("train: %s", err);
                rc = CLI_EXIT_FAIL;
            } else {
                printf("chart: %s\n", svg);
            }
        }
        if (csv) {
            if (write_csv(csv, runs, done) != 0) {
                cli_error("train: cannot write %s", csv);
                rc = CLI_EXIT_FAIL;
            } else {
                printf("per-epoch data: %s\n", csv);
            }
        }
    }
    for (int r = 0; r < nops; ++r) train_result_free(&runs[r]);
    clact_context_destroy(ctx);
    return rc;
}
