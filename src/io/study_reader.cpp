#include "io/study_reader.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

#include <fmt/format.h>

#include "io/number.hpp"

namespace metapool {
namespace {

struct ShapeColumns {
  DataShape shape;
  std::vector<Role> required;
};

// Required columns per data shape (interface.md). Generic data take vi or
// sei; sei is handled as an alternative below.
const std::vector<ShapeColumns>& shape_table() {
  static const std::vector<ShapeColumns> table{
      {DataShape::TwoArmBinary, {Role::EventsT, Role::NT, Role::EventsC, Role::NC}},
      {DataShape::Proportion, {Role::Events, Role::N}},
      {DataShape::TwoArmContinuous,
       {Role::MeanT, Role::SdT, Role::NT, Role::MeanC, Role::SdC, Role::NC}},
      {DataShape::Correlation, {Role::R, Role::N}},
      {DataShape::Generic, {Role::Yi, Role::Vi}},
  };
  return table;
}

bool is_count(Role role) {
  switch (role) {
    case Role::EventsT: case Role::NT: case Role::EventsC: case Role::NC: case Role::Events:
    case Role::N:
      return true;
    default:
      return false;
  }
}

bool is_total(Role role) { return role == Role::NT || role == Role::NC || role == Role::N; }

Diagnostic header_error(const CsvTable& table, int column, std::string message) {
  Diagnostic d;
  d.file = table.source;
  d.line = table.header_line;
  d.column = column;
  d.message = std::move(message);
  return d;
}

std::string list_columns(const std::vector<Role>& roles) {
  std::string out;
  for (Role role : roles) {
    if (!out.empty()) out += ", ";
    out += role_name(role);
  }
  return out;
}

// value is a whole number (value is finite here). Without std::floor, a
// library call on baseline x86-64, run for every count of every analysis:
// from 2^53 on every double is whole.
bool is_whole(double value) {
  constexpr double kTwoTo53 = 9007199254740992.0;
  return std::fabs(value) >= kTwoTo53 || static_cast<double>(static_cast<std::int64_t>(value)) == value;
}

// The 0-based column of each role (and of "study") in the header, found in
// one pass without allocating (read_studies runs once per analysis of a batch).
struct RoleColumns {
  std::array<std::optional<std::size_t>, kRoleCount> role;
  std::optional<std::size_t> study;
  const std::optional<std::size_t>& operator[](Role r) const { return role[static_cast<std::size_t>(r)]; }
};

RoleColumns find_role_columns(const CsvTable& table) {
  // The role names (lower case) as string_views, made once; each header name
  // is lower-cased once and compared with them (a length check first, as
  // string_view equality does). The first matching column wins, as
  // CsvTable::find_column.
  constexpr std::size_t kLongest = 16;  // no role name is longer
  struct Names {
    std::array<std::string_view, kRoleCount> role;
    Names() {
      for (std::size_t r = 0; r < kRoleCount; ++r) role[r] = role_name(static_cast<Role>(r));
    }
  };
  static const Names names;
  RoleColumns out;
  for (std::size_t column = 0; column < table.header.size(); ++column) {
    const std::string& name = table.header[column];
    if (name.empty() || name.size() > kLongest) continue;
    char lower[kLongest];
    for (std::size_t i = 0; i < name.size(); ++i) {
      const char c = name[i];
      lower[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    const std::string_view lowered(lower, name.size());
    if (lowered == "study" && !out.study) out.study = column;
    for (std::size_t r = 0; r < kRoleCount; ++r) {
      if (names.role[r] == lowered && !out.role[r]) out.role[r] = column;
    }
  }
  return out;
}

// One cell of a required column: the number it holds, or the error for
// it (not a number, missing, not finite, or outside what `role` allows).
// Out of line: read_studies_into reads the common cell, a count, itself.
[[gnu::noinline]] std::optional<Diagnostic> read_cell(const CsvTable& table, std::size_t row, std::size_t index,
                                                      Role role, double& out) {
  const std::string_view text = table.cell(row, index);
  const auto fail = [&](std::string message) {
    Diagnostic d;
    d.file = table.source;
    d.line = table.line[row];
    d.column = static_cast<int>(index) + 1;
    d.message = std::move(message);
    return d;
  };
  double value = 0.0;
  const bool small_whole = parse_small_whole(text, value);
  if (!small_whole) {
    const ParsedNumber parsed = parse_number(text);
    switch (parsed.status) {
      case NumberStatus::Missing:
        return fail(fmt::format("missing value \"{}\" in column \"{}\"; expected a number", text, role_name(role)));
      case NumberStatus::NotANumber:
        return fail(fmt::format("\"{}\" in column \"{}\" is not a number; expected a decimal "
                                "number such as 12 or 0.35",
                                text, role_name(role)));
      case NumberStatus::NotFinite:
        return fail(fmt::format("\"{}\" in column \"{}\" is not a finite number", text, role_name(role)));
      case NumberStatus::Ok:
        break;
    }
    value = parsed.value;
  }
  if (is_count(role)) {
    if (!small_whole && value < 0) {
      return fail(fmt::format("{} = {} is negative; expected a count >= 0", role_name(role), text));
    }
    if (!small_whole && !is_whole(value)) {
      return fail(fmt::format("{} = {} is not a whole number; expected a count", role_name(role), text));
    }
    if (is_total(role) && value == 0) {
      return fail(fmt::format("{} = {}; expected a sample size of at least 1", role_name(role), text));
    }
  } else if (role == Role::SdT || role == Role::SdC) {
    if (value <= 0) {
      return fail(fmt::format("{} = {}; expected a standard deviation > 0", role_name(role), text));
    }
  } else if (role == Role::R) {
    if (!(value > -1 && value < 1)) {
      return fail(fmt::format("r = {} is outside (-1, 1); expected a correlation strictly "
                              "between -1 and 1",
                              text));
    }
  } else if (role == Role::Vi || role == Role::Sei) {
    if (value <= 0) {
      return fail(fmt::format("{} = {}; expected a {} > 0", role_name(role), text,
                              role == Role::Vi ? "sampling variance" : "standard error"));
    }
  }
  out = value;
  return std::nullopt;
}

bool has_column(const RoleColumns& columns, Role role) {
  return columns[role] || (role == Role::Vi && columns[Role::Sei]);  // generic: vi or sei
}

// The columns of `shape` that are missing from the table (generic: vi or sei).
std::vector<Role> missing_columns(const RoleColumns& columns, const ShapeColumns& shape) {
  std::vector<Role> missing;
  for (Role role : shape.required) {
    if (!has_column(columns, role)) missing.push_back(role);
  }
  return missing;
}

bool is_complete(const RoleColumns& columns, const ShapeColumns& shape) {
  return std::all_of(shape.required.begin(), shape.required.end(),
                     [&](Role role) { return has_column(columns, role); });
}

// Picks the data shape from the columns present, or explains why it cannot.
Expected<DataShape> infer_shape(const CsvTable& table, const RoleColumns& columns, std::optional<Measure> measure) {
  // The complete shapes, in table order (no allocation on the common path).
  std::array<DataShape, 5> complete_storage{};
  std::size_t complete_count = 0;
  for (const auto& shape : shape_table()) {
    if (is_complete(columns, shape) && complete_count < complete_storage.size()) {
      complete_storage[complete_count++] = shape.shape;
    }
  }
  const auto complete = std::span<const DataShape>(complete_storage.data(), complete_count);
  if (measure) {
    const DataShape wanted = shape_of(*measure);
    if (std::find(complete.begin(), complete.end(), wanted) != complete.end()) return wanted;
    if (!complete.empty()) {
      std::string fitting;
      for (const auto& shape : shape_table()) {
        if (shape.shape != complete.front()) continue;
        for (Measure m : {Measure::OR, Measure::RR, Measure::RD, Measure::AS, Measure::PETO,
                          Measure::PR, Measure::PLO, Measure::PAS, Measure::PFT, Measure::PLN,
                          Measure::MD, Measure::SMD, Measure::ROM, Measure::COR, Measure::ZCOR,
                          Measure::GEN}) {
          if (shape_of(m) == shape.shape) {
            if (!fitting.empty()) fitting += ' ';
            fitting += to_string(m);
          }
        }
      }
      return header_error(table, 0,
                          fmt::format("measure {} does not fit {} data; expected one of: {}",
                                      to_string(*measure), describe(complete.front()), fitting));
    }
    for (const auto& shape : shape_table()) {
      if (shape.shape != wanted) continue;
      const auto missing = missing_columns(columns, shape);
      return header_error(table, 0,
                          fmt::format("missing required column{} \"{}\" for measure {} ({} data)",
                                      missing.size() == 1 ? "" : "s", list_columns(missing),
                                      to_string(*measure), describe(wanted)));
    }
  }
  if (complete.size() > 1) {
    return header_error(table, 0,
                        fmt::format("ambiguous data shape: the columns fit both {} and {}; remove "
                                    "one set of columns or choose with --measure",
                                    describe(complete[0]), describe(complete[1])));
  }
  if (complete.size() == 1) return complete.front();

  // No complete shape: report the closest one (most of its columns present).
  const ShapeColumns* best = nullptr;
  std::size_t best_present = 0;
  for (const auto& shape : shape_table()) {
    const std::size_t present = shape.required.size() - missing_columns(columns, shape).size();
    if (present > best_present) {
      best = &shape;
      best_present = present;
    }
  }
  if (best == nullptr) {
    return header_error(table, 0,
                        "no known data columns; expected the columns of one data shape: "
                        "events_t,n_t,events_c,n_c | events,n | mean_t,sd_t,n_t,mean_c,sd_c,n_c | "
                        "r,n | yi with vi or sei");
  }
  const auto missing = missing_columns(columns, *best);
  return header_error(table, 0,
                      fmt::format("missing required column{} \"{}\" for {} data",
                                  missing.size() == 1 ? "" : "s", list_columns(missing),
                                  describe(best->shape)));
}

// A study's label: its cell, or "Study N" (1-based row) when it has none.
// Copied once from the cell (no temporary and two moves per study, as a
// ternary over strings makes).
void add_label(std::vector<std::string>& labels, std::string_view cell, std::size_t row) {
  if (!cell.empty()) {
    labels.emplace_back(cell);
  } else {
    labels.push_back(fmt::format("Study {}", row + 1));
  }
}

}  // namespace

const char* role_name(Role role) {
  switch (role) {
    case Role::EventsT: return "events_t";
    case Role::NT: return "n_t";
    case Role::EventsC: return "events_c";
    case Role::NC: return "n_c";
    case Role::Events: return "events";
    case Role::N: return "n";
    case Role::MeanT: return "mean_t";
    case Role::SdT: return "sd_t";
    case Role::MeanC: return "mean_c";
    case Role::SdC: return "sd_c";
    case Role::R: return "r";
    case Role::Yi: return "yi";
    case Role::Vi: return "vi";
    case Role::Sei: return "sei";
    case Role::Count_: break;
  }
  return "?";
}

Diagnostic StudyData::error_at(std::size_t row, Role role, std::string message) const {
  Diagnostic d;
  d.file = source;
  d.line = row < line.size() ? line[row] : 0;
  d.column = column[static_cast<std::size_t>(role)];
  d.message = std::move(message);
  return d;
}

Diagnostic StudyData::error_at_row(std::size_t row, std::string message) const {
  Diagnostic d;
  d.file = source;
  d.line = row < line.size() ? line[row] : 0;
  d.message = std::move(message);
  return d;
}

std::vector<std::size_t> StudyData::passthrough_columns() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < raw.header.size(); ++i) {
    const int one_based = static_cast<int>(i) + 1;
    if (one_based == column_study) continue;
    if (std::find(column.begin(), column.end(), one_based) == column.end()) out.push_back(i);
  }
  return out;
}

Expected<StudyData> read_studies(CsvTable table, std::optional<Measure> measure) {
  Expected<StudyData> out(std::in_place);
  if (auto problem = read_studies_into(std::move(table), measure, *out)) out = std::move(*problem);
  return out;
}

std::optional<Diagnostic> read_studies_into(CsvTable table, std::optional<Measure> measure, StudyData& data) {
  const RoleColumns columns = find_role_columns(table);
  auto shape = infer_shape(table, columns, measure);
  if (!shape) return shape.error();

  data.source = table.source;
  data.shape = *shape;
  data.line = table.line;

  const ShapeColumns* entry = nullptr;
  for (const auto& candidate : shape_table()) {
    if (candidate.shape == data.shape) entry = &candidate;
  }
  const bool sei_for_vi = data.shape == DataShape::Generic && !columns[Role::Vi];

  const std::size_t k = table.row_count();
  for (Role required : entry->required) {
    const Role role = sei_for_vi && required == Role::Vi ? Role::Sei : required;
    const auto index = *columns[role];
    const auto slot = static_cast<std::size_t>(role);
    data.column[slot] = static_cast<int>(index) + 1;
    auto& values = data.values[slot];
    values.resize(k);
    const bool count = is_count(role);
    const bool total = is_total(role);
    for (std::size_t row = 0; row < k; ++row) {
      // A count is a whole number: parse_number's first case, inline, which
      // needs no sign or wholeness check; anything else (and a total of 0,
      // an error) is read and checked by read_cell.
      if (count && parse_small_whole(table.cell(row, index), values[row]) && !(total && values[row] == 0)) continue;
      if (auto problem = read_cell(table, row, index, role, values[row])) return problem;
    }
  }

  // events <= n, checked once both columns are read.
  const auto check_events = [&](Role events, Role total) -> std::optional<Diagnostic> {
    const auto& e = data[events];
    const auto& n = data[total];
    for (std::size_t row = 0; row < k; ++row) {
      if (e[row] > n[row]) {
        return data.error_at(row, events,
                             fmt::format("{} = {} exceeds {} = {}; expected events <= total",
                                         role_name(events), e[row], role_name(total), n[row]));
      }
    }
    return std::nullopt;
  };
  if (data.shape == DataShape::TwoArmBinary) {
    if (auto err = check_events(Role::EventsT, Role::NT)) return *err;
    if (auto err = check_events(Role::EventsC, Role::NC)) return *err;
  } else if (data.shape == DataShape::Proportion) {
    if (auto err = check_events(Role::Events, Role::N)) return *err;
  }

  // Generic data given as standard errors: vi = sei^2.
  if (data.shape == DataShape::Generic && data.has(Role::Sei)) {
    auto& vi = data.values[static_cast<std::size_t>(Role::Vi)];
    for (double se : data[Role::Sei]) vi.push_back(se * se);
  }

  const auto& study_column = columns.study;
  if (study_column) data.column_study = static_cast<int>(*study_column) + 1;
  data.study.reserve(k);
  for (std::size_t row = 0; row < k; ++row) {
    add_label(data.study, study_column ? table.cell(row, *study_column) : std::string_view(), row);
  }
  data.raw = std::move(table);
  return std::nullopt;
}

void fill_two_arm_binary(const StudyData& layout, const std::vector<TwoArmRow>& rows, std::string_view label_text,
                         const std::vector<int>& lines, StudyData& data) {
  const std::size_t k = rows.size();
  data.source = layout.source;
  data.shape = layout.shape;
  data.line = lines;
  auto& events_t = data.values[static_cast<std::size_t>(Role::EventsT)];
  auto& n_t = data.values[static_cast<std::size_t>(Role::NT)];
  auto& events_c = data.values[static_cast<std::size_t>(Role::EventsC)];
  auto& n_c = data.values[static_cast<std::size_t>(Role::NC)];
  events_t.resize(k);
  n_t.resize(k);
  events_c.resize(k);
  n_c.resize(k);
  data.study.reserve(k);
  for (std::size_t i = 0; i < k; ++i) {
    const TwoArmRow& row = rows[i];
    events_t[i] = row.events_t;
    n_t[i] = row.n_t;
    events_c[i] = row.events_c;
    n_c[i] = row.n_c;
    add_label(data.study, label_text.substr(row.label_offset, row.label_size), i);
  }
  data.column = layout.column;
  data.column_study = layout.column_study;
  data.raw.source = layout.raw.source;
  data.raw.header = layout.raw.header;
  data.raw.header_line = layout.raw.header_line;
}

}  // namespace metapool
