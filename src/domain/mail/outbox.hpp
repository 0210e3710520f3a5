// The mail outbox: every e-mail VivroVert sends is first a row of `mail_outbox`,
// written in the same transaction as the change that causes it (a sign-up, a lead
// report…), then delivered by MailSender (domain/mail/sender.hpp) through SMTP.
//
// Guarantees: a message is never dropped (it stays until sent or permanently refused),
// and never enqueued twice (its idempotency key is unique; a second Enqueue with the
// same key is a no-op that returns false).
//
// Life of a row: pending → sending (claimed by one sender, under a lease) → sent, or
// back to pending with a later next_attempt_at (temporary failure), or failed (permanent
// failure, or too many attempts). A sender that dies while holding a claim leaves the
// row in 'sending'; once the lease has expired any sender may claim it again.
//
// Thread safety: free functions; they use the caller's connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/storage/database.hpp"

namespace vivrovert::mail {

struct OutgoingMessage {
  // Unique per logical message, e.g. "verify_email:<user id>:<token id>". Also the
  // source of the Message-ID header, so a receiver can recognise a resend.
  std::string idempotency_key;
  std::string to_address;
  std::string subject;
  std::string body_text;
  std::string body_html;
  // Extra headers, in order, e.g. {"List-Unsubscribe", "<https://…>"}. Names are header
  // tokens; values are ASCII without line breaks (Enqueue checks both). The transport
  // sets From, To, Subject, Message-ID and the MIME headers itself: these may not be here.
  std::vector<std::pair<std::string, std::string>> headers;
};

// Queues `message` for delivery at `now` (epoch seconds) on `connection`, inside the
// caller's transaction if one is open. Returns true when queued, false when a message
// with this idempotency key already exists. Throws storage::StorageError on faults.
// An empty key or address, a line break in the address, subject or a header value (header
// injection), or a header the transport owns, is a bug in the caller: it throws
// std::invalid_argument.
bool Enqueue(storage::Connection& connection, const OutgoingMessage& message, int64_t now);

// Enqueue for many messages in multi-row statements (the nightly digests); the same checks
// and the same idempotency. Returns how many were queued (the others already existed).
int64_t EnqueueMany(storage::Connection& connection, const std::vector<OutgoingMessage>& messages,
                    int64_t now);

// ---- The store API of the sender ------------------------------------------------------
// Everything below throws storage::StorageError on database faults.

enum class OutboxStatus { kPending, kSending, kSent, kFailed };

// The value stored in mail_outbox.status ("pending", "sending", "sent", "failed").
const char* OutboxStatusName(OutboxStatus status);
std::optional<OutboxStatus> ParseOutboxStatus(std::string_view name);

// A message this sender holds a claim on. `lease_until` identifies the claim: every
// claim of a row sets a later lease than the one before (a row is only reclaimed once
// its lease has passed), so a sender whose lease expired and was taken over cannot
// overwrite the newer claimant's outcome.
struct ClaimedMessage {
  int64_t id = 0;
  OutgoingMessage message;
  int attempts = 0;  // delivery attempts started, this one included
  int64_t lease_until = 0;
};

// Claims up to `limit` due messages for `lease_seconds` (> 0): rows 'pending' with
// next_attempt_at <= now, and rows 'sending' whose lease has expired (their sender
// died or hung). Each claim sets status 'sending', lease_until = now + lease_seconds and
// counts one more attempt. Runs in its own transaction, so `connection` must not be in
// one. On PostgreSQL the rows are selected `FOR UPDATE SKIP LOCKED`, so concurrent
// senders take disjoint rows without waiting for each other; on SQLite the transaction
// begins IMMEDIATE and claims are serialised by the database lock.
std::vector<ClaimedMessage> ClaimDue(storage::Connection& connection, int64_t now,
                                     int64_t lease_seconds, int limit);

// Outcomes of a claimed message. Each returns false, changing nothing, when the claim is
// no longer held (the lease expired and another sender took the message over).
bool MarkSent(storage::Connection& connection, const ClaimedMessage& claimed, int64_t now);
// Back to 'pending' until `next_attempt_at`, remembering `error`.
bool MarkRetry(storage::Connection& connection, const ClaimedMessage& claimed,
               int64_t next_attempt_at, std::string_view error);
// Given up for good ('failed'), remembering `error`.
bool MarkFailed(storage::Connection& connection, const ClaimedMessage& claimed,
                std::string_view error);

// One row of the outbox as operators see it (bodies left out).
struct OutboxEntry {
  int64_t id = 0;
  std::string idempotency_key;
  std::string to_address;
  std::string subject;
  OutboxStatus status = OutboxStatus::kPending;
  int attempts = 0;
  int64_t next_attempt_at = 0;
  std::optional<int64_t> lease_until;
  std::string last_error;
  int64_t created_at = 0;
  std::optional<int64_t> sent_at;
};

// The newest `limit` rows (highest id first), only those in `status` when given.
std::vector<OutboxEntry> ListOutbox(storage::Connection& connection,
                                    std::optional<OutboxStatus> status, int limit);

// The state of the queue at `now`, as the operator console and `vivrovert mail stats`
// show it.
struct OutboxCounts {
  int64_t pending = 0;      // waiting, due or not (temporary failures wait for their retry)
  int64_t pending_due = 0;  // of which next_attempt_at <= now: should be leaving now
  int64_t sending =
      0;  // claimed by a sender (or left by one that died, until another takes it over)
  int64_t failed = 0;         // given up, all time
  int64_t sent_last_24h = 0;  // sent_at in (now - 24 h, now]
  // now - created_at of the oldest due pending message; nullopt when none is due. A value
  // that keeps growing says no sender is running or the relay keeps refusing.
  std::optional<int64_t> oldest_due_age_seconds;
};
OutboxCounts CountOutbox(storage::Connection& connection, int64_t now);

// ---- Personal data in the outbox (docs/SECURITY.md, "Retention") ----------------------

// How long finished mail keeps its address, subject, bodies and headers (lead reports
// carry people's details, account mails carry links). Past that the row is blanked
// (purged_at set) but kept for its idempotency key, so that a producer replaying a period
// does not send the mail again; blanked rows go after `blanked_row_seconds`, long after
// any producer's period.
struct OutboxRetention {
  int64_t sent_seconds = int64_t{30} * 24 * 3600;
  int64_t failed_seconds = int64_t{90} * 24 * 3600;  // counted from creation
  int64_t blanked_row_seconds = int64_t{365} * 24 * 3600;
};

struct OutboxPurge {
  int64_t blanked = 0;
  int64_t deleted = 0;
};

// One bounded step of the retention of the outbox at `now`: blanks at most `limit` sent
// or failed rows past their time and deletes at most `limit` rows blanked long ago.
// Pending and sending rows are never touched. Idempotent: call it until it returns zeros.
OutboxPurge PurgeOutbox(storage::Connection& connection, const OutboxRetention& retention,
                        int64_t now, int limit);

// What account deletion does to the mail of `address` (lower-case, as stored): messages
// not sent yet are deleted (nothing more goes to a deleted account), finished ones are
// blanked as PurgeOutbox does. Mail to other people that names the person (a partner's
// lead report) is left to PurgeOutbox. Returns the rows deleted plus blanked.
int64_t ForgetRecipient(storage::Connection& connection, std::string_view address, int64_t now);

}  // namespace vivrovert::mail
