/*
 * Portable kernels: the definition every SIMD kernel must reproduce bit for bit, and the
 * fallback on CPUs without a vector ISA we support. Plain C; fused multiply-adds are
 * written as fmaf() because the SIMD kernels fuse exactly there (-ffp-contract=off keeps
 * the compiler from fusing anywhere else).
 */
#include "../ck_internal.h"
#include "../exp_poly.h"

#define SCALAR_MR 4
#define SCALAR_NR 8

static void gemm_ukernel_scalar(ptrdiff_t k, const float *a, const float *b,
                                float *c, ptrdiff_t ldc, float alpha, float beta) {
    float acc[SCALAR_MR][SCALAR_NR] = {{0}};
    for (ptrdiff_t p = 0; p < k; ++p) {
        for (int i = 0; i < SCALAR_MR; ++i) {
            float ai = a[p * SCALAR_MR + i];
            for (int j = 0; j < SCALAR_NR; ++j) {
                acc[i][j] = fmaf(ai, b[p * SCALAR_NR + j], acc[i][j]);
            }
        }
    }
    for (int i = 0; i < SCALAR_MR; ++i) {
        for (int j = 0; j < SCALAR_NR; ++j) {
            float scaled = alpha * acc[i][j];
            c[i * ldc + j] = beta == 0.0f ? scaled : fmaf(beta, c[i * ldc + j], scaled);
        }
    }
}

static void relu_forward_scalar(ptrdiff_t n, const float *x, float *y, uint8_t *mask) {
    for (ptrdiff_t i = 0; i < n; ++i) {
        float v = x[i];
        int passes = !(v <= 0.0f); /* NaN passes and stays NaN */
        mask[i] = (uint8_t)passes;
        y[i] = passes ? v : 0.0f;
    }
}

static void relu_backward_scalar(ptrdiff_t n, const float *dy, const uint8_t *mask, float *dx) {
    for (ptrdiff_t i = 0; i < n; ++i) dx[i] = mask[i] ? dy[i] : 0.0f;
}

static void sigmoid_forward_scalar(ptrdiff_t n, const float *x, float *y) {
    for (ptrdiff_t i = 0; i < n; ++i) y[i] = ck_sigmoid_scalar(x[i]);
}

static float exp_shifted_sum_scalar(ptrdiff_t n, const float *x, float max, float *y) {
    float lane[16] = {0};
    for (ptrdiff_t j = 0; j < n; ++j) {
        float e = ck_exp_nonpositive(x[j] - max);
        y[j] = e;
        lane[j & 15] += e;
    }
    for (int width = 8; width >= 1; width /= 2) {
        for (int l = 0; l < width; ++l) lane[l] += lane[l + width];
    }
    return lane[0];
}

static float row_max_scalar(ptrdiff_t n, const float *x) {
    float m = x[0];
    int nan = 0;
    for (ptrdiff_t j = 0; j < n; ++j) {
        nan |= x[j] != x[j];
        m = x[j] > m ? x[j] : m;
    }
    if (nan) return NAN;
    return m == 0.0f ? 0.0f : m; /* the sign of a zero maximum depends on lane order: use +0 */
}

static const ck_config scalar_config = {
    .isa = CK_ISA_SCALAR,
    .mr = SCALAR_MR, .nr = SCALAR_NR,
    .gemm_ukernel = gemm_ukernel_scalar,
    .relu_forward = relu_forward_scalar,
    .relu_backward = relu_backward_scalar,
    .sigmoid_forward = sigmoid_forward_scalar,
    .exp_shifted_sum = exp_shifted_sum_scalar,
    .row_max = row_max_scalar,
    .tuning = &ck_tuning_default,
};

const ck_config *ck_config_scalar(void) { return &scalar_config; }

float ck_exp_scalar(float x) { return ck_exp_nonpositive(x); }
