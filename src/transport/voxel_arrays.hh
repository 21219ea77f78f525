// The arrays of a voxel run as the transport kernels read them: the phantom (material ids,
// densities, the photon majorant over them: kernels/geometry.hh VoxelGeometry) and a source
// spread over voxels (alias table over the active voxels: kernels/source_sampling.hh
// VoxelSourceSampler) or at points (PointSourceSampler), each with a device copy when the run is on the GPU. Shared by the
// patient runs (voxel_transport.cpp) and the voxel kernels (point_kernels.cpp), so that both
// hand the kernels the same geometry. Private to src/transport.
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "betadose/alias_table.hh"
#include "betadose/device_array.hh"
#include "kernels/geometry.hh"
#include "kernels/source_sampling.hh"

namespace bd::detail {

// Voxel sides [mm] as the kernels' centimetres.
inline std::array<float, 3> voxel_cm(const std::array<double, 3>& voxel_mm) {
  return {static_cast<float>(voxel_mm[0] * 0.1), static_cast<float>(voxel_mm[1] * 0.1),
          static_cast<float>(voxel_mm[2] * 0.1)};
}

template <class T>
ConstSpan<T> view_of(const MirroredArray<T>& a, bool gpu) {
  return gpu ? a.device_view() : a.host_view();
}

class VoxelPhantomArrays {
 public:
  VoxelPhantomArrays(std::vector<float> photon_majorant, const std::vector<std::uint8_t>& material_id,
                     const std::vector<float>& density_g_cm3, bool gpu)
      : majorant_(std::move(photon_majorant)), material_(material_id), density_(density_g_cm3), gpu_(gpu) {
    if (gpu_) {
      majorant_.mirror_to_device();
      material_.mirror_to_device();
      density_.mirror_to_device();
    }
  }
  ConstSpan<float> majorant() const { return view_of(majorant_, gpu_); }
  ConstSpan<float> majorant_host() const { return majorant_.host_view(); }
  VoxelGeometry geometry(int nx, int ny, int nz, const std::array<double, 3>& voxel_mm) const {
    const auto d = voxel_cm(voxel_mm);
    VoxelGeometry g;
    g.nx = nx;
    g.ny = ny;
    g.nz = nz;
    g.dx_cm = d[0];
    g.dy_cm = d[1];
    g.dz_cm = d[2];
    g.material = view_of(material_, gpu_);
    g.density_g_cm3 = view_of(density_, gpu_);
    return g;
  }

 private:
  MirroredArray<float> majorant_;
  MirroredArray<std::uint8_t> material_;
  MirroredArray<float> density_;
  bool gpu_;
};

// An alias table over `weights` (kernels/source_sampling.hh AliasTableView), mirrored when gpu.
class MirroredAliasTable {
 public:
  MirroredAliasTable(const std::vector<double>& weights, bool gpu) : gpu_(gpu) {
    const AliasTable table = build_alias_table(weights);
    probability_ = MirroredArray<float>(table.probability);
    alias_ = MirroredArray<std::uint32_t>(table.alias);
    if (gpu_) {
      probability_.mirror_to_device();
      alias_.mirror_to_device();
    }
  }
  AliasTableView view() const {
    AliasTableView v;
    v.probability = view_of(probability_, gpu_);
    v.alias = view_of(alias_, gpu_);
    return v;
  }

 private:
  MirroredArray<float> probability_;
  MirroredArray<std::uint32_t> alias_;
  bool gpu_;
};

// Decays in `voxels` (linear indices, x fastest) with probabilities proportional to `weights`.
class VoxelSourceArrays {
 public:
  VoxelSourceArrays(const std::vector<double>& weights, std::vector<std::uint32_t> voxels, bool gpu)
      : table_(weights, gpu), voxels_(std::move(voxels)), gpu_(gpu) {
    if (gpu_) voxels_.mirror_to_device();
  }
  // The sampler's arrays and grid; its stratification is the caller's (run_in_phantom).
  void fill(VoxelSourceSampler& s, int nx, int ny, const std::array<double, 3>& voxel_mm) const {
    const auto d = voxel_cm(voxel_mm);
    s.table = table_.view();
    s.voxel_index = view_of(voxels_, gpu_);
    s.nx = nx;
    s.ny = ny;
    s.dx_cm = d[0];
    s.dy_cm = d[1];
    s.dz_cm = d[2];
  }

 private:
  MirroredAliasTable table_;
  MirroredArray<std::uint32_t> voxels_;
  bool gpu_;
};

// Decays at explicit points (geometry coordinates [cm]) with probabilities proportional to
// `weights` (one point: the sampler returns it without a draw).
class PointSourceArrays {
 public:
  PointSourceArrays(const std::vector<double>& weights, const std::vector<Vec3f>& points_cm, bool gpu)
      : table_(weights, gpu), points_(points_cm), gpu_(gpu) {
    if (gpu_) points_.mirror_to_device();
  }
  void fill(PointSourceSampler& s) const {
    s.table = table_.view();
    s.position_cm = view_of(points_, gpu_);
  }

 private:
  MirroredAliasTable table_;
  MirroredArray<Vec3f> points_;
  bool gpu_;
};

}  // namespace bd::detail
