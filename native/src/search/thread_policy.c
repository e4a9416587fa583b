/* The thread rule of a search (see thread_policy.h) and the CPU count it reads. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#endif
#if defined(__APPLE__) && !defined(_DARWIN_C_SOURCE)
#define _DARWIN_C_SOURCE /* _SC_NPROCESSORS_ONLN, hidden by _POSIX_C_SOURCE alone */
#endif
#include "search/thread_policy.h"

#include "lodedb/lodedb.h"
#include "turbovec/index.h"

#if defined(_WIN32)
#include <windows.h>
#else
#include <unistd.h>
#if defined(__linux__)
#include <sched.h>
#endif
#endif

uint32_t lodedb_cpu_count(void) {
    long count = 0;
#if defined(_WIN32)
    SYSTEM_INFO info;
    GetSystemInfo(&info);
    count = (long)info.dwNumberOfProcessors;
#else
#if defined(__linux__)
    /* The affinity mask, as .NET's Environment.ProcessorCount reads it (taskset, cpusets);
     * a CPU quota (cgroup cpu.max) is not read here. */
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        count = CPU_COUNT(&set);
    }
#endif
    if (count <= 0) {
        count = sysconf(_SC_NPROCESSORS_ONLN);
    }
#endif
    return count > 0 ? (uint32_t)(count < 4096 ? count : 4096) : 1u;
}

size_t lodedb_search_parts(uint32_t threads, uint64_t slot_count, uint64_t block_count) {
    uint64_t wanted;
    if (threads == LODEDB_THREADS_AUTO) {
        uint32_t cpus = lodedb_cpu_count();
        wanted = slot_count < LODEDB_AUTO_MIN_SLOTS ? 1u
                 : cpus < LODEDB_AUTO_MAX_THREADS   ? cpus
                                                    : LODEDB_AUTO_MAX_THREADS;
    } else {
        wanted = threads <= 1 ? 1u : threads < LODEDB_MAX_THREADS ? threads : LODEDB_MAX_THREADS;
    }
    uint64_t most = (block_count + LODEDB_MIN_BLOCKS_PER_THREAD - 1) / LODEDB_MIN_BLOCKS_PER_THREAD;
    if (wanted > most) {
        wanted = most;
    }
    return wanted > 0 ? (size_t)wanted : 1u;
}

LODEDB_API uint32_t lodedb_index_search_threads(const lodedb_index *index, uint32_t threads) {
    if (index == NULL) {
        return 1;
    }
    uint64_t blocks = (index->slot_count + LODEDB_BLOCK_SIZE - 1) / LODEDB_BLOCK_SIZE;
    return (uint32_t)lodedb_search_parts(threads, index->slot_count, blocks);
}
