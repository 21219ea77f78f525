// Atomic text output through the one output layer (output_file.hh): staged beside the target,
// checked, fsynced and renamed into place, so a failed or interrupted run never leaves a
// partial CSV/report behind.
#pragma once

#include <functional>
#include <string>

namespace bd {

// Throws InputError naming `path` when the directory is missing or not writable. `committed`
// runs in the step of the rename (commit_all in output_file.hh).
void write_text_file_atomic(const std::string& path, const std::string& text,
                            const std::string& what = "output", const std::function<void()>& committed = {});

}  // namespace bd
