// SHA-256 through OpenSSL's EVP interface (include/betadose/checksum.hh).
#include "betadose/checksum.hh"

#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "betadose/errors.hh"

namespace bd {

struct Sha256::State {
  EVP_MD_CTX* ctx = nullptr;
  bool done = false;
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  state_->ctx = EVP_MD_CTX_new();
  if (!state_->ctx || EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL: cannot start a SHA-256 digest");
}

Sha256::~Sha256() { EVP_MD_CTX_free(state_->ctx); }

void Sha256::update(const void* data, std::size_t bytes) {
  if (state_->done) throw std::logic_error("Sha256::update after hex()");
  if (bytes && EVP_DigestUpdate(state_->ctx, data, bytes) != 1)
    throw std::runtime_error("OpenSSL: SHA-256 update failed");
}

std::string Sha256::hex() {
  if (state_->done) throw std::logic_error("Sha256::hex called twice");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(state_->ctx, md, &n) != 1) throw std::runtime_error("OpenSSL: SHA-256 final failed");
  state_->done = true;
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += digits[md[i] >> 4];
    out += digits[md[i] & 15];
  }
  return out;
}

std::unique_ptr<Digest> make_sha256() { return std::make_unique<Sha256>(); }

namespace {

std::string sha256_of_file(const std::filesystem::path& p, const std::string& shown) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw InputError(shown + ": cannot be read (for its checksum)");
  Sha256 d;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    d.update(buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw InputError(shown + ": read error (for its checksum)");
  return d.hex();
}

}  // namespace

std::string sha256_of_path(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(path, ec))
      if (e.is_regular_file()) files.push_back(e.path());
    if (ec) throw InputError(path + ": cannot list the directory (for its checksum)");
    std::sort(files.begin(), files.end());
    Sha256 d;
    for (const auto& f : files) {
      const std::string rel = fs::relative(f, path).generic_string();
      const std::string h = sha256_of_file(f, f.string());
      d.update(rel.data(), rel.size() + 1);
      d.update(h.data(), h.size());
    }
    return d.hex();
  }
  return sha256_of_file(path, path);
}

}  // namespace bd
