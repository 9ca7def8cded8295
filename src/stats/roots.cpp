#include "stats/roots.hpp"

#include <cmath>
#include <cstdint>

#include <boost/math/policies/policy.hpp>
#include <boost/math/tools/toms748_solve.hpp>

namespace metapool::stats {

RootResult find_root(const std::function<double(double)>& f, double lo, double hi, double rel_tol,
                     double abs_tol, int max_iter) {
  RootResult out;
  const double flo = f(lo);
  const double fhi = f(hi);
  if (flo == 0.0) return {lo, true, 1};
  if (fhi == 0.0) return {hi, true, 1};
  if (std::isnan(flo) || std::isnan(fhi) || (flo > 0) == (fhi > 0)) return out;

  const auto tol = [rel_tol, abs_tol](double a, double b) {
    return std::fabs(b - a) <= std::fmax(rel_tol * std::fmin(std::fabs(a), std::fabs(b)), abs_tol);
  };
  using Policy = boost::math::policies::policy<
      boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;
  std::uintmax_t iters = static_cast<std::uintmax_t>(max_iter > 0 ? max_iter : 1);
  const auto bracket =
      boost::math::tools::toms748_solve([&f](double x) { return f(x); }, lo, hi, flo, fhi, tol, iters, Policy());
  out.iterations = static_cast<int>(iters);
  out.converged = tol(bracket.first, bracket.second) || bracket.first == bracket.second;
  out.root = 0.5 * (bracket.first + bracket.second);
  return out;
}

}  // namespace metapool::stats
