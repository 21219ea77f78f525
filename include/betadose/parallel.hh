// Processes of one run (issue 15): `mpirun -n K betadose ...` runs K ranks that take disjoint
// decay ranges of every batch and reduce their integer tallies on rank 0, which writes. This
// header hides MPI: the only translation unit that includes <mpi.h> is
// src/core/parallel.cpp (built with MPI when CMake finds it, BETADOSE_HAVE_MPI); without MPI,
// or when the program was not started by an MPI launcher, there is one rank and every
// collective is the identity.
//
// Every collective below must be called by all ranks in the same order (MPI's rule).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace bd {

// Starts MPI when the environment shows an MPI launch (Open MPI's OMPI_COMM_WORLD_SIZE,
// PMIx's PMIX_RANK, PMI's PMI_RANK: mpirun, srun --mpi=pmix); otherwise nothing, so a plain
// `betadose` never pays for MPI start-up. Call once, at the top of main, after the signal
// watcher (interrupt.hh) so that MPI's threads inherit the blocked signals.
void init_parallel(int* argc, char*** argv);
// MPI_Finalize when MPI was started (every rank, on the normal and the interrupted path).
void finalize_parallel();
// Error on one rank while the others may wait in a collective: end the whole job with
// `exit_code` (MPI_Abort); without MPI, std::exit.
[[noreturn]] void abort_parallel(int exit_code);

// True when this build contains MPI.
bool mpi_compiled();

// The ranks of the run (MPI_COMM_WORLD, or the single process).
class Ranks {
 public:
  int rank() const { return rank_; }
  int size() const { return size_; }
  // Rank among the processes of this node (MPI_Comm_split_type SHARED): selects the GPU.
  int local_rank() const { return local_rank_; }
  bool root() const { return rank_ == 0; }
  bool parallel() const { return size_ > 1; }

  // In place on rank 0: data[i] = Σ over ranks (exact: integer addition); other ranks' data
  // is left unspecified.
  void sum_to_root(unsigned long long* data, std::size_t n) const;
  // Every rank receives the element-wise maximum.
  void max_all(int* data, std::size_t n) const;
  // Rank 0's value to every rank.
  void broadcast(std::uint64_t* data, std::size_t n) const;
  void broadcast(std::string& text) const;
  void barrier() const;

 private:
  friend const Ranks& ranks();
  friend void init_parallel(int*, char***);
  int rank_ = 0, size_ = 1, local_rank_ = 0;
};

const Ranks& ranks();

}  // namespace bd
