#ifndef ATTENTION_PLATFORM_H
#define ATTENTION_PLATFORM_H

#include <stddef.h>

// What the Swift code needs from the machine that Swift's own modules do not offer.

/// 1 when this CPU and operating system can run code compiled for `-target-cpu haswell`:
/// x86-64-v3 (AVX, AVX2, FMA, BMI1, BMI2, F16C, LZCNT, MOVBE, with the 256-bit registers saved
/// by the OS) and everything below it, plus AES, PCLMULQDQ and RDRAND, which that CPU name
/// also lets the compiler use. 0 otherwise, and on other architectures.
int attention_cpu_runs_haswell_code(void);

/// 1 when this CPU and operating system can run code compiled for `-target-cpu
/// skylake-avx512`: everything `attention_cpu_runs_haswell_code` asks for, plus AVX-512 F, CD,
/// BW, DQ and VL with the mask and 512-bit register state saved by the OS (x86-64-v4). That CPU
/// name also allows ADX, RDSEED, CLWB, CLFLUSHOPT and XSAVEC, which compiled arithmetic never
/// uses (`.ci/check-instructions` reads the binary to confirm what the module does use). 0
/// otherwise, and on other architectures.
int attention_cpu_runs_avx512_code(void);

/// Asks the C allocator to keep freed memory for reuse instead of returning it to the system
/// at once (glibc: blocks under 32 MiB come from the heap, not from their own mmap, and the
/// heap is trimmed only past 64 MiB free). A trace allocates and frees tens of megabytes of
/// tensors; without this each one is mapped afresh and every page faults in again. Does nothing
/// where the C library is not glibc.
void attention_retain_freed_memory(void);

/// Asks Linux to back the whole 2 MiB pages inside [start, start + bytes) with huge pages
/// where it does that on request (transparent huge pages in `madvise` mode): a large array
/// about to be written for the first time then takes one page fault per 2 MiB, not one per
/// 4 KiB. Call it before touching the memory. Only advice: it changes no value, and does
/// nothing elsewhere or when the kernel declines.
void attention_advise_huge_pages(void *start, size_t bytes);

/// Ctrl-C while a long command runs: the SIGINT handler calls `attention_request_interrupt`
/// (async-signal-safe: it only sets a flag), and the command polls
/// `attention_interrupt_requested` between its steps. `attention_clear_interrupt` resets the
/// flag before a command starts.
void attention_request_interrupt(void);
int attention_interrupt_requested(void);
void attention_clear_interrupt(void);

#endif
