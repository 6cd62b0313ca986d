/*
 * Identity output units with half the squared error: the output layer of a regression
 * network (the book's identity_function with sum_squared_error, averaged over the batch).
 *
 * The outputs are the scores themselves, copied; the loss is a scalar sum over a batch's few
 * outputs, accumulated in double in row-major order on the calling thread, so its bits do not
 * depend on the ISA or the thread count. The gradient is one subtraction and one product per
 * element, each element computed alone.
 */
#include "ck_internal.h"

#include <string.h>

ck_status ck_identity_squared_error_forward(ptrdiff_t m, ptrdiff_t n,
                                            const float *x, ptrdiff_t ldx,
                                            const float *t, ptrdiff_t ldt,
                                            float *y, ptrdiff_t ldy, float *out_loss) {
    if (m < 0 || n < 0 || ldx < n || ldt < n || ldy < n || out_loss == NULL) return CK_EINVAL;
    if (m > 0 && n > 0 && (x == NULL || t == NULL || y == NULL)) return CK_EINVAL;
    double total = 0.0;
    for (ptrdiff_t i = 0; i < m; ++i) {
        /* memmove: y may be x itself (the header allows y == x with ldy == ldx). */
        if (y + i * ldy != x + i * ldx) memmove(y + i * ldy, x + i * ldx, (size_t)n * sizeof(float));
        for (ptrdiff_t j = 0; j < n; ++j) {
            double difference = (double)x[i * ldx + j] - (double)t[i * ldt + j];
            total += 0.5 * difference * difference;
        }
    }
    *out_loss = m > 0 ? (float)(total / (double)m) : 0.0f;
    return CK_OK;
}

ck_status ck_identity_squared_error_backward(ptrdiff_t m, ptrdiff_t n,
                                             const float *y, ptrdiff_t ldy,
                                             const float *t, ptrdiff_t ldt,
                                             float *dx, ptrdiff_t lddx) {
    /* The same gradient as softmax with cross-entropy, (y - t) / m, with the same checks:
     * one loop serves both. */
    return ck_softmax_cross_entropy_backward(m, n, y, ldy, t, ldt, dx, lddx);
}
