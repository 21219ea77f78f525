// Checks every reader of betadose makes before it opens a user's file (issue 11): the path
// exists and is a regular file (or, where a DICOM series is accepted, a directory of regular
// files). A FIFO, device or socket is refused before any open(), so such a path can never
// hang or stream endless data into a reader. Text inputs (CSV, TOML, material and nuclide
// files) are read whole, with a size cap, by read_text_input.
//
// Adopting it in a new reader:
//   require_input_file(path, "--dpk-file");            // before opening
//   const std::string text = read_text_input(path, "--dpk-file");  // instead of std::ifstream
// Messages read "<what> <path>: <problem>" (or "<path>: <problem>" when `what` is empty).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace bd {

// Largest text input betadose reads (calibration tables, kernel CSVs, configs) [bytes].
inline constexpr std::size_t kMaxTextInputBytes = std::size_t(64) << 20;

enum class InputPathKind { regular_file, directory };

// Throws InputError when `path` is empty, does not exist, or is anything but a regular file
// (symlinks are followed). Returns the file size [bytes].
std::uint64_t require_input_file(const std::string& path, const std::string& what = "");

// A regular file or a directory whose entries are all regular files or directories (a DICOM
// series folder); InputError naming the offending entry otherwise.
InputPathKind require_input_file_or_directory(const std::string& path, const std::string& what = "");

// The whole of a regular file of at most `max_bytes`, as text. InputError (naming `what` and
// `path`) when it is not a regular file, is larger, cannot be read, or holds a NUL byte (a
// binary file given where text is expected).
std::string read_text_input(const std::string& path, const std::string& what = "",
                            std::size_t max_bytes = kMaxTextInputBytes);

}  // namespace bd
