// Shared by the libFuzzer harnesses (tools/fuzz.sh): every harness feeds its input to one of
// betadose's readers through a file, exactly as a user's file reaches it. The reader may only
// answer with InputError (exit 2) or a CLI11 ParseError; any other exception, a crash, a leak,
// undefined behaviour (ASan + UBSan) or an allocation beyond the harness's memory cap is a
// finding.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

#include "betadose/data_paths.hh"
#include "betadose/errors.hh"

namespace bd::fuzz {

// A directory of this process under /dev/shm (or TMPDIR), removed at exit. The name is never
// destroyed: the atexit handler that removes the directory runs after static destructors.
inline const std::string& work_dir() {
  static const std::string* dir = [] {
    const char* base = std::getenv("BETADOSE_FUZZ_TMP");
    std::string d = std::string(base ? base : (std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp")) +
                    "/betadose-fuzz-" + std::to_string(::getpid());
    std::filesystem::create_directories(d);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(work_dir(), ec);
    });
    // The readers' memory estimates use this cap (memory_check.hh): a header that declares
    // more is refused, as a user's machine with this much memory would refuse it.
    ::setenv("BETADOSE_MEMORY_LIMIT_MB", "512", 1);
    // The product's rehearsed reads (src/io/isolated_read.hh) give up on a hanging library
    // (libhdf5 loops or crawls on some crafted files) after this long, well inside libFuzzer's
    // timeout for those harnesses (tools/fuzz.sh --smoke: 60 s, for the child's 5 s and the
    // parent's read after it), so that the product's refusal, not the wait, is what they see.
    ::setenv("BETADOSE_READ_TIME_LIMIT_S", "5", 1);
    return new std::string(d);
  }();
  return *dir;
}

inline std::string write_file(const std::string& name, const std::uint8_t* data, std::size_t size) {
  const std::string path = work_dir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

// A materials directory of three shipped materials (water, lung, cortical-bone), for the
// harnesses of files that name materials (HU calibration, material tables). Those readers look
// each name up in the material library; with the whole library each execution would spend
// most of its time parsing 30 material files, which fuzz_material_file fuzzes on its own.
inline const std::string& small_material_dir() {
  static const std::string* dir = [] {
    const std::string d = work_dir() + "/materials";
    std::filesystem::create_directories(d);
    for (const char* name : {"water", "lung", "cortical-bone"}) {
      const std::string file = std::string(name) + ".material";
      std::filesystem::copy_file(std::filesystem::path(materials_dir()) / file, d + "/" + file,
                                 std::filesystem::copy_options::overwrite_existing);
    }
    return new std::string(d);
  }();
  return *dir;
}

// Runs a reader; InputError is the expected answer to a bad file, anything else aborts.
template <class F>
void expect_reader(F&& read) {
  try {
    read();
  } catch (const InputError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception (would be an internal error): %s\n", e.what());
    std::abort();
  }
}

}  // namespace bd::fuzz
