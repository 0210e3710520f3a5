#include "core/common/periodic_worker.hpp"

#include <exception>
#include <iostream>

namespace vivrovert {

PeriodicWorker::PeriodicWorker(std::string name, std::chrono::milliseconds interval,
                               std::function<void()> task)
    : name_(std::move(name)), interval_(interval), task_(std::move(task)) {}

PeriodicWorker::~PeriodicWorker() { Stop(); }

void PeriodicWorker::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void PeriodicWorker::Stop() {
  std::thread thread;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    thread = std::move(thread_);
  }
  wake_.notify_all();
  if (thread.joinable()) thread.join();
}

void PeriodicWorker::Nudge() {
  {
    std::lock_guard lock(mutex_);
    nudged_ = true;
  }
  wake_.notify_all();
}

bool PeriodicWorker::StopRequested() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void PeriodicWorker::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    nudged_ = false;
    lock.unlock();
    try {
      task_();
    } catch (const std::exception& error) {
      std::cerr << "vivrovert: " << name_ << ": round failed, will retry: " << error.what() << "\n";
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_ || nudged_; });
  }
}

}  // namespace vivrovert
