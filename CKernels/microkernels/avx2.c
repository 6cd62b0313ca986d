/*
 * AVX2 + FMA3 kernels (x86-64). Compiled with target attributes rather than -mavx2, so the
 * rest of the library stays baseline x86-64 and these run only when dispatch.c has checked
 * the CPU. Every kernel reproduces microkernels/scalar.c bit for bit.
 */
#include "../ck_internal.h"

#if defined(__x86_64__) || defined(__i386__)

#include "../exp_poly.h"
#include <immintrin.h>

#define CK_AVX2 __attribute__((target("avx2,fma")))

#define AVX2_MR 6
#define AVX2_NR 16

/* One k step of the 6 x 16 tile. */
#define AVX2_STEP(p)                                                            \
    do {                                                                        \
        __m256 b0 = _mm256_load_ps(b + (p) * AVX2_NR);                          \
        __m256 b1 = _mm256_load_ps(b + (p) * AVX2_NR + 8);                      \
        for (int i = 0; i < AVX2_MR; ++i) {                                     \
            __m256 ai = _mm256_broadcast_ss(a + (p) * AVX2_MR + i);             \
            acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);                     \
            acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);                     \
        }                                                                       \
    } while (0)

/* 6 x 16 tile: 12 accumulators, 2 B vectors, 1 broadcast -> 15 of 16 ymm registers. As in
 * avx512.c: the C tile (6 rows of 64 bytes, 2 lines each when unaligned) is prefetched for
 * writing first and the k loop is unrolled by 4; the FMA order of every element is unchanged. */
CK_AVX2 static void gemm_ukernel_avx2(ptrdiff_t k, const float *a, const float *b,
                                      float *c, ptrdiff_t ldc, float alpha, float beta) {
    for (int i = 0; i < AVX2_MR; ++i) {
        __builtin_prefetch(c + i * ldc, 1, 3);
        __builtin_prefetch(c + i * ldc + AVX2_NR - 1, 1, 3);
    }
    __m256 acc[AVX2_MR][2];
    for (int i = 0; i < AVX2_MR; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
    ptrdiff_t p = 0;
    for (; p + 4 <= k; p += 4) {
        AVX2_STEP(p);
        AVX2_STEP(p + 1);
        AVX2_STEP(p + 2);
        AVX2_STEP(p + 3);
    }
    for (; p < k; ++p) AVX2_STEP(p);
    __m256 va = _mm256_set1_ps(alpha);
    if (beta == 0.0f) {
        for (int i = 0; i < AVX2_MR; ++i) {
            _mm256_storeu_ps(c + i * ldc, _mm256_mul_ps(va, acc[i][0]));
            _mm256_storeu_ps(c + i * ldc + 8, _mm256_mul_ps(va, acc[i][1]));
        }
    } else {
        __m256 vb = _mm256_set1_ps(beta);
        for (int i = 0; i < AVX2_MR; ++i) {
            float *row = c + i * ldc;
            _mm256_storeu_ps(row, _mm256_fmadd_ps(vb, _mm256_loadu_ps(row), _mm256_mul_ps(va, acc[i][0])));
            _mm256_storeu_ps(row + 8, _mm256_fmadd_ps(vb, _mm256_loadu_ps(row + 8), _mm256_mul_ps(va, acc[i][1])));
        }
    }
}

CK_AVX2 static inline __attribute__((always_inline)) void transpose8_avx2(__m256 r[8]);
/* Lanes [0, count) set (count clamped to 0..8), for masked loads and stores of a tail. */
CK_AVX2 static inline __m256i first_lanes(ptrdiff_t count);

/* ck_pack_lines_fn as in avx512.c, with 8 x 8 transposes: 8 lines and 8 values of k at a time.
 * The MR = 6 panel is stored with full 8-float stores that the next row overwrites, except its
 * last row (a masked store: nothing beyond the panel is written). */
CK_AVX2 static void pack_lines_avx2(ptrdiff_t kc, int lines, const float *src, ptrdiff_t ld, int width,
                                    float *out) {
    for (int l0 = 0; l0 < width; l0 += 8) {
        const int group = width - l0 < 8 ? width - l0 : 8;
        const int live = lines - l0 < 0 ? 0 : lines - l0 < 8 ? lines - l0 : 8;
        const __m256i store_mask = first_lanes(group);
        for (ptrdiff_t p = 0; p < kc; p += 8) {
            const int depth = kc - p < 8 ? (int)(kc - p) : 8;
            const __m256i load_mask = first_lanes(depth);
            __m256 r[8];
            for (int i = 0; i < 8; ++i) {
                const float *line = src + (ptrdiff_t)(l0 + i) * ld + p;
                r[i] = i >= live ? _mm256_setzero_ps() : depth == 8 ? _mm256_loadu_ps(line) : _mm256_maskload_ps(line, load_mask);
            }
            transpose8_avx2(r);
            float *dst = out + p * width + l0;
            for (int q = 0; q < depth; ++q) {
                if (group == 8 || (group == width && p + q < kc - 1)) {
                    _mm256_storeu_ps(dst + q * width, r[q]);
                } else {
                    _mm256_maskstore_ps(dst + q * width, store_mask, r[q]);
                }
            }
        }
    }
}

#define AVX2_UNPACKED_MR 6
#define AVX2_UNPACKED_NR 16

/* The body of the 6 x 16 unpacked tile, for `halves` = 2 (up to 16 columns) or 1 (up to 8: the
 * output layer's 10 classes end in a tile of 2). Inlined with a constant `halves`, so each
 * variant keeps only its own accumulators: 12 + 2 B vectors + 1 broadcast = 15 of 16 ymm.
 * Short tiles repeat their last row of A (in bounds, never stored) so the loop body stays fully
 * unrolled; as in avx512.c, same order and epilogue as the packed microkernel. */
CK_AVX2 static inline __attribute__((always_inline)) void gemm_unpacked_tile_avx2(
    int halves, ptrdiff_t k, const float *a, ptrdiff_t rsa, ptrdiff_t csa, const float *b, ptrdiff_t rsb,
    float *c, ptrdiff_t ldc, float alpha, float beta, int rows, int cols) {
    const __m256i live0 = first_lanes(cols), live1 = first_lanes(cols - 8);
    const int full0 = cols >= 8, full1 = cols >= 16;
    const float *ar[AVX2_UNPACKED_MR];
    for (int i = 0; i < AVX2_UNPACKED_MR; ++i) ar[i] = a + (i < rows ? i : rows - 1) * rsa;
    __m256 acc[AVX2_UNPACKED_MR][2];
    for (int i = 0; i < AVX2_UNPACKED_MR; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
    for (ptrdiff_t p = 0; p < k; ++p) {
        const float *brow = b + p * rsb;
        __m256 b0 = full0 ? _mm256_loadu_ps(brow) : _mm256_maskload_ps(brow, live0);
        __m256 b1 = halves == 2 ? (full1 ? _mm256_loadu_ps(brow + 8) : _mm256_maskload_ps(brow + 8, live1))
                                : _mm256_setzero_ps();
        for (int i = 0; i < AVX2_UNPACKED_MR; ++i) {
            __m256 ai = _mm256_broadcast_ss(ar[i] + p * csa);
            acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
            if (halves == 2) acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
        }
    }
    const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    for (int i = 0; i < rows; ++i) {
        float *row = c + i * ldc;
        for (int h = 0; h < halves; ++h) {
            const __m256i live = h == 0 ? live0 : live1;
            const int full = h == 0 ? full0 : full1;
            __m256 r = _mm256_mul_ps(va, acc[i][h]);
            if (beta != 0.0f) {
                __m256 old = full ? _mm256_loadu_ps(row + 8 * h) : _mm256_maskload_ps(row + 8 * h, live);
                r = _mm256_fmadd_ps(vb, old, r);
            }
            if (full) {
                _mm256_storeu_ps(row + 8 * h, r);
            } else {
                _mm256_maskstore_ps(row + 8 * h, live, r);
            }
        }
    }
}

CK_AVX2 static void gemm_unpacked_avx2(ptrdiff_t k, const float *a, ptrdiff_t rsa, ptrdiff_t csa,
                                  const float *b, ptrdiff_t rsb, float *c, ptrdiff_t ldc,
                                  float alpha, float beta, int rows, int cols) {
    if (cols <= 8) {
        gemm_unpacked_tile_avx2(1, k, a, rsa, csa, b, rsb, c, ldc, alpha, beta, rows, cols);
    } else {
        gemm_unpacked_tile_avx2(2, k, a, rsa, csa, b, rsb, c, ldc, alpha, beta, rows, cols);
    }
}

/* ck_exp_nonpositive (exp_poly.h), 8 lanes, same operations in the same order. */
CK_AVX2 static inline __m256 exp_avx2(__m256 x) {
    const __m256 lo = _mm256_set1_ps(CK_EXP_LO);
    __m256 below = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
    __m256 xc = _mm256_max_ps(lo, x); /* max returns its second operand for NaN: NaN survives */
    __m256 fx = _mm256_floor_ps(_mm256_fmadd_ps(xc, _mm256_set1_ps(CK_EXP_LOG2E), _mm256_set1_ps(0.5f)));
    __m256 r = _mm256_fmadd_ps(fx, _mm256_set1_ps(-CK_EXP_C1), xc);
    r = _mm256_fmadd_ps(fx, _mm256_set1_ps(-CK_EXP_C2), r);
    __m256 p = _mm256_set1_ps(CK_EXP_P0);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(CK_EXP_P1));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(CK_EXP_P2));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(CK_EXP_P3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(CK_EXP_P4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(CK_EXP_P5));
    __m256 r2 = _mm256_mul_ps(r, r);
    __m256 y = _mm256_add_ps(_mm256_fmadd_ps(p, r2, r), _mm256_set1_ps(1.0f));
    __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvttps_epi32(fx), _mm256_set1_epi32(127)), 23);
    y = _mm256_mul_ps(y, _mm256_castsi256_ps(bits));
    return _mm256_andnot_ps(below, y);
}

CK_AVX2 static void relu_forward_avx2(ptrdiff_t n, const float *x, float *y, uint8_t *mask) {
    const __m256 zero = _mm256_setzero_ps();
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    ptrdiff_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i keep[4];
        for (int q = 0; q < 4; ++q) {
            __m256 v = _mm256_loadu_ps(x + i + 8 * q);
            __m256 pass = _mm256_cmp_ps(v, zero, _CMP_NLE_UQ); /* !(v <= 0): NaN passes */
            _mm256_storeu_ps(y + i + 8 * q, _mm256_and_ps(v, pass));
            keep[q] = _mm256_castps_si256(pass);
        }
        /* Four 8 x int32 masks (0 / -1) to 32 bytes (0 / 1) in element order. */
        __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(keep[0], keep[1]), _mm256_packs_epi32(keep[2], keep[3]));
        bytes = _mm256_permutevar8x32_epi32(bytes, order);
        _mm256_storeu_si256((__m256i *)(mask + i), _mm256_and_si256(bytes, _mm256_set1_epi8(1)));
    }
    for (; i < n; ++i) {
        float v = x[i];
        int passes = !(v <= 0.0f);
        mask[i] = (uint8_t)passes;
        y[i] = passes ? v : 0.0f;
    }
}

CK_AVX2 static void relu_backward_avx2(ptrdiff_t n, const float *dy, const uint8_t *mask, float *dx) {
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256i m = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(mask + i)));
        __m256 blocked = _mm256_castsi256_ps(_mm256_cmpeq_epi32(m, _mm256_setzero_si256()));
        _mm256_storeu_ps(dx + i, _mm256_andnot_ps(blocked, _mm256_loadu_ps(dy + i)));
    }
    for (; i < n; ++i) dx[i] = mask[i] ? dy[i] : 0.0f;
}

CK_AVX2 static void sigmoid_forward_avx2(ptrdiff_t n, const float *x, float *y) {
    const __m256 sign = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    ptrdiff_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        __m256 e = exp_avx2(_mm256_or_ps(v, sign)); /* exp(-|x|) */
        __m256 r = _mm256_div_ps(one, _mm256_add_ps(one, e));
        __m256 nonnegative = _mm256_cmp_ps(v, zero, _CMP_GE_OQ);
        _mm256_storeu_ps(y + i, _mm256_blendv_ps(_mm256_mul_ps(e, r), r, nonnegative));
    }
    for (; i < n; ++i) y[i] = ck_sigmoid_scalar(x[i]);
}

CK_AVX2 static inline __m256i first_lanes(ptrdiff_t count) {
    int clamped = count < 0 ? 0 : count > 8 ? 8 : (int)count;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(clamped), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

CK_AVX2 static float exp_shifted_sum_avx2(ptrdiff_t n, const float *x, float max, float *y) {
    const __m256 vmax = _mm256_set1_ps(max);
    __m256 acc[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()}; /* lanes 0-7 and 8-15 */
    ptrdiff_t j = 0;
    for (; j + 16 <= n; j += 16) {
        for (int h = 0; h < 2; ++h) {
            __m256 e = exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(x + j + 8 * h), vmax));
            _mm256_storeu_ps(y + j + 8 * h, e);
            acc[h] = _mm256_add_ps(acc[h], e);
        }
    }
    for (int h = 0; h < 2 && j + 8 * h < n; ++h) {
        __m256i lanes = first_lanes(n - j - 8 * h);
        __m256 e = exp_avx2(_mm256_sub_ps(_mm256_maskload_ps(x + j + 8 * h, lanes), vmax));
        e = _mm256_and_ps(e, _mm256_castsi256_ps(lanes));
        _mm256_maskstore_ps(y + j + 8 * h, lanes, e);
        acc[h] = _mm256_add_ps(acc[h], e);
    }
    /* Fold 16 -> 8 -> 4 -> 2 -> 1 exactly as scalar.c does. */
    __m256 s8 = _mm256_add_ps(acc[0], acc[1]);
    __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
    __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
    __m128 s1 = _mm_add_ss(s2, _mm_shuffle_ps(s2, s2, 1));
    return _mm_cvtss_f32(s1);
}

CK_AVX2 static float row_max_avx2(ptrdiff_t n, const float *x) {
    __m256 m = _mm256_set1_ps(x[0]);
    __m256 nan = _mm256_setzero_ps();
    ptrdiff_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 v = _mm256_loadu_ps(x + j);
        nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
        m = _mm256_max_ps(m, v);
    }
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_shuffle_ps(m4, m4, 1));
    float result = _mm_cvtss_f32(m4);
    int any_nan = _mm256_movemask_ps(nan) != 0;
    for (; j < n; ++j) {
        any_nan |= x[j] != x[j];
        result = x[j] > result ? x[j] : result;
    }
    if (any_nan) return NAN;
    return result == 0.0f ? 0.0f : result; /* +0 for a zero maximum, as every ISA */
}

CK_AVX2 static void scale_avx2(ptrdiff_t n, float s, float *y) {
    const __m256 vs = _mm256_set1_ps(s);
    ptrdiff_t j = 0;
    for (; j + 8 <= n; j += 8) _mm256_storeu_ps(y + j, _mm256_mul_ps(_mm256_loadu_ps(y + j), vs));
    for (; j < n; ++j) y[j] *= s;
}

/* r[i] lane j -> r[j] lane i: 32-bit interleaves, 64-bit shuffles, then 128-bit halves. */
CK_AVX2 static inline __attribute__((always_inline)) void transpose8_avx2(__m256 r[8]) {
    __m256 t[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        for (int h = 0; h < 2; ++h) {
            r[i + 2 * h] = _mm256_shuffle_ps(t[i + h], t[i + h + 2], _MM_SHUFFLE(1, 0, 1, 0));
            r[i + 2 * h + 1] = _mm256_shuffle_ps(t[i + h], t[i + h + 2], _MM_SHUFFLE(3, 2, 3, 2));
        }
    }
    /* r[4b + q], q < 4: rows 4b..4b+3 of column q (low half) and column q + 4 (high half). */
    for (int q = 0; q < 4; ++q) {
        t[q] = _mm256_permute2f128_ps(r[q], r[q + 4], 0x20);
        t[q + 4] = _mm256_permute2f128_ps(r[q], r[q + 4], 0x31);
    }
    for (int i = 0; i < 8; ++i) r[i] = t[i];
}

/* Eight rows of softmax_rows16 (rows in lanes), for a width known at compile time: the AVX-512
 * kernel's algorithm with two 8 x 8 transposes per direction for columns 0-7 and 8-15. Returns
 * the rows left to the portable code (bit i: row i). */
CK_AVX2 static inline __attribute__((always_inline)) unsigned softmax_rows8_width(
    const int n, const float *x, ptrdiff_t ldx, float *y, ptrdiff_t ldy, float *max, float *sum) {
    const int low = n < 8 ? n : 8, high = n - low; /* columns in each 8 x 8 half */
    const __m256i live_low = first_lanes(low), live_high = first_lanes(high);
    __m256 c[16], upper[8];
    for (int i = 0; i < 8; ++i) {
        const float *row = x + i * ldx;
        c[i] = low == 8 ? _mm256_loadu_ps(row) : _mm256_maskload_ps(row, live_low);
        upper[i] = high == 8 ? _mm256_loadu_ps(row + 8)
                 : high > 0  ? _mm256_maskload_ps(row + 8, live_high) : _mm256_setzero_ps();
    }
    transpose8_avx2(c);
    if (high > 0) transpose8_avx2(upper);
    for (int j = 8; j < 16; ++j) c[j] = upper[j - 8]; /* c[j]: column j, lane i = row i */

    /* The row maxima as a tree, then exp and the fold down the columns, as in avx512.c. */
    __m256 m[16];
    for (int j = 0; j < n; ++j) m[j] = c[j];
    for (int w = 8; w >= 1; w /= 2) {
        for (int l = 0; l < w && l + w < n; ++l) m[l] = _mm256_max_ps(m[l], m[l + w]);
    }
    const __m256 row_max = _mm256_and_ps(m[0], _mm256_cmp_ps(m[0], _mm256_setzero_ps(), _CMP_NEQ_UQ)); /* +0 */
    __m256 lane[16];
    for (int j = 0; j < n; ++j) lane[j] = c[j] = exp_avx2(_mm256_sub_ps(c[j], row_max));
    for (int w = 8; w >= 1; w /= 2) {
        for (int l = 0; l < w && l + w < n; ++l) lane[l] = _mm256_add_ps(lane[l], lane[l + w]);
    }
    /* NaN sum: a NaN element or an infinite maximum (see avx512.c). */
    const unsigned portable = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(lane[0], lane[0], _CMP_UNORD_Q));
    const __m256 inverse = _mm256_div_ps(_mm256_set1_ps(1.0f), lane[0]);
    for (int j = 0; j < 16; ++j) c[j] = j < n ? _mm256_mul_ps(c[j], inverse) : _mm256_setzero_ps();
    for (int j = 8; j < 16; ++j) upper[j - 8] = c[j];
    transpose8_avx2(c);
    if (high > 0) transpose8_avx2(upper);

    for (int i = 0; i < 8; ++i) {
        if (portable >> i & 1) continue;
        float *row = y + i * ldy;
        if (low == 8) {
            _mm256_storeu_ps(row, c[i]);
        } else {
            _mm256_maskstore_ps(row, live_low, c[i]);
        }
        if (high == 8) {
            _mm256_storeu_ps(row + 8, upper[i]);
        } else if (high > 0) {
            _mm256_maskstore_ps(row + 8, live_high, upper[i]);
        }
    }
    _mm256_storeu_ps(max, row_max);
    _mm256_storeu_ps(sum, lane[0]);
    return portable;
}

#define AVX2_ROWS8_CASE(width) \
    case width: return softmax_rows8_width(width, x, ldx, y, ldy, max, sum);

/* Not inlined: the two halves of a block share one copy of each width's body. */
CK_AVX2 static __attribute__((noinline)) unsigned softmax_rows8_avx2(ptrdiff_t n, const float *x, ptrdiff_t ldx,
                                                                     float *y, ptrdiff_t ldy, float *max, float *sum) {
    switch (n) {
    AVX2_ROWS8_CASE(1) AVX2_ROWS8_CASE(2) AVX2_ROWS8_CASE(3) AVX2_ROWS8_CASE(4)
    AVX2_ROWS8_CASE(5) AVX2_ROWS8_CASE(6) AVX2_ROWS8_CASE(7) AVX2_ROWS8_CASE(8)
    AVX2_ROWS8_CASE(9) AVX2_ROWS8_CASE(10) AVX2_ROWS8_CASE(11) AVX2_ROWS8_CASE(12)
    AVX2_ROWS8_CASE(13) AVX2_ROWS8_CASE(14) AVX2_ROWS8_CASE(15) AVX2_ROWS8_CASE(16)
    default: return 0xFF;
    }
}

CK_AVX2 static unsigned softmax_rows16_avx2(ptrdiff_t n, const float *x, ptrdiff_t ldx, float *y, ptrdiff_t ldy,
                                            float max[16], float sum[16]) {
    if (n < 1 || n > 16) return 0xFFFF; /* not this kernel's rows: the caller's per-row path */
    ck_prefetch_next_rows16(n, x, ldx, y, ldy, ck_tuning_default.softmax_prefetch_blocks);
    return softmax_rows8_avx2(n, x, ldx, y, ldy, max, sum)
         | softmax_rows8_avx2(n, x + 8 * ldx, ldx, y + 8 * ldy, ldy, max + 8, sum + 8) << 8;
}

static const ck_config avx2_config = {
    .isa = CK_ISA_AVX2,
    .mr = AVX2_MR, .nr = AVX2_NR,
    .gemm_ukernel = gemm_ukernel_avx2,
    .pack_lines = pack_lines_avx2,
    .unpacked_mr = AVX2_UNPACKED_MR, .unpacked_nr = AVX2_UNPACKED_NR,
    .gemm_unpacked = gemm_unpacked_avx2,
    .relu_forward = relu_forward_avx2,
    .relu_backward = relu_backward_avx2,
    .sigmoid_forward = sigmoid_forward_avx2,
    .exp_shifted_sum = exp_shifted_sum_avx2,
    .row_max = row_max_avx2,
    .scale = scale_avx2,
    .softmax_rows16 = softmax_rows16_avx2,
    .tuning = &ck_tuning_default,
};

const ck_config *ck_config_avx2(void) { return &avx2_config; }

#else

const ck_config *ck_config_avx2(void) { return NULL; }

#endif
