/*
 * Per-thread scratch memory for packing and the sparse path, grown on demand and kept, so
 * the training step allocates nothing in steady state.
 *
 * The thread-local pointer is the fast path. A pthread key holds the same block only so that
 * its destructor frees it when the thread exits: worker threads of a pool (libdispatch, Swift
 * concurrency) come and go, and each would otherwise leak its buffer.
 */
#include "ck_internal.h"

#include <pthread.h>
#include <stdlib.h>

static _Thread_local float *scratch_memory = NULL;
static _Thread_local size_t scratch_capacity = 0;
static pthread_key_t scratch_key;
static pthread_once_t scratch_key_once = PTHREAD_ONCE_INIT;

static void free_scratch(void *memory) {
    free(memory);
    /* Thread-local storage outlives key destructors: a later call on this thread allocates anew. */
    scratch_memory = NULL;
    scratch_capacity = 0;
}

static void create_scratch_key(void) {
    if (pthread_key_create(&scratch_key, free_scratch) != 0) abort();
}

float *ck_scratch(size_t floats) {
    if (floats > scratch_capacity) {
        pthread_once(&scratch_key_once, create_scratch_key);
        free(scratch_memory);
        size_t bytes = (floats * sizeof(float) + 63) & ~(size_t)63;
        scratch_memory = aligned_alloc(64, bytes);
        scratch_capacity = scratch_memory ? floats : 0;
        pthread_setspecific(scratch_key, scratch_memory);
        if (scratch_memory == NULL) abort(); /* out of memory: no sane way to continue */
    }
    return scratch_memory;
}
