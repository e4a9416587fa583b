/* AVX-512 VNNI permute-dot kernel (this file alone is compiled with -mavx512f -mavx512bw
 * -mavx512vnni): the dot product is one `vpdpbusd`. See scan_avx512_body.h. */
#define LODEDB_AVX512_VNNI 1
#include "scan/scan_avx512_body.h"

const lodedb_scan_kernels lodedb_scan_kernels_avx512vnni = {
    LODEDB_SIMD_AVX512, LODEDB_SCAN_AVX512VNNI, avx512_accumulate, avx512_exact_dot};
