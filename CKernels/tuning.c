/*
 * The drivers' thresholds and the limits of the cache-derived GEMM blocks, with the reason for
 * each value (ck_tuning in ck_internal.h). Every ISA table points here today: none of these was
 * found to need a different value per instruction set, and the ones measured were measured on
 * one CPU (AMD EPYC, Zen 4, AVX-512), which is said where it applies. A table that needs its
 * own values gets its own ck_tuning beside it. None of these values changes a result's bits:
 * paths, thread counts, block sizes and prefetches all keep each element's summation order.
 */
#include "ck_internal.h"

const ck_tuning ck_tuning_default = {
    /* The unpacked path reads A in place: below about 30 MFLOP, or when C is at most four
     * unpacked tiles wide, packing A costs more than the few B panels it would serve (kernel-
     * bench on the training shapes and the squares, AVX-512 on Zen 4; Benchmarks/README.md). */
    .unpacked_below_flops = 3.0e7,
    .unpacked_max_tiles = 4,
    /* Forking a team costs a few microseconds: below 2 MFLOP (about 15 us on one core) two
     * threads stopped beating one (kernel-bench, Zen 4; OpenBLAS issues #1614, #4387). */
    .gemm_serial_below_flops = 2.0e6,
    /* Threads of the packed path share one packed A block and split C's columns, each packing
     * its own B block; with fewer than 4 NR-wide panels each, the split leaves threads idle on
     * the edge panels, so a narrow C is split by rows instead, each thread packing all of B
     * (which is then small). */
    .shared_a_min_panels = 4,
    /* BLIS's analytical model (Low et al., ACM TOMS 2016) gives the L2-resident block the ways
     * left after the streaming operands; the KC x NC block of B here shares the L2 with each
     * MR x KC micro-panel of A on its way to L1, the C tiles being updated and the hardware
     * prefetcher's lines, on caches that are not fully associative. Half: on Ice Lake (1.25 MiB
     * L2) the measured plateau was NC = 480-640, i.e. 0.4-0.5 of L2 / (KC * 4 bytes). */
    .b_block_l2_fraction = 0.5,
    /* The MC x KC block of A is packed once and read once per B block: it need only stay in
     * the last-level cache, shared with C and B. Half of the core's share of it. */
    .a_block_l3_fraction = 0.5,
    /* B is packed again for each A block: one load and store per element of B against 2 * MC
     * flops, which stays a few percent of the time from MC = 512 up. Above 3072 rows (a 3 MiB
     * A block) nothing was gained (Ice Lake: no difference between 480 and 3072), and the
     * packing memory only grows. */
    .mc_min = 512,
    .mc_max = 3072,
    /* Each A micro-panel brought into L1 serves NC / NR B panels: below 128 columns its load
     * is no longer small against the arithmetic. Above 4096 (a 4 MiB B block) no L2 holds it. */
    .nc_min = 128,
    .nc_max = 4096,
    /* Elementwise kernels and softmax stay on one thread below 16 Ki elements (64 KiB): the
     * fork costs microseconds and the loop moves about 20 GB/s on one core. Alone, on data in
     * one core's cache, two threads paid only from 64 Ki; but in a training step the operands
     * were just written by a parallel GEMM, half in each core's cache, and a serial update
     * fetched the other half from the other core. Split like the GEMM (equal halves in order),
     * the four SGD updates of the book's step (39,760 elements) took 13 instead of 21.5 µs
     * inside the step on 2 threads (kernel-bench --train, AMD EPYC Zen 4). */
    .elementwise_serial_below = 16384.0,
    /* A gather waits on memory latency for random rows, which two threads overlap: it pays
     * for a fork from 16 Ki elements. */
    .gather_serial_below = 16384.0,
    /* Random rows of the training set come from DRAM: prefetching the row 4 ahead keeps about
     * four rows' misses in flight, enough to cover the latency at a row's copy time. The
     * prefetches go to L2 (locality 1, prefetcht2 on x86), which tracks more misses than L1:
     * with the non-temporal hint (locality 0) the lines went to L1 alone and a cold gather of
     * 100 MNIST rows took 48-49 µs at best, with L2 as the target 37-39 µs on one thread and
     * 30-32 instead of 35-37 on two (both builds in one process, interleaved, huge pages; AMD
     * EPYC Zen 4). Distances 2, 4 and 8 measured alike there. */
    .gather_prefetch_rows = 4,
    /* softmax_rows16 (rows of 10 in blocks of 16): with a whole block of arithmetic between its
     * loads, the prefetchers left each block waiting on memory. Measured with AVX-512 on Zen 4,
     * 16M floats: 13 ns per row without; 5.0, 4.2, 3.6 and 3.4 ns prefetching 1, 2, 4 and 8
     * blocks ahead, the last as fast as with x and y in cache. AVX2 uses the same distance
     * (same access pattern, two 8-row halves per block); it was not measured separately. */
    .softmax_prefetch_blocks = 8,
};
