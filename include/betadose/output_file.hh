// The one output layer: every file betadose writes (HDF5, images, CSV, JSON, PNG, reports)
// goes through it (issue 11).
//
//   StagedOutput out(target, "--out");     // reserves <dir of target>/.betadose-tmp-<host>-<pid>-<n>/
//   write_something(out.path());           // <staging>/<target file name> (+ companions, e.g.
//                                          //  a MetaImage .raw beside its .mhd)
//   out.commit();                          // fsync every staged file, rename each into the
//                                          //  target directory, fsync the directory
//
// Until commit() nothing appears under the target's name: an exception, a destructor without
// commit, or SIGINT/SIGTERM (see interrupt.hh) removes everything that was staged. Staging
// happens in the target's own directory, so the rename never crosses a file system.
// Several outputs of one run are committed together with commit_all() at the very end, so a
// failed or interrupted run never leaves an orphan export beside a missing dose file. Only
// SIGKILL (or a power cut) leaves a staging directory behind; the next output in that directory
// removes those of its host whose process is gone (older than a minute).
//
// Overwrite policy: an existing regular file at an output path is replaced atomically (the old
// file stays intact until the new one is complete); a directory, FIFO, device or socket at an
// output path, or an output that is the same file as an input, is refused before any work.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bd {

class StagedOutput {
 public:
  // `what` names the output in messages (an option such as "--out", or a description).
  // Throws InputError when the target's directory is missing or not writable.
  StagedOutput(std::string target_path, std::string what);
  ~StagedOutput();
  StagedOutput(const StagedOutput&) = delete;
  StagedOutput& operator=(const StagedOutput&) = delete;

  // Where the writer writes: same file name as the target, inside the staging directory.
  const std::string& path() const { return staged_; }
  const std::string& target() const { return target_; }
  const std::string& what() const { return what_; }
  bool committed() const { return committed_; }

  // fsync + rename + directory fsync; InputError (naming the target) on any failure, with
  // the staged files removed. Committing twice is an error.
  void commit();
  // Removes what was staged (also done by the destructor when not committed).
  void discard() noexcept;

 private:
  friend void commit_all(const std::vector<StagedOutput*>& outputs, const std::function<void()>& then);
  void commit_locked();

  std::string target_, what_, staging_dir_, staged_;
  bool committed_ = false;
  int lock_fd_ = -1;  // flock on the staging directory while this process owns it (the sweep's test)
};

// Commits several outputs of one run back to back; a signal that arrives meanwhile is handled
// only after the last rename, so the set is complete or (on an earlier failure) absent.
// `then` runs in the same step (what completes the run with its outputs: removing the
// checkpoint), so a signal never finds the outputs written and the checkpoint still there.
void commit_all(const std::vector<StagedOutput*>& outputs, const std::function<void()>& then = {});

// The outputs of one run, staged one by one and committed together at the end:
//   OutputSet outputs;
//   write_dvh_csv(outputs.stage(o.dvh_csv, "--dvh-csv"), dvh);   // writes into the staging dir
//   write_dose_file(outputs.stage(o.bed_out, "--bed-out"), bed);
//   outputs.commit();                                            // all or nothing
class OutputSet {
 public:
  // Reserves a staged file for `target`; returns the path the writer writes to.
  const std::string& stage(const std::string& target, const std::string& what);
  void commit();
  bool empty() const { return outputs_.empty(); }

 private:
  std::vector<std::unique_ptr<StagedOutput>> outputs_;
};

// Writes `bytes` to `path` through a StagedOutput, checking every write, the close and fsync;
// `committed` runs in the step of the rename (commit_all).
void write_file_atomic(const std::string& path, std::string_view bytes, const std::string& what = "output",
                       const std::function<void()>& committed = {});

// ---- checks before a run (so that a long run never ends in an unwritable output) ----------

struct OutputTarget {
  std::string option;  // e.g. "--out", "--export"
  std::string path;
};

// Refuses (InputError naming the option and path): an empty path; a missing or unwritable
// directory; an existing directory or non-regular file at the path; two outputs that are the
// same file; an output that is the same file as one of `inputs` (device/inode after following
// symlinks, so hard links and symlinks are caught too) or that lies inside an input directory
// (a DICOM series folder); the MetaImage data file of a .mhd output likewise.
void check_outputs(const std::vector<OutputTarget>& outputs, const std::vector<std::string>& inputs);

// The files a writer produces for `path` besides `path` itself (MetaImage .mhd -> .raw/.zraw).
std::vector<std::string> companion_files(const std::string& path);

}  // namespace bd
