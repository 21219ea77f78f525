// What the report reads besides the dose file: the clinical roles of the ROIs, the planning
// result (`betadose plan --json`) and the viewer bundle.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "betadose/errors.hh"
#include "betadose/input_file.hh"
#include "betadose/report.hh"

namespace fs = std::filesystem;

namespace bd {

ReportRoles resolve_report_roles(const std::vector<std::string>& names,
                                 const std::map<std::string, std::string>& overrides) {
  auto has = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  auto first = [&](std::initializer_list<const char*> candidates) {
    for (const char* c : candidates)
      if (has(c)) return std::string(c);
    return std::string();
  };
  ReportRoles r;
  r.tumour = first({"tumour", "tumor", "tumours", "tumors", "lesion"});
  r.normal_liver = first({"normal-liver", "normal_liver", "nontumoral-liver"});
  r.perfused = first({"perfused", "perfused-liver", "liver"});
  r.lung = first({"lung", "lungs"});
  for (const auto& [role, roi] : overrides) {
    BD_VALIDATE(has(roi), "--roi-role " << role << "=" << roi << ": the dose file has no ROI '" << roi << "'");
    if (role == "tumour") r.tumour = roi;
    else if (role == "normal-liver") r.normal_liver = roi;
    else if (role == "perfused") r.perfused = roi;
    else if (role == "lung") r.lung = roi;
    else
      throw InputError("--roi-role " + role + "=" + roi +
                       ": unknown role (expected tumour, normal-liver, perfused or lung)");
  }
  return r;
}

namespace {
PlanSummary plan_summary_from_json(const nlohmann::json& j, const std::string& path);
}  // namespace

PlanSummary read_plan_summary(const std::string& path) {
  // A regular text file of bounded size (input_file.hh); any JSON type error is bad input.
  const std::string text = read_text_input(path, "--plan");
  try {
    return plan_summary_from_json(nlohmann::json::parse(text), path);
  } catch (const nlohmann::json::exception& e) {
    throw InputError("--plan " + path + ": not JSON or not the expected types (" + e.what() +
                     "); expected the output of `betadose plan --json`");
  }
}

namespace {

PlanSummary plan_summary_from_json(const nlohmann::json& j, const std::string& path) {
  BD_VALIDATE(j.is_object() && j.contains("method") && j.contains("activity_gbq"),
              "--plan " << path << ": not a `betadose plan --json` object (keys 'method' and "
                        << "'activity_gbq' missing)");
  auto number = [&](const char* key) {
    if (!j.contains(key) || j[key].is_null()) return std::nan("");
    BD_VALIDATE(j[key].is_number(), "--plan " << path << ": '" << key << "' is not a number");
    return j[key].get<double>();
  };
  auto text = [&](const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
  };
  PlanSummary p;
  p.source = path;
  p.method = text("method");
  p.target = text("target");
  p.mass_source = text("mass_source");
  p.activity_gbq = number("activity_gbq");
  p.liver_activity_gbq = number("liver_activity_gbq");
  p.lung_activity_gbq = number("lung_activity_gbq");
  p.tumour_dose_gy = number("tumour_dose_gy");
  p.normal_liver_dose_gy = number("normal_liver_dose_gy");
  p.liver_dose_gy = number("liver_dose_gy");
  p.lung_dose_gy = number("lung_dose_gy");
  p.lung_shunt = number("lung_shunt");
  p.clinical_constant_J_per_GBq = number("clinical_constant_J_per_GBq");
  p.physics_J_per_GBq = number("physics_J_per_GBq");
  p.lung_dose_limit_exceeded = j.value("lung_dose_limit_exceeded", false);
  BD_VALIDATE(std::isfinite(p.activity_gbq) && p.activity_gbq > 0,
              "--plan " << path << ": activity_gbq must be a positive number");
  return p;
}

}  // namespace

std::string default_viewer_js_path() {
  if (const char* env = std::getenv("BETADOSE_VIEWER_JS"); env && *env) return env;
  const std::string built = BETADOSE_VIEWER_JS_DEFAULT;
  std::error_code ec;
  return fs::is_regular_file(built, ec) ? built : std::string();
}

void load_viewer_bundle(const std::string& path, std::string& js, std::string& version) {
  std::error_code ec0;
  BD_VALIDATE(fs::exists(path, ec0), "viewer bundle " << path << ": not found (run tools/setup.sh, which "
                                                          "fetches it with npm, or give --no-viewer)");
  js = read_text_input(path, "viewer bundle");
  BD_VALIDATE(!js.empty(), "viewer bundle " << path << ": empty file");
  BD_VALIDATE(js.find("</script") == std::string::npos && js.find("</SCRIPT") == std::string::npos,
              "viewer bundle " << path << ": contains '</script', cannot be inlined into the page");
  version = "NiiVue (" + path + ")";
  const fs::path pkg = fs::path(path).parent_path().parent_path() / "package.json";
  std::error_code ec;
  if (fs::is_regular_file(pkg, ec)) {
    try {  // the version is informative only: an unreadable package.json leaves the path
      const nlohmann::json j = nlohmann::json::parse(read_text_input(pkg.string(), "viewer package.json"));
      version = j.value("name", std::string("niivue")) + " " + j.value("version", std::string("?"));
    } catch (const nlohmann::json::exception&) {
    } catch (const InputError&) {
    }
  }
}

}  // namespace bd
