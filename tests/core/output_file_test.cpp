// The one output layer (output_file.hh): nothing under the target's name before commit,
// nothing left after a failure, and outputs that would destroy an input are refused.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "betadose/errors.hh"
#include "betadose/output_file.hh"
#include "betadose/subprocess.hh"

namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("bd_output_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::size_t entries(const fs::path& d) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(d), fs::directory_iterator()));
}

}  // namespace

TEST(OutputFile, NothingVisibleBeforeCommitAndNothingLeftAfter) {
  const auto d = fresh_dir("commit");
  const auto target = d / "dose.csv";
  {
    bd::StagedOutput out(target.string(), "--out");
    std::ofstream(out.path()) << "a,b\n1,2\n";
    EXPECT_FALSE(fs::exists(target));
    EXPECT_EQ(fs::path(out.path()).filename(), "dose.csv");
    out.commit();
    EXPECT_THROW(out.commit(), bd::InputError);
  }
  EXPECT_EQ(slurp(target), "a,b\n1,2\n");
  EXPECT_EQ(entries(d), 1u);  // no staging directory left
}

TEST(OutputFile, DiscardedOnExceptionAndOldFileKept) {
  const auto d = fresh_dir("discard");
  const auto target = d / "report.md";
  std::ofstream(target) << "old";
  try {
    bd::StagedOutput out(target.string(), "--out");
    std::ofstream(out.path()) << "half of the new";
    throw std::runtime_error("writer failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(slurp(target), "old");
  EXPECT_EQ(entries(d), 1u);
}

TEST(OutputFile, CompanionFilesMoveWithTheHeader) {
  const auto d = fresh_dir("companion");
  bd::StagedOutput out((d / "dose.mhd").string(), "--export");
  std::ofstream(out.path()) << "ElementDataFile = dose.raw\n";
  std::ofstream(fs::path(out.path()).parent_path() / "dose.raw") << "data";
  out.commit();
  EXPECT_TRUE(fs::exists(d / "dose.mhd"));
  EXPECT_EQ(slurp(d / "dose.raw"), "data");
  EXPECT_EQ(entries(d), 2u);
}

TEST(OutputFile, CommitAllCommitsEveryOutput) {
  const auto d = fresh_dir("all");
  bd::StagedOutput a((d / "a.txt").string(), "a"), b((d / "b.txt").string(), "b");
  std::ofstream(a.path()) << "A";
  std::ofstream(b.path()) << "B";
  bd::commit_all({&a, &b});
  EXPECT_EQ(slurp(d / "a.txt"), "A");
  EXPECT_EQ(slurp(d / "b.txt"), "B");
}

TEST(OutputFile, WriterThatProducedNothingIsAnError) {
  const auto d = fresh_dir("nothing");
  bd::StagedOutput out((d / "x.h5").string(), "--out");
  EXPECT_THROW(out.commit(), bd::InputError);
  EXPECT_FALSE(fs::exists(d / "x.h5"));
}

TEST(OutputFile, WriteFileAtomicAndMissingDirectory) {
  const auto d = fresh_dir("text");
  bd::write_file_atomic((d / "t.json").string(), "{}\n");
  EXPECT_EQ(slurp(d / "t.json"), "{}\n");
  try {
    bd::write_file_atomic((d / "no" / "such" / "t.json").string(), "{}", "--json-out");
    FAIL() << "expected InputError";
  } catch (const bd::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--json-out"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
}

TEST(OutputFile, CheckOutputsRefusesAnInputByPathSymlinkAndHardLink) {
  const auto d = fresh_dir("inputs");
  const auto ct = d / "ct.nii";
  std::ofstream(ct) << "ct";
  fs::create_symlink(ct, d / "link.nii");
  fs::create_hard_link(ct, d / "hard.nii");
  const std::vector<std::string> inputs{ct.string()};
  for (const char* name : {"ct.nii", "link.nii", "hard.nii"}) {
    try {
      bd::check_outputs({{"--export", (d / name).string()}}, inputs);
      FAIL() << name << ": expected InputError";
    } catch (const bd::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("same file as the input"), std::string::npos) << e.what();
    }
  }
  // Relative spelling of the same path.
  const auto cwd = fs::current_path();
  fs::current_path(d);
  EXPECT_THROW(bd::check_outputs({{"--out", "./ct.nii"}}, inputs), bd::InputError);
  fs::current_path(cwd);
  EXPECT_NO_THROW(bd::check_outputs({{"--out", (d / "dose.nii").string()}}, inputs));
  EXPECT_EQ(slurp(ct), "ct");
}

TEST(OutputFile, CheckOutputsRefusesDirectoriesFifosClashesAndInputFolders) {
  const auto d = fresh_dir("kinds");
  fs::create_directories(d / "sub");
  fs::create_directories(d / "dicom");
  ASSERT_EQ(::mkfifo((d / "fifo").c_str(), 0600), 0);
  EXPECT_THROW(bd::check_outputs({{"--out", (d / "sub").string()}}, {}), bd::InputError);
  EXPECT_THROW(bd::check_outputs({{"--out", (d / "fifo").string()}}, {}), bd::InputError);
  EXPECT_THROW(bd::check_outputs({{"--out", (d / "missing" / "x.h5").string()}}, {}), bd::InputError);
  EXPECT_THROW(bd::check_outputs({{"--out", (d / "a.h5").string()}, {"--export", (d / "a.h5").string()}}, {}),
               bd::InputError);
  EXPECT_THROW(bd::check_outputs({{"--out", (d / "dicom" / "dose.h5").string()}}, {(d / "dicom").string()}),
               bd::InputError);
  // The .raw of a .mhd output is checked too.
  std::ofstream(d / "act.raw") << "x";
  EXPECT_THROW(bd::check_outputs({{"--export", (d / "act.mhd").string()}}, {(d / "act.raw").string()}),
               bd::InputError);
  EXPECT_NO_THROW(bd::check_outputs({{"--out", (d / "fine.h5").string()}}, {(d / "dicom").string()}));
}

TEST(Subprocess, ArgumentsAreNeverInterpretedByAShell) {
  const auto d = fresh_dir("spawn");
  const std::string evil = (d / "x'; touch pwned; echo '").string();
  const auto r = bd::run_program({"/bin/echo", evil});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.output, evil + "\n");
  EXPECT_FALSE(fs::exists("pwned"));
  EXPECT_EQ(bd::run_program({"/bin/sh", "-c", "exit 3"}).exit_code, 3);
  EXPECT_THROW(bd::run_program({"/no/such/program"}), bd::InputError);
}

// A betadose killed with SIGKILL leaves its staging directory; the next output in that
// directory removes it when its process is gone (and only then: another live process's, or
// another host's on a shared file system, stay).
TEST(OutputFile, StagingDirectoriesOfDeadProcessesAreSwept) {
  std::string prefix;  // ".betadose-tmp-<host>-"
  {
    bd::StagedOutput probe((fresh_dir("sweep_probe") / "x.csv").string(), "--out");
    const std::string own = fs::path(probe.path()).parent_path().filename().string();
    prefix = own.substr(0, own.rfind('-', own.rfind('-') - 1) + 1);
  }
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  int status = 0;
  ::waitpid(dead, &status, 0);
  const auto d = fresh_dir("sweep");
  const auto old = fs::file_time_type::clock::now() - std::chrono::minutes(5);
  auto orphan = [&](const std::string& name) {
    fs::create_directories(d / name);
    std::ofstream(d / name / "dose.h5") << "half";
    fs::last_write_time(d / name, old);
    return d / name;
  };
  const auto killed = orphan(prefix + std::to_string(dead) + "-0");
  const auto alive = orphan(prefix + std::to_string(::getppid()) + "-0");
  const auto elsewhere = orphan(".betadose-tmp-otherhost-" + std::to_string(dead) + "-0");
  {
    bd::StagedOutput out((d / "dose.csv").string(), "--out");
    std::ofstream(out.path()) << "x\n";
    out.commit();
  }
  EXPECT_FALSE(fs::exists(killed));
  EXPECT_TRUE(fs::exists(alive));
  EXPECT_TRUE(fs::exists(elsewhere));
}
