// `betadose merge part*.h5 --out dose.h5 [--export dose.nii.gz]`: the dose file of a run
// split into job-array parts (mc --decay-range BEGIN:END --partial part.h5), bitwise the one
// a single process writes. Declares the options and prints; the work is src/case/scale_out.cpp.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "betadose/case_output.hh"
#include "betadose/case_scale_out.hh"
#include "betadose/cli_commands.hh"
#include "betadose/parallel.hh"

namespace bd::cli {

void add_merge_command(CLI::App& app) {
  struct MergeArgs {
    std::vector<std::string> parts;
    CaseSpec out;  // only out, export_path, v_thresholds_gy, quiet
  };
  auto a = std::make_shared<MergeArgs>();
  auto* cmd = app.add_subcommand("merge", "Combine the parts of a job-array run (mc --decay-range --partial) "
                                          "into its dose file, exactly as one process would write it");
  cmd->add_option("parts", a->parts, "Part files (any order; together they must hold every decay once)")
      ->required();
  cmd->add_option("--out", a->out.out, "HDF5 dose file")->required();
  cmd->add_option("--export", a->out.export_path, "Dose image for viewers (.nii.gz, .nii, .mhd, .mha, .nrrd)");
  cmd->add_option("--v-thresholds-gy", a->out.v_thresholds_gy, "V_x thresholds [Gy] of the ROI summary")
      ->delimiter(',')->capture_default_str();
  cmd->add_flag("--quiet", a->out.quiet, "Print errors only");
  cmd->callback([a]() {
    if (!ranks().root()) return;  // nothing to share: one process merges
    const CaseSpec& o = a->out;
    auto print = [&](const std::string& line) {
      if (!o.quiet) std::cout << line << "\n";
    };
    std::vector<OutputTarget> outputs{{"--out", o.out}};
    if (!o.export_path.empty()) outputs.push_back({"--export", o.export_path});
    check_case_outputs(o);
    check_outputs(outputs, a->parts);
    EngineRun run = merge_parts(a->parts, print);
    write_case_outputs(o, run.file);
    for (const auto& line : run.lines) print(line);
    print("wrote     " + o.out + (o.export_path.empty() ? "" : " and " + o.export_path));
    if (!o.quiet) std::cout << roi_summary_table(run.file, o.v_thresholds_gy);
  });
}

}  // namespace bd::cli
