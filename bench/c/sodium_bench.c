/* The ceiling: libsodium called from C on this machine, for the same operations the JMH
 * benchmarks time through JNA. Build and run with bench/run-native.sh. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void) {
  if (sodium_init() < 0) return 1;
  static unsigned char m[65519 + 16], c[65519 + 16];
  unsigned char k[32] = {0}, n[12] = {0};
  const int sizes[] = {64, 1024, 16384, 65519};
  for (int s = 0; s < 4; s++) {
    int size = sizes[s];
    long iters = 400000000L / (size + 256);
    double best = 1e9;
    for (int round = 0; round < 5; round++) {
      double t0 = now();
      for (long i = 0; i < iters; i++) {
        memcpy(n + 4, &i, sizeof i);
        crypto_aead_chacha20poly1305_ietf_encrypt(c, NULL, m, size, NULL, 0, NULL, n, k);
      }
      double dt = now() - t0;
      if (dt < best) best = dt;
    }
    printf("C libsodium %s ChaCha20-Poly1305 seal %6d B: %9.0f ops/s %7.0f MB/s\n",
           sodium_version_string(), size, iters / best, iters * (double) size / best / 1e6);
  }
  unsigned char q[32], sk[32] = {1}, pk[32];
  crypto_scalarmult_base(pk, sk);
  long iters = 20000;
  double t0 = now();
  for (long i = 0; i < iters; i++) crypto_scalarmult(q, sk, pk);
  printf("C libsodium X25519 agreement: %.0f ops/s\n", iters / (now() - t0));
  return 0;
}
