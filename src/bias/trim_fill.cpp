#include "bias/trim_fill.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "bias/regression_test.hpp"
#include "models/pool.hpp"

namespace metapool {

std::string_view to_string(TrimFillEstimator estimator) { return estimator == TrimFillEstimator::L0 ? "L0" : "R0"; }
std::string_view to_string(FunnelSide side) { return side == FunnelSide::Left ? "left" : "right"; }

namespace {

// Average ranks (R's rank(ties.method = "average")), 1-based.
std::vector<double> average_ranks(const std::vector<double>& x) {
  const std::size_t n = x.size();
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> rank(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j + 1 < n && x[idx[j + 1]] == x[idx[i]]) ++j;
    const double r = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (std::size_t t = i; t <= j; ++t) rank[idx[t]] = r;
    i = j + 1;
  }
  return rank;
}

}  // namespace

TrimFillResult trim_fill(const EffectData& data, const PoolOptions& options, const TrimFillOptions& tf) {
  TrimFillResult r;
  r.estimator = tf.estimator;
  const std::size_t k = data.k();
  if (options.method == Method::MH || options.method == Method::PETO) {
    r.message = fmt::format("trim and fill needs an inverse-variance model (EE or a tau^2 estimator); metafor has "
                            "no trimfill for {} models",
                            to_string(options.method));
    return r;
  }
  if (k < 3) {
    r.message = fmt::format("trim and fill needs k >= 3 studies (got {})", k);
    return r;
  }
  // As metafor 3.8-1's trimfill, the model (while trimming and after filling)
  // uses z tests and z-based intervals whatever the test of the original model.
  PoolOptions fit_options = options;
  fit_options.test = TestType::Z;
  if (options.test != TestType::Z) {
    r.warnings.push_back(fmt::format("the filled model uses z tests, as metafor's trimfill (test {} not applied)",
                                     to_string(options.test)));
  }

  // ---- side ----
  if (tf.side) {
    r.side = *tf.side;
    r.side_estimated = false;
  } else {
    const RegtestResult reg =
        regtest(data, RegtestModel::Rma, RegtestPredictor::Sei, options.method, TestType::Z, options.ci_level);
    if (!reg.ok) {
      r.message = "trim and fill: the side could not be estimated (" + reg.message + "); give --side";
      return r;
    }
    r.side = reg.slope < 0 ? FunnelSide::Right : FunnelSide::Left;
  }
  const double flip = r.side == FunnelSide::Right ? -1.0 : 1.0;

  // ---- mirrored and sorted data ----
  std::vector<std::size_t> order(k);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return flip * data.yi[a] < flip * data.yi[b]; });
  std::vector<double> y(k), v(k);
  for (std::size_t i = 0; i < k; ++i) {
    y[i] = flip * data.yi[order[i]];
    v[i] = data.vi[order[i]];
  }
  const double kd = static_cast<double>(k);

  int k0 = 0;
  double beta = kNaN, l0 = kNaN;
  r.converged = false;
  for (int iter = 1; iter <= tf.max_iter; ++iter) {
    r.iterations = iter;
    const std::size_t kt = k - static_cast<std::size_t>(k0);
    EffectData trimmed{std::vector<double>(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(kt)),
                       std::vector<double>(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(kt))};
    const PoolResult fit = fit_uni(trimmed, fit_options);
    if (!fit.converged) {
      r.message = "trim and fill: the model on the trimmed data could not be fitted";
      if (!fit.warnings.empty()) r.message += " (" + fit.warnings.back() + ")";
      return r;
    }
    beta = fit.estimate;
    std::vector<double> dev(k), absdev(k);
    for (std::size_t i = 0; i < k; ++i) {
      dev[i] = y[i] - beta;
      absdev[i] = std::fabs(dev[i]);
    }
    const auto rank = average_ranks(absdev);
    int next = 0;
    if (tf.estimator == TrimFillEstimator::L0) {
      double sr = 0;
      for (std::size_t i = 0; i < k; ++i) {
        if (dev[i] > 0) sr += rank[i];
      }
      l0 = (4.0 * sr - kd * (kd + 1.0)) / (2.0 * kd - 1.0);
      next = std::max(0, static_cast<int>(std::nearbyint(l0)));  // R's round: half to even
    } else {
      std::vector<std::size_t> by_abs(k);
      std::iota(by_abs.begin(), by_abs.end(), 0);
      std::stable_sort(by_abs.begin(), by_abs.end(), [&](std::size_t a, std::size_t b) { return absdev[a] < absdev[b]; });
      int run = 0;
      for (std::size_t t = k; t-- > 0;) {
        if (dev[by_abs[t]] > 0) {
          ++run;
        } else {
          break;
        }
      }
      next = std::max(0, run - 1);
    }
    if (next >= static_cast<int>(k) - 1) {
      r.message = fmt::format("trim and fill: the estimated number of missing studies ({}) leaves fewer than 2 "
                              "studies after trimming",
                              next);
      return r;
    }
    if (next == k0) {
      r.converged = true;
      break;
    }
    k0 = next;
  }
  if (!r.converged) {
    r.warnings.push_back(fmt::format("trim and fill did not converge within {} iterations (k0 = {})", tf.max_iter, k0));
  }
  r.k0 = k0;
  if (tf.estimator == TrimFillEstimator::L0) {
    const double n = kd, L = l0;
    const double var_t = (n * (n + 1) * (2 * n + 1) + 10 * L * L * L + 27 * L * L + 17 * L - 18 * n * L * L -
                          18 * n * L + 6 * n * n * L) /
                         24.0;
    r.se_k0 = std::sqrt(16.0 * var_t) / (2.0 * n - 1.0);
  } else {
    r.se_k0 = std::sqrt(2.0 * k0 + 2.0);
    r.p_k0 = std::pow(0.5, k0 + 1);
  }

  // ---- fill and refit ----
  EffectData augmented = data;
  for (std::size_t i = k - static_cast<std::size_t>(k0); i < k; ++i) {
    const double filled = flip * (2.0 * beta - y[i]);
    r.filled_yi.push_back(filled);
    r.filled_vi.push_back(v[i]);
    augmented.yi.push_back(filled);
    augmented.vi.push_back(v[i]);
  }
  r.pooled = fit_uni(augmented, fit_options);
  r.ok = r.pooled.converged;
  if (!r.ok) r.message = "trim and fill: the model on the filled data could not be fitted";
  return r;
}

}  // namespace metapool
