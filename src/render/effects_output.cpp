#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "render/conventions_output.hpp"
#include "render/json_value.hpp"
#include "render/number_format.hpp"
#include "render/output.hpp"
#include "render/table.hpp"

namespace metapool {
namespace {

bool any_note(const EffectSizes& es) {
  for (std::size_t i = 0; i < es.k(); ++i) {
    if (!es.computed(i)) return true;
  }
  return false;
}

// Per-study table; `exact` chooses round-trip numbers (csv/json) over
// 4-decimal ones (text/md/latex).
Table effects_table(const EffectsAnalysis& analysis, bool exact) {
  const StudyData& data = analysis.data;
  const EffectSizes& es = analysis.effects;
  const auto extra = data.passthrough_columns();
  Table table;
  table.add_column("study", Align::Left);
  for (std::size_t c : extra) table.add_column(data.raw.header[c], Align::Left);
  for (const char* name : {"yi", "vi", "sei", "ci_lb", "ci_ub"}) table.add_column(name);
  const bool notes = any_note(es);
  if (notes || exact) table.add_column("note", Align::Left);
  const auto num = [&](double v) { return exact ? format_exact(v) : format_fixed(v, 4); };
  for (std::size_t i = 0; i < es.k(); ++i) {
    std::vector<std::string> row{data.study[i]};
    for (std::size_t c : extra) row.emplace_back(data.raw.cell(i, c));
    for (double v : {es.yi[i], es.vi[i], es.sei[i], es.ci_lb[i], es.ci_ub[i]}) row.push_back(num(v));
    if (notes || exact) row.push_back(es.note[i]);
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace

std::string render_effects(const EffectsAnalysis& analysis, OutputFormat format) {
  const EffectSizes& es = analysis.effects;
  switch (format) {
    case OutputFormat::Csv: return render_csv(effects_table(analysis, true));
    case OutputFormat::Markdown: return render_markdown(effects_table(analysis, false));
    case OutputFormat::Latex: return render_latex(effects_table(analysis, false));
    case OutputFormat::Json: {
      nlohmann::ordered_json out;
      out["version"] = version_string();
      out["measure"] = std::string(to_string(es.measure));
      out["scale"] = std::string(measure_label(es.measure));
      out["level"] = json_level(es.ci_level);
      out["k"] = es.k();
      out["conventions"] = conventions_json(analysis.conventions, false);
      const auto extra = analysis.data.passthrough_columns();
      auto studies = nlohmann::ordered_json::array();
      for (std::size_t i = 0; i < es.k(); ++i) {
        nlohmann::ordered_json row;
        row["study"] = analysis.data.study[i];
        row["yi"] = json_number(es.yi[i]);
        row["vi"] = json_number(es.vi[i]);
        row["sei"] = json_number(es.sei[i]);
        row["ci_lb"] = json_number(es.ci_lb[i]);
        row["ci_ub"] = json_number(es.ci_ub[i]);
        row["cc_applied"] = static_cast<bool>(es.cc_applied[i]);
        if (!es.computed(i)) row["note"] = es.note[i];
        for (std::size_t c : extra) row[analysis.data.raw.header[c]] = analysis.data.raw.cell(i, c);
        studies.push_back(std::move(row));
      }
      out["studies"] = std::move(studies);
      return json_text(out);
    }
    case OutputFormat::Text: {
      std::string out = fmt::format("Effect sizes: {} ({}), k = {}, {}% Wald CIs\n\n",
                                    to_string(es.measure), measure_label(es.measure), es.k(),
                                    format_exact(es.ci_level * 100));
      if (const std::string used = conventions_text(analysis.conventions); !used.empty()) out += used + "\n";
      out += render_text(effects_table(analysis, false));
      return out;
    }
  }
  return {};
}

}  // namespace metapool
