/*
 * Self-test of the C core without Swift: for every instruction set this CPU and build can run,
 * every public kernel must give bitwise the results of CK_ISA_SCALAR on one thread (NaN
 * compares by NaN-ness only), on the shapes and special values of the cross-implementation
 * tests. GEMM is also checked against a double-precision naive product, and the loss against
 * a double-precision log-softmax. The SIMD microkernels for softmax (and the 16-row block
 * kernel) are also called directly through their ck_config tables.
 *
 * Built and run by scripts/test-c-core.sh (x86: scalar, avx2, avx512; with and without
 * OpenMP; under ASan + UBSan) and scripts/test-arm64.sh (arm64 under qemu: scalar, neon).
 * Buffers are allocated to their exact size so that the sanitizers see any overrun.
 * The last line printed is "N passed, N failed"; the exit status is 1 on any failure.
 */
#include "ckernels.h"
#include "ck_internal.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

/* ---------------------------------------------------------------------------------------
 * Bookkeeping
 * ------------------------------------------------------------------------------------- */

static int passed_count, failed_count;

/* Records one check; prints the first failures with their description. */
static void record(int ok, const char *format, ...) {
    if (ok) {
        ++passed_count;
        return;
    }
    if (++failed_count <= 40) {
        va_list args;
        va_start(args, format);
        fputs("FAIL: ", stdout);
        vprintf(format, args);
        fputc('\n', stdout);
        va_end(args);
    }
}

static uint32_t bits_of(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* The comparison every ISA must pass: identical bits, or both NaN. */
static int same_float(float a, float b) {
    return (isnan(a) && isnan(b)) || bits_of(a) == bits_of(b);
}

/* Index of the first element where a and b differ, or -1. */
static ptrdiff_t first_difference(const float *a, const float *b, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        if (!same_float(a[i], b[i])) return (ptrdiff_t)i;
    }
    return -1;
}

static ptrdiff_t first_byte_difference(const uint8_t *a, const uint8_t *b, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        if (a[i] != b[i]) return (ptrdiff_t)i;
    }
    return -1;
}

/* malloc that never returns NULL for a non-empty request and never returns a shared
 * pointer for an empty one (kernels accept NULL only for empty operands). */
static void *allocate(size_t bytes) {
    void *p = malloc(bytes ? bytes : 1);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

static float *allocate_floats(size_t n) { return allocate(n * sizeof(float)); }

static float *copy_floats(const float *src, size_t n) {
    float *p = allocate_floats(n);
    if (n) memcpy(p, src, n * sizeof(float));
    return p;
}

/* Floats a rows x cols matrix with leading dimension ld needs when its last row is not
 * padded: exact, so an access past the last element is an overrun the sanitizers catch. */
static size_t matrix_floats(ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld) {
    return rows == 0 || cols == 0 ? 0 : (size_t)((rows - 1) * ld + cols);
}

/* ---------------------------------------------------------------------------------------
 * Deterministic random numbers (xorshift64*)
 * ------------------------------------------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t next_random(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

/* Uniform in [lo, hi). */
static float uniform(float lo, float hi) {
    float unit = (float)(next_random() >> 40) * (1.0f / 16777216.0f);
    return lo + (hi - lo) * unit;
}

static ptrdiff_t random_index(ptrdiff_t n) { return (ptrdiff_t)(next_random() % (uint64_t)n); }

static void fill_uniform(float *p, size_t n, float lo, float hi) {
    for (size_t i = 0; i < n; ++i) p[i] = uniform(lo, hi);
}

/* Values that stress every branch of the elementwise kernels. */
static const float special_values[] = {
    0.0f, -0.0f, NAN, -NAN, 100.0f, -100.0f, INFINITY, -INFINITY, 1.0f, -1.0f,
    1e-40f, -1e-40f, FLT_MIN, -FLT_MIN, FLT_MAX, -FLT_MAX, 87.0f, -87.0f, 87.5f, -87.5f,
    88.0f, -88.0f, 0.5f, -0.5f, 20.0f, -20.0f, 1e-7f, -1e-7f,
};
#define SPECIAL_COUNT (sizeof special_values / sizeof special_values[0])

/* Random values in [-4, 4) with the special values at positions that land in full vectors
 * and in tails alike. */
static void fill_with_specials(float *p, size_t n) {
    fill_uniform(p, n, -4.0f, 4.0f);
    for (size_t i = 0; i < n; ++i) {
        if (i % 3 == 0 || i + 5 >= n) p[i] = special_values[(i * 7 + n) % SPECIAL_COUNT];
    }
}

/* ---------------------------------------------------------------------------------------
 * Instruction sets under test
 * ------------------------------------------------------------------------------------- */

static ck_isa candidates[4];
static int candidate_count;

/* The cache geometry candidates run with (ck_set_caches syntax); NULL: the one at start. */
static const char *candidate_caches = NULL;

/* The reference every candidate is held to: the scalar kernels on one thread, with the
 * caches at start (detected, or CKERNELS_CACHES). */
static void use_reference(void) {
    ck_set_isa(CK_ISA_SCALAR);
    ck_set_num_threads(1);
    ck_set_caches(NULL);
}

/* A candidate runs on the default thread count, so the parallel paths are compared too. */
static void use_candidate(ck_isa isa) {
    ck_set_isa(isa);
    ck_set_num_threads(0);
    ck_set_caches(candidate_caches);
}

/* ---------------------------------------------------------------------------------------
 * GEMM
 * ------------------------------------------------------------------------------------- */

static const ptrdiff_t gemm_sizes[] = {0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 127, 130, 257};
#define GEMM_SIZE_COUNT (sizeof gemm_sizes / sizeof gemm_sizes[0])

typedef struct gemm_case {
    ck_transpose ta, tb;
    ptrdiff_t m, n, k;
    float alpha, beta;
    ptrdiff_t pad;   /* extra columns in every leading dimension */
    int specials;    /* put NaN and Inf into A and B */
    int null_inputs; /* alpha == 0: A and B are documented as not read, pass NULL */
} gemm_case;

static float op_element(const float *x, ptrdiff_t ld, ck_transpose t, ptrdiff_t row, ptrdiff_t col) {
    return t == CK_NO_TRANS ? x[row * ld + col] : x[col * ld + row];
}

/* Compares the reference result with a double-precision naive product: relative 1e-5 of
 * |alpha| * sum |a * b| + |beta * c|. */
static void check_gemm_against_double(const gemm_case *g, const char *label, const float *a, ptrdiff_t lda,
                                      const float *b, ptrdiff_t ldb, const float *c0, const float *c,
                                      ptrdiff_t ldc) {
    ptrdiff_t worst_i = -1, worst_j = -1;
    for (ptrdiff_t i = 0; i < g->m && worst_i < 0; ++i) {
        for (ptrdiff_t j = 0; j < g->n; ++j) {
            double sum = 0.0, magnitude = 0.0;
            for (ptrdiff_t p = 0; p < g->k && g->alpha != 0.0f; ++p) {
                double term = (double)op_element(a, lda, g->ta, i, p) * (double)op_element(b, ldb, g->tb, p, j);
                sum += term;
                magnitude += fabs(term);
            }
            double prior = g->beta == 0.0f ? 0.0 : (double)g->beta * (double)c0[i * ldc + j];
            double expected = (double)g->alpha * sum + prior;
            double tolerance = 1e-5 * (fabs((double)g->alpha) * magnitude + fabs(prior)) + 1e-30;
            if (!(fabs((double)c[i * ldc + j] - expected) <= tolerance)) {
                worst_i = i;
                worst_j = j;
                break;
            }
        }
    }
    record(worst_i < 0, "%s: C[%td, %td] differs from the double-precision product", label, worst_i, worst_j);
}

static void test_gemm_case(const gemm_case *g) {
    ptrdiff_t a_rows = g->ta == CK_NO_TRANS ? g->m : g->k, a_cols = g->ta == CK_NO_TRANS ? g->k : g->m;
    ptrdiff_t b_rows = g->tb == CK_NO_TRANS ? g->k : g->n, b_cols = g->tb == CK_NO_TRANS ? g->n : g->k;
    ptrdiff_t lda = a_cols + g->pad, ldb = b_cols + g->pad, ldc = g->n + g->pad;
    size_t a_size = matrix_floats(a_rows, a_cols, lda), b_size = matrix_floats(b_rows, b_cols, ldb);
    size_t c_size = matrix_floats(g->m, g->n, ldc);
    char label[160];
    snprintf(label, sizeof label, "sgemm %c%c m=%td n=%td k=%td alpha=%g beta=%g ld+%td%s",
             g->ta == CK_TRANS ? 'T' : 'N', g->tb == CK_TRANS ? 'T' : 'N', g->m, g->n, g->k,
             (double)g->alpha, (double)g->beta, g->pad, g->specials ? " NaN/Inf" : "");

    float *a = allocate_floats(a_size), *b = allocate_floats(b_size), *c0 = allocate_floats(c_size);
    fill_uniform(a, a_size, -1.0f, 1.0f);
    fill_uniform(b, b_size, -1.0f, 1.0f);
    fill_uniform(c0, c_size, -1.0f, 1.0f);
    /* beta == 0 must overwrite C without reading it: a NaN there must not survive. */
    if (g->beta == 0.0f) {
        for (size_t i = 0; i < c_size; ++i) c0[i] = NAN;
    }
    /* Padding between rows holds a marker no kernel may change. */
    for (ptrdiff_t i = 0; i < g->m; ++i) {
        for (ptrdiff_t j = g->n; j < ldc && (size_t)(i * ldc + j) < c_size; ++j) c0[i * ldc + j] = -12345.0f;
    }
    if (g->specials && a_size > 0 && b_size > 0) {
        a[a_size / 2] = NAN;
        b[b_size - 1] = INFINITY;
        a[0] = -INFINITY;
    }
    const float *a_arg = g->null_inputs ? NULL : a, *b_arg = g->null_inputs ? NULL : b;

    float *reference = copy_floats(c0, c_size);
    use_reference();
    ck_status status = ck_sgemm(g->ta, g->tb, g->m, g->n, g->k, g->alpha, a_arg, lda, b_arg, ldb,
                                g->beta, reference, ldc);
    record(status == CK_OK, "%s: scalar status %d", label, (int)status);
    if (!g->specials) check_gemm_against_double(g, label, a, lda, b, ldb, c0, reference, ldc);
    int padding_kept = 1;
    for (ptrdiff_t i = 0; i < g->m; ++i) {
        for (ptrdiff_t j = g->n; j < ldc && (size_t)(i * ldc + j) < c_size; ++j) {
            padding_kept &= bits_of(reference[i * ldc + j]) == bits_of(-12345.0f);
        }
    }
    record(padding_kept, "%s: scalar wrote into the padding of C", label);

    float *c = allocate_floats(c_size);
    for (int s = 0; s < candidate_count; ++s) {
        if (c_size) memcpy(c, c0, c_size * sizeof(float));
        use_candidate(candidates[s]);
        status = ck_sgemm(g->ta, g->tb, g->m, g->n, g->k, g->alpha, a_arg, lda, b_arg, ldb, g->beta, c, ldc);
        ptrdiff_t at = first_difference(reference, c, c_size);
        record(status == CK_OK && at < 0, "%s [%s]: status %d, first difference at %td (%.9g vs scalar %.9g)",
               label, ck_isa_name(candidates[s]), (int)status, at, at < 0 ? 0.0 : (double)c[at],
               at < 0 ? 0.0 : (double)reference[at]);
    }
    free(a);
    free(b);
    free(c0);
    free(c);
    free(reference);
}

static void test_gemm(void) {
    static const float alphas[] = {1.0f, 0.7f, -1.3f, 2.0f, 0.3f};
    static const float betas[] = {0.0f, 0.3f, 1.0f, -0.7f, 0.0f};
    int index = 0;
    for (int t = 0; t < 4; ++t) {
        ck_transpose ta = (t & 1) ? CK_TRANS : CK_NO_TRANS, tb = (t & 2) ? CK_TRANS : CK_NO_TRANS;
        for (size_t im = 0; im < GEMM_SIZE_COUNT; ++im) {
            for (size_t in = 0; in < GEMM_SIZE_COUNT; ++in) {
                /* Every (m, n) pair per transpose; k walks through all sizes as well. A
                 * representative half of the pairs keeps the emulated arm64 run short. */
                if ((im + in + (size_t)t) % 2 != 0 && im != in) continue;
                gemm_case g = {
                    .ta = ta, .tb = tb,
                    .m = gemm_sizes[im], .n = gemm_sizes[in],
                    .k = gemm_sizes[(im * 5 + in * 3 + (size_t)t * 7) % GEMM_SIZE_COUNT],
                    .alpha = alphas[index % 5], .beta = betas[index % 5],
                    .pad = (ptrdiff_t)(index % 3) * 3,
                };
                test_gemm_case(&g);
                ++index;
            }
        }
    }
    /* K blocks past CK_KC with beta applied once, N beyond every ISA's NC, alpha == 0 and
     * k == 0 (C = beta * C without reading A or B), and NaN / Inf propagation. */
    static const gemm_case extra[] = {
        {CK_NO_TRANS, CK_NO_TRANS, 9, 3100, 300, 0.5f, -1.5f, 1, 0, 0},
        {CK_TRANS, CK_TRANS, 5, 3075, 513, 1.0f, 0.0f, 0, 0, 0},
        {CK_NO_TRANS, CK_TRANS, 200, 40, 600, -0.5f, 2.0f, 2, 0, 0},
        {CK_NO_TRANS, CK_NO_TRANS, 33, 17, 64, 0.0f, 0.5f, 1, 0, 1},
        {CK_TRANS, CK_NO_TRANS, 33, 17, 64, 0.0f, 0.0f, 1, 0, 1},
        {CK_NO_TRANS, CK_NO_TRANS, 31, 17, 0, 1.0f, -2.0f, 3, 0, 1},
        {CK_NO_TRANS, CK_NO_TRANS, 17, 33, 31, 1.0f, 0.5f, 1, 1, 0},
        {CK_TRANS, CK_TRANS, 64, 64, 64, -1.0f, 0.0f, 0, 1, 0},
        /* The shared-B parallel path: several ic blocks per thread, two K blocks, ragged
         * edges; and more columns than any ISA's NC, so the team packs two B blocks. */
        {CK_NO_TRANS, CK_TRANS, 400, 300, 300, 1.0f, 0.5f, 1, 0, 0},
        {CK_TRANS, CK_NO_TRANS, 200, 4200, 20, -0.5f, 0.0f, 2, 0, 0},
    };
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; ++i) test_gemm_case(&extra[i]);
}

/* Other CPUs' caches (CKERNELS_CACHES's syntax) and the B block width NC the model must give
 * for them, within one NR (CKernels/README.md, "Block sizes from the caches"). */
static const struct {
    const char *cpu, *spec;
    ptrdiff_t b_block_kib; /* KC x NC x 4 bytes: half the core's L2 */
} geometries[] = {
    {"AMD Zen 4 / Zen 5", "l1d=32K,l2=1M,l3=32M/16", 512},
    {"Intel Ice Lake server", "l1d=48K,l2=1280K,l3=48M/64", 640},
    {"Intel Skylake-X", "l1d=32K,l2=1M,l3=22M/28", 512},
    {"Apple M-series P-core", "l1d=128K,l2=16M/4", 2048},
    {"AMD Zen 2", "l1d=32K,l2=512K,l3=16M/8", 256},
    {"Intel Haswell", "l1d=32K,l2=256K,l3=8M/8", 128},
};

/* Under every geometry: block sizes within the model's bounds, and every ISA's GEMM bitwise
 * equal to scalar under the caches at start (the reference of test_gemm_case), for products
 * that span several MC and NC blocks there. */
static void test_gemm_cache_geometries(void) {
    record(ck_set_caches("l1d=48K,l2=") == CK_EINVAL && ck_set_caches("l1=48K,l2=1M") == CK_EINVAL
               && ck_set_caches("l1d=48K,l2=1M/0") == CK_EINVAL,
           "ck_set_caches accepted a malformed spec");
    static const gemm_case products[] = {
        {CK_NO_TRANS, CK_NO_TRANS, 530, 290, 260, 1.0f, 0.5f, 1, 0, 0},
        {CK_TRANS, CK_TRANS, 521, 300, 270, -0.5f, 0.0f, 0, 0, 0},
    };
    for (size_t g = 0; g < sizeof geometries / sizeof geometries[0]; ++g) {
        record(ck_set_caches(geometries[g].spec) == CK_OK, "ck_set_caches(%s) refused", geometries[g].spec);
        ck_cache_info caches;
        ck_caches(&caches);
        for (int c = 0; c < candidate_count; ++c) {
            ck_gemm_blocking_info blocks;
            ck_gemm_blocking(candidates[c], &blocks);
            const int sensible = blocks.kc == 256 && blocks.mc % blocks.mr == 0 && blocks.nc % blocks.nr == 0
                && blocks.mc >= 512 && blocks.mc < 3072 + blocks.mr && blocks.nc >= 128 && blocks.nc <= 4096
                && blocks.kc * blocks.nc * 4 <= caches.l2_bytes / caches.l2_shared_by
                && blocks.a_panel_fits_l1
                && blocks.nc > geometries[g].b_block_kib - blocks.nr && blocks.nc < geometries[g].b_block_kib + blocks.nr;
            record(sensible, "%s (%s) [%s]: MC %td, NC %td, KC %td, A panel in L1 %d", geometries[g].cpu,
                   geometries[g].spec, ck_isa_name(candidates[c]), blocks.mc, blocks.nc, blocks.kc, blocks.a_panel_fits_l1);
        }
        candidate_caches = geometries[g].spec;
        test_gemm_case(&products[g % 2]);
        candidate_caches = NULL;
    }
    record(ck_set_caches(NULL) == CK_OK, "ck_set_caches(NULL) refused");
}

/* A product started inside the caller's own parallel region runs there on a team of one
 * (nested parallelism is off by default) and must give the same bits as outside it: the
 * shared-B path once sized its buffers for the team it asked for, not the one it got. The
 * region is opened on a new thread, whose packing memory is new and exactly as large as the
 * product asks, so the ASan build sees any write past it. */
enum { REGION_M = 200, REGION_N = 300, REGION_K = 300 };

typedef struct region_gemm {
    const float *a, *b;
    float *c[2];
} region_gemm;

static void *gemm_in_region(void *argument) {
    region_gemm *job = argument;
#ifdef _OPENMP
#pragma omp parallel num_threads(2)
    {
        int t = omp_get_thread_num();
        if (t < 2) {
            ck_sgemm(CK_NO_TRANS, CK_NO_TRANS, REGION_M, REGION_N, REGION_K, 1.0f, job->a, REGION_K, job->b,
                     REGION_N, 0.0f, job->c[t], REGION_N);
        }
    }
#else
    for (int t = 0; t < 2; ++t) {
        ck_sgemm(CK_NO_TRANS, CK_NO_TRANS, REGION_M, REGION_N, REGION_K, 1.0f, job->a, REGION_K, job->b,
                 REGION_N, 0.0f, job->c[t], REGION_N);
    }
#endif
    return NULL;
}

static void test_gemm_in_parallel_region(void) {
    const size_t a_size = REGION_M * REGION_K, b_size = REGION_K * REGION_N, c_size = REGION_M * REGION_N;
    float *a = allocate_floats(a_size), *b = allocate_floats(b_size), *expected = allocate_floats(c_size);
    fill_uniform(a, a_size, -1.0f, 1.0f);
    fill_uniform(b, b_size, -1.0f, 1.0f);
    for (int s = 0; s < candidate_count; ++s) {
        use_candidate(candidates[s]);
        ck_sgemm(CK_NO_TRANS, CK_NO_TRANS, REGION_M, REGION_N, REGION_K, 1.0f, a, REGION_K, b, REGION_N, 0.0f,
                 expected, REGION_N);
        region_gemm job = {a, b, {allocate_floats(c_size), allocate_floats(c_size)}};
        pthread_t thread;
        int ran = pthread_create(&thread, NULL, gemm_in_region, &job) == 0 && pthread_join(thread, NULL) == 0;
        for (int t = 0; t < 2; ++t) {
            ptrdiff_t at = ran ? first_difference(expected, job.c[t], c_size) : -2;
            record(ran && at < 0, "%s sgemm %dx%dx%d inside a parallel region (thread %d): first difference at %td",
                   ck_isa_name(candidates[s]), REGION_M, REGION_K, REGION_N, t, at);
            free(job.c[t]);
        }
    }
    free(a);
    free(b);
    free(expected);
}

/* The packing memory is per thread and kept between calls. A product on a thread that then
 * exits must equal the reference, and the thread must free its memory as it exits: the
 * ASan build in scripts/test-c-core.sh fails on the leak otherwise. 300 x 300 x 300 takes
 * the packed path on every ISA. */
enum { THREAD_GEMM_SIZE = 300 };

typedef struct thread_gemm {
    const float *a, *b;
    float *c;
} thread_gemm;

static void *gemm_on_thread(void *argument) {
    const thread_gemm *job = argument;
    const ptrdiff_t n = THREAD_GEMM_SIZE;
    ck_sgemm(CK_NO_TRANS, CK_NO_TRANS, n, n, n, 1.0f, job->a, n, job->b, n, 0.0f, job->c, n);
    return NULL;
}

static void test_gemm_on_exiting_threads(void) {
    const size_t floats = (size_t)THREAD_GEMM_SIZE * THREAD_GEMM_SIZE;
    float *a = allocate_floats(floats), *b = allocate_floats(floats);
    float *expected = allocate_floats(floats), *c = allocate_floats(floats);
    fill_uniform(a, floats, -1.0f, 1.0f);
    fill_uniform(b, floats, -1.0f, 1.0f);
    use_reference();
    gemm_on_thread(&(thread_gemm){a, b, expected});
    for (int i = 0; i < candidate_count; ++i) {
        use_candidate(candidates[i]);
        for (int round = 0; round < 2; ++round) {
            for (size_t j = 0; j < floats; ++j) c[j] = NAN;
            pthread_t thread;
            int ran = pthread_create(&thread, NULL, gemm_on_thread, &(thread_gemm){a, b, c}) == 0
                && pthread_join(thread, NULL) == 0;
            ptrdiff_t at = ran ? first_difference(c, expected, floats) : -1;
            record(ran && at < 0, "%s sgemm on a new thread (round %d): %s at %td", ck_isa_name(candidates[i]),
                   round, ran ? "differs from scalar" : "thread failed", at);
        }
    }
    free(a);
    free(b);
    free(expected);
    free(c);
}

/* ---------------------------------------------------------------------------------------
 * Softmax and cross-entropy
 * ------------------------------------------------------------------------------------- */

typedef enum row_kind {
    ROW_RANDOM,       /* N(0, 3)-ish logits */
    ROW_LARGE,        /* magnitude 1e4: exp(x) would overflow without the max shift */
    ROW_WIDE,         /* x - max down to -120: crosses the exp cut-off CK_EXP_LO */
    ROW_EQUAL,        /* every entry 1e4 */
    ROW_SIGNED_ZERO,  /* +0 and -0 only: the maximum is a zero of either sign */
    ROW_NEG_INF,      /* some -Inf entries among finite ones */
    ROW_POS_INF,      /* one or two +Inf entries */
    ROW_ALL_NEG_INF,  /* no meaningful distribution: NaN */
    ROW_NAN,          /* a NaN somewhere: NaN row */
    ROW_KIND_COUNT
} row_kind;

#define FINITE_KINDS 5 /* the kinds before ROW_NEG_INF have finite losses */

static void fill_row(row_kind kind, ptrdiff_t n, float *row) {
    for (ptrdiff_t j = 0; j < n; ++j) {
        switch (kind) {
        case ROW_RANDOM: row[j] = uniform(-3.0f, 3.0f) + uniform(-3.0f, 3.0f); break;
        case ROW_LARGE: row[j] = uniform(-1e4f, 1e4f); break;
        case ROW_WIDE: row[j] = uniform(-120.0f, 0.0f); break;
        case ROW_EQUAL: row[j] = 1e4f; break;
        case ROW_SIGNED_ZERO: row[j] = (next_random() & 1) ? 0.0f : -0.0f; break;
        case ROW_NEG_INF: row[j] = (j % 3 == 1) ? -INFINITY : uniform(-5.0f, 5.0f); break;
        case ROW_POS_INF: row[j] = uniform(-5.0f, 5.0f); break;
        case ROW_ALL_NEG_INF: row[j] = -INFINITY; break;
        case ROW_NAN: row[j] = uniform(-5.0f, 5.0f); break;
        case ROW_KIND_COUNT: break;
        }
    }
    if (kind == ROW_WIDE) row[random_index(n)] = 0.0f;
    if (kind == ROW_POS_INF) {
        row[random_index(n)] = INFINITY;
        row[random_index(n)] = INFINITY;
    }
    if (kind == ROW_NAN) row[random_index(n)] = NAN;
}

/* log-softmax loss of one row in double, for the finite kinds. */
static double double_row_loss(ptrdiff_t n, const float *x, const float *t) {
    double max = -INFINITY, sum = 0.0, loss = 0.0;
    for (ptrdiff_t j = 0; j < n; ++j) max = x[j] > max ? x[j] : max;
    for (ptrdiff_t j = 0; j < n; ++j) sum += exp((double)x[j] - max);
    for (ptrdiff_t j = 0; j < n; ++j) loss -= (double)t[j] * ((double)x[j] - max - log(sum));
    return loss;
}

typedef struct softmax_case {
    ptrdiff_t m, n;
    int kinds; /* rows cycle through the first `kinds` row kinds */
    int dense; /* leading dimensions equal to n instead of padded */
} softmax_case;

static void test_softmax_case(const softmax_case *s) {
    ptrdiff_t m = s->m, n = s->n;
    ptrdiff_t ldx = s->dense ? n : n + 3, ldy = s->dense ? n : n + 1, ldt = s->dense ? n : n + 2;
    size_t x_size = matrix_floats(m, n, ldx), y_size = matrix_floats(m, n, ldy), t_size = matrix_floats(m, n, ldt);
    char label[96];
    snprintf(label, sizeof label, "m=%td n=%td kinds=%d%s", m, n, s->kinds, s->dense ? " dense" : "");

    float *x = allocate_floats(x_size), *t = allocate_floats(t_size), *y0 = allocate_floats(y_size);
    int32_t *labels = allocate((size_t)m * sizeof(int32_t));
    fill_uniform(x, x_size, -1.0f, 1.0f); /* padding: values no kernel may use */
    for (ptrdiff_t i = 0; i < m; ++i) fill_row((row_kind)(i % s->kinds), n, x + i * ldx);
    for (size_t i = 0; i < t_size; ++i) t[i] = 0.0f;
    for (ptrdiff_t i = 0; i < m; ++i) {
        labels[i] = (int32_t)random_index(n);
        t[i * ldt + labels[i]] = 1.0f;
    }
    for (size_t i = 0; i < y_size; ++i) y0[i] = -777.0f;

    /* Reference: scalar, one thread. */
    float *y_ref = copy_floats(y0, y_size), *y_onehot_ref = copy_floats(y0, y_size);
    float *y_labels_ref = copy_floats(y0, y_size), *dx_ref = copy_floats(y0, y_size);
    float *dx_labels_ref = copy_floats(y0, y_size);
    float loss_onehot_ref = -1.0f, loss_labels_ref = -1.0f;
    use_reference();
    ck_status statuses[5] = {
        ck_softmax(m, n, x, ldx, y_ref, ldy),
        ck_softmax_cross_entropy_forward(m, n, x, ldx, t, ldt, y_onehot_ref, ldy, &loss_onehot_ref),
        ck_softmax_cross_entropy_forward_labels(m, n, x, ldx, labels, y_labels_ref, ldy, &loss_labels_ref),
        ck_softmax_cross_entropy_backward(m, n, y_onehot_ref, ldy, t, ldt, dx_ref, ldy),
        ck_softmax_cross_entropy_backward_labels(m, n, y_labels_ref, ldy, labels, dx_labels_ref, ldy),
    };
    int all_ok = 1;
    for (int i = 0; i < 5; ++i) all_ok &= statuses[i] == CK_OK;
    record(all_ok, "softmax %s: scalar status", label);

    /* Laws of the scalar reference itself. */
    record(first_difference(y_ref, y_onehot_ref, y_size) < 0 && first_difference(y_ref, y_labels_ref, y_size) < 0,
           "softmax %s: the fused forward passes give another softmax than ck_softmax", label);
    record(same_float(loss_onehot_ref, loss_labels_ref), "softmax %s: one-hot loss %.9g != labels loss %.9g",
           label, (double)loss_onehot_ref, (double)loss_labels_ref);
    record(first_difference(dx_ref, dx_labels_ref, y_size) < 0,
           "softmax %s: one-hot and label backward differ", label);
    if (s->kinds <= FINITE_KINDS && m > 0 && n > 0) {
        double expected = 0.0;
        int rows_ok = 1;
        for (ptrdiff_t i = 0; i < m; ++i) {
            expected += double_row_loss(n, x + i * ldx, t + i * ldt);
            double row_sum = 0.0;
            for (ptrdiff_t j = 0; j < n; ++j) row_sum += y_ref[i * ldy + j];
            rows_ok &= fabs(row_sum - 1.0) <= 1e-5 * (double)n;
        }
        expected /= (double)m;
        record(fabs((double)loss_onehot_ref - expected) <= 1e-5 * (fabs(expected) + 1.0),
               "softmax %s: loss %.9g, double precision gives %.9g", label, (double)loss_onehot_ref, expected);
        record(rows_ok, "softmax %s: a finite row does not sum to 1", label);
    }

    /* Candidates, and the in-place form (y aliasing x with ldy == ldx). */
    float *y = allocate_floats(y_size), *dx = allocate_floats(y_size), *inplace = allocate_floats(x_size);
    for (int c = 0; c < candidate_count; ++c) {
        const char *isa = ck_isa_name(candidates[c]);
        use_candidate(candidates[c]);
        ptrdiff_t at;
        float loss = -1.0f;

        if (y_size) memcpy(y, y0, y_size * sizeof(float));
        ck_status status = ck_softmax(m, n, x, ldx, y, ldy);
        at = first_difference(y_ref, y, y_size);
        record(status == CK_OK && at < 0, "softmax %s [%s]: first difference at %td (%.9g vs scalar %.9g)",
               label, isa, at, at < 0 ? 0.0 : (double)y[at], at < 0 ? 0.0 : (double)y_ref[at]);

        if (x_size) memcpy(inplace, x, x_size * sizeof(float));
        status = ck_softmax(m, n, inplace, ldx, inplace, ldx);
        int inplace_ok = status == CK_OK;
        for (ptrdiff_t i = 0; i < m; ++i) {
            inplace_ok &= first_difference(y_ref + i * ldy, inplace + i * ldx, (size_t)n) < 0;
        }
        record(inplace_ok, "softmax in place %s [%s]", label, isa);

        if (y_size) memcpy(y, y0, y_size * sizeof(float));
        status = ck_softmax_cross_entropy_forward(m, n, x, ldx, t, ldt, y, ldy, &loss);
        at = first_difference(y_onehot_ref, y, y_size);
        record(status == CK_OK && at < 0 && same_float(loss, loss_onehot_ref),
               "cross-entropy one-hot %s [%s]: loss %.9g vs scalar %.9g, first difference in y at %td",
               label, isa, (double)loss, (double)loss_onehot_ref, at);

        if (y_size) memcpy(y, y0, y_size * sizeof(float));
        status = ck_softmax_cross_entropy_forward_labels(m, n, x, ldx, labels, y, ldy, &loss);
        at = first_difference(y_labels_ref, y, y_size);
        record(status == CK_OK && at < 0 && same_float(loss, loss_labels_ref),
               "cross-entropy labels %s [%s]: loss %.9g vs scalar %.9g, first difference in y at %td",
               label, isa, (double)loss, (double)loss_labels_ref, at);

        /* Backward in place (dx aliasing y), as the fused layer uses it. */
        status = ck_softmax_cross_entropy_backward_labels(m, n, y, ldy, labels, y, ldy);
        at = first_difference(dx_labels_ref, y, y_size);
        record(status == CK_OK && at < 0, "cross-entropy backward labels %s [%s]: first difference at %td",
               label, isa, at);
        if (y_size) memcpy(dx, y0, y_size * sizeof(float));
        status = ck_softmax_cross_entropy_backward(m, n, y_onehot_ref, ldy, t, ldt, dx, ldy);
        at = first_difference(dx_ref, dx, y_size);
        record(status == CK_OK && at < 0, "cross-entropy backward one-hot %s [%s]: first difference at %td",
               label, isa, at);
    }
    free(x);
    free(t);
    free(y0);
    free(labels);
    free(y_ref);
    free(y_onehot_ref);
    free(y_labels_ref);
    free(dx_ref);
    free(dx_labels_ref);
    free(y);
    free(dx);
    free(inplace);
}

static void test_softmax(void) {
    /* Row counts around the 16-row blocks of softmax_rows16, widths 1..17 (every width the
     * block kernel takes, and the first it does not) and wider rows. Rows cycle through the row
     * kinds, so blocks mix NaN, +Inf, -Inf and all -Inf rows among finite ones. */
    static const ptrdiff_t rows[] = {1, 3, 15, 16, 17, 33, 70, 100};
    static const ptrdiff_t classes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 31, 33, 100, 1001};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; ++i) {
        for (size_t j = 0; j < sizeof classes / sizeof classes[0]; ++j) {
            for (int dense = 0; dense <= (classes[j] <= 17); ++dense) {
                softmax_case finite = {rows[i], classes[j], FINITE_KINDS, dense};
                softmax_case every = {rows[i], classes[j], ROW_KIND_COUNT, dense};
                test_softmax_case(&finite);
                test_softmax_case(&every);
            }
        }
    }
    /* Enough rows and elements for the parallel paths and several loss blocks; 20000 rows make
     * loss blocks of 79 rows, rounded up to whole 16-row blocks. */
    static const softmax_case large[] = {
        {300, 501, ROW_KIND_COUNT, 0}, {1100, 130, FINITE_KINDS, 0}, {0, 7, FINITE_KINDS, 0},
        {8191, 10, ROW_KIND_COUNT, 1}, {8191, 10, ROW_KIND_COUNT, 0}, {20000, 10, FINITE_KINDS, 1},
        {5000, 16, ROW_KIND_COUNT, 0},
    };
    for (size_t i = 0; i < sizeof large / sizeof large[0]; ++i) test_softmax_case(&large[i]);
}

/* The row kinds of one 16-row block for test_softmax_rows16: finite rows only, every kind in
 * turn, one non-finite row among finite ones, or no finite row at all. */
static row_kind block_row_kind(int pattern, int row) {
    switch (pattern) {
    case 0: return (row_kind)(row % FINITE_KINDS);
    case 1: return (row_kind)((row + 3) % ROW_KIND_COUNT);
    case 2: return row == 11 ? ROW_POS_INF : ROW_RANDOM;
    case 3: return row == 0 ? ROW_ALL_NEG_INF : (row == 15 ? ROW_NAN : ROW_LARGE);
    default: return (row_kind)(FINITE_KINDS + row % (ROW_KIND_COUNT - FINITE_KINDS));
    }
}
#define BLOCK_PATTERNS 5

/* softmax_rows16 through its table, against the scalar row_max + exp_shifted_sum + scale row by
 * row: a row with a finite maximum gets those y, max and sum bits; any other row is reported in
 * the returned mask and left as it was, in place too. */
static void test_softmax_rows16(void) {
    const ck_config *scalar = ck_config_scalar();
    for (int c = 0; c < candidate_count; ++c) {
        const ck_config *cfg = candidates[c] == CK_ISA_SCALAR ? ck_config_scalar()
                             : candidates[c] == CK_ISA_AVX2   ? ck_config_avx2()
                             : candidates[c] == CK_ISA_AVX512 ? ck_config_avx512()
                                                              : ck_config_neon();
        if (cfg == NULL || cfg->softmax_rows16 == NULL) continue;
        const char *isa = ck_isa_name(candidates[c]);
        for (ptrdiff_t n = 1; n <= 16; ++n) {
            static const ptrdiff_t paddings[] = {0, 1, 3, 9};
            for (size_t p = 0; p < sizeof paddings / sizeof paddings[0]; ++p) {
                for (int pattern = 0; pattern < BLOCK_PATTERNS; ++pattern) {
                    ptrdiff_t ld = n + paddings[p];
                    size_t size = matrix_floats(16, n, ld);
                    float *x = allocate_floats(size), *y = allocate_floats(size), *xy = allocate_floats(size);
                    float *y_ref = allocate_floats(size), *xy_ref = allocate_floats(size);
                    fill_uniform(x, size, -1.0f, 1.0f); /* padding: in place it must survive */
                    for (int i = 0; i < 16; ++i) fill_row(block_row_kind(pattern, i), n, x + i * ld);
                    for (size_t k = 0; k < size; ++k) y[k] = y_ref[k] = -777.0f;
                    memcpy(xy, x, size * sizeof(float));
                    memcpy(xy_ref, x, size * sizeof(float));
                    /* Expected: the scalar softmax in the rows with a finite maximum, the rest as before. */
                    float max_ref[16], sum_ref[16], max[16], sum[16], max_in_place[16], sum_in_place[16];
                    unsigned expected_mask = 0;
                    for (int i = 0; i < 16; ++i) {
                        const float *xi = x + i * ld;
                        max_ref[i] = scalar->row_max(n, xi);
                        if (isnan(max_ref[i]) || isinf(max_ref[i])) {
                            expected_mask |= 1u << i;
                            continue;
                        }
                        float *yi = y_ref + i * ld;
                        sum_ref[i] = scalar->exp_shifted_sum(n, xi, max_ref[i], yi);
                        float inverse = 1.0f / sum_ref[i];
                        for (ptrdiff_t j = 0; j < n; ++j) yi[j] *= inverse;
                        memcpy(xy_ref + i * ld, yi, (size_t)n * sizeof(float));
                    }
                    unsigned mask = cfg->softmax_rows16(n, x, ld, y, ld, max, sum);
                    unsigned mask_in_place = cfg->softmax_rows16(n, xy, ld, xy, ld, max_in_place, sum_in_place);
                    int values_ok = 1;
                    for (int i = 0; i < 16; ++i) {
                        if (expected_mask >> i & 1) continue;
                        values_ok &= same_float(max[i], max_ref[i]) && same_float(sum[i], sum_ref[i]);
                        values_ok &= same_float(max_in_place[i], max_ref[i]) && same_float(sum_in_place[i], sum_ref[i]);
                    }
                    ptrdiff_t at = first_difference(y_ref, y, size), at_in_place = first_difference(xy_ref, xy, size);
                    record(mask == expected_mask && mask_in_place == expected_mask && values_ok && at < 0 && at_in_place < 0,
                           "softmax_rows16 n=%td ld=%td pattern %d [%s]: mask %#x / in place %#x, expected %#x; "
                           "max and sum %s; first difference in y at %td, in place at %td",
                           n, ld, pattern, isa, mask, mask_in_place, expected_mask, values_ok ? "agree" : "differ",
                           at, at_in_place);
                    free(x);
                    free(y);
                    free(xy);
                    free(y_ref);
                    free(xy_ref);
                }
            }
        }
    }
}

/* The two SIMD building blocks of softmax, called directly through their tables. */
static void test_softmax_microkernels(void) {
    const ck_config *scalar = ck_config_scalar();
    float x[200], y_ref[200], y[200];
    for (int c = 0; c < candidate_count; ++c) {
        const ck_config *cfg = candidates[c] == CK_ISA_SCALAR ? NULL
                             : candidates[c] == CK_ISA_AVX2   ? ck_config_avx2()
                             : candidates[c] == CK_ISA_AVX512 ? ck_config_avx512()
                                                              : ck_config_neon();
        if (cfg == NULL) continue;
        const char *isa = ck_isa_name(candidates[c]);
        for (ptrdiff_t n = 1; n <= 200; n += (n < 40 ? 1 : 53)) {
            for (int kind = 0; kind < ROW_KIND_COUNT; ++kind) {
                fill_row((row_kind)kind, n, x);
                float max_ref = scalar->row_max(n, x), max = cfg->row_max(n, x);
                /* The contract is the maximum (NaN if any element is NaN); the sign of a
                 * zero maximum is not observable through softmax (exp(x - (+0)) and
                 * exp(x - (-0)) agree), so values are compared, not bits. */
                record((isnan(max_ref) && isnan(max)) || max_ref == max,
                       "row_max n=%td kind=%d [%s]: %.9g vs scalar %.9g", n, kind, isa, (double)max, (double)max_ref);
                if (isnan(max_ref) || isinf(max_ref)) continue;
                float sum_ref = scalar->exp_shifted_sum(n, x, max_ref, y_ref);
                float sum = cfg->exp_shifted_sum(n, x, max_ref, y);
                ptrdiff_t at = first_difference(y_ref, y, (size_t)n);
                record(same_float(sum, sum_ref) && at < 0,
                       "exp_shifted_sum n=%td kind=%d [%s]: sum %.9g vs scalar %.9g, first difference at %td",
                       n, kind, isa, (double)sum, (double)sum_ref, at);
            }
        }
        /* Every exp argument from 0 down past the cut-off, spaced by a few ulps. */
        int exp_ok = 1;
        float sweep[200];
        for (float v = -0.0f; v > -90.0f && exp_ok;) {
            for (int i = 0; i < 200; ++i) {
                sweep[i] = v;
                v = nextafterf(v, -INFINITY) - 0.0007f;
            }
            scalar->exp_shifted_sum(200, sweep, 0.0f, y_ref);
            cfg->exp_shifted_sum(200, sweep, 0.0f, y);
            exp_ok = first_difference(y_ref, y, 200) < 0;
        }
        record(exp_ok, "exp sweep over [-90, 0] [%s]", isa);
    }
}

/* ---------------------------------------------------------------------------------------
 * Activations, bias, column sums, optimizers
 * ------------------------------------------------------------------------------------- */

/* 16385 and 39201: just past the size that gets a second thread, and the book's W1 plus one,
 * which the parallel split cuts into pieces of whole cache lines with a short last one. */
static const ptrdiff_t vector_lengths[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1001,
                                           16385, 39201, 40000, 140001};

static void test_activations_length(ptrdiff_t n) {
    size_t size = (size_t)n;
    float *x = allocate_floats(size), *dy = allocate_floats(size);
    fill_with_specials(x, size);
    fill_with_specials(dy, size);
    uint8_t *mask_in = allocate(size); /* any non-zero byte lets the gradient pass */
    for (size_t i = 0; i < size; ++i) mask_in[i] = (i % 4 == 0) ? 0 : (uint8_t)(next_random() | 1);

    use_reference();
    float *relu_ref = allocate_floats(size), *sig_ref = allocate_floats(size);
    float *relu_back_ref = allocate_floats(size), *sig_back_ref = allocate_floats(size);
    uint8_t *mask_ref = allocate(size);
    ck_status status = ck_relu_forward(n, x, relu_ref, mask_ref);
    status |= ck_relu_backward(n, dy, mask_in, relu_back_ref);
    status |= ck_sigmoid_forward(n, x, sig_ref);
    status |= ck_sigmoid_backward(n, dy, sig_ref, sig_back_ref);
    record(status == CK_OK, "activations n=%td: scalar status", n);

    /* The documented values of the scalar definition. */
    int relu_ok = 1, sigmoid_ok = 1;
    for (size_t i = 0; i < size; ++i) {
        float v = x[i];
        if (isnan(v)) {
            relu_ok &= isnan(relu_ref[i]) && mask_ref[i] == 1;
            sigmoid_ok &= isnan(sig_ref[i]) != 0;
        } else {
            relu_ok &= v > 0.0f ? bits_of(relu_ref[i]) == bits_of(v) && mask_ref[i] == 1
                                : bits_of(relu_ref[i]) == 0 && mask_ref[i] == 0;
            sigmoid_ok &= sig_ref[i] >= 0.0f && sig_ref[i] <= 1.0f;
            if (v >= 100.0f) sigmoid_ok &= sig_ref[i] == 1.0f;
            if (v <= -100.0f) sigmoid_ok &= sig_ref[i] < 1e-40f;
            if (v == 0.0f) sigmoid_ok &= sig_ref[i] == 0.5f;
            if (fabsf(v) < 80.0f) sigmoid_ok &= fabs((double)sig_ref[i] - 1.0 / (1.0 + exp(-(double)v))) <= 1e-6;
        }
    }
    record(relu_ok, "relu n=%td: scalar values (x > 0 kept, else +0; NaN kept and passes)", n);
    record(sigmoid_ok, "sigmoid n=%td: scalar values", n);

    float *y = allocate_floats(size), *dx = allocate_floats(size), *inplace = allocate_floats(size);
    uint8_t *mask = allocate(size);
    for (int c = 0; c < candidate_count; ++c) {
        const char *isa = ck_isa_name(candidates[c]);
        use_candidate(candidates[c]);
        ptrdiff_t at, mask_at;

        status = ck_relu_forward(n, x, y, mask);
        at = first_difference(relu_ref, y, size);
        mask_at = first_byte_difference(mask_ref, mask, size);
        record(status == CK_OK && at < 0 && mask_at < 0, "relu forward n=%td [%s]: first difference y %td, mask %td",
               n, isa, at, mask_at);

        if (size) memcpy(inplace, x, size * sizeof(float));
        status = ck_relu_forward(n, inplace, inplace, mask);
        record(status == CK_OK && first_difference(relu_ref, inplace, size) < 0, "relu forward in place n=%td [%s]", n, isa);

        status = ck_relu_backward(n, dy, mask_in, dx);
        at = first_difference(relu_back_ref, dx, size);
        record(status == CK_OK && at < 0, "relu backward n=%td [%s]: first difference %td", n, isa, at);

        status = ck_sigmoid_forward(n, x, y);
        at = first_difference(sig_ref, y, size);
        record(status == CK_OK && at < 0, "sigmoid forward n=%td [%s]: first difference at %td (x = %.9g: %.9g vs scalar %.9g)",
               n, isa, at, at < 0 ? 0.0 : (double)x[at], at < 0 ? 0.0 : (double)y[at], at < 0 ? 0.0 : (double)sig_ref[at]);

        if (size) memcpy(inplace, x, size * sizeof(float));
        status = ck_sigmoid_forward(n, inplace, inplace);
        record(status == CK_OK && first_difference(sig_ref, inplace, size) < 0, "sigmoid forward in place n=%td [%s]", n, isa);

        status = ck_sigmoid_backward(n, dy, sig_ref, dx);
        at = first_difference(sig_back_ref, dx, size);
        record(status == CK_OK && at < 0, "sigmoid backward n=%td [%s]: first difference %td", n, isa, at);
    }
    free(x);
    free(dy);
    free(mask_in);
    free(relu_ref);
    free(sig_ref);
    free(relu_back_ref);
    free(sig_back_ref);
    free(mask_ref);
    free(y);
    free(dx);
    free(inplace);
    free(mask);
}

static void test_bias_and_sums(ptrdiff_t m, ptrdiff_t n) {
    ptrdiff_t ldy = n + 3;
    size_t y_size = matrix_floats(m, n, ldy), cells = (size_t)(m * n);
    float *y0 = allocate_floats(y_size), *bias = allocate_floats((size_t)n);
    fill_with_specials(y0, y_size);
    fill_uniform(bias, (size_t)n, -2.0f, 2.0f);
    if (n > 2) bias[n / 2] = -0.0f;

    use_reference();
    float *relu_ref = copy_floats(y0, y_size), *bias_ref = copy_floats(y0, y_size);
    float *sums_ref = allocate_floats((size_t)n);
    uint8_t *mask_ref = allocate(cells), *row_mask = allocate((size_t)n);
    ck_status status = ck_add_row_bias_relu(m, n, bias, relu_ref, ldy, mask_ref);
    status |= ck_add_row_bias(m, n, bias, bias_ref, ldy);
    status |= ck_column_sums(m, n, y0, ldy, sums_ref);
    record(status == CK_OK, "bias m=%td n=%td: scalar status", m, n);
    /* Documented law: the fused epilogue equals the bias followed by ReLU, bit for bit. */
    int fused_ok = 1;
    for (ptrdiff_t i = 0; i < m; ++i) {
        float *row = bias_ref + i * ldy;
        float *composed = copy_floats(row, (size_t)n);
        ck_relu_forward(n, composed, composed, row_mask);
        fused_ok &= first_difference(composed, relu_ref + i * ldy, (size_t)n) < 0
                 && first_byte_difference(row_mask, mask_ref + i * n, (size_t)n) < 0;
        free(composed);
    }
    record(fused_ok, "bias+relu m=%td n=%td: differs from bias then relu", m, n);

    float *y = allocate_floats(y_size), *sums = allocate_floats((size_t)n);
    uint8_t *mask = allocate(cells);
    for (int c = 0; c < candidate_count; ++c) {
        const char *isa = ck_isa_name(candidates[c]);
        use_candidate(candidates[c]);
        if (y_size) memcpy(y, y0, y_size * sizeof(float));
        status = ck_add_row_bias_relu(m, n, bias, y, ldy, mask);
        ptrdiff_t at = first_difference(relu_ref, y, y_size), mask_at = first_byte_difference(mask_ref, mask, cells);
        record(status == CK_OK && at < 0 && mask_at < 0, "bias+relu m=%td n=%td [%s]: first difference y %td, mask %td",
               m, n, isa, at, mask_at);
        if (y_size) memcpy(y, y0, y_size * sizeof(float));
        status = ck_add_row_bias(m, n, bias, y, ldy);
        record(status == CK_OK && first_difference(bias_ref, y, y_size) < 0, "bias m=%td n=%td [%s]", m, n, isa);
        status = ck_column_sums(m, n, y0, ldy, sums);
        record(status == CK_OK && first_difference(sums_ref, sums, (size_t)n) < 0, "column sums m=%td n=%td [%s]", m, n, isa);
    }
    free(y0);
    free(bias);
    free(relu_ref);
    free(bias_ref);
    free(sums_ref);
    free(mask_ref);
    free(row_mask);
    free(y);
    free(sums);
    free(mask);
}

static void test_optimizers(ptrdiff_t n) {
    size_t size = (size_t)n;
    float *g = allocate_floats(size), *p0 = allocate_floats(size), *v0 = allocate_floats(size);
    float *m0 = allocate_floats(size), *s0 = allocate_floats(size);
    fill_uniform(g, size, -1.0f, 1.0f);
    fill_uniform(p0, size, -1.0f, 1.0f);
    fill_uniform(v0, size, -0.1f, 0.1f);
    fill_uniform(m0, size, -0.1f, 0.1f);
    fill_uniform(s0, size, 0.0f, 0.01f);
    if (n > 3) g[3] = NAN;

    float *p_ref[3], *v_ref = copy_floats(v0, size), *m_ref = copy_floats(m0, size), *s_ref = copy_floats(s0, size);
    for (int i = 0; i < 3; ++i) p_ref[i] = copy_floats(p0, size);
    use_reference();
    ck_status status = ck_sgd_update(n, 0.01f, g, p_ref[0]);
    status |= ck_momentum_update(n, 0.01f, 0.9f, g, v_ref, p_ref[1]);
    status |= ck_adam_update(n, 0.001f, 0.9f, 0.999f, 1e-8f, g, m_ref, s_ref, p_ref[2]);
    record(status == CK_OK, "optimizers n=%td: scalar status", n);

    for (int c = 0; c < candidate_count; ++c) {
        const char *isa = ck_isa_name(candidates[c]);
        use_candidate(candidates[c]);
        float *p = copy_floats(p0, size), *v = copy_floats(v0, size), *m = copy_floats(m0, size), *s = copy_floats(s0, size);
        status = ck_sgd_update(n, 0.01f, g, p);
        record(status == CK_OK && first_difference(p_ref[0], p, size) < 0, "sgd n=%td [%s]", n, isa);
        memcpy(p, p0, size * sizeof(float));
        status = ck_momentum_update(n, 0.01f, 0.9f, g, v, p);
        record(status == CK_OK && first_difference(p_ref[1], p, size) < 0 && first_difference(v_ref, v, size) < 0,
               "momentum n=%td [%s]", n, isa);
        memcpy(p, p0, size * sizeof(float));
        status = ck_adam_update(n, 0.001f, 0.9f, 0.999f, 1e-8f, g, m, s, p);
        record(status == CK_OK && first_difference(p_ref[2], p, size) < 0 && first_difference(m_ref, m, size) < 0
                   && first_difference(s_ref, s, size) < 0,
               "adam n=%td [%s]", n, isa);
        free(p);
        free(v);
        free(m);
        free(s);
    }
    free(g);
    free(p0);
    free(v0);
    free(m0);
    free(s0);
    free(v_ref);
    free(m_ref);
    free(s_ref);
    for (int i = 0; i < 3; ++i) free(p_ref[i]);
}

/* ---------------------------------------------------------------------------------------
 * Chapter 6: tanh, batch normalization, dropout, weight decay, Nesterov / AdaGrad / RMSprop
 * ------------------------------------------------------------------------------------- */

static void test_tanh_length(ptrdiff_t n) {
    size_t size = (size_t)n;
    float *x = allocate_floats(size), *dy = allocate_floats(size);
    fill_with_specials(x, size);
    fill_uniform(dy, size, -2.0f, 2.0f);
    use_reference();
    float *y_ref = allocate_floats(size), *dx_ref = allocate_floats(size);
    ck_status status = ck_tanh_forward(n, x, y_ref);
    status |= ck_tanh_backward(n, dy, y_ref, dx_ref);
    record(status == CK_OK, "tanh n=%td: scalar status", n);
    int values_ok = 1, backward_ok = 1;
    for (size_t i = 0; i < size; ++i) {
        float v = x[i];
        if (isnan(v)) {
            values_ok &= isnan(y_ref[i]) != 0;
            continue;
        }
        double exact = tanh((double)v);
        values_ok &= y_ref[i] >= -1.0f && y_ref[i] <= 1.0f;
        values_ok &= fabs((double)y_ref[i] - exact) <= 3e-7 * fabs(exact) + 1e-45;
        if (v == 0.0f) values_ok &= bits_of(y_ref[i]) == bits_of(v); /* the sign of zero survives */
        if (fabsf(v) >= 44.0f) values_ok &= y_ref[i] == (v > 0 ? 1.0f : -1.0f);
        float expected = dy[i] * (1.0f - y_ref[i] * y_ref[i]);
        backward_ok &= same_float(dx_ref[i], expected);
    }
    record(values_ok, "tanh n=%td: scalar values within 3e-7 relative of double tanh, exact saturation", n);
    record(backward_ok, "tanh backward n=%td: dy * (1 - y * y)", n);
    float *y = allocate_floats(size), *dx = allocate_floats(size);
    for (int c = 0; c < candidate_count; ++c) {
        const char *isa = ck_isa_name(candidates[c]);
        use_candidate(candidates[c]);
        status = ck_tanh_forward(n, x, y);
        record(status == CK_OK && first_difference(y_ref, y, size) < 0, "tanh forward n=%td [%s]", n, isa);
        if (size) memcpy(y, x, size * sizeof(float));
        status = ck_tanh_forward(n, y, y);
        record(status == CK_OK && first_difference(y_ref, y, size) < 0, "tanh forward in place n=%td [%s]", n, isa);
        status = ck_tanh_backward(n, dy, y_ref, dx);
        record(status == CK_OK && first_difference(dx_ref, dx, size) < 0, "tanh backward n=%td [%s]", n, isa);
    }
    free(x);
    free(dy);
    free(y_ref);
    free(dx_ref);
    free(y);
    free(dx);
}

static void test_tanh(void) {
    for (size_t i = 0; i < sizeof vector_lengths / sizeof vector_lengths[0]; ++i) test_tanh_length(vector_lengths[i]);
}

/* Batch normalization against a double-precision transcription of the book's formulas, and
 * every candidate bitwise against scalar on one thread. */
static void test_batchnorm_shape(ptrdiff_t m, ptrdiff_t n) {
    const ptrdiff_t ldx = n + 2, ldy = n + 1;
    const float eps = 1e-6f, momentum = 0.9f;
    size_t x_size = matrix_floats(m, n, ldx), y_size = matrix_floats(m, n, ldy), cells = (size_t)(m * n);
    size_t cols = (size_t)n;
    float *x = allocate_floats(x_size), *dy = allocate_floats(y_size);
    float *gamma = allocate_floats(cols), *beta = allocate_floats(cols);
    float *rm0 = allocate_floats(cols), *rv0 = allocate_floats(cols);
    fill_uniform(x, x_size, -3.0f, 5.0f);
    fill_uniform(dy, y_size, -1.0f, 1.0f);
    fill_uniform(gamma, cols, 0.5f, 2.0f);
    fill_uniform(beta, cols, -1.0f, 1.0f);
    fill_uniform(rm0, cols, -1.0f, 1.0f);
    fill_uniform(rv0, cols, 0.5f, 2.0f);

    use_reference();
    float *rm_ref = copy_floats(rm0, cols), *rv_ref = copy_floats(rv0, cols);
    float *xhat_ref = allocate_floats(cells), *inv_ref = allocate_floats(cols), *y_ref = allocate_floats(y_size);
    float *inf_ref = allocate_floats(y_size), *dx_ref = allocate_floats(y_size);
    /* The padding between rows must compare equal: every y-shaped buffer starts as zeros. */
    if (y_size) {
        memset(y_ref, 0, y_size * sizeof(float));
        memset(inf_ref, 0, y_size * sizeof(float));
        memset(dx_ref, 0, y_size * sizeof(float));
    }
    if (cols) memset(inv_ref, 0, cols * sizeof(float));
    float *dg_ref = allocate_floats(cols), *db_ref = allocate_floats(cols);
    ck_status status = ck_batchnorm_forward_training(m, n, x, ldx, gamma, beta, eps, momentum, rm_ref, rv_ref,
                                                     xhat_ref, inv_ref, y_ref, ldy);
    status |= ck_batchnorm_forward_inference(m, n, x, ldx, gamma, beta, rm0, rv0, eps, inf_ref, ldy);
    status |= ck_batchnorm_backward(m, n, dy, ldy, xhat_ref, inv_ref, gamma, dg_ref, db_ref, dx_ref, ldy);
    record(status == CK_OK, "batchnorm m=%td n=%td: scalar status", m, n);

    /* The book's forward and backward in double, column by column. */
    int forward_ok = 1, backward_ok = 1, beta_ok = 1;
    for (ptrdiff_t j = 0; j < n && m > 0; ++j) {
        double mean = 0, var = 0;
        for (ptrdiff_t i = 0; i < m; ++i) mean += x[i * ldx + j];
        mean /= (double)m;
        for (ptrdiff_t i = 0; i < m; ++i) var += (x[i * ldx + j] - mean) * (x[i * ldx + j] - mean);
        var /= (double)m;
        double std = sqrt(var + eps), sum_dy = 0, sum_dy_xn = 0, dstd = 0;
        forward_ok &= fabs(rm_ref[j] - (0.9 * rm0[j] + 0.1 * mean)) <= 1e-6 * (1 + fabs(mean));
        forward_ok &= fabs(rv_ref[j] - (0.9 * rv0[j] + 0.1 * var)) <= 1e-6 * (1 + var);
        for (ptrdiff_t i = 0; i < m; ++i) {
            double xn = (x[i * ldx + j] - mean) / std;
            forward_ok &= fabs(y_ref[i * ldy + j] - (gamma[j] * xn + beta[j])) <= 1e-6 * (1 + fabs(gamma[j] * xn));
            double xi = (x[i * ldx + j] - rm0[j]) / sqrt(rv0[j] + eps);
            forward_ok &= fabs(inf_ref[i * ldy + j] - (gamma[j] * xi + beta[j])) <= 1e-6 * (1 + fabs(gamma[j] * xi));
            if (m == 1) beta_ok &= bits_of(y_ref[i * ldy + j]) == bits_of(beta[j]);
            sum_dy += dy[i * ldy + j];
            sum_dy_xn += dy[i * ldy + j] * xn;
            dstd -= gamma[j] * dy[i * ldy + j] * (x[i * ldx + j] - mean) / (std * std);
        }
        backward_ok &= fabs(db_ref[j] - sum_dy) <= 1e-6 * (1 + fabs(sum_dy));
        backward_ok &= fabs(dg_ref[j] - sum_dy_xn) <= 1e-5 * (1 + fabs(sum_dy_xn));
        /* The book's unsimplified chain: dxc, dvar, dmu. */
        double dvar = 0.5 * dstd / std, dmu = 0;
        for (ptrdiff_t i = 0; i < m; ++i) {
            double dxc = gamma[j] * dy[i * ldy + j] / std + (2.0 / (double)m) * (x[i * ldx + j] - mean) * dvar;
            dmu += dxc;
        }
        for (ptrdiff_t i = 0; i < m; ++i) {
            double dxc = gamma[j] * dy[i * ldy + j] / std + (2.0 / (double)m) * (x[i * ldx + j] - mean) * dvar;
            double dx = dxc - dmu / (double)m;
            backward_ok &= fabs(dx_ref[i * ldy + j] - dx) <= 1e-5 * (1 + fabs(dx));
        }
    }
    record(forward_ok, "batchnorm m=%td n=%td: scalar forward against the book's formulas in double", m, n);
    record(backward_ok, "batchnorm m=%td n=%td: scalar backward against the book's chain in double", m, n);
    record(beta_ok, "batchnorm m=1 n=%td: the training output is exactly beta", n);

    float *rm = allocate_floats(cols), *rv = allocate_floats(cols), *xhat = allocate_floats(cells);
    float *inv = allocate_floats(cols), *y = allocate_floats(y_size), *dg = allocate_floats(cols), *db = allocate_floats(cols);
    if (cols) memset(inv, 0, cols * sizeof(float)); /* m == 0 does not write it */
    for (int c = 0; c < candidate_count; ++c) {
        const char *isa = ck_isa_name(candidates[c]);
        use_candidate(candidates[c]);
        if (y_size) memset(y, 0, y_size * sizeof(float));
        if (cols) {
            memcpy(rm, rm0, cols * sizeof(float));
            memcpy(rv, rv0, cols * sizeof(float));
        }
        status = ck_batchnorm_forward_training(m, n, x, ldx, gamma, beta, eps, momentum, rm, rv, xhat, inv, y, ldy);
        record(status == CK_OK && first_difference(y_ref, y, y_size) < 0 && first_difference(xhat_ref, xhat, cells) < 0
                   && first_difference(inv_ref, inv, cols) < 0 && first_difference(rm_ref, rm, cols) < 0
                   && first_difference(rv_ref, rv, cols) < 0,
               "batchnorm training m=%td n=%td [%s]", m, n, isa);
        status = ck_batchnorm_forward_inference(m, n, x, ldx, gamma, beta, rm0, rv0, eps, y, ldy);
        record(status == CK_OK && first_difference(inf_ref, y, y_size) < 0, "batchnorm inference m=%td n=%td [%s]", m, n, isa);
        if (y_size) memset(y, 0, y_size * sizeof(float));
        status = ck_batchnorm_backward(m, n, dy, ldy, xhat_ref, inv_ref, gamma, dg, db, y, ldy);
        record(status == CK_OK && first_difference(dx_ref, y, y_size) < 0 && first_difference(dg_ref, dg, cols) < 0
                   && first_difference(db_ref, db, cols) < 0,
               "batchnorm backward m=%td n=%td [%s]", m, n, isa);
    }
    free(x); free(dy); free(gamma); free(beta); free(rm0); free(rv0);
    free(rm_ref); free(rv_ref); free(xhat_ref); free(inv_ref); free(y_ref); free(inf_ref); free(dx_ref);
    free(dg_ref); free(db_ref); free(rm); free(rv); free(xhat); free(inv); free(y); free(dg); free(db);
}

static void test_batchnorm(void) {
    static const ptrdiff_t shapes[][2] = {{0, 5}, {1, 7}, {2, 3}, {5, 0}, {16, 65}, {100, 50}, {300, 129}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; ++i) test_batchnorm_shape(shapes[i][0], shapes[i][1]);
    float x[2] = {1, 2}, y[2] = {7, 7}, g[1] = {1}, b[1] = {0}, r[1] = {0}, v[1] = {1}, h[2], s[1];
    use_reference();
    record(ck_batchnorm_forward_training(2, 1, x, 1, g, b, -1.0f, 0.9f, r, v, h, s, y, 1) == CK_EINVAL
               && ck_batchnorm_forward_training(2, 1, x, 1, g, b, NAN, 0.9f, r, v, h, s, y, 1) == CK_EINVAL
               && y[0] == 7.0f && r[0] == 0.0f,
           "batchnorm: a negative or NaN eps is rejected before anything is written");
}

/* ---------------------------------------------------------------------------------------
 * Convolution and max pooling
 * ------------------------------------------------------------------------------------- */

/* One convolution geometry: scalar on one thread against the definition in double, then every
 * candidate (its default threads) bitwise against scalar, with and without dx. */
static void test_conv_shape(ptrdiff_t n, ck_conv_shape s) {
    ptrdiff_t oh = 0, ow = 0;
    record(ck_conv_output_size(&s, &oh, &ow) == CK_OK, "conv output size C%td %tdx%td k%tdx%td s%td p%td", s.channels,
           s.height, s.width, s.kernel_height, s.kernel_width, s.stride, s.pad);
    const size_t xs = (size_t)(n * s.channels * s.height * s.width), taps = (size_t)(s.channels * s.kernel_height * s.kernel_width);
    const size_t ws = (size_t)s.filters * taps, ys = (size_t)(n * s.filters * oh * ow), fs = (size_t)s.filters;
    float *x = allocate_floats(xs), *w = allocate_floats(ws), *b = allocate_floats(fs), *dy = allocate_floats(ys);
    fill_uniform(x, xs, -1.0f, 1.0f);
    fill_uniform(w, ws, -1.0f, 1.0f);
    fill_uniform(b, fs, -1.0f, 1.0f);
    fill_uniform(dy, ys, -1.0f, 1.0f);
    use_reference();
    float *y_ref = allocate_floats(ys), *dw_ref = allocate_floats(ws), *db_ref = allocate_floats(fs), *dx_ref = allocate_floats(xs);
    ck_status status = ck_conv_forward(n, &s, x, w, b, y_ref);
    status |= ck_conv_backward(n, &s, x, w, dy, dw_ref, db_ref, dx_ref);
    record(status == CK_OK, "conv n=%td: scalar status", n);

    /* The definition, in double: y, then dw, db and dx as sums over the same products. */
    double *dw_d = calloc(ws, sizeof(double)), *dx_d = calloc(xs ? xs : 1, sizeof(double));
    int forward_ok = 1, backward_ok = 1;
    for (ptrdiff_t i = 0; i < n; ++i) {
        for (ptrdiff_t f = 0; f < s.filters; ++f) {
            for (ptrdiff_t r = 0; r < oh; ++r) {
                for (ptrdiff_t q = 0; q < ow; ++q) {
                    double sum = b[f], scale = fabs(b[f]);
                    const double g = dy[((i * s.filters + f) * oh + r) * ow + q];
                    for (ptrdiff_t c = 0; c < s.channels; ++c) {
                        for (ptrdiff_t u = 0; u < s.kernel_height; ++u) {
                            for (ptrdiff_t v = 0; v < s.kernel_width; ++v) {
                                const ptrdiff_t ih = r * s.stride - s.pad + u, iw = q * s.stride - s.pad + v;
                                if (ih < 0 || ih >= s.height || iw < 0 || iw >= s.width) continue;
                                const size_t xi = (size_t)(((i * s.channels + c) * s.height + ih) * s.width + iw);
                                const size_t wi = (size_t)(((f * s.channels + c) * s.kernel_height + u) * s.kernel_width + v);
                                sum += (double)w[wi] * x[xi];
                                scale += fabs((double)w[wi] * x[xi]);
                                dw_d[wi] += g * x[xi];
                                dx_d[xi] += g * w[wi];
                            }
                        }
                    }
                    forward_ok &= fabs(y_ref[((i * s.filters + f) * oh + r) * ow + q] - sum) <= 1e-6 * (1 + scale);
                }
            }
        }
    }
    const double loose = 1e-5 * (double)(n * oh * ow + taps);
    for (size_t e = 0; e < ws; ++e) backward_ok &= fabs(dw_ref[e] - dw_d[e]) <= loose;
    for (size_t e = 0; e < xs; ++e) backward_ok &= fabs(dx_ref[e] - dx_d[e]) <= 1e-5 * (double)(s.filters * taps);
    for (ptrdiff_t f = 0; f < s.filters; ++f) {
        double sum = 0;
        for (ptrdiff_t i = 0; i < n; ++i) {
            for (ptrdiff_t e = 0; e < oh * ow; ++e) sum += dy[(i * s.filters + f) * oh * ow + e];
        }
        backward_ok &= fabs(db_ref[f] - sum) <= 1e-5 * (double)(n * oh * ow);
    }
    record(forward_ok, "conv n=%td C%td %tdx%td FN%td k%td s%td p%td: scalar forward against the definition in double", n,
           s.channels, s.height, s.width, s.filters, s.kernel_height, s.stride, s.pad);
    record(backward_ok, "conv n=%td C%td %tdx%td FN%td k%td s%td p%td: scalar backward against the definition in double", n,
           s.channels, s.height, s.width, s.filters, s.kernel_height, s.stride, s.pad);

    float *y = allocate_floats(ys), *dw = allocate_floats(ws), *db = allocate_floats(fs), *dx = allocate_floats(xs);
    for (int c = 0; c < candidate_count; ++c) {
        use_candidate(candidates[c]);
        status = ck_conv_forward(n, &s, x, w, b, y);
        status |= ck_conv_backward(n, &s, x, w, dy, dw, db, dx);
        record(status == CK_OK && first_difference(y_ref, y, ys) < 0 && first_difference(dw_ref, dw, ws) < 0
                   && first_difference(db_ref, db, fs) < 0 && first_difference(dx_ref, dx, xs) < 0,
               "conv n=%td C%td FN%td k%td s%td p%td [%s]: bitwise scalar on one thread", n, s.channels, s.filters,
               s.kernel_height, s.stride, s.pad, ck_isa_name(candidates[c]));
        status = ck_conv_backward(n, &s, x, w, dy, dw, db, NULL);
        record(status == CK_OK && first_difference(dw_ref, dw, ws) < 0 && first_difference(db_ref, db, fs) < 0,
               "conv n=%td without dx [%s]: the same dW and db", n, ck_isa_name(candidates[c]));
    }
    free(x); free(w); free(b); free(dy); free(y_ref); free(dw_ref); free(db_ref); free(dx_ref);
    free(dw_d); free(dx_d); free(y); free(dw); free(db); free(dx);
}

/* One pooling geometry against a direct maximum, with ties (values on a coarse grid). */
static void test_pool_shape(ptrdiff_t n, ck_pool_shape s) {
    ptrdiff_t oh = 0, ow = 0;
    record(ck_maxpool_output_size(&s, &oh, &ow) == CK_OK, "maxpool output size");
    const size_t xs = (size_t)(n * s.channels * s.height * s.width), ys = (size_t)(n * s.channels * oh * ow);
    float *x = allocate_floats(xs), *y = allocate_floats(ys), *dy = allocate_floats(ys), *dx = allocate_floats(xs);
    float *dx_ref = allocate_floats(xs);
    int32_t *argmax = allocate(ys * sizeof(int32_t));
    for (size_t e = 0; e < xs; ++e) x[e] = (float)(random_index(5) - 2); /* many ties */
    fill_uniform(dy, ys, -1.0f, 1.0f);
    use_reference();
    ck_status status = ck_maxpool_forward(n, &s, x, y, argmax);
    status |= ck_maxpool_backward(n, &s, dy, argmax, dx_ref);
    int ok = status == CK_OK;
    double *dx_d = calloc(xs ? xs : 1, sizeof(double));
    for (ptrdiff_t p = 0; p < n * s.channels; ++p) {
        for (ptrdiff_t r = 0; r < oh; ++r) {
            for (ptrdiff_t q = 0; q < ow; ++q) {
                ptrdiff_t best = -1;
                for (ptrdiff_t u = 0; u < s.size; ++u) {
                    for (ptrdiff_t v = 0; v < s.size; ++v) {
                        const ptrdiff_t ih = r * s.stride - s.pad + u, iw = q * s.stride - s.pad + v;
                        if (ih < 0 || ih >= s.height || iw < 0 || iw >= s.width) continue;
                        const ptrdiff_t at = ih * s.width + iw;
                        if (best < 0 || x[p * s.height * s.width + at] > x[p * s.height * s.width + best]) best = at;
                    }
                }
                const size_t o = (size_t)((p * oh + r) * ow + q);
                ok &= argmax[o] == best && y[o] == x[p * s.height * s.width + best];
                dx_d[p * s.height * s.width + best] += dy[o];
            }
        }
    }
    for (size_t e = 0; e < xs; ++e) ok &= fabs(dx_ref[e] - dx_d[e]) <= 1e-6 * (1 + fabs(dx_d[e]));
    record(ok, "maxpool n=%td C%td %tdx%td size %td stride %td pad %td: first maximum, dy at it", n, s.channels, s.height,
           s.width, s.size, s.stride, s.pad);
    for (int c = 0; c < candidate_count; ++c) {
        use_candidate(candidates[c]);
        float *y2 = allocate_floats(ys);
        int32_t *argmax2 = allocate(ys * sizeof(int32_t));
        status = ck_maxpool_forward(n, &s, x, y2, argmax2);
        status |= ck_maxpool_backward(n, &s, dy, argmax2, dx);
        record(status == CK_OK && first_difference(y, y2, ys) < 0 && (ys == 0 || memcmp(argmax, argmax2, ys * sizeof(int32_t)) == 0)
                   && first_difference(dx_ref, dx, xs) < 0,
               "maxpool n=%td [%s]: bitwise scalar on one thread", n, ck_isa_name(candidates[c]));
        free(y2); free(argmax2);
    }
    free(x); free(y); free(dy); free(dx); free(dx_ref); free(argmax); free(dx_d);
}

static void test_convolution(void) {
    /* The book's ch07 check, stride 2 with padding and several channels, a group that is not
     * full (n = 5 with groups of 4), 1x1 kernels, and a batch large enough for threads. */
    test_conv_shape(2, (ck_conv_shape){.channels = 1, .height = 10, .width = 10, .filters = 10, .kernel_height = 3, .kernel_width = 3, .stride = 1, .pad = 0});
    test_conv_shape(5, (ck_conv_shape){.channels = 3, .height = 7, .width = 6, .filters = 4, .kernel_height = 3, .kernel_width = 2, .stride = 2, .pad = 1});
    test_conv_shape(3, (ck_conv_shape){.channels = 2, .height = 5, .width = 5, .filters = 3, .kernel_height = 1, .kernel_width = 1, .stride = 1, .pad = 0});
    test_conv_shape(1, (ck_conv_shape){.channels = 2, .height = 3, .width = 3, .filters = 2, .kernel_height = 5, .kernel_width = 5, .stride = 1, .pad = 2});
    test_conv_shape(24, (ck_conv_shape){.channels = 30, .height = 12, .width = 12, .filters = 16, .kernel_height = 3, .kernel_width = 3, .stride = 1, .pad = 1});
    test_conv_shape(0, (ck_conv_shape){.channels = 1, .height = 4, .width = 4, .filters = 2, .kernel_height = 3, .kernel_width = 3, .stride = 1, .pad = 0});
    test_pool_shape(3, (ck_pool_shape){.channels = 2, .height = 6, .width = 6, .size = 2, .stride = 2, .pad = 0});
    test_pool_shape(2, (ck_pool_shape){.channels = 3, .height = 7, .width = 5, .size = 3, .stride = 2, .pad = 1});
    test_pool_shape(2, (ck_pool_shape){.channels = 1, .height = 5, .width = 5, .size = 3, .stride = 1, .pad = 0});
    test_pool_shape(64, (ck_pool_shape){.channels = 16, .height = 8, .width = 8, .size = 2, .stride = 2, .pad = 0});

    use_reference();
    ck_conv_shape bad = {.channels = 1, .height = 2, .width = 2, .filters = 1, .kernel_height = 3, .kernel_width = 3, .stride = 1, .pad = 0};
    float x[4] = {0}, w[9] = {0}, b[1] = {0}, y[4] = {7, 7, 7, 7};
    ptrdiff_t oh, ow;
    record(ck_conv_output_size(&bad, &oh, &ow) == CK_EINVAL && ck_conv_forward(1, &bad, x, w, b, y) == CK_EINVAL && y[0] == 7.0f,
           "conv: a kernel larger than the padded input is rejected before anything is written");
    ck_pool_shape pool = {.channels = 1, .height = 2, .width = 2, .size = 2, .stride = 2, .pad = 0};
    int32_t outside[1] = {4};
    float g[1] = {1}, dx[4] = {7, 7, 7, 7};
    record(ck_maxpool_backward(1, &pool, g, outside, dx) == CK_ERANGE && dx[0] == 7.0f,
           "maxpool backward: an argmax outside the plane is CK_ERANGE before anything is written");
    pool.pad = 2;
    record(ck_maxpool_output_size(&pool, &oh, &ow) == CK_EINVAL, "maxpool: pad >= size is rejected");
    float nan_x[4] = {1, NAN, 3, NAN}, pooled[1];
    int32_t at[1];
    pool.pad = 0;
    record(ck_maxpool_forward(1, &pool, nan_x, pooled, at) == CK_OK && isnan(pooled[0]) && at[0] == 1,
           "maxpool: the first NaN of a window is its maximum");
}

static void test_dropout(void) {
    static const float ratios[] = {0.0f, 0.2f, 0.5f, 0.999f, 1.0f};
    const ptrdiff_t m = 300, n = 100, cells = m * n;
    uint8_t *ref = allocate((size_t)cells), *mask = allocate((size_t)cells), *shard = allocate((size_t)cells);
    float *x = allocate_floats((size_t)cells), *y_ref = allocate_floats((size_t)cells), *y = allocate_floats((size_t)cells);
    fill_with_specials(x, (size_t)cells);
    for (size_t r = 0; r < sizeof ratios / sizeof ratios[0]; ++r) {
        const float ratio = ratios[r];
        use_reference();
        ck_status status = ck_dropout_mask(m, n, ratio, 42, 7, 3, 1000, ref);
        status |= ck_dropout_apply(cells, x, ref, 1.25f, y_ref);
        record(status == CK_OK, "dropout ratio %g: scalar status", (double)ratio);
        ptrdiff_t kept = 0;
        int apply_ok = 1;
        for (ptrdiff_t i = 0; i < cells; ++i) {
            kept += ref[i];
            apply_ok &= ref[i] <= 1 && same_float(y_ref[i], ref[i] ? x[i] * 1.25f : 0.0f);
        }
        double fraction = (double)kept / (double)cells;
        /* 30000 draws: the kept fraction's standard deviation is at most 0.003. */
        record(fabs(fraction - (1.0 - ratio)) <= 0.015 && (ratio != 0.0f || kept == cells) && (ratio != 1.0f || kept == 0),
               "dropout ratio %g keeps %.4f of the elements", (double)ratio, fraction);
        record(apply_ok, "dropout apply ratio %g: x * scale where kept, else +0", (double)ratio);
        /* Rows 1000 ..< 1300 drawn as two shards give the same mask. */
        status = ck_dropout_mask(120, n, ratio, 42, 7, 3, 1000, shard);
        status |= ck_dropout_mask(m - 120, n, ratio, 42, 7, 3, 1120, shard + 120 * n);
        record(status == CK_OK && first_byte_difference(ref, shard, (size_t)cells) < 0,
               "dropout ratio %g: two shards draw the mask of the whole batch", (double)ratio);
        for (int c = 0; c < candidate_count; ++c) {
            const char *isa = ck_isa_name(candidates[c]);
            use_candidate(candidates[c]);
            status = ck_dropout_mask(m, n, ratio, 42, 7, 3, 1000, mask);
            record(status == CK_OK && first_byte_difference(ref, mask, (size_t)cells) < 0, "dropout mask ratio %g [%s]",
                   (double)ratio, isa);
            memcpy(y, x, (size_t)cells * sizeof(float));
            status = ck_dropout_apply(cells, y, mask, 1.25f, y);
            record(status == CK_OK && first_difference(y_ref, y, (size_t)cells) < 0, "dropout apply in place ratio %g [%s]",
                   (double)ratio, isa);
        }
    }
    use_reference();
    ck_dropout_mask(m, n, 0.5f, 42, 8, 3, 1000, mask);
    ck_dropout_mask(m, n, 0.5f, 42, 7, 4, 1000, shard);
    ck_dropout_mask(m, n, 0.5f, 42, 7, 3, 1000, ref);
    ptrdiff_t same_iteration = 0, same_layer = 0;
    for (ptrdiff_t i = 0; i < cells; ++i) {
        same_iteration += mask[i] == ref[i];
        same_layer += shard[i] == ref[i];
    }
    /* Independent masks of ratio 0.5 agree on half of the elements. */
    record(fabs((double)same_iteration / cells - 0.5) < 0.02 && fabs((double)same_layer / cells - 0.5) < 0.02,
           "dropout: the next iteration and the next layer draw independent masks (%td, %td of %td agree)",
           same_iteration, same_layer, cells);
    record(ck_dropout_mask(1, 1, 1.5f, 0, 0, 0, 0, mask) == CK_EINVAL && ck_dropout_mask(1, 1, NAN, 0, 0, 0, 0, mask) == CK_EINVAL
               && ck_dropout_mask(1, 1, 0.5f, 0, 0, 0, -1, mask) == CK_EINVAL,
           "dropout: a ratio outside [0, 1] or a negative first row is rejected");
    free(ref); free(mask); free(shard); free(x); free(y_ref); free(y);
}

static void test_weight_decay_length(ptrdiff_t n) {
    size_t size = (size_t)n;
    float *x = allocate_floats(size), *y0 = allocate_floats(size);
    fill_uniform(x, size, -2.0f, 2.0f);
    fill_uniform(y0, size, -1.0f, 1.0f);
    use_reference();
    float *added_ref = copy_floats(y0, size), *scaled_ref = allocate_floats(size);
    double sum_ref = -1, exact = 0;
    ck_status status = ck_add_scaled(n, 0.1f, x, added_ref);
    status |= ck_scale(n, 0.8f, x, scaled_ref);
    status |= ck_sum_of_squares(n, x, &sum_ref);
    record(status == CK_OK, "weight decay n=%td: scalar status", n);
    int formula_ok = 1;
    for (size_t i = 0; i < size; ++i) {
        formula_ok &= same_float(added_ref[i], y0[i] + 0.1f * x[i]) && same_float(scaled_ref[i], 0.8f * x[i]);
        exact += (double)x[i] * (double)x[i];
    }
    record(formula_ok, "add_scaled / scale n=%td: y + alpha * x, alpha * x", n);
    /* The naive sum here rounds n times: it is the less accurate of the two. */
    record(fabs(sum_ref - exact) <= (double)n * 0x1p-53 * exact, "sum of squares n=%td: %.17g vs %.17g", n, sum_ref, exact);
    float *y = allocate_floats(size);
    for (int c = 0; c < candidate_count; ++c) {
        const char *isa = ck_isa_name(candidates[c]);
        use_candidate(candidates[c]);
        double sum = -1;
        if (size) memcpy(y, y0, size * sizeof(float));
        status = ck_add_scaled(n, 0.1f, x, y);
        record(status == CK_OK && first_difference(added_ref, y, size) < 0, "add_scaled n=%td [%s]", n, isa);
        status = ck_sum_of_squares(n, x, &sum);
        record(status == CK_OK && memcmp(&sum, &sum_ref, sizeof sum) == 0, "sum of squares n=%td [%s]: bitwise", n, isa);
    }
    free(x); free(y0); free(added_ref); free(scaled_ref); free(y);
}

static void test_weight_decay(void) {
    for (size_t i = 0; i < sizeof vector_lengths / sizeof vector_lengths[0]; ++i) test_weight_decay_length(vector_lengths[i]);
    record(ck_sum_of_squares(1, NULL, NULL) == CK_EINVAL, "sum of squares without an output");
}

/* Nesterov, AdaGrad and RMSprop against their formulas written out here, in the book's order. */
static void test_chapter6_optimizers_length(ptrdiff_t n) {
    size_t size = (size_t)n;
    const float lr = 0.01f, momentum = 0.9f, decay = 0.99f, eps = 1e-7f;
    float *g = allocate_floats(size), *p0 = allocate_floats(size), *s0 = allocate_floats(size), *h0 = allocate_floats(size);
    fill_uniform(g, size, -1.0f, 1.0f);
    fill_uniform(p0, size, -1.0f, 1.0f);
    fill_uniform(s0, size, -0.1f, 0.1f);
    fill_uniform(h0, size, 0.0f, 0.01f);
    if (n > 5) g[5] = 0.0f;
    float *p[3], *state[3];
    for (int k = 0; k < 3; ++k) {
        p[k] = copy_floats(p0, size);
        state[k] = copy_floats(k == 0 ? s0 : h0, size);
    }
    use_reference();
    ck_status status = ck_nesterov_update(n, lr, momentum, g, state[0], p[0]);
    status |= ck_adagrad_update(n, lr, eps, g, state[1], p[1]);
    status |= ck_rmsprop_update(n, lr, decay, eps, g, state[2], p[2]);
    record(status == CK_OK, "nesterov / adagrad / rmsprop n=%td: scalar status", n);
    int ok[3] = {1, 1, 1};
    for (size_t i = 0; i < size; ++i) {
        float pn = p0[i], v = s0[i];
        pn += momentum * momentum * v;
        pn -= (1.0f + momentum) * lr * g[i];
        v *= momentum;
        v -= lr * g[i];
        ok[0] &= same_float(p[0][i], pn) && same_float(state[0][i], v);
        float h = h0[i] + g[i] * g[i];
        ok[1] &= same_float(state[1][i], h) && same_float(p[1][i], p0[i] - lr * g[i] / (sqrtf(h) + eps));
        h = h0[i] * decay;
        h += (1.0f - decay) * g[i] * g[i];
        ok[2] &= same_float(state[2][i], h) && same_float(p[2][i], p0[i] - lr * g[i] / (sqrtf(h) + eps));
    }
    record(ok[0], "nesterov n=%td: the book's four steps", n);
    record(ok[1], "adagrad n=%td: h += g * g; p -= lr * g / (sqrt(h) + eps)", n);
    record(ok[2], "rmsprop n=%td: h = decay * h + (1 - decay) * g * g; p -= lr * g / (sqrt(h) + eps)", n);
    for (int c = 0; c < candidate_count; ++c) {
        const char *isa = ck_isa_name(candidates[c]);
        use_candidate(candidates[c]);
        float *q = copy_floats(p0, size), *s = copy_floats(s0, size);
        status = ck_nesterov_update(n, lr, momentum, g, s, q);
        record(status == CK_OK && first_difference(p[0], q, size) < 0 && first_difference(state[0], s, size) < 0,
               "nesterov n=%td [%s]", n, isa);
        if (size) {
            memcpy(q, p0, size * sizeof(float));
            memcpy(s, h0, size * sizeof(float));
        }
        status = ck_adagrad_update(n, lr, eps, g, s, q);
        record(status == CK_OK && first_difference(p[1], q, size) < 0 && first_difference(state[1], s, size) < 0,
               "adagrad n=%td [%s]", n, isa);
        if (size) {
            memcpy(q, p0, size * sizeof(float));
            memcpy(s, h0, size * sizeof(float));
        }
        status = ck_rmsprop_update(n, lr, decay, eps, g, s, q);
        record(status == CK_OK && first_difference(p[2], q, size) < 0 && first_difference(state[2], s, size) < 0,
               "rmsprop n=%td [%s]", n, isa);
        free(q);
        free(s);
    }
    free(g); free(p0); free(s0); free(h0);
    for (int k = 0; k < 3; ++k) {
        free(p[k]);
        free(state[k]);
    }
}

static void test_chapter6_optimizers(void) {
    static const ptrdiff_t lengths[] = {0, 1, 7, 33, 1001, 16385, 39201, 70001};
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; ++i) test_chapter6_optimizers_length(lengths[i]);
}

/* ---------------------------------------------------------------------------------------
 * Argument checks: nothing is written on a bad call
 * ------------------------------------------------------------------------------------- */

static void test_argument_checks(void) {
    float x[4] = {1, 2, 3, 4}, y[4] = {9, 9, 9, 9}, loss = 5.0f;
    int32_t bad_labels[2] = {0, 4};
    use_reference();
    record(ck_sgemm(CK_NO_TRANS, CK_NO_TRANS, 2, 2, 2, 1.0f, x, 1, x, 2, 0.0f, y, 2) == CK_EINVAL, "sgemm lda < k");
    record(ck_sgemm(CK_NO_TRANS, CK_NO_TRANS, -1, 2, 2, 1.0f, x, 2, x, 2, 0.0f, y, 2) == CK_EINVAL, "sgemm m < 0");
    record(ck_softmax(2, 2, x, 2, y, 1) == CK_EINVAL, "softmax ldy < n");
    record(ck_softmax_cross_entropy_forward_labels(2, 2, x, 2, bad_labels, y, 2, &loss) == CK_ERANGE,
           "cross-entropy label out of range");
    record(y[0] == 9.0f && y[3] == 9.0f && loss == 5.0f, "a rejected call wrote its outputs");
    record(ck_relu_forward(4, NULL, y, (uint8_t *)bad_labels) == CK_EINVAL, "relu NULL input");
    record(ck_advise_huge_pages(NULL, 4096) == CK_EINVAL, "huge-page advice for NULL with bytes");
    record(ck_advise_huge_pages(NULL, 0) == CK_OK, "huge-page advice for nothing");
    for (int isa = CK_ISA_SCALAR; isa <= CK_ISA_NEON; ++isa) {
        if (!ck_isa_supported((ck_isa)isa)) {
            record(ck_set_isa((ck_isa)isa) == CK_EUNSUPPORTED, "ck_set_isa(%s) on a CPU without it", ck_isa_name((ck_isa)isa));
        }
    }
}

/* Huge-page advice is only advice: a buffer advised before its first write (6 MiB: at least two
 * whole 2 MiB pages inside it wherever malloc puts it) and one too small to hold a huge page
 * both keep every value written to them. */
static void test_huge_page_advice(void) {
    const size_t sizes[] = {6u << 20, 1000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; ++s) {
        size_t count = sizes[s] / sizeof(float);
        float *buffer = malloc(sizes[s]);
        if (buffer == NULL) {
            record(0, "huge-page advice: no memory for %zu bytes", sizes[s]);
            continue;
        }
        record(ck_advise_huge_pages(buffer, sizes[s]) == CK_OK, "huge-page advice for %zu bytes", sizes[s]);
        for (size_t i = 0; i < count; ++i) buffer[i] = (float)(i % 1000003);
        size_t wrong = 0;
        for (size_t i = 0; i < count; ++i) wrong += buffer[i] != (float)(i % 1000003);
        record(wrong == 0, "huge-page advised buffer of %zu bytes kept its values (%zu wrong)", sizes[s], wrong);
        free(buffer);
    }
}

static void test_activations(void) {
    for (size_t i = 0; i < sizeof vector_lengths / sizeof vector_lengths[0]; ++i) test_activations_length(vector_lengths[i]);
}

static void test_bias(void) {
    static const ptrdiff_t shapes[][2] = {{0, 5}, {1, 1}, {3, 17}, {7, 33}, {64, 100}, {300, 257}, {5, 0}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; ++i) test_bias_and_sums(shapes[i][0], shapes[i][1]);
}

static void test_all_optimizers(void) {
    static const ptrdiff_t lengths[] = {0, 1, 7, 33, 1001, 16385, 39200, 39201, 70001};
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; ++i) test_optimizers(lengths[i]);
}

/* Runs one group of tests and prints how many checks it made. */
static void run_section(const char *name, void (*tests)(void)) {
    int before = passed_count + failed_count, failed_before = failed_count;
    tests();
    printf("  %-26s %5d checks, %d failed\n", name, passed_count + failed_count - before, failed_count - failed_before);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int isa = CK_ISA_SCALAR; isa <= CK_ISA_NEON; ++isa) {
        if (ck_isa_supported((ck_isa)isa)) candidates[candidate_count++] = (ck_isa)isa;
    }
    printf("ckernels self-test: default ISA %s, OpenMP %s (%d threads), comparing:",
           ck_isa_name(ck_active_isa()), ck_openmp_enabled() ? "on" : "off", ck_get_num_threads());
    for (int c = 0; c < candidate_count; ++c) {
        int mr, nr;
        ck_gemm_tile(candidates[c], &mr, &nr);
        printf(" %s (%dx%d)", ck_isa_name(candidates[c]), mr, nr);
    }
    ck_cache_info caches;
    ck_caches(&caches);
    printf(" against scalar on 1 thread; caches (%s) L1d %lld K, L2 %lld K / %d, L3 %lld K / %d\n", caches.source,
           (long long)(caches.l1d_bytes >> 10), (long long)(caches.l2_bytes >> 10), caches.l2_shared_by,
           (long long)(caches.l3_bytes >> 10), caches.l3_shared_by);

    run_section("argument checks", test_argument_checks);
    run_section("gemm", test_gemm);
    run_section("gemm on other CPUs' caches", test_gemm_cache_geometries);
    run_section("gemm on exiting threads", test_gemm_on_exiting_threads);
    run_section("gemm in a parallel region", test_gemm_in_parallel_region);
    run_section("softmax / cross-entropy", test_softmax);
    run_section("softmax microkernels", test_softmax_microkernels);
    run_section("softmax 16-row blocks", test_softmax_rows16);
    run_section("relu / sigmoid", test_activations);
    run_section("bias / column sums", test_bias);
    run_section("sgd / momentum / adam", test_all_optimizers);
    run_section("tanh", test_tanh);
    run_section("batch normalization", test_batchnorm);
    run_section("convolution / max pooling", test_convolution);
    run_section("dropout", test_dropout);
    run_section("weight decay", test_weight_decay);
    run_section("nesterov / adagrad / rmsprop", test_chapter6_optimizers);
    run_section("huge-page advice", test_huge_page_advice);

    ck_set_isa(candidates[candidate_count - 1]);
    ck_set_num_threads(0);
    printf("%d passed, %d failed\n", passed_count, failed_count);
    return failed_count == 0 ? 0 : 1;
}
