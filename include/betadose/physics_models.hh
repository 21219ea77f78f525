// The physics models and methods of the transport engine, for the TG-268 record: each is
// declared next to its implementation (kernels/physics_model.hh explains why); this lists them.
#pragma once

#include <vector>

#include "kernels/physics_model.hh"

namespace bd {

// In transport order: scheme, electron interactions, photons, sampling, random numbers.
const std::vector<PhysicsModel>& physics_models();

}  // namespace bd
