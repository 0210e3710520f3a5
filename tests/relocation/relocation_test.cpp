// A relocation project through the whole site (TestSite), on each backend over the grid of
// the Lot: an employer registers (SIRET), creates a project near Cahors and invites three
// people; each joins through the link of their invitation mail and answers privately;
// one of them shares their answer. The employer's page and JSON show aggregates that agree
// with brute force over the members, the shared answer, and never the others' answers; a
// partner sees the project as a lead only once the employer consents, and only when its
// territory is among the best.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "domain/listings/placement.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/relocation/relocation_mail.hpp"
#include "domain/relocation/relocation_store.hpp"
#include "support/test_site.hpp"
#include "support/test_subscriptions.hpp"

namespace vivrovert::relocation {
namespace {

using accounts::Role;
using nlohmann::json;
using storage::Connection;
using vivrovert::testing::Browser;
using vivrovert::testing::Page;

constexpr const char* kSiret = "73282932000074";
// Only Alice's answer names this place, and she does not share it.
constexpr const char* kPrivatePlace = "chez Mamie Secrète";

json Criterion(const std::string& id, std::optional<double> min, std::optional<double> max) {
  json criterion = {{"criterion", id}, {"importance", "required"}};
  if (min) criterion["min"] = *min;
  if (max) criterion["max"] = *max;
  return criterion;
}

// Alice: near the new site (Cahors) and her mother's in Pradines, below 1,000 m.
json AliceAnswer() {
  return {{"criteria", {Criterion("altitude_m", std::nullopt, 1000)}},
          {"places",
           {{{"name", "nouveau site"},
             {"commune", "46042"},
             {"max_km", 30},
             {"importance", "required"}},
            {{"name", kPrivatePlace},
             {"commune", "46224"},
             {"max_km", 25},
             {"importance", "required"}}}}};
}
// Bruno (shares): a station within 10 km.
json BrunoAnswer() { return {{"criteria", {Criterion("dist_station_km", std::nullopt, 10)}}}; }
// Chloé: above 5,000 m, which no tile of the Lot is.
json ChloeAnswer() { return {{"criteria", {Criterion("altitude_m", 5000, std::nullopt)}}}; }

class RelocationTest : public ::testing::Test {
 protected:
  RelocationTest() {
    Connection connection = site_.db().Acquire();
    cahors_ = CreatePartner(connection, "Ville de Cahors", "cahors", "46042");
    figeac_ = CreatePartner(connection, "Ville de Figeac", "figeac", "46102");
    for (const auto& [email, partner] : std::vector<std::pair<std::string, int64_t>>{
             {"agent@cahors.fr", cahors_}, {"agent@figeac.fr", figeac_}}) {
      vivrovert::testing::Subscribe(connection, partner);
      const int64_t staff = site_.CreateUser(email, Role::kPartnerStaff, "Agent");
      EXPECT_TRUE(partners::PartnerStore::SetStaff(connection, partner, staff,
                                                   partners::StaffRole::kViewer, Now())
                      .ok());
    }
    site_.CreateUser("rh@causse-industries.fr", Role::kUser, "Service RH");
    for (const char* email : {"alice@exemple.fr", "bruno@exemple.fr", "chloe@exemple.fr"})
      site_.CreateUser(email, Role::kUser);
  }

  int64_t Now() { return site_.clock().NowSeconds(); }

  int64_t CreatePartner(Connection& connection, const std::string& name, const std::string& slug,
                        const std::string& commune) {
    partners::PartnerInput input;
    input.name = name;
    input.slug = slug;
    input.territory.communes = {commune};
    auto created = partners::PartnerStore::Create(connection, input, Now());
    if (!created.ok()) throw std::runtime_error(created.status().ToString());
    return created->id;
  }

  // The employer registers and creates the project; returns the project's path.
  std::string CreateProject(Browser& employer, bool share_with_partners) {
    EXPECT_EQ(employer.Get("/entreprise").status, 200);
    Page registered = employer.Post(
        "/entreprise", {{"name", "Causse Industries"}, {"siret", "732 829 320 00074"}});
    EXPECT_EQ(registered.status, 303) << registered.body;
    const std::string base = registered.location;
    EXPECT_EQ(employer.Get(base).status, 200);
    web::Fields form = {
        {"name", "Atelier de Cahors"}, {"commune", "46042"}, {"address", "12 quai Cavaignac"}};
    if (share_with_partners) form.emplace_back("share_with_partners", "1");
    Page created = employer.Post(base + "/projets", form);
    EXPECT_EQ(created.status, 303) << created.body;
    return created.location;
  }

  // The invitation link of `email`, read from the outbox.
  std::string InvitationLink(const std::string& email) {
    Connection connection = site_.db().Acquire();
    auto row = connection.QueryOne(
        "SELECT body_text FROM mail_outbox WHERE to_address = $1 AND idempotency_key LIKE "
        "'relocation_invitation:%'",
        {email});
    if (!row) return {};
    const std::string body = row->Text(0);
    const std::string marker =
        std::string(vivrovert::testing::kTestBaseUrl) + "/entreprise/invitation/";
    const size_t at = body.find(marker);
    if (at == std::string::npos) return {};
    const size_t start = at + std::string(vivrovert::testing::kTestBaseUrl).size();
    return body.substr(start, body.find_first_of(" \r\n", start) - start);
  }

  // The member joins through their mail's link and answers.
  std::string JoinAndAnswer(const std::string& email, const json& answer, bool share,
                            bool save_search = false) {
    Browser member = site_.SignedIn(email);
    const std::string link = InvitationLink(email);
    EXPECT_FALSE(link.empty()) << email;
    EXPECT_EQ(member.Get(link).status, 200);
    Page joined = member.Post(link, {});
    EXPECT_EQ(joined.status, 303) << joined.body;
    const std::string page = joined.location;
    EXPECT_EQ(member.Get(page).status, 200);
    web::Fields form = {{"answer", answer.dump()}};
    if (share) form.emplace_back("share_answers", "1");
    if (save_search) form.emplace_back("save_search", "1");
    Page answered = member.Post(page, form);
    EXPECT_EQ(answered.status, 303) << answered.body;
    return page;
  }

  std::string RunProject(bool share_with_partners) {
    Browser employer = site_.SignedIn("rh@causse-industries.fr");
    const std::string project = CreateProject(employer, share_with_partners);
    Page invited =
        employer.Post(project + "/invitations",
                      {{"emails", "alice@exemple.fr\nbruno@exemple.fr\nchloe@exemple.fr"}});
    EXPECT_EQ(invited.status, 200) << invited.body;
    EXPECT_NE(invited.body.find("3 invitations envoyées."), std::string::npos);
    JoinAndAnswer("alice@exemple.fr", AliceAnswer(), false, true);
    JoinAndAnswer("bruno@exemple.fr", BrunoAnswer(), true);
    JoinAndAnswer("chloe@exemple.fr", ChloeAnswer(), false);
    return project;
  }

  std::vector<engine::SearchRequest> Parsed(const std::vector<json>& answers) {
    std::vector<engine::SearchRequest> requests;
    for (json answer : answers) {
      answer["level"] = "1km";
      auto parsed =
          engine::ParseSearchRequest(answer, site_.grid(), listings::PlaceLocatorFor(site_.grid()));
      EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
      requests.push_back(*parsed);
    }
    return requests;
  }

  vivrovert::testing::TestSite site_;
  int64_t cahors_ = 0, figeac_ = 0;
};

TEST_F(RelocationTest, TheEmployerSeesAggregatesAndOnlyTheSharedAnswer) {
  const std::string project = RunProject(false);
  Browser employer = site_.SignedIn("rh@causse-industries.fr");
  Page page = employer.Get(project);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("3 réponse(s) sur 3 membre(s)"), std::string::npos) << page.body;
  // Chloé suits no tile: the best suit 2 of 3, and what excludes most is named.
  EXPECT_NE(page.body.find("Aucune dalle ne convient à tous"), std::string::npos);
  EXPECT_NE(page.body.find("Critères qui écartent le plus"), std::string::npos);
  // The map: one square per best tile, the new site outlined.
  EXPECT_NE(page.body.find("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"team-map\""),
            std::string::npos);
  EXPECT_NE(page.body.find("<rect class=\"site\""), std::string::npos);
  // Bruno shares: his answer is shown with his address.
  EXPECT_NE(page.body.find("Réponses partagées par leur auteur"), std::string::npos);
  EXPECT_NE(page.body.find("bruno@exemple.fr</h3>"), std::string::npos);
  EXPECT_NE(page.body.find("au plus 10"), std::string::npos);
  // Alice's and Chloé's answers never appear, neither on the page nor in the JSON.
  Page synthesis = employer.GetJson(project + "/synthese");
  ASSERT_EQ(synthesis.status, 200) << synthesis.body;
  for (const std::string& body : {page.body, synthesis.body}) {
    EXPECT_EQ(body.find("Mamie"), std::string::npos);
    EXPECT_EQ(body.find("max_km"), std::string::npos);   // Alice's places
    EXPECT_EQ(body.find("\"min\""), std::string::npos);  // Chloé's bound
    EXPECT_EQ(body.find("au moins"), std::string::npos);
    EXPECT_EQ(body.find("km au plus"), std::string::npos);
  }
  const json shared = synthesis.Json()["shared_answers"];
  ASSERT_EQ(shared.size(), 1u);
  EXPECT_EQ(shared[0]["email"], "bruno@exemple.fr");
  EXPECT_EQ(shared[0]["request"]["criteria"][0]["criterion"], "dist_station_km");

  // Members see only their own project page, not the employer's.
  Browser alice = site_.SignedIn("alice@exemple.fr");
  EXPECT_EQ(alice.Get(project).status, 404);
  EXPECT_EQ(alice.GetJson(project + "/synthese").status, 404);
}

TEST_F(RelocationTest, TheAggregateAgreesWithBruteForceOverTheMembers) {
  const std::string project = RunProject(false);
  Browser employer = site_.SignedIn("rh@causse-industries.fr");
  const json answer = employer.GetJson(project + "/synthese").Json()["answer"];
  ASSERT_TRUE(answer.is_object());

  const std::vector<engine::SearchRequest> requests =
      Parsed({AliceAnswer(), BrunoAnswer(), ChloeAnswer()});
  const engine::GridFile& grid = site_.grid();
  const engine::LevelView& level = *grid.level(engine::Level::k1km);
  engine::SearchEngine engine(grid);
  // Brute force: each member's green tiles, one tile at a time through the stored values.
  std::vector<std::vector<bool>> green(requests.size(),
                                       std::vector<bool>(level.tile_count(), false));
  std::vector<uint32_t> suited(level.tile_count(), 0);
  for (size_t member = 0; member < requests.size(); ++member) {
    for (uint32_t tile : engine.GreenTiles(requests[member])) green[member][tile] = true;
    for (uint32_t tile = 0; tile < level.tile_count(); ++tile) suited[tile] += green[member][tile];
  }
  std::map<uint32_t, uint64_t> histogram;
  for (uint32_t count : suited) histogram[count]++;
  EXPECT_EQ(answer["suits_everyone"], histogram[3]);
  EXPECT_EQ(histogram[3], 0u);
  ASSERT_GT(histogram[2], 0u);
  for (const json& row : answer["suited_by"])
    EXPECT_EQ(row["tiles"], histogram[row["members"].get<uint32_t>()]) << row.dump();
  const uint32_t best = *std::max_element(suited.begin(), suited.end());
  EXPECT_EQ(best, 2u);
  ASSERT_FALSE(answer["best"].empty());
  std::map<std::string, uint32_t> by_id;
  for (uint32_t tile = 0; tile < level.tile_count(); ++tile)
    by_id[level.tile(tile).ToString()] = suited[tile];
  for (const json& tile : answer["best"]) {
    EXPECT_EQ(tile["members_suited"], best);
    EXPECT_EQ(by_id[tile["tile"].get<std::string>()], best);
  }
  // Excluding criteria over those best tiles, from the values themselves: Chloé fails her
  // altitude everywhere; nobody else fails there (the tiles suit both of the others).
  std::map<std::string, std::pair<uint64_t, std::set<size_t>>> expected;
  for (const json& tile : answer["best"]) {
    const uint32_t index =
        static_cast<uint32_t>(*level.Find(*engine::TileId::Parse(tile["tile"].get<std::string>())));
    for (size_t member = 0; member < requests.size(); ++member) {
      if (green[member][index]) continue;
      for (const engine::Constraint& constraint : requests[member].constraints) {
        std::optional<double> value = level.Value(constraint.criterion, index);
        const bool passes = value && (!constraint.min || *value >= *constraint.min) &&
                            (!constraint.max || *value <= *constraint.max);
        if (passes) continue;
        auto& entry = expected[grid.catalogue().criteria()[constraint.criterion].id];
        entry.first++;
        entry.second.insert(member);
      }
    }
  }
  ASSERT_EQ(answer["excluding"].size(), expected.size()) << answer["excluding"].dump();
  for (const json& criterion : answer["excluding"]) {
    const auto& entry = expected[criterion["criterion"].get<std::string>()];
    EXPECT_EQ(criterion["exclusions"], entry.first);
    EXPECT_EQ(criterion["members"], entry.second.size());
  }
  EXPECT_EQ(answer["excluding"][0]["criterion"], "altitude_m");
  EXPECT_EQ(answer["excluding"][0]["members"], 1);
}

TEST_F(RelocationTest, EachInvitationIsMailedOnceAndAMemberSeesTheirOwnTiles) {
  const std::string project = RunProject(false);
  EXPECT_EQ(site_.Count("mail_outbox", "idempotency_key LIKE 'relocation_invitation:%'"), 3);
  // Inviting the same address again is refused and sends nothing.
  Browser employer = site_.SignedIn("rh@causse-industries.fr");
  Page again = employer.Post(project + "/invitations", {{"emails", "bruno@exemple.fr"}});
  EXPECT_EQ(again.status, 400);
  EXPECT_NE(again.body.find("déjà invité"), std::string::npos);
  // Queueing an invitation a second time is a no-op.
  {
    Connection connection = site_.db().Acquire();
    auto project_row = connection.QueryOne("SELECT id FROM relocation_projects");
    ASSERT_TRUE(project_row);
    const std::optional<Project> stored = ProjectStore::Get(connection, project_row->Int(0));
    const std::vector<Member> members = ProjectStore::Members(connection, stored->id);
    ASSERT_EQ(members.size(), 3u);
    Invitation invitation{members[0], "unused-token"};
    Result<bool> queued =
        QueueInvitation(connection, site_.site().mail_templates(), invitation,
                        *EmployerStore::Get(connection, stored->employer_id), *stored, "Cahors",
                        vivrovert::testing::kTestBaseUrl, Now());
    ASSERT_TRUE(queued.ok()) << queued.status().ToString();
    EXPECT_FALSE(*queued);
  }
  EXPECT_EQ(site_.Count("mail_outbox", "idempotency_key LIKE 'relocation_invitation:%'"), 3);

  // Alice sees her own answer and tiles; she saved it as a search, which now brings her
  // listings like any person's.
  Browser alice = site_.SignedIn("alice@exemple.fr");
  Page home = alice.Get("/entreprise");
  ASSERT_EQ(home.status, 200);
  EXPECT_NE(home.body.find("Atelier de Cahors"), std::string::npos);
  EXPECT_NE(home.body.find("a répondu"), std::string::npos);
  std::string own;
  {
    Connection connection = site_.db().Acquire();
    own = "/entreprise/membre/" +
          std::to_string(connection.QueryOne("SELECT id FROM relocation_projects")->Int(0));
  }
  Page mine = alice.Get(own);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_NE(mine.body.find(std::string("« ") + kPrivatePlace + " »"), std::string::npos);
  EXPECT_NE(mine.body.find("dalle(s) de 1&nbsp;km vous conviennent"), std::string::npos);
  EXPECT_NE(mine.body.find("id=\"my-tiles\""), std::string::npos);
  EXPECT_EQ(site_.Count("saved_searches", "name LIKE 'Projet %'"), 1);

  // A link opened by another account is refused.
  Browser bruno = site_.SignedIn("bruno@exemple.fr");
  Page foreign = bruno.Post(InvitationLink("alice@exemple.fr"), {});
  EXPECT_EQ(foreign.status, 400);
  EXPECT_NE(foreign.body.find("autre compte"), std::string::npos);
  // A bad answer is a 400 naming the field.
  Page bad = alice.Post(own, {{"answer", R"({"criteria": [{"criterion": "nope"}]})"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("answer.criteria"), std::string::npos) << bad.body;
}

TEST_F(RelocationTest, APartnerSeesTheProjectOnlyWithConsentAndWhenItsTerritoryIsAmongTheBest) {
  const std::string project = RunProject(false);
  Browser cahors = site_.SignedIn("agent@cahors.fr");
  Page before = cahors.Get("/partenaire/cahors/entreprises");
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_NE(before.body.find("id=\"no-relocation-leads\""), std::string::npos);

  Browser employer = site_.SignedIn("rh@causse-industries.fr");
  EXPECT_EQ(employer.Post(project + "/partage", {{"share_with_partners", "1"}}).status, 303);
  Page after = cahors.Get("/partenaire/cahors/entreprises");
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_NE(after.body.find("Atelier de Cahors"), std::string::npos) << after.body;
  EXPECT_NE(after.body.find("3 membre(s) invité(s), 3 réponse(s)"), std::string::npos);
  EXPECT_NE(after.body.find("conviennent à 2 membre(s) sur 3"), std::string::npos);
  EXPECT_NE(after.body.find("exigé par 1 membre(s)"), std::string::npos);
  for (const char* name : {"alice", "bruno", "chloe", "Mamie"})
    EXPECT_EQ(after.body.find(name), std::string::npos) << name;
  // Figeac lies beyond Alice's places: its best tiles suit fewer members than the best.
  Browser figeac = site_.SignedIn("agent@figeac.fr");
  Page elsewhere = figeac.Get("/partenaire/figeac/entreprises");
  ASSERT_EQ(elsewhere.status, 200) << elsewhere.body;
  EXPECT_NE(elsewhere.body.find("id=\"no-relocation-leads\""), std::string::npos);
  // Withdrawn consent hides it again.
  EXPECT_EQ(employer.Post(project + "/partage", {}).status, 303);
  EXPECT_NE(cahors.Get("/partenaire/cahors/entreprises").body.find("id=\"no-relocation-leads\""),
            std::string::npos);
}

TEST_F(RelocationTest, RegistrationChecksTheSiretAndStaffNeedAnAccount) {
  Browser employer = site_.SignedIn("rh@causse-industries.fr");
  employer.Get("/entreprise");
  Page bad =
      employer.Post("/entreprise", {{"name", "Causse Industries"}, {"siret", "73282932000075"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("clé de contrôle"), std::string::npos);
  Page good = employer.Post("/entreprise", {{"name", "Causse Industries"}, {"siret", kSiret}});
  ASSERT_EQ(good.status, 303);
  Page twice = employer.Post("/entreprise", {{"name", "Autre"}, {"siret", kSiret}});
  EXPECT_EQ(twice.status, 400);
  EXPECT_NE(twice.body.find("déjà inscrite"), std::string::npos);
  // A colleague is added by the address of their account; a stranger's page is a 404.
  Browser alice = site_.SignedIn("alice@exemple.fr");
  EXPECT_EQ(alice.Get(good.location).status, 404);
  EXPECT_EQ(
      employer.Post(good.location + "/equipe", {{"email", "nobody@exemple.fr"}, {"role", "viewer"}})
          .status,
      400);
  EXPECT_EQ(
      employer.Post(good.location + "/equipe", {{"email", "alice@exemple.fr"}, {"role", "viewer"}})
          .status,
      303);
  EXPECT_EQ(alice.Get(good.location).status, 200);
  // A viewer may not create projects.
  EXPECT_EQ(alice.Post(good.location + "/projets", {{"name", "X"}, {"commune", "46042"}}).status,
            403);
}

}  // namespace
}  // namespace vivrovert::relocation
