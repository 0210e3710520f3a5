// The server over real sockets, and /healthz against each database backend.
#include "web/server.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "storage/migrations.hpp"
#include "support/test_database.hpp"
#include "web/shell_routes.hpp"
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
    app_ = std::make_unique<App>(std::move(options), std::move(*templates), AssetManifest(), StaticFiles(), clock_,
                                 random_);
    RegisterShellRoutes(*app_, database_.db());
    app_->Post("/echo", [](Context& context) -> Result<Response> { return Response::Text(context.request().body()); },
               RouteOptions{.csrf_exempt = true});
    ServerOptions server_options;
    server_options.port = 0;
    server_options.threads = 4;
    server_options.max_body_bytes = 4096;
    server_ = std::make_unique<HttpServer>(*app_, server_options);
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    ASSERT_NE(server_->port(), 0);
  }

  Answer Send(Poco::Net::HTTPClientSession& session, const std::string& method, const std::string& path,
              const std::string& body = {}) {
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!body.empty() || method == "POST") request.setContentLength64(static_cast<Poco::Int64>(body.size()));
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
  EXPECT_EQ(Send("POST", "/echo", std::string(4096, 'y')).body.size(), 4096u) << "the limit itself is allowed";
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

}  // namespace
}  // namespace vivrovert::web
