// libFuzzer target: structured random data sets (random k, zero cells,
// extreme counts and variances) through the whole pool pipeline with every
// method and test. Bytes drive the choices, so the fuzzer explores shapes
// that arbitrary text rarely reaches.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "analysis/pipeline.hpp"

namespace {

class ByteStream {
 public:
  ByteStream(const std::uint8_t* data, std::size_t size) : m_data(data), m_size(size) {}
  std::uint8_t byte() { return m_pos < m_size ? m_data[m_pos++] : 0; }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | byte();
    return v;
  }
  // A count with a bias toward 0, small values and very large ones.
  std::uint64_t count(std::uint64_t max) {
    switch (byte() % 4) {
      case 0: return 0;
      case 1: return byte() % 20;
      case 2: return u32() % (max + 1);
      default: return max;
    }
  }
  // A positive double spanning 1e-12 .. 1e6 and some extremes.
  double positive() {
    const int exponent = static_cast<int>(byte() % 40) - 20;
    return (1 + byte()) * std::pow(10.0, exponent) / 256.0;
  }
  bool empty() const { return m_pos >= m_size; }

 private:
  const std::uint8_t* m_data;
  std::size_t m_size;
  std::size_t m_pos = 0;
};

std::string make_csv(ByteStream& in, metapool::DataShape shape) {
  using metapool::DataShape;
  const int k = 1 + in.byte() % 40;
  std::string csv;
  switch (shape) {
    case DataShape::TwoArmBinary: csv = "study,events_t,n_t,events_c,n_c\n"; break;
    case DataShape::Proportion: csv = "study,events,n\n"; break;
    case DataShape::TwoArmContinuous: csv = "study,mean_t,sd_t,n_t,mean_c,sd_c,n_c\n"; break;
    case DataShape::Correlation: csv = "study,r,n\n"; break;
    case DataShape::Generic: csv = "study,yi,vi\n"; break;
  }
  for (int i = 0; i < k; ++i) {
    const std::uint64_t big = 1000000000ULL;
    switch (shape) {
      case DataShape::TwoArmBinary: {
        const std::uint64_t n_t = 1 + in.count(big), n_c = 1 + in.count(big);
        csv += fmt::format("S{},{},{},{},{}\n", i, in.count(n_t) % (n_t + 1), n_t, in.count(n_c) % (n_c + 1), n_c);
        break;
      }
      case DataShape::Proportion: {
        const std::uint64_t n = 1 + in.count(big);
        csv += fmt::format("S{},{},{}\n", i, in.count(n) % (n + 1), n);
        break;
      }
      case DataShape::TwoArmContinuous:
        csv += fmt::format("S{},{},{},{},{},{},{}\n", i, in.positive() - in.positive(), in.positive(),
                           2 + in.count(100000), in.positive() - in.positive(), in.positive(), 2 + in.count(100000));
        break;
      case DataShape::Correlation:
        csv += fmt::format("S{},{},{}\n", i, (static_cast<int>(in.byte()) - 128) / 128.5, 4 + in.count(big));
        break;
      case DataShape::Generic:
        csv += fmt::format("S{},{},{}\n", i, in.positive() - in.positive(), in.positive());
        break;
    }
  }
  return csv;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace metapool;
  ByteStream in(data, size);
  const auto shape = static_cast<DataShape>(in.byte() % 5);
  const std::string csv = make_csv(in, shape);
  static constexpr Measure kMeasures[] = {Measure::OR, Measure::RR, Measure::RD, Measure::AS, Measure::PETO,
                                          Measure::PR, Measure::PLO, Measure::PAS, Measure::PFT, Measure::PLN,
                                          Measure::MD, Measure::SMD, Measure::ROM, Measure::COR, Measure::ZCOR,
                                          Measure::GEN};
  static constexpr Method kMethods[] = {Method::EE, Method::MH, Method::PETO, Method::DL, Method::HE,
                                        Method::HS, Method::HSk, Method::SJ, Method::ML, Method::REML,
                                        Method::EB, Method::PM, Method::PMM, Method::GENQ};
  AnalysisOptions options;
  options.measure = kMeasures[in.byte() % 16];
  options.method = kMethods[in.byte() % 14];
  options.test = static_cast<TestType>(in.byte() % 3);
  if (in.byte() % 2) options.fallback = {Method::DL};
  if (in.byte() % 4 == 0) options.cc_to = static_cast<CcTo>(in.byte() % 4);
  auto table = parse_csv_text(csv, "structured.csv");
  if (!table) return 0;
  (void)analyse_pool(std::move(table).value(), options);
  return 0;
}
