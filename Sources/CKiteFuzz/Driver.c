#include "CKiteFuzz.h"

// Weak: the plain build (tests, `swift build`) links without libFuzzer.
extern int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *, size_t))
    __attribute__((weak));

int kite_fuzz_run_driver(int *argc, char ***argv, KiteFuzzCallback callback) {
    if (!LLVMFuzzerRunDriver) return -1;
    return LLVMFuzzerRunDriver(argc, argv, callback);
}
