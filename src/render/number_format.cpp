#include "render/number_format.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>

#include <fmt/format.h>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define METAPOOL_NUMBER_FORMAT_SSE2 1
#else
#define METAPOOL_NUMBER_FORMAT_SSE2 0
#endif

namespace metapool {

std::string format_exact(double value) {
  std::string out;
  append_exact(out, value);
  return out;
}

namespace {

// value < 100 as two digits, from fmt's own "00".."99" table.
void write_2_digits(char* out, std::uint32_t value) {
  std::memcpy(out, fmt::detail::digits2(value), 2);
}

// Exactly 8 digits (leading zeros kept), two per table lookup.
void write_8_digits_portable(char* out, std::uint32_t value) {
  const std::uint32_t high = value / 10000, low = value % 10000;
  write_2_digits(out, high / 100);
  write_2_digits(out + 2, high % 100);
  write_2_digits(out + 4, low / 100);
  write_2_digits(out + 6, low % 100);
}

// high, low < 10^8 as 16 digits (leading zeros kept).
void write_16_digits_portable(char* out, std::uint32_t high, std::uint32_t low) {
  write_8_digits_portable(out, high);
  write_8_digits_portable(out + 8, low);
}

#if METAPOOL_NUMBER_FORMAT_SSE2
// The same 16 digits computed in SSE2 registers (baseline on x86-64), in the
// manner of Wojciech Mula's "SSE: conversion integers to decimal
// representation" (0x80.pl/articles/sse-itoa.html): ~35 instructions where
// the table lookups take ~65. Each step is an exact division by a constant
// for the values it gets (stated at the step); the unit test checks the
// whole against the portable writer on every value of each 8-digit block.
void write_16_digits_sse2(char* out, std::uint32_t high, std::uint32_t low) {
  // 64-bit lanes [high, low], each split into 4-digit halves (the unsigned
  // 32 x 32 -> 64 multiply works on the low half of each 64-bit lane):
  // x / 10^4 = x * 0xd1b71759 >> 45 for every x < 2^32.
  const __m128i x = _mm_set_epi64x(low, high);
  const __m128i upper = _mm_srli_epi64(_mm_mul_epu32(x, _mm_set1_epi32(static_cast<int>(0xd1b71759))), 45);
  const __m128i lower = _mm_sub_epi32(x, _mm_mul_epu32(upper, _mm_set1_epi32(10000)));
  // 32-bit lanes [abcd, efgh, ijkl, mnop], each < 10^4 < 2^16.
  const __m128i quads = _mm_or_si128(upper, _mm_slli_epi64(lower, 32));
  // Each into 2-digit halves: v / 100 = v * 5243 >> 19 for v < 43699, the
  // product (< 2^29) exact in 32 bits from the 16 x 16 -> 32 multiply-add
  // (the high 16 bits of each lane are 0, as is the multiplier's). A
  // multiply-add rather than a multiply also because GCC would turn the
  // multiplication by 100 into five shifts and adds.
  const __m128i by5243 = _mm_set1_epi32(5243);
  const __m128i hundreds = _mm_srli_epi32(_mm_madd_epi16(quads, by5243), 19);
  const __m128i below = _mm_sub_epi32(quads, _mm_madd_epi16(hundreds, _mm_set1_epi32(100)));
  // 16-bit lanes [ab, cd, ef, gh, ij, kl, mn, op], each < 100.
  const __m128i pairs = _mm_or_si128(hundreds, _mm_slli_epi32(below, 16));
  // Each into its digits with no subtraction: for v = 10q + r < 100,
  // v * 6554 = q * 2^16 + (4q + 6554r) with 4q + 6554r < 2^16, so the high
  // half of the product is q, and its low half times 10, high half again, is
  // r + (40q + 4r) / 2^16, i.e. r.
  const __m128i by6554 = _mm_set1_epi16(6554);
  const __m128i tens = _mm_mulhi_epu16(pairs, by6554);
  const __m128i ones = _mm_mulhi_epu16(_mm_mullo_epi16(pairs, by6554), _mm_set1_epi16(10));
  // The tens digit in the low byte of each lane, which comes first in memory.
  const __m128i digits = _mm_or_si128(tens, _mm_slli_epi16(ones, 8));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_add_epi8(digits, _mm_set1_epi8('0')));
}
#endif

void write_16_digits(char* out, std::uint32_t high, std::uint32_t low) {
#if METAPOOL_NUMBER_FORMAT_SSE2
  write_16_digits_sse2(out, high, low);
#else
  write_16_digits_portable(out, high, low);
#endif
}

// n < 10^17 as exactly 17 digits (leading zeros kept) at out[0, 17).
void write_17_digits(char* out, std::uint64_t n) {
  constexpr std::uint32_t kE8 = 100000000;
  const std::uint64_t top = n / kE8;
  const auto top9 = static_cast<std::uint32_t>(top);  // the first 9 digits (< 10^9)
  const std::uint32_t first = top9 / kE8;
  out[0] = static_cast<char>('0' + first);
  write_16_digits(out + 1, top9 - first * kE8, static_cast<std::uint32_t>(n - top * kE8));
}

// 10^i for i <= 16: what moves a significand of 17 - i digits to the top.
constexpr auto kPowersOf10 = [] {
  std::array<std::uint64_t, 17> powers{};
  std::uint64_t power = 1;
  for (auto& p : powers) {
    p = power;
    power *= 10;
  }
  return powers;
}();

// NaN and the infinities, out of the way of the finite path.
[[gnu::noinline]] char* write_special(char* out, double value) {
  const std::string_view text = std::isnan(value) ? "NA" : value > 0 ? "Inf" : "-Inf";
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

// d[.ddd]e+XX: `aligned` holds the `count` digits followed by zeros (17 in
// all), `leading` is the decimal exponent of the first. At least two
// exponent digits (fmt, like printf). Rare in tables, so out of line.
[[gnu::noinline]] char* write_scientific(char* p, std::uint64_t aligned, int count, int leading) {
  write_17_digits(p + 1, aligned);
  p[0] = p[1];  // the first digit before the point
  p[1] = '.';
  p += count > 1 ? count + 1 : 1;  // no point after a lone digit
  *p++ = 'e';
  *p++ = leading < 0 ? '-' : '+';
  auto magnitude = static_cast<std::uint32_t>(leading < 0 ? -leading : leading);
  if (magnitude >= 100) {
    *p++ = static_cast<char>('0' + magnitude / 100);
    magnitude %= 100;
  }
  write_2_digits(p, magnitude);
  return p + 2;
}

}  // namespace

void append_exact(std::string& out, double value) {
  char text[kMaxExactChars];
  out.append(text, write_exact(text, value));
}

namespace detail {

void write_17_digits_for_test(char* out, std::uint64_t n) { write_17_digits(out, n); }

void write_17_digits_portable_for_test(char* out, std::uint64_t n) {
  constexpr std::uint64_t kE8 = 100000000;
  out[0] = static_cast<char>('0' + n / (kE8 * kE8));
  write_16_digits_portable(out + 1, static_cast<std::uint32_t>(n / kE8 % kE8), static_cast<std::uint32_t>(n % kE8));
}

}  // namespace detail

char* write_exact(char* out, double value) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  // The sign without a branch: the '-' is always stored, and counts when
  // the sign bit is set ("-0" included, as fmt writes it).
  char* p = out;
  *p = '-';
  p += bits >> 63;
  const double magnitude = std::fabs(value);
  // magnitude = significand x 10^exponent.
  std::uint64_t significand = 0;
  int exponent = 0;
  // A whole number below 1e15 (0, a level of 95, k - 1 degrees of freedom):
  // below 2^52 its neighbours are at most 1/2 away, so no shorter digit
  // string reads back to it and fmt's text is its plain digits; Dragonbox
  // (~125 instructions) is skipped. (Trailing zeros may stay in the
  // significand: the fixed layout below writes the same text.) The
  // conversion is to a signed integer: the one x86-64 has an instruction for.
  if (magnitude < 1e15 && static_cast<double>(static_cast<std::int64_t>(magnitude)) == magnitude) {
    significand = static_cast<std::uint64_t>(static_cast<std::int64_t>(magnitude));
  } else {
    // NaN and the infinities come here too (the comparison is false for
    // NaN): tested here, off the path of the whole numbers.
    if (!(magnitude <= std::numeric_limits<double>::max())) [[unlikely]] return write_special(out, value);
    // The digits fmt itself uses for "{}" (fmt::format would also parse the
    // format string and go through its general float writer).
    const auto decimal = fmt::detail::dragonbox::to_decimal(magnitude);
    significand = decimal.significand;
    exponent = decimal.exponent;
  }
  // At most 17 digits; 1 for 0.
  const int count = fmt::detail::count_digits(significand);
  const int leading = exponent + count - 1;  // the decimal exponent of the first digit
  // The digits moved to the top of a 17-digit field: one digit writer for
  // every count (no loop, no leading-zero skipping), and the zeros after
  // them are the trailing zeros of 1234e2 -> 123400.
  const std::uint64_t aligned = significand * kPowersOf10[17 - count];
  // fmt writes decimal exponents -4..15 fixed, the others d.ddde+XX.
  if (static_cast<unsigned>(leading + 4) >= 20) [[unlikely]] return write_scientific(p, aligned, count, leading);
  if (leading < 0) {
    // 1234e-6 -> 0.001234: "0." and up to three zeros (stored as one
    // 8-byte copy; the digits overwrite what is past them).
    std::memcpy(p, "0.000000", 8);
    p += 1 - leading;
    write_17_digits(p, aligned);
    return p + count;
  }
  write_17_digits(p, aligned);
  if (exponent >= 0) return p + leading + 1;  // 1234e2 -> 123400, 62 -> 62
  // 1234e-2 -> 12.34: the fraction (at most 16 digits) moves one place right
  // as a fixed 16-byte block, and the point goes into the gap. The block
  // reaches up to 15 bytes past the 17 digits, so those are set first (their
  // value is never part of the text; the room of kMaxExactChars covers them).
  std::memset(p + 17, '0', 16);
  char* const point = p + leading + 1;
  char fraction[16];
  std::memcpy(fraction, point, sizeof fraction);
  std::memcpy(point + 1, fraction, sizeof fraction);
  *point = '.';
  return p + count + 1;
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
