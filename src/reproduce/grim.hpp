// GRIM-style consistency of a printed percentage with integer counts (Brown &
// Heathers 2017, "The GRIM test"): which counts k out of n give k/n * 100
// that, rounded to the printed number of decimals, is the printed value?
//
// The rounding rule is round half up on the exact fraction: a printed value R
// with d decimals covers [R - 0.5e-d, R + 0.5e-d), so 7/8 = 87.5 prints as 88
// and 1/8 = 12.5 as 13. All comparisons are done in exact integer
// arithmetic, so no count is misjudged by floating-point error at a boundary.
// Truncation (R covers [R, R + 1e-d)) is reported as a flagged alternative,
// never as a pass.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"

namespace metapool::reproduce {

using Count = std::int64_t;

// Limits that keep the exact arithmetic inside 64 bits (2e8 * 1e9 < 9.2e18).
inline constexpr int kMaxPercentDecimals = 6;
inline constexpr Count kMaxCount = 1'000'000'000;

// A percentage as printed: "70.8" is scaled = 708 with decimals = 1; "88" is
// 88 with 0 decimals; "60.0" keeps its 1 decimal.
struct ReportedPercent {
  std::string text;         // as printed (trimmed)
  std::int64_t scaled = 0;  // value * 10^decimals, exact
  int decimals = 0;

  double value() const;  // the percentage as a double (70.8)
};

// Reads a printed percentage: digits with an optional '.' and 1..6 decimals
// (no sign, exponent or '%'); at most 100. The message of an error names
// `name` ("--percent" or column "percent_t", as `column` says).
Expected<ReportedPercent> parse_reported_percent(std::string_view text, std::string_view name,
                                                 bool column);

enum class Rounding { HalfUp, Truncate };

// Does 100 * events / n, rounded to `reported.decimals` by `rule`, equal the
// reported value? Requires 0 <= events <= n, 1 <= n <= kMaxCount.
bool percent_fits(Count events, Count n, const ReportedPercent& reported, Rounding rule);

// A run of counts first..last (empty when last < first). The counts that fit
// one printed percentage are always contiguous.
struct CountRange {
  Count first = 0;
  Count last = -1;

  bool empty() const { return last < first; }
  Count size() const { return empty() ? 0 : last - first + 1; }
  bool contains(Count k) const { return k >= first && k <= last; }
};

// Every count out of n, classified against one printed percentage.
struct GrimCheck {
  ReportedPercent reported;
  Count n = 0;
  CountRange consistent;       // print as `reported` under round half up
  CountRange truncation_only;  // print as `reported` only when truncated
  // A consistent count whose exact percentage is a tie (...5 exactly) below
  // the reported value: it fits because halves round up, and would not under
  // round-half-down.
  std::optional<Count> half_up_tie;
  // A count whose exact percentage is a tie just above the reported value: it
  // would fit if halves were rounded down, not under round half up.
  std::optional<Count> half_down_tie;
  std::vector<Count> nearest;  // closest count(s) to the reported value (two if equidistant)
};

// Requires 1 <= n <= kMaxCount.
GrimCheck grim_check(const ReportedPercent& reported, Count n);

// 100 * events / n as printed at `decimals` under round half up, from exact
// integers ("88.9" for 8/9 at 1 decimal).
std::string rounded_percent_text(Count events, Count n, int decimals);

}  // namespace metapool::reproduce
