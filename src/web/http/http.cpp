#include "web/http/http.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <sstream>

namespace vivrovert::web {

namespace {

// Keeps the files of a multipart form in memory (the body is already bounded by the
// server's max_body_bytes).
class FilePartHandler : public Poco::Net::PartHandler {
 public:
  void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
    UploadedFile file;
    if (header.has("Content-Disposition")) {
      std::string disposition;
      Poco::Net::NameValueCollection parameters;
      Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition"), disposition,
                                                parameters);
      file.field = parameters.get("name", "");
      file.file_name = parameters.get("filename", "");
    }
    file.content_type = header.get("Content-Type", "application/octet-stream");
    Poco::StreamCopier::copyToString(stream, file.bytes);
    files.push_back(std::move(file));
  }
  std::vector<UploadedFile> files;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string> FindFirst(const Fields& fields, std::string_view name,
                                     bool ignore_case) {
  for (const auto& [key, value] : fields) {
    if (ignore_case ? EqualsIgnoreCase(key, name) : key == name) return value;
  }
  return std::nullopt;
}

Fields ToFields(const Poco::Net::NameValueCollection& collection) {
  Fields fields;
  for (const auto& [name, value] : collection) fields.emplace_back(name, value);
  return fields;
}

}  // namespace

Method ParseMethod(std::string_view name) {
  static const std::pair<std::string_view, Method> kMethods[] = {
      {"GET", Method::kGet},         {"HEAD", Method::kHead},   {"POST", Method::kPost},
      {"PUT", Method::kPut},         {"PATCH", Method::kPatch}, {"DELETE", Method::kDelete},
      {"OPTIONS", Method::kOptions},
  };
  for (const auto& [method_name, method] : kMethods) {
    if (name == method_name) return method;
  }
  return Method::kOther;
}

const char* MethodName(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      return "OTHER";
  }
  return "OTHER";
}

bool IsUnsafe(Method method) {
  return method != Method::kGet && method != Method::kHead && method != Method::kOptions;
}

Result<Request> Request::Parse(std::string_view method, std::string_view target, Fields headers,
                               std::string body, std::string remote_address) {
  Request request;
  request.method_name_ = std::string(method);
  request.method_ = ParseMethod(method);
  request.headers_ = std::move(headers);
  request.body_ = std::move(body);
  request.remote_address_ = std::move(remote_address);

  if (!target.starts_with('/')) {
    return InvalidArgument("la cible de la requête doit commencer par /", "target");
  }
  try {
    Poco::URI uri{std::string(target)};
    request.path_ = uri.getPath();
    if (request.path_.empty()) request.path_ = "/";
    for (auto& [name, value] : uri.getQueryParameters()) request.query_.emplace_back(name, value);
  } catch (const Poco::Exception& error) {
    return InvalidArgument("adresse mal formée : " + error.message(), "target");
  }

  if (auto cookie_header = request.Header("Cookie")) {
    Poco::Net::HTTPRequest holder;
    holder.set("Cookie", *cookie_header);
    Poco::Net::NameValueCollection cookies;
    holder.getCookies(cookies);
    request.cookies_ = ToFields(cookies);
  }

  std::string content_type = request.Header("Content-Type").value_or("");
  if (content_type.starts_with("multipart/form-data") && !request.body_.empty()) {
    try {
      Poco::Net::HTTPRequest holder(Poco::Net::HTTPRequest::HTTP_POST, "/");
      holder.setContentType(content_type);
      std::istringstream body_stream(request.body_);
      FilePartHandler files;
      Poco::Net::HTMLForm form;
      form.load(holder, body_stream, files);
      request.form_ = ToFields(form);
      request.files_ = std::move(files.files);
    } catch (const Poco::Exception& error) {
      return InvalidArgument("formulaire illisible : " + error.message(), "body");
    }
  } else if (content_type.starts_with("application/x-www-form-urlencoded") &&
             !request.body_.empty()) {
    try {
      Poco::Net::HTMLForm form;
      form.read(request.body_);
      // HTMLForm keeps its fields sorted by name; the order within one name is kept, which
      // is what repeated fields (checkboxes) need.
      request.form_ = ToFields(form);
    } catch (const Poco::Exception& error) {
      return InvalidArgument("formulaire illisible : " + error.message(), "body");
    }
  }
  return request;
}

const UploadedFile* Request::File(std::string_view field) const {
  for (const UploadedFile& file : files_) {
    if (file.field == field) return &file;
  }
  return nullptr;
}

std::optional<std::string> Request::Header(std::string_view name) const {
  return FindFirst(headers_, name, /*ignore_case=*/true);
}

std::optional<std::string> Request::Query(std::string_view name) const {
  return FindFirst(query_, name, false);
}

std::optional<std::string> Request::Form(std::string_view name) const {
  return FindFirst(form_, name, false);
}

std::vector<std::string> Request::FormAll(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : form_) {
    if (key == name) values.push_back(value);
  }
  return values;
}

std::optional<std::string> Request::Cookie(std::string_view name) const {
  return FindFirst(cookies_, name, false);
}

std::optional<std::string> Request::Param(std::string_view name) const {
  auto found = params_.find(std::string(name));
  if (found == params_.end()) return std::nullopt;
  return found->second;
}

bool Request::WantsJson() const {
  if (path_ == "/api" || path_.starts_with("/api/")) return true;
  std::string accept = Header("Accept").value_or("");
  return accept.find("application/json") != std::string::npos &&
         accept.find("text/html") == std::string::npos;
}

std::string SetCookie::ToHeaderValue() const {
  Poco::Net::HTTPCookie cookie(name, value);
  cookie.setPath(path);
  cookie.setHttpOnly(http_only);
  cookie.setSecure(secure);
  if (max_age >= 0) cookie.setMaxAge(static_cast<int>(std::min<int64_t>(max_age, INT32_MAX)));
  switch (same_site) {
    case SameSite::kLax:
      cookie.setSameSite(Poco::Net::HTTPCookie::SAME_SITE_LAX);
      break;
    case SameSite::kStrict:
      cookie.setSameSite(Poco::Net::HTTPCookie::SAME_SITE_STRICT);
      break;
    case SameSite::kNone:
      cookie.setSameSite(Poco::Net::HTTPCookie::SAME_SITE_NONE);
      break;
  }
  return cookie.toString();
}

Response Response::Html(std::string body, int status) {
  Response response(status);
  response.SetHeader("Content-Type", "text/html; charset=utf-8");
  response.body_ = std::move(body);
  return response;
}

Response Response::Json(const nlohmann::json& body, int status) {
  Response response(status);
  response.SetHeader("Content-Type", "application/json; charset=utf-8");
  response.body_ = body.dump();
  return response;
}

Response Response::Text(std::string body, int status) {
  Response response(status);
  response.SetHeader("Content-Type", "text/plain; charset=utf-8");
  response.body_ = std::move(body);
  return response;
}

Response Response::Redirect(std::string location, int status) {
  Response response(status);
  response.SetHeader("Location", std::move(location));
  return response;
}

Response Response::Attachment(std::string body, std::string content_type,
                              const std::string& file_name) {
  Response response(200);
  response.set_body(std::move(body));
  response.SetHeader("Content-Type", std::move(content_type));
  response.SetHeader("Content-Disposition", "attachment; filename=\"" + file_name + "\"");
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

bool IsSafeHeaderText(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

std::string EncodeQueryValue(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

std::string LoginPathReturningTo(std::string_view path) {
  return "/compte/connexion?suivant=" + EncodeQueryValue(path);
}

void Response::AddCookie(SetCookie cookie) {
  for (const std::string* part : {&cookie.name, &cookie.value, &cookie.path}) {
    if (!IsSafeHeaderText(*part) || part->find(';') != std::string::npos) {
      if (refused_header_.empty()) refused_header_ = "Set-Cookie";
      return;
    }
  }
  cookies_.push_back(std::move(cookie));
}

void Response::SetHeader(std::string name, std::string value) {
  if (!IsSafeHeaderText(name) || !IsSafeHeaderText(value)) {
    if (refused_header_.empty()) refused_header_ = IsSafeHeaderText(name) ? name : "(unnamed)";
    return;
  }
  std::erase_if(headers_, [&](const auto& header) { return EqualsIgnoreCase(header.first, name); });
  headers_.emplace_back(std::move(name), std::move(value));
}

void Response::SetDefaultHeader(std::string name, std::string value) {
  if (!IsSafeHeaderText(name) || !IsSafeHeaderText(value)) {
    if (refused_header_.empty()) refused_header_ = IsSafeHeaderText(name) ? name : "(unnamed)";
    return;
  }
  if (!Header(name)) headers_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string> Response::Header(std::string_view name) const {
  return FindFirst(headers_, name, /*ignore_case=*/true);
}

const SetCookie* Response::FindCookie(std::string_view name) const {
  for (const SetCookie& cookie : cookies_) {
    if (cookie.name == name) return &cookie;
  }
  return nullptr;
}

std::string ReasonPhrase(int status) {
  return Poco::Net::HTTPResponse::getReasonForStatus(
      static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
}

}  // namespace vivrovert::web
