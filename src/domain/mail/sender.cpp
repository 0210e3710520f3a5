#include "domain/mail/sender.hpp"

#include <algorithm>
#include <exception>
#include <iostream>

#include "domain/mail/bounces.hpp"

namespace vivrovert::mail {

MailSender::MailSender(storage::Database& database, SmtpTransport& transport, const Clock& clock,
                       SenderOptions options)
    : database_(database), transport_(transport), clock_(clock), options_(options) {}

int64_t MailSender::RetryDelaySeconds(int attempts, const SenderOptions& options) {
  int64_t delay = options.first_retry_delay_seconds;
  for (int doubling = 1; doubling < attempts && delay < options.max_retry_delay_seconds;
       ++doubling) {
    delay *= 2;
  }
  return std::min(delay, options.max_retry_delay_seconds);
}

DeliveryReport MailSender::DeliverDue(int limit) {
  DeliveryReport report;
  for (int handled = 0; handled < limit; ++handled) {
    // One claim per message, and no connection held during SMTP: a lease then covers a
    // single delivery, and a slow relay keeps neither a pooled connection nor SQLite's
    // write lock.
    std::vector<ClaimedMessage> claims;
    {
      storage::Connection connection = database_.Acquire();
      claims = ClaimDue(connection, clock_.NowSeconds(), options_.lease_seconds, 1);
    }
    if (claims.empty()) break;
    const ClaimedMessage& claimed = claims.front();

    // Only a reclaimed message (its last sender died or hung past the lease) can arrive
    // here beyond the limit; it has had all its attempts.
    if (claimed.attempts > options_.max_attempts) {
      storage::Connection connection = database_.Acquire();
      MarkFailed(connection, claimed,
                 "gave up after " + std::to_string(options_.max_attempts) +
                     " attempts; the last one never reported back (lease expired)");
      ++report.failed;
      continue;
    }

    const Status outcome = transport_.Send(claimed.message);
    const int64_t now = clock_.NowSeconds();
    storage::Connection connection = database_.Acquire();
    // A false Mark* means the lease expired and another sender owns the message now; its
    // outcome is the one recorded. This pass still reports what it saw.
    if (outcome.ok()) {
      MarkSent(connection, claimed, now);
      ++report.sent;
    } else if (!IsTemporaryFailure(outcome)) {
      // The address bounces: recorded with the failure, in one transaction, and only
      // while the claim is ours (a sender that lost its lease records nothing).
      storage::Transaction transaction(connection);
      if (MarkFailed(connection, claimed, outcome.message()) && IsRelayRefusal(outcome)) {
        RecordBounce(connection, claimed.message.to_address, claimed.id, outcome.message(), now);
        ++report.bounced;
      }
      transaction.Commit();
      ++report.failed;
    } else if (claimed.attempts >= options_.max_attempts) {
      MarkFailed(
          connection, claimed,
          "gave up after " + std::to_string(claimed.attempts) + " attempts: " + outcome.message());
      ++report.failed;
    } else {
      MarkRetry(connection, claimed, now + RetryDelaySeconds(claimed.attempts, options_),
                outcome.message());
      ++report.retried;
    }
  }
  return report;
}

// ---- MailWorker ---------------------------------------------------------------------------

MailWorker::MailWorker(MailSender& sender, std::chrono::milliseconds interval)
    : sender_(sender), worker_("mail worker", interval, [this] {
        // One message per call, so that Stop() waits for at most one SMTP exchange. A pass
        // goes on while mail is due.
        while (sender_.DeliverDue(1).total() > 0 && !worker_.StopRequested()) {
        }
      }) {}

MailWorker::~MailWorker() { Stop(); }

void MailWorker::Start() { worker_.Start(); }
void MailWorker::Stop() { worker_.Stop(); }
void MailWorker::Nudge() { worker_.Nudge(); }

}  // namespace vivrovert::mail
