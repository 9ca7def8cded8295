#include "analysis/report_data.hpp"

#include <algorithm>
#include <cmath>

#include "models/pool.hpp"
#include "stats/distributions.hpp"

namespace metapool {
namespace {

bool counts_method(Method method) { return method == Method::MH || method == Method::PETO; }

PoolOptions pool_options_for(const PoolAnalysis& a, const AnalysisOptions& options, Method method, TestType test) {
  PoolOptions o = pool_options_from(options, a.input.effects.measure);
  o.method = method;
  o.test = test;
  o.fallback.clear();  // each row of the method table is that method alone
  return o;
}

// The model on `studies` (indices into StudyData) with `method`/`test`:
// counts for MH/Peto, otherwise the studies with a computable yi/vi.
PoolResult refit(const PoolAnalysis& a, const std::vector<std::size_t>& studies, const PoolOptions& o) {
  const StudyData& data = a.input.data;
  const EffectSizes& es = a.input.effects;
  if (counts_method(o.method)) {
    BinaryCounts counts;
    for (std::size_t i : studies) {
      counts.ai.push_back(data[Role::EventsT][i]);
      counts.n1i.push_back(data[Role::NT][i]);
      counts.ci.push_back(data[Role::EventsC][i]);
      counts.n2i.push_back(data[Role::NC][i]);
    }
    return o.method == Method::MH ? fit_mh(counts, o) : fit_peto(counts, o);
  }
  EffectData effects;
  for (std::size_t i : studies) {
    if (!es.computed(i)) continue;
    effects.yi.push_back(es.yi[i]);
    effects.vi.push_back(es.vi[i]);
  }
  return fit_uni(effects, o);
}

std::vector<std::size_t> computed_studies(const PoolAnalysis& a) {
  std::vector<std::size_t> out;
  for (std::size_t i : a.used) {
    if (a.input.effects.computed(i)) out.push_back(i);
  }
  return out;
}

double median(std::vector<double> values) {
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

}  // namespace

std::vector<BaujatValue> baujat_values(const PoolAnalysis& a, const AnalysisOptions& options) {
  std::vector<BaujatValue> out;
  const PoolResult& full = a.pool;
  if (a.used.size() < 2 || !std::isfinite(full.estimate)) return out;
  PoolOptions o = pool_options_for(a, options, full.method, full.test);
  const double tau2 = full.tau2.value_or(0.0);
  for (std::size_t j = 0; j < a.used.size() && j < full.studies.size(); ++j) {
    BaujatValue value;
    value.study = a.used[j];
    const StudyFit& s = full.studies[j];
    if (std::isfinite(s.yi) && std::isfinite(s.vi)) {
      const double r = s.yi - full.estimate;
      value.contribution = r * r / (tau2 + s.vi);
    }
    std::vector<std::size_t> rest;
    for (std::size_t i : a.used) {
      if (i != a.used[j]) rest.push_back(i);
    }
    const PoolResult without = refit(a, rest, o);
    if (without.converged && std::isfinite(without.estimate) && without.se > 0) {
      const double d = without.estimate - full.estimate;
      value.influence = d * d / (without.se * without.se);
    }
    out.push_back(value);
  }
  return out;
}

std::optional<AbsoluteEffects> absolute_effects(const PoolAnalysis& a) {
  const StudyData& data = a.input.data;
  const Measure measure = a.pool.method == Method::PETO ? Measure::PETO : a.input.effects.measure;
  if (data.shape != DataShape::TwoArmBinary) return std::nullopt;
  if (measure != Measure::RR && measure != Measure::OR && measure != Measure::PETO && measure != Measure::RD) {
    return std::nullopt;
  }
  const PoolResult& p = a.pool;
  if (!std::isfinite(p.estimate)) return std::nullopt;
  AbsoluteEffects out;
  out.measure = measure;
  std::vector<double> control_risks;
  for (std::size_t i : a.used) {
    out.events_t += data[Role::EventsT][i];
    out.n_t += data[Role::NT][i];
    out.events_c += data[Role::EventsC][i];
    out.n_c += data[Role::NC][i];
    if (data[Role::NC][i] > 0) control_risks.push_back(data[Role::EventsC][i] / data[Role::NC][i]);
  }
  out.studies = a.used.size();
  out.participants = out.n_t + out.n_c;
  const double acr = median(control_risks);
  out.control_risk = acr;
  const auto risk = [&](double relative) {
    switch (measure) {
      case Measure::RR: return std::min(1.0, acr * relative);
      case Measure::RD: return std::clamp(acr + relative, 0.0, 1.0);
      default: return relative * acr / (1 - acr + relative * acr);  // OR, PETO
    }
  };
  if (measure == Measure::RD) {
    out.relative = p.estimate, out.relative_lb = p.ci_lb, out.relative_ub = p.ci_ub;
  } else {
    out.relative = std::exp(p.estimate), out.relative_lb = std::exp(p.ci_lb), out.relative_ub = std::exp(p.ci_ub);
  }
  out.risk_t = risk(out.relative);
  out.risk_t_lb = risk(out.relative_lb);
  out.risk_t_ub = risk(out.relative_ub);
  out.difference = out.risk_t - acr;
  out.difference_lb = out.risk_t_lb - acr;
  out.difference_ub = out.risk_t_ub - acr;
  return out;
}

Expected<ReportData> analyse_report(CsvTable table, const AnalysisOptions& options) {
  // Leave-one-out and the small-study tests are about the overall model.
  AnalysisOptions overall = options;
  overall.subgroup.reset();
  overall.mods.clear();
  overall.permutation.reset();
  auto sensitivity = analyse_sensitivity(table, overall, SensitivityOptions{});
  auto bias = analyse_bias(table, overall, BiasOptions{});
  auto analysis = analyse_pool(std::move(table), options);
  if (!analysis) return analysis.error();
  ReportData out;
  out.analysis = std::move(analysis).value();
  const PoolAnalysis& a = out.analysis;
  const EffectSizes& es = a.input.effects;

  // The same studies under every applicable method, with z and with the
  // Hartung-Knapp-Sidik-Jonkman adjustment (and t when that was asked for).
  const Measure measure = es.measure;
  const bool binary = a.input.data.shape == DataShape::TwoArmBinary;
  std::vector<Method> methods{Method::EE,  Method::DL,   Method::HE, Method::HS, Method::HSk, Method::SJ,
                              Method::ML,  Method::REML, Method::EB, Method::PM, Method::PMM, Method::GENQ};
  if (binary && (measure == Measure::OR || measure == Measure::RR || measure == Measure::RD)) {
    methods.push_back(Method::MH);
  }
  if (binary && (measure == Measure::OR || measure == Measure::PETO)) methods.push_back(Method::PETO);
  std::vector<TestType> tests{TestType::Z, TestType::KNHA};
  if (options.test == TestType::T) tests.insert(tests.begin() + 1, TestType::T);

  MethodFit chosen{a.pool.requested, a.pool.test, true, a.pool, a.transformed};
  out.methods.push_back(chosen);
  const std::vector<std::size_t> iv_studies = computed_studies(a);
  for (Method method : methods) {
    for (TestType test : tests) {
      if (counts_method(method) && test != TestType::Z) continue;  // rma.mh/rma.peto have no knha
      if (method == options.method && test == options.test) continue;
      const PoolOptions o = pool_options_for(a, options, method, test);
      MethodFit fit;
      fit.method = method;
      fit.test = test;
      fit.pool = refit(a, counts_method(method) ? a.used : iv_studies, o);
      const Measure scale = method == Method::PETO ? Measure::PETO : measure;
      fit.transformed = transform_result(fit.pool, a.input.data, counts_method(method) ? a.used : iv_studies, scale);
      out.methods.push_back(std::move(fit));
    }
  }

  out.baujat = baujat_values(a, options);
  out.absolute = absolute_effects(a);
  if (sensitivity) {
    out.sensitivity = std::move(sensitivity).value();
  } else {
    out.warnings.push_back("leave-one-out analysis not available: " + sensitivity.error().message);
  }
  if (bias) {
    out.bias = std::move(bias).value();
  } else {
    out.warnings.push_back("small-study tests not available: " + bias.error().message);
  }
  out.z_crit = stats::qnorm(1 - (1 - options.ci_level) / 2);
  for (double level : out.contour_levels) out.contour_z.push_back(stats::qnorm(1 - (1 - level) / 2));
  return out;
}

}  // namespace metapool
