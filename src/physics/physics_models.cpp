#include "betadose/physics_models.hh"

#include "betadose/bremsstrahlung.hh"
#include "betadose/collision_stopping.hh"
#include "betadose/density_effect.hh"
#include "betadose/elastic_scattering.hh"
#include "betadose/elements.hh"
#include "betadose/photon_tables.hh"
#include "betadose/spectrum_table.hh"
#include "kernels/decay_history.hh"
#include "kernels/electron_interactions.hh"
#include "kernels/multiple_scattering.hh"
#include "kernels/photon_interactions.hh"
#include "kernels/rng.hh"

namespace bd {

const std::vector<PhysicsModel>& physics_models() {
  static const std::vector<PhysicsModel> models{
      kElectronTransportScheme, kCollisionStoppingModel, kDensityEffectModel,
      kMeanExcitationModel,     kMollerModel,            kEnergyStragglingModel,
      kBremsstrahlungModel,     kElasticScatteringModel, kMultipleScatteringModel,
      kPhotonTransportScheme,   kPhotonCrossSectionModel, kComptonModel,
      kBetaSpectrumModel,       kRandomNumberModel};
  return models;
}

}  // namespace bd
