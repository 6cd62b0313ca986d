/*
 * Per-thread scratch memory for packing, the sparse path and the convolution's columns, grown
 * on demand and kept, so the training step allocates nothing in steady state.
 *
 * A thread has CK_SCRATCH_SLOTS independent buffers: the GEMM packs into slot 0, and a
 * convolution that calls the GEMM from each of its threads keeps its im2col columns in slot 1
 * and its partial weight gradients in slot 2, which the GEMM's packing must not overwrite.
 *
 * The thread-local pointers are the fast path. A pthread key per slot holds the same block
 * only so that its destructor frees it when the thread exits: worker threads of a pool
 * (libdispatch, Swift concurrency) come and go, and each would otherwise leak its buffers.
 */
#include "ck_internal.h"

#include <pthread.h>
#include <stdlib.h>

static _Thread_local float *scratch_memory[CK_SCRATCH_SLOTS];
static _Thread_local size_t scratch_capacity[CK_SCRATCH_SLOTS];
static pthread_key_t scratch_keys[CK_SCRATCH_SLOTS];
static pthread_once_t scratch_keys_once = PTHREAD_ONCE_INIT;

/* Thread-local storage outlives key destructors: a later call on this thread allocates anew. */
#define CK_SCRATCH_DESTRUCTOR(slot)                  \
    static void free_scratch_##slot(void *memory) {  \
        free(memory);                                \
        scratch_memory[slot] = NULL;                 \
        scratch_capacity[slot] = 0;                  \
    }
CK_SCRATCH_DESTRUCTOR(0)
CK_SCRATCH_DESTRUCTOR(1)
CK_SCRATCH_DESTRUCTOR(2)

static void create_scratch_keys(void) {
    void (*destructors[CK_SCRATCH_SLOTS])(void *) = {free_scratch_0, free_scratch_1, free_scratch_2};
    for (int slot = 0; slot < CK_SCRATCH_SLOTS; ++slot) {
        if (pthread_key_create(&scratch_keys[slot], destructors[slot]) != 0) abort();
    }
}

float *ck_scratch_slot(int slot, size_t floats) {
    if (floats > scratch_capacity[slot]) {
        pthread_once(&scratch_keys_once, create_scratch_keys);
        free(scratch_memory[slot]);
        size_t bytes = (floats * sizeof(float) + 63) & ~(size_t)63;
        scratch_memory[slot] = aligned_alloc(64, bytes);
        scratch_capacity[slot] = scratch_memory[slot] ? floats : 0;
        pthread_setspecific(scratch_keys[slot], scratch_memory[slot]);
        if (scratch_memory[slot] == NULL) abort(); /* out of memory: no sane way to continue */
    }
    return scratch_memory[slot];
}

float *ck_scratch(size_t floats) {
    return ck_scratch_slot(CK_SCRATCH_GEMM, floats);
}
