// SHA-256 (OpenSSL libcrypto; implementation src/io/checksum.cpp): the checksums of a run's
// inputs, the case fingerprint of checkpoints and job-array parts (run_control.hh), and the
// integrity checks of those files. Hex digests are lower case, as sha256sum prints them.
#pragma once

#include <memory>
#include <string>

#include "betadose/run_control.hh"

namespace bd {

class Sha256 : public Digest {
 public:
  Sha256();
  ~Sha256() override;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t bytes) override;
  std::string hex() override;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

std::unique_ptr<Digest> make_sha256();

// SHA-256 of a file's bytes; of a directory (a DICOM series): of every regular file below it,
// in path order, each as its relative path and its own digest. InputError naming `path` when
// it cannot be read.
std::string sha256_of_path(const std::string& path);

}  // namespace bd
