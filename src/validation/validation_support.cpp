#include "validation_support.hh"

#include <cmath>
#include <filesystem>
#include <map>
#include <numeric>

#include "betadose/errors.hh"
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

std::uint64_t replica_seed(std::uint64_t suite_seed, const std::string& stream, int replica) {
  // FNV-1a of the label, then SplitMix64 (Steele, Lea & Flood, OOPSLA 2014) of the mix.
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : stream) h = (h ^ c) * 1099511628211ull;
  std::uint64_t z = suite_seed ^ h ^ (0x9e3779b97f4a7c15ull * static_cast<std::uint64_t>(replica + 1));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::vector<DoseResult> run_replicas(const Phantom& phantom, const VoxelSource& source, double histories,
                                     const ValidationContext& ctx, const std::string& stream) {
  std::vector<DoseResult> runs;
  for (int r = 0; r < kReplicas; ++r) {
    TransportOptions o;
    o.histories = static_cast<std::uint64_t>(histories / kReplicas);
    o.batches = 2;
    o.seed = replica_seed(ctx.seed, stream, r);
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

namespace {
// Content of each data file written by the current run, by path.
std::map<std::string, std::string>& data_files() {
  static std::map<std::string, std::string> files;
  return files;
}
}  // namespace

void start_data_files() { data_files().clear(); }

void append_csv(const ValidationContext& ctx, const std::string& name, const std::string& header,
                const std::string& rows) {
  const std::string path = (std::filesystem::path(ctx.out_dir) / name).string();
  std::string& text = data_files()[path];
  if (text.empty()) text = header + "\n";
  text += rows;
  write_text_file_atomic(path, text);
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string q = "\"";
  for (char ch : text) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + "\"";
}

}  // namespace bd::validation
