// Memory estimates before large allocations (issue 11: a grid or table too large for the
// machine is exit 2 with what it would need, never a bad_alloc or the OOM killer).
//
//   require_memory(bytes, "--search-radius-mm 1000", "a smaller radius");
#pragma once

#include <string>

namespace bd {

// MemAvailable of /proc/meminfo [bytes], or $BETADOSE_MEMORY_LIMIT_MB when that is lower (a
// cap for shared machines and fuzz harnesses); 0 when unknown.
double available_memory_bytes();

// "1.5 GiB"
std::string human_bytes(double bytes);

// InputError "<what>: needs about X of memory, but only Y is available (MemAvailable); use
// <advice>" when `bytes` exceeds the available memory (or 2^62 bytes, whatever the machine).
void require_memory(double bytes, const std::string& what, const std::string& advice);

}  // namespace bd
