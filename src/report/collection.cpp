#include "report/collection.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "plots/svg.hpp"
#include "render/number_format.hpp"
#include "render/output.hpp"
#include "render/table.hpp"
#include "report/plot_data.hpp"

namespace metapool::report {
namespace {

using plots::xml_escape;

std::string h(std::string_view text) { return xml_escape(text); }

// Markdown text from user data: HTML-escaped (as report.md), quotes kept.
std::string md(std::string_view text) {
  std::string out = xml_escape(text);
  for (const auto& [entity, plain] : {std::pair<std::string, std::string>{"&quot;", "\""}, {"&#39;", "'"}}) {
    for (std::size_t pos = out.find(entity); pos != std::string::npos; pos = out.find(entity, pos + 1)) {
      out.replace(pos, entity.size(), plain);
    }
  }
  // Markdown link and emphasis syntax from data must stay text.
  std::string safe;
  for (char c : out) {
    if (c == '[' || c == ']' || c == '*' || c == '_' || c == '`' || c == '\\') safe += '\\';
    safe += c;
  }
  return safe;
}

// A table cell: text, an optional link target (relative, from the manifest's
// validated ids) and an optional CSS class.
struct Cell {
  std::string text;
  std::string href;
  std::string css;
};

struct LinkTable {
  std::vector<std::string> columns;
  std::vector<bool> numeric;
  std::vector<std::vector<Cell>> rows;
};

std::string render_link_html(const LinkTable& t, const std::string& css_class = "") {
  std::string out = "<div class=\"table-wrap\">\n<table" + (css_class.empty() ? "" : " class=\"" + h(css_class) + "\"") +
                    ">\n<thead><tr>";
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    out += t.numeric[c] ? "<th class=\"num\">" : "<th>";
    out += h(t.columns[c]) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c) {
      std::string cls = t.numeric[c] ? "num" : "";
      if (!row[c].css.empty()) cls += (cls.empty() ? "" : " ") + row[c].css;
      out += cls.empty() ? "<td>" : "<td class=\"" + h(cls) + "\">";
      if (!row[c].href.empty()) {
        out += "<a href=\"" + h(row[c].href) + "\">" + h(row[c].text) + "</a>";
      } else {
        out += h(row[c].text);
      }
      out += "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n</div>\n";
}

std::string render_link_markdown(const LinkTable& t) {
  Table table;
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    table.add_column(md(t.columns[c]), t.numeric[c] ? Align::Right : Align::Left);
  }
  for (const auto& row : t.rows) {
    std::vector<std::string> cells;
    for (const auto& cell : row) {
      cells.push_back(cell.href.empty() ? md(cell.text) : "[" + md(cell.text) + "](" + cell.href + ")");
    }
    table.rows.push_back(std::move(cells));
  }
  return render_markdown(table);
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 80) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::string fixed3(double value) { return std::isfinite(value) ? format_fixed(value, 3) : std::string("NA"); }

std::string interval3(double lb, double ub) { return fmt::format("{} to {}", fixed3(lb), fixed3(ub)); }

std::string provenance_text(const std::vector<ValueCount>& tally) {
  if (tally.empty()) return "not recorded";
  std::vector<std::string> parts;
  for (const auto& v : tally) parts.push_back(fmt::format("{} {}", v.count, v.value));
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string level_percent(double ci_level) { return format_exact(std::round(ci_level * 1e10) / 1e8) + "%"; }

// The pooled headline values on the display scale.
struct Headline {
  double estimate = kNaN, ci_lb = kNaN, ci_ub = kNaN, pi_lb = kNaN, pi_ub = kNaN;
  bool has_pi = false;
};

Headline headline(const PoolResult& p, const std::optional<Transformed>& t) {
  Headline out;
  out.estimate = t ? t->estimate : p.estimate;
  out.ci_lb = t ? t->ci_lb : p.ci_lb;
  out.ci_ub = t ? t->ci_ub : p.ci_ub;
  if (p.pi) {
    out.has_pi = true;
    out.pi_lb = t ? t->pi_lb : p.pi->lb;
    out.pi_ub = t ? t->pi_ub : p.pi->ub;
  }
  return out;
}

std::string i2_text(const PoolResult& p) { return p.I2 ? format_fixed(p.I2, 1) + "%" : std::string("NA"); }
std::string tau2_text(const PoolResult& p) { return p.tau2 ? format_fixed(p.tau2, 4) : std::string("NA"); }

// "estimate (95% CI a to b); 95% PI c to d; I^2 = x%, tau^2 = y; Q = .. (df, p)".
std::string headline_sentence(const PoolAnalysis& a, const PoolResult& p, const std::optional<Transformed>& t) {
  const Headline hl = headline(p, t);
  const std::string level = level_percent(p.ci_level);
  std::string out = fmt::format("{} {} ({} CI {}), {}", effect_name(a), fixed3(hl.estimate), level,
                                interval3(hl.ci_lb, hl.ci_ub), p_text(p.pval));
  if (hl.has_pi) out += fmt::format("; {} prediction interval {}", level, interval3(hl.pi_lb, hl.pi_ub));
  out += fmt::format("; I\u00B2 = {}, \u03C4\u00B2 = {}; Q = {} (df = {}, {})", i2_text(p), tau2_text(p),
                     format_fixed(p.Q, 2), p.Q_df, p_text(p.Q_pval));
  return out + ".";
}

std::string css() {
  return R"(body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.45}
main{max-width:1240px;margin:0 auto;padding:1.5rem 2rem 3rem}
h1{font-size:1.6rem;margin:.2rem 0}
h2{font-size:1.25rem;border-bottom:2px solid #1f4e79;padding-bottom:.2rem;margin-top:2.2rem}
h3{font-size:1.05rem;margin:1.4rem 0 .3rem}
.lead{font-size:1.02rem;background:#eef3f8;border-left:4px solid #1f4e79;padding:.8rem 1rem}
table{border-collapse:collapse;margin:.6rem 0 .4rem;font-size:.82rem}
th,td{padding:.25rem .5rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
th{background:#f0f3f7;border-bottom:2px solid #999}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.flag{background:#fde2e1;font-weight:bold;color:#8b0000}
td.sub{padding-left:1.6rem;color:#333}
table.figures{font-size:.72rem}
table.figures th,table.figures td{padding:.2rem .3rem}
table.figures td:first-child{white-space:nowrap}
table.notes td:last-child{min-width:18rem}

.table-wrap{overflow-x:auto}
.analysis{border:1px solid #d5dde6;border-radius:4px;padding:.2rem 1rem .6rem;margin:1rem 0}
.analysis dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.4rem 0;font-size:.9rem}
.analysis dt{font-weight:bold;color:#333}
.analysis dd{margin:0}
.headline{font-weight:bold}
.badge{display:inline-block;font-size:.75rem;font-weight:bold;padding:.05rem .45rem;border-radius:3px;vertical-align:middle}
.badge.pooled{background:#dcebdc;color:#1e5a1e}
.badge.single{background:#fff4e5;color:#8a4b00}
.note{font-size:.85rem;color:#444}
.warning{background:#fff4e5;border-left:4px solid #e67e22;padding:.5rem 1rem}
ol.dont li{margin-bottom:.45rem}
.stamp dt{font-weight:bold}
.stamp dd{margin:0 0 .4rem 0;font-family:"DejaVu Sans Mono",monospace;font-size:.85rem;word-break:break-all}
@media print{nav{display:none}main{max-width:none;padding:0}body{font-size:9pt}
h2{break-after:avoid}.analysis,tr{break-inside:avoid}.table-wrap{overflow:visible}a{color:inherit;text-decoration:none}}
)";
}

struct Section {
  std::string id, title, html, markdown;
};

// The count columns of a two-arm binary or single-arm study, as "e/n".
std::string arm_counts(const CsvTable& raw, std::size_t row, const char* events, const char* n) {
  const auto e = raw.find_column(events);
  const auto m = raw.find_column(n);
  if (!e || !m) return {};
  return fmt::format("{}/{}", raw.cell(row, *e), raw.cell(row, *m));
}

std::string cell_of(const CsvTable& raw, std::size_t row, std::string_view column) {
  const auto c = raw.find_column(column);
  return c ? std::string(raw.cell(row, *c)) : std::string();
}

}  // namespace

std::string_view to_string(EntryKind kind) {
  switch (kind) {
    case EntryKind::Pool: return "pool";
    case EntryKind::Single: return "single";
    case EntryKind::NotPooled: return "not_pooled";
  }
  return "pool";
}

Expected<std::vector<CollectionEntry>> read_collection_manifest(const CsvTable& table) {
  const auto at = [&](std::size_t row, std::optional<std::size_t> col, std::string message) {
    Diagnostic d;
    d.file = table.source;
    d.line = table.line[row];
    d.column = col ? static_cast<int>(*col) + 1 : 0;
    d.message = std::move(message);
    return d;
  };
  for (const char* required : {"id", "kind", "title"}) {
    if (!table.find_column(required)) {
      Diagnostic d;
      d.file = table.source;
      d.line = table.header_line;
      d.message = fmt::format("manifest: column \"{}\" is missing; expected id, kind, title and for analyses file",
                              required);
      return d;
    }
  }
  const auto get = [&](std::size_t row, const char* name) {
    const auto c = table.find_column(name);
    return c ? std::string(table.cell(row, *c)) : std::string();
  };
  std::vector<CollectionEntry> out;
  std::set<std::string> seen;
  for (std::size_t r = 0; r < table.row_count(); ++r) {
    CollectionEntry e;
    e.line = table.line[r];
    e.id = get(r, "id");
    if (!valid_id(e.id)) {
      return at(r, table.find_column("id"),
                fmt::format("manifest: id \"{}\" is not a directory name; use 1-80 letters, digits, '_' or '-'", e.id));
    }
    if (!seen.insert(lower(e.id)).second) {
      return at(r, table.find_column("id"), fmt::format("manifest: id \"{}\" appears twice", e.id));
    }
    const std::string kind = lower(get(r, "kind"));
    if (kind == "pool") {
      e.kind = EntryKind::Pool;
    } else if (kind == "single") {
      e.kind = EntryKind::Single;
    } else if (kind == "not_pooled") {
      e.kind = EntryKind::NotPooled;
    } else {
      return at(r, table.find_column("kind"),
                fmt::format("manifest: kind \"{}\" is unknown; expected pool, single or not_pooled", get(r, "kind")));
    }
    e.file = get(r, "file");
    e.title = get(r, "title");
    if (e.title.empty()) return at(r, table.find_column("title"), "manifest: title is empty");
    e.comparison = get(r, "comparison");
    e.outcome = get(r, "outcome");
    e.timepoint = get(r, "timepoint");
    e.measure = get(r, "measure");
    e.method = get(r, "method");
    e.subgroup = get(r, "subgroup");
    e.notes = get(r, "notes");
    if (e.kind != EntryKind::NotPooled && e.file.empty()) {
      return at(r, table.find_column("file"), fmt::format("manifest: {} entry \"{}\" needs a file", kind, e.id));
    }
    if (e.kind == EntryKind::NotPooled && !e.file.empty()) {
      return at(r, table.find_column("file"),
                fmt::format("manifest: not_pooled entry \"{}\" must not name a file (it is not analysed)", e.id));
    }
    if (!e.measure.empty() && !parse_measure(e.measure)) {
      return at(r, table.find_column("measure"), fmt::format("manifest: unknown measure \"{}\"", e.measure));
    }
    if (!e.method.empty() && !parse_method(e.method)) {
      return at(r, table.find_column("method"), fmt::format("manifest: unknown method \"{}\"", e.method));
    }
    if (e.kind == EntryKind::Single && !e.subgroup.empty()) {
      return at(r, table.find_column("subgroup"), "manifest: a single entry is not pooled, so it takes no subgroup");
    }
    out.push_back(std::move(e));
  }
  if (out.empty()) {
    Diagnostic d;
    d.file = table.source;
    d.message = "manifest: no entries";
    return d;
  }
  return out;
}

AnalysisOptions entry_options(const CollectionEntry& entry) {
  AnalysisOptions options;
  if (!entry.measure.empty()) options.measure = parse_measure(entry.measure);
  if (!entry.method.empty()) options.method = *parse_method(entry.method);
  if (!entry.subgroup.empty()) options.subgroup = entry.subgroup;
  return options;
}

std::vector<ValueCount> tally_column(const CsvTable& table, std::string_view column) {
  std::vector<ValueCount> out;
  const auto c = table.find_column(column);
  if (!c) return out;
  for (std::size_t r = 0; r < table.row_count(); ++r) {
    const std::string_view cell = table.cell(r, *c);
    const std::string value = cell.empty() ? std::string("not given") : std::string(cell);
    auto it = std::find_if(out.begin(), out.end(), [&](const ValueCount& v) { return v.value == value; });
    if (it == out.end()) {
      out.push_back({value, 1});
    } else {
      ++it->count;
    }
  }
  return out;
}

std::vector<OutputFile> build_single_files(const CollectionAnalysis& analysis, const std::string& input_bytes) {
  std::vector<OutputFile> files;
  const PoolAnalysis& a = *analysis.single;
  files.push_back({"effects.csv", render_effects(a.input, OutputFormat::Csv)});
  std::string markdown = "<!-- " + version_string() + " -->\n# " + md(analysis.entry.title) +
                         "\n\nSingle study: its effect is shown, it is **not pooled**.\n\n";
  markdown += render_effects(a.input, OutputFormat::Markdown);
  markdown += "\nValues on the analysis scale (" + std::string(measure_label(a.input.effects.measure)) +
              "). Command: `" + md(analysis.command_line) + "`\n";
  files.push_back({"effects.md", std::move(markdown)});
  files.push_back({"data.csv", input_bytes});
  return files;
}

std::vector<OutputFile> build_collection_index(const std::vector<CollectionAnalysis>& analyses,
                                               const CollectionOptions& options) {
  std::vector<Section> sections;
  std::vector<const CollectionAnalysis*> pooled, singles, dont;
  for (const auto& a : analyses) {
    if (a.entry.kind == EntryKind::Pool) pooled.push_back(&a);
    if (a.entry.kind == EntryKind::Single) singles.push_back(&a);
    if (a.entry.kind == EntryKind::NotPooled) dont.push_back(&a);
  }

  // Summary table of the pooled analyses.
  if (!pooled.empty()) {
    Section s{"pooled", "Pooled analyses", "", ""};
    LinkTable t;
    t.columns = {"analysis", "outcome", "time point", "k", "counts", "effect", "estimate", "CI",
                 "prediction interval", "I\u00B2", "\u03C4\u00B2"};
    t.numeric = {false, false, false, true, false, false, true, true, true, true, true};
    for (const CollectionAnalysis* c : pooled) {
      const PoolAnalysis& a = c->report->analysis;
      const PoolResult& p = a.pool;
      const Headline hl = headline(p, a.transformed);
      t.rows.push_back({{c->entry.title, c->entry.id + "/index.html", ""},
                        {c->entry.outcome, "", ""},
                        {c->entry.timepoint, "", ""},
                        {std::to_string(p.k), "", ""},
                        {provenance_text(c->provenance), "", ""},
                        {effect_name(a), "", ""},
                        {fixed3(hl.estimate), "", ""},
                        {interval3(hl.ci_lb, hl.ci_ub), "", ""},
                        {hl.has_pi ? interval3(hl.pi_lb, hl.pi_ub) : "NA", "", ""},
                        {i2_text(p), "", ""},
                        {tau2_text(p), "", ""}});
      if (a.subgroups) {
        for (const SubgroupFit& g : a.subgroups->groups) {
          const Headline sh = headline(g.pool, g.transformed);
          t.rows.push_back({{fmt::format("{}: {}", a.subgroups->column, g.name), "", "sub"},
                            {"", "", ""},
                            {"", "", ""},
                            {std::to_string(g.pool.k), "", ""},
                            {"", "", ""},
                            {effect_name(a), "", ""},
                            {fixed3(sh.estimate), "", ""},
                            {interval3(sh.ci_lb, sh.ci_ub), "", ""},
                            {sh.has_pi ? interval3(sh.pi_lb, sh.pi_ub) : "NA", "", ""},
                            {i2_text(g.pool), "", ""},
                            {tau2_text(g.pool), "", ""}});
        }
      }
    }
    const std::string level = pooled.empty() ? "95%" : level_percent(pooled.front()->report->analysis.pool.ci_level);
    const std::string text = fmt::format(
        "Each analysis is a full report (forest, funnel and Baujat plots, heterogeneity, method comparison, "
        "leave-one-out, small-study tests): follow its link. Estimates on the natural scale (risk ratio, "
        "proportion) with {} confidence and prediction intervals; I\u00B2 and \u03C4\u00B2 (analysis scale) as "
        "metafor. \"counts\": how many study rows have counts stated by a source or inferred from a printed "
        "percentage.",
        level);
    s.html = "<p>" + h(text) + "</p>\n" + render_link_html(t);
    s.markdown = md(text) + "\n\n" + render_link_markdown(t) + "\n";
    for (const CollectionAnalysis* c : pooled) {
      const PoolAnalysis& a = c->report->analysis;
      const std::string sentence = headline_sentence(a, a.pool, a.transformed);
      std::string sub;
      if (a.subgroups) {
        const auto& sg = *a.subgroups;
        sub = fmt::format("Test for subgroup differences ({}): Q = {} (df = {}), {}", sg.column,
                          format_fixed(sg.test.Q, 2), sg.test.df, p_text(sg.test.pval));
        if (sg.mixed) {
          sub += fmt::format("; mixed-effects moderator test QM = {} (df = {}), {}", format_fixed(sg.mixed->QM, 2),
                             sg.mixed->QM_df, p_text(sg.mixed->QM_pval));
        }
        sub += ".";
      }
      std::vector<std::string> studies;
      for (std::size_t i : a.used) studies.push_back(a.input.data.study[i]);
      const std::vector<std::pair<std::string, std::string>> items = {
          {"Comparison", c->entry.comparison},
          {"Outcome", c->entry.outcome},
          {"Time point", c->entry.timepoint},
          {"Studies", fmt::format("k = {}: {}", a.pool.k, fmt::join(studies, "; "))},
          {"Counts", provenance_text(c->provenance)},
          {"Model", fmt::format("{}, {} ({}), {} test", model_label(a.pool), to_string(a.input.effects.measure),
                                measure_label(a.input.effects.measure), to_string(a.pool.test))},
          {"Data", c->input_path},
          {"Caveats", c->entry.notes},
      };
      s.html += "<div class=\"analysis\" id=\"" + h(c->entry.id) + "\">\n<h3>" + h(c->entry.title) +
                " <span class=\"badge pooled\">pooled</span></h3>\n";
      s.html += "<p class=\"headline\">" + h(sentence) + "</p>\n";
      if (!sub.empty()) s.html += "<p>" + h(sub) + "</p>\n";
      s.html += "<dl>\n";
      s.markdown += "### " + md(c->entry.title) + " (pooled)\n\n**" + md(sentence) + "**\n\n";
      if (!sub.empty()) s.markdown += md(sub) + "\n\n";
      for (const auto& [key, value] : items) {
        if (value.empty()) continue;
        s.html += "<dt>" + h(key) + "</dt><dd>" + h(value) + "</dd>\n";
        s.markdown += "- " + md(key) + ": " + md(value) + "\n";
      }
      s.html += "</dl>\n<p><a href=\"" + h(c->entry.id + "/index.html") + "\">Full report</a> \u00B7 <a href=\"" +
                h(c->entry.id + "/report.md") + "\">report.md</a> \u00B7 <a href=\"" + h(c->entry.id + "/pool.csv") +
                "\">pool.csv</a></p>\n</div>\n";
      s.markdown += "- Report: [" + md(c->entry.id) + "/index.html](" + c->entry.id + "/index.html)\n\n";
    }
    sections.push_back(std::move(s));
  }

  // Single studies.
  if (!singles.empty()) {
    Section s{"single", "Single studies (not pooled)", "", ""};
    LinkTable t;
    t.columns = {"analysis", "study", "comparison", "outcome", "time point", "events/n (t)", "events/n (c)", "counts",
                 "effect", "estimate", "CI"};
    t.numeric = {false, false, false, false, false, true, true, false, false, true, true};
    for (const CollectionAnalysis* c : singles) {
      const PoolAnalysis& a = *c->single;
      const CsvTable& raw = a.input.data.raw;
      const EffectSizes& es = a.input.effects;
      for (std::size_t i = 0; i < a.input.data.k(); ++i) {
        std::string t_counts = arm_counts(raw, i, "events_t", "n_t");
        if (t_counts.empty()) t_counts = arm_counts(raw, i, "events", "n");
        const bool ok = es.computed(i);
        t.rows.push_back({{c->entry.title, c->entry.id + "/effects.csv", ""},
                          {a.input.data.study[i], "", ""},
                          {c->entry.comparison, "", ""},
                          {c->entry.outcome, "", ""},
                          {c->entry.timepoint, "", ""},
                          {t_counts, "", ""},
                          {arm_counts(raw, i, "events_c", "n_c"), "", ""},
                          {cell_of(raw, i, "counts_source"), "", ""},
                          {effect_name(a), "", ""},
                          {ok ? fixed3(display_value(a, es.yi[i])) : "NA", "", ""},
                          {ok ? interval3(display_value(a, es.ci_lb[i]), display_value(a, es.ci_ub[i])) : es.note[i],
                           "", ""}});
      }
    }
    const std::string level =
        level_percent(singles.front()->single->input.effects.ci_level);
    const std::string text = fmt::format(
        "Each of these is its own comparison with one study. Its effect is shown with its {} Wald CI (as metafor "
        "escalc, back-transformed); it is not pooled and must not be added to any pool above. The link opens the "
        "effects table (effects.csv; effects.md and data.csv are next to it).",
        level);
    s.html = "<p>" + h(text) + "</p>\n" + render_link_html(t);
    s.markdown = md(text) + "\n\n" + render_link_markdown(t) + "\n";
    s.html += "<ul class=\"note\">\n";
    for (const CollectionAnalysis* c : singles) {
      if (c->entry.notes.empty()) continue;
      s.html += "<li id=\"" + h(c->entry.id) + "\"><b>" + h(c->entry.title) +
                "</b> <span class=\"badge single\">not pooled</span>: " + h(c->entry.notes) + "</li>\n";
      s.markdown += "- **" + md(c->entry.title) + "** (not pooled): " + md(c->entry.notes) + "\n";
    }
    s.html += "</ul>\n";
    s.markdown += "\n";
    sections.push_back(std::move(s));
  }

  // What must not be pooled.
  if (!dont.empty()) {
    Section s{"not-pooled", "What must not be pooled, and why", "", ""};
    s.html = "<ol class=\"dont\">\n";
    for (const CollectionAnalysis* c : dont) {
      s.html += "<li id=\"" + h(c->entry.id) + "\"><b>" + h(c->entry.title) + ".</b> " + h(c->entry.notes) + "</li>\n";
      s.markdown += "1. **" + md(c->entry.title) + ".** " + md(c->entry.notes) + "\n";
    }
    s.html += "</ol>\n";
    s.markdown += "\n";
    sections.push_back(std::move(s));
  }

  // Reported figures reproduced from their counts.
  std::vector<OutputFile> extra;
  if (options.reproduce) {
    const ReproduceReport& rr = *options.reproduce;
    Section s{"figures", "Reported figures reproduced from their counts", "", ""};
    const Table table = reproduce_file_table(rr, true);
    std::size_t ok = 0, computed = 0;
    std::vector<std::string> flagged;
    for (const auto& f : rr.figures) {
      bool bad = false, any = false;
      for (const reproduce::ArmResult* arm : {&f.treatment, f.control ? &*f.control : nullptr}) {
        if (arm == nullptr) continue;
        if (arm->verdict != reproduce::Verdict::NotChecked) any = true;
        if (arm->verdict == reproduce::Verdict::Inconsistent || arm->verdict == reproduce::Verdict::TruncationOnly) {
          bad = true;
        }
      }
      if (any) ++computed;
      if (any && !bad) ++ok;
      if (bad) flagged.push_back(f.id.empty() ? fmt::format("line {}", f.line) : f.id);
    }
    std::string text = fmt::format(
        "{} figures from {} (one row per figure with counts): each printed percentage is checked against its counts "
        "(GRIM-style), and the proportions, their exact intervals and, for two arms, RR, OR, RD, NNT and Fisher's "
        "exact test are recomputed. {} of {} checked figures are consistent",
        rr.figures.size(), options.reproduce_name, ok, computed);
    text += flagged.empty() ? "." : fmt::format("; flagged: {}.", fmt::join(flagged, ", "));
    // Pass-through provenance columns of the figures file, matched by line.
    std::map<int, std::size_t> row_of_line;
    for (std::size_t r = 0; r < options.reproduce_raw.row_count(); ++r) {
      row_of_line[options.reproduce_raw.line[r]] = r;
    }
    LinkTable t;
    const std::vector<std::string> extras = {"counts_source", "source_article"};
    std::vector<std::string> present;
    for (const auto& name : extras) {
      if (options.reproduce_raw.find_column(name)) present.push_back(name);
    }
    // "% t" and "printed t" share one column ("70.83 (70.8)": computed, then as printed).
    std::vector<bool> merged_into_previous(table.columns.size(), false);
    for (std::size_t c = 1; c < table.columns.size(); ++c) {
      if (table.columns[c].rfind("printed ", 0) == 0 && table.columns[c - 1].rfind("% ", 0) == 0) {
        merged_into_previous[c] = true;
      }
    }
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      if (merged_into_previous[c]) continue;
      const bool merge = c + 1 < table.columns.size() && merged_into_previous[c + 1];
      t.columns.push_back(merge ? table.columns[c] + " (printed)" : table.columns[c]);
      t.numeric.push_back(c < table.align.size() && table.align[c] == Align::Right);
      if (c == 1) {  // after the study column
        for (const auto& name : present) {
          t.columns.push_back(name == "counts_source" ? "counts" : "article");
          t.numeric.push_back(false);
        }
      }
    }
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
      std::vector<Cell> row;
      const auto it = row_of_line.find(rr.figures[r].line);
      for (std::size_t c = 0; c < table.rows[r].size(); ++c) {
        if (merged_into_previous[c]) continue;
        std::string cell = table.rows[r][c];
        if (c + 1 < table.rows[r].size() && merged_into_previous[c + 1] && !table.rows[r][c + 1].empty()) {
          cell += " (" + table.rows[r][c + 1] + ")";
        }
        row.push_back({cell, "", cell.rfind("INCONSISTENT", 0) == 0 ? "flag" : ""});
        if (c == 1) {
          for (const auto& name : present) {
            std::string value = it != row_of_line.end() ? cell_of(options.reproduce_raw, it->second, name) : "";
            if (name == "source_article") value = value.substr(0, value.find(' '));  // "D (ketamine ...)" -> "D"
            row.push_back({value, "", ""});
          }
        }
      }
      t.rows.push_back(std::move(row));
    }
    const std::string legend = reproduce_file_legend(rr);
    // Two tables that fit a page: the arms (counts, check, interval), then the
    // comparisons and notes, both keyed by id.
    std::size_t split = t.columns.size();
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      if (t.columns[c] == "RR [CI]" || (split == t.columns.size() && t.columns[c] == "note")) {
        split = c;
        if (t.columns[c] == "RR [CI]") break;
      }
    }
    LinkTable arms, comparisons;
    arms.columns.assign(t.columns.begin(), t.columns.begin() + static_cast<std::ptrdiff_t>(split));
    arms.numeric.assign(t.numeric.begin(), t.numeric.begin() + static_cast<std::ptrdiff_t>(split));
    comparisons.columns = {t.columns[0], t.columns[1]};
    comparisons.numeric = {false, false};
    comparisons.columns.insert(comparisons.columns.end(), t.columns.begin() + static_cast<std::ptrdiff_t>(split),
                               t.columns.end());
    comparisons.numeric.insert(comparisons.numeric.end(), t.numeric.begin() + static_cast<std::ptrdiff_t>(split),
                               t.numeric.end());
    for (const auto& row : t.rows) {
      arms.rows.emplace_back(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(split));
      std::vector<Cell> rest{row[0], row[1]};
      bool any = false;
      for (std::size_t c = split; c < row.size(); ++c) {
        rest.push_back(row[c]);
        any = any || !row[c].text.empty();
      }
      if (any) comparisons.rows.push_back(std::move(rest));
    }
    s.html = "<p>" + h(text) + "</p>\n<h3>Each arm: counts, printed percentage, check, exact interval</h3>\n" +
             render_link_html(arms, "figures") +
             "<h3>Two arms compared, and notes</h3>\n" + render_link_html(comparisons, "figures notes") +
             "<p class=\"note\">" + h(legend) + " All columns: <a href=\"reproduce.csv\">reproduce.csv</a>.</p>\n";
    s.markdown = md(text) + "\n\n" + render_link_markdown(arms) + "\n" + render_link_markdown(comparisons) + "\n" +
                 md(legend) + " All columns: [reproduce.csv](reproduce.csv).\n\n";
    extra.push_back({"reproduce.csv", render_reproduce(rr, OutputFormat::Csv)});
    sections.push_back(std::move(s));
  }

  // Reproducibility.
  {
    Section s{"stamp", "Reproducibility", "", ""};
    std::vector<std::pair<std::string, std::string>> items = {
        {"metapool version", version_string()},
        {"Manifest", options.manifest_name},
        {"SHA-256 of the manifest", options.manifest_sha256},
        {"Command line", options.command_line},
    };
    if (options.reproduce) items.emplace_back("Reported figures", options.reproduce_name);
    s.html = "<dl class=\"stamp\">\n";
    for (const auto& [key, value] : items) {
      s.html += "<dt>" + h(key) + "</dt><dd>" + h(value) + "</dd>\n";
      s.markdown += "- " + md(key) + ": `" + md(value) + "`\n";
    }
    s.html += "</dl>\n";
    const std::string note =
        "Each analysis's own report records its input's SHA-256 and the equivalent metapool command; summary.csv "
        "lists them all. No timestamp is recorded, so the same inputs give byte-identical files.";
    s.html += "<p class=\"note\">" + h(note) + "</p>\n";
    s.markdown += "\n" + md(note) + "\n";
    sections.push_back(std::move(s));
  }

  // summary.csv: one row per entry, full precision.
  Table summary;
  for (const char* c : {"id", "kind", "title", "file", "input_sha256", "command", "k", "measure", "method", "scale",
                        "estimate", "ci_lb", "ci_ub", "pi_lb", "pi_ub", "I2", "tau2", "Q", "Q_df", "Q_pval",
                        "subgroup_Q", "subgroup_df", "subgroup_pval", "counts"}) {
    summary.add_column(c, Align::Left);
  }
  for (const auto& c : analyses) {
    std::vector<std::string> row{c.entry.id, std::string(to_string(c.entry.kind)), c.entry.title, c.input_path,
                                 c.input_sha256, c.command_line};
    const PoolAnalysis* a = c.report ? &c.report->analysis : (c.single ? &*c.single : nullptr);
    if (a == nullptr) {
      row.insert(row.end(), 17, "");
    } else {
      const PoolResult& p = a->pool;
      row.push_back(std::to_string(a->input.data.k()));
      row.push_back(std::string(to_string(a->input.effects.measure)));
      if (c.report) {
        const Headline hl = headline(p, a->transformed);
        row.push_back(std::string(to_string(p.method)));
        row.push_back(a->transformed ? a->transformed->scale : std::string(to_string(a->input.effects.measure)));
        for (double v : {hl.estimate, hl.ci_lb, hl.ci_ub}) row.push_back(format_exact(v));
        row.push_back(hl.has_pi ? format_exact(hl.pi_lb) : "");
        row.push_back(hl.has_pi ? format_exact(hl.pi_ub) : "");
        row.push_back(p.I2 ? format_exact(*p.I2) : "");
        row.push_back(p.tau2 ? format_exact(*p.tau2) : "");
        row.push_back(format_exact(p.Q));
        row.push_back(std::to_string(p.Q_df));
        row.push_back(format_exact(p.Q_pval));
        if (a->subgroups) {
          row.push_back(format_exact(a->subgroups->test.Q));
          row.push_back(std::to_string(a->subgroups->test.df));
          row.push_back(format_exact(a->subgroups->test.pval));
        } else {
          row.insert(row.end(), 3, "");
        }
      } else {
        row.push_back("none (not pooled)");
        row.insert(row.end(), 14, "");
      }
    }
    row.push_back(provenance_text(c.provenance));
    if (c.entry.kind == EntryKind::NotPooled) row.back() = "";
    summary.rows.push_back(std::move(row));
  }

  // Assemble.
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
          "img-src 'self' data:\">\n";
  html += "<meta name=\"generator\" content=\"" + h(version_string()) + "\">\n";
  html += "<title>" + h(options.title) + "</title>\n<style>\n" + css() + "</style>\n</head>\n<body>\n<main>\n";
  html += "<h1>" + h(options.title) + "</h1>\n";
  std::string markdown = "<!-- " + version_string() + " collection -->\n# " + md(options.title) + "\n\n";
  if (!options.intro.empty()) {
    html += "<p class=\"lead\">" + h(options.intro) + "</p>\n";
    markdown += md(options.intro) + "\n\n";
  }
  const std::string counts = fmt::format("{} pooled analyses, {} single studies shown unpooled, {} things not pooled{}.",
                                         pooled.size(), singles.size(), dont.size(),
                                         options.reproduce ? fmt::format(", {} reported figures recomputed",
                                                                         options.reproduce->figures.size())
                                                           : std::string());
  html += "<p>" + h(counts) + "</p>\n";
  markdown += md(counts) + "\n\n";
  for (const auto& w : options.warnings) {
    html += "<p class=\"warning\">" + h(w) + "</p>\n";
    markdown += "> " + md(w) + "\n\n";
  }
  html += "<nav><ol>\n";
  for (const auto& s : sections) html += "<li><a href=\"#" + s.id + "\">" + h(s.title) + "</a></li>\n";
  html += "</ol></nav>\n";
  for (const auto& s : sections) {
    html += "<section id=\"" + s.id + "\">\n<h2>" + h(s.title) + "</h2>\n" + s.html + "</section>\n";
    markdown += "## " + md(s.title) + "\n\n" + s.markdown;
  }
  html += "</main>\n</body>\n</html>\n";

  std::vector<OutputFile> out;
  out.push_back({"index.html", std::move(html)});
  out.push_back({"index.md", std::move(markdown)});
  out.push_back({"summary.csv", render_csv(summary)});
  for (auto& f : extra) out.push_back(std::move(f));
  return out;
}

}  // namespace metapool::report
