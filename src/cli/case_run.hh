// The common course of a dose command on a case (mc, kernel, and later spheres/report): check
// the outputs, load the case (printing its lines), run the engine, write the outputs as one
// set, print the engine's lines and the one ROI summary table. Under MPI every rank loads the
// case and runs the engine; only rank 0 prints and writes.
#pragma once

#include <chrono>
#include <functional>
#include <iostream>
#include <string>

#include "betadose/case.hh"
#include "betadose/case_engines.hh"
#include "betadose/case_output.hh"
#include "betadose/parallel.hh"

namespace bd::cli {

// `more_outputs` (a checkpoint) are checked with the outputs; `committed` runs in the step
// that commits them (removes the checkpoint of a completed run: a signal finds either the
// checkpoint and no output, or the outputs and no checkpoint).
inline void run_case_command(const CaseSpec& spec, const CaseNeeds& needs,
                             const std::function<EngineRun(const DoseCase&)>& engine,
                             const std::vector<OutputTarget>& more_outputs = {},
                             const std::function<void()>& committed = {}) {
  const auto t_start = std::chrono::steady_clock::now();
  const bool root = ranks().root();
  auto print = [&](const std::string& line) {
    // Flushed: a long run piped into a log shows its inputs before the transport starts.
    if (!spec.quiet && root) std::cout << line << std::endl;
  };
  check_case_outputs(spec, more_outputs);
  const DoseCase dc = load_case(spec, needs, print);
  check_case_rtdose(spec, dc);
  EngineRun run = engine(dc);
  if (!root) return;
  run.file.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  write_case_outputs(spec, run.file, committed);
  for (const auto& line : run.lines) print(line);
  print("wrote     " + spec.out + (spec.export_path.empty() ? "" : " and " + spec.export_path) +
        (spec.export_rtdose.empty() ? "" : " and " + spec.export_rtdose + " (RT Dose, with its RT Plan)"));
  if (!spec.quiet) std::cout << roi_summary_table(run.file, spec.v_thresholds_gy);
}

}  // namespace bd::cli
