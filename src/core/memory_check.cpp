#include "betadose/memory_check.hh"

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "betadose/errors.hh"
#include "betadose/text_parse.hh"

namespace bd {

double available_memory_bytes() {
  double avail = 0;
  std::ifstream in("/proc/meminfo");
  std::string key, unit;
  double kb = 0;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") {
      avail = kb * 1024.0;
      break;
    }
  // A user's (or a fuzz harness's) cap below what the machine has.
  if (const char* mb = std::getenv("BETADOSE_MEMORY_LIMIT_MB")) {
    const double cap = std::atof(mb) * 1048576.0;
    if (cap > 0 && (avail <= 0 || cap < avail)) avail = cap;
  }
  return avail;
}

std::string human_bytes(double b) {
  const char* unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (b >= 1024 && u < 6) {
    b /= 1024;
    ++u;
  }
  return format_g(b, 3) + " " + unit[u];
}

void require_memory(double bytes, const std::string& what, const std::string& advice) {
  BD_VALIDATE(std::isfinite(bytes) && bytes < 4.6e18,
              what << ": would need more memory than any machine has (" << format_g(bytes, 3) << " bytes); use "
                   << advice);
  const double avail = available_memory_bytes();
  BD_VALIDATE(avail <= 0 || bytes < avail, what << ": needs about " << human_bytes(bytes) << " of memory, but only "
                                                << human_bytes(avail) << " is available (MemAvailable); use " << advice);
}

}  // namespace bd
