/*
 * Elementwise kernels, bias, column sums, the sum of squares and optimizer updates: argument
 * checks, the split into fixed chunks for threads, and the call into the active ISA's table.
 * Memory-bound loops without a transcendental function are plain C, which the compiler
 * vectorizes; ReLU and the sigmoid have per-ISA versions, tanh is plain C on the scalar form
 * of exp_poly.h's exp (the same bits on every ISA by construction).
 */
#include "ck_internal.h"
#include "exp_poly.h"

#include <math.h>
#include <string.h>

#include "ck_openmp.h"

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

static void tanh_forward_chunk(ptrdiff_t n, const float *x, float *y) {
    for (ptrdiff_t i = 0; i < n; ++i) y[i] = ck_tanh_scalar(x[i]);
}

ck_status ck_tanh_forward(ptrdiff_t n, const float *x, float *y) {
    if (n < 0 || CK_NEED(n, x) || CK_NEED(n, y)) return CK_EINVAL;
    CK_FOR_CHUNKS(n, tanh_forward_chunk(count, x + start, y + start));
    return CK_OK;
}

static void tanh_backward_chunk(ptrdiff_t n, const float *dy, const float *y, float *dx) {
    for (ptrdiff_t i = 0; i < n; ++i) dx[i] = dy[i] * (1.0f - y[i] * y[i]);
}

ck_status ck_tanh_backward(ptrdiff_t n, const float *dy, const float *y, float *dx) {
    if (n < 0 || CK_NEED(n, dy) || CK_NEED(n, y) || CK_NEED(n, dx)) return CK_EINVAL;
    CK_FOR_CHUNKS(n, tanh_backward_chunk(count, dy + start, y + start, dx + start));
    return CK_OK;
}

static void scale_chunk(ptrdiff_t n, float alpha, const float *x, float *y) {
    for (ptrdiff_t i = 0; i < n; ++i) y[i] = alpha * x[i];
}

ck_status ck_scale(ptrdiff_t n, float alpha, const float *x, float *y) {
    if (n < 0 || CK_NEED(n, x) || CK_NEED(n, y)) return CK_EINVAL;
    CK_FOR_CHUNKS(n, scale_chunk(count, alpha, x + start, y + start));
    return CK_OK;
}

ck_status ck_add_row_bias(ptrdiff_t m, ptrdiff_t n, const float *bias, float *y, ptrdiff_t ldy) {
    if (m < 0 || n < 0 || CK_NEED(m > 0 ? n : 0, bias) || ck_bad_matrix(m, n, y, ldy)) return CK_EINVAL;
    CK_PARALLEL_FOR(ck_elementwise_threads((double)m * (double)n),
    for (ptrdiff_t i = 0; i < m; ++i) {
        float *row = y + i * ldy;
        for (ptrdiff_t j = 0; j < n; ++j) row[j] += bias[j];
    });
    return CK_OK;
}

ck_status ck_add_row_bias_relu(ptrdiff_t m, ptrdiff_t n, const float *bias,
                               float *y, ptrdiff_t ldy, uint8_t *mask) {
    if (m < 0 || n < 0 || CK_NEED(m > 0 ? n : 0, bias) || ck_bad_matrix(m, n, y, ldy)
        || CK_NEED(m * n, mask)) return CK_EINVAL;
    const ck_config *cfg = ck_config_active();
    CK_PARALLEL_FOR(ck_elementwise_threads((double)m * (double)n),
    for (ptrdiff_t i = 0; i < m; ++i) {
        float *row = y + i * ldy;
        for (ptrdiff_t j = 0; j < n; ++j) row[j] += bias[j];
        cfg->relu_forward(n, row, row, mask + i * n);
    });
    return CK_OK;
}

ck_status ck_column_sums(ptrdiff_t m, ptrdiff_t n, const float *x, ptrdiff_t ldx, float *sums) {
    if (m < 0 || n < 0 || ck_bad_matrix(m, n, x, ldx) || CK_NEED(n, sums)) return CK_EINVAL;
    for (ptrdiff_t j = 0; j < n; ++j) sums[j] = 0.0f;
    /* Row by row keeps the access contiguous and adds rows in ascending order per column. */
    for (ptrdiff_t i = 0; i < m; ++i) {
        const float *row = x + i * ldx;
        for (ptrdiff_t j = 0; j < n; ++j) sums[j] += row[j];
    }
    return CK_OK;
}

static void add_scaled_chunk(ptrdiff_t n, float alpha, const float *x, float *y) {
    for (ptrdiff_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

ck_status ck_add_scaled(ptrdiff_t n, float alpha, const float *x, float *y) {
    if (n < 0 || CK_NEED(n, x) || CK_NEED(n, y)) return CK_EINVAL;
    CK_FOR_CHUNKS(n, add_scaled_chunk(count, alpha, x + start, y + start));
    return CK_OK;
}

/* ck_sum_of_squares sums blocks of this many elements (fixed, so the result does not depend on
 * the thread count), each over 8 lanes, lane i % 8, folded in a fixed tree; the blocks' sums
 * are then added in ascending order. */
#define CK_SQUARES_BLOCK CK_CHUNK
#define CK_SQUARES_LANES 8

static double squares_block(ptrdiff_t n, const float *x) {
    double lane[CK_SQUARES_LANES] = {0};
    ptrdiff_t i = 0;
    for (; i + CK_SQUARES_LANES <= n; i += CK_SQUARES_LANES) {
        for (int l = 0; l < CK_SQUARES_LANES; ++l) {
            double v = (double)x[i + l];
            lane[l] += v * v;
        }
    }
    for (int l = 0; i < n; ++i, ++l) {
        double v = (double)x[i];
        lane[l] += v * v;
    }
    return ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
}

ck_status ck_sum_of_squares(ptrdiff_t n, const float *x, double *out) {
    if (n < 0 || CK_NEED(n, x) || out == NULL) return CK_EINVAL;
    ptrdiff_t blocks = (n + CK_SQUARES_BLOCK - 1) / CK_SQUARES_BLOCK;
    if (blocks <= 1) {
        *out = n > 0 ? squares_block(n, x) : 0.0;
        return CK_OK;
    }
    /* Per-block sums in the calling thread's scratch (2 floats per double, 64-byte aligned). */
    double *partial = (double *)(void *)ck_scratch((size_t)blocks * 2);
    CK_PARALLEL_FOR(ck_elementwise_threads((double)n),
    for (ptrdiff_t b = 0; b < blocks; ++b) {
        ptrdiff_t start = b * CK_SQUARES_BLOCK;
        ptrdiff_t count = n - start < CK_SQUARES_BLOCK ? n - start : CK_SQUARES_BLOCK;
        partial[b] = squares_block(count, x + start);
    });
    double total = 0.0;
    for (ptrdiff_t b = 0; b < blocks; ++b) total += partial[b];
    *out = total;
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

static void nesterov_chunk(ptrdiff_t n, float lr, float momentum, const float *g, float *v, float *p) {
    const float carried = momentum * momentum, step = (1.0f + momentum) * lr;
    for (ptrdiff_t i = 0; i < n; ++i) {
        p[i] += carried * v[i];
        p[i] -= step * g[i];
        v[i] *= momentum;
        v[i] -= lr * g[i];
    }
}

ck_status ck_nesterov_update(ptrdiff_t n, float lr, float momentum, const float *g, float *v, float *p) {
    if (n < 0 || CK_NEED(n, g) || CK_NEED(n, v) || CK_NEED(n, p)) return CK_EINVAL;
    CK_FOR_CHUNKS(n, nesterov_chunk(count, lr, momentum, g + start, v + start, p + start));
    return CK_OK;
}

static void adagrad_chunk(ptrdiff_t n, float lr, float eps, const float *g, float *h, float *p) {
    for (ptrdiff_t i = 0; i < n; ++i) {
        h[i] += g[i] * g[i];
        p[i] -= lr * g[i] / (sqrtf(h[i]) + eps);
    }
}

ck_status ck_adagrad_update(ptrdiff_t n, float lr, float eps, const float *g, float *h, float *p) {
    if (n < 0 || CK_NEED(n, g) || CK_NEED(n, h) || CK_NEED(n, p)) return CK_EINVAL;
    CK_FOR_CHUNKS(n, adagrad_chunk(count, lr, eps, g + start, h + start, p + start));
    return CK_OK;
}

static void rmsprop_chunk(ptrdiff_t n, float lr, float decay, float eps, const float *g, float *h, float *p) {
    const float incoming = 1.0f - decay;
    for (ptrdiff_t i = 0; i < n; ++i) {
        h[i] *= decay;
        h[i] += incoming * g[i] * g[i];
        p[i] -= lr * g[i] / (sqrtf(h[i]) + eps);
    }
}

ck_status ck_rmsprop_update(ptrdiff_t n, float lr, float decay, float eps, const float *g, float *h, float *p) {
    if (n < 0 || CK_NEED(n, g) || CK_NEED(n, h) || CK_NEED(n, p)) return CK_EINVAL;
    CK_FOR_CHUNKS(n, rmsprop_chunk(count, lr, decay, eps, g + start, h + start, p + start));
    return CK_OK;
}
