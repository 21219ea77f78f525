// Fast (deterministic) dose methods that researchers compare with Monte Carlo
// (implementation: src/kernel_methods/, FFTW). Same inputs and outputs as `betadose mc`:
// a Phantom {material, density} and a VoxelSource {activity per voxel} on one grid, dose to
// complete decay [Gy] per voxel.
//
// Assumptions of each method (README "Kernel methods"):
//  - Local deposition (LDM): all emitted energy is absorbed in the voxel of the decay,
//      D = A · τ · Ē / (ρ V)            (Gulec et al. J Nucl Med 2006; Pasciak et al. 2014).
//  - DPK convolution: the medium is water everywhere (or the kernel's medium); a point kernel
//      (energy deposited per decay in spherical shells) is integrated over the source and the
//      target voxel (uniform decays inside the source voxel) and convolved with the decays per
//      voxel by FFT (Bolch et al., MIRD Pamphlet 17, J Nucl Med 1999, eq. 4).
//  - VSV convolution: the same with voxel S values of a homogeneous medium (Lanconelli et al.
//      Phys Med Biol 57:517, 2012; or `betadose vsv`).
// Heterogeneity handling (DensityCorrection):
//  - none:     dose of the kernel's medium everywhere (energy / mass of a kernel-medium voxel).
//  - density:  the energy deposited by the kernel is divided by the voxel's own mass, i.e. the
//              kernel dose is scaled by ρ_kernel / ρ_voxel (Mikell et al. EJNMMI Phys 2:16,
//              2015, "density-corrected soft-tissue kernel").
//  - material: per target voxel, the kernel of its material class (soft tissue or bone) is
//              used, then density scaling as above (Lanconelli 2012 soft/bone kernels; for a
//              DPK the bone kernel is the water kernel range-scaled to the bone density,
//              O'Connor's theorem, Seltzer 1991).
// None of them moves energy across a density interface correctly (a kernel assumes the
// medium between source and target is homogeneous): that is what the study measures.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "betadose/grid.hh"
#include "betadose/phantom.hh"
#include "betadose/source.hh"

namespace bd {

inline constexpr double kJoulePerMeV = 1.602176634e-13;  // CODATA 2018 (exact)

// What the kernel methods need from the nuclide data.
struct DecayData {
  double energy_per_decay_MeV = 0;  // mean energy emitted per decay (electrons) [MeV]
  double half_life_s = 0;
  // Decays per Bq of administered activity to complete decay: τ = T½ / ln 2 [s].
  double decays_per_bq() const;
};

enum class DensityCorrection { none, density, material };
DensityCorrection parse_density_correction(const std::string& text);  // InputError otherwise
const char* to_string(DensityCorrection correction);

// Radial dose point kernel: energy deposited per decay [MeV] in spherical shells around a
// point source in a homogeneous medium.
struct PointKernel {
  std::vector<double> r_inner_mm;
  std::vector<double> r_outer_mm;
  std::vector<double> energy_MeV;  // per decay, per shell
  std::string material = "water";
  double density_g_cm3 = 1.0;
  std::string source;  // file / provenance

  double reach_mm() const { return r_outer_mm.empty() ? 0.0 : r_outer_mm.back(); }
  double total_energy_MeV() const;
};

// Reads a point kernel CSV in either format:
//  - `betadose dpk` (DESIGN.md §4): r_inner_mm,r_outer_mm,r_mid_mm,energy_per_decay_MeV,
//    dose_per_decay_Gy,rel_uncertainty;
//  - Graves et al. Med Phys 46:5284 (2019): r_outer_cm,E_dep_per_emission_MeV,... with
//    contiguous 0.1 mm shells; rows after the first gap (the sparse bremsstrahlung tail of the
//    reference copy) are not used, so the kernel's reach is the end of the contiguous part.
// Lines starting with '#' are comments; the medium is water at 1 g/cm³ unless a `betadose dpk`
// header ("# betadose dpk: ... in <material> at <density> g/cm3, ...") names another.
// Throws InputError naming the file and the problem.
PointKernel read_point_kernel_csv(const std::string& path);

// Medium and voxel size stated in the header comment of a `betadose dpk`/`betadose vsv` CSV
// ("... in <material> at <density> g/cm3[, voxel <size> mm]"); empty/0 when absent.
struct KernelCsvMedium {
  std::string emitter;  // what the kernel was made for ("Y-90", "e- 1 MeV"); "" when the file does not say
  std::string material;
  double density_g_cm3 = 0;
  double voxel_mm = 0;
};
KernelCsvMedium read_kernel_csv_medium(const std::string& path);

// The kernel in a medium of another density by O'Connor's scaling theorem (distances scale by
// ρ_kernel/ρ, energies per shell unchanged; Seltzer, Appl Radiat Isot 42:917, 1991).
PointKernel scale_point_kernel(const PointKernel& kernel, double density_g_cm3,
                               const std::string& material);

// Voxel kernel: energy deposited per decay [MeV] in the voxel at offset (di,dj,dk) from a
// source voxel filled uniformly with decays; offsets −h..h on each axis, x fastest.
struct VoxelKernel {
  std::array<int, 3> half_width{{0, 0, 0}};
  Vec3 spacing_mm{{0, 0, 0}};
  std::vector<double> energy_MeV;
  std::string material = "water";
  double density_g_cm3 = 1.0;  // density of the kernel's medium
  std::string source;

  std::array<int, 3> size() const {
    return {{2 * half_width[0] + 1, 2 * half_width[1] + 1, 2 * half_width[2] + 1}};
  }
  std::size_t index(int di, int dj, int dk) const {
    const auto n = size();
    return static_cast<std::size_t>(di + half_width[0]) +
           static_cast<std::size_t>(n[0]) * (static_cast<std::size_t>(dj + half_width[1]) +
                                             static_cast<std::size_t>(n[1]) *
                                                 static_cast<std::size_t>(dk + half_width[2]));
  }
  double at(int di, int dj, int dk) const { return energy_MeV[index(di, dj, dk)]; }
  double total_energy_MeV() const;
  double voxel_mass_kg() const;  // one kernel voxel of the kernel's medium
  // S value [mGy/(MBq s)] of an offset: energy per decay / voxel mass.
  double s_value_mGy_per_MBq_s(int di, int dj, int dk) const;
};

// Integrates a point kernel over source and target voxels of `spacing_mm`: each shell's
// energy is distributed over the voxels hit by the points y + r·Ω, y on a stratified
// `source_samples`³ lattice in the source voxel, r at equal-volume radii in the shell, Ω on a
// Fibonacci sphere (≈ `points_per_voxel_area` points per voxel face area at radius r, randomly
// but reproducibly rotated per source point). Every shell's energy lands in some voxel, so the
// voxel kernel's total equals the point kernel's total (energy conserved within its reach).
VoxelKernel voxelize_point_kernel(const PointKernel& kernel, const Vec3& spacing_mm,
                                  int source_samples = 4, double points_per_voxel_area = 12.0);

// Reads a `betadose vsv` CSV (i,j,k,s_mGy_per_MBq_s,energy_fraction,rel_uncertainty; one
// octant 0 <= k <= j <= i <= h, expanded by the cube's 48 symmetries) for cubic voxels of
// `voxel_mm` in a medium of `density_g_cm3`. Energy per voxel = S × voxel mass.
VoxelKernel read_vsv_csv(const std::string& path, double voxel_mm, const std::string& material,
                         double density_g_cm3);

// Lanconelli et al. 2012 table (materials/kernels/vsv_y90_lanconelli2012_all.csv):
// tissue "soft" (ICRU soft tissue, 1.04 g/cm³) or "bone" (ICRU compact bone, 1.85 g/cm³);
// the voxel size must match a tabulated one within 1 % (InputError listing them otherwise:
// VSVs do not scale simply with voxel size, resample the images instead).
VoxelKernel read_lanconelli_vsv(const std::string& path, const std::string& tissue,
                                double voxel_mm);
std::vector<double> lanconelli_voxel_sizes_mm(const std::string& path);
// materials/kernels/vsv_y90_lanconelli2012_all.csv under materials_dir().
std::string default_lanconelli_path();

// Energy deposited per voxel [MeV]: decays per voxel ⊗ kernel, by FFT (FFTW r2c/c2r, double,
// zero padding of at least the kernel's half width so nothing wraps around). The kernel's
// spacing must equal the grid's (0.1 %): InputError otherwise.
std::vector<double> convolve_decays(const Grid& grid, const std::vector<double>& decays,
                                    const VoxelKernel& kernel);

// Material class of a canonical material name for kernel selection: bone (name contains
// "bone") or soft tissue (everything else).
enum class KernelTissue { soft, bone };
KernelTissue kernel_tissue_of(const std::string& material_name);

struct KernelDoseResult {
  std::vector<double> dose_gy;
  double energy_emitted_MeV = 0;    // Σ decays × Ē
  double energy_deposited_MeV = 0;  // Σ energy in the grid (LDM: = emitted)
  double decays = 0;
};

// LDM: D = A τ Ē / (ρ V) per voxel (voxels with ρ = 0 get 0 Gy and their energy is lost).
// Grids of phantom and source must match: InputError otherwise.
KernelDoseResult local_deposition_dose(const Phantom& phantom, const VoxelSource& source,
                                       const DecayData& decay);

// Convolution dose with a soft-tissue (or water) kernel and, for DensityCorrection::material,
// a bone kernel (required then; ignored otherwise).
KernelDoseResult convolution_dose(const Phantom& phantom, const VoxelSource& source,
                                  const DecayData& decay, const VoxelKernel& soft_kernel,
                                  const VoxelKernel* bone_kernel, DensityCorrection correction);

}  // namespace bd
