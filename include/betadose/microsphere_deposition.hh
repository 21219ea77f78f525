// Where microspheres lodge: deposition models over a tissue box or a macroscopic activity map,
// producing sphere counts (and activities) per voxel of a fine grid (25-250 µm) for the
// micro-scale dose (microsphere_dose.hh). Portable host code (no FFTW/HDF5).
//
// Models (README "betadose spheres"):
//  - lattice: a regular cubic lattice, spacing s = n^(-1/3) from the number density n, randomly
//    offset per realisation (Walrand et al., J Nucl Med 55:135, 2014, "periodic" simulations).
//  - poisson: each macro voxel (the activity map's voxel; the whole box in box mode) receives
//    N = floor(μ) + Bernoulli(μ − floor(μ)) spheres for an expected μ = A/a (stochastic rounding:
//    activity conserved in expectation, E[N] = μ, Var N ≤ 1/4); inside it the N spheres are
//    spread uniformly (a binomial process: the fine-voxel counts are multinomial), drawn in bulk
//    by recursive binomial splitting of voxel blocks, never sphere by sphere.
//  - cluster: a Neyman-Scott process: cluster centres placed like `poisson` with μ/E[S]
//    expected clusters, each holding S spheres, P(S = s) ∝ s^(−α) for 1 <= s <= S_max, packed
//    in a ball of radius (d/2)(S/φ)^(1/3) (random close packing φ = 0.64).
//  - tree: a binary arterial tree: the region is halved recursively (longest axis first); at
//    each node above the lobule level one daughter receives a sphere with probability p and
//    the other with 1 − p (which one is random), Walrand 2014's "60 %-40 % relative spreading
//    probability"; below the lobule level the spheres spread uniformly. A leaf at depth D
//    (D = log2(region volume / lobule volume)) carries a share ∏ w_i of the spheres with
//    w_i ∈ {p, 1−p}; over the 2^D leaves CV² = (2(p² + (1−p)²))^D − 1 exactly.
// Randomness: Philox streams keyed by (seed, realisation, node/voxel/cluster index), so the
// result does not depend on the thread count or traversal order.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "betadose/grid.hh"
#include "betadose/microsphere_products.hh"

namespace bd {

enum class DepositionModel { lattice, poisson, cluster, tree };
// InputError naming --model otherwise.
DepositionModel parse_deposition_model(const std::string& text);
const char* to_string(DepositionModel model);

struct ClusterParams {
  // Largest cluster seen in resected liver after resin SIRT: 453 spheres (Högberg et al.,
  // EJNMMI Phys 2:10, 2015). The exponent is an assumption (no fitted distribution is
  // published there): with α = 2 and S_max = 453, E[S] = 4.1 and 15 % of spheres are single.
  int size_max = 453;
  double size_exponent = 2.0;
  // Random close packing of equal spheres (Scott & Kilgour, J Phys D 2:863, 1969).
  double packing_fraction = 0.64;
};

struct TreeParams {
  double split_probability = 0.6;  // Walrand 2014: 60 %-40 % (0.5 = equal spreading)
  // A human liver of ~1.5 L holds ~1e6 lobules (classic hepatic lobule ~1 mm across, ~2 mm
  // long; standard histology texts): 1.5 mm³ per lobule.
  double lobule_volume_mm3 = 1.5;
};

struct DepositionSpec {
  DepositionModel model = DepositionModel::poisson;
  ClusterParams cluster;
  TreeParams tree;
  bool size_spread = false;   // draw diameters from the product's size distribution
  bool keep_spheres = false;  // also return the explicit sphere list
  std::uint64_t seed = 1;
  std::uint64_t realisation = 0;
  std::uint64_t stream = 0;   // further stream separation (e.g. the product's index)
};

// The fine grid and the expected number of spheres per macro voxel. The macro grid divides the
// fine grid into blocks of `block` fine voxels (the whole grid in box mode); macro voxels with
// 0 expected spheres receive none (outside the ROI). `active` (optional, fine grid) marks where
// spheres may lodge (the ROI); it must agree with the macro voxels' support.
struct DepositionRegion {
  Grid grid;                                     // fine grid (x fastest)
  std::array<std::size_t, 3> block{{0, 0, 0}};   // fine voxels per macro voxel (0 = whole grid)
  std::array<std::size_t, 3> macro_offset{{0, 0, 0}};  // fine index of macro voxel (0,0,0)
  std::array<std::size_t, 3> macro_size{{1, 1, 1}};    // macro voxels per axis
  std::vector<double> expected_spheres;          // per macro voxel, x fastest
  bool periodic = true;                          // lattice/cluster positions wrap around
};

// Box mode: a periodic box of `box_mm` (cube) with voxels of `voxel_mm`, `expected` spheres.
DepositionRegion uniform_box_region(double box_mm, double voxel_mm, double expected);

struct Sphere {
  Vec3 position_mm{{0, 0, 0}};  // physical position (grid convention of grid.hh)
  double activity_bq = 0;
  double diameter_um = 0;
  std::uint32_t cluster = 0;    // cluster id (cluster model), else 0
};

// A voxel that holds spheres (sorted by voxel index).
struct OccupiedVoxel {
  std::uint32_t voxel = 0;
  std::uint32_t count = 0;
  double activity_bq = 0;        // summed activity of its spheres
  double sphere_volume_mm3 = 0;  // summed volume of its spheres
};

struct SphereDeposit {
  Grid grid;
  std::vector<OccupiedVoxel> occupied;
  std::uint64_t sphere_count = 0;
  double total_activity_bq = 0;
  double activity_per_sphere_bq = 0;   // mean activity of one sphere as used (lattice: adjusted)
  std::vector<Sphere> spheres;         // when DepositionSpec::keep_spheres
  // Tree model: lobule (leaf) id per fine voxel, 0 = not in any lobule (outside the region).
  std::vector<std::uint32_t> lobule;
  std::uint32_t lobule_count = 0;
  int lobule_depth = 0;
  std::vector<std::string> notes;

  // Activity per fine voxel [Bq] (dense).
  std::vector<double> activity_grid() const;
};

// `activity_bq` is the product's (possibly decayed) mean activity per sphere.
SphereDeposit deposit_microspheres(const DepositionRegion& region, const MicrosphereProduct& product,
                                   double activity_bq, const DepositionSpec& spec);

// ---- building blocks, exposed for tests ----------------------------------------------------

// Tree leaf shares: the fraction of spheres each of the 2^depth leaves of an equal-volume
// binary tree receives in expectation, ∏ w_i with w_i ∈ {p, 1−p} (which daughter gets p drawn
// from the stream keyed by `seed`), leaves in heap order.
std::vector<double> tree_leaf_shares(int depth, double p, std::uint64_t seed);

// Mean of (d/d̄)^k over the product's truncated normal size distribution (k = 3 volume, 2
// surface): the normalisation of the activity of a sphere of diameter d, a(d) = a·(d/d̄)^k / this.
double size_activity_normalisation(const MicrosphereProduct& product);

// P(S = s) for the cluster sizes, s = 1 .. size_max (index s−1); InputError on bad parameters.
std::vector<double> cluster_size_pmf(const ClusterParams& params);

}  // namespace bd
