// Helpers shared by the web tests: a deterministic Random, a temporary folder, and an App
// built on the real templates of the source tree.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "core/common/env.hpp"
#include "web/http/app.hpp"

namespace vivrovert::testing {

// Bytes 0, 1, 2, … : tokens differ from call to call yet every run is the same.
class CountingRandom final : public Random {
 public:
  void Fill(void* buffer, size_t size) override {
    auto* bytes = static_cast<unsigned char*>(buffer);
    for (size_t idx = 0; idx < size; ++idx) bytes[idx] = static_cast<unsigned char>(next_++);
  }

 private:
  unsigned next_ = 0;
};

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "vivrovert-web-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  void Write(const std::string& relative, const std::string& content) const {
    std::filesystem::path file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
  }

 private:
  std::filesystem::path path_;
};

inline std::string SourceTemplates() {
  return std::string(VIVROVERT_SOURCE_ROOT) + "/templates/pages";
}

inline constexpr const char* kTestSecret = "test-secret-key-of-at-least-32-characters!";
// 2026-03-01T12:00:00Z.
inline constexpr int64_t kTestNow = 1772366400;

inline web::Request MustParse(std::string_view method, std::string_view target,
                              web::Fields headers = {}, std::string body = {}) {
  auto request =
      web::Request::Parse(method, target, std::move(headers), std::move(body), "127.0.0.1");
  if (!request.ok()) throw std::runtime_error(request.status().ToString());
  return std::move(request).value();
}

// The value of `name=` in the Set-Cookie headers of `response`, or empty.
inline std::string CookieValue(const web::Response& response, const std::string& name) {
  const web::SetCookie* cookie = response.FindCookie(name);
  return cookie == nullptr ? std::string() : cookie->value;
}

// The content of <meta name="csrf-token" content="…"> in a page.
inline std::string MetaCsrfToken(const std::string& html) {
  const std::string marker = "<meta name=\"csrf-token\" content=\"";
  size_t start = html.find(marker);
  if (start == std::string::npos) return {};
  start += marker.size();
  return html.substr(start, html.find('"', start) - start);
}

}  // namespace vivrovert::testing
