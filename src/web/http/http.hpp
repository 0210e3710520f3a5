// HTTP request and response values, independent of the server library, so that handlers
// and the whole request pipeline (web/http/app.hpp) are tested without sockets.
//
// Parsing of targets, query strings, cookies and URL-encoded forms is delegated to Poco;
// this file only holds the results.
//
// Thread safety: plain values; a Request or Response is used by one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/network_address.hpp"
#include "core/common/status.hpp"

namespace vivrovert::web {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

Method ParseMethod(std::string_view name);
const char* MethodName(Method method);
// POST, PUT, PATCH, DELETE and unknown methods change state: they need a CSRF token.
bool IsUnsafe(Method method);

// Ordered name/value pairs (query parameters, form fields). Names may repeat (checkboxes).
using Fields = std::vector<std::pair<std::string, std::string>>;

// A file sent in a multipart/form-data form (<input type="file">).
struct UploadedFile {
  std::string field;      // the input's name
  std::string file_name;  // as the browser gave it (untrusted: display only)
  std::string content_type;
  std::string bytes;
};

class Request {
 public:
  // Builds a request from what arrived on the wire. `target` is the request target
  // ("/path?query"); `headers` keep their order. A URL-encoded body is parsed into form
  // fields, a multipart/form-data body into form fields and files. Errors:
  // InvalidArgument for a malformed target, query, cookie or form body (including more
  // form fields than Poco's limit of 100).
  static Result<Request> Parse(std::string_view method, std::string_view target, Fields headers,
                               std::string body = {}, std::string remote_address = {});

  Method method() const { return method_; }
  const std::string& method_name() const { return method_name_; }
  // Percent-decoded path, always starting with '/'.
  const std::string& path() const { return path_; }
  const std::string& body() const { return body_; }
  // The client's address: the TCP peer, or behind a trusted reverse proxy the address it
  // forwarded (web/http/client_address.hpp). Never an address the client wrote itself.
  const std::string& remote_address() const { return remote_address_; }
  // The network unit every per-client limit counts under: the IPv4 address, or the IPv6
  // /64 (core/common/network_address.hpp).
  std::string client_network() const { return ClientNetwork(remote_address_); }

  // First value of a header, matched case-insensitively.
  std::optional<std::string> Header(std::string_view name) const;
  const Fields& headers() const { return headers_; }
  // First query parameter or form field of that name.
  std::optional<std::string> Query(std::string_view name) const;
  std::optional<std::string> Form(std::string_view name) const;
  // Every value of a repeated form field, in order.
  std::vector<std::string> FormAll(std::string_view name) const;
  const Fields& form() const { return form_; }
  // The first file sent under that input name, if any.
  const UploadedFile* File(std::string_view field) const;
  std::optional<std::string> Cookie(std::string_view name) const;

  // Path parameters captured by the router ("{id}" in "/annonces/{id}").
  std::optional<std::string> Param(std::string_view name) const;
  void SetParams(std::map<std::string, std::string> params) { params_ = std::move(params); }

  // True for the JSON API (paths under /api/) and for clients that ask for JSON only;
  // decides the shape of error responses.
  bool WantsJson() const;

 private:
  Request() = default;

  Method method_ = Method::kGet;
  std::string method_name_;
  std::string path_;
  std::string body_;
  std::string remote_address_;
  Fields headers_;
  Fields query_;
  Fields form_;
  std::vector<UploadedFile> files_;
  Fields cookies_;
  std::map<std::string, std::string> params_;
};

enum class SameSite { kLax, kStrict, kNone };

// A Set-Cookie instruction. Defaults suit technical cookies: HttpOnly, SameSite=Lax,
// Path=/, lasting for the browser session.
struct SetCookie {
  std::string name;
  std::string value;
  std::string path = "/";
  // Seconds; negative for a session cookie, 0 to delete the cookie.
  int64_t max_age = -1;
  bool http_only = true;
  bool secure = false;
  SameSite same_site = SameSite::kLax;

  // The Set-Cookie header value.
  std::string ToHeaderValue() const;
};

class Response {
 public:
  Response() = default;
  explicit Response(int status) : status_(status) {}

  static Response Html(std::string body, int status = 200);
  static Response Json(const nlohmann::json& body, int status = 200);
  static Response Text(std::string body, int status = 200);
  // 303 See Other by default: the answer to a successful form POST.
  static Response Redirect(std::string location, int status = 303);
  // A file to download (Content-Disposition: attachment), never cached: exports hold
  // people's data. `file_name` must be plain ASCII without quotes.
  static Response Attachment(std::string body, std::string content_type,
                             const std::string& file_name);

  int status() const { return status_; }
  void set_status(int status) { status_ = status; }
  const std::string& body() const { return body_; }
  void set_body(std::string body) { body_ = std::move(body); }

  // Replaces any header of that name (case-insensitive). A name or value holding CR, LF or
  // NUL (header injection: "Location: /x\r\nSet-Cookie: …") is refused: nothing is set and
  // refused_header() names it, which turns the whole answer into a 500 (App::Handle).
  void SetHeader(std::string name, std::string value);
  // Sets the header only when the handler did not. Refuses CR, LF and NUL as SetHeader.
  void SetDefaultHeader(std::string name, std::string value);
  std::optional<std::string> Header(std::string_view name) const;
  const Fields& headers() const { return headers_; }

  // Refuses (as SetHeader) a cookie whose name, value or path holds CR, LF, NUL or ';'.
  void AddCookie(SetCookie cookie);
  // The first header or cookie name refused for a forbidden character, or empty.
  const std::string& refused_header() const { return refused_header_; }
  const std::vector<SetCookie>& cookies() const { return cookies_; }
  // The cookie of that name this response sets, if any.
  const SetCookie* FindCookie(std::string_view name) const;

 private:
  int status_ = 200;
  std::string body_;
  Fields headers_;
  std::vector<SetCookie> cookies_;
  std::string refused_header_;
};

// Whether `text` may go into an HTTP header line: no CR, LF or NUL.
bool IsSafeHeaderText(std::string_view text);

// Percent-encodes everything but unreserved characters and '/', for a path placed in a
// query string ("/compte/connexion?suivant=" + EncodeQueryValue(path)).
std::string EncodeQueryValue(std::string_view text);

// The login page's address that brings the person back to `path` (a path of this site)
// after signing in; the path is percent-encoded, so it cannot end the header or add a
// parameter.
std::string LoginPathReturningTo(std::string_view path);

// The reason phrase of an HTTP status ("Not Found").
std::string ReasonPhrase(int status);

}  // namespace vivrovert::web
