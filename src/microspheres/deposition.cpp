// Deposition models (include/betadose/microsphere_deposition.hh).
#include "betadose/microsphere_deposition.hh"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>

#include "betadose/errors.hh"
#include "src/microspheres/block_splitter.hh"
#include "src/microspheres/keyed_rng.hh"

namespace bd {

using detail::BlockWeights;
using detail::KeyedStream;
using detail::Purpose;
using detail::SplitRoot;
using detail::SplitRule;
using detail::VoxelBox;

DepositionModel parse_deposition_model(const std::string& text) {
  if (text == "lattice") return DepositionModel::lattice;
  if (text == "poisson") return DepositionModel::poisson;
  if (text == "cluster") return DepositionModel::cluster;
  if (text == "tree") return DepositionModel::tree;
  throw InputError("--model '" + text + "' (expected lattice, poisson, cluster or tree)");
}

const char* to_string(DepositionModel model) {
  switch (model) {
    case DepositionModel::lattice: return "lattice";
    case DepositionModel::poisson: return "poisson";
    case DepositionModel::cluster: return "cluster";
    case DepositionModel::tree: return "tree";
  }
  return "?";
}

DepositionRegion uniform_box_region(double box_mm, double voxel_mm, double expected) {
  BD_VALIDATE(std::isfinite(box_mm) && box_mm > 0, "--box-mm " << box_mm << " (expected > 0)");
  BD_VALIDATE(std::isfinite(voxel_mm) && voxel_mm > 0, "--voxel-um " << voxel_mm * 1e3 << " (expected > 0)");
  const double n_real = box_mm / voxel_mm;
  const auto n = static_cast<std::size_t>(std::llround(n_real));
  BD_VALIDATE(n >= 2 && std::abs(n_real - n) <= 1e-6 * n_real,
              "--box-mm " << box_mm << " must be a whole number (>= 2) of voxels of --voxel-um " << voxel_mm * 1e3);
  BD_VALIDATE(n <= 1600, "--box-mm/--voxel-um gives " << n << "^3 voxels (at most 1600^3)");
  DepositionRegion r;
  r.grid.size = {n, n, n};
  r.grid.spacing_mm = {voxel_mm, voxel_mm, voxel_mm};
  r.grid.origin_mm = {0.5 * voxel_mm, 0.5 * voxel_mm, 0.5 * voxel_mm};  // box corner at 0
  r.block = {n, n, n};
  r.macro_size = {1, 1, 1};
  r.expected_spheres = {expected};
  r.periodic = true;
  return r;
}

std::vector<double> SphereDeposit::activity_grid() const {
  std::vector<double> a(grid.voxel_count(), 0.0);
  for (const auto& o : occupied) a[o.voxel] += o.activity_bq;
  return a;
}

namespace {

constexpr double kPi = 3.14159265358979323846;

double sphere_volume_mm3(double d_um) {
  const double r = 0.5e-3 * d_um;
  return 4.0 / 3.0 * kPi * r * r * r;
}

double scaling_power(const MicrosphereProduct& p) {
  return p.activity_scaling == ActivityScaling::volume ? 3.0 : 2.0;
}

bool spread_of(const MicrosphereProduct& p, bool size_spread) {
  return size_spread && p.diameter_sd_um > 0 && p.diameter_max_um > p.diameter_min_um;
}

// A diameter from the truncated normal (rejection; the window holds >= 68 % of the mass for
// the shipped products, so few rejections).
double draw_diameter(const MicrosphereProduct& p, KeyedStream& rng) {
  std::normal_distribution<double> normal(p.diameter_um, p.diameter_sd_um);
  for (int tries = 0; tries < 1000; ++tries) {
    const double d = normal(rng);
    if (d >= p.diameter_min_um && d <= p.diameter_max_um) return d;
  }
  return p.diameter_um;
}

// What one sphere contributes.
struct SphereLoad {
  double activity_bq;
  double diameter_um;
};

class SphereMaker {
 public:
  SphereMaker(const MicrosphereProduct& p, double activity_bq, bool size_spread)
      : p_(p), a_(activity_bq), spread_(spread_of(p, size_spread)), k_(scaling_power(p)) {
    norm_ = spread_ ? size_activity_normalisation(p) : 1.0;
  }
  bool spread() const { return spread_; }
  double activity_bq() const { return a_; }
  double volume_mm3() const { return sphere_volume_mm3(p_.diameter_um); }
  SphereLoad make(KeyedStream& rng) const {
    if (!spread_) return {a_, p_.diameter_um};
    const double d = draw_diameter(p_, rng);
    return {a_ * std::pow(d / p_.diameter_um, k_) / norm_, d};
  }

 private:
  const MicrosphereProduct& p_;
  double a_;
  bool spread_;
  double k_, norm_ = 1.0;
};

std::uint64_t stochastic_round(double mu, std::uint64_t key, std::uint64_t index) {
  BD_VALIDATE(mu < 4e18, "microsphere deposition: " << mu << " spheres expected in one region");
  const double fl = std::floor(mu);
  KeyedStream rng(key, index, Purpose::rounding);
  return static_cast<std::uint64_t>(fl) + (rng.uniform() < mu - fl ? 1u : 0u);
}

// Continuous index of a uniformly random point in voxel v.
Vec3 point_in_voxel(const Grid& g, std::uint32_t v, KeyedStream& rng) {
  const std::size_t i = v % g.size[0], j = (v / g.size[0]) % g.size[1], k = v / (g.size[0] * g.size[1]);
  return {double(i) + rng.uniform() - 0.5, double(j) + rng.uniform() - 0.5, double(k) + rng.uniform() - 0.5};
}

// Voxel of a continuous index; periodic wrap or -1 outside.
std::int64_t voxel_of(const Grid& g, Vec3 idx, bool periodic) {
  std::int64_t c[3];
  for (int a = 0; a < 3; ++a) {
    const double n = static_cast<double>(g.size[a]);
    double x = idx[a] + 0.5;
    if (periodic) x -= n * std::floor(x / n);
    if (x < 0 || x >= n) return -1;
    c[a] = std::min<std::int64_t>(static_cast<std::int64_t>(x), g.size[a] - 1);
  }
  return static_cast<std::int64_t>(g.linear_index(c[0], c[1], c[2]));
}

Vec3 wrap_index(const Grid& g, Vec3 idx) {
  for (int a = 0; a < 3; ++a) {
    const double n = static_cast<double>(g.size[a]);
    double x = idx[a] + 0.5;
    x -= n * std::floor(x / n);
    idx[a] = x - 0.5;
  }
  return idx;
}

// Spheres binned per voxel -> occupied list (sorted, reduced).
struct Binned {
  std::uint32_t voxel;
  double activity, volume;
};

std::vector<OccupiedVoxel> reduce_binned(std::vector<Binned>& b) {
  std::sort(b.begin(), b.end(), [](const Binned& x, const Binned& y) { return x.voxel < y.voxel; });
  std::vector<OccupiedVoxel> out;
  for (const auto& s : b) {
    if (out.empty() || out.back().voxel != s.voxel) out.push_back({s.voxel, 0, 0.0, 0.0});
    out.back().count += 1;
    out.back().activity_bq += s.activity;
    out.back().sphere_volume_mm3 += s.volume;
  }
  return out;
}

// Counts per voxel -> occupied voxels with activities (and optionally explicit spheres
// uniformly inside their voxels). One stream per voxel: the sphere list and the activity sums
// see the same diameters.
void fill_from_counts(const std::vector<detail::VoxelCount>& counts, const SphereMaker& maker, std::uint64_t key,
                      bool keep, SphereDeposit& d) {
  d.occupied.resize(counts.size());
  std::vector<std::uint64_t> first(counts.size() + 1, 0);
  for (std::size_t i = 0; i < counts.size(); ++i) first[i + 1] = first[i] + counts[i].count;
  d.sphere_count = first.back();
  if (keep) d.spheres.resize(d.sphere_count);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const auto& c = counts[i];
    KeyedStream dia(key, c.voxel, Purpose::diameter);
    KeyedStream pos(key, c.voxel, Purpose::position);
    OccupiedVoxel o{c.voxel, c.count, 0.0, 0.0};
    if (!keep && !maker.spread()) {  // one size: no per-sphere work
      o.activity_bq = c.count * maker.activity_bq();
      o.sphere_volume_mm3 = c.count * maker.volume_mm3();
      d.occupied[i] = o;
      continue;
    }
    for (std::uint32_t s = 0; s < c.count; ++s) {
      const SphereLoad l = maker.make(dia);
      o.activity_bq += l.activity_bq;
      o.sphere_volume_mm3 += sphere_volume_mm3(l.diameter_um);
      if (keep) {
        Sphere& sp = d.spheres[first[i] + s];
        sp.position_mm = d.grid.index_to_physical(point_in_voxel(d.grid, c.voxel, pos));
        sp.activity_bq = l.activity_bq;
        sp.diameter_um = l.diameter_um;
      }
    }
    d.occupied[i] = o;
  }
}

// Roots of the uniform spreading: every macro voxel with its stochastically rounded count.
std::vector<SplitRoot> macro_roots(const BlockWeights& w, double scale, std::uint64_t key) {
  std::vector<SplitRoot> roots;
  for (std::size_t m = 0; m < w.macro_count(); ++m) {
    const double mu = w.expected(m) * scale;
    if (mu <= 0) continue;
    const std::uint64_t n = stochastic_round(mu, key, m);
    if (n) roots.push_back({w.macro_box(m), n, m});
  }
  return roots;
}

double total_expected(const DepositionRegion& r) {
  return std::accumulate(r.expected_spheres.begin(), r.expected_spheres.end(), 0.0);
}

VoxelBox active_bounds(const BlockWeights& w) {
  VoxelBox b;
  b.lo = {~0u, ~0u, ~0u};
  b.hi = {0, 0, 0};
  for (std::size_t m = 0; m < w.macro_count(); ++m) {
    if (w.expected(m) <= 0) continue;
    const VoxelBox mb = w.macro_box(m);
    for (int a = 0; a < 3; ++a) {
      b.lo[a] = std::min(b.lo[a], mb.lo[a]);
      b.hi[a] = std::max(b.hi[a], mb.hi[a]);
    }
  }
  return b;
}

void deposit_counts_model(const DepositionRegion& region, const SphereMaker& maker, const DepositionSpec& spec,
                          std::uint64_t key, SphereDeposit& d) {
  const BlockWeights w(region);
  std::vector<SplitRoot> roots;
  SplitRule rule;
  if (spec.model == DepositionModel::tree) {
    const VoxelBox root = active_bounds(w);
    const double voxel_mm3 = region.grid.voxel_volume_mm3();
    const double root_mm3 = static_cast<double>(root.voxels()) * voxel_mm3;
    const int depth = std::max(0, static_cast<int>(std::lround(std::log2(root_mm3 / spec.tree.lobule_volume_mm3))));
    BD_VALIDATE(depth <= 30, "tree: " << root_mm3 << " mm3 / " << spec.tree.lobule_volume_mm3
                                      << " mm3 lobules needs more than 30 levels");
    if (voxel_mm3 > 1.01 * root_mm3 / std::ldexp(1.0, depth)) {
      std::ostringstream os;
      os << "tree: voxels of " << voxel_mm3 << " mm3 are larger than a lobule (" << root_mm3 / std::ldexp(1.0, depth)
         << " mm3); lobules below the voxel scale share a voxel";
      d.notes.push_back(os.str());
    }
    rule.tilt_depth = depth;
    rule.q = spec.tree.split_probability;
    d.lobule_depth = depth;
    d.lobule_count = detail::label_leaves(root, depth, region.grid, d.lobule);
    // Voxels outside the region (macro voxels expecting no sphere) belong to no lobule.
    std::vector<char> active(d.lobule.size(), 0);
    for (std::size_t m = 0; m < w.macro_count(); ++m) {
      if (w.expected(m) <= 0) continue;
      const VoxelBox mb = w.macro_box(m);
      for (std::uint32_t z = mb.lo[2]; z < mb.hi[2]; ++z)
        for (std::uint32_t y = mb.lo[1]; y < mb.hi[1]; ++y)
          for (std::uint32_t x = mb.lo[0]; x < mb.hi[0]; ++x) active[region.grid.linear_index(x, y, z)] = 1;
    }
    for (std::size_t v = 0; v < d.lobule.size(); ++v)
      if (!active[v]) d.lobule[v] = 0;
    roots.push_back({root, stochastic_round(total_expected(region), key, 0), 0});
  } else {
    roots = macro_roots(w, 1.0, key);
  }
  const auto counts = detail::split_counts(roots, w, rule, key, region.grid);
  fill_from_counts(counts, maker, key, spec.keep_spheres, d);
}

void deposit_cluster(const DepositionRegion& region, const MicrosphereProduct& p, const SphereMaker& maker,
                     const DepositionSpec& spec, std::uint64_t key, SphereDeposit& d) {
  const std::vector<double> pmf = cluster_size_pmf(spec.cluster);
  std::vector<double> cdf(pmf.size());
  std::partial_sum(pmf.begin(), pmf.end(), cdf.begin());
  double mean_size = 0;
  for (std::size_t s = 0; s < pmf.size(); ++s) mean_size += (s + 1) * pmf[s];
  const BlockWeights w(region);
  const auto roots = macro_roots(w, 1.0 / mean_size, key);
  const auto centres = detail::split_counts(roots, w, SplitRule{}, key, region.grid);
  // Cluster ids in (voxel, k) order; sizes and offspring from the cluster's own streams.
  std::vector<std::uint64_t> first_cluster(centres.size() + 1, 0);
  for (std::size_t i = 0; i < centres.size(); ++i) first_cluster[i + 1] = first_cluster[i] + centres[i].count;
  const std::uint64_t nclusters = first_cluster.back();
  std::vector<std::uint32_t> size(nclusters);
  std::vector<Vec3> centre(nclusters);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < centres.size(); ++i) {
    KeyedStream pos(key, centres[i].voxel, Purpose::position);
    for (std::uint32_t c = 0; c < centres[i].count; ++c) {
      const std::uint64_t id = first_cluster[i] + c;
      KeyedStream rs(key, id, Purpose::cluster_size);
      const double u = rs.uniform();
      size[id] = static_cast<std::uint32_t>(std::lower_bound(cdf.begin(), cdf.end(), u * cdf.back()) - cdf.begin()) + 1;
      centre[id] = point_in_voxel(region.grid, centres[i].voxel, pos);
    }
  }
  std::vector<std::uint64_t> first_sphere(nclusters + 1, 0);
  for (std::uint64_t c = 0; c < nclusters; ++c) first_sphere[c + 1] = first_sphere[c] + size[c];
  const std::uint64_t nspheres = first_sphere.back();
  std::vector<Binned> binned(nspheres);
  std::vector<char> inside(nspheres, 1);
  if (spec.keep_spheres) d.spheres.resize(nspheres);
  const Vec3 h = region.grid.spacing_mm;
#pragma omp parallel for schedule(dynamic, 64)
  for (std::uint64_t c = 0; c < nclusters; ++c) {
    KeyedStream off(key, c, Purpose::offspring);
    KeyedStream dia(key, c, Purpose::diameter);
    // Ball that packs S spheres of the mean diameter at the packing fraction [mm].
    const double radius_mm = 0.5e-3 * p.diameter_um * std::cbrt(size[c] / spec.cluster.packing_fraction);
    for (std::uint32_t s = 0; s < size[c]; ++s) {
      Vec3 idx = centre[c];
      if (size[c] > 1) {
        double x, y, z;
        do {
          x = 2 * off.uniform() - 1;
          y = 2 * off.uniform() - 1;
          z = 2 * off.uniform() - 1;
        } while (x * x + y * y + z * z > 1.0);
        idx[0] += x * radius_mm / h[0];
        idx[1] += y * radius_mm / h[1];
        idx[2] += z * radius_mm / h[2];
      }
      const SphereLoad l = maker.make(dia);
      const std::uint64_t n = first_sphere[c] + s;
      const std::int64_t v = voxel_of(region.grid, idx, region.periodic);
      if (v < 0) {
        inside[n] = 0;
        continue;
      }
      if (region.periodic) idx = wrap_index(region.grid, idx);
      binned[n] = {static_cast<std::uint32_t>(v), l.activity_bq, sphere_volume_mm3(l.diameter_um)};
      if (spec.keep_spheres) {
        d.spheres[n] = {region.grid.index_to_physical(idx), l.activity_bq, l.diameter_um,
                        static_cast<std::uint32_t>(c + 1)};
      }
    }
  }
  std::uint64_t dropped = 0;
  std::vector<Binned> kept;
  kept.reserve(nspheres);
  std::vector<Sphere> kept_spheres;
  for (std::uint64_t n = 0; n < nspheres; ++n) {
    if (!inside[n]) {
      ++dropped;
      continue;
    }
    kept.push_back(binned[n]);
    if (spec.keep_spheres) kept_spheres.push_back(d.spheres[n]);
  }
  if (spec.keep_spheres) d.spheres.swap(kept_spheres);
  if (dropped) {
    std::ostringstream os;
    os << "cluster: " << dropped << " spheres of clusters at the grid edge fell outside the grid and were dropped";
    d.notes.push_back(os.str());
  }
  d.occupied = reduce_binned(kept);
  d.sphere_count = kept.size();
}

void deposit_lattice(const DepositionRegion& region, const SphereMaker& maker,
                     const DepositionSpec& spec, double activity_bq, std::uint64_t key, SphereDeposit& d) {
  const Grid& g = region.grid;
  const BlockWeights w(region);
  const VoxelBox b = active_bounds(w);
  const double expected = total_expected(region);
  double active_mm3 = 0;
  for (std::size_t m = 0; m < w.macro_count(); ++m)
    if (w.expected(m) > 0) active_mm3 += static_cast<double>(w.macro_box(m).voxels()) * g.voxel_volume_mm3();
  BD_VALIDATE(expected > 0 && active_mm3 > 0, "lattice: no sphere expected in the region");
  const double density_per_mm3 = expected / active_mm3;
  const double s_mm = std::cbrt(1.0 / density_per_mm3);
  // Points per axis over the active bounds; in a periodic box a whole number per period.
  std::array<std::size_t, 3> m{};
  std::array<double, 3> step{};
  KeyedStream off(key, 0, Purpose::lattice);
  std::array<double, 3> offset{};
  for (int a = 0; a < 3; ++a) {
    const double len = (b.hi[a] - b.lo[a]) * g.spacing_mm[a];
    m[a] = std::max<std::size_t>(1, static_cast<std::size_t>(region.periodic ? std::llround(len / s_mm)
                                                                               : std::ceil(len / s_mm)));
    step[a] = region.periodic ? len / m[a] : s_mm;
    offset[a] = off.uniform() * step[a];
  }
  const std::size_t npoints = m[0] * m[1] * m[2];
  BD_VALIDATE(npoints < (std::size_t{1} << 32), "lattice: " << npoints << " lattice points (too many)");
  std::vector<Binned> binned;
  binned.reserve(npoints);
  std::vector<Sphere> spheres;
  std::vector<double> weight;  // local expected density / mean (the map's shape)
  for (std::size_t k = 0; k < m[2]; ++k)
    for (std::size_t j = 0; j < m[1]; ++j)
      for (std::size_t i = 0; i < m[0]; ++i) {
        const std::size_t ijk[3] = {i, j, k};
        Vec3 idx;
        for (int a = 0; a < 3; ++a) idx[a] = b.lo[a] - 0.5 + (offset[a] + ijk[a] * step[a]) / g.spacing_mm[a];
        const std::int64_t v = voxel_of(g, idx, region.periodic);
        if (v < 0) continue;
        const std::size_t vi = static_cast<std::size_t>(v);
        VoxelBox one;
        one.lo = {std::uint32_t(vi % g.size[0]), std::uint32_t((vi / g.size[0]) % g.size[1]),
                  std::uint32_t(vi / (g.size[0] * g.size[1]))};
        one.hi = {one.lo[0] + 1, one.lo[1] + 1, one.lo[2] + 1};
        const double local = w.weight(one) / g.voxel_volume_mm3();
        if (local <= 0) continue;
        KeyedStream dia(key, binned.size(), Purpose::diameter);
        const SphereLoad l = maker.make(dia);
        weight.push_back(local / density_per_mm3);
        binned.push_back({static_cast<std::uint32_t>(v), l.activity_bq, sphere_volume_mm3(l.diameter_um)});
        if (spec.keep_spheres) spheres.push_back({g.index_to_physical(idx), l.activity_bq, l.diameter_um, 0});
      }
  BD_VALIDATE(!binned.empty(), "lattice: no lattice point falls in the region");
  // The total activity is the prescribed one (expected spheres × activity per sphere); each
  // point carries the map's local weight.
  double raw = 0;
  for (std::size_t n = 0; n < binned.size(); ++n) raw += binned[n].activity * weight[n];
  const double scale = expected * activity_bq / raw;
  for (std::size_t n = 0; n < binned.size(); ++n) {
    binned[n].activity *= weight[n] * scale;
    if (spec.keep_spheres) spheres[n].activity_bq *= weight[n] * scale;
  }
  std::ostringstream os;
  os << "lattice: " << m[0] << "x" << m[1] << "x" << m[2] << " points, spacing " << step[0] << " mm (number density "
     << density_per_mm3 << " per mm3 asks " << s_mm << " mm); activity per sphere scaled by "
     << expected / static_cast<double>(binned.size()) << " to keep the prescribed total";
  d.notes.push_back(os.str());
  d.sphere_count = binned.size();
  d.occupied = reduce_binned(binned);
  if (spec.keep_spheres) d.spheres.swap(spheres);
}

}  // namespace

std::vector<double> cluster_size_pmf(const ClusterParams& c) {
  BD_VALIDATE(c.size_max >= 1 && c.size_max <= 100000, "--cluster-size-max " << c.size_max << " (expected 1-100000)");
  BD_VALIDATE(std::isfinite(c.size_exponent) && c.size_exponent >= 0,
              "--cluster-size-exponent " << c.size_exponent << " (expected >= 0)");
  BD_VALIDATE(c.packing_fraction > 0 && c.packing_fraction <= 0.74,
              "cluster packing fraction " << c.packing_fraction << " (expected in (0, 0.74])");
  std::vector<double> pmf(static_cast<std::size_t>(c.size_max));
  double sum = 0;
  for (int s = 1; s <= c.size_max; ++s) sum += pmf[s - 1] = std::pow(double(s), -c.size_exponent);
  for (double& x : pmf) x /= sum;
  return pmf;
}

double size_activity_normalisation(const MicrosphereProduct& p) {
  if (!(p.diameter_sd_um > 0) || !(p.diameter_max_um > p.diameter_min_um)) return 1.0;
  // Midpoint rule over the truncated normal on 2000 intervals (smooth integrand).
  const int n = 2000;
  const double k = scaling_power(p);
  double num = 0, den = 0;
  for (int i = 0; i < n; ++i) {
    const double d = p.diameter_min_um + (i + 0.5) * (p.diameter_max_um - p.diameter_min_um) / n;
    const double z = (d - p.diameter_um) / p.diameter_sd_um;
    const double w = std::exp(-0.5 * z * z);
    num += w * std::pow(d / p.diameter_um, k);
    den += w;
  }
  return num / den;
}

std::vector<double> tree_leaf_shares(int depth, double p, std::uint64_t seed) {
  BD_VALIDATE(depth >= 0 && depth <= 24, "tree: depth " << depth << " (expected 0-24)");
  BD_VALIDATE(p >= 0 && p <= 1, "--tree-p " << p << " (expected in [0, 1])");
  // The same rule as the deposition: equal halves give q or 1 − q, the side from the node's
  // tree_side stream (root = heap index 1, root stream index 0).
  const std::uint64_t key = detail::run_key(seed, 0, 0);
  std::vector<double> share{1.0};
  for (int d = 0; d < depth; ++d) {
    std::vector<double> next(share.size() * 2);
    for (std::size_t i = 0; i < share.size(); ++i) {
      const std::uint64_t id = (std::uint64_t{1} << d) + i;
      KeyedStream side(key, id, Purpose::tree_side);
      const double s = (side() & 1u) ? 1.0 : -1.0;
      const double left = 0.5 + s * (2.0 * p - 1.0) * 0.5;
      next[2 * i] = share[i] * left;
      next[2 * i + 1] = share[i] * (1.0 - left);
    }
    share.swap(next);
  }
  return share;
}

SphereDeposit deposit_microspheres(const DepositionRegion& region, const MicrosphereProduct& product,
                                   double activity_bq, const DepositionSpec& spec) {
  validate_grid(region.grid, "microsphere grid");
  BD_VALIDATE(activity_bq > 0 && std::isfinite(activity_bq),
              "activity per sphere " << activity_bq << " Bq (expected > 0)");
  if (spec.model == DepositionModel::tree) {
    BD_VALIDATE(spec.tree.split_probability >= 0 && spec.tree.split_probability <= 1,
                "--tree-p " << spec.tree.split_probability << " (expected in [0, 1])");
    BD_VALIDATE(spec.tree.lobule_volume_mm3 > 0, "--lobule-volume-mm3 " << spec.tree.lobule_volume_mm3
                                                                        << " (expected > 0)");
  }
  SphereDeposit d;
  d.grid = region.grid;
  const std::uint64_t key = detail::run_key(spec.seed, spec.realisation, spec.stream);
  const SphereMaker maker(product, activity_bq, spec.size_spread);
  switch (spec.model) {
    case DepositionModel::poisson:
    case DepositionModel::tree: deposit_counts_model(region, maker, spec, key, d); break;
    case DepositionModel::cluster: deposit_cluster(region, product, maker, spec, key, d); break;
    case DepositionModel::lattice: deposit_lattice(region, maker, spec, activity_bq, key, d); break;
  }
  for (const auto& o : d.occupied) d.total_activity_bq += o.activity_bq;
  d.activity_per_sphere_bq = d.sphere_count ? d.total_activity_bq / static_cast<double>(d.sphere_count) : 0.0;
  return d;
}

}  // namespace bd
