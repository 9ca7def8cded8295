// SHA-256 of bytes (OpenSSL libcrypto, Debian libssl-dev), as lower-case hex;
// the report's reproducibility stamp records it for the input file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace metapool::report {

// 64 lower-case hex digits, as `sha256sum` prints them.
std::string sha256_hex(std::string_view bytes);

// The same for a whole file, read in blocks (batch inputs can be large);
// nullopt when it cannot be opened or read.
std::optional<std::string> sha256_file_hex(const std::string& path);

}  // namespace metapool::report
