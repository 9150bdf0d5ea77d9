/* train_svg.c - an SVG line chart of the training runs: three panels
 * sharing the epoch axis (loss, accuracy, dead units), one colour per
 * activation, a legend on top. Dead units are drawn solid (output exactly
 * zero for every sample of the epoch) with the inactive units dashed
 * (pre-activation <= 0 for every sample). */
#define _POSIX_C_SOURCE 200809L

#include "train_svg.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define W 960.0
#define PANEL_H 190.0
#define LEFT 78.0
#define RIGHT 24.0
#define TOP 84.0
#define GAP 46.0

static const char *colour(clact_op op, int i)
{
    switch (op) {
    case CLACT_OP_RELU: return "#d62728";
    case CLACT_OP_LEAKY_RELU: return "#1f77b4";
    case CLACT_OP_PRELU: return "#2ca02c";
    case CLACT_OP_ELU: return "#9467bd";
    case CLACT_OP_GELU: return "#ff7f0e";
    default: break;
    }
    static const char *const other[] = {"#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79"};
    return other[i % 6];
}

/* a "nice" step (1, 2, 5 x 10^k) giving about n ticks over [0, span] */
static double nice_step(double span, int n)
{
    if (!(span > 0)) return 1;
    const double raw = span / n, p = pow(10, floor(log10(raw))), f = raw / p;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

static void xml_text(FILE *f, const char *s)
{
    for (; *s; ++s) {
        if (*s == '<') fputs("&lt;", f);
        else if (*s == '>') fputs("&gt;", f);
        else if (*s == '&') fputs("&amp;", f);
        else fputc(*s, f);
    }
}

typedef double (*getter)(const train_epoch *e);
static double get_loss(const train_epoch *e) { return e->loss; }
static double get_acc(const train_epoch *e) { return 100.0 * e->acc; }
static double get_dead(const train_epoch *e) { return 100.0 * e->dead; }
static double get_inactive(const train_epoch *e) { return 100.0 * e->inactive; }

/* one panel at y0: frame, ticks, grid, lines */
static void panel(FILE *f, double y0, const char *label, const train_result *runs, int n, int epochs, getter g,
                  getter g2, double ymax_fixed, const char *unit)
{
    const double x0 = LEFT, x1 = W - RIGHT, y1 = y0 + PANEL_H;
    double ymax = ymax_fixed;
    if (!(ymax > 0)) {
        ymax = 0;
        for (int r = 0; r < n; ++r)
            for (int e = 0; e < runs[r].epochs; ++e) {
                const double v = g(&runs[r].hist[e]);
                if (isfinite(v) && v > ymax) ymax = v;
            }
        if (!(ymax > 0)) ymax = 1;
        const double st = nice_step(ymax, 5);
        ymax = ceil(ymax / st) * st;
    }
    const double ystep = nice_step(ymax, 5);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" font-weight=\"bold\" fill=\"#222\">", x0, y0 - 8);
    xml_text(f, label);
    fprintf(f, "</text>\n");
    /* grid and y ticks */
    for (double v = 0; v <= ymax * (1 + 1e-9); v += ystep) {
        const double y = y1 - v / ymax * PANEL_H;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\" stroke-width=\"1\"/>\n", x0, y, x1, y);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#444\" text-anchor=\"end\">%g%s</text>\n", x0 - 6, y + 4,
                v, unit);
    }
    /* x ticks */
    const double xstep = nice_step(epochs, 8);
    for (double v = 0; v <= epochs * (1 + 1e-9); v += xstep) {
        const double x = x0 + (epochs > 0 ? v / epochs : 0) * (x1 - x0);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\" stroke-width=\"1\"/>\n", x, y1, x, y1 + 5);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#444\" text-anchor=\"middle\">%g</text>\n", x, y1 + 18, v);
    }
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#444\" stroke-width=\"1\"/>\n", x0, y0, x1 - x0,
            PANEL_H);
    /* lines: epoch e (1-based) at x = e */
    for (int pass = 0; pass < (g2 ? 2 : 1); ++pass) {
        const getter gg = pass ? g2 : g;
        for (int r = 0; r < n; ++r) {
            const train_result *R = &runs[r];
            int open = 0;
            for (int e = 0; e < R->epochs; ++e) {
                double v = gg(&R->hist[e]);
                if (!isfinite(v)) {
                    if (open) fputs("\"/>\n", f);
                    open = 0;
                    continue;
                }
                if (v > ymax) v = ymax;
                if (v < 0) v = 0;
                const double x = x0 + (epochs > 0 ? (double)(e + 1) / epochs : 0) * (x1 - x0);
                const double y = y1 - v / ymax * PANEL_H;
                if (!open) {
                    fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s points=\"",
                            colour(R->op, r), pass ? "1.5" : "2", pass ? " stroke-dasharray=\"6 4\"" : "");
                    open = 1;
                }
                fprintf(f, "%.1f,%.1f ", x, y);
            }
            if (open) fputs("\"/>\n", f);
        }
    }
}

int train_svg_write(const char *path, const char *title, const train_result *runs, int n, char *err, size_t errlen)
{
    char tmp[4096];
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(tmp, sizeof tmp, "%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
    else
        snprintf(tmp, sizeof tmp, ".%s.XXXXXX", path);
    const int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    int epochs = 1;
    for (int r = 0; r < n; ++r)
        if (runs[r].epochs > epochs) epochs = runs[r].epochs;
    const double H = TOP + 3 * PANEL_H + 2 * GAP + 56;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
               "font-family=\"Helvetica, Arial, sans-serif\">\n",
            W, H, W, H);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    fprintf(f, "<text x=\"%.1f\" y=\"24\" font-size=\"16\" font-weight=\"bold\" fill=\"#111\">", LEFT);
    xml_text(f, title);
    fputs("</text>\n", f);
    /* legend */
    double lx = LEFT;
    for (int r = 0; r < n; ++r) {
        const char *name = clact_op_name(runs[r].op);
        fprintf(f, "<line x1=\"%.1f\" y1=\"46\" x2=\"%.1f\" y2=\"46\" stroke=\"%s\" stroke-width=\"3\"/>\n", lx,
                lx + 26, colour(runs[r].op, r));
        fprintf(f, "<text x=\"%.1f\" y=\"50\" font-size=\"13\" fill=\"#222\">", lx + 32);
        xml_text(f, name ? name : "?");
        fputs("</text>\n", f);
        lx += 40 + 9.0 * (double)strlen(name ? name : "?") + 18;
    }
    fprintf(f, "<text x=\"%.1f\" y=\"50\" font-size=\"13\" fill=\"#555\">(dashed: inactive units)</text>\n",
            lx + 10);
    panel(f, TOP, "loss (mean cross-entropy per epoch)", runs, n, epochs, get_loss, NULL, 0, "");
    panel(f, TOP + PANEL_H + GAP, "accuracy during the epoch", runs, n, epochs, get_acc, NULL, 100, "%");
    panel(f, TOP + 2 * (PANEL_H + GAP),
          "dead hidden units: output 0 for every sample of the epoch (dashed: pre-activation <= 0)", runs, n, epochs,
          get_dead, get_inactive, 100, "%");
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#444\" text-anchor=\"middle\">epoch</text>\n",
            (LEFT + W - RIGHT) / 2, H - 8);
    fputs("</svg>\n", f);
    const int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
        unlink(tmp);
        return -1;
    }
    const mode_t mask = umask(0); /* mkstemp made it 0600: the usual mode instead */
    umask(mask);
    (void)chmod(tmp, 0666 & ~mask);
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}
