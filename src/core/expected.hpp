// Expected<T>: a value or a Diagnostic. The channel for user and data errors
// (style.md section 3.5); exceptions never cross the public API.
#pragma once

#include <utility>
#include <variant>

#include "core/diagnostic.hpp"

namespace metapool {

template <class T>
class [[nodiscard]] Expected {
 public:
  // The value is moved (or copied) once, straight into place: a by-value
  // parameter would move it twice, and a PoolAnalysis is a few hundred bytes
  // of vectors and strings returned once per analysis of a batch.
  Expected(T&& value) : m_state(std::in_place_index<0>, std::move(value)) {}          // NOLINT: implicit by design
  Expected(const T& value) : m_state(std::in_place_index<0>, value) {}                // NOLINT: implicit by design
  Expected(Diagnostic&& error) : m_state(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit by design
  Expected(const Diagnostic& error) : m_state(std::in_place_index<1>, error) {}        // NOLINT: implicit by design
  // A value made in place from `args` (none: default-constructed), for a
  // function that fills it and returns this one object (no move at all).
  template <class... Args>
  explicit Expected(std::in_place_t, Args&&... args) : m_state(std::in_place_index<0>, std::forward<Args>(args)...) {}

  // Replaces the value or error by a value made from `args`, in place.
  template <class... Args>
  T& emplace(Args&&... args) {
    return m_state.template emplace<0>(std::forward<Args>(args)...);
  }

  bool has_value() const { return m_state.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(m_state); }
  const T& value() const& { return std::get<0>(m_state); }
  T&& value() && { return std::get<0>(std::move(m_state)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Diagnostic& error() const { return std::get<1>(m_state); }

 private:
  std::variant<T, Diagnostic> m_state;
};

}  // namespace metapool
