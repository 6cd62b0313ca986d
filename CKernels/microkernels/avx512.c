/*
 * AVX-512 kernels (F, BW, VL, DQ; x86-64). Masks make the tails of elementwise loops
 * branch-free. Every kernel reproduces microkernels/scalar.c bit for bit.
 *
 * On Zen 4 a 512-bit FMA runs as two 256-bit halves, so AVX-512 does not double the
 * arithmetic peak there; it wins through 32 registers (a larger tile: fewer loads per FMA)
 * and masked tails. kernel-bench --isa avx2 / avx512 measures the difference.
 */
#include "../ck_internal.h"

#if defined(__x86_64__) || defined(__i386__)

#include "../exp_poly.h"
#include <immintrin.h>

#define CK_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma")))

#define AVX512_MR 12
#define AVX512_NR 32

/* One k step of the 12 x 32 tile: two B vectors, twelve broadcasts folded into the FMAs. */
#define AVX512_STEP(p)                                                          \
    do {                                                                        \
        __m512 b0 = _mm512_load_ps(b + (p) * AVX512_NR);                        \
        __m512 b1 = _mm512_load_ps(b + (p) * AVX512_NR + 16);                   \
        for (int i = 0; i < AVX512_MR; ++i) {                                   \
            __m512 ai = _mm512_set1_ps(a[(p) * AVX512_MR + i]);                 \
            acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);                     \
            acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);                     \
        }                                                                       \
    } while (0)

/*
 * 12 x 32 tile: 24 accumulators, 2 B vectors, broadcasts folded into the FMAs. The C tile's
 * lines (12 rows of 128 bytes, 3 lines each when unaligned) are prefetched for writing first,
 * so the epilogue finds them in L1 after the k loop instead of waiting on L2 or L3; the k loop
 * is unrolled by 4 so its counter and branch cost less against 96 FMAs. Neither changes the
 * order of the FMAs of any element.
 */
CK_AVX512 static void gemm_ukernel_avx512(ptrdiff_t k, const float *a, const float *b,
                                          float *c, ptrdiff_t ldc, float alpha, float beta) {
    for (int i = 0; i < AVX512_MR; ++i) {
        __builtin_prefetch(c + i * ldc, 1, 3);
        __builtin_prefetch(c + i * ldc + 16, 1, 3);
        __builtin_prefetch(c + i * ldc + AVX512_NR - 1, 1, 3);
    }
    __m512 acc[AVX512_MR][2];
    for (int i = 0; i < AVX512_MR; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
    ptrdiff_t p = 0;
    for (; p + 4 <= k; p += 4) {
        AVX512_STEP(p);
        AVX512_STEP(p + 1);
        AVX512_STEP(p + 2);
        AVX512_STEP(p + 3);
    }
    for (; p < k; ++p) AVX512_STEP(p);
    __m512 va = _mm512_set1_ps(alpha);
    if (beta == 0.0f) {
        for (int i = 0; i < AVX512_MR; ++i) {
            _mm512_storeu_ps(c + i * ldc, _mm512_mul_ps(va, acc[i][0]));
            _mm512_storeu_ps(c + i * ldc + 16, _mm512_mul_ps(va, acc[i][1]));
        }
    } else {
        __m512 vb = _mm512_set1_ps(beta);
        for (int i = 0; i < AVX512_MR; ++i) {
            float *row = c + i * ldc;
            _mm512_storeu_ps(row, _mm512_fmadd_ps(vb, _mm512_loadu_ps(row), _mm512_mul_ps(va, acc[i][0])));
            _mm512_storeu_ps(row + 16, _mm512_fmadd_ps(vb, _mm512_loadu_ps(row + 16), _mm512_mul_ps(va, acc[i][1])));
        }
    }
}

CK_AVX512 static inline __mmask16 tail_mask(ptrdiff_t count);
CK_AVX512 static inline __attribute__((always_inline)) void transpose16_avx512(__m512 r[16]);

/* ck_pack_lines_fn: 16 lines at a time, 16 values of k at a time, through the 16 x 16 in-register
 * transpose; each of the 16 resulting rows holds one k for the group's lines. The stores are
 * full 16-float stores, also for a panel narrower than 16 (MR = 12), whose next row's store
 * overwrites the 4 extra floats, except at the panel's last row, which is masked so nothing
 * beyond the panel is written (another thread may be packing the next one). */
CK_AVX512 static void pack_lines_avx512(ptrdiff_t kc, int lines, const float *src, ptrdiff_t ld, int width,
                                        float *out) {
    for (int l0 = 0; l0 < width; l0 += 16) {
        const int group = width - l0 < 16 ? width - l0 : 16;
        const int live = lines - l0 < 0 ? 0 : lines - l0 < 16 ? lines - l0 : 16;
        const __mmask16 store_mask = tail_mask(group);
        for (ptrdiff_t p = 0; p < kc; p += 16) {
            const int depth = kc - p < 16 ? (int)(kc - p) : 16;
            const __mmask16 load_mask = tail_mask(depth);
            __m512 r[16];
            for (int i = 0; i < 16; ++i) {
                r[i] = i < live ? _mm512_maskz_loadu_ps(load_mask, src + (ptrdiff_t)(l0 + i) * ld + p) : _mm512_setzero_ps();
            }
            transpose16_avx512(r);
            float *dst = out + p * width + l0;
            for (int q = 0; q < depth; ++q) {
                if (group == 16 || (group == width && p + q < kc - 1)) {
                    _mm512_storeu_ps(dst + q * width, r[q]);
                } else {
                    _mm512_mask_storeu_ps(dst + q * width, store_mask, r[q]);
                }
            }
        }
    }
}

#define AVX512_UNPACKED_MR 10
#define AVX512_UNPACKED_NR 32

/* The body of the 10 x 32 unpacked tile, for `halves` = 2 (up to 32 columns) or 1 (up to 16:
 * the output layer's 10 classes need no second vector). Inlined with a constant `halves`, so
 * each variant keeps only its own accumulators. Short tiles repeat their last row of A (in
 * bounds, never stored) so the loop body stays fully unrolled; full-width rows are stored
 * without masks, which are slow on some cores. */
CK_AVX512 static inline __attribute__((always_inline)) void gemm_unpacked_tile(
    int halves, ptrdiff_t k, const float *a, ptrdiff_t rsa, ptrdiff_t csa, const float *b, ptrdiff_t rsb,
    float *c, ptrdiff_t ldc, float alpha, float beta, int rows, int cols) {
    const __mmask16 live0 = tail_mask(cols), live1 = tail_mask(cols > 16 ? cols - 16 : 0);
    const float *ar[AVX512_UNPACKED_MR];
    for (int i = 0; i < AVX512_UNPACKED_MR; ++i) ar[i] = a + (i < rows ? i : rows - 1) * rsa;
    __m512 acc[AVX512_UNPACKED_MR][2];
    for (int i = 0; i < AVX512_UNPACKED_MR; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
    for (ptrdiff_t p = 0; p < k; ++p) {
        __m512 b0 = _mm512_maskz_loadu_ps(live0, b + p * rsb);
        __m512 b1 = halves == 2 ? _mm512_maskz_loadu_ps(live1, b + p * rsb + 16) : _mm512_setzero_ps();
        for (int i = 0; i < AVX512_UNPACKED_MR; ++i) {
            __m512 ai = _mm512_set1_ps(ar[i][p * csa]);
            acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
            if (halves == 2) acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
        }
    }
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    const int full = cols == 16 * halves;
    for (int i = 0; i < rows; ++i) {
        float *row = c + i * ldc;
        for (int h = 0; h < halves; ++h) {
            __mmask16 live = h == 0 ? live0 : live1;
            __m512 r = _mm512_mul_ps(va, acc[i][h]);
            if (beta != 0.0f) r = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(live, row + 16 * h), r);
            if (full) {
                _mm512_storeu_ps(row + 16 * h, r);
            } else {
                _mm512_mask_storeu_ps(row + 16 * h, live, r);
            }
        }
    }
}

/* The 10 x 32 unpacked tile for 17 to 24 columns (N = 50 ends in a tile of 18): the second
 * vector is a 256-bit one. Where a 512-bit FMA issues as two 256-bit halves (Zen 4) this tile
 * does 3/4 of the two-vector tile's work; each lane still computes the same fused multiply-adds
 * in the same order, so the bits are those of the other tiles. Each FMA names its own
 * broadcast of A: written as one 512-bit broadcast narrowed for the 256-bit FMA, clang loaded a
 * 256-bit broadcast and widened it with a shuffle, one extra shuffle per row and k step on the
 * FMA pipes; this way it loads one 512-bit broadcast and uses its low half. Measured side by
 * side in one process (two builds of the core, interleaved, thread CPU time, AMD EPYC Zen 4):
 * 100x784x50 from 91.5 to 84 µs, 784x100x50 from 95.5 to 88 µs. */
CK_AVX512 static void gemm_unpacked_tile_24(ptrdiff_t k, const float *a, ptrdiff_t rsa, ptrdiff_t csa,
                                            const float *b, ptrdiff_t rsb, float *c, ptrdiff_t ldc,
                                            float alpha, float beta, int rows, int cols) {
    const __mmask8 live1 = (__mmask8)((1u << (cols - 16)) - 1u);
    const float *ar[AVX512_UNPACKED_MR];
    for (int i = 0; i < AVX512_UNPACKED_MR; ++i) ar[i] = a + (i < rows ? i : rows - 1) * rsa;
    __m512 acc0[AVX512_UNPACKED_MR];
    __m256 acc1[AVX512_UNPACKED_MR];
    for (int i = 0; i < AVX512_UNPACKED_MR; ++i) {
        acc0[i] = _mm512_setzero_ps();
        acc1[i] = _mm256_setzero_ps();
    }
    for (ptrdiff_t p = 0; p < k; ++p) {
        __m512 b0 = _mm512_loadu_ps(b + p * rsb);
        __m256 b1 = _mm256_maskz_loadu_ps(live1, b + p * rsb + 16);
        for (int i = 0; i < AVX512_UNPACKED_MR; ++i) {
            acc0[i] = _mm512_fmadd_ps(_mm512_set1_ps(ar[i][p * csa]), b0, acc0[i]);
            acc1[i] = _mm256_fmadd_ps(_mm256_set1_ps(ar[i][p * csa]), b1, acc1[i]);
        }
    }
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    const __m256 va8 = _mm256_set1_ps(alpha), vb8 = _mm256_set1_ps(beta);
    for (int i = 0; i < rows; ++i) {
        float *row = c + i * ldc;
        __m512 r0 = _mm512_mul_ps(va, acc0[i]);
        __m256 r1 = _mm256_mul_ps(va8, acc1[i]);
        if (beta != 0.0f) {
            r0 = _mm512_fmadd_ps(vb, _mm512_loadu_ps(row), r0);
            r1 = _mm256_fmadd_ps(vb8, _mm256_maskz_loadu_ps(live1, row + 16), r1);
        }
        _mm512_storeu_ps(row, r0);
        if (cols == 24) {
            _mm256_storeu_ps(row + 16, r1);
        } else {
            _mm256_mask_storeu_ps(row + 16, live1, r1);
        }
    }
}

/* 10 x 32 unpacked tile: M = 100 (a minibatch) is exactly ten tiles. */
CK_AVX512 static void gemm_unpacked_avx512(ptrdiff_t k, const float *a, ptrdiff_t rsa, ptrdiff_t csa,
                                      const float *b, ptrdiff_t rsb, float *c, ptrdiff_t ldc,
                                      float alpha, float beta, int rows, int cols) {
    if (cols <= 16) {
        gemm_unpacked_tile(1, k, a, rsa, csa, b, rsb, c, ldc, alpha, beta, rows, cols);
    } else if (cols <= 24) {
        gemm_unpacked_tile_24(k, a, rsa, csa, b, rsb, c, ldc, alpha, beta, rows, cols);
    } else {
        gemm_unpacked_tile(2, k, a, rsa, csa, b, rsb, c, ldc, alpha, beta, rows, cols);
    }
}

/* ck_exp_nonpositive (exp_poly.h), 16 lanes, same operations in the same order. Two shortcuts
 * that change no bit for x <= 0 (checked on every such float): scalef multiplies y by 2^fx with
 * the one rounding of the scalar y * scale, in one instruction instead of building scale's bits;
 * and x is not clamped to CK_EXP_LO first, because the lanes below it are zeroed by that same
 * instruction's mask. NaN stays NaN through every step. */
CK_AVX512 static inline __m512 exp_avx512(__m512 x) {
    __mmask16 below = _mm512_cmp_ps_mask(x, _mm512_set1_ps(CK_EXP_LO), _CMP_LT_OQ);
    __m512 fx = _mm512_roundscale_ps(_mm512_fmadd_ps(x, _mm512_set1_ps(CK_EXP_LOG2E), _mm512_set1_ps(0.5f)),
                                     _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fmadd_ps(fx, _mm512_set1_ps(-CK_EXP_C1), x);
    r = _mm512_fmadd_ps(fx, _mm512_set1_ps(-CK_EXP_C2), r);
    __m512 p = _mm512_set1_ps(CK_EXP_P0);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(CK_EXP_P1));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(CK_EXP_P2));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(CK_EXP_P3));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(CK_EXP_P4));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(CK_EXP_P5));
    __m512 r2 = _mm512_mul_ps(r, r);
    __m512 y = _mm512_add_ps(_mm512_fmadd_ps(p, r2, r), _mm512_set1_ps(1.0f));
    return _mm512_maskz_scalef_ps((__mmask16)~below, y, fx);
}

CK_AVX512 static inline __mmask16 tail_mask(ptrdiff_t count) {
    return count >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << count) - 1u);
}

/* Full-width loads and stores in the loops, masks only for the tail: masked stores are
 * slow on some cores (Zen 4 among them). */
CK_AVX512 static inline void relu_forward_16(const float *x, float *y, uint8_t *mask, __mmask16 live) {
    __m512 v = _mm512_maskz_loadu_ps(live, x);
    __mmask16 pass = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_NLE_UQ); /* !(v <= 0): NaN passes */
    _mm512_mask_storeu_ps(y, live, _mm512_maskz_mov_ps(pass, v));
    _mm_mask_storeu_epi8(mask, live, _mm_maskz_set1_epi8(pass, 1));
}

CK_AVX512 static void relu_forward_avx512(ptrdiff_t n, const float *x, float *y, uint8_t *mask) {
    const __m512 zero = _mm512_setzero_ps();
    ptrdiff_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_loadu_ps(x + i);
        __mmask16 pass = _mm512_cmp_ps_mask(v, zero, _CMP_NLE_UQ);
        _mm512_storeu_ps(y + i, _mm512_maskz_mov_ps(pass, v));
        _mm_storeu_si128((__m128i *)(mask + i), _mm_maskz_set1_epi8(pass, 1));
    }
    if (i < n) relu_forward_16(x + i, y + i, mask + i, tail_mask(n - i));
}

CK_AVX512 static void relu_backward_avx512(ptrdiff_t n, const float *dy, const uint8_t *mask, float *dx) {
    ptrdiff_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i m = _mm_loadu_si128((const __m128i *)(mask + i));
        _mm512_storeu_ps(dx + i, _mm512_maskz_loadu_ps(_mm_test_epi8_mask(m, m), dy + i));
    }
    if (i < n) {
        __mmask16 live = tail_mask(n - i);
        __m128i m = _mm_maskz_loadu_epi8(live, mask + i);
        _mm512_mask_storeu_ps(dx + i, live, _mm512_maskz_loadu_ps(_mm_test_epi8_mask(m, m), dy + i));
    }
}

CK_AVX512 static inline __m512 sigmoid_16(__m512 v) {
    const __m512 one = _mm512_set1_ps(1.0f);
    __m512 e = exp_avx512(_mm512_or_ps(v, _mm512_set1_ps(-0.0f))); /* exp(-|x|) */
    __m512 r = _mm512_div_ps(one, _mm512_add_ps(one, e));
    __mmask16 nonnegative = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_GE_OQ);
    return _mm512_mask_mov_ps(_mm512_mul_ps(e, r), nonnegative, r);
}

CK_AVX512 static void sigmoid_forward_avx512(ptrdiff_t n, const float *x, float *y) {
    ptrdiff_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, sigmoid_16(_mm512_loadu_ps(x + i)));
    if (i < n) {
        __mmask16 live = tail_mask(n - i);
        _mm512_mask_storeu_ps(y + i, live, sigmoid_16(_mm512_maskz_loadu_ps(live, x + i)));
    }
}

CK_AVX512 static float exp_shifted_sum_avx512(ptrdiff_t n, const float *x, float max, float *y) {
    const __m512 vmax = _mm512_set1_ps(max);
    __m512 acc = _mm512_setzero_ps(); /* lane l sums the elements j with j % 16 == l */
    ptrdiff_t j = 0;
    for (; j + 16 <= n; j += 16) {
        __m512 e = exp_avx512(_mm512_sub_ps(_mm512_loadu_ps(x + j), vmax));
        _mm512_storeu_ps(y + j, e);
        acc = _mm512_add_ps(acc, e);
    }
    if (j < n) {
        __mmask16 live = tail_mask(n - j);
        __m512 e = _mm512_maskz_mov_ps(live, exp_avx512(_mm512_sub_ps(_mm512_maskz_loadu_ps(live, x + j), vmax)));
        _mm512_mask_storeu_ps(y + j, live, e);
        acc = _mm512_add_ps(acc, e);
    }
    /* Fold 16 -> 8 -> 4 -> 2 -> 1 exactly as scalar.c does. */
    __m256 s8 = _mm256_add_ps(_mm512_castps512_ps256(acc), _mm512_extractf32x8_ps(acc, 1));
    __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
    __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
    __m128 s1 = _mm_add_ss(s2, _mm_shuffle_ps(s2, s2, 1));
    return _mm_cvtss_f32(s1);
}

CK_AVX512 static float row_max_avx512(ptrdiff_t n, const float *x) {
    /* Four independent accumulators and full-width loads in the main loop: this pass is the
     * one that waits on memory, so it must keep several loads in flight. The maximum is the
     * same whatever the order, so the result stays the scalar one. */
    __m512 m[4];
    for (int q = 0; q < 4; ++q) m[q] = _mm512_set1_ps(x[0]);
    __mmask16 nan = 0;
    ptrdiff_t j = 0;
    for (; j + 64 <= n; j += 64) {
        for (int q = 0; q < 4; ++q) {
            __m512 v = _mm512_loadu_ps(x + j + 16 * q);
            nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
            m[q] = _mm512_max_ps(m[q], v);
        }
    }
    for (; j < n; j += 16) {
        __mmask16 live = tail_mask(n - j);
        __m512 v = _mm512_mask_loadu_ps(m[0], live, x + j); /* dead lanes repeat the running max */
        nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
        m[0] = _mm512_max_ps(m[0], v);
    }
    if (nan) return NAN;
    float result = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_max_ps(m[0], m[1]), _mm512_max_ps(m[2], m[3])));
    return result == 0.0f ? 0.0f : result; /* +0 for a zero maximum, as every ISA */
}

CK_AVX512 static void scale_avx512(ptrdiff_t n, float s, float *y) {
    const __m512 vs = _mm512_set1_ps(s);
    ptrdiff_t j = 0;
    for (; j + 16 <= n; j += 16) _mm512_storeu_ps(y + j, _mm512_mul_ps(_mm512_loadu_ps(y + j), vs));
    if (j < n) {
        __mmask16 live = tail_mask(n - j);
        _mm512_mask_storeu_ps(y + j, live, _mm512_mul_ps(_mm512_maskz_loadu_ps(live, y + j), vs));
    }
}

CK_AVX512 static int softmax_short_row_avx512(ptrdiff_t n, const float *x, float *y, float *max, float *sum) {
    const __mmask16 live = tail_mask(n);
    const __m512 v = _mm512_maskz_loadu_ps(live, x);
    if (_mm512_mask_cmp_ps_mask(live, v, v, _CMP_UNORD_Q)) return 0;
    float m = _mm512_mask_reduce_max_ps(live, v);
    if (m == INFINITY || m == -INFINITY) return 0;
    m = m == 0.0f ? 0.0f : m; /* +0 for a zero maximum, as row_max */
    /* One vector: lane j holds element j, so the 8-4-2-1 fold is the canonical sum order. */
    __m512 e = _mm512_maskz_mov_ps(live, exp_avx512(_mm512_sub_ps(v, _mm512_set1_ps(m))));
    __m256 s8 = _mm256_add_ps(_mm512_castps512_ps256(e), _mm512_extractf32x8_ps(e, 1));
    __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
    __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
    float total = _mm_cvtss_f32(_mm_add_ss(s2, _mm_shuffle_ps(s2, s2, 1)));
    _mm512_mask_storeu_ps(y, live, _mm512_mul_ps(e, _mm512_set1_ps(1.0f / total)));
    *max = m;
    *sum = total;
    return 1;
}

/* r[i] lane j -> r[j] lane i: four rounds of 16 two-input shuffles (32-bit, 64-bit, then
 * 128-bit blocks twice). */
CK_AVX512 static inline __attribute__((always_inline)) void transpose16_avx512(__m512 r[16]) {
    __m512 t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        for (int h = 0; h < 2; ++h) {
            __m512d a = _mm512_castps_pd(t[i + h]), b = _mm512_castps_pd(t[i + h + 2]);
            r[i + 2 * h] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, b));
            r[i + 2 * h + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, b));
        }
    }
    /* r[4b + q], q < 4: rows 4b..4b+3 of columns q, q + 4, q + 8, q + 12 (one per 128-bit block). */
    for (int q = 0; q < 4; ++q) {
        __m512 even_lo = _mm512_shuffle_f32x4(r[q], r[4 + q], 0x88), odd_lo = _mm512_shuffle_f32x4(r[q], r[4 + q], 0xDD);
        __m512 even_hi = _mm512_shuffle_f32x4(r[8 + q], r[12 + q], 0x88), odd_hi = _mm512_shuffle_f32x4(r[8 + q], r[12 + q], 0xDD);
        t[q] = _mm512_shuffle_f32x4(even_lo, even_hi, 0x88);
        t[q + 8] = _mm512_shuffle_f32x4(even_lo, even_hi, 0xDD);
        t[q + 4] = _mm512_shuffle_f32x4(odd_lo, odd_hi, 0x88);
        t[q + 12] = _mm512_shuffle_f32x4(odd_lo, odd_hi, 0xDD);
    }
    for (int i = 0; i < 16; ++i) r[i] = t[i];
}

/* softmax_rows16 for a width known at compile time, instantiated for every n <= 16 below. Measured
 * on blocks of rows of 10 in cache (Zen 4), per row: with a run-time width, the in-register
 * transpose in and out took 4.5 ns, gathering the columns (_mm512_i32gather_ps) 6.2, gathering
 * and scattering y 8.7; with the width a constant (the columns stay in registers, the loops
 * unroll) the transposes took 3.1, and recomputing exp row-major with the row's max and 1/sum
 * broadcast by _mm512_permutexvar_ps, instead of transposing back, 3.9. */
CK_AVX512 static inline __attribute__((always_inline)) unsigned softmax_rows16_width(
    const int n, const float *x, ptrdiff_t ldx, float *y, ptrdiff_t ldy, float max[16], float sum[16]) {
    const __mmask16 live = tail_mask(n);
    __m512 c[16];
    for (int i = 0; i < 16; ++i) c[i] = _mm512_maskz_loadu_ps(live, x + i * ldx);
    ck_prefetch_next_rows16(n, x, ldx, y, ldy, ck_tuning_default.softmax_prefetch_blocks);
    transpose16_avx512(c); /* c[j]: column j, lane i = row i */

    /* The row maxima as a tree: the maximum does not depend on the order, and a chain would put
     * n - 1 dependent steps on the critical path. */
    __m512 m[16];
    for (int j = 0; j < n; ++j) m[j] = c[j];
    for (int w = 8; w >= 1; w /= 2) {
        for (int l = 0; l < w && l + w < n; ++l) m[l] = _mm512_max_ps(m[l], m[l + w]);
    }
    const __m512 row_max = _mm512_mask_mov_ps(m[0], _mm512_cmp_ps_mask(m[0], _mm512_setzero_ps(), _CMP_EQ_OQ),
                                              _mm512_setzero_ps()); /* +0 for a zero maximum, as row_max */

    /* exp_shifted_sum's 16 partial sums hold one element each here (+0 for j >= n), so its
     * 8-4-2-1 fold runs down the columns: lane[l] += lane[l + w]. Adding a +0 lane changes
     * nothing (no term is -0), so those additions are left out. */
    __m512 lane[16];
    for (int j = 0; j < n; ++j) lane[j] = c[j] = exp_avx512(_mm512_sub_ps(c[j], row_max));
    for (int w = 8; w >= 1; w /= 2) {
        for (int l = 0; l < w && l + w < n; ++l) lane[l] = _mm512_add_ps(lane[l], lane[l + w]);
    }
    /* A row with a finite maximum sums n terms in [0, 1], one of them 1. Any other row sums to
     * NaN: a NaN element stays NaN through exp (even where vmaxps dropped it from the maximum),
     * and an infinite maximum meets itself in Inf - Inf. Those rows go to the portable code. */
    const __mmask16 portable = _mm512_cmp_ps_mask(lane[0], lane[0], _CMP_UNORD_Q);
    const __m512 inverse = _mm512_div_ps(_mm512_set1_ps(1.0f), lane[0]);
    for (int j = 0; j < 16; ++j) c[j] = j < n ? _mm512_mul_ps(c[j], inverse) : _mm512_setzero_ps();
    transpose16_avx512(c); /* back to c[i] = row i */

    if (portable == 0) {
        for (int i = 0; i < 16; ++i) _mm512_mask_storeu_ps(y + i * ldy, live, c[i]);
    } else {
        for (int i = 0; i < 16; ++i) {
            if (!(portable >> i & 1)) _mm512_mask_storeu_ps(y + i * ldy, live, c[i]);
        }
    }
    _mm512_storeu_ps(max, row_max);
    _mm512_storeu_ps(sum, lane[0]);
    return portable;
}

#define AVX512_ROWS16_CASE(width) \
    case width: return softmax_rows16_width(width, x, ldx, y, ldy, max, sum);

CK_AVX512 static unsigned softmax_rows16_avx512(ptrdiff_t n, const float *x, ptrdiff_t ldx, float *y, ptrdiff_t ldy,
                                                float max[16], float sum[16]) {
    switch (n) {
    AVX512_ROWS16_CASE(1) AVX512_ROWS16_CASE(2) AVX512_ROWS16_CASE(3) AVX512_ROWS16_CASE(4)
    AVX512_ROWS16_CASE(5) AVX512_ROWS16_CASE(6) AVX512_ROWS16_CASE(7) AVX512_ROWS16_CASE(8)
    AVX512_ROWS16_CASE(9) AVX512_ROWS16_CASE(10) AVX512_ROWS16_CASE(11) AVX512_ROWS16_CASE(12)
    AVX512_ROWS16_CASE(13) AVX512_ROWS16_CASE(14) AVX512_ROWS16_CASE(15) AVX512_ROWS16_CASE(16)
    default: return 0xFFFF; /* wider rows are not this kernel's: the caller's per-row path */
    }
}

static const ck_config avx512_config = {
    .isa = CK_ISA_AVX512,
    .mr = AVX512_MR, .nr = AVX512_NR,
    .gemm_ukernel = gemm_ukernel_avx512,
    .pack_lines = pack_lines_avx512,
    .unpacked_mr = AVX512_UNPACKED_MR, .unpacked_nr = AVX512_UNPACKED_NR,
    .gemm_unpacked = gemm_unpacked_avx512,
    .relu_forward = relu_forward_avx512,
    .relu_backward = relu_backward_avx512,
    .sigmoid_forward = sigmoid_forward_avx512,
    .exp_shifted_sum = exp_shifted_sum_avx512,
    .row_max = row_max_avx512,
    .scale = scale_avx512,
    .softmax_short_row = softmax_short_row_avx512,
    .softmax_rows16 = softmax_rows16_avx512,
    .tuning = &ck_tuning_default,
};

const ck_config *ck_config_avx512(void) { return &avx512_config; }

#else

const ck_config *ck_config_avx512(void) { return NULL; }

#endif
