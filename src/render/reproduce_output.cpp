#include "render/reproduce_output.hpp"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "render/json_value.hpp"
#include "render/number_format.hpp"
#include "render/table.hpp"

namespace metapool {
namespace {

using reproduce::ArmResult;
using reproduce::Comparison;
using reproduce::Count;
using reproduce::CountRange;
using reproduce::FigureResult;
using reproduce::GrimCheck;
using reproduce::Interval;
using reproduce::Nnt;
using reproduce::ProportionIntervals;
using reproduce::Verdict;

constexpr const char* kRoundingRule =
    "a printed percentage must equal 100*events/n rounded half up (exact fraction) to the printed "
    "number of decimals; counts that fit only when truncated are flagged, not passed";

std::string level_text(double ci_level) { return format_exact(std::round(ci_level * 1e10) / 1e8); }

std::string percent_of(Count k, Count n, int digits) {
  return format_fixed(100.0 * static_cast<double>(k) / static_cast<double>(n), digits);
}

std::string range_text(const CountRange& range) {
  if (range.empty()) return "none";
  if (range.size() == 1) return fmt::format("{}", range.first);
  if (range.size() == 2) return fmt::format("{}, {}", range.first, range.last);
  return fmt::format("{} to {} ({} counts)", range.first, range.last, range.size());
}

// A p-value: 4 decimals, or 3 significant digits below 1e-4 (students compare
// it with the article's "p = 0.0003").
std::string p_text(double p) {
  if (std::isnan(p)) return "NA";
  if (p < 1e-4) return fmt::format("{:.3g}", p);
  return format_fixed(p, 4);
}

std::string nnt_number(double value) { return std::isinf(value) ? "infinity" : format_fixed(value, 2); }

std::string nnt_point(const Nnt& nnt) {
  switch (nnt.kind) {
    case Nnt::Kind::Benefit: return "NNTB " + nnt_number(nnt.value);
    case Nnt::Kind::Harm: return "NNTH " + nnt_number(nnt.value);
    case Nnt::Kind::None: return "infinite (RD = 0)";
  }
  return {};
}

std::string nnt_ci(const Nnt& nnt) {
  switch (nnt.ci_shape) {
    case Nnt::CiShape::Benefit:
      return fmt::format("NNTB {} to {}", nnt_number(nnt.ci_lower), nnt_number(nnt.ci_upper));
    case Nnt::CiShape::Harm:
      return fmt::format("NNTH {} to {}", nnt_number(nnt.ci_lower), nnt_number(nnt.ci_upper));
    case Nnt::CiShape::SpansInfinity:
      return fmt::format("NNTB {} to infinity to NNTH {}", nnt_number(nnt.ci_lower),
                         nnt_number(nnt.ci_upper));
  }
  return {};
}

std::string nnt_text(const Nnt& nnt) { return fmt::format("{} ({})", nnt_point(nnt), nnt_ci(nnt)); }

std::string check_label(Verdict verdict) {
  switch (verdict) {
    case Verdict::Consistent: return "ok";
    case Verdict::TruncationOnly: return "INCONSISTENT (fits if truncated)";
    case Verdict::Inconsistent: return "INCONSISTENT";
    case Verdict::NotChecked: return "";
  }
  return {};
}

std::string verdict_phrase(Verdict verdict) {
  switch (verdict) {
    case Verdict::Consistent: return "consistent";
    case Verdict::TruncationOnly: return "INCONSISTENT when rounded; fits only if the author truncated";
    case Verdict::Inconsistent: return "INCONSISTENT";
    case Verdict::NotChecked: return "not checked";
  }
  return {};
}

std::string ci_percent(const Interval& ci) {
  return fmt::format("{} to {}", format_fixed(100 * ci.lower, 2), format_fixed(100 * ci.upper, 2));
}

std::string ratio_with_ci(const reproduce::WaldEffect& e) {
  return fmt::format("{} [{}, {}]", format_fixed(std::exp(e.yi), 2), format_fixed(std::exp(e.ci_lb), 2),
                     format_fixed(std::exp(e.ci_ub), 2));
}

std::string rd_with_ci(const reproduce::WaldEffect& e) {
  return fmt::format("{} [{}, {}]", format_fixed(e.yi, 3), format_fixed(e.ci_lb, 3), format_fixed(e.ci_ub, 3));
}

bool events_inferred(const ArmResult& arm) { return arm.events && !arm.input.events; }

// Notes of a figure for the table's "note" column.
std::string figure_note(const FigureResult& f) {
  std::vector<std::string> notes;
  const auto arm_notes = [&](const ArmResult& arm, const char* which) {
    if (events_inferred(arm)) {
      notes.push_back(fmt::format("{} events inferred from {}%", which, arm.input.percent->text));
    }
    if (!arm.note.empty()) notes.push_back(fmt::format("{}: {}", which, arm.note));
    if (arm.grim && arm.grim->half_up_tie && arm.events && *arm.grim->half_up_tie == *arm.events) {
      notes.push_back(fmt::format("{}: {}/{} is exactly {}%, which rounds to {} only with halves up", which,
                                  *arm.events, arm.grim->n, percent_of(*arm.events, arm.grim->n, arm.grim->reported.decimals + 1),
                                  arm.grim->reported.text));
    }
  };
  arm_notes(f.treatment, "t");
  if (f.control) arm_notes(*f.control, "c");
  if (!f.comparison_note.empty()) notes.push_back(f.comparison_note);
  if (f.comparison && f.comparison->cc_applied) notes.push_back("0.5 added to every cell (zero cell)");
  std::string out;
  for (const auto& note : notes) out += (out.empty() ? "" : "; ") + note;
  return out;
}

// ---- JSON -------------------------------------------------------------------

nlohmann::ordered_json json_range(const CountRange& range) {
  if (range.empty()) return nullptr;
  return {{"first", range.first}, {"last", range.last}};
}

nlohmann::ordered_json json_interval(const Interval& ci) {
  return nlohmann::ordered_json::array({json_number(ci.lower), json_number(ci.upper)});
}

nlohmann::ordered_json json_arm(const ArmResult& arm) {
  nlohmann::ordered_json out;
  out["label"] = arm.input.label;
  out["events"] = arm.events ? nlohmann::ordered_json(*arm.events) : nullptr;
  out["events_given"] = arm.input.events.has_value();
  out["n"] = arm.input.n ? nlohmann::ordered_json(*arm.input.n) : nullptr;
  out["reported_percent"] = arm.input.percent ? nlohmann::ordered_json(arm.input.percent->text) : nullptr;
  out["decimals"] = arm.input.percent ? nlohmann::ordered_json(arm.input.percent->decimals) : nullptr;
  if (arm.events) {
    const Count n = *arm.input.n;
    out["percent"] = json_number(100.0 * static_cast<double>(*arm.events) / static_cast<double>(n));
    out["percent_rounded"] =
        arm.input.percent ? nlohmann::ordered_json(reproduce::rounded_percent_text(*arm.events, n, arm.input.percent->decimals))
                          : nullptr;
  } else {
    out["percent"] = nullptr;
    out["percent_rounded"] = nullptr;
  }
  out["check"] = std::string(reproduce::to_string(arm.verdict));
  if (arm.grim) {
    const GrimCheck& g = *arm.grim;
    out["consistent_counts"] = json_range(g.consistent);
    out["truncation_only_counts"] = json_range(g.truncation_only);
    out["half_up_tie"] = g.half_up_tie ? nlohmann::ordered_json(*g.half_up_tie) : nullptr;
    out["half_down_tie"] = g.half_down_tie ? nlohmann::ordered_json(*g.half_down_tie) : nullptr;
    out["nearest_counts"] = g.nearest;
  } else {
    out["consistent_counts"] = nullptr;
    out["truncation_only_counts"] = nullptr;
    out["half_up_tie"] = nullptr;
    out["half_down_tie"] = nullptr;
    out["nearest_counts"] = nullptr;
  }
  if (arm.intervals) {
    const ProportionIntervals& p = *arm.intervals;
    out["proportion"] = json_number(p.proportion);
    out["intervals"] = {{"clopper_pearson", json_interval(p.clopper_pearson)},
                        {"wilson", json_interval(p.wilson)},
                        {"agresti_coull", json_interval(p.agresti_coull)},
                        {"jeffreys", json_interval(p.jeffreys)}};
  } else {
    out["proportion"] = nullptr;
    out["intervals"] = nullptr;
  }
  out["note"] = arm.note.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(arm.note);
  return out;
}

nlohmann::ordered_json json_effect(const reproduce::WaldEffect& e, bool ratio) {
  nlohmann::ordered_json out{{"yi", json_number(e.yi)},
                             {"vi", json_number(e.vi)},
                             {"ci_lb", json_number(e.ci_lb)},
                             {"ci_ub", json_number(e.ci_ub)}};
  if (ratio) {
    out["transformed"] = {{"estimate", json_number(std::exp(e.yi))},
                          {"ci_lb", json_number(std::exp(e.ci_lb))},
                          {"ci_ub", json_number(std::exp(e.ci_ub))}};
  }
  return out;
}

nlohmann::ordered_json json_comparison(const Comparison& c) {
  const Nnt& nnt = c.nnt;
  const char* kind = nnt.kind == Nnt::Kind::Benefit ? "benefit" : nnt.kind == Nnt::Kind::Harm ? "harm" : "none";
  const char* shape = nnt.ci_shape == Nnt::CiShape::Benefit ? "benefit"
                      : nnt.ci_shape == Nnt::CiShape::Harm  ? "harm"
                                                            : "spans_infinity";
  nlohmann::ordered_json out;
  out["cc_applied"] = c.cc_applied;
  out["RR"] = json_effect(c.log_rr, true);
  out["OR"] = json_effect(c.log_or, true);
  out["RD"] = json_effect(c.rd, false);
  out["NNT"] = {{"kind", kind},
                {"value", json_number(nnt.value)},
                {"ci_shape", shape},
                {"ci_lower", json_number(nnt.ci_lower)},
                {"ci_upper", json_number(nnt.ci_upper)},
                {"text", nnt_text(nnt)}};
  out["fisher_p"] = json_number(c.fisher_p);
  out["chisq"] = {{"statistic", json_number(c.chisq.statistic)}, {"df", 1}, {"pval", json_number(c.chisq.pval)}};
  out["chisq_yates"] = {{"statistic", json_number(c.chisq_yates.statistic)},
                        {"df", 1},
                        {"pval", json_number(c.chisq_yates.pval)}};
  out["small_expected"] = c.small_expected;
  return out;
}

std::string render_json(const ReproduceReport& report) {
  nlohmann::ordered_json out;
  out["version"] = version_string();
  out["level"] = json_level(report.options.ci_level);
  out["rounding"] = "half_up";
  out["rounding_rule"] = kRoundingRule;
  out["events_are"] = report.options.events_are == reproduce::EventsAre::Beneficial ? "beneficial" : "harmful";
  out["source"] = report.source.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(report.source);
  auto figures = nlohmann::ordered_json::array();
  for (const FigureResult& f : report.figures) {
    nlohmann::ordered_json fig;
    fig["id"] = f.id.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(f.id);
    fig["study"] = f.study.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(f.study);
    fig["figure"] = f.figure.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(f.figure);
    fig["line"] = f.line > 0 ? nlohmann::ordered_json(f.line) : nullptr;
    fig["treatment"] = json_arm(f.treatment);
    fig["control"] = f.control ? json_arm(*f.control) : nullptr;
    fig["comparison"] = f.comparison ? json_comparison(*f.comparison) : nullptr;
    fig["note"] = f.comparison_note.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(f.comparison_note);
    figures.push_back(std::move(fig));
  }
  out["figures"] = std::move(figures);
  return json_text(out);
}

// ---- CSV (wide, exact numbers) ----------------------------------------------

bool any_control(const ReproduceReport& report) {
  for (const auto& f : report.figures) {
    if (f.control) return true;
  }
  return false;
}

void add_arm_columns(Table& table, const char* suffix) {
  for (const char* name : {"arm", "events", "n", "percent_reported", "percent", "check", "consistent_counts",
                           "truncation_only_counts", "cp_lb", "cp_ub", "wilson_lb", "wilson_ub", "ac_lb",
                           "ac_ub", "jeffreys_lb", "jeffreys_ub"}) {
    table.add_column(fmt::format("{}_{}", name, suffix));
  }
}

void add_arm_cells(std::vector<std::string>& row, const ArmResult* arm) {
  if (arm == nullptr) {
    row.insert(row.end(), 16, "");
    return;
  }
  const auto count = [](const std::optional<Count>& v) { return v ? fmt::format("{}", *v) : std::string(); };
  const auto range = [](const CountRange& r) {
    if (r.empty()) return std::string();
    return r.size() == 1 ? fmt::format("{}", r.first) : fmt::format("{}-{}", r.first, r.last);
  };
  row.push_back(arm->input.label);
  row.push_back(count(arm->events));
  row.push_back(count(arm->input.n));
  row.push_back(arm->input.percent ? arm->input.percent->text : "");
  row.push_back(arm->events ? format_exact(100.0 * static_cast<double>(*arm->events) / static_cast<double>(*arm->input.n)) : "");
  row.push_back(std::string(reproduce::to_string(arm->verdict)));
  row.push_back(arm->grim ? range(arm->grim->consistent) : "");
  row.push_back(arm->grim ? range(arm->grim->truncation_only) : "");
  if (arm->intervals) {
    const ProportionIntervals& p = *arm->intervals;
    for (const Interval* ci : {&p.clopper_pearson, &p.wilson, &p.agresti_coull, &p.jeffreys}) {
      row.push_back(format_exact(ci->lower));
      row.push_back(format_exact(ci->upper));
    }
  } else {
    row.insert(row.end(), 8, "");
  }
}

Table wide_table(const ReproduceReport& report) {
  const bool two = any_control(report);
  Table table;
  for (const char* name : {"id", "study", "figure"}) table.add_column(name, Align::Left);
  add_arm_columns(table, "t");
  if (two) {
    add_arm_columns(table, "c");
    for (const char* name : {"rr", "rr_lb", "rr_ub", "or", "or_lb", "or_ub", "rd", "rd_lb", "rd_ub", "cc_applied",
                             "nnt", "nnt_ci", "fisher_p", "chisq", "chisq_p", "chisq_yates", "chisq_yates_p"}) {
      table.add_column(name);
    }
  }
  table.add_column("note", Align::Left);
  for (const FigureResult& f : report.figures) {
    std::vector<std::string> row{f.id, f.study, f.figure};
    add_arm_cells(row, &f.treatment);
    if (two) {
      add_arm_cells(row, f.control ? &*f.control : nullptr);
      if (f.comparison) {
        const Comparison& c = *f.comparison;
        for (const auto* e : {&c.log_rr, &c.log_or}) {
          row.push_back(format_exact(std::exp(e->yi)));
          row.push_back(format_exact(std::exp(e->ci_lb)));
          row.push_back(format_exact(std::exp(e->ci_ub)));
        }
        row.push_back(format_exact(c.rd.yi));
        row.push_back(format_exact(c.rd.ci_lb));
        row.push_back(format_exact(c.rd.ci_ub));
        row.push_back(c.cc_applied ? "TRUE" : "FALSE");
        row.push_back(nnt_point(c.nnt));
        row.push_back(nnt_ci(c.nnt));
        row.push_back(format_exact(c.fisher_p));
        row.push_back(format_exact(c.chisq.statistic));
        row.push_back(format_exact(c.chisq.pval));
        row.push_back(format_exact(c.chisq_yates.statistic));
        row.push_back(format_exact(c.chisq_yates.pval));
      } else {
        row.insert(row.end(), 17, "");
      }
    }
    row.push_back(figure_note(f));
    table.rows.push_back(std::move(row));
  }
  return table;
}

// ---- compact table (text/md/latex for a file) ---------------------------------

std::string counts_cell(const ArmResult& arm) {
  if (!arm.input.n) return arm.input.events ? fmt::format("{}/?", *arm.input.events) : "?";
  if (!arm.events) return fmt::format("?/{}", *arm.input.n);
  return fmt::format("{}/{}{}", *arm.events, *arm.input.n, events_inferred(arm) ? "*" : "");
}

void compact_arm(std::vector<std::string>& row, const ArmResult* arm) {
  if (arm == nullptr) {
    row.insert(row.end(), 5, "");
    return;
  }
  row.push_back(counts_cell(*arm));
  row.push_back(arm->events ? percent_of(*arm->events, *arm->input.n, 2) : "");
  row.push_back(arm->input.percent ? arm->input.percent->text : "");
  row.push_back(check_label(arm->verdict));
  row.push_back(arm->intervals ? ci_percent(arm->intervals->clopper_pearson) : "");
}

Table compact_table(const ReproduceReport& report, bool with_study) {
  const bool two = any_control(report);
  const std::string level = level_text(report.options.ci_level);
  Table table;
  table.add_column("id", Align::Left);
  if (with_study) table.add_column("study", Align::Left);
  const std::vector<const char*> arms = two ? std::vector<const char*>{"t", "c"} : std::vector<const char*>{"t"};
  for (const char* arm : arms) {
    table.add_column(fmt::format("events/n {}", arm));
    table.add_column(fmt::format("% {}", arm));
    table.add_column(fmt::format("printed {}", arm));
    table.add_column(fmt::format("check {}", arm), Align::Left);
    table.add_column(fmt::format("exact {}% CI {}", level, arm));
  }
  if (two) {
    table.add_column("RR [CI]");
    table.add_column("OR [CI]");
    table.add_column("RD [CI]");
    table.add_column("NNT (CI)", Align::Left);
    table.add_column("Fisher p");
  }
  table.add_column("note", Align::Left);
  for (const FigureResult& f : report.figures) {
    std::vector<std::string> row{f.id};
    if (with_study) row.push_back(f.study);
    compact_arm(row, &f.treatment);
    if (two) {
      compact_arm(row, f.control ? &*f.control : nullptr);
      if (f.comparison) {
        const Comparison& c = *f.comparison;
        row.push_back(ratio_with_ci(c.log_rr));
        row.push_back(ratio_with_ci(c.log_or));
        row.push_back(rd_with_ci(c.rd));
        row.push_back(nnt_text(c.nnt));
        row.push_back(format_pvalue(c.fisher_p));
      } else {
        row.insert(row.end(), 5, "");
      }
    }
    row.push_back(figure_note(f));
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::string file_legend(const ReproduceReport& report) {
  return fmt::format(
      "check: {}. * = events inferred from the printed percentage (the unique consistent count). "
      "CIs: Clopper-Pearson exact, in percent; RR, OR, RD: {}% Wald CIs as metafor escalc; "
      "NNT from RD (events are {}), Altman 1998.",
      kRoundingRule, level_text(report.options.ci_level),
      report.options.events_are == reproduce::EventsAre::Beneficial ? "beneficial" : "harmful");
}

// ---- one figure in detail (command line) --------------------------------------

Table arms_table(const FigureResult& f, double ci_level) {
  Table table;
  table.add_column("arm", Align::Left);
  table.add_column("events");
  table.add_column("n");
  table.add_column("percent");
  table.add_column("printed");
  table.add_column("check", Align::Left);
  table.add_column("method", Align::Left);
  table.add_column(fmt::format("{}% lower", level_text(ci_level)));
  table.add_column(fmt::format("{}% upper", level_text(ci_level)));
  const auto add = [&](const ArmResult& arm) {
    const std::string events = arm.events ? fmt::format("{}{}", *arm.events, events_inferred(arm) ? "*" : "") : "?";
    const std::string n = arm.input.n ? fmt::format("{}", *arm.input.n) : "?";
    const std::string pct = arm.events ? percent_of(*arm.events, *arm.input.n, 2) : "";
    const std::string printed = arm.input.percent ? arm.input.percent->text : "";
    const std::string check = check_label(arm.verdict);
    if (!arm.intervals) {
      table.rows.push_back({arm.input.label, events, n, pct, printed, check, "", "", ""});
      return;
    }
    const ProportionIntervals& p = *arm.intervals;
    const std::pair<const char*, const Interval*> methods[] = {{"Clopper-Pearson (exact)", &p.clopper_pearson},
                                                               {"Wilson (score)", &p.wilson},
                                                               {"Agresti-Coull", &p.agresti_coull},
                                                               {"Jeffreys", &p.jeffreys}};
    bool first = true;
    for (const auto& [name, ci] : methods) {
      if (first) {
        table.rows.push_back({arm.input.label, events, n, pct, printed, check, name, format_fixed(100 * ci->lower, 2),
                              format_fixed(100 * ci->upper, 2)});
      } else {
        table.rows.push_back({"", "", "", "", "", "", name, format_fixed(100 * ci->lower, 2),
                              format_fixed(100 * ci->upper, 2)});
      }
      first = false;
    }
  };
  add(f.treatment);
  if (f.control) add(*f.control);
  return table;
}

Table comparison_table(const Comparison& c) {
  Table table;
  table.add_column("measure", Align::Left);
  table.add_column("estimate");
  table.add_column(fmt::format("{}% lower", level_text(c.ci_level)));
  table.add_column(fmt::format("{}% upper", level_text(c.ci_level)));
  table.add_column("scale", Align::Left);
  const auto ratio = [&](const char* name, const reproduce::WaldEffect& e, const char* scale) {
    table.rows.push_back({name, format_fixed(std::exp(e.yi), 4), format_fixed(std::exp(e.ci_lb), 4),
                          format_fixed(std::exp(e.ci_ub), 4), scale});
  };
  ratio("RR", c.log_rr, "risk ratio (Wald CI on log scale)");
  ratio("OR", c.log_or, "odds ratio (Wald CI on log scale)");
  table.rows.push_back({"RD", format_fixed(c.rd.yi, 4), format_fixed(c.rd.ci_lb, 4), format_fixed(c.rd.ci_ub, 4),
                        "risk difference (Wald CI)"});
  return table;
}

std::string grim_lines(const ArmResult& arm) {
  if (!arm.grim) return {};
  const GrimCheck& g = *arm.grim;
  const int d = g.reported.decimals;
  std::string out = fmt::format("  printed {}% with n = {} ({} decimal{}, round half up): counts that print as {}%: {}\n",
                                g.reported.text, g.n, d, d == 1 ? "" : "s", g.reported.text, range_text(g.consistent));
  if (arm.input.events) {
    const Count k = *arm.input.events;
    out += fmt::format("  {}/{} = {}% prints as {}: {}\n", k, g.n, percent_of(k, g.n, d + 2),
                       reproduce::rounded_percent_text(k, g.n, d), verdict_phrase(arm.verdict));
  } else if (arm.verdict != Verdict::Consistent) {
    out += fmt::format("  {}: no count out of {} prints as {}% when rounded\n", verdict_phrase(Verdict::Inconsistent),
                       g.n, g.reported.text);
  }
  if (!g.truncation_only.empty()) {
    out += fmt::format("  only if truncated (not rounded): {}", range_text(g.truncation_only));
    if (g.truncation_only.size() == 1) {
      const Count k = g.truncation_only.first;
      out += fmt::format(" ({}/{} = {}%)", k, g.n, percent_of(k, g.n, d + 2));
    }
    out += "\n";
  }
  if (g.half_up_tie) {
    out += fmt::format("  note: {}/{} = {}% exactly, a tie: it prints as {} only because halves round up\n",
                       *g.half_up_tie, g.n, percent_of(*g.half_up_tie, g.n, d + 1), g.reported.text);
  }
  if (g.half_down_tie) {
    out += fmt::format("  note: {}/{} = {}% exactly, a tie: it would print as {} if halves were rounded down\n",
                       *g.half_down_tie, g.n, percent_of(*g.half_down_tie, g.n, d + 1), g.reported.text);
  }
  if (g.consistent.empty()) {
    for (Count k : g.nearest) {
      out += fmt::format("  nearest count: {}/{} = {}% (prints as {}%)\n", k, g.n, percent_of(k, g.n, d + 2),
                         reproduce::rounded_percent_text(k, g.n, d));
    }
  }
  return out;
}

std::string render_figure_text(const FigureResult& f, const ReproduceReport& report) {
  const double level = report.options.ci_level;
  std::string out = fmt::format("Reproduce a reported figure ({}% intervals)\n", level_text(level));
  out += fmt::format("Rule: {}.\n\n", kRoundingRule);
  for (const ArmResult* arm : {&f.treatment, f.control ? &*f.control : nullptr}) {
    if (arm == nullptr) continue;
    out += fmt::format("{}:\n", arm->input.label);
    out += grim_lines(*arm);
    if (arm->events) {
      out += fmt::format("  using {}/{} = {}%{}\n", *arm->events, *arm->input.n, percent_of(*arm->events, *arm->input.n, 2),
                         events_inferred(*arm) ? " (the only count consistent with the printed percentage)" : "");
    }
    // A note that only restates the consistency lines is left out.
    if (!arm->note.empty() && (!arm->grim || arm->grim->consistent.size() > 1)) {
      out += fmt::format("  {}\n", arm->note);
    }
  }
  out += "\nProportions (* = inferred count):\n";
  out += render_text(arms_table(f, level));
  if (f.comparison) {
    const Comparison& c = *f.comparison;
    out += fmt::format("\n{} {}/{} vs {} {}/{} (as metafor escalc{}):\n", f.treatment.input.label,
                       c.counts.events_t, c.counts.n_t, f.control->input.label, c.counts.events_c, c.counts.n_c,
                       c.cc_applied ? "; a cell is 0, so 0.5 was added to every cell" : "");
    out += render_text(comparison_table(c));
    out += fmt::format("NNT: {} (events are {}; Altman 1998)\n", nnt_text(c.nnt),
                       report.options.events_are == reproduce::EventsAre::Beneficial ? "beneficial" : "harmful");
    out += fmt::format("Fisher's exact test (two-sided): p = {}\n", p_text(c.fisher_p));
    out += fmt::format("Pearson chi-square: X^2 = {}, df = 1, p = {}\n", format_fixed(c.chisq.statistic, 4),
                       p_text(c.chisq.pval));
    out += fmt::format("  with Yates's continuity correction (R's default): X^2 = {}, p = {}\n",
                       format_fixed(c.chisq_yates.statistic, 4), p_text(c.chisq_yates.pval));
    if (c.small_expected) out += "  an expected count is below 5: the chi-square approximation may be poor\n";
  } else if (!f.comparison_note.empty()) {
    out += fmt::format("\n{}\n", f.comparison_note);
  }
  return out;
}

std::string render_figure_tables(const FigureResult& f, const ReproduceReport& report, bool latex) {
  const auto render = [&](const Table& t) { return latex ? render_latex(t) : render_markdown(t); };
  std::string out = render(arms_table(f, report.options.ci_level));
  if (f.comparison) {
    Table extra = comparison_table(*f.comparison);
    const Comparison& c = *f.comparison;
    extra.rows.push_back({"NNT", "", "", "", nnt_text(c.nnt)});
    extra.rows.push_back({"Fisher p", p_text(c.fisher_p), "", "", "two-sided exact"});
    extra.rows.push_back({"chi-square p", p_text(c.chisq.pval), "", "",
                          fmt::format("X^2 = {}, df = 1", format_fixed(c.chisq.statistic, 4))});
    extra.rows.push_back({"Yates chi-square p", p_text(c.chisq_yates.pval), "", "",
                          fmt::format("X^2 = {}, df = 1", format_fixed(c.chisq_yates.statistic, 4))});
    out += "\n" + render(extra);
  }
  return out;
}

}  // namespace

Table reproduce_file_table(const ReproduceReport& report, bool with_study) { return compact_table(report, with_study); }
std::string reproduce_file_legend(const ReproduceReport& report) { return file_legend(report); }

std::string render_reproduce(const ReproduceReport& report, OutputFormat format) {
  const bool single = report.source.empty() && report.figures.size() == 1;
  switch (format) {
    case OutputFormat::Json: return render_json(report);
    case OutputFormat::Csv: return render_csv(wide_table(report));
    case OutputFormat::Markdown:
      if (single) return render_figure_tables(report.figures.front(), report, false);
      return render_markdown(compact_table(report, true)) + "\n" + file_legend(report) + "\n";
    case OutputFormat::Latex:
      if (single) return render_figure_tables(report.figures.front(), report, true);
      return render_latex(compact_table(report, true));
    case OutputFormat::Text: {
      if (single) return render_figure_text(report.figures.front(), report);
      std::string out = fmt::format("Reported figures from {}: {} rows\n\n", report.source, report.figures.size());
      out += render_text(compact_table(report, false));
      out += "\n" + file_legend(report) + "\n";
      return out;
    }
  }
  return {};
}

}  // namespace metapool
