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
#include "betadose/text_parse.hh"
#include "betadose/case_output.hh"
#include "betadose/case_scale_out.hh"
#include "betadose/cli_commands.hh"
#include "betadose/errors.hh"
#include "betadose/parallel.hh"
#include "case_run.hh"

namespace bd::cli {
namespace {

struct McArgs {
  CaseSpec spec;
  McSettings mc;
  ScaleOutSettings scale;
  bool progress = false;
  bool out_given = false;  // --out, --export or --export-rtdose given (refused with --partial)
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
  check_scale_out_settings(a.scale, a.mc.target_uncertainty, parse_decay_count(a.mc.histories, "--histories"));
  check_outputs_spare_resume(a.scale, a.spec);
  const bool scaled = !a.scale.partial.empty() || !a.scale.checkpoint.empty() || !a.scale.resume.empty();
  ScaleOut scale(a.scale, scaled ? make_run_identity("mc", case_inputs(a.spec), mc_identity_options(a.spec, a.mc))
                                 : RunIdentity{});
  CaseNeeds needs;
  needs.bytes_per_dose_voxel = kMcBytesPerVoxel;
  const bool root = ranks().root();
  ProgressLine progress(root && !a.spec.quiet && (a.progress || ::isatty(STDERR_FILENO)));
  auto report = [&](const TransportProgress& p) { progress(p); };
  auto print = [&](const std::string& line) {
    if (root && !a.spec.quiet) std::cout << line << "\n";
  };
  if (scale.resuming()) print("resume    " + a.scale.resume + ": " + std::to_string(scale.resumed_batches()) + " batches done");
  // The stop is decided at batch ends: a batch of 1e14 decays would run for years first.
  if (a.mc.target_uncertainty > 0) {
    const double per_batch = double(parse_decay_count(a.mc.histories, "--histories")) / a.mc.batches;
    if (per_batch > 1e10)
      print("note      --target-uncertainty is checked after each batch, and each of the " +
            std::to_string(a.mc.batches) + " batches is " + format_g(per_batch, 3) +
            " decays: give more --batches (or fewer --histories) for an earlier stop");
  }

  if (scale.partial()) {
    // A part: its batch tallies go to --partial; the dose file comes from betadose merge.
    BD_VALIDATE(!a.out_given, "--partial writes a part, not a dose file: give --out/--export to betadose merge (and export the "
                              "RT Dose from the merged file with betadose export)");
    check_outputs(scale_out_outputs(a.scale), case_input_paths(a.spec));
    const DoseCase dc = load_case(a.spec, needs, print);
    TransportOptions opt = mc_transport_options(dc, a.mc);
    opt.progress = report;
    opt.run = scale.control();
    const DoseResult result = run_voxel_transport(dc.phantom, dc.source, opt);
    progress.finish();
    if (root) print(scale.write_mc_part(dc, result, a.mc));
    return;
  }
  run_case_command(
      a.spec, needs,
      [&](const DoseCase& dc) {
        EngineRun run = run_mc_case(dc, a.mc, report, scale.control());
        progress.finish();
        return run;
      },
      scale_out_outputs(a.scale), [&] { scale.finished(); });
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
  cmd->add_option("--dose-to", s.dose_to,
                  "medium (absorbed dose to the voxel's medium) | water (dose to water in medium: "
                  "stopping-power ratio per deposit)")->capture_default_str()->group(r);
  cmd->add_option("--source-sampling", s.source_sampling,
                  "stratified (the source voxel of each decay from a randomised golden-ratio sequence per "
                  "batch: the same expected dose, about 30 % less variance) | independent (one uniform per decay)")
      ->capture_default_str()->group(r);
  cmd->add_flag("--progress", a->progress, "Show the progress line even when stderr is not a terminal")->group(r);
  add_scale_out_options(*cmd, a->scale, true);
  cmd->callback([cmd, a]() {
    a->out_given = cmd->count("--out") > 0 || cmd->count("--export") > 0 || cmd->count("--export-rtdose") > 0;
    run_mc(*a);
  });
}

}  // namespace bd::cli
