/*
 * fuzz.h: the libFuzzer entry point every tests/fuzz/fuzz_*.c defines.
 * Targets cap their input, free everything, and must never abort on any
 * input; replay_main.c runs them over the corpus in `make check`.
 */
#ifndef MTASTS_FUZZ_H
#define MTASTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#endif /* MTASTS_FUZZ_H */
