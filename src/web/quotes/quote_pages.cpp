#include "web/quotes/quote_pages.hpp"

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/common/json_input.hpp"
#include "core/common/paris_time.hpp"
#include "core/common/text.hpp"
#include "domain/billing/quote_format.hpp"
#include "domain/limits/throttle.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/quotes/quote_document.hpp"
#include "domain/quotes/quote_pricing.hpp"
#include "domain/quotes/quote_store.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "web/partners/page_parts.hpp"
#include "web/partners/partner_access.hpp"

namespace vivrovert::quotes {

namespace {

using billing::ProductCode;
using web::Context;
using web::Response;

// Requests a client network may send from the public form.
constexpr accounts::ThrottleLimit kRequestLimit{5, 3600};
constexpr const char* kRequestLimitPrefix = "quote_request:";

// A field of the request: the form's, else the query's.
std::optional<std::string> Field(const web::Request& request, std::string_view name) {
  if (auto value = request.Form(name)) return value;
  return request.Query(name);
}

std::optional<std::string> NonEmpty(std::optional<std::string> value) {
  if (!value || Trim(*value).empty()) return std::nullopt;
  return Trim(*value);
}

// The quote fields of a form or query: `options` as "1,2" or the boxes option1…option3.
billing::QuoteRequestText TextOf(const web::Request& request) {
  billing::QuoteRequestText text;
  text.type = NonEmpty(Field(request, "type"));
  text.start = NonEmpty(Field(request, "start"));
  text.options = NonEmpty(Field(request, "options"));
  if (!text.options) {
    std::string options;
    for (const char* number : {"1", "2", "3"}) {
      if (Field(request, std::string("option") + number))
        options += (options.empty() ? "" : ",") + std::string(number);
    }
    text.options = options;
  }
  text.pvd_members = NonEmpty(Field(request, "pvd_members"));
  text.months = NonEmpty(Field(request, "months"));
  text.service_start = NonEmpty(Field(request, "service_start"));
  return text;
}

bool HasOption(const billing::QuoteRequestText& text, char number) {
  return text.options && text.options->find(number) != std::string::npos;
}

// The form's current values, for the templates (days as JJ/MM/AAAA).
mstch::map FormValues(const billing::QuoteRequestText& text) {
  mstch::array kinds;
  for (billing::CollectivityKind kind :
       {billing::CollectivityKind::kCommune, billing::CollectivityKind::kEpci,
        billing::CollectivityKind::kDepartement}) {
    const std::string name(billing::CollectivityKindName(kind));
    kinds.push_back(mstch::map{{"code", name},
                               {"label", std::string(billing::CollectivityKindLabel(kind))},
                               {"selected", text.type.value_or("") == name}});
  }
  std::string options;
  for (char number : {'1', '2', '3'}) {
    if (HasOption(text, number)) options += (options.empty() ? "" : ",") + std::string(1, number);
  }
  return mstch::map{{"kinds", kinds},
                    {"type", text.type.value_or("")},
                    {"start", FrenchDay(text.start.value_or(""))},
                    {"options", options},
                    {"option1", HasOption(text, '1')},
                    {"option2", HasOption(text, '2')},
                    {"option3", HasOption(text, '3')},
                    {"pvd_members", text.pvd_members.value_or("")},
                    {"months", text.months.value_or("12")},
                    {"service_start", FrenchDay(text.service_start.value_or(""))}};
}

std::string LineDetail(const billing::QuoteLine& line) {
  if (line.members <= 1 && line.rate_percent == 100) return "";
  std::string detail = std::to_string(line.members) + " × " +
                       billing::FormatEurosFrench(line.unit_monthly_ht) + " × " +
                       std::to_string(line.rate_percent) + " %";
  if (line.floor_applied) detail += ", porté au prix d'une collectivité";
  return detail;
}

// A computed quote as every page shows it (the lines, totals, schedule and warnings).
mstch::map QuoteData(const billing::Quote& quote) {
  mstch::array lines;
  for (const billing::QuoteLine& line : quote.lines) {
    lines.push_back(mstch::map{{"code", std::string(billing::ProductCodeName(line.code))},
                               {"label", std::string(billing::ProductLabel(line.code))},
                               {"detail", LineDetail(line)},
                               {"monthly", billing::FormatEurosFrench(line.monthly_ht)}});
  }
  mstch::array schedule;
  for (const billing::Instalment& instalment : quote.schedule) {
    schedule.push_back(mstch::map{{"due", billing::FormatFrenchDate(instalment.due)},
                                  {"label", instalment.label},
                                  {"ht", billing::FormatEurosFrench(instalment.amount_ht)},
                                  {"tva", billing::FormatEurosFrench(instalment.tva)},
                                  {"ttc", billing::FormatEurosFrench(instalment.amount_ttc)}});
  }
  mstch::array warnings;
  for (const std::string& warning : quote.warnings) warnings.push_back(warning);
  return mstch::map{{"kind", std::string(billing::CollectivityKindLabel(quote.kind))},
                    {"pvd", quote.pvd},
                    {"months", std::to_string(quote.months)},
                    {"start", billing::FormatFrenchDate(quote.start)},
                    {"service_start", billing::FormatFrenchDate(quote.service_start)},
                    {"end", billing::FormatFrenchDate(quote.end)},
                    {"monthly_ht", billing::FormatEurosFrench(quote.monthly_ht)},
                    {"monthly_ttc", billing::FormatEurosFrench(quote.monthly_ttc)},
                    {"total_ht", billing::FormatEurosFrench(quote.total_ht)},
                    {"total_tva", billing::FormatEurosFrench(quote.total_tva)},
                    {"total_ttc", billing::FormatEurosFrench(quote.total_ttc)},
                    {"lines", lines},
                    {"schedule", schedule},
                    {"warnings", warnings},
                    {"has_warnings", !warnings.empty()}};
}

mstch::map ErrorData(const Status& status) {
  return mstch::map{{"message", status.message()}, {"field", status.field()}};
}

// "2 j 4 h", "5 h 12 min", "3 min": how long a request has waited.
std::string Waited(int64_t seconds) {
  const int64_t minutes = std::max<int64_t>(seconds, 0) / 60;
  if (minutes < 60) return std::to_string(minutes) + " min";
  const int64_t hours = minutes / 60;
  if (hours < 24) return std::to_string(hours) + " h " + std::to_string(minutes % 60) + " min";
  return std::to_string(hours / 24) + " j " + std::to_string(hours % 24) + " h";
}

std::string OptionsText(const std::string& options) {
  return options.empty() ? std::string("base seule") : "options " + options;
}

mstch::map QuoteSummary(const QuoteRecord& quote, const std::string& today,
                        const std::string& partner_name, const std::string& link) {
  const QuoteStatus status = quote.StatusOn(today);
  return mstch::map{
      {"id", std::to_string(quote.id)},
      {"number", quote.number},
      {"partner", partner_name},
      {"link", link},
      {"monthly_ht", billing::FormatEurosFrench(quote.monthly_ht)},
      {"total_ht", billing::FormatEurosFrench(quote.total_ht)},
      {"valid_until", billing::FormatFrenchDate(*billing::ParseIsoDate(quote.valid_until))},
      {"status", std::string(QuoteStatusName(status))},
      {"status_label", std::string(QuoteStatusLabel(status))},
      {"is_amendment", quote.amendment_of.has_value()},
      {"amendment_of", quote.amendment_of ? std::to_string(*quote.amendment_of) : ""},
      {"created", partners::FormatDate(quote.created_at)}};
}

// ---- Public simulator ----

Result<Response> RenderSimulator(Context& context, const QuotePagesEnv& env,
                                 billing::QuoteRequestText text,
                                 const std::optional<Status>& request_error,
                                 const mstch::map& contact, int status_code) {
  const std::string today = ParisDate(env.clock.NowSeconds());
  if (!text.start) text.start = today;
  mstch::map data{{"title", std::string("Tarifs et demande de devis — VivroVert")},
                  {"meta_description",
                   std::string("Tarifs de VivroVert pour les collectivités : simulez le prix du "
                               "service et de ses options selon votre population, puis demandez "
                               "un devis.")},
                  {"form", FormValues(text)},
                  {"contact", contact},
                  {"computed", false},
                  {"error", false},
                  {"request_error",
                   request_error ? mstch::node(ErrorData(*request_error)) : mstch::node(false)}};
  if (text.type) {
    Result<billing::Quote> quote = PriceQuote(text, std::nullopt);
    if (quote.ok()) {
      data["computed"] = QuoteData(*quote);
    } else {
      data["error"] = ErrorData(quote.status());
      if (status_code == 200) status_code = 400;
    }
  }
  return context.Page("quotes_simulator", std::move(data), status_code);
}

// ---- Operator ----

Result<Response> RenderQuoteForm(Context& context, storage::Connection& connection,
                                 const QuotePagesEnv& env, const std::string& partner_field,
                                 const std::string& amendment_field, billing::QuoteRequestText text,
                                 const std::optional<Status>& save_error, int status_code) {
  const std::string today = ParisDate(env.clock.NowSeconds());
  if (!text.start) text.start = today;
  mstch::array partners_list;
  std::optional<int64_t> partner_id;
  if (auto id = partners::ParsePageId(partner_field); id.ok()) partner_id = *id;
  for (const partners::Partner& partner : partners::PartnerStore::List(connection)) {
    partners_list.push_back(mstch::map{{"id", std::to_string(partner.id)},
                                       {"name", partner.name},
                                       {"selected", partner_id == partner.id}});
  }
  mstch::array contracts;
  if (partner_id) {
    for (const subscriptions::Contract& contract :
         subscriptions::SubscriptionStore::ContractsOf(*&connection, *partner_id)) {
      if (contract.amends_contract_id || contract.end_date < today) continue;
      contracts.push_back(mstch::map{
          {"id", std::to_string(contract.id)},
          {"label", "n° " + std::to_string(contract.id) + " du " + contract.start_date + " au " +
                        contract.end_date + (contract.is_demo ? " (démo)" : "")},
          {"selected", amendment_field == std::to_string(contract.id)}});
    }
  }
  mstch::map data{{"title", std::string("Nouveau devis — console")},
                  {"form", FormValues(text)},
                  {"partners", partners_list},
                  {"partner_id", partner_field},
                  {"amendment_of", amendment_field},
                  {"contracts", contracts},
                  {"has_contracts", !contracts.empty()},
                  {"computed", false},
                  {"error", save_error ? mstch::node(ErrorData(*save_error)) : mstch::node(false)}};
  if (text.type && partner_id) {
    std::optional<subscriptions::Contract> amended;
    std::vector<ProductCode> in_force;
    Result<billing::Quote> quote = Status::Ok();
    if (!amendment_field.empty()) {
      auto contract_id = partners::ParsePageId(amendment_field);
      if (contract_id.ok())
        amended = subscriptions::SubscriptionStore::GetContract(connection, *contract_id);
      if (!amended || amended->partner_id != *partner_id) {
        quote = InvalidArgument("Ce contrat n'est pas celui de ce partenaire.", "amendment_of");
      } else {
        for (const subscriptions::Subscription& subscription :
             subscriptions::SubscriptionStore::SubscriptionsOf(connection, *partner_id)) {
          if (subscription.contract_id == amended->id) in_force.push_back(subscription.product);
        }
        quote = PriceQuote(text, amended, in_force);
      }
    } else {
      quote = PriceQuote(text, std::nullopt);
    }
    if (quote.ok()) {
      data["computed"] = QuoteData(*quote);
    } else if (!save_error) {
      data["error"] = ErrorData(quote.status());
      if (status_code == 200) status_code = 400;
    }
  }
  return context.Page("operator_quote_form", std::move(data), status_code);
}

// The page of one quote, for the operator (`partner_view` false) or the partner.
Result<Response> RenderQuote(Context& context, storage::Connection& connection,
                             const QuotePagesEnv& env, const QuoteRecord& record,
                             const partners::Partner& partner, bool partner_view, bool can_accept,
                             const std::optional<Status>& accept_error, int status_code) {
  const std::string today = ParisDate(env.clock.NowSeconds());
  VV_ASSIGN_OR_RETURN(billing::Quote quote, QuoteStore::Price(connection, record));
  const QuoteStatus status = record.StatusOn(today);
  const std::string base = partners::PartnerBase(partner);
  mstch::map data{
      {"title", "Devis n° " + record.number + " — " + partner.name},
      {"quote", QuoteSummary(record, today, partner.name,
                             partner_view ? base + "/devis/" + std::to_string(record.id)
                                          : "/operateur/devis/" + std::to_string(record.id))},
      {"computed", QuoteData(quote)},
      {"partner_name", partner.name},
      {"partner_link", base + "/devis/" + std::to_string(record.id)},
      {"partner_view", partner_view},
      {"is_draft", status == QuoteStatus::kDraft},
      {"is_sent", status == QuoteStatus::kSent},
      {"is_open", status == QuoteStatus::kDraft || status == QuoteStatus::kSent},
      {"is_accepted", status == QuoteStatus::kAccepted},
      {"is_expired", status == QuoteStatus::kExpired},
      {"is_withdrawn", status == QuoteStatus::kWithdrawn},
      {"accepted_name", record.accepted_name},
      {"accepted_ip", record.accepted_ip},
      {"accepted_at", record.accepted_at ? partners::FormatDate(*record.accepted_at) : ""},
      {"contract_id", record.contract_id ? std::to_string(*record.contract_id) : ""},
      {"can_accept", can_accept && status == QuoteStatus::kSent},
      {"pdf", (partner_view ? base + "/devis/" : std::string("/operateur/devis/")) +
                  std::to_string(record.id) + "/devis.pdf"},
      {"accept_action", base + "/devis/" + std::to_string(record.id) + "/accepter"},
      {"accept_error", accept_error ? mstch::node(ErrorData(*accept_error)) : mstch::node(false)},
      {"typed_name", context.request().Form("name").value_or("")}};
  // PVD: which members each option goes to (by default the members the grouping granted it
  // to, then its first members, as many as the quote counts).
  mstch::array member_choices;
  if (quote.pvd && can_accept) {
    std::vector<int64_t> ids = partner.member_ids;
    std::sort(ids.begin(), ids.end());
    const std::map<int64_t, std::string> names = partners::PartnerStore::Names(connection, ids);
    const subscriptions::Grants grants =
        subscriptions::SubscriptionStore::GrantsOf(connection, partner.id);
    for (const billing::QuoteLine& line : quote.lines) {
      if (line.code == ProductCode::kBase) continue;
      const std::string field = "members_" + std::string(billing::ProductCodeName(line.code));
      const std::vector<std::string> posted = context.request().FormAll(field);
      std::set<int64_t> defaults;
      for (int64_t id : ids) {
        auto granted = grants.find(id);
        if (static_cast<int>(defaults.size()) < line.members && granted != grants.end() &&
            granted->second.contains(line.code))
          defaults.insert(id);
      }
      for (int64_t id : ids) {
        if (static_cast<int>(defaults.size()) >= line.members) break;
        defaults.insert(id);
      }
      mstch::array members;
      for (size_t member_idx = 0; member_idx < ids.size(); ++member_idx) {
        const std::string id = std::to_string(ids[member_idx]);
        const bool checked = posted.empty()
                                 ? defaults.contains(ids[member_idx])
                                 : std::find(posted.begin(), posted.end(), id) != posted.end();
        auto name = names.find(ids[member_idx]);
        members.push_back(mstch::map{
            {"id", id}, {"name", name != names.end() ? name->second : id}, {"checked", checked}});
      }
      member_choices.push_back(mstch::map{{"field", field},
                                          {"label", std::string(billing::ProductLabel(line.code))},
                                          {"count", std::to_string(line.members)},
                                          {"members", members}});
    }
  }
  data["member_choices"] = member_choices;
  data["has_member_choices"] = !member_choices.empty();
  return context.Page(partner_view ? "partner_quote" : "operator_quote", std::move(data),
                      status_code);
}

// The quote's PDF, "devis-D-2027-0001.pdf".
Result<Response> QuotePdf(storage::Connection& connection, const QuotePagesEnv& env,
                          const QuoteRecord& record, const partners::Partner& partner) {
  VV_ASSIGN_OR_RETURN(billing::Quote quote, QuoteStore::Price(connection, record));
  documents::PdfDocument document = QuoteDocument(record, quote, env.seller, {partner.name});
  VV_ASSIGN_OR_RETURN(std::string pdf, document.Render());
  return Response::Attachment(std::move(pdf), "application/pdf", "devis-" + record.number + ".pdf");
}

int StatusCodeOf(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kFailedPrecondition:
      return 409;
    default:
      return 400;
  }
}

// The API's field, as a string whatever JSON type it came as.
std::optional<std::string> JsonField(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  if (it->is_array()) {
    std::string joined;
    for (const nlohmann::json& item : *it) {
      joined += joined.empty() ? "" : ",";
      joined += item.is_string() ? item.get<std::string>() : item.dump();
    }
    return joined;
  }
  if (it->is_object()) {  // {"1": 4, "3": 2}: counts per option
    std::string joined;
    for (const auto& [key, value] : it->items()) {
      joined += (joined.empty() ? "" : ",") + key + "=" +
                (value.is_string() ? value.get<std::string>() : value.dump());
    }
    return joined;
  }
  return it->dump();
}

}  // namespace

void RegisterQuotePages(web::App& app, QuotePagesEnv env) {
  // ---- Public ----
  app.Get("/tarifs", [env](Context& context) -> Result<Response> {
    billing::QuoteRequestText text = TextOf(context.request());
    return RenderSimulator(context, env, std::move(text), std::nullopt, mstch::map{}, 200);
  });

  app.Post("/tarifs/demande", [env](Context& context) -> Result<Response> {
    const web::Request& request = context.request();
    const int64_t now = env.clock.NowSeconds();
    QuoteRequestForm form;
    form.organisation = request.Form("organisation").value_or("");
    form.kind = request.Form("type").value_or("");
    form.contact_name = request.Form("contact_name").value_or("");
    form.email = request.Form("email").value_or("");
    form.phone = request.Form("phone").value_or("");
    billing::QuoteRequestText text = TextOf(request);
    form.options = text.options.value_or("");
    form.pvd_members = text.pvd_members.value_or("");
    form.months = text.months.value_or("");
    form.message = request.Form("message").value_or("");
    form.consent = request.Form("consent").value_or("") == "1";
    const mstch::map contact{{"organisation", form.organisation},
                             {"contact_name", form.contact_name},
                             {"email", form.email},
                             {"phone", form.phone},
                             {"message", form.message}};
    storage::Connection connection = env.database.Acquire();
    const accounts::ThrottleDecision decision = accounts::Throttle::Hit(
        connection, kRequestLimitPrefix + request.client_network(), kRequestLimit, now);
    if (!decision.allowed) {
      return Status(StatusCode::kResourceExhausted,
                    "Trop de demandes envoyées depuis votre réseau : réessayez dans " +
                        accounts::FormatRetryDelay(decision.retry_after_seconds) + ".");
    }
    Result<int64_t> created = QuoteRequestStore::Create(connection, form, now);
    if (!created.ok()) {
      return RenderSimulator(context, env, std::move(text), created.status(), contact, 400);
    }
    return Response::Redirect("/tarifs/demande-envoyee");
  });

  app.Get("/tarifs/demande-envoyee", [](Context& context) -> Result<Response> {
    return context.Page("quotes_request_sent",
                        mstch::map{{"title", std::string("Demande de devis envoyée — VivroVert")}});
  });

  api::SharedRateLimiter* limiter = &env.api_limiter;
  app.Post("/api/v1/billing/quote",
           [limiter](Context& context) -> Result<Response> {
             const api::RateDecision decision = limiter->Allow(context.request().client_network());
             if (!decision.allowed) {
               return Status(StatusCode::kResourceExhausted,
                             "Trop de requêtes : réessayez dans " +
                                 std::to_string(decision.retry_after_seconds) + " s.");
             }
             VV_ASSIGN_OR_RETURN(nlohmann::json body, ParseUntrustedJson(context.request().body()));
             if (!body.is_object())
               return InvalidArgument("Le corps doit être un objet JSON.", "body");
             billing::QuoteRequestText text;
             text.type = JsonField(body, "type");
             text.start = JsonField(body, "start");
             text.options = JsonField(body, "options");
             text.pvd_members = JsonField(body, "pvd_members");
             text.months = JsonField(body, "months");
             text.service_start = JsonField(body, "service_start");
             VV_ASSIGN_OR_RETURN(billing::Quote quote, PriceQuote(text, std::nullopt));
             return Response::Json(billing::QuoteToJson(quote));
           },
           {.csrf_exempt = true});  // no cookie is read and nothing is written: a computation

  // ---- Operator ----
  const web::RouteOptions operators{.access = web::Access::kOperator};
  app.Get(
      "/operateur/devis",
      [env](Context& context) -> Result<Response> {
        const int64_t now = env.clock.NowSeconds();
        const std::string today = ParisDate(now);
        storage::Connection connection = env.database.Acquire();
        mstch::array waiting;
        int64_t late = 0;
        for (const QuoteRequestRecord& request : QuoteRequestStore::Waiting(connection)) {
          const bool is_late = now - request.created_at > kAnswerWithinSeconds;
          late += is_late ? 1 : 0;
          waiting.push_back(mstch::map{{"id", std::to_string(request.id)},
                                       {"organisation", request.organisation},
                                       {"kind", request.kind},
                                       {"contact_name", request.contact_name},
                                       {"email", request.email},
                                       {"phone", request.phone},
                                       {"options", OptionsText(request.options)},
                                       {"pvd_members", request.pvd_members},
                                       {"months", std::to_string(request.months)},
                                       {"message", request.message},
                                       {"received", partners::FormatDate(request.created_at)},
                                       {"waited", Waited(now - request.created_at)},
                                       {"late", is_late}});
        }
        std::vector<QuoteRecord> recent = QuoteStore::Recent(connection);
        std::vector<int64_t> partner_ids;
        for (const QuoteRecord& quote : recent) partner_ids.push_back(quote.partner_id);
        const std::map<int64_t, std::string> names =
            partners::PartnerStore::Names(connection, partner_ids);
        mstch::array quotes_list;
        for (const QuoteRecord& quote : recent) {
          auto name = names.find(quote.partner_id);
          quotes_list.push_back(QuoteSummary(quote, today, name != names.end() ? name->second : "",
                                             "/operateur/devis/" + std::to_string(quote.id)));
        }
        return context.Page("operator_quotes",
                            mstch::map{{"title", std::string("Devis — console")},
                                       {"operator_nav", mstch::map{{"devis", true}}},
                                       {"waiting", waiting},
                                       {"has_waiting", !waiting.empty()},
                                       {"late", std::to_string(late)},
                                       {"has_late", late > 0},
                                       {"quotes", quotes_list},
                                       {"has_quotes", !quotes_list.empty()}});
      },
      operators);

  app.Post(
      "/operateur/demandes-devis/{id}/traitee",
      [env](Context& context) -> Result<Response> {
        VV_ASSIGN_OR_RETURN(int64_t id, partners::ParsePageId(context.Param("id")));
        storage::Connection connection = env.database.Acquire();
        VV_RETURN_IF_ERROR(QuoteRequestStore::MarkAnswered(connection, id, context.user()->user_id,
                                                           env.clock.NowSeconds()));
        return Response::Redirect("/operateur/devis");
      },
      operators);

  app.Get(
      "/operateur/devis/nouveau",
      [env](Context& context) -> Result<Response> {
        storage::Connection connection = env.database.Acquire();
        const web::Request& request = context.request();
        return RenderQuoteForm(context, connection, env, request.Query("partenaire").value_or(""),
                               request.Query("amendment_of").value_or(""), TextOf(request),
                               std::nullopt, 200);
      },
      operators);

  app.Post(
      "/operateur/devis",
      [env](Context& context) -> Result<Response> {
        const web::Request& request = context.request();
        const std::string partner_field = request.Form("partenaire").value_or("");
        const std::string amendment_field = request.Form("amendment_of").value_or("");
        billing::QuoteRequestText text = TextOf(request);
        storage::Connection connection = env.database.Acquire();
        NewQuote input;
        input.request = text;
        input.created_by = context.user()->user_id;
        Result<int64_t> partner_id = partners::ParsePageId(partner_field);
        std::optional<partners::Partner> partner =
            partner_id.ok() ? partners::PartnerStore::Get(connection, *partner_id) : std::nullopt;
        Status problem = Status::Ok();
        if (!partner) {
          problem = InvalidArgument("Choisissez le partenaire du devis.", "partenaire");
        } else {
          input.partner_id = partner->id;
          if (!amendment_field.empty()) {
            Result<int64_t> contract_id = partners::ParsePageId(amendment_field);
            if (!contract_id.ok())
              problem = InvalidArgument("Contrat à modifier illisible.", "amendment_of");
            else
              input.amendment_of = *contract_id;
          }
        }
        if (problem.ok()) {
          const int64_t now = env.clock.NowSeconds();
          Result<QuoteRecord> created = QuoteStore::Create(connection, input, ParisDate(now), now);
          if (created.ok())
            return Response::Redirect("/operateur/devis/" + std::to_string(created->id));
          problem = created.status();
        }
        return RenderQuoteForm(context, connection, env, partner_field, amendment_field,
                               std::move(text), problem, 400);
      },
      operators);

  const auto operator_quote =
      [env](Context& context,
            storage::Connection& connection) -> Result<std::pair<QuoteRecord, partners::Partner>> {
    VV_ASSIGN_OR_RETURN(int64_t id, partners::ParsePageId(context.Param("id")));
    std::optional<QuoteRecord> quote = QuoteStore::Get(connection, id);
    if (!quote) return NotFound("Devis introuvable.");
    std::optional<partners::Partner> partner =
        partners::PartnerStore::Get(connection, quote->partner_id);
    if (!partner) return NotFound("Devis introuvable.");
    return std::make_pair(std::move(*quote), std::move(*partner));
  };

  app.Get(
      "/operateur/devis/{id}",
      [env, operator_quote](Context& context) -> Result<Response> {
        storage::Connection connection = env.database.Acquire();
        VV_ASSIGN_OR_RETURN(auto found, operator_quote(context, connection));
        return RenderQuote(context, connection, env, found.first, found.second, false, false,
                           std::nullopt, 200);
      },
      operators);

  app.Get(
      "/operateur/devis/{id}/devis.pdf",
      [env, operator_quote](Context& context) -> Result<Response> {
        storage::Connection connection = env.database.Acquire();
        VV_ASSIGN_OR_RETURN(auto found, operator_quote(context, connection));
        return QuotePdf(connection, env, found.first, found.second);
      },
      operators);

  app.Post(
      "/operateur/devis/{id}/envoyer",
      [env, operator_quote](Context& context) -> Result<Response> {
        storage::Connection connection = env.database.Acquire();
        VV_ASSIGN_OR_RETURN(auto found, operator_quote(context, connection));
        const int64_t now = env.clock.NowSeconds();
        VV_RETURN_IF_ERROR(QuoteStore::Send(connection, found.first.id, ParisDate(now), now));
        return Response::Redirect("/operateur/devis/" + std::to_string(found.first.id));
      },
      operators);

  app.Post(
      "/operateur/devis/{id}/retirer",
      [env, operator_quote](Context& context) -> Result<Response> {
        storage::Connection connection = env.database.Acquire();
        VV_ASSIGN_OR_RETURN(auto found, operator_quote(context, connection));
        VV_RETURN_IF_ERROR(QuoteStore::Withdraw(connection, found.first.id));
        return Response::Redirect("/operateur/devis/" + std::to_string(found.first.id));
      },
      operators);

  // ---- Partner ----
  const web::RouteOptions signed_in{.access = web::Access::kSignedIn};
  app.Get(
      "/partenaire/{slug}/devis",
      [env](Context& context) -> Result<Response> {
        VV_ASSIGN_OR_RETURN(partners::Access access, partners::AccessFor(context, env.database));
        storage::Connection connection = env.database.Acquire();
        const std::string today = ParisDate(env.clock.NowSeconds());
        mstch::array quotes_list;
        for (const QuoteRecord& quote : QuoteStore::OfPartner(connection, access.partner.id)) {
          if (quote.stored_status == QuoteStatus::kDraft) continue;
          quotes_list.push_back(QuoteSummary(
              quote, today, access.partner.name,
              partners::PartnerBase(access.partner) + "/devis/" + std::to_string(quote.id)));
        }
        return context.Page("partner_quotes",
                            mstch::map{{"title", "Devis — " + access.partner.name},
                                       {"partner", partners::PartnerData(access)},
                                       {"quotes", quotes_list},
                                       {"has_quotes", !quotes_list.empty()}});
      },
      signed_in);

  // The partner's quote: drafts stay the operators' until sent.
  const auto partner_quote = [env](Context& context, storage::Connection& connection,
                                   const partners::Access& access) -> Result<QuoteRecord> {
    VV_ASSIGN_OR_RETURN(int64_t id, partners::ParsePageId(context.Param("id")));
    std::optional<QuoteRecord> quote = QuoteStore::Get(connection, id);
    if (!quote || quote->partner_id != access.partner.id ||
        quote->stored_status == QuoteStatus::kDraft)
      return NotFound("Devis introuvable.");
    return std::move(*quote);
  };
  // Acceptance is the collectivité's signature: its own administrators, never an operator.
  const auto may_accept = [](const partners::Access& access) {
    return access.can_administer() && !access.operator_access;
  };

  app.Get(
      "/partenaire/{slug}/devis/{id}",
      [env, partner_quote, may_accept](Context& context) -> Result<Response> {
        VV_ASSIGN_OR_RETURN(partners::Access access, partners::AccessFor(context, env.database));
        storage::Connection connection = env.database.Acquire();
        VV_ASSIGN_OR_RETURN(QuoteRecord quote, partner_quote(context, connection, access));
        return RenderQuote(context, connection, env, quote, access.partner, true,
                           may_accept(access), std::nullopt, 200);
      },
      signed_in);

  app.Get(
      "/partenaire/{slug}/devis/{id}/devis.pdf",
      [env, partner_quote](Context& context) -> Result<Response> {
        VV_ASSIGN_OR_RETURN(partners::Access access, partners::AccessFor(context, env.database));
        storage::Connection connection = env.database.Acquire();
        VV_ASSIGN_OR_RETURN(QuoteRecord quote, partner_quote(context, connection, access));
        return QuotePdf(connection, env, quote, access.partner);
      },
      signed_in);

  app.Post(
      "/partenaire/{slug}/devis/{id}/accepter",
      [env, partner_quote, may_accept](Context& context) -> Result<Response> {
        VV_ASSIGN_OR_RETURN(partners::Access access, partners::AccessFor(context, env.database));
        if (!may_accept(access)) {
          return PermissionDenied(
              "Seuls les administrateurs de la collectivité peuvent accepter un devis.");
        }
        storage::Connection connection = env.database.Acquire();
        VV_ASSIGN_OR_RETURN(QuoteRecord quote, partner_quote(context, connection, access));
        const web::Request& request = context.request();
        const int64_t now = env.clock.NowSeconds();
        Acceptance acceptance;
        acceptance.quote_id = quote.id;
        acceptance.partner_id = access.partner.id;
        acceptance.user_id = context.user()->user_id;
        acceptance.name = request.Form("name").value_or("");
        acceptance.agreed = request.Form("accord").value_or("") == "1";
        acceptance.ip = request.remote_address();
        acceptance.today = ParisDate(now);
        for (ProductCode option :
             {ProductCode::kOption1, ProductCode::kOption2, ProductCode::kOption3}) {
          const std::string field = "members_" + std::string(billing::ProductCodeName(option));
          std::vector<int64_t> ids;
          for (const std::string& value : request.FormAll(field)) {
            if (auto id = partners::ParsePageId(value); id.ok()) ids.push_back(*id);
          }
          if (!ids.empty()) acceptance.members[option] = std::move(ids);
        }
        Result<subscriptions::Contract> contract = QuoteStore::Accept(connection, acceptance, now);
        if (!contract.ok()) {
          std::optional<QuoteRecord> current = QuoteStore::Get(connection, quote.id);
          return RenderQuote(context, connection, env, current ? *current : quote, access.partner,
                             true, true, contract.status(), StatusCodeOf(contract.status()));
        }
        if (env.contract_accepted) env.contract_accepted(*contract);
        return Response::Redirect(partners::PartnerBase(access.partner) + "/devis/" +
                                  std::to_string(quote.id));
      },
      signed_in);
}

}  // namespace vivrovert::quotes
