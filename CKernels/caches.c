/*
 * The cache geometry the GEMM blocking is derived from (gemm.c, ck_gemm_blocking): read once
 * from the CPU, or from CKERNELS_CACHES / ck_set_caches so that tests and benchmarks can run
 * the derivation for other CPUs' caches on this one.
 *
 * Sources, first that answers: CKERNELS_CACHES; CPUID (x86: AMD's leaf 0x8000001D, else
 * Intel's leaf 4); Linux sysfs (/sys/devices/system/cpu/cpu0/cache/index*, also arm64);
 * macOS sysctl (hw.perflevel0.* on Apple silicon, whose L2 is shared by a cluster); and a
 * small default. Sizes only change MC and NC, which never change a result's bits.
 */
#include "ck_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#if defined(__APPLE__)
#include <sys/sysctl.h>
#include <sys/types.h>
#endif

/* Nothing detected: a small core's caches, so blocks err on the small side. */
static const ck_cache_info default_caches = {
    .l1d_bytes = 32 << 10, .l2_bytes = 256 << 10, .l2_shared_by = 1, .l3_bytes = 0, .l3_shared_by = 1,
    .source = "default",
};

static int complete(const ck_cache_info *caches) {
    return caches->l1d_bytes > 0 && caches->l2_bytes > 0;
}

#if defined(__x86_64__) || defined(__i386__)
/* One deterministic cache-parameters leaf (4 or 0x8000001D share the layout): subleaf i
 * describes one cache until its type field is 0. */
static void read_cpuid_leaf(unsigned leaf, ck_cache_info *caches) {
    for (unsigned sub = 0; sub < 16; ++sub) {
        unsigned eax, ebx, ecx, edx;
        __cpuid_count(leaf, sub, eax, ebx, ecx, edx);
        unsigned type = eax & 31u;
        if (type == 0) break;
        if (type == 2) continue; /* instruction cache */
        unsigned level = (eax >> 5) & 7u;
        int sharing = (int)((eax >> 14) & 0xFFFu) + 1;
        int64_t bytes = (int64_t)((ebx >> 22) + 1) * (int64_t)(((ebx >> 12) & 0x3FFu) + 1)
                      * (int64_t)((ebx & 0xFFFu) + 1) * (int64_t)((int64_t)ecx + 1);
        if (level == 1) caches->l1d_bytes = bytes;
        if (level == 2) caches->l2_bytes = bytes, caches->l2_shared_by = sharing;
        if (level == 3) caches->l3_bytes = bytes, caches->l3_shared_by = sharing;
    }
}

static int detect_cpuid(ck_cache_info *caches) {
    unsigned eax, ebx, ecx, edx;
    unsigned max_extended = __get_cpuid_max(0x80000000u, NULL);
    /* AMD (TOPOEXT): leaf 4 is reserved there, 0x8000001D has the same layout. */
    if (max_extended >= 0x8000001Du && __get_cpuid(0x80000001u, &eax, &ebx, &ecx, &edx) && (ecx >> 22 & 1u)) {
        read_cpuid_leaf(0x8000001Du, caches);
    }
    if (!complete(caches) && __get_cpuid_max(0, NULL) >= 4) {
        *caches = (ck_cache_info){0};
        read_cpuid_leaf(4, caches);
    }
    caches->source = "cpuid";
    return complete(caches);
}
#endif

#if defined(__linux__)
static int64_t read_number(const char *path, int *ok) {
    FILE *file = fopen(path, "r");
    char text[64] = {0};
    *ok = file != NULL && fgets(text, sizeof text, file) != NULL;
    if (file) fclose(file);
    char *end;
    long long value = strtoll(text, &end, 10);
    if (*end == 'K') value <<= 10;
    if (*end == 'M') value <<= 20;
    return value;
}

/* "0-3,8-11" -> 8: how many CPUs share a cache. */
static int count_cpu_list(const char *path) {
    FILE *file = fopen(path, "r");
    char text[256] = {0};
    int ok = file != NULL && fgets(text, sizeof text, file) != NULL;
    if (file) fclose(file);
    if (!ok) return 1;
    int count = 0;
    for (char *p = text; *p && *p != '\n';) {
        long first = strtol(p, &p, 10), last = first;
        if (*p == '-') last = strtol(p + 1, &p, 10);
        count += (int)(last - first + 1);
        if (*p == ',') ++p; else break;
    }
    return count > 0 ? count : 1;
}

static int detect_sysfs(ck_cache_info *caches) {
    for (int index = 0; index < 8; ++index) {
        char path[128], type[32] = {0};
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", index);
        FILE *file = fopen(path, "r");
        if (file == NULL) break;
        int read = fgets(type, sizeof type, file) != NULL;
        fclose(file);
        if (!read || strncmp(type, "Instruction", 11) == 0) continue;
        int ok_level, ok_size;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", index);
        int64_t level = read_number(path, &ok_level);
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", index);
        int64_t bytes = read_number(path, &ok_size);
        if (!ok_level || !ok_size || bytes <= 0) continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/shared_cpu_list", index);
        int sharing = count_cpu_list(path);
        if (level == 1) caches->l1d_bytes = bytes;
        if (level == 2) caches->l2_bytes = bytes, caches->l2_shared_by = sharing;
        if (level == 3) caches->l3_bytes = bytes, caches->l3_shared_by = sharing;
    }
    caches->source = "sysfs";
    return complete(caches);
}
#endif

#if defined(__APPLE__)
static int64_t sysctl_number(const char *name) {
    int64_t value = 0;
    size_t size = sizeof value;
    return sysctlbyname(name, &value, &size, NULL, 0) == 0 ? value : 0;
}

/* Apple silicon describes its performance cores as perflevel0, whose L2 a cluster shares. */
static int detect_sysctl(ck_cache_info *caches) {
    caches->l1d_bytes = sysctl_number("hw.perflevel0.l1dcachesize");
    caches->l2_bytes = sysctl_number("hw.perflevel0.l2cachesize");
    int64_t per_l2 = sysctl_number("hw.perflevel0.cpusperl2");
    if (caches->l1d_bytes <= 0 || caches->l2_bytes <= 0) {
        caches->l1d_bytes = sysctl_number("hw.l1dcachesize");
        caches->l2_bytes = sysctl_number("hw.l2cachesize");
        caches->l3_bytes = sysctl_number("hw.l3cachesize");
        per_l2 = 1;
    }
    caches->l2_shared_by = per_l2 > 0 ? (int)per_l2 : 1;
    caches->l3_shared_by = 1;
    caches->source = "sysctl";
    return complete(caches);
}
#endif

static ck_cache_info detect(void) {
    ck_cache_info caches = {0};
#if defined(__x86_64__) || defined(__i386__)
    if (detect_cpuid(&caches)) return caches;
    caches = (ck_cache_info){0};
#endif
#if defined(__linux__)
    if (detect_sysfs(&caches)) return caches;
    caches = (ck_cache_info){0};
#endif
#if defined(__APPLE__)
    if (detect_sysctl(&caches)) return caches;
#endif
    return default_caches;
}

/* "48K", "1280K", "48M", "1G" or bytes, optionally "/N" for N cores sharing the cache. */
static int parse_size(const char *text, size_t length, int64_t *bytes, int *sharing) {
    char buffer[32];
    if (length == 0 || length >= sizeof buffer) return 0;
    memcpy(buffer, text, length);
    buffer[length] = '\0';
    char *end;
    long long value = strtoll(buffer, &end, 10);
    if (end == buffer || value <= 0) return 0;
    if (*end == 'K' || *end == 'k') value <<= 10, ++end;
    else if (*end == 'M' || *end == 'm') value <<= 20, ++end;
    else if (*end == 'G' || *end == 'g') value <<= 30, ++end;
    *sharing = 1;
    if (*end == '/') {
        char *start = end + 1;
        long shared = strtol(start, &end, 10);
        if (end == start || shared < 1 || shared > 4096) return 0;
        *sharing = (int)shared;
    }
    if (*end != '\0' || value > ((long long)1 << 40)) return 0;
    *bytes = value;
    return 1;
}

/* "l1d=48K,l2=1280K,l3=48M/8": l1d and l2 required, l3 optional (none when absent). */
static int parse_spec(const char *spec, ck_cache_info *caches) {
    *caches = (ck_cache_info){.l2_shared_by = 1, .l3_shared_by = 1};
    const char *p = spec;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t length = comma ? (size_t)(comma - p) : strlen(p);
        const char *equals = memchr(p, '=', length);
        if (equals == NULL) return 0;
        size_t key = (size_t)(equals - p);
        int64_t bytes;
        int sharing;
        if (!parse_size(equals + 1, length - key - 1, &bytes, &sharing)) return 0;
        if (key == 3 && strncmp(p, "l1d", 3) == 0 && sharing == 1) caches->l1d_bytes = bytes;
        else if (key == 2 && strncmp(p, "l2", 2) == 0) caches->l2_bytes = bytes, caches->l2_shared_by = sharing;
        else if (key == 2 && strncmp(p, "l3", 2) == 0) caches->l3_bytes = bytes, caches->l3_shared_by = sharing;
        else return 0;
        p += length;
        if (*p == ',') ++p;
    }
    return complete(caches);
}

/* The geometry at start (CKERNELS_CACHES or the CPU's), and the one in use. */
static ck_cache_info initial, current;
static pthread_once_t current_once = PTHREAD_ONCE_INIT;

static void initialize(void) {
    const char *spec = getenv("CKERNELS_CACHES");
    initial.source = NULL;
    if (spec != NULL && spec[0] != '\0') {
        if (parse_spec(spec, &initial)) {
            initial.source = "CKERNELS_CACHES";
        } else {
            fprintf(stderr, "ckernels: CKERNELS_CACHES=%s is not of the form l1d=48K,l2=1280K[,l3=48M[/cores]]; "
                            "detecting the caches instead\n", spec);
        }
    }
    if (initial.source == NULL) initial = detect();
    current = initial;
}

const ck_cache_info *ck_caches_active(void) {
    pthread_once(&current_once, initialize);
    return &current;
}

void ck_caches(ck_cache_info *caches) {
    if (caches) *caches = *ck_caches_active();
}

ck_status ck_set_caches(const char *spec) {
    pthread_once(&current_once, initialize);
    if (spec == NULL || spec[0] == '\0') {
        current = initial;
        return CK_OK;
    }
    ck_cache_info parsed;
    if (!parse_spec(spec, &parsed)) return CK_EINVAL;
    parsed.source = "ck_set_caches";
    current = parsed;
    return CK_OK;
}
