// One decay history: sample the decay position and the beta energy, emit isotropically,
// transport the primary electron and every secondary (δ-electrons, bremsstrahlung photons,
// Compton and photo-electrons) until absorbed or escaped, score the energy.
//
// Electrons: class II condensed history (Berger 1963 class II; DPM, Sempau et al., Phys Med
// Biol 45 (2000) 2263; PENELOPE mixed scheme):
//  - continuous restricted loss (soft collisions W < Wcc, soft bremsstrahlung k < Wcr) along
//    the step, mid-point rule ΔE = s·S_soft(E − ΔE/2), with Gaussian Bohr straggling
//    (variance Ω² = s · n_e ∫_0^Wcc W² dσ/dW dW, tabulated per mass; PENELOPE's soft-loss
//    distributions with exact mean and variance, electron_interactions.hh);
//  - hard Møller collisions (W > Wcc) and hard bremsstrahlung (k > Wcr) as discrete events;
//    the distance to the next one is sampled with a majorant of σ_hard over the step's energy
//    range and accepted with σ_hard(E_end)/σ_majorant (delta-interaction method); photon
//    energies from the tabulated k dσ/dk (brems_sampler.hh), photon along the electron;
//  - step length = min(hard-event distance, max_eloss_fraction·E/S_soft, max_step_lambda1·λ1),
//    set in mass thickness and walked through voxels of one material (geometry.hh);
//  - multiple elastic scattering with the random hinge (Kawrakow & Bielajew NIM B 142 (1998)
//    253; PENELOPE): move τ·s (τ uniform), deflect by the MW angle for the whole step, move
//    (1−τ)·s; the angular model is step-size independent by construction (exact moments);
//  - the step's energy loss is scored at a uniformly sampled point along the step (unbiased
//    for a loss uniform along the step);
//  - electrons below eabs_electron deposit their residual energy where they stop; with range
//    rejection, so do electrons that cannot leave their scoring voxel (DPM/EGS practice).
// Photons: Woodcock (delta) tracking with the majorant μ_max(E) of the run's materials and
// densities; photoelectric (photo-electron with the full photon energy, along the photon
// direction; binding energy neglected), Compton (Klein–Nishina; recoil electron tracked or
// local below eabs), Rayleigh (Thomson shape); escape accounting.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/atomics.hh"
#include "kernels/brems_sampler.hh"
#include "kernels/electron_data.hh"
#include "kernels/electron_interactions.hh"
#include "kernels/geometry.hh"
#include "kernels/particle.hh"
#include "kernels/physics_model.hh"
#include "kernels/photon_interactions.hh"
#include "kernels/rng.hh"
#include "kernels/span.hh"
#include "kernels/tallies.hh"
#include "kernels/transport_params.hh"
#include "kernels/transport_tables.hh"

namespace bd {

inline constexpr PhysicsModel kElectronTransportScheme{
    "electron transport scheme",
    "class II condensed history (mixed): continuous soft loss, discrete hard Moller and "
    "bremsstrahlung events (delta-interaction sampling), step limits below",
    "Berger, Methods Comput Phys 1 (1963) 135; Sempau et al., Phys Med Biol 45 (2000) 2263"};
inline constexpr PhysicsModel kPhotonTransportScheme{
    "photon transport",
    "Woodcock (delta) tracking over the run's majorant; photoelectric (photo-electron tracked), "
    "Compton, Rayleigh",
    "Woodcock et al., ANL-7050 (1965) 557"};

struct MonoEnergy {
  float energy_MeV;
  BD_FUNCTION float sample(PhiloxEngine&) const { return energy_MeV; }
};

// Per-history accumulators (registers), flushed once at the end of the history.
struct HistoryCounters {
  unsigned long long emitted = 0, scored = 0, unscored = 0, escaped_e = 0, escaped_ph = 0,
                     below_cutoff = 0, overflow = 0, range_rejected = 0, steps_e = 0, steps_ph = 0, hard = 0,
                     tracks_e = 0, tracks_ph = 0, flushes = 0;
};

template <class Tally>
struct PendingDeposit {
  long long bin = -2;  // -2: nothing pending; -1: unscored region
  unsigned long long units = 0;

  BD_FUNCTION void add(const Tally& tally, const Site& site, float energy_MeV, HistoryCounters& c) {
    const long long b = tally.bin(site);
    const unsigned long long u = to_tally_units(energy_MeV);
    if (b != bin) {
      flush(tally, c);
      bin = b;
    }
    units += u;
  }
  BD_FUNCTION void flush(const Tally& tally, HistoryCounters& c) {
    if (units != 0) {
      if (bin >= 0) {
        tally.add(bin, units);
        c.scored += units;
        ++c.flushes;
      } else {
        c.unscored += units;
      }
    }
    units = 0;
    bin = -2;
  }
};

template <class Geometry, class Tally, class PositionSampler, class EnergySampler>
struct DecayHistory {
  TransportTables tables;
  TransportParams params;
  Geometry geometry;
  Tally tally;
  PositionSampler position;
  EnergySampler energy;
  Span<unsigned long long> balance;  // [kBalanceSize], see tallies.hh
  std::uint64_t seed = 1;

  BD_FUNCTION void operator()(std::uint64_t history) const {
    PhiloxEngine rng(seed, history);
    HistoryCounters c;
    PendingDeposit<Tally> pending;
    ParticleStack stack;

    Particle p;
    p.type = ParticleType::electron;
    p.pos_cm = position.sample(rng);
    p.dir = isotropic_direction(rng.uniform(), rng.uniform());
    p.energy_MeV = energy.sample(rng);
    c.emitted += to_tally_units(p.energy_MeV);
    if (!geometry.locate(p)) {
      c.escaped_e += to_tally_units(p.energy_MeV);
    } else {
      transport(p, stack, pending, c, rng);
      while (!stack.empty()) {
        const Particle s = stack.pop();
        transport(s, stack, pending, c, rng);
      }
    }
    pending.flush(tally, c);

    add_counter(kEmitted, c.emitted);
    add_counter(kDepositedScored, c.scored);
    add_counter(kDepositedUnscored, c.unscored);
    add_counter(kEscapedElectron, c.escaped_e);
    add_counter(kEscapedPhoton, c.escaped_ph);
    add_counter(kBelowCutoff, c.below_cutoff);
    add_counter(kStackOverflow, c.overflow);
    add_counter(kRangeRejected, c.range_rejected);
    add_counter(kCountDecays, 1);
    add_counter(kCountElectronSteps, c.steps_e);
    add_counter(kCountPhotonSteps, c.steps_ph);
    add_counter(kCountHardEvents, c.hard);
    add_counter(kCountElectronTracks, c.tracks_e);
    add_counter(kCountPhotonTracks, c.tracks_ph);
    add_counter(kCountTallyFlushes, c.flushes);
  }

 private:
  BD_FUNCTION void add_counter(int index, unsigned long long v) const {
    if (v) atomic_add(&balance[index], v);
  }

  BD_FUNCTION void transport(Particle p, ParticleStack& stack, PendingDeposit<Tally>& pending,
                             HistoryCounters& c, PhiloxEngine& rng) const {
    if (p.type == ParticleType::electron) {
      track_electron(p, stack, pending, c, rng);
    } else {
      track_photon(p, stack, pending, c, rng);
    }
  }

  // A secondary goes on the stack if it is above its cut-off and the stack has room;
  // otherwise its energy is deposited here.
  BD_FUNCTION void emit(const Particle& s, ParticleStack& stack, PendingDeposit<Tally>& pending,
                        HistoryCounters& c) const {
    const float cut = s.type == ParticleType::electron ? params.eabs_electron_MeV : params.eabs_photon_MeV;
    if (s.energy_MeV <= cut) {
      pending.add(tally, geometry.site(s), s.energy_MeV, c);
      c.below_cutoff += to_tally_units(s.energy_MeV);
      return;
    }
    if (!stack.push(s)) {
      pending.add(tally, geometry.site(s), s.energy_MeV, c);
      c.overflow += to_tally_units(s.energy_MeV);
    }
  }

  BD_FUNCTION void track_electron(Particle& p, ParticleStack& stack, PendingDeposit<Tally>& pending,
                                  HistoryCounters& c, PhiloxEngine& rng) const {
    ++c.tracks_e;
    const float f = params.max_eloss_fraction;
    // Grid offset of ln((1 − 1.5 f) E) from ln E: the hard-event majorant is taken over the
    // step's energy range without a second logarithm per step.
    const float end_shift = logf(1.0f - 1.5f * f) * tables.electron.inv_dln_e;
    for (;;) {
      if (p.energy_MeV <= params.eabs_electron_MeV) {
        pending.add(tally, geometry.site(p), p.energy_MeV, c);
        c.below_cutoff += to_tally_units(p.energy_MeV);
        return;
      }
      const float E = p.energy_MeV;
      const int mat = geometry.material_at(p);
      const ElectronDataView& ed = tables.electron;
      const GridPoint g0 = ed.locate(E);
      // Range rejection: an electron whose CSDA range is shorter than the distance to its
      // scoring cell's boundary deposits there (its δ-rays have shorter ranges; its
      // bremsstrahlung, < 0.4 % of the energy below 1 MeV in tissue, is kept local).
      if (params.range_rejection && ed.value(mat, kCsdaRange, g0) < geometry.safety_mass(p)) {
        pending.add(tally, geometry.site(p), E, c);
        c.range_rejected += to_tally_units(E);
        return;
      }
      ++c.steps_e;
      const float s_soft0 = ed.value(mat, kSoftStopping, g0);
      // Step limits (mass thickness [g/cm²]).
      const float s_eloss = f * E / s_soft0;
      const float s_ms = params.max_step_lambda1 / ed.value(mat, kTransportXs1, g0);
      const float x_end = max_f(static_cast<float>(g0.i) + g0.f + end_shift, 0.0f);
      const GridPoint g_end{static_cast<int>(x_end), x_end - static_cast<float>(static_cast<int>(x_end))};
      const float sig_major =
          max_f(ed.value(mat, kSigmaMoller, g0) + ed.value(mat, kSigmaBrems, g0),
                ed.value(mat, kSigmaMoller, g_end) + ed.value(mat, kSigmaBrems, g_end));
      float s = min_f(s_eloss, s_ms);
      bool hard = false;
      if (sig_major > 0.0f) {
        const float s_hard = -logf(rng.uniform()) / sig_major;
        if (s_hard < s) {
          s = s_hard;
          hard = true;
        }
      }
      // Mid-step energy for the loss and the angular deflection.
      const GridPoint gm = ed.locate(E - 0.5f * s * s_soft0);
      const float s_soft = ed.value(mat, kSoftStopping, gm);
      const float xs1 = ed.value(mat, kTransportXs1, gm);

      // Random hinge; the loss is scored at `mark`.
      const float tau = rng.uniform();
      const float s1 = tau * s;
      const float mark = rng.uniform() * s;
      Site mark_site = geometry.site(p);
      Site last_site = mark_site;
      MoveResult r = geometry.move_mass(p, s1, mark, mark_site, last_site);
      float done = r.mass_done;
      bool marked = r.marked;
      MoveStatus status = r.status;
      if (status == MoveStatus::complete) {
        const float mu = sample_mw_mu(tables, s * xs1, ed.value(mat, kTransportXs2, gm) / xs1, rng);
        p.dir = rotate_direction(p.dir, 1.0f - 2.0f * mu, 6.283185307f * rng.uniform());
        r = geometry.move_mass(p, s - s1, mark - s1, mark_site, last_site);
        done += r.mass_done;
        marked = marked || r.marked;
        status = r.status;
      }

      // Continuous soft loss over the mass actually traversed (mid-point rule), with Bohr
      // straggling (variance from the tables, distribution with exact first two moments).
      float dE = done * s_soft;
      if (params.straggling) dE = sample_soft_loss_exact_moments(dE, done * ed.value(mat, kStraggling, gm), rng);
      dE = min_f(dE, E);
      const float E_new = E - dE;
      const float deposit = E - E_new;
      const Site dsite = marked ? mark_site : (status == MoveStatus::complete ? geometry.site(p) : last_site);
      if (deposit > 0.0f) pending.add(tally, dsite, deposit, c);
      p.energy_MeV = E_new;

      if (status == MoveStatus::left) {
        c.escaped_e += to_tally_units(E_new);
        return;
      }
      if (status == MoveStatus::material_change || !hard) continue;
      if (E_new <= params.eabs_electron_MeV) continue;

      // Hard event candidate at E_new: accept with σ(E_new)/σ_major.
      const GridPoint gn = ed.locate(E_new);
      const float sig_m = E_new > 2.0f * params.wcc_MeV ? ed.value(mat, kSigmaMoller, gn) : 0.0f;
      const float sig_b = E_new > params.wcr_MeV ? ed.value(mat, kSigmaBrems, gn) : 0.0f;
      const float x = rng.uniform() * sig_major;
      if (x < sig_m) {
        ++c.hard;
        const float W = sample_moller_energy(E_new, params.wcc_MeV, rng);
        const float E_after = E_new - W;
        const float W_exact = E_new - E_after;  // exact (Sterbenz): E_after >= E_new/2
        // Two-body kinematics of free-electron scattering (e.g. PENELOPE eq. 3.121):
        const float mc2 = kElectronMass_MeV;
        const float cos_d = sqrtf(min_f(1.0f, W_exact * (E_new + 2.0f * mc2) / (E_new * (W_exact + 2.0f * mc2))));
        const float cos_p = sqrtf(min_f(1.0f, E_after * (E_new + 2.0f * mc2) / (E_new * (E_after + 2.0f * mc2))));
        const float phi = 6.283185307f * rng.uniform();
        Particle d = p;
        d.energy_MeV = W_exact;
        d.dir = rotate_direction(p.dir, cos_d, phi + 3.14159265f);
        p.dir = rotate_direction(p.dir, cos_p, phi);
        p.energy_MeV = E_after;
        emit(d, stack, pending, c);
      } else if (x < sig_m + sig_b) {
        ++c.hard;
        const float k = BremsEnergySampler{ed, mat, E_new}(rng);
        const float E_after = max_f(E_new - k, 0.0f);
        Particle g = p;
        g.type = ParticleType::photon;
        g.energy_MeV = E_new - E_after;
        p.energy_MeV = E_after;
        emit(g, stack, pending, c);
      }
    }
  }

  BD_FUNCTION void track_photon(Particle& p, ParticleStack& stack, PendingDeposit<Tally>& pending,
                                HistoryCounters& c, PhiloxEngine& rng) const {
    ++c.tracks_ph;
    for (;;) {
      if (p.energy_MeV <= params.eabs_photon_MeV) {
        pending.add(tally, geometry.site(p), p.energy_MeV, c);
        c.below_cutoff += to_tally_units(p.energy_MeV);
        return;
      }
      const float mu_major = tables.majorant(p.energy_MeV);
      const float d = -logf(rng.uniform()) / mu_major;
      if (!geometry.move_distance(p, d)) {
        c.escaped_ph += to_tally_units(p.energy_MeV);
        return;
      }
      ++c.steps_ph;
      const int mat = geometry.material_at(p);
      const float rho = geometry.density_at(p);
      const PhotonRow pr = tables.photon_row(mat, p.energy_MeV);
      float x = rng.uniform() * mu_major;
      const float m_photo = pr.mu_photo * rho;
      if (x < m_photo) {
        Particle e = p;
        e.type = ParticleType::electron;
        p.energy_MeV = 0.0f;
        emit(e, stack, pending, c);
        return;
      }
      x -= m_photo;
      const float m_compton = pr.mu_compton * rho;
      if (x < m_compton) {
        const ComptonResult cr = sample_klein_nishina(p.energy_MeV, rng);
        const float phi = 6.283185307f * rng.uniform();
        const Vec3f old_dir = p.dir;
        const float E0 = p.energy_MeV;
        p.dir = rotate_direction(p.dir, cr.cos_theta, phi);
        p.energy_MeV = cr.photon_energy_MeV;
        Particle e = p;
        e.type = ParticleType::electron;
        e.energy_MeV = E0 - cr.photon_energy_MeV;
        // Recoil direction from momentum conservation: p_e ∝ E0·d0 − E1·d1.
        Vec3f pe{E0 * old_dir.x - p.energy_MeV * p.dir.x, E0 * old_dir.y - p.energy_MeV * p.dir.y,
                 E0 * old_dir.z - p.energy_MeV * p.dir.z};
        const float n = sqrtf(pe.x * pe.x + pe.y * pe.y + pe.z * pe.z);
        if (n > 0.0f) e.dir = Vec3f{pe.x / n, pe.y / n, pe.z / n};
        emit(e, stack, pending, c);
        continue;
      }
      x -= m_compton;
      if (x < pr.mu_rayleigh * rho) {
        p.dir = rotate_direction(p.dir, sample_thomson_cos(rng), 6.283185307f * rng.uniform());
      }
      // else: delta (virtual) collision, nothing changes
    }
  }
};

}  // namespace bd
