#include "Platform.h"

#include <signal.h>

// Written by a signal handler, read by the program: sig_atomic_t and volatile are what C
// guarantees for that.
static volatile sig_atomic_t interrupt_requested = 0;

void attention_request_interrupt(void) { interrupt_requested = 1; }

int attention_interrupt_requested(void) { return interrupt_requested; }

void attention_clear_interrupt(void) { interrupt_requested = 0; }
