// The choices on which meta-analysis tools disagree, each an explicit option
// with round-trip string codes (style.md 3.3). Defaults are metafor 3.8-1's;
// docs/interface-extensions.md ("Conventions") says what RevMan and meta do.
#pragma once

#include <optional>
#include <string_view>

#include "core/types.hpp"

namespace metapool {

// I^2 and H^2 of a random-effects model (--i2).
//   Metafor: I^2 = 100 tau^2 / (tau^2 + s^2), H^2 = (tau^2 + s^2) / s^2 with
//            the "typical" within-study variance s^2 (Higgins & Thompson
//            2002, eq. 9; metafor print.rma.uni); CIs by Q-profile.
//   Higgins: I^2 = 100 max(0, (Q - df) / Q), H^2 = Q / df (Higgins &
//            Thompson 2002, eqs. 4 and 6; RevMan, meta); CIs test-based
//            (Higgins & Thompson 2002, appendix; meta's calcH/isquared).
// Common-effect models (EE, MH, Peto) use the Higgins form under both, as
// metafor does.
enum class I2Definition { Metafor, Higgins };

// Reference distribution of the prediction interval (--pi-df).
//   Auto: metafor predict.rma: the test's, i.e. normal for z and t with k-1 df
//         for t/knha.
//   Z, KMinus1, KMinus2: normal, t(k-1), t(k-2) whatever the test (k-2:
//         Higgins, Thompson & Spiegelhalter 2009; Cochrane Handbook; meta).
enum class PiDf { Auto, Z, KMinus1, KMinus2 };

// Scale of the Freeman-Tukey double arcsine for PFT (--pft-scale).
//   Half: metafor and meta: (asin(sqrt(x/(n+1))) + asin(sqrt((x+1)/(n+1)))) / 2,
//         vi = 1/(4n + 2).
//   Full: Freeman & Tukey (1950), Miller (1978): the sum without halving,
//         vi = 1/(n + 1/2). Both back-transform with Miller's inversion.
enum class PftScale { Half, Full };

// Sampling variance of Hedges' g (--smd-vtype), metafor escalc `vtype`.
//   LS:  1/n1 + 1/n2 + g^2 / (2 (n1 + n2))        (Hedges 1982, eq. 8)
//   UB:  1/n1 + 1/n2 + (1 - (m - 2)/(m c^2)) g^2   (Hedges 1983, eq. 9)
//   LS2: c^2 (1/n1 + 1/n2 + d^2 / (2 (n1 + n2)))   (Borenstein 2009, eq. 12.17)
//   AV:  LS with g replaced by the (n1 + n2)-weighted mean of g over studies.
// m = n1 + n2 - 2, c = Hedges' correction c(m), d = uncorrected SMD.
enum class SmdVtype { LS, UB, LS2, AV };

std::string_view to_string(I2Definition value);
std::string_view to_string(PiDf value);  // "auto" "z" "k-1" "k-2"
std::string_view to_string(PftScale value);
std::string_view to_string(SmdVtype value);

std::optional<I2Definition> parse_i2_definition(std::string_view text);  // metafor | higgins
std::optional<PiDf> parse_pi_df(std::string_view text);                  // auto | z | k-1 | k-2
std::optional<PftScale> parse_pft_scale(std::string_view text);          // half | full
std::optional<SmdVtype> parse_smd_vtype(std::string_view text);          // LS | UB | LS2 | AV

// The Mantel-Haenszel continuity correction (--mh-cc, --mh-cc-add): metafor
// rma.mh's second elements of `to` and `add`, applied to the counts of the
// MH estimate itself (the per-study yi/vi keep --cc / --cc-to).
struct MhCorrection {
  CcTo to = CcTo::None;  // metafor default: to = c(<to>, "none")
  double add = 0.5;      // used when `to` is not none (metafor's default add[2] is 0)
};

// The conventions a result was computed with, as recorded in the output.
// nullopt = the convention does not apply to this analysis (JSON null).
struct ConventionsUsed {
  std::optional<I2Definition> i2;
  std::optional<PiDf> pi_df;          // resolved: never Auto
  std::optional<double> cc;           // escalc `add` for the per-study yi/vi
  std::optional<CcTo> cc_to;          // escalc `to`
  std::optional<CcTo> mh_cc;          // MH only
  std::optional<double> mh_cc_add;    // MH with mh_cc != none
  std::optional<PftScale> pft_scale;  // PFT only
  std::optional<SmdVtype> smd_vtype;  // SMD only
};

}  // namespace metapool
