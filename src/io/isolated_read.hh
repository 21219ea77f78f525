// Reading a file through a library that can crash on crafted input (libhdf5 1.10.8 of Debian 12
// dereferences freed or wild pointers on some damaged attribute tables: H5A__close,
// H5Aexists; CVE-2020-10810/-10811 are of this class; GDCM 3.0, built with assertions, aborts
// on some damaged DICOM file meta groups; validation/RELIABILITY.md). betadose cannot check
// those libraries' internal structures before they walk them, so the whole read is
// first rehearsed in a child process (fork): a crash, a hang or an abort there becomes a clear
// InputError (exit 2) naming the file, and the parent only reads a file the library has
// already read to the end without harm. Private to src/io.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace bd::io {

// Runs `read` in a child process first, then, if the child finished, in this process.
// `what` names the kind of file for the messages ("dose file", "checkpoint", ...), `library`
// the library that reads it ("HDF5", "GDCM").
// Throws InputError when the child threw one (its message), was killed by a signal, exited
// abnormally, or ran past the time limit (`time_limit_s`; 0: 60 s plus 10 s per 100 MB of
// file, or of the files of a directory, or $BETADOSE_READ_TIME_LIMIT_S when that is shorter).
// Calls nested inside `read` run directly (they are already inside a rehearsed read). Where pipe() or fork() fails (descriptor or process
// limits), the read runs in this process only, with a note on stderr.
void read_isolated(const std::string& path, const std::string& what, const std::string& library,
                   const std::function<void()>& read, double time_limit_s = 0);

// As read_isolated, returning what `read` returns.
template <class T, class Read>
T read_isolated_value(const std::string& path, const std::string& what, const std::string& library, const Read& read) {
  T out{};
  // In the child this assigns the child's copy of `out`, which dies with it.
  read_isolated(path, what, library, [&] { out = read(); });
  return out;
}

}  // namespace bd::io
