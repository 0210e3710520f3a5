// The retention of personal data (docs/SECURITY.md, "Retention"), as the nightly run
// applies it: mail bodies and addresses blanked after 30 days (sent) or 90 days (failed)
// with the row kept for its idempotency key, blanked rows and bounces gone after a year,
// expired sessions, old throttle counters and the deletion log purged, consent proofs
// kept five years; in bounded batches, and a second pass finds nothing.
#include "jobs/nightly/retention.hpp"

#include <gtest/gtest.h>

#include "domain/accounts/deletion_log.hpp"
#include "domain/accounts/session_store.hpp"
#include "domain/accounts/user_store.hpp"
#include "domain/limits/throttle.hpp"
#include "domain/mail/bounces.hpp"
#include "domain/mail/outbox.hpp"
#include "domain/matching/matcher.hpp"
#include "domain/notifications/notification_pass.hpp"
#include "domain/profiles/profile.hpp"
#include "domain/quotes/quote_store.hpp"
#include "jobs/nightly/calendar.hpp"
#include "jobs/nightly/nightly_run.hpp"
#include "support/test_accounts.hpp"
#include "support/test_database.hpp"

namespace vivrovert::nightly {
namespace {

using storage::Connection;

constexpr int64_t kStart = 1'800'000'000;
constexpr int64_t kDay = 24 * 3600;

class RetentionTest : public ::testing::Test {
 protected:
  RetentionTest() : templates_(*mail::MailTemplates::Load(VIVROVERT_SOURCE_ROOT)) {}

  // Queues a mail at `now` and, for `sent` or `failed`, finishes it at once.
  void Mail(const std::string& key, const std::string& status, int64_t now) {
    Connection connection = database_.db().Acquire();
    ASSERT_TRUE(mail::Enqueue(connection,
                              {key,
                               "jeanne@exemple.fr",
                               "Vos contacts",
                               "Jeanne Martin, 05 65 20 88 88",
                               "<p>Jeanne Martin</p>",
                               {{"List-Unsubscribe", "<https://vivrovert.example/d>"}}},
                              now));
    if (status == "pending") return;
    for (const mail::ClaimedMessage& claimed : mail::ClaimDue(connection, now, 60, 100)) {
      if (status == "sent") mail::MarkSent(connection, claimed, now);
      if (status == "failed") mail::MarkFailed(connection, claimed, "550 boîte inconnue");
    }
  }

  // Mails whose address and bodies are still there.
  int64_t LegibleMails() {
    Connection connection = database_.db().Acquire();
    return connection
        .QueryOne(
            "SELECT COUNT(*) FROM mail_outbox WHERE to_address <> '' OR body_text <> '' "
            "OR body_html <> '' OR headers <> '' OR subject <> ''")
        ->Int(0);
  }

  int64_t Count(const std::string& table) {
    Connection connection = database_.db().Acquire();
    return connection.QueryOne("SELECT COUNT(*) FROM " + table)->Int(0);
  }

  // The nightly run of the date of `now`, as `vivrovert nightly` does it.
  NightlyReport RunNightly(int64_t now) {
    clock_.Set(now);
    matching::Matcher matcher(database_.db(), nullptr);
    matcher.Rebuild(now);
    notifications::NotificationPass pass(database_.db(), matcher, templates_, nullptr, clock_, {});
    NightlyRun run(database_.db(), pass, templates_, nullptr, clock_, {});
    return run.Run(ParisDate(now));
  }

  testing::TestDatabase database_;
  ManualClock clock_{kStart};
  mail::MailTemplates templates_;
};

TEST_F(RetentionTest, NightlyRunBlanksOldMailAndPurgesWhatHasExpired) {
  int64_t user_id = 0;
  {
    Connection connection = database_.db().Acquire();
    Result<accounts::User> user = accounts::UserStore::Create(
        connection, {"jeanne@exemple.fr", "hash", accounts::Role::kUser, "Jeanne Martin", true},
        kStart);
    ASSERT_TRUE(user.ok());
    user_id = user->id;
    accounts::SessionStore().Create(connection, SecureRandom::Instance(), user_id, "192.0.2.1",
                                    "Firefox", kStart);
    accounts::Throttle::Hit(connection, "login:ip:192.0.2.1", {5, 900}, kStart);
    mail::RecordBounce(connection, "paul@exemple.fr", 1, "550 boîte inconnue", kStart);
    accounts::DeletionLog::Record(connection, 4242, kStart);
    profiles::ProfileStore::SetConsents(connection, user_id, {{"identity", true}}, kStart);
    profiles::ProfileStore::ArchiveConsents(connection, user_id, "sujet", kStart);
  }
  Mail("lead_report:1:2027-01", "sent", kStart);
  Mail("lead_report:1:2027-02", "failed", kStart);
  Mail("lead_report:1:2027-03", "pending", kStart);
  ASSERT_EQ(LegibleMails(), 3);

  // A month later: the sent mail is blanked, the failed one not yet; the rest expired.
  NightlyReport night = RunNightly(kStart + 31 * kDay);
  EXPECT_TRUE(night.finished);
  EXPECT_EQ(night.retention.mail_blanked, 1);
  EXPECT_EQ(night.retention.sessions, 1);
  EXPECT_EQ(night.retention.throttle_counters, 1);
  EXPECT_EQ(night.retention.deletion_log, 1);
  EXPECT_EQ(night.retention.bounces, 0);
  EXPECT_EQ(night.retention.consent_proofs, 0);
  EXPECT_EQ(LegibleMails(), 2);
  EXPECT_EQ(Count("sessions"), 0);
  EXPECT_EQ(Count("throttle_counters"), 0);
  EXPECT_EQ(Count("account_deletions"), 0);
  {
    // The blanked row still holds its key: the report is not queued a second time.
    Connection connection = database_.db().Acquire();
    EXPECT_FALSE(mail::Enqueue(connection,
                               {"lead_report:1:2027-01", "jeanne@exemple.fr", "s", "t", "h", {}},
                               kStart + 31 * kDay));
    EXPECT_EQ(
        connection
            .QueryOne(
                "SELECT status FROM mail_outbox WHERE idempotency_key = 'lead_report:1:2027-03'")
            ->Text(0),
        "pending");
  }
  // Idempotent: the same day again finds nothing.
  RetentionReport again = ApplyRetention(database_.db(), kStart + 31 * kDay);
  EXPECT_EQ(again.mail_blanked + again.mail_deleted + again.sessions + again.throttle_counters +
                again.deletion_log,
            0);

  // After 90 days the failed mail is blanked too; the pending one is never touched.
  EXPECT_EQ(ApplyRetention(database_.db(), kStart + 91 * kDay).mail_blanked, 1);
  EXPECT_EQ(LegibleMails(), 1);
  // After a year the blanked rows and the bounce go.
  RetentionReport year = ApplyRetention(database_.db(), kStart + 31 * kDay + 366 * kDay);
  EXPECT_EQ(year.mail_deleted, 1);
  EXPECT_EQ(year.bounces, 1);
  year = ApplyRetention(database_.db(), kStart + 91 * kDay + 366 * kDay);
  EXPECT_EQ(year.mail_deleted, 1);
  EXPECT_EQ(Count("mail_outbox"), 1);
  // Consent proofs are kept five years after the deletion.
  EXPECT_EQ(ApplyRetention(database_.db(), kStart + 4 * 365 * kDay).consent_proofs, 0);
  EXPECT_EQ(ApplyRetention(database_.db(), kStart + 1828 * kDay).consent_proofs, 1);
}

TEST_F(RetentionTest, WorksInBoundedBatches) {
  for (int month = 1; month <= 5; ++month) Mail("report:" + std::to_string(month), "sent", kStart);
  RetentionReport report = ApplyRetention(database_.db(), kStart + 31 * kDay, {}, /*batch=*/2);
  EXPECT_EQ(report.mail_blanked, 5);
  EXPECT_EQ(LegibleMails(), 0);
}

TEST_F(RetentionTest, QuoteRequestsGoThreeYearsAfterTheLastContact) {
  auto request = [this](const std::string& email, int64_t at) {
    quotes::QuoteRequestForm form;
    form.organisation = "Mairie de Gramat";
    form.kind = "commune";
    form.contact_name = "Claire Martin";
    form.email = email;
    form.months = "12";
    form.consent = true;
    Connection connection = database_.db().Acquire();
    Result<int64_t> id = quotes::QuoteRequestStore::Create(connection, form, at);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  };
  const int64_t old_unanswered = request("ancienne@gramat.fr", kStart);
  const int64_t answered_late = request("relancee@gramat.fr", kStart);
  const int64_t recent = request("recente@gramat.fr", kStart + 1000 * kDay);
  {
    Connection connection = database_.db().Acquire();
    ASSERT_TRUE(quotes::QuoteRequestStore::MarkAnswered(
                    connection, answered_late,
                    vivrovert::testing::CreateUser(connection, "operateur@exemple.fr",
                                                   accounts::Role::kOperator, kStart),
                    kStart + 900 * kDay)
                    .ok());
  }
  RetentionReport report = ApplyRetention(database_.db(), kStart + 1100 * kDay, {});
  EXPECT_EQ(report.quote_requests, 1);
  Connection connection = database_.db().Acquire();
  EXPECT_FALSE(quotes::QuoteRequestStore::Get(connection, old_unanswered).has_value());
  EXPECT_TRUE(quotes::QuoteRequestStore::Get(connection, answered_late).has_value())
      << "answered 900 days in: three years from the answer";
  EXPECT_TRUE(quotes::QuoteRequestStore::Get(connection, recent).has_value());
}

TEST_F(RetentionTest, OldNightlyRunsGoWithTheirTasks) {
  {
    Connection connection = database_.db().Acquire();
    ASSERT_TRUE(accounts::UserStore::Create(
                    connection,
                    {"jeanne@exemple.fr", "hash", accounts::Role::kUser, "Jeanne Martin", true},
                    kStart)
                    .ok());
  }
  RunNightly(kStart);
  ASSERT_EQ(Count("nightly_runs"), 1);
  EXPECT_EQ(RunNightly(kStart + 30 * kDay).retention.nightly_runs, 0);
  // 90 days later the first run goes (with its task of Jeanne's digest); the others stay.
  EXPECT_EQ(RunNightly(kStart + 91 * kDay).retention.nightly_runs, 1);
  EXPECT_EQ(Count("nightly_runs"), 2);
}

}  // namespace
}  // namespace vivrovert::nightly
