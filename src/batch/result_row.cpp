#include "batch/result_row.hpp"

#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "render/number_format.hpp"


namespace metapool::batch {
namespace {

// Writes fields one after the other, in CSV or as JSON members. The row is
// laid out in a buffer on the stack and appended to `out` once, by finish():
// a byte or a number is a store through a pointer, not a std::string append
// with its size and capacity checks (~30 numbers and ~45 separators per row
// of a batch), and `out` is neither zero-filled ahead nor cut back. Text
// that does not fit (a long error message) goes to `out` directly, after
// what the buffer holds.
class RowWriter {
 public:
  RowWriter(std::string& out, BatchFormat format, const std::vector<std::string>& names)
      : m_out(out), m_format(format), m_names(names) {
    if (m_format == BatchFormat::Jsonl) put('{');
  }
  RowWriter(const RowWriter&) = delete;
  RowWriter& operator=(const RowWriter&) = delete;

  void text(std::string_view value) {
    begin();
    if (m_format == BatchFormat::Csv) {
      csv_text(value);
    } else {
      json_text(value);
    }
  }
  void missing() {
    begin();
    put(m_format == BatchFormat::Csv ? std::string_view("NA") : std::string_view("null"));
  }
  // format_exact's policy (shortest round trip as fmt "{}", NA, Inf, -Inf),
  // written in place instead of through a temporary string.
  void number(double value) {
    if (m_format == BatchFormat::Csv) {
      // No test for NaN: write_exact's "NA" is CSV's missing marker, and
      // Inf/-Inf are written as they are. One room check covers the
      // separator too, which is stored always and counted after the first
      // field (no branch).
      room(kMaxExactChars + 1);
      *m_pos = ',';
      m_pos += m_field++ > 0 ? 1 : 0;
      m_pos = write_exact(m_pos, value);
      return;
    }
    json_number(value);
  }
  void number(const std::optional<double>& value) {
    if (!value) return missing();
    number(*value);
  }
  void integer(long long value) {
    begin();
    const fmt::format_int digits(value);  // no format-string parsing
    put(std::string_view(digits.data(), digits.size()));
  }
  void list(const std::vector<std::string>& values) {
    if (m_format == BatchFormat::Csv) {
      std::string joined;
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) joined += " | ";
        joined += values[i];
      }
      return text(joined);
    }
    begin();
    put('[');
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) put(',');
      json_text(values[i]);
    }
    put(']');
  }
  // The line end, and the row into `out`. Without finish() (an exception on
  // the way) the row is not written, apart from what long text flushed ahead.
  void finish() {
    put(m_format == BatchFormat::Csv ? std::string_view("\n") : std::string_view("}\n"));
    flush();
  }

 private:
  // A row of the bench is ~600 bytes; only long text (error messages,
  // warnings) makes it flush before finish().
  static constexpr std::size_t kBuffer = 1024;

  // Room for `size` (<= kBuffer) more bytes at m_pos.
  void room(std::size_t size) {
    if (static_cast<std::size_t>(m_buffer + kBuffer - m_pos) < size) [[unlikely]] flush();
  }
  // Out of line: the fast paths that call it keep their registers.
  [[gnu::noinline]] void flush() {
    m_out.append(m_buffer, m_pos);
    m_pos = m_buffer;
  }
  void put(char c) {
    room(1);
    *m_pos++ = c;
  }
  void put(std::string_view text) {
    if (static_cast<std::size_t>(m_buffer + kBuffer - m_pos) < text.size()) [[unlikely]] {
      flush();
      if (text.size() > kBuffer) {
        m_out.append(text);
        return;
      }
    }
    if (!text.empty()) std::memcpy(m_pos, text.data(), text.size());
    m_pos += text.size();
  }
  // The separator (and in JSON the member's name) before a field.
  void begin() {
    if (m_format == BatchFormat::Jsonl) return json_name();
    if (m_field++ > 0) put(',');
  }
  // JSON has no NaN or infinities: null. Out of line, like json_name().
  [[gnu::noinline]] void json_number(double value) {
    if (!std::isfinite(value)) return missing();
    begin();
    room(kMaxExactChars);
    m_pos = write_exact(m_pos, value);
  }
  // Out of line, so that the escaping loop does not make every field's
  // inlined begin() save registers in CSV too.
  [[gnu::noinline]] void json_name() {
    if (m_field > 0) put(',');
    json_text(m_names[m_field++]);
    put(':');
  }
  // RFC 4180; line breaks become spaces so that one row is one line (the
  // shard merge sorts lines).
  void csv_text(std::string_view value) {
    if (csv_plain(value)) {
      put(value);
    } else {
      csv_quoted(value);
    }
  }
  // Nothing to quote: no separator, quote or line break, and not the text NA
  // (which would read back as missing).
  static bool csv_plain(std::string_view value) {
    if (value == "NA") return false;
    for (char c : value) {
      if (c == ',' || c == '"' || c == '\n' || c == '\r') return false;
    }
    return true;
  }
  // Out of line: rare, and its loop would make every inlined csv_text()
  // save registers.
  [[gnu::noinline]] void csv_quoted(std::string_view value) {
    put('"');
    for (char c : value) {
      if (c == '"') {
        put(std::string_view("\"\""));
      } else if (c == '\n' || c == '\r') {
        put(' ');
      } else {
        put(c);
      }
    }
    put('"');
  }
  void json_text(std::string_view value) {
    put('"');
    for (char c : value) {
      switch (c) {
        case '"': put(std::string_view("\\\"")); break;
        case '\\': put(std::string_view("\\\\")); break;
        case '\n': put(std::string_view("\\n")); break;
        case '\r': put(std::string_view("\\r")); break;
        case '\t': put(std::string_view("\\t")); break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            // \u00XX, lower-case hex as fmt's {:04x} wrote it
            constexpr char kHex[] = "0123456789abcdef";
            const auto byte = static_cast<unsigned char>(c);
            const char escape[6] = {'\\', 'u', '0', '0', kHex[byte >> 4], kHex[byte & 0xF]};
            put(std::string_view(escape, 6));
          } else {
            put(c);
          }
      }
    }
    put('"');
  }

  std::string& m_out;
  BatchFormat m_format;
  const std::vector<std::string>& m_names;
  std::size_t m_field = 0;
  char m_buffer[kBuffer];   // the row not yet in m_out (uninitialized: only [m_buffer, m_pos) is read)
  char* m_pos = m_buffer;   // where the next byte goes
};

}  // namespace

std::optional<BatchFormat> parse_batch_format(std::string_view text) {
  if (text == "csv") return BatchFormat::Csv;
  if (text == "jsonl") return BatchFormat::Jsonl;
  return std::nullopt;
}

const std::vector<std::string>& result_column_names() {
  static const std::vector<std::string> names{
      "config", "status", "error", "rows", "measure", "method", "requested_method", "test", "level", "k",
      "estimate", "se", "statistic", "pval", "ci_lb", "ci_ub", "df", "tau2", "se_tau2", "tau", "I2", "H2", "Q",
      "Q_df", "Q_pval", "pi_lb", "pi_ub", "tau2_ci_lb", "tau2_ci_ub", "tau_ci_lb", "tau_ci_ub", "I2_ci_lb",
      "I2_ci_ub", "H2_ci_lb", "H2_ci_ub", "scale", "transformed_estimate", "transformed_ci_lb",
      "transformed_ci_ub", "transformed_pi_lb", "transformed_pi_ub", "warnings"};
  return names;
}

std::vector<std::string> result_columns(const std::vector<std::string>& key_names) {
  std::vector<std::string> columns{"group_index", "config_index"};
  columns.insert(columns.end(), key_names.begin(), key_names.end());
  const auto& fixed = result_column_names();
  columns.insert(columns.end(), fixed.begin(), fixed.end());
  return columns;
}

std::string render_header(const std::vector<std::string>& key_names, BatchFormat format) {
  if (format != BatchFormat::Csv) return {};
  std::string out;
  const auto columns = result_columns(key_names);
  RowWriter writer(out, format, columns);
  for (const auto& name : columns) writer.text(name);
  writer.finish();
  return out;
}

std::string_view to_string(RowStatus status) {
  switch (status) {
    case RowStatus::Ok: return "ok";
    case RowStatus::Error: return "error";
  }
  return "error";
}

RowStatus row_status(const Expected<PoolAnalysis>& result) {
  if (!result) return RowStatus::Error;
  return result->pool.converged ? RowStatus::Ok : RowStatus::Error;
}

void append_row(std::string& out, BatchFormat format, const Group& group,
                const std::vector<std::string>& columns, std::size_t config_index,
                const AnalysisConfig& config, const Expected<PoolAnalysis>& result) {
  RowWriter w(out, format, columns);
  w.integer(static_cast<long long>(group.index));
  w.integer(static_cast<long long>(config_index));
  for (const auto& value : group.key) w.text(value);
  w.text(config.label);
  const RowStatus status = row_status(result);
  w.text(to_string(status));
  if (!result) {
    w.text(result.error().render());
  } else if (status == RowStatus::Error) {
    // pool prints the numbers with warnings; here the warnings are the error
    std::string message = "the model did not converge";
    for (const auto& warning : result->pool.warnings) message += "; " + warning;
    w.text(message);
  } else {
    w.missing();
  }
  w.integer(static_cast<long long>(group.rows));
  const AnalysisOptions& o = config.options;
  if (!result) {
    if (o.measure) {
      w.text(to_string(*o.measure));
    } else {
      w.missing();
    }
    w.text(to_string(o.method));
    w.text(to_string(o.method));
    w.text(to_string(o.test));
    w.number(o.ci_level * 100);
    // k .. transformed_pi_ub, then warnings
    const std::size_t fixed_numbers = result_column_names().size() - 10;
    for (std::size_t i = 0; i < fixed_numbers; ++i) w.missing();
    w.list({});
    w.finish();
    return;
  }
  const PoolResult& p = result->pool;
  w.text(to_string(p.measure));
  w.text(to_string(p.method));
  w.text(to_string(p.requested));
  w.text(to_string(p.test));
  w.number(p.ci_level * 100);
  w.integer(static_cast<long long>(p.k));
  w.number(p.estimate);
  w.number(p.se);
  w.number(p.statistic);
  w.number(p.pval);
  w.number(p.ci_lb);
  w.number(p.ci_ub);
  w.number(p.df);
  w.number(p.tau2);
  w.number(p.se_tau2);
  w.number(p.tau);
  w.number(p.I2);
  w.number(p.H2);
  w.number(p.Q);
  w.integer(p.Q_df);
  w.number(p.Q_pval);
  const auto interval = [&](const std::optional<Interval>& ci) {
    if (ci) {
      w.number(ci->lb);
      w.number(ci->ub);
    } else {
      w.missing();
      w.missing();
    }
  };
  interval(p.pi);
  interval(p.tau2_ci);
  interval(p.tau_ci);
  interval(p.I2_ci);
  interval(p.H2_ci);
  if (result->transformed) {
    const Transformed& t = *result->transformed;
    w.text(t.scale);
    w.number(t.estimate);
    w.number(t.ci_lb);
    w.number(t.ci_ub);
    w.number(t.pi_lb);
    w.number(t.pi_ub);
  } else {
    for (int i = 0; i < 6; ++i) w.missing();
  }
  w.list(p.warnings);
  w.finish();
}

}  // namespace metapool::batch
