/* Internal: the thread-local "last error" behind lodedb_last_error_message(). */
#ifndef LODEDB_CORE_ERRORS_H
#define LODEDB_CORE_ERRORS_H

#include "lodedb/lodedb.h"

#if defined(__MINGW32__) && !defined(__clang__)
/* mingw's printf attribute means msvcrt's dialect; the library formats with mingw's own
 * C99 printf, so check against the GNU dialect (%zu, %llu). */
#define LODEDB_PRINTF(fmt_index, args_index)                                                       \
    __attribute__((format(gnu_printf, fmt_index, args_index)))
#elif defined(__GNUC__)
#define LODEDB_PRINTF(fmt_index, args_index) __attribute__((format(printf, fmt_index, args_index)))
#else
#define LODEDB_PRINTF(fmt_index, args_index)
#endif

/* Records a formatted message for this thread and returns status, so failures read
 * `return lodedb_fail(LODEDB_ERR_CORRUPT, "bad magic %08x", magic);`. */
lodedb_status lodedb_fail(lodedb_status status, const char *format, ...) LODEDB_PRINTF(2, 3);

/* Forgets this thread's message (called at the start of entry points that report errors). */
void lodedb_clear_error(void);

#endif
