/*
 * Convolution (forward and backward) lowered to the GEMM through im2col, and max pooling.
 *
 * One image at a time, as oneDNN's gemm convolution does: the image's C x H x W input becomes
 * the [C*FH*FW, OH*OW] column matrix (row (c*FH + i)*FW + j, column oh*OW + ow; zeros where the
 * window reaches into the padding), and W [FN, C*FH*FW] times the columns is the output
 * [FN, OH*OW], which is already the image's part of the NCHW output: no transpose.
 *
 * Threads take whole images (each output element is then written by one thread) and run the
 * GEMM on their own thread (ck_sgemm_one_thread), with the columns in their scratch slot 1:
 * the first convolution of the book's networks has one channel and 25 taps, a product far
 * too small to split, but 100 of them are worth two threads. The weight gradient is the one
 * sum across images: it is summed in groups of CK_CONV_GROUP images (a constant, not the
 * thread count), each group's images in ascending order into its own partial sum on one
 * thread, and the partials are then added in ascending group order. So every element of dW
 * sees the same operations for any thread count, and the GEMM's contract gives the same bits
 * on every ISA. The input gradient is col2im of W^T * dy, scattered in a fixed order by the
 * image's thread.
 *
 * With stride 1 (every convolution of the book's networks) the forward pass and the input
 * gradient skip im2col: see "Stride 1" below. Measured with a C harness at batch 100 on one
 * thread of an Intel Xeon (family 6 model 207, AVX-512; FMA peak 177 GFLOP/s), DeepConvNet's
 * 16 -> 16 channel 28 x 28 layer went from 28 to 64 GFLOP/s forward and from 24 to 60 backward,
 * its 64-channel 8 x 8 layer from 64 to 91 and from 58 to 93 (the im2col loop's per-element
 * bounds checks had cost up to 70% of the forward pass). The backward pass's im2col for dW
 * copies from the padded planes too, but keeps the compact [taps, OH*OW] columns: the wide
 * grid's extra positions would move the GEMM's K blocks and change dW's bits.
 */
#include "ck_internal.h"

#include <math.h>
#include <string.h>

/* Images per partial sum of dW: large enough that adding up the partials costs little beside
 * the products, small enough that a batch of 100 gives threads 25 groups to share. */
#define CK_CONV_GROUP 4

static int conv_shape_valid(const ck_conv_shape *s) {
    return s != NULL && s->channels > 0 && s->height > 0 && s->width > 0 && s->filters > 0
        && s->kernel_height > 0 && s->kernel_width > 0 && s->stride > 0 && s->pad >= 0
        && s->height + 2 * s->pad >= s->kernel_height && s->width + 2 * s->pad >= s->kernel_width;
}

ck_status ck_conv_output_size(const ck_conv_shape *shape, ptrdiff_t *out_height, ptrdiff_t *out_width) {
    if (!conv_shape_valid(shape) || out_height == NULL || out_width == NULL) return CK_EINVAL;
    *out_height = (shape->height + 2 * shape->pad - shape->kernel_height) / shape->stride + 1;
    *out_width = (shape->width + 2 * shape->pad - shape->kernel_width) / shape->stride + 1;
    return CK_OK;
}

/* The sizes every kernel below uses. */
typedef struct conv_dims {
    ptrdiff_t oh, ow, spatial;  /* OH, OW, OH*OW */
    ptrdiff_t taps;             /* C*FH*FW: rows of the columns, columns of W */
    ptrdiff_t in_image;         /* C*H*W */
    ptrdiff_t out_image;        /* FN*OH*OW */
} conv_dims;

static conv_dims dims_of(const ck_conv_shape *s) {
    conv_dims d;
    ck_conv_output_size(s, &d.oh, &d.ow);
    d.spatial = d.oh * d.ow;
    d.taps = s->channels * s->kernel_height * s->kernel_width;
    d.in_image = s->channels * s->height * s->width;
    d.out_image = s->filters * d.spatial;
    return d;
}

/* The output columns ow whose tap j lands inside the image (iw = ow*S - P + j in [0, W)):
 * [*first, *end). Outside it a tap reads padding. Hoisting the bounds out of the inner loops
 * leaves plain copies and adds there, which the compiler vectorizes for stride 1. */
static void valid_columns(ptrdiff_t j, ptrdiff_t stride, ptrdiff_t pad, ptrdiff_t width, ptrdiff_t out_width,
                          ptrdiff_t *first, ptrdiff_t *end) {
    const ptrdiff_t low = pad - j, high = width - 1 + pad - j;
    ptrdiff_t lo = low > 0 ? (low + stride - 1) / stride : 0;
    ptrdiff_t hi = high < 0 ? 0 : high / stride + 1;
    if (hi > out_width) hi = out_width;
    if (lo > hi) lo = hi;
    *first = lo;
    *end = hi;
}

/* The rows im2col and col2im touch are short (8 floats in the deepest layers of the book's
 * DeepConvNet), where a call to memcpy or memset costs more than the copy: keep the loops as
 * loops. (GCC has no such attribute and inlines short copies of its own accord.) */
#if defined(__clang__)
#define CK_INLINE_COPIES __attribute__((no_builtin("memcpy", "memset")))
#else
#define CK_INLINE_COPIES
#endif

/* One image's columns: col[(c*FH + i)*FW + j][oh*OW + ow] = x[c][oh*S - P + i][ow*S - P + j]. */
CK_INLINE_COPIES static void im2col(const ck_conv_shape *s, const conv_dims *d, const float *x, float *col) {
    const ptrdiff_t h = s->height, w = s->width, stride = s->stride, pad = s->pad, ow_count = d->ow;
    for (ptrdiff_t c = 0; c < s->channels; ++c) {
        const float *plane = x + c * h * w;
        for (ptrdiff_t i = 0; i < s->kernel_height; ++i) {
            for (ptrdiff_t j = 0; j < s->kernel_width; ++j) {
                float *row = col + ((c * s->kernel_height + i) * s->kernel_width + j) * d->spatial;
                ptrdiff_t first, end;
                valid_columns(j, stride, pad, w, ow_count, &first, &end);
                for (ptrdiff_t oh = 0; oh < d->oh; ++oh) {
                    const ptrdiff_t ih = oh * stride - pad + i;
                    float *out = row + oh * ow_count;
                    if (ih < 0 || ih >= h) {
                        for (ptrdiff_t ow = 0; ow < ow_count; ++ow) out[ow] = 0.0f;
                        continue;
                    }
                    const float *in = plane + ih * w - pad + j; /* in[ow * stride] is x[c][ih][ow*S - P + j] */
                    for (ptrdiff_t ow = 0; ow < first; ++ow) out[ow] = 0.0f;
                    if (stride == 1) {
                        for (ptrdiff_t ow = first; ow < end; ++ow) out[ow] = in[ow];
                    } else {
                        for (ptrdiff_t ow = first; ow < end; ++ow) out[ow] = in[ow * stride];
                    }
                    for (ptrdiff_t ow = end; ow < ow_count; ++ow) out[ow] = 0.0f;
                }
            }
        }
    }
}

/* The adjoint of im2col: dx[c][ih][iw] = sum of the columns' entries that im2col copied from
 * there, added in the columns' row-major order (fixed). Overwrites dx. */
static void col2im(const ck_conv_shape *s, const conv_dims *d, const float *col, float *dx) {
    const ptrdiff_t h = s->height, w = s->width, stride = s->stride, pad = s->pad, ow_count = d->ow;
    memset(dx, 0, (size_t)d->in_image * sizeof(float));
    for (ptrdiff_t c = 0; c < s->channels; ++c) {
        float *plane = dx + c * h * w;
        for (ptrdiff_t i = 0; i < s->kernel_height; ++i) {
            for (ptrdiff_t j = 0; j < s->kernel_width; ++j) {
                const float *row = col + ((c * s->kernel_height + i) * s->kernel_width + j) * d->spatial;
                ptrdiff_t first, end;
                valid_columns(j, stride, pad, w, ow_count, &first, &end);
                for (ptrdiff_t oh = 0; oh < d->oh; ++oh) {
                    const ptrdiff_t ih = oh * stride - pad + i;
                    if (ih < 0 || ih >= h) continue;
                    float *out = plane + ih * w - pad + j; /* out[ow * stride] is dx[c][ih][ow*S - P + j] */
                    const float *in = row + oh * ow_count;
                    if (stride == 1) {
                        for (ptrdiff_t ow = first; ow < end; ++ow) out[ow] += in[ow];
                    } else {
                        for (ptrdiff_t ow = first; ow < end; ++ow) out[ow * stride] += in[ow];
                    }
                }
            }
        }
    }
}

/* ---------------------------------------------------------------------------------------
 * Stride 1: rows of the padded image instead of im2col
 *
 * With stride 1, tap (c, i, j) of output position (oh, ow) reads the zero-padded plane c at
 * row oh + i, column ow + j. Computed on a "wide" grid of OH rows of Wp = W + 2P columns (the
 * last Wp - OW of each row are discarded), tap (c, i, j)'s row of the column matrix is one
 * contiguous run of OH * Wp floats of the padded plane, starting at (i, j): the columns become
 * FH*FW*C long copies instead of C*FH*FW*OH short ones with bounds checks. Every kept output
 * is the same sum of the same products in the same order as with im2col (the GEMM's result
 * for an element does not depend on N), so the bits do not change; the discarded columns
 * cost (Wp - OW) / OW more arithmetic (7% on a 28-wide image with pad 1, 25% on 8-wide).
 * ------------------------------------------------------------------------------------- */

/* The padded planes of one image: C planes of Hp x Wp, then FW - 1 floats that the last
 * tap's run reaches past the end (they land in discarded columns only). */
typedef struct wide_dims {
    ptrdiff_t hp, wp, plane; /* Hp, Wp, Hp*Wp */
    ptrdiff_t padded;        /* C*Hp*Wp + FW - 1 */
    ptrdiff_t n;             /* OH*Wp: columns of the wide grid */
} wide_dims;

static int uses_wide_rows(const ck_conv_shape *s) { return s->stride == 1; }

static wide_dims wide_dims_of(const ck_conv_shape *s, const conv_dims *d) {
    wide_dims w;
    w.hp = s->height + 2 * s->pad;
    w.wp = s->width + 2 * s->pad;
    w.plane = w.hp * w.wp;
    w.padded = s->channels * w.plane + s->kernel_width - 1;
    w.n = d->oh * w.wp;
    return w;
}

/* Floats rounded up to whole cache lines, so the scratch carve-outs stay 64-byte aligned. */
static ptrdiff_t lines(ptrdiff_t floats) { return (floats + 15) & ~(ptrdiff_t)15; }

/* The thread's scratch for the wide path: the columns [taps, n], the padded image, and a wide
 * [FN, n] buffer (the output before compaction, or dy widened). */
typedef struct wide_scratch {
    float *col, *padded, *grid;
} wide_scratch;

static wide_scratch wide_scratch_of(const ck_conv_shape *s, const conv_dims *d, const wide_dims *w) {
    const ptrdiff_t col = lines(d->taps * w->n), padded = lines(w->padded), grid = lines(s->filters * w->n);
    float *base = ck_scratch_slot(CK_SCRATCH_CONV_COLUMNS, (size_t)(col + padded + grid));
    return (wide_scratch){base, base + col, base + col + padded};
}

/* x's image into the padded planes, zeros around it and in the tail. */
static void pad_image(const ck_conv_shape *s, const wide_dims *w, const float *x, float *padded) {
    memset(padded, 0, (size_t)w->padded * sizeof(float));
    const ptrdiff_t h = s->height, width = s->width, pad = s->pad;
    for (ptrdiff_t c = 0; c < s->channels; ++c) {
        for (ptrdiff_t r = 0; r < h; ++r) {
            memcpy(padded + c * w->plane + (r + pad) * w->wp + pad, x + (c * h + r) * width,
                   (size_t)width * sizeof(float));
        }
    }
}

/* The wide columns: row (c*FH + i)*FW + j is the run of the padded plane c from (i, j). */
static void wide_columns(const ck_conv_shape *s, const wide_dims *w, const float *padded, float *col) {
    for (ptrdiff_t c = 0; c < s->channels; ++c) {
        for (ptrdiff_t i = 0; i < s->kernel_height; ++i) {
            for (ptrdiff_t j = 0; j < s->kernel_width; ++j) {
                const ptrdiff_t k = (c * s->kernel_height + i) * s->kernel_width + j;
                memcpy(col + k * w->n, padded + c * w->plane + i * w->wp + j, (size_t)w->n * sizeof(float));
            }
        }
    }
}

/* im2col's columns, stride 1, from the padded planes: each row of outputs is a plain copy, the
 * padding being in the planes. */
CK_INLINE_COPIES static void padded_im2col(const ck_conv_shape *s, const conv_dims *d, const wide_dims *w,
                                           const float *padded, float *col) {
    for (ptrdiff_t c = 0; c < s->channels; ++c) {
        for (ptrdiff_t i = 0; i < s->kernel_height; ++i) {
            for (ptrdiff_t j = 0; j < s->kernel_width; ++j) {
                float *row = col + ((c * s->kernel_height + i) * s->kernel_width + j) * d->spatial;
                const float *in = padded + c * w->plane + i * w->wp + j;
                for (ptrdiff_t oh = 0; oh < d->oh; ++oh) {
                    for (ptrdiff_t ow = 0; ow < d->ow; ++ow) row[oh * d->ow + ow] = in[oh * w->wp + ow];
                }
            }
        }
    }
}

/* The adjoint of wide_columns into the padded gradient, then its interior into dx. The adds
 * into one element come in ascending tap order, as col2im's; the discarded columns add zeros. */
static void wide_col2im(const ck_conv_shape *s, const wide_dims *w, const float *col, float *padded, float *dx) {
    memset(padded, 0, (size_t)w->padded * sizeof(float));
    for (ptrdiff_t c = 0; c < s->channels; ++c) {
        for (ptrdiff_t i = 0; i < s->kernel_height; ++i) {
            for (ptrdiff_t j = 0; j < s->kernel_width; ++j) {
                const ptrdiff_t k = (c * s->kernel_height + i) * s->kernel_width + j;
                float *out = padded + c * w->plane + i * w->wp + j;
                const float *in = col + k * w->n;
                for (ptrdiff_t e = 0; e < w->n; ++e) out[e] += in[e];
            }
        }
    }
    const ptrdiff_t h = s->height, width = s->width, pad = s->pad;
    for (ptrdiff_t c = 0; c < s->channels; ++c) {
        for (ptrdiff_t r = 0; r < h; ++r) {
            memcpy(dx + (c * h + r) * width, padded + c * w->plane + (r + pad) * w->wp + pad,
                   (size_t)width * sizeof(float));
        }
    }
}

/* Threads for n images of a convolution whose product per image is `flops`. */
static int conv_threads(ptrdiff_t units, double flops_per_unit) {
    int threads = ck_threads_for(flops_per_unit * (double)units, ck_config_active()->tuning->gemm_serial_below_flops);
    return threads > units ? (int)units : threads;
}

ck_status ck_conv_forward(ptrdiff_t n, const ck_conv_shape *shape, const float *x, const float *w,
                          const float *b, float *y) {
    if (n < 0 || !conv_shape_valid(shape)) return CK_EINVAL;
    if (n == 0) return CK_OK;
    if (x == NULL || w == NULL || b == NULL || y == NULL) return CK_EINVAL;
    const conv_dims d = dims_of(shape);
    const ptrdiff_t filters = shape->filters;
    if (uses_wide_rows(shape)) {
        const wide_dims wd = wide_dims_of(shape, &d);
        CK_PARALLEL_FOR(conv_threads(n, 2.0 * (double)filters * (double)wd.n * (double)d.taps),
        for (ptrdiff_t image = 0; image < n; ++image) {
            const wide_scratch ws = wide_scratch_of(shape, &d, &wd);
            pad_image(shape, &wd, x + image * d.in_image, ws.padded);
            wide_columns(shape, &wd, ws.padded, ws.col);
            ck_sgemm_one_thread(CK_NO_TRANS, CK_NO_TRANS, filters, wd.n, d.taps, 1.0f, w, d.taps,
                                ws.col, wd.n, 0.0f, ws.grid, wd.n);
            /* The kept columns of each wide row, plus the bias. */
            float *out = y + image * d.out_image;
            for (ptrdiff_t f = 0; f < filters; ++f) {
                const float bias = b[f];
                for (ptrdiff_t oh = 0; oh < d.oh; ++oh) {
                    const float *in = ws.grid + f * wd.n + oh * wd.wp;
                    float *row = out + f * d.spatial + oh * d.ow;
                    for (ptrdiff_t ow = 0; ow < d.ow; ++ow) row[ow] = in[ow] + bias;
                }
            }
        });
        return CK_OK;
    }
    CK_PARALLEL_FOR(conv_threads(n, 2.0 * (double)d.out_image * (double)d.taps),
    for (ptrdiff_t image = 0; image < n; ++image) {
        float *col = ck_scratch_slot(CK_SCRATCH_CONV_COLUMNS, (size_t)(d.taps * d.spatial));
        float *out = y + image * d.out_image;
        im2col(shape, &d, x + image * d.in_image, col);
        ck_sgemm_one_thread(CK_NO_TRANS, CK_NO_TRANS, filters, d.spatial, d.taps, 1.0f, w, d.taps,
                            col, d.spatial, 0.0f, out, d.spatial);
        for (ptrdiff_t f = 0; f < filters; ++f) {
            float *row = out + f * d.spatial;
            const float bias = b[f];
            for (ptrdiff_t p = 0; p < d.spatial; ++p) row[p] += bias;
        }
    });
    return CK_OK;
}

ck_status ck_conv_backward(ptrdiff_t n, const ck_conv_shape *shape, const float *x, const float *w,
                           const float *dy, float *dw, float *db, float *dx) {
    if (n < 0 || !conv_shape_valid(shape) || dw == NULL || db == NULL) return CK_EINVAL;
    const conv_dims d = dims_of(shape);
    const ptrdiff_t filters = shape->filters, weights = filters * d.taps;
    if (n == 0) {
        memset(dw, 0, (size_t)weights * sizeof(float));
        memset(db, 0, (size_t)filters * sizeof(float));
        return CK_OK;
    }
    if (x == NULL || w == NULL || dy == NULL) return CK_EINVAL;

    const ptrdiff_t groups = (n + CK_CONV_GROUP - 1) / CK_CONV_GROUP;
    const int wide = uses_wide_rows(shape);
    const wide_dims wd = wide_dims_of(shape, &d);
    /* The calling thread's slot 2 holds every group's partial dW; the team writes disjoint parts. */
    float *partials = ck_scratch_slot(CK_SCRATCH_CONV_PARTIALS, (size_t)(groups * weights));
    const double flops = 2.0 * (double)d.out_image * (double)d.taps * (dx != NULL ? 2.0 : 1.0) * CK_CONV_GROUP;
    CK_PARALLEL_FOR(conv_threads(groups, flops),
    for (ptrdiff_t g = 0; g < groups; ++g) {
        /* The wide path's scratch holds the compact columns too: its column part is larger. */
        const wide_scratch ws = wide ? wide_scratch_of(shape, &d, &wd) : (wide_scratch){0};
        float *col = wide ? ws.col : ck_scratch_slot(CK_SCRATCH_CONV_COLUMNS, (size_t)(d.taps * d.spatial));
        float *partial = partials + g * weights;
        const ptrdiff_t last = (g + 1) * CK_CONV_GROUP < n ? (g + 1) * CK_CONV_GROUP : n;
        for (ptrdiff_t image = g * CK_CONV_GROUP; image < last; ++image) {
            const float *dy_image = dy + image * d.out_image;
            if (wide) {
                pad_image(shape, &wd, x + image * d.in_image, ws.padded);
                padded_im2col(shape, &d, &wd, ws.padded, col);
            } else {
                im2col(shape, &d, x + image * d.in_image, col);
            }
            /* partial^T [taps, FN] (+)= col [taps, OH*OW] * dy_image^T [OH*OW, FN]: dW transposed,
             * so that the GEMM packs dy (FN rows) rather than the columns (taps rows). Each
             * element is the same chain of fused multiply-adds over the positions as in
             * dy * col^T, so the bits are those of dW itself. */
            ck_sgemm_one_thread(CK_NO_TRANS, CK_TRANS, d.taps, filters, d.spatial, 1.0f, col, d.spatial,
                                dy_image, d.spatial, image == g * CK_CONV_GROUP ? 0.0f : 1.0f, partial, filters);
            if (dx != NULL && wide) {
                /* dy widened with zeros in the discarded columns, W^T [taps, FN] times it, and
                 * the wide columns' adjoint. */
                for (ptrdiff_t f = 0; f < filters; ++f) {
                    for (ptrdiff_t oh = 0; oh < d.oh; ++oh) {
                        float *row = ws.grid + f * wd.n + oh * wd.wp;
                        const float *in = dy_image + f * d.spatial + oh * d.ow;
                        for (ptrdiff_t ow = 0; ow < d.ow; ++ow) row[ow] = in[ow];
                        for (ptrdiff_t ow = d.ow; ow < wd.wp; ++ow) row[ow] = 0.0f;
                    }
                }
                ck_sgemm_one_thread(CK_TRANS, CK_NO_TRANS, d.taps, wd.n, filters, 1.0f, w, d.taps,
                                    ws.grid, wd.n, 0.0f, ws.col, wd.n);
                wide_col2im(shape, &wd, ws.col, ws.padded, dx + image * d.in_image);
            } else if (dx != NULL) {
                /* The columns are spent: reuse them for W^T [taps, FN] * dy_image [FN, OH*OW]. */
                ck_sgemm_one_thread(CK_TRANS, CK_NO_TRANS, d.taps, d.spatial, filters, 1.0f, w, d.taps,
                                    dy_image, d.spatial, 0.0f, col, d.spatial);
                col2im(shape, &d, col, dx + image * d.in_image);
            }
        }
    });
    /* dW^T: the partials in ascending group order, each element on one thread, into the first
     * partial (streams of contiguous floats); then transposed into dW. */
    CK_FOR_CHUNKS(weights, {
        for (ptrdiff_t e = start; e < start + count; ++e) {
            float sum = partials[e];
            for (ptrdiff_t g = 1; g < groups; ++g) sum += partials[g * weights + e];
            partials[e] = sum;
        }
    });
    for (ptrdiff_t tap = 0; tap < d.taps; ++tap) {
        for (ptrdiff_t f = 0; f < filters; ++f) dw[f * d.taps + tap] = partials[tap * filters + f];
    }
    /* db: per filter, the images in ascending order, each image's positions in ascending order.
     * Each filter's sum is one chain of dependent adds; a block of filters advances together so
     * that their chains overlap (the order within each chain unchanged), and the blocks go to
     * the threads. */
    enum { FILTER_BLOCK = 16 };
    const ptrdiff_t blocks = (filters + FILTER_BLOCK - 1) / FILTER_BLOCK;
    const int bias_threads = ck_elementwise_threads((double)n * (double)d.out_image);
    CK_PARALLEL_FOR(bias_threads < blocks ? bias_threads : (int)blocks,
    for (ptrdiff_t block = 0; block < blocks; ++block) {
        const ptrdiff_t first = block * FILTER_BLOCK;
        const ptrdiff_t count = filters - first < FILTER_BLOCK ? filters - first : FILTER_BLOCK;
        float sums[FILTER_BLOCK] = {0};
        for (ptrdiff_t image = 0; image < n; ++image) {
            const float *rows = dy + image * d.out_image + first * d.spatial;
            for (ptrdiff_t p = 0; p < d.spatial; ++p) {
                for (ptrdiff_t f = 0; f < count; ++f) sums[f] += rows[f * d.spatial + p];
            }
        }
        for (ptrdiff_t f = 0; f < count; ++f) db[first + f] = sums[f];
    });
    return CK_OK;
}

/* ---------------------------------------------------------------------------------------
 * Max pooling
 * ------------------------------------------------------------------------------------- */

static int pool_shape_valid(const ck_pool_shape *s) {
    return s != NULL && s->channels > 0 && s->height > 0 && s->width > 0 && s->size > 0 && s->stride > 0
        && s->pad >= 0 && s->pad < s->size && s->height + 2 * s->pad >= s->size && s->width + 2 * s->pad >= s->size;
}

ck_status ck_maxpool_output_size(const ck_pool_shape *shape, ptrdiff_t *out_height, ptrdiff_t *out_width) {
    if (!pool_shape_valid(shape) || out_height == NULL || out_width == NULL) return CK_EINVAL;
    *out_height = (shape->height + 2 * shape->pad - shape->size) / shape->stride + 1;
    *out_width = (shape->width + 2 * shape->pad - shape->size) / shape->stride + 1;
    return CK_OK;
}

/* The book's pooling (2 x 2 windows, stride 2, no padding) as straight-line selects over a
 * row of outputs, which the compiler vectorizes (the even and odd columns as interleaved
 * loads): the same comparisons in the same order as maxpool_plane's loop, so the same result. */
static void maxpool_plane_2x2(ptrdiff_t w, ptrdiff_t oh_count, ptrdiff_t ow_count, const float *restrict x,
                              float *restrict y, int32_t *restrict argmax) {
    for (ptrdiff_t oh = 0; oh < oh_count; ++oh) {
        const float *restrict r0 = x + 2 * oh * w, *restrict r1 = r0 + w;
        float *restrict out = y + oh * ow_count;
        int32_t *restrict index = argmax + oh * ow_count;
        const int32_t top = (int32_t)(2 * oh * w), below = (int32_t)((2 * oh + 1) * w);
        for (ptrdiff_t ow = 0; ow < ow_count; ++ow) {
            const float a = r0[2 * ow], b = r0[2 * ow + 1], c = r1[2 * ow], d = r1[2 * ow + 1];
            float best = a;
            int32_t at = top + 2 * (int32_t)ow;
            int take = (best == best) & ((b > best) | (b != b));
            best = take ? b : best;
            at = take ? top + 2 * (int32_t)ow + 1 : at;
            take = (best == best) & ((c > best) | (c != c));
            best = take ? c : best;
            at = take ? below + 2 * (int32_t)ow : at;
            take = (best == best) & ((d > best) | (d != d));
            best = take ? d : best;
            at = take ? below + 2 * (int32_t)ow + 1 : at;
            out[ow] = best;
            index[ow] = at;
        }
    }
}

/* One plane: each window's first maximum in row-major order (padding takes no part); a NaN
 * wins over every number, the first NaN over later ones, so NaN propagates. */
static void maxpool_plane(const ck_pool_shape *s, ptrdiff_t oh_count, ptrdiff_t ow_count, const float *x,
                          float *y, int32_t *argmax) {
    const ptrdiff_t h = s->height, w = s->width;
    if (s->pad == 0 && s->size == 2 && s->stride == 2) {
        maxpool_plane_2x2(w, oh_count, ow_count, x, y, argmax);
        return;
    }
    for (ptrdiff_t oh = 0; oh < oh_count; ++oh) {
        const ptrdiff_t h0 = oh * s->stride - s->pad;
        const ptrdiff_t ih_first = h0 < 0 ? 0 : h0, ih_end = h0 + s->size < h ? h0 + s->size : h;
        for (ptrdiff_t ow = 0; ow < ow_count; ++ow) {
            const ptrdiff_t w0 = ow * s->stride - s->pad;
            const ptrdiff_t iw_first = w0 < 0 ? 0 : w0, iw_end = w0 + s->size < w ? w0 + s->size : w;
            ptrdiff_t best_index = ih_first * w + iw_first;
            float best = x[best_index];
            for (ptrdiff_t ih = ih_first; ih < ih_end; ++ih) {
                for (ptrdiff_t iw = iw_first; iw < iw_end; ++iw) {
                    const float v = x[ih * w + iw];
                    if (!isnan(best) && (v > best || isnan(v))) {
                        best = v;
                        best_index = ih * w + iw;
                    }
                }
            }
            y[oh * ow_count + ow] = best;
            argmax[oh * ow_count + ow] = (int32_t)best_index;
        }
    }
}

ck_status ck_maxpool_forward(ptrdiff_t n, const ck_pool_shape *shape, const float *x, float *y, int32_t *argmax) {
    if (n < 0 || !pool_shape_valid(shape)) return CK_EINVAL;
    if (shape->height * shape->width > INT32_MAX) return CK_EINVAL;
    if (n == 0) return CK_OK;
    if (x == NULL || y == NULL || argmax == NULL) return CK_EINVAL;
    ptrdiff_t oh, ow;
    ck_maxpool_output_size(shape, &oh, &ow);
    const ptrdiff_t planes = n * shape->channels, in_plane = shape->height * shape->width, out_plane = oh * ow;
    CK_PARALLEL_FOR(ck_elementwise_threads((double)planes * (double)in_plane),
    for (ptrdiff_t p = 0; p < planes; ++p) {
        maxpool_plane(shape, oh, ow, x + p * in_plane, y + p * out_plane, argmax + p * out_plane);
    });
    return CK_OK;
}

ck_status ck_maxpool_backward(ptrdiff_t n, const ck_pool_shape *shape, const float *dy, const int32_t *argmax,
                              float *dx) {
    if (n < 0 || !pool_shape_valid(shape)) return CK_EINVAL;
    if (n == 0) return CK_OK;
    if (dy == NULL || argmax == NULL || dx == NULL) return CK_EINVAL;
    ptrdiff_t oh, ow;
    ck_maxpool_output_size(shape, &oh, &ow);
    const ptrdiff_t planes = n * shape->channels, in_plane = shape->height * shape->width, out_plane = oh * ow;
    /* Check every index before writing anything. */
    for (ptrdiff_t e = 0; e < planes * out_plane; ++e) {
        if (argmax[e] < 0 || argmax[e] >= in_plane) return CK_ERANGE;
    }
    CK_PARALLEL_FOR(ck_elementwise_threads((double)planes * (double)in_plane),
    for (ptrdiff_t p = 0; p < planes; ++p) {
        float *plane = dx + p * in_plane;
        const float *g = dy + p * out_plane;
        const int32_t *index = argmax + p * out_plane;
        memset(plane, 0, (size_t)in_plane * sizeof(float));
        /* Overlapping windows (stride < size) add in output order: fixed. */
        for (ptrdiff_t o = 0; o < out_plane; ++o) plane[index[o]] += g[o];
    });
    return CK_OK;
}
