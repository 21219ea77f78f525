// RAII for HDF5 identifiers, shared by the HDF5 readers/writers in src/io (private header:
// only src/io includes HDF5).
#pragma once

#include <hdf5.h>

namespace bd::h5 {

// Closes an HDF5 identifier on scope exit.
struct Handle {
  hid_t id;
  herr_t (*closer)(hid_t);
  Handle(hid_t i, herr_t (*c)(hid_t)) : id(i), closer(c) {}
  ~Handle() {
    if (id >= 0) closer(id);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  operator hid_t() const { return id; }
  // Closes now and reports the result (a file's close is where a full disk shows up).
  herr_t close() {
    const herr_t rc = id >= 0 ? closer(id) : 0;
    id = -1;
    return rc;
  }
};

}  // namespace bd::h5
