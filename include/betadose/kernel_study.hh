// Generated heterogeneous phantom for the kernel-methods study (issue 7): liver with a tumour
// touching the right lung base (diaphragm modelled as a flat liver–lung contact, the worst case
// for kernels), inflated lung at 0.26 g/cm³, a rib of cortical bone in the lateral wall next
// to the liver, soft-tissue body. Activity: normal liver uniform, tumour at T/N times the
// normal-liver concentration, an optional lung shunt spread uniformly over the lung.
// Coordinates (LPS as grid.hh): x lateral (liver and lung at x < 0), y anterior–posterior,
// z superior; the diaphragm plane is z = 0 (grid centre).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "betadose/phantom.hh"
#include "betadose/source.hh"

namespace bd {

struct LiverLungPhantomSpec {
  double voxel_mm = 3.0;                          // cubic voxels
  std::array<std::size_t, 3> size{{80, 64, 64}};  // nx, ny, nz
  double lung_density_g_cm3 = 0.26;
  double tumour_radius_mm = 15.0;  // sphere whose top touches the lung base
  double tn_ratio = 4.0;           // tumour / normal-liver activity concentration
  double lung_shunt = 0.05;        // fraction of the total activity in the lung
  double total_activity_bq = 1.5e9;
  std::string materials_dir;       // "" = materials_dir()
};

struct GeneratedDoseCase {
  Phantom phantom;
  VoxelSource source;
  std::vector<std::pair<std::string, std::vector<std::uint8_t>>> roi;  // tumour, normal_liver,
                                                                      // lung, rib
};

// Throws InputError on non-positive sizes, densities or activity, or a tumour that does not
// fit in the liver.
GeneratedDoseCase make_liver_lung_phantom(const LiverLungPhantomSpec& spec);

}  // namespace bd
