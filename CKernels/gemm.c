/*
 * SGEMM driver, BLIS style: five loops around a microkernel, with BLIS's roles of A and B
 * exchanged, because our macro-kernel keeps an A micro-panel in L1 and streams B past it:
 *
 *   ic: M in blocks of MC            (the packed MC x KC block of op(A) stays in L3)
 *    pc: K in blocks of CK_KC        (pack that block of op(A) into MR-tall panels)
 *     jc: N in blocks of NC          (pack the KC x NC block of op(B) into NR-wide panels: L2)
 *      ir: MR rows                   (the MR x KC micro-panel of A stays in L1 ...)
 *       jr: NR columns               (... while B's micro-panels stream from L2; C in registers)
 *
 * MC and NC come from the cache geometry (caches.c) through BLIS's analytical model
 * (blocking_of below); KC is the same for every ISA and machine. Transposes are absorbed by
 * the packing routines, so the microkernel only ever sees one layout. Edge tiles are computed
 * into a local MR x NR tile and the valid part copied out, so there is no scalar slow path.
 * Threads share each packed A block and split C's columns, each packing its own B blocks
 * (gemm_packed_member), or split C into row or column ranges at tile boundaries; K is never
 * split, so every element of C is summed by one thread in the same order whatever the thread
 * count, the block sizes or the loop order.
 */
#include "ck_internal.h"

#include <math.h>
#include <string.h>

#include "ck_openmp.h"

/* Largest tile of any ISA, for the edge buffer. */
#define CK_MAX_MR 16
#define CK_MAX_NR 64

/* [first, last): thread t's share of `extent` items split into `team` ranges of whole units
 * (tiles or panels), the last one clamped to the extent. */
typedef struct ck_range {
    ptrdiff_t first, last;
} ck_range;

static ck_range share_of(ptrdiff_t extent, ptrdiff_t unit, ptrdiff_t t, ptrdiff_t team) {
    const ptrdiff_t units = (extent + unit - 1) / unit;
    ck_range range = {units * t / team * unit, units * (t + 1) / team * unit};
    if (range.first > extent) range.first = extent;
    if (range.last > extent) range.last = extent;
    return range;
}

/* `value` within [lo, hi], as a multiple of `unit` (rounded down, or up to stay at least lo). */
static ptrdiff_t clamp_to_multiple(double value, ptrdiff_t lo, ptrdiff_t hi, ptrdiff_t unit) {
    ptrdiff_t v = value < (double)lo ? lo : value > (double)hi ? hi : (ptrdiff_t)value;
    v = v / unit * unit;
    return v < lo ? v + unit : v;
}

/*
 * MC and NC from the cache geometry (Low et al., "Analytical modeling is enough for
 * high-performance BLIS", ACM TOMS 2016, with A and B exchanged as above). KC is fixed, so
 * the model's L1 step becomes a check that the MR x KC micro-panel of A fits in half of L1
 * beside the B micro-panel streaming through. The KC x NC block of B gets a fraction of the
 * core's share of L2 and the MC x KC block of A a fraction of its share of L3 (of L2 when
 * there is no L3, beside the B block); the fractions and bounds are in tuning.c.
 */
static ck_gemm_blocking_info blocking_of(const ck_config *cfg, const ck_cache_info *caches) {
    const ck_tuning *tuning = cfg->tuning;
    const double block_row = (double)CK_KC * sizeof(float); /* bytes of one row / column of a block */
    const double l2_share = (double)caches->l2_bytes / (caches->l2_shared_by > 0 ? caches->l2_shared_by : 1);
    const double l3_share = (double)caches->l3_bytes / (caches->l3_shared_by > 0 ? caches->l3_shared_by : 1);
    ck_gemm_blocking_info blocks = {0};
    blocks.mr = cfg->mr;
    blocks.nr = cfg->nr;
    blocks.kc = CK_KC;
    blocks.unpacked_mr = cfg->unpacked_mr;
    blocks.unpacked_nr = cfg->unpacked_nr;
    blocks.a_panel_fits_l1 = (double)cfg->mr * block_row <= 0.5 * (double)caches->l1d_bytes;
    blocks.nc = clamp_to_multiple(tuning->b_block_l2_fraction * l2_share / block_row,
                                  tuning->nc_min, tuning->nc_max, cfg->nr);
    const double last_level = caches->l3_bytes > 0 ? l3_share : l2_share - (double)blocks.nc * block_row;
    blocks.mc = clamp_to_multiple(tuning->a_block_l3_fraction * last_level / block_row,
                                  tuning->mc_min, tuning->mc_max, cfg->mr);
    return blocks;
}

void ck_gemm_blocking(ck_isa isa, ck_gemm_blocking_info *blocking) {
    if (blocking == NULL) return;
    const ck_config *cfg = ck_config_of(isa);
    *blocking = cfg ? blocking_of(cfg, ck_caches_active()) : (ck_gemm_blocking_info){0};
}

/* The transposing case of both packings: `lines` lines of kc floats, each contiguous along k,
 * into a kc x width panel (ck_pack_lines_fn), through the table's vector kernel when it has one. */
static void pack_lines(const ck_config *cfg, ptrdiff_t kc, ptrdiff_t lines, const float *src, ptrdiff_t ld,
                       int width, float *out) {
    if (cfg->pack_lines != NULL) {
        cfg->pack_lines(kc, (int)lines, src, ld, width, out);
        return;
    }
    for (ptrdiff_t i = 0; i < lines; ++i) {
        const float *line = src + i * ld;
        for (ptrdiff_t p = 0; p < kc; ++p) out[p * width + i] = line[p];
    }
    for (ptrdiff_t i = lines; i < width; ++i) {
        for (ptrdiff_t p = 0; p < kc; ++p) out[p * width + i] = 0.0f;
    }
}

/* The copying case: kc rows of `count` contiguous floats (row p at src + p * ld) into a
 * kc x width panel, zero-padded. */
static void pack_rows(ptrdiff_t kc, ptrdiff_t count, const float *src, ptrdiff_t ld, int width, float *out) {
    for (ptrdiff_t p = 0; p < kc; ++p) {
        const float *row = src + p * ld;
        float *dst = out + p * width;
        ptrdiff_t i = 0;
        for (; i < count; ++i) dst[i] = row[i];
        for (; i < width; ++i) dst[i] = 0.0f;
    }
}

/* Packs rows [0, mc) x columns [0, kc) of op(A) (already offset) into MR-tall panels. */
static void pack_a(const ck_config *cfg, ck_transpose ta, ptrdiff_t mc, ptrdiff_t kc, const float *a, ptrdiff_t lda,
                   float *out) {
    const int mr = cfg->mr;
    for (ptrdiff_t ir = 0; ir < mc; ir += mr) {
        const ptrdiff_t rows = mc - ir < mr ? mc - ir : mr;
        if (ta == CK_TRANS) {
            pack_rows(kc, rows, a + ir, lda, mr, out + ir * kc);
        } else {
            pack_lines(cfg, kc, rows, a + ir * lda, lda, mr, out + ir * kc);
        }
    }
}

/* Packs rows [0, kc) x columns [0, nc) of op(B) (already offset) into NR-wide panels. */
static void pack_b(const ck_config *cfg, ck_transpose tb, ptrdiff_t kc, ptrdiff_t nc, const float *b, ptrdiff_t ldb,
                   int nr, float *out) {
    for (ptrdiff_t jr = 0; jr < nc; jr += nr) {
        const ptrdiff_t cols = nc - jr < nr ? nc - jr : nr;
        if (tb == CK_NO_TRANS) {
            pack_rows(kc, cols, b + jr, ldb, nr, out + jr * kc);
        } else {
            pack_lines(cfg, kc, cols, b + jr * ldb, ldb, nr, out + jr * kc);
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

/* The packing memory of the packed path, with blocks clamped to the product so that small
 * products allocate little: a B block of KC x NC and an A block of MC x KC floats. */
typedef struct packed_sizes {
    ptrdiff_t mc, nc, kc;          /* the blocks in use */
    size_t a_floats, b_floats;     /* whole panels, rounded to 64 bytes */
} packed_sizes;

static packed_sizes packed_sizes_for(const ck_config *cfg, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k) {
    const ck_gemm_blocking_info blocks = blocking_of(cfg, ck_caches_active());
    packed_sizes sizes = {.mc = blocks.mc, .nc = blocks.nc, .kc = k < CK_KC ? k : CK_KC};
    const ptrdiff_t mc = m < blocks.mc ? (m + cfg->mr - 1) / cfg->mr * cfg->mr : blocks.mc;
    const ptrdiff_t nc = n < blocks.nc ? (n + cfg->nr - 1) / cfg->nr * cfg->nr : blocks.nc;
    sizes.a_floats = ((size_t)mc * (size_t)sizes.kc + 15) & ~(size_t)15;
    sizes.b_floats = ((size_t)nc * (size_t)sizes.kc + 15) & ~(size_t)15;
    return sizes;
}

/*
 * The packed algorithm as member t of a team of `team` threads: for each block of A (ic, pc)
 * the team packs it once, together (each thread a share of its MR-tall panels), into the shared
 * packed_a; then every thread runs the jc loop over its own columns of C, packing its own B
 * blocks into its packed_b, which stays in its core's L2. Nothing is packed twice. A team of one
 * is the serial algorithm (no barriers). K is never split, so each element of C gets the same
 * operations whatever the team and the block sizes.
 */
static void gemm_packed_member(const ck_config *cfg, packed_sizes sizes, ptrdiff_t t, ptrdiff_t team,
                               ck_transpose ta, ck_transpose tb, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                               const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                               float beta, float *c, ptrdiff_t ldc, float *packed_a, float *packed_b) {
    const int mr = cfg->mr, nr = cfg->nr;
    const ck_range columns = share_of(n, nr, t, team);
    for (ptrdiff_t ic = 0; ic < m; ic += sizes.mc) {
        const ptrdiff_t mc = m - ic < sizes.mc ? m - ic : sizes.mc;
        const ck_range rows = share_of(mc, mr, t, team);
        for (ptrdiff_t pc = 0; pc < k; pc += CK_KC) {
            const ptrdiff_t kc = k - pc < CK_KC ? k - pc : CK_KC;
            const float beta_block = pc == 0 ? beta : 1.0f;
            if (rows.first < rows.last) {
                const ptrdiff_t row = ic + rows.first;
                const float *a_block = ta == CK_NO_TRANS ? a + row * lda + pc : a + pc * lda + row;
                pack_a(cfg, ta, rows.last - rows.first, kc, a_block, lda, packed_a + rows.first * kc);
            }
#ifdef _OPENMP
            if (team > 1) {
#pragma omp barrier
            }
#endif
            for (ptrdiff_t jc = columns.first; jc < columns.last; jc += sizes.nc) {
                const ptrdiff_t nc = columns.last - jc < sizes.nc ? columns.last - jc : sizes.nc;
                const float *b_block = tb == CK_NO_TRANS ? b + pc * ldb + jc : b + jc * ldb + pc;
                pack_b(cfg, tb, kc, nc, b_block, ldb, nr, packed_b);
                macro_kernel(cfg, mc, nc, kc, packed_a, packed_b, alpha, beta_block, c + ic * ldc + jc, ldc);
            }
            /* Everyone is done with this A block before the next one overwrites it. */
#ifdef _OPENMP
            if (team > 1) {
#pragma omp barrier
            }
#endif
        }
    }
}

/* The packed path on the calling thread alone: a team of one. */
static void gemm_packed(const ck_config *cfg, ck_transpose ta, ck_transpose tb,
                        ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                        const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                        float beta, float *c, ptrdiff_t ldc) {
    const packed_sizes sizes = packed_sizes_for(cfg, m, n, k);
    float *packed_a = ck_scratch(sizes.a_floats + sizes.b_floats);
    gemm_packed_member(cfg, sizes, 0, 1, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
                       packed_a, packed_a + sizes.a_floats);
}

/* The packed path on several threads sharing each packed block of A (gemm_packed_member).
 * OpenMP may start fewer threads than asked (inside another parallel region, under
 * OMP_THREAD_LIMIT or OMP_DYNAMIC): the shares are computed from the team that runs. */
static void gemm_packed_parallel(const ck_config *cfg, int threads, ck_transpose ta, ck_transpose tb,
                                 ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                                 const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                                 float beta, float *c, ptrdiff_t ldc) {
#ifdef _OPENMP
    const packed_sizes sizes = packed_sizes_for(cfg, m, n, k);
    /* The calling thread becomes thread 0: its scratch holds the shared A block and its own B. */
    float *packed_a = ck_scratch(sizes.a_floats + sizes.b_floats);
#pragma omp parallel num_threads(threads)
    {
        const ptrdiff_t t = omp_get_thread_num(), team = omp_get_num_threads();
        float *packed_b = t == 0 ? packed_a + sizes.a_floats : ck_scratch(sizes.b_floats);
        gemm_packed_member(cfg, sizes, t, team, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
                           packed_a, packed_b);
    }
#else
    (void)threads;
    gemm_packed(cfg, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#endif
}

/*
 * The unpacked path for small and narrow products: A and a non-transposed B are read in
 * place; a transposed B is packed once, all of K. Same K blocking and epilogue as
 * the packed path, so both give the same bits.
 *
 * Row tiles outermost: one tile's rows of A are read start to end (long streams the hardware
 * prefetcher follows) while its C tile stays in L1 across the K blocks, and B — small
 * whenever this path is taken — stays in L2 for every tile. A, the big operand of the
 * tall, skinny products a network makes, is read exactly once.
 */
static void gemm_unpacked(const ck_config *cfg, ck_transpose ta, ck_transpose tb,
                          ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                          const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                          float beta, float *c, ptrdiff_t ldc) {
    const int mr = cfg->unpacked_mr, nr = cfg->unpacked_nr;
    const ptrdiff_t rsa = ta == CK_NO_TRANS ? lda : 1, csa = ta == CK_NO_TRANS ? 1 : lda;
    const ptrdiff_t n_padded = (n + nr - 1) / nr * nr;
    float *packed_b = NULL;
    if (tb == CK_TRANS) {
        packed_b = ck_scratch((size_t)n_padded * (size_t)k);
        /* K block pc occupies kc x n_padded floats at offset pc * n_padded. */
        for (ptrdiff_t pc = 0; pc < k; pc += CK_KC) {
            ptrdiff_t kc = k - pc < CK_KC ? k - pc : CK_KC;
            pack_b(cfg, tb, kc, n, b + pc, ldb, nr, packed_b + pc * n_padded);
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
                cfg->gemm_unpacked(kc, a + ir * rsa + pc * csa, rsa, csa, b_panel, rsb,
                                   c + ir * ldc + jr, ldc, alpha, beta_block, rows, cols);
            }
        }
    }
}

static int takes_unpacked_path(const ck_config *cfg, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k) {
    const ck_tuning *tuning = cfg->tuning;
    return cfg->gemm_unpacked != NULL && (n <= tuning->unpacked_max_tiles * cfg->unpacked_nr
                                          || 2.0 * (double)m * (double)n * (double)k <= tuning->unpacked_below_flops);
}

/* One thread's part of C with the path chosen for the whole product. */
static void gemm_part(const ck_config *cfg, int unpacked, ck_transpose ta, ck_transpose tb,
                      ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                      const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                      float beta, float *c, ptrdiff_t ldc) {
    if (unpacked) {
        gemm_unpacked(cfg, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    } else {
        gemm_packed(cfg, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}

/* ck_sgemm, on several threads when `threaded` and the product is large enough. */
static ck_status sgemm(int threaded, ck_transpose trans_a, ck_transpose trans_b,
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
    const int unpacked = takes_unpacked_path(cfg, m, n, k);
    int threads = !threaded ? 1 : ck_threads_for(2.0 * (double)m * (double)n * (double)k,
                                                       cfg->tuning->gemm_serial_below_flops);
    if (threads <= 1) {
        gemm_part(cfg, unpacked, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return CK_OK;
    }
    /* Enough column panels for every thread: share the packed A (see gemm_packed_parallel). */
    if (!unpacked && (n + cfg->nr - 1) / cfg->nr >= cfg->tuning->shared_a_min_panels * (ptrdiff_t)threads) {
        gemm_packed_parallel(cfg, threads, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return CK_OK;
    }

    /* Otherwise split the larger of M and N into `threads` ranges of whole tiles of the chosen
     * path, each thread running the whole algorithm on its part. */
    const int split_columns = n >= m;
    const ptrdiff_t unit = split_columns ? (unpacked ? cfg->unpacked_nr : cfg->nr) : (unpacked ? cfg->unpacked_mr : cfg->mr);
    const ptrdiff_t extent = split_columns ? n : m;
    const ptrdiff_t units = (extent + unit - 1) / unit;
    if (units < threads) threads = (int)units;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
    {
#ifdef _OPENMP
        const ck_range part = share_of(extent, unit, omp_get_thread_num(), omp_get_num_threads());
#else
        const ck_range part = share_of(extent, unit, 0, 1);
#endif
        const ptrdiff_t first = part.first, count = part.last - part.first;
        if (count > 0) {
            if (split_columns) {
                const float *b_part = trans_b == CK_NO_TRANS ? b + first : b + first * ldb;
                gemm_part(cfg, unpacked, trans_a, trans_b, m, count, k, alpha, a, lda, b_part, ldb,
                          beta, c + first, ldc);
            } else {
                const float *a_part = trans_a == CK_NO_TRANS ? a + first * lda : a + first;
                gemm_part(cfg, unpacked, trans_a, trans_b, count, n, k, alpha, a_part, lda, b, ldb,
                          beta, c + first * ldc, ldc);
            }
        }
    }
    return CK_OK;
}

ck_status ck_sgemm(ck_transpose trans_a, ck_transpose trans_b,
                   ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                   float alpha, const float *a, ptrdiff_t lda,
                   const float *b, ptrdiff_t ldb,
                   float beta, float *c, ptrdiff_t ldc) {
    return sgemm(1, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

ck_status ck_sgemm_one_thread(ck_transpose trans_a, ck_transpose trans_b,
                              ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                              float alpha, const float *a, ptrdiff_t lda,
                              const float *b, ptrdiff_t ldb,
                              float beta, float *c, ptrdiff_t ldc) {
    return sgemm(0, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
