// How a transport run is split, reduced, interrupted and resumed (issue 15; implementation:
// src/transport/run_control.cpp and the batch driver src/transport/batch_runner.hh).
//
// Exactness. A decay's history depends only on (seed, decay index) (Philox keyed by history),
// and a batch tally is a sum of 64-bit integers, which is associative. Batches are defined
// globally by decay index, whoever runs them:
//   per_batch = ceil(N / B) (at most kMaxBatchHistories),  batch b = decays
//   [b·per_batch, min((b+1)·per_batch, N)).
// Any split of a batch's decays (MPI ranks, CPU threads, job-array parts) gives the same
// integer batch tally once the pieces are added. The batch statistics (sum x_b, sum x_b²/N_b
// in double) are then accumulated from the complete integer batch tallies, by one process,
// in batch order (RunTotals::add_batch) -- the same operations in the same order as a
// single process performs, so the result is bitwise identical:
//   - MPI: every batch is split into K contiguous pieces; rank 0 receives the summed tally
//     (MPI_Reduce of integers) and accumulates; decisions (target uncertainty reached, a
//     signal arrived) are made on rank 0's totals and shared with every rank.
//   - job arrays: a part --decay-range BEGIN:END (any BEGIN < END <= N) stores, for every
//     batch it touches, the integer tally of its piece of that batch (BatchTally); the merge
//     adds the pieces of each batch (they must tile the batch exactly) and accumulates the
//     batches in order. Storing pieces rather than per-part statistics is what makes the
//     merge exact for ranges that do not fall on batch boundaries (a double sum over a
//     part's batches could not be re-associated bit for bit).
//   - checkpoint: the totals after batch b (doubles, exactly as accumulated) and b; a resumed
//     run continues with batch b+1.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernels/tallies.hh"

namespace bd {

// Largest batch: keeps every 64-bit tally counter below 2^64 units even if all decays put
// their whole energy (<= 3 MeV) in one bin: 1e9 * 3 MeV = 3e18 units < 1.8e19.
inline constexpr std::uint64_t kMaxBatchHistories = 1000000000ull;

// The global batch layout of a run of `histories` decays in `batches` batches.
struct BatchLayout {
  std::uint64_t histories = 0;
  std::uint64_t per_batch = 0;
  int count = 0;  // number of batches (more than requested when per_batch hits the cap)

  static BatchLayout make(std::uint64_t histories, int batches);
  std::uint64_t begin(int b) const { return static_cast<std::uint64_t>(b) * per_batch; }
  std::uint64_t end(int b) const {
    const std::uint64_t e = begin(b) + per_batch;
    return e < histories ? e : histories;
  }
  int batch_of(std::uint64_t decay) const { return static_cast<int>(decay / per_batch); }
};

// Decays [begin, end) of the run; end == 0 means "to the last decay".
struct DecayRange {
  std::uint64_t begin = 0, end = 0;
  bool whole() const { return begin == 0 && end == 0; }
};
// A whole number of decays ("2e7" style accepted); InputError naming `option` otherwise.
std::uint64_t parse_decay_count(const std::string& text, const std::string& option, bool allow_zero = false);
// "BEGIN:END" (whole numbers, 1e6 style accepted, BEGIN < END); InputError naming `option`.
DecayRange parse_decay_range(const std::string& text, const std::string& option = "--decay-range");

// The integer tally of decays [begin, end) of batch `batch` (summed over ranks/threads).
struct BatchTally {
  int batch = 0;
  std::uint64_t begin = 0, end = 0;
  std::vector<unsigned long long> tally;                 // raw bins, kTallyQuantum_MeV units
  std::array<unsigned long long, kBalanceSize> balance{};
};

// Maps a batch's raw tally [MeV] to output bins (`out` zeroed before); empty = identity.
using TallyFold = std::function<void(const std::vector<double>& raw, std::vector<double>& out)>;

// Batch statistics (OpenMC Tally::accumulate style: never square single deposits). With
// N = Σ N_b and m = Σ x_b / N the per-decay variance estimate is
//   s² = (Σ x_b²/N_b − N m²) / (B − 1),   var(m) = s² / N,
// which for equal batches is the usual batch-means estimator.
struct RunTotals {
  std::vector<double> sum_MeV;      // per output bin, Σ x_b
  std::vector<double> sum2_MeV2;    // per output bin, Σ x_b² / N_b
  std::array<double, kBalanceSize> balance{};  // energies [MeV], counts
  std::uint64_t histories = 0;
  int batches = 0;
  double wall_s = 0;

  void reset(std::size_t out_bins);
  // Adds one complete batch of n decays: the only place batch statistics are formed (the
  // driver, the resume and the merge all come here, so all give the same bits).
  void add_batch(const std::vector<unsigned long long>& tally,
                 const std::array<unsigned long long, kBalanceSize>& balance, std::uint64_t n,
                 const TallyFold& fold = {});

  double mean_per_decay(std::size_t i) const { return histories ? sum_MeV[i] / histories : 0.0; }
  // Relative standard uncertainty of mean_per_decay(i) (0 when no energy; -1 with < 2 batches).
  double rel_uncertainty(std::size_t i) const;
};

// A run that can continue: the totals after `next_batch` batches, and what the run was.
struct RunState {
  std::string case_fingerprint;  // digest of the engine's inputs (see RunControl)
  std::uint64_t histories = 0;   // the run's N
  int batches_requested = 0;     // its B
  std::uint64_t per_batch = 0;
  std::uint64_t seed = 0;
  std::string device;
  double target_rel_uncertainty = 0;
  int next_batch = 0;
  RunTotals totals;
};

// A running digest (SHA-256 in the IO layer, include/betadose/checksum.hh); the engines feed
// it their inputs so that checkpoints and parts of different cases can be told apart.
class Digest {
 public:
  virtual ~Digest() = default;
  virtual void update(const void* data, std::size_t bytes) = 0;
  virtual std::string hex() = 0;  // finishes the digest
};

// Scale-out settings of one transport run (TransportOptions::run, KernelRunOptions::run).
// All callbacks are invoked on rank 0 only.
struct RunControl {
  DecayRange range;  // partial runs: the decays this run takes
  // Partial run: each reduced batch piece goes to on_batch instead of being accumulated
  // (a target uncertainty is then refused: it is decided on the merged result).
  std::function<void(BatchTally&&)> on_batch;
  // Digest factory; without it no fingerprint is formed (the core tests, a bare engine).
  std::function<std::unique_ptr<Digest>()> make_digest;
  // Rank 0: continue from this state (its fingerprint and options are checked first).
  const RunState* resume = nullptr;
  // Checkpoint writer: called at batch boundaries when checkpoint_every_s have passed since
  // the last one (0: after every batch), and after the batch in which SIGINT/SIGTERM arrived
  // (the run then throws Interrupted). Without it a signal ends the run at once (interrupt.hh).
  std::function<void(const RunState&)> checkpoint;
  double checkpoint_every_s = 300;
  std::string checkpoint_name;  // for messages ("--checkpoint ck.h5")
};

}  // namespace bd
