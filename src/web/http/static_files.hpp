// The front-end bundles of frontend/dist/, served under /static/.
//
// The folder is read into memory once, at construction: it is small (a few hundred KB),
// a request can only ever name a file that was listed then (no path ever reaches the
// file system, so "../" cannot escape), and serving needs no disk I/O. Rebuilding the
// front end therefore needs a server restart, as the asset manifest does anyway.
//
// Files named in the manifest carry their content hash in their name and are cached
// for a year as immutable; others must be revalidated (ETag, 304).
//
// Thread safety: immutable after construction; Serve is safe from any thread.
#pragma once

#include <map>
#include <string>

#include "core/common/status.hpp"
#include "web/http/http.hpp"
#include "web/http/templates.hpp"

namespace vivrovert::web {

class StaticFiles {
 public:
  StaticFiles() = default;
  // Reads every regular file under `dist_dir` (recursively). A missing folder gives an
  // empty set. Errors: Unavailable when a file cannot be read; InvalidArgument when the
  // folder holds more than `max_total_bytes`.
  static Result<StaticFiles> Load(const std::string& dist_dir, const AssetManifest& manifest,
                                  size_t max_total_bytes = size_t{64} << 20);

  // The response for `relative_path` ("main-3LTO2Z64.js"); 404 for an unknown file, 304
  // when If-None-Match names the current ETag. Text files go gzipped (with a weak ETag) to
  // clients that accept it, from the copy compressed at load.
  Response Serve(const std::string& relative_path, const Request& request) const;

  size_t size() const { return files_.size(); }

 private:
  struct File {
    std::string content;
    // `content` gzipped once at load, for clients that accept it; empty when the type is
    // not text or the file is too small to gain (compression.hpp's rule).
    std::string gzipped;
    std::string content_type;
    std::string etag;
    bool immutable = false;
  };
  std::map<std::string, File> files_;
};

// The Content-Type for a file name, by extension; application/octet-stream when unknown.
std::string ContentTypeFor(const std::string& file_name);

}  // namespace vivrovert::web
