// FAISS baselines for lodedb-bench: IndexFlatIP and IndexPQFastScan at matched bits, on the
// same vectors and queries, single-threaded.
#include "bench_faiss.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <vector>

#include <faiss/IndexFlat.h>
#include <faiss/IndexPQFastScan.h>
#include <faiss/index_io.h>
#include <omp.h>

namespace {
double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
} // namespace

extern "C" const char *bench_faiss_version(void) {
    static char text[64];
    std::snprintf(text, sizeof text, "FAISS %d.%d.%d", FAISS_VERSION_MAJOR, FAISS_VERSION_MINOR,
                  FAISS_VERSION_PATCH);
    return text;
}

extern "C" int bench_faiss_run(int kind, int dim, int64_t count, const float *base,
                               int64_t train_count, const float *train, const float *queries,
                               int64_t single_count, int64_t batch_count, int k, int64_t *labels,
                               bench_faiss_result *out) {
    std::memset(out, 0, sizeof *out);
    omp_set_num_threads(1);
    try {
        std::unique_ptr<faiss::Index> index;
        auto start = std::chrono::steady_clock::now();
        if (kind == 0) {
            index.reset(new faiss::IndexFlatIP(dim));
        } else {
            int m = kind == 2 ? dim / 2 : dim;
            auto *pq = new faiss::IndexPQFastScan(dim, m, 4, faiss::METRIC_INNER_PRODUCT);
            // 10 k-means iterations instead of 25 keep the training of M = d sub-quantizers
            // within the bench's time budget; with 16 centroids on 1-2 dimensions it converges.
            pq->pq.cp.niter = 10;
            index.reset(pq);
            index->train(train_count, train);
        }
        out->train_s = seconds_since(start);
        start = std::chrono::steady_clock::now();
        index->add(count, base);
        out->add_s = seconds_since(start);

        int64_t most = batch_count > single_count ? batch_count : single_count;
        std::vector<float> distances((size_t)(most * k));
        std::vector<faiss::Index::idx_t> ids(distances.size());
        start = std::chrono::steady_clock::now();
        for (int64_t q = 0; q < single_count; q++) {
            index->search(1, queries + q * dim, k, distances.data() + q * k, ids.data() + q * k);
        }
        out->single_ms = seconds_since(start) * 1e3 / (double)single_count;
        start = std::chrono::steady_clock::now();
        index->search(batch_count, queries, k, distances.data(), ids.data());
        out->batch_ms = seconds_since(start) * 1e3 / (double)batch_count;
        for (int64_t i = 0; i < batch_count * k; i++) {
            labels[i] = ids[i];
        }
    } catch (const std::exception &e) {
        std::snprintf(out->error, sizeof out->error, "%s", e.what());
        return -1;
    }
    return 0;
}
