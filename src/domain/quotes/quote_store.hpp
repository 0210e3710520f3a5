// Quotes (tables `quote_requests`, `quote_numbers`, `quotes`, migration 0016): the requests
// sent from the public price simulator, which operators answer within 3 days, and the
// numbered quotes (devis) made for a partner, which its administrator accepts on line —
// the acceptance makes the contract and its subscriptions (domain/subscriptions) in the
// same transaction (docs/BILLING.md, "Quotes").
//
// A quote keeps the request as typed; its lines and schedule are computed again from it
// (PriceQuote) whenever it is shown, so the page, the PDF and the contract agree.
//
// Stateless functions on the caller's connection. Expected outcomes are Status values
// (French message, field); database faults throw storage::StorageError. Create and Accept
// open their own transaction: call them outside one.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"
#include "core/storage/database.hpp"
#include "domain/billing/quote.hpp"
#include "domain/subscriptions/subscriptions.hpp"

namespace vivrovert::quotes {

inline constexpr int kValidityDays = 30;                    // a quote may be accepted for 30 days
inline constexpr int64_t kAnswerWithinSeconds = 3 * 86400;  // the seed: answer within 3 days

// ---- Requests ("Bon pour demande de devis") ----

struct QuoteRequestForm {
  std::string organisation;
  std::string kind;  // billing's kind names ("commune", "epci", "departement")
  std::string contact_name;
  std::string email;
  std::string phone;
  std::string options;      // "1,2"
  std::string pvd_members;  // "" | "4" | "1=4,3=2"
  std::string months;       // "12" … "60"
  std::string message;
  bool consent = false;  // agrees to be contacted about the request (RGPD)
};

struct QuoteRequestRecord {
  int64_t id = 0;
  std::string organisation;
  std::string kind;
  std::string contact_name;
  std::string email;
  std::string phone;
  std::string options;
  std::string pvd_members;
  int months = 12;
  std::string message;
  int64_t created_at = 0;
  std::optional<int64_t> answered_at;
  std::optional<int64_t> answered_by;
};

class QuoteRequestStore {
 public:
  // Checks and records a request. InvalidArgument naming the field ("organisation",
  // "contact_name", "email", "consent", "message", or the quote's own: "type", "options",
  // "pvd_members", "months").
  static Result<int64_t> Create(storage::Connection& connection, const QuoteRequestForm& form,
                                int64_t now);
  // Requests not answered yet, oldest first.
  static std::vector<QuoteRequestRecord> Waiting(storage::Connection& connection, int limit = 200);
  static std::optional<QuoteRequestRecord> Get(storage::Connection& connection, int64_t id);
  // NotFound for no such request; FailedPrecondition when already answered.
  static Status MarkAnswered(storage::Connection& connection, int64_t id, int64_t user_id,
                             int64_t now);
  // Retention (RGPD): deletes requests whose last contact — the answer, or the request when
  // unanswered — is before `before`, at most `limit`; returns how many.
  static int64_t PurgeBefore(storage::Connection& connection, int64_t before, int limit);
};

// ---- Quotes ----

enum class QuoteStatus { kDraft, kSent, kAccepted, kWithdrawn, kExpired };
// "draft", "sent", "accepted", "withdrawn", "expired".
std::string_view QuoteStatusName(QuoteStatus status);
// "Brouillon", "Envoyé", "Accepté", "Retiré", "Expiré".
std::string_view QuoteStatusLabel(QuoteStatus status);

struct NewQuote {
  int64_t partner_id = 0;
  billing::QuoteRequestText request;
  std::optional<int64_t> amendment_of;  // a contract of the partner
  int64_t created_by = 0;
};

struct QuoteRecord {
  int64_t id = 0;
  std::string number;  // "D-2027-0001"
  int64_t partner_id = 0;
  billing::QuoteRequestText request;  // as typed (absent fields stored empty)
  billing::Cents monthly_ht = 0;
  billing::Cents total_ht = 0;
  std::string valid_until;  // AAAA-MM-JJ, last day it may be accepted
  QuoteStatus stored_status = QuoteStatus::kDraft;
  std::optional<int64_t> amendment_of;
  std::optional<int64_t> created_by;
  int64_t created_at = 0;
  std::optional<int64_t> sent_at;
  std::optional<int64_t> accepted_at;
  std::optional<int64_t> accepted_by;
  std::string accepted_name;
  std::string accepted_ip;
  std::optional<int64_t> contract_id;

  // The status on `today` (AAAA-MM-JJ): a draft or sent quote past its validity is expired.
  QuoteStatus StatusOn(const std::string& today) const;
};

struct Acceptance {
  int64_t quote_id = 0;
  int64_t partner_id = 0;  // the partner whose page it is: another's quote is NotFound
  int64_t user_id = 0;
  std::string name;     // typed by the person accepting
  bool agreed = false;  // the "Bon pour accord" box
  std::string ip;
  std::string today;  // Paris day, AAAA-MM-JJ
  // PVD: the members each option is granted to, as many as the quote counts; an option
  // missing here takes the grouping's first members by id.
  std::map<billing::ProductCode, std::vector<int64_t>> members;
};

class QuoteStore {
 public:
  // Prices `input` (PriceQuote; an amendment against the partner's contract), allocates the
  // next number of `today`'s year and records a draft valid kValidityDays days, all in one
  // transaction. InvalidArgument naming the field; NotFound when the amended contract is
  // not the partner's.
  static Result<QuoteRecord> Create(storage::Connection& connection, const NewQuote& input,
                                    const std::string& today, int64_t now);
  static std::optional<QuoteRecord> Get(storage::Connection& connection, int64_t id);
  // Newest first.
  static std::vector<QuoteRecord> OfPartner(storage::Connection& connection, int64_t partner_id);
  static std::vector<QuoteRecord> Recent(storage::Connection& connection, int limit = 100);
  // The quote priced again from its stored request (lines, schedule, warnings).
  static Result<billing::Quote> Price(storage::Connection& connection, const QuoteRecord& quote);
  // Draft → sent (the partner may then see and accept it). FailedPrecondition otherwise.
  static Status Send(storage::Connection& connection, int64_t id, const std::string& today,
                     int64_t now);
  // Draft or sent → withdrawn. FailedPrecondition otherwise.
  static Status Withdraw(storage::Connection& connection, int64_t id);
  // The partner's administrator accepts a sent quote within its validity: keeps the
  // name, time, user and IP as proof and creates the contract (SubscriptionStore::
  // CreateContract: the base and the options, PVD members, the amended contract) in one
  // transaction. NotFound when the quote is not the partner's or not sent to it yet;
  // InvalidArgument "name" / "accord"; FailedPrecondition (French) when it is expired,
  // withdrawn or already accepted.
  static Result<subscriptions::Contract> Accept(storage::Connection& connection,
                                                const Acceptance& acceptance, int64_t now);
};

}  // namespace vivrovert::quotes
