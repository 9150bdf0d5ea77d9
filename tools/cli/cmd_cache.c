/* cmd_cache.c - `clact cache` (dir, clear, prebuild) and `clact tune`. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void usage_cache(FILE *s)
{
    fprintf(s, "usage: clact cache dir | clear | prebuild [--device SPEC]\n"
               "\n"
               "  dir        print the program cache directory (empty when CLACT_CACHE=0)\n"
               "  clear      remove clact's cache files (compiled programs, tuning overrides)\n"
               "  prebuild   compile every kernel variant for the device now, so later calls\n"
               "             (in any process) load them from the cache instead of compiling\n");
}

void usage_tune(FILE *s)
{
    fprintf(s, "usage: clact tune [--size N] [--device SPEC] [--no-save]\n"
               "\n"
               "Time the launch parameters (elements per work-item, work-group size) of every\n"
               "dtype on the device and keep the fastest: saved in the cache directory, where\n"
               "every later context on the same device and driver picks them up. Delete them\n"
               "with 'clact cache clear'. --size: elements per test tensor (default 16M).\n");
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int open_context(const char *spec, clact_context **ctx)
{
    clact_status s = clact_context_create(ctx, spec);
    if (s != CLACT_SUCCESS) {
        cli_error("cannot open device: %s", cli_status_detail(s));
        return CLI_EXIT_FAIL;
    }
    return 0;
}

int cmd_cache(int argc, char **argv)
{
    const char *action = NULL, *device = NULL;
    for (int i = 1; i < argc; ++i) {
        const char *v = NULL;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage_cache(stdout);
            return 0;
        }
        if (cli_match_option(argc, argv, &i, "--device", &v)) {
            if (!v) {
                cli_error("cache: --device needs a device spec");
                return CLI_EXIT_USAGE;
            }
            device = v;
        } else if (!action && argv[i][0] != '-') {
            action = argv[i];
        } else {
            cli_error("cache: unexpected argument '%s' (see 'clact cache --help')", argv[i]);
            return CLI_EXIT_USAGE;
        }
    }
    if (!action) {
        cli_error("cache: which action? dir, clear or prebuild (see 'clact cache --help')");
        return CLI_EXIT_USAGE;
    }
    if (!strcmp(action, "dir")) {
        printf("%s\n", clact_cache_dir());
        return 0;
    }
    if (!strcmp(action, "clear")) {
        clact_status s = clact_cache_clear();
        if (s != CLACT_SUCCESS) {
            cli_error("cache clear: %s", cli_status_detail(s));
            return CLI_EXIT_FAIL;
        }
        return 0;
    }
    if (!strcmp(action, "prebuild")) {
        clact_context *ctx;
        int rc = open_context(device, &ctx);
        if (rc) return rc;
        const double t0 = now_s();
        clact_status s = clact_prebuild(ctx);
        const double dt = now_s() - t0;
        clact_cache_stats st = {0, 0, 0};
        clact_context_cache_stats(ctx, &st);
        if (s != CLACT_SUCCESS) {
            clact_context_destroy(ctx);
            cli_error("cache prebuild: %s", cli_status_detail(s));
            return CLI_EXIT_FAIL;
        }
        printf("%s: %lu programs compiled, %lu loaded from %s, in %.2f s\n", clact_context_device_name(ctx),
               st.programs_built, st.programs_loaded, clact_cache_dir()[0] ? clact_cache_dir() : "(no cache)", dt);
        clact_context_destroy(ctx);
        return 0;
    }
    cli_error("cache: unknown action '%s' (dir, clear or prebuild)", action);
    return CLI_EXIT_USAGE;
}

int cmd_tune(int argc, char **argv)
{
    const char *device = NULL;
    size_t n = 0;
    int save = 1;
    for (int i = 1; i < argc; ++i) {
        const char *v = NULL;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage_tune(stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--no-save")) {
            save = 0;
        } else if (cli_match_option(argc, argv, &i, "--device", &v)) {
            if (!v) {
                cli_error("tune: --device needs a device spec");
                return CLI_EXIT_USAGE;
            }
            device = v;
        } else if (cli_match_option(argc, argv, &i, "--size", &v)) {
            char *end = NULL;
            const unsigned long long x = v ? strtoull(v, &end, 10) : 0;
            if (!v || !*v || *end || x == 0 || x > (1ull << 34)) {
                cli_error("tune: --size needs a positive element count");
                return CLI_EXIT_USAGE;
            }
            n = (size_t)x;
        } else {
            cli_error("tune: unexpected argument '%s' (see 'clact tune --help')", argv[i]);
            return CLI_EXIT_USAGE;
        }
    }
    clact_context *ctx;
    int rc = open_context(device, &ctx);
    if (rc) return rc;
    fprintf(stderr, "clact: tuning %s (this takes a while)...\n", clact_context_device_name(ctx));
    clact_status s = clact_tune(ctx, n, save);
    if (s != CLACT_SUCCESS) {
        clact_context_destroy(ctx);
        cli_error("tune: %s", cli_status_detail(s));
        return CLI_EXIT_FAIL;
    }
    for (int d = 0; d < CLACT_DTYPE_COUNT; ++d) {
        unsigned vec;
        size_t local;
        if (clact_context_launch(ctx, (clact_dtype)d, &vec, &local) == CLACT_SUCCESS)
            printf("%-5s %2u elements per work-item, work-group %zu%s\n", clact_dtype_name((clact_dtype)d), vec,
                   local, local ? "" : " (runtime's choice)");
    }
    if (save) printf("saved in %s\n", clact_cache_dir());
    clact_context_destroy(ctx);
    return 0;
}
