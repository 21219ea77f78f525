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
//  - hard Møller collisions (W > Wcc) and hard bremsstrahlung (k > Wcr) as discrete events
//    (two-body kinematics for Møller; photon energies from the tabulated k dσ/dk,
//    brems_sampler.hh, photon along the electron);
//  - elastic scattering (plus the deflections of soft inelastic collisions, elastic_
//    scattering.hh) as *artificial elastic collisions*: a Poisson sequence with mean free path
//    c·λ1 (c = elastic_event_lambda1), each deflecting with <1 − P1> = c and
//    <1 − P2> = c·λ1/λ2 (modified-Wentzel angle, electron_interactions.hh). Such a medium has
//    exactly the transport mean free paths λ1, λ2, so the Goudsmit–Saunderson angular moments
//    and the Lewis spatial moments <z>, <x² + y²> are exact over any path, and, the sequence
//    being memoryless, a flight cut short at a material boundary restarts exactly (a random
//    hinge per step, used before issue 12, was right only to leading order in s/λ1 and
//    changed when steps were cut at boundaries). The residual approximation is the shape of
//    each deflection beyond its first two moments; at c = 0.1 the kernels agree with c = 0.05
//    within 0.5 % of their peak (c = 0.2: −1.5 %, c = 0.3: −3.4 % at 1 MeV);
//  - between events the electron flies straight, at most max_eloss_fraction·E/S_soft per
//    flight; the distance to the next event (hard Møller, hard bremsstrahlung, artificial
//    elastic) is sampled with the majorant of their summed cross sections over the flight's
//    energy range and accepted with σ(E_end)/σ_majorant (delta-interaction method); flights
//    are set in mass thickness and walked through voxels of one material (geometry.hh);
//  - the flight's energy loss is scored at a uniformly sampled point (in mass) along the path
//    actually travelled (unbiased for a loss uniform along the flight): a flight cut short at
//    a material change is replayed to a new uniform point of its shorter path;
//  - electrons below eabs_electron deposit their residual energy where they stop; with range
//    rejection, so do electrons that cannot leave their scoring voxel (DPM/EGS practice),
//    less the bremsstrahlung photons of their residual track, which are emitted and tracked
//    (emit_residual_bremsstrahlung).
// Random numbers: every particle has its own Philox stream (history, lineage), so the order
// in which a history's particles are transported — the thread's stack or the secondary
// queue of kernels/secondary_queue.hh — does not change the result.
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
#include "kernels/secondary_queue.hh"
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

// Accumulators in registers: per history on the CPU (flushed at its end), per thread over all
// its histories on the GPU (reduced per block, kernels/launch_cuda.cuh). Only ever added to.
struct HistoryCounters {
  unsigned long long emitted = 0, scored = 0, unscored = 0, escaped_e = 0, escaped_ph = 0,
                     below_cutoff = 0, overflow = 0, range_rejected = 0, decays = 0, steps_e = 0,
                     steps_ph = 0, hard = 0, tracks_e = 0, tracks_ph = 0, flushes = 0;
};

// The counter of balance slot `index` (BalanceIndex, tallies.hh).
BD_FUNCTION inline unsigned long long counter_value(const HistoryCounters& c, int index) {
  switch (index) {
    case kEmitted: return c.emitted;
    case kDepositedScored: return c.scored;
    case kDepositedUnscored: return c.unscored;
    case kEscapedElectron: return c.escaped_e;
    case kEscapedPhoton: return c.escaped_ph;
    case kBelowCutoff: return c.below_cutoff;
    case kStackOverflow: return c.overflow;
    case kRangeRejected: return c.range_rejected;
    case kCountDecays: return c.decays;
    case kCountElectronSteps: return c.steps_e;
    case kCountPhotonSteps: return c.steps_ph;
    case kCountHardEvents: return c.hard;
    case kCountElectronTracks: return c.tracks_e;
    case kCountPhotonTracks: return c.tracks_ph;
    case kCountTallyFlushes: return c.flushes;
    default: return 0;
  }
}
static_assert(kBalanceSize == 15, "counter_value() names every balance slot");

// One pending deposit per tally bin: consecutive deposits in the same bin are summed and
// added with one atomic when the bin changes. `weight` scales what the tally receives (the
// water-to-medium stopping-power ratio for dose to water) but not the energy balance, which
// counts the energy actually deposited.
template <class Tally>
struct PendingDeposit {
  long long bin = -2;  // -2: nothing pending; -1: unscored region
  unsigned long long units = 0;  // tallied (weighted)
  unsigned long long raw = 0;    // energy balance (unweighted)

  BD_FUNCTION BD_FORCEINLINE void add(const Tally& tally, const Site& site, float energy_MeV, HistoryCounters& c,
                       float weight = 1.0f) {
    const long long b = tally.bin(site);
    if (b != bin) {
      flush(tally, c);
      bin = b;
    }
    const unsigned long long u = to_tally_units(energy_MeV);
    raw += u;
    units += weight == 1.0f ? u : to_tally_units(energy_MeV * weight);
  }
  BD_FUNCTION void flush(const Tally& tally, HistoryCounters& c) {
    if (raw != 0) {
      if (bin >= 0) {
        tally.add(bin, units);
        c.scored += raw;
        ++c.flushes;
      } else {
        c.unscored += raw;
      }
    }
    units = raw = 0;
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
  // Secondary queue (kernels/secondary_queue.hh): queue_out[type] active = secondaries of
  // that type go there (the stack takes what it refuses); queue_in = the particles
  // run_queued() transports.
  SecondaryQueue queue_in;
  SecondaryQueue queue_out[2];

  // One history, counters added to the balance at its end (the CPU backend).
  BD_FUNCTION void operator()(std::uint64_t history) const {
    HistoryCounters c;
    run(history, c);
    flush_counters(c);
  }

  // One history; its counters are added to `c` (the GPU backend sums a thread's histories
  // and reduces them per block). Depth: of the per-thread secondary stack.
  using Counters = HistoryCounters;
  template <int Depth = kStackDepth>
  BD_FUNCTION void run(std::uint64_t history, HistoryCounters& c) const {
    PhiloxEngine rng(seed, history);
    ++c.decays;
    Particle p;
    p.type = ParticleType::electron;
    p.pos_cm = position.sample(rng, history);
    p.dir = isotropic_direction(rng.uniform(), rng.uniform());
    p.energy_MeV = energy.sample(rng);
    c.emitted += to_tally_units(p.energy_MeV);
    if (!geometry.locate(p)) {
      c.escaped_e += to_tally_units(p.energy_MeV);
      return;
    }
    transport_family<Depth>(p, history, 0u, rng, c);
  }

  // The particle in slot `slot` of queue_in (the energy was counted with its primary).
  template <int Depth = kStackDepth>
  BD_FUNCTION void run_queued(std::uint64_t slot, HistoryCounters& c) const {
    const QueuedParticle q = queue_in.items[slot];
    PhiloxEngine rng(seed, q.history, q.lineage);
    transport_family<Depth>(q.p, q.history, q.lineage, rng, c);
  }

  BD_FUNCTION void flush_counters(const HistoryCounters& c) const {
    for (int k = 0; k < kBalanceSize; ++k) {
      const unsigned long long v = counter_value(c, k);
      if (v) atomic_add(&balance[k], v);
    }
  }

 private:
  // The particle being transported: its history and lineage, and how many secondaries it
  // has created (their lineages follow from these, child_lineage()).
  struct Family {
    std::uint64_t history;
    std::uint32_t lineage;
    std::uint32_t children;
  };

  // Particle p (stream `rng`, lineage `lineage`), then the secondaries that go to this
  // thread's stack, depth first, each on its own stream. One call site of transport()
  // keeps the device code inlined (a call would put the state in local memory).
  template <int Depth>
  BD_FUNCTION BD_FORCEINLINE void transport_family(Particle p, std::uint64_t history, std::uint32_t lineage,
                                                   PhiloxEngine& rng, HistoryCounters& c) const {
    PendingDeposit<Tally> pending;
    ParticleStackN<Depth> stack;
    for (;;) {
      Family family{history, lineage, 0u};
      transport(p, family, stack, pending, c, rng);
      if (stack.empty()) break;
      const StackedParticle next = stack.pop();
      p = next.p;
      lineage = next.lineage;
      rng = PhiloxEngine(seed, history, lineage);
    }
    pending.flush(tally, c);
  }

  // Tally weight of energy deposited by electrons of energy E in material mat: 1 for dose to
  // medium; S_col,water/S_col,medium at E for dose to water (Bragg–Gray conversion applied per
  // deposit at the depositing electron's energy; local residuals of stopped, range-rejected
  // or below-cut particles use their energy E, photons the electron value at their energy).
  BD_FUNCTION float water_weight(int mat, float E) const {
    return params.dose_to_water ? tables.electron.value(mat, kWaterToMedium, max_f(E, tables.electron.e_min_MeV)) : 1.0f;
  }
  BD_FUNCTION float water_weight(int mat, const GridPoint& g) const {
    return params.dose_to_water ? tables.electron.value(mat, kWaterToMedium, g) : 1.0f;
  }

  template <class Stack>
  BD_FUNCTION BD_FORCEINLINE void transport(Particle p, Family& family, Stack& stack, PendingDeposit<Tally>& pending,
                                            HistoryCounters& c, PhiloxEngine& rng) const {
    if (p.type == ParticleType::electron) {
      track_electron(p, family, stack, pending, c, rng);
    } else {
      track_photon(p, family, stack, pending, c, rng);
    }
  }

  // A secondary above its cut-off goes to the queue (when there is one and it has room),
  // else to the stack; when both are full, or below the cut-off, its energy is deposited
  // here. It gets its lineage in either case, so its stream does not depend on where it goes.
  template <class Stack>
  BD_FUNCTION void emit(const Particle& s, Family& family, Stack& stack, PendingDeposit<Tally>& pending,
                        HistoryCounters& c) const {
    const float cut = s.type == ParticleType::electron ? params.eabs_electron_MeV : params.eabs_photon_MeV;
    if (s.energy_MeV <= cut) {
      pending.add(tally, geometry.site(s), s.energy_MeV, c, water_weight(geometry.material_at(s), s.energy_MeV));
      c.below_cutoff += to_tally_units(s.energy_MeV);
      return;
    }
    const std::uint32_t lineage = child_lineage(family.lineage, family.children++);
    const SecondaryQueue& queue = queue_out[static_cast<int>(s.type)];
    if (queue.active() && queue.push(QueuedParticle{s, lineage, family.history})) return;
    if (!stack.push(s, lineage)) {
      pending.add(tally, geometry.site(s), s.energy_MeV, c, water_weight(geometry.material_at(s), s.energy_MeV));
      c.overflow += to_tally_units(s.energy_MeV);
    }
  }

  // The hard bremsstrahlung photons (k > wcr) a range-rejected electron of energy E would
  // emit on its residual track, in the continuous-slowing-down approximation: they form a
  // Poisson process of unit rate in N(E') = ∫_0^E' σ_brems/S_tot dE'' (kBremsPhotonsToRest),
  // so, going down from N(E), the next emission is an Exp(1) step lower in N; it happens at
  // E' = N⁻¹(N) with k from the DCS at E' (the sampler of the explicit events). The photons
  // start at the rejection point (the whole residual track is inside this voxel) along the
  // electron's direction, the convention of the explicit events (the photon tail of an
  // isotropic source does not depend on it). Neglected: the bremsstrahlung of the residual
  // track's own δ-rays (W < E/2, and the radiative yield grows with energy). Returns the
  // energy left to deposit locally, E − Σk.
  template <class Stack>
  BD_FUNCTION float emit_residual_bremsstrahlung(const Particle& p, int mat, GridPoint g0, Family& family, Stack& stack,
                                                 PendingDeposit<Tally>& pending, HistoryCounters& c,
                                                 PhiloxEngine& rng) const {
    const ElectronDataView& ed = tables.electron;
    float local = p.energy_MeV;
    float n = ed.value(mat, kBremsPhotonsToRest, g0);
    for (;;) {
      n += logf(rng.uniform());  // an Exp(1) step down in N
      if (!(n > 0.0f)) return local;
      const float e_emit = ed.energy_from_increasing(mat, kBremsPhotonsToRest, n);
      if (e_emit <= params.wcr_MeV) return local;
      const float k = BremsEnergySampler{ed, mat, min_f(e_emit, p.energy_MeV)}(rng);
      const float after = max_f(local - k, 0.0f);
      Particle g = p;
      g.type = ParticleType::photon;
      g.energy_MeV = local - after;  // what leaves `local`, so the energy stays balanced
      local = after;
      emit(g, family, stack, pending, c);
    }
  }

  template <class Stack>
  BD_FUNCTION void track_electron(Particle& p, Family& family, Stack& stack, PendingDeposit<Tally>& pending,
                                  HistoryCounters& c, PhiloxEngine& rng) const {
    ++c.tracks_e;
    const float f = params.max_eloss_fraction;
    // Grid offset of ln((1 − 1.5 f) E) from ln E: the hard-event majorant is taken over the
    // step's energy range without a second logarithm per step.
    const float end_shift = logf(1.0f - 1.5f * f) * tables.electron.inv_dln_e;
    // Every artificial elastic collision deflects with the same first moment.
    const MwFirstMoment mw = mw_first_moment(tables, params.elastic_event_lambda1);
    // Grid point of the energy `located_MeV`: a step that ends in an event has located its
    // end energy already, and the next step starts there (one logarithm per step saved).
    float located_MeV = -1.0f;
    GridPoint g_located{0, 0.0f};
    for (;;) {
      if (p.energy_MeV <= params.eabs_electron_MeV) {
        pending.add(tally, geometry.site(p), p.energy_MeV, c, water_weight(geometry.material_at(p), p.energy_MeV));
        c.below_cutoff += to_tally_units(p.energy_MeV);
        return;
      }
      const float E = p.energy_MeV;
      const int mat = geometry.material_at(p);
      const ElectronDataView& ed = tables.electron;
      if (E != located_MeV) {
        g_located = ed.locate(E);
        located_MeV = E;
      }
      const GridPoint g0 = g_located;
      // Range rejection: an electron whose CSDA range is shorter than the distance to its
      // scoring cell's boundary deposits there (its δ-rays have shorter ranges) — except the
      // bremsstrahlung of its residual track. That is a fraction of a percent of the energy,
      // but it is all the dose beyond the electrons' reach: kept local, it made the photon
      // tail of the 90Y voxel S values 15–25 % low (Lanconelli 2012, 4–9.28 mm voxels).
      if (params.range_rejection && ed.value(mat, kCsdaRange, g0) < geometry.safety_mass(p)) {
        const float local = emit_residual_bremsstrahlung(p, mat, g0, family, stack, pending, c, rng);
        pending.add(tally, geometry.site(p), local, c, water_weight(mat, g0));
        c.range_rejected += to_tally_units(local);
        return;
      }
      ++c.steps_e;
      const float s_soft0 = ed.value(mat, kSoftStopping, g0);
      // Step: at most a fraction f of E lost softly; ended earlier by the next event of the
      // combined majorant (hard Møller, hard bremsstrahlung, artificial elastic collision)
      // over the step's energy range (delta-interaction method: the event is real with
      // σ(E_new)/σ_major). All cross sections decrease with energy over the tables' range
      // except near thresholds, hence the maximum of the two ends.
      const float s_eloss = f * E / s_soft0;
      const float x_end = max_f(static_cast<float>(g0.i) + g0.f + end_shift, 0.0f);
      const GridPoint g_end{static_cast<int>(x_end), x_end - static_cast<float>(static_cast<int>(x_end))};
      const float inv_c = 1.0f / params.elastic_event_lambda1;
      const float sig_major =
          max_f(ed.value(mat, kSigmaMoller, g0) + ed.value(mat, kSigmaBrems, g0) + inv_c * ed.value(mat, kTransportXs1, g0),
                ed.value(mat, kSigmaMoller, g_end) + ed.value(mat, kSigmaBrems, g_end) +
                    inv_c * ed.value(mat, kTransportXs1, g_end));
      float s = s_eloss;
      bool event = false;
      const float s_event = -logf(rng.uniform()) / sig_major;
      if (s_event < s) {
        s = s_event;
        event = true;
      }

      // Straight flight; the soft loss is scored at `mark`, uniform in mass along it.
      const float mark = rng.uniform() * s;
      const Particle start = p;
      Site mark_site = geometry.site(p);
      const MoveResult r = geometry.move_mass(p, s, mark, mark_site);
      const float done = r.mass_done;
      const MoveStatus status = r.status;
      // A flight cut short at a material change or at the grid edge before reaching its mark:
      // its loss belongs uniformly to the mass actually traversed, [0, done). Given
      // mark >= done, (mark − done)/(s − done) is uniform on [0, 1) and independent of the
      // path, so it places a new mark on [0, done), found by replaying the flight from its
      // start (same arithmetic).
      if (!r.marked) {
        if (status != MoveStatus::complete && done > 0.0f) {
          Particle q = start;
          geometry.move_mass(q, min_f((mark - done) / (s - done), 1.0f) * done, -1.0f, mark_site);
          mark_site = geometry.site(q);
        } else {
          mark_site = geometry.site(p);  // rounding at the very end of a complete flight
        }
      }

      // Continuous soft loss over the mass actually traversed, mid-point rule, with Bohr
      // straggling (variance from the tables, distribution with exact first two moments).
      const GridPoint gd = ed.locate(E - 0.5f * done * s_soft0);
      float dE = done * ed.value(mat, kSoftStopping, gd);
      if (params.straggling) dE = sample_soft_loss_exact_moments(dE, done * ed.value(mat, kStraggling, gd), rng);
      dE = min_f(dE, E);
      const float E_new = E - dE;
      const float deposit = E - E_new;
      if (deposit > 0.0f) pending.add(tally, mark_site, deposit, c, water_weight(mat, gd));
      p.energy_MeV = E_new;

      if (status == MoveStatus::left) {
        c.escaped_e += to_tally_units(E_new);
        return;
      }
      if (status == MoveStatus::material_change || !event) continue;
      if (E_new <= params.eabs_electron_MeV) continue;

      // Event at E_new: artificial elastic collision, hard Møller, hard bremsstrahlung or
      // nothing (virtual), with probabilities σ_x(E_new)/σ_major.
      const GridPoint gn = ed.locate(E_new);
      g_located = gn;
      located_MeV = E_new;
      const float xs1 = ed.value(mat, kTransportXs1, gn);
      const float sig_el = inv_c * xs1;
      float x = rng.uniform() * sig_major;
      if (x < sig_el) {
        // Mean free path c·λ1 between artificial collisions whose deflection has
        // <1 − P1> = c and <1 − P2> = c·λ1/λ2: a Poisson sequence of them reproduces the
        // exact transport mean free paths λ1, λ2 over any path (Goudsmit–Saunderson / Lewis
        // moments), and restarts exactly at any boundary (memoryless).
        const float a2 = min_f(params.elastic_event_lambda1 * ed.value(mat, kTransportXs2, gn) / xs1, 1.4f);
        const float mu = sample_mw_mu(mw, a2, rng);
        p.dir = rotate_direction(p.dir, 1.0f - 2.0f * mu, 6.283185307f * rng.uniform());
        continue;
      }
      x -= sig_el;
      const float sig_m = E_new > 2.0f * params.wcc_MeV ? ed.value(mat, kSigmaMoller, gn) : 0.0f;
      const float sig_b = E_new > params.wcr_MeV ? ed.value(mat, kSigmaBrems, gn) : 0.0f;
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
        emit(d, family, stack, pending, c);
      } else if (x < sig_m + sig_b) {
        ++c.hard;
        const float k = BremsEnergySampler{ed, mat, E_new}(rng);
        const float E_after = max_f(E_new - k, 0.0f);
        Particle g = p;
        g.type = ParticleType::photon;
        g.energy_MeV = E_new - E_after;
        p.energy_MeV = E_after;
        emit(g, family, stack, pending, c);
      }
    }
  }

  template <class Stack>
  BD_FUNCTION void track_photon(Particle& p, Family& family, Stack& stack, PendingDeposit<Tally>& pending,
                                HistoryCounters& c, PhiloxEngine& rng) const {
    ++c.tracks_ph;
    for (;;) {
      if (p.energy_MeV <= params.eabs_photon_MeV) {
        pending.add(tally, geometry.site(p), p.energy_MeV, c, water_weight(geometry.material_at(p), p.energy_MeV));
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
        emit(e, family, stack, pending, c);
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
        emit(e, family, stack, pending, c);
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
