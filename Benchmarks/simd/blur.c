// A 3x3 box blur of an 8-bit grayscale image, then a brightness/contrast step with
// saturation: byte lanes widened to 16 bits, summed, divided, narrowed back. `clang -O3
// -msimd128` vectorizes both loops (i16x8 extends, adds, saturating narrows); the
// scalar build works pixel by pixel.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define W 1024
#define H 768
#define PASSES 12

static void blur(const uint8_t *restrict src, uint8_t *restrict dst) {
    for (int y = 1; y < H - 1; y++) {
        const uint8_t *above = src + (y - 1) * W, *row = src + y * W, *below = src + (y + 1) * W;
        uint8_t *out = dst + y * W;
        for (int x = 1; x < W - 1; x++) {
            uint16_t sum = (uint16_t)(above[x - 1] + above[x] + above[x + 1] + row[x - 1] + row[x] + row[x + 1]
                                      + below[x - 1] + below[x] + below[x + 1]);
            out[x] = (uint8_t)((sum * 7282u) >> 16);  // sum / 9, rounded down
        }
    }
}

static void contrast(uint8_t *restrict pixels, int n) {
    for (int i = 0; i < n; i++) {
        int v = (pixels[i] - 128) * 9 / 8 + 128;
        pixels[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

int main(void) {
    uint8_t *a = calloc(W * H, 1), *b = calloc(W * H, 1);
    uint32_t seed = 99;
    for (int i = 0; i < W * H; i++) {
        seed = seed * 1664525u + 1013904223u;
        a[i] = (uint8_t)(seed >> 24);
    }
    for (int pass = 0; pass < PASSES; pass++) {
        blur(a, b);
        contrast(b, W * H);
        uint8_t *t = a; a = b; b = t;
    }
    uint64_t sum = 0, weighted = 0;
    for (int i = 0; i < W * H; i++) { sum += a[i]; weighted += (uint64_t)a[i] * (uint64_t)(i % 251); }
    printf("blur %dx%d x%d: sum %llu, weighted %llu, centre %u\n", W, H, PASSES,
           (unsigned long long)sum, (unsigned long long)weighted, a[(H / 2) * W + W / 2]);
    free(a); free(b);
    return 0;
}
