/*
 * Run-time choice of the instruction set: detect what the CPU can run, pick the best table,
 * let CKERNELS_ISA (or ck_set_isa) force a lower one so tests and benchmarks can exercise
 * every path on one machine.
 */
#include "ck_internal.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const ck_config *config_for(ck_isa isa) {
    switch (isa) {
    case CK_ISA_SCALAR: return ck_config_scalar();
    case CK_ISA_AVX2: return ck_config_avx2();
    case CK_ISA_AVX512: return ck_config_avx512();
    case CK_ISA_NEON: return ck_config_neon();
    }
    return NULL;
}

static int cpu_runs(ck_isa isa) {
    switch (isa) {
    case CK_ISA_SCALAR:
        return 1;
#if defined(__x86_64__) || defined(__i386__)
    case CK_ISA_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case CK_ISA_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
            && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")
            && __builtin_cpu_supports("fma");
#endif
#if defined(__aarch64__)
    case CK_ISA_NEON:
        return 1; /* Advanced SIMD is mandatory on AArch64. */
#endif
    default:
        return 0;
    }
}

int ck_isa_supported(ck_isa isa) {
    return config_for(isa) != NULL && cpu_runs(isa);
}

const ck_config *ck_config_of(ck_isa isa) {
    return ck_isa_supported(isa) ? config_for(isa) : NULL;
}

const char *ck_isa_name(ck_isa isa) {
    switch (isa) {
    case CK_ISA_SCALAR: return "scalar";
    case CK_ISA_AVX2: return "avx2";
    case CK_ISA_AVX512: return "avx512";
    case CK_ISA_NEON: return "neon";
    }
    return "unknown";
}

static ck_isa best_isa(void) {
    static const ck_isa preference[] = {CK_ISA_AVX512, CK_ISA_AVX2, CK_ISA_NEON};
    for (size_t i = 0; i < sizeof preference / sizeof preference[0]; ++i) {
        if (ck_isa_supported(preference[i])) return preference[i];
    }
    return CK_ISA_SCALAR;
}

static ck_isa initial_isa(void) {
    const char *forced = getenv("CKERNELS_ISA");
    if (forced == NULL || forced[0] == '\0') return best_isa();
    for (int isa = CK_ISA_SCALAR; isa <= CK_ISA_NEON; ++isa) {
        if (strcmp(forced, ck_isa_name((ck_isa)isa)) == 0) {
            if (ck_isa_supported((ck_isa)isa)) return (ck_isa)isa;
            fprintf(stderr, "ckernels: CKERNELS_ISA=%s is not supported by this CPU or build; using %s\n",
                    forced, ck_isa_name(best_isa()));
            return best_isa();
        }
    }
    fprintf(stderr, "ckernels: unknown CKERNELS_ISA=%s (expected scalar, avx2, avx512 or neon); using %s\n",
            forced, ck_isa_name(best_isa()));
    return best_isa();
}

static _Atomic(const ck_config *) active_config = NULL;

const ck_config *ck_config_active(void) {
    const ck_config *config = atomic_load_explicit(&active_config, memory_order_acquire);
    if (config == NULL) {
        /* Two threads racing here compute the same answer; either store is fine. */
        config = config_for(initial_isa());
        atomic_store_explicit(&active_config, config, memory_order_release);
    }
    return config;
}

ck_isa ck_active_isa(void) {
    return ck_config_active()->isa;
}

ck_status ck_set_isa(ck_isa isa) {
    if (!ck_isa_supported(isa)) return CK_EUNSUPPORTED;
    atomic_store_explicit(&active_config, config_for(isa), memory_order_release);
    return CK_OK;
}

void ck_gemm_tile(ck_isa isa, int *mr, int *nr) {
    const ck_config *config = ck_isa_supported(isa) ? config_for(isa) : NULL;
    if (mr) *mr = config ? config->mr : 0;
    if (nr) *nr = config ? config->nr : 0;
}

const char *ck_status_string(ck_status status) {
    switch (status) {
    case CK_OK: return "ok";
    case CK_EINVAL: return "invalid argument (negative size, leading dimension too small or NULL pointer)";
    case CK_ERANGE: return "class label out of range";
    case CK_EUNSUPPORTED: return "instruction set not supported by this CPU or build";
    }
    return "unknown status";
}
