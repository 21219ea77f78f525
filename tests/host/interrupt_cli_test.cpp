// Signals and full disks (issue 11): SIGINT/SIGTERM during transport and during each writer
// end with exit 130/143 and leave no output, no staging directory and no change to a file
// that existed before; a full file system (a small tmpfs, when running as root) is exit 2
// with nothing left. Also the overwrite policy: an existing output is replaced only by a
// complete new file.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <fstream>
#include <string>
#include <vector>

#include "betadose/dose_file.hh"
#include "betadose/image_io.hh"
#include "cli_runner.hh"
#include "file_snapshot.hh"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

class InterruptCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::path(::testing::TempDir()) /
          ("bd_interrupt_" + std::to_string(::getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir / "in");
    fs::create_directories(dir / "out");
    bd::Grid g;
    g.size = {{24, 24, 16}};
    g.spacing_mm = {{4, 4, 4}};
    bd::Volume<float> ct(g, 40.0f), act(g, 1.0f);
    for (std::size_t v = 0; v < g.size[0] * g.size[1]; ++v) ct.data[v] = -1000.0f;
    ct_ = (dir / "in/ct.nii").string();
    act_ = (dir / "in/act.nii").string();
    bd::write_image(ct_, ct);
    bd::write_image(act_, act);
    dose_ = (dir / "in/dose.h5").string();
    const auto r = bd::test::run_cli_argv({"kernel", "--method", "ldm", "--ct", ct_, "--activity", act_,
                                           "--total-activity-gbq", "1", "--out", dose_, "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  void TearDown() override {
    if (mounted_) bd::test::run_program_argv({"/bin/umount", (dir / "full").string()});
    fs::remove_all(dir);
  }
  std::string out(const std::string& name) const { return (dir / "out" / name).string(); }
  // Visits out/ while the program may be creating and removing staging directories: an
  // entry that vanishes mid-walk ends the walk (error_code), it does not throw.
  bool any_under_out(const std::function<bool(const fs::path&)>& match) const {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir / "out", ec), end; !ec && it != end; it.increment(ec))
      if (match(it->path())) return true;
    return false;
  }
  bool staging_exists() const {
    return any_under_out([](const fs::path& p) { return p.filename().string().rfind(".betadose-tmp-", 0) == 0; });
  }

  // Starts `args` (paused before each commit), waits for `ready`, sends `sig`; checks the
  // exit status and that out/ holds exactly what it held before.
  void interrupt(const std::vector<std::string>& args, int sig, const std::function<bool(const std::string&)>& ready,
                 const char* what) {
    SCOPED_TRACE(what);
    const auto before = bd::test::snapshot(dir / "out");
    bd::test::CliProcess p(bd::test::betadose_argv(args), {"BETADOSE_TEST_PAUSE_BEFORE_COMMIT_MS=4000"});
    ASSERT_TRUE(p.started());
    ASSERT_TRUE(p.wait_until([&] { return ready(p.output()); }, 120s)) << p.output();
    p.signal(sig);
    const auto r = p.wait();
    EXPECT_EQ(r.exit_code, 128 + sig) << r.output;
    EXPECT_NE(r.output.find(sig == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)"), std::string::npos)
        << r.output;
    EXPECT_FALSE(staging_exists());
    EXPECT_EQ(bd::test::snapshot_diff(before, bd::test::snapshot(dir / "out")), "");
  }
  // True once a staged file named `name` exists under out/ (the writer is running).
  std::function<bool(const std::string&)> staged(const std::string& name) const {
    return [this, name](const std::string&) {
      return any_under_out([&](const fs::path& p) {
        return p.filename() == name && p.parent_path().filename().string().rfind(".betadose-tmp-", 0) == 0;
      });
    };
  }

  fs::path dir;
  std::string ct_, act_, dose_;
  bool mounted_ = false;
};

}  // namespace

TEST_F(InterruptCli, SigintAndSigtermDuringTransport) {
  const std::vector<std::string> args{"mc", "--ct", ct_, "--activity", act_, "--total-activity-gbq", "1",
                                      "--histories", "1e12", "--threads", "1", "--out", out("mc.h5"),
                                      "--export", out("mc.nii.gz")};
  // The source line comes right before the transport; a little later it is running.
  auto transporting = [](const std::string& o) {
    if (o.find("source    ") == std::string::npos) return false;
    std::this_thread::sleep_for(300ms);
    return true;
  };
  interrupt(args, SIGINT, transporting, "SIGINT, mc");
  interrupt(args, SIGTERM, transporting, "SIGTERM, mc");
}

TEST_F(InterruptCli, DuringEachWriter) {
  const std::vector<std::string> kernel{"kernel", "--method", "ldm", "--ct", ct_, "--activity", act_,
                                        "--total-activity-gbq", "1", "--out", out("k.h5")};
  auto with = [](std::vector<std::string> a, std::vector<std::string> extra) {
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  interrupt(kernel, SIGINT, staged("k.h5"), "dose file (HDF5)");
  interrupt(with(kernel, {"--export", out("k.nii.gz")}), SIGTERM, staged("k.nii.gz"), "export, NIfTI");
  interrupt(with(kernel, {"--export", out("k.mhd")}), SIGINT, staged("k.raw"), "export, MetaImage .mhd/.raw");
  interrupt(with(kernel, {"--export", out("k.nrrd")}), SIGTERM, staged("k.nrrd"), "export, NRRD");
  interrupt({"analyze", dose_, "--dvh-csv", out("dvh.csv"), "--bed-out", out("bed.h5"), "--eqd2-out", out("eqd2.h5")},
            SIGINT, staged("eqd2.h5"), "analyze: DVH CSV, BED and EQD2 maps");
  interrupt({"compare", dose_, dose_, "--mask", "all=" + act_, "--out", out("cmp.h5"), "--dvh-csv", out("cmp.csv")},
            SIGTERM,
            staged("cmp.h5"), "compare: comparison file and DVH CSV");
  interrupt({"dpk", "--histories", "2000", "--shell-mm", "1", "--rmax-mm", "4", "--out", out("dpk.csv")}, SIGINT,
            staged("dpk.csv"), "dpk CSV");
  interrupt({"vsv", "--histories", "2000", "--half-width", "1", "--out", out("vsv.csv")}, SIGTERM, staged("vsv.csv"),
            "vsv CSV");
}

TEST_F(InterruptCli, ExistingOutputSurvivesAnInterruptAndIsReplacedOnlyWhenComplete) {
  // The overwrite policy: an existing file at an output path stays bit-identical until the
  // new one is complete; then it is replaced atomically.
  const std::string target = out("k.h5");
  { std::ofstream(target) << "an older result"; }
  interrupt({"kernel", "--method", "ldm", "--ct", ct_, "--activity", act_, "--total-activity-gbq", "1", "--out",
             target},
            SIGINT, staged("k.h5"), "over an existing file");
  std::ifstream in(target);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "an older result");
  const auto r = bd::test::run_cli_argv({"kernel", "--method", "ldm", "--ct", ct_, "--activity", act_,
                                         "--total-activity-gbq", "1", "--out", target, "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(bd::read_dose_file(target).grid.size[0], 24u);
  EXPECT_FALSE(staging_exists());
}

TEST_F(InterruptCli, FullDiskLeavesNothing) {
  if (::geteuid() != 0) GTEST_SKIP() << "mounting a small tmpfs needs root";
  const fs::path full = dir / "full";
  fs::create_directories(full);
  const auto m = bd::test::run_program_argv({"/bin/mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", full.string()});
  if (m.exit_code != 0) GTEST_SKIP() << "cannot mount a tmpfs here: " << m.output;
  mounted_ = true;
  // Fill it: every writer below then runs out of space.
  {
    std::ofstream filler(full / "filler", std::ios::binary);
    const std::string block(1024, 'x');
    for (int i = 0; i < 96; ++i) filler << block;
  }
  const auto before = bd::test::snapshot(full);
  const auto before_out = bd::test::snapshot(dir / "out");
  auto run = [&](const std::vector<std::string>& args, const char* what) {
    SCOPED_TRACE(what);
    const auto r = bd::test::run_cli_argv(args);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find((full).string()), std::string::npos) << r.output;
    EXPECT_EQ(bd::test::snapshot_diff(before, bd::test::snapshot(full)), "");
    EXPECT_EQ(bd::test::snapshot_diff(before_out, bd::test::snapshot(dir / "out")), "");
  };
  const std::vector<std::string> kernel{"kernel", "--method", "ldm", "--ct", ct_, "--activity", act_,
                                        "--total-activity-gbq", "1"};
  auto with = [](std::vector<std::string> a, std::vector<std::string> extra) {
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  run(with(kernel, {"--out", (full / "d.h5").string()}), "dose file on a full disk");
  run(with(kernel, {"--out", out("d.h5"), "--export", (full / "d.nii.gz").string()}), "NIfTI export (no dose file either)");
  run(with(kernel, {"--out", out("d.h5"), "--export", (full / "d.mha").string()}), "MetaImage export");
  run(with(kernel, {"--out", out("d.h5"), "--export", (full / "d.nrrd").string()}), "NRRD export");
  run({"compare", dose_, dose_, "--out", (full / "c.h5").string()}, "comparison file");
  run({"analyze", dose_, "--bed-out", (full / "bed.h5").string()}, "BED map");
}
