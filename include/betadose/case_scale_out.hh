// Scale-out of a command's transport run (issue 15; implementation src/case/scale_out.cpp):
// job-array parts (--decay-range BEGIN:END --partial part.h5), checkpoints (--checkpoint FILE,
// --checkpoint-every-s S) and resume (--resume FILE), and the merge of parts. MPI ranks need
// nothing here: the transport splits every batch over the ranks (run_control.hh).
//
// A run's identity (RunIdentity) is its command, the SHA-256 of every input file by option and
// the options that change the result; --resume and the merge refuse a file whose identity
// differs, naming the first difference. The engine adds the case fingerprint (its inputs,
// geometry and physics tables), which is compared as well.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "betadose/case.hh"
#include "betadose/case_engines.hh"
#include "betadose/output_file.hh"
#include "betadose/run_state_file.hh"

namespace CLI {
class App;
}

namespace bd {

struct ScaleOutSettings {
  std::string decay_range;  // BEGIN:END (with partial)
  std::string partial;      // part file to write instead of the dose file
  std::string checkpoint;   // checkpoint file
  double checkpoint_every_s = 300;
  std::string resume;       // checkpoint to continue from
};

// --checkpoint, --checkpoint-every-s, --resume; with `parts` also --decay-range and --partial.
void add_scale_out_options(CLI::App& cmd, ScaleOutSettings& settings, bool parts);

// Syntax and combinations, before any input is read (InputError naming the option);
// `histories` > 0: the run's decays, which --decay-range must lie within.
void check_scale_out_settings(const ScaleOutSettings& settings, double target_uncertainty,
                              std::uint64_t histories = 0);
// Files the settings write (for check_outputs).
std::vector<OutputTarget> scale_out_outputs(const ScaleOutSettings& settings);
// --resume's checkpoint is an input of the run: no output but --checkpoint (which replaces it
// by design) may be it, by path, symlink or hard link. InputError naming both otherwise.
void check_outputs_spare_resume(const ScaleOutSettings& settings, const CaseSpec& spec);
// The same for any command: `outputs` are all it writes (--checkpoint among them is skipped).
void check_outputs_spare_resume(const ScaleOutSettings& settings, const std::vector<OutputTarget>& outputs);

// The identity of a run: SHA-256 of each (option, file) of `inputs` that names an existing
// file or directory (an ROI name is not hashed), and `options` ("name = value" lines).
RunIdentity make_run_identity(const std::string& command,
                              const std::vector<std::pair<std::string, std::string>>& inputs,
                              const std::string& options);
// "" when equal; else the first difference, e.g. "input --ct differs (SHA-256 ab12... vs
// cd34...)" or "option 'seed = 3' vs 'seed = 1'".
std::string identity_difference(const RunIdentity& a, const RunIdentity& b);

// The options of an mc run that change its result ("name = value" lines).
std::string mc_identity_options(const CaseSpec& spec, const McSettings& settings);

// One run's scale-out state, on every rank (only rank 0 reads and writes files). Reading the
// --resume file and comparing its identity happen in the constructor (before the case loads).
class ScaleOut {
 public:
  ScaleOut(ScaleOutSettings settings, RunIdentity identity);
  ScaleOut(const ScaleOut&) = delete;
  ScaleOut& operator=(const ScaleOut&) = delete;

  // The transport's RunControl, bound to this object (which must outlive the run).
  RunControl control();
  bool partial() const { return !settings_.partial.empty(); }
  bool resuming() const { return resumed_ != nullptr; }
  int resumed_batches() const;

  // Rank 0, after a partial mc run: writes the part file (the batches the run handed over,
  // the case's dose file without dose, the scale); returns a line for the user.
  std::string write_mc_part(const DoseCase& dose_case, const DoseResult& result, const McSettings& settings);
  // Rank 0, after the outputs are committed: removes the checkpoint (the run is complete).
  void finished();

 private:
  ScaleOutSettings settings_;
  RunIdentity identity_;
  std::unique_ptr<RunState> resumed_;
  std::vector<BatchTally> batches_;
  int checkpoints_written_ = 0;
};

// `betadose merge`: the dose file one process would have written, from parts that tile the
// run's decays (refusing parts of different cases or options, overlaps and gaps, and edited
// files). `log` receives one line per part.
EngineRun merge_parts(const std::vector<std::string>& part_paths, const CaseLog& log = {});

}  // namespace bd
