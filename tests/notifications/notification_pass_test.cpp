// The matching pass's batched path (issue 25: one statement reads a batch's listings, the
// instant mails are queued in multi-row statements) against the path it replaced (one read
// per listing, one insert per mail, PassOptions::one_at_a_time), on each backend: the same
// queue of listings, the same people, the same index give the same notification rows and
// the same mails, byte for byte.
#include "domain/notifications/notification_pass.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "core/common/text.hpp"
#include "domain/accounts/user_store.hpp"
#include "domain/interests/interest_store.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/mail/templates.hpp"
#include "domain/matching/matcher.hpp"
#include "domain/profiles/profile.hpp"
#include "engine/tile_id.hpp"
#include "support/test_database.hpp"

namespace vivrovert::notifications {
namespace {

using nlohmann::json;

constexpr int64_t kNow = 1'800'000'000;
constexpr int kSide = 6;  // tiles of kSide × kSide km
constexpr int kPeople = 60;
constexpr int kListings = 450;  // more than two batches of 200

std::string Tile(int col, int row) {
  return engine::TileId{engine::Level::k1km, 3'600'000 + col * 1000, 2'400'000 + row * 1000}
      .ToString();
}
std::string Commune(int index) { return "460" + std::to_string(10 + index); }

// What a pass left in the database, in a fixed order.
struct Outcome {
  std::vector<std::tuple<int64_t, int64_t, std::string, std::string, std::string>> notifications;
  std::vector<std::vector<std::string>> mails;
};

class NotificationPassTest : public ::testing::Test {
 protected:
  NotificationPassTest() : clock_(kNow) {
    auto templates = mail::MailTemplates::Load(VIVROVERT_SOURCE_ROOT);
    if (!templates.ok()) throw std::runtime_error(templates.status().ToString());
    templates_ = std::move(*templates);
  }

  // People with random places (favourite tiles and communes), wishes and notification
  // choices, some unverified; listings on random tiles at random prices, some withdrawn or
  // expired. Fixed seed.
  void Populate() {
    std::mt19937 random(2526);
    storage::Connection connection = database_.db().Acquire();
    const char* kChoices[] = {"instant", "daily", "weekly", "none", ""};
    for (int person_idx = 0; person_idx < kPeople; ++person_idx) {
      accounts::NewUser user{"personne" + std::to_string(person_idx) + "@example.fr", "hash",
                             accounts::Role::kUser, "Personne " + std::to_string(person_idx),
                             person_idx % 7 != 0};
      const int64_t id = accounts::UserStore::Create(connection, user, kNow)->id;
      const std::string choice = kChoices[random() % 5];
      if (!choice.empty()) {
        profiles::Profile profile;
        if (random() % 2) profile.data = {{"housing_price_max", 100000 + 50000 * (random() % 4)}};
        profile.notification = choice;
        profiles::ProfileStore::Put(connection, id, profile, kNow);
      }
      const int tiles = 1 + static_cast<int>(random() % 4);
      for (int tile_idx = 0; tile_idx < tiles; ++tile_idx) {
        const std::string tile =
            Tile(static_cast<int>(random() % kSide), static_cast<int>(random() % kSide));
        (void)interests::InterestStore::AddFavourite(connection, id, {"tile", tile, "dalle", kNow});
      }
      if (random() % 3 == 0) {
        (void)interests::InterestStore::AddFavourite(
            connection, id, {"commune", Commune(static_cast<int>(random() % 4)), "Commune", kNow});
      }
    }
    for (int listing_idx = 0; listing_idx < kListings; ++listing_idx) {
      listings::Listing listing;
      listing.source_key = "test";
      listing.external_id = "annonce-" + std::to_string(listing_idx);
      listing.title = "Maison " + std::to_string(listing_idx) + " & jardin";
      listing.commune_code = Commune(static_cast<int>(random() % 6));
      const int col = static_cast<int>(random() % kSide), row = static_cast<int>(random() % kSide);
      listing.tile_1km = Tile(col, row);
      listing.tile_5km = engine::TileId::Parse(listing.tile_1km)->Parent().ToString();
      listing.latitude = 44.4 + row * 0.01;
      listing.longitude = 1.4 + col * 0.01;
      listing.details = {{"transaction", "sale"},
                         {"property_type", "house"},
                         {"price_eur", 80000 + 20000 * static_cast<int>(random() % 10)}};
      listing.content_hash = *listing.external_id;
      listing.created_at = listing.updated_at = kNow;
      if (random() % 20 == 0) listing.withdrawn_at = kNow;
      if (random() % 20 == 0) listing.valid_until = "2020-01-01";
      ids_.push_back(listings::ListingStore::Insert(connection, listing));
    }
  }

  PassReport RunPass(const matching::Matcher& matcher, bool one_at_a_time) {
    PassOptions options;
    options.secret_key = "secret-de-test";
    options.one_at_a_time = one_at_a_time;
    NotificationPass pass(database_.db(), matcher, templates_, nullptr, clock_, options);
    return pass.Run();
  }

  Outcome Read() {
    storage::Connection connection = database_.db().Acquire();
    Outcome outcome;
    for (const storage::Row& row : connection.Query(
             "SELECT user_id, listing_id, reason, channel, mailed_at FROM notifications "
             "ORDER BY user_id, listing_id")) {
      outcome.notifications.emplace_back(row.Int(0), row.Int(1), row.Text(2), row.Text(3),
                                         row.IsNull(4) ? "" : row.Text(4));
    }
    for (const storage::Row& row :
         connection.Query("SELECT idempotency_key, to_address, subject, body_text, body_html, "
                          "headers, status, next_attempt_at FROM mail_outbox "
                          "ORDER BY idempotency_key")) {
      std::vector<std::string> mail;
      for (size_t column = 0; column < row.size(); ++column) mail.push_back(row.Text(column));
      outcome.mails.push_back(std::move(mail));
    }
    return outcome;
  }

  // The pass's output gone and every listing queued again, as before the first pass.
  void Reset(bool forget_told) {
    storage::Connection connection = database_.db().Acquire();
    if (forget_told) {
      connection.Execute("DELETE FROM notifications");
      connection.Execute("DELETE FROM mail_outbox");
    }
    for (const int64_t id : ids_)
      listings::ListingStore::QueueForMatching(connection, id, kNow, std::nullopt);
  }

  testing::TestDatabase database_;
  ManualClock clock_;
  mail::MailTemplates templates_;
  std::vector<int64_t> ids_;
};

TEST_F(NotificationPassTest, TheBatchedPassTellsTheSamePeopleTheSameMailsAsOneAtATime) {
  Populate();
  matching::Matcher matcher(database_.db(), nullptr);
  ASSERT_EQ(matcher.Rebuild(kNow).people, kPeople);

  const PassReport reference = RunPass(matcher, true);
  const Outcome expected = Read();
  ASSERT_EQ(reference.listings, kListings);
  ASSERT_GT(reference.notified, 100);
  ASSERT_GT(reference.instant_mails, 20);
  ASSERT_EQ(static_cast<int64_t>(expected.notifications.size()), reference.notified);
  ASSERT_EQ(static_cast<int64_t>(expected.mails.size()), reference.instant_mails);
  ASSERT_LT(reference.instant_mails, reference.notified) << "digest rows and instant mails";

  Reset(true);
  const PassReport batched = RunPass(matcher, false);
  EXPECT_EQ(batched.listings, reference.listings);
  EXPECT_EQ(batched.notified, reference.notified);
  EXPECT_EQ(batched.instant_mails, reference.instant_mails);
  EXPECT_EQ(batched.already_told, reference.already_told);
  const Outcome got = Read();
  EXPECT_EQ(got.notifications, expected.notifications);
  ASSERT_EQ(got.mails.size(), expected.mails.size());
  for (size_t mail_idx = 0; mail_idx < got.mails.size(); ++mail_idx)
    EXPECT_EQ(got.mails[mail_idx], expected.mails[mail_idx]) << expected.mails[mail_idx][0];

  // Queued again, nobody is told twice, on either path.
  Reset(false);
  const PassReport again = RunPass(matcher, false);
  EXPECT_EQ(again.notified, 0);
  EXPECT_EQ(again.instant_mails, 0);
  EXPECT_EQ(again.already_told, reference.notified);
  EXPECT_EQ(Read().mails, expected.mails);
}

}  // namespace
}  // namespace vivrovert::notifications
