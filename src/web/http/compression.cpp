#include "web/http/compression.hpp"

#include <Poco/DeflatingStream.h>
#include <Poco/String.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace vivrovert::web {

namespace {

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The q-value of one Accept-Encoding item's parameters (";q=0.5"); 1 when absent.
double QualityOf(std::string_view parameters) {
  while (!parameters.empty()) {
    const size_t semicolon = parameters.find(';');
    std::string_view parameter = TrimSpaces(parameters.substr(0, semicolon));
    parameters =
        semicolon == std::string_view::npos ? std::string_view() : parameters.substr(semicolon + 1);
    if (parameter.size() >= 2 && (parameter[0] == 'q' || parameter[0] == 'Q') &&
        parameter[1] == '=') {
      const std::string value(TrimSpaces(parameter.substr(2)));
      char* end = nullptr;
      const double quality = std::strtod(value.c_str(), &end);
      return end == value.c_str() ? 1.0 : quality;
    }
  }
  return 1.0;
}

}  // namespace

bool AcceptsGzip(const Request& request) {
  const std::optional<std::string> header = request.Header("Accept-Encoding");
  if (!header) return false;
  std::string_view rest = *header;
  bool accepted = false;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const size_t semicolon = item.find(';');
    const std::string coding(TrimSpaces(item.substr(0, semicolon)));
    const double quality =
        semicolon == std::string_view::npos ? 1.0 : QualityOf(item.substr(semicolon + 1));
    if (Poco::icompare(coding, "gzip") == 0 || Poco::icompare(coding, "x-gzip") == 0) {
      return quality > 0;  // named: its own q-value decides, whatever "*" says
    }
    if (coding == "*") accepted = quality > 0;
  }
  return accepted;
}

bool IsCompressible(std::string_view content_type) {
  const std::string type = Poco::toLower(std::string(
      TrimSpaces(content_type.substr(0, std::min(content_type.find(';'), content_type.size())))));
  return type.starts_with("text/") || type == "application/json" ||
         type == "application/javascript" || type == "image/svg+xml" ||
         type == "application/geo+json" || type == "application/xml";
}

std::string Gzip(std::string_view bytes) {
  std::ostringstream out;
  {
    Poco::DeflatingOutputStream deflate(out, Poco::DeflatingStreamBuf::STREAM_GZIP, 6);
    deflate.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    deflate.close();
  }
  return out.str();
}

void CompressResponse(const Request& request, Response& response) {
  if (response.status() == 204 || response.status() == 304) return;
  if (!IsCompressible(response.Header("Content-Type").value_or(""))) return;
  const std::string vary = response.Header("Vary").value_or("");
  if (vary.empty()) {
    response.SetHeader("Vary", "Accept-Encoding");
  } else if (Poco::toLower(vary).find("accept-encoding") == std::string::npos) {
    response.SetHeader("Vary", vary + ", Accept-Encoding");
  }
  if (response.body().size() < kMinCompressedBytes || response.Header("Content-Encoding") ||
      !AcceptsGzip(request))
    return;
  response.set_body(Gzip(response.body()));
  response.SetHeader("Content-Encoding", "gzip");
  if (std::optional<std::string> etag = response.Header("ETag"); etag && !etag->starts_with("W/"))
    response.SetHeader("ETag", "W/" + *etag);
}

}  // namespace vivrovert::web
