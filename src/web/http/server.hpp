// The HTTP/1.1 server: Poco's HTTP connections feeding every request to an App.
//
// It reads at most `max_body_bytes` of a body (413 beyond, and the connection is closed
// since the rest of the body is left unread), closes connections whose request does not
// arrive whole within `request_deadline_seconds` (slow clients), takes the client address
// from X-Forwarded-For only when the peer is one of `trusted_proxies`, turns Poco's request into a
// web::Request, and writes the App's Response (no body for HEAD). TLS is terminated by the reverse
// proxy in front (nginx, HAProxy); the server itself speaks plain HTTP.
//
// Thread safety: Start and Stop from one thread; requests are served on a pool of
// `threads` threads that call App::Handle concurrently.
//
// The App may change while serving (a new grid, app/site.hpp): the server then asks an
// AppSource for the App at the start of each request and keeps that snapshot until the
// request is answered, so one request is served by one App from start to end.
#pragma once

#include <Poco/SharedPtr.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/common/status.hpp"
#include "web/http/app.hpp"
#include "web/http/client_address.hpp"

namespace Poco {
class ThreadPool;
namespace Net {
class ServerSocket;
class TCPServer;
}  // namespace Net
}  // namespace Poco

namespace vivrovert::web {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (tests), see HttpServer::port()
  int threads = 16;
  int64_t max_body_bytes = 1 << 20;
  // Connections waiting for a free thread beyond which new ones are refused.
  int max_queued = 256;
  int keep_alive_seconds = 15;
  // A read that waits longer than this for a byte ends the connection.
  int receive_timeout_seconds = 60;
  // A request whose headers and body do not all arrive within this delay (counted from the
  // connection's opening, or from the end of the previous answer plus the keep-alive
  // delay) has its connection closed, however steadily its bytes trickle in; the answer
  // must be read within the same delay.
  int request_deadline_seconds = 30;
  // The reverse proxies whose X-Forwarded-For is believed (http.trusted_proxies); empty:
  // the TCP peer is the client.
  TrustedProxies trusted_proxies;
};

class ConnectionDeadlines;

// The App that serves a request starting now; never null. Called on the request threads.
using AppSource = std::function<std::shared_ptr<const App>()>;

class HttpServer {
 public:
  // `app` must outlive the server.
  HttpServer(const App& app, ServerOptions options);
  // Each request is served by the App `source` gives at its start, kept to its end.
  HttpServer(AppSource source, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving in background threads. Errors: Unavailable when the address
  // cannot be bound (in use, not local), FailedPrecondition when already started.
  Status Start();
  // The bound port (the chosen one when options.port was 0). 0 before Start.
  uint16_t port() const { return port_; }
  // The drain before Stop (`vivrovert serve` on SIGTERM), so that a proxy in front loses no
  // request, POSTs included: StopTakingConnections, then WaitForWaitingConnections. Closing
  // the listening socket at once (Stop alone) resets the connections the kernel has
  // already completed but the server has not accepted yet, and Poco drops those it has
  // accepted but not handed to a thread: the proxy has sent its request on them, and it
  // resends only idempotent ones. False when connections were still waiting at `max_wait`.
  bool Drain(std::chrono::milliseconds max_wait) {
    StopTakingConnections();
    return WaitForWaitingConnections(max_wait);
  }
  // New connection attempts go unanswered from now on (a socket filter drops them: the
  // client's connect times out, a proxy then sends the request, unsent, to another node),
  // while the connections already completed are still accepted and served. Linux only
  // (elsewhere a no-op). Before Start or after Stop: nothing.
  void StopTakingConnections();
  // Waits until no connection is waiting (none left in the listening socket's backlog or
  // in Poco's queue, and every accepted one has had its first request read), at most
  // `max_wait`. True when none is left waiting.
  bool WaitForWaitingConnections(std::chrono::milliseconds max_wait);
  // Stops accepting and closes the listening socket at once (new connections are
  // refused, so a proxy in front tries another node), lets the requests in progress finish
  // and be answered, closes idle connections and waits for the threads. Safe to call
  // twice; called by the destructor.
  void Stop();

 private:
  AppSource source_;
  ServerOptions options_;
  class HandlerFactory;

  uint16_t port_ = 0;
  // Connections run by a thread whose first request has not been read yet.
  std::atomic<int> awaiting_first_request_{0};
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<ConnectionDeadlines> deadlines_;
  Poco::SharedPtr<HandlerFactory> handler_factory_;
  std::unique_ptr<Poco::Net::ServerSocket> listener_;  // shares the TCPServer's socket
  std::unique_ptr<Poco::Net::TCPServer> server_;
};

}  // namespace vivrovert::web
