// Shared pieces of the golden tests: loading expected values written by the
// R scripts, reading JSON numbers (null = NaN), comparing scalars or arrays,
// and running one `metapool ... --format json` case from the source tree.
#pragma once

#include <limits>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/run_cli.hpp"
#include "support/tolerance.hpp"

namespace metapool::test {

using json = nlohmann::json;

// tests/golden/<relative>, parsed.
inline json load_golden(const std::string& relative) {
  return json::parse(slurp(std::string(METAPOOL_TEST_DIR) + "/golden/" + relative));
}

// A JSON number; null (R's NA) reads as NaN.
inline double as_double(const json& value) {
  return value.is_null() ? std::numeric_limits<double>::quiet_NaN() : value.get<double>();
}

// Compares a scalar or an array of numbers element by element at `tol`.
inline void check_json_near(const std::string& what, const json& actual, const json& expected, double tol) {
  if (expected.is_array()) {
    REQUIRE(actual.is_array());
    REQUIRE(actual.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      METAPOOL_CHECK_NEAR(what + "[" + std::to_string(i) + "]", as_double(actual[i]), as_double(expected[i]), tol);
    }
    return;
  }
  METAPOOL_CHECK_NEAR(what, as_double(actual), as_double(expected), tol);
}

// Runs `metapool <args>` in the source tree (golden args name files such as
// datasets/bcg.csv), requires exit status 0 and returns the parsed JSON.
inline json run_json_case(const std::string& args) {
  const auto run = run_cli(args, "", METAPOOL_SOURCE_DIR);
  INFO("stderr: " << run.err);
  REQUIRE(run.status == 0);
  return json::parse(run.out);
}

}  // namespace metapool::test
