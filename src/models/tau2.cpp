// tau^2 estimators (see tau2.hpp). Formulas: Viechtbauer (2005) J Educ Behav
// Stat 30:261 (HS, HE, DL, ML, REML and their standard errors), Sidik &
// Jonkman (2005) (SJ), Morris (1983) (EB), Paule & Mandel (1982) and
// Viechtbauer et al. (2015) Res Synth Methods 6:35 (PM, PMM),
// DerSimonian & Kacker (2007) (general method of moments, GENQ); the
// choices of metafor 3.8-1 `rma.uni` (truncation, starting values, se.tau2)
// were read from its documentation and checked against its output.
#include "models/tau2.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "models/estimating_equation.hpp"
#include "models/weighted_sums.hpp"
#include "stats/distributions.hpp"
#include "stats/roots.hpp"

namespace metapool {
namespace {

using detail::trace_p2;
using detail::weighted_sums;

double kd(const EffectData& d) { return static_cast<double>(d.k()); }

// General method of moments with fixed weights a_i (DerSimonian & Kacker
// 2007): tau2 = (Q_a - tr(PV)) / tr(P), with
// var = (2 tr(PVPV) + 4 tau2 tr(PVP) + 2 tau2^2 tr(PP)) / tr(P)^2.
// a_i = 1/vi gives DL, a_i = 1 gives HE.
struct MomentTau2 {
  double tau2;  // truncated at 0
  double tr_p;
};

// The estimate alone, a(i) giving a_i: what Fisher scoring needs of HE as its
// starting value, without the weights vector and the three traces of the SE.
template <class A>
MomentTau2 moment_tau2(const EffectData& d, A a) {
  const std::size_t k = d.k();
  double s = 0, s2 = 0, say = 0;
  for (std::size_t i = 0; i < k; ++i) {
    s += a(i);
    s2 += a(i) * a(i);
    say += a(i) * d.yi[i];
  }
  const double mean = say / s;
  double rss = 0, tr_pv = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const double r = d.yi[i] - mean;
    rss += a(i) * r * r;
    tr_pv += (a(i) - a(i) * a(i) / s) * d.vi[i];
  }
  const double tr_p = s - s2 / s;
  return {std::max(0.0, (rss - tr_pv) / tr_p), tr_p};
}

Tau2Estimate moment_estimate(const EffectData& d, const std::vector<double>& a) {
  const MomentTau2 moment = moment_tau2(d, [&a](std::size_t i) { return a[i]; });
  const double tr_p = moment.tr_p;
  Tau2Estimate out;
  out.tau2 = moment.tau2;
  const auto one = [](std::size_t) { return 1.0; };
  const auto v = [&d](std::size_t i) { return d.vi[i]; };
  const double t = out.tau2;
  const double var = 2.0 * trace_p2(a, v, v) + 4.0 * t * trace_p2(a, one, v) + 2.0 * t * t * trace_p2(a, one, one);
  out.se_tau2 = std::sqrt(var) / tr_p;
  return out;
}

std::vector<double> inverse_variances(const EffectData& d) {
  std::vector<double> a(d.k());
  for (std::size_t i = 0; i < d.k(); ++i) a[i] = 1.0 / d.vi[i];
  return a;
}

// Hunter-Schmidt family: tau2 = factor * (Q - subtract) / sum(w), w = 1/vi,
// se = factor * sqrt(2 (k-1) + 4 tau2 tr(P) + 2 tau2^2 tr(PP)) / sum(w).
Tau2Estimate hunter_schmidt(const EffectData& d, double factor, double subtract) {
  const auto s = weighted_sums(d.yi, d.vi, 0.0);
  Tau2Estimate out;
  out.tau2 = std::max(0.0, factor * (s.q - subtract) / s.sum_w);
  const double t = out.tau2;
  out.se_tau2 = factor * std::sqrt(2.0 * (kd(d) - 1.0) + 4.0 * t * s.tr_p() + 2.0 * t * t * s.tr_pp()) / s.sum_w;
  return out;
}

// The scoring step as a function of tau2.
template <class Adjust>
auto adjust_at(const EffectData& d, const Adjust& adjust) {
  return [&d, &adjust](double t) { return adjust(weighted_sums(d.yi, d.vi, t)); };
}

// Fisher scoring with step halving (Jennrich & Sampson 1976), as metafor:
// `adjust(sums)` returns the scoring step at the current tau2.
template <class Adjust>
Tau2Estimate fisher_scoring(const EffectData& d, const Tau2Options& o, const char* name, Adjust adjust) {
  Tau2Estimate out;
  double tau2 = o.tau2_init ? std::max(0.0, *o.tau2_init) : moment_tau2(d, [](std::size_t) { return 1.0; }).tau2;  // HE
  out.converged = false;
  // The previous interior point and its step (NaN when it was not interior).
  double prev_tau2 = kNaN, prev_adj = kNaN;
  bool try_finish = true;
  for (int iter = 1; iter <= o.max_iter; ++iter) {
    const auto s = weighted_sums(d.yi, d.vi, tau2);
    const double adj = adjust(s);
    const bool interior = tau2 > 0.0 && tau2 + adj > 0.0;
    // A step smaller than the previous one: try to finish by secant steps
    // (which decline, leaving scoring to go on, outside its convergent
    // regime). Once they decline because scoring would run out of
    // iterations first, they are not tried again: that stays so.
    if (interior && try_finish && std::isfinite(prev_adj) && std::fabs(adj) < std::fabs(prev_adj)) {
      const auto finish =
          detail::secant_finish(adjust_at(d, adjust), prev_tau2, prev_adj, tau2, adj, o.tol, o.max_iter - iter);
      if (finish.over_budget) try_finish = false;
      if (finish.solved) {
        out.tau2 = finish.tau2;
        out.iterations = iter + finish.iterations;
        out.converged = true;
        return out;
      }
    }
    prev_tau2 = tau2;
    prev_adj = interior ? adj : kNaN;
    double step = 1.0;
    double next = tau2 + adj;
    // At the boundary (tau2 = 0, the step pointing below it) no halving
    // reaches 0 or above: the 64 halvings would end at 0 all the same. The
    // bound keeps step * adj from underflowing to -0 on the way, which
    // would end them early at -0.
    if (tau2 == 0.0 && adj < -0x1p-1000) next = 0.0;
    for (int h = 0; next < 0.0 && h < 64; ++h) {
      step *= 0.5;
      next = tau2 + step * adj;
    }
    if (next < 0.0) next = 0.0;
    const double change = std::fabs(next - tau2);
    tau2 = next;
    out.iterations = iter;
    if (!std::isfinite(tau2)) break;
    if (change <= o.tol * std::max(1.0, tau2)) {
      out.converged = true;
      break;
    }
  }
  out.tau2 = tau2;
  if (out.converged) return out;
  out.message = fmt::format("{}: Fisher scoring did not converge after {} iterations (tol {:g})", name,
                            out.iterations, o.tol);
  // Oscillation around an interior root: solve the estimating equation by
  // bracketing (estimating_equation.hpp), within the same iteration budget.
  const auto found = detail::bracket_estimating_equation(adjust_at(d, adjust), tau2, o.tol, o.max_iter);
  if (!found.solved) return out;
  out.tau2 = found.tau2;
  out.converged = true;
  out.iterations += found.iterations;
  out.message = fmt::format("{}: Fisher scoring oscillated without converging; tau^2 is the root of the {} "
                            "estimating equation found by bracketing (metafor's rma stops with an error here "
                            "unless control = list(stepadj = 0.5))",
                            name, name);
  return out;
}

// Solve generalized_q(tau2) = target on [0, inf); 0 when Q(0) <= target.
Tau2Estimate solve_q_equation(const EffectData& d, const Tau2Options& o, double target, const char* name) {
  Tau2Estimate out;
  if (generalized_q(d, 0.0) <= target) {
    out.tau2 = 0.0;
    return out;
  }
  // Upper end: metafor's max(100, 10 mad(yi)^2), widened until it brackets.
  double hi = 100.0;
  for (int grow = 0; grow < 60 && generalized_q(d, hi) > target; ++grow) hi *= 10.0;
  const auto f = [&d, target](double t) { return generalized_q(d, t) - target; };
  const auto root = stats::find_root(f, 0.0, hi, o.tol * 1e-2, 1e-300, o.max_iter);
  out.tau2 = root.root;
  out.iterations = root.iterations;
  out.converged = root.converged;
  if (!root.converged) {
    out.message = fmt::format("{}: root of the generalized Q equation not found within {} iterations", name,
                              o.max_iter);
  }
  return out;
}

// se of EB, PM and PMM as metafor: sqrt(2 (k-1)) k / (k-1) / sum(w), w = 1/(vi + tau2).
void set_q_based_se(const EffectData& d, Tau2Estimate& est) {
  if (!std::isfinite(est.tau2)) return;
  const auto s = weighted_sums(d.yi, d.vi, est.tau2);
  est.se_tau2 = std::sqrt(2.0 * (kd(d) - 1.0)) * kd(d) / (kd(d) - 1.0) / s.sum_w;
}

}  // namespace

double generalized_q(const EffectData& data, double tau2) { return weighted_sums(data.yi, data.vi, tau2).q; }

Tau2Estimate tau2_dl(const EffectData& data, const Tau2Options&) {
  return moment_estimate(data, inverse_variances(data));
}

Tau2Estimate tau2_genq(const EffectData& data, const Tau2Options&) {
  // Generalized Q with weights a_i = 1/vi (metafor requires explicit
  // weights for GENQ; this is rma(method="GENQ", weights=1/vi)).
  return moment_estimate(data, inverse_variances(data));
}

Tau2Estimate tau2_he(const EffectData& data, const Tau2Options&) {
  return moment_estimate(data, std::vector<double>(data.k(), 1.0));
}

Tau2Estimate tau2_hs(const EffectData& data, const Tau2Options&) {
  return hunter_schmidt(data, 1.0, kd(data));
}

Tau2Estimate tau2_hsk(const EffectData& data, const Tau2Options&) {
  return hunter_schmidt(data, kd(data) / (kd(data) - 1.0), kd(data) - 1.0);
}

Tau2Estimate tau2_sj(const EffectData& data, const Tau2Options& options) {
  // A-priori value: mean squared deviation of yi (metafor var(yi) (k-1)/k).
  double t0 = 0;
  if (options.tau2_init) {
    t0 = *options.tau2_init;
  } else {
    double mean = 0;
    for (double y : data.yi) mean += y;
    mean /= kd(data);
    for (double y : data.yi) t0 += (y - mean) * (y - mean);
    t0 /= kd(data);
  }
  Tau2Estimate out;
  const auto s = weighted_sums(data.yi, data.vi, t0);
  out.tau2 = t0 * s.q / (kd(data) - 1.0);
  std::vector<double> w(data.k());
  for (std::size_t i = 0; i < data.k(); ++i) w[i] = 1.0 / (data.vi[i] + t0);
  const auto one = [](std::size_t) { return 1.0; };
  const auto v = [&data](std::size_t i) { return data.vi[i]; };
  const double t = out.tau2;
  const double var = 2.0 * trace_p2(w, v, v) + 4.0 * t * trace_p2(w, one, v) + 2.0 * t * t * trace_p2(w, one, one);
  out.se_tau2 = t0 / (kd(data) - 1.0) * std::sqrt(var);
  return out;
}

Tau2Estimate tau2_ml(const EffectData& data, const Tau2Options& options) {
  auto out = fisher_scoring(data, options, "ML", [](const detail::WeightedSums& s) {
    return (s.ypp - s.sum_w) / s.sum_w2;
  });
  if (out.converged) out.se_tau2 = std::sqrt(2.0 / weighted_sums(data.yi, data.vi, out.tau2).sum_w2);
  return out;
}

Tau2Estimate tau2_reml(const EffectData& data, const Tau2Options& options) {
  auto out = fisher_scoring(data, options, "REML", [](const detail::WeightedSums& s) {
    return (s.ypp - s.tr_p()) / s.tr_pp();
  });
  if (out.converged) out.se_tau2 = std::sqrt(2.0 / weighted_sums(data.yi, data.vi, out.tau2).tr_pp());
  return out;
}

Tau2Estimate tau2_eb(const EffectData& data, const Tau2Options& options) {
  const double k = kd(data);
  auto out = fisher_scoring(data, options, "EB", [k](const detail::WeightedSums& s) {
    return (s.q * k / (k - 1.0) - k) / s.sum_w;
  });
  if (out.converged) set_q_based_se(data, out);
  return out;
}

Tau2Estimate tau2_pm(const EffectData& data, const Tau2Options& options) {
  auto out = solve_q_equation(data, options, kd(data) - 1.0, "PM");
  if (out.converged) set_q_based_se(data, out);
  return out;
}

Tau2Estimate tau2_pmm(const EffectData& data, const Tau2Options& options) {
  auto out = solve_q_equation(data, options, stats::qchisq(0.5, kd(data) - 1.0), "PMM");
  if (out.converged) set_q_based_se(data, out);
  return out;
}

Tau2Function tau2_estimator(Method method) {
  switch (method) {
    case Method::DL: return &tau2_dl;
    case Method::HE: return &tau2_he;
    case Method::HS: return &tau2_hs;
    case Method::HSk: return &tau2_hsk;
    case Method::SJ: return &tau2_sj;
    case Method::ML: return &tau2_ml;
    case Method::REML: return &tau2_reml;
    case Method::EB: return &tau2_eb;
    case Method::PM: return &tau2_pm;
    case Method::PMM: return &tau2_pmm;
    case Method::GENQ: return &tau2_genq;
    case Method::EE: case Method::MH: case Method::PETO: return nullptr;
  }
  return nullptr;
}

}  // namespace metapool
