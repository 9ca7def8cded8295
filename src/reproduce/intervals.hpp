// Confidence intervals for one binomial proportion x/n. Each function
// requires 0 <= x <= n, n >= 1 and 0 < ci_level < 1 (validated by the caller).
// References are the R functions the values are checked against
// (tests/golden/reproduce/proportions.json, scripts/golden_reproduce.R).
#pragma once

#include "reproduce/grim.hpp"

namespace metapool::reproduce {

struct Interval {
  double lower = 0.0;
  double upper = 0.0;
};

// Clopper & Pearson (1934) exact interval: Beta(a/2; x, n-x+1) and
// Beta(1-a/2; x+1, n-x) quantiles, 0 when x = 0 and 1 when x = n.
// R: binom.test(x, n, conf.level)$conf.int.
Interval clopper_pearson_interval(Count x, Count n, double ci_level);

// Wilson (1927) score interval without continuity correction, in the form
// R's prop.test(x, n, correct = FALSE)$conf.int computes it (lower exactly 0
// when x = 0, upper exactly 1 when x = n).
Interval wilson_interval(Count x, Count n, double ci_level);

// Agresti & Coull (1998): the Wald interval around p~ = (x + z^2/2)/(n + z^2)
// with n~ = n + z^2, as binom::binom.confint(method = "ac"), clipped to [0, 1]
// (binom does not clip).
Interval agresti_coull_interval(Count x, Count n, double ci_level);

// Jeffreys equal-tailed interval: Beta(x + 1/2, n - x + 1/2) quantiles at a/2
// and 1 - a/2, with lower = 0 when x = 0 and upper = 1 when x = n (Brown, Cai
// & DasGupta 2001, Statist. Sci. 16:101-133, section 4.1.2).
Interval jeffreys_interval(Count x, Count n, double ci_level);

struct ProportionIntervals {
  Count events = 0;
  Count n = 0;
  double ci_level = 0.95;
  double proportion = 0.0;  // x / n
  Interval clopper_pearson;
  Interval wilson;
  Interval agresti_coull;
  Interval jeffreys;
};

ProportionIntervals proportion_intervals(Count x, Count n, double ci_level);

}  // namespace metapool::reproduce
