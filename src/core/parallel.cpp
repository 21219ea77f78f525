// The ranks of a run (include/betadose/parallel.hh): the one translation unit with <mpi.h>.
#include "betadose/parallel.hh"

#include <algorithm>
#include <cstdlib>
#include <vector>

#if defined(BETADOSE_HAVE_MPI)
#include <mpi.h>
#endif

namespace bd {
namespace {

Ranks& the_ranks() {
  static Ranks r;
  return r;
}

#if defined(BETADOSE_HAVE_MPI)
bool g_mpi_started = false;

// Launched by an MPI launcher? (A singleton MPI_Init would work too, but costs start-up time
// and, with Open MPI, an orted process for every plain `betadose` call.)
bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "MPI_LOCALNRANKS"})
    if (std::getenv(v)) return true;
  return false;
}

// MPI counts are int: large tallies go in slices.
constexpr std::size_t kSlice = std::size_t{1} << 26;
#endif

}  // namespace

bool mpi_compiled() {
#if defined(BETADOSE_HAVE_MPI)
  return true;
#else
  return false;
#endif
}

const Ranks& ranks() { return the_ranks(); }

void init_parallel(int* argc, char*** argv) {
#if defined(BETADOSE_HAVE_MPI)
  if (g_mpi_started || !launched_by_mpi()) return;
  int provided = 0;
  // Only the main thread calls MPI (OpenMP workers never do).
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  g_mpi_started = true;
  Ranks& r = the_ranks();
  MPI_Comm_rank(MPI_COMM_WORLD, &r.rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &r.size_);
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, r.rank_, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &r.local_rank_);
  MPI_Comm_free(&node);
#else
  (void)argc;
  (void)argv;
#endif
}

void finalize_parallel() {
#if defined(BETADOSE_HAVE_MPI)
  if (!g_mpi_started) return;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
#endif
}

void abort_parallel(int exit_code) {
#if defined(BETADOSE_HAVE_MPI)
  if (g_mpi_started && the_ranks().size() > 1) MPI_Abort(MPI_COMM_WORLD, exit_code);
  finalize_parallel();
#endif
  std::exit(exit_code);
}

void Ranks::sum_to_root(unsigned long long* data, std::size_t n) const {
#if defined(BETADOSE_HAVE_MPI)
  if (size_ == 1) return;
  for (std::size_t i = 0; i < n; i += kSlice) {
    const int count = static_cast<int>(std::min(kSlice, n - i));
    if (root())
      MPI_Reduce(MPI_IN_PLACE, data + i, count, MPI_UNSIGNED_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
    else
      MPI_Reduce(data + i, nullptr, count, MPI_UNSIGNED_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
  }
#else
  (void)data;
  (void)n;
#endif
}

void Ranks::max_all(int* data, std::size_t n) const {
#if defined(BETADOSE_HAVE_MPI)
  if (size_ == 1) return;
  MPI_Allreduce(MPI_IN_PLACE, data, static_cast<int>(n), MPI_INT, MPI_MAX, MPI_COMM_WORLD);
#else
  (void)data;
  (void)n;
#endif
}

void Ranks::broadcast(std::uint64_t* data, std::size_t n) const {
#if defined(BETADOSE_HAVE_MPI)
  if (size_ == 1) return;
  static_assert(sizeof(std::uint64_t) == sizeof(unsigned long long));
  MPI_Bcast(data, static_cast<int>(n), MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
#else
  (void)data;
  (void)n;
#endif
}

void Ranks::broadcast(std::string& text) const {
#if defined(BETADOSE_HAVE_MPI)
  if (size_ == 1) return;
  std::uint64_t len = text.size();
  broadcast(&len, 1);
  text.resize(len);
  if (len) MPI_Bcast(text.data(), static_cast<int>(len), MPI_CHAR, 0, MPI_COMM_WORLD);
#else
  (void)text;
#endif
}

void Ranks::barrier() const {
#if defined(BETADOSE_HAVE_MPI)
  if (size_ > 1) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

}  // namespace bd
