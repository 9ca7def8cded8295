// Benchmark driver (not a test): fits REML to seeded synthetic data of size k
// and prints the fit time. Built and run by scripts/bench_pool.sh.
// Usage: bench_pool_driver K [SEED]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "models/pool.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_pool_driver K [SEED]\n");
    return 2;
  }
  const auto k = static_cast<std::size_t>(std::strtoull(argv[1], nullptr, 10));
  const auto seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 20240601ULL;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unif(0.01, 0.5);
  std::normal_distribution<double> norm(0.0, 1.0);
  metapool::EffectData data;
  data.yi.resize(k);
  data.vi.resize(k);
  for (std::size_t i = 0; i < k; ++i) {
    data.vi[i] = unif(rng);
    data.yi[i] = -0.2 + std::sqrt(data.vi[i] + 0.1) * norm(rng);  // true tau2 = 0.1
  }
  metapool::PoolOptions options;  // REML, z, tol 1e-12
  const auto start = std::chrono::steady_clock::now();
  const auto r = metapool::fit_uni(data, options);
  const auto stop = std::chrono::steady_clock::now();
  const double ms = std::chrono::duration<double, std::milli>(stop - start).count();
  std::printf("k=%zu REML fit (incl. Q-profile CI): %.3f ms  tau2=%.6f estimate=%.6f converged=%d\n", k, ms,
              r.tau2.value_or(-1.0), r.estimate, r.converged ? 1 : 0);
  return r.converged ? 0 : 1;
}
