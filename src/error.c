/* error.c - status strings, per-thread error detail, debug output */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char last_error[8192];

const char *clact_status_string(clact_status s)
{
    switch (s) {
    case CLACT_SUCCESS: return "success";
    case CLACT_ERR_INVALID_ARGUMENT: return "invalid argument";
    case CLACT_ERR_INVALID_OP: return "invalid op";
    case CLACT_ERR_INVALID_PARAMETER: return "invalid activation parameter";
    case CLACT_ERR_INVALID_SHAPE: return "invalid tensor shape";
    case CLACT_ERR_INVALID_AXIS: return "invalid axis";
    case CLACT_ERR_BUFFER_TOO_SMALL: return "buffer too small for shape and offset";
    case CLACT_ERR_WEIGHT_MISMATCH: return "weight count does not match the channels";
    case CLACT_ERR_OVERLAP: return "input and output overlap";
    case CLACT_ERR_NO_DEVICE: return "no OpenCL device found";
    case CLACT_ERR_UNSUPPORTED: return "not supported on this device";
    case CLACT_ERR_BUILD: return "kernel build failed";
    case CLACT_ERR_OUT_OF_MEMORY: return "out of host memory";
    case CLACT_ERR_IO: return "file or directory error";
    case CLACT_ERR_BLAS: return "CLBlast error";
    case CLACT_ERR_INTERNAL: return "internal error";
    default: break;
    }
    if ((int)s < 0 && (int)s > -2000) {
        switch ((int)s) { /* the OpenCL codes a user is most likely to meet */
        case CL_DEVICE_NOT_FOUND: return "OpenCL: device not found";
        case CL_OUT_OF_RESOURCES: return "OpenCL: out of resources";
        case CL_OUT_OF_HOST_MEMORY: return "OpenCL: out of host memory";
        case CL_MEM_OBJECT_ALLOCATION_FAILURE: return "OpenCL: memory object allocation failure";
        case CL_BUILD_PROGRAM_FAILURE: return "OpenCL: build program failure";
        case CL_INVALID_VALUE: return "OpenCL: invalid value";
        case CL_INVALID_CONTEXT: return "OpenCL: invalid context";
        case CL_INVALID_COMMAND_QUEUE: return "OpenCL: invalid command queue";
        case CL_INVALID_MEM_OBJECT: return "OpenCL: invalid memory object";
        case CL_INVALID_EVENT_WAIT_LIST: return "OpenCL: invalid event wait list";
        case CL_INVALID_EVENT: return "OpenCL: invalid event";
        case CL_INVALID_WORK_GROUP_SIZE: return "OpenCL: invalid work-group size";
        case CL_INVALID_KERNEL_ARGS: return "OpenCL: invalid kernel arguments";
        case -1001: return "OpenCL: no platform found (CL_PLATFORM_NOT_FOUND_KHR)";
        default: return "OpenCL error";
        }
    }
    return "unknown status";
}

const char *clact_last_error(void) { return last_error; }

void clact__clear_error(void) { last_error[0] = '\0'; }

clact_status clact__fail(clact_status s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    clact__debug("error %d (%s): %s", (int)s, clact_status_string(s), last_error);
    return s;
}

void clact__debug(const char *fmt, ...)
{
    static int enabled = -1;
    if (enabled < 0) {
        const char *e = getenv("CLACT_DEBUG");
        enabled = e && *e && strcmp(e, "0") != 0;
    }
    if (!enabled) return;
    va_list ap;
    va_start(ap, fmt);
    fputs("clact: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}
