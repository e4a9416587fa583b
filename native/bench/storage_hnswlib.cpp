// hnswlib peer of lodedb-storage-bench (Debian libhnswlib-dev, header-only), behind the C
// interface of storage_peers.h; compiled in its own C++ translation unit, apart from the C11
// library.
#include "storage_peers.h"

#include <cstdio>
#include <exception>
#include <memory>
#include <string>

#include <hnswlib/hnswlib.h>

namespace {
// Each peer TU has its own type behind the opaque storage_peer (one shared definition of
// storage_peer in two TUs would break the one-definition rule: the linker keeps one of the two
// constructors).
struct hnswlib_peer {
    std::unique_ptr<hnswlib::InnerProductSpace> space;
    std::unique_ptr<hnswlib::HierarchicalNSW<float>> index;
};

hnswlib_peer *unwrap(storage_peer *peer) { return reinterpret_cast<hnswlib_peer *>(peer); }
} // namespace

extern "C" const char *storage_hnswlib_simd(void) {
#if defined(__AVX512F__)
    return "avx512";
#elif defined(__AVX__)
    return "avx";
#elif defined(__SSE__)
    return "sse";
#else
    return "scalar";
#endif
}

extern "C" storage_peer *storage_hnswlib_build(int dim, int64_t count, const float *base, int m,
                                               int ef_construction, char *error,
                                               size_t error_size) {
    try {
        std::unique_ptr<hnswlib_peer> peer(new hnswlib_peer());
        peer->space.reset(new hnswlib::InnerProductSpace((size_t)dim));
        peer->index.reset(new hnswlib::HierarchicalNSW<float>(peer->space.get(), (size_t)count,
                                                              (size_t)m, (size_t)ef_construction));
        for (int64_t i = 0; i < count; i++) {
            peer->index->addPoint(base + (size_t)i * (size_t)dim, (hnswlib::labeltype)i);
        }
        return reinterpret_cast<storage_peer *>(peer.release());
    } catch (const std::exception &e) {
        std::snprintf(error, error_size, "%s", e.what());
        return nullptr;
    }
}

extern "C" int storage_hnswlib_search(storage_peer *handle, const float *query, int k,
                                      int64_t *ids) {
    hnswlib_peer *peer = unwrap(handle);
    try {
        auto result = peer->index->searchKnn(query, (size_t)k);
        for (int i = k - 1; i >= 0; i--) { // the queue pops the farthest first
            if (result.empty()) {
                ids[i] = -1;
                continue;
            }
            ids[i] = (int64_t)result.top().second;
            result.pop();
        }
        return 0;
    } catch (const std::exception &) {
        return -1;
    }
}

extern "C" void storage_hnswlib_set_ef(storage_peer *handle, int ef) {
    hnswlib_peer *peer = unwrap(handle);
    peer->index->setEf((size_t)ef);
}

extern "C" int storage_hnswlib_save(storage_peer *handle, const char *path, char *error,
                                    size_t error_size) {
    hnswlib_peer *peer = unwrap(handle);
    try {
        peer->index->saveIndex(std::string(path));
        return 0;
    } catch (const std::exception &e) {
        std::snprintf(error, error_size, "%s", e.what());
        return -1;
    }
}

extern "C" void storage_hnswlib_free(storage_peer *peer) { delete unwrap(peer); }
