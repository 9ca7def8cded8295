// Leave-one-out and cumulative refits (see subset_fits.hpp). The model on a
// subset is the one fit_uni fits (metafor rma.uni): the same tau^2
// estimators, Knapp-Hartung factor, I2/H2 with the "typical" variance
// vt = (k-1) sum(w) / (sum(w)^2 - sum(w^2)), and k = 1 giving tau2 = 0 and z.
#include "diagnostics/subset_fits.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "models/pool.hpp"
#include "models/tau2.hpp"
#include "stats/distributions.hpp"

namespace metapool {
namespace {

// Running sums of a subset: weighted (w = 1/vi) and unweighted mean and sum
// of squared deviations kept in Welford form (West 1979), so that adding and
// removing a study is O(1) and does not cancel catastrophically.
struct Moments {
  double n = 0;
  double sw = 0, sw2 = 0, mean = 0, q = 0;  // weighted: q = sum w (y - mean)^2
  double mean_u = 0, m2_u = 0, sv = 0;      // unweighted

  void add(double y, double v) {
    const double w = 1.0 / v;
    n += 1;
    const double sw_new = sw + w;
    const double d = y - mean;
    mean += w * d / sw_new;
    q += w * d * (y - mean);
    sw = sw_new;
    sw2 += w * w;
    const double du = y - mean_u;
    mean_u += du / n;
    m2_u += du * (y - mean_u);
    sv += v;
  }
  // Inverse of add (West 1979, reversed).
  void remove(double y, double v) {
    const double w = 1.0 / v;
    if (n <= 1) {
      *this = Moments{};
      return;
    }
    const double sw_new = sw - w;
    const double mean_new = (sw * mean - w * y) / sw_new;
    q -= w * (y - mean_new) * (y - mean);
    q = std::max(q, 0.0);
    mean = mean_new;
    sw = sw_new;
    sw2 -= w * w;
    const double n_new = n - 1;
    const double mu_new = (n * mean_u - y) / n_new;
    m2_u -= (y - mu_new) * (y - mean_u);
    m2_u = std::max(m2_u, 0.0);
    mean_u = mu_new;
    n = n_new;
    sv -= v;
  }
};

// tau^2 of the closed-form estimators from the subset's sums (tau2.cpp's
// formulas: DerSimonian-Laird / GENQ with weights 1/vi, Hedges, Hunter-
// Schmidt); nullopt for the others.
std::optional<double> closed_form_tau2(Method method, const Moments& m) {
  const double k = m.n;
  switch (method) {
    case Method::DL:
    case Method::GENQ: return std::max(0.0, (m.q - (k - 1.0)) / (m.sw - m.sw2 / m.sw));
    case Method::HE: return std::max(0.0, (m.m2_u - (k - 1.0) / k * m.sv) / (k - 1.0));
    case Method::HS: return std::max(0.0, (m.q - k) / m.sw);
    case Method::HSk: return std::max(0.0, k / (k - 1.0) * (m.q - (k - 1.0)) / m.sw);
    default: return std::nullopt;
  }
}

bool uses_start_value(Method method) {
  return method == Method::ML || method == Method::REML || method == Method::EB;
}

struct Tau2Outcome {
  double tau2 = kNaN;
  bool converged = true;
  std::string message;
};

// tau^2 on the subset listed by `for_each`: closed form from the sums, or the
// estimator (then options.fallback) on a copy of the subset.
template <class ForEach>
Tau2Outcome subset_tau2(const Moments& m, ForEach for_each, const PoolOptions& o, std::optional<double> start) {
  if (m.n < 2) return {0.0, true, ""};
  if (auto t = closed_form_tau2(o.method, m)) return {*t, true, ""};
  EffectData sub;
  for_each([&](double y, double v) {
    sub.yi.push_back(y);
    sub.vi.push_back(v);
  });
  std::vector<Method> chain{o.method};
  chain.insert(chain.end(), o.fallback.begin(), o.fallback.end());
  Tau2Outcome out;
  std::string failures;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const Tau2Function f = tau2_estimator(chain[i]);
    if (f == nullptr) continue;
    Tau2Options t;
    t.tol = o.tol;
    t.max_iter = o.max_iter;
    if (start && uses_start_value(chain[i]) && std::isfinite(*start)) t.tau2_init = *start;
    const Tau2Estimate e = f(sub, t);
    if (e.converged) {
      out.tau2 = e.tau2;
      if (i > 0) out.message = fmt::format("using {} after {} did not converge", to_string(chain[i]), to_string(o.method));
      return out;
    }
    failures += (failures.empty() ? "" : "; ") + e.message;
  }
  out.converged = false;
  out.message = failures.empty() ? "tau^2 could not be estimated" : failures;
  return out;
}

// The row of the model on the subset with sums `m`, listed by `for_each`.
template <class ForEach>
SubsetFit fit_subset(const Moments& m, ForEach for_each, const PoolOptions& o, std::optional<double> start) {
  SubsetFit r;
  r.k = static_cast<std::size_t>(m.n);
  const bool random = is_random_effects(o.method);
  const double k = m.n;
  const TestType test = r.k == 1 ? TestType::Z : o.test;

  if (r.k == 1) {
    r.Q = 0.0;
    r.Q_pval = 1.0;
    r.I2 = 0.0;
    r.H2 = 1.0;
  } else {
    r.Q = m.q;
    r.Q_pval = stats::pchisq_upper(m.q, k - 1.0);
    if (!random) {
      r.I2 = m.q > k - 1.0 ? 100.0 * (m.q - (k - 1.0)) / m.q : 0.0;
      r.H2 = m.q / (k - 1.0);
    }
  }

  double tau2 = 0.0;
  if (random) {
    const Tau2Outcome t = subset_tau2(m, for_each, o, start);
    r.message = t.message;
    if (!t.converged) {
      r.converged = false;
      return r;
    }
    tau2 = t.tau2;
    r.tau2 = tau2;
    if (r.k > 1) {
      const double vt = (k - 1.0) * m.sw / (m.sw * m.sw - m.sw2);
      r.I2 = 100.0 * tau2 / (vt + tau2);
      r.H2 = (vt + tau2) / vt;
    }
  }

  // Pooled estimate. With tau2 = 0 the equal-effects sums are the answer;
  // otherwise one pass with w = 1/(vi + tau2) (mean and Q_RE in Welford form).
  double est = m.mean, var = 1.0 / m.sw, q_re = m.q;
  if (tau2 > 0.0) {
    double sw = 0, mean = 0, q = 0;
    for_each([&](double y, double v) {
      const double w = 1.0 / (v + tau2);
      const double sw_new = sw + w;
      const double d = y - mean;
      mean += w * d / sw_new;
      q += w * d * (y - mean);
      sw = sw_new;
    });
    est = mean;
    var = 1.0 / sw;
    q_re = q;
  }
  if (random && o.method == Method::GENQ && r.message.empty()) {
    // rma(method = "GENQ", weights = 1/vi): fixed weights a = 1/vi,
    // var = sum a^2 (vi + tau2) / (sum a)^2.
    est = m.mean;
    var = (m.sw + tau2 * m.sw2) / (m.sw * m.sw);
  }
  r.estimate = est;
  r.se = std::sqrt(var);
  if (test == TestType::KNHA) {
    r.s2w = q_re / (k - 1.0);
    r.se *= std::sqrt(r.s2w);
  }
  r.statistic = r.estimate / r.se;
  const double upper = 1.0 - (1.0 - o.ci_level) / 2.0;
  double crit = 0;
  if (test == TestType::Z) {
    r.pval = stats::pval_two_sided_z(r.statistic);
    crit = stats::qnorm(upper);
  } else {
    r.df = k - 1.0;
    r.pval = stats::pval_two_sided_t(r.statistic, *r.df);
    crit = stats::qt(upper, *r.df);
  }
  r.ci_lb = r.estimate - crit * r.se;
  r.ci_ub = r.estimate + crit * r.se;
  return r;
}

SubsetFit failed(std::size_t k, std::string message) {
  SubsetFit r;
  r.k = k;
  r.converged = false;
  r.message = std::move(message);
  return r;
}

// A study that fit_uni would reject, or "".
std::string check_data(const EffectData& d) {
  if (d.vi.size() != d.k()) return "need one vi per yi";
  for (std::size_t i = 0; i < d.k(); ++i) {
    if (!std::isfinite(d.yi[i]) || !std::isfinite(d.vi[i]) || !(d.vi[i] > 0.0)) {
      return fmt::format("study {} needs a finite yi and vi > 0 (got yi {}, vi {})", i + 1, d.yi[i], d.vi[i]);
    }
  }
  return "";
}

SubsetFit from_pool(const PoolResult& p) {
  SubsetFit r;
  r.k = p.k;
  r.estimate = p.estimate;
  r.se = p.se;
  r.statistic = p.statistic;
  r.pval = p.pval;
  r.ci_lb = p.ci_lb;
  r.ci_ub = p.ci_ub;
  r.df = p.df;
  r.Q = p.Q;
  r.Q_pval = p.Q_pval;
  r.tau2 = p.tau2;
  r.I2 = p.I2.value_or(kNaN);
  r.H2 = p.H2.value_or(kNaN);
  r.converged = p.converged;
  if (!p.converged && !p.warnings.empty()) r.message = p.warnings.back();
  return r;
}

PoolResult fit_counts(const BinaryCounts& c, const PoolOptions& o) {
  return o.method == Method::MH ? fit_mh(c, o) : fit_peto(c, o);
}

BinaryCounts subset_counts(const BinaryCounts& c, const std::vector<std::size_t>& idx) {
  BinaryCounts s;
  for (std::size_t i : idx) {
    s.ai.push_back(c.ai[i]);
    s.n1i.push_back(c.n1i[i]);
    s.ci.push_back(c.ci[i]);
    s.n2i.push_back(c.n2i[i]);
  }
  return s;
}

}  // namespace

std::vector<SubsetFit> leave_one_out(const EffectData& data, const PoolOptions& options) {
  const std::size_t k = data.k();
  std::vector<SubsetFit> rows;
  if (k < 2) return rows;
  if (const std::string bad = check_data(data); !bad.empty()) {
    rows.assign(k, failed(k - 1, "leave_one_out: " + bad));
    return rows;
  }
  Moments all;
  for (std::size_t i = 0; i < k; ++i) all.add(data.yi[i], data.vi[i]);
  // Start ML/REML/EB from the full-data tau^2.
  std::optional<double> start;
  if (uses_start_value(options.method)) {
    const auto t = subset_tau2(all, [&](auto f) { for (std::size_t j = 0; j < k; ++j) f(data.yi[j], data.vi[j]); },
                               options, std::nullopt);
    if (t.converged) start = t.tau2;
  }
  rows.reserve(k);
  for (std::size_t i = 0; i < k; ++i) {
    Moments m = all;
    m.remove(data.yi[i], data.vi[i]);
    const auto for_each = [&](auto f) {
      for (std::size_t j = 0; j < k; ++j) {
        if (j != i) f(data.yi[j], data.vi[j]);
      }
    };
    rows.push_back(fit_subset(m, for_each, options, start));
  }
  return rows;
}

std::vector<SubsetFit> cumulative(const EffectData& data, const std::vector<std::size_t>& order,
                                  const PoolOptions& options) {
  const std::size_t k = data.k();
  std::vector<SubsetFit> rows;
  if (k == 0 || order.size() != k) return rows;
  if (const std::string bad = check_data(data); !bad.empty()) {
    for (std::size_t j = 0; j < k; ++j) rows.push_back(failed(j + 1, "cumulative: " + bad));
    return rows;
  }
  Moments m;
  std::optional<double> start;
  rows.reserve(k);
  for (std::size_t j = 0; j < k; ++j) {
    m.add(data.yi[order[j]], data.vi[order[j]]);
    const auto for_each = [&](auto f) {
      for (std::size_t t = 0; t <= j; ++t) f(data.yi[order[t]], data.vi[order[t]]);
    };
    rows.push_back(fit_subset(m, for_each, options, start));
    if (rows.back().tau2 && rows.back().k > 1) start = rows.back().tau2;
  }
  return rows;
}

std::vector<SubsetFit> leave_one_out(const BinaryCounts& counts, const PoolOptions& options) {
  const std::size_t k = counts.k();
  std::vector<SubsetFit> rows;
  if (k < 2) return rows;
  for (std::size_t i = 0; i < k; ++i) {
    std::vector<std::size_t> idx;
    for (std::size_t j = 0; j < k; ++j) {
      if (j != i) idx.push_back(j);
    }
    rows.push_back(from_pool(fit_counts(subset_counts(counts, idx), options)));
  }
  return rows;
}

std::vector<SubsetFit> cumulative(const BinaryCounts& counts, const std::vector<std::size_t>& order,
                                  const PoolOptions& options) {
  std::vector<SubsetFit> rows;
  if (order.size() != counts.k()) return rows;
  std::vector<std::size_t> idx;
  for (std::size_t i : order) {
    idx.push_back(i);
    rows.push_back(from_pool(fit_counts(subset_counts(counts, idx), options)));
  }
  return rows;
}

}  // namespace metapool
