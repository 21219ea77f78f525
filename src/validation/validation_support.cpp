#include "validation_support.hh"

#include <cmath>
#include <filesystem>
#include <numeric>

#include "betadose/errors.hh"
#include "betadose/input_file.hh"
#include "betadose/text_file.hh"

namespace bd::validation {

double mean_of(const std::vector<double>& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / v.size();
}

double standard_error_of(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  const double m = mean_of(v);
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / (v.size() - 1) / v.size());
}

std::vector<DoseResult> run_replicas(const Phantom& phantom, const VoxelSource& source, double histories,
                                     const ValidationContext& ctx, int replicas) {
  std::vector<DoseResult> runs;
  for (int r = 0; r < replicas; ++r) {
    TransportOptions o;
    o.histories = static_cast<std::uint64_t>(histories / replicas);
    o.batches = 2;
    o.seed = ctx.seed * 1000 + static_cast<std::uint64_t>(r);
    o.device = ctx.device;
    o.threads = ctx.threads;
    runs.push_back(run_voxel_transport(phantom, source, o));
  }
  return runs;
}

std::string reference_file(const ValidationContext& ctx, const std::string& name) {
  const auto path = std::filesystem::path(ctx.reference_dir) / name;
  BD_VALIDATE(std::filesystem::exists(path), path.string() << ": validation reference file not found");
  return path.string();
}

void append_csv(const ValidationContext& ctx, const std::string& name, const std::string& header,
                const std::string& rows) {
  // Cases add rows to shared tables: the table is rewritten whole through the output layer.
  const auto path = (std::filesystem::path(ctx.out_dir) / name).string();
  std::string text = std::filesystem::exists(path) ? read_text_input(path) : header + "\n";
  text += rows;
  write_text_file_atomic(path, text);
}

}  // namespace bd::validation
