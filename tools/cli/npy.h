/* npy.h - a strict reader and writer of NumPy .npy files (format versions
 * 1.0, 2.0 and 3.0) holding little-endian float16, float32 or float64 in
 * C order. Anything else is rejected with a readable message.
 *
 * Writing is atomic: the data goes to a temporary file in the directory of
 * the destination, which is renamed over it only when everything has been
 * written. On failure the destination is left as it was.
 */
#ifndef CLACT_NPY_H
#define CLACT_NPY_H

#include <stddef.h>

#include "clact.h"

#define NPY_MAX_DIMS 64
#define NPY_ERR_LEN 512

typedef struct npy_array {
    clact_dtype dtype; /* CLACT_F16, CLACT_F32 or CLACT_F64 */
    int         ndim;  /* 0 for a scalar */
    size_t      shape[NPY_MAX_DIMS];
    size_t      count; /* product of shape (1 for a scalar) */
    void       *data;  /* count elements in host byte order; may be NULL if count == 0 */
} npy_array;

/* Read `path` into `out` (data allocated with malloc). Returns 0 on success;
 * else -1 with a one-line message (naming the file) in err. */
int npy_read(const char *path, npy_array *out, char *err, size_t errlen);

/* Parse a header dictionary (the text after the length field). Exposed for
 * testing; fills dtype, ndim, shape and count of `out`. */
int npy_parse_header(const char *hdr, size_t len, npy_array *out, char *err, size_t errlen);

/* Write `a` to a fresh temporary file next to `path`; its name goes to tmp
 * (at least tmplen bytes, 4096 is plenty). Nothing is written to `path`. */
int npy_save_begin(const char *path, const npy_array *a, char *tmp, size_t tmplen, char *err,
                   size_t errlen);
/* Move a temporary file made by npy_save_begin over `path`. */
int npy_save_commit(const char *tmp, const char *path, char *err, size_t errlen);
/* Remove a temporary file made by npy_save_begin (tmp may be ""). */
void npy_save_abort(const char *tmp);

/* npy_save_begin + npy_save_commit. */
int npy_write(const char *path, const npy_array *a, char *err, size_t errlen);

/* Remove pending temporary files if the process is interrupted
 * (SIGINT, SIGTERM, SIGHUP). */
void npy_install_signal_cleanup(void);

void npy_free(npy_array *a);

/* Element count of a shape; returns 0 and sets *overflow on overflow. */
size_t npy_shape_count(int ndim, const size_t *shape, int *overflow);

/* "(2, 3)" style text of a shape, for messages. */
void npy_shape_str(int ndim, const size_t *shape, char *buf, size_t len);

#endif /* CLACT_NPY_H */
