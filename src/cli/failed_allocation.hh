// The size of the allocation that last failed (the program replaces the global operator
// new/delete in src/cli/failed_allocation.cpp to record it), so that out-of-memory is reported
// as "an allocation of X failed" rather than a bare bad_alloc.
#pragma once

#include <cstddef>

namespace bd::cli {

// Bytes asked for by the most recent failed operator new; 0 when none failed.
std::size_t failed_allocation_bytes();

}  // namespace bd::cli
