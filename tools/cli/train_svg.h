/* train_svg.h - the chart of `clact train`: loss, accuracy and dead units
 * per epoch, one line per activation, as a standalone SVG file. */
#ifndef CLACT_TRAIN_SVG_H
#define CLACT_TRAIN_SVG_H

#include <stddef.h>

#include "train_core.h"

/* Write the chart of n runs to path (through a temporary file renamed over
 * it, so a failure leaves no partial file). title: one line at the top.
 * Returns 0, or -1 with a message in err. */
int train_svg_write(const char *path, const char *title, const train_result *runs, int n, char *err,
                    size_t errlen);

#endif
