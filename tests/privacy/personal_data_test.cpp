// Account deletion and the RGPD export over every table that can hold a person: a person
// with a bit of everything (CV, profile and consents, searches, clicks, favourites, a
// saved property, a notification, a staff membership, an opt-out, sessions, mail and a
// bounce, throttle counters) is exported, then deleted; afterwards no cell of any table
// of the schema holds their address, name, phone or user id.
#include "domain/privacy/personal_data.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "domain/accounts/account_service.hpp"
#include "domain/accounts/deletion_log.hpp"
#include "domain/accounts/token_hash.hpp"
#include "domain/compatibility/compatibility_store.hpp"
#include "domain/interests/interest_store.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/mail/bounces.hpp"
#include "domain/mail/opt_outs.hpp"
#include "domain/mail/outbox.hpp"
#include "domain/matching/matcher.hpp"
#include "domain/notifications/notification_store.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/profiles/profile.hpp"
#include "domain/properties/property_store.hpp"
#include "domain/relocation/relocation_store.hpp"
#include "domain/skills/skill_alerts.hpp"
#include "support/test_database.hpp"

namespace vivrovert::privacy {
namespace {

using accounts::AccountService;
using accounts::AuthenticatedUser;
using nlohmann::json;
using storage::Connection;

constexpr int64_t kStart = 1'800'000'000;
constexpr const char* kPassword = "potager-et-poulailler";
constexpr const char* kSecret = "secret-de-test-du-serveur";
constexpr const char* kEmail = "jeanne.martin@exemple.fr";
constexpr const char* kName = "Jeanne Martin";
constexpr const char* kPhone = "05 65 20 88 88";
// Cahors (INSEE 46042, postcode 46000), its 1 km and 5 km tiles.
constexpr const char* kCommune = "46042";
constexpr const char* kTile1km = "CRS3035RES1000mN2410000E3639000";
constexpr const char* kTile5km = "CRS3035RES5000mN2410000E3635000";

class RecordingMailer final : public accounts::AccountMailer {
 public:
  void Send(Connection&, const accounts::AccountMail& mail, int64_t) override {
    sent.push_back(mail);
  }
  std::string LastToken() const {
    const std::string& link = sent.back().link;
    return link.substr(link.find("?jeton=") + 7);
  }
  std::vector<accounts::AccountMail> sent;
};

listings::Listing MakeListing(const std::string& source_key, listings::Kind kind,
                              const std::string& title, json details) {
  listings::Listing listing;
  listing.source_key = source_key;
  listing.external_id = title;
  listing.kind = kind;
  listing.title = title;
  listing.commune_code = kCommune;
  listing.postcode = "46000";
  listing.latitude = 44.4475;
  listing.longitude = 1.4419;
  listing.precision = listings::Precision::kCommune;
  listing.tile_1km = kTile1km;
  listing.tile_5km = kTile5km;
  listing.details = std::move(details);
  listing.content_hash = title;
  listing.created_at = kStart;
  listing.updated_at = kStart;
  return listing;
}

class PersonalDataTest : public ::testing::Test {
 protected:
  PersonalDataTest()
      : service_(database_.db(), hasher_, mailer_, clock_, SecureRandom::Instance(),
                 "https://vivrovert.example", {}, MakePersonEraser(kSecret)) {}

  // Jeanne, with something in every table that can hold a person; returns her session.
  AuthenticatedUser MakeJeanne() {
    EXPECT_TRUE(service_.SignUp({kEmail, kPassword, kName, "192.0.2.1"}).ok());
    EXPECT_TRUE(service_.VerifyEmail(mailer_.LastToken()).ok());
    // A mistyped password leaves a throttle counter for her address.
    EXPECT_FALSE(service_.Login({kEmail, "mauvais-mot-de-passe", "192.0.2.1", "Firefox", ""}).ok());
    Result<accounts::LoginResult> login =
        service_.Login({kEmail, kPassword, "192.0.2.1", "Firefox", ""});
    EXPECT_TRUE(login.ok());
    AuthenticatedUser me = *service_.Authenticate(login->session_token);
    session_token_ = login->session_token;
    user_id_ = me.user.id;

    Connection connection = database_.db().Acquire();
    profiles::ProfileStore::Put(connection, user_id_, {json::object(), "daily", 0}, kStart);
    profiles::ProfileStore::SetConsents(connection, user_id_, {{"identity", true}, {"work", true}},
                                        kStart);
    EXPECT_TRUE(interests::InterestStore::SaveSearch(connection, user_id_, "Près de Cahors",
                                                     R"({"level":"5km","criteria":[]})", kStart)
                    .ok());
    interests::InterestStore::RecordClick(connection, user_id_, kTile1km, false, kStart);
    EXPECT_TRUE(interests::InterestStore::AddFavourite(connection, user_id_,
                                                       {"commune", kCommune, "Cahors", 0})
                    .ok());
    properties::SavedProperty property;
    property.user_id = user_id_;
    property.name = "Maison du quai";
    property.latitude = 44.4475;
    property.longitude = 1.4419;
    property.commune_code = kCommune;
    property.address = "Quai Cavaignac, Cahors";
    EXPECT_TRUE(properties::PropertyStore::Save(connection, property, kStart).ok());

    // Her CV, published and then withdrawn: still stored, with her details.
    const int64_t cv = listings::ListingStore::Insert(
        connection, MakeListing(listings::PersonSourceKey(user_id_), listings::Kind::kCv,
                                "Jeanne Martin, bûcheronne",
                                {{"rome_codes", json::array({"A1201"})},
                                 {"consent", true},
                                 {"contact_name", kName},
                                 {"contact_email", kEmail},
                                 {"contact_phone", kPhone}}));
    listings::ListingStore::Withdraw(connection, cv, kStart);

    // A partner: its listing she was told of, its staff she belongs to.
    partners::PartnerInput input;
    input.name = "Cahors";
    input.kind = partners::PartnerKind::kCommune;
    input.territory.communes = {kCommune};
    Result<partners::Partner> partner = partners::PartnerStore::Create(connection, input, kStart);
    EXPECT_TRUE(partner.ok()) << partner.status().ToString();
    partner_slug_ = partner->slug;
    const int64_t offer = listings::ListingStore::Insert(
        connection, MakeListing(partner->SourceKey(), listings::Kind::kHousing, "Maison de bourg",
                                json::object()));
    notifications::NotificationStore::RecordMany(
        connection,
        {{user_id_, offer, notifications::Reason::kMatch, notifications::Channel::kDigest, {}, {}}},
        kStart);
    EXPECT_TRUE(partners::PartnerStore::SetStaff(connection, partner->id, user_id_,
                                                 partners::StaffRole::kViewer, kStart)
                    .ok());
    // A relocation project: she registered her employer, and answers as a member.
    Result<relocation::Employer> employer = relocation::EmployerStore::Create(
        connection, "Causse Industries", "73282932000074", user_id_, kStart);
    EXPECT_TRUE(employer.ok()) << employer.status().ToString();
    const int64_t project =
        connection
            .QueryOne(
                "INSERT INTO relocation_projects (employer_id, name, commune_code, latitude, "
                "longitude, created_by, created_at, updated_at) "
                "VALUES ($1, 'Atelier', $2, 44.4475, 1.4419, $3, $4, $4) RETURNING id",
                {employer->id, std::string(kCommune), user_id_, kStart})
            ->Int(0);
    Result<relocation::Invitation> invitation = relocation::ProjectStore::Invite(
        connection, SecureRandom::Instance(), project, kEmail, kStart);
    EXPECT_TRUE(invitation.ok()) << invitation.status().ToString();
    EXPECT_TRUE(
        relocation::ProjectStore::Join(connection, invitation->token, user_id_, kStart).ok());
    EXPECT_TRUE(relocation::ProjectStore::Answer(
                    connection, invitation->member.id, user_id_,
                    R"({"level":"1km","criteria":[],"places":[{"name":"Quai Cavaignac",)"
                    R"("commune":"46042","max_km":5}]})",
                    true, kStart)
                    .ok());
    mail::OptOut(connection, user_id_, mail::MailList::kLeadReports, kStart);
    // Option 3: her compatibility with the partner, a skills alert about its offer.
    compatibility::CompatibilityStore::ReplaceUser(
        connection, user_id_,
        {{user_id_, partner->id, 1, 2, 3, "CRS3035RES1000mN2440000E3600000", 0.25, 4, kStart}});
    skills::SkillAlertStore::Record(connection, offer, {{user_id_, true}}, kStart);

    // Mail to her: one sent, one waiting; her address bounced once.
    mail::OutgoingMessage message{"digest:" + std::to_string(user_id_) + ":2027-01-14",
                                  kEmail,
                                  "Vos annonces",
                                  std::string("Bonjour ") + kName,
                                  std::string("<p>Bonjour ") + kName + "</p>",
                                  {}};
    mail::Enqueue(connection, message, kStart);
    for (const mail::ClaimedMessage& claimed : mail::ClaimDue(connection, kStart, 60, 10)) {
      mail::MarkSent(connection, claimed, kStart);
    }
    message.idempotency_key = "digest:" + std::to_string(user_id_) + ":2027-01-15";
    mail::Enqueue(connection, message, kStart);
    mail::RecordBounce(connection, kEmail, 1, "550 boîte inconnue", kStart);
    return me;
  }

  // Every table and column of the schema, as the database describes itself.
  std::vector<std::pair<std::string, std::string>> Columns() {
    Connection connection = database_.db().Acquire();
    std::vector<std::pair<std::string, std::string>> columns;
    if (connection.dialect().backend == storage::Backend::kSqlite) {
      for (const storage::Row& table :
           connection.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                            "'sqlite_%' ORDER BY name")) {
        for (const storage::Row& column :
             connection.Query("SELECT name FROM pragma_table_info($1)", {table.Text(0)})) {
          columns.emplace_back(table.Text(0), column.Text(0));
        }
      }
    } else {
      for (const storage::Row& row : connection.Query(
               "SELECT table_name, column_name FROM information_schema.columns "
               "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position")) {
        columns.emplace_back(row.Text(0), row.Text(1));
      }
    }
    return columns;
  }

  // "table.column" of every cell that contains `needle` (or, for user id columns, equals
  // `user_id`). Identifiers come from the schema itself, quoted; values are bound.
  std::vector<std::string> CellsNaming(const std::vector<std::string>& needles, int64_t user_id) {
    std::vector<std::string> found;
    Connection connection = database_.db().Acquire();
    for (const auto& [table, column] : Columns()) {
      const std::string quoted = "\"" + table + "\".\"" + column + "\"";
      for (const std::string& needle : needles) {
        const int64_t hits =
            connection
                .QueryOne("SELECT COUNT(*) FROM \"" + table + "\" WHERE LOWER(CAST(" + quoted +
                              " AS TEXT)) LIKE $1",
                          {"%" + needle + "%"})
                ->Int(0);
        if (hits > 0) found.push_back(table + "." + column + " ~ " + needle);
      }
      // The deletion log keeps the former id alone for a week, so that other processes
      // drop the person from their index (domain/accounts/deletion_log.hpp).
      if ((column == "user_id" || column == "created_by") && table != "account_deletions") {
        const int64_t hits =
            connection
                .QueryOne("SELECT COUNT(*) FROM \"" + table + "\" WHERE " + quoted + " = $1",
                          {user_id})
                ->Int(0);
        if (hits > 0) found.push_back(table + "." + column + " = " + std::to_string(user_id));
      }
    }
    return found;
  }

  testing::TestDatabase database_;
  ManualClock clock_{kStart};
  accounts::PasswordHasher hasher_{accounts::PasswordHashLimits::Minimal(), 2};
  RecordingMailer mailer_;
  AccountService service_;
  std::string session_token_;
  std::string partner_slug_;
  int64_t user_id_ = 0;
};

TEST_F(PersonalDataTest, ExportHoldsEverythingStoredAboutThePerson) {
  MakeJeanne();
  Connection connection = database_.db().Acquire();
  Result<json> exported = ExportPerson(connection, user_id_, kStart);
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  const json& out = *exported;
  EXPECT_EQ(out.at("account")["email"], kEmail);
  EXPECT_EQ(out.at("consents").size(), 2u);
  EXPECT_EQ(out.at("saved_searches").size(), 1u);
  EXPECT_EQ(out.at("favourites").size(), 1u);
  EXPECT_EQ(out.at("tile_clicks").size(), 1u);
  EXPECT_EQ(out.at("saved_properties").size(), 1u);
  // The CV, withdrawn but stored, with its details.
  ASSERT_EQ(out.at("cv").size(), 1u);
  EXPECT_EQ(out.at("cv")[0]["status"], "withdrawn");
  EXPECT_NE(out.at("cv")[0].dump().find(kPhone), std::string::npos);
  ASSERT_EQ(out.at("notifications").size(), 1u);
  EXPECT_EQ(out.at("notifications")[0]["reason"], "match");
  // Sessions, without the hash that identifies the cookie.
  ASSERT_EQ(out.at("sessions").size(), 1u);
  EXPECT_EQ(out.at("sessions")[0]["ip"], "192.0.2.1");
  EXPECT_EQ(out.at("sessions")[0]["user_agent"], "Firefox");
  EXPECT_FALSE(out.at("sessions")[0].contains("token_hash"));
  EXPECT_EQ(out.dump().find(accounts::HashToken(session_token_)), std::string::npos);
  ASSERT_EQ(out.at("territory_compatibility").size(), 1u);
  EXPECT_EQ(out.at("territory_compatibility")[0]["criteria_met"], 2);
  ASSERT_EQ(out.at("skill_alerts").size(), 1u);
  EXPECT_EQ(out.at("skill_alerts")[0]["unvisited_territory"], true);
  ASSERT_EQ(out.at("mail_opt_outs").size(), 1u);
  EXPECT_EQ(out.at("mail_opt_outs")[0]["list"], "lead_reports");
  ASSERT_EQ(out.at("staff_memberships").size(), 1u);
  EXPECT_EQ(out.at("staff_memberships")[0]["slug"], partner_slug_);
  EXPECT_EQ(out.at("staff_memberships")[0]["role"], "viewer");
  ASSERT_EQ(out.at("relocation_projects").size(), 1u);
  EXPECT_EQ(out.at("relocation_projects")[0]["answer"]["places"][0]["name"], "Quai Cavaignac");
  EXPECT_EQ(out.at("relocation_projects")[0]["share_answers"], true);
  ASSERT_EQ(out.at("employer_staff").size(), 1u);
  EXPECT_EQ(out.at("employer_staff")[0]["role"], "admin");
}

TEST_F(PersonalDataTest, DeletionLeavesNoCellNamingThePerson) {
  AuthenticatedUser me = MakeJeanne();
  const std::vector<std::string> needles = {kEmail,
                                            "jeanne martin",
                                            kPhone,
                                            "quai cavaignac",
                                            listings::PersonSourceKey(user_id_),
                                            accounts::HashToken(kEmail)};
  ASSERT_FALSE(CellsNaming(needles, user_id_).empty());

  ASSERT_TRUE(service_.DeleteAccount(me, kPassword).ok());

  EXPECT_EQ(CellsNaming(needles, user_id_), std::vector<std::string>{});
  Connection connection = database_.db().Acquire();
  // Nothing more is sent to her; what was sent keeps only its idempotency key.
  EXPECT_EQ(
      connection.QueryOne("SELECT COUNT(*) FROM mail_outbox WHERE status = 'pending'")->Int(0), 0);
  EXPECT_FALSE(mail::Enqueue(
      connection,
      {"digest:" + std::to_string(user_id_) + ":2027-01-14", "autre@exemple.fr", "s", "t", "h", {}},
      kStart));
  // The partner's own listing stays; the notification about it went with her.
  EXPECT_EQ(connection.QueryOne("SELECT COUNT(*) FROM listings")->Int(0), 1);
  // The consent history is kept as proof without identity, found again by the address.
  const std::vector<profiles::ConsentRecord> proofs = profiles::ProfileStore::ConsentProofs(
      connection, ConsentSubject(kSecret, "Jeanne.Martin@exemple.fr"));
  ASSERT_EQ(proofs.size(), 2u);
  EXPECT_TRUE(proofs[0].granted);
  EXPECT_TRUE(
      profiles::ProfileStore::ConsentProofs(connection, ConsentSubject("autre-secret", kEmail))
          .empty());
}

TEST_F(PersonalDataTest, FailedLoginsKeepNoAddressInThrottleKeys) {
  EXPECT_FALSE(
      service_.Login({"inconnue@exemple.fr", "mauvais-mot-de-passe", "192.0.2.1", "Firefox", ""})
          .ok());
  Connection connection = database_.db().Acquire();
  EXPECT_EQ(
      connection
          .QueryOne("SELECT COUNT(*) FROM throttle_counters WHERE counter_key LIKE '%exemple.fr%'")
          ->Int(0),
      0);
  EXPECT_EQ(
      connection
          .QueryOne(
              "SELECT COUNT(*) FROM throttle_counters WHERE counter_key LIKE 'login:account%'")
          ->Int(0),
      2)
      << "the attempt counts per (account, network) and for the account on every network";
}

TEST_F(PersonalDataTest, AnotherProcessDropsTheDeletedPersonFromItsIndex) {
  AuthenticatedUser me = MakeJeanne();
  // A second server process: its own pool, index and deletion follower.
  std::unique_ptr<storage::Database> other_pool = database_.OpenAnother();
  matching::Matcher other_matcher(*other_pool, nullptr);
  accounts::DeletionFollower other_deletions(*other_pool, clock_);
  other_matcher.Rebuild(kStart);
  ASSERT_EQ(other_matcher.person_count(), 1u);
  EXPECT_TRUE(other_deletions.Poll().empty());

  ASSERT_TRUE(service_.DeleteAccount(me, kPassword).ok());
  clock_.Advance(10);
  // What the other process's matching worker does before each pass.
  const std::vector<int64_t> deleted = other_deletions.Poll();
  EXPECT_EQ(deleted, std::vector<int64_t>{user_id_});
  for (int64_t user_id : deleted) other_matcher.PersonDeleted(user_id);
  EXPECT_EQ(other_matcher.person_count(), 0u);
}

}  // namespace
}  // namespace vivrovert::privacy
