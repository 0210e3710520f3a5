// A background thread that runs one task now, then every `interval`, and at once when
// nudged: the server's mail worker, matching pass and nightly scheduler.
// The task's exceptions are written to stderr with the worker's name; the next round tries
// again. Stop() waits for the round in progress; the destructor stops.
//
// Thread safety: Start, Stop and Nudge may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace vivrovert {

class PeriodicWorker {
 public:
  PeriodicWorker(std::string name, std::chrono::milliseconds interval, std::function<void()> task);
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;
  ~PeriodicWorker();

  void Start();
  void Stop();
  void Nudge();
  // True once Stop() was called: a long task checks it between steps to end early.
  bool StopRequested();

 private:
  void Run();

  const std::string name_;
  const std::chrono::milliseconds interval_;
  const std::function<void()> task_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool nudged_ = false;
  std::thread thread_;
};

}  // namespace vivrovert
