// The libFuzzer driver, when the fuzz executable is built with `-sanitize=fuzzer`
// (Tools/fuzz); without it, kite-fuzz only replays inputs from files.
#ifndef CKITE_FUZZ_H
#define CKITE_FUZZ_H
#include <stddef.h>
#include <stdint.h>

typedef int (*KiteFuzzCallback)(const uint8_t *data, size_t size);
/// Runs libFuzzer's main loop with the command-line flags in argv; -1 when libFuzzer is
/// not linked in.
int kite_fuzz_run_driver(int *argc, char ***argv, KiteFuzzCallback callback);
#endif
