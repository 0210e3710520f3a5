#include "jobs/nightly/retention.hpp"

#include "domain/accounts/deletion_log.hpp"
#include "domain/accounts/email_token_store.hpp"
#include "domain/accounts/session_store.hpp"
#include "domain/demand/demand_store.hpp"
#include "domain/limits/throttle.hpp"
#include "domain/mail/bounces.hpp"
#include "domain/profiles/profile.hpp"
#include "domain/quotes/quote_store.hpp"
#include "jobs/nightly/calendar.hpp"
#include "jobs/nightly/nightly_run.hpp"

namespace vivrovert::nightly {

namespace {

// Runs `step` (one bounded batch, returning the rows it changed) in its own transaction
// until a batch changes nothing; returns the total.
template <typename Step>
int64_t InBatches(storage::Database& database, Step&& step) {
  int64_t total = 0;
  while (true) {
    storage::Connection connection = database.Acquire();
    storage::Transaction transaction(connection);
    const int64_t changed = step(connection);
    transaction.Commit();
    if (changed == 0) return total;
    total += changed;
  }
}

}  // namespace

std::string RetentionSummary(const RetentionReport& report) {
  return "retention: " + std::to_string(report.mail_blanked) + " mails blanked, " +
         std::to_string(report.mail_deleted) + " deleted, " + std::to_string(report.bounces) +
         " bounces, " + std::to_string(report.sessions) + " sessions, " +
         std::to_string(report.email_tokens) + " e-mail links, " +
         std::to_string(report.throttle_counters) + " throttle counters, " +
         std::to_string(report.deletion_log) + " deletion log rows, " +
         std::to_string(report.consent_proofs) + " consent proofs, " +
         std::to_string(report.nightly_runs) + " nightly runs, " +
         std::to_string(report.quote_requests) + " quote requests, " +
         std::to_string(report.demand_searches) + " demand searches, " +
         std::to_string(report.demand_daily) + " demand aggregates purged";
}

RetentionReport ApplyRetention(storage::Database& database, int64_t now,
                               const RetentionPolicy& policy, int batch) {
  RetentionReport report;
  InBatches(database, [&](storage::Connection& connection) {
    const mail::OutboxPurge purge = mail::PurgeOutbox(connection, policy.outbox, now, batch);
    report.mail_blanked += purge.blanked;
    report.mail_deleted += purge.deleted;
    return purge.blanked + purge.deleted;
  });
  report.bounces = InBatches(database, [&](storage::Connection& connection) {
    return mail::PurgeBounces(connection, now - policy.bounce_seconds, batch);
  });
  const accounts::SessionStore sessions(policy.accounts.sessions);
  report.sessions = InBatches(database, [&](storage::Connection& connection) {
    return sessions.PurgeExpired(connection, now, batch);
  });
  const accounts::EmailTokenStore tokens(policy.accounts.tokens);
  report.email_tokens = InBatches(database, [&](storage::Connection& connection) {
    return tokens.PurgeExpired(connection, now - policy.accounts.token_retention_seconds, batch);
  });
  report.throttle_counters = InBatches(database, [&](storage::Connection& connection) {
    return accounts::Throttle::PurgeOlderThan(
        connection, now - accounts::ThrottleRetentionSeconds(policy.accounts), batch);
  });
  report.deletion_log = InBatches(database, [&](storage::Connection& connection) {
    return accounts::DeletionLog::PurgeBefore(connection, now - policy.deletion_log_seconds, batch);
  });
  report.consent_proofs = InBatches(database, [&](storage::Connection& connection) {
    return profiles::ProfileStore::PurgeConsentProofs(connection,
                                                      now - policy.consent_proof_seconds, batch);
  });
  report.quote_requests = InBatches(database, [&](storage::Connection& connection) {
    return quotes::QuoteRequestStore::PurgeBefore(connection, now - policy.quote_request_seconds,
                                                  batch);
  });
  report.demand_searches = InBatches(database, [&](storage::Connection& connection) {
    return demand::DemandStore::PurgeSearchesBefore(connection, now - policy.demand_raw_seconds,
                                                    batch);
  });
  const std::string oldest_aggregate =
      AddDays(ParisDate(now), -static_cast<int>(policy.demand_daily_days));
  report.demand_daily = InBatches(database, [&](storage::Connection& connection) {
    return demand::DemandStore::PurgeDailyBefore(connection, oldest_aggregate);
  });
  // A run holds up to one task per person: one run per transaction.
  const std::string oldest_kept =
      AddDays(ParisDate(now), -static_cast<int>(policy.nightly_run_days));
  report.nightly_runs = InBatches(database, [&](storage::Connection& connection) {
    return NightlyRun::PurgeRunsBefore(connection, oldest_kept, 1);
  });
  return report;
}

}  // namespace vivrovert::nightly
