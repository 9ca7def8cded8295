// Comparing two arms of binary counts: RR, OR and RD as metafor's escalc
// computes them (with their Wald CIs), the number needed to treat, Fisher's
// exact test and Pearson's chi-square test as R computes them. Reference
// values: tests/golden/reproduce/two_arm.json (scripts/golden_reproduce.R).
#pragma once

#include "reproduce/grim.hpp"

namespace metapool::reproduce {

// events/n in the treatment (t) and control (c) arm; 0 <= events <= n, n >= 1.
struct TwoByTwo {
  Count events_t = 0;
  Count n_t = 0;
  Count events_c = 0;
  Count n_c = 0;
};

// One escalc effect: yi on the analysis scale (log RR, log OR, RD), its
// sampling variance vi and the Wald CI yi -+ z sqrt(vi) on the same scale.
struct WaldEffect {
  double yi = 0.0;
  double vi = 0.0;
  double ci_lb = 0.0;
  double ci_ub = 0.0;
};

// Whether an event is good for the patient (response, remission) or bad
// (relapse, death). It only decides whether a positive RD is a benefit
// (NNTB) or a harm (NNTH).
enum class EventsAre { Beneficial, Harmful };

// Number needed to treat, 1/|RD|, with its CI in Altman's form (BMJ 1998;
// 317:1309): when the RD CI excludes 0 both limits are NNTs of one kind;
// when it includes 0 the CI runs from NNTB `ci_benefit` through infinity to
// NNTH `ci_harm`.
struct Nnt {
  enum class Kind { Benefit, Harm, None };  // None: RD = 0, the NNT is infinite
  enum class CiShape { Benefit, Harm, SpansInfinity };
  Kind kind = Kind::None;
  double value = 0.0;  // 1/|RD| (infinite when RD = 0)
  CiShape ci_shape = CiShape::SpansInfinity;
  // Benefit/Harm: ci_lower <= ci_upper, both NNTs of that kind.
  // SpansInfinity: ci_lower is the NNTB limit, ci_upper the NNTH limit
  // (either may be infinite when an RD limit is exactly 0).
  double ci_lower = 0.0;
  double ci_upper = 0.0;
};

// Pearson chi-square test of the 2x2 table, df = 1, as R's chisq.test.
// NaN statistic and p when a row or column of the table is empty.
struct ChiSquareTest {
  double statistic = 0.0;
  double pval = 0.0;
};

struct Comparison {
  TwoByTwo counts;
  double ci_level = 0.95;
  // metafor's default continuity correction (add = 1/2, to = "only0"): 1/2
  // is added to all four cells when any cell is 0; RR, OR, RD and the NNT
  // are computed from the corrected cells.
  bool cc_applied = false;
  WaldEffect log_rr;
  WaldEffect log_or;
  WaldEffect rd;
  Nnt nnt;
  double fisher_p = 0.0;          // fisher.test(...)$p.value
  ChiSquareTest chisq;            // chisq.test(..., correct = FALSE)
  ChiSquareTest chisq_yates;      // chisq.test(..., correct = TRUE), R's default
  bool small_expected = false;    // some expected count < 5 (R's "approximation may be incorrect")
};

// Requires valid counts (n >= 1, 0 <= events <= n) and 0 < ci_level < 1.
Comparison compare_arms(const TwoByTwo& counts, double ci_level, EventsAre events_are);

// The pieces, for testing.
WaldEffect escalc_log_rr(const TwoByTwo& counts, double ci_level);
WaldEffect escalc_log_or(const TwoByTwo& counts, double ci_level);
WaldEffect escalc_rd(const TwoByTwo& counts, double ci_level);
Nnt nnt_from_rd(const WaldEffect& rd, EventsAre events_are);
double fisher_exact_p(const TwoByTwo& counts);
ChiSquareTest pearson_chisq(const TwoByTwo& counts, bool yates);

}  // namespace metapool::reproduce
