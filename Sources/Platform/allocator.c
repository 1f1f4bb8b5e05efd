#include "Platform.h"

#include <stdlib.h>  // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>

void attention_retain_freed_memory(void) {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest allowed value on 64-bit
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
}
#else
void attention_retain_freed_memory(void) {}
#endif

#if defined(__linux__)
#include <stdint.h>
#include <sys/mman.h>

void attention_advise_huge_pages(void *start, size_t bytes) {
#if defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t first = ((uintptr_t)start + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)start + bytes) & ~(huge - 1);
    if (end > first) (void)madvise((void *)first, end - first, MADV_HUGEPAGE);
#else
    (void)start;
    (void)bytes;
#endif
}
#else
void attention_advise_huge_pages(void *start, size_t bytes) {
    (void)start;
    (void)bytes;
}
#endif
