// Enumerations that name the codes of the public interface, each with a
// round-trip string conversion (Ceres StringToLinearSolverType style).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace metapool {

// The data shapes of interface.md, inferred from the column names.
enum class DataShape { TwoArmBinary, Proportion, TwoArmContinuous, Correlation, Generic };

// Effect measures, metafor `escalc` codes. The stored value is on the analysis
// scale: OR/RR/PETO are log ratios, PLO is a logit, ZCOR Fisher's z, ...
enum class Measure { OR, RR, RD, AS, PETO, PR, PLO, PAS, PFT, PLN, MD, SMD, ROM, COR, ZCOR, GEN };

// Pooling methods: common effect, Mantel-Haenszel, Peto, and the random-effects
// tau^2 estimators of metafor's rma.uni.
enum class Method { EE, MH, PETO, DL, HE, HS, HSk, SJ, ML, REML, EB, PM, PMM, GENQ };

// Test statistic / CI reference distribution: z (normal), t (t with k-p df),
// knha (Hartung-Knapp-Sidik-Jonkman adjusted SE with t).
enum class TestType { Z, T, KNHA };

// Which studies get the continuity correction (metafor escalc `to=`).
enum class CcTo { Only0, All, If0All, None };

std::string_view to_string(DataShape shape);
std::string_view to_string(Measure measure);
std::string_view to_string(Method method);
std::string_view to_string(TestType test);
std::string_view to_string(CcTo cc_to);

// Case-sensitive parse of the codes above ("FE" is accepted as an alias of EE;
// tests accept lower and upper case). nullopt when unknown.
std::optional<Measure> parse_measure(std::string_view text);
std::optional<Method> parse_method(std::string_view text);
std::optional<TestType> parse_test(std::string_view text);
std::optional<CcTo> parse_cc_to(std::string_view text);

// Lists of the valid codes, for messages ("expected one of ...").
std::string measure_codes();
std::string method_codes();

// The data shape a measure needs, and the default measure of a shape.
DataShape shape_of(Measure measure);
Measure default_measure(DataShape shape);
// "two-arm binary", ... for messages.
std::string_view describe(DataShape shape);

// True for the random-effects tau^2 estimators (DL ... GENQ).
bool is_random_effects(Method method);

}  // namespace metapool
