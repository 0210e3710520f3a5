// The retention of personal data (docs/SECURITY.md, "Retention"), applied by the nightly
// run: each table's owning store purges what is past its time (mail bodies and addresses,
// bounces, expired sessions and e-mail links, throttle counters, the deletion log,
// consent proofs of deleted accounts, old nightly runs).
//
// Bounded: every step works in batches of `batch` rows, one short transaction each, until
// nothing is left; idempotent: a second call the same day finds nothing.
//
// Thread safety: may run in several processes at once (each batch is a statement on the
// rows still due). Errors: database faults throw storage::StorageError.
#pragma once

#include <cstdint>
#include <string>

#include "core/storage/database.hpp"
#include "domain/accounts/account_service.hpp"
#include "domain/mail/outbox.hpp"

namespace vivrovert::nightly {

inline constexpr int64_t kDaySeconds = 24 * 3600;

struct RetentionPolicy {
  mail::OutboxRetention outbox;                        // 30 days sent, 90 days failed
  int64_t bounce_seconds = 365 * kDaySeconds;          // after the last refusal
  accounts::AccountPolicy accounts;                    // sessions, e-mail links, throttle windows
  int64_t deletion_log_seconds = 7 * kDaySeconds;      // domain/accounts/deletion_log.hpp
  int64_t consent_proof_seconds = 1827 * kDaySeconds;  // five years after the deletion
  int64_t nightly_run_days = 90;                       // runs and their tasks (user ids)
  // Quote requests (names, e-mails, phones of prospects): three years after the last
  // contact, the CNIL's rule for prospection.
  int64_t quote_request_seconds = 1096 * kDaySeconds;
  // The barometer's demand (no personal data, but volume): raw searches as long as the
  // configuration says (barometer.raw_retention_days), daily aggregates five years.
  int64_t demand_raw_seconds = 396 * kDaySeconds;
  int64_t demand_daily_days = 1827;
};

struct RetentionReport {
  int64_t mail_blanked = 0;
  int64_t mail_deleted = 0;
  int64_t bounces = 0;
  int64_t sessions = 0;
  int64_t email_tokens = 0;
  int64_t throttle_counters = 0;
  int64_t deletion_log = 0;
  int64_t consent_proofs = 0;
  int64_t nightly_runs = 0;
  int64_t quote_requests = 0;
  int64_t demand_searches = 0;
  int64_t demand_daily = 0;
};

// "retention: 12 mails blanked, 0 deleted, …", for the logs of the run.
std::string RetentionSummary(const RetentionReport& report);

// Applies `policy` at `now`.
RetentionReport ApplyRetention(storage::Database& database, int64_t now,
                               const RetentionPolicy& policy = {}, int batch = 1000);

}  // namespace vivrovert::nightly
