#include "analysis/sensitivity.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "io/number.hpp"

namespace metapool {
namespace {

std::string join_columns(const std::vector<std::string>& header) {
  std::string out;
  for (const auto& h : header) out += (out.empty() ? "" : ", ") + h;
  return out;
}

// Cumulative order of the studies in `used` by column `name` (stable).
Expected<std::vector<std::size_t>> order_by(const StudyData& data, const std::vector<std::size_t>& used,
                                            const std::string& name, std::string& header_name,
                                            std::vector<std::string>& values) {
  const CsvTable& raw = data.raw;
  const auto col = raw.find_column(name);
  if (!col) {
    Diagnostic d;
    d.file = data.source;
    d.message = fmt::format("--order: no column \"{}\" in the file; its columns are: {}", name,
                            join_columns(raw.header));
    return d;
  }
  header_name = raw.header[*col];
  std::vector<double> numbers(used.size());
  bool numeric = true;
  values.clear();
  for (std::size_t j = 0; j < used.size(); ++j) {
    const std::string_view cell = raw.cell(used[j], *col);
    values.emplace_back(cell);
    if (is_missing_text(cell)) {
      Diagnostic d;
      d.file = data.source;
      d.line = data.line[used[j]];
      d.column = static_cast<int>(*col) + 1;
      d.message = fmt::format("--order {}: study \"{}\" has no value; every study needs one to be ordered",
                              header_name, data.study[used[j]]);
      return d;
    }
    const ParsedNumber p = parse_number(cell);
    if (p.status == NumberStatus::Ok) {
      numbers[j] = p.value;
    } else {
      numeric = false;
    }
  }
  std::vector<std::size_t> order(used.size());
  std::iota(order.begin(), order.end(), 0);
  if (numeric) {
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return numbers[a] < numbers[b]; });
  } else {
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  }
  return order;
}

}  // namespace

Expected<SensitivityAnalysis> analyse_sensitivity(CsvTable table, const AnalysisOptions& options,
                                                  const SensitivityOptions& sensitivity) {
  if (!options.mods.empty() || options.subgroup) {
    return make_error("sensitivity: leave-one-out and cumulative analyses need a model without moderators "
                      "(drop --mods / --subgroup)");
  }
  auto pooled = analyse_pool(std::move(table), options);
  if (!pooled) return pooled.error();
  SensitivityAnalysis out;
  out.pool = std::move(pooled).value();
  const StudyData& data = out.pool.input.data;
  const EffectSizes& es = out.pool.input.effects;
  const std::vector<std::size_t>& used = out.pool.used;
  for (std::size_t i : used) out.studies.push_back(data.study[i]);

  out.order.resize(used.size());
  std::iota(out.order.begin(), out.order.end(), 0);
  if (sensitivity.order) {
    std::string header;
    auto order = order_by(data, used, *sensitivity.order, header, out.order_values);
    if (!order) return order.error();
    out.order = std::move(order).value();
    out.order_column = header;
  }

  const PoolOptions po = pool_options_from(options, es.measure);

  if (options.method == Method::MH || options.method == Method::PETO) {
    BinaryCounts counts;
    for (std::size_t i : used) {
      counts.ai.push_back(data[Role::EventsT][i]);
      counts.n1i.push_back(data[Role::NT][i]);
      counts.ci.push_back(data[Role::EventsC][i]);
      counts.n2i.push_back(data[Role::NC][i]);
    }
    out.leave_one_out = leave_one_out(counts, po);
    out.cumulative = cumulative(counts, out.order, po);
    out.influence_note = fmt::format("influence diagnostics are not available for {} models (metafor has "
                                     "influence() only for rma.uni)",
                                     options.method == Method::MH ? "Mantel-Haenszel" : "Peto");
  } else {
    EffectData ed;
    for (std::size_t i : used) {
      ed.yi.push_back(es.yi[i]);
      ed.vi.push_back(es.vi[i]);
    }
    out.leave_one_out = leave_one_out(ed, po);
    out.cumulative = cumulative(ed, out.order, po);
    out.influence = influence(ed, out.pool.pool, out.leave_one_out);
    if (out.influence->empty() && used.size() >= 2) {
      out.influence_note = "influence diagnostics need a fitted model";
    }
  }
  if (used.size() < 2) {
    out.warnings.push_back(fmt::format("leave-one-out and influence diagnostics need k >= 2 studies (got {})",
                                       used.size()));
    if (out.influence) out.influence_note = "influence diagnostics need k >= 2 studies";
  }
  for (std::size_t j = 0; j < out.leave_one_out.size(); ++j) {
    const SubsetFit& r = out.leave_one_out[j];
    if (!r.message.empty()) {
      out.warnings.push_back(fmt::format("leave-one-out without {}: {}", out.studies[j], r.message));
    }
  }
  for (std::size_t j = 0; j < out.cumulative.size(); ++j) {
    const SubsetFit& r = out.cumulative[j];
    if (!r.message.empty()) {
      out.warnings.push_back(fmt::format("cumulative up to {}: {}", out.studies[out.order[j]], r.message));
    }
  }
  return out;
}

}  // namespace metapool
