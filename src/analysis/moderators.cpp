#include "analysis/moderators.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "io/number.hpp"

namespace metapool {
namespace {

Diagnostic at_cell(const StudyData& data, std::size_t study, std::size_t column, std::string message) {
  Diagnostic d;
  d.file = data.source;
  d.line = study < data.line.size() ? data.line[study] : 0;
  d.column = static_cast<int>(column) + 1;
  d.message = std::move(message);
  return d;
}

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

}  // namespace

std::string column_list(const CsvTable& raw) { return join(raw.header); }

Expected<ModeratorDesign> build_design(const StudyData& data, const std::vector<std::size_t>& candidates,
                                       const std::vector<std::string>& mods) {
  ModeratorDesign out;
  const CsvTable& raw = data.raw;
  // ---- columns ----
  std::vector<std::size_t> cols;
  for (const auto& name : mods) {
    const auto col = raw.find_column(name);
    if (!col) {
      Diagnostic d;
      d.file = data.source;
      d.line = raw.header_line;
      d.message = fmt::format("--mods: no column \"{}\" in the file; its columns are: {}", name, column_list(raw));
      return d;
    }
    if (std::find(cols.begin(), cols.end(), *col) != cols.end()) {
      return make_error(fmt::format("--mods: column \"{}\" is named twice", raw.header[*col]));
    }
    cols.push_back(*col);
  }
  // ---- studies with every moderator ----
  std::vector<std::string> dropped;
  for (std::size_t study : candidates) {
    std::vector<std::string> missing;
    for (std::size_t col : cols) {
      if (is_missing_text(raw.cell(study, col))) missing.push_back(raw.header[col]);
    }
    if (missing.empty()) {
      out.studies.push_back(study);
    } else {
      dropped.push_back(fmt::format("{} (line {}: {})", data.study[study], data.line[study], join(missing)));
    }
  }
  if (!dropped.empty()) {
    out.warnings.push_back(fmt::format("{} {} left out of the meta-regression for a missing moderator value: {}",
                                       dropped.size(), dropped.size() == 1 ? "study" : "studies", join(dropped, "; ")));
  }
  // ---- design ----
  const std::size_t k = out.studies.size();
  out.x = intercept_only(k);
  for (std::size_t c = 0; c < cols.size(); ++c) {
    const std::size_t col = cols[c];
    Moderator mod;
    mod.name = raw.header[col];
    std::vector<double> values(k);
    std::optional<std::size_t> first_text;
    for (std::size_t i = 0; i < k; ++i) {
      const std::size_t study = out.studies[i];
      const ParsedNumber parsed = parse_number(raw.cell(study, col));
      if (parsed.status == NumberStatus::NotFinite) {
        return at_cell(data, study, col,
                       fmt::format("moderator {} = \"{}\" is not a finite number", mod.name, raw.cell(study, col)));
      }
      if (parsed.status == NumberStatus::Ok) {
        values[i] = parsed.value;
      } else if (!first_text) {
        first_text = i;
      }
    }
    if (first_text) {
      mod.categorical = true;
      for (std::size_t i = 0; i < k; ++i) mod.levels.emplace_back(raw.cell(out.studies[i], col));
      std::sort(mod.levels.begin(), mod.levels.end());
      mod.levels.erase(std::unique(mod.levels.begin(), mod.levels.end()), mod.levels.end());
      const bool some_numbers = std::any_of(out.studies.begin(), out.studies.end(), [&](std::size_t study) {
        return parse_number(raw.cell(study, col)).status == NumberStatus::Ok;
      });
      if (some_numbers) {
        const std::size_t study = out.studies[*first_text];
        out.warnings.push_back(fmt::format(
            "{}:{}:{}: moderator {} is treated as categorical: \"{}\" is not a number (its {} distinct values "
            "become {} levels)",
            data.source, data.line[study], col + 1, mod.name, raw.cell(study, col), mod.levels.size(),
            mod.levels.size()));
      }
    }
    const bool constant =
        mod.categorical ? mod.levels.size() < 2
                        : std::all_of(values.begin(), values.end(), [&](double v) { return v == values.front(); });
    if (constant && k > 0) {
      const std::size_t study = out.studies.front();
      return at_cell(data, study, col,
                     fmt::format("moderator {} has the single value \"{}\" in all {} studies of the model; its "
                                 "coefficient cannot be estimated (singular design)",
                                 mod.name, raw.cell(study, col), k));
    }
    if (mod.categorical) {
      for (std::size_t l = 1; l < mod.levels.size(); ++l) {
        std::vector<double> dummy(k);
        for (std::size_t i = 0; i < k; ++i) dummy[i] = raw.cell(out.studies[i], col) == mod.levels[l] ? 1.0 : 0.0;
        out.x.names.push_back(mod.name + mod.levels[l]);
        out.x.columns.push_back(std::move(dummy));
      }
    } else {
      out.x.names.push_back(mod.name);
      out.x.columns.push_back(std::move(values));
    }
    out.moderators.push_back(std::move(mod));
  }
  return out;
}

Expected<MetaregAnalysis> analyse_metareg(const StudyData& data, const EffectSizes& effects,
                                          const std::vector<std::size_t>& used,
                                          const std::vector<std::string>& mods, const MetaregOptions& options,
                                          const std::optional<PermutationOptions>& permutation) {
  auto design = build_design(data, used, mods);
  if (!design) return design.error();
  MetaregAnalysis analysis;
  analysis.design = std::move(design).value();
  const ModeratorDesign& d = analysis.design;
  EffectData effect_data;
  for (std::size_t study : d.studies) {
    effect_data.yi.push_back(effects.yi[study]);
    effect_data.vi.push_back(effects.vi[study]);
  }
  auto fit = fit_metareg(effect_data, d.x, options);
  if (!fit) {
    Diagnostic error = fit.error();
    error.file = data.source;
    const std::size_t dropped = used.size() - d.studies.size();
    if (dropped > 0) {
      error.message += fmt::format(" ({} of {} studies were left out for a missing moderator value)", dropped,
                                   used.size());
    }
    return error;
  }
  analysis.fit = std::move(fit).value();
  if (!analysis.fit.converged) {
    return make_error(fmt::format("the meta-regression could not be fitted: {}", join(analysis.fit.warnings, "; ")));
  }
  if (permutation) {
    auto perm = permutation_test(effect_data, d.x, options, analysis.fit, *permutation);
    if (!perm) return perm.error();
    analysis.permutation = std::move(perm).value();
  }
  return analysis;
}

}  // namespace metapool
