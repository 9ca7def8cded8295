#include "batch/analysis_spec.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "io/number.hpp"

namespace metapool::batch {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    const std::size_t at = text.find(separator);
    parts.push_back(trim(text.substr(0, at)));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return parts;
}

Diagnostic spec_error(std::size_t config, std::string message) {
  return make_error(fmt::format("--analyses configuration {}: {}", config + 1, std::move(message)));
}

std::optional<Diagnostic> apply(std::size_t index, std::string_view key, std::string_view value,
                                AnalysisConfig& config) {
  AnalysisOptions& o = config.options;
  const std::string name = ascii_lower(key);
  if (name == "label") {
    if (value.empty()) return spec_error(index, "label= needs a value");
    config.label = std::string(value);
  } else if (name == "measure") {
    o.measure = parse_measure(value);
    if (!o.measure) {
      return spec_error(index, fmt::format("unknown measure \"{}\"; expected one of: {}", value, measure_codes()));
    }
  } else if (name == "method") {
    std::vector<Method> chain;
    for (std::string_view code : split(value, '/')) {
      const auto method = parse_method(code);
      if (!method) {
        return spec_error(index, fmt::format("unknown method \"{}\"; expected one of: {} (a fallback chain is "
                                             "written REML/DL)",
                                             code, method_codes()));
      }
      chain.push_back(*method);
    }
    o.method = chain.front();
    o.fallback.assign(chain.begin() + 1, chain.end());
  } else if (name == "test") {
    const auto test = parse_test(value);
    if (!test) return spec_error(index, fmt::format("unknown test \"{}\"; expected z, t or knha", value));
    o.test = *test;
  } else if (name == "level") {
    const ParsedNumber level = parse_number(value);
    if (level.status != NumberStatus::Ok || !(level.value > 0 && level.value < 100)) {
      return spec_error(index, fmt::format("level \"{}\" is not a percentage in (0, 100) such as 95", value));
    }
    o.ci_level = level.value >= 1 ? level.value / 100 : level.value;
  } else if (name == "cc") {
    if (ascii_lower(value) == "default") {
      o.cc.reset();
    } else {
      const ParsedNumber cc = parse_number(value);
      if (cc.status != NumberStatus::Ok || cc.value < 0) {
        return spec_error(index, fmt::format("cc \"{}\" is not a number >= 0 (or default)", value));
      }
      o.cc = cc.value;
    }
  } else if (name == "cc_to" || name == "cc-to") {
    const auto cc_to = parse_cc_to(value);
    if (!cc_to) {
      return spec_error(index, fmt::format("unknown cc_to \"{}\"; expected only0, all, if0all or none", value));
    }
    o.cc_to = *cc_to;
  } else {
    return spec_error(index, fmt::format("unknown key \"{}\"; expected measure, method, test, level, cc, cc_to "
                                         "or label",
                                         key));
  }
  return std::nullopt;
}

}  // namespace

Expected<std::vector<AnalysisConfig>> parse_analyses(std::string_view spec, const AnalysisOptions& base) {
  std::vector<AnalysisConfig> configs;
  if (trim(spec).empty()) {
    configs.push_back(AnalysisConfig{"default", base});
    return configs;
  }
  const auto texts = split(spec, ';');
  for (std::size_t index = 0; index < texts.size(); ++index) {
    AnalysisConfig config{std::string(texts[index]), base};
    if (config.label.empty()) config.label = "default";
    std::vector<std::string> seen;
    if (!texts[index].empty()) {
      for (std::string_view pair : split(texts[index], ',')) {
        const std::size_t eq = pair.find('=');
        if (eq == std::string_view::npos) {
          return spec_error(index, fmt::format("\"{}\" is not KEY=VALUE (e.g. method=REML,test=knha)", pair));
        }
        const std::string_view key = trim(pair.substr(0, eq));
        const std::string_view value = trim(pair.substr(eq + 1));
        std::string name = ascii_lower(key);
        if (name == "cc-to") name = "cc_to";
        for (const auto& previous : seen) {
          if (previous == name) return spec_error(index, fmt::format("key \"{}\" is given twice", key));
        }
        seen.push_back(name);
        if (auto problem = apply(index, key, value, config)) return *problem;
      }
    }
    if (config.options.measure) {
      if (auto problem = validate(config.options, *config.options.measure)) {
        return spec_error(index, problem->message);
      }
    }
    for (const auto& other : configs) {
      if (other.label == config.label) {
        return spec_error(index, fmt::format("label \"{}\" is used twice", config.label));
      }
    }
    configs.push_back(std::move(config));
  }
  return configs;
}

}  // namespace metapool::batch
