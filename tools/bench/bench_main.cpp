// betadose_bench: 90Y decays per second of the transport engine (issue 4 §8, GPU.md).
//   (a) the 4 mm voxel S-value case in water (source filling the central voxel of 15³ voxels);
//   (b) a 256×256×128 grid of 2 mm voxels with a CT-like phantom built here: elliptic body of
//       soft tissue, liver (uniform activity), two lungs at 0.26 g/cm³, a vertebral column and
//       ribs of cortical bone;
//   (c) heterogeneous slabs on 1 mm voxels: 48×48×48 grid, water (x < 24 mm), lung at
//       0.26 g/cm³ (24–36 mm), cortical bone at 1.85 g/cm³ (36–48 mm); uniform activity in the
//       12×12×12 mm cube x ∈ [16, 28) mm (water and lung), y, z ∈ [18, 30) mm.
// CPU with 1 thread and with all threads; `--device cuda` adds the GPU. Prints a markdown
// table (lines starting with '|') with decays/s, electron steps/decay, photon steps/decay and
// tally flushes (atomics) per decay. Timing covers the transport batches only (not the table
// building). Usage: betadose_bench [--device cpu|cuda] [--histories-vsv N] [--histories-ct N]
//                                  [--histories-slabs N] [--skip-ct] [--cases abc]
//                                  [--threads-list 1,2] [--secondary-queue N]
// (--cases picks the cases to run, e.g. "ac"; --skip-ct = every case but (b); --threads-list
// the CPU thread counts, default 1 and all; --secondary-queue the queue capacity, -1 = the
// device's default (GPU: a queue, CPU: the per-history stack), 0 = the stack only.)
#include <omp.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "betadose/device.hh"
#include "betadose/phantom.hh"
#include "betadose/point_kernels.hh"
#include "betadose/slab_phantom.hh"
#include "betadose/source.hh"
#include "betadose/transport.hh"
#include "kernels/transport_launch.hh"

namespace {

struct VoxelCase {
  bd::Phantom phantom;
  bd::VoxelSource source;
};

VoxelCase make_ct_phantom() {
  VoxelCase c;
  bd::Grid g;
  g.size = {256, 256, 128};
  g.spacing_mm = {2.0, 2.0, 2.0};
  auto& p = c.phantom;
  p.grid = g;
  p.material_names = {"air", "soft-tissue", "liver", "lung", "cortical-bone"};
  p.material_id.assign(g.voxel_count(), 0);
  p.density_g_cm3.assign(g.voxel_count(), 0.0012f);
  c.source.grid = g;
  c.source.activity_bq.assign(g.voxel_count(), 0.0);
  const double cx = 128, cy = 128;
  for (std::size_t k = 0; k < g.size[2]; ++k)
    for (std::size_t j = 0; j < g.size[1]; ++j)
      for (std::size_t i = 0; i < g.size[0]; ++i) {
        const auto v = g.linear_index(i, j, k);
        const double x = (i - cx) * 2.0, y = (j - cy) * 2.0, z = k * 2.0;  // mm
        const double body = (x / 170) * (x / 170) + (y / 120) * (y / 120);
        if (body > 1.0) continue;
        int m = 1;
        float rho = 1.03f;
        // Lungs: upper half in z, left and right.
        const double lx = std::abs(x) - 80, ly = y + 10;
        if (z > 140 && (lx / 55) * (lx / 55) + (ly / 75) * (ly / 75) < 1.0) {
          m = 3;
          rho = 0.26f;
        }
        // Liver: right side, lower half.
        const double hx = x + 60, hy = y + 5, hz = z - 90;
        if ((hx / 90) * (hx / 90) + (hy / 70) * (hy / 70) + (hz / 70) * (hz / 70) < 1.0) {
          m = 2;
          rho = 1.06f;
          c.source.activity_bq[v] = 1.0e5;
        }
        // Spine (cylinder behind the centre) and ribs (thin elliptic shell in the upper half).
        const double sy = y - 70;
        if (x * x + sy * sy < 18 * 18) {
          m = 4;
          rho = 1.85f;
        }
        if (z > 120 && body > 0.85 && body < 0.9) {
          m = 4;
          rho = 1.85f;
        }
        p.material_id[v] = static_cast<std::uint8_t>(m);
        p.density_g_cm3[v] = rho;
      }
  return c;
}

VoxelCase make_slab_phantom() {
  auto s = bd::water_lung_bone_slabs({48, 1.0, 16, 28, 18, 30});
  return {std::move(s.phantom), std::move(s.source)};
}

// Process CPU time [s] (all threads): decays per CPU-second is the per-core rate, robust to
// other load on a shared machine (wall-clock rates are not).
double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

void row(const char* name, const std::string& device, int threads, std::uint64_t n, double wall,
         double cpu, double steps, double photon_steps, double flushes) {
  std::printf("| %s | %s | %d | %llu | %.2f | %.3g | %.3g | %.3g | %.1f | %.3f | %.1f |\n", name, device.c_str(),
              threads, static_cast<unsigned long long>(n), wall, n / wall, n / cpu, n * steps / wall, steps,
              photon_steps, flushes);
  std::fflush(stdout);
}

// One voxel-phantom case on one device (GPU: 100× the histories).
void run_voxel_case(const char* name, const VoxelCase& vc, std::uint64_t histories, bd::Device device, int threads,
                    std::int64_t queue) {
  bd::TransportOptions opt;
  opt.secondary_queue = queue;
  opt.histories = device == bd::Device::cuda ? histories * 100 : histories;
  opt.seed = 12345;
  opt.device = device;
  opt.threads = threads;
  const double c0 = cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  const auto d = bd::run_voxel_transport(vc.phantom, vc.source, opt);
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = (cpu_seconds() - c0) * d.wall_time_s / total;
  row(name, bd::to_string(device), device == bd::Device::cuda ? 0 : threads, d.histories, d.wall_time_s, cpu,
      d.electron_steps_per_decay, d.photon_steps_per_decay, d.tally_flushes_per_decay);
}

}  // namespace

int main(int argc, char** argv) {
  std::string device = "cpu";
  std::uint64_t n_vsv = 400000, n_ct = 400000, n_slabs = 400000;
  std::string cases = "abc";
  std::int64_t queue = -1;
  std::vector<int> thread_list;
  for (int a = 1; a < argc; ++a) {
    const std::string s = argv[a];
    if (s == "--device" && a + 1 < argc) device = argv[++a];
    else if (s == "--histories-vsv" && a + 1 < argc) n_vsv = std::strtoull(argv[++a], nullptr, 10);
    else if (s == "--histories-ct" && a + 1 < argc) n_ct = std::strtoull(argv[++a], nullptr, 10);
    else if (s == "--histories-slabs" && a + 1 < argc) n_slabs = std::strtoull(argv[++a], nullptr, 10);
    else if (s == "--skip-ct") cases = "ac";
    else if (s == "--secondary-queue" && a + 1 < argc) queue = std::strtoll(argv[++a], nullptr, 10);
    else if (s == "--cases" && a + 1 < argc) cases = argv[++a];
    else if (s == "--threads-list" && a + 1 < argc) {
      for (char* t = std::strtok(argv[++a], ","); t; t = std::strtok(nullptr, ",")) thread_list.push_back(std::atoi(t));
    } else {
      std::fprintf(stderr,
                   "usage: betadose_bench [--device cpu|cuda] [--histories-vsv N] [--histories-ct N] "
                   "[--histories-slabs N] [--skip-ct] [--cases abc] [--threads-list 1,2] [--secondary-queue N]\n");
      return 2;
    }
  }
  try {
    const bd::Device dev = bd::parse_device(device);
    const int all = omp_get_max_threads();
    struct Run {
      bd::Device device;
      int threads;
    };
    std::vector<Run> runs;
    if (dev == bd::Device::cuda) {
      runs.push_back({bd::Device::cuda, 0});
    } else if (!thread_list.empty()) {
      for (const int t : thread_list) runs.push_back({bd::Device::cpu, t > 0 ? t : all});
    } else {
      runs.push_back({bd::Device::cpu, 1});
      if (all > 1) runs.push_back({bd::Device::cpu, all});
    }
    const auto wanted = [&](char c) { return cases.find(c) != std::string::npos; };
    if (dev == bd::Device::cuda) {
      const double occ = bd::detail::voxel_history_kernel_occupancy();
      std::printf("theoretical occupancy of the voxel history kernel: %.1f %% (resident warps / maximum)\n", 100 * occ);
    }
    std::printf("| case | device | threads | decays | wall s | decays/s | decays/CPU-s | e- steps/s | e- steps/decay | photon steps/decay | tally flushes/decay |\n");
    std::printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (const auto& r : runs) {
      if (!wanted('a')) break;
      bd::KernelRunOptions opt;
      opt.histories = r.device == bd::Device::cuda ? n_vsv * 100 : n_vsv;
      opt.seed = 12345;
      opt.device = r.device;
      opt.threads = r.threads;
      opt.secondary_queue = queue;
      bd::EmissionSpec em;
      // CPU time of the batches: the wall-time share of the whole call (tables included).
      const double c0 = cpu_seconds();
      const auto t0 = std::chrono::steady_clock::now();
      const auto v = bd::run_vsv(em, "water", 4.0, 5, opt);
      const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double cpu = (cpu_seconds() - c0) * v.wall_time_s / total;
      row("(a) 90Y VSV 4 mm water", bd::to_string(r.device), r.device == bd::Device::cuda ? 0 : r.threads,
          v.histories, v.wall_time_s, cpu, v.steps_per_decay, 0.0, 0.0);
    }
    if (wanted('b')) {
      const VoxelCase ct = make_ct_phantom();
      for (const auto& r : runs) run_voxel_case("(b) 90Y liver, 256x256x128 CT, 2 mm", ct, n_ct, r.device, r.threads, queue);
    }
    if (wanted('c')) {
      const VoxelCase sc = make_slab_phantom();
      for (const auto& r : runs) run_voxel_case("(c) 90Y water/lung/bone slabs, 48^3, 1 mm", sc, n_slabs, r.device, r.threads, queue);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "betadose_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
