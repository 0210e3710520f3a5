// Delivers pending webhook deliveries (webhook_store.hpp): each attempt POSTs the event's
// fixed body as JSON with VivroVert-Signature (t=…,v1=…, webhook_signing.hpp),
// VivroVert-Event-Id (the idempotency key: the same on every retry and replay) and
// VivroVert-Event; a 2xx answer is delivered, anything else (or no answer within the
// timeout) is retried with exponential backoff (first_retry × 2^(attempt−1), capped), and
// given up ('failed') after max_attempts. Before each attempt the endpoint's address is
// checked again (endpoint_address.hpp) and the connection goes to that very address; an
// event about a person who unlinked their account is cancelled instead.
//
// Over https the receiver's certificate is always verified (chain and host name), against
// the CA certificates of `ca_file` (webhooks.ca_file) or, when it is empty, the system's CA
// store; an untrusted certificate fails the attempt ("TLS: …"), which is retried like any
// failure. Nothing is ever sent in clear instead, and redirects are not followed.
//
// Rows are claimed through storage::ClaimBatch under a lease, so several processes may
// run senders on one database without sending a delivery twice at once.
//
// Thread safety: RunOnce may run on several threads; it holds no state between calls.
#pragma once

#include <Poco/Net/Context.h>

#include <cstdint>
#include <string>

#include "core/common/env.hpp"
#include "core/storage/database.hpp"

namespace vivrovert::webhooks {

struct SenderOptions {
  std::string secret_key;      // Config::SecretKey(): opens the endpoints' secrets
  bool allow_private = false;  // webhooks.allow_private_addresses (tests only)
  std::string ca_file;         // webhooks.ca_file: CAs trusted instead of the system's
  int max_attempts = 8;
  int64_t first_retry_seconds = 60;
  int64_t max_retry_seconds = 6 * 3600;
  int timeout_seconds = 10;
  int64_t lease_seconds = 120;
  int batch = 20;
};

// Seconds to wait after failed attempt number `attempts` (1 for the first).
int64_t RetryDelay(const SenderOptions& options, int attempts);

struct SendReport {
  int delivered = 0;
  int retried = 0;
  int failed = 0;
  int cancelled = 0;
};

class WebhookSender {
 public:
  // Throws Poco::Exception when `options.ca_file` cannot be read as PEM certificates (a
  // configuration fault, reported when the server starts).
  WebhookSender(storage::Database& database, const Clock& clock, SenderOptions options);

  // One batch of due deliveries (at most options.batch). Database faults throw
  // storage::StorageError; a receiver's failure is recorded on its delivery.
  SendReport RunOnce();

 private:
  storage::Database& database_;
  const Clock& clock_;
  SenderOptions options_;
  Poco::Net::Context::Ptr tls_;  // the client's TLS context, from ca_file
};

}  // namespace vivrovert::webhooks
