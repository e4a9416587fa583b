/* NEON permute-dot kernel with the Armv8.2 dot product (this file alone is compiled with
 * -march=armv8.2-a+dotprod): the dot product is one `sdot`. See scan_neon_body.h; group tables
 * (`udot`): scan_neon_tables.h. */
#define LODEDB_NEON_DOTPROD 1
#include "scan/scan_neon_body.h"
#include "scan/scan_neon_tables.h"

const lodedb_scan_kernels lodedb_scan_kernels_neon_dotprod = {
    LODEDB_SIMD_NEON, LODEDB_SCAN_NEON_DOTPROD, neon_accumulate, lodedb_scan_exact_dot_portable,
    neon_accumulate_tables};
