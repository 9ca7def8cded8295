#include "bias/rank_test.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "stats/distributions.hpp"

namespace metapool {
namespace {

// P(T <= q) for T = number of concordant pairs among n items under
// independence: T has the distribution of the number of inversions of a
// random permutation (Mahonian numbers, counted by dynamic programming).
double kendall_cdf(long q, int n) {
  const long max_t = static_cast<long>(n) * (n - 1) / 2;
  if (q < 0) return 0.0;
  if (q >= max_t) return 1.0;
  std::vector<double> counts(1, 1.0);  // permutations of 1 item
  for (int m = 2; m <= n; ++m) {
    const std::size_t size = counts.size() + static_cast<std::size_t>(m - 1);
    std::vector<double> next(size, 0.0);
    // next[t] = sum_{j=0}^{m-1} counts[t - j], via a running window sum
    double window = 0;
    for (std::size_t t = 0; t < size; ++t) {
      if (t < counts.size()) window += counts[t];
      if (t >= static_cast<std::size_t>(m) && t - m < counts.size()) window -= counts[t - m];
      next[t] = window;
    }
    counts = std::move(next);
  }
  double total = 0, below = 0;
  for (std::size_t t = 0; t < counts.size(); ++t) {
    total += counts[t];
    if (static_cast<long>(t) <= q) below += counts[t];
  }
  return below / total;
}

// Sizes of the groups of tied values (only groups of 2 or more).
std::vector<double> tie_groups(const std::vector<double>& x) {
  std::map<double, double> count;
  for (double v : x) count[v] += 1;
  std::vector<double> out;
  for (const auto& [value, n] : count) {
    if (n > 1) out.push_back(n);
  }
  return out;
}

}  // namespace

RankTestResult kendall_test(const std::vector<double>& x, const std::vector<double>& y) {
  RankTestResult r;
  const std::size_t n = x.size();
  r.k = n;
  if (n < 2 || y.size() != n) {
    r.message = fmt::format("rank correlation test needs k >= 2 studies (got {})", n);
    return r;
  }
  double s = 0;  // concordant - discordant
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double sx = (x[i] > x[j]) - (x[i] < x[j]);
      const double sy = (y[i] > y[j]) - (y[i] < y[j]);
      s += sx * sy;
    }
  }
  const double nd = static_cast<double>(n);
  const double t0 = nd * (nd - 1) / 2;
  const auto tx = tie_groups(x), ty = tie_groups(y);
  double t1 = 0, t2 = 0;
  for (double t : tx) t1 += t * (t - 1) / 2;
  for (double t : ty) t2 += t * (t - 1) / 2;
  r.tau = s / std::sqrt((t0 - t1) * (t0 - t2));
  r.ok = true;
  const bool ties = !tx.empty() || !ty.empty();
  if (n < 50 && !ties) {
    // cor.test: q = round((tau + 1) n (n - 1) / 4) concordant pairs.
    r.exact = true;
    r.statistic = s;
    const long q = std::lround((r.tau + 1) * nd * (nd - 1) / 4);
    const double p = static_cast<double>(q) > nd * (nd - 1) / 4 ? 1.0 - kendall_cdf(q - 1, static_cast<int>(n))
                                                               : kendall_cdf(q, static_cast<int>(n));
    r.pval = std::min(2.0 * p, 1.0);
    return r;
  }
  // Kendall (1970): variance of S with ties.
  double vt = 0, vu = 0, v1x = 0, v1y = 0, v2x = 0, v2y = 0;
  for (double t : tx) {
    vt += t * (t - 1) * (2 * t + 5);
    v1x += t * (t - 1);
    v2x += t * (t - 1) * (t - 2);
  }
  for (double t : ty) {
    vu += t * (t - 1) * (2 * t + 5);
    v1y += t * (t - 1);
    v2y += t * (t - 1) * (t - 2);
  }
  const double var_s = (nd * (nd - 1) * (2 * nd + 5) - vt - vu) / 18 + v1x * v1y / (2 * nd * (nd - 1)) +
                       v2x * v2y / (9 * nd * (nd - 1) * (nd - 2));
  r.statistic = s / std::sqrt(var_s);
  r.pval = stats::pval_two_sided_z(r.statistic);
  return r;
}

RankTestResult ranktest(const EffectData& data) {
  const std::size_t k = data.k();
  if (k < 2) {
    RankTestResult r;
    r.k = k;
    r.message = fmt::format("rank correlation test needs k >= 2 studies (got {})", k);
    return r;
  }
  double sw = 0, swy = 0;
  for (std::size_t i = 0; i < k; ++i) {
    sw += 1.0 / data.vi[i];
    swy += data.yi[i] / data.vi[i];
  }
  const double b = swy / sw, vb = 1.0 / sw;
  std::vector<double> ystar(k);
  for (std::size_t i = 0; i < k; ++i) ystar[i] = (data.yi[i] - b) / std::sqrt(data.vi[i] - vb);
  return kendall_test(ystar, data.vi);
}

}  // namespace metapool
