// Error categories with the exit codes of the CLI contract (DESIGN.md §4):
// 0 ok, 1 a check failed (validation, limits), 2 bad input or usage.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace bd {

// Bad user input: the message names the file/option, the problem and what was expected.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A requested check failed (validation case, dose limit): exit code 1.
class CheckFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
template <class... Args>
std::string concat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}
}  // namespace detail

}  // namespace bd

// Always-on validation of user input: BD_VALIDATE(x > 0, "file.nii: spacing " << x << " ...").
#define BD_VALIDATE(cond, msg_stream)                \
  do {                                               \
    if (!(cond)) {                                   \
      std::ostringstream bd_validate_os_;            \
      bd_validate_os_ << msg_stream;                 \
      throw ::bd::InputError(bd_validate_os_.str()); \
    }                                                \
  } while (0)
