// The one declaration of the case options (CLI11; implementation: src/case/case_options.cpp),
// so that every command that loads a case accepts the same inputs with the same meaning and
// defaults (`betadose mc` and `betadose kernel` differ only in their engine options).
#pragma once

#include <string>

#include "betadose/case.hh"

namespace CLI {
class App;
}

namespace bd {

enum class CaseOptionSet {
  dose,      // mc, kernel, spheres: geometry, activity and source, ROIs, dose grid, outputs
  planning,  // plan: geometry, activity image (relative), ROIs, grid (default: the masks' grid)
};

// Declares the options of `set`, bound to `spec`, in option groups.
void add_case_options(CLI::App& cmd, CaseSpec& spec, CaseOptionSet set);

// --mask, --segmentation, --rtstruct (also for analyze and compare, which take a dose file).
void add_roi_options(CLI::App& cmd, RoiInputs& rois);

// `cmd --config case.toml`: keys are option names without "--", at the top level or in a
// section named after the command ([mc], [kernel], ...); the command line wins. (The root
// form `betadose --config case.toml mc` is CLI11's own and reads the [mc] section.)
void add_config_option(CLI::App& cmd, std::string& path);
void apply_config_file(CLI::App& cmd, const std::string& path);

}  // namespace bd
