#include "reproduce/two_by_two.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <vector>

#include "stats/distributions.hpp"

namespace metapool::reproduce {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Cells after metafor's escalc correction (add = 1/2 to every cell of a table
// with a zero cell).
struct Cells {
  double ai, bi, ci, di;
  bool corrected;
};

Cells corrected_cells(const TwoByTwo& t) {
  assert(t.n_t >= 1 && t.n_c >= 1 && t.events_t >= 0 && t.events_t <= t.n_t && t.events_c >= 0 &&
         t.events_c <= t.n_c && "two_by_two: invalid counts");
  Cells c{static_cast<double>(t.events_t), static_cast<double>(t.n_t - t.events_t),
          static_cast<double>(t.events_c), static_cast<double>(t.n_c - t.events_c), false};
  if (c.ai == 0 || c.bi == 0 || c.ci == 0 || c.di == 0) {
    c.ai += 0.5;
    c.bi += 0.5;
    c.ci += 0.5;
    c.di += 0.5;
    c.corrected = true;
  }
  return c;
}

// metafor summary.escalc: crit <- qnorm(level/2, lower.tail = FALSE), level = 1 - ci_level.
double wald_crit(double ci_level) { return stats::qnorm(1 - (1 - ci_level) / 2); }

WaldEffect with_ci(double yi, double vi, double ci_level) {
  const double half = wald_crit(ci_level) * std::sqrt(vi);
  return {yi, vi, yi - half, yi + half};
}

}  // namespace

// metafor escalc(measure = "RR"): yi = log(ai/n1i) - log(ci/n2i),
// vi = 1/ai - 1/n1i + 1/ci - 1/n2i.
WaldEffect escalc_log_rr(const TwoByTwo& counts, double ci_level) {
  const Cells c = corrected_cells(counts);
  const double n1 = c.ai + c.bi;
  const double n2 = c.ci + c.di;
  return with_ci(std::log(c.ai / n1) - std::log(c.ci / n2), 1 / c.ai - 1 / n1 + 1 / c.ci - 1 / n2,
                 ci_level);
}

// metafor escalc(measure = "OR"): yi = log((ai*di)/(bi*ci)), vi = 1/ai + 1/bi + 1/ci + 1/di.
WaldEffect escalc_log_or(const TwoByTwo& counts, double ci_level) {
  const Cells c = corrected_cells(counts);
  return with_ci(std::log((c.ai * c.di) / (c.bi * c.ci)), 1 / c.ai + 1 / c.bi + 1 / c.ci + 1 / c.di,
                 ci_level);
}

// metafor escalc(measure = "RD", vtype = "LS"): yi = p1 - p2,
// vi = p1(1-p1)/n1i + p2(1-p2)/n2i.
WaldEffect escalc_rd(const TwoByTwo& counts, double ci_level) {
  const Cells c = corrected_cells(counts);
  const double n1 = c.ai + c.bi;
  const double n2 = c.ci + c.di;
  const double p1 = c.ai / n1;
  const double p2 = c.ci / n2;
  return with_ci(p1 - p2, p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2, ci_level);
}

Nnt nnt_from_rd(const WaldEffect& rd, EventsAre events_are) {
  // Work with the benefit difference: RD when events are good, -RD when bad.
  const double sign = events_are == EventsAre::Beneficial ? 1.0 : -1.0;
  const double bd = sign * rd.yi;
  const double lo = std::min(sign * rd.ci_lb, sign * rd.ci_ub);
  const double hi = std::max(sign * rd.ci_lb, sign * rd.ci_ub);
  const auto inverse = [](double d) { return d == 0 ? kInf : 1 / std::fabs(d); };
  Nnt nnt;
  nnt.kind = bd > 0 ? Nnt::Kind::Benefit : bd < 0 ? Nnt::Kind::Harm : Nnt::Kind::None;
  nnt.value = inverse(bd);
  if (lo > 0) {
    nnt.ci_shape = Nnt::CiShape::Benefit;
    nnt.ci_lower = inverse(hi);
    nnt.ci_upper = inverse(lo);
  } else if (hi < 0) {
    nnt.ci_shape = Nnt::CiShape::Harm;
    nnt.ci_lower = inverse(lo);
    nnt.ci_upper = inverse(hi);
  } else {
    nnt.ci_shape = Nnt::CiShape::SpansInfinity;
    nnt.ci_lower = inverse(hi);  // NNTB limit
    nnt.ci_upper = inverse(lo);  // NNTH limit
  }
  return nnt;
}

// R fisher.test for a 2x2 table, two-sided, null odds ratio 1: the
// hypergeometric probabilities d(x) of every table with the observed margins
// are normalised, and the p-value is the sum of those with
// d <= d(observed) * (1 + 1e-7). Here d is built by the exact ratio
// d(x+1)/d(x) = (m-x)(k-x) / ((x+1)(n-k+x+1)) outward from the mode (value
// 1), which keeps every term to a few ulps without lgamma.
double fisher_exact_p(const TwoByTwo& t) {
  const Count m = t.n_t;                  // first column total
  const Count n = t.n_c;                  // second column total
  const Count k = t.events_t + t.events_c;  // first row total
  const Count x = t.events_t;
  const Count lo = std::max<Count>(0, k - n);
  const Count hi = std::min(k, m);
  const auto size = static_cast<std::size_t>(hi - lo + 1);
  std::vector<double> d(size, 0.0);
  // mode of the hypergeometric distribution
  Count mode = static_cast<Count>(std::floor(static_cast<double>(k + 1) * static_cast<double>(m + 1) /
                                             static_cast<double>(m + n + 2)));
  mode = std::clamp(mode, lo, hi);
  const auto ratio_up = [&](Count j) {  // d(j+1) / d(j)
    return static_cast<double>(m - j) * static_cast<double>(k - j) /
           (static_cast<double>(j + 1) * static_cast<double>(n - k + j + 1));
  };
  d[static_cast<std::size_t>(mode - lo)] = 1.0;
  for (Count j = mode; j < hi; ++j) {
    d[static_cast<std::size_t>(j + 1 - lo)] = d[static_cast<std::size_t>(j - lo)] * ratio_up(j);
  }
  for (Count j = mode; j > lo; --j) {
    d[static_cast<std::size_t>(j - 1 - lo)] = d[static_cast<std::size_t>(j - lo)] / ratio_up(j - 1);
  }
  constexpr double kRelErr = 1 + 1e-7;  // R's relErr
  const double threshold = d[static_cast<std::size_t>(x - lo)] * kRelErr;
  double total = 0.0;
  double tail = 0.0;
  for (double value : d) {
    total += value;
    if (value <= threshold) tail += value;
  }
  return std::clamp(tail / total, 0.0, 1.0);
}

// R chisq.test on matrix(c(a, n1 - a, c, n2 - c), 2): E = outer(rowSums,
// colSums) / N; statistic sum((|x - E| - Y)^2 / E) with Y = 0, or with
// Yates's Y = min(0.5, |x - E|); p = pchisq(statistic, 1, lower.tail = FALSE).
ChiSquareTest pearson_chisq(const TwoByTwo& t, bool yates) {
  const double x[4] = {static_cast<double>(t.events_t), static_cast<double>(t.n_t - t.events_t),
                       static_cast<double>(t.events_c), static_cast<double>(t.n_c - t.events_c)};
  const double total = x[0] + x[1] + x[2] + x[3];
  const double row[2] = {x[0] + x[2], x[1] + x[3]};
  const double col[2] = {x[0] + x[1], x[2] + x[3]};
  double expected[4];
  for (int j = 0; j < 2; ++j) {
    for (int i = 0; i < 2; ++i) expected[2 * j + i] = row[i] * col[j] / total;
  }
  double correction = 0.0;
  if (yates) {
    correction = 0.5;
    for (int cell = 0; cell < 4; ++cell) correction = std::min(correction, std::fabs(x[cell] - expected[cell]));
  }
  double statistic = 0.0;
  for (int cell = 0; cell < 4; ++cell) {
    const double dev = std::fabs(x[cell] - expected[cell]) - correction;
    statistic += dev * dev / expected[cell];
  }
  return {statistic, stats::pchisq_upper(statistic, 1.0)};
}

Comparison compare_arms(const TwoByTwo& counts, double ci_level, EventsAre events_are) {
  Comparison out;
  out.counts = counts;
  out.ci_level = ci_level;
  out.cc_applied = corrected_cells(counts).corrected;
  out.log_rr = escalc_log_rr(counts, ci_level);
  out.log_or = escalc_log_or(counts, ci_level);
  out.rd = escalc_rd(counts, ci_level);
  out.nnt = nnt_from_rd(out.rd, events_are);
  out.fisher_p = fisher_exact_p(counts);
  out.chisq = pearson_chisq(counts, false);
  out.chisq_yates = pearson_chisq(counts, true);
  const double events = static_cast<double>(counts.events_t + counts.events_c);
  const double total = static_cast<double>(counts.n_t + counts.n_c);
  for (double r : {events, total - events}) {
    for (double c : {static_cast<double>(counts.n_t), static_cast<double>(counts.n_c)}) {
      if (r * c / total < 5) out.small_expected = true;
    }
  }
  return out;
}

}  // namespace metapool::reproduce
