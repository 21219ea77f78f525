// A small numeric CSV reader for kernel files: '#' comment lines, one header line, numeric
// rows. Private to src/kernel_methods.
#pragma once

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "betadose/errors.hh"
#include "betadose/input_file.hh"
#include "betadose/text_parse.hh"

namespace bd::detail {

struct CsvTable {
  std::string path;
  std::vector<std::string> names;
  std::vector<std::vector<double>> columns;
  std::vector<std::string> comments;  // '#' lines without the '#'

  bool has(const std::string& name) const {
    return std::find(names.begin(), names.end(), name) != names.end();
  }
  const std::vector<double>& column(const std::string& name) const {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      throw InputError(concat(path, ": missing column '", name, "'"));
    }
    return columns[static_cast<std::size_t>(it - names.begin())];
  }
};

inline std::string trim_field(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n\"");
  const auto e = s.find_last_not_of(" \t\r\n\"");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

inline CsvTable read_csv_table(const std::string& path) {
  std::istringstream in(read_text_input(path, "kernel file"));
  CsvTable t;
  t.path = path;
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const std::string trimmed = trim_field(line);
    if (!trimmed.empty() && trimmed[0] == '#') t.comments.push_back(trimmed.substr(1));
    if (trimmed.empty() || trimmed[0] == '#') continue;
    std::vector<std::string> fields;
    std::stringstream ss(trimmed);
    std::string f;
    while (std::getline(ss, f, ',')) fields.push_back(trim_field(f));
    if (t.names.empty()) {
      t.names = fields;
      t.columns.resize(fields.size());
      continue;
    }
    if (fields.size() != t.names.size()) {
      throw InputError(concat(path, ": line ", line_no, " has ", fields.size(),
                              " fields (expected ", t.names.size(), " as in the header)"));
    }
    for (std::size_t c = 0; c < fields.size(); ++c)  // finite numbers only (no nan/inf)
      t.columns[c].push_back(parse_number(fields[c], concat(path, ": line ", line_no),
                                          concat("column '", t.names[c], "'")));
  }
  if (t.names.empty() || t.columns.empty() || t.columns[0].empty()) {
    throw InputError(concat(path, ": no header and data rows found (expected a CSV table)"));
  }
  return t;
}

}  // namespace bd::detail
