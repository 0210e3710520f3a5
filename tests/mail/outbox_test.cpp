// The outbox store on both backends: idempotent enqueue, claims and their fencing,
// listing.
#include "domain/mail/outbox.hpp"

#include <gtest/gtest.h>

#include <set>

#include "support/test_database.hpp"

namespace vivrovert::mail {
namespace {

constexpr int64_t kNow = 1'800'000'000;

OutgoingMessage Message(const std::string& key) {
  return {key, key + "@example.test", "Objet accentué : été", "texte", "<p>html</p>", {}};
}

int64_t RowCount(storage::Connection& connection) {
  return connection.QueryOne("SELECT COUNT(*) FROM mail_outbox")->Int(0);
}

class OutboxTest : public ::testing::Test {
 protected:
  vivrovert::testing::TestDatabase database_;
};

TEST_F(OutboxTest, EnqueueManyQueuesTheNewKeysOnlyWithTheirHeaders) {
  storage::Connection connection = database_.db().Acquire();
  EXPECT_TRUE(Enqueue(connection, Message("digest:1:2027-03-09"), kNow));
  std::vector<OutgoingMessage> messages;
  for (int i = 0; i < 90; ++i) {  // more than one statement's worth
    OutgoingMessage message = Message("digest:" + std::to_string(i) + ":2027-03-09");
    message.headers = {{"List-Unsubscribe",
                        "<https://vivrovert.test/desabonnement?jeton=" + std::to_string(i) + ">"}};
    messages.push_back(std::move(message));
  }
  EXPECT_EQ(EnqueueMany(connection, messages, kNow), 89) << "digest:1 was already queued";
  EXPECT_EQ(EnqueueMany(connection, messages, kNow), 0);
  EXPECT_EQ(connection.QueryOne("SELECT COUNT(*) FROM mail_outbox")->Int(0), 90);
  std::vector<ClaimedMessage> claimed = ClaimDue(connection, kNow, 60, 200);
  ASSERT_EQ(claimed.size(), 90u);
  int with_header = 0;
  for (const ClaimedMessage& message : claimed) {
    if (message.message.idempotency_key == "digest:1:2027-03-09") {
      EXPECT_TRUE(message.message.headers.empty()) << "the first one kept its own content";
    } else {
      ASSERT_EQ(message.message.headers.size(), 1u);
      EXPECT_EQ(message.message.headers[0].first, "List-Unsubscribe");
      ++with_header;
    }
  }
  EXPECT_EQ(with_header, 89);
  OutgoingMessage bad = Message("digest:x");
  bad.headers = {{"Bcc", "someone@example.test"}};
  EXPECT_THROW(EnqueueMany(connection, {bad}, kNow), std::invalid_argument);
}

TEST_F(OutboxTest, EnqueueTwiceWithOneKeyKeepsOneRow) {
  storage::Connection connection = database_.db().Acquire();
  EXPECT_TRUE(Enqueue(connection, Message("verify_email:1:a"), kNow));
  OutgoingMessage changed = Message("verify_email:1:a");
  changed.subject = "autre objet";
  EXPECT_FALSE(Enqueue(connection, changed, kNow + 5));
  EXPECT_EQ(RowCount(connection), 1);

  std::vector<OutboxEntry> entries = ListOutbox(connection, std::nullopt, 10);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].subject, "Objet accentué : été");
  EXPECT_EQ(entries[0].status, OutboxStatus::kPending);
  EXPECT_EQ(entries[0].attempts, 0);
  EXPECT_EQ(entries[0].next_attempt_at, kNow);
  EXPECT_EQ(entries[0].created_at, kNow);
}

TEST_F(OutboxTest, EnqueueFollowsTheCallersTransaction) {
  storage::Connection connection = database_.db().Acquire();
  {
    storage::Transaction rolled_back(connection);
    EXPECT_TRUE(Enqueue(connection, Message("k1"), kNow));
  }
  EXPECT_EQ(RowCount(connection), 0);
  {
    storage::Transaction committed(connection);
    EXPECT_TRUE(Enqueue(connection, Message("k1"), kNow));
    committed.Commit();
  }
  EXPECT_EQ(RowCount(connection), 1);
}

TEST_F(OutboxTest, EnqueueRefusesHeaderInjection) {
  storage::Connection connection = database_.db().Acquire();
  OutgoingMessage injected = Message("k");
  injected.subject = "Bonjour\r\nBcc: victim@example.test";
  EXPECT_THROW(Enqueue(connection, injected, kNow), std::invalid_argument);
  injected = Message("k");
  injected.to_address = "";
  EXPECT_THROW(Enqueue(connection, injected, kNow), std::invalid_argument);
  EXPECT_EQ(RowCount(connection), 0);
}

TEST_F(OutboxTest, ClaimsOnlyDueMessagesAndCountsAttempts) {
  storage::Connection connection = database_.db().Acquire();
  ASSERT_TRUE(Enqueue(connection, Message("now"), kNow));
  ASSERT_TRUE(Enqueue(connection, Message("later"), kNow + 100));

  std::vector<ClaimedMessage> claimed = ClaimDue(connection, kNow, 300, 10);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].message.idempotency_key, "now");
  EXPECT_EQ(claimed[0].message.subject, "Objet accentué : été");
  EXPECT_EQ(claimed[0].message.body_html, "<p>html</p>");
  EXPECT_EQ(claimed[0].attempts, 1);
  EXPECT_EQ(claimed[0].lease_until, kNow + 300);

  // "now" is held under its lease, even against another pool; "later" is not due yet.
  std::unique_ptr<storage::Database> other = database_.OpenAnother();
  storage::Connection other_connection = other->Acquire();
  EXPECT_TRUE(ClaimDue(other_connection, kNow + 99, 300, 10).empty());
  std::vector<ClaimedMessage> later = ClaimDue(other_connection, kNow + 100, 300, 10);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].message.idempotency_key, "later");
  EXPECT_TRUE(ClaimDue(other_connection, kNow + 299, 300, 10).empty());
}

TEST_F(OutboxTest, ClaimsOfTwoPoolsAreDisjoint) {
  storage::Connection connection = database_.db().Acquire();
  for (int index = 0; index < 8; ++index) {
    ASSERT_TRUE(Enqueue(connection, Message("m" + std::to_string(index)), kNow));
  }
  std::unique_ptr<storage::Database> other = database_.OpenAnother();
  storage::Connection other_connection = other->Acquire();
  std::vector<ClaimedMessage> first = ClaimDue(connection, kNow, 300, 5);
  std::vector<ClaimedMessage> second = ClaimDue(other_connection, kNow, 300, 5);
  EXPECT_EQ(first.size(), 5u);
  EXPECT_EQ(second.size(), 3u);
  std::set<int64_t> ids;
  for (const auto* batch : {&first, &second}) {
    for (const ClaimedMessage& message : *batch) ids.insert(message.id);
  }
  EXPECT_EQ(ids.size(), 8u);
}

TEST_F(OutboxTest, ExpiredLeaseIsReclaimedAndTheOldClaimCanNoLongerWrite) {
  storage::Connection connection = database_.db().Acquire();
  ASSERT_TRUE(Enqueue(connection, Message("k"), kNow));
  std::vector<ClaimedMessage> stale = ClaimDue(connection, kNow, 300, 1);
  ASSERT_EQ(stale.size(), 1u);

  std::vector<ClaimedMessage> fresh = ClaimDue(connection, kNow + 300, 300, 1);
  ASSERT_EQ(fresh.size(), 1u);
  EXPECT_EQ(fresh[0].id, stale[0].id);
  EXPECT_EQ(fresh[0].attempts, 2);
  EXPECT_GT(fresh[0].lease_until, stale[0].lease_until);

  EXPECT_FALSE(MarkRetry(connection, stale[0], kNow + 1000, "late"));
  EXPECT_FALSE(MarkSent(connection, stale[0], kNow + 301));
  EXPECT_TRUE(MarkSent(connection, fresh[0], kNow + 301));
  EXPECT_FALSE(MarkFailed(connection, fresh[0], "twice"));

  std::vector<OutboxEntry> entries = ListOutbox(connection, std::nullopt, 10);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].status, OutboxStatus::kSent);
  EXPECT_EQ(entries[0].sent_at, kNow + 301);
  EXPECT_EQ(entries[0].lease_until, std::nullopt);
}

TEST_F(OutboxTest, MarksAndListsByStatus) {
  storage::Connection connection = database_.db().Acquire();
  for (const char* key : {"a", "b", "c"}) ASSERT_TRUE(Enqueue(connection, Message(key), kNow));
  std::vector<ClaimedMessage> claimed = ClaimDue(connection, kNow, 300, 2);
  ASSERT_EQ(claimed.size(), 2u);
  ASSERT_TRUE(MarkFailed(connection, claimed[0], "550 no such user"));
  ASSERT_TRUE(MarkRetry(connection, claimed[1], kNow + 60, "451 later"));

  std::vector<OutboxEntry> failed = ListOutbox(connection, OutboxStatus::kFailed, 10);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].id, claimed[0].id);
  EXPECT_EQ(failed[0].last_error, "550 no such user");

  std::vector<OutboxEntry> pending = ListOutbox(connection, OutboxStatus::kPending, 10);
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_GT(pending[0].id, pending[1].id);  // newest first
  EXPECT_TRUE(ListOutbox(connection, OutboxStatus::kSending, 10).empty());
  EXPECT_EQ(ListOutbox(connection, std::nullopt, 2).size(), 2u);

  // The retried one is not due before its time.
  EXPECT_EQ(ClaimDue(connection, kNow + 59, 300, 10).size(), 1u);  // only the untouched one
  EXPECT_EQ(ClaimDue(connection, kNow + 60, 300, 10).size(), 1u);  // now the retried one
}

TEST_F(OutboxTest, ExtraHeadersRoundTripInOrder) {
  storage::Connection connection = database_.db().Acquire();
  OutgoingMessage message = Message("with-headers");
  message.headers = {
      {"List-Unsubscribe", "<https://vivrovert.test/desabonnement?jeton=annonces.7.abc_-XYZ>"},
      {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"},
      {"X-Quote", "a \"quoted\" value, [1]; {json: true}"},
      {"X-Empty", ""}};
  ASSERT_TRUE(Enqueue(connection, message, kNow));
  ASSERT_TRUE(Enqueue(connection, Message("without-headers"), kNow + 1));

  std::vector<ClaimedMessage> claimed = ClaimDue(connection, kNow + 1, 300, 10);
  ASSERT_EQ(claimed.size(), 2u);
  for (const ClaimedMessage& claim : claimed) {
    if (claim.message.idempotency_key == "with-headers") {
      EXPECT_EQ(claim.message.headers, message.headers);
    } else {
      EXPECT_TRUE(claim.message.headers.empty());
    }
  }
}

TEST_F(OutboxTest, EnqueueRefusesUnsafeHeaders) {
  storage::Connection connection = database_.db().Acquire();
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"X-Note", "ok\r\nBcc: victim@example.test"},  // CR LF in a value
      {"X-Note", "line\nbreak"},                     // LF alone
      {"X-Note", "retour\rchariot"},                 // CR alone
      {"X-Note", "accentué"},                        // non-ASCII value
      {"X Note", "v"},                               // space in the name
      {"X-Note:", "v"},                              // colon in the name
      {"X-Noté", "v"},                               // non-ASCII name
      {"", "v"},                                     // no name
      {"From", "attaquant@example.test"},            // the transport's headers,
      {"to", "v"},                                   // whatever the case
      {"BCC", "v"},
      {"Subject", "v"},
      {"Message-ID", "<x@y>"},
      {"Content-Type", "text/html"},
      {"MIME-Version", "1.0"},
      {"Date", "v"},
  };
  for (const auto& header : refused) {
    OutgoingMessage message = Message("k");
    message.headers = {{"X-Fine", "1"}, header};
    EXPECT_THROW(Enqueue(connection, message, kNow), std::invalid_argument)
        << header.first << ": " << header.second;
  }
  EXPECT_EQ(RowCount(connection), 0);
}

TEST_F(OutboxTest, CountsWhatTheOperatorSees) {
  storage::Connection connection = database_.db().Acquire();
  OutboxCounts empty = CountOutbox(connection, kNow);
  EXPECT_EQ(empty.pending + empty.pending_due + empty.sending + empty.failed + empty.sent_last_24h,
            0);
  EXPECT_EQ(empty.oldest_due_age_seconds, std::nullopt);

  // Created at kNow - 3 days: sent long ago, failed, sent recently, retried, sending.
  for (const char* key : {"old-sent", "failed", "recent-sent", "retried", "sending"}) {
    ASSERT_TRUE(Enqueue(connection, Message(key), kNow - 3 * 86400));
  }
  std::vector<ClaimedMessage> claimed = ClaimDue(connection, kNow - 3 * 86400, 300, 5);
  ASSERT_EQ(claimed.size(), 5u);
  ASSERT_TRUE(MarkSent(connection, claimed[0], kNow - 2 * 86400));
  ASSERT_TRUE(MarkFailed(connection, claimed[1], "550"));
  ASSERT_TRUE(MarkSent(connection, claimed[2], kNow - 3600));
  ASSERT_TRUE(MarkRetry(connection, claimed[3], kNow + 600, "451"));  // not due yet
  ASSERT_TRUE(Enqueue(connection, Message("due-1"), kNow - 120));     // due, 2 min old
  ASSERT_TRUE(Enqueue(connection, Message("due-2"), kNow - 30));
  ASSERT_TRUE(Enqueue(connection, Message("future"), kNow + 60));  // queued for later

  // The fifth claim's lease (kNow - 3 days + 300) has expired: it still counts as sending
  // until a sender takes it again.
  OutboxCounts counts = CountOutbox(connection, kNow);
  EXPECT_EQ(counts.pending, 4);
  EXPECT_EQ(counts.pending_due, 2);
  EXPECT_EQ(counts.sending, 1);
  EXPECT_EQ(counts.failed, 1);
  EXPECT_EQ(counts.sent_last_24h, 1);
  EXPECT_EQ(counts.oldest_due_age_seconds, 120);

  // An hour later, the retry is due: the oldest due mail is the one created 3 days ago.
  counts = CountOutbox(connection, kNow + 3600);
  EXPECT_EQ(counts.pending_due, 4);
  EXPECT_EQ(counts.oldest_due_age_seconds, 3 * 86400 + 3600);
  // A day later, the recent one has left the 24 h window.
  EXPECT_EQ(CountOutbox(connection, kNow + 86400).sent_last_24h, 0);
}

TEST(OutboxStatusTest, NamesRoundTrip) {
  for (OutboxStatus status : {OutboxStatus::kPending, OutboxStatus::kSending, OutboxStatus::kSent,
                              OutboxStatus::kFailed}) {
    EXPECT_EQ(ParseOutboxStatus(OutboxStatusName(status)), status);
  }
  EXPECT_EQ(ParseOutboxStatus("lost"), std::nullopt);
}

}  // namespace
}  // namespace vivrovert::mail
