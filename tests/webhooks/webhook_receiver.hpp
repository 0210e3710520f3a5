// A partner's app for the webhook tests: an HTTP server on 127.0.0.1 and a free port that
// records each request (path, the VivroVert-* headers, the raw body) and answers the next
// scripted status (200 when none), so that tests check signatures over the bytes received
// and make failures on demand.
//
// Thread safety: requests are handled on the server's threads; the accessors lock.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <deque>
#include <mutex>
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

// A partner's app: records each POST and answers the next scripted status (200 when none).
class Receiver {
 public:
  Receiver()
      : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
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
