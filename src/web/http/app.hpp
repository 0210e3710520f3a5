// The web application: routes, and the pipeline every request goes through.
//
//   route (404 / 405) → CSRF check on state-changing methods → who is signed in
//   → handler → French error page or JSON error → security headers, CSRF cookie, log.
//
// Each concern registers its routes at start-up through Get/Post/Add (e.g. a
// `RegisterAccountRoutes(web::App&, …)` beside its store), then the server (web/http/server.hpp)
// calls Handle for every request. Handle is a pure function of the request and the
// injected environment, so the whole pipeline is tested without sockets.
//
// Handlers return Result<Response>: an expected failure is a Status, rendered as a
// French page or, for /api/ and JSON clients, as the JSON error (web/http/errors.hpp). An
// exception from a handler (storage::StorageError…) ends that request only: it is logged
// and answered 500 without details.
//
// Thread safety: register every route and the authenticator before serving; Handle is
// then safe from any number of threads.
#pragma once

#include <functional>
#include <iostream>
#include <memory>
#include <mstch/mstch.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/common/env.hpp"
#include "core/common/status.hpp"
#include "web/http/csrf.hpp"
#include "web/http/errors.hpp"
#include "web/http/http.hpp"
#include "web/http/metrics.hpp"
#include "web/http/router.hpp"
#include "web/http/static_files.hpp"
#include "web/http/templates.hpp"

namespace vivrovert::web {

// The signed-in person, as the accounts concern resolves it from the session cookie.
struct Principal {
  int64_t user_id = 0;
  std::string role;  // "user", "partner_staff", "operator" (accounts::RoleName)
  std::string display_name;
};

// Resolves who sent a request; implemented by the accounts concern. Must be safe to call
// from several threads. May throw storage::StorageError (the request then fails with 500).
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual std::optional<Principal> Authenticate(const Request& request) = 0;
};

// A partner's own site (the territory platform, option 2), as the request's Host header
// names it; the main site when a request has none. Built by a SiteResolver (web/partners).
struct HostSite {
  std::string host;    // the configured host name, lower case, no port
  std::string origin;  // "http://host:port" as the browser sends it: its forms' Origin
  int64_t partner_id = 0;
  std::string partner_slug;
  std::string name;            // the site's name (the partner's when not set)
  std::string primary_colour;  // "#rrggbb"
  std::string accent_colour;
  std::string logo_url;  // site-relative or data: URI; empty: none
  std::string introduction;
  std::string legal_text;
  int margin_km = 0;
  // INSEE codes of the communes its search covers: the territory and the margin around it.
  std::vector<std::string> search_communes;
};

// Finds the partner site a Host header names; implemented by web/partners over the
// database. Must be safe to call from several threads. May throw storage::StorageError.
class SiteResolver {
 public:
  virtual ~SiteResolver() = default;
  // Null: the main site (an unknown host, or a partner without the territory platform).
  virtual std::shared_ptr<const HostSite> Resolve(const Request& request) = 0;
};

class App;

// What a handler sees of its request. Lives for one request, on one thread.
class Context {
 public:
  Context(const App& app, const Request& request, std::string csrf_token,
          std::optional<Principal> user, std::shared_ptr<const HostSite> site = nullptr)
      : app_(app),
        request_(request),
        csrf_token_(std::move(csrf_token)),
        user_(std::move(user)),
        site_(std::move(site)) {}

  const Request& request() const { return request_; }
  // A path parameter of the route; empty when the pattern has no such capture.
  std::string Param(std::string_view name) const { return request_.Param(name).value_or(""); }
  const std::optional<Principal>& user() const { return user_; }
  // The app's clock, in epoch seconds (tests run on a manual clock).
  int64_t Now() const;
  // The CSRF token to embed in this request's forms (the layout's `csrf_token`).
  const std::string& csrf_token() const { return csrf_token_; }
  // The partner site the request came to; null on the main site.
  const HostSite* site() const { return site_.get(); }

  // The page `template_name` inside the layout, with the data every page gets added:
  // `title` (default "VivroVert"), `csrf_token`, `user` ({display_name, role} or false),
  // `assets` (AssetManifest::ForTemplates), `year`, and on a partner's site
  // `partner_site` ({name, logo_url, slug}; the title's "VivroVert" becomes its name). Errors:
  // NotFound for an unknown template.
  Result<Response> Page(const std::string& template_name, mstch::map data, int status = 200) const;

 private:
  const App& app_;
  const Request& request_;
  std::string csrf_token_;
  std::optional<Principal> user_;
  std::shared_ptr<const HostSite> site_;
};

using Handler = std::function<Result<Response>(Context&)>;

// What the pipeline tells a VisitObserver of each answered request, for audience figures
// without tracking (src/domain/audience): no address, no cookie, no identifier.
struct VisitFacts {
  Method method = Method::kGet;
  std::string route_pattern;  // the matched route ("/annonces/{id}"); empty: none matched
  int status = 0;
  std::string content_type;  // of the response
  std::string user_agent;
  std::string referer;
  std::string role;  // of the signed-in person ("operator"…); empty when anonymous
};

// Hears every answered request. Called on the request's thread after the response is
// made: must be quick (no I/O) and thread-safe, and must not throw.
class VisitObserver {
 public:
  virtual ~VisitObserver() = default;
  virtual void Observe(const VisitFacts& visit) noexcept = 0;
};

// Who may reach a route, declared once with it; the App checks it before the handler runs,
// so handlers never test the session themselves. People without a session are sent to the
// login page, which brings them back (RouteOptions::return_to), or get 401 from the JSON
// API; a signed-in person without the role gets 404, as if the page did not exist.
enum class Access { kAnyone, kSignedIn, kOperator };

struct RouteOptions {
  // Skip the CSRF check: only for requests authenticated by other means than cookies
  // (the partners' API keys), which a forged cross-site form cannot carry.
  bool csrf_exempt = false;
  Access access = Access::kAnyone;
  // Where the login leads a person who had no session: a path of this site. Null: the
  // route's own path for GET and HEAD, the account page for other methods (a form sent
  // without a session cannot be replayed).
  const char* return_to = nullptr;
};

struct AppOptions {
  std::string public_base_url = "http://localhost:8080";
  std::string secret_key;  // at least 32 characters (Config::SecretKey)
  // The sign-in cookie, which then binds CSRF tokens (web/http/csrf.hpp); empty: none.
  std::string session_cookie_name;
  // One line per request ("GET / 200 5123B 1.2ms"); none when null.
  std::ostream* access_log = nullptr;
  // Faults: handler exceptions, internal errors. Never null.
  std::ostream* error_log = &std::cerr;
  // The maps' base layer (Config::map): the JSON every page carries in its
  // <meta name="base-map"> for the maps' scripts, and the origin its tiles come from, which
  // the Content-Security-Policy then admits as an image source. Empty: no base map.
  std::string base_map_json;
  std::string base_map_origin;
};

class App {
 public:
  // The App keeps references to `clock` and `random`, which must outlive it.
  App(AppOptions options, TemplateRenderer templates, AssetManifest assets,
      StaticFiles static_files, const Clock& clock, Random& random);

  void Add(Method method, const std::string& pattern, Handler handler, RouteOptions options = {});
  void Get(const std::string& pattern, Handler handler, RouteOptions options = {}) {
    Add(Method::kGet, pattern, std::move(handler), options);
  }
  void Post(const std::string& pattern, Handler handler, RouteOptions options = {}) {
    Add(Method::kPost, pattern, std::move(handler), options);
  }
  void SetAuthenticator(std::shared_ptr<Authenticator> authenticator) {
    authenticator_ = std::move(authenticator);
  }
  // Before serving, like the routes. May be null (the default: nobody is told).
  void SetVisitObserver(std::shared_ptr<VisitObserver> observer) {
    visit_observer_ = std::move(observer);
  }
  // Before serving, like the routes. May be null (the default: every host is the main site).
  void SetSiteResolver(std::shared_ptr<SiteResolver> resolver) {
    site_resolver_ = std::move(resolver);
  }
  // Before serving, like the routes. May be null (the default: no request figures).
  void SetMetrics(std::shared_ptr<Metrics> metrics) { metrics_ = std::move(metrics); }

  // Runs the pipeline. Never throws.
  Response Handle(Request request) const;

  // The answer to a failure found before a handler ran (e.g. the server refusing an
  // oversized body), with the same headers as any other answer. Never throws.
  Response Fail(const Request& request, const HttpError& error) const;

  const TemplateRenderer& templates() const { return templates_; }
  const AssetManifest& assets() const { return assets_; }
  const Clock& clock() const { return clock_; }
  const AppOptions& options() const { return options_; }

 private:
  struct Route {
    Handler handler;
    RouteOptions options;
    std::string pattern;
  };

  // Fills `visit`'s route_pattern and role as it learns them.
  Response Dispatch(Request& request, const Csrf::BrowserToken& browser, VisitFacts& visit) const;
  Response ErrorResponse(const Request& request, const HttpError& error,
                         const std::string& csrf_token, const std::optional<Principal>& user,
                         std::shared_ptr<const HostSite> site = nullptr) const;
  void Finish(const Csrf::BrowserToken& browser, Response& response) const;

  AppOptions options_;
  std::string content_security_policy_;
  TemplateRenderer templates_;
  AssetManifest assets_;
  StaticFiles static_files_;
  Csrf csrf_;
  const Clock& clock_;
  Random& random_;
  std::shared_ptr<Authenticator> authenticator_;
  std::shared_ptr<SiteResolver> site_resolver_;
  std::shared_ptr<VisitObserver> visit_observer_;
  std::shared_ptr<Metrics> metrics_;
  Router<Route> router_;
};

}  // namespace vivrovert::web
