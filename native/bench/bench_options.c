/* lodedb-bench's command line: the options, their defaults and the usage text. */
#include "bench_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t parse_list(const char *text, uint32_t *out, size_t capacity) {
    size_t n = 0;
    while (*text && n < capacity) {
        char *end;
        unsigned long v = strtoul(text, &end, 10);
        if (end == text) {
            break;
        }
        out[n++] = (uint32_t)v;
        text = *end == ',' ? end + 1 : end;
    }
    return n;
}

static void usage(void) {
    printf("usage: lodedb-bench [--quick] [--n N] [--queries Q] [--batch B] [--faiss-queries F]\n"
           "                    [--faiss-batch FB] [--no-faiss] [--dims 1536,512] [--bits 4,2]\n"
           "                    [--small S]\n"
           "  --quick            20 single queries; FAISS 2 single + 8 batch queries\n"
           "  --n N              vectors per index (default 100000)\n"
           "  --queries Q        LodeDb single-query searches timed (default 100)\n"
           "  --batch B          LodeDb queries per batch call (default 64)\n"
           "  --faiss-queries F  FAISS single-query searches timed (default 5)\n"
           "  --faiss-batch FB   FAISS queries in its batch call (default 16; FAISS recall uses "
           "them)\n"
           "  --no-faiss         skip FAISS even when built in\n"
           "  --small S          also a small index of S x 512 (default 1500; 0 = none)\n");
}

int parse_options(int argc, char **argv, options *o) {
    *o = (options){.quick = 0,
                   .faiss = 1,
                   .n = 100000,
                   .single_queries = 100,
                   .batch = 64,
                   .faiss_single = 5,
                   .faiss_batch = 16,
                   .dims = {1536, 512},
                   .dim_count = 2,
                   .bits = {4, 2},
                   .bit_count = 2,
                   .small_n = 1500};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--quick") == 0) {
            o->quick = 1;
            o->single_queries = 20;
            o->faiss_single = 2;
            o->faiss_batch = 8;
        } else if (strcmp(a, "--no-faiss") == 0) {
            o->faiss = 0;
        } else if (strcmp(a, "--n") == 0 && v) {
            o->n = strtoull(v, NULL, 10);
            i++;
        } else if (strcmp(a, "--queries") == 0 && v) {
            o->single_queries = strtoull(v, NULL, 10);
            i++;
        } else if (strcmp(a, "--batch") == 0 && v) {
            o->batch = strtoull(v, NULL, 10);
            i++;
        } else if (strcmp(a, "--faiss-queries") == 0 && v) {
            o->faiss_single = strtoull(v, NULL, 10);
            i++;
        } else if (strcmp(a, "--faiss-batch") == 0 && v) {
            o->faiss_batch = strtoull(v, NULL, 10);
            i++;
        } else if (strcmp(a, "--dims") == 0 && v) {
            o->dim_count = parse_list(v, o->dims, 4);
            i++;
        } else if (strcmp(a, "--small") == 0 && v) {
            o->small_n = strtoull(v, NULL, 10);
            i++;
        } else if (strcmp(a, "--bits") == 0 && v) {
            o->bit_count = parse_list(v, o->bits, 2);
            i++;
        } else {
            usage();
            return strcmp(a, "--help") == 0 ? 1 : -1;
        }
    }
    if (o->n < 64 || o->single_queries == 0 || o->batch == 0 || o->dim_count == 0 ||
        o->bit_count == 0 || o->faiss_single == 0 || o->faiss_batch == 0) {
        usage();
        return -1;
    }
    if (o->faiss_batch > o->batch) {
        o->faiss_batch = o->batch;
    }
    return 0;
}
