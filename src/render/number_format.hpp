// One number-formatting policy for every output (locale-independent: fmt).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace metapool {

// Shortest text that reads back to the same double ("0.1", "1e-300");
// "NA" for NaN, "Inf"/"-Inf" for infinities (as R writes them).
std::string format_exact(double value);

// Appends format_exact(value) to `out` without a temporary string (batch
// tables write ~45 numbers per analysis). For finite values the text is
// fmt's "{}": the shortest round-trip digits (fmt's Dragonbox) laid out
// fixed for decimal exponents -4..15 and as d.ddde+XX otherwise.
void append_exact(std::string& out, double value);

// The same text written at `out`, which must have room for kMaxExactChars
// bytes (the text is at most 25; the rest is scratch that write_exact may
// overwrite); returns the end of the text (no terminating NUL).
constexpr std::size_t kMaxExactChars = 40;
char* write_exact(char* out, double value);

namespace detail {
// write_exact's digit writer, for the unit test: n < 10^17 as exactly 17
// digits at out[0, 17) (leading zeros kept). The first is the one
// write_exact uses (SSE2 where the target has it), the second the portable
// one it falls back to elsewhere.
void write_17_digits_for_test(char* out, std::uint64_t n);
void write_17_digits_portable_for_test(char* out, std::uint64_t n);
}  // namespace detail

// Fixed `digits` decimals for reading ("-0.7141"); "NA" for NaN.
std::string format_fixed(double value, int digits = 4);

// A p-value as metafor prints it: "<.0001" below 1e-4, else 4 decimals.
std::string format_pvalue(double pval);

// A p-value given as its log10, for p-values that underflow double:
// "10^-483.5" (one decimal of the exponent); "NA" for NaN.
std::string format_log10_pvalue(double log10_pval);

// nullopt -> "NA", else format_fixed.
std::string format_fixed(const std::optional<double>& value, int digits = 4);

}  // namespace metapool
