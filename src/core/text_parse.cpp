#include "betadose/text_parse.hh"

#include <cmath>
#include <iomanip>
#include <sstream>

#include "betadose/errors.hh"
#include "betadose/input_file.hh"

namespace bd {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

double parse_number(const std::string& text, const std::string& where, const std::string& what) {
  std::size_t pos = 0;
  double v = 0;
  try {
    v = std::stod(text, &pos);
  } catch (const std::exception&) {
    pos = 0;
  }
  BD_VALIDATE(pos > 0 && pos == text.size() && std::isfinite(v),
              where << ": " << what << " must be a number, got '" << text << "'");
  return v;
}

std::vector<DataLine> read_data_lines(const std::string& path, const std::string& what) {
  // A regular file of bounded size, read whole (input_file.hh: never a FIFO, no NUL bytes).
  std::istringstream in(read_text_input(path, what));
  std::vector<DataLine> out;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    std::istringstream ls(line);
    DataLine d;
    if (!(ls >> d.key)) continue;
    for (std::string tok; ls >> tok;) d.fields.push_back(tok);
    d.rest = trim(line.substr(line.find(d.key) + d.key.size()));
    d.where = path + ":" + std::to_string(lineno);
    out.push_back(std::move(d));
  }
  return out;
}

std::string format_g(double v, int precision) {
  std::ostringstream os;
  os << std::setprecision(precision) << v;
  return os.str();
}

}  // namespace bd
