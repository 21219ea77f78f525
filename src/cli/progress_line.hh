// Progress line for long transport runs: histories/s and ETA on stderr when it is a terminal
// (isatty(2)), nothing otherwise (logs and pipes stay clean).
#pragma once

#include <unistd.h>

#include <cstdio>
#include <functional>

#include "betadose/transport.hh"

namespace bd::cli {

inline std::function<void(const TransportProgress&)> terminal_progress(const char* what) {
  if (!isatty(2)) return nullptr;
  return [what](const TransportProgress& p) {
    const double rate = p.elapsed_s > 0 ? p.histories_done / p.elapsed_s : 0;
    if (p.histories_planned > 0) {
      const double left = rate > 0 ? (p.histories_planned - p.histories_done) / rate : 0;
      std::fprintf(stderr, "\r%s: %llu/%llu histories (%.0f%%), %.3g histories/s, ETA %.0f s   ", what,
                   static_cast<unsigned long long>(p.histories_done),
                   static_cast<unsigned long long>(p.histories_planned),
                   100.0 * p.histories_done / p.histories_planned, rate, left);
    } else {
      std::fprintf(stderr, "\r%s: %llu histories, %.3g histories/s, mean uncertainty %.2f%%   ", what,
                   static_cast<unsigned long long>(p.histories_done), rate, 100 * p.mean_rel_uncertainty);
    }
    if (p.histories_planned > 0 && p.histories_done >= p.histories_planned) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  };
}

}  // namespace bd::cli
