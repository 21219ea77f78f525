// Device-safe assertions for kernel code.
// BD_EXPECT/BD_ASSERT check internal invariants in debug builds only (no cost in Release, which
// is what runs transport). On the host a failure throws bd::DebugError (caught by the CPU
// launcher with the history index); on the device it traps the kernel.
// User input is never checked here: the host orchestrator validates it (bd::InputError).
#pragma once

#include "kernels/macros.hh"

#if !BD_DEVICE_COMPILE
#include <stdexcept>
#include <string>
namespace bd {
class DebugError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};
[[noreturn]] inline void debug_fail(const char* cond, const char* file, int line) {
  throw DebugError(std::string("internal assertion failed: ") + cond + " at " + file + ":" +
                   std::to_string(line));
}
}  // namespace bd
#endif

#if defined(NDEBUG)
#define BD_ASSERT(cond) ((void)0)
#elif BD_DEVICE_COMPILE
#define BD_ASSERT(cond)   \
  do {                    \
    if (!(cond)) __trap(); \
  } while (0)
#else
#define BD_ASSERT(cond)                                           \
  do {                                                            \
    if (!(cond)) ::bd::debug_fail(#cond, __FILE__, __LINE__);      \
  } while (0)
#endif
#define BD_EXPECT(cond) BD_ASSERT(cond)
