// The mail outbox: every e-mail VivroVert sends is first a row of `mail_outbox`,
// written in the same transaction as the change that causes it (a sign-up, a lead
// report…), then delivered by MailSender (mail/sender.hpp) through SMTP.
//
// Guarantees: a message is never dropped (it stays until sent or permanently refused),
// and never enqueued twice (its idempotency key is unique; a second Enqueue with the
// same key is a no-op that returns false).
//
// Thread safety: free functions; they use the caller's connection.
#pragma once

#include <cstdint>
#include <string>

#include "storage/database.hpp"

namespace vivrovert::mail {

struct OutgoingMessage {
  // Unique per logical message, e.g. "verify_email:<user id>:<token id>". Also the
  // source of the Message-ID header, so a receiver can recognise a resend.
  std::string idempotency_key;
  std::string to_address;
  std::string subject;
  std::string body_text;
  std::string body_html;
};

// Queues `message` for delivery at `now` (epoch seconds) on `connection`, inside the
// caller's transaction if one is open. Returns true when queued, false when a message
// with this idempotency key already exists. Throws storage::StorageError on faults.
bool Enqueue(storage::Connection& connection, const OutgoingMessage& message, int64_t now);

}  // namespace vivrovert::mail
