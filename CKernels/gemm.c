/*
 * SGEMM driver, BLIS style: the five loops around a microkernel.
 *
 *   jc: N in blocks of NC            (the packed KC x NC block of op(B) is sized for L2)
 *    pc: K in blocks of CK_KC        (pack that block of op(B) into NR-wide panels)
 *     ic: M in blocks of MC          (pack the MC x KC block of op(A) into MR-tall panels: L3)
 *      ir, jr: MR x NR tiles         (A micro-panel in L1, accumulators in registers)
 *
 * Transposes are absorbed by the packing routines, so the microkernel only ever sees one
 * layout. Edge tiles are computed into a local MR x NR tile and the valid part copied out,
 * so there is no scalar slow path. Threads split C into disjoint column (or row) ranges at
 * tile boundaries; K is never split, so every element of C is summed by one thread in the
 * same order whatever the thread count.
 */
#include "ck_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

/* Largest tile of any ISA, for the edge buffer. */
#define CK_MAX_MR 16
#define CK_MAX_NR 64

/* Below this many flops a product runs on one thread: measured with kernel-bench, where
 * 2 threads stopped losing to 1 (fork/join costs a few microseconds). */
#define CK_GEMM_SERIAL_FLOPS 2.0e6

/* Packs rows [0, mc) x columns [0, kc) of op(A) (already offset) into MR-tall panels. */
static void pack_a(ck_transpose ta, ptrdiff_t mc, ptrdiff_t kc, const float *a, ptrdiff_t lda,
                   int mr, float *out) {
    for (ptrdiff_t ir = 0; ir < mc; ir += mr) {
        ptrdiff_t rows = mc - ir < mr ? mc - ir : mr;
        float *panel = out + ir * kc;
        if (ta == CK_TRANS) {
            for (ptrdiff_t p = 0; p < kc; ++p) {
                const float *src = a + p * lda + ir;
                float *dst = panel + p * mr;
                ptrdiff_t i = 0;
                for (; i < rows; ++i) dst[i] = src[i];
                for (; i < mr; ++i) dst[i] = 0.0f;
            }
        } else {
            for (ptrdiff_t i = 0; i < rows; ++i) {
                const float *src = a + (ir + i) * lda;
                for (ptrdiff_t p = 0; p < kc; ++p) panel[p * mr + i] = src[p];
            }
            for (ptrdiff_t i = rows; i < mr; ++i) {
                for (ptrdiff_t p = 0; p < kc; ++p) panel[p * mr + i] = 0.0f;
            }
        }
    }
}

/* Packs rows [0, kc) x columns [0, nc) of op(B) (already offset) into NR-wide panels. */
static void pack_b(ck_transpose tb, ptrdiff_t kc, ptrdiff_t nc, const float *b, ptrdiff_t ldb,
                   int nr, float *out) {
    for (ptrdiff_t jr = 0; jr < nc; jr += nr) {
        ptrdiff_t cols = nc - jr < nr ? nc - jr : nr;
        float *panel = out + jr * kc;
        if (tb == CK_NO_TRANS) {
            for (ptrdiff_t p = 0; p < kc; ++p) {
                const float *src = b + p * ldb + jr;
                float *dst = panel + p * nr;
                ptrdiff_t j = 0;
                for (; j < cols; ++j) dst[j] = src[j];
                for (; j < nr; ++j) dst[j] = 0.0f;
            }
        } else {
            for (ptrdiff_t j = 0; j < cols; ++j) {
                const float *src = b + (jr + j) * ldb;
                for (ptrdiff_t p = 0; p < kc; ++p) panel[p * nr + j] = src[p];
            }
            for (ptrdiff_t j = cols; j < nr; ++j) {
                for (ptrdiff_t p = 0; p < kc; ++p) panel[p * nr + j] = 0.0f;
            }
        }
    }
}

/* Per-thread packing memory, grown on demand and kept: no allocation in steady state.
 * The thread-local pointer is the fast path. A pthread key holds the same block only so that
 * its destructor frees it when the thread exits: worker threads of a pool (libdispatch, Swift
 * concurrency) come and go, and each would otherwise leak up to (NC + MC) x KC floats. */
static _Thread_local float *pack_memory = NULL;
static _Thread_local size_t pack_capacity = 0;
static pthread_key_t pack_key;
static pthread_once_t pack_key_once = PTHREAD_ONCE_INIT;

static void free_pack_memory(void *memory) {
    free(memory);
    /* Thread-local storage outlives key destructors: a later call on this thread allocates anew. */
    pack_memory = NULL;
    pack_capacity = 0;
}

static void create_pack_key(void) {
    if (pthread_key_create(&pack_key, free_pack_memory) != 0) abort();
}

static float *pack_buffer(size_t floats) {
    if (floats > pack_capacity) {
        pthread_once(&pack_key_once, create_pack_key);
        free(pack_memory);
        size_t bytes = (floats * sizeof(float) + 63) & ~(size_t)63;
        pack_memory = aligned_alloc(64, bytes);
        pack_capacity = pack_memory ? floats : 0;
        pthread_setspecific(pack_key, pack_memory);
    }
    return pack_memory;
}

static void scale_c(ptrdiff_t m, ptrdiff_t n, float beta, float *c, ptrdiff_t ldc) {
    for (ptrdiff_t i = 0; i < m; ++i) {
        float *row = c + i * ldc;
        if (beta == 0.0f) {
            memset(row, 0, (size_t)n * sizeof(float));
        } else if (beta != 1.0f) {
            for (ptrdiff_t j = 0; j < n; ++j) row[j] *= beta;
        }
    }
}

/* One thread's share: the whole blocked algorithm on an m x n piece of C. */
static void gemm_serial(const ck_config *cfg, ck_transpose ta, ck_transpose tb,
                        ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                        const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                        float beta, float *c, ptrdiff_t ldc) {
    const int mr = cfg->mr, nr = cfg->nr;
    const ptrdiff_t mc_max = cfg->mc, nc_max = cfg->nc;
    ptrdiff_t nc_alloc = n < nc_max ? ((n + nr - 1) / nr) * nr : nc_max;
    ptrdiff_t mc_alloc = m < mc_max ? ((m + mr - 1) / mr) * mr : mc_max;
    ptrdiff_t kc_alloc = k < CK_KC ? k : CK_KC;
    float *packed_b = pack_buffer((size_t)(nc_alloc + mc_alloc) * (size_t)kc_alloc + 16);
    if (packed_b == NULL) abort(); /* out of memory: no sane way to continue */
    float *packed_a = packed_b + (((size_t)nc_alloc * (size_t)kc_alloc + 15) & ~(size_t)15);
    _Alignas(64) float edge[CK_MAX_MR * CK_MAX_NR];

    for (ptrdiff_t jc = 0; jc < n; jc += nc_max) {
        ptrdiff_t nc = n - jc < nc_max ? n - jc : nc_max;
        for (ptrdiff_t pc = 0; pc < k; pc += CK_KC) {
            ptrdiff_t kc = k - pc < CK_KC ? k - pc : CK_KC;
            float beta_block = pc == 0 ? beta : 1.0f;
            const float *b_block = tb == CK_NO_TRANS ? b + pc * ldb + jc : b + jc * ldb + pc;
            pack_b(tb, kc, nc, b_block, ldb, nr, packed_b);
            for (ptrdiff_t ic = 0; ic < m; ic += mc_max) {
                ptrdiff_t mc = m - ic < mc_max ? m - ic : mc_max;
                const float *a_block = ta == CK_NO_TRANS ? a + ic * lda + pc : a + pc * lda + ic;
                pack_a(ta, mc, kc, a_block, lda, mr, packed_a);
                /* Rows outer: the A micro-panel (MR x KC) stays in L1 while the B panels
                 * stream from L2, where the packed KC x NC block of B lives. */
                for (ptrdiff_t ir = 0; ir < mc; ir += mr) {
                    ptrdiff_t rows = mc - ir < mr ? mc - ir : mr;
                    const float *a_panel = packed_a + ir * kc;
                    for (ptrdiff_t jr = 0; jr < nc; jr += nr) {
                        ptrdiff_t cols = nc - jr < nr ? nc - jr : nr;
                        const float *b_panel = packed_b + jr * kc;
                        float *c_tile = c + (ic + ir) * ldc + jc + jr;
                        if (rows == mr && cols == nr) {
                            cfg->gemm_ukernel(kc, a_panel, b_panel, c_tile, ldc, alpha, beta_block);
                        } else {
                            cfg->gemm_ukernel(kc, a_panel, b_panel, edge, nr, alpha, 0.0f);
                            for (ptrdiff_t i = 0; i < rows; ++i) {
                                for (ptrdiff_t j = 0; j < cols; ++j) {
                                    float v = edge[i * nr + j];
                                    float *dst = c_tile + i * ldc + j;
                                    *dst = beta_block == 0.0f ? v : fmaf(beta_block, *dst, v);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/*
 * The unpacked path for small and narrow products: A and a non-transposed B are read in
 * place; a transposed B is packed once, all of K. Same K blocking and epilogue as
 * gemm_serial, so both paths give the same bits.
 *
 * Row tiles outermost: one tile's rows of A are read start to end (long streams the hardware
 * prefetcher follows) while its C tile stays in L1 across the K blocks, and B — small
 * whenever this path is taken — stays in L2 for every tile. A, the big operand of the
 * tall, skinny products a network makes, is read exactly once.
 */
static void gemm_small(const ck_config *cfg, ck_transpose ta, ck_transpose tb,
                       ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                       const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                       float beta, float *c, ptrdiff_t ldc) {
    const int mr = cfg->sup_mr, nr = cfg->sup_nr;
    const ptrdiff_t rsa = ta == CK_NO_TRANS ? lda : 1, csa = ta == CK_NO_TRANS ? 1 : lda;
    const ptrdiff_t n_padded = (n + nr - 1) / nr * nr;
    float *packed_b = NULL;
    if (tb == CK_TRANS) {
        packed_b = pack_buffer((size_t)n_padded * (size_t)k);
        if (packed_b == NULL) abort();
        /* K block pc occupies kc x n_padded floats at offset pc * n_padded. */
        for (ptrdiff_t pc = 0; pc < k; pc += CK_KC) {
            ptrdiff_t kc = k - pc < CK_KC ? k - pc : CK_KC;
            pack_b(tb, kc, n, b + pc, ldb, nr, packed_b + pc * n_padded);
        }
    }
    for (ptrdiff_t ir = 0; ir < m; ir += mr) {
        int rows = (int)(m - ir < mr ? m - ir : mr);
        for (ptrdiff_t pc = 0; pc < k; pc += CK_KC) {
            ptrdiff_t kc = k - pc < CK_KC ? k - pc : CK_KC;
            float beta_block = pc == 0 ? beta : 1.0f;
            for (ptrdiff_t jr = 0; jr < n; jr += nr) {
                int cols = (int)(n - jr < nr ? n - jr : nr);
                const float *b_panel = packed_b ? packed_b + pc * n_padded + jr * kc : b + pc * ldb + jr;
                ptrdiff_t rsb = packed_b ? nr : ldb;
                cfg->gemm_sup(kc, a + ir * rsa + pc * csa, rsa, csa, b_panel, rsb,
                              c + ir * ldc + jr, ldc, alpha, beta_block, rows, cols);
            }
        }
    }
}

/* The unpacked path wins below this many flops, and whenever C is narrow (N up to four
 * unpacked tiles): then packing A costs more than the few B panels it would serve.
 * Measured with kernel-bench on the training shapes and squares (Benchmarks/README.md). */
#define CK_GEMM_SMALL_FLOPS 3.0e7
#define CK_GEMM_NARROW_TILES 4

static int takes_small_path(const ck_config *cfg, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k) {
    return cfg->gemm_sup != NULL && (n <= CK_GEMM_NARROW_TILES * cfg->sup_nr
                                     || 2.0 * (double)m * (double)n * (double)k <= CK_GEMM_SMALL_FLOPS);
}

/* One thread's part of C with the path chosen for the whole product. */
static void gemm_part(const ck_config *cfg, int small, ck_transpose ta, ck_transpose tb,
                      ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                      const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                      float beta, float *c, ptrdiff_t ldc) {
    if (small) {
        gemm_small(cfg, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    } else {
        gemm_serial(cfg, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}

ck_status ck_sgemm(ck_transpose trans_a, ck_transpose trans_b,
                   ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                   float alpha, const float *a, ptrdiff_t lda,
                   const float *b, ptrdiff_t ldb,
                   float beta, float *c, ptrdiff_t ldc) {
    if (m < 0 || n < 0 || k < 0) return CK_EINVAL;
    if ((trans_a != CK_NO_TRANS && trans_a != CK_TRANS) || (trans_b != CK_NO_TRANS && trans_b != CK_TRANS)) return CK_EINVAL;
    if (lda < (trans_a == CK_NO_TRANS ? k : m)) return CK_EINVAL;
    if (ldb < (trans_b == CK_NO_TRANS ? n : k)) return CK_EINVAL;
    if (ldc < n) return CK_EINVAL;
    if (m == 0 || n == 0) return CK_OK;
    if (c == NULL) return CK_EINVAL;
    int reads_ab = k > 0 && alpha != 0.0f;
    if (reads_ab && (a == NULL || b == NULL)) return CK_EINVAL;

    if (!reads_ab) {
        scale_c(m, n, beta, c, ldc);
        return CK_OK;
    }

    const ck_config *cfg = ck_config_active();
    const int small = takes_small_path(cfg, m, n, k);
    int threads = ck_threads_for(2.0 * (double)m * (double)n * (double)k, CK_GEMM_SERIAL_FLOPS);
    if (threads <= 1) {
        gemm_part(cfg, small, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return CK_OK;
    }

    /* Split the larger of M and N into `threads` ranges of whole tiles of the chosen path. */
    int split_columns = n >= m;
    ptrdiff_t unit = split_columns ? (small ? cfg->sup_nr : cfg->nr) : (small ? cfg->sup_mr : cfg->mr);
    ptrdiff_t extent = split_columns ? n : m;
    ptrdiff_t units = (extent + unit - 1) / unit;
    if (units < threads) threads = (int)units;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
    {
#ifdef _OPENMP
        ptrdiff_t t = omp_get_thread_num(), team = omp_get_num_threads();
#else
        ptrdiff_t t = 0, team = 1;
#endif
        ptrdiff_t first = units * t / team * unit;
        ptrdiff_t last = units * (t + 1) / team * unit;
        if (last > extent) last = extent;
        if (first < last) {
            if (split_columns) {
                const float *b_part = trans_b == CK_NO_TRANS ? b + first : b + first * ldb;
                gemm_part(cfg, small, trans_a, trans_b, m, last - first, k, alpha, a, lda, b_part, ldb,
                            beta, c + first, ldc);
            } else {
                const float *a_part = trans_a == CK_NO_TRANS ? a + first * lda : a + first;
                gemm_part(cfg, small, trans_a, trans_b, last - first, n, k, alpha, a_part, lda, b, ldb,
                            beta, c + first * ldc, ldc);
            }
        }
    }
    return CK_OK;
}
