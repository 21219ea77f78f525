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

// TOML configs (`--config`) are declared for every command by main (config_file.hh).

}  // namespace bd
