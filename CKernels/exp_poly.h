/*
 * The one exp() every ISA uses, for arguments x <= 0 only (softmax takes exp(x - max),
 * sigmoid exp(-|x|)): Cephes' expf polynomial, every step a single IEEE operation or an
 * explicit fused multiply-add. The vector versions in microkernels/ repeat these steps
 * lane by lane, so all ISAs return the same bits; the scalar form below is the definition.
 * (AVX-512 does the final y * 2^n in one vscalefps, which rounds exactly as the product does.)
 *
 *   x < CK_EXP_LO      -> +0 (the result would be subnormal; < 1.2e-38 absolute error)
 *   x NaN              -> NaN
 *   otherwise          -> 2^n * p(r), n = floor(x * log2(e) + 1/2), r = x - n * ln 2
 * Measured accuracy: within 2 ulp of the correctly rounded exp on [-87.3, 0].
 */
#ifndef CK_EXP_POLY_H
#define CK_EXP_POLY_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#define CK_EXP_LO (-87.33654f)
#define CK_EXP_LOG2E 1.44269504088896341f
#define CK_EXP_C1 0.693359375f
#define CK_EXP_C2 (-2.12194440e-4f)
#define CK_EXP_P0 1.9875691500e-4f
#define CK_EXP_P1 1.3981999507e-3f
#define CK_EXP_P2 8.3334519073e-3f
#define CK_EXP_P3 4.1665795894e-2f
#define CK_EXP_P4 1.6666665459e-1f
#define CK_EXP_P5 5.0000001201e-1f

static inline float ck_exp_nonpositive(float x) {
    if (x != x) return x;
    if (x < CK_EXP_LO) return 0.0f;
    float fx = floorf(fmaf(x, CK_EXP_LOG2E, 0.5f));
    float r = fmaf(fx, -CK_EXP_C1, x);
    r = fmaf(fx, -CK_EXP_C2, r);
    float p = CK_EXP_P0;
    p = fmaf(p, r, CK_EXP_P1);
    p = fmaf(p, r, CK_EXP_P2);
    p = fmaf(p, r, CK_EXP_P3);
    p = fmaf(p, r, CK_EXP_P4);
    p = fmaf(p, r, CK_EXP_P5);
    float r2 = r * r;
    float y = fmaf(p, r2, r);
    y = y + 1.0f;
    int32_t bits = ((int32_t)fx + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return y * scale;
}

/* Sigmoid from e = exp(-|x|): 1 / (1 + e) for x >= 0, e / (1 + e) otherwise. */
static inline float ck_sigmoid_scalar(float x) {
    float e = ck_exp_nonpositive(-fabsf(x));
    float r = 1.0f / (1.0f + e);
    return x >= 0.0f ? r : e * r; /* NaN: e and r are NaN */
}

/*
 * Hyperbolic tangent, Cephes' tanhf: an odd polynomial below |x| = 0.625, where (1 - e) would
 * cancel, and (1 - e) / (1 + e) with e = exp(-2|x|) <= 0.287 above it (the exp above, so no
 * intermediate overflows and |x| > 43.7 gives exactly +-1). Every step is one IEEE operation
 * or an explicit fmaf, so every build returns the same bits. tanh(-0) = -0; NaN stays NaN (it
 * fails the comparison and goes through exp, which keeps it).
 */
#define CK_TANH_SMALL 0.625f
#define CK_TANH_P0 (-5.70498872745e-3f)
#define CK_TANH_P1 2.06390887954e-2f
#define CK_TANH_P2 (-5.37397155531e-2f)
#define CK_TANH_P3 1.33314422036e-1f
#define CK_TANH_P4 (-3.33332819422e-1f)

static inline float ck_tanh_scalar(float x) {
    float a = fabsf(x);
    if (a < CK_TANH_SMALL) {
        if (x == 0.0f) return x; /* x + p * x * x would turn -0 into +0 */
        float z = x * x;
        float p = fmaf(CK_TANH_P0, z, CK_TANH_P1);
        p = fmaf(p, z, CK_TANH_P2);
        p = fmaf(p, z, CK_TANH_P3);
        p = fmaf(p, z, CK_TANH_P4);
        return fmaf(p * z, x, x);
    }
    float e = ck_exp_nonpositive(-2.0f * a);
    return copysignf((1.0f - e) / (1.0f + e), x);
}

#endif
