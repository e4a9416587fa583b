// FAISS peers of lodedb-storage-bench: IndexFlatIP, IndexHNSWFlat and IndexPQFastScan, single
// threaded, behind the C interface of storage_peers.h.
#include "storage_peers.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <vector>

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexPQFastScan.h>
#include <faiss/index_io.h>
#include <omp.h>

namespace {
// Each peer TU has its own type behind the opaque storage_peer (one shared definition of
// storage_peer in two TUs would break the one-definition rule: the linker keeps one of the two
// constructors).
struct faiss_peer {
    std::unique_ptr<faiss::Index> index;
    faiss::IndexHNSW *hnsw = nullptr;
    std::vector<float> distances;
    std::vector<faiss::Index::idx_t> labels;
};

faiss_peer *unwrap(storage_peer *peer) { return reinterpret_cast<faiss_peer *>(peer); }
} // namespace

extern "C" const char *storage_faiss_version(void) {
    static char text[64];
    std::snprintf(text, sizeof text, "FAISS %d.%d.%d", FAISS_VERSION_MAJOR, FAISS_VERSION_MINOR,
                  FAISS_VERSION_PATCH);
    return text;
}

extern "C" storage_peer *storage_faiss_build(int kind, int dim, int64_t count, const float *base,
                                             int param, int ef_construction, double *train_s,
                                             char *error, size_t error_size) {
    omp_set_num_threads(1);
    *train_s = 0.0;
    try {
        std::unique_ptr<faiss_peer> peer(new faiss_peer());
        if (kind == STORAGE_FAISS_FLAT) {
            peer->index.reset(new faiss::IndexFlatIP(dim));
        } else if (kind == STORAGE_FAISS_HNSW) {
            auto *hnsw = new faiss::IndexHNSWFlat(dim, param, faiss::METRIC_INNER_PRODUCT);
            hnsw->hnsw.efConstruction = ef_construction;
            peer->hnsw = hnsw;
            peer->index.reset(hnsw);
        } else {
            auto *pq = new faiss::IndexPQFastScan(dim, param, 4, faiss::METRIC_INNER_PRODUCT);
            // 10 k-means iterations (FAISS default 25): as in lodedb-bench, to bound the
            // training time of many 16-centroid sub-quantizers; it converges on so few centroids.
            pq->pq.cp.niter = 10;
            peer->index.reset(pq);
            auto start = std::chrono::steady_clock::now();
            peer->index->train(std::min<int64_t>(count, 20000), base);
            *train_s =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        }
        peer->index->add(count, base);
        return reinterpret_cast<storage_peer *>(peer.release());
    } catch (const std::exception &e) {
        std::snprintf(error, error_size, "%s", e.what());
        return nullptr;
    }
}

extern "C" int storage_faiss_search(storage_peer *handle, const float *query, int k, int64_t *ids) {
    faiss_peer *peer = unwrap(handle);
    try {
        peer->distances.resize((size_t)k);
        peer->labels.resize((size_t)k);
        peer->index->search(1, query, k, peer->distances.data(), peer->labels.data());
        for (int i = 0; i < k; i++) {
            ids[i] = (int64_t)peer->labels[(size_t)i];
        }
        return 0;
    } catch (const std::exception &) {
        return -1;
    }
}

extern "C" void storage_faiss_set_ef(storage_peer *handle, int ef) {
    faiss_peer *peer = unwrap(handle);
    if (peer->hnsw != nullptr) {
        peer->hnsw->hnsw.efSearch = ef;
    }
}

extern "C" int storage_faiss_save(storage_peer *handle, const char *path, char *error,
                                  size_t error_size) {
    faiss_peer *peer = unwrap(handle);
    try {
        faiss::write_index(peer->index.get(), path);
        return 0;
    } catch (const std::exception &e) {
        std::snprintf(error, error_size, "%s", e.what());
        return -1;
    }
}

extern "C" void storage_faiss_free(storage_peer *peer) { delete unwrap(peer); }
