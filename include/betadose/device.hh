// Which backend runs the transport, and what the machine offers.
#pragma once

#include <string>

namespace bd {

enum class Device { cpu, cuda };

// Parses "cpu" / "cuda"; throws InputError otherwise.
Device parse_device(const std::string& name);
std::string to_string(Device device);

// True when this build contains the CUDA backend.
bool cuda_compiled();
// Number of CUDA devices visible (0 when CUDA is not compiled or no driver/GPU).
int cuda_device_count();
// One-line description of each visible GPU ("NVIDIA H100 80GB HBM3, 132 SMs, 79.1 GiB").
std::string cuda_device_summary();
// Throws InputError with a clear reason when `device` cannot run here. For cuda it also makes
// the GPU of this MPI rank current: local rank (parallel.hh) modulo the visible GPUs.
void require_device(Device device);

}  // namespace bd
