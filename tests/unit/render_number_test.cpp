// append_exact / format_exact write what fmt's "{}" writes for every finite
// double (its own shortest digits, our layout), and R's NA/Inf otherwise.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "render/number_format.hpp"

using metapool::append_exact;
using metapool::format_exact;

namespace {

double from_bits(std::uint64_t bits) {
  double value = 0;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

}  // namespace

TEST_CASE("format_exact equals fmt's {} on edge values", "[render]") {
  const double values[] = {0.0, -0.0, 1.0, -1.0, 62.0, 0.1, 0.3, 1.0 / 3.0, 1e-4, 1.5e-4, 9.99e-5, 1e-5, 123456.789,
                           1e15, 1e16, 9.999999999999998e15, 1.2345678901234567e16, 1e21, 1e22, 1e100, 1e-100,
                           1e-300, 1e300, 5e-324, 2.2250738585072014e-308, std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::lowest(), 0.000123, 100.0, 1200.0, 0.5, 2.5e-5, 7e-310,
                           // every digit count (the digit writer's boundaries)
                           9.0, 10.0, 99.0, 999.0, 1000.0, 9999.0, 10000.0, 99999.0, 100000.0, 1e7, 99999999.0,
                           123456789.0, 1234567890123.0, 123456789012345.0, 9007199254740993.0, 0.9999, 0.001,
                           12.5, 1.25, 0.125, 1234.5678, 99.99, 9.999e15, 1.5e-5, 9.5e15};
  for (double value : values) {
    CAPTURE(value);
    CHECK(format_exact(value) == fmt::format("{}", value));
    // write_exact (the batch row writer's) stays within its stated room.
    char text[metapool::kMaxExactChars];
    const char* end = metapool::write_exact(text, value);
    CHECK(end - text <= 25);  // the longest text, "-2.2250738585072014e-308" and kin
    CHECK(std::string(static_cast<const char*>(text), end) == format_exact(value));
  }
  CHECK(format_exact(std::nan("")) == "NA");
  CHECK(format_exact(INFINITY) == "Inf");
  CHECK(format_exact(-INFINITY) == "-Inf");
  std::string out = "x=";
  append_exact(out, 0.25);
  CHECK(out == "x=0.25");
}

TEST_CASE("format_exact equals fmt's {} on a million random doubles", "[render]") {
  std::mt19937_64 rng(20261122);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  std::uniform_int_distribution<int> decade(-30, 30);
  std::string out;
  int mismatches = 0;
  for (int i = 0; i < 1000000; ++i) {
    // Half uniform bit patterns (every exponent), half values of a typical
    // scale with a few decimals (estimates, p-values, counts).
    double value = i % 2 == 0 ? from_bits(rng()) : unit(rng) * std::pow(10.0, decade(rng));
    if (i % 4 == 1) value = std::round(value * 1000.0) / 1000.0;
    if (!std::isfinite(value)) continue;
    out.clear();
    append_exact(out, value);
    if (out != fmt::format("{}", value)) {
      if (++mismatches <= 5) FAIL_CHECK(fmt::format("{:a}: {} vs fmt {}", value, out, fmt::format("{}", value)));
    }
  }
  CHECK(mismatches == 0);
}

// The digits are written in fixed blocks (1 + 8 + 8, see write_17_digits)
// and laid out by fixed-size copies; these pin the text at the blocks' and
// layouts' boundaries, literally and against fmt's "{}" (the policy).
TEST_CASE("append_exact pins the text at digit-block and layout boundaries", "[render]") {
  const struct {
    double value;
    const char* text;
  } cases[] = {
      {0.0, "0"},
      {-0.0, "-0"},
      {1e-5, "1e-05"},  // first exponent form below: at least two exponent digits
      {1e-4, "0.0001"},  // last fixed form
      {9.99e-5, "9.99e-05"},
      {0.0001234, "0.0001234"},
      {-0.0001234, "-0.0001234"},
      {1e15, "1000000000000000"},  // whole, one below the whole-number shortcut's bound
      {999999999999999.9, "999999999999999.9"},
      {1234567890123456.8, "1234567890123456.8"},  // 17 digits, point before the last block's end
      {1e16, "1e+16"},  // first exponent form above
      {1.2345678901234567e-300, "1.2345678901234568e-300"},  // three exponent digits
      {-1.2345678901234567e-300, "-1.2345678901234568e-300"},
      {5e-324, "5e-324"},  // smallest subnormal: one digit, no point
      {-2.2250738585072014e-308, "-2.2250738585072014e-308"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {123456789012345.6, "123456789012345.6"},
      {100.0, "100"},
      {-100.0, "-100"},
      {2.5, "2.5"},
      {-0.5, "-0.5"},
      // zeros inside and at the ends of the 8-digit blocks
      {1.0000000000000002, "1.0000000000000002"},
      {1.0000000100000001, "1.0000000100000002"},
      {123456789.00000001, "123456789.00000001"},
      {12345678.901234567, "12345678.901234567"},
      {0.10000000000000002, "0.10000000000000002"},
      {0.30000000000000004, "0.30000000000000004"},
      {9.000000000000002, "9.000000000000002"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.value);
    CHECK(format_exact(c.value) == c.text);
    CHECK(format_exact(c.value) == fmt::format("{}", c.value));
  }
  // R's spellings for what fmt has none of; appended after what is there.
  std::string out = "a,";
  append_exact(out, std::numeric_limits<double>::quiet_NaN());
  out += ',';
  append_exact(out, std::numeric_limits<double>::infinity());
  out += ',';
  append_exact(out, -std::numeric_limits<double>::infinity());
  out += ',';
  append_exact(out, -1e-300);
  CHECK(out == "a,NA,Inf,-Inf,-1e-300");
}

// Powers of ten, their neighbours and 10^k +- 1: runs of 9s and 0s that
// cross the digit blocks' boundaries, at every layout.
TEST_CASE("format_exact equals fmt's {} around powers of ten", "[render]") {
  for (int e = -20; e <= 20; ++e) {
    const double power = std::pow(10.0, e);
    for (double value : {power, std::nextafter(power, 0.0), std::nextafter(power, 2 * power), power - 1, power + 1,
                         9.999999999999999 * power, 1.0000000000000002 * power}) {
      CAPTURE(value);
      CHECK(format_exact(value) == fmt::format("{}", value));
      CHECK(format_exact(-value) == fmt::format("{}", -value));
    }
  }
}

// write_exact's digit writer (SSE2 on x86-64, 2-digit table lookups
// elsewhere): every 4-digit value in each of the four 4-digit groups (the
// vector steps work per group, then per 2-digit pair), every first digit,
// and random 17-digit numbers, against fmt's zero-padded integer and the
// portable writer.
TEST_CASE("write_exact's 17-digit writer writes every digit group exactly", "[render]") {
  const auto check = [](std::uint64_t n) {
    char fast[17], portable[17];
    metapool::detail::write_17_digits_for_test(fast, n);
    metapool::detail::write_17_digits_portable_for_test(portable, n);
    const std::string expected = fmt::format("{:017}", n);
    if (std::string(fast, 17) != expected || std::string(portable, 17) != expected) {
      FAIL_CHECK(fmt::format("{}: {} / {}", expected, std::string(fast, 17), std::string(portable, 17)));
      return false;
    }
    return true;
  };
  int failures = 0;
  for (std::uint64_t group = 0; group < 10000; ++group) {
    // the same group in all four places, and a different one in each
    const std::uint64_t spread = group * 1000100010001ULL;
    const std::uint64_t mixed = group * 1000000000000ULL + (9999 - group) * 100000000ULL +
                                (group * 7 % 10000) * 10000ULL + (group * 13 + 5) % 10000;
    for (const std::uint64_t first : {std::uint64_t{0}, group % 10, std::uint64_t{9}}) {
      if (!check(first * 10000000000000000ULL + spread)) ++failures;
      if (!check(first * 10000000000000000ULL + mixed)) ++failures;
    }
    if (failures > 5) break;
  }
  std::mt19937_64 rng(17);
  for (int i = 0; i < 100000 && failures <= 5; ++i) {
    if (!check(rng() % 100000000000000000ULL)) ++failures;
  }
  for (const std::uint64_t n : {0ULL, 1ULL, 9ULL, 10ULL, 99999999ULL, 100000000ULL, 9999999999999999ULL,
                                10000000000000000ULL, 99999999999999999ULL}) {
    if (!check(n)) ++failures;
  }
  CHECK(failures == 0);
}

// write_exact's layout, at the boundaries of each case: the whole-number
// shortcut (0 and whole numbers below 1e15), the digit count (1, 16 and 17
// digits, the latter written as a first digit and 16), the fixed layouts
// (0.000ddd for decimal exponents -4..-1, the point moved into 17 digits for
// 0..15, trailing zeros from the 17-digit field) and the exponent form.
TEST_CASE("write_exact's layout at its boundaries equals fmt's {}", "[render]") {
  std::vector<double> values = {0.0, -0.0, 1.0, -95.0, 999999999999999.0, -999999999999999.0, 1e15, 1e15 + 2,
                                999999999999998.5, 4503599627370496.0, 4503599627370497.0, 9007199254740992.0,
                                9007199254740994.0, 123456789012345.0, 0.5, 5.0, 50.0, 5e14, 5e15, 5e16,
                                1.2345678901234567e15, 1.2345678901234567e14, 0.12345678901234568,
                                0.012345678901234568, 1.2345678901234567e-4, 1.2345678901234567e-5,
                                9.999999999999999e-5, 1.0000000000000001e-4, 9.999999999999998e15,
                                2.2250738585072014e-308, 4.9406564584124654e-324, 1e-4, 1e-5, 1e16, 1e17};
  // every decimal exponent of the fixed range and one beyond each end, with
  // a 17-, a 16- and a 1-digit significand
  for (int e = -6; e <= 17; ++e) {
    for (const char* digits : {"1.2345678901234567", "1.234567890123456", "1", "9.999999999999998", "7.5"}) {
      values.push_back(std::stod(fmt::format("{}e{}", digits, e)));
    }
  }
  for (double value : values) {
    for (double signed_value : {value, -value}) {
      CAPTURE(signed_value);
      // canaries around the documented room: nothing written before `out`
      // or past kMaxExactChars
      char buffer[metapool::kMaxExactChars + 2];
      std::memset(buffer, '#', sizeof buffer);
      char* const out = buffer + 1;
      const char* const end = metapool::write_exact(out, signed_value);
      CHECK(std::string(static_cast<const char*>(out), end) == fmt::format("{}", signed_value));
      CHECK(end - out <= 25);
      CHECK(buffer[0] == '#');
      CHECK(buffer[sizeof buffer - 1] == '#');
    }
  }
}
