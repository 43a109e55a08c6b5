// Single-precision matrix multiply, C = A x B for N x N matrices, in i-k-j order so the
// inner loop runs along rows of B and C: `clang -O3 -msimd128` makes it f32x4 multiplies
// and adds. Every element is computed by the same sequence of roundings in both builds, so
// the checksum is the same.
#include <stdio.h>
#include <stdlib.h>

#define N 256
#define REPEAT 4

static void multiply(const float *restrict a, const float *restrict b, float *restrict c) {
    for (int i = 0; i < N * N; i++) c[i] = 0;
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++) {
            float aik = a[i * N + k];
            for (int j = 0; j < N; j++) c[i * N + j] += aik * b[k * N + j];
        }
}

int main(void) {
    float *a = malloc(sizeof(float) * N * N), *b = malloc(sizeof(float) * N * N), *c = malloc(sizeof(float) * N * N);
    unsigned seed = 7;
    for (int i = 0; i < N * N; i++) {
        seed = seed * 1103515245u + 12345u;
        a[i] = (float)((seed >> 8) % 2001) / 1000.0f - 1.0f;
        seed = seed * 1103515245u + 12345u;
        b[i] = (float)((seed >> 8) % 2001) / 1000.0f - 1.0f;
    }
    double checksum = 0;
    for (int r = 0; r < REPEAT; r++) {
        multiply(a, b, c);
        for (int i = 0; i < N * N; i++) checksum += c[i] * (double)((i % 7) + 1);
        a[r] += 0.5f;  // a different product each time
    }
    printf("matmul %dx%d x%d: checksum %.6f, c[0] %.6f, c[last] %.6f\n", N, N, REPEAT, checksum, c[0], c[N * N - 1]);
    free(a); free(b); free(c);
    return 0;
}
