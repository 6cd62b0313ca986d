/*
 * One FMA loop per instruction set. A chain computes acc = acc * SCALE + SHIFT, whose fixed
 * point is 1 (NEON: acc = acc + SCALE * SHIFT, see there): the values stay normal floats (no
 * denormal slow path, no overflow) however long the loop runs. The chains are independent, so the only limit is the FMA units' issue
 * rate, provided enough chains are in flight: latency (4 cycles on Zen 4/5 and recent Intel
 * cores) times FMA pipes (2 there, 4 on Apple cores) accumulators. The accumulator arrays are
 * indexed by constants only, so the compiler keeps them in registers: the loop is FMAs, a
 * counter and a branch (objdump shows it; see Benchmarks/README.md, "Method").
 */
#include "peak_probe.h"

#include <math.h>

#define PP_SCALE 0.999f
#define PP_SHIFT (1.0f - PP_SCALE)
/* Chain c starts at 2 + c. None may start at the fixed point: fmaf(1, SCALE, 1 - SCALE) is
 * exactly 1, and the compiler proves such a chain constant and drops its FMAs. */
#define PP_START(c) (2.0f + (float)(c))

/* Scalar: what the scalar kernels' fmaf() reaches (a libm call on an x86-64 build without
 * -mfma, exactly as in CKernels/microkernels/scalar.c). */
#define PP_SCALAR_CHAINS 8

static double fma_scalar(long iterations, float *sink) {
    float acc[PP_SCALAR_CHAINS];
    for (int c = 0; c < PP_SCALAR_CHAINS; ++c) acc[c] = PP_START(c);
    for (long i = 0; i < iterations; ++i) {
        for (int c = 0; c < PP_SCALAR_CHAINS; ++c) acc[c] = fmaf(acc[c], PP_SCALE, PP_SHIFT);
    }
    float sum = 0.0f;
    for (int c = 0; c < PP_SCALAR_CHAINS; ++c) sum += acc[c];
    *sink = sum;
    return 2.0 * PP_SCALAR_CHAINS * (double)iterations;
}

#if defined(__x86_64__) || defined(__i386__)

#include <immintrin.h>

/* 12 of the 16 ymm registers: 12 chains cover 4 cycles x 2 pipes with room to spare, and the
 * two constants fit beside them. */
#define PP_AVX2_CHAINS 12

__attribute__((target("avx2,fma"))) static double fma_avx2(long iterations, float *sink) {
    const __m256 scale = _mm256_set1_ps(PP_SCALE);
    const __m256 shift = _mm256_set1_ps(PP_SHIFT);
    __m256 acc[PP_AVX2_CHAINS];
    for (int c = 0; c < PP_AVX2_CHAINS; ++c) acc[c] = _mm256_set1_ps(PP_START(c));
    for (long i = 0; i < iterations; ++i) {
        for (int c = 0; c < PP_AVX2_CHAINS; ++c) acc[c] = _mm256_fmadd_ps(acc[c], scale, shift);
    }
    __m256 sum = acc[0];
    for (int c = 1; c < PP_AVX2_CHAINS; ++c) sum = _mm256_add_ps(sum, acc[c]);
    float lanes[8];
    _mm256_storeu_ps(lanes, sum);
    float total = 0.0f;
    for (int lane = 0; lane < 8; ++lane) total += lanes[lane];
    *sink = total;
    return 2.0 * 8 * PP_AVX2_CHAINS * (double)iterations;
}

/* 16 of the 32 zmm registers. */
#define PP_AVX512_CHAINS 16

__attribute__((target("avx512f,fma"))) static double fma_avx512(long iterations, float *sink) {
    const __m512 scale = _mm512_set1_ps(PP_SCALE);
    const __m512 shift = _mm512_set1_ps(PP_SHIFT);
    __m512 acc[PP_AVX512_CHAINS];
    for (int c = 0; c < PP_AVX512_CHAINS; ++c) acc[c] = _mm512_set1_ps(PP_START(c));
    for (long i = 0; i < iterations; ++i) {
        for (int c = 0; c < PP_AVX512_CHAINS; ++c) acc[c] = _mm512_fmadd_ps(acc[c], scale, shift);
    }
    __m512 sum = acc[0];
    for (int c = 1; c < PP_AVX512_CHAINS; ++c) sum = _mm512_add_ps(sum, acc[c]);
    *sink = _mm512_reduce_add_ps(sum);
    return 2.0 * 16 * PP_AVX512_CHAINS * (double)iterations;
}

#endif

#if defined(__aarch64__)

#include <arm_neon.h>

/* 16 of the 32 q registers: Apple cores have 4 FMA pipes of 4-cycle latency. FMLA overwrites
 * its addend, so here the chain is the addend, acc = acc + SCALE * SHIFT (the x86 form, with
 * acc as a multiplicand, costs a register copy per FMA and spills): acc grows by about 0.001
 * per round until that is below half its ulp (near 2^15), and stays a finite normal float. */
#define PP_NEON_CHAINS 16

static double fma_neon(long iterations, float *sink) {
    const float32x4_t scale = vdupq_n_f32(PP_SCALE);
    const float32x4_t shift = vdupq_n_f32(PP_SHIFT);
    float32x4_t acc[PP_NEON_CHAINS];
    for (int c = 0; c < PP_NEON_CHAINS; ++c) acc[c] = vdupq_n_f32(PP_START(c));
    for (long i = 0; i < iterations; ++i) {
        /* vfmaq_f32(a, b, c) = a + b * c */
        for (int c = 0; c < PP_NEON_CHAINS; ++c) acc[c] = vfmaq_f32(acc[c], shift, scale);
    }
    float32x4_t sum = acc[0];
    for (int c = 1; c < PP_NEON_CHAINS; ++c) sum = vaddq_f32(sum, acc[c]);
    *sink = vaddvq_f32(sum);
    return 2.0 * 4 * PP_NEON_CHAINS * (double)iterations;
}

#endif

double pp_fma_flops(ck_isa isa, long iterations, float *sink) {
    if (iterations <= 0 || !ck_isa_supported(isa)) return 0.0;
    switch (isa) {
    case CK_ISA_SCALAR: return fma_scalar(iterations, sink);
#if defined(__x86_64__) || defined(__i386__)
    case CK_ISA_AVX2: return fma_avx2(iterations, sink);
    case CK_ISA_AVX512: return fma_avx512(iterations, sink);
#endif
#if defined(__aarch64__)
    case CK_ISA_NEON: return fma_neon(iterations, sink);
#endif
    default: return 0.0;
    }
}
