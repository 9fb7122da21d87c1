// File descriptors as a resource of the run. Every cell holds a listening socket, the server's
// accepted connection and the client's, and gRPC keeps a few of its own for the process; past
// the process's limit (ulimit -n) a server cannot bind and a client cannot connect, which a
// cell must never read as a certificate verdict. So the runner sizes --jobs to the limit, and a
// cell looks for free descriptors itself (the errno of a real socket() call, not gRPC's words).
#pragma once

#include <chrono>
#include <string>

namespace tlsmatrix::runner {

// Measured on Debian 12 with gRPC 1.51 (sampling /proc/PID/fd during catalogue runs): with
// --jobs 1, 7 open between cells (stdio and gRPC's two epoll sets with their wakeup eventfds,
// the second made on first use) and at most 11 during one (its listening, accepted and client
// sockets); about 3 more per further parallel cell. A cell is counted as 4 (a connection closing
// late overlaps the next cell's), the process as 8 besides what it has open before the first
// cell, and a cell starts only with room for itself and gRPC's lazily made pair: a cell whose
// peak finds no descriptor fails in ways that look like certificate verdicts.
inline constexpr int kDescriptorsPerCell = 4;
inline constexpr int kDescriptorsForProcess = 8;
inline constexpr int kDescriptorsFreeAtCellStart = kDescriptorsPerCell + 2;

// RLIMIT_NOFILE's soft limit; -1 when there is none.
int descriptor_limit();

// Descriptors this process has open now.
int open_descriptors();

// The most cells that fit in the descriptors left under the limit, at least 1 (whether one
// fits is for the cell's own check to say): `requested` when the limit allows it.
int jobs_within_descriptors(int requested);

// Opens `count` TCP sockets and closes them again: 0 when that worked, else the errno of the
// socket() that failed (EMFILE, ENFILE, ENOBUFS, ENOMEM). A cell's evidence that the process,
// not the certificate, was short of something.
int probe_free_descriptors(int count);

// probe_free_descriptors until it finds room or `deadline` has passed (then its last errno):
// gRPC closes a finished cell's sockets on its own threads, a little after the cell returns.
int wait_for_free_descriptors(int count, std::chrono::milliseconds deadline);

// An errno from the harness's environment in words: "out of file descriptors (ulimit -n 64)".
// Empty for an errno that says nothing about the environment.
std::string environment_error_text(int error);

// What to do about it when even one cell at a time does not fit, as a command where there is one.
std::string environment_error_advice(int error);

}  // namespace tlsmatrix::runner
