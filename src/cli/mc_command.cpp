// `betadose mc`: patient Monte Carlo dose. Declares the options (the case options shared with
// `kernel`, plus the transport's) and prints; the work is src/case (load_case, run_mc_case,
// write_case_outputs).
//
// Every option can also come from a TOML file: `betadose mc --config case.toml` (top-level
// keys, e.g. `ct = "ct.nii.gz"`, `mask = ["liver=liver.nii.gz"]`) or
// `betadose --config case.toml mc` (keys in an [mc] section).
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "betadose/case_engines.hh"
#include "betadose/case_options.hh"
#include "betadose/option_checks.hh"
#include "betadose/cli_commands.hh"
#include "case_run.hh"

namespace bd::cli {
namespace {

struct McArgs {
  CaseSpec spec;
  McSettings mc;
  bool progress = false;
};

class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled) {}
  void operator()(const TransportProgress& p) {
    if (!enabled_) return;
    const double rate = p.elapsed_s > 0 ? p.histories_done / p.elapsed_s : 0;
    std::ostringstream os;
    os << "\r[mc] " << std::setprecision(3) << double(p.histories_done);
    if (p.histories_planned) os << " / " << double(p.histories_planned);
    os << " decays, " << std::setprecision(3) << rate << " decays/s";
    if (p.histories_planned && rate > 0)
      os << ", ETA " << std::fixed << std::setprecision(0)
         << (double(p.histories_planned) - double(p.histories_done)) / rate << " s" << std::defaultfloat;
    if (p.mean_rel_uncertainty >= 0)
      os << ", uncertainty " << std::setprecision(3) << 100.0 * p.mean_rel_uncertainty << " %";
    os << "   ";
    std::cerr << os.str() << std::flush;
    dirty_ = true;
  }
  void finish() {
    if (dirty_) std::cerr << "\n";
    dirty_ = false;
  }

 private:
  bool enabled_;
  bool dirty_ = false;
};

void run_mc(const McArgs& a) {
  check_mc_settings(a.mc);
  CaseNeeds needs;
  needs.bytes_per_dose_voxel = kMcBytesPerVoxel;
  ProgressLine progress(!a.spec.quiet && (a.progress || ::isatty(STDERR_FILENO)));
  run_case_command(a.spec, needs, [&](const DoseCase& dc) {
    EngineRun run = run_mc_case(dc, a.mc, [&progress](const TransportProgress& p) { progress(p); });
    progress.finish();
    return run;
  });
}

}  // namespace

void add_mc_command(CLI::App& app) {
  auto a = std::make_shared<McArgs>();
  auto* cmd = app.add_subcommand("mc", "Monte Carlo dose from a CT (or labels, or a uniform medium) and an activity map");
  add_case_options(*cmd, a->spec, CaseOptionSet::dose);
  auto* r = "Monte Carlo";
  auto& s = a->mc;
  cmd->add_option("--histories", s.histories, "Decays to simulate (upper bound with --target-uncertainty)")
      ->capture_default_str()->group(r);
  cmd->add_option("--target-uncertainty", s.target_uncertainty,
                  "Stop when the mean relative uncertainty (voxels > 50 % of max, or --uncertainty-mask) "
                  "is below U (e.g. 0.02)")->check(real_check(ValueRange::half_open(0, 1)))->group(r);
  cmd->add_option("--uncertainty-mask", s.uncertainty_mask, "ROI deciding the stop")->group(r);
  cmd->add_option("--batches", s.batches, "Statistical batches")->capture_default_str()->group(r);
  cmd->add_option("--seed", s.seed, "Random seed")->capture_default_str()->group(r);
  cmd->add_option("--device", s.device, "cpu | cuda")->capture_default_str()->group(r);
  cmd->add_option("--threads", s.threads, "CPU threads (0 = all)")->capture_default_str()->group(r);
  cmd->add_flag("--progress", a->progress, "Show the progress line even when stderr is not a terminal")->group(r);
  cmd->callback([a]() { run_mc(*a); });
}

}  // namespace bd::cli
