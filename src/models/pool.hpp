// The pooled models of `metapool pool`: inverse-variance common effect (EE)
// and random effects (DL HE HS HSk SJ ML REML EB PM PMM GENQ) on yi/vi, and
// Mantel-Haenszel and Peto on 2x2 counts. Values stay on the analysis scale.
// Definitions: metafor 3.8-1 rma.uni, rma.mh, rma.peto, confint.rma.uni
// (Q-profile) and predict.rma. No printing, no global state, O(k) cost.
#pragma once

#include "models/model_types.hpp"

namespace metapool {

// EE and the random-effects estimators (options.method). Needs yi finite and
// vi > 0; otherwise the result has NaN numbers, converged = false and a
// warning naming the first bad study. k = 1 gives tau2 = 0 and test z, as
// metafor. Non-convergence tries options.fallback in order.
PoolResult fit_uni(const EffectData& data, const PoolOptions& options);

// Mantel-Haenszel for options.measure OR, RR or RD (variances of
// Robins-Breslow-Greenland for OR, Greenland-Robins for RR, Sato-Greenland-
// Robins for RD, as rma.mh). Q is Cochran's Q of the per-study escalc values
// (continuity correction options.cc / cc_to, double-zero studies dropped)
// around the MH estimate.
PoolResult fit_mh(const BinaryCounts& counts, const PoolOptions& options);

// Peto's one-step log odds ratio (rma.peto).
PoolResult fit_peto(const BinaryCounts& counts, const PoolOptions& options);

}  // namespace metapool
