// Minimal JSON object writer for the CLI's --json outputs (one object on stdout) and the data
// the HTML report embeds. Numbers are written with 10 significant digits; NaN/inf become null;
// strings are escaped per RFC 8259.
#pragma once

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

namespace bd {

inline std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;  // UTF-8 passes through unchanged
        }
    }
  }
  return out + "\"";
}

inline std::string json_number(double x) {
  if (!std::isfinite(x)) return "null";
  std::ostringstream os;
  os << std::setprecision(10) << x;
  return os.str();
}

// Builds `{"key": value, ...}`; values are given already encoded or through the typed adders.
class JsonObject {
 public:
  JsonObject& raw(const std::string& key, const std::string& encoded) {
    items_.push_back(json_string(key) + ": " + encoded);
    return *this;
  }
  JsonObject& add(const std::string& key, double x) { return raw(key, json_number(x)); }
  JsonObject& add(const std::string& key, bool b) { return raw(key, b ? "true" : "false"); }
  JsonObject& add(const std::string& key, const std::string& s) { return raw(key, json_string(s)); }
  JsonObject& add(const std::string& key, const char* s) { return raw(key, json_string(s)); }
  JsonObject& add(const std::string& key, const std::vector<std::string>& list) {
    std::string v = "[";
    for (std::size_t i = 0; i < list.size(); ++i) v += (i ? ", " : "") + json_string(list[i]);
    return raw(key, v + "]");
  }
  JsonObject& add(const std::string& key, const std::vector<JsonObject>& list) {
    std::string v = "[";
    for (std::size_t i = 0; i < list.size(); ++i) v += (i ? ", " : "") + list[i].str();
    return raw(key, v + "]");
  }
  JsonObject& add(const std::string& key, const JsonObject& obj) { return raw(key, obj.str()); }
  std::string str() const {
    std::string s = "{";
    for (std::size_t i = 0; i < items_.size(); ++i) s += (i ? ", " : "") + items_[i];
    return s + "}";
  }

 private:
  std::vector<std::string> items_;
};

}  // namespace bd
