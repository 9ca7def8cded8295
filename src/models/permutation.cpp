// permutation_test (see permutation.hpp); conventions from metafor 3.8-1
// permutest.rma.uni (two-sided, p2defn = "abs", stat = "test").
#include "models/permutation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include <fmt/format.h>

namespace metapool {
namespace {

// metafor's comptol: .Machine$double.eps^0.5.
const double kCompTol = std::sqrt(std::numeric_limits<double>::epsilon());
// Give up after this many failed refits per requested permutation.
constexpr std::size_t kMaxFailuresPerIteration = 100;

// Uniform integer in [0, n) from the 64-bit engine by rejection, so the
// stream is the same with every standard library (std::uniform_int_distribution
// is implementation-defined).
std::size_t uniform_index(std::mt19937_64& engine, std::size_t n) {
  const std::uint64_t range = n;
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % range;
  for (;;) {
    const std::uint64_t draw = engine();
    if (draw < limit) return static_cast<std::size_t>(draw % range);
  }
}

// Group id of every row of x (identical rows share an id; ids ordered by
// the rows' lexicographic order).
std::vector<std::size_t> row_groups(const DesignMatrix& x, std::size_t& groups) {
  const std::size_t k = x.rows();
  std::vector<std::size_t> order(k);
  std::iota(order.begin(), order.end(), 0);
  const auto less = [&x](std::size_t a, std::size_t b) {
    for (std::size_t j = 0; j < x.cols(); ++j) {
      if (x.at(a, j) != x.at(b, j)) return x.at(a, j) < x.at(b, j);
    }
    return false;
  };
  std::stable_sort(order.begin(), order.end(), less);
  std::vector<std::size_t> id(k, 0);
  groups = 0;
  for (std::size_t n = 0; n < k; ++n) {
    if (n > 0 && less(order[n - 1], order[n])) ++groups;
    id[order[n]] = groups;
  }
  if (k > 0) ++groups;
  return id;
}

DesignMatrix permuted(const DesignMatrix& x, const std::vector<std::size_t>& rows) {
  DesignMatrix out;
  out.names = x.names;
  out.columns.resize(x.cols());
  for (std::size_t j = 0; j < x.cols(); ++j) {
    out.columns[j].resize(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) out.columns[j][i] = x.at(rows[i], j);
  }
  return out;
}

struct Tally {
  std::vector<std::size_t> extreme;  // per coefficient
  std::size_t extreme_qm = 0;
  std::size_t counted = 0;
  std::size_t counted_qm = 0;
};

void count(const MetaregResult& fit, const MetaregResult& observed, Tally& tally) {
  ++tally.counted;
  for (std::size_t j = 0; j < observed.coefficients.size(); ++j) {
    if (std::fabs(fit.coefficients[j].statistic) >= std::fabs(observed.coefficients[j].statistic) - kCompTol) {
      ++tally.extreme[j];
    }
  }
  if (std::isfinite(fit.QM)) {
    ++tally.counted_qm;
    if (fit.QM >= observed.QM - kCompTol) ++tally.extreme_qm;
  }
}

}  // namespace

double distinct_permutations(const DesignMatrix& x) {
  std::size_t groups = 0;
  const auto id = row_groups(x, groups);
  std::vector<double> sizes(groups, 0.0);
  for (std::size_t g : id) sizes[g] += 1.0;
  double log_count = std::lgamma(static_cast<double>(x.rows()) + 1.0);
  for (double n : sizes) log_count -= std::lgamma(n + 1.0);
  return std::round(std::exp(log_count));
}

Expected<PermutationResult> permutation_test(const EffectData& data, const DesignMatrix& x,
                                             const MetaregOptions& options, const MetaregResult& observed,
                                             const PermutationOptions& permutation) {
  if (permutation.iterations < 2) {
    return make_error(fmt::format("--permutations {} is too small; expected at least 2", permutation.iterations));
  }
  if (x.cols() < 2) {
    return make_error("a permutation test needs a model with moderators (--mods)");
  }
  PermutationResult out;
  out.seed = permutation.seed;
  out.exact_count = distinct_permutations(x);
  out.exact = permutation.exact || out.exact_count <= static_cast<double>(permutation.iterations);
  if (out.exact && !(out.exact_count <= permutation.max_exact)) {
    return make_error(fmt::format("an exact permutation test needs {:.4g} refits (more than {:.4g}); use an "
                                  "approximate test",
                                  out.exact_count, permutation.max_exact));
  }
  MetaregOptions refit = options;
  refit.compute_r2 = false;
  refit.compute_tau2_ci = false;
  if (observed.tau2_fixed && observed.tau2) refit.tau2_fixed = observed.tau2;
  refit.btt = observed.btt;

  Tally tally;
  tally.extreme.assign(x.cols(), 0);
  const std::size_t k = x.rows();
  const auto try_fit = [&](const std::vector<std::size_t>& rows) -> std::optional<MetaregResult> {
    auto fit = fit_metareg(data, permuted(x, rows), refit);
    if (!fit || !fit->converged) return std::nullopt;
    return std::move(fit).value();
  };

  if (out.exact) {
    // Every distinct arrangement of the row groups: position i gets a row of
    // group labels[i] (identical rows are interchangeable).
    std::size_t groups = 0;
    const auto id = row_groups(x, groups);
    std::vector<std::size_t> representative(groups);
    for (std::size_t i = 0; i < k; ++i) representative[id[i]] = i;
    std::vector<std::size_t> labels = id;
    std::sort(labels.begin(), labels.end());
    std::vector<std::size_t> rows(k);
    do {
      for (std::size_t i = 0; i < k; ++i) rows[i] = representative[labels[i]];
      ++out.iterations;
      if (auto fit = try_fit(rows)) {
        count(*fit, observed, tally);
      } else {
        ++out.failed;
      }
    } while (std::next_permutation(labels.begin(), labels.end()));
  } else {
    std::mt19937_64 engine(permutation.seed);
    count(observed, observed, tally);  // the first "permutation" is the observed data
    out.iterations = 1;
    std::vector<std::size_t> rows(k);
    const std::size_t max_failures = kMaxFailuresPerIteration * permutation.iterations;
    while (out.iterations < permutation.iterations) {
      std::iota(rows.begin(), rows.end(), 0);
      for (std::size_t i = k - 1; i > 0; --i) std::swap(rows[i], rows[uniform_index(engine, i + 1)]);
      if (auto fit = try_fit(rows)) {
        count(*fit, observed, tally);
        ++out.iterations;
      } else if (++out.failed > max_failures) {
        return make_error(fmt::format("permutation test: {} refits failed; the model cannot be refitted on "
                                      "permuted moderators",
                                      out.failed));
      }
    }
  }
  out.pval.resize(x.cols());
  for (std::size_t j = 0; j < x.cols(); ++j) {
    out.pval[j] = tally.counted > 0 ? std::min(1.0, static_cast<double>(tally.extreme[j]) / tally.counted) : kNaN;
  }
  out.QM_pval = tally.counted_qm > 0 ? static_cast<double>(tally.extreme_qm) / tally.counted_qm : kNaN;
  return out;
}

}  // namespace metapool
