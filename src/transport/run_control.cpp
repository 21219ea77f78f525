// Batch layout, decay ranges and batch statistics (include/betadose/run_control.hh).
#include "betadose/run_control.hh"

#include <algorithm>
#include <cmath>

#include "betadose/errors.hh"

namespace bd {

BatchLayout BatchLayout::make(std::uint64_t histories, int batches) {
  BD_VALIDATE(histories > 0, "--histories must be positive");
  BD_VALIDATE(batches >= 2, "batches " << batches << " must be >= 2 (uncertainties)");
  BatchLayout l;
  l.histories = histories;
  const std::uint64_t raw = (histories + static_cast<std::uint64_t>(batches) - 1) / batches;
  l.per_batch = std::min(std::max<std::uint64_t>(raw, 1), kMaxBatchHistories);
  const std::uint64_t count = (histories + l.per_batch - 1) / l.per_batch;
  BD_VALIDATE(count < (1ull << 31), "--histories " << histories << " needs " << count << " batches (too many)");
  l.count = static_cast<int>(count);
  return l;
}

std::uint64_t parse_decay_count(const std::string& text, const std::string& option, bool allow_zero) {
  std::size_t used = 0;
  double h = 0;
  try {
    h = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  BD_VALIDATE(!text.empty() && used == text.size() && std::isfinite(h) && h >= (allow_zero ? 0 : 1) && h < 1.8e19 &&
                  std::floor(h) == h,
              option << ": '" << text << "' is not a " << (allow_zero ? "" : "positive ")
                     << "whole number of decays (e.g. 2e7)");
  // Above 2^53 doubles skip integers: read those digits exactly.
  if (h >= 9.007199254740992e15 && text.find_first_not_of("0123456789") == std::string::npos)
    return std::stoull(text);
  return static_cast<std::uint64_t>(h);
}

DecayRange parse_decay_range(const std::string& text, const std::string& option) {
  const auto colon = text.find(':');
  BD_VALIDATE(colon != std::string::npos && text.find(':', colon + 1) == std::string::npos,
              option << ": '" << text << "' is not BEGIN:END (decay indices, e.g. 0:5e6)");
  DecayRange r;
  r.begin = parse_decay_count(text.substr(0, colon), option + " BEGIN", true);
  r.end = parse_decay_count(text.substr(colon + 1), option + " END", false);
  BD_VALIDATE(r.begin < r.end, option << ": BEGIN " << r.begin << " must be below END " << r.end);
  return r;
}

void RunTotals::reset(std::size_t out_bins) {
  sum_MeV.assign(out_bins, 0.0);
  sum2_MeV2.assign(out_bins, 0.0);
  balance.fill(0.0);
  histories = 0;
  batches = 0;
  wall_s = 0;
}

void RunTotals::add_batch(const std::vector<unsigned long long>& tally,
                          const std::array<unsigned long long, kBalanceSize>& batch_balance, std::uint64_t n,
                          const TallyFold& fold) {
  const double inv_n = 1.0 / static_cast<double>(n);
  auto add = [&](std::size_t i, double x) {
    if (x == 0.0) return;
    sum_MeV[i] += x;
    sum2_MeV2[i] += x * x * inv_n;
  };
  if (fold) {
    std::vector<double> raw(tally.size()), out(sum_MeV.size(), 0.0);
    for (std::size_t i = 0; i < tally.size(); ++i) raw[i] = static_cast<double>(tally[i]) * kTallyQuantum_MeV;
    fold(raw, out);
    for (std::size_t i = 0; i < out.size(); ++i) add(i, out[i]);
  } else {
    BD_VALIDATE(tally.size() == sum_MeV.size(),
                "batch tally of " << tally.size() << " bins for " << sum_MeV.size() << " output bins");
    // Bins are independent: threads change no bit (and rank 0's per-batch work on a large
    // grid is what limits many GPUs, validation/BENCHMARKS.md).
    const auto nbins = static_cast<std::int64_t>(tally.size());
#pragma omp parallel for schedule(static) if (nbins > 65536)
    for (std::int64_t i = 0; i < nbins; ++i)
      add(static_cast<std::size_t>(i), static_cast<double>(tally[static_cast<std::size_t>(i)]) * kTallyQuantum_MeV);
  }
  for (int k = 0; k < kBalanceSize; ++k) {
    const bool energy = k <= kRangeRejected;
    balance[k] += static_cast<double>(batch_balance[k]) * (energy ? kTallyQuantum_MeV : 1.0);
  }
  histories += n;
  ++batches;
}

double RunTotals::rel_uncertainty(std::size_t i) const {
  if (batches < 2) return -1.0;
  const double n = static_cast<double>(histories);
  const double m = sum_MeV[i] / n;
  if (m <= 0) return 0.0;
  const double s2 = std::max(0.0, (sum2_MeV2[i] - n * m * m) / (batches - 1));
  return std::sqrt(s2 / n) / m;
}

}  // namespace bd
