// fit_uni: EE and random-effects models on yi/vi (metafor 3.8-1 rma.uni,
// predict.rma, confint.rma.uni). Stages: validate -> tau^2 (with fallback)
// -> pooled estimate and test -> heterogeneity -> intervals.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "models/conventions_stats.hpp"
#include "models/pool.hpp"
#include "models/qprofile.hpp"
#include "models/tau2.hpp"
#include "models/weighted_sums.hpp"
#include "stats/distributions.hpp"

namespace metapool {
namespace {

// A study that cannot enter the model: its index, or k when all are fine.
std::size_t first_invalid(const EffectData& d) {
  for (std::size_t i = 0; i < d.k(); ++i) {
    if (!std::isfinite(d.yi[i]) || !std::isfinite(d.vi[i]) || !(d.vi[i] > 0.0)) return i;
  }
  return d.k();
}

struct Tau2Choice {
  Method method;
  Tau2Estimate estimate;
};

// The requested estimator, then options.fallback in order until one converges.
Tau2Choice estimate_tau2(const EffectData& d, const PoolOptions& o, std::vector<std::string>& warnings,
                         bool& converged) {
  Tau2Options t_opts;
  t_opts.tol = o.tol;
  t_opts.max_iter = o.max_iter;
  // The chain o.method, o.fallback... walked in place (no vector per fit).
  const auto chain = [&o](std::size_t i) { return i == 0 ? o.method : o.fallback[i - 1]; };
  const std::size_t chain_size = 1 + o.fallback.size();
  Tau2Choice last{o.method, {}};
  for (std::size_t i = 0; i < chain_size; ++i) {
    const Tau2Function f = tau2_estimator(chain(i));
    if (f == nullptr) {
      warnings.push_back(fmt::format("fit_uni: fallback {} is not a random-effects estimator; skipped",
                                     to_string(chain(i))));
      continue;
    }
    last = {chain(i), f(d, t_opts)};
    if (last.estimate.converged && !std::isfinite(last.estimate.tau2)) {
      // e.g. |yi| ~ 1e160: the squares overflow and a closed form gives Inf.
      last.estimate.converged = false;
      last.estimate.message = fmt::format("{}: tau^2 is not finite (the effects are too large for double arithmetic)",
                                          to_string(chain(i)));
    }
    if (last.estimate.converged) {
      if (!last.estimate.message.empty()) warnings.push_back(last.estimate.message);
      if (i > 0) {
        warnings.push_back(fmt::format("fit_uni: using {} after {} did not converge", to_string(chain(i)),
                                       to_string(o.method)));
      }
      converged = true;
      return last;
    }
    warnings.push_back(last.estimate.message);
  }
  converged = false;
  return last;
}

void fill_studies(const EffectData& d, const std::vector<double>& weights, double ci_level,
                  stats::QuantileMemo* quantiles, PoolResult& r) {
  const double z = stats::qnorm(1.0 - (1.0 - ci_level) / 2.0, quantiles);
  double total = 0;
  for (double w : weights) total += w;
  r.studies.resize(d.k());
  for (std::size_t i = 0; i < d.k(); ++i) {
    auto& s = r.studies[i];
    s.yi = d.yi[i];
    s.vi = d.vi[i];
    s.ci_lb = d.yi[i] - z * std::sqrt(d.vi[i]);
    s.ci_ub = d.yi[i] + z * std::sqrt(d.vi[i]);
    s.weight = weights.empty() ? kNaN : 100.0 * weights[i] / total;
  }
}

}  // namespace

PoolResult fit_uni(const EffectData& data, const PoolOptions& options) {
  PoolResult r;
  r.measure = options.measure;
  r.method = options.method;
  r.requested = options.method;
  r.test = options.test;
  r.ci_level = options.ci_level;
  r.k = data.k();
  r.i2_definition = options.i2;
  r.pi_df = resolve_pi_df(options.pi_df, options.test);
  const bool random = is_random_effects(options.method);
  const std::size_t k = data.k();

  // ---- validate ----
  if (options.method == Method::MH || options.method == Method::PETO) {
    r.converged = false;
    r.warnings.push_back(fmt::format("fit_uni: method {} needs 2x2 counts (use fit_mh / fit_peto)",
                                     to_string(options.method)));
    return r;
  }
  if (k == 0 || data.vi.size() != k) {
    r.converged = false;
    r.warnings.push_back(fmt::format("fit_uni: need k >= 1 studies with one vi per yi (got {} yi, {} vi)", k,
                                     data.vi.size()));
    return r;
  }
  if (const std::size_t bad = first_invalid(data); bad < k) {
    r.converged = false;
    r.warnings.push_back(fmt::format("fit_uni: study {} needs a finite yi and vi > 0 (got yi {}, vi {})", bad + 1,
                                     data.yi[bad], data.vi[bad]));
    fill_studies(data, {}, options.ci_level, options.quantiles, r);
    return r;
  }
  if (!(options.ci_level > 0.0 && options.ci_level < 1.0)) {
    r.converged = false;
    r.warnings.push_back(fmt::format("fit_uni: ci_level must be in (0, 1) (got {})", options.ci_level));
    return r;
  }
  {
    // metafor rma.uni's warning, in its words, from max(vi)/min(vi) >= 1e7 on
    // (observed at its edge: tests/golden/edge/thresholds.json).
    const auto [lo, hi] = std::minmax_element(data.vi.begin(), data.vi.end());
    if (*hi / *lo >= 1e7 && std::isfinite(*hi / *lo)) {
      r.warnings.push_back(
          "Ratio of largest to smallest sampling variance extremely large. May not be able to obtain stable results.");
    }
  }
  TestType test = options.test;
  if (k == 1 && test != TestType::Z) {
    test = TestType::Z;
    r.warnings.push_back("Setting argument test=\"z\" since k=1.");
  }
  if (!random && test == TestType::KNHA) {
    r.warnings.push_back("Knapp & Hartung method is not meant to be used in the context of EE models.");
  }
  r.test = test;

  // ---- tau^2 ----
  double tau2 = 0.0;
  if (random) {
    if (k == 1) {
      r.tau2 = 0.0;  // metafor: tau2 = 0, se.tau2 NA
    } else {
      bool ok = true;
      const Tau2Choice choice = estimate_tau2(data, options, r.warnings, ok);
      r.method = choice.method;
      r.converged = ok;
      if (!ok) {
        r.warnings.push_back(fmt::format("fit_uni: no estimator converged; the model was not fitted"));
      } else {
        tau2 = choice.estimate.tau2;
        r.tau2 = tau2;
        r.se_tau2 = choice.estimate.se_tau2;
      }
    }
    if (r.tau2) r.tau = std::sqrt(*r.tau2);
  }

  // ---- heterogeneity: Cochran's Q with w = 1/vi ----
  const auto fe = detail::weighted_sums(data.yi, data.vi, 0.0);
  const double kd = static_cast<double>(k);
  r.Q_df = static_cast<int>(k) - 1;
  if (k == 1) {
    r.Q = 0.0;
    r.Q_pval = 1.0;
    r.I2 = 0.0;
    r.H2 = 1.0;
  } else {
    r.Q = fe.q;
    r.Q_pval = stats::pchisq_upper(fe.q, kd - 1.0);
    if (!random) {
      // EE (metafor): I2 = max(0, (Q - df) / Q), H2 = Q / df.
      r.I2 = fe.q > kd - 1.0 ? 100.0 * (fe.q - (kd - 1.0)) / fe.q : 0.0;
      r.H2 = fe.q / (kd - 1.0);
    }
  }
  if (!r.converged) {
    fill_studies(data, {}, options.ci_level, options.quantiles, r);
    return r;
  }
  // Higgins & Thompson (2002) with the "typical" within-study variance
  // vt = (k-1) sum(w) / (sum(w)^2 - sum(w^2)), w = 1/vi (metafor print.rma.uni).
  const double vt = (kd - 1.0) * fe.sum_w / (fe.sum_w * fe.sum_w - fe.sum_w2);
  const auto i2_of = [vt](double t2) { return 100.0 * t2 / (vt + t2); };
  const auto h2_of = [vt](double t2) { return (vt + t2) / vt; };
  if (random && k > 1) {
    r.I2 = i2_of(tau2);
    r.H2 = h2_of(tau2);
  }

  // ---- pooled estimate ----
  std::vector<double> weights(k);
  double sum_w = 0, sum_wy = 0;
  const bool fixed_weights = options.method == Method::GENQ && r.method == Method::GENQ;
  for (std::size_t i = 0; i < k; ++i) {
    // GENQ (rma(method="GENQ", weights=1/vi)): the estimate uses the weights 1/vi.
    weights[i] = fixed_weights ? 1.0 / data.vi[i] : 1.0 / (data.vi[i] + tau2);
    sum_w += weights[i];
    sum_wy += weights[i] * data.yi[i];
  }
  r.estimate = sum_wy / sum_w;
  double var = 1.0 / sum_w;
  if (fixed_weights) {
    // var = sum a^2 (vi + tau2) / (sum a)^2 for fixed weights a.
    double num = 0;
    for (std::size_t i = 0; i < k; ++i) num += weights[i] * weights[i] * (data.vi[i] + tau2);
    var = num / (sum_w * sum_w);
  }
  r.se = std::sqrt(var);
  if (test == TestType::KNHA) {
    // Knapp & Hartung (2003): s2w = sum w (y - mu_w)^2 / (k-1), w = 1/(vi + tau2).
    const auto re = detail::weighted_sums(data.yi, data.vi, tau2);
    r.se *= std::sqrt(re.q / (kd - 1.0));
  }
  r.statistic = r.estimate / r.se;
  const double upper = 1.0 - (1.0 - options.ci_level) / 2.0;
  double crit = 0;
  if (test == TestType::Z) {
    r.pval = stats::pval_two_sided_z(r.statistic);
    crit = stats::qnorm(upper, options.quantiles);
  } else {
    r.df = kd - 1.0;
    r.pval = stats::pval_two_sided_t(r.statistic, *r.df);
    crit = stats::qt(upper, *r.df, options.quantiles);
  }
  r.ci_lb = r.estimate - crit * r.se;
  r.ci_ub = r.estimate + crit * r.se;

  // ---- prediction interval (predict.rma): estimate +- crit sqrt(se^2 + tau2)
  // with tau2 = 0 for EE (the CI); crit by --pi-df, metafor's by default ----
  set_prediction_interval(r, options.pi_df, test, tau2, options.quantiles);

  // ---- Q-profile CI for tau^2 and the derived ones ----
  if (random && k > 1) {
    const Tau2Interval ci = qprofile_tau2_ci(data, tau2, options.ci_level, options.tol, options.max_iter,
                                             options.quantiles);
    r.tau2_ci = ci.tau2;
    r.tau_ci = Interval{std::sqrt(ci.tau2.lb), std::sqrt(ci.tau2.ub)};
    r.I2_ci = Interval{i2_of(ci.tau2.lb), i2_of(ci.tau2.ub)};
    r.H2_ci = Interval{h2_of(ci.tau2.lb), h2_of(ci.tau2.ub)};
    r.warnings.insert(r.warnings.end(), ci.warnings.begin(), ci.warnings.end());
    if (r.method == Method::GENQ) {
      r.warnings.push_back(
          "GENQ: the tau^2 CI is the Q-profile interval (metafor's generalized Q interval needs CompQuadForm)");
    }
  }
  apply_i2_definition(r, options.i2);
  fill_studies(data, weights, options.ci_level, options.quantiles, r);
  return r;
}

}  // namespace metapool
