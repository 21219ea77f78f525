// A physics model or method as the TG-268 record (include/betadose/provenance.hh) reports it.
// Each model's descriptor is declared next to the code that implements it (the physics and
// kernel headers), so a change of model changes its description in the same place;
// physics_models() (src/physics/physics_models.cpp) lists them for the record.
#pragma once

namespace bd {

struct PhysicsModel {
  const char* process;    // what it models, e.g. "electron collision stopping power"
  const char* model;      // how, in one line
  const char* reference;  // publication(s)
};

}  // namespace bd
