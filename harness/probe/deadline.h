// A point in time that the waits of one phase of a probe step count down to: connect and handshake
// share one budget, so a slow connect cannot stretch the handshake. The reply to what the probe
// sends afterwards gets a deadline of its own: --timeout bounds each connect + handshake and each
// read (README, `probe --help`), so a reply is never judged missing because the connect was slow.
#pragma once

#include <algorithm>
#include <chrono>
#include <string>

#include "harness/io/duration_text.h"  // seconds_text, used by every probe step

namespace tlsmatrix::probe {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Deadline(std::chrono::milliseconds budget) : at_(Clock::now() + budget) {}

  bool passed() const { return Clock::now() >= at_; }
  // Milliseconds left, clamped to [0, INT_MAX] for poll(). Rounded up: a wait of it never ends
  // before the deadline, and a fresh 5 s deadline reads as 5 s, not 4.999 s, in messages.
  int remaining_ms() const {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(at_ - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(left, 0, 0x7fffffff));
  }
  // The earlier of this deadline and `budget` from now.
  Deadline capped(std::chrono::milliseconds budget) const {
    Deadline d(budget);
    d.at_ = std::min(d.at_, at_);
    return d;
  }

 private:
  Clock::time_point at_;
};

}  // namespace tlsmatrix::probe
