// Which requests count as a page view, and under which page and source: the rules of the
// audience figures, pure functions over what the web pipeline saw (web::VisitFacts).
//
// Nothing here identifies a visitor: a view is reduced to (page, source) at once, the
// page being the route pattern ("/annonces/{id}", never the path with its ids) and the
// source the referring site's host only.
//
// Thread safety: pure functions.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include "web/http/app.hpp"

namespace vivrovert::audience {

// Sources that are not a referring host.
inline constexpr const char* kSourceDirect = "direct";     // no referrer
inline constexpr const char* kSourceInternal = "interne";  // a page of the site
inline constexpr const char* kSourceSearchEngine = "moteur de recherche";
inline constexpr const char* kSourceOther = "autres";  // over the cap of sources

struct CountingRules {
  std::string site_host;         // the public site's host: its own pages are "interne"
  bool count_operators = false;  // operators' own visits count only when true
};

struct PageView {
  std::string page;    // route pattern
  std::string source;  // host of the referrer without "www.", or one of kSource*
  auto operator<=>(const PageView&) const = default;
};

// The page view a request makes, or nullopt when it does not count: only a successful
// (200) GET answered with an HTML page of a route, and neither static assets, the API,
// health checks, robots (by User-Agent, an empty one included) nor, unless
// rules.count_operators, operators.
std::optional<PageView> CountableVisit(const web::VisitFacts& visit, const CountingRules& rules);

// The source of a Referer header: "direct" when empty or unreadable, "interne" for the
// site's own host, "moteur de recherche" for the known search engines (Google, Bing,
// DuckDuckGo, Qwant, Ecosia, Yahoo, Yandex, Baidu, Startpage, Brave, Lilo), otherwise the
// referrer's host, lower case, without "www." and without port, path or query.
std::string SourceOf(std::string_view referer, std::string_view site_host);

// True for user agents of robots, link previews and scripted clients.
bool IsRobot(std::string_view user_agent);

// The host of an http(s) URL, lower case, without port; empty when not an http(s) URL
// with a valid host name.
std::string HostOf(std::string_view url);

}  // namespace vivrovert::audience
