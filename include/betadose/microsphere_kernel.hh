// The micro-scale dose kernel of the microsphere study: a dose point kernel (DPK) of the
// nuclide in tissue from betadose's own Monte Carlo (run_dpk, shells of at most a quarter voxel
// and 25 µm) integrated over source and target voxels of the fine grid. Portable host code.
//
// Voxel integration. For decays uniform in a source voxel and a target voxel at offset o, the
// energy per decay is
//     E(o) = (1/V) ∫_T ∫_S k(|x − y|) dx dy = ∫ dr (dE/dr) · ⟨Λ(rΩ − o·h)⟩_Ω ,
// where k is the DPK's energy density, dE/dr its energy per unit radius and
// Λ(u) = Π_a (1 − |u_a|/h_a)_+ the overlap of two voxels shifted by u (MIRD Pamphlet 17,
// Bolch et al. 1999, eq. 4, written with the voxels' autocorrelation). Λ is the trilinear
// interpolation weight, so E is built by spreading each radius's energy over points rΩ
// (Fibonacci directions, randomly rotated per radius) with trilinear weights onto the lattice
// of offsets: Σ_o Λ(u − o) = 1 keeps every shell's energy exactly. Inside a DPK shell the
// energy per unit radius is taken as constant. The points are folded into
// one octant (the kernel's reflection symmetry) and, for cubic voxels, averaged over axis
// permutations, which removes most of the direction-sampling noise.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "betadose/device.hh"
#include "betadose/grid.hh"
#include "betadose/point_kernels.hh"

namespace bd {

struct MicroKernelSpec {
  std::string nuclide = "Y-90";
  std::string material = "liver";   // tissue (canonical material name)
  double density_g_cm3 = 0;         // 0 = the material's nominal density
  double voxel_mm = 0.1;            // fine grid voxel (decides the DPK shell width)
  std::uint64_t histories = 1000000;
  std::uint64_t seed = 1;
  Device device = Device::cpu;
  int threads = 0;
  std::function<void(const TransportProgress&)> progress;
};

// DPK shell width [mm]: min(voxel / 4, 0.025 mm), a whole fraction of the 0.025 mm grid so
// that kernels of nearby voxel sizes share a cached DPK.
double micro_kernel_shell_mm(double voxel_mm);
// DPK outer radius [mm]: 1.05 × the CSDA range of the nuclide's beta endpoint in the tissue,
// rounded up to a whole 0.5 mm (90Y in liver: 11 mm).
double micro_kernel_rmax_mm(const std::string& nuclide, const std::string& material, double density_g_cm3);

// The energy deposited per decay in the voxels of `grid` around a decay uniform in voxel
// (0,0,0), wrapped cyclically onto the grid (periodic box; with >= rmax padding nothing wraps
// into the region of interest). x fastest. Σ = the DPK's total (exactly, up to rounding).
std::vector<double> voxel_kernel_on_grid(const std::vector<double>& r_inner_mm, const std::vector<double>& r_outer_mm,
                                         const std::vector<double>& energy_MeV, const Grid& grid);

// Fraction of a sphere's emitted energy absorbed in the sphere itself: uniform decays in a
// sphere of radius R, infinite medium, φ = ∫_0^{2R} ψ(r/R) dF(r), ψ(x) = 1 − 3x/4 + x³/16 the
// probability that a point at distance r from a random point of the sphere lies in it (Berger,
// MIRD Pamphlet 7, 1971), F the DPK's cumulative energy fraction in the tissue scaled to the
// sphere's density by O'Connor's theorem (distances × ρ_tissue/ρ_sphere; Seltzer 1991). The
// sphere material's stopping power per g/cm² is taken as the tissue's (within ~10 % for glass).
double sphere_self_absorbed_fraction(const std::vector<double>& r_inner_mm, const std::vector<double>& r_outer_mm,
                                     const std::vector<double>& energy_MeV, double tissue_density_g_cm3,
                                     double sphere_diameter_um, double sphere_density_g_cm3);

}  // namespace bd
