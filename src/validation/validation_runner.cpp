// Runs validation cases and writes report.md, results.json and plots.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "betadose/errors.hh"
#include "betadose/statistics.hh"
#include "betadose/subprocess.hh"
#include "betadose/output_file.hh"
#include "betadose/text_file.hh"
#include "betadose/validation.hh"
#include "validation_support.hh"

namespace bd {

namespace {

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  std::ostringstream os;
  os << std::setprecision(10) << v;
  return os.str();
}

std::string format_percent(double v) {
  std::ostringstream os;
  os << std::showpos << std::fixed << std::setprecision(2) << 100.0 * v << " %";
  return os.str();
}

// First line of a program's output ("" when it cannot run or fails).
std::string program_first_line(const std::vector<std::string>& argv) {
  std::string out;
  try {
    const ProgramResult r = run_program(argv);
    if (r.exit_code != 0) return "";
    out = r.output.substr(0, r.output.find('\n'));
  } catch (const InputError&) {
    return "";
  }
  while (!out.empty() && (out.back() == '\r' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace

std::string source_revision() {
  const std::string tree = BETADOSE_SOURCE_TREE;
  const std::string head = program_first_line({"git", "-C", tree, "rev-parse", "HEAD"});
  if (head.empty()) return "unknown (no git checkout at " + tree + ")";
  const std::string dirty = program_first_line({"git", "-C", tree, "status", "--porcelain", "--untracked-files=no"});
  return head + (dirty.empty() ? "" : " + uncommitted changes");
}

std::string default_validation_reference_dir() {
  const char* env = std::getenv("BETADOSE_VALIDATION_DIR");
  if (env && *env) return env;
  return (std::filesystem::path(BETADOSE_SOURCE_TREE) / "validation" / "references").string();
}

bool within_band(double d, double sigma, double lo, double hi, double dof) {
  const double k = sigma > 0 && dof > 0 ? coverage_factor(dof, kValidationAlpha) : 0.0;
  return d + k * sigma >= lo && d - k * sigma <= hi;
}

std::vector<ValidationResult> run_validation(const ValidationContext& ctx, const std::string& only) {
  namespace fs = std::filesystem;
  BD_VALIDATE(!ctx.out_dir.empty(), "--out: an output directory is required");
  std::error_code ec;
  BD_VALIDATE(!fs::exists(ctx.out_dir, ec) || fs::is_directory(ctx.out_dir, ec),
              "--out " << ctx.out_dir << ": exists and is not a directory (validate writes a folder of reports)");
  fs::create_directories(ctx.out_dir, ec);
  BD_VALIDATE(fs::is_directory(ctx.out_dir, ec), "--out " << ctx.out_dir << ": cannot create the directory ("
                                                          << ec.message() << ")");
  // The source revision as the run starts (edits made while it runs do not belong to it).
  const std::string commit = ctx.commit.empty() ? source_revision() : ctx.commit;
  const auto cases = validation_cases();
  validation::start_data_files();
  std::vector<ValidationResult> results;
  bool found = only.empty();
  std::ostringstream names;
  for (const auto& c : cases) {
    names << " " << c.name;
    if (!only.empty() && c.name != only) continue;
    if (only.empty() && ctx.quick && !c.quick) continue;
    found = true;
    if (ctx.log) ctx.log("case " + c.name + ": " + c.description);
    auto r = c.run(ctx);
    for (const auto& x : r)
      if (ctx.log)
        ctx.log(std::string(x.passed ? "  pass " : "  FAIL ") + x.name + ": " + format_percent(x.difference) +
                " (tolerance " + x.tolerance + ")");
    results.insert(results.end(), r.begin(), r.end());
  }
  BD_VALIDATE(found, "--case: unknown case '" << only << "'; known cases:" << names.str());

  std::ostringstream md, js;
  int failed = 0;
  for (const auto& r : results) failed += r.passed ? 0 : 1;
  const std::string date = utc_now();
  const std::string mode = only.empty() ? (ctx.quick ? "quick subset" : "full suite") : "case " + only;
  md << "# betadose validation report\n\n"
     << "Mode: " << mode << "; device " << to_string(ctx.device) << "; seed " << ctx.seed << "; betadose "
     << BETADOSE_VERSION << "; commit " << commit << "; run " << date << ".\n\n"
     << "Difference = (betadose − reference)/reference; σ = standard error of the Monte Carlo value from "
        "independent replicas (distinct seeds) with ν degrees of freedom; a case passes when value ± kσ "
        "overlaps the tolerance band, k = t_{1−α/2}(ν), α = "
     << kValidationAlpha << " per comparison (Student's t; k = 0 for exact values).\n\n"
     << "| case | reference | reference value | betadose | σ (rel.) | ν | k | difference | tolerance | pass |\n"
     << "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
  js << "{\n  \"mode\": \"" << json_escape(mode) << "\", \"commit\": \"" << json_escape(commit)
     << "\", \"date\": \"" << date << "\", \"seed\": " << ctx.seed << ", \"alpha\": " << kValidationAlpha
     << ", \"betadose_version\": \"" << BETADOSE_VERSION << "\",\n  \"results\": [\n";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    const double rel_sigma = r.reference_value != 0 ? r.sigma / std::abs(r.reference_value) : 0;
    const double k = r.sigma > 0 && r.dof > 0 ? coverage_factor(r.dof, kValidationAlpha) : 0.0;
    md << "| " << r.name << " | " << r.reference << " | " << std::setprecision(6) << r.reference_value
       << " | " << r.value << " | " << std::fixed << std::setprecision(3) << 100 * rel_sigma << " % | "
       << std::setprecision(1) << r.dof << " | " << std::setprecision(2) << k << " | "
       << format_percent(r.difference) << std::defaultfloat << " | " << r.tolerance << " | "
       << (r.passed ? "yes" : "**NO**") << " |\n";
    js << "    {\"name\": \"" << json_escape(r.name) << "\", \"reference\": \"" << json_escape(r.reference)
       << "\", \"reference_value\": " << json_number(r.reference_value)
       << ", \"value\": " << json_number(r.value) << ", \"sigma\": " << json_number(r.sigma)
       << ", \"dof\": " << json_number(r.dof) << ", \"k\": " << json_number(k)
       << ", \"difference\": " << json_number(r.difference) << ", \"tolerance\": \""
       << json_escape(r.tolerance) << "\", \"passed\": " << (r.passed ? "true" : "false")
       << ", \"notes\": \"" << json_escape(r.notes) << "\"}" << (i + 1 < results.size() ? "," : "")
       << "\n";
  }
  js << "  ]\n}\n";
  md << "\n" << results.size() - failed << " passed, " << failed << " failed.\n";
  bool any_notes = false;
  for (const auto& r : results) {
    if (r.notes.empty()) continue;
    if (!any_notes) md << "\n## Notes\n\n";
    any_notes = true;
    md << "- **" << r.name << "**: " << r.notes << "\n";
  }
  // Plots are drawn from the CSV files the cases wrote (tools/plot_validation.py).
  const fs::path script = fs::path(BETADOSE_SOURCE_TREE) / "tools" / "plot_validation.py";
  if (fs::exists(script) && fs::exists("/usr/bin/python3")) {
    // The PNGs are drawn into the staging folder of plots.log and committed with it.
    StagedOutput plots((fs::path(ctx.out_dir) / "plots.log").string(), "validation plots");
    const std::string png_dir = fs::path(plots.path()).parent_path().string();
    const auto plot = run_program({"/usr/bin/python3", script.string(), ctx.out_dir, png_dir});
    write_text_file_atomic(plots.path(), plot.output);
    std::vector<std::string> pngs;
    for (const auto& entry : fs::directory_iterator(png_dir))
      if (entry.path().extension() == ".png") pngs.push_back(entry.path().filename().string());
    plots.commit();
    std::sort(pngs.begin(), pngs.end());
    if (plot.exit_code == 0) {
      if (!pngs.empty()) md << "\n## Plots\n\n";
      for (const auto& png : pngs) md << "![" << fs::path(png).stem().string() << "](" << png << ")\n\n";
    } else {
      md << "\n(Plots not drawn: see plots.log; needs Debian python3-matplotlib.)\n";
    }
  }
  write_text_file_atomic((fs::path(ctx.out_dir) / "report.md").string(), md.str());
  write_text_file_atomic((fs::path(ctx.out_dir) / "results.json").string(), js.str());
  return results;
}

}  // namespace bd
