#include "web/http/static_files.hpp"

#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "web/http/compression.hpp"

namespace vivrovert::web {

namespace {

std::string ETagOf(const std::string& content) {
  unsigned char hash[16];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(content.data()),
                     content.size(), nullptr, 0);
  char hex[sizeof hash * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return "\"" + std::string(hex) + "\"";
}

bool IfNoneMatchHits(const std::string& header, const std::string& etag) {
  if (header == "*") return true;
  // A comma-separated list, possibly with weak validators (W/"…"), which match too.
  size_t start = 0;
  while (start < header.size()) {
    size_t comma = header.find(',', start);
    std::string item =
        header.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t first = item.find_first_not_of(" \t");
    size_t last = item.find_last_not_of(" \t");
    if (first != std::string::npos) {
      item = item.substr(first, last - first + 1);
      if (item.starts_with("W/")) item = item.substr(2);
      if (item == etag) return true;
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return false;
}

}  // namespace

std::string ContentTypeFor(const std::string& file_name) {
  static const std::map<std::string, std::string> kTypes = {
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".html", "text/html; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".wasm", "application/wasm"},
  };
  auto found = kTypes.find(std::filesystem::path(file_name).extension().string());
  return found == kTypes.end() ? "application/octet-stream" : found->second;
}

Result<StaticFiles> StaticFiles::Load(const std::string& dist_dir, const AssetManifest& manifest,
                                      size_t max_total_bytes) {
  StaticFiles files;
  std::error_code error;
  if (!std::filesystem::is_directory(dist_dir, error)) return files;
  size_t total_bytes = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dist_dir)) {
    if (!entry.is_regular_file()) continue;
    std::string relative = std::filesystem::relative(entry.path(), dist_dir).generic_string();
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in.is_open()) return Unavailable("cannot read " + entry.path().string());
    std::ostringstream content;
    content << in.rdbuf();
    File file;
    file.content = content.str();
    total_bytes += file.content.size();
    if (total_bytes > max_total_bytes) {
      return InvalidArgument(dist_dir + " holds more than " + std::to_string(max_total_bytes) +
                             " bytes");
    }
    file.content_type = ContentTypeFor(relative);
    if (IsCompressible(file.content_type) && file.content.size() >= kMinCompressedBytes)
      file.gzipped = Gzip(file.content);
    file.etag = ETagOf(file.content);
    file.immutable = manifest.IsHashedFile(relative);
    files.files_.emplace(relative, std::move(file));
  }
  return files;
}

Response StaticFiles::Serve(const std::string& relative_path, const Request& request) const {
  auto found = files_.find(relative_path);
  if (found == files_.end()) return Response::Text("Fichier introuvable.", 404);
  const File& file = found->second;
  Response response(200);
  response.SetHeader("ETag", file.etag);
  response.SetHeader("Cache-Control",
                     file.immutable ? "public, max-age=31536000, immutable" : "public, no-cache");
  if (auto if_none_match = request.Header("If-None-Match");
      if_none_match && IfNoneMatchHits(*if_none_match, file.etag)) {
    response.set_status(304);
    return response;
  }
  response.SetHeader("Content-Type", file.content_type);
  if (!file.gzipped.empty() && AcceptsGzip(request)) {
    response.set_body(file.gzipped);
    response.SetHeader("Content-Encoding", "gzip");
    response.SetHeader("ETag", "W/" + file.etag);
  } else {
    response.set_body(file.content);
  }
  return response;
}

}  // namespace vivrovert::web
