// Permutation tests for meta-regression, as metafor 3.8-1 `permutest.rma.uni`
// for models with moderators: the rows of the model matrix are permuted
// (yi and vi stay with their study), the model is refitted with the same
// method and test, and each p-value is the proportion of permutations whose
// statistic is at least as extreme as the observed one:
//   coefficient j: mean(|z*_j| >= |z_j| - comptol)   (z or t statistics)
//   omnibus test:  mean(QM* >= QM - comptol)
// with comptol = sqrt(machine epsilon), metafor's default.
//
// Approximate test (metafor's default): `iterations` permutations of which
// the first is the observed data (metafor sets the first row of the
// permutation distribution to the observed values), so no p-value is below
// 1/iterations. Refits that fail are redrawn, as metafor's loop does.
// Exact test: every distinct permutation of the rows of X (rows that are
// identical count once), used when requested or when their number is at most
// `iterations` (metafor switches to the exact test the same way).
//
// Random numbers: std::mt19937_64 seeded with `seed`; no global RNG. The
// results cannot reproduce metafor's R random stream, only its distribution.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/expected.hpp"
#include "models/metareg.hpp"

namespace metapool {

struct PermutationOptions {
  std::size_t iterations = 1000;  // >= 2
  std::uint64_t seed = 0;
  bool exact = false;  // force the exact test
  // Largest number of distinct permutations enumerated for an exact test.
  double max_exact = 1e7;
};

struct PermutationResult {
  bool exact = false;
  std::size_t iterations = 0;      // permutations used (exact: all distinct ones)
  double exact_count = 0;          // number of distinct permutations of the rows of X
  std::uint64_t seed = 0;
  std::vector<double> pval;        // one per coefficient
  double QM_pval = kNaN;
  std::size_t failed = 0;          // refits that failed (approximate: redrawn; exact: left out)
};

// `observed` is fit_metareg(data, x, options). Errors: iterations < 2, an
// exact test with more than max_exact permutations, a model without
// moderators (p = 1: metafor's sign-flipping test is not implemented).
Expected<PermutationResult> permutation_test(const EffectData& data, const DesignMatrix& x,
                                             const MetaregOptions& options, const MetaregResult& observed,
                                             const PermutationOptions& permutation);

// Number of distinct permutations of the rows of x: k! / prod(n_g!) over
// groups of identical rows (may be +inf).
double distinct_permutations(const DesignMatrix& x);

}  // namespace metapool
