#include "reproduce/grim.hpp"

#include <algorithm>
#include <cassert>
#include <cstdlib>

#include <fmt/format.h>

namespace metapool::reproduce {
namespace {

std::int64_t pow10(int decimals) {
  std::int64_t p = 1;
  for (int i = 0; i < decimals; ++i) p *= 10;
  return p;
}

// 100 * 10^decimals: the scale on which k/n is compared with `scaled`.
std::int64_t percent_scale(int decimals) { return 100 * pow10(decimals); }

// ceil(a / b) for b > 0 and any sign of a.
std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string describe(std::string_view name, std::string_view text, bool column,
                     std::string_view problem) {
  if (column) return fmt::format("\"{}\" in column \"{}\" {}", text, name, problem);
  return fmt::format("{} \"{}\" {}", name, text, problem);
}

}  // namespace

double ReportedPercent::value() const {
  return static_cast<double>(scaled) / static_cast<double>(pow10(decimals));
}

Expected<ReportedPercent> parse_reported_percent(std::string_view raw, std::string_view name,
                                                 bool column) {
  const std::string_view text = trim(raw);
  const auto bad = [&](std::string_view problem) {
    return make_error(describe(name, text, column, problem));
  };
  if (text.empty()) return bad("is empty; expected a percentage such as 70.8");
  if (text.front() == '-') return bad("is negative; expected a percentage between 0 and 100");
  ReportedPercent out;
  out.text = std::string(text);
  std::size_t i = 0;
  std::size_t int_digits = 0;
  std::int64_t scaled = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++int_digits) {
    if (scaled > 1000) return bad("is above 100");
    scaled = scaled * 10 + (text[i] - '0');
  }
  if (int_digits == 0) {
    return bad("is not a percentage as printed (digits with an optional decimal point, e.g. 70.8)");
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (++out.decimals > kMaxPercentDecimals) {
        return bad(fmt::format("has more than {} decimals", kMaxPercentDecimals));
      }
      scaled = scaled * 10 + (text[i] - '0');
    }
    if (out.decimals == 0) {
      return bad("ends in a decimal point; write the percentage as printed (e.g. 88 or 88.0)");
    }
  }
  if (i != text.size()) {
    return bad("is not a percentage as printed (digits with an optional decimal point, e.g. 70.8)");
  }
  out.scaled = scaled;
  if (scaled > percent_scale(out.decimals)) return bad("is above 100");
  return out;
}

bool percent_fits(Count events, Count n, const ReportedPercent& reported, Rounding rule) {
  assert(n >= 1 && n <= kMaxCount && events >= 0 && events <= n && "percent_fits: bad counts");
  const std::int64_t s = percent_scale(reported.decimals);
  const std::int64_t r = reported.scaled;
  if (rule == Rounding::HalfUp) {
    // R - 1/2 <= S k / n < R + 1/2, times 2n
    return (2 * r - 1) * n <= 2 * s * events && 2 * s * events < (2 * r + 1) * n;
  }
  // R <= S k / n < R + 1
  return r * n <= s * events && s * events < (r + 1) * n;
}

GrimCheck grim_check(const ReportedPercent& reported, Count n) {
  assert(n >= 1 && n <= kMaxCount && "grim_check: n out of range");
  GrimCheck check;
  check.reported = reported;
  check.n = n;
  const std::int64_t s = percent_scale(reported.decimals);
  const std::int64_t r = reported.scaled;
  const auto clamp = [n](CountRange range) {
    range.first = std::max<Count>(range.first, 0);
    range.last = std::min<Count>(range.last, n);
    return range;
  };
  // Half up: (2R - 1) n <= 2 S k < (2R + 1) n.
  check.consistent = clamp({ceil_div((2 * r - 1) * n, 2 * s), ceil_div((2 * r + 1) * n, 2 * s) - 1});
  // Truncation only: R + 1/2 <= S k / n < R + 1, i.e. (2R + 1) n <= 2 S k < (2R + 2) n.
  check.truncation_only =
      clamp({ceil_div((2 * r + 1) * n, 2 * s), ceil_div((2 * r + 2) * n, 2 * s) - 1});
  // Ties: 2 S k = (2R -+ 1) n exactly.
  if (((2 * r - 1) * n) % (2 * s) == 0 && r > 0) {
    const Count k = (2 * r - 1) * n / (2 * s);
    if (k >= 0 && k <= n) check.half_up_tie = k;
  }
  if (((2 * r + 1) * n) % (2 * s) == 0) {
    const Count k = (2 * r + 1) * n / (2 * s);
    if (k >= 0 && k <= n) check.half_down_tie = k;
  }
  // Nearest: |S k - R n| smallest, among floor(R n / S) and the next count.
  const Count below = std::min<Count>(r * n / s, n);
  Count best_distance = -1;
  for (Count k : {below, below + 1}) {
    if (k < 0 || k > n) continue;
    const Count distance = std::llabs(s * k - r * n);
    if (best_distance < 0 || distance < best_distance) {
      check.nearest = {k};
      best_distance = distance;
    } else if (distance == best_distance) {
      check.nearest.push_back(k);
    }
  }
  return check;
}

std::string rounded_percent_text(Count events, Count n, int decimals) {
  const std::int64_t scale = pow10(decimals);
  const std::int64_t s = 100 * scale;
  // floor(S k / n + 1/2) = floor((2 S k + n) / 2n)
  const std::int64_t q = (2 * s * events + n) / (2 * n);
  if (decimals == 0) return fmt::format("{}", q);
  return fmt::format("{}.{:0{}}", q / scale, q % scale, decimals);
}

}  // namespace metapool::reproduce
