/*
 * Batch normalization over the rows of an m x n batch, one feature per column (the book's
 * common/layers.py BatchNormalization on a flattened input).
 *
 * Statistics accumulate in double: a float sum of a column drifts by about m ulp, which for
 * the variance of a column whose mean is large relative to its spread (pixels, un-centred
 * activations) is the whole answer. Every column's sums run over the rows in ascending order
 * on one thread, so threads split the columns (blocks of CK_BN_COLUMNS) and never the rows:
 * the bits depend on neither the thread count nor the ISA (plain C, -ffp-contract=off).
 * Per-element arithmetic is also done in double and rounded to float once at the end.
 */
#include "ck_internal.h"

#include <math.h>

/* Columns per task: their double accumulators live on the stack (3 x 64 doubles). */
#define CK_BN_COLUMNS 64

static int bn_threads(ptrdiff_t m, ptrdiff_t n) {
    return ck_elementwise_threads((double)m * (double)n);
}

/* Mean and biased variance of columns [j0, j0 + w) of x over its m > 0 rows, two passes. */
static void bn_statistics(ptrdiff_t m, ptrdiff_t j0, ptrdiff_t w, const float *x, ptrdiff_t ldx,
                          double *mean, double *var) {
    for (ptrdiff_t j = 0; j < w; ++j) mean[j] = 0.0;
    for (ptrdiff_t i = 0; i < m; ++i) {
        const float *row = x + i * ldx + j0;
        for (ptrdiff_t j = 0; j < w; ++j) mean[j] += (double)row[j];
    }
    for (ptrdiff_t j = 0; j < w; ++j) {
        mean[j] /= (double)m;
        var[j] = 0.0;
    }
    for (ptrdiff_t i = 0; i < m; ++i) {
        const float *row = x + i * ldx + j0;
        for (ptrdiff_t j = 0; j < w; ++j) {
            double d = (double)row[j] - mean[j];
            var[j] += d * d;
        }
    }
    for (ptrdiff_t j = 0; j < w; ++j) var[j] /= (double)m;
}

ck_status ck_batchnorm_forward_training(ptrdiff_t m, ptrdiff_t n, const float *x, ptrdiff_t ldx,
                                        const float *gamma, const float *beta, float eps, float momentum,
                                        float *running_mean, float *running_var,
                                        float *xhat, float *inv_std, float *y, ptrdiff_t ldy) {
    if (m < 0 || n < 0 || ck_bad_matrix(m, n, x, ldx) || ck_bad_matrix(m, n, y, ldy) || !(eps >= 0.0f)
        || CK_NEED(n, gamma) || CK_NEED(n, beta) || CK_NEED(n, running_mean) || CK_NEED(n, running_var)
        || CK_NEED(n, inv_std) || CK_NEED(m * n, xhat)) return CK_EINVAL;
    if (m == 0) return CK_OK;
    const double keep = (double)momentum, take = 1.0 - keep;
    const ptrdiff_t blocks = (n + CK_BN_COLUMNS - 1) / CK_BN_COLUMNS;
    CK_PARALLEL_FOR(bn_threads(m, n),
    for (ptrdiff_t b = 0; b < blocks; ++b) {
        const ptrdiff_t j0 = b * CK_BN_COLUMNS, w = n - j0 < CK_BN_COLUMNS ? n - j0 : CK_BN_COLUMNS;
        double mean[CK_BN_COLUMNS], var[CK_BN_COLUMNS], inv[CK_BN_COLUMNS];
        bn_statistics(m, j0, w, x, ldx, mean, var);
        for (ptrdiff_t j = 0; j < w; ++j) {
            inv[j] = 1.0 / sqrt(var[j] + (double)eps);
            inv_std[j0 + j] = (float)inv[j];
            running_mean[j0 + j] = (float)(keep * (double)running_mean[j0 + j] + take * mean[j]);
            running_var[j0 + j] = (float)(keep * (double)running_var[j0 + j] + take * var[j]);
        }
        for (ptrdiff_t i = 0; i < m; ++i) {
            const float *xr = x + i * ldx + j0;
            float *yr = y + i * ldy + j0, *hr = xhat + i * n + j0;
            for (ptrdiff_t j = 0; j < w; ++j) {
                double h = ((double)xr[j] - mean[j]) * inv[j];
                hr[j] = (float)h;
                yr[j] = (float)((double)gamma[j0 + j] * h + (double)beta[j0 + j]);
            }
        }
    });
    return CK_OK;
}

ck_status ck_batchnorm_forward_inference(ptrdiff_t m, ptrdiff_t n, const float *x, ptrdiff_t ldx,
                                         const float *gamma, const float *beta,
                                         const float *running_mean, const float *running_var, float eps,
                                         float *y, ptrdiff_t ldy) {
    if (m < 0 || n < 0 || ck_bad_matrix(m, n, x, ldx) || ck_bad_matrix(m, n, y, ldy) || !(eps >= 0.0f)
        || CK_NEED(m > 0 ? n : 0, gamma) || CK_NEED(m > 0 ? n : 0, beta)
        || CK_NEED(m > 0 ? n : 0, running_mean) || CK_NEED(m > 0 ? n : 0, running_var)) return CK_EINVAL;
    if (m == 0) return CK_OK;
    const ptrdiff_t blocks = (n + CK_BN_COLUMNS - 1) / CK_BN_COLUMNS;
    CK_PARALLEL_FOR(bn_threads(m, n),
    for (ptrdiff_t b = 0; b < blocks; ++b) {
        const ptrdiff_t j0 = b * CK_BN_COLUMNS, w = n - j0 < CK_BN_COLUMNS ? n - j0 : CK_BN_COLUMNS;
        double inv[CK_BN_COLUMNS];
        for (ptrdiff_t j = 0; j < w; ++j) inv[j] = 1.0 / sqrt((double)running_var[j0 + j] + (double)eps);
        for (ptrdiff_t i = 0; i < m; ++i) {
            const float *xr = x + i * ldx + j0;
            float *yr = y + i * ldy + j0;
            for (ptrdiff_t j = 0; j < w; ++j) {
                double h = ((double)xr[j] - (double)running_mean[j0 + j]) * inv[j];
                yr[j] = (float)((double)gamma[j0 + j] * h + (double)beta[j0 + j]);
            }
        }
    });
    return CK_OK;
}

ck_status ck_batchnorm_backward(ptrdiff_t m, ptrdiff_t n, const float *dy, ptrdiff_t lddy,
                                const float *xhat, const float *inv_std, const float *gamma,
                                float *dgamma, float *dbeta, float *dx, ptrdiff_t lddx) {
    if (m < 0 || n < 0 || ck_bad_matrix(m, n, dy, lddy) || ck_bad_matrix(m, n, dx, lddx)
        || CK_NEED(m * n, xhat) || CK_NEED(n, inv_std) || CK_NEED(n, gamma)
        || CK_NEED(n, dgamma) || CK_NEED(n, dbeta)) return CK_EINVAL;
    const ptrdiff_t blocks = (n + CK_BN_COLUMNS - 1) / CK_BN_COLUMNS;
    CK_PARALLEL_FOR(bn_threads(m, n),
    for (ptrdiff_t b = 0; b < blocks; ++b) {
        const ptrdiff_t j0 = b * CK_BN_COLUMNS, w = n - j0 < CK_BN_COLUMNS ? n - j0 : CK_BN_COLUMNS;
        double sum_dy[CK_BN_COLUMNS], sum_dy_xhat[CK_BN_COLUMNS], coefficient[CK_BN_COLUMNS];
        for (ptrdiff_t j = 0; j < w; ++j) sum_dy[j] = sum_dy_xhat[j] = 0.0;
        for (ptrdiff_t i = 0; i < m; ++i) {
            const float *dr = dy + i * lddy + j0, *hr = xhat + i * n + j0;
            for (ptrdiff_t j = 0; j < w; ++j) {
                double d = (double)dr[j];
                sum_dy[j] += d;
                sum_dy_xhat[j] += d * (double)hr[j];
            }
        }
        for (ptrdiff_t j = 0; j < w; ++j) {
            dbeta[j0 + j] = (float)sum_dy[j];
            dgamma[j0 + j] = (float)sum_dy_xhat[j];
            coefficient[j] = (double)gamma[j0 + j] * (double)inv_std[j0 + j];
            if (m > 0) {                  /* now the means, for dx */
                sum_dy[j] /= (double)m;
                sum_dy_xhat[j] /= (double)m;
            }
        }
        for (ptrdiff_t i = 0; i < m; ++i) {
            const float *dr = dy + i * lddy + j0, *hr = xhat + i * n + j0;
            float *xr = dx + i * lddx + j0;
            for (ptrdiff_t j = 0; j < w; ++j) {
                double centred = ((double)dr[j] - sum_dy[j]) - (double)hr[j] * sum_dy_xhat[j];
                xr[j] = (float)(coefficient[j] * centred);
            }
        }
    });
    return CK_OK;
}
