#include "web/http/app.hpp"

#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "web/http/compression.hpp"

namespace vivrovert::web {

namespace {

// Scripts and styles come only from our own bundles: no inline script can run even if an
// escaping mistake let one into a page. `data:` images cover the empty favicon; a configured
// base map's tile origin is the one outside image source.
std::string ContentSecurityPolicy(const std::string& base_map_origin) {
  std::string image_sources = "'self' data:";
  if (!base_map_origin.empty()) image_sources += " " + base_map_origin;
  return "default-src 'self'; script-src 'self'; style-src 'self'; img-src " + image_sources +
         "; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
         "form-action 'self'; frame-ancestors 'none'";
}

// Serialises log lines written from several request threads.
std::mutex log_mutex;

void WriteLine(std::ostream* out, const std::string& line) {
  if (out == nullptr) return;
  std::lock_guard lock(log_mutex);
  *out << line << '\n' << std::flush;
}

// A partner's text as paragraphs: split at blank lines, each escaped by the template.
mstch::array Paragraphs(const std::string& text) {
  mstch::array paragraphs;
  std::string current;
  size_t line_start = 0;
  while (line_start <= text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string::npos) line_end = text.size();
    std::string line = text.substr(line_start, line_end - line_start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const bool blank = line.find_first_not_of(" \t") == std::string::npos;
    if (blank) {
      if (!current.empty()) paragraphs.emplace_back(current);
      current.clear();
    } else {
      current += (current.empty() ? "" : " ") + line;
    }
    line_start = line_end + 1;
  }
  if (!current.empty()) paragraphs.emplace_back(current);
  return paragraphs;
}

int CivilYear(int64_t epoch_seconds) {
  using namespace std::chrono;
  sys_days day = floor<days>(sys_seconds{seconds{epoch_seconds}});
  return static_cast<int>(year_month_day{day}.year());
}

}  // namespace

int64_t Context::Now() const { return app_.clock().NowSeconds(); }

Result<Response> Context::Page(const std::string& template_name, mstch::map data,
                               int status) const {
  data.emplace("title", std::string("VivroVert"));
  data["csrf_token"] = csrf_token_;
  if (!app_.options().base_map_json.empty()) data["base_map"] = app_.options().base_map_json;
  if (user_) {
    data["user"] = mstch::map{
        {"display_name", user_->display_name},
        {"role", user_->role},
        {"is_operator", user_->role == "operator"},
        {"is_partner_staff", user_->role == "partner_staff"},
    };
  } else {
    data["user"] = false;
  }
  data["assets"] = app_.assets().ForTemplates();
  data["year"] = CivilYear(app_.clock().NowSeconds());
  if (site_) {
    // Page titles end with "— VivroVert": the partner's site names itself instead.
    if (auto title = data.find("title"); title != data.end()) {
      if (const auto* text = boost::get<std::string>(&title->second)) {
        std::string renamed = *text;
        if (const size_t at = renamed.rfind("VivroVert"); at != std::string::npos)
          renamed.replace(at, std::string("VivroVert").size(), site_->name);
        title->second = renamed;
      }
    }
    mstch::array legal = Paragraphs(site_->legal_text);
    data["partner_site"] = mstch::map{
        {"name", site_->name},
        {"slug", site_->partner_slug},
        {"logo_url", site_->logo_url},
        {"introduction", Paragraphs(site_->introduction)},
        {"legal", legal},
        {"has_legal", !legal.empty()},
        {"margin_km", site_->margin_km},
    };
  } else {
    data["partner_site"] = false;
  }
  VV_ASSIGN_OR_RETURN(std::string html,
                      app_.templates().RenderPage(template_name, std::move(data)));
  return Response::Html(std::move(html), status);
}

App::App(AppOptions options, TemplateRenderer templates, AssetManifest assets,
         StaticFiles static_files, const Clock& clock, Random& random)
    : options_(std::move(options)),
      content_security_policy_(ContentSecurityPolicy(options_.base_map_origin)),
      templates_(std::move(templates)),
      assets_(std::move(assets)),
      static_files_(std::move(static_files)),
      csrf_(options_.secret_key, options_.public_base_url, options_.session_cookie_name),
      clock_(clock),
      random_(random) {
  if (options_.error_log == nullptr) options_.error_log = &std::cerr;
  Get("/static/{*path}", [this](Context& context) -> Result<Response> {
    return static_files_.Serve(context.Param("path"), context.request());
  });
}

void App::Add(Method method, const std::string& pattern, Handler handler, RouteOptions options) {
  router_.Add(method, pattern, Route{std::move(handler), options, pattern});
}

Response App::Handle(Request request) const {
  auto start = std::chrono::steady_clock::now();
  Csrf::BrowserToken browser = csrf_.TokenFor(request, random_);
  Response response;
  VisitFacts visit;
  try {
    response = Dispatch(request, browser, visit);
  } catch (const std::exception& error) {
    WriteLine(options_.error_log, std::string("web: ") + request.method_name() + " " +
                                      request.path() + " failed: " + error.what());
    response = ErrorResponse(request, HttpError::Internal(), csrf_.FormToken(browser.binding),
                             std::nullopt);
  }
  if (!response.refused_header().empty()) {
    // A handler tried to write CR, LF or NUL into a header: a bug that would have let the
    // request's author write headers of their own. Answer nothing of it.
    WriteLine(options_.error_log, std::string("web: ") + request.method_name() + " " +
                                      request.path() + ": refused header " +
                                      response.refused_header() + " (CR, LF or NUL)");
    response = ErrorResponse(request, HttpError::Internal(), csrf_.FormToken(browser.binding),
                             std::nullopt);
  }
  Finish(browser, response);
  CompressResponse(request, response);
  if (visit_observer_) {
    visit.method = request.method();
    visit.status = response.status();
    visit.content_type = response.Header("Content-Type").value_or("");
    visit.user_agent = request.Header("User-Agent").value_or("");
    visit.referer = request.Header("Referer").value_or("");
    visit_observer_->Observe(visit);
  }
  if (metrics_) {
    metrics_->ObserveRequest(
        request.method_name(), visit.route_pattern, response.status(),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  if (options_.access_log != nullptr) {
    // One JSON object per line, for log shippers: time, method, path, status, bytes,
    // duration, client address (the forwarded one behind a trusted proxy).
    const double elapsed_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    nlohmann::json line = {{"time", clock_.NowSeconds()},
                           {"method", request.method_name()},
                           {"path", request.path()},
                           {"status", response.status()},
                           {"bytes", response.body().size()},
                           {"ms", std::round(elapsed_ms * 10) / 10},
                           {"remote", request.remote_address()}};
    WriteLine(options_.access_log,
              line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  return response;
}

Response App::Dispatch(Request& request, const Csrf::BrowserToken& browser,
                       VisitFacts& visit) const {
  std::string form_token = csrf_.FormToken(browser.binding);
  auto match = router_.Find(request.method(), request.path());
  if (match.route == nullptr) {
    if (match.allowed.empty())
      return ErrorResponse(request, HttpError::NotFound(), form_token, std::nullopt);
    Response response =
        ErrorResponse(request, HttpError::MethodNotAllowed(), form_token, std::nullopt);
    std::string allow;
    for (Method method : match.allowed)
      allow += (allow.empty() ? "" : ", ") + std::string(MethodName(method));
    response.SetHeader("Allow", allow);
    return response;
  }
  const Route& route = *match.route;
  visit.route_pattern = route.pattern;
  request.SetParams(std::move(match.params));

  std::shared_ptr<const HostSite> site;
  if (site_resolver_) site = site_resolver_->Resolve(request);
  if (IsUnsafe(request.method()) && !route.options.csrf_exempt) {
    if (Status allowed = csrf_.Check(request, site ? site->origin : std::string()); !allowed.ok()) {
      return ErrorResponse(request, HttpError::From(allowed), form_token, std::nullopt, site);
    }
  }
  std::optional<Principal> user;
  if (authenticator_) user = authenticator_->Authenticate(request);
  if (route.options.access != Access::kAnyone) {
    if (!user) {
      if (request.WantsJson()) {
        return ErrorResponse(request,
                             HttpError::From(Unauthenticated("Connectez-vous pour continuer.")),
                             form_token, user, site);
      }
      if (route.options.return_to != nullptr) {
        return Response::Redirect(LoginPathReturningTo(route.options.return_to));
      }
      const bool safe = request.method() == Method::kGet || request.method() == Method::kHead;
      return Response::Redirect(safe ? LoginPathReturningTo(request.path())
                                     : std::string("/compte/connexion"));
    }
    if (route.options.access == Access::kOperator && user->role != "operator") {
      return ErrorResponse(request, HttpError::From(NotFound("Page introuvable.")), form_token,
                           user, site);
    }
  }
  if (user) visit.role = user->role;

  Context context(*this, request, form_token, user, site);
  Result<Response> result = route.handler(context);
  if (result.ok()) return std::move(result).value();
  const Status& status = result.status();
  if (HttpStatusFor(status.code()) >= 500) {
    WriteLine(options_.error_log, std::string("web: ") + request.method_name() + " " +
                                      request.path() + ": " + status.ToString());
  }
  return ErrorResponse(request, HttpError::From(status), form_token, user, site);
}

Response App::Fail(const Request& request, const HttpError& error) const {
  Csrf::BrowserToken browser = csrf_.TokenFor(request, random_);
  Response response = ErrorResponse(request, error, csrf_.FormToken(browser.binding), std::nullopt);
  Finish(browser, response);
  return response;
}

Response App::ErrorResponse(const Request& request, const HttpError& error,
                            const std::string& csrf_token, const std::optional<Principal>& user,
                            std::shared_ptr<const HostSite> site) const {
  if (request.WantsJson()) {
    nlohmann::json body = {{"code", error.code}, {"message", error.message}};
    if (!error.field.empty()) body["field"] = error.field;
    return Response::Json({{"error", body}}, error.http_status);
  }
  try {
    Context context(*this, request, csrf_token, user, std::move(site));
    Result<Response> page =
        context.Page("error",
                     mstch::map{
                         {"title", ErrorTitle(error.http_status) + " — VivroVert"},
                         {"heading", ErrorTitle(error.http_status)},
                         {"status", error.http_status},
                         {"message", error.message},
                     },
                     error.http_status);
    if (page.ok()) return std::move(page).value();
    WriteLine(options_.error_log, "web: cannot render the error page: " + page.status().ToString());
  } catch (const std::exception& fault) {
    WriteLine(options_.error_log,
              std::string("web: cannot render the error page: ") + fault.what());
  }
  return Response::Text(ErrorTitle(error.http_status) + "\n\n" + error.message + "\n",
                        error.http_status);
}

void App::Finish(const Csrf::BrowserToken& browser, Response& response) const {
  response.SetDefaultHeader("Content-Security-Policy", content_security_policy_);
  response.SetDefaultHeader("X-Content-Type-Options", "nosniff");
  response.SetDefaultHeader("Referrer-Policy", "same-origin");
  response.SetDefaultHeader("X-Frame-Options", "DENY");
  response.SetDefaultHeader("Cross-Origin-Opener-Policy", "same-origin");
  if (options_.public_base_url.starts_with("https://")) {
    response.SetDefaultHeader("Strict-Transport-Security", "max-age=31536000");
  }
  // Pages hold personal data and CSRF tokens: never keep them in shared or back-button
  // caches unless the handler says otherwise.
  response.SetDefaultHeader("Cache-Control", "no-store");
  bool is_html = response.Header("Content-Type").value_or("").starts_with("text/html");
  if (browser.fresh && is_html && response.FindCookie(csrf_.cookie_name()) == nullptr) {
    response.AddCookie(csrf_.NewCookie(browser.cookie_token));
  }
}

}  // namespace vivrovert::web
