// Self-absorbed fraction of a uniformly filled sphere from a point kernel — the independent
// expectation the validation suite compares Monte Carlo tumour doses with.
//
// For activity uniform in a sphere of radius R, the probability that a point at distance r
// from a uniformly distributed emission point also lies in the sphere is the geometric
// reduction factor (Berger, MIRD Pamphlet 7, 1971; also Loevinger et al., MIRD Primer)
//   P(r) = 1 − 3r/(4R) + r³/(16R³)   for r ≤ 2R,  0 beyond,
// so the self-absorbed fraction is φ(R) = ∫ P(r) dF(r), with F(r) the fraction of the emitted
// energy a point source deposits within radius r.
#pragma once

#include <string>
#include <vector>

namespace bd {

// Radial energy-deposition profile of a point source: shell outer radii [mm] and the fraction
// of the emitted energy deposited in each shell (summing to <= 1).
struct RadialKernel {
  std::vector<double> r_outer_mm;
  std::vector<double> energy_fraction;
  std::string source;
};

// Reads the Graves et al. (Med Phys 46:5284, 2019) 90Y water DPK format (r_outer_cm,
// E_dep_per_emission_MeV, ...) up to `r_max_mm`, normalised to the deposited energy inside
// r_max (the bremsstrahlung tail beyond is below 0.3 % of the emitted energy).
RadialKernel read_graves_dpk(const std::string& path, double r_max_mm = 12.0);

// Scales a water kernel to a medium of density rho by O'Connor's theorem: distances scale by
// ρ_water/ρ (Seltzer, Int J Appl Radiat Isot 1991; valid for tissue-like compositions).
RadialKernel scale_kernel_to_density(const RadialKernel& water_kernel, double density_g_cm3);

// φ(R) for a sphere of radius R [mm]; each shell is integrated with `subdivisions` points.
double sphere_self_absorbed_fraction(const RadialKernel& kernel, double radius_mm,
                                     int subdivisions = 16);

// Radius holding `fraction` of the deposited energy (e.g. X90 for 0.9), linear within shells.
double kernel_radius_for_fraction(const RadialKernel& kernel, double fraction);

}  // namespace bd

#include <cstdint>

#include "betadose/grid.hh"

namespace bd {

// Absorbed fractions in a labelled voxel geometry of a homogeneous medium, by Monte Carlo
// integration of the point kernel: emission points uniform over the voxels where
// source_mask != 0, isotropic directions, distances from the kernel's radial energy
// distribution (so each sample carries an equal share of the deposited energy). Returns, for
// each label 0..n_labels−1, the fraction of the deposited energy that lands in voxels of that
// label; the last element is the fraction landing outside the grid. Exact for any shape up to
// the sampling error (≈ sqrt(f(1−f)/samples)) and the kernel's own assumptions (infinite
// homogeneous medium, no bremsstrahlung transport). Identity direction grids only.
std::vector<double> kernel_absorbed_fractions(const Grid& grid, const std::vector<std::uint8_t>& labels,
                                              int n_labels, const std::vector<std::uint8_t>& source_mask,
                                              const RadialKernel& kernel, std::uint64_t samples,
                                              std::uint64_t seed = 1);

}  // namespace bd
