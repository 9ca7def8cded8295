// libFuzzer target: arbitrary bytes through the CSV reader, the study
// validation and every measure of the inferred shape. Must never crash, hang
// or trip a sanitizer; errors are fine.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "effects/escalc.hpp"
#include "io/csv_table.hpp"
#include "io/study_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace metapool;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto table = parse_csv_text(text, "fuzz.csv");
  if (!table) return 0;
  auto studies = read_studies(std::move(table).value(), std::nullopt);
  if (!studies) return 0;
  for (Measure measure : {Measure::OR, Measure::RR, Measure::RD, Measure::AS, Measure::PETO,
                          Measure::PR, Measure::PLO, Measure::PAS, Measure::PFT, Measure::PLN,
                          Measure::MD, Measure::SMD, Measure::ROM, Measure::COR, Measure::ZCOR,
                          Measure::GEN}) {
    if (shape_of(measure) != studies->shape) continue;
    EffectOptions options;
    options.measure = measure;
    (void)compute_effects(*studies, options);
  }
  return 0;
}
