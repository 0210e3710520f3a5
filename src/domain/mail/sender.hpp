// Delivery of the mail outbox (domain/mail/outbox.hpp) through an SmtpTransport.
//
// MailSender::DeliverDue makes one pass: it claims due messages one at a time, hands each
// to the transport and records the outcome:
//  - accepted → 'sent';
//  - temporary failure (kUnavailable) → retried later with exponential backoff:
//    the n-th failed attempt waits first_retry_delay × 2^(n-1), capped at
//    max_retry_delay (defaults: 1 min, 2, 4 … 256 min, then 6 h each time);
//  - permanent failure → 'failed' at once, never retried; when the relay refused it (5xx,
//    IsRelayRefusal) its address is recorded as bouncing (domain/mail/bounces.hpp) in the same
//    transaction;
//  - the max_attempts-th temporary failure → 'failed' too. With the defaults (17
//    attempts) the last attempt comes about 50 hours after the first: a relay down for
//    two days loses nothing; beyond, operators see the failures in `vivrovert mail list`.
//
// Delivery is at least once, never knowingly twice. Two senders (threads, processes,
// servers) never send the same message at the same time: a message is claimed, under a
// lease, before it is sent (on PostgreSQL with row locks, on SQLite under the write
// lock). A sender that dies after the relay accepted a message but before recording
// 'sent' leaves the claim to expire; the message is then sent again. That resend carries
// the same Message-ID (derived from the idempotency key), which is what lets the relay
// and the receiving mail client recognise it as the same message.
//
// Time (next attempts, leases) is read from the injected Clock, so tests drive backoff
// with a ManualClock.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "core/common/env.hpp"
#include "core/common/periodic_worker.hpp"
#include "core/storage/database.hpp"
#include "domain/mail/outbox.hpp"
#include "domain/mail/smtp_transport.hpp"

namespace vivrovert::mail {

struct SenderOptions {
  // How long a claim holds. Must exceed the longest SMTP exchange (the transport's
  // timeout applies to each reply), or a slow send may be duplicated by another sender.
  int64_t lease_seconds = 10 * 60;
  int64_t first_retry_delay_seconds = 60;
  int64_t max_retry_delay_seconds = 6 * 3600;
  int max_attempts = 17;
};

struct DeliveryReport {
  int sent = 0;     // accepted by the relay
  int retried = 0;  // temporary failure, scheduled again
  int failed = 0;   // given up: permanent failure or too many attempts
  int bounced =
      0;  // of the failed, refused for good by the relay (5xx): address recorded in mail_bounces

  int total() const { return sent + retried + failed; }
};

class MailSender {
 public:
  // Keeps references: `database`, `transport` and `clock` must outlive the sender.
  MailSender(storage::Database& database, SmtpTransport& transport, const Clock& clock,
             SenderOptions options = {});

  // Handles up to `limit` due messages, one claim at a time, and reports their outcomes.
  // Thread-safe: concurrent calls (and other senders on the same database) share the
  // queue without sending a message twice. A database fault throws
  // storage::StorageError; a message claimed at that moment is retried once its lease
  // expires.
  DeliveryReport DeliverDue(int limit);

  // The wait after the `attempts`-th failed attempt (attempts >= 1).
  static int64_t RetryDelaySeconds(int attempts, const SenderOptions& options);

  const SenderOptions& options() const { return options_; }

 private:
  storage::Database& database_;
  SmtpTransport& transport_;
  const Clock& clock_;
  SenderOptions options_;
};

// Runs MailSender::DeliverDue in a background thread: a pass at Start(), then one every
// `interval`, and one as soon as Nudge() is called. A pass goes on while mail is due.
// Errors of a pass (database down) are written to stderr and the next pass tries again.
//
// Stop() returns once the message being sent, if any, is done (bounded by the SMTP
// timeout); the destructor stops. Start/Stop/Nudge are thread-safe.
class MailWorker {
 public:
  // Keeps a reference: `sender` must outlive the worker.
  MailWorker(MailSender& sender, std::chrono::milliseconds interval);
  MailWorker(const MailWorker&) = delete;
  MailWorker& operator=(const MailWorker&) = delete;
  ~MailWorker();

  void Start();
  void Stop();
  // Asks for a pass now, e.g. right after enqueueing a mail someone is waiting for.
  void Nudge();

 private:
  MailSender& sender_;
  PeriodicWorker worker_;
};

}  // namespace vivrovert::mail
