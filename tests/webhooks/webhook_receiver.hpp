// A partner's app for the webhook tests: an HTTP or HTTPS server on 127.0.0.1 and a free
// port that records each request (path, the VivroVert-* headers, the raw body) and answers the next
// scripted status (200 when none), so that tests check signatures over the bytes received
// and make failures on demand.
//
// Thread safety: requests are handled on the server's threads; the accessors lock.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/webhooks/webhook_signing.hpp"

namespace vivrovert::webhooks::testing {

struct Received {
  std::string path;
  std::string signature;
  std::string event_id;
  std::string event_type;
  std::string content_type;
  std::string body;
};

// A test certificate authority and a server certificate it signed for 127.0.0.1 (subject
// and alternative names: IP 127.0.0.1, DNS localhost), made now with the openssl command
// (EC P-256, valid 2 days) in `dir`. Throws std::runtime_error when openssl fails.
struct TestCertificates {
  std::string ca_file;      // the CA's certificate (PEM): what the sender is told to trust
  std::string certificate;  // the server's (PEM)
  std::string key;          // the server's private key (PEM)
};

inline TestCertificates MakeTestCertificates(const std::filesystem::path& dir,
                                             const std::string& name) {
  const std::string base = (dir / name).string();
  TestCertificates made{base + "-ca.pem", base + "-server.pem", base + "-server.key"};
  std::ofstream(base + "-ext.cnf")
      << "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n";
  const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  const std::vector<std::string> commands = {
      "openssl req -x509" + ec + " -keyout '" + base + "-ca.key' -out '" + made.ca_file +
          "' -days 2 -subj '/CN=VivroVert test CA " + name +
          "' -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign",
      "openssl req" + ec + " -keyout '" + made.key + "' -out '" + base +
          "-server.csr' -subj /CN=127.0.0.1",
      "openssl x509 -req -in '" + base + "-server.csr' -CA '" + made.ca_file + "' -CAkey '" + base +
          "-ca.key' -CAcreateserial -out '" + made.certificate + "' -days 2 -extfile '" + base +
          "-ext.cnf'"};
  for (const std::string& command : commands) {
    if (std::system((command + " >/dev/null 2>&1").c_str()) != 0)
      throw std::runtime_error("failed: " + command);
  }
  return made;
}

// A partner's app: records each POST and answers the next scripted status (200 when none).
// Over http, or over https with `tls`'s certificate and key (Poco's SecureServerSocket).
class Receiver {
 public:
  explicit Receiver(const std::optional<TestCertificates>& tls = std::nullopt)
      : socket_(Listen(tls)),
        server_(new Factory(*this), socket_, new Poco::Net::HTTPServerParams) {
    server_.start();
  }
  ~Receiver() { server_.stopAll(true); }

  uint16_t port() const { return socket_.address().port(); }
  void AnswerNext(std::vector<int> statuses) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (int status : statuses) script_.push_back(status);
  }
  std::vector<Received> received() {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_;
  }

 private:
  static Poco::Net::ServerSocket Listen(const std::optional<TestCertificates>& tls) {
    const Poco::Net::SocketAddress address("127.0.0.1", 0);
    if (!tls) return Poco::Net::ServerSocket(address);
    Poco::Net::initializeSSL();
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, tls->key, tls->certificate, "",
                               Poco::Net::Context::VERIFY_NONE);
    return Poco::Net::SecureServerSocket(address, 64, context);
  }

  class Handler final : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(Receiver& receiver) : receiver_(receiver) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      Received got;
      got.path = request.getURI();
      got.signature = request.get(kSignatureHeader, "");
      got.event_id = request.get(kEventIdHeader, "");
      got.event_type = request.get(kEventTypeHeader, "");
      got.content_type = request.getContentType();
      Poco::StreamCopier::copyToString(request.stream(), got.body);
      int status = 200;
      {
        std::lock_guard<std::mutex> lock(receiver_.mutex_);
        receiver_.received_.push_back(got);
        if (!receiver_.script_.empty()) {
          status = receiver_.script_.front();
          receiver_.script_.pop_front();
        }
      }
      response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
      response.setContentLength(2);
      response.send() << "ok";
    }

   private:
    Receiver& receiver_;
  };
  class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(Receiver& receiver) : receiver_(receiver) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(receiver_);
    }

   private:
    Receiver& receiver_;
  };

  std::mutex mutex_;
  std::deque<int> script_;
  std::vector<Received> received_;
  Poco::Net::ServerSocket socket_;
  Poco::Net::HTTPServer server_;
};

}  // namespace vivrovert::webhooks::testing
