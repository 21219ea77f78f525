// TOML configs through the program's own app: `betadose --config in.toml mc`, so the file's
// keys are routed, validated and applied exactly as for a user. Nothing runs: every command
// gets a required option that is never given, so parsing ends with a RequiredError after the
// config and option checks and before the command's callback. (Replacing the callbacks would
// free the argument structs they own, which the options write into.)
#include <CLI/CLI.hpp>

#include <memory>
#include <vector>

#include "betadose/cli_commands.hh"
#include "fuzz_support.hh"

namespace {

CLI::App& app() {
  static std::unique_ptr<CLI::App> a = [] {
    auto p = std::make_unique<CLI::App>("betadose");
    p->require_subcommand(1);
    bd::cli::add_all_commands(*p);
    for (CLI::App* sub : p->get_subcommands(std::function<bool(CLI::App*)>())) sub->add_option("--fuzz-never-given")->required();
    return p;
  }();
  return *a;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = bd::fuzz::write_file("in.toml", data, size);
  for (const char* command : {"mc", "kernel", "analyze"}) {
    std::vector<const char*> argv{"betadose", "--config", path.c_str(), command};
    if (std::string(command) == "analyze") argv.push_back("dose.h5");
    app().clear();
    bd::fuzz::expect_reader([&] {
      try {
        app().parse(int(argv.size()), argv.data());
      } catch (const CLI::ParseError&) {
      }
    });
  }
  return 0;
}
