/* Internal: the two CRC32C implementations behind lodedb_crc32c, exposed so tests can check
 * that the hardware path (SSE4.2 / ARMv8 CRC) and the portable one agree bit for bit. */
#ifndef LODEDB_WAL_CRC32C_H
#define LODEDB_WAL_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Slicing-by-8 in portable C; the reference every other path must match. */
uint32_t lodedb_crc32c_portable(uint32_t crc, const uint8_t *data, size_t length);

/* 1 when this build has a hardware CRC32C path and the running CPU supports it. */
int lodedb_crc32c_hardware_available(void);

/* The hardware path; only call it when lodedb_crc32c_hardware_available() returns 1. */
uint32_t lodedb_crc32c_hardware(uint32_t crc, const uint8_t *data, size_t length);

#endif
