#include "report/plot_data.hpp"

#include <cmath>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "render/number_format.hpp"
#include "render/output.hpp"

namespace metapool::report {
namespace {

std::string level_text(double ci_level) { return format_exact(ci_level * 100) + "%"; }

double harmonic_n(const PoolAnalysis& a) {
  if (scale_measure(a) != Measure::PFT) return std::nan("");
  std::vector<double> n;
  for (std::size_t i : a.used) n.push_back(a.input.data[Role::N][i]);
  return harmonic_mean(n);
}

std::string cell(double value) { return format_exact(value); }

// The data columns of the forest plot for the data shape.
std::vector<std::string> data_columns(DataShape shape) {
  switch (shape) {
    case DataShape::TwoArmBinary: return {"Treatment events/N", "Control events/N"};
    case DataShape::Proportion: return {"Events/N"};
    case DataShape::TwoArmContinuous: return {"Treatment: mean (SD) n", "Control: mean (SD) n"};
    case DataShape::Correlation: return {"r", "N"};
    case DataShape::Generic: return {"SE"};
  }
  return {};
}

std::vector<std::string> data_cells(const PoolAnalysis& a, std::size_t i) {
  const StudyData& d = a.input.data;
  switch (d.shape) {
    case DataShape::TwoArmBinary:
      return {cell(d[Role::EventsT][i]) + "/" + cell(d[Role::NT][i]),
              cell(d[Role::EventsC][i]) + "/" + cell(d[Role::NC][i])};
    case DataShape::Proportion: return {cell(d[Role::Events][i]) + "/" + cell(d[Role::N][i])};
    case DataShape::TwoArmContinuous:
      return {fmt::format("{} ({}) {}", cell(d[Role::MeanT][i]), cell(d[Role::SdT][i]), cell(d[Role::NT][i])),
              fmt::format("{} ({}) {}", cell(d[Role::MeanC][i]), cell(d[Role::SdC][i]), cell(d[Role::NC][i]))};
    case DataShape::Correlation: return {cell(d[Role::R][i]), cell(d[Role::N][i])};
    case DataShape::Generic: return {format_fixed(std::sqrt(a.input.effects.vi[i]), 3)};
  }
  return {};
}

std::string subgroup_stats(const PoolResult& p) {
  std::string out;
  if (p.tau2) out += fmt::format("\u03C4\u00B2 = {}; ", format_fixed(p.tau2, 4));
  if (p.I2) out += fmt::format("I\u00B2 = {}%; ", format_fixed(p.I2, 1));
  out += fmt::format("Q = {} (df = {}), {}", format_fixed(p.Q, 2), p.Q_df, p_text(p.Q_pval));
  return out;
}

}  // namespace

std::string p_text(double pval) {
  if (std::isnan(pval)) return "p = NA";
  if (pval < 1e-4) return "p < 0.0001";
  return "p = " + format_fixed(pval, 4);
}

std::string model_label(const PoolResult& p) {
  std::string out;
  switch (p.method) {
    case Method::EE: out = "Common-effect model"; break;
    case Method::MH: out = "Common-effect model (Mantel-Haenszel)"; break;
    case Method::PETO: out = "Common-effect model (Peto)"; break;
    default: out = fmt::format("Random-effects model ({})", to_string(p.method));
  }
  if (p.test == TestType::KNHA) out += ", Knapp-Hartung";
  if (p.test == TestType::T) out += ", t test";
  return out;
}

Measure scale_measure(const PoolAnalysis& a) {
  return a.pool.method == Method::PETO ? Measure::PETO : a.input.effects.measure;
}

std::string effect_code(const PoolAnalysis& a) {
  const Measure m = scale_measure(a);
  if (auto scale = natural_scale(m)) return *scale;
  return std::string(to_string(m));
}

std::string effect_name(const PoolAnalysis& a) {
  switch (scale_measure(a)) {
    case Measure::RR: return "Risk ratio";
    case Measure::OR: case Measure::PETO: return "Odds ratio";
    case Measure::ROM: return "Ratio of means";
    case Measure::RD: return "Risk difference";
    case Measure::PLO: case Measure::PAS: case Measure::PFT: case Measure::PLN: case Measure::PR:
      return "Proportion";
    case Measure::COR: case Measure::ZCOR: return "Correlation";
    case Measure::MD: return "Mean difference";
    case Measure::SMD: return "Standardised mean difference";
    case Measure::AS: return "Arcsine risk difference";
    case Measure::GEN: return "Effect";
  }
  return "Effect";
}

double display_value(const PoolAnalysis& a, double value) {
  const Measure m = scale_measure(a);
  if (!natural_scale(m)) return value;
  return back_transform(m, value, harmonic_n(a));
}

std::optional<double> null_value(const PoolAnalysis& a) {
  switch (scale_measure(a)) {
    case Measure::RR: case Measure::OR: case Measure::PETO: case Measure::ROM: return 1.0;
    case Measure::PR: case Measure::PLO: case Measure::PAS: case Measure::PFT: case Measure::PLN: return std::nullopt;
    default: return 0.0;
  }
}

std::string heterogeneity_line(const PoolResult& p) {
  std::string out = "Heterogeneity: ";
  if (p.tau2) {
    out += fmt::format("\u03C4\u00B2 = {}", format_fixed(p.tau2, 4));
    if (p.tau2_ci) out += fmt::format(" [{}, {}]", format_fixed(p.tau2_ci->lb, 4), format_fixed(p.tau2_ci->ub, 4));
    out += "; ";
  }
  if (p.I2) {
    out += fmt::format("I\u00B2 = {}%", format_fixed(p.I2, 1));
    if (p.I2_ci) out += fmt::format(" [{}%, {}%]", format_fixed(p.I2_ci->lb, 1), format_fixed(p.I2_ci->ub, 1));
    out += "; ";
  }
  out += fmt::format("Q = {} (df = {}), {}", format_fixed(p.Q, 2), p.Q_df, p_text(p.Q_pval));
  return out;
}

std::string overall_test_line(const PoolResult& p) {
  const std::string stat = p.df ? fmt::format("t({}) = {}", format_exact(*p.df), format_fixed(p.statistic, 2))
                                : fmt::format("z = {}", format_fixed(p.statistic, 2));
  return fmt::format("Test for overall effect: {}, {}", stat, p_text(p.pval));
}

plots::ForestPlot forest_plot(const ReportData& data) {
  const PoolAnalysis& a = data.analysis;
  const PoolResult& p = a.pool;
  const EffectSizes& es = a.input.effects;
  const StudyData& d = a.input.data;
  plots::ForestPlot plot;
  plot.title = fmt::format("Forest plot: {} ({} studies)", effect_name(a), d.k());
  plot.data_columns = data_columns(d.shape);
  const Measure m = scale_measure(a);
  plot.log_axis = m == Measure::RR || m == Measure::OR || m == Measure::PETO || m == Measure::ROM;
  plot.null_value = null_value(a);
  plot.axis_label = effect_name(a) + (plot.log_axis ? " (log scale)" : "");
  plot.effect_column = fmt::format("{} [{} CI]", effect_code(a), level_text(p.ci_level));
  plot.digits = 2;

  std::map<std::size_t, std::size_t> position;  // study index -> row of pool.studies
  for (std::size_t j = 0; j < a.used.size(); ++j) position[a.used[j]] = j;
  const auto study_row = [&](std::size_t i) {
    plots::ForestStudy s{d.study[i], data_cells(a, i), kNaN, kNaN, kNaN, kNaN, ""};
    double yi = es.yi[i], lb = es.ci_lb[i], ub = es.ci_ub[i];
    const auto it = position.find(i);
    if (it != position.end() && it->second < p.studies.size()) {
      const StudyFit& f = p.studies[it->second];
      if (std::isfinite(f.yi)) yi = f.yi, lb = f.ci_lb, ub = f.ci_ub;
      s.weight = f.weight;
    }
    if (std::isfinite(yi)) {
      s.est = display_value(a, yi);
      s.lb = display_value(a, lb);
      s.ub = display_value(a, ub);
    } else {
      s.note = "not estimable";
    }
    if (it == position.end()) s.note = "not estimable (left out)";
    return s;
  };

  if (a.subgroups) {
    std::vector<bool> grouped(d.k(), false);
    for (const SubgroupFit& g : a.subgroups->groups) {
      plots::ForestGroup group;
      group.name = fmt::format("{} = {}", a.subgroups->column, g.name);
      double share = 0;
      for (std::size_t i : g.studies) {
        group.studies.push_back(study_row(i));
        grouped[i] = true;
        if (std::isfinite(group.studies.back().weight)) share += group.studies.back().weight;
      }
      const PoolResult& gp = g.pool;
      const auto bt = [&](double v) { return display_value(a, v); };
      plots::ForestSummary summary{fmt::format("Subtotal (k = {})", gp.k),
                                   g.transformed ? g.transformed->estimate : bt(gp.estimate),
                                   g.transformed ? g.transformed->ci_lb : bt(gp.ci_lb),
                                   g.transformed ? g.transformed->ci_ub : bt(gp.ci_ub),
                                   std::nullopt,
                                   format_fixed(share, 1) + "%",
                                   subgroup_stats(gp)};
      group.summary = summary;
      plot.groups.push_back(std::move(group));
    }
    plots::ForestGroup rest;
    rest.name = fmt::format("{} missing", a.subgroups->column);
    for (std::size_t i = 0; i < d.k(); ++i) {
      if (!grouped[i]) rest.studies.push_back(study_row(i));
    }
    if (!rest.studies.empty()) plot.groups.push_back(std::move(rest));
  } else {
    plots::ForestGroup all;
    for (std::size_t i = 0; i < d.k(); ++i) all.studies.push_back(study_row(i));
    plot.groups.push_back(std::move(all));
  }

  plots::ForestSummary overall{model_label(p), display_value(a, p.estimate), display_value(a, p.ci_lb),
                               display_value(a, p.ci_ub), std::nullopt, "100%", ""};
  if (a.transformed) {
    overall.est = a.transformed->estimate;
    overall.lb = a.transformed->ci_lb;
    overall.ub = a.transformed->ci_ub;
  }
  if (p.pi && p.tau2) {
    overall.pi = std::make_pair(display_value(a, p.pi->lb), display_value(a, p.pi->ub));
    if (a.transformed) overall.pi = std::make_pair(a.transformed->pi_lb, a.transformed->pi_ub);
  }
  plot.overall = overall;
  plot.footer.push_back(heterogeneity_line(p));
  plot.footer.push_back(overall_test_line(p));
  if (a.subgroups && a.subgroups->groups.size() >= 2) {
    const SubgroupTest& t = a.subgroups->test;
    plot.footer.push_back(fmt::format("Test for subgroup differences: Q = {} (df = {}), {}", format_fixed(t.Q, 2),
                                      t.df, p_text(t.pval)));
  }
  if (p.pi && p.tau2) {
    plot.footer.push_back(fmt::format("Dashed bar: {} prediction interval for the effect in a new study",
                                      level_text(p.ci_level)));
  }
  return plot;
}

plots::FunnelPlot funnel_plot(const ReportData& data, bool contours) {
  const PoolAnalysis& a = data.analysis;
  const PoolResult& p = a.pool;
  plots::FunnelPlot plot;
  plot.title = fmt::format("Funnel plot: {}", effect_name(a));
  for (std::size_t j = 0; j < a.used.size() && j < p.studies.size(); ++j) {
    const StudyFit& s = p.studies[j];
    plot.points.push_back({a.input.data.study[a.used[j]], s.yi, std::sqrt(s.vi), false});
  }
  if (data.bias && data.bias->trimfill_l0.ok && data.bias->trimfill_l0.k0 > 0) {
    const TrimFillResult& tf = data.bias->trimfill_l0;
    for (std::size_t j = 0; j < tf.filled_yi.size() && j < tf.filled_vi.size(); ++j) {
      plot.points.push_back({fmt::format("imputed study {}", j + 1), tf.filled_yi[j], std::sqrt(tf.filled_vi[j]), true});
    }
    plot.footer.push_back(fmt::format(
        "Hollow: {} {} imputed by trim and fill (L0, {} side); adjusted {} {} [{}, {}]", tf.k0,
        tf.k0 == 1 ? "study" : "studies", to_string(tf.side), effect_code(a),
        format_fixed(display_value(a, tf.pooled.estimate), 2), format_fixed(display_value(a, tf.pooled.ci_lb), 2),
        format_fixed(display_value(a, tf.pooled.ci_ub), 2)));
  }
  plot.estimate = p.estimate;
  plot.z_crit = data.z_crit;
  plot.region_label = fmt::format("{} pseudo-confidence region around the pooled estimate", level_text(p.ci_level));
  plot.x_label = std::string(measure_label(scale_measure(a)));
  if (!plot.x_label.empty()) plot.x_label[0] = static_cast<char>(std::toupper(plot.x_label[0]));
  if (contours) {
    static const char* kFills[] = {"#8c8c8c", "#b4b4b4", "#dcdcdc", "#eeeeee"};
    for (std::size_t j = 0; j < data.contour_z.size(); ++j) {
      plot.contours.push_back(
          {data.contour_z[j], format_fixed(1 - data.contour_levels[j], 2), kFills[std::min<std::size_t>(j, 3)]});
    }
  }
  return plot;
}

plots::BaujatPlot baujat_plot(const ReportData& data) {
  const PoolAnalysis& a = data.analysis;
  plots::BaujatPlot plot;
  plot.title = "Baujat plot";
  if (a.pool.method != Method::EE && a.pool.method != Method::MH && a.pool.method != Method::PETO) {
    plot.x_label = "Squared Pearson residual (contribution to heterogeneity)";
  }
  for (const BaujatValue& v : data.baujat) {
    plot.points.push_back({std::to_string(v.study + 1), a.input.data.study[v.study], v.contribution, v.influence});
  }
  return plot;
}

}  // namespace metapool::report
