/* npy.c - strict NumPy .npy reader and atomic writer (see npy.h). */
#define _POSIX_C_SOURCE 200809L

#include "npy.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
#define NPY_MAX_HEADER (1u << 20)

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static int host_is_big_endian(void)
{
    const uint16_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 0;
}

static void swap_bytes(void *data, size_t count, size_t itemsize)
{
    unsigned char *p = data;
    for (size_t i = 0; i < count; ++i, p += itemsize)
        for (size_t a = 0, b = itemsize - 1; a < b; ++a, --b) {
            unsigned char t = p[a];
            p[a] = p[b];
            p[b] = t;
        }
}

size_t npy_shape_count(int ndim, const size_t *shape, int *overflow)
{
    size_t n = 1;
    int zero = 0;
    *overflow = 0;
    for (int i = 0; i < ndim; ++i) {
        if (shape[i] == 0) zero = 1;
        else if (n > SIZE_MAX / shape[i]) *overflow = 1;
        else n *= shape[i];
    }
    if (zero) {
        *overflow = 0;
        return 0;
    }
    return *overflow ? 0 : n;
}

void npy_shape_str(int ndim, const size_t *shape, char *buf, size_t len)
{
    size_t used = 0;
    if (len == 0) return;
    buf[0] = '\0';
#define NPY_APPEND(...)                                                          \
    do {                                                                         \
        if (used < len) {                                                        \
            int k_ = snprintf(buf + used, len - used, __VA_ARGS__);              \
            if (k_ > 0) used += (size_t)k_;                                      \
        }                                                                        \
    } while (0)
    NPY_APPEND("(");
    for (int i = 0; i < ndim; ++i) NPY_APPEND(i ? ", %zu" : "%zu", shape[i]);
    NPY_APPEND(ndim == 1 ? ",)" : ")");
#undef NPY_APPEND
    if (used >= len && len > 4) strcpy(buf + len - 4, "...");
}

/* ---- header parsing ----------------------------------------------------- */
typedef struct {
    const char *p, *end;
} cursor;

static void skip_ws(cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static int peek(const cursor *c) { return c->p < c->end ? (unsigned char)*c->p : -1; }

static int parse_string(cursor *c, char *out, size_t outlen)
{
    int q = peek(c);
    if (q != '\'' && q != '"') return -1;
    c->p++;
    size_t n = 0;
    while (c->p < c->end && *c->p != q) {
        if (*c->p == '\\' || *c->p == '\n') return -1;
        if (n + 1 >= outlen) return -1;
        out[n++] = *c->p++;
    }
    if (c->p >= c->end) return -1;
    c->p++;
    out[n] = '\0';
    return 0;
}

static int parse_word(cursor *c, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0) return -1;
    /* the word must end here */
    if (c->p + n < c->end) {
        char nx = c->p[n];
        if ((nx >= 'a' && nx <= 'z') || (nx >= 'A' && nx <= 'Z') || (nx >= '0' && nx <= '9') ||
            nx == '_')
            return -1;
    }
    c->p += n;
    return 0;
}

static int parse_shape(cursor *c, npy_array *out, char *err, size_t errlen)
{
    if (peek(c) != '(') {
        seterr(err, errlen, "'shape' is not a tuple");
        return -1;
    }
    c->p++;
    int ndim = 0, commas = 0;
    skip_ws(c);
    while (peek(c) != ')') {
        if (peek(c) < '0' || peek(c) > '9') {
            seterr(err, errlen, "'shape' must be a tuple of non-negative integers");
            return -1;
        }
        if (ndim >= NPY_MAX_DIMS) {
            seterr(err, errlen, "more than %d dimensions", NPY_MAX_DIMS);
            return -1;
        }
        if (peek(c) == '0' && c->p + 1 < c->end && c->p[1] >= '0' && c->p[1] <= '9') {
            seterr(err, errlen, "malformed integer in 'shape'");
            return -1;
        }
        size_t v = 0;
        while (peek(c) >= '0' && peek(c) <= '9') {
            unsigned d = (unsigned)(*c->p - '0');
            if (v > (SIZE_MAX - d) / 10) {
                seterr(err, errlen, "dimension in 'shape' is too large");
                return -1;
            }
            v = v * 10 + d;
            c->p++;
        }
        out->shape[ndim++] = v;
        skip_ws(c);
        if (peek(c) == ',') {
            c->p++;
            commas++;
            skip_ws(c);
        } else if (peek(c) != ')') {
            seterr(err, errlen, "malformed 'shape' tuple");
            return -1;
        }
    }
    c->p++;
    if (ndim == 1 && commas == 0) {
        /* "(5)" is an int in Python, not a tuple */
        seterr(err, errlen, "'shape' is not a tuple");
        return -1;
    }
    out->ndim = ndim;
    return 0;
}

static int descr_dtype(const char *d, clact_dtype *t, char *err, size_t errlen)
{
    if (strlen(d) == 3 && (d[0] == '<' || d[0] == '=' || d[0] == '|') && d[1] == 'f') {
        if (d[0] != '<' && host_is_big_endian()) {
            seterr(err, errlen, "big-endian data ('%s') is not supported", d);
            return -1;
        }
        switch (d[2]) {
        case '2': *t = CLACT_F16; return 0;
        case '4': *t = CLACT_F32; return 0;
        case '8': *t = CLACT_F64; return 0;
        default: break;
        }
    }
    if (d[0] == '>' && d[1] == 'f')
        seterr(err, errlen, "big-endian data ('%s') is not supported: use little-endian <f2, <f4 or <f8",
               d);
    else
        seterr(err, errlen,
               "unsupported dtype '%s': expected little-endian float16/32/64 ('<f2', '<f4', '<f8')",
               d);
    return -1;
}

int npy_parse_header(const char *hdr, size_t len, npy_array *out, char *err, size_t errlen)
{
    cursor c = {hdr, hdr + len};
    int have_descr = 0, have_order = 0, have_shape = 0;
    char key[64], val[64];

    for (size_t i = 0; i < len; ++i) {
        unsigned char ch = (unsigned char)hdr[i];
        if (ch >= 0x7f || (ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t')) {
            seterr(err, errlen, "malformed header (unexpected byte 0x%02x)", ch);
            return -1;
        }
    }
    skip_ws(&c);
    if (peek(&c) != '{') {
        seterr(err, errlen, "malformed header (not a dictionary)");
        return -1;
    }
    c.p++;
    for (;;) {
        skip_ws(&c);
        if (peek(&c) == '}') break;
        if (parse_string(&c, key, sizeof key) != 0) {
            seterr(err, errlen, "malformed header (expected a quoted key)");
            return -1;
        }
        skip_ws(&c);
        if (peek(&c) != ':') {
            seterr(err, errlen, "malformed header (expected ':' after '%s')", key);
            return -1;
        }
        c.p++;
        skip_ws(&c);
        if (strcmp(key, "descr") == 0) {
            if (have_descr++) {
                seterr(err, errlen, "malformed header (duplicate 'descr')");
                return -1;
            }
            if (parse_string(&c, val, sizeof val) != 0) {
                seterr(err, errlen, "unsupported 'descr' (not a simple dtype string)");
                return -1;
            }
            if (descr_dtype(val, &out->dtype, err, errlen) != 0) return -1;
        } else if (strcmp(key, "fortran_order") == 0) {
            if (have_order++) {
                seterr(err, errlen, "malformed header (duplicate 'fortran_order')");
                return -1;
            }
            if (parse_word(&c, "True") == 0) {
                seterr(err, errlen, "Fortran-order arrays are not supported (save a C-order array)");
                return -1;
            }
            if (parse_word(&c, "False") != 0) {
                seterr(err, errlen, "malformed header ('fortran_order' is not True or False)");
                return -1;
            }
        } else if (strcmp(key, "shape") == 0) {
            if (have_shape++) {
                seterr(err, errlen, "malformed header (duplicate 'shape')");
                return -1;
            }
            if (parse_shape(&c, out, err, errlen) != 0) return -1;
        } else {
            seterr(err, errlen, "malformed header (unexpected key '%s')", key);
            return -1;
        }
        skip_ws(&c);
        if (peek(&c) == ',') {
            c.p++;
            continue;
        }
        if (peek(&c) != '}') {
            seterr(err, errlen, "malformed header (expected ',' or '}')");
            return -1;
        }
    }
    c.p++;
    skip_ws(&c);
    if (c.p != c.end) {
        seterr(err, errlen, "malformed header (text after the dictionary)");
        return -1;
    }
    if (!have_descr || !have_order || !have_shape) {
        seterr(err, errlen, "malformed header (missing '%s')",
               !have_descr ? "descr" : !have_order ? "fortran_order" : "shape");
        return -1;
    }
    int ovf;
    out->count = npy_shape_count(out->ndim, out->shape, &ovf);
    if (ovf) {
        seterr(err, errlen, "shape is too large");
        return -1;
    }
    return 0;
}

/* ---- reading -------------------------------------------------------------- */
int npy_read(const char *path, npy_array *out, char *err, size_t errlen)
{
    char msg[NPY_ERR_LEN];
    unsigned char pre[12];
    char *hdr = NULL;
    FILE *f = NULL;
    struct stat st;
    int regular = 0;

    memset(out, 0, sizeof *out);
    f = fopen(path, "rb");
    if (!f) {
        seterr(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fileno(f), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            seterr(err, errlen, "cannot read '%s': is a directory", path);
            goto fail;
        }
        regular = S_ISREG(st.st_mode);
    }
    size_t got = fread(pre, 1, 8, f);
    if (got < 8 || memcmp(pre, NPY_MAGIC, NPY_MAGIC_LEN) != 0) {
        if (ferror(f))
            seterr(err, errlen, "cannot read '%s': %s", path, strerror(errno));
        else
            seterr(err, errlen, "'%s' is not a .npy file (bad magic)", path);
        goto fail;
    }
    unsigned major = pre[6], minor = pre[7];
    if (major < 1 || major > 3 || minor != 0) {
        seterr(err, errlen, "'%s': unsupported .npy format version %u.%u", path, major, minor);
        goto fail;
    }
    size_t lensize = major == 1 ? 2 : 4;
    if (fread(pre + 8, 1, lensize, f) != lensize) {
        seterr(err, errlen, "'%s': truncated .npy header", path);
        goto fail;
    }
    size_t hlen = (size_t)pre[8] | ((size_t)pre[9] << 8);
    if (lensize == 4) hlen |= ((size_t)pre[10] << 16) | ((size_t)pre[11] << 24);
    if (hlen == 0 || hlen > NPY_MAX_HEADER) {
        seterr(err, errlen, "'%s': malformed .npy header (length %zu)", path, hlen);
        goto fail;
    }
    hdr = malloc(hlen);
    if (!hdr) {
        seterr(err, errlen, "'%s': out of memory", path);
        goto fail;
    }
    if (fread(hdr, 1, hlen, f) != hlen) {
        seterr(err, errlen, "'%s': truncated .npy header", path);
        goto fail;
    }
    if (npy_parse_header(hdr, hlen, out, msg, sizeof msg) != 0) {
        seterr(err, errlen, "'%s': %s", path, msg);
        goto fail;
    }
    free(hdr);
    hdr = NULL;

    size_t itemsize = clact_dtype_size(out->dtype);
    if (out->count > SIZE_MAX / itemsize) {
        seterr(err, errlen, "'%s': shape is too large", path);
        goto fail;
    }
    size_t bytes = out->count * itemsize;
    char shp[128];
    npy_shape_str(out->ndim, out->shape, shp, sizeof shp);
    if (regular) {
        unsigned long long have = 0, off = 8 + lensize + hlen;
        if ((unsigned long long)st.st_size > off) have = (unsigned long long)st.st_size - off;
        if (have < bytes) {
            seterr(err, errlen, "'%s': truncated data: shape %s needs %zu bytes, the file has %llu",
                   path, shp, bytes, have);
            goto fail;
        }
        if (have > bytes) {
            seterr(err, errlen,
                   "'%s': size mismatch: shape %s needs %zu bytes of data, the file has %llu", path,
                   shp, bytes, have);
            goto fail;
        }
    }
    out->data = malloc(bytes ? bytes : 1);
    if (!out->data) {
        seterr(err, errlen, "'%s': out of memory (%zu bytes)", path, bytes);
        goto fail;
    }
    got = bytes ? fread(out->data, 1, bytes, f) : 0;
    if (got != bytes) {
        if (ferror(f))
            seterr(err, errlen, "cannot read '%s': %s", path, strerror(errno));
        else
            seterr(err, errlen, "'%s': truncated data: shape %s needs %zu bytes, the file has %zu",
                   path, shp, bytes, got);
        goto fail;
    }
    if (fgetc(f) != EOF) {
        seterr(err, errlen, "'%s': size mismatch: more data than shape %s holds", path, shp);
        goto fail;
    }
    fclose(f);
    if (host_is_big_endian() && itemsize > 1) swap_bytes(out->data, out->count, itemsize);
    return 0;
fail:
    free(hdr);
    if (f) fclose(f);
    npy_free(out);
    return -1;
}

void npy_free(npy_array *a)
{
    if (!a) return;
    free(a->data);
    a->data = NULL;
}

/* ---- writing: temporary file + rename --------------------------------- */
#define NPY_PENDING 8
static char g_pending[NPY_PENDING][4096];
static volatile sig_atomic_t g_pending_used[NPY_PENDING];

static void pending_add(const char *tmp)
{
    for (int i = 0; i < NPY_PENDING; ++i)
        if (!g_pending_used[i] && strlen(tmp) < sizeof g_pending[i]) {
            strcpy(g_pending[i], tmp);
            g_pending_used[i] = 1;
            return;
        }
}

static void pending_remove(const char *tmp)
{
    for (int i = 0; i < NPY_PENDING; ++i)
        if (g_pending_used[i] && strcmp(g_pending[i], tmp) == 0) {
            g_pending_used[i] = 0;
            return;
        }
}

static void on_signal(int sig)
{
    for (int i = 0; i < NPY_PENDING; ++i)
        if (g_pending_used[i]) unlink(g_pending[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

void npy_install_signal_cleanup(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static const char *descr_of(clact_dtype t)
{
    switch (t) {
    case CLACT_F16: return "<f2";
    case CLACT_F32: return "<f4";
    case CLACT_F64: return "<f8";
    default: return NULL;
    }
}

int npy_save_begin(const char *path, const npy_array *a, char *tmp, size_t tmplen, char *err,
                   size_t errlen)
{
    const char *descr = descr_of(a->dtype);
    tmp[0] = '\0';
    if (!descr) {
        seterr(err, errlen, "cannot write '%s': dtype %s has no .npy equivalent", path,
               clact_dtype_name(a->dtype) ? clact_dtype_name(a->dtype) : "?");
        return -1;
    }
    if (a->ndim < 0 || a->ndim > NPY_MAX_DIMS) {
        seterr(err, errlen, "cannot write '%s': bad number of dimensions", path);
        return -1;
    }

    /* header: the dictionary numpy itself writes, padded to 64 bytes */
    char shp[NPY_MAX_DIMS * 22 + 8];
    size_t used = 0;
    shp[used++] = '(';
    for (int i = 0; i < a->ndim; ++i)
        used += (size_t)snprintf(shp + used, sizeof shp - used, i ? ", %zu" : "%zu", a->shape[i]);
    if (a->ndim == 1) shp[used++] = ',';
    shp[used++] = ')';
    shp[used] = '\0';
    char dict[sizeof shp + 96];
    int dl = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                      descr, shp);
    size_t prefix = 10;
    size_t total = prefix + (size_t)dl + 1;
    size_t padded = (total + 63) / 64 * 64;
    if (padded - prefix > 65535) {
        prefix = 12;
        total = prefix + (size_t)dl + 1;
        padded = (total + 63) / 64 * 64;
    }
    size_t hlen = padded - prefix;
    unsigned char head[12 + sizeof dict + 64];
    memcpy(head, NPY_MAGIC, NPY_MAGIC_LEN);
    head[6] = prefix == 10 ? 1 : 2;
    head[7] = 0;
    head[8] = (unsigned char)(hlen & 0xff);
    head[9] = (unsigned char)((hlen >> 8) & 0xff);
    if (prefix == 12) {
        head[10] = (unsigned char)((hlen >> 16) & 0xff);
        head[11] = (unsigned char)((hlen >> 24) & 0xff);
    }
    memcpy(head + prefix, dict, (size_t)dl);
    memset(head + prefix + dl, ' ', hlen - (size_t)dl - 1);
    head[padded - 1] = '\n';

    if (strlen(path) + 12 > tmplen) {
        seterr(err, errlen, "cannot write '%s': path too long", path);
        return -1;
    }
    snprintf(tmp, tmplen, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        tmp[0] = '\0';
        seterr(err, errlen, "cannot write '%s': %s", path, strerror(e));
        return -1;
    }
    pending_add(tmp);
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        int e = errno;
        close(fd);
        npy_save_abort(tmp);
        seterr(err, errlen, "cannot write '%s': %s", path, strerror(e));
        return -1;
    }
    size_t itemsize = clact_dtype_size(a->dtype);
    size_t bytes = a->count * itemsize;
    int ok = fwrite(head, 1, padded, f) == padded;
    if (ok && bytes) {
        if (host_is_big_endian() && itemsize > 1) {
            unsigned char buf[4096];
            const unsigned char *src = a->data;
            for (size_t off = 0; ok && off < bytes; off += sizeof buf) {
                size_t k = bytes - off < sizeof buf ? bytes - off : sizeof buf;
                memcpy(buf, src + off, k);
                swap_bytes(buf, k / itemsize, itemsize);
                ok = fwrite(buf, 1, k, f) == k;
            }
        } else {
            ok = fwrite(a->data, 1, bytes, f) == bytes;
        }
    }
    int e = errno;
    if (fflush(f) != 0 && ok) {
        ok = 0;
        e = errno;
    }
    if (fclose(f) != 0 && ok) {
        ok = 0;
        e = errno;
    }
    if (!ok) {
        npy_save_abort(tmp);
        seterr(err, errlen, "cannot write '%s': %s", path, strerror(e));
        return -1;
    }
    return 0;
}

int npy_save_commit(const char *tmp, const char *path, char *err, size_t errlen)
{
    if (rename(tmp, path) != 0) {
        int e = errno;
        npy_save_abort(tmp);
        seterr(err, errlen, "cannot write '%s': %s", path, strerror(e));
        return -1;
    }
    pending_remove(tmp);
    return 0;
}

void npy_save_abort(const char *tmp)
{
    if (!tmp || !tmp[0]) return;
    unlink(tmp);
    pending_remove(tmp);
}

int npy_write(const char *path, const npy_array *a, char *err, size_t errlen)
{
    char tmp[4096];
    if (npy_save_begin(path, a, tmp, sizeof tmp, err, errlen) != 0) return -1;
    return npy_save_commit(tmp, path, err, errlen);
}
