// O(k) sums for the intercept-only model with weights w_i, replacing the
// k x k projection P = W - w w' / sum(w) of metafor's matrix formulas.
// Internal to src/models.
#pragma once

#include <cstddef>
#include <vector>

namespace metapool::detail {

struct WeightedSums {
  double sum_w = 0, sum_w2 = 0, sum_w3 = 0;
  double mean = 0;   // sum(w y) / sum(w)
  double q = 0;      // y'Py = sum w (y - mean)^2
  double ypp = 0;    // y'PPy = sum w^2 (y - mean)^2
  double tr_p() const { return sum_w - sum_w2 / sum_w; }
  double tr_pp() const { return sum_w2 - 2.0 * sum_w3 / sum_w + sum_w2 * sum_w2 / (sum_w * sum_w); }
};

// Weights w_i = 1 / (vi + tau2), or w_i = 1 when `unit` (unweighted).
inline WeightedSums weighted_sums(const std::vector<double>& yi, const std::vector<double>& vi,
                                  double tau2, bool unit = false) {
  WeightedSums s;
  double swy = 0;
  const std::size_t k = yi.size();
  for (std::size_t i = 0; i < k; ++i) {
    const double w = unit ? 1.0 : 1.0 / (vi[i] + tau2);
    s.sum_w += w;
    s.sum_w2 += w * w;
    s.sum_w3 += w * w * w;
    swy += w * yi[i];
  }
  s.mean = swy / s.sum_w;
  for (std::size_t i = 0; i < k; ++i) {
    const double w = unit ? 1.0 : 1.0 / (vi[i] + tau2);
    const double r = yi[i] - s.mean;
    s.q += w * r * r;
    s.ypp += w * w * r * r;
  }
  return s;
}

// sum_ij P_ij^2 a_i b_j for P = diag(w) - w w'/S (S = sum w): traces such as
// tr(PVPV) (a = b = v), tr(PVP) (a = 1, b = v), tr(PP) (a = b = 1).
// = sum_i (w_i^2 - 2 w_i^3 / S) a_i b_i + (sum w^2 a)(sum w^2 b) / S^2.
template <class A, class B>
double trace_p2(const std::vector<double>& w, A a, B b) {
  double s = 0, diag = 0, wa = 0, wb = 0;
  for (double x : w) s += x;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double w2 = w[i] * w[i];
    diag += (w2 - 2.0 * w2 * w[i] / s) * a(i) * b(i);
    wa += w2 * a(i);
    wb += w2 * b(i);
  }
  return diag + wa * wb / (s * s);
}

}  // namespace metapool::detail
