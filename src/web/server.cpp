#include "web/server.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/String.h>
#include <Poco/ThreadPool.h>

#include <algorithm>

namespace vivrovert::web {

namespace {

class RequestHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  RequestHandler(const App& app, int64_t max_body_bytes) : app_(app), max_body_bytes_(max_body_bytes) {}

  void handleRequest(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) override {
    Response response;
    try {
      response = Answer(in, out);
    } catch (const std::exception& error) {
      // App::Handle never throws; this is Poco failing to read the request itself.
      *app_.options().error_log << "web: cannot read request: " << error.what() << std::endl;
      response = Response::Text("Requête illisible.\n", 400);
      out.setKeepAlive(false);
    }
    try {
      Write(in, response, out);
    } catch (const Poco::Exception&) {
      // The client went away while we answered: nothing left to do for it.
    } catch (const std::ios_base::failure&) {
    }
  }

 private:
  Response Answer(Poco::Net::HTTPServerRequest& in, Poco::Net::HTTPServerResponse& out) {
    Fields headers;
    for (const auto& [name, value] : in) headers.emplace_back(name, value);
    std::string remote = in.clientAddress().host().toString();

    bool too_large = in.hasContentLength() && in.getContentLength64() > max_body_bytes_;
    std::string body;
    if (!too_large) {
      std::istream& stream = in.stream();
      char buffer[16384];
      while (stream.read(buffer, sizeof buffer) || stream.gcount() > 0) {
        body.append(buffer, static_cast<size_t>(stream.gcount()));
        if (static_cast<int64_t>(body.size()) > max_body_bytes_) {
          too_large = true;
          break;
        }
      }
    }
    if (too_large) {
      // The unread rest of the body would be taken for the next request.
      out.setKeepAlive(false);
      return app_.Fail(FallbackRequest(in.getMethod(), in.getURI(), headers, remote), HttpError::PayloadTooLarge());
    }
    Result<Request> request = Request::Parse(in.getMethod(), in.getURI(), headers, std::move(body), remote);
    if (!request.ok()) {
      return app_.Fail(FallbackRequest(in.getMethod(), in.getURI(), headers, remote),
                       HttpError::BadRequest(request.status().message()));
    }
    return app_.Handle(std::move(request).value());
  }

  // The request without its body, to shape an error answer; at the site root when the
  // target itself is what could not be parsed.
  static Request FallbackRequest(const std::string& method, const std::string& target, const Fields& headers,
                                 const std::string& remote) {
    Result<Request> request = Request::Parse(method, target, headers, {}, remote);
    if (request.ok()) return std::move(request).value();
    Fields no_cookies;
    for (const auto& header : headers) {
      if (Poco::icompare(header.first, "Cookie") != 0) no_cookies.push_back(header);
    }
    request = Request::Parse(method, "/", no_cookies, {}, remote);
    if (request.ok()) return std::move(request).value();
    return std::move(Request::Parse("GET", "/", {}, {}, remote)).value();
  }

  static void Write(const Poco::Net::HTTPServerRequest& in, const Response& response,
                    Poco::Net::HTTPServerResponse& out) {
    out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status()),
                           ReasonPhrase(response.status()));
    for (const auto& [name, value] : response.headers()) out.set(name, value);
    for (const SetCookie& cookie : response.cookies()) out.add("Set-Cookie", cookie.ToHeaderValue());
    bool no_body = response.status() == 204 || response.status() == 304;
    if (!no_body) out.setContentLength64(static_cast<Poco::Int64>(response.body().size()));
    std::ostream& stream = out.send();
    if (!no_body && in.getMethod() != Poco::Net::HTTPRequest::HTTP_HEAD) {
      stream.write(response.body().data(), static_cast<std::streamsize>(response.body().size()));
    }
    stream.flush();
  }

  const App& app_;
  int64_t max_body_bytes_;
};

class HandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  HandlerFactory(const App& app, int64_t max_body_bytes) : app_(app), max_body_bytes_(max_body_bytes) {}

  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new RequestHandler(app_, max_body_bytes_);
  }

 private:
  const App& app_;
  int64_t max_body_bytes_;
};

}  // namespace

HttpServer::HttpServer(const App& app, ServerOptions options) : app_(app), options_(std::move(options)) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  if (server_) return FailedPrecondition("the HTTP server is already started");
  Poco::Net::ServerSocket socket;
  try {
    // SO_REUSEADDR lets a restart bind while old connections linger in TIME_WAIT; Poco's
    // two-argument bind would also set SO_REUSEPORT, silently sharing the port with a
    // server already running there.
    socket.bind(Poco::Net::SocketAddress(options_.host, options_.port), /*reuseAddress=*/true, /*reusePort=*/false);
    socket.listen(std::max(64, options_.max_queued));
  } catch (const Poco::Exception& error) {
    return Unavailable("cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " +
                       error.displayText());
  }
  port_ = socket.address().port();

  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(options_.threads);
  params->setMaxQueued(options_.max_queued);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(options_.keep_alive_seconds, 0));
  params->setTimeout(Poco::Timespan(options_.receive_timeout_seconds, 0));
  pool_ = std::make_unique<Poco::ThreadPool>(std::min(2, options_.threads), options_.threads);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(app_, options_.max_body_bytes), *pool_,
                                                    socket, params);
  server_->start();
  return Status::Ok();
}

void HttpServer::Stop() {
  if (!server_) return;
  server_->stopAll(/*abortCurrent=*/false);
  pool_->joinAll();
  server_.reset();
  pool_.reset();
  port_ = 0;
}

}  // namespace vivrovert::web
