/* Thread count and OpenMP guards: the only process-wide state of the core. */
#include "ck_internal.h"

#include <stdatomic.h>

#include "ck_openmp.h"

/* 0 means "OpenMP's default". Written rarely, read at every kernel call, possibly on another
 * thread than the writer's (a program may change the bound while kernels run elsewhere):
 * atomic, so that this is not a data race; relaxed, because a kernel needs only some value. */
static _Atomic int requested_threads = 0;

int ck_openmp_enabled(void) {
#ifdef _OPENMP
    return 1;
#else
    return 0;
#endif
}

void ck_set_num_threads(int n) {
    atomic_store_explicit(&requested_threads, n < 1 ? 0 : n, memory_order_relaxed);
}

int ck_get_num_threads(void) {
#ifdef _OPENMP
    int requested = atomic_load_explicit(&requested_threads, memory_order_relaxed);
    return requested > 0 ? requested : omp_get_max_threads();
#else
    return 1;
#endif
}

int ck_parallel_team_size(void) {
    int team = 1;
#ifdef _OPENMP
#pragma omp parallel num_threads(ck_get_num_threads())
    {
#pragma omp single
        team = omp_get_num_threads();
    }
#endif
    return team;
}

int ck_threads_for(double work, double serial_below) {
    int limit = ck_get_num_threads();
    if (limit <= 1 || work < serial_below) return 1;
    /* At least serial_below units of work per thread, so no thread is started for crumbs. */
    double by_work = work / serial_below;
    return by_work < limit ? (int)by_work : limit;
}
