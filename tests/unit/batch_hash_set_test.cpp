// HashSet64, the set of the group keys' hashes the batch reader keeps: the
// same answers as std::unordered_set over a long run of inserts with many
// repeats, through several doublings, with 0 (its free-slot marker) and keys
// that collide in the slot index.
#include <catch2/catch.hpp>

#include <cstdint>
#include <unordered_set>

#include "batch/hash_set.hpp"

using metapool::batch::HashSet64;

TEST_CASE("HashSet64 answers as std::unordered_set through growth, repeats and key 0", "[batch]") {
  HashSet64 set;
  std::unordered_set<std::uint64_t> reference;
  std::uint64_t state = 12345;
  const auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state;
  };
  // Keys drawn from a small range (so about half the inserts repeat) and
  // shifted to the high bits now and then; 0 among them.
  for (int i = 0; i < 200000; ++i) {
    std::uint64_t key = (next() >> 47) % 150000;
    if (i % 7 == 0) key <<= 40;
    const bool added = set.insert(key);
    const bool reference_added = reference.insert(key).second;
    REQUIRE(added == reference_added);
  }
  CHECK(set.size() == reference.size());
  CHECK(set.contains(0));
  for (std::uint64_t key : reference) REQUIRE(set.contains(key));
  for (std::uint64_t key : reference) REQUIRE_FALSE(set.insert(key));
  CHECK_FALSE(set.contains(150000));
  CHECK_FALSE(set.contains(~std::uint64_t{0}));
}

TEST_CASE("HashSet64 keeps keys that share a slot apart", "[batch]") {
  // The slot is the top bits of key * C (C odd); keys = C^-1 * j (mod 2^64)
  // for small j make key * C = j, so all of them want slot 0 and probe along
  // one run of slots, across the doublings at 512 and 1,024 keys.
  constexpr std::uint64_t kC = 0x9E3779B97F4A7C15ULL;
  std::uint64_t inverse = kC;  // Newton's iteration for C^-1 mod 2^64
  for (int i = 0; i < 6; ++i) inverse *= 2 - kC * inverse;
  REQUIRE(inverse * kC == 1);
  HashSet64 set;
  CHECK_FALSE(set.contains(inverse));
  CHECK(set.size() == 0);
  for (std::uint64_t j = 1; j <= 1500; ++j) REQUIRE(set.insert(inverse * j));
  for (std::uint64_t j = 1; j <= 1500; ++j) REQUIRE_FALSE(set.insert(inverse * j));
  CHECK_FALSE(set.contains(inverse * 1501));
  CHECK(set.size() == 1500);
  CHECK(set.insert(0));
  CHECK_FALSE(set.insert(0));
  CHECK(set.size() == 1501);
}
