// TOML configs, the same for every command and both spellings (issue 11):
//   betadose --config case.toml mc      and      betadose mc --config case.toml
// Keys are option names without "--", at the top level or in a section named after the
// command ([mc], [kernel], ...); sections of other betadose commands are skipped (one file
// can serve several commands). An unknown key or section is an error naming the file and the
// key, never silently ignored; options given on the command line win over the file. Values go
// through the options' own validators (option_checks.hh), exactly as on the command line.
// The file must be a regular text file of at most kMaxTextInputBytes (input_file.hh).
// Implementation: src/case/config_file.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace bd::cli {

// Declares the root --config and a --config on every subcommand of `root` (call after all
// commands are added): the subcommand's option hands its file to the root's reader.
void install_config_files(CLI::App& root);

// The items of a parsed TOML file that apply to `command`, re-parented to it; InputError
// naming `path` for a key that is not an option of `command` or a section that is not
// `command` or another of `root`'s subcommands.
std::vector<CLI::ConfigItem> route_config_items(const CLI::App& root, const CLI::App& command,
                                                const std::string& path,
                                                const std::vector<CLI::ConfigItem>& items);

// Parses TOML text (CLI11's reader) into items; InputError naming `path` on a syntax error.
std::vector<CLI::ConfigItem> parse_toml_text(const std::string& text, const std::string& path);

}  // namespace bd::cli
