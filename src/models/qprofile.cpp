#include "models/qprofile.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <fmt/format.h>

#include "models/tau2.hpp"
#include "models/weighted_sums.hpp"
#include "stats/distributions.hpp"
#include "stats/roots.hpp"

namespace metapool {

Tau2Interval qprofile_tau2_ci(const EffectData& data, double tau2_hat, double ci_level, double tol, int max_iter,
                              stats::QuantileMemo* quantiles) {
  Tau2Interval out;
  const double alpha = 1.0 - ci_level;
  const double df = static_cast<double>(data.k()) - 1.0;
  const double crit_lb = stats::qchisq(1.0 - alpha / 2.0, df, quantiles);  // the lower bound solves Q = this
  const double crit_ub = stats::qchisq(alpha / 2.0, df, quantiles);        // the upper bound solves Q = this
  // metafor's default search range (confint.rma.uni, control tau2.max).
  const double tau2_max = std::max(100.0, 10.0 * tau2_hat);
  const double q0 = generalized_q(data, 0.0);
  const double qmax = generalized_q(data, tau2_max);

  // Q(tau2) is smooth and decreasing, with dQ/dtau2 = -sum w^2 (y - mu_w)^2
  // (mu_w's own derivative drops out because sum w (y - mu_w) = 0). Newton's
  // method is run on 1/Q(tau2) = 1/crit, nearly linear in tau2 where Q is
  // roughly c / (v + tau2), so a bound takes a few O(k) evaluations; the
  // ends of the range reuse q0 and qmax. (Q > 0 here: Q(0) = 0 returns above.)
  const auto solve = [&](double crit, double guess, double& bound) {
    const auto f = [&data, crit](double t) {
      const auto s = detail::weighted_sums(data.yi, data.vi, t);
      return std::pair<double, double>{1.0 / s.q - 1.0 / crit, s.ypp / (s.q * s.q)};
    };
    const auto root = stats::find_root_newton(f, guess, 0.0, tau2_max, 1.0 / q0 - 1.0 / crit,
                                              1.0 / qmax - 1.0 / crit, tol * 1e-2, max_iter);
    bound = root.root;
    if (!root.converged) out.converged = false;
  };
  const double guess = std::clamp(tau2_hat, 0.0, tau2_max);

  if (q0 < crit_ub) {
    out.tau2 = {0.0, 0.0};
    out.lb_below_range = true;
    out.empty = true;
    out.warnings.push_back(
        "tau^2 CI: the upper and lower bounds both fall below 0; the CI is the null/empty set, reported as [0, 0]");
    return out;
  }
  if (q0 < crit_lb) {
    out.tau2.lb = 0.0;
    out.lb_below_range = true;
  } else if (qmax > crit_lb) {
    out.tau2.lb = tau2_max;
    out.warnings.push_back(fmt::format(
        "tau^2 CI: the lower bound lies beyond the search range [0, {:.6g}]; reported as {:.6g}", tau2_max, tau2_max));
  } else {
    solve(crit_lb, guess, out.tau2.lb);
  }
  if (qmax > crit_ub) {
    out.tau2.ub = tau2_max;
    out.ub_beyond_range = true;
    out.warnings.push_back(fmt::format(
        "tau^2 CI: the upper bound lies beyond the search range [0, {:.6g}] (max(100, 10 tau^2), as metafor); "
        "reported as {:.6g}, a lower limit of the true bound",
        tau2_max, tau2_max));
  } else {
    solve(crit_ub, std::max(guess, out.tau2.lb), out.tau2.ub);
  }
  if (!out.converged) out.warnings.push_back("tau^2 CI: root finding did not converge");
  return out;
}

}  // namespace metapool
