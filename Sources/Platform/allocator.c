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
