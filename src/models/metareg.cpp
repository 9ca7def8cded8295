// fit_metareg (see metareg.hpp). Stages: validate -> tau^2 -> coefficients
// and tests -> residual heterogeneity -> R^2 -> Q-profile CI of tau^2.
// Formulas: Viechtbauer (2005) J Educ Behav Stat 30:261 for the estimators
// and their standard errors; Raudenbush (2009), "Analyzing effect sizes:
// random effects models" (Handbook of Research Synthesis and Meta-Analysis,
// 2nd ed.) for the mixed-effects model, QE/QM and the pseudo-R^2.
// Conventions follow metafor 3.8-1 as documented (rma.uni, confint.rma.uni)
// and as observed in its output (the golden files under tests/golden/).
// Provenance: an earlier version of this file was written while reading
// metafor's source, against the project's rule. Two conventions came from
// there and are not in metafor's documentation: the full-rank tolerance
// (since checked against metafor's output: scripts/golden_edge.R section 6)
// and the local-maximum check below (not reached by any test data).
#include "models/metareg.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Dense>
#include <boost/math/special_functions/beta.hpp>
#include <fmt/format.h>

#include "models/estimating_equation.hpp"
#include "stats/distributions.hpp"
#include "stats/roots.hpp"

namespace metapool {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// X is "not of full rank" when an eigenvalue of X'X is at or below this:
// where metafor's "Model matrix not of full rank" error starts (observed
// between 0.99e-7 and 1.01e-7; tests/golden/edge/thresholds.json).
constexpr double kEigenTolerance = 1e-7;
// Tolerance of the local-maximum check (metafor's, from its code: see the
// provenance note above).
const double kLl0Tolerance = std::pow(std::numeric_limits<double>::epsilon(), 0.25);
// Fisher scoring is taken as converged when its step is below this (relative)
// and has stopped shrinking: scoring contracts until round-off dominates, so
// a step that grows again at this size is noise, not progress. Far tighter
// than metafor's own stopping rule (an absolute change of 1e-5).
constexpr double kStallTolerance = 1e-8;

struct Problem {
  VectorXd y, v;
  MatrixXd X;
  Eigen::Index k = 0, p = 0;
  double kd() const { return static_cast<double>(k); }
  double pd() const { return static_cast<double>(p); }
};

Problem make_problem(const EffectData& data, const DesignMatrix& x) {
  Problem pr;
  pr.k = static_cast<Eigen::Index>(data.k());
  pr.p = static_cast<Eigen::Index>(x.cols());
  pr.y = Eigen::Map<const VectorXd>(data.yi.data(), pr.k);
  pr.v = Eigen::Map<const VectorXd>(data.vi.data(), pr.k);
  pr.X.resize(pr.k, pr.p);
  for (Eigen::Index j = 0; j < pr.p; ++j) {
    for (Eigen::Index i = 0; i < pr.k; ++i) pr.X(i, j) = x.columns[j][i];
  }
  return pr;
}

// Weighted least squares with weights w via the QR of diag(sqrt(w)) X:
// beta, (X'WX)^-1, the residual sum of squares sum w (y - X beta)^2 and the
// projection P = W - W X (X'WX)^-1 X'W.
struct Wls {
  VectorXd beta;
  MatrixXd vb;  // (X'WX)^-1
  double rss = 0;
  MatrixXd P;
};

Wls wls(const Problem& pr, const VectorXd& w, bool want_p) {
  const VectorXd sw = w.cwiseSqrt();
  const MatrixXd swx = sw.asDiagonal() * pr.X;
  Eigen::HouseholderQR<MatrixXd> qr(swx);
  const MatrixXd r = qr.matrixQR().topLeftCorner(pr.p, pr.p).triangularView<Eigen::Upper>();
  const MatrixXd r_inv = r.triangularView<Eigen::Upper>().solve(MatrixXd::Identity(pr.p, pr.p));
  Wls out;
  const VectorXd swy = sw.cwiseProduct(pr.y);
  out.beta = qr.solve(swy);
  out.vb = r_inv * r_inv.transpose();
  const VectorXd resid = pr.y - pr.X * out.beta;
  out.rss = (w.array() * resid.array().square()).sum();
  if (want_p) {
    const MatrixXd q = qr.householderQ() * MatrixXd::Identity(pr.k, pr.p);
    MatrixXd m = -(q * q.transpose());
    m.diagonal().array() += 1.0;
    out.P = sw.asDiagonal() * m * sw.asDiagonal();
  }
  return out;
}

// P(F_{d1,d2} > x) = I_{d2/(d2 + d1 x)}(d2/2, d1/2) (R's pf(lower.tail = FALSE)).
double pf_upper(double x, double d1, double d2) {
  if (!(x >= 0) || !(d1 > 0) || !(d2 > 0)) return x < 0 ? 1.0 : kNaN;
  return boost::math::ibeta(d2 / 2.0, d1 / 2.0, d2 / (d2 + d1 * x));
}

VectorXd inverse(const VectorXd& v, double tau2) { return (v.array() + tau2).inverse().matrix(); }

// y'Py for P at weights 1/(vi + tau2): the generalized Q statistic of the
// Q-profile method (Viechtbauer 2007, Stat Med 26:37).
double qe_at(const Problem& pr, double tau2) { return wls(pr, inverse(pr.v, tau2), false).rss; }

// sum(A * B) for symmetric-or-not matrices (R's sum(A * B)).
double frob(const MatrixXd& a, const MatrixXd& b) { return (a.array() * b.array()).sum(); }

struct Tau2Fit {
  double tau2 = 0;
  std::optional<double> se;
  bool converged = true;
  int iterations = 0;
  std::string message;
};

// Unweighted (HE) estimate: (y'P0y - tr(P0 V)) / (k - p), P0 = I - X(X'X)^-1X'.
double he_raw(const Problem& pr, MatrixXd* p0_out = nullptr) {
  const Wls fit = wls(pr, VectorXd::Ones(pr.k), true);
  const double tr_pv = (fit.P.diagonal().array() * pr.v.array()).sum();
  if (p0_out) *p0_out = fit.P;
  return (fit.rss - tr_pv) / (pr.kd() - pr.pd());
}

// se.tau2 of the moment estimators with fixed weights behind P:
// sqrt(2 tr(PVPV) + 4 t tr(PVP) + 2 t^2 tr(PP)) / denominator.
double moment_se(const MatrixXd& P, const VectorXd& v, double t, double denominator) {
  const MatrixXd pv = P * v.asDiagonal();
  const double var = 2.0 * frob(pv, pv.transpose()) + 4.0 * t * frob(pv, P) + 2.0 * t * t * frob(P, P);
  return std::sqrt(var) / denominator;
}

double log_det(const MatrixXd& m) {
  Eigen::LDLT<MatrixXd> ldlt(m);
  return ldlt.vectorD().array().log().sum();
}

// ML / REML log-likelihood at tau2 (the local-maximum check; constants dropped
// consistently on both sides).
double loglik(const Problem& pr, double tau2, bool reml) {
  const VectorXd w = inverse(pr.v, tau2);
  const Wls fit = wls(pr, w, false);
  double ll = -0.5 * (pr.v.array() + tau2).log().sum() - 0.5 * fit.rss;
  if (reml) ll -= 0.5 * log_det(pr.X.transpose() * w.asDiagonal() * pr.X);
  return ll;
}

double median(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  const std::size_t n = x.size();
  return n % 2 == 1 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

// metafor's default upper end of the tau^2 search: max(100, 10 mad(yi)^2).
double tau2_search_max(const Problem& pr) {
  std::vector<double> y(pr.y.data(), pr.y.data() + pr.k);
  const double med = median(y);
  for (double& value : y) value = std::fabs(value - med);
  const double mad = 1.482602218505602 * median(y);
  return std::max(100.0, 10.0 * mad * mad);
}

Tau2Fit estimate_tau2(const Problem& pr, const MetaregOptions& o) {
  Tau2Fit out;
  const double k = pr.kd();
  const double kp = pr.kd() - pr.pd();
  const VectorXd w0 = inverse(pr.v, 0.0);
  switch (o.method) {
    case Method::HS:
    case Method::HSk: {
      const Wls fit = wls(pr, w0, true);
      const double sw = w0.sum();
      const double factor = o.method == Method::HSk ? k / kp : 1.0;
      out.tau2 = std::max(0.0, (factor * fit.rss - k) / sw);
      const double t = out.tau2;
      out.se = factor * std::sqrt((2.0 * kp + 4.0 * t * fit.P.trace() + 2.0 * t * t * frob(fit.P, fit.P)) / (sw * sw));
      return out;
    }
    case Method::HE: {
      MatrixXd p0;
      out.tau2 = std::max(0.0, he_raw(pr, &p0));
      const double t = out.tau2;
      const MatrixXd pv = p0 * pr.v.asDiagonal();
      const double tr_pv = pv.trace();
      out.se = std::sqrt((2.0 * frob(pv, pv.transpose()) + 4.0 * t * tr_pv + 2.0 * t * t * kp) / (kp * kp));
      return out;
    }
    case Method::DL: {
      const Wls fit = wls(pr, w0, true);
      const double tr_p = fit.P.trace();
      out.tau2 = std::max(0.0, (fit.rss - kp) / tr_p);
      const double t = out.tau2;
      out.se = std::sqrt(2.0 * kp + 4.0 * t * tr_p + 2.0 * t * t * frob(fit.P, fit.P)) / tr_p;
      return out;
    }
    case Method::GENQ: {
      // rma(method = "GENQ", weights = 1/vi): P with the weights A = 1/vi.
      const Wls fit = wls(pr, w0, true);
      const double tr_p = fit.P.trace();
      const double tr_pv = (fit.P.diagonal().array() * pr.v.array()).sum();
      out.tau2 = std::max(0.0, (fit.rss - tr_pv) / tr_p);
      out.se = moment_se(fit.P, pr.v, out.tau2, tr_p);
      return out;
    }
    case Method::SJ: {
      const double ybar = pr.y.mean();
      const double tau2_0 = (pr.y.array() - ybar).square().sum() / k;  // var(y) (k-1)/k
      const Wls fit = wls(pr, inverse(pr.v, tau2_0), true);
      out.tau2 = std::max(0.0, tau2_0 * fit.rss / kp);
      out.se = moment_se(fit.P, pr.v, out.tau2, kp / tau2_0);
      return out;
    }
    case Method::PM:
    case Method::PMM: {
      const double target = o.method == Method::PMM ? stats::qchisq(0.5, kp) : kp;
      const double hi = tau2_search_max(pr);
      if (qe_at(pr, 0.0) < target) {
        out.tau2 = 0.0;
      } else if (qe_at(pr, hi) > target) {
        out.converged = false;
        out.message = fmt::format("{}: the tau^2 root lies beyond the search range [0, {:.6g}]",
                                  to_string(o.method), hi);
        return out;
      } else {
        const auto f = [&pr, target](double t) { return qe_at(pr, t) - target; };
        const auto root = stats::find_root(f, 0.0, hi, o.tol * 1e-2, 1e-300, o.max_iter);
        out.tau2 = root.root;
        out.iterations = root.iterations;
        if (!root.converged) {
          out.converged = false;
          out.message = fmt::format("{}: root finding for tau^2 did not converge", to_string(o.method));
          return out;
        }
      }
      const VectorXd w = inverse(pr.v, out.tau2);
      out.se = std::sqrt(2.0 * k * k / kp) / w.sum();
      return out;
    }
    case Method::ML:
    case Method::REML:
    case Method::EB: {
      // The scoring step at tau2 (its numerator is the estimating equation).
      const auto step_at = [&pr, &o, k, kp](double t) {
        const VectorXd w = inverse(pr.v, t);
        const Wls fit = wls(pr, w, true);
        if (o.method == Method::EB) return (fit.rss * k / kp - k) / w.sum();
        const double ypp = (fit.P * pr.y).squaredNorm();
        return o.method == Method::ML ? (ypp - w.sum()) / w.squaredNorm()
                                      : (ypp - fit.P.trace()) / frob(fit.P, fit.P);
      };
      double tau2 = std::max(0.0, he_raw(pr));
      bool done = false;
      double last_change = std::numeric_limits<double>::infinity();
      for (int iter = 1; iter <= o.max_iter; ++iter) {
        out.iterations = iter;
        double adj = step_at(tau2);
        if (!std::isfinite(adj)) adj = 0;
        while (tau2 + adj < 0) adj /= 2;
        const double old = tau2;
        tau2 += adj;
        const double change = std::fabs(tau2 - old);
        const double scale = std::max(1.0, tau2);
        // Converged at tol, or stalled at the round-off floor: the step is
        // already tiny and no longer shrinking (an ill-conditioned X'WX can
        // leave it cycling a little above tol for ever).
        if (change <= o.tol * scale || (change <= kStallTolerance * scale && change >= last_change)) {
          done = true;
          break;
        }
        last_change = change;
      }
      if (!done) {
        // Oscillation around an interior root: bracket the estimating
        // equation instead (estimating_equation.hpp).
        const auto found = detail::bracket_estimating_equation(step_at, tau2, o.tol, o.max_iter);
        if (!found.solved) {
          out.converged = false;
          out.message = fmt::format("{}: Fisher scoring did not converge in {} iterations", to_string(o.method),
                                    o.max_iter);
          return out;
        }
        tau2 = found.tau2;
        out.iterations += found.iterations;
        out.message = fmt::format("{0}: Fisher scoring oscillated without converging; tau^2 is the root of the {0} "
                                  "estimating equation found by bracketing (metafor's rma stops with an error here "
                                  "unless control = list(stepadj = 0.5))",
                                  to_string(o.method));
      }
      if (o.method != Method::EB && tau2 > o.tol) {
        // A fit stuck at a local maximum below the likelihood at tau2 = 0.
        const bool reml = o.method == Method::REML;
        if (loglik(pr, 0.0, reml) - loglik(pr, tau2, reml) > kLl0Tolerance) {
          out.message = "Fisher scoring may have stopped at a local maximum; tau^2 set to 0 (as metafor)";
          tau2 = 0.0;
        }
      }
      out.tau2 = tau2;
      const VectorXd w = inverse(pr.v, tau2);
      if (o.method == Method::ML) {
        out.se = std::sqrt(2.0 / w.squaredNorm());
      } else if (o.method == Method::REML) {
        const Wls fit = wls(pr, w, true);
        out.se = std::sqrt(2.0 / frob(fit.P, fit.P));
      } else {
        out.se = std::sqrt(2.0 * k * k / kp) / w.sum();
      }
      return out;
    }
    default: break;
  }
  out.converged = false;
  out.message = fmt::format("fit_metareg: {} is not an inverse-variance method", to_string(o.method));
  return out;
}

// Q-profile CI (metafor confint.rma.uni type "QP" with its default range).
void tau2_ci(const Problem& pr, double tau2_hat, double vt, const MetaregOptions& o, MetaregResult& r) {
  const double alpha = 1.0 - o.ci_level;
  const double df = pr.kd() - pr.pd();
  const double crit_u = stats::qchisq(1.0 - alpha / 2.0, df);  // the lower bound solves QE = crit_u
  const double crit_l = stats::qchisq(alpha / 2.0, df);        // the upper bound solves QE = crit_l
  const double hi = std::max(100.0, 10.0 * tau2_hat);
  const double q_min = qe_at(pr, 0.0);
  const double q_max = qe_at(pr, hi);
  const auto solve = [&](double crit) {
    const auto f = [&pr, crit](double t) { return qe_at(pr, t) - crit; };
    const auto root = stats::find_root(f, 0.0, hi, o.tol * 1e-2, 1e-300, o.max_iter);
    if (!root.converged) r.warnings.push_back("tau^2 CI: root finding did not converge");
    return root.root;
  };
  Interval ci;
  if (q_min < crit_l) {
    ci = {0.0, 0.0};
    r.warnings.push_back(
        "tau^2 CI: the upper and lower bounds both fall below 0; the CI is the null/empty set, reported as [0, 0]");
  } else {
    if (q_max > crit_l) {
      ci.ub = hi;
      r.warnings.push_back(fmt::format("tau^2 CI: the upper bound lies beyond the search range [0, {:.6g}]", hi));
    } else {
      ci.ub = solve(crit_l);
    }
    if (q_max > crit_u) {
      ci.lb = hi;
    } else if (q_min < crit_u) {
      ci.lb = 0.0;
    } else {
      ci.lb = solve(crit_u);
    }
  }
  r.tau2_ci = ci;
  r.tau_ci = Interval{std::sqrt(ci.lb), std::sqrt(ci.ub)};
  r.I2_ci = Interval{100.0 * ci.lb / (vt + ci.lb), 100.0 * ci.ub / (vt + ci.ub)};
  r.H2_ci = Interval{ci.lb / vt + 1.0, ci.ub / vt + 1.0};
}

}  // namespace

DesignMatrix intercept_only(std::size_t k) {
  DesignMatrix x;
  x.names = {"intrcpt"};
  x.columns = {std::vector<double>(k, 1.0)};
  return x;
}

double generalized_qe(const EffectData& data, const DesignMatrix& x, double tau2) {
  return qe_at(make_problem(data, x), tau2);
}

Expected<MetaregResult> fit_metareg(const EffectData& data, const DesignMatrix& x, const MetaregOptions& o) {
  // ---- validate ----
  if (o.method == Method::MH || o.method == Method::PETO) {
    return make_error(fmt::format("meta-regression needs an inverse-variance method (EE or a tau^2 estimator), "
                                  "not {}",
                                  to_string(o.method)));
  }
  const std::size_t k = data.k();
  const std::size_t p = x.cols();
  if (data.vi.size() != k || x.rows() != k || p == 0) {
    return make_error(fmt::format("fit_metareg: sizes differ ({} yi, {} vi, {} design rows, {} columns)", k,
                                  data.vi.size(), x.rows(), p));
  }
  for (std::size_t i = 0; i < k; ++i) {
    if (!std::isfinite(data.yi[i]) || !std::isfinite(data.vi[i]) || !(data.vi[i] > 0)) {
      return make_error(fmt::format("fit_metareg: study {} needs a finite yi and vi > 0 (got yi {}, vi {})", i + 1,
                                    data.yi[i], data.vi[i]));
    }
    for (std::size_t j = 0; j < p; ++j) {
      if (!std::isfinite(x.at(i, j))) {
        return make_error(fmt::format("fit_metareg: study {} has a non-finite value of {}", i + 1, x.names[j]));
      }
    }
  }
  const bool estimate = is_random_effects(o.method) && !o.tau2_fixed;
  if (estimate ? p + 1 > k : p > k) {
    return make_error(fmt::format("the model has {} coefficients{} but only {} studies: too few studies for this "
                                  "meta-regression",
                                  p, estimate ? " and tau^2" : "", k));
  }
  if (o.tau2_fixed && !(*o.tau2_fixed >= 0 && std::isfinite(*o.tau2_fixed))) {
    return make_error(fmt::format("fit_metareg: fixed tau^2 must be >= 0 (got {})", *o.tau2_fixed));
  }
  const Problem pr = make_problem(data, x);
  {
    const MatrixXd xtx = pr.X.transpose() * pr.X;
    Eigen::SelfAdjointEigenSolver<MatrixXd> eig(xtx, Eigen::EigenvaluesOnly);
    if (eig.eigenvalues().minCoeff() <= kEigenTolerance) {
      return make_error(
          "the model matrix is not of full rank (a moderator is constant or a linear combination of others): "
          "its coefficients cannot be estimated");
    }
  }

  MetaregResult r;
  r.method = o.method;
  r.test = o.test;
  r.ci_level = o.ci_level;
  r.k = k;
  r.p = p;
  r.tau2_fixed = o.tau2_fixed.has_value() && is_random_effects(o.method);
  if (o.method == Method::EE && o.test == TestType::KNHA) {
    r.warnings.push_back("Knapp & Hartung method is not meant to be used in the context of EE models.");
  }

  // ---- tau^2 ----
  double tau2 = 0.0;
  if (is_random_effects(o.method)) {
    if (o.tau2_fixed) {
      tau2 = *o.tau2_fixed;
    } else {
      const Tau2Fit fit = estimate_tau2(pr, o);
      r.iterations = fit.iterations;
      if (!fit.message.empty()) r.warnings.push_back(fit.message);
      if (!fit.converged) {
        r.converged = false;
        return r;
      }
      tau2 = fit.tau2;
      r.se_tau2 = fit.se;
    }
    r.tau2 = tau2;
    r.tau = std::sqrt(tau2);
  }

  // ---- coefficients ----
  const VectorXd w = inverse(pr.v, tau2);
  const Wls fit = wls(pr, w, false);
  VectorXd beta = fit.beta;
  MatrixXd vb = fit.vb;
  if (o.method == Method::GENQ) {
    // weights A = 1/vi: beta = (X'AX)^-1 X'Ay, vb = S X'A M A X S, M = V + tau2 I.
    const VectorXd a = inverse(pr.v, 0.0);
    const Wls afit = wls(pr, a, false);
    beta = afit.beta;
    const VectorXd ama = a.array().square() * (pr.v.array() + tau2);
    vb = afit.vb * (pr.X.transpose() * ama.asDiagonal() * pr.X) * afit.vb;
  }
  if (o.test == TestType::KNHA) {
    r.s2w = fit.rss <= std::numeric_limits<double>::epsilon() ? 0.0 : fit.rss / (pr.kd() - pr.pd());
    vb *= r.s2w;
  }
  const bool t_dist = o.test != TestType::Z;
  const double ddf = pr.kd() - pr.pd();
  if (t_dist) r.df = ddf;
  const double upper = 1.0 - (1.0 - o.ci_level) / 2.0;
  const double crit = t_dist ? (ddf > 0 ? stats::qt(upper, ddf) : kNaN) : stats::qnorm(upper);
  r.coefficients.resize(p);
  r.vcov.resize(p * p);
  for (std::size_t j = 0; j < p; ++j) {
    const auto jj = static_cast<Eigen::Index>(j);
    Coefficient& c = r.coefficients[j];
    c.name = x.names[j];
    c.estimate = beta(jj);
    c.se = std::sqrt(vb(jj, jj));
    c.statistic = c.estimate / c.se;
    c.pval = t_dist ? (ddf > 0 ? stats::pval_two_sided_t(c.statistic, ddf) : kNaN)
                    : stats::pval_two_sided_z(c.statistic);
    c.ci_lb = c.estimate - crit * c.se;
    c.ci_ub = c.estimate + crit * c.se;
    for (std::size_t l = 0; l < p; ++l) r.vcov[j * p + l] = vb(jj, static_cast<Eigen::Index>(l));
  }

  // ---- omnibus test of moderators ----
  r.btt = o.btt;
  if (r.btt.empty()) {
    for (std::size_t j = p > 1 ? 1 : 0; j < p; ++j) r.btt.push_back(j);
  }
  {
    const auto m = static_cast<Eigen::Index>(r.btt.size());
    VectorXd b(m);
    MatrixXd v(m, m);
    for (Eigen::Index a = 0; a < m; ++a) {
      b(a) = beta(static_cast<Eigen::Index>(r.btt[a]));
      for (Eigen::Index c = 0; c < m; ++c) {
        v(a, c) = vb(static_cast<Eigen::Index>(r.btt[a]), static_cast<Eigen::Index>(r.btt[c]));
      }
    }
    Eigen::LLT<MatrixXd> llt(v);
    r.QM = llt.info() == Eigen::Success ? b.dot(llt.solve(b)) : kNaN;
    r.QM_df = static_cast<int>(m);
    if (t_dist) {
      r.QM /= static_cast<double>(m);
      r.QM_df2 = static_cast<int>(ddf);
      r.QM_pval = ddf > 0 ? pf_upper(r.QM, static_cast<double>(m), ddf) : kNaN;
    } else {
      r.QM_pval = stats::pchisq_upper(r.QM, static_cast<double>(m));
    }
  }

  // ---- residual heterogeneity (weights 1/vi) ----
  double vt = 0;
  r.QE_df = static_cast<int>(k - p);
  if (k > p) {
    const Wls fe = wls(pr, inverse(pr.v, 0.0), true);
    r.QE = std::max(0.0, fe.rss);
    r.QE_pval = stats::pchisq_upper(r.QE, ddf);
    vt = ddf / fe.P.trace();
    if (is_random_effects(o.method)) {
      r.I2 = 100.0 * tau2 / (vt + tau2);
      r.H2 = tau2 / vt + 1.0;
    } else {
      r.I2 = std::max(0.0, 100.0 * (r.QE - ddf) / r.QE);
      r.H2 = r.QE / ddf;
    }
  } else {
    r.QE = 0.0;
    r.QE_pval = 1.0;
    r.I2 = 0.0;
    r.H2 = 1.0;
  }

  // ---- weights and fitted values ----
  {
    const VectorXd used_w = o.method == Method::GENQ ? inverse(pr.v, 0.0) : w;
    const double total = used_w.sum();
    const VectorXd f = pr.X * beta;
    r.weights.resize(k);
    r.fitted.resize(k);
    for (std::size_t i = 0; i < k; ++i) {
      r.weights[i] = 100.0 * used_w(static_cast<Eigen::Index>(i)) / total;
      r.fitted[i] = f(static_cast<Eigen::Index>(i));
    }
  }

  // ---- pseudo R^2 (models with an intercept and moderators) ----
  if (o.compute_r2 && p > 1) {
    if (!is_random_effects(o.method)) {
      // adjusted R^2 of lm(yi ~ X, weights = 1/vi), as metafor for EE models
      const VectorXd a = inverse(pr.v, 0.0);
      const double mean = a.dot(pr.y) / a.sum();
      const double tss = (a.array() * (pr.y.array() - mean).square()).sum();
      if (tss == 0.0 || (pr.y.array() == pr.y(0)).all()) {
        r.R2 = 0.0;
      } else {
        const double rss = wls(pr, a, false).rss;
        const double r2 = 1.0 - rss / tss;
        const double adj = 1.0 - (1.0 - r2) * (pr.kd() - 1.0) / ddf;
        r.R2 = std::max(0.0, 100.0 * adj);
      }
    } else {
      MetaregOptions base = o;
      base.tau2_fixed.reset();
      base.btt.clear();
      base.compute_r2 = false;
      base.compute_tau2_ci = false;
      auto re = fit_metareg(data, intercept_only(k), base);
      if (re && re->converged && re->tau2) {
        const double tau2_re = *re->tau2;
        r.R2 = tau2_re == 0.0 ? 0.0 : std::max(0.0, 100.0 * (tau2_re - tau2) / tau2_re);
      } else {
        r.warnings.push_back("R^2: the random-effects model without moderators could not be fitted");
      }
    }
  }

  // ---- Q-profile CI of tau^2 ----
  if (o.compute_tau2_ci && is_random_effects(o.method) && !r.tau2_fixed && k > p) {
    tau2_ci(pr, tau2, vt, o, r);
    if (o.method == Method::GENQ) {
      r.warnings.push_back(
          "GENQ: the tau^2 CI is the Q-profile interval (metafor's generalized Q interval needs CompQuadForm)");
    }
  }
  return r;
}

}  // namespace metapool
