/* Portable file operations for the WAL and the snapshot codec (POSIX or Windows CRT). */
#include "wal/file_io.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"

#if defined(_WIN32)
#define WIN32_LEAN_AND_MEAN
#include <fcntl.h>
#include <io.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#endif

/* strerror is not thread-safe; the XSI strerror_r / strerror_s are. */
static const char *error_text(int err, char *buffer, size_t capacity) {
#if defined(_WIN32)
    if (strerror_s(buffer, capacity, err) != 0) {
        buffer[0] = '\0';
    }
#else
    if (strerror_r(err, buffer, capacity) != 0) {
        buffer[0] = '\0';
    }
#endif
    if (buffer[0] == '\0') {
        return "unknown error";
    }
    return buffer;
}

static lodedb_status fail_errno(int err, const char *what, const char *path_utf8) {
    char text[256];
    return lodedb_fail(LODEDB_ERR_IO, "%s '%s' failed: %s (errno %d)", what,
                       path_utf8 != NULL ? path_utf8 : "", error_text(err, text, sizeof text), err);
}

#if defined(_WIN32)

/* UTF-8 -> UTF-16 for _wopen; invalid UTF-8 is refused rather than mangled. */
static lodedb_status widen_path(const char *path_utf8, wchar_t **out_wide) {
    int needed = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path_utf8, -1, NULL, 0);
    if (needed <= 0) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "path '%s' is not valid UTF-8", path_utf8);
    }
    wchar_t *wide = malloc((size_t)needed * sizeof *wide);
    if (wide == NULL) {
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY, "cannot allocate %d UTF-16 units for a path",
                           needed);
    }
    if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path_utf8, -1, wide, needed) != needed) {
        free(wide);
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "path '%s' is not valid UTF-8", path_utf8);
    }
    *out_wide = wide;
    return LODEDB_OK;
}

lodedb_status lodedb_file_open(const char *path_utf8, lodedb_file_mode mode, int *out_fd,
                               int *out_created) {
    wchar_t *wide = NULL;
    lodedb_status status = widen_path(path_utf8, &wide);
    if (status != LODEDB_OK) {
        return status;
    }
    int flags = _O_BINARY | _O_NOINHERIT;
    int created = 0;
    int fd = -1;
    if (mode == LODEDB_FILE_READ) {
        fd = _wopen(wide, flags | _O_RDONLY);
    } else if (mode == LODEDB_FILE_WRITE_TRUNCATE) {
        fd = _wopen(wide, flags | _O_WRONLY | _O_CREAT | _O_TRUNC, _S_IREAD | _S_IWRITE);
    } else {
        fd = _wopen(wide, flags | _O_RDWR | _O_APPEND);
        if (fd < 0 && errno == ENOENT) {
            fd = _wopen(wide, flags | _O_RDWR | _O_APPEND | _O_CREAT | _O_EXCL,
                        _S_IREAD | _S_IWRITE);
            created = fd >= 0;
            if (fd < 0 && errno == EEXIST) {
                fd = _wopen(wide, flags | _O_RDWR | _O_APPEND);
            }
        }
    }
    int err = errno;
    free(wide);
    if (fd < 0) {
        return fail_errno(err, "open", path_utf8);
    }
    *out_fd = fd;
    if (out_created != NULL) {
        *out_created = created;
    }
    return LODEDB_OK;
}

lodedb_status lodedb_file_write_all(int fd, const uint8_t *data, size_t length,
                                    const char *path_utf8) {
    while (length > 0) {
        unsigned int chunk =
            length > (size_t)INT_MAX ? (unsigned int)INT_MAX : (unsigned int)length;
        int written = _write(fd, data, chunk);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail_errno(errno, "write", path_utf8);
        }
        if (written == 0) {
            return fail_errno(EIO, "write (no progress)", path_utf8);
        }
        data += written;
        length -= (size_t)written;
    }
    return LODEDB_OK;
}

lodedb_status lodedb_file_read_full(int fd, uint8_t *buffer, size_t capacity, size_t *out_read,
                                    const char *path_utf8) {
    size_t total = 0;
    while (total < capacity) {
        size_t left = capacity - total;
        unsigned int chunk = left > (size_t)INT_MAX ? (unsigned int)INT_MAX : (unsigned int)left;
        int got = _read(fd, buffer + total, chunk);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail_errno(errno, "read", path_utf8);
        }
        if (got == 0) {
            break;
        }
        total += (size_t)got;
    }
    *out_read = total;
    return LODEDB_OK;
}

lodedb_status lodedb_file_sync(int fd, const char *path_utf8) {
    if (_commit(fd) != 0) {
        return fail_errno(errno, "flush (_commit)", path_utf8);
    }
    return LODEDB_OK;
}

lodedb_status lodedb_file_truncate(int fd, uint64_t length, const char *path_utf8) {
    if (length > (uint64_t)INT64_MAX) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "cannot truncate '%s' to %llu bytes",
                           path_utf8, (unsigned long long)length);
    }
    int err = _chsize_s(fd, (__int64)length);
    if (err != 0) {
        return fail_errno(err, "truncate", path_utf8);
    }
    return LODEDB_OK;
}

lodedb_status lodedb_file_size(int fd, uint64_t *out_size, const char *path_utf8) {
    struct _stati64 st;
    if (_fstati64(fd, &st) != 0) {
        return fail_errno(errno, "stat", path_utf8);
    }
    *out_size = (uint64_t)st.st_size;
    return LODEDB_OK;
}

lodedb_status lodedb_file_close(int fd, const char *path_utf8) {
    if (_close(fd) != 0) {
        return fail_errno(errno, "close", path_utf8);
    }
    return LODEDB_OK;
}

lodedb_status lodedb_file_sync_parent_directory(const char *path_utf8) {
    (void)path_utf8;
    return LODEDB_OK;
}

#else /* POSIX */

lodedb_status lodedb_file_open(const char *path_utf8, lodedb_file_mode mode, int *out_fd,
                               int *out_created) {
    int flags = O_CLOEXEC;
    int created = 0;
    int fd = -1;
    if (mode == LODEDB_FILE_READ) {
        do {
            fd = open(path_utf8, flags | O_RDONLY);
        } while (fd < 0 && errno == EINTR);
    } else if (mode == LODEDB_FILE_WRITE_TRUNCATE) {
        do {
            fd = open(path_utf8, flags | O_WRONLY | O_CREAT | O_TRUNC, 0644);
        } while (fd < 0 && errno == EINTR);
    } else {
        /* Open first without O_CREAT so we know whether the directory entry is new (and
         * must be made durable by the caller through lodedb_file_sync_parent_directory). */
        do {
            fd = open(path_utf8, flags | O_RDWR | O_APPEND);
        } while (fd < 0 && errno == EINTR);
        if (fd < 0 && errno == ENOENT) {
            do {
                fd = open(path_utf8, flags | O_RDWR | O_APPEND | O_CREAT | O_EXCL, 0644);
            } while (fd < 0 && errno == EINTR);
            created = fd >= 0;
            if (fd < 0 && errno == EEXIST) {
                fd = open(path_utf8, flags | O_RDWR | O_APPEND);
            }
        }
    }
    if (fd < 0) {
        return fail_errno(errno, "open", path_utf8);
    }
    *out_fd = fd;
    if (out_created != NULL) {
        *out_created = created;
    }
    return LODEDB_OK;
}

lodedb_status lodedb_file_write_all(int fd, const uint8_t *data, size_t length,
                                    const char *path_utf8) {
    while (length > 0) {
        /* Linux moves at most 0x7ffff000 bytes per write; asking for less keeps ssize_t
         * arithmetic obviously safe on every platform. */
        size_t chunk = length > (size_t)0x40000000 ? (size_t)0x40000000 : length;
        ssize_t written = write(fd, data, chunk);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail_errno(errno, "write", path_utf8);
        }
        if (written == 0) {
            return fail_errno(EIO, "write (no progress)", path_utf8);
        }
        data += written;
        length -= (size_t)written;
    }
    return LODEDB_OK;
}

lodedb_status lodedb_file_read_full(int fd, uint8_t *buffer, size_t capacity, size_t *out_read,
                                    const char *path_utf8) {
    size_t total = 0;
    while (total < capacity) {
        size_t left = capacity - total;
        size_t chunk = left > (size_t)0x40000000 ? (size_t)0x40000000 : left;
        ssize_t got = read(fd, buffer + total, chunk);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail_errno(errno, "read", path_utf8);
        }
        if (got == 0) {
            break;
        }
        total += (size_t)got;
    }
    *out_read = total;
    return LODEDB_OK;
}

lodedb_status lodedb_file_sync(int fd, const char *path_utf8) {
    int rc;
    do {
#if defined(__linux__)
        /* fdatasync also flushes a size change, which is all the metadata replay needs. */
        rc = fdatasync(fd);
#else
        rc = fsync(fd);
#endif
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        return fail_errno(errno, "fsync", path_utf8);
    }
    return LODEDB_OK;
}

lodedb_status lodedb_file_truncate(int fd, uint64_t length, const char *path_utf8) {
    if (length > (uint64_t)INT64_MAX) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "cannot truncate '%s' to %llu bytes",
                           path_utf8, (unsigned long long)length);
    }
    int rc;
    do {
        rc = ftruncate(fd, (off_t)length);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        return fail_errno(errno, "truncate", path_utf8);
    }
    return LODEDB_OK;
}

lodedb_status lodedb_file_size(int fd, uint64_t *out_size, const char *path_utf8) {
    struct stat st;
    if (fstat(fd, &st) != 0) {
        return fail_errno(errno, "stat", path_utf8);
    }
    *out_size = (uint64_t)st.st_size;
    return LODEDB_OK;
}

lodedb_status lodedb_file_close(int fd, const char *path_utf8) {
    /* No retry on EINTR: on Linux the descriptor is gone either way. */
    if (close(fd) != 0 && errno != EINTR) {
        return fail_errno(errno, "close", path_utf8);
    }
    return LODEDB_OK;
}

lodedb_status lodedb_file_sync_parent_directory(const char *path_utf8) {
    const char *slash = strrchr(path_utf8, '/');
    char *directory;
    if (slash == NULL) {
        directory = malloc(2);
        if (directory != NULL) {
            memcpy(directory, ".", 2);
        }
    } else {
        size_t n = slash == path_utf8 ? 1 : (size_t)(slash - path_utf8);
        directory = malloc(n + 1);
        if (directory != NULL) {
            memcpy(directory, path_utf8, n);
            directory[n] = '\0';
        }
    }
    if (directory == NULL) {
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY, "cannot allocate the directory of '%s'",
                           path_utf8);
    }
    int fd;
    do {
        fd = open(directory, O_RDONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        lodedb_status status = fail_errno(errno, "open directory", directory);
        free(directory);
        return status;
    }
    int rc;
    do {
        rc = fsync(fd);
    } while (rc != 0 && errno == EINTR);
    int err = errno;
    close(fd);
    /* Some file systems refuse fsync on a directory (EINVAL); they have nothing to flush. */
    if (rc != 0 && err != EINVAL) {
        lodedb_status status = fail_errno(err, "fsync directory", directory);
        free(directory);
        return status;
    }
    free(directory);
    return LODEDB_OK;
}

#endif

LODEDB_API lodedb_status lodedb_sync_parent_directory(const char *path_utf8) {
    lodedb_clear_error();
    if (path_utf8 == NULL || path_utf8[0] == '\0') {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "path must be a non-empty string");
    }
    return lodedb_file_sync_parent_directory(path_utf8);
}
