/*
 * Row-wise softmax and the fused softmax + cross-entropy, as XNNPACK does it: row max, then
 * exp(x - max) stored with its sum, then one scaling pass. The loss uses log-softmax
 * (x - max - log(sum)), which is finite for any finite logits. Short rows (the output layer's
 * 10 classes) go 16 at a time through a kernel that puts rows in vector lanes, where one row per
 * call would spend its time on horizontal reductions and masked accesses.
 */
#include "ck_internal.h"

#include <math.h>

#include "ck_openmp.h"

/* Rows are processed in blocks of this many, counted from row 0 (threads split the matrix at
 * block boundaries): a full block of short rows (n <= 16) goes through the ISA's softmax_rows16
 * kernel, with the rows in vector lanes; everything else row by row. */
#define CK_BLOCK_ROWS 16

/* The loss is summed in at most this many partial sums of consecutive rows, each block at
 * least 64 rows and a whole number of CK_BLOCK_ROWS blocks: block boundaries depend on m only,
 * so the loss does not depend on the thread count. (OpenMP's `ordered` would do the same, but
 * clang emits runtime calls that older libomp builds lack.) */
#define CK_LOSS_BLOCKS 256

/* The softmax of one row; returns its denominator, sum exp(x - max) (the number of +Inf entries
 * for a row whose max is +Inf, NaN for a row without a distribution), whose log the loss needs;
 * *row_max receives the max. */
static float softmax_row(const ck_config *cfg, ptrdiff_t n, const float *x, float *y, float *row_max) {
    if (n <= 16 && cfg->softmax_short_row != NULL) {
        float sum;
        if (cfg->softmax_short_row(n, x, y, row_max, &sum)) return sum;
    }
    float max = cfg->row_max(n, x);
    *row_max = max;
    if (isnan(max) || max == -INFINITY) {
        /* NaN anywhere, or every entry -Inf: the row has no meaningful distribution. */
        for (ptrdiff_t j = 0; j < n; ++j) y[j] = NAN;
        return NAN;
    }
    if (max == INFINITY) {
        /* The +Inf entries share the mass evenly; everything else gets 0. */
        ptrdiff_t infinities = 0;
        for (ptrdiff_t j = 0; j < n; ++j) infinities += x[j] == INFINITY;
        for (ptrdiff_t j = 0; j < n; ++j) y[j] = x[j] == INFINITY ? 1.0f / (float)infinities : 0.0f;
        return (float)infinities;
    }
    float sum = cfg->exp_shifted_sum(n, x, max, y);
    float inverse = 1.0f / sum;
    if (cfg->scale != NULL) {
        cfg->scale(n, inverse, y);
    } else {
        for (ptrdiff_t j = 0; j < n; ++j) y[j] *= inverse;
    }
    return sum;
}

/* The softmax of `rows` <= CK_BLOCK_ROWS consecutive rows; max[i] and sum[i] receive row i's
 * maximum and denominator, as softmax_row returns them. The block kernel leaves the rows it
 * cannot handle (NaN or infinite maximum) untouched, so softmax_row still reads their x when y
 * aliases x. */
static void softmax_block(const ck_config *cfg, ptrdiff_t rows, ptrdiff_t n, const float *x, ptrdiff_t ldx,
                          float *y, ptrdiff_t ldy, float max[CK_BLOCK_ROWS], float sum[CK_BLOCK_ROWS]) {
    unsigned per_row = (1u << rows) - 1u;
    if (rows == CK_BLOCK_ROWS && n <= 16 && cfg->softmax_rows16 != NULL) {
        per_row = cfg->softmax_rows16(n, x, ldx, y, ldy, max, sum);
    }
    for (ptrdiff_t i = 0; per_row != 0; ++i, per_row >>= 1) {
        if (per_row & 1u) sum[i] = softmax_row(cfg, n, x + i * ldx, y + i * ldy, &max[i]);
    }
}

/*
 * What the loss needs from one row's logits, gathered before softmax_row may overwrite them
 * (y may alias x): the target-weighted logits, split into +Inf entries and the rest, so that
 * -sum_j t_j * log_softmax(x)_j can be formed from the row's max and log-sum afterwards.
 */
typedef struct row_targets {
    double weighted_logits; /* sum of t_j * x_j over targets on finite or -Inf logits */
    double weight;          /* sum of t_j over those targets */
    double weight_on_inf;   /* sum of t_j over targets on +Inf logits */
} row_targets;

static row_targets gather_targets(ptrdiff_t n, const float *x, const float *t, const int32_t *label) {
    row_targets r = {0.0, 0.0, 0.0};
    for (ptrdiff_t j = label ? *label : 0; j < (label ? *label + 1 : n); ++j) {
        double tj = label ? 1.0 : (double)t[j];
        if (tj == 0.0) continue;
        if (x[j] == INFINITY) {
            r.weight_on_inf += tj;
        } else {
            r.weighted_logits += tj * (double)x[j];
            r.weight += tj;
        }
    }
    return r;
}

/* -sum_j t_j * log_softmax(x)_j, with log_softmax = x - max - log_sum; for a row whose max is
 * +Inf, the +Inf entries have log-probability -log_sum and every other entry -Inf. */
static double row_loss(row_targets r, float max, float log_sum) {
    if (max == INFINITY) {
        double rest = r.weight != 0.0 ? r.weight * INFINITY : 0.0;
        return r.weight_on_inf * (double)log_sum + rest;
    }
    return -(r.weighted_logits - r.weight * ((double)max + (double)log_sum));
}

ck_status ck_softmax(ptrdiff_t m, ptrdiff_t n, const float *x, ptrdiff_t ldx, float *y, ptrdiff_t ldy) {
    if (m < 0 || n < 0 || ldx < n || ldy < n) return CK_EINVAL;
    if (m == 0 || n == 0) return CK_OK;
    if (x == NULL || y == NULL) return CK_EINVAL;
    const ck_config *cfg = ck_config_active();
    ptrdiff_t blocks = (m + CK_BLOCK_ROWS - 1) / CK_BLOCK_ROWS;
    CK_PARALLEL_FOR(ck_threads_for((double)m * (double)n, ck_config_active()->tuning->elementwise_serial_below),
    for (ptrdiff_t block = 0; block < blocks; ++block) {
        ptrdiff_t first = block * CK_BLOCK_ROWS;
        float max[CK_BLOCK_ROWS], sum[CK_BLOCK_ROWS];
        softmax_block(cfg, m - first < CK_BLOCK_ROWS ? m - first : CK_BLOCK_ROWS, n,
                      x + first * ldx, ldx, y + first * ldy, ldy, max, sum);
    });
    return CK_OK;
}

/* Shared body of both forward variants: exactly one of t and labels is non-NULL. */
static ck_status softmax_cross_entropy(ptrdiff_t m, ptrdiff_t n, const float *x, ptrdiff_t ldx,
                                       const float *t, ptrdiff_t ldt, const int32_t *labels,
                                       float *y, ptrdiff_t ldy, float *loss) {
    if (loss == NULL) return CK_EINVAL;
    if (m == 0 || n == 0) {
        *loss = 0.0f;
        return CK_OK;
    }
    const ck_config *cfg = ck_config_active();
    ptrdiff_t block_rows = (m + CK_LOSS_BLOCKS - 1) / CK_LOSS_BLOCKS;
    if (block_rows < 64) block_rows = 64;
    block_rows = (block_rows + CK_BLOCK_ROWS - 1) / CK_BLOCK_ROWS * CK_BLOCK_ROWS; /* whole softmax blocks */
    ptrdiff_t blocks = (m + block_rows - 1) / block_rows;
    double partials[CK_LOSS_BLOCKS];
    CK_PARALLEL_FOR(ck_threads_for((double)m * (double)n, ck_config_active()->tuning->elementwise_serial_below),
    for (ptrdiff_t block = 0; block < blocks; ++block) {
        ptrdiff_t last = (block + 1) * block_rows < m ? (block + 1) * block_rows : m;
        double partial = 0.0;
        for (ptrdiff_t first = block * block_rows; first < last; first += CK_BLOCK_ROWS) {
            ptrdiff_t rows = last - first < CK_BLOCK_ROWS ? last - first : CK_BLOCK_ROWS;
            /* The targets first: y may alias x. */
            row_targets targets[CK_BLOCK_ROWS];
            for (ptrdiff_t i = 0; i < rows; ++i) {
                ptrdiff_t row = first + i;
                targets[i] = gather_targets(n, x + row * ldx, labels ? NULL : t + row * ldt, labels ? labels + row : NULL);
            }
            float max[CK_BLOCK_ROWS], sum[CK_BLOCK_ROWS];
            softmax_block(cfg, rows, n, x + first * ldx, ldx, y + first * ldy, ldy, max, sum);
            for (ptrdiff_t i = 0; i < rows; ++i) partial += row_loss(targets[i], max[i], logf(sum[i]));
        }
        partials[block] = partial;
    });
    double total = 0.0;
    for (ptrdiff_t block = 0; block < blocks; ++block) total += partials[block];
    *loss = (float)(total / (double)m);
    return CK_OK;
}

ck_status ck_softmax_cross_entropy_forward(ptrdiff_t m, ptrdiff_t n,
                                           const float *x, ptrdiff_t ldx,
                                           const float *t, ptrdiff_t ldt,
                                           float *y, ptrdiff_t ldy, float *loss) {
    if (m < 0 || n < 0 || ldx < n || ldt < n || ldy < n) return CK_EINVAL;
    if (m > 0 && n > 0 && (x == NULL || t == NULL || y == NULL)) return CK_EINVAL;
    return softmax_cross_entropy(m, n, x, ldx, n > 0 ? t : NULL, ldt, NULL, y, ldy, loss);
}

static int labels_out_of_range(ptrdiff_t m, ptrdiff_t n, const int32_t *labels) {
    for (ptrdiff_t i = 0; i < m; ++i) {
        if (labels[i] < 0 || labels[i] >= n) return 1;
    }
    return 0;
}

ck_status ck_softmax_cross_entropy_forward_labels(ptrdiff_t m, ptrdiff_t n,
                                                  const float *x, ptrdiff_t ldx,
                                                  const int32_t *labels,
                                                  float *y, ptrdiff_t ldy, float *loss) {
    if (m < 0 || n < 0 || ldx < n || ldy < n) return CK_EINVAL;
    if (m > 0 && (labels == NULL || (n > 0 && (x == NULL || y == NULL)))) return CK_EINVAL;
    if (labels_out_of_range(m, n, labels)) return CK_ERANGE;
    return softmax_cross_entropy(m, n, x, ldx, NULL, 0, labels, y, ldy, loss);
}

ck_status ck_softmax_cross_entropy_backward(ptrdiff_t m, ptrdiff_t n,
                                            const float *y, ptrdiff_t ldy,
                                            const float *t, ptrdiff_t ldt,
                                            float *dx, ptrdiff_t lddx) {
    if (m < 0 || n < 0 || ldy < n || ldt < n || lddx < n) return CK_EINVAL;
    if (m == 0 || n == 0) return CK_OK;
    if (y == NULL || t == NULL || dx == NULL) return CK_EINVAL;
    float scale = 1.0f / (float)m;
    for (ptrdiff_t i = 0; i < m; ++i) {
        for (ptrdiff_t j = 0; j < n; ++j) dx[i * lddx + j] = (y[i * ldy + j] - t[i * ldt + j]) * scale;
    }
    return CK_OK;
}

ck_status ck_softmax_cross_entropy_backward_labels(ptrdiff_t m, ptrdiff_t n,
                                                   const float *y, ptrdiff_t ldy,
                                                   const int32_t *labels,
                                                   float *dx, ptrdiff_t lddx) {
    if (m < 0 || n < 0 || ldy < n || lddx < n) return CK_EINVAL;
    if (m == 0) return CK_OK;
    if (labels == NULL || (n > 0 && (y == NULL || dx == NULL))) return CK_EINVAL;
    if (labels_out_of_range(m, n, labels)) return CK_ERANGE;
    float scale = 1.0f / (float)m;
    for (ptrdiff_t i = 0; i < m; ++i) {
        for (ptrdiff_t j = 0; j < n; ++j) {
            float target = j == labels[i] ? 1.0f : 0.0f;
            dx[i * lddx + j] = (y[i * ldy + j] - target) * scale;
        }
    }
    return CK_OK;
}
