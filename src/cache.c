/* cache.c - the persistent program cache.
 *
 * Directory: CLACT_CACHE_DIR, else $XDG_CACHE_HOME/clact, else
 * ~/.cache/clact; CLACT_CACHE=0 disables it. One file per build, named by a
 * hash of the full key (library version, embedded-source hash, build
 * options, platform name+version, device name, driver version). A file holds
 *   magic "CLACTBIN" | u32 format | u32 key length | u64 binary size |
 *   u64 checksum of key+binary | key | binary
 * and is written to a temporary file then renamed, so readers never see a
 * partial file. Anything that does not check out is ignored (and rebuilt by
 * the caller): never trusted, never fatal. */
#include "internal.h"
#include "embedded.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CACHE_MAGIC "CLACTBIN"
#define CACHE_FORMAT 1u
#define CACHE_SUFFIX ".clbin"
#define CACHE_MAX_BINARY (256u << 20)

uint64_t clact__fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; ++i) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Resolved on every use (only when programs are built or loaded), so a
 * change of the environment takes effect; per thread, so callers may hold
 * on to the string. */
static _Thread_local char cache_dir[4096];

static void resolve_dir(void)
{
    const char *off = getenv("CLACT_CACHE");
    if (off && strcmp(off, "0") == 0) { cache_dir[0] = '\0'; return; }
    const char *d = getenv("CLACT_CACHE_DIR");
    if (d && *d) { snprintf(cache_dir, sizeof cache_dir, "%s", d); return; }
    const char *x = getenv("XDG_CACHE_HOME");
    if (x && *x) { snprintf(cache_dir, sizeof cache_dir, "%s/clact", x); return; }
    const char *h = getenv("HOME");
    if (h && *h) { snprintf(cache_dir, sizeof cache_dir, "%s/.cache/clact", h); return; }
    cache_dir[0] = '\0';
}

const char *clact_cache_dir(void)
{
    resolve_dir();
    return cache_dir;
}

/* mkdir -p; 0 on success */
static int make_dirs(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; ++p) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST) return -1;
            *p = '/';
        }
    }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST) return -1;
    return 0;
}

void clact__cache_key(const clact_context *ctx, const char *options, char *key, size_t cap)
{
    snprintf(key, cap, "clact %s | src %s | opts %s | platform %s %s | device %s | driver %s",
             CLACT_VERSION_STRING, clact_embedded_hash, options, ctx->platform_name, ctx->platform_version,
             ctx->device_name, ctx->driver_version);
}

static void file_path(const char *key, char *path, size_t cap)
{
    uint64_t h = clact__fnv1a(CLACT_FNV_OFFSET, key, strlen(key));
    snprintf(path, cap, "%s/%016llx%s", clact_cache_dir(), (unsigned long long)h, CACHE_SUFFIX);
}

static void put32(unsigned char *p, uint32_t v) { for (int i = 0; i < 4; ++i) p[i] = (unsigned char)(v >> (8 * i)); }
static void put64(unsigned char *p, uint64_t v) { for (int i = 0; i < 8; ++i) p[i] = (unsigned char)(v >> (8 * i)); }
static uint32_t get32(const unsigned char *p) { uint32_t v = 0; for (int i = 3; i >= 0; --i) v = v << 8 | p[i]; return v; }
static uint64_t get64(const unsigned char *p) { uint64_t v = 0; for (int i = 7; i >= 0; --i) v = v << 8 | p[i]; return v; }
#define HEADER_SIZE (8 + 4 + 4 + 8 + 8)

int clact__cache_load(const char *key, unsigned char **bin, size_t *size)
{
    *bin = NULL;
    *size = 0;
    if (!clact_cache_dir()[0]) return -1;
    char path[4200];
    file_path(key, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (!f) return -1; /* missing or unreadable: same thing to us */
    unsigned char hdr[HEADER_SIZE];
    int ok = 0;
    unsigned char *data = NULL;
    const size_t klen = strlen(key);
    if (fread(hdr, 1, HEADER_SIZE, f) == HEADER_SIZE && memcmp(hdr, CACHE_MAGIC, 8) == 0 &&
        get32(hdr + 8) == CACHE_FORMAT && get32(hdr + 12) == klen) {
        const uint64_t bsize = get64(hdr + 16), sum = get64(hdr + 24);
        if (bsize > 0 && bsize <= CACHE_MAX_BINARY && (data = malloc(klen + bsize + 1)) != NULL &&
            fread(data, 1, klen + bsize + 1, f) == klen + bsize /* exact length: no trailing bytes */ &&
            memcmp(data, key, klen) == 0 && clact__fnv1a(CLACT_FNV_OFFSET, data, klen + bsize) == sum) {
            memmove(data, data + klen, bsize);
            *bin = data;
            *size = (size_t)bsize;
            ok = 1;
        }
    }
    fclose(f);
    if (!ok) {
        free(data);
        clact__debug("ignoring invalid cache file %s", path);
        return -2;
    }
    clact__debug("cache hit %s", path);
    return 0;
}

void clact__cache_store(const char *key, const unsigned char *bin, size_t size)
{
    const char *dir = clact_cache_dir();
    if (!dir[0] || size == 0 || size > CACHE_MAX_BINARY) return;
    if (make_dirs(dir) != 0) {
        clact__debug("cache directory %s unusable: %s", dir, strerror(errno));
        return;
    }
    char path[4200], tmp[4300];
    file_path(key, path, sizeof path);
    static _Atomic unsigned counter;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%u", path, (long)getpid(), counter++);
    const size_t klen = strlen(key);
    unsigned char hdr[HEADER_SIZE];
    memcpy(hdr, CACHE_MAGIC, 8);
    put32(hdr + 8, CACHE_FORMAT);
    put32(hdr + 12, (uint32_t)klen);
    put64(hdr + 16, size);
    put64(hdr + 24, clact__fnv1a(clact__fnv1a(CLACT_FNV_OFFSET, key, klen), bin, size));
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        clact__debug("cannot write %s: %s", tmp, strerror(errno));
        return;
    }
    int ok = fwrite(hdr, 1, HEADER_SIZE, f) == HEADER_SIZE && fwrite(key, 1, klen, f) == klen &&
             fwrite(bin, 1, size, f) == size;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        clact__debug("cannot store cache file %s", path);
        remove(tmp);
    }
}

int clact__cache_store_text(const char *path, char *tmp, size_t cap)
{
    static _Atomic unsigned counter;
    snprintf(tmp, cap, "%s.tmp.%ld.%u", path, (long)getpid(), counter++);
    return make_dirs(clact_cache_dir());
}

clact_status clact_cache_clear(void)
{
    clact__clear_error();
    const char *dir = clact_cache_dir();
    if (!dir[0]) return CLACT_SUCCESS;
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT) return CLACT_SUCCESS;
        return clact__fail(CLACT_ERR_IO, "cannot open cache directory %s: %s", dir, strerror(errno));
    }
    clact_status s = CLACT_SUCCESS;
    struct dirent *e;
    const size_t sl = strlen(CACHE_SUFFIX);
    while ((e = readdir(d)) != NULL) {
        const size_t l = strlen(e->d_name);
        /* our files only: <16 hex>.clbin, tuning-<16 hex>.txt, their temporaries */
        const char *nm = e->d_name;
        const int tuning = strncmp(nm, "tuning-", 7) == 0;
        if (tuning) nm += 7;
        const char *suffix = tuning ? ".txt" : CACHE_SUFFIX;
        if (l < 16 + sl || strspn(nm, "0123456789abcdef") != 16 || strncmp(nm + 16, suffix, strlen(suffix)) != 0)
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (remove(path) != 0 && errno != ENOENT)
            s = clact__fail(CLACT_ERR_IO, "cannot remove %s: %s", path, strerror(errno));
    }
    closedir(d);
    return s;
}
