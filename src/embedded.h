/* embedded.h - the kernel sources embedded at build time (tools/embed.cmake) */
#ifndef CLACT_EMBEDDED_H
#define CLACT_EMBEDDED_H
#include <stddef.h>

typedef struct clact_embedded_file {
    const char *name;
    const char *data;
    size_t      length;
} clact_embedded_file;

extern const clact_embedded_file clact_embedded_files[]; /* NULL-terminated */
extern const size_t              clact_embedded_count;
extern const char                clact_embedded_hash[];  /* of all sources */

#endif
