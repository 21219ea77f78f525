// Scale-out as a user runs it (issue 15): `mpirun --oversubscribe -n 2` and `-n 3` give the dose
// file (and the dpk/vsv CSV) of one process bit for bit, also with a target uncertainty; job-array
// parts merge to the one-process dose file whatever their ranges and order, and every bad merge
// is refused (overlap, gap, another case, another option, edited files); a run killed with
// SIGINT/SIGTERM at random points and resumed (also with another number of ranks) ends bitwise
// equal to the uninterrupted run; checkpoints of another run and edited checkpoints are refused.
//
// "Bitwise equal" means every dataset and attribute of the dose file except the timings
// (wall_time_s, transport_wall_time_s, the TG-268 "timing" section) and the TG-268 "machine"
// section (threads, ranks, host), which no two runs share.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <random>
#include <sstream>

#include "betadose/dose_file.hh"
#include "betadose/image_io.hh"
#include "betadose/parallel.hh"
#include "cli_runner.hh"
#include "tiny_mc_case.hh"

namespace fs = std::filesystem;

namespace {

const char* kMpirun = "mpirun --oversubscribe --allow-run-as-root --bind-to none";

bool mpi_available() {
  return bd::mpi_compiled() && bd::test::run_shell("command -v mpirun").exit_code == 0;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

// Every dataset and attribute but the timings.
void expect_same_dose_file(const std::string& pa, const std::string& pb) {
  const bd::DoseFile a = bd::read_dose_file(pa), b = bd::read_dose_file(pb);
  EXPECT_TRUE(same_bits(a.dose_gy, b.dose_gy)) << pa << " vs " << pb << ": dose differs";
  EXPECT_TRUE(same_bits(a.dose_rel_uncertainty, b.dose_rel_uncertainty)) << pb << ": uncertainty differs";
  EXPECT_TRUE(same_bits(a.activity_bq, b.activity_bq));
  EXPECT_TRUE(same_bits(a.density_g_cm3, b.density_g_cm3));
  EXPECT_TRUE(same_bits(a.material_id, b.material_id));
  EXPECT_EQ(a.roi, b.roi);
  EXPECT_TRUE(a.grid.same_geometry(b.grid, 0));
  EXPECT_EQ(a.histories, b.histories);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.device, b.device);
  EXPECT_EQ(a.energy_emitted_J, b.energy_emitted_J);
  EXPECT_EQ(a.energy_deposited_J, b.energy_deposited_J);
  EXPECT_EQ(a.energy_escaped_J, b.energy_escaped_J);
  EXPECT_EQ(a.total_activity_bq, b.total_activity_bq);
  EXPECT_EQ(a.text, b.text);
  auto untimed = [](std::map<std::string, double> m) {
    m.erase("transport_wall_time_s");
    return m;
  };
  auto run_independent = [](const bd::ProvenanceRecord& r) {
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> out;
    for (const auto& sec : r.sections) {
      if (sec.name == "timing" || sec.name == "machine") continue;
      out.push_back({sec.name, {}});
      for (const auto& v : sec.values) {
        std::ostringstream os;
        os << std::setprecision(17) << v.number;
        out.back().second.push_back({v.key, v.numeric ? os.str() : v.text});
      }
    }
    return out;
  };
  EXPECT_FALSE(a.provenance.empty());
  EXPECT_EQ(run_independent(a.provenance), run_independent(b.provenance)) << pb << ": TG-268 record differs";
  const auto ea = untimed(a.extra), eb = untimed(b.extra);
  ASSERT_EQ(ea.size(), eb.size());
  for (const auto& [k, v] : ea) {
    const double w = eb.at(k);
    EXPECT_TRUE(v == w || (std::isnan(v) && std::isnan(w))) << k << ": " << v << " vs " << w;
  }
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The tiny case of mc_cli_test (tiny_mc_case.hh), 40000 decays in 8 batches of 5000.
class ScaleOutCli : public ::testing::Test {
 protected:
  fs::path dir;
  std::string ct, act, act2, liver, exe;

  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("bd_scale_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    exe = BETADOSE_EXECUTABLE;
    auto c = bd::test::write_tiny_mc_case(dir);
    ct = c.ct;
    liver = c.liver;
    act = c.activity;
    c.counts(4, 4, 4) += 1.0f;  // a one-count change: another case
    act2 = path("spect2.mha");
    bd::write_image(act2, c.counts);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir);
  }

  std::string path(const std::string& name) const { return (dir / name).string(); }
  std::string case_args(const std::string& activity = "", int seed = 5) const {
    return " mc --ct " + ct + " --activity " + (activity.empty() ? act : activity) +
           " --activity-units counts --total-activity-gbq 1 --mask liver=" + liver + " --seed " +
           std::to_string(seed) + " --quiet";
  }
  std::string run_args(std::uint64_t histories = 40000) const {
    return " --histories " + std::to_string(histories) + " --batches 8";
  }
  // One process, two threads: the reference.
  std::string reference(std::uint64_t histories = 40000) {
    const std::string out = path("ref_" + std::to_string(histories) + ".h5");
    if (!fs::exists(out)) {
      const auto r = bd::test::run_shell(exe + case_args() + run_args(histories) + " --threads 2 --out " + out);
      EXPECT_EQ(r.exit_code, 0) << r.output;
    }
    return out;
  }
  bd::test::CliResult mpi(int ranks, const std::string& args) const {
    return bd::test::run_shell(std::string(kMpirun) + " -n " + std::to_string(ranks) + " " + exe + args);
  }
  bd::test::CliResult edit(const std::string& args) const {
    return bd::test::run_shell("/usr/bin/python3 " + std::string(BETADOSE_SOURCE_DIR) + "/tests/python/edit_hdf5.py " + args);
  }
  // A part of the reference run (or of the run `args` describe).
  std::string part(const std::string& name, const std::string& range, const std::string& args = "") {
    const std::string p = path(name);
    const auto r = bd::test::run_shell(exe + (args.empty() ? case_args() + run_args() : args) +
                                       " --threads 2 --decay-range " + range + " --partial " + p);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return p;
  }
  bd::test::CliResult merge(const std::string& parts, const std::string& out) const {
    return bd::test::run_shell(exe + " merge " + parts + " --out " + out);
  }
};

}  // namespace

TEST_F(ScaleOutCli, MpiRanksGiveTheOneProcessDoseFile) {
  if (!mpi_available()) GTEST_SKIP() << "built without MPI or no mpirun";
  const std::string ref = reference();
  for (int k : {2, 3}) {
    const std::string out = path("mpi" + std::to_string(k) + ".h5");
    const auto r = mpi(k, case_args() + run_args() + " --threads 1 --out " + out);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    expect_same_dose_file(ref, out);
  }
  // The comparison can fail: another seed under MPI is another dose.
  const std::string other = path("mpi_seed6.h5");
  ASSERT_EQ(mpi(2, case_args("", 6) + run_args() + " --threads 1 --out " + other).exit_code, 0);
  EXPECT_FALSE(same_bits(bd::read_dose_file(ref).dose_gy, bd::read_dose_file(other).dose_gy));
}

TEST_F(ScaleOutCli, MpiTargetUncertaintyIsDecidedOnTheReducedStatistics) {
  if (!mpi_available()) GTEST_SKIP() << "built without MPI or no mpirun";
  // Upper bound 4e5 decays in batches of 5e4: a 25 % target over the liver stops after the
  // minimum of 5 batches or soon after; the decision must be the same for 1 and 3 ranks.
  const std::string args = case_args() + run_args(400000) + " --target-uncertainty 0.25 --uncertainty-mask liver "
                                                           "--threads 1";
  const std::string one = path("t1.h5"), three = path("t3.h5");
  ASSERT_EQ(bd::test::run_shell(exe + args + " --out " + one).exit_code, 0);
  const auto r = mpi(3, args + " --out " + three);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto f = bd::read_dose_file(one);
  EXPECT_LT(f.histories, 400000u) << "the target should have stopped the run";
  expect_same_dose_file(one, three);
}

TEST_F(ScaleOutCli, MpiDpkAndVsvGiveTheOneProcessCsv) {
  if (!mpi_available()) GTEST_SKIP() << "built without MPI or no mpirun";
  const std::string dpk = " dpk --histories 6000 --batches 4 --shell-mm 0.5 --rmax-mm 6 --seed 3 --threads 1 --out ";
  const std::string vsv = " vsv --histories 6000 --batches 4 --voxel-mm 3 --half-width 2 --seed 3 --threads 1 --out ";
  for (const auto& [args, name] : {std::pair{dpk, "dpk"}, std::pair{vsv, "vsv"}}) {
    const std::string one = path(std::string(name) + "1.csv"), two = path(std::string(name) + "2.csv");
    ASSERT_EQ(bd::test::run_shell(exe + args + one).exit_code, 0);
    const auto r = mpi(2, args + two);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(slurp(one), slurp(two)) << name;
  }
}

TEST_F(ScaleOutCli, MpiBadInputEndsTheJobWithExitTwo) {
  if (!mpi_available()) GTEST_SKIP() << "built without MPI or no mpirun";
  const auto r = mpi(2, " mc --ct " + path("missing.nii.gz") + " --activity " + act +
                            " --total-activity-gbq 1 --out " + path("x.h5"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("missing.nii.gz"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(path("x.h5")));
}

TEST_F(ScaleOutCli, PartsOfAnyRangeMergeToTheOneProcessDoseFile) {
  const std::string ref = reference();
  // Ranges cut inside batches (5000 decays each); the middle part runs on 2 MPI ranks.
  const std::string a = part("a.h5", "0:7500"), c = part("c.h5", "21001:40000");
  std::string b = path("b.h5");
  if (mpi_available()) {
    const auto r = mpi(2, case_args() + run_args() + " --threads 1 --decay-range 7500:21001 --partial " + b);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  } else {
    b = part("b.h5", "7500:21001");
  }
  const std::string out = path("merged.h5");
  const auto r = bd::test::run_shell(exe + " merge " + c + " " + a + " " + b + " --out " + out + " --export " +
                                     path("merged.nii.gz"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("merged    3 part(s), 8 batches"), std::string::npos) << r.output;
  expect_same_dose_file(ref, out);
  EXPECT_TRUE(fs::exists(path("merged.nii.gz")));
  // Eight parts on batch boundaries merge alike.
  std::string eight;
  for (int i = 0; i < 8; ++i)
    eight += " " + part("e" + std::to_string(i) + ".h5", std::to_string(5000 * i) + ":" + std::to_string(5000 * (i + 1)));
  ASSERT_EQ(merge(eight, path("merged8.h5")).exit_code, 0);
  expect_same_dose_file(ref, path("merged8.h5"));
}

TEST_F(ScaleOutCli, MergeRefusesOverlapsGapsAndOtherRuns) {
  const std::string a = part("a.h5", "0:20000"), b = part("b.h5", "20000:40000");
  const std::string out = path("m.h5");
  auto refused = [&](const std::string& parts, const std::vector<std::string>& needles) {
    const auto r = merge(parts, out);
    EXPECT_EQ(r.exit_code, 2) << parts << "\n" << r.output;
    for (const auto& n : needles) EXPECT_NE(r.output.find(n), std::string::npos) << "no '" << n << "' in " << r.output;
    EXPECT_FALSE(fs::exists(out));
  };
  refused(a + " " + part("o.h5", "19999:40000"), {"overlaps", "o.h5"});
  refused(a + " " + b + " " + b, {"overlaps"});
  refused(a + " " + part("g.h5", "20001:40000"), {"decays 20000:20001 are missing"});
  refused(a, {"decays 20000:40000 are missing"});
  refused(part("s.h5", "0:20000", case_args("", 6) + run_args()) + " " + b, {"not a part of the same run", "seed = 6"});
  // Another activity image: its checksum differs.
  refused(a + " " + part("x.h5", "20000:40000", case_args(act2) + run_args()), {"input --activity differs"});
  refused(a + " " + part("h.h5", "20000:50000", case_args() + run_args(50000)), {"not a part of the same run", "histories"});
  // Not parts at all.
  const std::string dose = reference();
  refused(a + " " + dose, {"not a betadose part file"});
  refused(a + " " + path("none.h5"), {"none.h5: file not found"});
}

TEST_F(ScaleOutCli, EditedPartsAreRefused) {
  const std::string b = part("b.h5", "20000:40000");
  struct Edit {
    std::string args, needle;
  };
  const std::vector<Edit> edits{{"attr / range_begin 15000", "changed or damaged"},
                                {"attr / seed 6", "changed or damaged"},
                                {"attr / options 'seed = 5'", "changed or damaged"},
                                {"attr /scale total_activity_bq 2e9", "changed or damaged"},
                                {"bump /batches/tally", "tally of batch"},
                                {"bump /batches/balance", "tally of batch"},
                                {"bump /case_dose_file", "changed or damaged"}};
  for (const auto& e : edits) {
    const std::string a = part("a.h5", "0:20000");
    const auto ed = edit(a + " " + e.args);
    ASSERT_EQ(ed.exit_code, 0) << ed.output;
    const auto r = merge(a + " " + b, path("m.h5"));
    EXPECT_EQ(r.exit_code, 2) << e.args << "\n" << r.output;
    EXPECT_NE(r.output.find(e.needle), std::string::npos) << e.args << ": " << r.output;
    EXPECT_FALSE(fs::exists(path("m.h5")));
  }
}

TEST_F(ScaleOutCli, PartOptionsAreChecked) {
  auto bad = [&](const std::string& extra, const std::string& needle) {
    const auto r = bd::test::run_shell(exe + case_args() + run_args() + extra);
    EXPECT_EQ(r.exit_code, 2) << extra << "\n" << r.output;
    EXPECT_NE(r.output.find(needle), std::string::npos) << extra << ": " << r.output;
  };
  const std::string p = " --partial " + path("p.h5");
  bad(p, "--partial needs --decay-range");
  bad(" --decay-range 0:10", "--decay-range needs --partial");
  bad(p + " --decay-range 10:5", "BEGIN 10 must be below END 5");
  bad(p + " --decay-range 0:50000", "must lie within the run's 40000 decays");
  bad(p + " --decay-range 0:10 --target-uncertainty 0.1", "--target-uncertainty");
  bad(p + " --decay-range 0:10 --out " + path("d.h5"), "give --out/--export to betadose merge");
  bad(" --partial " + path("p.csv") + " --decay-range 0:10", "must end in .h5");
  bad(p + " --decay-range 0:10 --checkpoint " + path("c.h5"), "cannot be combined with --checkpoint");
  bad(" --checkpoint-every-s -1 --out " + path("d.h5"), "--checkpoint-every-s");
  EXPECT_FALSE(fs::exists(path("p.h5")));
}

// Kills a run at random moments after its first checkpoint and resumes it until it completes.
// `launcher` is "" (one process) or an mpirun prefix; with MPI the signal goes to every rank.
TEST_F(ScaleOutCli, KilledAtRandomPointsAndResumedEqualsTheUninterruptedRun) {
  const std::uint64_t n = 160000;  // 8 batches of 2e4 decays: ~0.3-1 s each on this machine
  const std::string ref = reference(n);
  std::mt19937 rng(20261201);
  std::uniform_real_distribution<double> delay(0.0, 1.5);
  const bool with_mpi = mpi_available();
  for (int trial = 0; trial < 3; ++trial) {
    const std::string out = path("res" + std::to_string(trial) + ".h5"), ck = path("ck" + std::to_string(trial) + ".h5");
    int interrupted = 0;
    for (int attempt = 0; attempt < 12; ++attempt) {
      // Trial 2 runs on MPI ranks (2, then 3 after the first resume) when available.
      const bool mpi_now = with_mpi && trial == 2;
      const std::string launcher =
          mpi_now ? std::string(kMpirun) + " -n " + std::to_string(attempt == 0 ? 2 : 3) + " " : std::string();
      const std::string cmd = launcher + exe + case_args() + run_args(n) + " --threads " + (mpi_now ? "1" : "2") +
                              " --out " + out + " --checkpoint " + ck + " --checkpoint-every-s 0" +
                              (fs::exists(ck) ? " --resume " + ck : "");
      const char* sig = attempt % 2 ? "TERM" : "INT";
      std::ostringstream d;
      d << delay(rng);
      // Wait for a new checkpoint (the transport is running), then a random delay, then the
      // signal (to the ranks themselves under mpirun, as a batch system does).
      const std::string prev = path("prev.h5");
      fs::remove(prev);
      if (fs::exists(ck)) fs::copy_file(ck, prev);
      const std::string target = mpi_now ? "$(pgrep -P $pid betadose)" : "$pid";
      const std::string script = cmd + " & pid=$!; i=0; while [ $i -lt 600 ] && kill -0 $pid 2>/dev/null && { ! [ -f " + ck +
                                 " ] || cmp -s " + ck + " " + prev + "; }; do sleep 0.05; i=$((i+1)); done; sleep " +
                                 d.str() + "; kill -" + sig + " " + target + " 2>/dev/null; wait $pid; echo \"rc=$?\"";
      const auto r = bd::test::run_shell("sh -c '" + script + "'");
      // A signal after the dose file was committed (and the checkpoint removed) still ends
      // the process with 130/143 (the output layer's watcher): the run is complete.
      const bool done = r.output.find("rc=0") != std::string::npos || (fs::exists(out) && !fs::exists(ck));
      if (done) break;
      const bool expected = r.output.find(attempt % 2 ? "rc=143" : "rc=130") != std::string::npos ||
                            (mpi_now && r.output.find("rc=") != std::string::npos);
      ASSERT_TRUE(expected) << r.output;
      ASSERT_TRUE(fs::exists(ck)) << "no checkpoint after an interrupt:\n" << r.output;
      EXPECT_FALSE(fs::exists(out)) << "no dose file from an interrupted run";
      ++interrupted;
    }
    ASSERT_TRUE(fs::exists(out)) << "trial " << trial << " never completed";
    expect_same_dose_file(ref, out);
    EXPECT_FALSE(fs::exists(ck)) << "the checkpoint of a completed run is removed";
    std::printf("[kill/resume] trial %d: %d interruption(s)%s\n", trial, interrupted,
                with_mpi && trial == 2 ? " on 2 then 3 MPI ranks" : "");
  }
}

TEST_F(ScaleOutCli, CheckpointOfAnotherRunOrEditedIsRefused) {
  const std::uint64_t n = 40000;
  const std::string ck = path("ck.h5"), out = path("o.h5");
  // A checkpoint of a whole run (written after every batch, kept by a failing output: the
  // run's --out directory disappears... simpler: interrupt it as soon as it exists).
  const std::string cmd = exe + case_args() + run_args(n) + " --threads 2 --out " + out + " --checkpoint " + ck +
                          " --checkpoint-every-s 0";
  const auto r = bd::test::run_shell("sh -c '" + cmd + " & pid=$!; while ! [ -f " + ck +
                                     " ] && kill -0 $pid 2>/dev/null; do sleep 0.02; done; kill -INT $pid; wait $pid'");
  ASSERT_TRUE(fs::exists(ck)) << r.output;
  auto refused = [&](const std::string& args, const std::string& needle) {
    const auto rr = bd::test::run_shell(exe + args + " --out " + out + " --resume " + ck);
    EXPECT_EQ(rr.exit_code, 2) << args << "\n" << rr.output;
    EXPECT_NE(rr.output.find(needle), std::string::npos) << args << ": " << rr.output;
    EXPECT_FALSE(fs::exists(out));
  };
  refused(case_args("", 6) + run_args(n), "the checkpoint is of another run (option 'seed = 5' vs 'seed = 6')");
  refused(case_args() + run_args(50000), "histories = 40000");
  refused(case_args(act2) + run_args(n), "input --activity differs");
  refused(" dpk --histories 40000 --batches 8 --seed 5", "command 'mc' vs 'dpk'");
  fs::copy_file(ck, path("ck_orig.h5"));
  // Where the interrupt landed decides the saved next_batch: step it, so it always changes.
  ASSERT_EQ(edit(ck + " step / next_batch").exit_code, 0);
  refused(case_args() + run_args(n), "changed or damaged");
  fs::copy_file(path("ck_orig.h5"), ck, fs::copy_options::overwrite_existing);
  ASSERT_EQ(edit(ck + " bump /sum_MeV").exit_code, 0);
  refused(case_args() + run_args(n), "changed or damaged");
  // A part is not a checkpoint.
  fs::copy_file(part("p.h5", "0:100"), ck, fs::copy_options::overwrite_existing);
  refused(case_args() + run_args(n), "not a betadose checkpoint");
  // The unedited checkpoint resumes.
  fs::copy_file(path("ck_orig.h5"), ck, fs::copy_options::overwrite_existing);
  const auto ok = bd::test::run_shell(exe + case_args() + run_args(n) + " --threads 2 --out " + out + " --resume " + ck);
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  expect_same_dose_file(reference(n), out);
}

TEST_F(ScaleOutCli, DpkCheckpointResumesBitwise) {
  const std::string args = " dpk --histories 60000 --batches 6 --shell-mm 0.5 --rmax-mm 6 --seed 3 --threads 2 --out ";
  const std::string one = path("dpk1.csv"), two = path("dpk2.csv"), ck = path("dpk_ck.h5");
  ASSERT_EQ(bd::test::run_shell(exe + args + one).exit_code, 0);
  const auto r = bd::test::run_shell("sh -c '" + exe + args + two + " --checkpoint " + ck +
                                     " --checkpoint-every-s 0 & pid=$!; while ! [ -f " + ck +
                                     " ] && kill -0 $pid 2>/dev/null; do sleep 0.02; done; kill -TERM $pid; wait $pid; echo rc=$?'");
  if (r.output.find("rc=143") != std::string::npos) {
    EXPECT_FALSE(fs::exists(two));
    const auto res = bd::test::run_shell(exe + args + two + " --resume " + ck);
    ASSERT_EQ(res.exit_code, 0) << res.output;
  } else {
    ASSERT_NE(r.output.find("rc=0"), std::string::npos) << r.output;  // finished before the signal
  }
  EXPECT_EQ(slurp(one), slurp(two));
}
