// TOML configs for every command (include/betadose/config_file.hh).
#include "betadose/config_file.hh"

#include <map>
#include <sstream>

#include "betadose/errors.hh"
#include "betadose/input_file.hh"

namespace bd::cli {
namespace {

// CLI11's TOML reader behind betadose's checks: CLI11 reads the file only after the root
// --config option's validator (a regular file of bounded size) passed; the items are then
// routed to the command being run.
class CheckedTomlConfig : public CLI::ConfigTOML {
 public:
  explicit CheckedTomlConfig(CLI::App* root) : root_(root) {}

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    std::string text;
    char buf[65536];
    while (input.read(buf, sizeof buf) || input.gcount() > 0) {
      text.append(buf, static_cast<std::size_t>(input.gcount()));
      BD_VALIDATE(text.size() <= kMaxTextInputBytes, path() << ": config file larger than " << kMaxTextInputBytes
                                                            << " bytes");
    }
    BD_VALIDATE(text.find('\0') == std::string::npos, path() << ": holds a NUL byte (not a TOML text file)");
    const auto items = parse_toml_text(text, path());
    const auto chosen = root_->get_subcommands();
    BD_VALIDATE(!chosen.empty(), path() << ": --config needs a command (e.g. betadose --config " << path() << " mc)");
    return route_config_items(*root_, *chosen.front(), path(), items);
  }

 private:
  std::string path() const {
    const CLI::Option* opt = root_->get_config_ptr();
    return opt && !opt->results().empty() ? opt->results().front() : std::string("--config");
  }
  CLI::App* root_;
};

CLI::Validator regular_config_file() {
  return CLI::Validator(
      [](std::string& path) {
        try {
          const auto size = require_input_file(path, "--config");
          BD_VALIDATE(size <= kMaxTextInputBytes,
                      "--config " << path << ": " << size << " bytes, more than a config file may have");
          return std::string();
        } catch (const InputError& e) {
          return std::string(e.what());
        }
      },
      "FILE", "betadose-config-file");
}

}  // namespace

std::vector<CLI::ConfigItem> parse_toml_text(const std::string& text, const std::string& path) {
  std::istringstream is(text);
  try {
    return CLI::ConfigTOML().from_config(is);
  } catch (const CLI::ParseError& e) {
    throw InputError(path + ": cannot read the TOML config (" + e.what() + ")");
  }
}

std::vector<CLI::ConfigItem> route_config_items(const CLI::App& root, const CLI::App& command,
                                                const std::string& path,
                                                const std::vector<CLI::ConfigItem>& items) {
  const std::string name = command.get_name();
  std::vector<CLI::ConfigItem> out;
  std::map<std::string, std::size_t> at_top;  // option (its long name) -> its top-level item in `out`
  for (const auto& item : items) {
    const std::string section = CLI::detail::join(item.parents, ".");
    if (!item.parents.empty() && item.parents[0] != name) {
      bool other_command = false;
      for (const CLI::App* sub : root.get_subcommands({}))
        other_command = other_command || sub->get_name() == item.parents[0];
      BD_VALIDATE(other_command && item.parents.size() == 1,
                  path << ": section [" << section << "] is not a betadose command (keys go at the top level or in ["
                       << name << "])");
      continue;  // another command's section
    }
    BD_VALIDATE(item.parents.size() <= 1, path << ": section [" << section << "] is not known (keys go at the top "
                                                   "level or in [" << name << "])");
    if (item.name == "++" || item.name == "--") continue;  // section markers
    BD_VALIDATE(item.name != "config", path << ": key 'config': a config file cannot name another (give every "
                                                "option in this one, or several --config on the command line)");
    const CLI::Option* opt = command.get_option_no_throw("--" + item.name);
    BD_VALIDATE(opt != nullptr, path << ": unknown option '" << item.name << "' for betadose " << name
                                     << " (see betadose " << name << " --help; names are given without --)");
    // The top level holds defaults, [command] what this command uses: a key in both takes the
    // section's value (the whole value: a list replaces the list). TOML puts every top-level
    // key before the first section, so the top-level item is already in `out`.
    CLI::ConfigItem routed = item;
    routed.parents = {name};
    const std::string option = opt->get_name();
    const auto top = at_top.find(option);
    if (!item.parents.empty() && top != at_top.end()) {
      out[top->second] = std::move(routed);
      at_top.erase(top);
      continue;
    }
    if (item.parents.empty()) at_top[option] = out.size();
    out.push_back(std::move(routed));
  }
  return out;
}

void install_config_files(CLI::App& root) {
  CLI::Option* cfg = root.set_config("--config", "", "Read options from a TOML file (keys: option names without --, "
                                                     "at the top level or in a [command] section)");
  cfg->check(regular_config_file());
  root.config_formatter(std::make_shared<CheckedTomlConfig>(&root));
  for (CLI::App* sub : root.get_subcommands(std::function<bool(CLI::App*)>())) {
    if (sub->get_option_no_throw("--config")) continue;
    CLI::App* r = &root;
    sub->add_option_function<std::string>(
           "--config", [r](const std::string& path) { r->get_config_ptr()->add_result(path); },
           "Read options from a TOML file: keys are the option names without --, e.g. ct = \"ct.nii.gz\", "
           "mask = [\"liver=liver.nii.gz\"] (top level or [" + sub->get_name() + "])")
        ->trigger_on_parse();
  }
}

}  // namespace bd::cli
