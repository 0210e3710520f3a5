// Downloads of `vivrovert data update`: one file from its address to a local path, over
// HTTP or HTTPS (Poco::Net), following redirects, resuming an interrupted download from
// where it stopped (HTTP Range on the ".part" file kept beside the target), asking the
// server whether the file changed since the last download (ETag, Last-Modified), and
// checking the size and checksum the publisher announces.
//
// A download goes to TARGET.part and is renamed to TARGET only once complete and checked,
// so TARGET is always a whole file: the previous one until the new one is good.
//
// Thread safety: a Fetcher holds no state between calls; use one per thread.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "core/common/status.hpp"

namespace vivrovert::data_update {

// What is remembered of a downloaded file, to ask next time whether it changed.
struct FetchState {
  std::string url;            // the address asked (before redirects)
  std::string etag;           // the server's ETag, if any
  std::string last_modified;  // the server's Last-Modified (HTTP date), if any
  std::string sha256;         // of the file's bytes, hex
  uint64_t size = 0;

  nlohmann::json ToJson() const;
  static FetchState FromJson(const nlohmann::json& json);
};

// What the publisher announces of the file, checked after the download; empty: unknown.
struct Expected {
  uint64_t size = 0;
  std::string checksum_type;  // "md5", "sha1", "sha256"
  std::string checksum;       // hex
};

struct FetchResult {
  bool changed = false;       // false: the server said 304, or the bytes are those of before
  FetchState state;           // of the file now at the target
  uint64_t resumed_from = 0;  // bytes already there when a download resumed (0: from scratch)
  int attempts = 0;           // requests that carried file bytes
};

struct FetchOptions {
  int timeout_seconds = 60;  // per network operation
  int max_redirects = 10;
  int max_attempts = 3;  // an interrupted transfer is resumed this many times in a run
  // One line per file on a terminal: called with the progress text (bytes, rate, time
  // left) as it changes and with `done` true once at the end; may be empty.
  std::function<void(const std::string& text, bool done)> progress;
};

class Fetcher {
 public:
  explicit Fetcher(FetchOptions options) : options_(std::move(options)) {}

  // Downloads `url` to `target` (see above). `previous` is the state of the file at
  // `target` from the last run (empty url: none). Errors: NotFound (HTTP 404 or 410),
  // Unavailable (network, other HTTP status, interrupted after the last attempt — the
  // .part is kept for the next run), DataLoss (size or checksum differs: the .part is
  // deleted). The message names the address and the reason.
  Result<FetchResult> Fetch(const std::string& url, const std::string& target,
                            const FetchState& previous, const Expected& expected) const;

  // A small document (a dataset's description) in memory, redirects followed.
  Result<std::string> Get(const std::string& url) const;

 private:
  FetchOptions options_;
};

// "12.3 MB", "512 B".
std::string FormatBytes(uint64_t bytes);

// The hex digest of a file's bytes ("md5", "sha1" or "sha256"); empty when unreadable or
// unknown type.
std::string FileDigest(const std::string& path, const std::string& type);

}  // namespace vivrovert::data_update
