// A 4-lane multiply-rotate hash (the shape of xxHash32's inner loop) over a pseudo-random
// buffer, run several times. The four lanes are independent, so `clang -O3 -msimd128`
// turns the loop into i32x4 multiplies, shifts and ors; the scalar build runs it lane by lane.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define PRIME1 2654435761u
#define PRIME2 2246822519u
#define PRIME3 3266489917u
#define WORDS (1 << 20)  // 4 MiB
#define ROUNDS 160

static uint32_t rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static void hash(const uint32_t *restrict words, size_t n, uint32_t acc[restrict 4]) {
    uint32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    for (size_t i = 0; i < n; i += 4) {
        a0 = rotl(a0 + words[i] * PRIME2, 13) * PRIME1;
        a1 = rotl(a1 + words[i + 1] * PRIME2, 13) * PRIME1;
        a2 = rotl(a2 + words[i + 2] * PRIME2, 13) * PRIME1;
        a3 = rotl(a3 + words[i + 3] * PRIME2, 13) * PRIME1;
    }
    acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3;
}

int main(void) {
    uint32_t *words = malloc(WORDS * sizeof(uint32_t));
    uint32_t seed = 12345;
    for (size_t i = 0; i < WORDS; i++) {
        seed = seed * 1664525u + 1013904223u;
        words[i] = seed ^ (seed >> 15);
    }
    uint32_t acc[4] = {PRIME1 + PRIME2, PRIME2, 0, 0u - PRIME1};
    for (int round = 0; round < ROUNDS; round++) {
        hash(words, WORDS, acc);
        words[round] ^= acc[round & 3];  // each round hashes a slightly different buffer
    }
    uint32_t h = rotl(acc[0], 1) + rotl(acc[1], 7) + rotl(acc[2], 12) + rotl(acc[3], 18);
    h ^= h >> 15; h *= PRIME2; h ^= h >> 13; h *= PRIME3; h ^= h >> 16;
    printf("hash: %08x (lanes %08x %08x %08x %08x)\n", h, acc[0], acc[1], acc[2], acc[3]);
    free(words);
    return 0;
}
