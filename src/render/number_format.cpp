#include "render/number_format.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

namespace metapool {

std::string format_exact(double value) {
  std::string out;
  append_exact(out, value);
  return out;
}

namespace {

constexpr int kMaxDigits = 17;

// value < 100 as two digits, from fmt's own "00".."99" table.
void write_2_digits(char* out, std::uint32_t value) {
  std::memcpy(out, fmt::detail::digits2(value), 2);
}

// Exactly 8 digits (leading zeros kept).
void write_8_digits(char* out, std::uint32_t value) {
  const std::uint32_t high = value / 10000, low = value % 10000;
  write_2_digits(out, high / 100);
  write_2_digits(out + 2, high % 100);
  write_2_digits(out + 4, low / 100);
  write_2_digits(out + 6, low % 100);
}

// n < 10^17 as exactly 17 digits (leading zeros kept).
void write_17_digits(char* out, std::uint64_t n) {
  constexpr std::uint64_t kE8 = 100000000;
  out[0] = static_cast<char>('0' + n / (kE8 * kE8));
  write_8_digits(out + 1, static_cast<std::uint32_t>(n / kE8 % kE8));
  write_8_digits(out + 9, static_cast<std::uint32_t>(n % kE8));
}

}  // namespace

void append_exact(std::string& out, double value) {
  char text[kMaxExactChars];
  out.append(text, write_exact(text, value));
}

char* write_exact(char* out, double value) {
  char* p = out;
  const auto put = [&p](const char* text, std::size_t size) {
    std::memcpy(p, text, size);
    p += size;
  };
  if (std::isnan(value)) {
    put("NA", 2);
    return p;
  }
  if (std::isinf(value)) {
    if (value > 0) {
      put("Inf", 3);
    } else {
      put("-Inf", 4);
    }
    return p;
  }
  // The longest text is "-0.0000" + 17 digits or "-d.dddddddddddddddde-308"
  // (25 bytes); the fixed-size digit copies below write at most 35.
  if (std::signbit(value)) {
    *p++ = '-';
    value = -value;
  }
  // A whole number below 1e15 (a level of 95, k - 1 degrees of freedom):
  // below 2^52 its neighbours are at most 1/2 away, so no shorter digit
  // string reads back to it and fmt's text is its plain digits.
  // Zero (a tau^2 or I^2 bound at the boundary: a few per batch row) is "0".
  if (value == 0.0) {
    *p++ = '0';
    return p;
  }
  if (value >= 1.0 && value < 1e15 && static_cast<double>(static_cast<std::uint64_t>(value)) == value) {
    const fmt::format_int digits(static_cast<unsigned long long>(value));
    put(digits.data(), digits.size());
    return p;
  }
  // The digits fmt itself uses for "{}" (fmt::format would also parse the
  // format string and go through its general float writer).
  const auto decimal = fmt::detail::dragonbox::to_decimal(value);
  // The significand has at most 17 digits: written zero-padded to 17 in
  // three independent blocks (1 + 8 + 8 digits, two digits per table
  // lookup) instead of one chain of divisions by 100. The 17 bytes after
  // them are slack, so that every run of digits below is copied as a fixed
  // 17-byte block (two moves, no memcpy call) and only `p` says how much of
  // it counts; `out`'s room covers the overhang (kMaxExactChars).
  char padded[2 * kMaxDigits] = {};
  write_17_digits(padded, decimal.significand);
  const int count = fmt::detail::count_digits(decimal.significand);
  const char* const digits = padded + (kMaxDigits - count);
  const int exponent = decimal.exponent;     // value = digits x 10^exponent
  const int leading = exponent + count - 1;  // exponent of the first digit
  const auto copy = [&p](const char* first, int size) {
    std::memcpy(p, first, kMaxDigits);
    p += size;
  };
  if (leading < -4 || leading >= 16) {
    // d[.ddd]e+XX, at least two exponent digits (fmt, like printf).
    *p++ = digits[0];
    if (count > 1) {
      *p++ = '.';
      copy(digits + 1, count - 1);
    }
    *p++ = 'e';
    *p++ = leading < 0 ? '-' : '+';
    const int magnitude = leading < 0 ? -leading : leading;
    if (magnitude >= 100) *p++ = static_cast<char>('0' + magnitude / 100);
    *p++ = static_cast<char>('0' + magnitude / 10 % 10);
    *p++ = static_cast<char>('0' + magnitude % 10);
  } else if (exponent >= 0) {
    copy(digits, count);  // 1234e2 -> 123400 (exponent <= 15 here)
    for (int i = 0; i < exponent; ++i) *p++ = '0';
  } else if (leading >= 0) {
    copy(digits, leading + 1);  // 1234e-2 -> 12.34
    *p++ = '.';
    copy(digits + leading + 1, count - leading - 1);
  } else {
    *p++ = '0';  // 1234e-6 -> 0.001234 (at most 4 zeros)
    *p++ = '.';
    for (int i = -1; i > leading; --i) *p++ = '0';
    copy(digits, count);
  }
  return p;
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
