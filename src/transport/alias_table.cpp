#include "betadose/alias_table.hh"

#include <cmath>

#include "betadose/errors.hh"

namespace bd {

AliasTable build_alias_table(const std::vector<double>& weight) {
  const std::size_t n = weight.size();
  BD_VALIDATE(n > 0, "alias table: no weights");
  BD_VALIDATE(n < (std::size_t{1} << 32), "alias table: " << n << " entries exceed 2^32");
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    BD_VALIDATE(std::isfinite(weight[i]) && weight[i] >= 0,
                "alias table: weight " << i << " = " << weight[i] << " (expected finite, >= 0)");
    total += weight[i];
  }
  BD_VALIDATE(total > 0, "alias table: all " << n << " weights are zero");
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small, large;
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = weight[i] * static_cast<double>(n) / total;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  AliasTable t;
  t.probability.assign(n, 1.0f);
  t.alias.resize(n);
  for (std::size_t i = 0; i < n; ++i) t.alias[i] = static_cast<std::uint32_t>(i);
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    small.pop_back();
    const std::uint32_t l = large.back();
    t.probability[s] = static_cast<float>(scaled[s]);
    t.alias[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Leftovers (round-off) keep probability 1 and alias themselves.
  return t;
}

std::vector<double> alias_table_probabilities(const AliasTable& table) {
  const std::size_t n = table.probability.size();
  std::vector<double> p(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    p[i] += table.probability[i] / static_cast<double>(n);
    p[table.alias[i]] += (1.0 - table.probability[i]) / static_cast<double>(n);
  }
  return p;
}

}  // namespace bd
