// Small helpers for reading betadose's text data files (materials, nuclides, calibrations,
// tables) with errors that name the place and the field.
#pragma once

#include <string>
#include <vector>

namespace bd {

// One `key value ...` line of a data file, '#' comment removed.
struct DataLine {
  std::string key;
  std::vector<std::string> fields;  // the values, split at blanks
  std::string rest;                 // everything after the key, trimmed
  std::string where;                // "<path>:<line>"
};

// The non-blank lines of a `key value` data file (materials, nuclides, microsphere products);
// InputError "<path>: cannot open <what>" when the file cannot be read.
std::vector<DataLine> read_data_lines(const std::string& path, const std::string& what);

// `s` without leading/trailing spaces, tabs and carriage returns.
std::string trim(const std::string& s);

// The whole of `text` as a finite number; otherwise InputError
// "<where>: <what> must be a number, got '<text>'".
double parse_number(const std::string& text, const std::string& where, const std::string& what);

// `v` with std::setprecision(precision) (general format), for messages and log lines.
std::string format_g(double v, int precision = 4);

}  // namespace bd
