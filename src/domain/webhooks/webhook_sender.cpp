#include "domain/webhooks/webhook_sender.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SocketAddress.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/storage/batch.hpp"
#include "domain/webhooks/endpoint_address.hpp"
#include "domain/webhooks/webhook_signing.hpp"
#include "domain/webhooks/webhook_store.hpp"

namespace vivrovert::webhooks {

namespace {

// Verifies the peer's chain (VERIFY_RELAXED is SSL_VERIFY_PEER for a client) against
// `ca_file` or the system's store; Poco then checks the host name against the certificate.
// No invalid-certificate handler is installed, so a verification error is never ignored.
Poco::Net::Context::Ptr ClientTlsContext(const std::string& ca_file) {
  static std::once_flag initialized;
  std::call_once(initialized, [] { Poco::Net::initializeSSL(); });
  Poco::Net::Context::Ptr created = new Poco::Net::Context(
      Poco::Net::Context::TLS_CLIENT_USE, "", "", ca_file, Poco::Net::Context::VERIFY_RELAXED, 9,
      ca_file.empty() /* the system's CA certificates when no file is given */);
  created->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  return created;
}

// Sessions that connect to the address checked, whatever the host name resolves to now
// (DNS rebinding); the host name still goes in Host, SNI and the certificate check.
class PinnedSession final : public Poco::Net::HTTPClientSession {
 public:
  PinnedSession(const std::string& host, uint16_t port, Poco::Net::SocketAddress pinned)
      : Poco::Net::HTTPClientSession(host, port), pinned_(std::move(pinned)) {}

 protected:
  void connect(const Poco::Net::SocketAddress&) override {
    Poco::Net::HTTPClientSession::connect(pinned_);
  }

 private:
  Poco::Net::SocketAddress pinned_;
};

class PinnedTlsSession final : public Poco::Net::HTTPSClientSession {
 public:
  PinnedTlsSession(const std::string& host, uint16_t port, Poco::Net::SocketAddress pinned,
                   Poco::Net::Context::Ptr context)
      : Poco::Net::HTTPSClientSession(host, port, std::move(context)), pinned_(std::move(pinned)) {}

 protected:
  void connect(const Poco::Net::SocketAddress&) override {
    Poco::Net::HTTPSClientSession::connect(pinned_);
  }

 private:
  Poco::Net::SocketAddress pinned_;
};

struct Attempt {
  std::optional<int64_t> status;
  std::string error;
  bool ok() const { return status && *status >= 200 && *status < 300; }
};

Attempt Post(const EndpointTarget& target, const std::string& body,
             const std::vector<std::pair<std::string, std::string>>& headers, int timeout,
             const Poco::Net::Context::Ptr& tls) {
  Attempt attempt;
  try {
    const Poco::Net::SocketAddress pinned(Poco::Net::IPAddress(target.addresses.front()),
                                          target.port);
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (target.scheme == "https")
      session = std::make_unique<PinnedTlsSession>(target.host, target.port, pinned, tls);
    else
      session = std::make_unique<PinnedSession>(target.host, target.port, pinned);
    session->setTimeout(Poco::Timespan(timeout, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, target.path_and_query,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    request.set("User-Agent", "VivroVert-Webhooks/1");
    for (const auto& [name, value] : headers) request.set(name, value);
    session->sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& answer = session->receiveResponse(response);
    // Read a little of the answer (the connection is not reused).
    char sink[1024];
    answer.read(sink, sizeof sink);
    attempt.status = static_cast<int64_t>(response.getStatus());
    if (!attempt.ok())
      attempt.error = "HTTP " + std::to_string(*attempt.status) + " " + response.getReason();
  } catch (const Poco::Net::SSLException& error) {
    // The certificate refused (untrusted chain, another host name) or the handshake failed:
    // said as such, so the partner's page tells it from an application's error.
    attempt.error = "TLS: " + error.displayText();
  } catch (const Poco::Exception& error) {
    attempt.error = error.displayText();
  } catch (const std::exception& error) {
    attempt.error = error.what();
  }
  if (attempt.error.size() > 300) attempt.error.resize(300);
  return attempt;
}

struct Claimed {
  int64_t id = 0;
  int attempts = 0;
  int64_t lease_until = 0;
  int64_t event_id = 0;
  std::string event_type;
  std::optional<int64_t> user_id;
  int64_t partner_id = 0;
  std::string body;
  std::string url;
  std::string secret_sealed;
};

}  // namespace

WebhookSender::WebhookSender(storage::Database& database, const Clock& clock, SenderOptions options)
    : database_(database),
      clock_(clock),
      options_(std::move(options)),
      tls_(ClientTlsContext(options_.ca_file)) {}

int64_t RetryDelay(const SenderOptions& options, int attempts) {
  int64_t delay = options.first_retry_seconds;
  for (int step = 1; step < attempts && delay < options.max_retry_seconds; ++step) delay *= 2;
  return std::min(delay, options.max_retry_seconds);
}

SendReport WebhookSender::RunOnce() {
  SendReport report;
  const int64_t now = clock_.NowSeconds();
  storage::Connection connection = database_.Acquire();
  std::vector<Claimed> claimed;
  {
    storage::Transaction transaction(connection);
    const std::vector<storage::Row> rows = storage::ClaimBatch(
        connection,
        "SELECT id, attempts FROM webhook_deliveries WHERE (status = 'pending' AND "
        "next_attempt_at <= $1) OR (status = 'sending' AND lease_until < $1) ORDER BY "
        "next_attempt_at, id LIMIT $2",
        {now, int64_t{options_.batch}});
    for (const storage::Row& row : rows) {
      Claimed item;
      item.id = row.Int(0);
      item.attempts = static_cast<int>(row.Int(1)) + 1;
      item.lease_until = now + options_.lease_seconds;
      connection.Execute(
          "UPDATE webhook_deliveries SET status = 'sending', attempts = $1, lease_until = $2 "
          "WHERE id = $3",
          {int64_t{item.attempts}, item.lease_until, item.id});
      claimed.push_back(std::move(item));
    }
    transaction.Commit();
  }
  for (Claimed& item : claimed) {
    auto row = connection.QueryOne(
        "SELECT e.id, e.event_type, e.user_id, e.partner_id, e.body, p.url, p.secret_sealed "
        "FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id JOIN "
        "webhook_endpoints p ON p.id = d.endpoint_id WHERE d.id = $1",
        {item.id});
    if (!row) continue;  // deleted with its endpoint meanwhile
    item.event_id = row->Int(0);
    item.event_type = row->Text(1);
    item.user_id = row->OptionalInt(2);
    item.partner_id = row->Int(3);
    item.body = row->Text(4);
    item.url = row->Text(5);
    item.secret_sealed = row->Text(6);

    // The outcome is written only while this claim holds (lease_until unchanged).
    const auto finish = [&connection, &item](const std::string& status,
                                             std::optional<int64_t> http_status,
                                             const std::string& error, int64_t next_attempt_at,
                                             std::optional<int64_t> delivered_at) {
      connection.Execute(
          "UPDATE webhook_deliveries SET status = $1, last_status = $2, last_error = $3, "
          "next_attempt_at = $4, delivered_at = $5, lease_until = NULL WHERE id = $6 AND "
          "lease_until = $7 AND status = 'sending'",
          {status, http_status ? storage::SqlValue(*http_status) : storage::SqlValue(nullptr),
           error, next_attempt_at,
           delivered_at ? storage::SqlValue(*delivered_at) : storage::SqlValue(nullptr), item.id,
           item.lease_until});
    };

    const std::optional<EventType> type = ParseEventType(item.event_type);
    if (type && AboutPerson(*type) &&
        (!item.user_id || !WebhookStore::IsLinked(connection, *item.user_id, item.partner_id))) {
      finish("cancelled", std::nullopt, "consent withdrawn", now, std::nullopt);
      ++report.cancelled;
      continue;
    }
    Attempt attempt;
    const std::optional<std::string> secret = OpenSecret(options_.secret_key, item.secret_sealed);
    Result<EndpointTarget> target = CheckEndpoint(item.url, options_.allow_private);
    if (!secret) {
      attempt.error = "the endpoint's secret cannot be opened with this server's key";
    } else if (!target.ok()) {
      attempt.error = target.status().message();
    } else {
      const int64_t timestamp = clock_.NowSeconds();
      attempt = Post(*target, item.body,
                     {{kSignatureHeader, SignatureHeader(*secret, timestamp, item.body)},
                      {kEventIdHeader, "evt_" + std::to_string(item.event_id)},
                      {kEventTypeHeader, item.event_type}},
                     options_.timeout_seconds, tls_);
    }
    const int64_t after = clock_.NowSeconds();
    if (attempt.ok()) {
      finish("delivered", attempt.status, "", after, after);
      ++report.delivered;
    } else if (item.attempts >= options_.max_attempts) {
      finish("failed", attempt.status, attempt.error, after, std::nullopt);
      ++report.failed;
    } else {
      finish("pending", attempt.status, attempt.error, after + RetryDelay(options_, item.attempts),
             std::nullopt);
      ++report.retried;
    }
  }
  return report;
}

}  // namespace vivrovert::webhooks
