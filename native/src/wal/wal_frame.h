/* Internal: constants of the WAL record frame (documented in docs/file-formats.md).
 *
 *   offset  size  field
 *   0       4     magic "LWAL" (0x4C41574C read little-endian)
 *   4       2     version = 1
 *   6       2     flags = 0
 *   8       4     payload length
 *   12      4     CRC32C of bytes 0..11 followed by the payload
 *   16      4     reserved = 0 (not under the CRC: checked to be zero instead)
 *   20      n     payload
 *
 * The first 16 bytes keep this layout in every future version, so an old reader can always
 * tell a newer record (valid CRC, version > 1: LODEDB_ERR_UNSUPPORTED) from a torn one
 * (LODEDB_ERR_CORRUPT) and never truncates a newer writer's records as garbage. */
#ifndef LODEDB_WAL_WAL_FRAME_H
#define LODEDB_WAL_WAL_FRAME_H

#define LODEDB_WAL_MAGIC 0x4C41574Cu
#define LODEDB_WAL_VERSION 1u
/* 1 GiB: far above any batch the managed side writes, and low enough that a corrupt length
 * can never make the replay allocate more than that (it is also bounded by the file size). */
#define LODEDB_WAL_MAX_PAYLOAD ((size_t)1 << 30)

#endif
