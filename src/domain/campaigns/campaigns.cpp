#include "domain/campaigns/campaigns.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_set>

#include "core/common/text.hpp"
#include "core/storage/batch.hpp"
#include "domain/interests/interest_store.hpp"
#include "domain/leads/lead_rules.hpp"
#include "domain/leads/lead_store.hpp"
#include "domain/mail/unsubscribe.hpp"
#include "domain/notifications/notification_pass.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/partners/partner_territory.hpp"
#include "domain/profiles/profile.hpp"
#include "domain/webhooks/webhook_store.hpp"

namespace vivrovert::campaigns {

namespace {

constexpr const char* kColumns =
    "SELECT id, partner_id, subject, body, status, created_at, reviewed_at, review_note FROM "
    "campaigns ";

Campaign CampaignOf(const storage::Row& row) {
  return {row.Int(0),  row.Int(1), row.Text(2),        row.Text(3),
          row.Text(4), row.Int(5), row.OptionalInt(6), row.Text(7)};
}

size_t Characters(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

// Line ends as "\n" only, trailing spaces of the whole text gone.
std::string Normalise(std::string_view text) {
  std::string out;
  for (size_t idx = 0; idx < text.size(); ++idx) {
    if (text[idx] == '\r') {
      out += '\n';
      if (idx + 1 < text.size() && text[idx + 1] == '\n') ++idx;
    } else {
      out += text[idx];
    }
  }
  return Trim(out);
}

// The tile ids (both levels) of the `k` EPCI nearest to the partner's territory.
std::unordered_set<std::string> SimilarTiles(storage::Connection& connection,
                                             const engine::GridFile& grid,
                                             const similarity::SimilarityIndex& similar,
                                             const partners::Partner& partner, size_t k) {
  std::unordered_set<std::string> tiles;
  Result<engine::Territory> territory = partners::ResolveTerritory(connection, grid, partner);
  const engine::LevelView* index_level = grid.level(similar.level());
  if (!territory.ok() || index_level == nullptr) return tiles;
  std::vector<std::string> own;
  for (uint32_t commune : territory->communes()) own.push_back(grid.communes()[commune].epci);
  const std::vector<similarity::Neighbour> nearest =
      similar.Nearest(similar.ProfileOf(grid, territory->Tiles(*index_level)), k, own);
  for (const similarity::Neighbour& neighbour : nearest) {
    const std::vector<uint32_t>* communes =
        grid.CommunesWithCode(engine::GridFile::CodeKind::kEpci, neighbour.code);
    if (communes == nullptr) continue;
    const engine::Territory epci = engine::Territory::FromCommunes(*communes);
    for (engine::Level level : {engine::Level::k1km, engine::Level::k5km}) {
      const engine::LevelView* view = grid.level(level);
      if (view == nullptr) continue;
      for (uint32_t tile_idx : epci.Tiles(*view)) tiles.insert(view->tile(tile_idx).ToString());
    }
  }
  return tiles;
}

void Paragraphs(const std::string& body, nlohmann::json& values) {
  // The body as paragraphs (blank lines) of lines, for the HTML mail.
  nlohmann::json paragraphs = nlohmann::json::array();
  std::string current;
  const auto flush = [&paragraphs, &current] {
    if (!Trim(current).empty()) {
      nlohmann::json lines = nlohmann::json::array();
      size_t start = 0;
      const std::string text = Trim(current);
      while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        lines.push_back({{"line", text.substr(start, end - start)}, {"not_first", start > 0}});
        start = end + 1;
      }
      paragraphs.push_back({{"lines", lines}});
    }
    current.clear();
  };
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    const std::string line = body.substr(start, end - start);
    if (Trim(line).empty())
      flush();
    else
      current += (current.empty() ? "" : "\n") + line;
    start = end + 1;
  }
  flush();
  values["paragraphs"] = paragraphs;
}

}  // namespace

const char* StatusLabel(std::string_view status) {
  if (status == "submitted") return "En attente de validation";
  if (status == "refused") return "Refusée";
  if (status == "sent") return "Envoyée";
  return "Inconnu";
}

Result<Campaign> CampaignStore::Submit(storage::Connection& connection, int64_t partner_id,
                                       std::optional<int64_t> created_by, std::string_view subject,
                                       std::string_view body, int64_t now) {
  const std::string clean_subject = Trim(subject);
  const std::string clean_body = Normalise(body);
  if (!IsValidUtf8(clean_subject))
    return InvalidArgument("L'objet n'est pas du texte UTF-8.", "subject");
  if (!IsValidUtf8(clean_body))
    return InvalidArgument("Le message n'est pas du texte UTF-8.", "body");
  if (clean_subject.empty()) return InvalidArgument("L'objet est vide.", "subject");
  if (clean_subject.find_first_of("\r\n") != std::string::npos)
    return InvalidArgument("L'objet doit tenir sur une ligne.", "subject");
  if (Characters(clean_subject) > kMaxSubject)
    return InvalidArgument("L'objet dépasse " + std::to_string(kMaxSubject) + " caractères (" +
                               std::to_string(Characters(clean_subject)) + ").",
                           "subject");
  if (Characters(clean_body) < kMinBody)
    return InvalidArgument(
        "Le message doit faire au moins " + std::to_string(kMinBody) + " caractères.", "body");
  if (Characters(clean_body) > kMaxBody)
    return InvalidArgument("Le message dépasse " + std::to_string(kMaxBody) + " caractères (" +
                               std::to_string(Characters(clean_body)) + ").",
                           "body");
  auto row = connection.QueryOne(
      "INSERT INTO campaigns (partner_id, subject, body, status, created_by, created_at) VALUES "
      "($1, $2, $3, 'submitted', $4, $5) RETURNING id",
      {partner_id, clean_subject, clean_body,
       created_by ? storage::SqlValue(*created_by) : storage::SqlValue(nullptr), now});
  return Campaign{row->Int(0), partner_id, clean_subject, clean_body,
                  "submitted", now,        std::nullopt,  ""};
}

std::optional<Campaign> CampaignStore::Get(storage::Connection& connection, int64_t id) {
  auto row = connection.QueryOne(std::string(kColumns) + "WHERE id = $1", {id});
  if (!row) return std::nullopt;
  return CampaignOf(*row);
}

std::vector<Campaign> CampaignStore::OfPartner(storage::Connection& connection,
                                               int64_t partner_id) {
  std::vector<Campaign> campaigns;
  for (const storage::Row& row : connection.Query(
           std::string(kColumns) + "WHERE partner_id = $1 ORDER BY id DESC", {partner_id}))
    campaigns.push_back(CampaignOf(row));
  return campaigns;
}

std::vector<Campaign> CampaignStore::Waiting(storage::Connection& connection) {
  std::vector<Campaign> campaigns;
  for (const storage::Row& row :
       connection.Query(std::string(kColumns) + "WHERE status = 'submitted' ORDER BY id"))
    campaigns.push_back(CampaignOf(row));
  return campaigns;
}

Status CampaignStore::Refuse(storage::Connection& connection, int64_t id, int64_t operator_id,
                             std::string_view note, int64_t now) {
  const std::string reason = Trim(note);
  if (reason.empty())
    return InvalidArgument("Dites au partenaire pourquoi la campagne est refusée.", "note");
  if (Characters(reason) > kMaxReviewNote)
    return InvalidArgument("Le motif dépasse " + std::to_string(kMaxReviewNote) + " caractères.",
                           "note");
  std::optional<Campaign> campaign = Get(connection, id);
  if (!campaign) return NotFound("Campagne inconnue.");
  if (campaign->status != "submitted")
    return FailedPrecondition("Cette campagne a déjà été examinée.");
  connection.Execute(
      "UPDATE campaigns SET status = 'refused', reviewed_by = $1, reviewed_at = $2, review_note "
      "= $3 WHERE id = $4 AND status = 'submitted'",
      {operator_id, now, reason, id});
  return Status::Ok();
}

CampaignCounts CampaignStore::Counts(storage::Connection& connection, const Campaign& campaign) {
  CampaignCounts counts;
  std::vector<int64_t> people;
  for (const storage::Row& row : connection.Query("SELECT user_id, reason FROM campaign_recipients "
                                                  "WHERE campaign_id = $1 ORDER BY user_id",
                                                  {campaign.id})) {
    people.push_back(row.Int(0));
    ++(row.Text(1) == "contact" ? counts.from_contacts : counts.from_similar);
  }
  counts.reached = static_cast<int64_t>(people.size());
  if (campaign.reviewed_at && !people.empty())
    counts.opened_after =
        static_cast<int64_t>(leads::LeadStore::ClickedSince(connection, campaign.partner_id, people,
                                                            *campaign.reviewed_at)
                                 .size());
  return counts;
}

std::vector<std::pair<int64_t, int64_t>> CampaignStore::ReceivedBy(storage::Connection& connection,
                                                                   int64_t user_id) {
  std::vector<std::pair<int64_t, int64_t>> received;
  for (const storage::Row& row :
       connection.Query("SELECT campaign_id, sent_at FROM campaign_recipients WHERE user_id = $1 "
                        "ORDER BY sent_at, campaign_id",
                        {user_id}))
    received.emplace_back(row.Int(0), row.Int(1));
  return received;
}

Audience AudienceOf(storage::Connection& connection, int64_t partner_id,
                    const engine::GridFile* grid, const similarity::SimilarityIndex* similar,
                    int64_t now) {
  Audience audience;
  std::set<int64_t> contacts, prospects;
  for (const leads::Lead& lead :
       leads::LeadsAt(leads::LeadStore::Load(connection, partner_id), now))
    (lead.kind == leads::LeadKind::kContact ? contacts : prospects).insert(lead.user_id);
  const std::vector<int64_t> consented =
      profiles::ProfileStore::GrantedAll(connection, profiles::kCampaignsConsent);
  if (consented.empty()) return audience;
  std::set<int64_t> similar_people;
  if (grid != nullptr && similar != nullptr) {
    if (auto partner = partners::PartnerStore::Get(connection, partner_id)) {
      const std::unordered_set<std::string> tiles =
          SimilarTiles(connection, *grid, *similar, *partner, kSimilarTerritories);
      if (!tiles.empty()) {
        for (const auto& [user_id, clicked] :
             interests::InterestStore::ClickedTilesOf(connection, consented)) {
          if (contacts.contains(user_id) || prospects.contains(user_id)) continue;
          for (const std::string& tile : clicked) {
            if (tiles.contains(tile)) {
              similar_people.insert(user_id);
              break;
            }
          }
        }
      }
    }
  }
  std::set<int64_t> consented_contacts;
  for (int64_t user_id : consented) {
    if (contacts.contains(user_id)) consented_contacts.insert(user_id);
  }
  // Only people whose address works (verified, not bouncing).
  std::vector<int64_t> everyone(consented_contacts.begin(), consented_contacts.end());
  everyone.insert(everyone.end(), similar_people.begin(), similar_people.end());
  const std::map<int64_t, notifications::Recipient> recipients =
      notifications::LoadRecipients(connection, everyone);
  const auto deliverable = [&recipients](int64_t user_id) {
    auto found = recipients.find(user_id);
    return found != recipients.end() && found->second.deliverable;
  };
  for (int64_t user_id : consented_contacts)
    if (deliverable(user_id)) audience.contacts.push_back(user_id);
  for (int64_t user_id : similar_people)
    if (deliverable(user_id)) audience.similar.push_back(user_id);
  return audience;
}

Result<int64_t> CampaignSender::Approve(storage::Connection& connection, int64_t id,
                                        int64_t operator_id, int64_t now) const {
  storage::Transaction transaction(connection);
  const std::vector<storage::Row> locked =
      storage::QueryForUpdate(connection, "SELECT status FROM campaigns WHERE id = $1", {id});
  if (locked.empty()) return NotFound("Campagne inconnue.");
  if (locked.front().Text(0) != "submitted")
    return FailedPrecondition("Cette campagne a déjà été examinée.");
  std::optional<Campaign> campaign = CampaignStore::Get(connection, id);
  std::optional<partners::Partner> partner =
      partners::PartnerStore::Get(connection, campaign->partner_id);
  if (!partner) return NotFound("Partenaire inconnu.");
  const Audience audience = AudienceOf(connection, campaign->partner_id, grid_, similar_, now);

  std::vector<int64_t> everyone = audience.contacts;
  everyone.insert(everyone.end(), audience.similar.begin(), audience.similar.end());
  const std::map<int64_t, notifications::Recipient> recipients =
      notifications::LoadRecipients(connection, everyone);
  std::string base = options_.public_base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  int64_t reached = 0, from_contacts = 0, from_similar = 0;
  const auto send = [&](int64_t user_id, bool contact) {
    auto recipient = recipients.find(user_id);
    if (recipient == recipients.end()) return;
    nlohmann::json values = {
        {"display_name", recipient->second.display_name},
        {"partner_name", partner->name},
        {"subject", campaign->subject},
        {"body", campaign->body},
        {"contact", contact},
        {"similar", !contact},
        {"profile_url", base + "/compte/profil#unvisited-jobs"},
        {"unsubscribe_url",
         mail::UnsubscribeUrl(base, options_.secret_key, mail::MailList::kCampaigns, user_id)}};
    Paragraphs(campaign->body, values);
    Result<mail::OutgoingMessage> message = templates_.RenderNested("campaign", values);
    if (!message.ok()) throw std::runtime_error("campaign: " + message.status().message());
    message->idempotency_key =
        "campaign:" + std::to_string(campaign->id) + ":" + std::to_string(user_id);
    message->to_address = recipient->second.email;
    mail::AddUnsubscribeHeaders(*message, values["unsubscribe_url"].get<std::string>());
    if (!mail::Enqueue(connection, *message, now)) return;  // never twice per campaign
    connection.Execute(
        "INSERT INTO campaign_recipients (campaign_id, user_id, reason, sent_at) VALUES ($1, $2, "
        "$3, $4) ON CONFLICT (campaign_id, user_id) DO NOTHING",
        {campaign->id, user_id, std::string(contact ? "contact" : "similar"), now});
    ++reached;
    ++(contact ? from_contacts : from_similar);
  };
  for (int64_t user_id : audience.contacts) send(user_id, true);
  for (int64_t user_id : audience.similar) send(user_id, false);
  connection.Execute(
      "UPDATE campaigns SET status = 'sent', reviewed_by = $1, reviewed_at = $2 WHERE id = $3",
      {operator_id, now, id});
  webhooks::WebhookStore::Raise(connection, campaign->partner_id,
                                webhooks::EventType::kCampaignResult, std::nullopt,
                                {{"campaign", campaign->id},
                                 {"subject", campaign->subject},
                                 {"reached", reached},
                                 {"from_contacts", from_contacts},
                                 {"from_similar", from_similar}},
                                now);
  transaction.Commit();
  return reached;
}

}  // namespace vivrovert::campaigns
