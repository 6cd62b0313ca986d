/* The OpenMP runtime functions the core calls, declared here instead of taken from <omp.h>.
 *
 * Swift's clang ships no omp.h, and where libomp-dev puts one (Debian: the folder
 * /usr/lib/llvm-N/lib/clang/<version>/include) it shares the folder with that other clang's own
 * stdint.h, stdatomic.h, …, once Debian's clang is installed: putting the folder on the include
 * path made those shadow the Swift toolchain's and broke the build (issue 22). These
 * signatures are fixed by the OpenMP specification (and identical to omp.h's, so a file that
 * includes both compiles); -fopenmp and the runtime library are all the build needs. */
#ifndef CK_OPENMP_H
#define CK_OPENMP_H

#ifdef _OPENMP
int omp_get_thread_num(void);
int omp_get_num_threads(void);
int omp_get_max_threads(void);
#endif

#endif
