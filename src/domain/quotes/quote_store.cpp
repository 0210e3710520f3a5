#include "domain/quotes/quote_store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/common/text.hpp"
#include "domain/billing/calendar.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/quotes/quote_pricing.hpp"

namespace vivrovert::quotes {

namespace {

constexpr size_t kMaxShortText = 200;
constexpr size_t kMaxMessage = 4000;

// An address a reply can be sent to: one '@', a dot in the domain, no space.
bool LooksLikeEmail(const std::string& email) {
  const size_t at = email.find('@');
  return email.size() <= 254 && at != std::string::npos && at > 0 &&
         email.find('@', at + 1) == std::string::npos &&
         email.find('.', at + 2) != std::string::npos && email.back() != '.' &&
         email.find_first_of(" \t\r\n<>,;") == std::string::npos;
}

std::optional<std::string> Present(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

constexpr const char* kRequestColumns =
    "id, organisation, kind, contact_name, email, phone, options, pvd_members, months, message, "
    "created_at, answered_at, answered_by";

QuoteRequestRecord RequestFromRow(const storage::Row& row) {
  QuoteRequestRecord record;
  record.id = row.Int(0);
  record.organisation = row.Text(1);
  record.kind = row.Text(2);
  record.contact_name = row.Text(3);
  record.email = row.Text(4);
  record.phone = row.Text(5);
  record.options = row.Text(6);
  record.pvd_members = row.Text(7);
  record.months = static_cast<int>(row.Int(8));
  record.message = row.Text(9);
  record.created_at = row.Int(10);
  record.answered_at = row.OptionalInt(11);
  record.answered_by = row.OptionalInt(12);
  return record;
}

constexpr const char* kQuoteColumns =
    "id, number, partner_id, kind, start_date, options, pvd_members, months, service_start, "
    "monthly_ht, total_ht, valid_until, status, amendment_of, created_by, created_at, sent_at, "
    "accepted_at, accepted_by, accepted_name, accepted_ip, contract_id";

QuoteStatus ParseStatus(std::string_view name) {
  for (QuoteStatus status : {QuoteStatus::kDraft, QuoteStatus::kSent, QuoteStatus::kAccepted,
                             QuoteStatus::kWithdrawn, QuoteStatus::kExpired}) {
    if (QuoteStatusName(status) == name) return status;
  }
  return QuoteStatus::kDraft;
}

QuoteRecord QuoteFromRow(const storage::Row& row) {
  QuoteRecord quote;
  quote.id = row.Int(0);
  quote.number = row.Text(1);
  quote.partner_id = row.Int(2);
  quote.request.type = row.Text(3);
  quote.request.start = row.Text(4);
  quote.request.options = row.Text(5);
  quote.request.pvd_members = Present(row.Text(6));
  quote.request.months = std::to_string(row.Int(7));
  quote.request.service_start = row.Text(8);
  quote.monthly_ht = row.Int(9);
  quote.total_ht = row.Int(10);
  quote.valid_until = row.Text(11);
  quote.stored_status = ParseStatus(row.Text(12));
  quote.amendment_of = row.OptionalInt(13);
  quote.created_by = row.OptionalInt(14);
  quote.created_at = row.Int(15);
  quote.sent_at = row.OptionalInt(16);
  quote.accepted_at = row.OptionalInt(17);
  quote.accepted_by = row.OptionalInt(18);
  quote.accepted_name = row.OptionalText(19).value_or("");
  quote.accepted_ip = row.OptionalText(20).value_or("");
  quote.contract_id = row.OptionalInt(21);
  return quote;
}

std::string AddDays(const std::string& day, int days) {
  const billing::Date date = *billing::ParseIsoDate(day);
  return billing::FormatIsoDate(
      billing::Date{std::chrono::sys_days(date) + std::chrono::days(days)});
}

// The products the amended contract holds in force or to come, leaving out those of the
// contract quote `quote_id` made once accepted (an accepted amendment is priced again for
// its page and its PDF: what it added is not "already subscribed").
std::vector<billing::ProductCode> ProductsOf(storage::Connection& connection,
                                             const subscriptions::Contract& contract,
                                             std::optional<int64_t> quote_id) {
  std::vector<billing::ProductCode> products;
  for (const subscriptions::Subscription& subscription :
       subscriptions::SubscriptionStore::SubscriptionsOf(connection, contract.partner_id)) {
    const bool same_contract = subscription.contract_id == contract.id;
    const std::optional<subscriptions::Contract> holder =
        subscriptions::SubscriptionStore::GetContract(connection, subscription.contract_id);
    const bool its_amendment = holder && holder->amends_contract_id == contract.id;
    const bool this_quotes = holder && quote_id && holder->quote_id == quote_id;
    if ((same_contract || its_amendment) && !this_quotes &&
        subscription.end_date >= subscription.start_date)
      products.push_back(subscription.product);
  }
  return products;
}

Result<billing::Quote> PriceFor(storage::Connection& connection, int64_t partner_id,
                                const billing::QuoteRequestText& request,
                                std::optional<int64_t> amendment_of,
                                std::optional<int64_t> quote_id = std::nullopt) {
  if (!amendment_of) return PriceQuote(request, std::nullopt);
  std::optional<subscriptions::Contract> contract =
      subscriptions::SubscriptionStore::GetContract(connection, *amendment_of);
  if (!contract || contract->partner_id != partner_id)
    return InvalidArgument("Ce contrat n'est pas celui de ce partenaire.", "amendment_of");
  return PriceQuote(request, contract, ProductsOf(connection, *contract, quote_id));
}

}  // namespace

// ---- Requests ----

Result<int64_t> QuoteRequestStore::Create(storage::Connection& connection,
                                          const QuoteRequestForm& form, int64_t now) {
  const std::string organisation = Trim(form.organisation);
  const std::string contact_name = Trim(form.contact_name);
  const std::string email = Trim(form.email);
  if (organisation.empty() || organisation.size() > kMaxShortText)
    return InvalidArgument("Indiquez le nom de votre collectivité (200 caractères au plus).",
                           "organisation");
  if (contact_name.empty() || contact_name.size() > kMaxShortText)
    return InvalidArgument("Indiquez votre nom (200 caractères au plus).", "contact_name");
  if (!LooksLikeEmail(email))
    return InvalidArgument("Adresse e-mail invalide : nous ne pourrions pas vous répondre.",
                           "email");
  if (form.phone.size() > 40) return InvalidArgument("Numéro de téléphone trop long.", "phone");
  if (form.message.size() > kMaxMessage)
    return InvalidArgument("Message trop long (4 000 caractères au plus).", "message");
  if (!form.consent)
    return InvalidArgument(
        "Cochez la case pour accepter que nous vous recontactions au sujet de cette demande.",
        "consent");
  // The quote's own fields follow the simulator's rules (a start date is only needed to
  // compute a schedule; today's stands in).
  billing::QuoteRequestText text;
  text.type = form.kind;
  text.start = "2027-01-01";
  text.options = form.options;
  text.pvd_members = Present(Trim(form.pvd_members));
  text.months = Present(Trim(form.months));
  VV_ASSIGN_OR_RETURN(billing::QuoteRequest request, billing::ParseQuoteRequest(text));
  std::optional<storage::Row> row = connection.QueryOne(
      "INSERT INTO quote_requests (organisation, kind, contact_name, email, phone, options, "
      "pvd_members, months, message, consent, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10) RETURNING id",
      {organisation, std::string(billing::CollectivityKindName(request.kind)), contact_name, email,
       Trim(form.phone), Trim(form.options), Trim(form.pvd_members), int64_t{request.months},
       form.message, now});
  return row->Int(0);
}

std::vector<QuoteRequestRecord> QuoteRequestStore::Waiting(storage::Connection& connection,
                                                           int limit) {
  std::vector<QuoteRequestRecord> requests;
  for (const storage::Row& row :
       connection.Query(std::string("SELECT ") + kRequestColumns +
                            " FROM quote_requests WHERE answered_at IS NULL "
                            "ORDER BY created_at, id LIMIT $1",
                        {int64_t{limit}})) {
    requests.push_back(RequestFromRow(row));
  }
  return requests;
}

std::optional<QuoteRequestRecord> QuoteRequestStore::Get(storage::Connection& connection,
                                                         int64_t id) {
  std::optional<storage::Row> row = connection.QueryOne(
      std::string("SELECT ") + kRequestColumns + " FROM quote_requests WHERE id = $1", {id});
  if (!row) return std::nullopt;
  return RequestFromRow(*row);
}

int64_t QuoteRequestStore::PurgeBefore(storage::Connection& connection, int64_t before, int limit) {
  return connection.Execute(
      "DELETE FROM quote_requests WHERE id IN (SELECT id FROM quote_requests WHERE "
      "COALESCE(answered_at, created_at) < $1 ORDER BY id LIMIT $2)",
      {before, int64_t{limit}});
}

Status QuoteRequestStore::MarkAnswered(storage::Connection& connection, int64_t id, int64_t user_id,
                                       int64_t now) {
  if (connection.Execute("UPDATE quote_requests SET answered_at = $1, answered_by = $2 "
                         "WHERE id = $3 AND answered_at IS NULL",
                         {now, user_id, id}) == 1)
    return Status::Ok();
  if (!Get(connection, id)) return NotFound("Demande de devis introuvable.");
  return FailedPrecondition("Cette demande est déjà marquée comme traitée.");
}

// ---- Quotes ----

std::string_view QuoteStatusName(QuoteStatus status) {
  switch (status) {
    case QuoteStatus::kDraft:
      return "draft";
    case QuoteStatus::kSent:
      return "sent";
    case QuoteStatus::kAccepted:
      return "accepted";
    case QuoteStatus::kWithdrawn:
      return "withdrawn";
    case QuoteStatus::kExpired:
      return "expired";
  }
  return "draft";
}

std::string_view QuoteStatusLabel(QuoteStatus status) {
  switch (status) {
    case QuoteStatus::kDraft:
      return "Brouillon";
    case QuoteStatus::kSent:
      return "Envoyé";
    case QuoteStatus::kAccepted:
      return "Accepté";
    case QuoteStatus::kWithdrawn:
      return "Retiré";
    case QuoteStatus::kExpired:
      return "Expiré";
  }
  return "Brouillon";
}

QuoteStatus QuoteRecord::StatusOn(const std::string& today) const {
  if ((stored_status == QuoteStatus::kDraft || stored_status == QuoteStatus::kSent) &&
      valid_until < today)
    return QuoteStatus::kExpired;
  return stored_status;
}

Result<QuoteRecord> QuoteStore::Create(storage::Connection& connection, const NewQuote& input,
                                       const std::string& today, int64_t now) {
  if (!billing::ParseIsoDate(today)) return InvalidArgument("Date du jour illisible.", "today");
  storage::Transaction transaction(connection);
  VV_ASSIGN_OR_RETURN(billing::Quote quote,
                      PriceFor(connection, input.partner_id, input.request, input.amendment_of));
  const int64_t year = std::stoll(today.substr(0, 4));
  // One upsert both allocates and locks the year's counter until the quote is inserted, so
  // concurrent creations get consecutive numbers and a rolled-back one leaves no gap.
  std::optional<storage::Row> allocated = connection.QueryOne(
      "INSERT INTO quote_numbers (year, last_number) VALUES ($1, 1) ON CONFLICT (year) DO "
      "UPDATE SET last_number = quote_numbers.last_number + 1 RETURNING last_number",
      {year});
  char number[32];
  std::snprintf(number, sizeof number, "D-%04lld-%04lld", static_cast<long long>(year),
                static_cast<long long>(allocated->Int(0)));
  const billing::QuoteRequestText& text = input.request;
  std::optional<storage::Row> row = connection.QueryOne(
      "INSERT INTO quotes (number, partner_id, kind, start_date, options, pvd_members, months, "
      "service_start, monthly_ht, total_ht, valid_until, status, amendment_of, created_by, "
      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'draft', $12, $13, $14) "
      "RETURNING id",
      {std::string(number), input.partner_id,
       std::string(billing::CollectivityKindName(quote.kind)), billing::FormatIsoDate(quote.start),
       Trim(text.options.value_or("")), Trim(text.pvd_members.value_or("")), int64_t{quote.months},
       billing::FormatIsoDate(quote.service_start), quote.monthly_ht, quote.total_ht,
       AddDays(today, kValidityDays - 1),
       input.amendment_of ? storage::SqlValue(*input.amendment_of) : storage::SqlValue(nullptr),
       input.created_by > 0 ? storage::SqlValue(input.created_by) : storage::SqlValue(nullptr),
       now});
  const int64_t id = row->Int(0);
  transaction.Commit();
  return *Get(connection, id);
}

std::optional<QuoteRecord> QuoteStore::Get(storage::Connection& connection, int64_t id) {
  std::optional<storage::Row> row = connection.QueryOne(
      std::string("SELECT ") + kQuoteColumns + " FROM quotes WHERE id = $1", {id});
  if (!row) return std::nullopt;
  return QuoteFromRow(*row);
}

std::vector<QuoteRecord> QuoteStore::OfPartner(storage::Connection& connection,
                                               int64_t partner_id) {
  std::vector<QuoteRecord> quotes;
  for (const storage::Row& row :
       connection.Query(std::string("SELECT ") + kQuoteColumns +
                            " FROM quotes WHERE partner_id = $1 ORDER BY created_at DESC, id DESC",
                        {partner_id})) {
    quotes.push_back(QuoteFromRow(row));
  }
  return quotes;
}

std::vector<QuoteRecord> QuoteStore::Recent(storage::Connection& connection, int limit) {
  std::vector<QuoteRecord> quotes;
  for (const storage::Row& row :
       connection.Query(std::string("SELECT ") + kQuoteColumns +
                            " FROM quotes ORDER BY created_at DESC, id DESC LIMIT $1",
                        {int64_t{limit}})) {
    quotes.push_back(QuoteFromRow(row));
  }
  return quotes;
}

Result<billing::Quote> QuoteStore::Price(storage::Connection& connection,
                                         const QuoteRecord& quote) {
  billing::QuoteRequestText text = quote.request;
  // The stored months of an amendment are its computed rest: PriceQuote derives them again.
  return PriceFor(connection, quote.partner_id, text, quote.amendment_of, quote.id);
}

Status QuoteStore::Send(storage::Connection& connection, int64_t id, const std::string& today,
                        int64_t now) {
  std::optional<QuoteRecord> quote = Get(connection, id);
  if (!quote) return NotFound("Devis introuvable.");
  if (quote->StatusOn(today) != QuoteStatus::kDraft)
    return FailedPrecondition("Seul un devis en brouillon et encore valable peut être envoyé.");
  connection.Execute(
      "UPDATE quotes SET status = 'sent', sent_at = $1 WHERE id = $2 AND status = 'draft'",
      {now, id});
  return Status::Ok();
}

Status QuoteStore::Withdraw(storage::Connection& connection, int64_t id) {
  if (connection.Execute("UPDATE quotes SET status = 'withdrawn' WHERE id = $1 AND status IN "
                         "('draft', 'sent')",
                         {id}) == 1)
    return Status::Ok();
  if (!Get(connection, id)) return NotFound("Devis introuvable.");
  return FailedPrecondition("Ce devis ne peut plus être retiré.");
}

Result<subscriptions::Contract> QuoteStore::Accept(storage::Connection& connection,
                                                   const Acceptance& acceptance, int64_t now) {
  const std::string name = Trim(acceptance.name);
  storage::Transaction transaction(connection);
  std::optional<QuoteRecord> quote = Get(connection, acceptance.quote_id);
  if (!quote || quote->partner_id != acceptance.partner_id ||
      quote->stored_status == QuoteStatus::kDraft)
    return NotFound("Devis introuvable.");
  switch (quote->StatusOn(acceptance.today)) {
    case QuoteStatus::kAccepted:
      return FailedPrecondition("Ce devis a déjà été accepté.");
    case QuoteStatus::kWithdrawn:
      return FailedPrecondition("Ce devis a été retiré : il ne peut plus être accepté.");
    case QuoteStatus::kExpired:
      return FailedPrecondition(
          "Ce devis a expiré le " +
          billing::FormatFrenchDate(*billing::ParseIsoDate(quote->valid_until)) +
          " : il ne peut plus être accepté. Demandez-nous un nouveau devis.");
    case QuoteStatus::kDraft:
    case QuoteStatus::kSent:
      break;
  }
  if (name.empty() || name.size() > kMaxShortText)
    return InvalidArgument("Tapez vos nom et prénom pour signer.", "name");
  if (!acceptance.agreed) return InvalidArgument("Cochez « Bon pour accord ».", "accord");
  // The conditional update claims the quote: of two acceptances at once, one changes it.
  if (connection.Execute("UPDATE quotes SET status = 'accepted', accepted_at = $1, "
                         "accepted_by = $2, accepted_name = $3, accepted_ip = $4 "
                         "WHERE id = $5 AND status = 'sent'",
                         {now, acceptance.user_id, name, acceptance.ip, quote->id}) != 1)
    return FailedPrecondition("Ce devis a déjà été accepté.");
  VV_ASSIGN_OR_RETURN(billing::Quote priced, Price(connection, *quote));

  subscriptions::NewContract contract;
  contract.partner_id = quote->partner_id;
  contract.quote_id = quote->id;
  contract.amends_contract_id = quote->amendment_of;
  contract.start_date = billing::FormatIsoDate(priced.start);
  contract.service_start = billing::FormatIsoDate(priced.service_start);
  contract.months = priced.months;
  // The night's run invoices the contract on billing::ScheduleOf, the quote's own schedule.
  contract.monthly_ht_cents = priced.monthly_ht;
  std::vector<int64_t> grouping_members;
  if (priced.pvd) {
    std::optional<partners::Partner> grouping =
        partners::PartnerStore::Get(connection, quote->partner_id);
    if (grouping) grouping_members = grouping->member_ids;
    std::sort(grouping_members.begin(), grouping_members.end());
  }
  for (const billing::QuoteLine& line : priced.lines) {
    subscriptions::ContractLine contract_line{line.code, {}};
    if (priced.pvd && line.code != billing::ProductCode::kBase) {
      auto chosen = acceptance.members.find(line.code);
      std::vector<int64_t> members;
      if (chosen != acceptance.members.end()) {
        members = chosen->second;
      } else {
        members.assign(
            grouping_members.begin(),
            grouping_members.begin() + std::min<size_t>(grouping_members.size(), line.members));
      }
      std::sort(members.begin(), members.end());
      members.erase(std::unique(members.begin(), members.end()), members.end());
      const bool all_members = std::all_of(members.begin(), members.end(), [&](int64_t id) {
        return std::binary_search(grouping_members.begin(), grouping_members.end(), id);
      });
      if (static_cast<int>(members.size()) != line.members || !all_members) {
        return InvalidArgument(std::string(billing::ProductLabel(line.code)) + " : choisissez " +
                                   std::to_string(line.members) +
                                   " membre(s) du groupement (le devis en compte autant).",
                               "members");
      }
      contract_line.member_ids = std::move(members);
    }
    contract.lines.push_back(std::move(contract_line));
  }
  VV_ASSIGN_OR_RETURN(subscriptions::Contract created,
                      subscriptions::SubscriptionStore::CreateContract(connection, contract, now));
  connection.Execute("UPDATE quotes SET contract_id = $1 WHERE id = $2", {created.id, quote->id});
  transaction.Commit();
  return created;
}

}  // namespace vivrovert::quotes
