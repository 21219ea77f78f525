// The message of the error a call throws, for tests of what betadose tells its user.
#pragma once

#include <exception>
#include <functional>
#include <string>

#include "betadose/errors.hh"

namespace bd::test {

// The InputError's message ("" when the call returns); any other exception propagates.
inline std::string input_error_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// The message of whatever std::exception the call throws ("" when it returns).
inline std::string error_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace bd::test
