// Transport geometries (views). Both offer the same interface to the step code:
//   locate(p)                 -> true when inside; sets the particle's voxel indices
//   material(p), density(p)   -> material index and density [g/cm³] at the particle
//   move_mass(p, mass, mark)  -> DPM-style electron move by a *mass thickness* [g/cm²]
//   move_distance(p, d)       -> straight photon flight of d [cm]; false when it left
//   site(p)                   -> where a deposit at the particle's position is scored
//   safety_mass(p)            -> mass thickness to the scoring cell's boundary (0: unknown)
//
// VoxelGeometry: regular grid with identity direction, coordinates [cm] from the lower corner
// of voxel (0,0,0) (voxel i spans [i·dx, (i+1)·dx)). An electron step is set in mass
// thickness and rescaled by the density voxel by voxel, so a step crosses voxels of the same
// material without stopping (Sempau et al., Phys Med Biol 45 (2000) 2263, sec. 2.4); only a
// change of material (whose tables differ) or leaving the grid ends a step early.
//
// InfiniteMedium: one material at one density, unbounded for electrons; photons beyond
// `world_radius_cm` from the origin escape (the DPK case: point source at the origin).
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/macros.hh"
#include "kernels/particle.hh"
#include "kernels/span.hh"

namespace bd {

// Where an energy deposit happens: position (for shell tallies) and voxel (for voxel tallies).
struct Site {
  Vec3f pos_cm;
  int ix, iy, iz;
};

enum class MoveStatus : int { complete = 0, material_change = 1, left = 2 };

struct MoveResult {
  float mass_done;   // [g/cm²] actually traversed
  MoveStatus status;
  bool marked;       // the deposit mark was reached; `mark_site` is valid
};

struct VoxelGeometry {
  int nx = 0, ny = 0, nz = 0;
  float dx_cm = 0, dy_cm = 0, dz_cm = 0;
  ConstSpan<std::uint8_t> material;   // per voxel
  ConstSpan<float> density_g_cm3;     // per voxel (> 0)

  BD_FUNCTION std::size_t voxel(int ix, int iy, int iz) const {
    return static_cast<std::size_t>(ix) +
           static_cast<std::size_t>(nx) * (static_cast<std::size_t>(iy) + static_cast<std::size_t>(ny) * iz);
  }
  BD_FUNCTION bool inside(int ix, int iy, int iz) const {
    return ix >= 0 && iy >= 0 && iz >= 0 && ix < nx && iy < ny && iz < nz;
  }
  BD_FUNCTION bool locate(Particle& p) const {
    p.ix = static_cast<int>(floorf(p.pos_cm.x / dx_cm));
    p.iy = static_cast<int>(floorf(p.pos_cm.y / dy_cm));
    p.iz = static_cast<int>(floorf(p.pos_cm.z / dz_cm));
    return inside(p.ix, p.iy, p.iz);
  }
  BD_FUNCTION int material_at(const Particle& p) const { return material[voxel(p.ix, p.iy, p.iz)]; }
  BD_FUNCTION float density_at(const Particle& p) const { return density_g_cm3[voxel(p.ix, p.iy, p.iz)]; }
  BD_FUNCTION Site site(const Particle& p) const { return Site{p.pos_cm, p.ix, p.iy, p.iz}; }

  BD_FUNCTION bool move_distance(Particle& p, float d_cm) const {
    p.pos_cm.x += d_cm * p.dir.x;
    p.pos_cm.y += d_cm * p.dir.y;
    p.pos_cm.z += d_cm * p.dir.z;
    return locate(p);
  }

  // Mass thickness [g/cm²] from the particle to the nearest face of its voxel: no path
  // shorter than this leaves the voxel (range rejection).
  BD_FUNCTION float safety_mass(const Particle& p) const {
    const float sx = min_f(p.pos_cm.x - p.ix * dx_cm, (p.ix + 1) * dx_cm - p.pos_cm.x);
    const float sy = min_f(p.pos_cm.y - p.iy * dy_cm, (p.iy + 1) * dy_cm - p.pos_cm.y);
    const float sz = min_f(p.pos_cm.z - p.iz * dz_cm, (p.iz + 1) * dz_cm - p.pos_cm.z);
    return max_f(0.0f, min_f(sx, min_f(sy, sz))) * density_g_cm3[voxel(p.ix, p.iy, p.iz)];
  }

  // Electron move by `mass` [g/cm²] along p.dir. `mark` (mass coordinate from the start of this
  // move; outside [0, mass) = none) is the point where the step's energy loss is scored; its
  // site goes to `mark_site`. On `left`, the particle sits on the grid face, indices outside;
  // on `material_change`, on the face of the first voxel of the other material.
  BD_FUNCTION BD_FORCEINLINE MoveResult move_mass(Particle& p, float mass, float mark, Site& mark_site) const {
    MoveResult r{0.0f, MoveStatus::complete, false};
    std::size_t v = voxel(p.ix, p.iy, p.iz);
    const int mat = material[v];
    for (;;) {
      const float rho = density_g_cm3[v];
      const float inv_rho = 1.0f / rho;
      // Distance to the next face along each axis.
      const float tx = p.dir.x > 0.0f   ? ((p.ix + 1) * dx_cm - p.pos_cm.x) / p.dir.x
                       : p.dir.x < 0.0f ? (p.ix * dx_cm - p.pos_cm.x) / p.dir.x
                                        : 1e30f;
      const float ty = p.dir.y > 0.0f   ? ((p.iy + 1) * dy_cm - p.pos_cm.y) / p.dir.y
                       : p.dir.y < 0.0f ? (p.iy * dy_cm - p.pos_cm.y) / p.dir.y
                                        : 1e30f;
      const float tz = p.dir.z > 0.0f   ? ((p.iz + 1) * dz_cm - p.pos_cm.z) / p.dir.z
                       : p.dir.z < 0.0f ? (p.iz * dz_cm - p.pos_cm.z) / p.dir.z
                                        : 1e30f;
      int axis = 0;
      float t = tx;
      if (ty < t) {
        t = ty;
        axis = 1;
      }
      if (tz < t) {
        t = tz;
        axis = 2;
      }
      t = max_f(t, 0.0f);
      const float remaining = mass - r.mass_done;
      const float d_rest = remaining * inv_rho;
      const bool finishes = d_rest <= t;
      const float d = finishes ? d_rest : t;
      const float mass_here = finishes ? remaining : t * rho;
      if (!r.marked && mark >= r.mass_done && mark < r.mass_done + mass_here) {
        const float dm = (mark - r.mass_done) * inv_rho;
        mark_site = Site{{p.pos_cm.x + dm * p.dir.x, p.pos_cm.y + dm * p.dir.y, p.pos_cm.z + dm * p.dir.z},
                         p.ix, p.iy, p.iz};
        r.marked = true;
      }
      p.pos_cm.x += d * p.dir.x;
      p.pos_cm.y += d * p.dir.y;
      p.pos_cm.z += d * p.dir.z;
      if (finishes) {
        r.mass_done = mass;
        return r;
      }
      r.mass_done += mass_here;
      // Cross the face: snap the coordinate onto it (no drift) and step the index.
      if (axis == 0) {
        if (p.dir.x > 0.0f) {
          ++p.ix;
          p.pos_cm.x = p.ix * dx_cm;
        } else {
          p.pos_cm.x = p.ix * dx_cm;
          --p.ix;
        }
      } else if (axis == 1) {
        if (p.dir.y > 0.0f) {
          ++p.iy;
          p.pos_cm.y = p.iy * dy_cm;
        } else {
          p.pos_cm.y = p.iy * dy_cm;
          --p.iy;
        }
      } else {
        if (p.dir.z > 0.0f) {
          ++p.iz;
          p.pos_cm.z = p.iz * dz_cm;
        } else {
          p.pos_cm.z = p.iz * dz_cm;
          --p.iz;
        }
      }
      if (!inside(p.ix, p.iy, p.iz)) {
        r.status = MoveStatus::left;
        return r;
      }
      v = voxel(p.ix, p.iy, p.iz);
      if (material[v] != mat) {
        r.status = MoveStatus::material_change;
        return r;
      }
    }
  }
};

struct InfiniteMedium {
  float density_g_cm3 = 1.0f;
  float world_radius_cm = 1e30f;  // photons beyond this radius escape

  BD_FUNCTION bool locate(Particle& p) const {
    p.ix = p.iy = p.iz = 0;
    return true;
  }
  BD_FUNCTION int material_at(const Particle&) const { return 0; }
  BD_FUNCTION float density_at(const Particle&) const { return density_g_cm3; }
  BD_FUNCTION Site site(const Particle& p) const { return Site{p.pos_cm, 0, 0, 0}; }

  // Shell tallies resolve positions inside the medium: never range-reject.
  BD_FUNCTION float safety_mass(const Particle&) const { return 0.0f; }

  BD_FUNCTION bool move_distance(Particle& p, float d_cm) const {
    p.pos_cm.x += d_cm * p.dir.x;
    p.pos_cm.y += d_cm * p.dir.y;
    p.pos_cm.z += d_cm * p.dir.z;
    return p.pos_cm.x * p.pos_cm.x + p.pos_cm.y * p.pos_cm.y + p.pos_cm.z * p.pos_cm.z <
           world_radius_cm * world_radius_cm;
  }

  BD_FUNCTION MoveResult move_mass(Particle& p, float mass, float mark, Site& mark_site) const {
    const float inv_rho = 1.0f / density_g_cm3;
    MoveResult r{mass, MoveStatus::complete, false};
    if (mark >= 0.0f && mark < mass) {
      const float dm = mark * inv_rho;
      mark_site = Site{{p.pos_cm.x + dm * p.dir.x, p.pos_cm.y + dm * p.dir.y, p.pos_cm.z + dm * p.dir.z}, 0, 0, 0};
      r.marked = true;
    }
    const float d = mass * inv_rho;
    p.pos_cm.x += d * p.dir.x;
    p.pos_cm.y += d * p.dir.y;
    p.pos_cm.z += d * p.dir.z;
    return r;
  }
};

}  // namespace bd
