/*
 * Dropout masks from a counter-based generator, and applying a mask.
 *
 * A mask element is a pure function of (seed, iteration, layer, global element index): no
 * generator state advances, so the mask is the same for any thread count, any ISA, and any
 * split of a batch's rows among processes (an MPI shard passes the global index of its first
 * row). The generator is SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom
 * number generators", OOPSLA 2014; the mixing constants are Stafford's "Mix13"):
 *
 *   mix(z)  = z ^= z >> 30; z *= 0xBF58476D1CE4E5B9; z ^= z >> 27; z *= 0x94D049BB133111EB; z ^ (z >> 31)
 *   key     = mix(mix(mix(seed ^ 0x243F6A8885A308D3) ^ iteration) ^ layer)
 *   bits(e) = mix(key + (e + 1) * 0x9E3779B97F4A7C15)       (all arithmetic mod 2^64)
 *
 * that is, element e takes output e + 1 of a SplitMix64 stream seeded with a key that mixes
 * the seed, the iteration and the layer in turn (each step a bijection, so two iterations or
 * two layers of one seed never share a key). u = ((bits >> 40) + 1) / 2^24 is uniform on
 * (0, 1] in steps of 2^-24, exact in float, and the element is kept when u > ratio: ratio 0
 * keeps every element, ratio 1 drops every one, and ratio r keeps a fraction 1 - r (to 2^-24).
 */
#include "ck_internal.h"

static inline uint64_t dropout_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void mask_chunk(ptrdiff_t count, uint64_t key, uint64_t first, float ratio, uint8_t *mask) {
    for (ptrdiff_t i = 0; i < count; ++i) {
        uint64_t bits = dropout_mix(key + (first + (uint64_t)i + 1u) * 0x9E3779B97F4A7C15ull);
        float u = (float)((bits >> 40) + 1u) * 0x1p-24f;
        mask[i] = u > ratio ? 1 : 0;
    }
}

ck_status ck_dropout_mask(ptrdiff_t m, ptrdiff_t n, float ratio, uint64_t seed, uint64_t iteration,
                          uint64_t layer, ptrdiff_t first_row, uint8_t *mask) {
    if (m < 0 || n < 0 || first_row < 0 || !(ratio >= 0.0f && ratio <= 1.0f) || CK_NEED(m * n, mask)) {
        return CK_EINVAL;
    }
    const uint64_t key = dropout_mix(dropout_mix(dropout_mix(seed ^ 0x243F6A8885A308D3ull) ^ iteration) ^ layer);
    const uint64_t base = (uint64_t)first_row * (uint64_t)n;
    CK_FOR_CHUNKS(m * n, mask_chunk(count, key, base + (uint64_t)start, ratio, mask + start));
    return CK_OK;
}

static void apply_chunk(ptrdiff_t n, const float *x, const uint8_t *mask, float scale, float *y) {
    for (ptrdiff_t i = 0; i < n; ++i) y[i] = mask[i] != 0 ? x[i] * scale : 0.0f;
}

ck_status ck_dropout_apply(ptrdiff_t n, const float *x, const uint8_t *mask, float scale, float *y) {
    if (n < 0 || CK_NEED(n, x) || CK_NEED(n, mask) || CK_NEED(n, y)) return CK_EINVAL;
    CK_FOR_CHUNKS(n, apply_chunk(count, x + start, mask + start, scale, y + start));
    return CK_OK;
}
