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
 * so there is no scalar slow path. Threads share each packed block of B and split the rows
 * of C (gemm_packed_parallel), or split C into row or column ranges at tile boundaries; K is
 * never split, so every element of C is summed by one thread in the same order whatever the
 * thread count.
 */
#include "ck_internal.h"

#include <math.h>
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

/* The two inner loops (ir, jr) over one packed mc x kc block of A and kc x nc block of B.
 * Rows outer: the A micro-panel (MR x KC) stays in L1 while the B panels stream from L2. */
static void macro_kernel(const ck_config *cfg, ptrdiff_t mc, ptrdiff_t nc, ptrdiff_t kc,
                         const float *packed_a, const float *packed_b, float alpha, float beta,
                         float *c, ptrdiff_t ldc) {
    const int mr = cfg->mr, nr = cfg->nr;
    _Alignas(64) float edge[CK_MAX_MR * CK_MAX_NR];
    for (ptrdiff_t ir = 0; ir < mc; ir += mr) {
        ptrdiff_t rows = mc - ir < mr ? mc - ir : mr;
        const float *a_panel = packed_a + ir * kc;
        for (ptrdiff_t jr = 0; jr < nc; jr += nr) {
            ptrdiff_t cols = nc - jr < nr ? nc - jr : nr;
            const float *b_panel = packed_b + jr * kc;
            float *c_tile = c + ir * ldc + jr;
            if (rows == mr && cols == nr) {
                cfg->gemm_ukernel(kc, a_panel, b_panel, c_tile, ldc, alpha, beta);
            } else {
                cfg->gemm_ukernel(kc, a_panel, b_panel, edge, nr, alpha, 0.0f);
                for (ptrdiff_t i = 0; i < rows; ++i) {
                    for (ptrdiff_t j = 0; j < cols; ++j) {
                        float v = edge[i * nr + j];
                        float *dst = c_tile + i * ldc + j;
                        *dst = beta == 0.0f ? v : fmaf(beta, *dst, v);
                    }
                }
            }
        }
    }
}

/* Blocks of the packed path, clamped to the product so small products allocate little. */
typedef struct packed_blocking {
    ptrdiff_t nc, mc, kc; /* allocation sizes: whole panels */
} packed_blocking;

static packed_blocking blocking_for(const ck_config *cfg, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k) {
    packed_blocking blocks;
    blocks.nc = n < cfg->nc ? ((n + cfg->nr - 1) / cfg->nr) * cfg->nr : cfg->nc;
    blocks.mc = m < cfg->mc ? ((m + cfg->mr - 1) / cfg->mr) * cfg->mr : cfg->mc;
    blocks.kc = k < CK_KC ? k : CK_KC;
    return blocks;
}

/*
 * The packed algorithm as member t of a team of `team` threads, as BLIS runs it: the team packs
 * each KC x NC block of op(B) once, together (each thread a share of its NR-wide panels), into
 * the shared packed_b; then every thread runs the ic loop over its own rows of C, packing only
 * its own rows of A into its packed_a. Nothing is packed twice, and the shared B block is read
 * from the last-level cache by all. A team of one is the serial algorithm (no barriers). K is
 * never split, so each element of C gets the same operations whatever the team.
 */
static void gemm_packed_member(const ck_config *cfg, ptrdiff_t t, ptrdiff_t team, ck_transpose ta, ck_transpose tb,
                               ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                               const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                               float beta, float *c, ptrdiff_t ldc, float *packed_b, float *packed_a) {
    const int mr = cfg->mr, nr = cfg->nr;
    const ptrdiff_t row_units = (m + mr - 1) / mr;
    ptrdiff_t first_row = row_units * t / team * mr, last_row = row_units * (t + 1) / team * mr;
    if (last_row > m) last_row = m;
    for (ptrdiff_t jc = 0; jc < n; jc += cfg->nc) {
        ptrdiff_t nc = n - jc < cfg->nc ? n - jc : cfg->nc;
        ptrdiff_t panels = (nc + nr - 1) / nr;
        ptrdiff_t first_col = panels * t / team * nr, last_col = panels * (t + 1) / team * nr;
        if (last_col > nc) last_col = nc;
        for (ptrdiff_t pc = 0; pc < k; pc += CK_KC) {
            ptrdiff_t kc = k - pc < CK_KC ? k - pc : CK_KC;
            float beta_block = pc == 0 ? beta : 1.0f;
            ptrdiff_t col = jc + first_col;
            const float *b_block = tb == CK_NO_TRANS ? b + pc * ldb + col : b + col * ldb + pc;
            if (first_col < last_col) pack_b(tb, kc, last_col - first_col, b_block, ldb, nr, packed_b + first_col * kc);
#ifdef _OPENMP
            if (team > 1) {
#pragma omp barrier
            }
#endif
            for (ptrdiff_t ic = first_row; ic < last_row; ic += cfg->mc) {
                ptrdiff_t mc = last_row - ic < cfg->mc ? last_row - ic : cfg->mc;
                const float *a_block = ta == CK_NO_TRANS ? a + ic * lda + pc : a + pc * lda + ic;
                pack_a(ta, mc, kc, a_block, lda, mr, packed_a);
                macro_kernel(cfg, mc, nc, kc, packed_a, packed_b, alpha, beta_block, c + ic * ldc + jc, ldc);
            }
            /* Everyone is done with this B block before the next one overwrites it. */
#ifdef _OPENMP
            if (team > 1) {
#pragma omp barrier
            }
#endif
        }
    }
}

/* The packing memory of one thread (or, for thread 0 of a team, the shared B block and its own
 * A) for the product, sized for all of M: OpenMP may start fewer threads than asked (inside
 * another parallel region, under OMP_THREAD_LIMIT or OMP_DYNAMIC), each then taking more rows. */
static size_t packed_b_floats(packed_blocking blocks) {
    return ((size_t)blocks.nc * (size_t)blocks.kc + 15) & ~(size_t)15;
}

static size_t packed_a_floats(packed_blocking blocks) {
    return (size_t)blocks.mc * (size_t)blocks.kc;
}

/* One thread alone: the whole blocked algorithm on an m x n piece of C. */
static void gemm_serial(const ck_config *cfg, ck_transpose ta, ck_transpose tb,
                        ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                        const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                        float beta, float *c, ptrdiff_t ldc) {
    const packed_blocking blocks = blocking_for(cfg, m, n, k);
    float *packed_b = ck_scratch(packed_b_floats(blocks) + packed_a_floats(blocks));
    gemm_packed_member(cfg, 0, 1, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
                       packed_b, packed_b + packed_b_floats(blocks));
}

/* The packed path on several threads sharing each packed block of B (gemm_packed_member). */
static void gemm_packed_parallel(const ck_config *cfg, int threads, ck_transpose ta, ck_transpose tb,
                                 ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                                 const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                                 float beta, float *c, ptrdiff_t ldc) {
#ifdef _OPENMP
    const packed_blocking blocks = blocking_for(cfg, m, n, k);
    const size_t b_floats = packed_b_floats(blocks), a_floats = packed_a_floats(blocks);
    /* The calling thread becomes thread 0: its scratch holds the shared B block and its own A. */
    float *packed_b = ck_scratch(b_floats + a_floats);
#pragma omp parallel num_threads(threads)
    {
        const ptrdiff_t t = omp_get_thread_num(), team = omp_get_num_threads();
        float *packed_a = t == 0 ? packed_b + b_floats : ck_scratch(a_floats);
        gemm_packed_member(cfg, t, team, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, packed_b, packed_a);
    }
#else
    (void)threads;
    gemm_serial(cfg, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#endif
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
        packed_b = ck_scratch((size_t)n_padded * (size_t)k);
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
    /* Enough rows for every thread: share the packed B (see gemm_packed_parallel). */
    if (!small && (m >= n || (m + cfg->mr - 1) / cfg->mr >= 4 * (ptrdiff_t)threads)) {
        gemm_packed_parallel(cfg, threads, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return CK_OK;
    }

    /* Otherwise split the larger of M and N into `threads` ranges of whole tiles of the chosen
     * path, each thread running the whole algorithm on its part. */
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
