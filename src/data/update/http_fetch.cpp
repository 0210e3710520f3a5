#include "data/update/http_fetch.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/Exception.h>
#include <Poco/MD5Engine.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/SHA1Engine.h>
#include <Poco/SHA2Engine.h>
#include <Poco/URI.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

namespace vivrovert::data_update {

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

Poco::Net::Context::Ptr ClientTlsContext() {
  static const Poco::Net::Context::Ptr context = [] {
    Poco::Net::initializeSSL();
    Poco::Net::Context::Ptr created = new Poco::Net::Context(
        Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_RELAXED, 9,
        true /* the system's CA certificates */);
    created->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    return created;
  }();
  return context;
}

std::unique_ptr<Poco::Net::HTTPClientSession> OpenSession(const Poco::URI& uri, int timeout) {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (uri.getScheme() == "https") {
    session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(),
                                                              ClientTlsContext());
  } else {
    session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
  }
  session->setTimeout(Poco::Timespan(timeout, 0));
  return session;
}

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string StatusText(const Poco::Net::HTTPResponse& response) {
  return "HTTP " + std::to_string(static_cast<int>(response.getStatus())) + " " +
         response.getReason();
}

// "3 min 20 s", "12 s".
std::string FormatDuration(double seconds) {
  if (seconds < 0) seconds = 0;
  const auto whole = static_cast<long>(seconds + 0.5);
  if (whole >= 3600)
    return std::to_string(whole / 3600) + " h " + std::to_string(whole % 3600 / 60) + " min";
  if (whole >= 60) return std::to_string(whole / 60) + " min " + std::to_string(whole % 60) + " s";
  return std::to_string(whole) + " s";
}

std::unique_ptr<Poco::DigestEngine> DigestFor(const std::string& type) {
  if (type == "md5") return std::make_unique<Poco::MD5Engine>();
  if (type == "sha1") return std::make_unique<Poco::SHA1Engine>();
  if (type == "sha256") return std::make_unique<Poco::SHA2Engine>(Poco::SHA2Engine::SHA_256);
  return nullptr;
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The first byte of a "Content-Range: bytes START-END/TOTAL" header, and TOTAL (0: "*").
bool ParseContentRange(const std::string& header, uint64_t& start, uint64_t& total) {
  unsigned long long first = 0, last = 0, all = 0;
  if (std::sscanf(header.c_str(), "bytes %llu-%llu/%llu", &first, &last, &all) == 3) {
    start = first;
    total = all;
    return true;
  }
  if (std::sscanf(header.c_str(), "bytes %llu-%llu/*", &first, &last) == 2) {
    start = first;
    total = 0;
    return true;
  }
  return false;
}

}  // namespace

nlohmann::json FetchState::ToJson() const {
  return {{"url", url},
          {"etag", etag},
          {"last_modified", last_modified},
          {"sha256", sha256},
          {"size", size}};
}

FetchState FetchState::FromJson(const nlohmann::json& json) {
  FetchState state;
  if (!json.is_object()) return state;
  state.url = json.value("url", "");
  state.etag = json.value("etag", "");
  state.last_modified = json.value("last_modified", "");
  state.sha256 = json.value("sha256", "");
  state.size = json.value("size", uint64_t{0});
  return state;
}

std::string FormatBytes(uint64_t bytes) {
  static const char* const kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(kUnits)) {
    value /= 1000;
    ++unit;
  }
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(unit == 0 ? 0 : 1);
  out << value << " " << kUnits[unit];
  return out.str();
}

std::string FileDigest(const std::string& path, const std::string& type) {
  std::unique_ptr<Poco::DigestEngine> engine = DigestFor(Lower(type));
  std::ifstream in(path, std::ios::binary);
  if (!engine || !in) return {};
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0) engine->update(buffer.data(), static_cast<unsigned>(in.gcount()));
  }
  return Poco::DigestEngine::digestToHex(engine->digest());
}

Result<std::string> Fetcher::Get(const std::string& url) const {
  std::string current = url;
  try {
    for (int redirects = 0; redirects <= options_.max_redirects; ++redirects) {
      Poco::URI uri(current);
      auto session = OpenSession(uri, options_.timeout_seconds);
      std::string path = uri.getPathAndQuery();
      Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path.empty() ? "/" : path,
                                     Poco::Net::HTTPMessage::HTTP_1_1);
      request.set("User-Agent", "VivroVert data update");
      request.set("Accept", "application/json");
      session->sendRequest(request);
      Poco::Net::HTTPResponse response;
      std::istream& body = session->receiveResponse(response);
      const int status = static_cast<int>(response.getStatus());
      if (IsRedirect(status) && response.has("Location")) {
        current = Poco::URI(uri, response.get("Location")).toString();
        continue;
      }
      std::ostringstream text;
      text << body.rdbuf();
      if (status == 404 || status == 410) return NotFound(url + ": " + StatusText(response));
      if (status != 200) return Unavailable(url + ": " + StatusText(response));
      return text.str();
    }
  } catch (const Poco::Exception& error) {
    return Unavailable(url + ": " + error.displayText());
  }
  return Unavailable(url + ": more than " + std::to_string(options_.max_redirects) + " redirects");
}

Result<FetchResult> Fetcher::Fetch(const std::string& url, const std::string& target,
                                   const FetchState& previous, const Expected& expected) const {
  const std::string part = target + ".part";
  std::error_code error;
  if (fs::path(target).has_parent_path())
    fs::create_directories(fs::path(target).parent_path(), error);
  FetchResult result;
  const bool have_previous = previous.url == url && fs::exists(target);
  const std::string name = fs::path(target).filename().string();
  std::string reason;  // of the last interruption
  // The validator (ETag, else Last-Modified) of the version the .part holds: a resumed
  // request carries it in If-Range, so that a file changed meanwhile comes whole (200)
  // rather than as the tail of another version. A part without one starts again.
  const std::string validator_path = part + ".validator";
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    uint64_t offset = fs::exists(part) ? fs::file_size(part, error) : 0;
    if (error) offset = 0;
    std::string validator;
    if (offset > 0) {
      std::ifstream saved(validator_path);
      std::getline(saved, validator);
      if (validator.empty()) offset = 0;
    }
    std::string current = url;
    try {
      int redirects = 0;
      for (;;) {
        Poco::URI uri(current);
        auto session = OpenSession(uri, options_.timeout_seconds);
        std::string path = uri.getPathAndQuery();
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path.empty() ? "/" : path,
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        request.set("User-Agent", "VivroVert data update");
        if (offset > 0) {
          request.set("Range", "bytes=" + std::to_string(offset) + "-");
          request.set("If-Range", validator);
        } else if (have_previous) {
          if (!previous.etag.empty()) request.set("If-None-Match", previous.etag);
          if (!previous.last_modified.empty())
            request.set("If-Modified-Since", previous.last_modified);
        }
        session->sendRequest(request);
        Poco::Net::HTTPResponse response;
        std::istream& body = session->receiveResponse(response);
        const int status = static_cast<int>(response.getStatus());
        if (IsRedirect(status) && response.has("Location")) {
          if (++redirects > options_.max_redirects) {
            return Unavailable(url + ": more than " + std::to_string(options_.max_redirects) +
                               " redirects");
          }
          current = Poco::URI(uri, response.get("Location")).toString();
          continue;
        }
        if (status == 304) {
          result.changed = false;
          result.state = previous;
          if (options_.progress) options_.progress(name + ": unchanged (the server says so)", true);
          return result;
        }
        if (status == 416 && offset > 0) {
          // The kept part is not a prefix the server can continue: start again.
          fs::remove(part, error);
          offset = 0;
          break;
        }
        if (status == 404 || status == 410) {
          return NotFound(url + ": " + StatusText(response) +
                          (current != url ? " (redirected to " + current + ")" : ""));
        }
        if (status != 200 && status != 206) return Unavailable(url + ": " + StatusText(response));
        uint64_t start = 0, total = 0;
        if (status == 206) {
          if (!ParseContentRange(response.get("Content-Range", ""), start, total) ||
              start != offset) {
            return Unavailable(url + ": the server resumed at another byte than asked (" +
                               response.get("Content-Range", "no Content-Range") + ")");
          }
        } else {
          const auto length = response.getContentLength64();
          total = length >= 0 ? static_cast<uint64_t>(length) : 0;
        }
        if (status == 206 && total == 0 && response.getContentLength64() >= 0)
          total = offset + static_cast<uint64_t>(response.getContentLength64());
        if (status == 200) {
          offset = 0;  // the whole file (a new download, a changed version, or no Range)
          std::string fresh = response.get("ETag", "");
          if (fresh.empty() || fresh.starts_with("W/")) fresh = response.get("Last-Modified", "");
          std::ofstream(validator_path, std::ios::trunc) << fresh << "\n";
        }
        result.resumed_from = offset;
        ++result.attempts;
        std::ofstream out(part, offset > 0 ? std::ios::binary | std::ios::app
                                           : std::ios::binary | std::ios::trunc);
        if (!out) return Unavailable("cannot write " + part);
        std::vector<char> buffer(1 << 16);
        uint64_t received = offset;
        const auto begin = Clock::now();
        auto shown = begin;
        auto line = [&](bool done) {
          if (!options_.progress) return;
          const double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
          const double rate = seconds > 0 ? static_cast<double>(received - offset) / seconds : 0;
          std::string text = name + ": " + FormatBytes(received);
          if (total > 0) text += " of " + FormatBytes(total);
          text += ", " + FormatBytes(static_cast<uint64_t>(rate)) + "/s";
          if (done) {
            text += ", " + FormatDuration(seconds);
          } else if (total > received && rate > 0) {
            text += ", " + FormatDuration(static_cast<double>(total - received) / rate) + " left";
          }
          if (offset > 0) text += " (resumed at " + FormatBytes(offset) + ")";
          options_.progress(text, done);
        };
        try {
          while (body) {
            body.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
            const std::streamsize got = body.gcount();
            if (got <= 0) break;
            out.write(buffer.data(), got);
            received += static_cast<uint64_t>(got);
            if (Clock::now() - shown > std::chrono::milliseconds(500)) {
              shown = Clock::now();
              line(false);
            }
          }
        } catch (const Poco::Exception& interrupted) {
          reason = interrupted.displayText();
        }
        out.close();
        if (!out) return Unavailable("cannot write " + part + " (disk full?)");
        if (total > 0 && received < total) {
          if (reason.empty()) reason = "connection closed";
          reason = "interrupted at " + FormatBytes(received) + " of " + FormatBytes(total) + " (" +
                   reason + ")";
          if (options_.progress) options_.progress(name + ": " + reason + ", resuming", false);
          break;  // next attempt resumes from the part
        }
        line(true);
        reason.clear();
        // Complete: check what the publisher announced, then keep it.
        const uint64_t size = fs::file_size(part, error);
        if (expected.size > 0 && size != expected.size) {
          fs::remove(part, error);
          return DataLoss(url + ": " + std::to_string(size) + " bytes received, " +
                          std::to_string(expected.size) + " announced by the publisher");
        }
        if (!expected.checksum.empty()) {
          const std::string digest = FileDigest(part, expected.checksum_type);
          if (digest.empty()) {
            fs::remove(part, error);
            return DataLoss(url + ": unknown checksum type '" + expected.checksum_type + "'");
          }
          if (digest != Lower(expected.checksum)) {
            fs::remove(part, error);
            return DataLoss(url + ": " + expected.checksum_type + " " + digest +
                            " differs from the published " + Lower(expected.checksum));
          }
        }
        result.state.url = url;
        result.state.etag = response.get("ETag", "");
        result.state.last_modified = response.get("Last-Modified", "");
        result.state.sha256 = FileDigest(part, "sha256");
        result.state.size = size;
        result.changed = !(have_previous && previous.sha256 == result.state.sha256);
        fs::remove(validator_path, error);
        fs::rename(part, target, error);
        if (error) return Unavailable("cannot rename " + part + " to " + target);
        return result;
      }
    } catch (const Poco::Exception& failure) {
      reason = failure.displayText();
      if (options_.progress) options_.progress(name + ": " + reason, false);
    }
  }
  const bool kept = fs::exists(part, error);
  return Unavailable(url + ": " + (reason.empty() ? "no complete transfer" : reason) + " after " +
                     std::to_string(options_.max_attempts) + " attempts" +
                     (kept ? "; the part received is kept for the next run to resume" : ""));
}

}  // namespace vivrovert::data_update
