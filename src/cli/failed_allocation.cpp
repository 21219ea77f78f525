// Replacement of the global (non-aligned) operator new/delete for the betadose program: the
// same malloc/free the default ones use, plus a record of the size of a failed request for
// main's out-of-memory message. new and delete are replaced as a complete set so that every
// allocation is freed by its own allocator (also under AddressSanitizer, which otherwise
// checks new/delete pairing).
#include "failed_allocation.hh"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<std::size_t> g_failed_bytes{0};

void* allocate(std::size_t n) {
  if (n == 0) n = 1;
  for (;;) {
    if (void* p = std::malloc(n)) return p;
    std::new_handler handler = std::get_new_handler();
    if (!handler) {
      g_failed_bytes.store(n);
      throw std::bad_alloc();
    }
    handler();
  }
}

void* allocate_nothrow(std::size_t n) noexcept {
  try {
    return allocate(n);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

}  // namespace

namespace bd::cli {
std::size_t failed_allocation_bytes() { return g_failed_bytes.load(); }
}  // namespace bd::cli

void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return allocate_nothrow(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return allocate_nothrow(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
