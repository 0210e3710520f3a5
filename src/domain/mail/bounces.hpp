// Addresses the relay refused for good: the `mail_bounces` table (migration 0010).
//
// MailSender records a bounce when the relay answers a message with a permanent (5xx)
// refusal, in the transaction that marks the message failed: one row per address, with
// how many of our messages it refused, when and why. Producers of list mail
// (notifications, digests, lead reports) ask IsBouncing before queueing and skip those
// addresses; account mails (sign-up, password) still try, since the person may be fixing
// their mailbox. An operator clears a bounce from the console ("Réactiver") once the
// address works again; the next refusal records it anew.
//
// Addresses are compared without regard to case (stored lower-case).
//
// Thread safety: stateless functions on the caller's connection, inside the caller's
// transaction if one is open. Database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/database.hpp"

namespace vivrovert::mail {

struct Bounce {
  std::string address;  // lower-case
  int64_t first_failed_at = 0;
  int64_t last_failed_at = 0;
  int failures = 0;                  // permanent refusals since the row was created
  std::string last_error;            // the relay's last answer
  std::optional<int64_t> outbox_id;  // the message last refused
};

// Upserts the bounce of `address`: a new row (failures 1), or failures + 1 with the new
// error, time and message.
void RecordBounce(storage::Connection& connection, std::string_view address, int64_t outbox_id,
                  std::string_view error, int64_t now);

// True when `address` has a bounce recorded.
bool IsBouncing(storage::Connection& connection, std::string_view address);
// Those of `addresses` that bounce (batch read).
std::set<std::string> BouncingAmong(storage::Connection& connection,
                                    const std::vector<std::string>& addresses);

// The `limit` most recent bounces (last_failed_at descending, then address).
std::vector<Bounce> ListBounces(storage::Connection& connection, int limit);

// How many addresses are bouncing.
int64_t CountBounces(storage::Connection& connection);

// Forgets the bounce of `address`; false when there was none.
bool ClearBounce(storage::Connection& connection, std::string_view address);

// Forgets bounces whose last refusal is older than `before`, at most `limit` of them (the
// nightly retention; an address that still bounces is recorded again at its next refusal).
int64_t PurgeBounces(storage::Connection& connection, int64_t before, int limit);

}  // namespace vivrovert::mail
