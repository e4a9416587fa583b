/* NEON permute-dot kernel for any aarch64 CPU (Advanced SIMD is baseline): the dot product is
 * `smull` + `sadalp`. See scan_neon_body.h; group tables: scan_neon_tables.h. */
#include "scan/scan_neon_body.h"
#include "scan/scan_neon_tables.h"

const lodedb_scan_kernels lodedb_scan_kernels_neon = {
    LODEDB_SIMD_NEON, LODEDB_SCAN_NEON, neon_accumulate, lodedb_scan_exact_dot_portable,
    neon_accumulate_tables};
