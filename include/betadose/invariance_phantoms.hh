// Phantoms of the transport invariance checks (issue 12), shared by tests/core/
// transport_invariance_test.cpp and the validation case "invariance":
//  - a cube of water voxels, optionally as a 3-D checkerboard of water and "water-copy"
//    (identical material under another name: every voxel face a material boundary), decays
//    uniform in the central voxel, score groups by distance class from it: 0 the source
//    voxel, 1 its 6 face neighbours, 2 the 12 edge neighbours, 3 the 8 corner neighbours;
//  - water layers along z alternating ρ (even ℓ) and 1.2ρ (odd ℓ), ℓ = −L..L, 5 voxels of
//    layer_mm/5 each, or their mass-thickness image at uniform ρ (odd layers 6 voxels thick);
//    decays in the middle voxel of layer 0 (laterally central), score group = ℓ + L. The
//    laterally integrated transport depends on z only through ζ = ∫ρ dz, so both give the
//    same layer energies when no particle reaches the side faces (lateral_voxels of 3 mm
//    wider than twice the range) and range rejection is off (it uses the voxel faces).
#pragma once

#include "betadose/point_kernels.hh"

namespace bd {

KernelPhantom water_checkerboard_phantom(double voxel_mm, int n, bool checkerboard);
KernelPhantom density_layer_phantom(double layer_mm, int layers_each_side, int lateral_voxels, bool layered);

}  // namespace bd
