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

// Well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF).
bool valid_utf8(const std::string& s);
// ISO 8859-1 bytes as UTF-8 (each byte is its code point).
std::string latin1_to_utf8(const std::string& s);
// ASCII upper case (DICOM code strings), trimmed.
std::string upper_trimmed(std::string s);

}  // namespace bd
