#include "Platform.h"

#if defined(__x86_64__)
#include <cpuid.h>

static int has_bits(unsigned int word, unsigned int bits) { return (word & bits) == bits; }

int attention_cpu_runs_haswell_code(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    // CPUID.1:ECX: SSE3 0, PCLMULQDQ 1, SSSE3 9, FMA 12, CX16 13, SSE4.1 19, SSE4.2 20,
    // MOVBE 22, POPCNT 23, AES 25, XSAVE 26, OSXSAVE 27, AVX 28, F16C 29, RDRAND 30.
    const unsigned int leaf1 = 1u << 0 | 1u << 1 | 1u << 9 | 1u << 12 | 1u << 13 | 1u << 19 | 1u << 20
                             | 1u << 22 | 1u << 23 | 1u << 25 | 1u << 26 | 1u << 27 | 1u << 28
                             | 1u << 29 | 1u << 30;
    if (!has_bits(ecx, leaf1)) return 0;
    // XCR0 bits 1 and 2: the OS saves the SSE and the upper AVX register state.
    unsigned int xcr0_low, xcr0_high;
    __asm__ volatile("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    if (!has_bits(xcr0_low, 6)) return 0;
    // CPUID.7.0:EBX: BMI1 3, AVX2 5, BMI2 8.
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    if (!has_bits(ebx, 1u << 3 | 1u << 5 | 1u << 8)) return 0;
    // CPUID.80000001h:ECX: LAHF/SAHF in 64-bit mode 0, LZCNT 5.
    if (!__get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx)) return 0;
    return has_bits(ecx, 1u << 0 | 1u << 5);
}

int attention_cpu_runs_avx512_code(void) {
    if (!attention_cpu_runs_haswell_code()) return 0;
    unsigned int eax, ebx, ecx, edx;
    // CPUID.7.0:EBX: AVX512F 16, AVX512DQ 17, AVX512CD 28, AVX512BW 30, AVX512VL 31.
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    if (!has_bits(ebx, 1u << 16 | 1u << 17 | 1u << 28 | 1u << 30 | 1u << 31)) return 0;
    // XCR0 bits 5, 6 and 7: the OS saves the mask registers and both halves of the 512-bit
    // register state (besides bits 1 and 2, checked above).
    unsigned int xcr0_low, xcr0_high;
    __asm__ volatile("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    return has_bits(xcr0_low, 0xe6);
}
#else
int attention_cpu_runs_haswell_code(void) { return 0; }
int attention_cpu_runs_avx512_code(void) { return 0; }
#endif
