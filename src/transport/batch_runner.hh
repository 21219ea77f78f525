// Batch driver shared by the voxel, DPK and VSV runs (private to src/transport).
// Per batch: zero the integer tally, launch histories [i0, i1) on the CPU or the GPU, convert
// the tally to MeV (double), optionally fold bins (symmetry), add x_b and x_b²/N_b into
// sum / sum2 (OpenMC Tally::accumulate style: never square single deposits). With N = Σ N_b
// and m = Σ x_b / N the per-decay variance estimate is
//   s² = (Σ x_b²/N_b − N m²) / (B − 1),   var(m) = s² / N,
// which for equal batches is the usual batch-means estimator.
#pragma once

#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "betadose/device_array.hh"
#include "betadose/errors.hh"
#include "betadose/transport.hh"
#include "kernels/tallies.hh"
#include "kernels/transport_launch.hh"

namespace bd::detail {

struct BatchTotals {
  std::vector<double> sum_MeV;      // per output bin, Σ x_b
  std::vector<double> sum2_MeV2;    // per output bin, Σ x_b² / N_b
  std::array<double, kBalanceSize> balance{};  // energies [MeV], counts
  std::uint64_t histories = 0;
  int batches = 0;
  double wall_s = 0;

  double mean_per_decay(std::size_t i) const { return histories ? sum_MeV[i] / histories : 0.0; }
  // Relative standard uncertainty of mean_per_decay(i) (0 when no energy; -1 with < 2 batches).
  double rel_uncertainty(std::size_t i) const {
    if (batches < 2) return -1.0;
    const double n = static_cast<double>(histories);
    const double m = sum_MeV[i] / n;
    if (m <= 0) return 0.0;
    const double s2 = std::max(0.0, (sum2_MeV2[i] - n * m * m) / (batches - 1));
    return std::sqrt(s2 / n) / m;
  }
};

struct BatchControl {
  std::uint64_t histories = 0;
  int batches = 10;
  double target_rel_uncertainty = 0;
  std::vector<std::uint8_t> uncertainty_mask;  // over output bins; empty = bins above 50 % max
  std::vector<double> dose_per_energy;         // per output bin (1/mass): ranks bins by dose
                                               // for the 50 % rule (empty: by energy)
  Device device = Device::cpu;
  int threads = 0;
  std::function<void(const TransportProgress&)> progress;
};

// Largest batch: keeps every 64-bit tally counter below 2^64 units even if all decays put
// their whole energy (<= 3 MeV) in one bin: 1e9 * 3 MeV = 3e18 units < 1.8e19.
inline constexpr std::uint64_t kMaxBatchHistories = 1000000000ull;

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

// `make(tally, balance)` returns the history functor with those spans (device memory when
// control.device is cuda, with the rest of its views already on the device). `fold(raw, out)`
// maps the raw tally [MeV] of one batch to the output bins (out is zeroed before).
template <class History, class Make>
BatchTotals run_batches(const Make& make, std::size_t tally_bins, std::size_t out_bins,
                        const std::function<void(const std::vector<double>&, std::vector<double>&)>& fold,
                        const BatchControl& control) {
  BD_VALIDATE(control.histories > 0, "--histories must be positive");
  BD_VALIDATE(control.batches >= 2, "batches " << control.batches << " must be >= 2 (uncertainties)");
  BD_VALIDATE(control.target_rel_uncertainty >= 0 && control.target_rel_uncertainty < 1,
              "target uncertainty " << control.target_rel_uncertainty << " must be in [0, 1)");
  const bool gpu = control.device == Device::cuda;
  const std::uint64_t per_batch_raw =
      (control.histories + static_cast<std::uint64_t>(control.batches) - 1) / control.batches;
  const std::uint64_t per_batch = std::min(std::max<std::uint64_t>(per_batch_raw, 1), kMaxBatchHistories);

  std::vector<unsigned long long> tally(tally_bins), balance(kBalanceSize);
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

  BatchTotals t;
  t.sum_MeV.assign(out_bins, 0.0);
  t.sum2_MeV2.assign(out_bins, 0.0);
  std::vector<double> raw(tally_bins), out(fold ? out_bins : 0);
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t done = 0;
  while (done < control.histories) {
    const std::uint64_t n = std::min(per_batch, control.histories - done);
    if (gpu) {
      d_tally.zero();
      d_balance.zero();
      launch_histories(f, done, done + n, control.device, control.threads);
      tally = d_tally.download();
      balance = d_balance.download();
    } else {
      std::fill(tally.begin(), tally.end(), 0ull);
      std::fill(balance.begin(), balance.end(), 0ull);
      launch_histories(f, done, done + n, control.device, control.threads);
    }
    for (std::size_t i = 0; i < tally_bins; ++i) raw[i] = static_cast<double>(tally[i]) * kTallyQuantum_MeV;
    if (fold) {
      std::fill(out.begin(), out.end(), 0.0);
      fold(raw, out);
    }
    const std::vector<double>& x = fold ? out : raw;
    const double inv_n = 1.0 / static_cast<double>(n);
    for (std::size_t i = 0; i < out_bins; ++i) {
      if (x[i] == 0.0) continue;
      t.sum_MeV[i] += x[i];
      t.sum2_MeV2[i] += x[i] * x[i] * inv_n;
    }
    for (int k = 0; k < kBalanceSize; ++k) {
      const bool energy = k <= kRangeRejected;
      t.balance[k] += static_cast<double>(balance[k]) * (energy ? kTallyQuantum_MeV : 1.0);
    }
    done += n;
    t.histories = done;
    ++t.batches;
    t.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double mean_unc = mean_rel_uncertainty(t, control.uncertainty_mask, control.dose_per_energy);
    if (control.progress) {
      TransportProgress p;
      p.histories_done = done;
      p.histories_planned = control.target_rel_uncertainty > 0 ? 0 : control.histories;
      p.elapsed_s = t.wall_s;
      p.mean_rel_uncertainty = mean_unc;
      control.progress(p);
    }
    if (control.target_rel_uncertainty > 0 && t.batches >= kMinBatchesForTarget && mean_unc >= 0 &&
        mean_unc <= control.target_rel_uncertainty)
      break;
  }
  return t;
}

}  // namespace bd::detail
