#include "web/http/server.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/String.h>
#include <Poco/ThreadPool.h>
#include <sys/socket.h>
#ifdef __linux__
#include <linux/filter.h>
#endif

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace vivrovert::web {

using SteadyClock = std::chrono::steady_clock;

// Closes the connections whose request is late. Poco's receive timeout is per read, so a
// client sending one byte of its headers or body every few seconds would hold a thread for
// ever, and `threads` such clients the whole server; here each connection has a deadline
// for its whole request (headers and body), and one thread shuts down the socket of any
// connection past it, which ends the blocked read and frees the thread.
//
// Thread safety: every method may be called from any thread.
class ConnectionDeadlines {
 public:
  ConnectionDeadlines() : thread_([this] { Watch(); }) {}
  ~ConnectionDeadlines() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  // Sets (or moves) the deadline of the connection on socket `fd`.
  void Arm(poco_socket_t fd, SteadyClock::time_point deadline) {
    std::lock_guard lock(mutex_);
    deadlines_[fd] = deadline;
  }
  // Forgets the connection; called before its socket is closed, so that a number the
  // system reuses for another connection is never shut down by mistake.
  void Disarm(poco_socket_t fd) {
    std::lock_guard lock(mutex_);
    deadlines_.erase(fd);
  }

 private:
  void Watch() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, std::chrono::milliseconds(100));
      const SteadyClock::time_point now = SteadyClock::now();
      for (auto it = deadlines_.begin(); it != deadlines_.end();) {
        if (it->second <= now) {
          ::shutdown(it->first, SHUT_RDWR);
          it = deadlines_.erase(it);
        } else {
          ++it;
        }
      }
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::unordered_map<poco_socket_t, SteadyClock::time_point> deadlines_;
  std::thread thread_;
};

namespace {

// Whether the connection this thread runs has yet to see its first request read (the
// drain waits for none), counted in HttpServer::awaiting_first_request_.
thread_local bool this_thread_awaits_first_request = false;

void FirstRequestRead(std::atomic<int>& awaiting) {
  if (!this_thread_awaits_first_request) return;
  this_thread_awaits_first_request = false;
  awaiting.fetch_sub(1);
}

poco_socket_t SocketOf(Poco::Net::HTTPServerRequest& in) {
  return static_cast<Poco::Net::HTTPServerRequestImpl&>(in).socket().impl()->sockfd();
}

class RequestHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  RequestHandler(const AppSource& source, const ServerOptions& options,
                 ConnectionDeadlines& deadlines)
      : source_(source), options_(options), deadlines_(deadlines) {}

  void handleRequest(Poco::Net::HTTPServerRequest& in,
                     Poco::Net::HTTPServerResponse& out) override {
    const poco_socket_t fd = SocketOf(in);
    // One App from the request's start to its answer, even if another replaces it meanwhile.
    const std::shared_ptr<const App> app = source_();
    Response response;
    try {
      response = Answer(*app, in, out, fd);
    } catch (const std::exception& error) {
      // App::Handle never throws; this is Poco failing to read the request itself.
      *app->options().error_log << "web: cannot read request: " << error.what() << std::endl;
      response = Response::Text("Requête illisible.\n", 400);
      out.setKeepAlive(false);
    }
    // The answer is ready: a deadline for the client to read it (a client that reads
    // slowly is cut off too), then one for the next request on this connection, which may
    // first idle for the keep-alive delay.
    deadlines_.Arm(fd,
                   SteadyClock::now() + std::chrono::seconds(options_.request_deadline_seconds));
    try {
      Write(in, response, out);
    } catch (const Poco::Exception&) {
      // The client went away while we answered: nothing left to do for it.
    } catch (const std::ios_base::failure&) {
    }
    deadlines_.Arm(fd,
                   SteadyClock::now() + std::chrono::seconds(options_.keep_alive_seconds +
                                                             options_.request_deadline_seconds));
  }

 private:
  Response Answer(const App& app, Poco::Net::HTTPServerRequest& in,
                  Poco::Net::HTTPServerResponse& out, poco_socket_t fd) {
    Fields headers;
    std::string forwarded_for;
    for (const auto& [name, value] : in) {
      headers.emplace_back(name, value);
      if (Poco::icompare(name, "X-Forwarded-For") == 0)
        forwarded_for += (forwarded_for.empty() ? "" : ",") + value;
    }
    std::string remote = ResolveClientAddress(in.clientAddress().host().toString(), forwarded_for,
                                              options_.trusted_proxies);

    bool too_large = in.hasContentLength() && in.getContentLength64() > options_.max_body_bytes;
    std::string body;
    if (!too_large) {
      std::istream& stream = in.stream();
      char buffer[16384];
      while (stream.read(buffer, sizeof buffer) || stream.gcount() > 0) {
        body.append(buffer, static_cast<size_t>(stream.gcount()));
        if (static_cast<int64_t>(body.size()) > options_.max_body_bytes) {
          too_large = true;
          break;
        }
      }
    }
    if (too_large) {
      // The unread rest of the body would be taken for the next request.
      out.setKeepAlive(false);
      return app.Fail(FallbackRequest(in.getMethod(), in.getURI(), headers, remote),
                      HttpError::PayloadTooLarge());
    }
    Result<Request> request =
        Request::Parse(in.getMethod(), in.getURI(), headers, std::move(body), remote);
    if (!request.ok()) {
      return app.Fail(FallbackRequest(in.getMethod(), in.getURI(), headers, remote),
                      HttpError::BadRequest(request.status().message()));
    }
    // The request has arrived whole: the time the App takes is not the client's to limit.
    deadlines_.Disarm(fd);
    return app.Handle(std::move(request).value());
  }

  // The request without its body, to shape an error answer; at the site root when the
  // target itself is what could not be parsed.
  static Request FallbackRequest(const std::string& method, const std::string& target,
                                 const Fields& headers, const std::string& remote) {
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
    for (const SetCookie& cookie : response.cookies())
      out.add("Set-Cookie", cookie.ToHeaderValue());
    bool no_body = response.status() == 204 || response.status() == 304;
    if (!no_body) out.setContentLength64(static_cast<Poco::Int64>(response.body().size()));
    std::ostream& stream = out.send();
    if (!no_body && in.getMethod() != Poco::Net::HTTPRequest::HTTP_HEAD) {
      stream.write(response.body().data(), static_cast<std::streamsize>(response.body().size()));
    }
    stream.flush();
  }

  const AppSource& source_;
  const ServerOptions& options_;
  ConnectionDeadlines& deadlines_;
};

}  // namespace

class HttpServer::HandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  HandlerFactory(const AppSource& source, const ServerOptions& options,
                 ConnectionDeadlines& deadlines, std::atomic<int>& awaiting_first_request)
      : source_(source),
        options_(options),
        deadlines_(deadlines),
        awaiting_first_request_(awaiting_first_request) {}

  // Called once the request's headers are read, under the connection's lock (a Stop from
  // now on lets this request be answered).
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    FirstRequestRead(awaiting_first_request_);
    return new RequestHandler(source_, options_, deadlines_);
  }

  // Tells every open connection the server stops (what Poco's HTTPServer::stopAll does):
  // idle keep-alive connections close, and with `abort_current` busy ones too.
  void NotifyStopped(bool abort_current) { serverStopped.notify(this, abort_current); }

 private:
  const AppSource& source_;
  const ServerOptions& options_;
  ConnectionDeadlines& deadlines_;
  std::atomic<int>& awaiting_first_request_;
};

namespace {

// Poco's HTTP connection, under a deadline from its first byte: the request must arrive
// whole within `request_deadline_seconds` of the connection's opening.
class DeadlineConnection final : public Poco::Net::TCPServerConnection {
 public:
  DeadlineConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                     Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                     ConnectionDeadlines& deadlines, int request_deadline_seconds,
                     std::atomic<int>& awaiting_first_request)
      : Poco::Net::TCPServerConnection(socket),
        params_(std::move(params)),
        factory_(std::move(factory)),
        deadlines_(deadlines),
        request_deadline_seconds_(request_deadline_seconds),
        awaiting_first_request_(awaiting_first_request) {}

  void run() override {
    const poco_socket_t fd = socket().impl()->sockfd();
    deadlines_.Arm(fd, SteadyClock::now() + std::chrono::seconds(request_deadline_seconds_));
    awaiting_first_request_.fetch_add(1);
    this_thread_awaits_first_request = true;
    {
      Poco::Net::HTTPServerConnection http(socket(), params_, factory_);
      http.run();
    }
    FirstRequestRead(awaiting_first_request_);  // closed before any request
    deadlines_.Disarm(fd);
  }

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
  ConnectionDeadlines& deadlines_;
  int request_deadline_seconds_;
  std::atomic<int>& awaiting_first_request_;
};

class DeadlineConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
 public:
  DeadlineConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                            Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                            ConnectionDeadlines& deadlines, int request_deadline_seconds,
                            std::atomic<int>& awaiting_first_request)
      : params_(std::move(params)),
        factory_(std::move(factory)),
        deadlines_(deadlines),
        request_deadline_seconds_(request_deadline_seconds),
        awaiting_first_request_(awaiting_first_request) {}

  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new DeadlineConnection(socket, params_, factory_, deadlines_, request_deadline_seconds_,
                                  awaiting_first_request_);
  }

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
  ConnectionDeadlines& deadlines_;
  int request_deadline_seconds_;
  std::atomic<int>& awaiting_first_request_;
};

}  // namespace

HttpServer::HttpServer(const App& app, ServerOptions options)
    : HttpServer([&app] { return std::shared_ptr<const App>(std::shared_ptr<const App>(), &app); },
                 std::move(options)) {}

HttpServer::HttpServer(AppSource source, ServerOptions options)
    : source_(std::move(source)), options_(std::move(options)) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  if (server_) return FailedPrecondition("the HTTP server is already started");
  Poco::Net::ServerSocket socket;
  try {
    // SO_REUSEADDR lets a restart bind while old connections linger in TIME_WAIT; Poco's
    // two-argument bind would also set SO_REUSEPORT, silently sharing the port with a
    // server already running there.
    socket.bind(Poco::Net::SocketAddress(options_.host, options_.port), /*reuseAddress=*/true,
                /*reusePort=*/false);
    socket.listen(std::max(64, options_.max_queued));
  } catch (const Poco::Exception& error) {
    return Unavailable("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                       ": " + error.displayText());
  }
  port_ = socket.address().port();
  listener_ = std::make_unique<Poco::Net::ServerSocket>(socket);

  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(options_.threads);
  params->setMaxQueued(options_.max_queued);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(options_.keep_alive_seconds, 0));
  params->setTimeout(Poco::Timespan(options_.receive_timeout_seconds, 0));
  pool_ = std::make_unique<Poco::ThreadPool>(std::min(2, options_.threads), options_.threads);
  deadlines_ = std::make_unique<ConnectionDeadlines>();
  handler_factory_ = new HandlerFactory(source_, options_, *deadlines_, awaiting_first_request_);
  server_ = std::make_unique<Poco::Net::TCPServer>(
      new DeadlineConnectionFactory(params, handler_factory_, *deadlines_,
                                    options_.request_deadline_seconds, awaiting_first_request_),
      *pool_, socket, params);
  server_->start();
  return Status::Ok();
}

void HttpServer::StopTakingConnections() {
  if (!listener_) return;
#ifdef __linux__
  // A classic BPF program of one instruction, "keep 0 bytes": every packet reaching the
  // listening socket (a SYN, or the last ACK of a handshake not yet complete) is dropped.
  // Connections already complete have their own sockets, which the filter does not reach.
  sock_filter drop_all[] = {BPF_STMT(BPF_RET | BPF_K, 0)};
  sock_fprog program{.len = 1, .filter = drop_all};
  if (::setsockopt(listener_->impl()->sockfd(), SOL_SOCKET, SO_ATTACH_FILTER, &program,
                   sizeof program) != 0) {
    *source_()->options().error_log << "web: cannot filter new connections out before the drain"
                                    << std::endl;
  }
#endif
}

bool HttpServer::WaitForWaitingConnections(std::chrono::milliseconds max_wait) {
  if (!server_) return true;
  const SteadyClock::time_point end = SteadyClock::now() + max_wait;
  // A connection moves from the backlog to Poco's queue to a thread without being counted
  // for a moment at each step: "none waiting" must hold a few rounds in a row.
  int quiet_rounds = 0;
  while (true) {
    bool waiting = awaiting_first_request_.load() > 0 || server_->queuedConnections() > 0;
    if (!waiting) {
      try {
        waiting = listener_->poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ);
      } catch (const Poco::Exception&) {
      }
    }
    quiet_rounds = waiting ? 0 : quiet_rounds + 1;
    if (quiet_rounds >= 3) return true;
    if (SteadyClock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void HttpServer::Stop() {
  if (!server_) return;
  server_->stop();
  // The accepting thread has ended, but the socket would still complete the handshake of
  // new connections (the kernel's backlog) that nobody serves: close it, so that they are
  // refused and a proxy's retry goes to another node straight away.
  try {
    listener_->close();
  } catch (const Poco::Exception&) {
  }
  handler_factory_->NotifyStopped(/*abort_current=*/false);
  pool_->joinAll();
  server_.reset();
  listener_.reset();
  handler_factory_ = nullptr;
  deadlines_.reset();
  pool_.reset();
  port_ = 0;
}

}  // namespace vivrovert::web
