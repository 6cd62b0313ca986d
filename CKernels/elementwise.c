/*
 * Elementwise kernels, bias, column sums and optimizer updates: argument checks, the split
 * into fixed chunks for threads, and the call into the active ISA's table. Memory-bound
 * loops without a transcendental function are plain C, which the compiler vectorizes; only
 * the ones with a mask or an exp have per-ISA versions.
 */
#include "ck_internal.h"

#include <math.h>
#include <string.h>

#include "ck_openmp.h"

/* The largest piece a thread takes at a time (below the tuning's elementwise_serial_below
 * elements a kernel stays on one thread). Every kernel here works element by element, so how
 * [0, n) is cut never changes a result. */
#define CK_CHUNK 16384

static int elementwise_threads(double elements) {
    return ck_threads_for(elements, ck_config_active()->tuning->elementwise_serial_below);
}

/* The piece length for n elements on `team` threads: whole 64-byte lines, at most CK_CHUNK,
 * and a number of pieces that is a multiple of the team, so that the static schedule gives
 * every thread one contiguous, equal share. Equal shares in order are what the parallel GEMM
 * and gather leave in each core's cache (a gradient's first half on the first thread), so an
 * update that follows them reads its share where it already is. */
static ptrdiff_t piece_length(ptrdiff_t n, int team) {
    if (n <= 0) return 16; /* no pieces; any length that is not zero */
    ptrdiff_t pieces = (n + CK_CHUNK - 1) / CK_CHUNK;
    pieces = (pieces + team - 1) / team * team;
    ptrdiff_t length = (n + pieces - 1) / pieces;
    return (length + 15) / 16 * 16;
}

/* Runs `body` with `start` and `count` set for each piece of [0, n) (piece_length), in
 * parallel when n is large. */
#define CK_FOR_CHUNKS(n, body)                                                            \
    do {                                                                                  \
        ptrdiff_t ck_n_ = (n);                                                            \
        int ck_team_for_ = elementwise_threads((double)ck_n_);                            \
        ptrdiff_t ck_piece_ = piece_length(ck_n_, ck_team_for_);                          \
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

ck_status ck_relu_forward(ptrdiff_t n, const float *x, float *y, uint8_t *mask) {
    if (n < 0 || CK_NEED(n, x) || CK_NEED(n, y) || CK_NEED(n, mask)) return CK_EINVAL;
    const ck_config *cfg = ck_config_active();
    CK_FOR_CHUNKS(n, cfg->relu_forward(count, x + start, y + start, mask + start));
    return CK_OK;
}

ck_status ck_relu_backward(ptrdiff_t n, const float *dy, const uint8_t *mask, float *dx) {
    if (n < 0 || CK_NEED(n, dy) || CK_NEED(n, mask) || CK_NEED(n, dx)) return CK_EINVAL;
    const ck_config *cfg = ck_config_active();
    CK_FOR_CHUNKS(n, cfg->relu_backward(count, dy + start, mask + start, dx + start));
    return CK_OK;
}

ck_status ck_sigmoid_forward(ptrdiff_t n, const float *x, float *y) {
    if (n < 0 || CK_NEED(n, x) || CK_NEED(n, y)) return CK_EINVAL;
    const ck_config *cfg = ck_config_active();
    CK_FOR_CHUNKS(n, cfg->sigmoid_forward(count, x + start, y + start));
    return CK_OK;
}

static void sigmoid_backward_chunk(ptrdiff_t n, const float *dy, const float *y, float *dx) {
    for (ptrdiff_t i = 0; i < n; ++i) dx[i] = dy[i] * (1.0f - y[i]) * y[i];
}

ck_status ck_sigmoid_backward(ptrdiff_t n, const float *dy, const float *y, float *dx) {
    if (n < 0 || CK_NEED(n, dy) || CK_NEED(n, y) || CK_NEED(n, dx)) return CK_EINVAL;
    CK_FOR_CHUNKS(n, sigmoid_backward_chunk(count, dy + start, y + start, dx + start));
    return CK_OK;
}

/* A matrix operand: m x n with leading dimension ld >= n, non-NULL unless empty. */
static int bad_matrix(ptrdiff_t m, ptrdiff_t n, const void *p, ptrdiff_t ld) {
    return ld < n || (m > 0 && n > 0 && p == NULL);
}

ck_status ck_add_row_bias(ptrdiff_t m, ptrdiff_t n, const float *bias, float *y, ptrdiff_t ldy) {
    if (m < 0 || n < 0 || CK_NEED(m > 0 ? n : 0, bias) || bad_matrix(m, n, y, ldy)) return CK_EINVAL;
    CK_PARALLEL_FOR(elementwise_threads((double)m * (double)n),
    for (ptrdiff_t i = 0; i < m; ++i) {
        float *row = y + i * ldy;
        for (ptrdiff_t j = 0; j < n; ++j) row[j] += bias[j];
    });
    return CK_OK;
}

ck_status ck_add_row_bias_relu(ptrdiff_t m, ptrdiff_t n, const float *bias,
                               float *y, ptrdiff_t ldy, uint8_t *mask) {
    if (m < 0 || n < 0 || CK_NEED(m > 0 ? n : 0, bias) || bad_matrix(m, n, y, ldy)
        || CK_NEED(m * n, mask)) return CK_EINVAL;
    const ck_config *cfg = ck_config_active();
    CK_PARALLEL_FOR(elementwise_threads((double)m * (double)n),
    for (ptrdiff_t i = 0; i < m; ++i) {
        float *row = y + i * ldy;
        for (ptrdiff_t j = 0; j < n; ++j) row[j] += bias[j];
        cfg->relu_forward(n, row, row, mask + i * n);
    });
    return CK_OK;
}

ck_status ck_column_sums(ptrdiff_t m, ptrdiff_t n, const float *x, ptrdiff_t ldx, float *sums) {
    if (m < 0 || n < 0 || bad_matrix(m, n, x, ldx) || CK_NEED(n, sums)) return CK_EINVAL;
    for (ptrdiff_t j = 0; j < n; ++j) sums[j] = 0.0f;
    /* Row by row keeps the access contiguous and adds rows in ascending order per column. */
    for (ptrdiff_t i = 0; i < m; ++i) {
        const float *row = x + i * ldx;
        for (ptrdiff_t j = 0; j < n; ++j) sums[j] += row[j];
    }
    return CK_OK;
}

ck_status ck_gather_rows(ptrdiff_t rows, ptrdiff_t width, const float *src, ptrdiff_t src_rows, ptrdiff_t ld_src,
                         const ptrdiff_t *indices, float *dst, ptrdiff_t ld_dst) {
    if (rows < 0 || width < 0 || src_rows < 0 || ld_src < width || ld_dst < width) return CK_EINVAL;
    if (rows == 0) return CK_OK;
    if (indices == NULL || (width > 0 && (src == NULL || dst == NULL))) return CK_EINVAL;
    for (ptrdiff_t r = 0; r < rows; ++r) {
        if (indices[r] < 0 || indices[r] >= src_rows) return CK_ERANGE;
    }
    if (width == 0) return CK_OK;
    const ck_tuning *tuning = ck_config_active()->tuning;
    const ptrdiff_t ahead_rows = tuning->gather_prefetch_rows;
    CK_PARALLEL_FOR(ck_threads_for((double)rows * (double)width, tuning->gather_serial_below),
    for (ptrdiff_t r = 0; r < rows; ++r) {
        if (r + ahead_rows < rows) {
            const char *ahead = (const char *)(src + indices[r + ahead_rows] * ld_src);
            for (ptrdiff_t byte = 0; byte < width * (ptrdiff_t)sizeof(float); byte += 64) {
                __builtin_prefetch(ahead + byte, 0, 1); /* into L2 (tuning.c says why) */
            }
        }
        memcpy(dst + r * ld_dst, src + indices[r] * ld_src, (size_t)width * sizeof(float));
    });
    return CK_OK;
}

static void sgd_chunk(ptrdiff_t n, float lr, const float *g, float *p) {
    for (ptrdiff_t i = 0; i < n; ++i) p[i] -= lr * g[i];
}

ck_status ck_sgd_update(ptrdiff_t n, float lr, const float *g, float *p) {
    if (n < 0 || CK_NEED(n, g) || CK_NEED(n, p)) return CK_EINVAL;
    CK_FOR_CHUNKS(n, sgd_chunk(count, lr, g + start, p + start));
    return CK_OK;
}

static void momentum_chunk(ptrdiff_t n, float lr, float momentum, const float *g, float *v, float *p) {
    for (ptrdiff_t i = 0; i < n; ++i) {
        v[i] = momentum * v[i] - lr * g[i];
        p[i] += v[i];
    }
}

ck_status ck_momentum_update(ptrdiff_t n, float lr, float momentum, const float *g, float *v, float *p) {
    if (n < 0 || CK_NEED(n, g) || CK_NEED(n, v) || CK_NEED(n, p)) return CK_EINVAL;
    CK_FOR_CHUNKS(n, momentum_chunk(count, lr, momentum, g + start, v + start, p + start));
    return CK_OK;
}

static void adam_chunk(ptrdiff_t n, float lr_t, float beta1, float beta2, float eps,
                       const float *g, float *m, float *v, float *p) {
    for (ptrdiff_t i = 0; i < n; ++i) {
        float gi = g[i];
        m[i] += (1.0f - beta1) * (gi - m[i]);
        v[i] += (1.0f - beta2) * (gi * gi - v[i]);
        p[i] -= lr_t * m[i] / (sqrtf(v[i]) + eps);
    }
}

ck_status ck_adam_update(ptrdiff_t n, float lr_t, float beta1, float beta2, float eps,
                         const float *g, float *m, float *v, float *p) {
    if (n < 0 || CK_NEED(n, g) || CK_NEED(n, m) || CK_NEED(n, v) || CK_NEED(n, p)) return CK_EINVAL;
    CK_FOR_CHUNKS(n, adam_chunk(count, lr_t, beta1, beta2, eps, g + start, m + start, v + start, p + start));
    return CK_OK;
}
