/*
 * Internal contract between the portable driver code and the per-ISA microkernels.
 * Not part of the public API (CKernels/include/ckernels.h is).
 */
#ifndef CK_INTERNAL_H
#define CK_INTERNAL_H

#include "ckernels.h"
#include <stddef.h>
#include <stdint.h>

/*
 * GEMM microkernel: the MR x NR tile
 *     C := alpha * (A_panel * B_panel) + beta * C
 * A_panel is packed k x MR (element (i, p) at a[p * MR + i]), B_panel is packed k x NR
 * (element (p, j) at b[p * NR + j]); both 64-byte aligned. C has row stride ldc.
 * beta == 0: C is not read. Every kernel accumulates acc(i, j) from p = 0 upwards with one
 * fused multiply-add per step and finishes with fma(beta, C, alpha * acc): that order is
 * the contract which makes all ISAs bitwise identical.
 */
typedef void (*ck_gemm_ukernel_fn)(ptrdiff_t k, const float *a, const float *b,
                                   float *c, ptrdiff_t ldc, float alpha, float beta);

/*
 * Unpacked microkernel (BLIS calls the path "sup") for products too small to repay
 * packing: the rows x cols tile (rows <= unpacked_mr, cols <= unpacked_nr) of
 *     C := alpha * (A * B) + beta * C
 * with A read in place, element (i, p) at a[i * rsa + p * csa] (so either transpose works),
 * and B read in place row by row, element (p, j) at b[p * rsb + j] (unit column stride).
 * Same accumulation order and epilogue as the packed microkernel: results are identical.
 */
typedef void (*ck_gemm_unpacked_fn)(ptrdiff_t k, const float *a, ptrdiff_t rsa, ptrdiff_t csa,
                                    const float *b, ptrdiff_t rsb, float *c, ptrdiff_t ldc,
                                    float alpha, float beta, int rows, int cols);

/*
 * The transposing case of packing: `lines` (<= width) lines of kc floats, line i at src + i * ld
 * and contiguous along k, become a kc x width panel, out[p * width + i] = src[i * ld + p], with
 * zeros for lines <= i < width. That is packing A when it is not transposed (lines are rows of
 * A, width MR) and B when it is (lines are columns of op(B), width NR). Writes only the panel.
 * Optional (NULL: a scalar loop; copying is exact either way).
 */
typedef void (*ck_pack_lines_fn)(ptrdiff_t kc, int lines, const float *src, ptrdiff_t ld, int width, float *out);

/* Elementwise kernels over n contiguous elements (already validated). */
typedef void (*ck_relu_forward_fn)(ptrdiff_t n, const float *x, float *y, uint8_t *mask);
typedef void (*ck_relu_backward_fn)(ptrdiff_t n, const float *dy, const uint8_t *mask, float *dx);
typedef void (*ck_sigmoid_forward_fn)(ptrdiff_t n, const float *x, float *y);
/*
 * One softmax row: y[j] = exp(x[j] - max) for all j, returns the sum of those values in
 * the canonical order (16 partial sums, lane j % 16, folded 8-4-2-1), so every ISA gives
 * the same bits. `max` is finite here: the caller handles NaN and infinite maxima.
 */
typedef float (*ck_exp_shifted_sum_fn)(ptrdiff_t n, const float *x, float max, float *y);
/* y[j] *= s for j in [0, n): the last pass of softmax. Optional (NULL: a plain C loop, which
 * the compiler vectorizes only for the baseline ISA). */
typedef void (*ck_scale_fn)(ptrdiff_t n, float s, float *y);
/* The whole softmax of one short row (n <= 16, one vector) in a single pass: returns 1 and
 * sets *max and *sum (the denominator) when the row's maximum is finite, with the same bits as
 * row_max + exp_shifted_sum + scale; returns 0, writing nothing, otherwise (NaN or infinite
 * maximum: the portable code handles those). Optional. */
typedef int (*ck_softmax_short_row_fn)(ptrdiff_t n, const float *x, float *y, float *max, float *sum);
/*
 * The softmax of a block of 16 rows of n <= 16 columns (row i at x + i * ldx and y + i * ldy),
 * computed with the rows in vector lanes: one call replaces 16 horizontal reductions. For each
 * row whose maximum is finite it writes y, max[i] and sum[i] with the same bits as row_max +
 * exp_shifted_sum + scale (max of a row of zeros is +0); it returns a mask of the other rows
 * (bit i: NaN or infinite maximum), whose y, max[i] and sum[i] it leaves for the portable code.
 * Reads the whole block before writing, so y may alias x (ldy == ldx). May prefetch the rows
 * after the block (prefetches never fault). Optional (NULL: one softmax_row per row).
 */
typedef unsigned (*ck_softmax_rows16_fn)(ptrdiff_t n, const float *x, ptrdiff_t ldx, float *y, ptrdiff_t ldy,
                                         float max[16], float sum[16]);
/* max of x[0..n), n > 0; NaN if any element is NaN; +0 (never -0) when the maximum is zero,
 * because which zero a vector max keeps depends on the lane order. */
typedef float (*ck_row_max_fn)(ptrdiff_t n, const float *x);

/*
 * The machine facts the drivers decide with, other than cache sizes (caches.c): which GEMM
 * path, how many threads, how far ahead to prefetch, and the limits of the cache-derived block
 * sizes. Each value's reason is in tuning.c, beside the one definition all tables share today.
 */
typedef struct ck_tuning {
    double unpacked_below_flops;   /* a product this small takes the unpacked path ... */
    int unpacked_max_tiles;        /* ... and so does one whose C is at most this many unpacked tiles wide */
    double gemm_serial_below_flops; /* a product below this runs on one thread */
    int shared_a_min_panels;       /* threads share the packed A block when each gets this many NR panels of C */
    double b_block_l2_fraction;    /* the packed KC x NC block of B fills this much of the core's L2 */
    double a_block_l3_fraction;    /* the packed MC x KC block of A fills this much of the core's L3 share */
    ptrdiff_t mc_min, mc_max;      /* bounds on MC (rows of A per block) */
    ptrdiff_t nc_min, nc_max;      /* bounds on NC (columns of B per block) */
    double elementwise_serial_below; /* elements below which an elementwise kernel or softmax stays serial */
    double gather_serial_below;    /* elements below which a minibatch gather stays serial */
    int gather_prefetch_rows;      /* the gather prefetches the row this many rows ahead */
    int softmax_prefetch_blocks;   /* softmax_rows16 prefetches the block of 16 rows this many blocks ahead */
} ck_tuning;

extern const ck_tuning ck_tuning_default;

/* Everything that differs between instruction sets: one table per ISA (BLIS's "context").
 * The cache blocks MC and NC are not in it: they depend on the machine, and gemm.c derives
 * them from the tile, the caches (ck_caches_active) and the tuning. */
typedef struct ck_config {
    ck_isa isa;
    int mr, nr;          /* microkernel tile */
    ck_gemm_ukernel_fn gemm_ukernel;
    ck_pack_lines_fn pack_lines;
    int unpacked_mr, unpacked_nr;  /* unpacked tile; 0 when gemm_unpacked is NULL */
    ck_gemm_unpacked_fn gemm_unpacked;
    ck_relu_forward_fn relu_forward;
    ck_relu_backward_fn relu_backward;
    ck_sigmoid_forward_fn sigmoid_forward;
    ck_exp_shifted_sum_fn exp_shifted_sum;
    ck_row_max_fn row_max;
    ck_scale_fn scale;
    ck_softmax_short_row_fn softmax_short_row;
    ck_softmax_rows16_fn softmax_rows16;
    const ck_tuning *tuning;
} ck_config;

/* The cache geometry in use (caches.c; never NULL). */
const ck_cache_info *ck_caches_active(void);

/* K blocking shared by every ISA: part of the determinism contract above. */
#define CK_KC 256

/* The active table (never NULL). */
const ck_config *ck_config_active(void);

/* The table of `isa`; NULL when this CPU or build cannot run it. */
const ck_config *ck_config_of(ck_isa isa);

/* Per-ISA tables; NULL where the ISA is not compiled in. */
const ck_config *ck_config_scalar(void);
const ck_config *ck_config_avx2(void);
const ck_config *ck_config_avx512(void);
const ck_config *ck_config_neon(void);

/*
 * Runs the `for` statement given as the variadic argument on `threads` threads (OpenMP,
 * static schedule) when threads > 1, and as a plain loop otherwise. A plain loop rather than
 * OpenMP's `if` clause: a serialized parallel region still costs libomp a malloc per call,
 * and the training step must not allocate.
 */
#ifdef _OPENMP
#define CK_PARALLEL_FOR(threads, ...)                                                       \
    do {                                                                                    \
        int ck_team_ = (threads);                                                           \
        if (ck_team_ > 1) {                                                                 \
            _Pragma("omp parallel for schedule(static) num_threads(ck_team_)") __VA_ARGS__  \
        } else {                                                                            \
            __VA_ARGS__                                                                     \
        }                                                                                   \
    } while (0)
#else
#define CK_PARALLEL_FOR(threads, ...) do { (void)(threads); __VA_ARGS__ } while (0)
#endif

/*
 * Per-thread scratch memory of at least `floats` floats, 64-byte aligned, grown on demand and
 * kept (no allocation in steady state), freed when the thread exits. One buffer per thread:
 * a caller owns it until it calls ck_scratch again. Aborts when memory runs out.
 */
float *ck_scratch(size_t floats);

/* The per-thread scratch slots (scratch.c): independent buffers of one thread, for callers of
 * the GEMM that need memory of their own while the GEMM packs into its slot. */
enum { CK_SCRATCH_GEMM = 0, CK_SCRATCH_CONV_COLUMNS = 1, CK_SCRATCH_CONV_PARTIALS = 2, CK_SCRATCH_SLOTS = 3 };

/* Slot `slot` of the calling thread's scratch memory, as ck_scratch (which is slot 0). */
float *ck_scratch_slot(int slot, size_t floats);

/* ck_sgemm on the calling thread alone, for kernels that run one product per thread inside
 * their own parallel region (the convolution, one image per thread). Same validation, same
 * bits: the thread count never changes a result. */
ck_status ck_sgemm_one_thread(ck_transpose trans_a, ck_transpose trans_b,
                              ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                              float alpha, const float *a, ptrdiff_t lda,
                              const float *b, ptrdiff_t ldb,
                              float beta, float *c, ptrdiff_t ldc);

/* Threads to use for a job of `work` units (flops or bytes): 1 below `serial_below`. */
int ck_threads_for(double work, double serial_below);

/*
 * For softmax_rows16 kernels: prefetches the block of 16 rows `blocks` blocks after the one at
 * x (for reading) and y (for writing); the distance is the tuning's softmax_prefetch_blocks
 * (tuning.c says why). Rows at most 16 floats apart cover every cache line from a block's
 * first element to its last, so one prefetch per line; otherwise one for each row's first and
 * last element. Prefetches never fault, so blocks past the matrix's end are harmless; their
 * addresses are formed as integers because such pointers would not point into an object.
 */
#define CK_PREFETCH(address, write) \
    ((write) ? __builtin_prefetch((const void *)(address), 1, 3) : __builtin_prefetch((const void *)(address), 0, 3))

static inline __attribute__((always_inline)) void ck_prefetch_rows16(uintptr_t first, ptrdiff_t ld, ptrdiff_t n,
                                                                     const int write) {
    const ptrdiff_t row_bytes = ld * (ptrdiff_t)sizeof(float);
    const uintptr_t last = first + (uintptr_t)(15 * row_bytes) + (uintptr_t)(n - 1) * sizeof(float);
    if (ld <= 16) {
        for (uintptr_t line = first; line < last; line += 64) CK_PREFETCH(line, write);
        CK_PREFETCH(last, write);
    } else {
        for (int i = 0; i < 16; ++i) {
            uintptr_t row = first + (uintptr_t)(i * row_bytes);
            CK_PREFETCH(row, write);
            CK_PREFETCH(row + (uintptr_t)(n - 1) * sizeof(float), write);
        }
    }
}

static inline __attribute__((always_inline)) void ck_prefetch_next_rows16(ptrdiff_t n, const float *x, ptrdiff_t ldx,
                                                                          float *y, ptrdiff_t ldy, int blocks) {
    const ptrdiff_t ahead = 16 * blocks * (ptrdiff_t)sizeof(float);
    ck_prefetch_rows16((uintptr_t)x + (uintptr_t)(ahead * ldx), ldx, n, 0);
    ck_prefetch_rows16((uintptr_t)y + (uintptr_t)(ahead * ldy), ldy, n, 1);
}

/*
 * The split of elementwise work among threads, shared by every file of kernels that work
 * element by element or column by column (elementwise.c, batchnorm.c, dropout.c).
 *
 * CK_CHUNK is the largest piece a thread takes at a time (below the tuning's
 * elementwise_serial_below elements a kernel stays on one thread). These kernels compute
 * every output element on its own, so how [0, n) is cut never changes a result.
 */
#define CK_CHUNK 16384

/* Threads for an elementwise job of `elements` elements: 1 below the tuning's threshold. */
static inline int ck_elementwise_threads(double elements) {
    return ck_threads_for(elements, ck_config_active()->tuning->elementwise_serial_below);
}

/* The piece length for n elements on `team` threads: whole 64-byte lines, at most CK_CHUNK,
 * and a number of pieces that is a multiple of the team, so that the static schedule gives
 * every thread one contiguous, equal share. Equal shares in order are what the parallel GEMM
 * and gather leave in each core's cache (a gradient's first half on the first thread), so an
 * update that follows them reads its share where it already is. */
static inline ptrdiff_t ck_piece_length(ptrdiff_t n, int team) {
    if (n <= 0) return 16; /* no pieces; any length that is not zero */
    ptrdiff_t pieces = (n + CK_CHUNK - 1) / CK_CHUNK;
    pieces = (pieces + team - 1) / team * team;
    ptrdiff_t length = (n + pieces - 1) / pieces;
    return (length + 15) / 16 * 16;
}

/* Runs `body` with `start` and `count` set for each piece of [0, n) (ck_piece_length), in
 * parallel when n is large. */
#define CK_FOR_CHUNKS(n, body)                                                            \
    do {                                                                                  \
        ptrdiff_t ck_n_ = (n);                                                            \
        int ck_team_for_ = ck_elementwise_threads((double)ck_n_);                         \
        ptrdiff_t ck_piece_ = ck_piece_length(ck_n_, ck_team_for_);                       \
        ptrdiff_t ck_chunks_ = (ck_n_ + ck_piece_ - 1) / ck_piece_;                       \
        CK_PARALLEL_FOR(ck_team_for_,                                                     \
        for (ptrdiff_t ck_c_ = 0; ck_c_ < ck_chunks_; ++ck_c_) {                          \
            ptrdiff_t start = ck_c_ * ck_piece_;                                          \
            ptrdiff_t count = ck_n_ - start < ck_piece_ ? ck_n_ - start : ck_piece_;      \
            body;                                                                         \
        });                                                                               \
    } while (0)

/* A vector of n elements needs a pointer unless it is empty. */
#define CK_NEED(n, p) ((n) > 0 && (p) == NULL)

/* A matrix operand: m x n with leading dimension ld >= n, non-NULL unless empty. */
static inline int ck_bad_matrix(ptrdiff_t m, ptrdiff_t n, const void *p, ptrdiff_t ld) {
    return ld < n || (m > 0 && n > 0 && p == NULL);
}

/* The canonical 16-lane exp(x) shared by all ISAs, scalar form (see exp_poly.h). */
float ck_exp_scalar(float x);

#endif
