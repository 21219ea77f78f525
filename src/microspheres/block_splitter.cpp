#include "src/microspheres/block_splitter.hh"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include "betadose/errors.hh"
#include "src/microspheres/keyed_rng.hh"

namespace bd::detail {

std::pair<VoxelBox, VoxelBox> halve(const VoxelBox& box) {
  int axis = 0;
  std::uint32_t ext = 0;
  for (int a = 0; a < 3; ++a) {
    const std::uint32_t e = box.hi[a] - box.lo[a];
    if (e > ext) {
      ext = e;
      axis = a;
    }
  }
  VoxelBox left = box, right = box;
  const std::uint32_t mid = box.lo[axis] + ext / 2;
  left.hi[axis] = mid;
  right.lo[axis] = mid;
  return {left, right};
}

BlockWeights::BlockWeights(const DepositionRegion& region) {
  const Grid& g = region.grid;
  for (int a = 0; a < 3; ++a) {
    block_[a] = region.block[a] ? region.block[a] : g.size[a];
    offset_[a] = region.macro_offset[a];
    msize_[a] = region.macro_size[a];
    BD_VALIDATE(block_[a] > 0 && msize_[a] > 0 && offset_[a] + block_[a] * msize_[a] <= g.size[a],
                "deposition region: macro grid " << msize_[0] << "x" << msize_[1] << "x" << msize_[2]
                                                 << " of blocks " << block_[0] << "x" << block_[1] << "x"
                                                 << block_[2] << " does not fit the fine grid " << g.describe());
  }
  expected_ = region.expected_spheres;
  BD_VALIDATE(expected_.size() == msize_[0] * msize_[1] * msize_[2],
              "deposition region: " << expected_.size() << " expected counts for " << msize_[0] * msize_[1] * msize_[2]
                                    << " macro voxels");
  for (double e : expected_)
    BD_VALIDATE(std::isfinite(e) && e >= 0, "deposition region: expected sphere count " << e << " (expected >= 0)");
  const std::size_t px = msize_[0] + 1, py = msize_[1] + 1, pz = msize_[2] + 1;
  prefix_.assign(px * py * pz, 0.0);
  auto P = [&](std::size_t x, std::size_t y, std::size_t z) -> double& { return prefix_[x + px * (y + py * z)]; };
  for (std::size_t z = 1; z < pz; ++z)
    for (std::size_t y = 1; y < py; ++y)
      for (std::size_t x = 1; x < px; ++x) {
        const double w = expected_[(x - 1) + msize_[0] * ((y - 1) + msize_[1] * (z - 1))];
        P(x, y, z) = w + P(x - 1, y, z) + P(x, y - 1, z) + P(x, y, z - 1) - P(x - 1, y - 1, z) -
                     P(x - 1, y, z - 1) - P(x, y - 1, z - 1) + P(x - 1, y - 1, z - 1);
      }
}

double BlockWeights::prefix_box(std::size_t x0, std::size_t x1, std::size_t y0, std::size_t y1, std::size_t z0,
                                std::size_t z1) const {
  const std::size_t px = msize_[0] + 1, py = msize_[1] + 1;
  auto P = [&](std::size_t x, std::size_t y, std::size_t z) { return prefix_[x + px * (y + py * z)]; };
  return P(x1, y1, z1) - P(x0, y1, z1) - P(x1, y0, z1) - P(x1, y1, z0) + P(x0, y0, z1) + P(x0, y1, z0) +
         P(x1, y0, z0) - P(x0, y0, z0);
}

VoxelBox BlockWeights::macro_box(std::size_t m) const {
  const std::size_t mx = m % msize_[0], my = (m / msize_[0]) % msize_[1], mz = m / (msize_[0] * msize_[1]);
  const std::size_t mi[3] = {mx, my, mz};
  VoxelBox b;
  for (int a = 0; a < 3; ++a) {
    b.lo[a] = static_cast<std::uint32_t>(offset_[a] + mi[a] * block_[a]);
    b.hi[a] = static_cast<std::uint32_t>(b.lo[a] + block_[a]);
  }
  return b;
}

double BlockWeights::weight(const VoxelBox& box) const {
  // Per axis, the macro indices the box touches split into at most three runs with a constant
  // overlap (partial first, full middle, partial last): W = Σ over the 27 run products.
  struct Run {
    std::size_t m0, m1;  // macro index range [m0, m1)
    double fraction;     // fine voxels of the box per macro voxel / block
  };
  Run runs[3][3];
  int nrun[3] = {0, 0, 0};
  for (int a = 0; a < 3; ++a) {
    const std::int64_t lo = std::int64_t{box.lo[a]} - std::int64_t(offset_[a]);
    const std::int64_t hi = std::int64_t{box.hi[a]} - std::int64_t(offset_[a]);
    const std::int64_t b = std::int64_t(block_[a]), M = std::int64_t(msize_[a]);
    const std::int64_t clo = std::max<std::int64_t>(lo, 0), chi = std::min<std::int64_t>(hi, b * M);
    if (chi <= clo) return 0.0;
    const std::int64_t m_first = clo / b, m_last = (chi - 1) / b;
    if (m_first == m_last) {
      runs[a][nrun[a]++] = {std::size_t(m_first), std::size_t(m_first + 1), double(chi - clo) / b};
      continue;
    }
    const std::int64_t first_hi = (m_first + 1) * b;
    runs[a][nrun[a]++] = {std::size_t(m_first), std::size_t(m_first + 1), double(first_hi - clo) / b};
    if (m_last > m_first + 1) runs[a][nrun[a]++] = {std::size_t(m_first + 1), std::size_t(m_last), 1.0};
    runs[a][nrun[a]++] = {std::size_t(m_last), std::size_t(m_last + 1), double(chi - m_last * b) / b};
  }
  double w = 0;
  for (int i = 0; i < nrun[0]; ++i)
    for (int j = 0; j < nrun[1]; ++j)
      for (int k = 0; k < nrun[2]; ++k) {
        const Run &rx = runs[0][i], &ry = runs[1][j], &rz = runs[2][k];
        w += rx.fraction * ry.fraction * rz.fraction * prefix_box(rx.m0, rx.m1, ry.m0, ry.m1, rz.m0, rz.m1);
      }
  return std::max(0.0, w);
}

namespace {

struct Node {
  VoxelBox box;
  std::uint64_t count;
  std::uint64_t id;  // heap index within its root (root = 1)
  int depth;
  std::uint64_t root;
};

constexpr int kMaxDepth = 34;

class Splitter {
 public:
  Splitter(const BlockWeights& w, const SplitRule& rule, std::uint64_t key, const Grid& g)
      : w_(w), rule_(rule), key_(key), g_(g) {}

  // Splits one node into its two children (counts drawn from the node's stream).
  std::pair<Node, Node> split(const Node& n) const {
    const auto halves = halve(n.box);
    const double wl = w_.weight(halves.first), wr = w_.weight(halves.second);
    const double total = wl + wr;
    if (!(total > 0)) throw std::logic_error("microsphere deposition: spheres in a block of zero weight");
    double p = wl / total;
    const std::uint64_t stream_index = (n.root << 36) | n.id;
    if (n.depth < rule_.tilt_depth && rule_.q != 0.5) {
      KeyedStream side(key_, stream_index, Purpose::tree_side);
      const double s = (side() & 1u) ? 1.0 : -1.0;
      p += s * (2.0 * rule_.q - 1.0) * std::min(p, 1.0 - p);
    }
    std::uint64_t left = 0;
    if (p >= 1.0) {
      left = n.count;
    } else if (p > 0.0) {
      KeyedStream rng(key_, stream_index, Purpose::split);
      std::binomial_distribution<std::uint64_t> binom(n.count, p);
      left = binom(rng);
    }
    Node a{halves.first, left, 2 * n.id, n.depth + 1, n.root};
    Node b{halves.second, n.count - left, 2 * n.id + 1, n.depth + 1, n.root};
    return {a, b};
  }

  void descend(const Node& n, std::vector<VoxelCount>& out) const {
    if (n.count == 0) return;
    if (n.box.single()) {
      const std::size_t v = g_.linear_index(n.box.lo[0], n.box.lo[1], n.box.lo[2]);
      BD_VALIDATE(n.count <= 0xffffffffu, "microsphere deposition: more than 2^32 spheres in one voxel");
      out.push_back({static_cast<std::uint32_t>(v), static_cast<std::uint32_t>(n.count)});
      return;
    }
    if (n.depth >= kMaxDepth) throw std::logic_error("microsphere deposition: split depth exceeded");
    const auto kids = split(n);
    descend(kids.first, out);
    descend(kids.second, out);
  }

 private:
  const BlockWeights& w_;
  SplitRule rule_;
  std::uint64_t key_;
  const Grid& g_;
};

}  // namespace

std::vector<VoxelCount> split_counts(const std::vector<SplitRoot>& roots, const BlockWeights& weights,
                                     const SplitRule& rule, std::uint64_t key, const Grid& grid) {
  BD_VALIDATE(grid.voxel_count() < (std::size_t{1} << 32), "microsphere grid " << grid.describe()
                                                                                << " too large (at most 2^32 voxels)");
  const Splitter splitter(weights, rule, key, grid);
  std::vector<Node> frontier;
  for (const auto& r : roots)
    if (r.count > 0) frontier.push_back({r.box, r.count, 1, 0, r.index});
  std::vector<VoxelCount> out;
  // Breadth-first until there is enough independent work for the threads.
  const std::size_t want = 64 * static_cast<std::size_t>(std::max(1, omp_get_max_threads()));
  while (!frontier.empty() && frontier.size() < want) {
    std::vector<Node> next;
    bool split_any = false;
    for (const auto& n : frontier) {
      if (n.count == 0) continue;
      if (n.box.single()) {
        splitter.descend(n, out);
        continue;
      }
      const auto kids = splitter.split(n);
      split_any = true;
      if (kids.first.count) next.push_back(kids.first);
      if (kids.second.count) next.push_back(kids.second);
    }
    frontier.swap(next);
    if (!split_any) break;
  }
  std::vector<std::vector<VoxelCount>> parts(frontier.size());
  std::string error;
#pragma omp parallel for schedule(dynamic, 1)
  for (std::size_t i = 0; i < frontier.size(); ++i) {
    try {
      splitter.descend(frontier[i], parts[i]);
    } catch (const std::exception& e) {
#pragma omp critical(bd_split_error)
      error = e.what();
    }
  }
  if (!error.empty()) throw InputError(error);
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  std::sort(out.begin(), out.end(), [](const VoxelCount& a, const VoxelCount& b) { return a.voxel < b.voxel; });
  return out;
}

std::uint32_t label_leaves(const VoxelBox& root, int depth, const Grid& grid, std::vector<std::uint32_t>& label) {
  BD_VALIDATE(depth >= 0 && depth <= 30, "tree: lobule depth " << depth << " (expected 0-30)");
  label.assign(grid.voxel_count(), 0u);
  struct Item {
    VoxelBox box;
    std::uint64_t id;
    int d;
  };
  std::vector<Item> stack{{root, 1, 0}};
  while (!stack.empty()) {
    const Item it = stack.back();
    stack.pop_back();
    if (it.d == depth || it.box.single()) {
      // The leftmost descendant at `depth` names the leaf.
      const std::uint64_t id = (it.id << (depth - it.d)) - (std::uint64_t{1} << depth) + 1;
      for (std::uint32_t z = it.box.lo[2]; z < it.box.hi[2]; ++z)
        for (std::uint32_t y = it.box.lo[1]; y < it.box.hi[1]; ++y)
          for (std::uint32_t x = it.box.lo[0]; x < it.box.hi[0]; ++x)
            label[grid.linear_index(x, y, z)] = static_cast<std::uint32_t>(id);
      continue;
    }
    const auto h = halve(it.box);
    stack.push_back({h.second, 2 * it.id + 1, it.d + 1});
    stack.push_back({h.first, 2 * it.id, it.d + 1});
  }
  return static_cast<std::uint32_t>(std::uint64_t{1} << depth);
}

}  // namespace bd::detail
