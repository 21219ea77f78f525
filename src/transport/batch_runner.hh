// Batch driver shared by the voxel, DPK and VSV runs (private to src/transport).
// Per batch: zero the integer tally, launch this rank's piece of the batch's decays on the CPU
// or the GPU, add the pieces of all ranks (integers, on rank 0), and accumulate the batch
// statistics there (RunTotals::add_batch, include/betadose/run_control.hh, which also explains
// why the result is bitwise the same for any number of ranks, parts or resumes).
#pragma once

#include <array>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "betadose/device_array.hh"
#include "betadose/errors.hh"
#include "betadose/interrupt.hh"
#include "betadose/parallel.hh"
#include "betadose/run_control.hh"
#include "betadose/transport.hh"
#include "kernels/tallies.hh"
#include "kernels/transport_launch.hh"

namespace bd::detail {

using BatchTotals = RunTotals;

struct BatchControl {
  std::uint64_t histories = 0;
  int batches = 10;
  double target_rel_uncertainty = 0;
  std::vector<std::uint8_t> uncertainty_mask;  // over output bins; empty = bins above 50 % max
  std::vector<double> dose_per_energy;         // per output bin (1/mass): ranks bins by dose
                                               // for the 50 % rule (empty: by energy)
  Device device = Device::cpu;
  int threads = 0;
  std::int64_t secondary_queue = -1;  // capacity; -1 = the device's default (transport_launch.hh)
  std::function<void(const TransportProgress&)> progress;
  std::uint64_t seed = 0;        // recorded in checkpoints
  RunControl run;                // ranges, partial tallies, checkpoint, resume
  std::string case_fingerprint;  // the engine's digest of its inputs (when run.make_digest)
};

// Batches before a target uncertainty may stop a run: the batch variance estimate from fewer
// batches is too noisy to trust (relative spread ~ 1/sqrt(2(B-1)) = 35 % at B = 5).
inline constexpr int kMinBatchesForTarget = 5;

inline double mean_rel_uncertainty(const BatchTotals& t, const std::vector<std::uint8_t>& mask,
                                   const std::vector<double>& dose_per_energy = {}) {
  if (t.batches < 2) return -1;
  double sum = 0;
  std::size_t n = 0;
  if (!mask.empty()) {
    for (std::size_t i = 0; i < t.sum_MeV.size(); ++i)
      if (mask[i] && t.sum_MeV[i] > 0) {
        sum += t.rel_uncertainty(i);
        ++n;
      }
  } else {
    auto dose = [&](std::size_t i) {
      return dose_per_energy.empty() ? t.sum_MeV[i] : t.sum_MeV[i] * dose_per_energy[i];
    };
    double mx = 0;
    for (std::size_t i = 0; i < t.sum_MeV.size(); ++i) mx = std::max(mx, dose(i));
    for (std::size_t i = 0; i < t.sum_MeV.size(); ++i)
      if (dose(i) >= 0.5 * mx && t.sum_MeV[i] > 0) {
        sum += t.rel_uncertainty(i);
        ++n;
      }
  }
  return n ? sum / n : -1;
}

// The fingerprint of an engine's inputs: `feed(digest)` adds them (only when a digest
// factory is set, i.e. when checkpoints, parts or ranks need it).
template <class Feed>
std::string case_fingerprint(const RunControl& run, const Feed& feed) {
  if (!run.make_digest) return {};
  std::unique_ptr<Digest> d = run.make_digest();
  feed(*d);
  return d->hex();
}

// Rank 0's checks of the state a run resumes from (the CLI has compared the options already;
// this is the engine's own guard).
inline void check_resume_state(const RunState& s, const BatchLayout& layout, const BatchControl& c) {
  BD_VALIDATE(c.case_fingerprint.empty() || s.case_fingerprint == c.case_fingerprint,
              "--resume: the checkpoint belongs to another case (its inputs, geometry or physics differ; "
              "case fingerprint " << s.case_fingerprint.substr(0, 16) << "... vs this run's "
                                  << c.case_fingerprint.substr(0, 16) << "...)");
  BD_VALIDATE(s.histories == layout.histories && s.per_batch == layout.per_batch &&
                  s.batches_requested == c.batches && s.seed == c.seed &&
                  s.target_rel_uncertainty == c.target_rel_uncertainty && s.device == to_string(c.device),
              "--resume: the checkpoint was made with other run options (histories " << s.histories << ", batches "
                  << s.batches_requested << ", seed " << s.seed << ", device " << s.device << ", target "
                  << s.target_rel_uncertainty << "; this run: " << layout.histories << ", " << c.batches << ", "
                  << c.seed << ", " << to_string(c.device) << ", " << c.target_rel_uncertainty << ")");
  const RunTotals& t = s.totals;
  BD_VALIDATE(s.next_batch >= 0 && s.next_batch <= layout.count && t.batches == s.next_batch &&
                  t.histories == (s.next_batch == layout.count ? layout.histories : layout.begin(s.next_batch)) &&
                  t.sum_MeV.size() == t.sum2_MeV2.size(),
              "--resume: inconsistent checkpoint (" << t.batches << " batches and " << t.histories
                                                    << " decays done, next batch " << s.next_batch << ")");
}

// `make(tally, balance)` returns the history functor with those spans (device memory when
// control.device is cuda, with the rest of its views already on the device). `fold(raw, out)`
// maps the raw tally [MeV] of one batch to the output bins (out is zeroed before). On ranks
// other than 0 the returned totals are empty (rank 0 holds the run's statistics).
template <class History, class Make>
BatchTotals run_batches(const Make& make, std::size_t tally_bins, std::size_t out_bins, const TallyFold& fold,
                        const BatchControl& control) {
  BD_VALIDATE(control.histories > 0, "--histories must be positive");
  BD_VALIDATE(control.batches >= 2, "batches " << control.batches << " must be >= 2 (uncertainties)");
  BD_VALIDATE(control.target_rel_uncertainty >= 0 && control.target_rel_uncertainty < 1,
              "target uncertainty " << control.target_rel_uncertainty << " must be in [0, 1)");
  const BatchLayout layout = BatchLayout::make(control.histories, control.batches);
  const RunControl& run = control.run;
  const bool partial = static_cast<bool>(run.on_batch);
  const DecayRange range = run.range.whole() ? DecayRange{0, layout.histories} : run.range;
  BD_VALIDATE(range.begin < range.end && range.end <= layout.histories,
              "--decay-range " << range.begin << ":" << range.end << " must lie within the run's "
                               << layout.histories << " decays (0:" << layout.histories << ")");
  BD_VALIDATE(partial || run.range.whole(), "--decay-range needs --partial (a part is merged with betadose merge)");
  BD_VALIDATE(!partial || control.target_rel_uncertainty == 0,
              "--target-uncertainty cannot be used for a part (--partial): the stop is decided on the merged "
              "result; give the parts fixed --histories");
  BD_VALIDATE(!partial || (!run.resume && !run.checkpoint),
              "--checkpoint/--resume cannot be used for a part (--partial): rerun a failed part, or split the "
              "run into more, shorter parts");
  const Ranks& comm = ranks();
  const bool root = comm.root();

  // Every rank must run the same case (a node could read another file of the same name).
  if (comm.parallel() && !control.case_fingerprint.empty()) {
    std::string root_fp = control.case_fingerprint;
    comm.broadcast(root_fp);
    int differs = root_fp != control.case_fingerprint;
    comm.max_all(&differs, 1);
    BD_VALIDATE(!differs, "MPI ranks loaded different inputs (their case fingerprints differ): every rank must "
                          "read the same files");
  }

  BatchTotals t;
  t.reset(out_bins);  // zeros on ranks other than 0
  std::uint64_t first = static_cast<std::uint64_t>(layout.batch_of(range.begin));
  std::uint64_t stop_at_resume = 0;
  if (root && run.resume) {
    check_resume_state(*run.resume, layout, control);
    t = run.resume->totals;
    BD_VALIDATE(t.sum_MeV.size() == out_bins, "--resume: the checkpoint has " << t.sum_MeV.size()
                                                                              << " bins, this run " << out_bins);
    first = static_cast<std::uint64_t>(run.resume->next_batch);
    // The uninterrupted run stopped here if its target was reached.
    const double u = mean_rel_uncertainty(t, control.uncertainty_mask, control.dose_per_energy);
    stop_at_resume = control.target_rel_uncertainty > 0 && t.batches >= kMinBatchesForTarget && u >= 0 &&
                     u <= control.target_rel_uncertainty;
  }
  std::uint64_t start_state[2] = {first, stop_at_resume};
  comm.broadcast(start_state, 2);
  first = start_state[0];

  const bool gpu = control.device == Device::cuda;
  std::vector<unsigned long long> tally(tally_bins);
  std::array<unsigned long long, kBalanceSize> balance{};
  DeviceBuffer<unsigned long long> d_tally, d_balance;
  History f;
  if (gpu) {
    d_tally = DeviceBuffer<unsigned long long>(tally_bins);
    d_balance = DeviceBuffer<unsigned long long>(kBalanceSize);
    f = make(d_tally.view(), d_balance.view());
  } else {
    f = make(Span<unsigned long long>(tally.data(), tally.size()),
             Span<unsigned long long>(balance.data(), balance.size()));
  }

  // With a checkpoint writer the first SIGINT/SIGTERM only raises a flag (interrupt.hh).
  std::optional<CooperativeInterrupt> cooperative;
  if (run.checkpoint) cooperative.emplace();
  const auto start = std::chrono::steady_clock::now();
  auto last_checkpoint = start;
  const double wall_before = t.wall_s;
  std::uint64_t part_done = 0;
  auto state_after = [&](int next) {
    RunState s;
    s.case_fingerprint = control.case_fingerprint;
    s.histories = layout.histories;
    s.batches_requested = control.batches;
    s.per_batch = layout.per_batch;
    s.seed = control.seed;
    s.device = to_string(control.device);
    s.target_rel_uncertainty = control.target_rel_uncertainty;
    s.next_batch = next;
    s.totals = t;
    return s;
  };
  for (int b = static_cast<int>(first); !start_state[1] && b < layout.count && layout.begin(b) < range.end; ++b) {
    const std::uint64_t lo = std::max(layout.begin(b), range.begin), hi = std::min(layout.end(b), range.end);
    // This rank's contiguous piece of the batch.
    const auto piece = [&](int r) {
      return lo + static_cast<std::uint64_t>(static_cast<unsigned __int128>(hi - lo) * static_cast<unsigned>(r) /
                                             static_cast<unsigned>(comm.size()));
    };
    const std::uint64_t my_lo = piece(comm.rank()), my_hi = piece(comm.rank() + 1);
    // The functor writes to device memory on the GPU, to `tally`/`balance` on the CPU.
    if (gpu) {
      d_tally.zero();
      d_balance.zero();
    } else {
      std::fill(tally.begin(), tally.end(), 0ull);
      balance.fill(0ull);
    }
    if (my_hi > my_lo) launch_histories(f, my_lo, my_hi, control.device, control.threads, control.secondary_queue);
    if (gpu) {
      tally = d_tally.download();
      const auto bal = d_balance.download();
      std::copy(bal.begin(), bal.end(), balance.begin());
    }
    comm.sum_to_root(tally.data(), tally.size());
    comm.sum_to_root(balance.data(), balance.size());

    int flags[2] = {pending_interrupt_signal(), 0};  // signal (any rank), stop (rank 0)
    if (root) {
      double mean_unc = -1;
      if (partial) {
        run.on_batch(BatchTally{b, lo, hi, tally, balance});
        part_done += hi - lo;
      } else {
        t.add_batch(tally, balance, hi - lo, fold);
        mean_unc = mean_rel_uncertainty(t, control.uncertainty_mask, control.dose_per_energy);
      }
      t.wall_s = wall_before + std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (control.progress) {
        TransportProgress p;
        p.histories_done = partial ? part_done : t.histories;
        p.histories_planned = control.target_rel_uncertainty > 0 ? 0 : (partial ? range.end - range.begin
                                                                                 : control.histories);
        p.elapsed_s = t.wall_s - wall_before;
        p.mean_rel_uncertainty = mean_unc;
        control.progress(p);
      }
      if (control.target_rel_uncertainty > 0 && t.batches >= kMinBatchesForTarget && mean_unc >= 0 &&
          mean_unc <= control.target_rel_uncertainty)
        flags[1] = 1;
    }
    comm.max_all(flags, 2);
    // Also after the last batch when due: a run whose output then fails (disk full) resumes
    // from a complete state and only writes.
    if (root && run.checkpoint) {
      const auto now = std::chrono::steady_clock::now();
      const bool due = std::chrono::duration<double>(now - last_checkpoint).count() >= run.checkpoint_every_s;
      if (flags[0] || due) {
        run.checkpoint(state_after(b + 1));
        last_checkpoint = std::chrono::steady_clock::now();
      }
    }
    if (flags[0]) {
      comm.barrier();  // rank 0's checkpoint is complete before any rank leaves
      const char* name = flags[0] == SIGINT ? "SIGINT" : "SIGTERM";
      throw Interrupted(flags[0], detail::concat("interrupted (", name, ") after batch ", b + 1, " of ", layout.count,
                                                 ": checkpoint written to ", run.checkpoint_name,
                                                 "; continue with the same command and --resume ",
                                                 run.checkpoint_name));
    }
    if (flags[1]) break;
  }
  return t;
}

}  // namespace bd::detail
