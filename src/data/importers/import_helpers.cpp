#include "data/importers/import_helpers.hpp"

#include <algorithm>
#include <filesystem>

namespace vivrovert::importers {

namespace fs = std::filesystem;

bool InMetropolitanFrance(const geo::Point& point) {
  constexpr double kMinEast = 3'100'000, kMaxEast = 4'400'000;
  constexpr double kMinNorth = 2'000'000, kMaxNorth = 3'200'000;
  return point.x >= kMinEast && point.x <= kMaxEast && point.y >= kMinNorth && point.y <= kMaxNorth;
}

std::vector<std::string> FileNames(const std::vector<std::string>& files) {
  std::vector<std::string> names;
  for (const std::string& file : files) names.push_back(fs::path(file).filename().string());
  return names;
}

std::vector<std::string> CoveredDepartements(const std::set<std::string>& seen) {
  std::vector<std::string> covered;
  for (const std::string& code : MetropolitanDepartements()) {
    if (seen.contains(code)) covered.push_back(code);
  }
  if (covered.size() == MetropolitanDepartements().size()) covered.clear();
  return covered;
}

FileProgress::FileProgress(const std::vector<std::string>& files, const ProgressFn& progress)
    : progress_(progress) {
  for (const std::string& file : files) {
    std::error_code error;
    const auto size = fs::file_size(file, error);
    total_ += error ? 0 : static_cast<int64_t>(size);
  }
}

std::function<void(int64_t)> FileProgress::ForFile(const std::string& label) {
  const int64_t base = done_;
  return [this, base, label](int64_t bytes) {
    done_ = base + bytes;
    if (progress_ && total_ > 0)
      progress_(label, std::min(1.0, static_cast<double>(done_) / total_));
  };
}

}  // namespace vivrovert::importers
