#include "render/number_format.hpp"

#include <cmath>

#include <fmt/format.h>

namespace metapool {

std::string format_exact(double value) {
  std::string out;
  append_exact(out, value);
  return out;
}

void append_exact(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NA";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "Inf" : "-Inf";
    return;
  }
  // Laid out in a local buffer, appended once. The longest text is
  // "-0.0000" + 17 digits or "-d.dddddddddddddddde-308": under 32 bytes.
  char text[40];
  char* p = text;
  if (std::signbit(value)) {
    *p++ = '-';
    value = -value;
  }
  // The digits fmt itself uses for "{}" (fmt::format would also parse the
  // format string and go through its general float writer).
  const auto decimal = fmt::detail::dragonbox::to_decimal(value);
  const fmt::format_int significand(decimal.significand);
  const char* const digits = significand.data();
  const char* const end = digits + significand.size();
  const int count = static_cast<int>(significand.size());
  const int exponent = decimal.exponent;     // value = digits x 10^exponent
  const int leading = exponent + count - 1;  // exponent of the first digit
  const auto copy = [&p](const char* first, const char* last) {
    while (first != last) *p++ = *first++;
  };
  if (leading < -4 || leading >= 16) {
    // d[.ddd]e+XX, at least two exponent digits (fmt, like printf).
    *p++ = digits[0];
    if (count > 1) {
      *p++ = '.';
      copy(digits + 1, end);
    }
    *p++ = 'e';
    *p++ = leading < 0 ? '-' : '+';
    const int magnitude = leading < 0 ? -leading : leading;
    if (magnitude >= 100) *p++ = static_cast<char>('0' + magnitude / 100);
    *p++ = static_cast<char>('0' + magnitude / 10 % 10);
    *p++ = static_cast<char>('0' + magnitude % 10);
  } else if (exponent >= 0) {
    copy(digits, end);  // 1234e2 -> 123400 (exponent <= 15 here)
    for (int i = 0; i < exponent; ++i) *p++ = '0';
  } else if (leading >= 0) {
    copy(digits, digits + leading + 1);  // 1234e-2 -> 12.34
    *p++ = '.';
    copy(digits + leading + 1, end);
  } else {
    *p++ = '0';  // 1234e-6 -> 0.001234 (at most 4 zeros)
    *p++ = '.';
    for (int i = -1; i > leading; --i) *p++ = '0';
    copy(digits, end);
  }
  out.append(text, p);
}

std::string format_fixed(double value, int digits) {
  if (std::isnan(value)) return "NA";
  if (std::isinf(value)) return value > 0 ? "Inf" : "-Inf";
  std::string out = fmt::format("{:.{}f}", value, digits);
  if (out.front() == '-' && out.find_first_not_of("-0.") == std::string::npos) out.erase(0, 1);
  return out;
}

std::string format_fixed(const std::optional<double>& value, int digits) {
  return value ? format_fixed(*value, digits) : std::string("NA");
}

std::string format_pvalue(double pval) {
  if (std::isnan(pval)) return "NA";
  if (pval < 1e-4) return "<.0001";
  return format_fixed(pval, 4);
}

std::string format_log10_pvalue(double log10_pval) {
  if (std::isnan(log10_pval)) return "NA";
  if (std::isinf(log10_pval)) return log10_pval < 0 ? "0" : "Inf";
  return "10^" + format_fixed(log10_pval, 1);
}

}  // namespace metapool
