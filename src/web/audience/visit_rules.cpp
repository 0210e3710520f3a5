#include "web/audience/visit_rules.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace vivrovert::audience {

namespace {

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

bool StartsWithAny(std::string_view text, std::initializer_list<std::string_view> prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [text](std::string_view prefix) { return text.starts_with(prefix); });
}

// A DNS name or an IP literal's characters only, so that a forged Referer cannot put
// arbitrary text in the figures.
bool IsHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
           c == '[' || c == ']';
  });
}

bool IsSearchEngine(std::string_view host) {
  static constexpr std::array<std::string_view, 10> kEngineLabels = {
      "google", "bing",   "duckduckgo", "qwant",     "ecosia",
      "yahoo",  "yandex", "baidu",      "startpage", "lilo"};
  if (host == "search.brave.com") return true;
  // Any label but the last (the TLD): www.google.fr, google.co.uk, fr.search.yahoo.com.
  size_t start = 0;
  while (true) {
    const size_t dot = host.find('.', start);
    if (dot == std::string_view::npos) return false;
    const std::string_view label = host.substr(start, dot - start);
    if (std::find(kEngineLabels.begin(), kEngineLabels.end(), label) != kEngineLabels.end()) {
      return true;
    }
    start = dot + 1;
  }
}

}  // namespace

std::string HostOf(std::string_view url) {
  const std::string lower = Lower(url);
  std::string_view rest = lower;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return {};
  }
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (rest.starts_with('[')) {
    rest = rest.substr(0, rest.find(']') + 1);
  } else {
    rest = rest.substr(0, rest.find(':'));
  }
  while (rest.ends_with('.')) rest.remove_suffix(1);
  return IsHostName(rest) ? std::string(rest) : std::string();
}

std::string SourceOf(std::string_view referer, std::string_view site_host) {
  std::string host = HostOf(referer);
  if (host.empty()) return kSourceDirect;
  if (host == Lower(site_host)) return kSourceInternal;
  if (host.starts_with("www.")) host.erase(0, 4);
  if (IsSearchEngine(host)) return kSourceSearchEngine;
  return host;
}

bool IsRobot(std::string_view user_agent) {
  if (user_agent.empty()) return true;
  const std::string lower = Lower(user_agent);
  static constexpr std::array<std::string_view, 18> kRobotMarks = {
      "bot",      "crawl",      "spider",     "slurp",
      "curl/",    "wget",       "python-",    "go-http",
      "java/",    "libwww",     "httpclient", "okhttp",
      "headless", "lighthouse", "preview",    "facebookexternal",
      "monitor",  "scrapy"};
  return std::any_of(kRobotMarks.begin(), kRobotMarks.end(), [&lower](std::string_view mark) {
    return lower.find(mark) != std::string::npos;
  });
}

std::optional<PageView> CountableVisit(const web::VisitFacts& visit, const CountingRules& rules) {
  if (visit.method != web::Method::kGet || visit.status != 200) return std::nullopt;
  if (!visit.content_type.starts_with("text/html")) return std::nullopt;
  if (visit.route_pattern.empty() ||
      StartsWithAny(visit.route_pattern,
                    {"/static/", "/api/", "/healthz", "/readyz", "/.well-known/"})) {
    return std::nullopt;
  }
  if (visit.role == "operator" && !rules.count_operators) return std::nullopt;
  if (IsRobot(visit.user_agent)) return std::nullopt;
  return PageView{visit.route_pattern, SourceOf(visit.referer, rules.site_host)};
}

}  // namespace vivrovert::audience
