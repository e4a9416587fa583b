/* AVX-512 VNNI + VBMI permute-dot kernel (this file alone is compiled with -mavx512f
 * -mavx512bw -mavx512vnni -mavx512vbmi): the level lookup is one `vpermb` per nibble half and
 * the dot product one `vpdpbusd`. See scan_avx512_body.h. */
#define LODEDB_AVX512_VNNI 1
#define LODEDB_AVX512_VBMI 1
#include "scan/scan_avx512_body.h"

const lodedb_scan_kernels lodedb_scan_kernels_avx512vnni_vbmi = {
    LODEDB_SIMD_AVX512, LODEDB_SCAN_AVX512VNNI_VBMI, avx512_accumulate, avx512_exact_dot,
    lodedb_scan_accumulate_tables_portable};
