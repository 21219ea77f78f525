// Parts, checkpoints, resume and the merge (include/betadose/case_scale_out.hh).
#include "betadose/case_scale_out.hh"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

#include "betadose/case_output.hh"
#include "betadose/checksum.hh"
#include "betadose/errors.hh"
#include "betadose/parallel.hh"

namespace bd {
namespace {

namespace fs = std::filesystem;

bool h5_name(const std::string& path) {
  auto ends = [&](const char* suffix) {
    const std::string s(suffix);
    return path.size() > s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
  };
  return ends(".h5") || ends(".hdf5");
}

std::string exact(double v) {
  std::ostringstream os;
  os << std::setprecision(17) << v;
  return os.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string short_sha(const std::string& h) { return h.size() > 12 ? h.substr(0, 12) + "..." : h; }

}  // namespace

void add_scale_out_options(CLI::App& cmd, ScaleOutSettings& s, bool parts) {
  auto* g = "Scale-out (MPI: run under mpirun -n K; job arrays; checkpoints)";
  if (parts) {
    cmd.add_option("--decay-range", s.decay_range,
                   "Job-array part: simulate only decays BEGIN:END of the run (0 <= BEGIN < END <= --histories; "
                   "1e6 style accepted); needs --partial")->group(g);
    cmd.add_option("--partial", s.partial,
                   "Write this part's integer batch tallies to FILE.h5 instead of the dose file; combine the parts "
                   "with betadose merge")->group(g);
  }
  cmd.add_option("--checkpoint", s.checkpoint,
                 "Write the run's state to FILE.h5 at batch boundaries (atomically) and on SIGINT/SIGTERM, which "
                 "then end the run after the current batch (exit 130/143); removed when the run completes")->group(g);
  cmd.add_option("--checkpoint-every-s", s.checkpoint_every_s,
                 "At most one checkpoint per this many seconds (0: after every batch)")->capture_default_str()->group(g);
  cmd.add_option("--resume", s.resume,
                 "Continue the run saved in this checkpoint (same command and inputs); the result is bitwise the "
                 "one of an uninterrupted run")->group(g);
}

void check_scale_out_settings(const ScaleOutSettings& s, double target_uncertainty, std::uint64_t histories) {
  BD_VALIDATE(s.partial.empty() == s.decay_range.empty(),
              (s.partial.empty() ? "--decay-range needs --partial FILE.h5 (where the part's tallies go)"
                                 : "--partial needs --decay-range BEGIN:END (the decays of this part)"));
  if (!s.decay_range.empty()) {
    const DecayRange r = parse_decay_range(s.decay_range);
    BD_VALIDATE(histories == 0 || r.end <= histories, "--decay-range " << s.decay_range
                                                                      << " must lie within the run's " << histories
                                                                      << " decays (0:" << histories << ")");
  }
  BD_VALIDATE(s.partial.empty() || h5_name(s.partial), "--partial " << s.partial << ": the part file must end in .h5");
  BD_VALIDATE(s.checkpoint.empty() || h5_name(s.checkpoint),
              "--checkpoint " << s.checkpoint << ": the checkpoint must end in .h5");
  BD_VALIDATE(s.partial.empty() || (s.checkpoint.empty() && s.resume.empty()),
              "--partial cannot be combined with --checkpoint/--resume: rerun a failed part, or split the run into "
              "more, shorter parts");
  BD_VALIDATE(s.partial.empty() || target_uncertainty == 0,
              "--partial cannot be combined with --target-uncertainty: the stop is decided on the merged result; "
              "give the parts fixed --histories");
  BD_VALIDATE(std::isfinite(s.checkpoint_every_s) && s.checkpoint_every_s >= 0,
              "--checkpoint-every-s must be a number of seconds >= 0, got " << s.checkpoint_every_s);
}

std::vector<OutputTarget> scale_out_outputs(const ScaleOutSettings& s) {
  std::vector<OutputTarget> out;
  if (!s.partial.empty()) out.push_back({"--partial", s.partial});
  if (!s.checkpoint.empty()) out.push_back({"--checkpoint", s.checkpoint});
  return out;
}

void check_outputs_spare_resume(const ScaleOutSettings& s, const std::vector<OutputTarget>& outputs) {
  if (s.resume.empty()) return;
  std::vector<OutputTarget> out;
  for (const auto& o : outputs)
    if (o.option != "--checkpoint") out.push_back(o);
  check_outputs(out, {s.resume});
}

void check_outputs_spare_resume(const ScaleOutSettings& s, const CaseSpec& spec) {
  std::vector<OutputTarget> out = scale_out_outputs(s);
  for (const auto& o : case_output_targets(spec))
    if (s.partial.empty() || o.option != "--out") out.push_back(o);  // a part writes no dose file
  check_outputs_spare_resume(s, out);
}

RunIdentity make_run_identity(const std::string& command, const std::vector<std::pair<std::string, std::string>>& inputs,
                              const std::string& options) {
  RunIdentity id;
  id.command = command;
  id.options = options;
  // Only rank 0 compares and writes identities: the others skip reading every input again.
  if (!ranks().root()) return id;
  for (const auto& [option, path] : inputs) {
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;  // an ROI name (--activity-mask liver)
    id.inputs.emplace_back(option, sha256_of_path(path));
  }
  return id;
}

std::string identity_difference(const RunIdentity& a, const RunIdentity& b) {
  if (a.command != b.command) return "command '" + a.command + "' vs '" + b.command + "'";
  std::map<std::string, std::string> ia(a.inputs.begin(), a.inputs.end()), ib(b.inputs.begin(), b.inputs.end());
  for (const auto& [option, sha] : ia) {
    const auto it = ib.find(option);
    if (it == ib.end()) return "input " + option + " only in the first";
    if (it->second != sha) return "input " + option + " differs (SHA-256 " + short_sha(sha) + " vs " + short_sha(it->second) + ")";
  }
  for (const auto& [option, sha] : ib)
    if (!ia.count(option)) return "input " + option + " only in the second";
  const auto la = lines_of(a.options), lb = lines_of(b.options);
  for (std::size_t i = 0; i < std::max(la.size(), lb.size()); ++i) {
    const std::string x = i < la.size() ? la[i] : "(none)", y = i < lb.size() ? lb[i] : "(none)";
    if (x != y) return "option '" + x + "' vs '" + y + "'";
  }
  return "";
}

std::string mc_identity_options(const CaseSpec& c, const McSettings& s) {
  std::ostringstream os;
  auto ref = [](const std::string& r) {
    std::error_code ec;
    return fs::exists(r, ec) ? std::string("(a file: see its checksum)") : r;
  };
  os << "geometry = " << (!c.ct.empty() ? "ct" : !c.labels.empty() ? "labels" : "uniform " + c.uniform) << "\n"
     << "activity_units = " << c.activity_units << "\n"
     << "total_activity_gbq = " << exact(c.total_activity_gbq) << "\n"
     << "activity_mask = " << ref(c.activity_mask) << "\n"
     << "lung_shunt = " << exact(c.lung_shunt) << "\n"
     << "lung_mask = " << ref(c.lung_mask) << "\n"
     << "lung_shunt_mode = " << c.lung_shunt_mode << "\n"
     << "clamp_negative = " << c.clamp_negative << "\n"
     << "allow_lossy_activity = " << c.allow_lossy_activity << "\n"
     << "nuclide = " << c.nuclide << "\n"
     << "outside_geometry = " << c.outside_geometry << "\n"
     << "voxel_mm = " << c.voxel_mm << "\n";
  for (const auto& m : c.rois.masks) {
    // NAME and :LABEL matter; the file is covered by its checksum.
    const auto eq = m.find('=');
    const auto colon = m.rfind(':');
    std::string label;
    if (colon != std::string::npos && colon > eq && colon + 1 < m.size() &&
        m.find_first_not_of("-0123456789", colon + 1) == std::string::npos)
      label = m.substr(colon);
    os << "mask = " << m.substr(0, eq) << label << "\n";
  }
  os << "histories = " << parse_decay_count(s.histories, "--histories") << "\n"
     << "batches = " << s.batches << "\n"
     << "seed = " << s.seed << "\n"
     << "device = " << to_string(parse_device(s.device)) << "\n"
     << "target_uncertainty = " << exact(s.target_uncertainty) << "\n"
     << "uncertainty_mask = " << s.uncertainty_mask << "\n"
     << "source_sampling = " << s.source_sampling << "\n";
  return os.str();
}

ScaleOut::ScaleOut(ScaleOutSettings settings, RunIdentity identity)
    : settings_(std::move(settings)), identity_(std::move(identity)) {
  if (settings_.resume.empty() || !ranks().root()) return;
  CheckpointFile c;
  try {
    c = read_checkpoint_file(settings_.resume);
  } catch (const InputError& e) {
    throw InputError(std::string("--resume: ") + e.what());
  }
  const std::string diff = identity_difference(c.identity, identity_);
  BD_VALIDATE(diff.empty(), "--resume " << settings_.resume << ": the checkpoint is of another run (" << diff
                                        << "); resume with the command and inputs that made it");
  resumed_ = std::make_unique<RunState>(std::move(c.state));
}

int ScaleOut::resumed_batches() const { return resumed_ ? resumed_->next_batch : 0; }

RunControl ScaleOut::control() {
  RunControl c;
  const bool files = !settings_.partial.empty() || !settings_.checkpoint.empty() || !settings_.resume.empty();
  if (files || ranks().parallel()) c.make_digest = [] { return make_sha256(); };
  if (partial()) {
    c.range = parse_decay_range(settings_.decay_range);
    c.on_batch = [this](BatchTally&& b) { batches_.push_back(std::move(b)); };
  }
  if (!settings_.checkpoint.empty()) {
    // Set on every rank (it opens the cooperative interrupt scope there); called on rank 0.
    c.checkpoint = [this](const RunState& s) {
      write_checkpoint_file(settings_.checkpoint, CheckpointFile{identity_, s});
      ++checkpoints_written_;
    };
    c.checkpoint_every_s = settings_.checkpoint_every_s;
    c.checkpoint_name = settings_.checkpoint;
  }
  c.resume = resumed_.get();
  return c;
}

std::string ScaleOut::write_mc_part(const DoseCase& dc, const DoseResult& result, const McSettings& s) {
  PartFile p;
  p.identity = identity_;
  const std::uint64_t n = parse_decay_count(s.histories, "--histories");
  const BatchLayout layout = BatchLayout::make(n, s.batches);
  p.header.case_fingerprint = result.case_fingerprint;
  p.header.histories = n;
  p.header.batches_requested = s.batches;
  p.header.per_batch = layout.per_batch;
  p.header.seed = s.seed;
  p.header.device = result.scale.device;
  p.range = parse_decay_range(settings_.decay_range);
  p.tally_bins = dc.grid.voxel_count();
  p.transport_wall_s = result.wall_time_s;
  p.batches = std::move(batches_);
  p.case_dose_file = mc_case_dose_file(dc, result);
  p.case_dose_file.dose_gy.assign(p.tally_bins, 0.0f);
  p.scale = result.scale;
  if (!s.uncertainty_mask.empty()) {
    mc_stop_region(dc.rois, s.uncertainty_mask);
    p.uncertainty_mask = dc.rois.name_of(s.uncertainty_mask);
  }
  const std::size_t pieces = p.batches.size();
  write_part_file(settings_.partial, p);
  return "wrote     part " + settings_.partial + ": decays " + std::to_string(p.range.begin) + ":" +
         std::to_string(p.range.end) + " of " + std::to_string(n) + " (" + std::to_string(pieces) +
         " batch piece(s) of " + std::to_string(layout.per_batch) + " decays per batch); combine with betadose merge";
}

void ScaleOut::finished() {
  if (settings_.checkpoint.empty() || !ranks().root()) return;
  std::error_code ec;
  fs::remove(settings_.checkpoint, ec);
}

// ---- merge ---------------------------------------------------------------------------------

EngineRun merge_parts(const std::vector<std::string>& paths, const CaseLog& log) {
  BD_VALIDATE(!paths.empty(), "betadose merge: no part files given");
  std::vector<PartFile> parts;
  for (const auto& p : paths) parts.push_back(read_part_header(p));
  const PartFile& first = parts[0];
  BD_VALIDATE(first.identity.command == "mc",
              paths[0] << ": a part of '" << first.identity.command << "' (betadose merge combines mc parts)");
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const PartFile& p = parts[i];
    std::string diff = identity_difference(first.identity, p.identity);
    if (diff.empty() && p.header.case_fingerprint != first.header.case_fingerprint)
      diff = "case fingerprint " + short_sha(first.header.case_fingerprint) + " vs " +
             short_sha(p.header.case_fingerprint) + " (geometry, source or physics tables differ)";
    if (diff.empty() && (p.header.histories != first.header.histories || p.header.per_batch != first.header.per_batch ||
                         p.header.batches_requested != first.header.batches_requested ||
                         p.header.seed != first.header.seed || p.header.device != first.header.device ||
                         p.tally_bins != first.tally_bins))
      diff = "run settings (histories, batches, seed, device or grid) differ";
    BD_VALIDATE(diff.empty(), "betadose merge: " << paths[i] << " is not a part of the same run as " << paths[0]
                                                 << ": " << diff);
  }
  // The ranges must tile [0, N): sorted by BEGIN, each starts where the previous ended.
  std::vector<std::size_t> order(parts.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return parts[a].range.begin < parts[b].range.begin;
  });
  const std::uint64_t total = first.header.histories;
  std::uint64_t covered = 0;
  std::string covered_by = "the start of the run";
  for (std::size_t i : order) {
    const PartFile& p = parts[i];
    const std::string r = std::to_string(p.range.begin) + ":" + std::to_string(p.range.end);
    BD_VALIDATE(p.range.begin >= covered, "betadose merge: " << paths[i] << " (decays " << r << ") overlaps "
                                                             << covered_by << " (which ends at decay " << covered << ")");
    BD_VALIDATE(p.range.begin == covered, "betadose merge: decays " << covered << ":" << p.range.begin
                                                                    << " are missing (no part holds them; next part "
                                                                    << paths[i] << " starts at " << p.range.begin << ")");
    covered = p.range.end;
    covered_by = paths[i] + " (decays " + r + ")";
    if (log) log("part      " + paths[i] + ": decays " + r + ", " + std::to_string(p.batches.size()) + " batch piece(s)");
  }
  BD_VALIDATE(covered == total, "betadose merge: decays " << covered << ":" << total
                                                          << " are missing (the parts end at " << covered << " of "
                                                          << total << ")");

  // Batch by batch: add the pieces (integers), then accumulate as one process does.
  const BatchLayout layout = BatchLayout::make(total, first.header.batches_requested);
  RunTotals t;
  t.reset(first.tally_bins);
  std::vector<std::size_t> cursor(parts.size(), 0);
  std::size_t next_part = 0;  // position in `order` of the first part not yet exhausted
  for (int b = 0; b < layout.count; ++b) {
    std::vector<unsigned long long> tally(first.tally_bins, 0ull);
    std::array<unsigned long long, kBalanceSize> balance{};
    std::uint64_t at = layout.begin(b);
    while (at < layout.end(b)) {
      const std::size_t i = order[next_part];
      BatchTally piece = read_part_batch(paths[i], parts[i], cursor[i]);
      BD_VALIDATE(piece.batch == b && piece.begin == at, paths[i] << ": batch piece " << piece.batch << " ("
                                                                  << piece.begin << ":" << piece.end
                                                                  << ") where batch " << b << " continues at " << at);
      for (std::size_t v = 0; v < tally.size(); ++v) tally[v] += piece.tally[v];
      for (int k = 0; k < kBalanceSize; ++k) balance[k] += piece.balance[k];
      at = piece.end;
      if (++cursor[i] == parts[i].batches.size()) ++next_part;
    }
    t.add_batch(tally, balance, layout.end(b) - layout.begin(b));
  }
  for (const auto& p : parts) t.wall_s += p.transport_wall_s;

  const DoseFile& skel = first.case_dose_file;
  const DoseResult result = finish_voxel_run(t, skel.grid, skel.density_g_cm3, first.scale);
  McReport report;
  report.device = first.scale.device;
  if (!first.uncertainty_mask.empty()) {
    const auto it = skel.roi.find(first.uncertainty_mask);
    BD_VALIDATE(it != skel.roi.end(), paths[0] << ": the stop region '" << first.uncertainty_mask
                                               << "' is not among its ROIs");
    report.stop_region = &it->second;
    report.stop_region_name = first.uncertainty_mask;
  }
  EngineRun run = mc_engine_run(skel, result, report);
  run.lines.insert(run.lines.begin(), "merged    " + std::to_string(parts.size()) + " part(s), " +
                                          std::to_string(layout.count) + " batches of " +
                                          std::to_string(layout.per_batch) + " decays");
  return run;
}

}  // namespace bd
