#include "render/table.hpp"

#include <algorithm>

namespace metapool {
namespace {

// Display width of UTF-8 text: code points, not bytes (continuation bytes
// 10xxxxxx are not counted).
std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string pad(const std::string& text, std::size_t width, Align align) {
  const std::size_t w = display_width(text);
  if (w >= width) return text;
  const std::string fill(width - w, ' ');
  return align == Align::Left ? text + fill : fill + text;
}

std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string latex_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\textbackslash{}"; break;
      case '&': case '%': case '$': case '#': case '_': case '{': case '}':
        out += '\\';
        out += c;
        break;
      case '~': out += "\\textasciitilde{}"; break;
      case '^': out += "\\textasciicircum{}"; break;
      case '<': out += "\\textless{}"; break;
      case '>': out += "\\textgreater{}"; break;
      case '\n': case '\r': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

void Table::add_column(std::string name, Align alignment) {
  columns.push_back(std::move(name));
  align.push_back(alignment);
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string render_text(const Table& table) {
  std::vector<std::size_t> width(table.columns.size());
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    width[c] = display_width(table.columns[c]);
    for (const auto& row : table.rows) width[c] = std::max(width[c], display_width(row[c]));
  }
  const auto align_of = [&](std::size_t c) { return c < table.align.size() ? table.align[c] : Align::Right; };
  std::string out;
  const auto emit = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) line += "  ";
      line += pad(cells[c], width[c], align_of(c));
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  };
  emit(table.columns);
  for (const auto& row : table.rows) emit(row);
  return out;
}

std::string render_csv(const Table& table) {
  std::string out;
  const auto emit = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) out += ',';
      out += csv_field(cells[c]);
    }
    out += '\n';
  };
  emit(table.columns);
  for (const auto& row : table.rows) emit(row);
  return out;
}

std::string render_markdown(const Table& table) {
  std::string out = "|";
  for (const auto& name : table.columns) out += ' ' + markdown_cell(name) + " |";
  out += "\n|";
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const bool left = c < table.align.size() && table.align[c] == Align::Left;
    out += left ? " :--- |" : " ---: |";
  }
  out += '\n';
  for (const auto& row : table.rows) {
    out += '|';
    for (const auto& cell : row) out += ' ' + markdown_cell(cell) + " |";
    out += '\n';
  }
  return out;
}

std::string render_latex(const Table& table) {
  std::string spec;
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    spec += (c < table.align.size() && table.align[c] == Align::Left) ? 'l' : 'r';
  }
  std::string out = "\\begin{tabular}{" + spec + "}\n\\toprule\n";
  const auto emit = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) out += " & ";
      out += latex_cell(cells[c]);
    }
    out += " \\\\\n";
  };
  emit(table.columns);
  out += "\\midrule\n";
  for (const auto& row : table.rows) emit(row);
  out += "\\bottomrule\n\\end{tabular}\n";
  return out;
}

}  // namespace metapool
