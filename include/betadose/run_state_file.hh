// Checkpoints and job-array parts (issue 15; HDF5, implementation src/io/run_state_file_hdf5.cpp).
//
// Checkpoint (filetype "betadose-checkpoint"): the run identity, the batch totals after
// `next_batch` batches exactly as accumulated (doubles), the counters. `--resume` continues
// with the next batch (run_control.hh).
//   attributes: filetype, version, betadose_version, command, options, case_fingerprint,
//     histories, batches, per_batch, seed, device, target_rel_uncertainty, next_batch,
//     histories_done, batches_done, wall_time_s, balance[kBalanceSize], content_sha256
//   inputs ("option<TAB>SHA-256" lines), /sum_MeV, /sum2_MeV2 (float64)
//
// Part (filetype "betadose-part"): one piece --decay-range BEGIN:END of a run, with the
// integer tally of every batch piece it ran and what the merge needs to write the dose file
// exactly as one process would.
//   attributes as a checkpoint's (without the totals) plus range_begin, range_end, tally_bins,
//     transport_wall_time_s
//   /batches/{index,begin,end} uint64[nb], /batches/tally uint64[nb][bins],
//   /batches/balance uint64[nb][kBalanceSize], attribute /batches sha256[nb] (one per batch);
//   /scale (attributes of VoxelRunScale, uncertainty_mask); /case_dose_file uint8[] (the dose
//   file of the case without dose -- grid, activity, phantom, ROIs, provenance -- as written
//   by write_dose_file, so that it round-trips whatever the dose-file contract holds).
//
// Integrity: content_sha256 is the SHA-256 of every attribute and dataset in a fixed order (the
// batch tallies through their own digests); a reader recomputes it and refuses a file that was
// edited or damaged, naming the file. Readers also check that the counters agree (decays
// counted by the kernels = decays in the range, batches inside the layout).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "betadose/dose_file.hh"
#include "betadose/run_control.hh"
#include "betadose/transport.hh"

namespace bd {

inline constexpr const char* kCheckpointFileType = "betadose-checkpoint";
inline constexpr const char* kPartFileType = "betadose-part";
inline constexpr int kRunStateFileVersion = 1;

// What a run was, as the command line saw it (compared by --resume and by the merge).
struct RunIdentity {
  std::string command;  // mc | dpk | vsv
  std::vector<std::pair<std::string, std::string>> inputs;  // option (e.g. "--ct") -> SHA-256
  std::string options;  // "name = value" lines of every option that changes the result
};

struct CheckpointFile {
  RunIdentity identity;
  RunState state;
};

void write_checkpoint_file(const std::string& path, const CheckpointFile& checkpoint);
// InputError naming the file: not a checkpoint, unsupported version, damaged or edited.
CheckpointFile read_checkpoint_file(const std::string& path);

struct PartFile {
  RunIdentity identity;
  RunState header;  // fingerprint, histories, batches, per_batch, seed, device (no totals)
  DecayRange range;
  std::uint64_t tally_bins = 0;
  double transport_wall_s = 0;  // time the part's transport took
  // In batch order. Written with their tallies; read_part_header leaves tallies empty.
  std::vector<BatchTally> batches;
  std::vector<std::string> batch_sha256;  // per batch: digest of its tally and balance
  // mc: the dose file of the case (without dose), the scale and the stop region's ROI name.
  DoseFile case_dose_file;
  VoxelRunScale scale;
  std::string uncertainty_mask;
};

void write_part_file(const std::string& path, const PartFile& part);
// Everything but the batch tallies, with the file's integrity checked.
PartFile read_part_header(const std::string& path);
// Batch i (0-based position in the file) with its tally, checked against its digest.
BatchTally read_part_batch(const std::string& path, const PartFile& header, std::size_t i);

}  // namespace bd
