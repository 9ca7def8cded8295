// StudyData: one row per study, the numeric columns of the inferred data
// shape converted and validated, plus the raw table for labels, moderators
// and pass-through columns.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/types.hpp"
#include "io/csv_table.hpp"

namespace metapool {

// The named numeric columns of the data shapes (interface.md).
enum class Role {
  EventsT, NT, EventsC, NC,  // two-arm binary (NT/NC shared with continuous)
  Events, N,                 // proportion (N shared with correlation)
  MeanT, SdT, MeanC, SdC,    // two-arm continuous
  R,                         // correlation
  Yi, Vi, Sei,               // generic
  Count_
};
constexpr std::size_t kRoleCount = static_cast<std::size_t>(Role::Count_);
const char* role_name(Role role);  // the column name: "events_t", ...

struct StudyData {
  std::string source;  // file name for diagnostics
  DataShape shape = DataShape::Generic;
  std::vector<std::string> study;  // labels ("Study 1".. when no study column)
  std::vector<int> line;           // physical line of each study's row

  // Values of each role's column, one per study (empty when the shape has no
  // such column). Generic data given as sei has vi = sei^2 filled in.
  std::array<std::vector<double>, kRoleCount> values;
  // 1-based column of each role in the file (0 when absent).
  std::array<int, kRoleCount> column{};
  int column_study = 0;  // 1-based column of `study` (0 when absent)

  CsvTable raw;  // every cell as text, for subgroup/moderators/pass-through

  std::size_t k() const { return study.size(); }
  const std::vector<double>& operator[](Role role) const {
    return values[static_cast<std::size_t>(role)];
  }
  bool has(Role role) const { return column[static_cast<std::size_t>(role)] != 0; }

  // A diagnostic pointing at study `row`'s cell of `role`.
  Diagnostic error_at(std::size_t row, Role role, std::string message) const;
  // A diagnostic pointing at study `row` (whole line).
  Diagnostic error_at_row(std::size_t row, std::string message) const;

  // 0-based indices of the columns that are not part of the shape (study,
  // year, subgroup and any extra columns), in file order.
  std::vector<std::size_t> passthrough_columns() const;
};

}  // namespace metapool
