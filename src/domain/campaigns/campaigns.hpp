// "Territoire semblable" campaigns (option 3, issue #22; docs/SKILLS.md, "Campaigns"): a
// partner writes a plain-text message (subject and body), an operator approves or refuses
// it, and once approved it goes through the outbox (domain/mail) to the consenting people
// (consent 'partner_campaigns', off by default) who
//   - made the partner's territory green without clicking it (its contacts, domain/leads), or
//   - clicked a tile of one of the territories most similar to it (domain/similarity: the
//     kSimilarTerritories EPCI nearest to it), without having opened the partner's own;
// each at most once per campaign (the outbox key "campaign:<id>:<person>" and the
// campaign_recipients row), with the unsubscribe link of the list kCampaigns (leaving
// withdraws the consent). The partner sees counts only: how many were reached, and how many
// then opened its territory (clicked one of its tiles after the mail).
//
// Tables campaigns and campaign_recipients (migration 0029).
//
// Thread safety: stateless functions and an immutable sender; database faults throw
// storage::StorageError.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/mail/templates.hpp"
#include "domain/similarity/territory_similarity.hpp"
#include "engine/engine.hpp"

namespace vivrovert::campaigns {

inline constexpr size_t kMaxSubject = 120;  // characters
inline constexpr size_t kMinBody = 20;
inline constexpr size_t kMaxBody = 4000;
inline constexpr size_t kMaxReviewNote = 1000;
// The EPCI nearest to the partner's territory whose visitors a campaign reaches.
inline constexpr size_t kSimilarTerritories = 10;

struct Campaign {
  int64_t id = 0;
  int64_t partner_id = 0;
  std::string subject;
  std::string body;
  std::string status;  // "submitted", "refused", "sent"
  int64_t created_at = 0;
  std::optional<int64_t> reviewed_at;  // also the sending time of a sent campaign
  std::string review_note;
};

struct CampaignCounts {
  int64_t reached = 0;        // people mailed
  int64_t from_contacts = 0;  // of which: the territory was green for them
  int64_t from_similar = 0;   // of which: they clicked a similar territory
  int64_t opened_after = 0;   // of the reached, who clicked a tile of the territory since
};

// French status label ("En attente de validation", "Refusée", "Envoyée").
const char* StatusLabel(std::string_view status);

class CampaignStore {
 public:
  // A new campaign waiting for an operator. The subject and body are trimmed; errors:
  // InvalidArgument with the field ("subject": empty, over kMaxSubject characters or with
  // a line break; "body": under kMinBody or over kMaxBody characters).
  static Result<Campaign> Submit(storage::Connection& connection, int64_t partner_id,
                                 std::optional<int64_t> created_by, std::string_view subject,
                                 std::string_view body, int64_t now);
  static std::optional<Campaign> Get(storage::Connection& connection, int64_t id);
  // The partner's campaigns, newest first.
  static std::vector<Campaign> OfPartner(storage::Connection& connection, int64_t partner_id);
  // Every campaign waiting for an operator, oldest first.
  static std::vector<Campaign> Waiting(storage::Connection& connection);
  // Refuses a waiting campaign with the operator's reason (required, at most
  // kMaxReviewNote characters). Errors: NotFound, FailedPrecondition (already reviewed),
  // InvalidArgument (field "note").
  static Status Refuse(storage::Connection& connection, int64_t id, int64_t operator_id,
                       std::string_view note, int64_t now);
  static CampaignCounts Counts(storage::Connection& connection, const Campaign& campaign);
  // The campaigns a person received, as (campaign id, sent at), oldest first (RGPD export).
  static std::vector<std::pair<int64_t, int64_t>> ReceivedBy(storage::Connection& connection,
                                                             int64_t user_id);
};

struct Audience {
  std::vector<int64_t> contacts;  // ascending
  std::vector<int64_t> similar;   // ascending, none of them in contacts
};

// Who a campaign of the partner would reach now (consent, deliverable address, not already
// reached by this campaign is the sender's business). `grid` and `similar` may be null (no
// grid loaded): then only contacts.
Audience AudienceOf(storage::Connection& connection, int64_t partner_id,
                    const engine::GridFile* grid, const similarity::SimilarityIndex* similar,
                    int64_t now);

struct SenderOptions {
  std::string public_base_url = "http://localhost:8080";
  std::string secret_key;  // signs the unsubscribe links (Config::SecretKey)
};

// Approves campaigns and sends them. Borrows everything; all must outlive it.
class CampaignSender {
 public:
  CampaignSender(const mail::MailTemplates& templates, const engine::GridFile* grid,
                 const similarity::SimilarityIndex* similar, SenderOptions options)
      : templates_(templates), grid_(grid), similar_(similar), options_(std::move(options)) {}

  // Approves a waiting campaign and queues its mails, in one transaction (the caller's
  // connection must not be in one): the campaign is 'sent' at `now` and its recipients
  // recorded; a campaign.result webhook event is raised with the count. Returns how many
  // people were reached. Errors: NotFound, FailedPrecondition (already reviewed).
  Result<int64_t> Approve(storage::Connection& connection, int64_t id, int64_t operator_id,
                          int64_t now) const;

 private:
  const mail::MailTemplates& templates_;
  const engine::GridFile* grid_;
  const similarity::SimilarityIndex* similar_;
  SenderOptions options_;
};

}  // namespace vivrovert::campaigns
