/* AVX-512 VNNI + VBMI permute-dot kernel (this file alone is compiled with -mavx512f
 * -mavx512bw -mavx512vnni -mavx512vbmi): the level lookup is one `vpermb` per nibble half and
 * the dot product one `vpdpbusd`. See scan_avx512_body.h; group tables: scan_avx512vbmi_tables.h.
 */
#define LODEDB_AVX512_VNNI 1
#define LODEDB_AVX512_VBMI 1
#include "scan/scan_avx512_body.h"
#include "scan/scan_avx512vbmi_tables.h"

const lodedb_scan_kernels lodedb_scan_kernels_avx512vnni_vbmi = {
    LODEDB_SIMD_AVX512, LODEDB_SCAN_AVX512VNNI_VBMI, avx512_accumulate, avx512_exact_dot,
    vbmi_accumulate_tables};
