/*
 * Large-page advice for big read-mostly arrays such as a training set.
 *
 * Minibatch gathers read random rows spread over the whole array; with 4 KiB pages nearly
 * every row costs a TLB miss and a page walk (under a hypervisor a two-dimensional one),
 * which dominates a gather from DRAM. Asking for transparent huge pages before the array is
 * first written lets the kernel back it with huge pages (2 MiB on x86-64) at fault time, at no
 * copying cost.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#include "ck_internal.h"

#include <stdint.h>
#include <stdio.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#if defined(__linux__) && defined(MADV_HUGEPAGE)
/* The size of a transparent huge page as the kernel reports it (2 MiB with 4 KiB base pages,
 * 512 MiB with 64 KiB ones on arm64), or 2 MiB if it does not say. */
static uintptr_t huge_page_bytes(void) {
    unsigned long long size = 0;
    FILE *file = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "r");
    if (file != NULL) {
        if (fscanf(file, "%llu", &size) != 1) size = 0;
        fclose(file);
    }
    /* A power of two, or the usual size. */
    return size >= 4096 && (size & (size - 1)) == 0 ? (uintptr_t)size : (uintptr_t)2 << 20;
}
#endif

ck_status ck_advise_huge_pages(void *start, size_t bytes) {
    if (start == NULL && bytes > 0) return CK_EINVAL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = huge_page_bytes();
    const uintptr_t first = ((uintptr_t)start + huge - 1) & ~(huge - 1);
    const uintptr_t end = ((uintptr_t)start + bytes) & ~(huge - 1);
    if (end <= first) return CK_OK;
    /* Advice only: a kernel without THP, or with it set to "never", refuses or ignores it,
     * and the memory works the same with small pages. */
    (void)madvise((void *)first, end - first, MADV_HUGEPAGE);
#else
    (void)start;
    (void)bytes;
#endif
    return CK_OK;
}
