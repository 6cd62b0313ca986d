/*
 * ckernels.h — the C core of Backprop: the few kernels a fully connected network needs.
 *
 * Conventions that hold for every function below:
 *  - float32, row-major. A matrix with `rows` x `cols` and leading dimension `ld` stores
 *    element (i, j) at p[i * ld + j]; ld >= cols is required (ld may be larger: sub-matrices).
 *  - Sizes are ptrdiff_t (Swift's Int). Zero sizes are valid and do nothing (documented
 *    exceptions: GEMM with K == 0 still applies beta to C; losses over zero rows are 0).
 *  - Arguments are validated before anything is written: a negative size, a leading
 *    dimension that is too small, a NULL pointer for a non-empty operand or a label out of
 *    range returns CK_EINVAL (or CK_ERANGE for labels) and leaves every output untouched.
 *  - Aliasing: inputs and outputs must not overlap unless a function says "may alias"
 *    (then the buffers must be identical, not partially overlapping).
 *  - NaN propagates: no kernel turns a NaN input into a number (ReLU keeps NaN, softmax of a
 *    row containing NaN is NaN in that row).
 *  - Determinism: every output element is computed by one thread in a fixed order, so
 *    results are bitwise identical for any thread count, and for every instruction set
 *    (ISA) on one machine: all GEMM microkernels accumulate k in ascending order with fused
 *    multiply-adds and share one K blocking.
 *  - Threads: OpenMP when compiled with it (-fopenmp defines _OPENMP), else serial.
 */
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------
 * Status codes
 * ------------------------------------------------------------------------------------- */

/** Return value of every kernel. */
typedef enum ck_status {
    CK_OK = 0,
    /** A size is negative, a leading dimension too small, or a required pointer NULL. */
    CK_EINVAL = 1,
    /** A class-index label is outside 0 ..< number of classes. */
    CK_ERANGE = 2,
    /** The requested instruction set is not supported by this CPU or this build. */
    CK_EUNSUPPORTED = 3
} ck_status;

/** A short English description of a status code ("invalid argument", ...). Never NULL. */
const char *ck_status_string(ck_status status);

/* ---------------------------------------------------------------------------------------
 * Instruction sets and threads
 * ------------------------------------------------------------------------------------- */

/** The instruction sets the GEMM microkernels and elementwise kernels are written for. */
typedef enum ck_isa {
    CK_ISA_SCALAR = 0,
    CK_ISA_AVX2 = 1,   /* AVX2 + FMA3 (x86-64)   */
    CK_ISA_AVX512 = 2, /* AVX-512F (x86-64)      */
    CK_ISA_NEON = 3    /* Advanced SIMD (arm64)  */
} ck_isa;

/**
 * The instruction set in use. On first use the best one the CPU supports is chosen, unless
 * the environment variable CKERNELS_ISA names another (scalar, avx2, avx512, neon); a name
 * the CPU cannot run is ignored with a message on stderr.
 */
ck_isa ck_active_isa(void);

/** Switch every kernel to `isa`. Returns CK_EUNSUPPORTED (and changes nothing) if this CPU
 *  or this build cannot run it. Not thread-safe against kernels running at the same time. */
ck_status ck_set_isa(ck_isa isa);

/** 1 if this CPU and build can run `isa`, else 0. */
int ck_isa_supported(ck_isa isa);

/** "scalar", "avx2", "avx512", "neon"; "unknown" for other values. */
const char *ck_isa_name(ck_isa isa);

/** The GEMM microkernel's register tile (MR rows x NR columns) for `isa`; 0 x 0 if unsupported. */
void ck_gemm_tile(ck_isa isa, int *mr, int *nr);

/** 1 if the core was compiled with OpenMP, else 0. */
int ck_openmp_enabled(void);

/** Upper bound on the threads a kernel uses. n < 1 restores the default (OpenMP's default,
 *  normally the number of cores; 1 without OpenMP). Process-wide. */
void ck_set_num_threads(int n);

/** The current upper bound set by ck_set_num_threads (1 without OpenMP). */
int ck_get_num_threads(void);

/** Runs an empty parallel region with the current thread bound and returns how many threads
 *  actually took part. Lets tests prove that the parallel build really runs in parallel. */
int ck_parallel_team_size(void);

/* ---------------------------------------------------------------------------------------
 * GEMM
 * ------------------------------------------------------------------------------------- */

/** Whether an operand is used as stored or transposed. */
typedef enum ck_transpose {
    CK_NO_TRANS = 0,
    CK_TRANS = 1
} ck_transpose;

/**
 * C = alpha * op(A) * op(B) + beta * C
 *
 * op(A) is m x k, op(B) is k x n, C is m x n (row-major, leading dimension ldc >= n).
 *  - trans_a == CK_NO_TRANS: A is stored m x k, lda >= k.   CK_TRANS: A is stored k x m, lda >= m.
 *  - trans_b == CK_NO_TRANS: B is stored k x n, ldb >= n.   CK_TRANS: B is stored n x k, ldb >= k.
 * beta == 0 overwrites C without reading it (NaN in C does not survive), as BLAS does.
 * alpha == 0 or k == 0 reads neither A nor B: C = beta * C.
 * m == 0 or n == 0: nothing happens. C must not alias A or B.
 * Parallel over blocks of C (never over k); small products stay on one thread.
 */
ck_status ck_sgemm(ck_transpose trans_a, ck_transpose trans_b,
                   ptrdiff_t m, ptrdiff_t n, ptrdiff_t k,
                   float alpha, const float *a, ptrdiff_t lda,
                   const float *b, ptrdiff_t ldb,
                   float beta, float *c, ptrdiff_t ldc);

/* ---------------------------------------------------------------------------------------
 * Caches and GEMM blocking (what the GEMM adapts to; never changes a result's bits)
 * ------------------------------------------------------------------------------------- */

/** The cache geometry the GEMM's block sizes are derived from. */
typedef struct ck_cache_info {
    int64_t l1d_bytes;  /**< level-1 data cache of one core */
    int64_t l2_bytes;   /**< one level-2 cache */
    int l2_shared_by;   /**< cores (logical CPUs) sharing one L2; 1 = private */
    int64_t l3_bytes;   /**< one level-3 cache; 0 when there is none */
    int l3_shared_by;   /**< cores (logical CPUs) sharing one L3 */
    /** Where the figures came from: "cpuid", "sysfs", "sysctl", "CKERNELS_CACHES",
     *  "ck_set_caches" or "default" (nothing detected). A static string. */
    const char *source;
} ck_cache_info;

/**
 * The cache geometry in use, read from the CPU on first use (CPUID leaf 0x8000001D on AMD or
 * leaf 4 on Intel, else Linux sysfs, else macOS sysctl), unless the environment variable
 * CKERNELS_CACHES describes another: "l1d=48K,l2=1280K,l3=48M" (sizes in bytes or with K, M,
 * G; "/N" after a size: N cores share it, e.g. "l2=16M/4"; l3 may be left out). A malformed
 * CKERNELS_CACHES is reported on stderr and ignored.
 */
void ck_caches(ck_cache_info *caches);

/**
 * Use the cache geometry `spec` (CKERNELS_CACHES's syntax) from now on, or the one in use at
 * start (CKERNELS_CACHES's, else the CPU's) when spec is NULL or "". Returns CK_EINVAL,
 * changing nothing, for a malformed spec.
 * Block sizes never change results, so this exists for tests and benchmarks that emulate
 * other CPUs. Not thread-safe against kernels running at the same time.
 */
ck_status ck_set_caches(const char *spec);

/** The GEMM's register tiles and cache blocks for one instruction set. */
typedef struct ck_gemm_blocking_info {
    int mr, nr;               /**< packed microkernel tile: MR rows x NR columns of C */
    ptrdiff_t kc;             /**< K block: 256 for every ISA and machine (the determinism contract) */
    ptrdiff_t mc;             /**< rows of op(A) per packed A block (MC x KC floats, kept in L3) */
    ptrdiff_t nc;             /**< columns of op(B) per packed B block (KC x NC floats, kept in L2) */
    int unpacked_mr, unpacked_nr; /**< tile of the unpacked path for small products; 0 if none */
    /** 1 when the MR x KC micro-panel of A fits in half of L1 (the microkernel keeps it there
     *  while B's micro-panels stream past); 0 on a machine whose L1 is too small for it. */
    int a_panel_fits_l1;
} ck_gemm_blocking_info;

/**
 * The blocks ck_sgemm uses for `isa` with the current cache geometry (ck_caches): NC so the
 * packed B block fills half of the (per-core share of the) L2, MC so the packed A block fills
 * half of the per-core share of the L3, within limits (CKernels/README.md, "Block sizes").
 * All zero when `isa` is not supported.
 */
void ck_gemm_blocking(ck_isa isa, ck_gemm_blocking_info *blocking);

/* ---------------------------------------------------------------------------------------
 * Activations (contiguous vectors of n elements; a matrix passes rows * cols)
 * ------------------------------------------------------------------------------------- */

/**
 * ReLU forward: y = x where x > 0, +0 where x <= 0 (including -0), NaN stays NaN.
 * mask[i] = 1 where the gradient passes (x > 0 or x is NaN), else 0.
 * y may alias x. mask must not alias either.
 */
ck_status ck_relu_forward(ptrdiff_t n, const float *x, float *y, uint8_t *mask);

/** ReLU backward: dx = dy where mask[i] != 0, else +0. dx may alias dy. */
ck_status ck_relu_backward(ptrdiff_t n, const float *dy, const uint8_t *mask, float *dx);

/**
 * Sigmoid forward: y = 1 / (1 + exp(-x)), evaluated so that no intermediate overflows:
 * sigmoid(-100) is a tiny positive number (or 0), sigmoid(100) is exactly 1. y may alias x.
 */
ck_status ck_sigmoid_forward(ptrdiff_t n, const float *x, float *y);

/** Sigmoid backward from the cached output y: dx = dy * (1 - y) * y. dx may alias dy. */
ck_status ck_sigmoid_backward(ptrdiff_t n, const float *dy, const float *y, float *dx);

/**
 * Hyperbolic tangent forward: y = tanh(x), Cephes' tanhf built on the same exp as the
 * sigmoid, so no intermediate overflows (|x| > 43.7 gives exactly +-1, +-Inf gives +-1),
 * tanh(-0) = -0, NaN stays NaN, and the bits are the same on every ISA and thread count.
 * Within a few ulp of the correctly rounded tanh. y may alias x.
 */
ck_status ck_tanh_forward(ptrdiff_t n, const float *x, float *y);

/** Tanh backward from the cached output y: dx = dy * (1 - y * y). dx may alias dy. */
ck_status ck_tanh_backward(ptrdiff_t n, const float *dy, const float *y, float *dx);

/* ---------------------------------------------------------------------------------------
 * Softmax and cross-entropy (m rows of n classes)
 * ------------------------------------------------------------------------------------- */

/**
 * Row-wise softmax, numerically stable: y[i, j] = exp(x[i, j] - max_i) / sum_j exp(x[i, j] - max_i).
 * Finite logits of any magnitude give finite rows summing to 1. A row with +Inf puts its
 * mass evenly on the +Inf entries; a row of all -Inf or with a NaN becomes NaN.
 * x is m x n (ldx >= n), y is m x n (ldy >= n). y may alias x when ldy == ldx.
 */
ck_status ck_softmax(ptrdiff_t m, ptrdiff_t n, const float *x, ptrdiff_t ldx, float *y, ptrdiff_t ldy);

/**
 * Fused softmax + cross-entropy forward for one-hot (or any probability) targets t (m x n):
 *   y = softmax(x), *loss = -(1/m) * sum_i sum_j t[i, j] * log_softmax(x)[i, j].
 * log_softmax is computed as x - max - log(sum exp(x - max)), so the loss is finite for
 * finite logits of any magnitude (no log(0), and no 1e-7 fudge term is needed).
 * The sum is accumulated in double in a fixed order. m == 0 gives *loss = 0.
 * y may alias x when ldy == ldx.
 */
ck_status ck_softmax_cross_entropy_forward(ptrdiff_t m, ptrdiff_t n,
                                           const float *x, ptrdiff_t ldx,
                                           const float *t, ptrdiff_t ldt,
                                           float *y, ptrdiff_t ldy, float *loss);

/** As ck_softmax_cross_entropy_forward with class-index targets: labels[i] in 0 ..< n
 *  (CK_ERANGE otherwise, before anything is written). */
ck_status ck_softmax_cross_entropy_forward_labels(ptrdiff_t m, ptrdiff_t n,
                                                  const float *x, ptrdiff_t ldx,
                                                  const int32_t *labels,
                                                  float *y, ptrdiff_t ldy, float *loss);

/** Backward of the fused loss for one-hot targets: dx = (y - t) / m. dx may alias y when lddx == ldy. */
ck_status ck_softmax_cross_entropy_backward(ptrdiff_t m, ptrdiff_t n,
                                            const float *y, ptrdiff_t ldy,
                                            const float *t, ptrdiff_t ldt,
                                            float *dx, ptrdiff_t lddx);

/** Backward for class-index targets: dx = (y - onehot(labels)) / m. dx may alias y when lddx == ldy. */
ck_status ck_softmax_cross_entropy_backward_labels(ptrdiff_t m, ptrdiff_t n,
                                                   const float *y, ptrdiff_t ldy,
                                                   const int32_t *labels,
                                                   float *dx, ptrdiff_t lddx);

/* ---------------------------------------------------------------------------------------
 * Sigmoid outputs and their losses (m rows of n independent outputs)
 * ------------------------------------------------------------------------------------- */

/** The loss taken on sigmoid outputs y against targets t (each in [0, 1]). */
typedef enum ck_sigmoid_loss {
    /** Half the squared error, summed over a row's outputs: 0.5 * sum_j (y[j] - t[j])^2. */
    CK_SIGMOID_SQUARED_ERROR = 0,
    /** Binary cross-entropy, summed over a row's outputs: -sum_j [t log y + (1 - t) log(1 - y)]. */
    CK_SIGMOID_BINARY_CROSS_ENTROPY = 1,
} ck_sigmoid_loss;

/**
 * y = sigmoid(x) (the bits of ck_sigmoid_forward) and *loss = the chosen loss averaged over
 * the m rows. Binary cross-entropy is computed from the logits through softplus, so it is
 * finite for any finite x (no clipping, no 1e-7 term). The sum is accumulated in double in
 * row-major order on the calling thread. m == 0 gives *loss = 0. x and y are m x n (ldx,
 * ldy >= n), t is m x n (ldt >= n); y must not alias x or t.
 */
ck_status ck_sigmoid_loss_forward(ck_sigmoid_loss loss, ptrdiff_t m, ptrdiff_t n,
                                  const float *x, ptrdiff_t ldx,
                                  const float *t, ptrdiff_t ldt,
                                  float *y, ptrdiff_t ldy, float *out_loss);

/**
 * dL/dx of the last forward pass from its outputs y: (y - t) * y * (1 - y) / m for squared
 * error (the per-sample network's output delta), (y - t) / m for binary cross-entropy.
 * dx may alias y when lddx == ldy.
 */
ck_status ck_sigmoid_loss_backward(ck_sigmoid_loss loss, ptrdiff_t m, ptrdiff_t n,
                                   const float *y, ptrdiff_t ldy,
                                   const float *t, ptrdiff_t ldt,
                                   float *dx, ptrdiff_t lddx);

/* ---------------------------------------------------------------------------------------
 * Identity outputs with squared error (regression: m rows of n real-valued outputs)
 * ------------------------------------------------------------------------------------- */

/**
 * y = x (the book's identity_function) and *loss = 0.5 * sum_ij (x[i, j] - t[i, j])^2 / m:
 * half the squared error summed over a row's outputs (the book's sum_squared_error), averaged
 * over the m rows. The sum is accumulated in double in row-major order on the calling thread,
 * so its bits do not depend on the ISA or the thread count. m == 0 gives *loss = 0. x and y
 * are m x n (ldx, ldy >= n), t is m x n (ldt >= n); y may be x itself (ldy == ldx) but must
 * not otherwise overlap x or t.
 */
ck_status ck_identity_squared_error_forward(ptrdiff_t m, ptrdiff_t n,
                                            const float *x, ptrdiff_t ldx,
                                            const float *t, ptrdiff_t ldt,
                                            float *y, ptrdiff_t ldy, float *out_loss);

/**
 * dL/dx of the last forward pass from its outputs y: dx = (y - t) / m, each element computed
 * alone as (y - t) * (1.0f / m). dx may alias y when lddx == ldy.
 */
ck_status ck_identity_squared_error_backward(ptrdiff_t m, ptrdiff_t n,
                                             const float *y, ptrdiff_t ldy,
                                             const float *t, ptrdiff_t ldt,
                                             float *dx, ptrdiff_t lddx);

/* ---------------------------------------------------------------------------------------
 * Batch normalization (an m x n batch: m samples, one feature per column)
 * ------------------------------------------------------------------------------------- */

/**
 * Batch normalization forward in training (the book's common/layers.py BatchNormalization),
 * per column j over the m rows:
 *   mean_j = sum_i x[i, j] / m,  var_j = sum_i (x[i, j] - mean_j)^2 / m  (biased, two passes),
 *   inv_std[j] = 1 / sqrt(var_j + eps),  xhat[i, j] = (x[i, j] - mean_j) * inv_std[j],
 *   y[i, j] = gamma[j] * xhat[i, j] + beta[j],
 *   running_mean[j] = momentum * running_mean[j] + (1 - momentum) * mean_j  (the book's and
 *   Keras's convention: momentum 0.9 keeps 90 %; PyTorch's momentum is 1 minus this), and
 *   running_var[j] likewise with the biased var_j (PyTorch stores the unbiased one).
 * Everything is computed in double, each column's sums over the rows in ascending order, and
 * rounded to float once when stored; threads split the columns only, so the bits do not
 * depend on the thread count or the ISA. inv_std and xhat are what ck_batchnorm_backward needs.
 * x is m x n (ldx >= n), y is m x n (ldy >= n) and may alias x when ldy == ldx; xhat is m x n
 * contiguous (leading dimension n); gamma, beta, running_mean, running_var (updated in place)
 * and inv_std have n elements. eps must be >= 0 (CK_EINVAL otherwise, also for NaN).
 * m == 1 gives var 0, and with eps > 0 xhat 0 and y = beta exactly (eps == 0 makes a column
 * of equal values, and so every column of one row, 0 / 0 = NaN). m == 0 does nothing (the
 * running statistics stay as they are).
 */
ck_status ck_batchnorm_forward_training(ptrdiff_t m, ptrdiff_t n, const float *x, ptrdiff_t ldx,
                                        const float *gamma, const float *beta, float eps, float momentum,
                                        float *running_mean, float *running_var,
                                        float *xhat, float *inv_std, float *y, ptrdiff_t ldy);

/**
 * Batch normalization forward in inference, from the running statistics:
 *   y[i, j] = gamma[j] * (x[i, j] - running_mean[j]) / sqrt(running_var[j] + eps) + beta[j],
 * computed in double (the same steps as the training pass) and rounded once. x, y: m x n
 * (ldx, ldy >= n); y may alias x when ldy == ldx. The four vectors have n elements. eps >= 0.
 */
ck_status ck_batchnorm_forward_inference(ptrdiff_t m, ptrdiff_t n, const float *x, ptrdiff_t ldx,
                                         const float *gamma, const float *beta,
                                         const float *running_mean, const float *running_var, float eps,
                                         float *y, ptrdiff_t ldy);

/**
 * Batch normalization backward from the training pass's xhat and inv_std (the book's
 * backward, simplified with sum_i xhat[i, j] = 0):
 *   dbeta[j]  = sum_i dy[i, j],   dgamma[j] = sum_i dy[i, j] * xhat[i, j],
 *   dx[i, j]  = gamma[j] * inv_std[j] * (dy[i, j] - dbeta[j] / m - xhat[i, j] * dgamma[j] / m).
 * Sums in double over the rows in ascending order, dx from the unrounded sums, each result
 * rounded once. dy, dx: m x n (lddy, lddx >= n), dx may alias dy when lddx == lddy; xhat m x n
 * contiguous; inv_std, gamma, dgamma, dbeta: n elements. m == 0 sets dgamma and dbeta to 0.
 */
ck_status ck_batchnorm_backward(ptrdiff_t m, ptrdiff_t n, const float *dy, ptrdiff_t lddy,
                                const float *xhat, const float *inv_std, const float *gamma,
                                float *dgamma, float *dbeta, float *dx, ptrdiff_t lddx);

/* ---------------------------------------------------------------------------------------
 * Convolution and max pooling (NCHW: a batch of n images, each C planes of H x W, row-major)
 * ------------------------------------------------------------------------------------- */

/** The geometry of a convolution: one input image is channels x height x width, the weights are
 *  filters x channels x kernel_height x kernel_width (the book's and PyTorch Conv2d's layout),
 *  the window moves by `stride` in both directions over the input padded with `pad` zeros on
 *  every side. Valid when every size and the stride are positive, pad >= 0 and the padded
 *  input is at least as large as the kernel. */
typedef struct ck_conv_shape {
    ptrdiff_t channels, height, width;
    ptrdiff_t filters, kernel_height, kernel_width;
    ptrdiff_t stride, pad;
} ck_conv_shape;

/** The output planes' size: (height + 2 pad - kernel_height) / stride + 1 and likewise for the
 *  width (the book's formula, rounding down). CK_EINVAL for an invalid shape or NULL outputs. */
ck_status ck_conv_output_size(const ck_conv_shape *shape, ptrdiff_t *out_height, ptrdiff_t *out_width);

/**
 * Convolution forward (cross-correlation, as the book's and PyTorch's):
 *   y[n, f, oh, ow] = sum over (c, i, j) of w[f, c, i, j] * xpad[n, c, oh*S + i, ow*S + j] + b[f],
 * with the taps summed in ascending (c, i, j) order as the GEMM's k (fused multiply-adds in
 * K blocks of 256) and the bias added afterwards. x is [n, C, H, W], w [FN, C, FH, FW],
 * b [FN], y [n, FN, OH, OW], all contiguous; y must not alias x. Images run in parallel, each
 * on one thread through im2col and the GEMM: the bits do not depend on the thread count or the
 * ISA. Memory: per thread about (C*FH*FW + FN) * OH*(W + 2*pad) + C*(H + 2*pad)*(W + 2*pad)
 * floats of kept scratch (stride 1), C*FH*FW*OH*OW otherwise. n == 0 does nothing.
 */
ck_status ck_conv_forward(ptrdiff_t n, const ck_conv_shape *shape, const float *x, const float *w,
                          const float *b, float *y);

/**
 * Convolution backward from dy [n, FN, OH, OW]:
 *   dw[f, c, i, j] = sum over images and positions of dy * xpad   (the images in groups of 4,
 *                    each group summed in ascending image order by one thread, the groups'
 *                    sums added in ascending order: fixed for any thread count),
 *   db[f]          = sum over images (ascending), then positions (ascending) of dy[n, f, ., .],
 *   dx             = col2im(W^T * dy) per image: [n, C, H, W], overwritten; contributions to
 *                    one input element are added in the fixed order of the column matrix.
 * dx may be NULL to skip the input gradient (a network's first layer). x, w as in the forward
 * pass. n == 0 sets dw and db to 0. Outputs must not alias inputs. Memory: the forward pass's
 * scratch per thread, plus ceil(n / 4) * FN*C*FH*FW floats of partial sums kept by the caller's
 * thread.
 */
ck_status ck_conv_backward(ptrdiff_t n, const ck_conv_shape *shape, const float *x, const float *w,
                           const float *dy, float *dw, float *db, float *dx);

/** The geometry of max pooling: square windows of `size` moved by `stride` over channels planes
 *  of height x width padded by `pad` on every side. Padding takes no part in a maximum
 *  (PyTorch's MaxPool2d; the book pads with zeros but uses no padding). Valid when the sizes and
 *  the stride are positive, 0 <= pad < size (so every window holds an input element) and the
 *  padded plane is at least one window. */
typedef struct ck_pool_shape {
    ptrdiff_t channels, height, width;
    ptrdiff_t size, stride, pad;
} ck_pool_shape;

/** The output planes' size: (height + 2 pad - size) / stride + 1, likewise for the width.
 *  CK_EINVAL for an invalid shape or NULL outputs. */
ck_status ck_maxpool_output_size(const ck_pool_shape *shape, ptrdiff_t *out_height, ptrdiff_t *out_width);

/**
 * Max pooling forward: y[n, c, oh, ow] = the maximum of the window, argmax (same shape) = its
 * index ih * W + iw in the input plane. Ties go to the first maximum in row-major window order;
 * a NaN in a window is the result (the first NaN). x [n, C, H, W], y and argmax
 * [n, C, OH, OW], contiguous. n == 0 does nothing. H * W must fit in int32.
 */
ck_status ck_maxpool_forward(ptrdiff_t n, const ck_pool_shape *shape, const float *x, float *y, int32_t *argmax);

/**
 * Max pooling backward: dx (overwritten, [n, C, H, W]) is dy added at each window's argmax,
 * the windows of a plane in row-major output order (overlapping windows add up). An argmax
 * outside the plane is CK_ERANGE before anything is written.
 */
ck_status ck_maxpool_backward(ptrdiff_t n, const ck_pool_shape *shape, const float *dy, const int32_t *argmax,
                              float *dx);

/* ---------------------------------------------------------------------------------------
 * Dropout and weight decay
 * ------------------------------------------------------------------------------------- */

/**
 * The dropout mask of an m x n batch (contiguous, row-major, one byte per element):
 * mask[i * n + j] = 1 when u > ratio, else 0, where u in (0, 1] is drawn from a hash of
 * (seed, iteration, layer, (first_row + i) * n + j) (SplitMix64, spelled out in dropout.c;
 * u has 24 random bits), the book's np.random.rand(*x.shape) > ratio. No state advances:
 * the mask is the same for any thread count and ISA, and a process that holds rows
 * first_row ..< first_row + m of a batch (an MPI shard) draws exactly those rows' mask.
 * ratio 0 keeps every element, ratio 1 drops every one. ratio outside [0, 1] (or NaN) or
 * first_row < 0 is CK_EINVAL.
 */
ck_status ck_dropout_mask(ptrdiff_t m, ptrdiff_t n, float ratio, uint64_t seed, uint64_t iteration,
                          uint64_t layer, ptrdiff_t first_row, uint8_t *mask);

/**
 * Applies a dropout mask: y[i] = x[i] * scale where mask[i] != 0, else +0 (a dropped NaN
 * becomes +0, as in ck_relu_backward). The forward pass (scale 1 for the book's dropout,
 * 1 / (1 - ratio) for inverted dropout) and the backward pass (dy in, dx out, the same scale)
 * both use it. y may alias x.
 */
ck_status ck_dropout_apply(ptrdiff_t n, const float *x, const uint8_t *mask, float scale, float *y);

/** y[i] = alpha * x[i]: the book's dropout at inference, x * (1 - ratio). y may alias x. */
ck_status ck_scale(ptrdiff_t n, float alpha, const float *x, float *y);

/** y[i] += alpha * x[i]: weight decay's lambda * W added to the gradient dW. y must not alias x. */
ck_status ck_add_scaled(ptrdiff_t n, float alpha, const float *x, float *y);

/**
 * *out = sum_i x[i]^2 in double (weight decay's 0.5 * lambda * sum W^2 takes it): each square
 * is exact in double; blocks of 16384 elements are summed over 8 lanes (lane i % 8, folded in
 * a fixed tree) and the blocks' sums added in ascending order, so the result does not depend
 * on the thread count or the ISA. n == 0 gives 0. out must not be NULL.
 */
ck_status ck_sum_of_squares(ptrdiff_t n, const float *x, double *out);

/* ---------------------------------------------------------------------------------------
 * Affine helpers and optimizers
 * ------------------------------------------------------------------------------------- */

/** y[i, j] += bias[j] for an m x n matrix y (ldy >= n). bias has n elements. */
ck_status ck_add_row_bias(ptrdiff_t m, ptrdiff_t n, const float *bias, float *y, ptrdiff_t ldy);

/**
 * Fused bias + ReLU, the epilogue of an affine layer followed by ReLU:
 * y[i, j] = relu(y[i, j] + bias[j]) in place, mask (m x n, contiguous, row-major) as in
 * ck_relu_forward. Bitwise equal to ck_add_row_bias followed by ck_relu_forward.
 */
ck_status ck_add_row_bias_relu(ptrdiff_t m, ptrdiff_t n, const float *bias,
                               float *y, ptrdiff_t ldy, uint8_t *mask);

/**
 * Advises the operating system to back the huge-page-aligned part of [start, start + bytes)
 * with transparent huge pages (Linux; their size as the kernel reports it, usually 2 MiB),
 * for a large array about to be written for the first time (a training set whose random rows
 * a minibatch gather reads). Only advice: where huge pages are unavailable nothing changes.
 * Returns CK_EINVAL for a NULL start with bytes > 0, otherwise CK_OK.
 */
ck_status ck_advise_huge_pages(void *start, size_t bytes);

/**
 * Minibatch gather: row r of dst (rows x width, ld_dst >= width) becomes row indices[r] of src
 * (src_rows x width, ld_src >= width); indices may repeat. An index outside 0 ..< src_rows
 * returns CK_ERANGE before anything is written. Upcoming rows are prefetched, so the random
 * reads of a minibatch overlap instead of waiting on memory one row at a time.
 */
ck_status ck_gather_rows(ptrdiff_t rows, ptrdiff_t width, const float *src, ptrdiff_t src_rows, ptrdiff_t ld_src,
                         const ptrdiff_t *indices, float *dst, ptrdiff_t ld_dst);

/** sums[j] = sum over i of x[i, j] (overwrites sums; rows added in ascending order). The db
 *  of an affine layer. m == 0 sets sums to 0. */
ck_status ck_column_sums(ptrdiff_t m, ptrdiff_t n, const float *x, ptrdiff_t ldx, float *sums);

/** Plain SGD: p[i] -= lr * g[i]. */
ck_status ck_sgd_update(ptrdiff_t n, float lr, const float *g, float *p);

/** Momentum SGD (as in the book): v = momentum * v - lr * g; p += v. */
ck_status ck_momentum_update(ptrdiff_t n, float lr, float momentum, const float *g, float *v, float *p);

/**
 * Adam (as in the book): m += (1 - beta1) * (g - m); v += (1 - beta2) * (g * g - v);
 * p -= lr_t * m / (sqrt(v) + eps), where the caller passes the bias-corrected step
 * lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t).
 */
ck_status ck_adam_update(ptrdiff_t n, float lr_t, float beta1, float beta2, float eps,
                         const float *g, float *m, float *v, float *p);

/**
 * Nesterov's accelerated gradient in the book's form (common/optimizer.py after its fix of
 * 2021-01-18, commit 89eadd0), in this order:
 *   p += momentum * momentum * v;  p -= (1 + momentum) * lr * g;  v *= momentum;  v -= lr * g,
 * with momentum * momentum and (1 + momentum) * lr rounded to float once per call.
 */
ck_status ck_nesterov_update(ptrdiff_t n, float lr, float momentum, const float *g, float *v, float *p);

/** AdaGrad (as in the book): h += g * g; p -= lr * g / (sqrt(h) + eps), eps 1e-7 in the book. */
ck_status ck_adagrad_update(ptrdiff_t n, float lr, float eps, const float *g, float *h, float *p);

/**
 * RMSprop (as in the book, decay 0.99): h *= decay; h += (1 - decay) * g * g;
 * p -= lr * g / (sqrt(h) + eps), with 1 - decay rounded to float once per call.
 */
ck_status ck_rmsprop_update(ptrdiff_t n, float lr, float decay, float eps, const float *g, float *h, float *p);

#ifdef __cplusplus
}
#endif

#endif /* CKERNELS_H */
