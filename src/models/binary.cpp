// Mantel-Haenszel (OR, RR, RD) and Peto models on 2x2 counts, as metafor
// 3.8-1 rma.mh and rma.peto with their defaults. The pooled estimates use the
// raw counts; the per-study yi/vi (shown in `studies`, and the input of the
// MH heterogeneity test) use escalc's continuity correction, with studies
// without events (or with only events) in both arms dropped (drop00).
#include <cmath>
#include <fmt/format.h>

#include "models/conventions_stats.hpp"
#include "models/pool.hpp"
#include "stats/distributions.hpp"

namespace metapool {
namespace {

struct Cells {
  double a, b, c, d;
};

// escalc with the continuity correction rule `to` (metafor `add`, `to`).
struct PerStudy {
  std::vector<double> yi, vi;
  std::size_t k_yi = 0;
};

double finite_or_nan(double x) { return std::isfinite(x) ? x : kNaN; }

PerStudy per_study(const BinaryCounts& n, Measure measure, double cc, CcTo to) {
  const std::size_t k = n.k();
  bool any_zero = false;
  for (std::size_t i = 0; i < k; ++i) {
    if (n.ai[i] == 0 || n.ci[i] == 0 || n.n1i[i] - n.ai[i] == 0 || n.n2i[i] - n.ci[i] == 0) any_zero = true;
  }
  PerStudy out;
  out.yi.assign(k, kNaN);
  out.vi.assign(k, kNaN);
  for (std::size_t i = 0; i < k; ++i) {
    Cells x{n.ai[i], n.n1i[i] - n.ai[i], n.ci[i], n.n2i[i] - n.ci[i]};
    // drop00: no events or only events in both groups.
    if ((x.a == 0 && x.c == 0) || (x.b == 0 && x.d == 0)) continue;
    const bool zero = x.a == 0 || x.b == 0 || x.c == 0 || x.d == 0;
    const bool add = (to == CcTo::All) || (to == CcTo::Only0 && zero) || (to == CcTo::If0All && any_zero);
    if (add) {
      x.a += cc;
      x.b += cc;
      x.c += cc;
      x.d += cc;
    }
    const double n1 = x.a + x.b, n2 = x.c + x.d;
    double y = kNaN, v = kNaN;
    switch (measure) {
      case Measure::OR:
        y = std::log(x.a * x.d / (x.b * x.c));
        v = 1 / x.a + 1 / x.b + 1 / x.c + 1 / x.d;
        break;
      case Measure::RR:
        y = std::log((x.a / n1) / (x.c / n2));
        v = 1 / x.a - 1 / n1 + 1 / x.c - 1 / n2;
        break;
      case Measure::RD:
        y = x.a / n1 - x.c / n2;
        v = x.a * x.b / (n1 * n1 * n1) + x.c * x.d / (n2 * n2 * n2);
        break;
      default: {  // PETO
        const double nt = n1 + n2, m1 = x.a + x.c, m0 = x.b + x.d;
        const double e = n1 * m1 / nt;
        const double var = n1 * n2 * m1 * m0 / (nt * nt * (nt - 1));
        y = (x.a - e) / var;
        v = 1 / var;
        break;
      }
    }
    y = finite_or_nan(y);
    v = finite_or_nan(v);
    if (std::isnan(y) || std::isnan(v)) y = v = kNaN;
    out.yi[i] = y;
    out.vi[i] = v;
    if (!std::isnan(y)) ++out.k_yi;
  }
  return out;
}

// The first problem with the counts, or "" when they are usable.
std::string check_counts(const BinaryCounts& n, const char* fn) {
  const std::size_t k = n.k();
  if (k == 0) return fmt::format("{}: need k >= 1 studies", fn);
  if (n.n1i.size() != k || n.ci.size() != k || n.n2i.size() != k) {
    return fmt::format("{}: ai, n1i, ci, n2i must have the same length", fn);
  }
  for (std::size_t i = 0; i < k; ++i) {
    const bool ok = n.ai[i] >= 0 && n.ci[i] >= 0 && n.ai[i] <= n.n1i[i] && n.ci[i] <= n.n2i[i] && n.n1i[i] > 0 &&
                    n.n2i[i] > 0 && std::isfinite(n.n1i[i]) && std::isfinite(n.n2i[i]);
    if (!ok) {
      return fmt::format("{}: study {} needs 0 <= events <= n and n > 0 (got {}/{} vs {}/{})", fn, i + 1, n.ai[i],
                         n.n1i[i], n.ci[i], n.n2i[i]);
    }
  }
  return "";
}

// The counts entering the MH estimate: rma.mh's second `add`/`to` (metafor
// 3.8-1: to = "none" unless given; "only0" adds to every cell of a table with
// a zero cell, "if0all" to all tables if any has one, "all" to all tables).
BinaryCounts mh_corrected(const BinaryCounts& n, const MhCorrection& cc) {
  if (cc.to == CcTo::None || cc.add == 0) return n;
  const std::size_t k = n.k();
  std::vector<bool> zero(k, false);
  bool any_zero = false;
  for (std::size_t i = 0; i < k; ++i) {
    zero[i] = n.ai[i] == 0 || n.ci[i] == 0 || n.n1i[i] - n.ai[i] == 0 || n.n2i[i] - n.ci[i] == 0;
    any_zero = any_zero || zero[i];
  }
  BinaryCounts out = n;
  for (std::size_t i = 0; i < k; ++i) {
    const bool add = cc.to == CcTo::All || (cc.to == CcTo::Only0 && zero[i]) || (cc.to == CcTo::If0All && any_zero);
    if (!add) continue;
    out.ai[i] += cc.add;
    out.ci[i] += cc.add;
    out.n1i[i] += 2 * cc.add;
    out.n2i[i] += 2 * cc.add;
  }
  return out;
}

PoolResult base_result(const BinaryCounts& n, const PoolOptions& o, Method method, Measure measure) {
  PoolResult r;
  r.measure = measure;
  r.method = method;
  r.requested = method;
  r.test = TestType::Z;
  r.ci_level = o.ci_level;
  r.k = n.k();
  if (o.test != TestType::Z) {
    r.warnings.push_back(fmt::format("{}: test \"{}\" is not available (as metafor); using z",
                                     to_string(method), to_string(o.test)));
  }
  return r;
}

// z test and CI (the prediction interval is set by set_prediction_interval:
// the CI for common-effect models under metafor's convention).
void finish_estimate(PoolResult& r, double estimate, double se) {
  r.estimate = estimate;
  r.se = se;
  r.statistic = estimate / se;
  r.pval = stats::pval_two_sided_z(r.statistic);
  const double crit = stats::qnorm(1.0 - (1.0 - r.ci_level) / 2.0);
  r.ci_lb = estimate - crit * se;
  r.ci_ub = estimate + crit * se;
}

// I2 = max(0, (Q - df)/Q), H2 = Q/df; for df = 0: Q = 0, p = 1, I2 = 0, H2 = 1.
void set_heterogeneity(PoolResult& r, double q, std::size_t k_yi) {
  if (k_yi <= 1) {
    r.Q = 0.0;
    r.Q_df = 0;
    r.Q_pval = 1.0;
    r.I2 = 0.0;
    r.H2 = 1.0;
    return;
  }
  const double df = static_cast<double>(k_yi) - 1.0;
  r.Q = q;
  r.Q_df = static_cast<int>(k_yi) - 1;
  r.Q_pval = stats::pchisq_upper(q, df);
  r.I2 = q > df ? 100.0 * (q - df) / q : 0.0;
  r.H2 = q / df;
}

void fill_studies(PoolResult& r, const PerStudy& ps, const std::vector<double>& weights) {
  const double z = stats::qnorm(1.0 - (1.0 - r.ci_level) / 2.0);
  double total = 0;
  for (double w : weights) total += w;
  r.studies.resize(ps.yi.size());
  for (std::size_t i = 0; i < ps.yi.size(); ++i) {
    auto& s = r.studies[i];
    s.yi = ps.yi[i];
    s.vi = ps.vi[i];
    s.ci_lb = s.yi - z * std::sqrt(s.vi);
    s.ci_ub = s.yi + z * std::sqrt(s.vi);
    s.weight = 100.0 * weights[i] / total;
  }
  if (ps.k_yi < ps.yi.size()) r.warnings.push_back("Some yi/vi values are NA.");
}

}  // namespace

PoolResult fit_mh(const BinaryCounts& input, const PoolOptions& options) {
  PoolResult r = base_result(input, options, Method::MH, options.measure);
  if (options.measure != Measure::OR && options.measure != Measure::RR && options.measure != Measure::RD) {
    r.converged = false;
    r.warnings.push_back(fmt::format("fit_mh: measure must be OR, RR or RD (got {})", to_string(options.measure)));
    return r;
  }
  if (const std::string err = check_counts(input, "fit_mh"); !err.empty()) {
    r.converged = false;
    r.warnings.push_back(err);
    return r;
  }
  const BinaryCounts counts = mh_corrected(input, options.mh_cc);
  const std::size_t k = counts.k();
  std::vector<double> weights(k);
  double estimate = kNaN, var = kNaN;
  if (options.measure == Measure::OR) {
    // Robins, Breslow & Greenland (1986).
    double R = 0, S = 0, PR = 0, PSQR = 0, QS = 0;
    for (std::size_t i = 0; i < k; ++i) {
      const double a = counts.ai[i], b = counts.n1i[i] - a, c = counts.ci[i], d = counts.n2i[i] - c;
      const double n = a + b + c + d;
      const double ri = a * d / n, si = b * c / n, p = (a + d) / n, q = (b + c) / n;
      R += ri;
      S += si;
      PR += p * ri;
      PSQR += p * si + q * ri;
      QS += q * si;
      weights[i] = si;
    }
    estimate = std::log(R / S);
    var = PR / (2 * R * R) + PSQR / (2 * R * S) + QS / (2 * S * S);
  } else if (options.measure == Measure::RR) {
    // Greenland & Robins (1985).
    double R = 0, S = 0, num = 0;
    for (std::size_t i = 0; i < k; ++i) {
      const double a = counts.ai[i], n1 = counts.n1i[i], c = counts.ci[i], n2 = counts.n2i[i];
      const double n = n1 + n2;
      R += a * n2 / n;
      S += c * n1 / n;
      num += (n1 * n2 * (a + c) - a * c * n) / (n * n);
      weights[i] = c * n1 / n;
    }
    estimate = std::log(R / S);
    var = num / (R * S);
  } else {
    // Risk difference; variance of Sato, Greenland & Robins (1989), as rma.mh.
    double W = 0, num = 0, P = 0, Q = 0;
    for (std::size_t i = 0; i < k; ++i) {
      const double a = counts.ai[i], n1 = counts.n1i[i], c = counts.ci[i], n2 = counts.n2i[i];
      const double n = n1 + n2;
      W += n1 * n2 / n;
      num += (a * n2 - c * n1) / n;
      P += (n1 * n1 * c - n2 * n2 * a + n1 * n2 * (n2 - n1) / 2) / (n * n);
      Q += (a * (n2 - c) + c * (n1 - a)) / (2 * n);
      weights[i] = n1 * n2 / n;
    }
    estimate = num / W;
    var = (estimate * P + Q) / (W * W);
  }
  if (!std::isfinite(estimate) || !(var > 0) || !std::isfinite(var)) {
    r.converged = false;
    r.warnings.push_back(
        "fit_mh: the Mantel-Haenszel estimate is undefined (no events, or no non-events, in one arm across all studies)");
    estimate = kNaN;
    var = kNaN;
  }
  finish_estimate(r, estimate, std::sqrt(var));
  set_prediction_interval(r, options.pi_df, TestType::Z, 0.0);
  const PerStudy ps = per_study(input, options.measure, options.cc, options.cc_to);
  double q = 0;
  for (std::size_t i = 0; i < k; ++i) {
    if (!std::isnan(ps.yi[i])) q += (ps.yi[i] - estimate) * (ps.yi[i] - estimate) / ps.vi[i];
  }
  set_heterogeneity(r, q, ps.k_yi);
  apply_i2_definition(r, options.i2);
  fill_studies(r, ps, weights);
  return r;
}

PoolResult fit_peto(const BinaryCounts& counts, const PoolOptions& options) {
  PoolResult r = base_result(counts, options, Method::PETO, Measure::PETO);
  if (const std::string err = check_counts(counts, "fit_peto"); !err.empty()) {
    r.converged = false;
    r.warnings.push_back(err);
    return r;
  }
  // Yusuf et al. (1985): O - E and the hypergeometric variance per study.
  const std::size_t k = counts.k();
  std::vector<double> weights(k);
  double sum_oe = 0, sum_v = 0, sum_oe2_v = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const double a = counts.ai[i], n1 = counts.n1i[i], c = counts.ci[i], n2 = counts.n2i[i];
    const double n = n1 + n2, m1 = a + c, m0 = n - m1;
    const double oe = a - n1 * m1 / n;
    const double v = n1 * n2 * m1 * m0 / (n * n * (n - 1));
    weights[i] = v;
    if (v > 0) {
      sum_oe += oe;
      sum_v += v;
      sum_oe2_v += oe * oe / v;
    }
  }
  double estimate = sum_oe / sum_v, se = 1.0 / std::sqrt(sum_v);
  if (!(sum_v > 0)) {
    r.converged = false;
    r.warnings.push_back("fit_peto: the Peto estimate is undefined (every study has no events or only events)");
    estimate = se = kNaN;
  }
  finish_estimate(r, estimate, se);
  set_prediction_interval(r, options.pi_df, TestType::Z, 0.0);
  const PerStudy ps = per_study(counts, Measure::PETO, options.cc, options.cc_to);
  set_heterogeneity(r, sum_oe2_v - sum_oe * sum_oe / sum_v, ps.k_yi);
  apply_i2_definition(r, options.i2);
  fill_studies(r, ps, weights);
  return r;
}

}  // namespace metapool
