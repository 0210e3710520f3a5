// The matching pass: every listing created or changed (listing_match_queue, filled by
// ListingStore) is matched to the people it fits (domain/matching/matcher.hpp), and each of them
// is told once, as they chose (profiles.notification):
//   instant  an e-mail now ("listing_instant"), and the in-site list;
//   daily, weekly  a notification row waiting for their next digest (nightly/), and the
//            in-site list;
//   none     nothing.
// A listing not active today (withdrawn, expired) tells nobody; one published ahead of its
// validity waits in the queue until its first day.
//
// Each batch of queued listings is one transaction: its listings are read in one statement,
// its notifications and instant mails written in multi-row statements (a few round trips
// per batch, whatever its size: what PostgreSQL over a network needs); its notifications,
// instant mails and the removal of its queue rows commit together, so a crash loses nothing and
// tells nobody twice (the notification ledger's (person, listing) key and the mails' idempotency
// keys also make a replay harmless). On PostgreSQL concurrent passes take disjoint batches (FOR
// UPDATE SKIP LOCKED); on SQLite they queue on the write lock.
//
// Instant mails go only to verified addresses that have not bounced; the notification is
// recorded either way, so the in-site list shows it.
//
// Thread safety: Run may be called from several threads and processes.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "domain/mail/templates.hpp"
#include "domain/matching/matcher.hpp"
#include "engine/engine.hpp"

namespace vivrovert::notifications {

struct PassOptions {
  std::string public_base_url = "http://localhost:8080";
  std::string secret_key;  // signs the unsubscribe links (Config::SecretKey)
  int batch = 200;         // listings per transaction
  // The path before issue 25: one read per listing and one insert per instant mail. Kept
  // as the reference that tests/notifications/notification_pass_test.cpp and the night's
  // benchmark compare the batched path with (same notifications, same mails); never set in
  // production.
  bool one_at_a_time = false;
};

struct PassReport {
  int64_t listings = 0;       // taken off the queue
  int64_t notified = 0;       // notification rows recorded
  int64_t instant_mails = 0;  // mails queued
  int64_t already_told = 0;   // matches skipped: the person had been told of this listing
};

// More people to tell of a listing than the matcher finds, in the same pass and
// transaction: the skills alerts of option 3 (domain/skills). They are told as matches are,
// once (the ledger) and as they chose (instant, digest, never), with their own mail.
class ExtraAudience {
 public:
  virtual ~ExtraAudience() = default;
  struct Person {
    int64_t user_id = 0;
    nlohmann::json mail_values;  // added to the mail's values (reason, partner…)
  };
  // Who else to tell of `listing` (active today), not among `matched` (the matcher's),
  // on the pass's connection and inside its transaction.
  virtual std::vector<Person> PeopleFor(storage::Connection& connection,
                                        const listings::Listing& listing,
                                        const std::set<int64_t>& matched, int64_t now) = 0;
  // The mail template of these people ("skill_alert").
  virtual std::string MailTemplate() const = 0;
  // Those of them recorded now (never told of it before), in the same transaction.
  virtual void Told(storage::Connection& connection, const listings::Listing& listing,
                    const std::vector<int64_t>& user_ids, int64_t now) = 0;
};

// Who else must know when people are told of a listing for the first time: the partners'
// apps (domain/webhooks, partner_app_events.hpp: listing.matched) follow the pass through
// this interface, so that notifications/ does not depend on the webhooks' delivery code.
// Called inside the batch's transaction, once per listing with the people newly recorded
// in the ledger for it (never twice for one person and listing, whatever the reason they
// were told); what it writes commits with the batch.
class MatchListener {
 public:
  virtual ~MatchListener() = default;
  virtual void Matched(storage::Connection& connection, const listings::Listing& listing,
                       const std::vector<int64_t>& user_ids, int64_t now) = 0;
};

class NotificationPass {
 public:
  // Keeps references; `grid` may be null (communes are then shown by code).
  NotificationPass(storage::Database& database, const matching::Matcher& matcher,
                   const mail::MailTemplates& templates, const engine::GridFile* grid,
                   const Clock& clock, PassOptions options);

  // Empties the queue of what is due today, batch after batch.
  PassReport Run();
  // Adds people beyond the matcher's (null: none). Set before the pass runs.
  void SetExtraAudience(ExtraAudience* audience) { extra_ = audience; }
  // Tells `listener` (null: nobody) of the people newly told of each listing. Set before
  // the pass runs.
  void SetMatchListener(MatchListener* listener) { match_listener_ = listener; }

 private:
  // One batch; false when the queue had nothing due.
  bool RunBatch(PassReport& report);

  storage::Database& database_;
  const matching::Matcher& matcher_;
  const mail::MailTemplates& templates_;
  const engine::GridFile* grid_;
  const Clock& clock_;
  PassOptions options_;
  ExtraAudience* extra_ = nullptr;
  MatchListener* match_listener_ = nullptr;
};

// People's addresses and notification choices as list mails need them: only verified,
// non-bouncing addresses are deliverable.
struct Recipient {
  int64_t user_id = 0;
  std::string email;
  std::string display_name;
  bool deliverable = false;
  matching::Notification notification =
      matching::Notification::kDaily;  // as stored (no profile: daily)
};
std::map<int64_t, Recipient> LoadRecipients(storage::Connection& connection,
                                            const std::vector<int64_t>& user_ids);

// The links every list mail to a person carries: "profile_url" (to change the frequency)
// and "unsubscribe_url", and the List-Unsubscribe headers.
nlohmann::json PersonLinks(const std::string& public_base_url, const std::string& secret_key,
                           int64_t user_id);

}  // namespace vivrovert::notifications
