#include "io/number.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

namespace metapool {
namespace {

// True when the text is a decimal literal whose exponent is negative, i.e. an
// out-of-range result can only be an underflow.
bool has_negative_exponent(std::string_view text) {
  const auto pos = text.find_first_of("eE");
  return pos != std::string_view::npos && pos + 1 < text.size() && text[pos + 1] == '-';
}

}  // namespace

bool is_missing_text(std::string_view text) { return text.empty() || text == "NA"; }

ParsedNumber parse_number(std::string_view text) {
  if (is_missing_text(text)) return {NumberStatus::Missing, 0.0};
  // Whole numbers of up to 15 digits (counts, sample sizes) are exact in a
  // double: the same value from_chars gives, without its general machinery.
  if (double whole = 0.0; parse_small_whole(text, whole)) return {NumberStatus::Ok, whole};
  std::string_view body = text;
  if (body.front() == '+') body.remove_prefix(1);
  // from_chars accepts only a plain decimal literal here (no hex, no spaces).
  if (body.empty() || body.front() == '+') return {NumberStatus::NotANumber, 0.0};
  double value = 0.0;
  const char* first = body.data();
  const char* last = body.data() + body.size();
  const auto [ptr, ec] = std::from_chars(first, last, value, std::chars_format::general);
  if (ptr != last) return {NumberStatus::NotANumber, 0.0};
  if (ec == std::errc::result_out_of_range) {
    if (has_negative_exponent(body)) {
      return {NumberStatus::Ok, body.front() == '-' ? -0.0 : 0.0};
    }
    return {NumberStatus::NotFinite, 0.0};
  }
  if (ec != std::errc()) return {NumberStatus::NotANumber, 0.0};
  // "nan", "inf", "infinity" (any case, any sign) parse and land here.
  if (!std::isfinite(value)) return {NumberStatus::NotFinite, 0.0};
  return {NumberStatus::Ok, value};
}

}  // namespace metapool
