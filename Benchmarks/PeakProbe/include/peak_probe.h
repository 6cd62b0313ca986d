/*
 * The arithmetic peak of this machine, measured: kernel-bench divides its GEMM rates by it.
 *
 * A GEMM can at best keep the fused multiply-add units busy on every cycle, so the honest
 * denominator for "how good is this GEMM" is what those units do when nothing else is in the
 * way: no loads, no stores, no dependency stalls. This probe runs exactly that and nothing
 * else, for the instruction sets of CKernels (the `ck_isa` numbering, so the caller passes
 * `ck_active_isa()`).
 */
#ifndef PEAK_PROBE_H
#define PEAK_PROBE_H

#include "ckernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Runs `iterations` rounds of independent fused multiply-add chains held in registers on the
 * calling thread, using the vector width of `isa` (16 float lanes for AVX-512, 8 for AVX2,
 * 4 for NEON, 1 for scalar `fmaf`), with enough chains in flight to cover the FMA latency
 * times the number of FMA pipes. Writes a value computed from every chain to `*sink` so the
 * work cannot be optimized away.
 *
 * Returns the floating-point operations done (2 per lane per FMA), or 0 when this build or
 * this CPU cannot run `isa` (`ck_isa_supported`) or `iterations` is not positive. Thread-safe:
 * call it from several threads at once to measure the peak of several cores.
 */
double pp_fma_flops(ck_isa isa, long iterations, float *sink);

#ifdef __cplusplus
}
#endif

#endif /* PEAK_PROBE_H */
