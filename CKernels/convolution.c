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

/* One image's columns: col[(c*FH + i)*FW + j][oh*OW + ow] = x[c][oh*S - P + i][ow*S - P + j]. */
static void im2col(const ck_conv_shape *s, const conv_dims *d, const float *x, float *col) {
    const ptrdiff_t h = s->height, w = s->width, stride = s->stride, pad = s->pad;
    for (ptrdiff_t c = 0; c < s->channels; ++c) {
        const float *plane = x + c * h * w;
        for (ptrdiff_t i = 0; i < s->kernel_height; ++i) {
            for (ptrdiff_t j = 0; j < s->kernel_width; ++j) {
                float *row = col + ((c * s->kernel_height + i) * s->kernel_width + j) * d->spatial;
                for (ptrdiff_t oh = 0; oh < d->oh; ++oh) {
                    const ptrdiff_t ih = oh * stride - pad + i;
                    float *out = row + oh * d->ow;
                    if (ih < 0 || ih >= h) {
                        memset(out, 0, (size_t)d->ow * sizeof(float));
                        continue;
                    }
                    const float *in = plane + ih * w;
                    for (ptrdiff_t ow = 0; ow < d->ow; ++ow) {
                        const ptrdiff_t iw = ow * stride - pad + j;
                        out[ow] = iw >= 0 && iw < w ? in[iw] : 0.0f;
                    }
                }
            }
        }
    }
}

/* The adjoint of im2col: dx[c][ih][iw] = sum of the columns' entries that im2col copied from
 * there, added in the columns' row-major order (fixed). Overwrites dx. */
static void col2im(const ck_conv_shape *s, const conv_dims *d, const float *col, float *dx) {
    const ptrdiff_t h = s->height, w = s->width, stride = s->stride, pad = s->pad;
    memset(dx, 0, (size_t)d->in_image * sizeof(float));
    for (ptrdiff_t c = 0; c < s->channels; ++c) {
        float *plane = dx + c * h * w;
        for (ptrdiff_t i = 0; i < s->kernel_height; ++i) {
            for (ptrdiff_t j = 0; j < s->kernel_width; ++j) {
                const float *row = col + ((c * s->kernel_height + i) * s->kernel_width + j) * d->spatial;
                for (ptrdiff_t oh = 0; oh < d->oh; ++oh) {
                    const ptrdiff_t ih = oh * stride - pad + i;
                    if (ih < 0 || ih >= h) continue;
                    float *out = plane + ih * w;
                    const float *in = row + oh * d->ow;
                    for (ptrdiff_t ow = 0; ow < d->ow; ++ow) {
                        const ptrdiff_t iw = ow * stride - pad + j;
                        if (iw >= 0 && iw < w) out[iw] += in[ow];
                    }
                }
            }
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
    /* The calling thread's slot 2 holds every group's partial dW; the team writes disjoint parts. */
    float *partials = ck_scratch_slot(CK_SCRATCH_CONV_PARTIALS, (size_t)(groups * weights));
    const double flops = 2.0 * (double)d.out_image * (double)d.taps * (dx != NULL ? 2.0 : 1.0) * CK_CONV_GROUP;
    CK_PARALLEL_FOR(conv_threads(groups, flops),
    for (ptrdiff_t g = 0; g < groups; ++g) {
        float *col = ck_scratch_slot(CK_SCRATCH_CONV_COLUMNS, (size_t)(d.taps * d.spatial));
        float *partial = partials + g * weights;
        const ptrdiff_t last = (g + 1) * CK_CONV_GROUP < n ? (g + 1) * CK_CONV_GROUP : n;
        for (ptrdiff_t image = g * CK_CONV_GROUP; image < last; ++image) {
            const float *dy_image = dy + image * d.out_image;
            im2col(shape, &d, x + image * d.in_image, col);
            /* partial (+)= dy_image [FN, OH*OW] * col^T [OH*OW, taps] */
            ck_sgemm_one_thread(CK_NO_TRANS, CK_TRANS, filters, d.taps, d.spatial, 1.0f, dy_image, d.spatial,
                                col, d.spatial, image == g * CK_CONV_GROUP ? 0.0f : 1.0f, partial, d.taps);
            if (dx != NULL) {
                /* The columns are spent: reuse them for W^T [taps, FN] * dy_image [FN, OH*OW]. */
                ck_sgemm_one_thread(CK_TRANS, CK_NO_TRANS, d.taps, d.spatial, filters, 1.0f, w, d.taps,
                                    dy_image, d.spatial, 0.0f, col, d.spatial);
                col2im(shape, &d, col, dx + image * d.in_image);
            }
        }
    });
    /* dW: the partials in ascending group order, each element on one thread. */
    CK_FOR_CHUNKS(weights, {
        for (ptrdiff_t e = start; e < start + count; ++e) {
            float sum = partials[e];
            for (ptrdiff_t g = 1; g < groups; ++g) sum += partials[g * weights + e];
            dw[e] = sum;
        }
    });
    /* db: per filter, the images in ascending order, each image's positions in ascending order. */
    for (ptrdiff_t f = 0; f < filters; ++f) {
        float sum = 0.0f;
        for (ptrdiff_t image = 0; image < n; ++image) {
            const float *row = dy + image * d.out_image + f * d.spatial;
            for (ptrdiff_t p = 0; p < d.spatial; ++p) sum += row[p];
        }
        db[f] = sum;
    }
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

/* One plane: each window's first maximum in row-major order (padding takes no part); a NaN
 * wins over every number, the first NaN over later ones, so NaN propagates. */
static void maxpool_plane(const ck_pool_shape *s, ptrdiff_t oh_count, ptrdiff_t ow_count, const float *x,
                          float *y, int32_t *argmax) {
    const ptrdiff_t h = s->height, w = s->width;
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
