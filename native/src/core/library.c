/* Library-wide entry points: versions, the thread-local last error, status names. */
#include <stdarg.h>
#include <stdio.h>

#include "errors.h"
#include "lodedb/lodedb.h"

#ifndef LODEDB_VERSION_STRING
#define LODEDB_VERSION_STRING "0.0.0-dev"
#endif

/* Long enough for a path plus an OS message; longer messages are cut, never overflowed. */
#define LODEDB_ERROR_CAPACITY 1024

static _Thread_local char last_error[LODEDB_ERROR_CAPACITY];

lodedb_status lodedb_fail(lodedb_status status, const char *format, ...) {
    va_list args;
    va_start(args, format);
    int written = vsnprintf(last_error, sizeof last_error, format, args);
    va_end(args);
    if (written < 0) {
        last_error[0] = '\0';
    }
    return status;
}

void lodedb_clear_error(void) { last_error[0] = '\0'; }

LODEDB_API uint32_t lodedb_abi_version(void) { return LODEDB_ABI_VERSION; }

LODEDB_API const char *lodedb_version(void) { return LODEDB_VERSION_STRING; }

LODEDB_API const char *lodedb_last_error_message(void) { return last_error; }

LODEDB_API const char *lodedb_status_name(lodedb_status status) {
    switch (status) {
    case LODEDB_OK: return "LODEDB_OK";
    case LODEDB_DONE: return "LODEDB_DONE";
    case LODEDB_ERR_INVALID_ARGUMENT: return "LODEDB_ERR_INVALID_ARGUMENT";
    case LODEDB_ERR_INVALID_VECTOR: return "LODEDB_ERR_INVALID_VECTOR";
    case LODEDB_ERR_DIMENSION_MISMATCH: return "LODEDB_ERR_DIMENSION_MISMATCH";
    case LODEDB_ERR_OUT_OF_RANGE: return "LODEDB_ERR_OUT_OF_RANGE";
    case LODEDB_ERR_OUT_OF_MEMORY: return "LODEDB_ERR_OUT_OF_MEMORY";
    case LODEDB_ERR_IO: return "LODEDB_ERR_IO";
    case LODEDB_ERR_CORRUPT: return "LODEDB_ERR_CORRUPT";
    case LODEDB_ERR_UNSUPPORTED: return "LODEDB_ERR_UNSUPPORTED";
    case LODEDB_ERR_BUFFER_TOO_SMALL: return "LODEDB_ERR_BUFFER_TOO_SMALL";
    case LODEDB_ERR_ABORTED: return "LODEDB_ERR_ABORTED";
    case LODEDB_ERR_INTERNAL: return "LODEDB_ERR_INTERNAL";
    }
    return "LODEDB_STATUS_UNKNOWN";
}
