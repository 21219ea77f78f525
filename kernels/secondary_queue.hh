// Secondaries in a global queue, transported by separate passes, instead of a deep stack per
// thread (issue 14 item 2, ../shared/GPU.md): on the GPU a 24-deep stack of particles is a
// 1.1 KB local-memory frame per thread, and the threads of a warp that pop a photon while the
// others still track their primary electron diverge. With the queue, a history's thread
// transports its primary and puts the secondaries into the queue; the next pass transports
// the queued particles (one per thread, all of the same round), whose secondaries go into
// the other buffer, and so on until none is left. A small stack per thread
// (kQueuedStackDepth) takes what a full queue refuses, so no particle is ever dropped for
// lack of room unless both are full (then, as before, it deposits locally and is counted).
//
// Every particle draws its random numbers from its own Philox stream, keyed by the history
// and its lineage (its place in the history's tree, child_lineage), never from a stream
// shared with the particle that created it. So the order in which a history's particles are
// transported (depth first on one thread's stack, or round by round from the queue, on any
// thread) changes nothing: with integer tallies the dose is bitwise the same with and
// without the queue (tests/core/secondary_queue_test.cpp).
#pragma once

#include <cstdint>
#include <type_traits>

#include <Random123/philox.h>

#include "kernels/atomics.hh"
#include "kernels/macros.hh"
#include "kernels/particle.hh"
#include "kernels/span.hh"

namespace bd {

// Depth of the per-thread stack when a queue takes the secondaries.
inline constexpr int kQueuedStackDepth = 6;

struct QueuedParticle {
  Particle p;
  std::uint32_t lineage;
  std::uint64_t history;
};

// A view of one queue buffer; capacity 0 = no queue (the secondaries go to the stack).
struct SecondaryQueue {
  QueuedParticle* items = nullptr;
  unsigned long long* claimed = nullptr;  // slots claimed so far (beyond capacity: refused)
  unsigned long long capacity = 0;

  BD_FUNCTION bool active() const { return capacity != 0; }
  // False (nothing stored) when the queue is full.
  BD_FUNCTION bool push(const QueuedParticle& q) const {
    const unsigned long long slot = atomic_fetch_add(claimed, 1ull);
    if (slot >= capacity) return false;
    items[slot] = q;
    return true;
  }
};

// The lineage of the k-th secondary (k = 0, 1, ...) created by a particle of lineage
// `parent` (the primary is 0): 32 bits of Philox4x32-10 of the counter (parent, k) under a
// fixed key, i.e. a pseudo-random function of the particle's place in the tree, the same
// whatever the order of transport. Two particles of one history get the same stream with
// probability ~ n²/2³³ for n particles (1e-8 for n = 10): that would correlate two tracks of
// one history, not bias any. Never 0, the primary's.
BD_FUNCTION inline std::uint32_t child_lineage(std::uint32_t parent, std::uint32_t k) {
  const r123::Philox4x32::ctr_type ctr = {{parent, k, 0x5EC0DA4Eu, 0u}};
  const r123::Philox4x32::key_type key = {{0x9E3779B9u, 0x7F4A7C15u}};
  const std::uint32_t v = r123::Philox4x32()(ctr, key).v[0];
  return v != 0u ? v : 1u;
}

// Launch adaptors of a history functor F (decay_history.hh) for the queued mode, with the
// small stack: QueuedPass<F, PrimariesPass> transports the primaries (index = history),
// QueuedPass<F, SecondariesPass> the particles of F::queue_in (index = slot). Both offer
// what the launchers need (operator(), run, Counters, balance); the tag names the kernel in
// the ptxas report.
struct PrimariesPass {};
struct SecondariesPass {};

template <class F, class Pass>
struct QueuedPass {
  F f;
  using Counters = typename F::Counters;
  Span<unsigned long long> balance;  // F's (the block reduction of launch_cuda.cuh adds there)
  BD_FUNCTION explicit QueuedPass(const F& history) : f(history), balance(history.balance) {}
  BD_FUNCTION void run(std::uint64_t index, Counters& c) const {
    if constexpr (std::is_same<Pass, SecondariesPass>::value) {
      f.template run_queued<kQueuedStackDepth>(index, c);
    } else {
      f.template run<kQueuedStackDepth>(index, c);
    }
  }
  BD_FUNCTION void operator()(std::uint64_t index) const {
    Counters c;
    run(index, c);
    f.flush_counters(c);
  }
};
template <class F>
using QueuedPrimaries = QueuedPass<F, PrimariesPass>;
template <class F>
using QueuedSecondaries = QueuedPass<F, SecondariesPass>;

// Buffer b of a queued launch holds particles of type b % 2 (ParticleType: electrons 0,
// photons 1) of generation b / 2 (the round that transports them alternates 0, 1, 0, ...).
inline constexpr int kQueueBuffers = 4;
BD_FUNCTION constexpr int queue_buffer(int generation, ParticleType type) {
  return 2 * generation + static_cast<int>(type);
}

// Histories [begin, end) of `f` with the secondary queue on a backend `ops`:
//   capacity()                    slots per buffer (> 0)
//   clear(b), claimed(b)          reset / read buffer b's claim counter (b < kQueueBuffers)
//   queue(b)                      the SecondaryQueue view of buffer b
//   launch_primaries(f, lo, hi)   QueuedPrimaries<F> over histories [lo, hi)
//   launch_queued(f, n)           QueuedSecondaries<F> over slots [0, n) of f.queue_in
// The primaries go in chunks of capacity/4 (a 90Y decay leaves ~1 secondary above the
// cut-offs in the queue), each followed by rounds over the queued particles until a round
// queues nothing. Each round transports the electrons, then the photons, of one generation
// (sorted by type: a warp runs one kind of track, not both); their secondaries go to the
// other generation's buffers. The same driver serves the CPU (kernels/transport.cpp) and
// the GPU (kernels/transport.cu).
template <class F, class Ops>
void run_with_secondary_queue(F f, std::uint64_t begin, std::uint64_t end, Ops& ops) {
  const unsigned long long capacity = ops.capacity();
  const std::uint64_t chunk = capacity / 4 > 0 ? capacity / 4 : 1;
  const auto fill_into = [&](int generation) {
    for (const ParticleType t : {ParticleType::electron, ParticleType::photon}) {
      const int b = queue_buffer(generation, t);
      ops.clear(b);
      f.queue_out[static_cast<int>(t)] = ops.queue(b);
    }
  };
  for (std::uint64_t lo = begin; lo < end;) {
    const std::uint64_t hi = end - lo > chunk ? lo + chunk : end;
    int generation = 0;
    fill_into(generation);
    f.queue_in = SecondaryQueue{};
    ops.launch_primaries(f, lo, hi);
    for (;;) {
      unsigned long long n[2];
      for (const ParticleType t : {ParticleType::electron, ParticleType::photon}) {
        const unsigned long long claimed = ops.claimed(queue_buffer(generation, t));
        n[static_cast<int>(t)] = claimed < capacity ? claimed : capacity;
      }
      if (n[0] + n[1] == 0) break;
      fill_into(1 - generation);
      for (const ParticleType t : {ParticleType::electron, ParticleType::photon}) {
        if (n[static_cast<int>(t)] == 0) continue;
        f.queue_in = ops.queue(queue_buffer(generation, t));
        ops.launch_queued(f, n[static_cast<int>(t)]);
      }
      generation = 1 - generation;
    }
    lo = hi;
  }
}

}  // namespace bd
