/* fuzz-target.h: the libFuzzer entry point each fuzz-*.c defines; fuzz-replay.c calls it
 * over a corpus so that every compiler runs the targets in the test suite. */
#pragma once

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);
