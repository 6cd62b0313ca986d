/* libFuzzer's public driver entry point (compiler-rt's FuzzerInterface.h, LLVM 11 and later).
 * The runtime linked by `-sanitize=fuzzer` defines it; SwiftPM renames each executable's
 * entry point and aliases `main` to it, so libFuzzer's own `main` is never linked and the
 * fuzzers call the driver from their `@main` instead. */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test_one_input)(const uint8_t *data, size_t size));
