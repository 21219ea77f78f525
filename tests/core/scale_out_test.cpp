// Exactness of the run split (issue 15, run_control.hh) without MPI or files: the batch
// layout; parts of arbitrary decay ranges whose batch pieces, added and accumulated in batch
// order, give bitwise the one-process result; resume from any batch boundary (also with a
// target uncertainty) bitwise equal to the uninterrupted run; a state of another case or run
// refused. The CLI tests (tests/host/scale_out_cli_test.cpp) add MPI ranks, files and signals.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <vector>

#include "betadose/errors.hh"
#include "betadose/phantom.hh"
#include "betadose/run_control.hh"
#include "betadose/source.hh"
#include "betadose/transport.hh"

namespace {

// FNV-1a: enough to tell two test cases apart (the program uses SHA-256, checksum.hh).
class TestDigest : public bd::Digest {
 public:
  void update(const void* data, std::size_t bytes) override {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < bytes; ++i) h_ = (h_ ^ p[i]) * 1099511628211ull;
  }
  std::string hex() override { return std::to_string(h_); }

 private:
  std::uint64_t h_ = 1469598103934665603ull;
};

struct Case {
  bd::Phantom phantom;
  bd::VoxelSource source;
};

// 10^3 voxels of 2 mm: water with a lung slab, activity in two blocks of unequal strength.
Case small_case(double second_block_bq = 3e6) {
  Case c;
  bd::Grid g;
  g.size = {10, 10, 10};
  g.spacing_mm = {2, 2, 2};
  c.phantom.grid = g;
  c.phantom.material_names = {"water", "lung"};
  c.phantom.material_id.assign(g.voxel_count(), 0);
  c.phantom.density_g_cm3.assign(g.voxel_count(), 1.0f);
  c.source.grid = g;
  c.source.activity_bq.assign(g.voxel_count(), 0.0);
  for (std::size_t k = 0; k < 10; ++k)
    for (std::size_t j = 0; j < 10; ++j)
      for (std::size_t i = 0; i < 10; ++i) {
        const auto v = g.linear_index(i, j, k);
        if (i >= 6) {
          c.phantom.material_id[v] = 1;
          c.phantom.density_g_cm3[v] = 0.26f;
        }
        if (i >= 3 && i < 5 && j >= 3 && j < 6 && k >= 4 && k < 6) c.source.activity_bq[v] = 1e6;
        if (i == 7 && j == 5 && k == 5) c.source.activity_bq[v] = second_block_bq;
      }
  return c;
}

bd::TransportOptions options(std::uint64_t histories = 6000, int batches = 6) {
  bd::TransportOptions o;
  o.histories = histories;
  o.batches = batches;
  o.seed = 7;
  o.threads = 2;
  return o;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

void expect_same_result(const bd::DoseResult& a, const bd::DoseResult& b) {
  EXPECT_EQ(a.histories, b.histories);
  EXPECT_TRUE(same_bits(a.dose_gy, b.dose_gy)) << "dose differs";
  EXPECT_TRUE(same_bits(a.rel_uncertainty, b.rel_uncertainty)) << "uncertainty differs";
  EXPECT_TRUE(same_bits(a.energy_per_decay_MeV, b.energy_per_decay_MeV));
  EXPECT_EQ(a.balance_per_decay.emitted_MeV, b.balance_per_decay.emitted_MeV);
  EXPECT_EQ(a.balance_per_decay.deposited_MeV, b.balance_per_decay.deposited_MeV);
  EXPECT_EQ(a.electron_steps_per_decay, b.electron_steps_per_decay);
}

// The merge of pieces, as `betadose merge` does it (src/case/scale_out.cpp) but in memory.
bd::RunTotals merge_pieces(const std::vector<bd::BatchTally>& pieces, const bd::BatchLayout& layout, std::size_t bins) {
  std::map<int, std::pair<std::vector<unsigned long long>, std::array<unsigned long long, bd::kBalanceSize>>> sum;
  for (const auto& p : pieces) {
    auto& s = sum[p.batch];
    if (s.first.empty()) s.first.assign(bins, 0ull);
    for (std::size_t i = 0; i < bins; ++i) s.first[i] += p.tally[i];
    for (int k = 0; k < bd::kBalanceSize; ++k) s.second[k] += p.balance[k];
  }
  bd::RunTotals t;
  t.reset(bins);
  for (auto& [b, s] : sum) t.add_batch(s.first, s.second, layout.end(b) - layout.begin(b));
  return t;
}

}  // namespace

TEST(ScaleOut, BatchLayoutIsGlobalByDecayIndex) {
  const auto l = bd::BatchLayout::make(10, 3);
  EXPECT_EQ(l.per_batch, 4u);
  EXPECT_EQ(l.count, 3);
  EXPECT_EQ(l.begin(2), 8u);
  EXPECT_EQ(l.end(2), 10u);
  EXPECT_EQ(l.batch_of(7), 1);
  // The 64-bit tally cap makes more batches than asked for.
  const auto big = bd::BatchLayout::make(5000000000ull, 2);
  EXPECT_EQ(big.per_batch, bd::kMaxBatchHistories);
  EXPECT_EQ(big.count, 5);
  EXPECT_THROW(bd::BatchLayout::make(10, 1), bd::InputError);
}

TEST(ScaleOut, DecayRangeParsing) {
  const auto r = bd::parse_decay_range("2.5e6:1e7");
  EXPECT_EQ(r.begin, 2500000u);
  EXPECT_EQ(r.end, 10000000u);
  EXPECT_EQ(bd::parse_decay_range("0:9007199254740993").end, 9007199254740993ull);  // 2^53 + 1, exact
  for (const char* bad : {"5", "5:3", "3:3", "-1:4", "1:x", "1:2:3", ":4", "1.5:4"})
    EXPECT_THROW(bd::parse_decay_range(bad), bd::InputError) << bad;
}

TEST(ScaleOut, PartsOfAnyRangeMergeToTheOneProcessResult) {
  const Case c = small_case();
  const auto whole = bd::run_voxel_transport(c.phantom, c.source, options());
  // 6000 decays in 6 batches of 1000: pieces cut inside batches 1, 3 and 4.
  const std::vector<bd::DecayRange> ranges{{0, 1500}, {1500, 3999}, {3999, 4001}, {4001, 6000}};
  std::vector<bd::BatchTally> pieces;
  for (const auto& r : ranges) {
    auto o = options();
    o.run.range = r;
    o.run.on_batch = [&](bd::BatchTally&& b) { pieces.push_back(std::move(b)); };
    const auto part = bd::run_voxel_transport(c.phantom, c.source, o);
    EXPECT_EQ(part.histories, 0u);  // a part accumulates nothing itself
  }
  EXPECT_EQ(pieces.size(), 9u);  // 2 + 3 + 2 + 2 batch pieces
  for (const auto& p : pieces) EXPECT_EQ(p.balance[bd::kCountDecays], p.end - p.begin);
  const auto layout = bd::BatchLayout::make(6000, 6);
  const auto t = merge_pieces(pieces, layout, c.phantom.grid.voxel_count());
  expect_same_result(bd::finish_voxel_run(t, c.phantom.grid, c.phantom.density_g_cm3, whole.scale), whole);
}

TEST(ScaleOut, PerturbedPieceChangesTheMerge) {
  // The comparison above can fail: a merge that misses one decay (2500) changes the bits.
  const Case c = small_case();
  const auto whole = bd::run_voxel_transport(c.phantom, c.source, options());
  std::vector<bd::BatchTally> pieces;
  for (const auto& r : std::vector<bd::DecayRange>{{0, 2500}, {2501, 6000}}) {
    auto o = options();
    o.run.range = r;
    o.run.on_batch = [&](bd::BatchTally&& b) { pieces.push_back(std::move(b)); };
    bd::run_voxel_transport(c.phantom, c.source, o);
  }
  const auto t = merge_pieces(pieces, bd::BatchLayout::make(6000, 6), c.phantom.grid.voxel_count());
  const auto merged = bd::finish_voxel_run(t, c.phantom.grid, c.phantom.density_g_cm3, whole.scale);
  EXPECT_FALSE(same_bits(merged.dose_gy, whole.dose_gy));
}

TEST(ScaleOut, ResumeFromAnyBatchIsBitwiseTheUninterruptedRun) {
  const Case c = small_case();
  for (double target : {0.0, 0.15}) {
    auto o = options(20000, 20);
    o.target_rel_uncertainty = target;
    o.run.make_digest = [] { return std::make_unique<TestDigest>(); };
    std::vector<bd::RunState> states;
    o.run.checkpoint = [&](const bd::RunState& s) { states.push_back(s); };
    o.run.checkpoint_every_s = 0;
    const auto whole = bd::run_voxel_transport(c.phantom, c.source, o);
    // One state per batch; the last one is the complete run (a resume then only finishes,
    // and with a target it must not run on past the batch where the target was reached).
    ASSERT_EQ(states.size(), static_cast<std::size_t>(whole.histories / 1000));
    if (target > 0) {
      EXPECT_LT(whole.histories, 20000u) << "the target should stop the run early";
    }
    for (std::size_t i : {std::size_t{0}, states.size() / 2, states.size() - 2, states.size() - 1}) {
      auto r = options(20000, 20);
      r.target_rel_uncertainty = target;
      r.run.make_digest = o.run.make_digest;
      r.run.resume = &states[i];
      expect_same_result(bd::run_voxel_transport(c.phantom, c.source, r), whole);
    }
  }
}

TEST(ScaleOut, StateOfAnotherCaseOrRunIsRefused) {
  const Case c = small_case();
  auto o = options();
  o.run.make_digest = [] { return std::make_unique<TestDigest>(); };
  std::vector<bd::RunState> states;
  o.run.checkpoint = [&](const bd::RunState& s) { states.push_back(s); };
  o.run.checkpoint_every_s = 0;
  bd::run_voxel_transport(c.phantom, c.source, o);
  ASSERT_FALSE(states.empty());
  const bd::RunState& s = states[1];
  auto resume_with = [&](const Case& cc, bd::TransportOptions r, const bd::RunState& st) {
    r.run.make_digest = o.run.make_digest;
    r.run.resume = &st;
    return bd::run_voxel_transport(cc.phantom, cc.source, r);
  };
  // Another source strength: another case fingerprint.
  EXPECT_THROW(resume_with(small_case(4e6), options(), s), bd::InputError);
  // Same case, other seed or histories.
  auto seed = options();
  seed.seed = 8;
  EXPECT_THROW(resume_with(c, seed, s), bd::InputError);
  EXPECT_THROW(resume_with(c, options(7000), s), bd::InputError);
  // Counters that do not agree with the layout.
  bd::RunState bad = s;
  bad.totals.histories += 1;
  EXPECT_THROW(resume_with(c, options(), bad), bd::InputError);
  EXPECT_NO_THROW(resume_with(c, options(), s));
}
