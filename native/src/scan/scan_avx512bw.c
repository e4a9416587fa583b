/* AVX-512BW permute-dot kernel without VNNI (this file alone is compiled with -mavx512f
 * -mavx512bw): the dot product is `vpmaddubsw` + `vpmaddwd`. See scan_avx512_body.h; group
 * tables: scan_avx512bw_tables.h. */
#include "scan/scan_avx512_body.h"
#include "scan/scan_avx512bw_tables.h"

const lodedb_scan_kernels lodedb_scan_kernels_avx512bw = {LODEDB_SIMD_AVX512, LODEDB_SCAN_AVX512BW,
                                                          avx512_accumulate, avx512_exact_dot,
                                                          avx512bw_accumulate_tables};
