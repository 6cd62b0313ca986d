/*
 * Sigmoid output units with their losses: squared error and binary cross-entropy.
 *
 * The outputs come from ck_sigmoid_forward, so they carry the same bits as the sigmoid
 * activation on every ISA. The loss is a scalar sum over a batch's few outputs, accumulated
 * in double in row-major order on the calling thread: its bits do not depend on the ISA or
 * the thread count either.
 */
#include "ck_internal.h"

#include <math.h>

/* log(1 + exp(x)) without overflow: max(x, 0) + log1p(exp(-|x|)). */
static double softplus(double x) {
    return (x > 0 ? x : 0.0) + log1p(exp(-fabs(x)));
}

static int bad_loss(ck_sigmoid_loss loss) {
    return loss != CK_SIGMOID_SQUARED_ERROR && loss != CK_SIGMOID_BINARY_CROSS_ENTROPY;
}

ck_status ck_sigmoid_loss_forward(ck_sigmoid_loss loss, ptrdiff_t m, ptrdiff_t n,
                                  const float *x, ptrdiff_t ldx,
                                  const float *t, ptrdiff_t ldt,
                                  float *y, ptrdiff_t ldy, float *out_loss) {
    if (bad_loss(loss) || m < 0 || n < 0 || ldx < n || ldt < n || ldy < n || out_loss == NULL) return CK_EINVAL;
    if (m > 0 && n > 0 && (x == NULL || t == NULL || y == NULL)) return CK_EINVAL;
    double total = 0.0;
    for (ptrdiff_t i = 0; i < m; ++i) {
        ck_status status = ck_sigmoid_forward(n, x + i * ldx, y + i * ldy);
        if (status != CK_OK) return status;
    }
    for (ptrdiff_t i = 0; i < m; ++i) {
        for (ptrdiff_t j = 0; j < n; ++j) {
            double target = t[i * ldt + j];
            if (loss == CK_SIGMOID_SQUARED_ERROR) {
                double difference = (double)y[i * ldy + j] - target;
                total += 0.5 * difference * difference;
            } else {
                /* -[t log y + (1 - t) log(1 - y)] with log y = -softplus(-x) and
                 * log(1 - y) = -softplus(x): finite for any finite x, no clipping of y. */
                double logit = x[i * ldx + j];
                total += target * softplus(-logit) + (1.0 - target) * softplus(logit);
            }
        }
    }
    *out_loss = m > 0 ? (float)(total / (double)m) : 0.0f;
    return CK_OK;
}

ck_status ck_sigmoid_loss_backward(ck_sigmoid_loss loss, ptrdiff_t m, ptrdiff_t n,
                                   const float *y, ptrdiff_t ldy,
                                   const float *t, ptrdiff_t ldt,
                                   float *dx, ptrdiff_t lddx) {
    if (bad_loss(loss) || m < 0 || n < 0 || ldy < n || ldt < n || lddx < n) return CK_EINVAL;
    if (m == 0 || n == 0) return CK_OK;
    if (y == NULL || t == NULL || dx == NULL) return CK_EINVAL;
    float scale = 1.0f / (float)m;
    for (ptrdiff_t i = 0; i < m; ++i) {
        for (ptrdiff_t j = 0; j < n; ++j) {
            float out = y[i * ldy + j];
            float delta = out - t[i * ldt + j];
            /* Squared error goes back through the sigmoid's slope y (1 - y); for binary
             * cross-entropy that slope cancels against the loss's 1 / (y (1 - y)). */
            dx[i * lddx + j] = loss == CK_SIGMOID_SQUARED_ERROR ? delta * out * (1.0f - out) * scale : delta * scale;
        }
    }
    return CK_OK;
}
