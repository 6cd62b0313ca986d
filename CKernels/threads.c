/* Thread count and OpenMP guards: the only process-wide state of the core. */
#include "ck_internal.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* 0 means "OpenMP's default". Written rarely, read at every kernel call. */
static int requested_threads = 0;

int ck_openmp_enabled(void) {
#ifdef _OPENMP
    return 1;
#else
    return 0;
#endif
}

void ck_set_num_threads(int n) {
    requested_threads = n < 1 ? 0 : n;
}

int ck_get_num_threads(void) {
#ifdef _OPENMP
    return requested_threads > 0 ? requested_threads : omp_get_max_threads();
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
