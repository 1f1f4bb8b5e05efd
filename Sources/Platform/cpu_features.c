#include "Platform.h"

#if defined(__x86_64__)
#include <cpuid.h>

static int bit(unsigned int word, int n) { return (word >> n) & 1; }

int attention_cpu_supports_x86_64_v3(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    // FMA 12, MOVBE 22, OSXSAVE 27, AVX 28, F16C 29 (and the SSE levels before them).
    if (!(bit(ecx, 12) && bit(ecx, 22) && bit(ecx, 27) && bit(ecx, 28) && bit(ecx, 29))) return 0;
    // XCR0 bits 1 and 2: the OS saves the SSE and the upper AVX register state.
    unsigned int xcr0_low, xcr0_high;
    __asm__ volatile("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    if ((xcr0_low & 6) != 6) return 0;
    // BMI1 3, AVX2 5, BMI2 8.
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    if (!(bit(ebx, 3) && bit(ebx, 5) && bit(ebx, 8))) return 0;
    // LZCNT 5.
    if (!__get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx)) return 0;
    return bit(ecx, 5);
}
#else
int attention_cpu_supports_x86_64_v3(void) { return 0; }
#endif
