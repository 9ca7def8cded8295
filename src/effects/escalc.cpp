// compute_effects: validate the data for the measure, apply metafor's
// continuity correction, evaluate the measure's formula per study and add the
// per-study Wald interval. Mirrors metafor 3.8 `escalc` (add = 1/2,
// to = "only0", vtype = "LS" by default) and `summary.escalc` (ci.lb, ci.ub).
#include "effects/escalc.hpp"

#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "effects/formulas.hpp"
#include "stats/distributions.hpp"

namespace metapool {
namespace {

using effects::Cells2x2;
using effects::EffectValue;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// "two-arm binary data (events_t, ...)" from describe()'s
// "two-arm binary (events_t, ...)".
std::string shape_phrase(DataShape shape) {
  std::string text(describe(shape));
  const auto paren = text.find(" (");
  if (paren == std::string::npos) return text + " data";
  return text.substr(0, paren) + " data" + text.substr(paren);
}

std::string measures_of(DataShape shape) {
  std::string out;
  for (Measure m : {Measure::OR, Measure::RR, Measure::RD, Measure::AS, Measure::PETO, Measure::PR,
                    Measure::PLO, Measure::PAS, Measure::PFT, Measure::PLN, Measure::MD, Measure::SMD,
                    Measure::ROM, Measure::COR, Measure::ZCOR, Measure::GEN}) {
    if (shape_of(m) != shape) continue;
    if (!out.empty()) out += ' ';
    out += to_string(m);
  }
  return out;
}

Diagnostic file_error(const StudyData& data, std::string message) {
  Diagnostic d = make_error(std::move(message));
  d.file = data.source;
  return d;
}

// Options and the measure-specific requirements on the data, all checked
// before anything is computed (style.md 3.8). The reader has already checked
// what every measure of the shape needs.
std::optional<Diagnostic> validate(const StudyData& data, const EffectOptions& options) {
  if (shape_of(options.measure) != data.shape) {
    return file_error(data, fmt::format("measure {} does not fit {}; expected one of {}",
                                        to_string(options.measure), shape_phrase(data.shape),
                                        measures_of(data.shape)));
  }
  if (!(options.ci_level > 0 && options.ci_level < 1)) {
    return make_error(
        fmt::format("confidence level {} is out of range; expected a value in (0, 1)", options.ci_level));
  }
  if (options.cc && !(std::isfinite(*options.cc) && *options.cc >= 0)) {
    return make_error(fmt::format(
        "continuity correction cc = {} is invalid; expected a finite number >= 0", *options.cc));
  }
  const std::size_t k = data.k();
  switch (options.measure) {
    case Measure::SMD: {
      // m = n_t + n_c - 2 must exceed 1: at m = 0 the pooled SD is 0/0 and at
      // m = 1 Hedges' correction is Gamma(1/2)/Gamma(0) = 0 (metafor: NA).
      const auto& nt = data[Role::NT];
      const auto& nc = data[Role::NC];
      for (std::size_t i = 0; i < k; ++i) {
        if (nt[i] + nc[i] <= 3) {
          return data.error_at(i, Role::NT,
                               fmt::format("n_t + n_c = {} is too small for SMD (needs n_t + n_c > 3)",
                                           nt[i] + nc[i]));
        }
      }
      break;
    }
    case Measure::ROM: {
      for (Role role : {Role::MeanT, Role::MeanC}) {
        const auto& mean = data[role];
        for (std::size_t i = 0; i < k; ++i) {
          if (!(mean[i] > 0)) {
            return data.error_at(
                i, role, fmt::format("{} = {}: ROM needs positive means", role_name(role), mean[i]));
          }
        }
      }
      break;
    }
    case Measure::COR:
    case Measure::ZCOR: {
      // ZCOR: 1/(n - 3). COR: metafor 3.8 gives no sampling variance for
      // n <= 3 either, so both need n > 3.
      const auto& n = data[Role::N];
      for (std::size_t i = 0; i < k; ++i) {
        if (n[i] <= 3) {
          return data.error_at(i, Role::N,
                               fmt::format("n = {} is too small for {} (needs n > 3)", n[i],
                                           to_string(options.measure)));
        }
      }
      break;
    }
    default:
      break;
  }
  return std::nullopt;
}

// Which studies get the correction (metafor's `to`), marked in `add`, which
// holds k zeros. `has_zero` is the measure's zero test for study i.
template <class ZeroTest>
void mark_corrections(std::vector<std::uint8_t>& add, CcTo cc_to, double cc, ZeroTest has_zero) {
  if (cc == 0 || cc_to == CcTo::None) return;
  bool any_zero = false;
  for (std::size_t i = 0; i < add.size(); ++i) {
    const bool zero = has_zero(i);
    add[i] = cc_to == CcTo::All || zero;
    any_zero = any_zero || zero;
  }
  if (cc_to == CcTo::If0All && any_zero) add.assign(add.size(), 1);
}

// Why a measure is undefined for a study (only the measures that can be).
std::string undefined_note(Measure measure) {
  switch (measure) {
    case Measure::OR:
      return "log odds ratio undefined: a zero cell and no continuity correction (metafor gives NA)";
    case Measure::RR:
      return "log risk ratio undefined: no events in an arm and no continuity correction "
             "(metafor gives NA)";
    case Measure::PETO:
      return "Peto log odds ratio undefined: no events (or no non-events) in both arms "
             "(metafor gives NA)";
    case Measure::PLO:
      return "logit undefined: events = 0 or events = n and no continuity correction "
             "(metafor gives NA)";
    case Measure::PLN:
      return "log proportion undefined: events = 0 and no continuity correction (metafor gives NA)";
    default:
      return fmt::format("{} undefined for this study (metafor gives NA)", to_string(measure));
  }
}

EffectValue binary_effect(Measure measure, const Cells2x2& c) {
  switch (measure) {
    case Measure::OR: return effects::log_or(c);
    case Measure::RR: return effects::log_rr(c);
    case Measure::RD: return effects::risk_difference(c);
    case Measure::AS: return effects::arcsine_rd(c);
    case Measure::PETO: return effects::peto_log_or(c);
    default: return {kNaN, kNaN};
  }
}

EffectValue proportion_effect(Measure measure, double xi, double ni, PftScale pft_scale) {
  switch (measure) {
    case Measure::PR: return effects::raw_proportion(xi, ni);
    case Measure::PLO: return effects::logit_proportion(xi, ni);
    case Measure::PAS: return effects::arcsine_proportion(xi, ni);
    case Measure::PFT:
      return pft_scale == PftScale::Full ? effects::freeman_tukey_full(xi, ni) : effects::freeman_tukey_half(xi, ni);
    case Measure::PLN: return effects::log_proportion(xi, ni);
    default: return {kNaN, kNaN};
  }
}

// `mean_g` is only used by SMD with vtype AV.
EffectValue continuous_effect(Measure measure, const effects::ArmSummaries& a, SmdVtype vtype, double mean_g) {
  switch (measure) {
    case Measure::MD: return effects::mean_difference(a);
    case Measure::SMD:
      switch (vtype) {
        case SmdVtype::UB: return effects::smd_hedges_g_ub(a);
        case SmdVtype::LS2: return effects::smd_hedges_g_ls2(a);
        case SmdVtype::AV: return effects::smd_hedges_g_av(a, mean_g);
        case SmdVtype::LS: break;
      }
      return effects::smd_hedges_g(a);
    case Measure::ROM: return effects::log_ratio_of_means(a);
    default: return {kNaN, kNaN};
  }
}

void compute_binary(const StudyData& data, EffectSizes& out) {
  const auto& et = data[Role::EventsT];
  const auto& nt = data[Role::NT];
  const auto& ec = data[Role::EventsC];
  const auto& nc = data[Role::NC];
  const std::size_t k = data.k();
  // metafor's zero test for 2x2 tables: any of the four cells is 0.
  auto has_zero = [&](std::size_t i) {
    return et[i] == 0 || nt[i] - et[i] == 0 || ec[i] == 0 || nc[i] - ec[i] == 0;
  };
  mark_corrections(out.cc_applied, out.cc_to, out.cc, has_zero);
  for (std::size_t i = 0; i < k; ++i) {
    const double add = out.cc_applied[i] ? out.cc : 0.0;
    const Cells2x2 cells{et[i] + add, nt[i] - et[i] + add, ec[i] + add, nc[i] - ec[i] + add};
    const EffectValue v = binary_effect(out.measure, cells);
    out.yi[i] = v.yi;
    out.vi[i] = v.vi;
  }
}

void compute_proportion(const StudyData& data, EffectSizes& out) {
  const auto& events = data[Role::Events];
  const auto& n = data[Role::N];
  const std::size_t k = data.k();
  // metafor's zero test for proportions: no events or no non-events.
  auto has_zero = [&](std::size_t i) { return events[i] == 0 || n[i] - events[i] == 0; };
  mark_corrections(out.cc_applied, out.cc_to, out.cc, has_zero);
  for (std::size_t i = 0; i < k; ++i) {
    const double add = out.cc_applied[i] ? out.cc : 0.0;
    const EffectValue v = proportion_effect(out.measure, events[i] + add, n[i] + 2 * add, out.pft_scale);
    out.yi[i] = v.yi;
    out.vi[i] = v.vi;
  }
}

void compute_continuous(const StudyData& data, EffectSizes& out) {
  const auto arms = [&data](std::size_t i) {
    return effects::ArmSummaries{data[Role::MeanT][i], data[Role::SdT][i], data[Role::NT][i],
                                 data[Role::MeanC][i], data[Role::SdC][i], data[Role::NC][i]};
  };
  // vtype AV: the sample-size weighted mean of g over the studies with a
  // finite g (metafor: .wmean(yi, ni, na.rm = TRUE), ni = n_t + n_c).
  double mean_g = kNaN;
  if (out.measure == Measure::SMD && out.smd_vtype == SmdVtype::AV) {
    double sum_ng = 0, sum_n = 0;
    for (std::size_t i = 0; i < data.k(); ++i) {
      const effects::ArmSummaries a = arms(i);
      const double g = effects::smd_hedges_g(a).yi;
      if (!std::isfinite(g)) continue;
      sum_ng += (a.n_t + a.n_c) * g;
      sum_n += a.n_t + a.n_c;
    }
    mean_g = sum_ng / sum_n;
  }
  for (std::size_t i = 0; i < data.k(); ++i) {
    const EffectValue v = continuous_effect(out.measure, arms(i), out.smd_vtype, mean_g);
    out.yi[i] = v.yi;
    out.vi[i] = v.vi;
  }
}

void compute_correlation(const StudyData& data, EffectSizes& out) {
  for (std::size_t i = 0; i < data.k(); ++i) {
    const double r = data[Role::R][i];
    const double n = data[Role::N][i];
    const EffectValue v =
        out.measure == Measure::ZCOR ? effects::fisher_z(r, n) : effects::raw_correlation(r, n);
    out.yi[i] = v.yi;
    out.vi[i] = v.vi;
  }
}

void compute_generic(const StudyData& data, EffectSizes& out) {
  out.yi = data[Role::Yi];
  out.vi = data[Role::Vi];
}

}  // namespace

double default_cc(Measure measure) {
  switch (measure) {
    // metafor 3.8 escalc: add = 1/2 for the 2x2 and proportion measures
    // except the arcsine/Freeman-Tukey ones, which are defined at 0 and 1.
    case Measure::OR: case Measure::RR: case Measure::RD: case Measure::PETO:
    case Measure::PR: case Measure::PLO: case Measure::PLN:
      return 0.5;
    default:
      return 0.0;
  }
}

Expected<EffectSizes> compute_effects(const StudyData& data, const EffectOptions& options) {
  Expected<EffectSizes> out(std::in_place);
  if (auto problem = compute_effects_into(data, options, *out)) out = std::move(*problem);
  return out;
}

std::optional<Diagnostic> compute_effects_into(const StudyData& data, const EffectOptions& options, EffectSizes& out) {
  if (auto error = validate(data, options)) return *error;

  const std::size_t k = data.k();
  out.measure = options.measure;
  out.ci_level = options.ci_level;
  out.pft_scale = options.pft_scale;
  out.smd_vtype = options.smd_vtype;
  const bool takes_cc = data.shape == DataShape::TwoArmBinary || data.shape == DataShape::Proportion;
  out.cc = takes_cc ? options.cc.value_or(default_cc(options.measure)) : 0.0;
  out.cc_to = takes_cc ? options.cc_to : CcTo::Only0;
  out.yi.assign(k, kNaN);
  out.vi.assign(k, kNaN);
  out.cc_applied.assign(k, 0);
  out.note.assign(k, std::string());

  switch (data.shape) {
    case DataShape::TwoArmBinary: compute_binary(data, out); break;
    case DataShape::Proportion: compute_proportion(data, out); break;
    case DataShape::TwoArmContinuous: compute_continuous(data, out); break;
    case DataShape::Correlation: compute_correlation(data, out); break;
    case DataShape::Generic: compute_generic(data, out); break;
  }

  // z_{(1+level)/2} of the two-sided Wald interval (summary.escalc).
  const double z = stats::qnorm((1 + options.ci_level) / 2, options.quantiles);
  out.sei.assign(k, kNaN);
  out.ci_lb.assign(k, kNaN);
  out.ci_ub.assign(k, kNaN);
  for (std::size_t i = 0; i < k; ++i) {
    // metafor recodes +-Inf (and NaN) to NA; here the study stays, as NaN
    // with the reason.
    if (!std::isfinite(out.yi[i]) || !std::isfinite(out.vi[i])) {
      out.yi[i] = kNaN;
      out.vi[i] = kNaN;
      out.note[i] = undefined_note(options.measure);
      continue;
    }
    out.sei[i] = std::sqrt(out.vi[i]);
    out.ci_lb[i] = out.yi[i] - z * out.sei[i];
    out.ci_ub[i] = out.yi[i] + z * out.sei[i];
  }
  return std::nullopt;
}

}  // namespace metapool
