// A plain table of text cells and its renderings (aligned text, CSV,
// Markdown, LaTeX). Every command builds Tables from result structs; the
// number formatting policy lives in render/number_format.hpp.
#pragma once

#include <string>
#include <vector>

namespace metapool {

enum class Align { Left, Right };

struct Table {
  std::vector<std::string> columns;
  std::vector<Align> align;                    // one per column (default Right)
  std::vector<std::vector<std::string>> rows;  // each row has columns.size() cells

  void add_column(std::string name, Align alignment = Align::Right);
};

std::string render_text(const Table& table);      // space-aligned columns
std::string render_csv(const Table& table);       // RFC 4180, LF line ends
std::string render_markdown(const Table& table);  // GitHub pipe table, | escaped
std::string render_latex(const Table& table);     // tabular with booktabs rules, specials escaped

// RFC 4180 quoting of one CSV field (quotes when it has , " CR or LF).
std::string csv_field(const std::string& text);

}  // namespace metapool
