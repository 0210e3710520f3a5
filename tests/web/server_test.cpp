// The server over real sockets, and /healthz against each database backend.
#include "web/http/server.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

#include "core/storage/migrations.hpp"
#include "support/test_database.hpp"
#include "web/http/shell_routes.hpp"
#include "web_test_support.hpp"

namespace vivrovert::web {
namespace {

struct Answer {
  int status = 0;
  std::string body;
  Poco::Net::HTTPResponse response;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto templates = TemplateRenderer::Load(testing::SourceTemplates());
    ASSERT_TRUE(templates.ok());
    AppOptions options;
    options.secret_key = testing::kTestSecret;
    options.error_log = &error_log_;
    app_ = std::make_unique<App>(std::move(options), std::move(*templates), AssetManifest(),
                                 StaticFiles(), clock_, random_);
    RegisterShellRoutes(*app_, database_.db());
    app_->Post(
        "/echo",
        [](Context& context) -> Result<Response> {
          return Response::Text(context.request().body());
        },
        RouteOptions{.csrf_exempt = true});
    // Answers once the test releases it (the drain test's request in progress).
    app_->Get("/slow", [this](Context&) -> Result<Response> {
      std::unique_lock lock(slow_mutex_);
      slow_entered_ = true;
      slow_changed_.notify_all();
      slow_changed_.wait(lock, [this] { return slow_released_; });
      return Response::Text("finished");
    });
    app_->Get("/client", [](Context& context) -> Result<Response> {
      return Response::Text(context.request().remote_address() + " " +
                            context.request().client_network());
    });
    ServerOptions server_options;
    server_options.port = 0;
    server_options.threads = 4;
    server_options.max_body_bytes = 4096;
    server_ = std::make_unique<HttpServer>(*app_, server_options);
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    ASSERT_NE(server_->port(), 0);
  }

  Answer Send(Poco::Net::HTTPClientSession& session, const std::string& method,
              const std::string& path, const std::string& body = {}) {
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!body.empty() || method == "POST")
      request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    session.sendRequest(request) << body;
    Answer answer;
    std::istream& in = session.receiveResponse(answer.response);
    std::ostringstream text;
    Poco::StreamCopier::copyStream(in, text);
    answer.status = answer.response.getStatus();
    answer.body = text.str();
    return answer;
  }
  Answer Send(const std::string& method, const std::string& path, const std::string& body = {}) {
    Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
    return Send(session, method, path, body);
  }

  testing::TestDatabase database_;
  ManualClock clock_{testing::kTestNow};
  testing::CountingRandom random_;
  std::ostringstream error_log_;
  std::unique_ptr<App> app_;
  std::unique_ptr<HttpServer> server_;
  std::mutex slow_mutex_;
  std::condition_variable slow_changed_;
  bool slow_entered_ = false;
  bool slow_released_ = false;
};

TEST_F(ServerTest, HealthReportsTheDatabase) {
  Answer answer = Send("GET", "/healthz");
  ASSERT_EQ(answer.status, 200) << answer.body;
  auto body = nlohmann::json::parse(answer.body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["backend"], storage::BackendName(testing::BackendUnderTest()));
  EXPECT_EQ(body["schema_version"], storage::KnownMigrations().back().version);
}

TEST_F(ServerTest, ReadinessNeedsTheExpectedSchema) {
  Answer ready = Send("GET", "/readyz");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(nlohmann::json::parse(ready.body)["status"], "ready");
  // A database migrated by a newer binary: this process must not take traffic.
  database_.db().Acquire().Execute(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'future', 0)",
      {int64_t{storage::KnownMigrations().back().version + 1}});
  Answer behind = Send("GET", "/readyz");
  EXPECT_EQ(behind.status, 503);
  EXPECT_EQ(nlohmann::json::parse(behind.body)["status"], "migrating");
  EXPECT_EQ(Send("GET", "/healthz").status, 200);  // alive all the same
}

TEST_F(ServerTest, ServesPagesWithCookies) {
  Answer answer = Send("GET", "/");
  EXPECT_EQ(answer.status, 200);
  EXPECT_NE(answer.body.find("VivroVert"), std::string::npos);
  std::vector<Poco::Net::HTTPCookie> cookies;
  answer.response.getCookies(cookies);
  ASSERT_EQ(cookies.size(), 1u);
  EXPECT_EQ(cookies[0].getName(), "vv_csrf");
  EXPECT_TRUE(cookies[0].getHttpOnly());
  EXPECT_EQ(answer.response.get("X-Content-Type-Options"), "nosniff");
}

TEST_F(ServerTest, HeadHasNoBodyButTheSameLength) {
  Answer get = Send("GET", "/nulle-part");
  Answer head = Send("HEAD", "/nulle-part");
  EXPECT_EQ(head.status, 404);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.response.getContentLength64(), static_cast<Poco::Int64>(get.body.size()));
}

TEST_F(ServerTest, KeepsConnectionsAlive) {
  Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
  EXPECT_EQ(Send(session, "POST", "/echo", "un").body, "un");
  EXPECT_TRUE(session.connected());
  EXPECT_EQ(Send(session, "POST", "/echo", "deux").body, "deux");
  EXPECT_EQ(Send(session, "GET", "/healthz").status, 200);
}

TEST_F(ServerTest, RefusesOversizedBodies) {
  Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
  Answer answer = Send(session, "POST", "/echo", std::string(5000, 'x'));
  EXPECT_EQ(answer.status, 413);
  EXPECT_NE(answer.body.find("Envoi trop volumineux"), std::string::npos);
  EXPECT_FALSE(answer.response.getKeepAlive());
  EXPECT_EQ(Send("POST", "/echo", std::string(4096, 'y')).body.size(), 4096u)
      << "the limit itself is allowed";
}

TEST_F(ServerTest, RefusesUnreadableTargets) {
  Answer answer = Send("GET", "/a%zz");
  EXPECT_EQ(answer.status, 400);
  EXPECT_NE(answer.body.find("Requête invalide"), std::string::npos);
}

TEST_F(ServerTest, StartsOnceAndStops) {
  EXPECT_EQ(server_->Start().code(), StatusCode::kFailedPrecondition);
  ServerOptions taken;
  taken.port = server_->port();
  taken.threads = 1;
  HttpServer second(*app_, taken);
  EXPECT_EQ(second.Start().code(), StatusCode::kUnavailable);

  uint16_t port = server_->port();
  server_->Stop();
  server_->Stop();
  EXPECT_EQ(server_->port(), 0);
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  Poco::Net::HTTPRequest request("GET", "/healthz", Poco::Net::HTTPMessage::HTTP_1_1);
  EXPECT_THROW(session.sendRequest(request), Poco::Net::NetException);
}

// The drain on SIGTERM (`vivrovert serve` calls Stop): a request in progress is answered,
// while new connections are refused as soon as the server stops accepting, so that the
// proxy in front sends them to another node.
TEST_F(ServerTest, StopAnswersTheRequestInProgressAndRefusesNewConnections) {
  const uint16_t port = server_->port();
  Answer slow;
  std::thread client([&] { slow = Send("GET", "/slow"); });
  {
    std::unique_lock lock(slow_mutex_);
    ASSERT_TRUE(slow_changed_.wait_for(lock, std::chrono::seconds(60), [this] {
      return slow_entered_;
    })) << "the request never reached its handler";
  }
  std::thread stopper([&] { server_->Stop(); });
  bool refused = false;
  for (int attempt = 0; attempt < 600 && !refused; ++attempt) {
    try {
      Poco::Net::StreamSocket probe;
      probe.connect(Poco::Net::SocketAddress("127.0.0.1", port));
      probe.close();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    } catch (const Poco::Net::ConnectionRefusedException&) {
      refused = true;
    }
  }
  {
    std::lock_guard lock(slow_mutex_);
    slow_released_ = true;
  }
  slow_changed_.notify_all();
  client.join();
  stopper.join();
  EXPECT_TRUE(refused) << "the stopping server still accepted connections";
  EXPECT_EQ(slow.status, 200);
  EXPECT_EQ(slow.body, "finished");
}

// The drain before Stop (`vivrovert serve` on SIGTERM, behind nginx): the connections already
// made when it begins are served, POSTs included, even those still waiting for a thread
// (Stop alone would drop them, and a proxy never resends a POST it has sent), while a new
// connection attempt is left unanswered, so that a proxy's connect times out and it tries
// another node.
TEST_F(ServerTest, DrainServesTheConnectionsAlreadyMadeAndTakesNoNewOne) {
  ServerOptions one_thread;
  one_thread.port = 0;
  one_thread.threads = 1;
  HttpServer server(*app_, one_thread);
  ASSERT_TRUE(server.Start().ok());
  const uint16_t port = server.port();
  Answer slow;
  std::thread holder([&] {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    slow = Send(session, "GET", "/slow");
  });
  {
    std::unique_lock lock(slow_mutex_);
    ASSERT_TRUE(slow_changed_.wait_for(lock, std::chrono::seconds(60), [this] {
      return slow_entered_;
    })) << "the request never reached its handler";
  }
  // The only thread is busy: these connections wait, their requests sent.
  constexpr int kWaiting = 5;
  std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>> waiting;
  for (int i = 0; i < kWaiting; ++i) {
    auto session = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", port);
    Poco::Net::HTTPRequest request("POST", "/echo", Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(false);
    const std::string body = "écrit " + std::to_string(i);
    request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    session->sendRequest(request) << body;
    waiting.push_back(std::move(session));
  }

  server.StopTakingConnections();
  bool drained = false;
  std::thread stopper([&] {
    drained = server.WaitForWaitingConnections(std::chrono::seconds(120));
    server.Stop();
  });
  // Neither accepted nor refused (a proxy would time out and try another node); the
  // second it waits also gives a Stop without the drain the time to drop the waiting
  // connections, which this test would then see.
  Poco::Net::StreamSocket late;
  EXPECT_THROW(late.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(1, 0)),
               Poco::TimeoutException)
      << "a connection attempt after the drain began was answered";
  {
    std::lock_guard lock(slow_mutex_);
    slow_released_ = true;
  }
  slow_changed_.notify_all();
  for (int i = 0; i < kWaiting; ++i) {
    Poco::Net::HTTPResponse response;
    std::string body;
    try {
      std::istream& in = waiting[static_cast<size_t>(i)]->receiveResponse(response);
      std::ostringstream text;
      Poco::StreamCopier::copyStream(in, text);
      body = text.str();
    } catch (const Poco::Exception& error) {
      body = "dropped: " + error.displayText();
    }
    EXPECT_EQ(body, "écrit " + std::to_string(i));
  }
  holder.join();
  stopper.join();
  EXPECT_TRUE(drained);
  EXPECT_EQ(slow.body, "finished");
}

// With the application's Readiness, /readyz also needs the grid and the matching index,
// and answers 503 "draining" from the stop signal on (healthz stays 200: alive).
TEST_F(ServerTest, ReadinessNeedsTheGridAndTheIndexAndEndsWhenDraining) {
  auto templates = TemplateRenderer::Load(testing::SourceTemplates());
  ASSERT_TRUE(templates.ok());
  AppOptions options;
  options.secret_key = testing::kTestSecret;
  options.error_log = &error_log_;
  App app(std::move(options), std::move(*templates), AssetManifest(), StaticFiles(), clock_,
          random_);
  Readiness readiness;
  RegisterShellRoutes(app, database_.db(), &readiness);
  auto ask = [&](const std::string& path) {
    Response response = app.Handle(*Request::Parse("GET", path, {}, {}, "127.0.0.1"));
    return std::make_pair(response.status(), nlohmann::json::parse(response.body()));
  };
  auto [status, body] = ask("/readyz");
  EXPECT_EQ(status, 503);
  EXPECT_EQ(body["status"], "no_grid");
  readiness.SetGridLoaded(true);
  std::tie(status, body) = ask("/readyz");
  EXPECT_EQ(status, 503);
  EXPECT_EQ(body["status"], "starting");
  readiness.SetIndexBuilt(true);
  std::tie(status, body) = ask("/readyz");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body["status"], "ready");
  EXPECT_EQ(body["grid"], true);
  readiness.SetDraining();
  std::tie(status, body) = ask("/readyz");
  EXPECT_EQ(status, 503);
  EXPECT_EQ(body["status"], "draining");
  EXPECT_EQ(ask("/healthz").first, 200);
}

// The client behind a trusted proxy is the address it forwarded; any other peer is itself,
// whatever it writes in X-Forwarded-For (every per-client limit keys on this).
TEST_F(ServerTest, TakesTheClientFromTrustedProxiesOnly) {
  ServerOptions options;
  options.port = 0;
  options.threads = 2;
  options.trusted_proxies = *TrustedProxies::Parse("127.0.0.1");
  HttpServer behind_proxy(*app_, options);
  ASSERT_TRUE(behind_proxy.Start().ok());
  auto ask = [&](const std::string& source, const std::string& forwarded_for) {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::IPv4);
    socket.impl()->bind(Poco::Net::SocketAddress(source, 0), /*reuseAddress=*/false);
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", behind_proxy.port()));
    Poco::Net::HTTPClientSession session(socket);
    Poco::Net::HTTPRequest request("GET", "/client", Poco::Net::HTTPMessage::HTTP_1_1);
    if (!forwarded_for.empty()) request.set("X-Forwarded-For", forwarded_for);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::ostringstream text;
    Poco::StreamCopier::copyStream(session.receiveResponse(response), text);
    return text.str();
  };
  EXPECT_EQ(ask("127.0.0.1", "203.0.113.9, 198.51.100.7"), "198.51.100.7 198.51.100.7");
  EXPECT_EQ(ask("127.0.0.1", "2001:db8:1:2::77"), "2001:db8:1:2::77 2001:db8:1:2::/64");
  EXPECT_EQ(ask("127.0.0.1", ""), "127.0.0.1 127.0.0.1");
  // 127.0.0.2 is not trusted: its forged header changes nothing.
  EXPECT_EQ(ask("127.0.0.2", "198.51.100.7"), "127.0.0.2 127.0.0.2");
  // The default trusts nobody.
  Poco::Net::HTTPClientSession direct("127.0.0.1", server_->port());
  Poco::Net::HTTPRequest request("GET", "/client", Poco::Net::HTTPMessage::HTTP_1_1);
  request.set("X-Forwarded-For", "198.51.100.7");
  direct.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::ostringstream text;
  Poco::StreamCopier::copyStream(direct.receiveResponse(response), text);
  EXPECT_EQ(text.str(), "127.0.0.1 127.0.0.1");
}

// Clients that send their request a byte at a time, each within the read timeout, are cut
// off at the request deadline; before, as many of them as threads stalled the server.
TEST_F(ServerTest, CutsOffSlowClientsAtTheRequestDeadline) {
  ServerOptions options;
  options.port = 0;
  options.threads = 2;
  options.receive_timeout_seconds = 60;
  options.request_deadline_seconds = 1;
  HttpServer server(*app_, options);
  ASSERT_TRUE(server.Start().ok());
  const std::string request =
      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + std::string(400, 'a');
  std::vector<Poco::Net::StreamSocket> slow(4);
  for (auto& socket : slow) {
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", server.port()));
    socket.setReceiveTimeout(Poco::Timespan(0, 10'000));
  }
  // Trickle one byte per socket every 100 ms for up to 40 s, until the server closes each.
  std::vector<bool> closed(slow.size(), false);
  size_t sent = 0;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(40);
  while (std::count(closed.begin(), closed.end(), true) < static_cast<long>(slow.size()) &&
         std::chrono::steady_clock::now() < give_up) {
    for (size_t i = 0; i < slow.size(); ++i) {
      if (closed[i]) continue;
      try {
        slow[i].sendBytes(request.data() + sent % request.size(), 1);
        char byte;
        if (slow[i].receiveBytes(&byte, 1) == 0) closed[i] = true;  // orderly close
      } catch (const Poco::TimeoutException&) {
      } catch (const Poco::Exception&) {
        closed[i] = true;  // reset or broken pipe: closed too
      }
    }
    ++sent;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(std::count(closed.begin(), closed.end(), true), static_cast<long>(slow.size()))
      << "slow clients still connected after " << sent << " bytes each";
  // The threads they held serve others again.
  Poco::Net::HTTPClientSession session("127.0.0.1", server.port());
  session.setTimeout(Poco::Timespan(10, 0));
  Answer answer = Send(session, "GET", "/healthz");
  EXPECT_EQ(answer.status, 200);
}

}  // namespace
}  // namespace vivrovert::web
