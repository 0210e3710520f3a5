// The outbox when its volume is full (docs/RELIABILITY.md, "Disk full"), on SQLite: the
// database is capped with PRAGMA max_page_count, which makes SQLite fail a write with the
// same SQLITE_FULL ("database or disk is full") as a full filesystem does, without needing
// a small filesystem mounted (bench/disk_full.sh does that, as root). A mail that does not
// fit is refused with that error; the mails queued before are intact and whole; once space
// is back the outbox takes mail again.
#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <vector>

#include "core/storage/database.hpp"
#include "domain/mail/outbox.hpp"
#include "support/test_database.hpp"

namespace vivrovert::mail {
namespace {

constexpr int64_t kNow = 1'800'000'000;

OutgoingMessage Message(int index) {
  const std::string key = "digest:" + std::to_string(index) + ":2027-03-09";
  // About 4 KB a mail, so that a few pages of room fill after a few mails.
  return {key,
          "personne" + std::to_string(index) + "@example.test",
          "Vos annonces du jour",
          std::string(4000, 'a' + static_cast<char>(index % 26)),
          "",
          {}};
}

int64_t Count(storage::Connection& connection) {
  return connection.QueryOne("SELECT COUNT(*) FROM mail_outbox")->Int(0);
}

TEST(OutboxFullVolumeTest, RefusesTheMailThatDoesNotFitKeepsTheOthersAndRecovers) {
  testing::TestDatabase database(storage::Backend::kSqlite);
  storage::Connection connection = database.db().Acquire();
  const int64_t pages = connection.QueryOne("PRAGMA page_count")->Int(0);
  connection.Query("PRAGMA max_page_count = " + std::to_string(pages + 16));

  int queued = 0;
  std::string error;
  for (int index = 0; index < 1000 && error.empty(); ++index) {
    try {
      ASSERT_TRUE(Enqueue(connection, Message(index), kNow));
      ++queued;
    } catch (const storage::StorageError& failure) {
      error = failure.what();
    }
  }
  ASSERT_FALSE(error.empty()) << "the capped database never filled";
  EXPECT_GT(queued, 0);
  EXPECT_NE(error.find("full"), std::string::npos) << error;
  std::cout << queued << " mails queued, then: " << error << std::endl;  // for the docs

  // What another process sees: a sound database holding exactly the mails queued, whole.
  auto other = database.OpenAnother();
  storage::Connection reader = other->Acquire();
  EXPECT_EQ(reader.QueryOne("PRAGMA integrity_check")->Text(0), "ok");
  EXPECT_EQ(Count(reader), queued);
  std::vector<ClaimedMessage> claimed = ClaimDue(reader, kNow, 60, 2000);
  ASSERT_EQ(claimed.size(), static_cast<size_t>(queued));
  for (const ClaimedMessage& message : claimed) {
    const size_t index = std::stoul(message.message.idempotency_key.substr(7));
    EXPECT_EQ(message.message.body_text, Message(static_cast<int>(index)).body_text)
        << message.message.idempotency_key;
  }

  // Space is back: the mail refused is taken now.
  connection.Query("PRAGMA max_page_count = 1073741823");
  EXPECT_TRUE(Enqueue(connection, Message(queued), kNow));
  EXPECT_EQ(Count(reader), queued + 1);
  EXPECT_EQ(reader.QueryOne("PRAGMA integrity_check")->Text(0), "ok");
}

}  // namespace
}  // namespace vivrovert::mail
