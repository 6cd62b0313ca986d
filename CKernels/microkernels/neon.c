/*
 * Advanced SIMD (NEON) kernels for AArch64, where NEON is part of the base ISA: no target
 * attributes and no run-time check are needed. Every kernel reproduces microkernels/scalar.c
 * bit for bit: vfmaq_f32 / vfmaq_laneq_f32 are single-rounding fused multiply-adds (fmaf),
 * vrndmq_f32 is floorf, vcvtq_s32_f32 truncates like the C cast, vdivq_f32 is IEEE division.
 * scripts/test-arm64.sh checks this under qemu on x86 machines.
 */
#include "../ck_internal.h"

#if defined(__aarch64__)

#include "../exp_poly.h"
#include <arm_neon.h>

#define NEON_MR 8
#define NEON_NR 12

/* Accumulator row i of the tile: three q registers for columns 0-3, 4-7, 8-11. */
#define NEON_ROW_FMA(i, a_vec, lane)                                   \
    do {                                                               \
        c##i##0 = vfmaq_laneq_f32(c##i##0, b0, a_vec, lane);           \
        c##i##1 = vfmaq_laneq_f32(c##i##1, b1, a_vec, lane);           \
        c##i##2 = vfmaq_laneq_f32(c##i##2, b2, a_vec, lane);           \
    } while (0)

#define NEON_ROW_STORE(i)                                                            \
    do {                                                                             \
        float *row = c + (i) * ldc;                                                  \
        float32x4_t s0 = vmulq_f32(va, c##i##0), s1 = vmulq_f32(va, c##i##1);        \
        float32x4_t s2 = vmulq_f32(va, c##i##2);                                     \
        if (beta != 0.0f) {                                                          \
            s0 = vfmaq_f32(s0, vb, vld1q_f32(row));                                  \
            s1 = vfmaq_f32(s1, vb, vld1q_f32(row + 4));                              \
            s2 = vfmaq_f32(s2, vb, vld1q_f32(row + 8));                              \
        }                                                                            \
        vst1q_f32(row, s0);                                                          \
        vst1q_f32(row + 4, s1);                                                      \
        vst1q_f32(row + 8, s2);                                                      \
    } while (0)

/*
 * 8 x 12 tile (BLIS's armv8a shape): 24 accumulators, 3 B vectors and 2 A vectors use 29 of
 * the 32 q registers; each k step loads 5 vectors for 24 multiply-adds by element. Named
 * variables rather than an array keep gcc from spilling the accumulators to the stack.
 */
static void gemm_ukernel_neon(ptrdiff_t k, const float *a, const float *b,
                              float *c, ptrdiff_t ldc, float alpha, float beta) {
    float32x4_t c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32;
    float32x4_t c40, c41, c42, c50, c51, c52, c60, c61, c62, c70, c71, c72;
    c00 = c01 = c02 = c10 = c11 = c12 = c20 = c21 = c22 = c30 = c31 = c32 = vdupq_n_f32(0.0f);
    c40 = c41 = c42 = c50 = c51 = c52 = c60 = c61 = c62 = c70 = c71 = c72 = vdupq_n_f32(0.0f);
    for (ptrdiff_t p = 0; p < k; ++p) {
        const float32x4_t a_lo = vld1q_f32(a), a_hi = vld1q_f32(a + 4);
        const float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8);
        NEON_ROW_FMA(0, a_lo, 0);
        NEON_ROW_FMA(1, a_lo, 1);
        NEON_ROW_FMA(2, a_lo, 2);
        NEON_ROW_FMA(3, a_lo, 3);
        NEON_ROW_FMA(4, a_hi, 0);
        NEON_ROW_FMA(5, a_hi, 1);
        NEON_ROW_FMA(6, a_hi, 2);
        NEON_ROW_FMA(7, a_hi, 3);
        a += NEON_MR;
        b += NEON_NR;
    }
    /* fma(beta, C, alpha * acc), as scalar.c; beta == 0 does not read C. */
    const float32x4_t va = vdupq_n_f32(alpha), vb = vdupq_n_f32(beta);
    NEON_ROW_STORE(0);
    NEON_ROW_STORE(1);
    NEON_ROW_STORE(2);
    NEON_ROW_STORE(3);
    NEON_ROW_STORE(4);
    NEON_ROW_STORE(5);
    NEON_ROW_STORE(6);
    NEON_ROW_STORE(7);
}

#undef NEON_ROW_FMA
#undef NEON_ROW_STORE

/* ck_exp_nonpositive (exp_poly.h), 4 lanes, same operations in the same order.
 * vfmaq_f32(acc, x, y) is fmaf(x, y, acc). */
static inline float32x4_t exp_neon(float32x4_t x) {
    const float32x4_t lo = vdupq_n_f32(CK_EXP_LO);
    uint32x4_t below = vcltq_f32(x, lo); /* false for NaN */
    float32x4_t xc = vmaxq_f32(lo, x);   /* FMAX returns NaN if an operand is NaN */
    float32x4_t fx = vrndmq_f32(vfmaq_f32(vdupq_n_f32(0.5f), xc, vdupq_n_f32(CK_EXP_LOG2E)));
    float32x4_t r = vfmaq_f32(xc, fx, vdupq_n_f32(-CK_EXP_C1));
    r = vfmaq_f32(r, fx, vdupq_n_f32(-CK_EXP_C2));
    float32x4_t p = vdupq_n_f32(CK_EXP_P0);
    p = vfmaq_f32(vdupq_n_f32(CK_EXP_P1), p, r);
    p = vfmaq_f32(vdupq_n_f32(CK_EXP_P2), p, r);
    p = vfmaq_f32(vdupq_n_f32(CK_EXP_P3), p, r);
    p = vfmaq_f32(vdupq_n_f32(CK_EXP_P4), p, r);
    p = vfmaq_f32(vdupq_n_f32(CK_EXP_P5), p, r);
    float32x4_t r2 = vmulq_f32(r, r);
    float32x4_t y = vaddq_f32(vfmaq_f32(r, p, r2), vdupq_n_f32(1.0f));
    int32x4_t bits = vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(fx), vdupq_n_s32(127)), 23);
    y = vmulq_f32(y, vreinterpretq_f32_s32(bits));
    return vreinterpretq_f32_u32(vbicq_u32(vreinterpretq_u32_f32(y), below));
}

/* Four 4 x uint32 lane masks (0 / all ones) to 16 bytes (0 / 1) in element order. */
static inline uint8x16_t mask_bytes(uint32x4_t m0, uint32x4_t m1, uint32x4_t m2, uint32x4_t m3) {
    uint16x8_t lo = vcombine_u16(vmovn_u32(m0), vmovn_u32(m1));
    uint16x8_t hi = vcombine_u16(vmovn_u32(m2), vmovn_u32(m3));
    return vandq_u8(vcombine_u8(vmovn_u16(lo), vmovn_u16(hi)), vdupq_n_u8(1));
}

static void relu_forward_neon(ptrdiff_t n, const float *x, float *y, uint8_t *mask) {
    const float32x4_t zero = vdupq_n_f32(0.0f);
    ptrdiff_t i = 0;
    for (; i + 16 <= n; i += 16) {
        uint32x4_t pass[4];
        for (int q = 0; q < 4; ++q) {
            float32x4_t v = vld1q_f32(x + i + 4 * q);
            pass[q] = vmvnq_u32(vcleq_f32(v, zero)); /* !(v <= 0): NaN passes */
            vst1q_f32(y + i + 4 * q, vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(v), pass[q])));
        }
        vst1q_u8(mask + i, mask_bytes(pass[0], pass[1], pass[2], pass[3]));
    }
    for (; i < n; ++i) {
        float v = x[i];
        int passes = !(v <= 0.0f);
        mask[i] = (uint8_t)passes;
        y[i] = passes ? v : 0.0f;
    }
}

static void relu_backward_neon(ptrdiff_t n, const float *dy, const uint8_t *mask, float *dx) {
    ptrdiff_t i = 0;
    for (; i + 16 <= n; i += 16) {
        /* 0xFF where the mask byte is non-zero, sign-extended to 32-bit lanes. */
        int8x16_t pass = vreinterpretq_s8_u8(vtstq_u8(vld1q_u8(mask + i), vld1q_u8(mask + i)));
        int16x8_t pass_lo = vmovl_s8(vget_low_s8(pass)), pass_hi = vmovl_s8(vget_high_s8(pass));
        int32x4_t lanes[4] = {vmovl_s16(vget_low_s16(pass_lo)), vmovl_s16(vget_high_s16(pass_lo)),
                              vmovl_s16(vget_low_s16(pass_hi)), vmovl_s16(vget_high_s16(pass_hi))};
        for (int q = 0; q < 4; ++q) {
            uint32x4_t g = vreinterpretq_u32_f32(vld1q_f32(dy + i + 4 * q));
            vst1q_f32(dx + i + 4 * q, vreinterpretq_f32_u32(vandq_u32(g, vreinterpretq_u32_s32(lanes[q]))));
        }
    }
    for (; i < n; ++i) dx[i] = mask[i] ? dy[i] : 0.0f;
}

static inline float32x4_t sigmoid_neon(float32x4_t v) {
    const float32x4_t one = vdupq_n_f32(1.0f);
    /* exp(-|x|): setting the sign bit keeps NaN a NaN. */
    float32x4_t e = exp_neon(vreinterpretq_f32_u32(vorrq_u32(vreinterpretq_u32_f32(v), vdupq_n_u32(0x80000000u))));
    float32x4_t r = vdivq_f32(one, vaddq_f32(one, e));
    uint32x4_t nonnegative = vcgeq_f32(v, vdupq_n_f32(0.0f)); /* false for NaN: e * r is NaN */
    return vbslq_f32(nonnegative, r, vmulq_f32(e, r));
}

static void sigmoid_forward_neon(ptrdiff_t n, const float *x, float *y) {
    ptrdiff_t i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(y + i, sigmoid_neon(vld1q_f32(x + i)));
    if (i < n) {
        float tail[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        for (ptrdiff_t j = i; j < n; ++j) tail[j - i] = x[j];
        vst1q_f32(tail, sigmoid_neon(vld1q_f32(tail)));
        for (ptrdiff_t j = i; j < n; ++j) y[j] = tail[j - i];
    }
}

/*
 * The canonical 16 partial sums live in four q registers: acc[q] holds lanes 4q .. 4q + 3,
 * i.e. the elements j with j % 16 in that range. The tail pads with zeros that are masked
 * out before they are added, so every lane sums exactly the elements scalar.c gives it.
 */
static float exp_shifted_sum_neon(ptrdiff_t n, const float *x, float max, float *y) {
    const float32x4_t vmax = vdupq_n_f32(max);
    float32x4_t acc[4] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
    ptrdiff_t j = 0;
    for (; j + 16 <= n; j += 16) {
        for (int q = 0; q < 4; ++q) {
            float32x4_t e = exp_neon(vsubq_f32(vld1q_f32(x + j + 4 * q), vmax));
            vst1q_f32(y + j + 4 * q, e);
            acc[q] = vaddq_f32(acc[q], e);
        }
    }
    static const int32_t lane_index[4] = {0, 1, 2, 3};
    const int32x4_t index = vld1q_s32(lane_index);
    for (int q = 0; q < 4 && j + 4 * q < n; ++q) {
        ptrdiff_t start = j + 4 * q;
        ptrdiff_t count = n - start < 4 ? n - start : 4;
        float chunk[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        for (ptrdiff_t l = 0; l < count; ++l) chunk[l] = x[start + l];
        uint32x4_t live = vcltq_s32(index, vdupq_n_s32((int32_t)count));
        float32x4_t e = exp_neon(vsubq_f32(vld1q_f32(chunk), vmax));
        e = vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(e), live));
        vst1q_f32(chunk, e);
        for (ptrdiff_t l = 0; l < count; ++l) y[start + l] = chunk[l];
        acc[q] = vaddq_f32(acc[q], e);
    }
    /* Fold 16 -> 8 -> 4 -> 2 -> 1 exactly as scalar.c does: lane l += lane l + width. */
    float32x4_t s8_lo = vaddq_f32(acc[0], acc[2]); /* lanes 0-3 */
    float32x4_t s8_hi = vaddq_f32(acc[1], acc[3]); /* lanes 4-7 */
    float32x4_t s4 = vaddq_f32(s8_lo, s8_hi);
    float32x2_t s2 = vadd_f32(vget_low_f32(s4), vget_high_f32(s4));
    return vget_lane_f32(s2, 0) + vget_lane_f32(s2, 1);
}

static float row_max_neon(ptrdiff_t n, const float *x) {
    float32x4_t m = vdupq_n_f32(x[0]);
    uint32x4_t unordered = vdupq_n_u32(0);
    ptrdiff_t j = 0;
    for (; j + 4 <= n; j += 4) {
        float32x4_t v = vld1q_f32(x + j);
        unordered = vorrq_u32(unordered, vmvnq_u32(vceqq_f32(v, v)));
        m = vmaxq_f32(m, v);
    }
    float result = vmaxvq_f32(m);
    int any_nan = vmaxvq_u32(unordered) != 0;
    for (; j < n; ++j) {
        any_nan |= x[j] != x[j];
        result = x[j] > result ? x[j] : result;
    }
    if (any_nan) return NAN;
    return result == 0.0f ? 0.0f : result; /* +0 for a zero maximum, as every ISA */
}

static const ck_config neon_config = {
    .isa = CK_ISA_NEON,
    .mr = NEON_MR, .nr = NEON_NR,
    .gemm_ukernel = gemm_ukernel_neon,
    .relu_forward = relu_forward_neon,
    .relu_backward = relu_backward_neon,
    .sigmoid_forward = sigmoid_forward_neon,
    .exp_shifted_sum = exp_shifted_sum_neon,
    .row_max = row_max_neon,
    .tuning = &ck_tuning_default,
};

const ck_config *ck_config_neon(void) { return &neon_config; }

#else

const ck_config *ck_config_neon(void) { return NULL; }

#endif
