#include "web/groupings/grouping_pages.hpp"

#include <Poco/URI.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/common/paris_time.hpp"
#include "core/common/text.hpp"
#include "domain/billing/money.hpp"
#include "domain/demand/barometer.hpp"
#include "domain/demand/barometer_report.hpp"
#include "domain/leads/lead_store.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/partners/partner_store.hpp"
#include "domain/subscriptions/pvd_changes.hpp"
#include "domain/subscriptions/subscriptions.hpp"
#include "web/partners/page_parts.hpp"
#include "web/partners/partner_access.hpp"

namespace vivrovert::groupings {

namespace {

using partners::Access;
using partners::Membership;
using partners::Partner;
using partners::PartnerKind;
using partners::PartnerStore;
using subscriptions::Grants;
using subscriptions::ProductCode;
using subscriptions::SubscriptionStore;
using web::Context;
using web::Response;

constexpr ProductCode kOptions[] = {ProductCode::kOption1, ProductCode::kOption2,
                                    ProductCode::kOption3};

std::string Encode(const std::string& text) {
  std::string encoded;
  Poco::URI::encode(text, "=,&+?#", encoded);
  return encoded;
}

std::string Count(int64_t value) { return std::to_string(value); }

// "depuis le 01/01/2026", "du 01/01/2026 au 30/06/2026", "depuis toujours".
std::string PeriodText(const Membership& membership) {
  std::string text = membership.joined_on ? "du " + FrenchDay(*membership.joined_on)
                                          : std::string("depuis l'origine");
  if (membership.left_on) {
    text += " au " + FrenchDay(*membership.left_on);
  } else if (membership.joined_on) {
    text = "depuis le " + FrenchDay(*membership.joined_on);
  }
  return text;
}

// The figures of one member for the consolidated view, as of `now` (leads) and `today`
// (listings in force).
struct MemberFigures {
  int64_t contacts = 0;
  int64_t prospects = 0;
  int64_t anonymous_clicks = 0;
  int64_t active_listings = 0;
};

MemberFigures FiguresOf(storage::Connection& connection, int64_t partner_id, int64_t now,
                        const std::string& today) {
  MemberFigures figures;
  const leads::PartnerEvents events = leads::LeadStore::Load(connection, partner_id);
  const std::vector<leads::LeadCounts> counts = leads::CountsOverTime(events, {now});
  if (!counts.empty()) {
    figures.contacts = counts.front().contacts;
    figures.prospects = counts.front().prospects;
    figures.anonymous_clicks = counts.front().anonymous_clicks;
  }
  for (const auto& [key, count] : listings::ListingStore::Counts(connection, partner_id, today)) {
    if (key.second == "active") figures.active_listings += count;
  }
  return figures;
}

// The barometer's trend over the period's last 30 days against the 30 before, as its page
// says it: "en hausse (12 % → 15 %)"; "—" when either has no search.
std::string TrendText(const demand::DemandTotals& totals) {
  const std::optional<double> recent = totals.ShareRecent();
  const std::optional<double> before = totals.ShareBefore();
  if (!recent || !before) return "—";
  const double change = *recent - *before;
  return std::string(change > 0   ? "en hausse"
                     : change < 0 ? "en baisse"
                                  : "stable") +
         " (" + demand::FrenchPercent(*before) + " → " + demand::FrenchPercent(*recent) + ")";
}

std::string GreenShare(const demand::DemandTotals& totals) {
  if (totals.searches <= 0) return "—";
  return demand::FrenchPercent(static_cast<double>(totals.green) /
                               static_cast<double>(totals.searches));
}

// The barometer cells of one line: its counts, share and trend.
mstch::map BarometerCells(const demand::DemandTotals& totals) {
  return mstch::map{{"searches", Count(totals.searches)},
                    {"green", Count(totals.green)},
                    {"green_share", GreenShare(totals)},
                    {"trend", TrendText(totals)},
                    {"demo", totals.demo}};
}

// The grants a form sends: "grant" values "<member id>:<option number>".
Result<Grants> GrantsFromForm(const web::Request& request) {
  Grants grants;
  for (const std::string& value : request.FormAll("grant")) {
    const size_t colon = value.find(':');
    int64_t member = 0;
    int number = 0;
    const bool parsed =
        colon != std::string::npos &&
        std::from_chars(value.data(), value.data() + colon, member).ec == std::errc() &&
        std::from_chars(value.data() + colon + 1, value.data() + value.size(), number).ec ==
            std::errc();
    const std::optional<ProductCode> option =
        parsed ? billing::OptionFromNumber(number) : std::nullopt;
    if (!option) return InvalidArgument("Attribution illisible (« " + value + " »).", "grants");
    grants[member].insert(*option);
  }
  return grants;
}

Result<Response> MembersPage(Context& context, storage::Connection& connection,
                             const Access& access, int64_t now, const Status& error,
                             const Grants* posted, int status) {
  const Partner& grouping = access.partner;
  const std::string& today = access.today;
  const Grants grants =
      posted != nullptr ? *posted : SubscriptionStore::GrantsOf(connection, grouping.id);
  const std::map<ProductCode, std::set<int64_t>> seats =
      SubscriptionStore::SeatsOn(connection, grouping.id, today);

  // The barometer's period, as the members' barometer pages show it.
  const demand::BarometerPeriod period = demand::PeriodEnding(now);
  demand::DemandTotals barometer_total;
  int barometer_members = 0;

  mstch::array current;
  mstch::array former;
  MemberFigures total;
  std::map<ProductCode, int> granted_counts;
  std::vector<std::pair<billing::CollectivityKind, std::set<ProductCode>>> priced;
  for (const Membership& membership : PartnerStore::Memberships(connection, grouping.id)) {
    std::optional<Partner> member = PartnerStore::Get(connection, membership.member_id);
    if (!member) continue;
    const bool active = membership.ActiveOn(today);
    mstch::map row{{"id", std::to_string(member->id)},
                   {"name", member->name},
                   {"kind_label", std::string(partners::PartnerKindLabel(member->kind))},
                   {"base", partners::PartnerBase(*member)},
                   {"period", PeriodText(membership)}};
    if (!active) {
      row.emplace("upcoming", membership.joined_on && today < *membership.joined_on);
      former.push_back(std::move(row));
      continue;
    }
    const MemberFigures figures = FiguresOf(connection, member->id, now, today);
    total.contacts += figures.contacts;
    total.prospects += figures.prospects;
    total.anonymous_clicks += figures.anonymous_clicks;
    total.active_listings += figures.active_listings;
    auto granted = grants.find(member->id);
    const std::set<ProductCode> options =
        granted != grants.end() ? granted->second : std::set<ProductCode>{};
    mstch::array boxes;
    for (ProductCode option : kOptions) {
      const int number = billing::OptionNumber(option);
      if (options.contains(option)) ++granted_counts[option];
      boxes.push_back(
          mstch::map{{"value", std::to_string(member->id) + ":" + std::to_string(number)},
                     {"number", std::to_string(number)},
                     {"label", "Option " + std::to_string(number) + " pour " + member->name},
                     {"checked", options.contains(option)}});
    }
    if (std::optional<billing::CollectivityKind> kind = subscriptions::PricedKind(member->kind))
      priced.emplace_back(*kind, options);
    row.emplace("contacts", Count(figures.contacts));
    row.emplace("prospects", Count(figures.prospects));
    row.emplace("anonymous_clicks", Count(figures.anonymous_clicks));
    row.emplace("active_listings", Count(figures.active_listings));
    row.emplace("options", boxes);
    // The barometer's figures only for a member with option 1 that day (through the
    // grouping or its own contract): what its own barometer page, linked, shows.
    if (SubscriptionStore::For(connection, member->id, today).Has(ProductCode::kOption1)) {
      const demand::DemandTotals totals = demand::DemandTotalsOf(connection, member->id, period);
      barometer_total += totals;
      ++barometer_members;
      mstch::map cells = BarometerCells(totals);
      cells.emplace("href", partners::PartnerBase(*member) + "/barometre");
      cells.emplace("name", member->name);
      row.emplace("barometer", std::move(cells));
    } else {
      row.emplace("barometer", false);
    }
    current.push_back(std::move(row));
  }

  // What each option is bought for today, and how many members it is granted to.
  mstch::array options;
  for (ProductCode option : kOptions) {
    auto bought = seats.find(option);
    options.push_back(mstch::map{
        {"label", std::string(billing::ProductLabel(option))},
        {"granted", Count(granted_counts.contains(option) ? granted_counts.at(option) : 0)},
        {"in_force", bought != seats.end()},
        {"seats", Count(bought != seats.end() ? static_cast<int64_t>(bought->second.size()) : 0)}});
  }

  // The PVD price the grants come to, one line per kind of member, with the prefilled
  // quote (operators) or simulator (staff).
  mstch::array prices;
  for (const subscriptions::PvdPriceLine& line : subscriptions::PvdPrice(priced)) {
    const std::string query =
        "type=" + std::string(billing::CollectivityKindName(line.kind)) +
        "&options=" + Encode(line.options_text) +
        (line.pvd_members_text.empty() ? std::string()
                                       : "&pvd_members=" + Encode(line.pvd_members_text));
    mstch::array counts;
    for (const auto& [option, members] : line.members) {
      counts.push_back(mstch::map{{"label", std::string(billing::ProductLabel(option))},
                                  {"members", Count(members)}});
    }
    prices.push_back(
        mstch::map{{"kind_label", std::string(billing::CollectivityKindLabel(line.kind))},
                   {"monthly", billing::FormatEurosFrench(line.monthly_ht)},
                   {"counts", counts},
                   {"link", access.operator_access ? "/operateur/devis/nouveau?partenaire=" +
                                                         std::to_string(grouping.id) + "&" + query
                                                   : "/tarifs?" + query}});
  }

  mstch::map data{{"title", "Membres — " + grouping.name},
                  {"partner", partners::PartnerData(access)},
                  {"administrator",
                   grouping.administrator
                       ? std::string(partners::GroupingAdministratorLabel(*grouping.administrator))
                       : std::string()},
                  {"today", FrenchDay(today)},
                  {"members", current},
                  {"has_members", !current.empty()},
                  {"former", former},
                  {"has_former", !former.empty()},
                  {"total", mstch::map{{"contacts", Count(total.contacts)},
                                       {"prospects", Count(total.prospects)},
                                       {"anonymous_clicks", Count(total.anonymous_clicks)},
                                       {"active_listings", Count(total.active_listings)}}},
                  {"barometer_first_day", FrenchDay(period.first_day)},
                  {"barometer_last_day", FrenchDay(period.last_day)},
                  {"barometer_members", Count(barometer_members)},
                  {"barometer_total", BarometerCells(barometer_total)},
                  {"option_seats", options},
                  {"prices", prices},
                  {"has_prices", !prices.empty()},
                  {"operator", access.operator_access},
                  {"grant_action", partners::PartnerBase(grouping) + "/membres/attributions"},
                  {"error", error.ok() ? std::string() : error.message()}};
  return context.Page("partner_members", std::move(data), status);
}

// The operator's page of a grouping's memberships.
Result<Response> OperatorMembersPage(Context& context, storage::Connection& connection,
                                     const Partner& grouping, const std::string& today,
                                     const Status& error, int status) {
  const std::vector<Membership> memberships = PartnerStore::Memberships(connection, grouping.id);
  std::set<int64_t> current;
  mstch::array rows;
  for (const Membership& membership : memberships) {
    std::optional<Partner> member = PartnerStore::Get(connection, membership.member_id);
    if (!member) continue;
    const bool left = membership.left_on.has_value();
    if (!left) current.insert(member->id);
    rows.push_back(
        mstch::map{{"id", std::to_string(member->id)},
                   {"name", member->name},
                   {"kind_label", std::string(partners::PartnerKindLabel(member->kind))},
                   {"period", PeriodText(membership)},
                   {"active", membership.ActiveOn(today)},
                   {"left", left},
                   {"leave_action", "/operateur/partenaires/" + std::to_string(grouping.id) +
                                        "/membres/" + std::to_string(member->id) + "/sortie"}});
  }
  mstch::array candidates;
  for (const Partner& other : PartnerStore::List(connection)) {
    if (other.kind == PartnerKind::kGrouping || current.contains(other.id)) continue;
    candidates.push_back(
        mstch::map{{"id", std::to_string(other.id)},
                   {"name", other.name},
                   {"kind_label", std::string(partners::PartnerKindLabel(other.kind))}});
  }
  mstch::array administrators;
  for (partners::GroupingAdministrator administrator : partners::kGroupingAdministrators) {
    administrators.push_back(
        mstch::map{{"code", std::string(partners::GroupingAdministratorName(administrator))},
                   {"label", std::string(partners::GroupingAdministratorLabel(administrator))},
                   {"selected", grouping.administrator == administrator}});
  }
  const std::string base = "/operateur/partenaires/" + std::to_string(grouping.id);
  return context.Page(
      "operator_grouping_members",
      mstch::map{{"title", "Membres de " + grouping.name + " — console"},
                 {"operator_nav", mstch::map{}},
                 {"name", grouping.name},
                 {"edit_path", base},
                 {"back_office", partners::PartnerBase(grouping) + "/membres"},
                 {"members", rows},
                 {"has_members", !rows.empty()},
                 {"candidates", candidates},
                 {"has_candidates", !candidates.empty()},
                 {"administrators", administrators},
                 {"attach_action", base + "/membres"},
                 {"administrator_action", base + "/administrateur"},
                 {"today", FrenchDay(today)},
                 {"joined_on", context.request().Form("joined_on").value_or(FrenchDay(today))},
                 {"error", error.ok() ? std::string() : error.message()},
                 {"error_field", error.field()}},
      status);
}

}  // namespace

void RegisterGroupingPages(web::App& app, partners::PartnerPagesEnv env) {
  storage::Database& database = env.database;
  listings::ListingService& service = env.listings;
  auto territory_changed = env.territory_changed;

  app.Get("/partenaire/{slug}/membres",
          partners::SignedIn([&database, &service](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(Access access, partners::AccessFor(context, database));
            if (access.partner.kind != PartnerKind::kGrouping)
              return NotFound("Ce partenaire n'est pas un groupement.");
            storage::Connection connection = database.Acquire();
            return MembersPage(context, connection, access, service.Now(), Status::Ok(), nullptr,
                               200);
          }));

  app.Post("/partenaire/{slug}/membres/attributions",
           partners::SignedIn([&database, &service](Context& context) -> Result<Response> {
             VV_ASSIGN_OR_RETURN(Access access,
                                 partners::AccessFor(context, database, false, true));
             if (access.partner.kind != PartnerKind::kGrouping)
               return NotFound("Ce partenaire n'est pas un groupement.");
             storage::Connection connection = database.Acquire();
             Result<Grants> grants = GrantsFromForm(context.request());
             Status changed = grants.status();
             if (grants.ok()) {
               storage::Transaction transaction(connection);
               // Granting more members than bought is an amendment, concluded only when the
               // administrator accepts it on the form.
               changed = SubscriptionStore::SetGrants(
                   connection, access.partner.id, *grants, access.today, context.user()->user_id,
                   service.Now(), context.request().Form("avenant").value_or("") == "1");
               if (changed.ok()) transaction.Commit();
             }
             if (!changed.ok()) {
               return MembersPage(context, connection, access, service.Now(), changed,
                                  grants.ok() ? &*grants : nullptr,
                                  changed.code() == StatusCode::kFailedPrecondition ? 409 : 422);
             }
             return Response::Redirect(partners::PartnerBase(access.partner) + "/membres");
           }));

  // Loads the route's grouping for the operator pages; NotFound for any other partner.
  auto grouping_of = [&database](Context& context) -> Result<Partner> {
    VV_ASSIGN_OR_RETURN(int64_t id, partners::ParsePageId(context.Param("id")));
    storage::Connection connection = database.Acquire();
    std::optional<Partner> partner = PartnerStore::Get(connection, id);
    if (!partner || partner->kind != PartnerKind::kGrouping)
      return NotFound("Groupement introuvable.");
    return *partner;
  };

  app.Get("/operateur/partenaires/{id}/membres",
          [&database, &service, grouping_of](Context& context) -> Result<Response> {
            VV_ASSIGN_OR_RETURN(Partner grouping, grouping_of(context));
            storage::Connection connection = database.Acquire();
            return OperatorMembersPage(context, connection, grouping, ParisDate(service.Now()),
                                       Status::Ok(), 200);
          },
          {.access = web::Access::kOperator});

  app.Post(
      "/operateur/partenaires/{id}/membres",
      [&database, &service, grouping_of, territory_changed](Context& context) -> Result<Response> {
        VV_ASSIGN_OR_RETURN(Partner grouping, grouping_of(context));
        const web::Request& request = context.request();
        storage::Connection connection = database.Acquire();
        Result<int64_t> member = partners::ParsePageId(request.Form("member").value_or(""));
        Status attached = member.ok()
                              ? Status::Ok()
                              : InvalidArgument("Choisissez le membre à rattacher.", "member");
        if (attached.ok()) {
          storage::Transaction transaction(connection);
          attached =
              PartnerStore::AttachMember(connection, grouping.id, *member,
                                         request.Form("joined_on").value_or(""), service.Now());
          if (attached.ok()) transaction.Commit();
        }
        if (!attached.ok()) {
          return OperatorMembersPage(context, connection, grouping, ParisDate(service.Now()),
                                     attached, 422);
        }
        if (territory_changed) territory_changed(connection, grouping.id);
        return Response::Redirect("/operateur/partenaires/" + std::to_string(grouping.id) +
                                  "/membres");
      },
      {.access = web::Access::kOperator});

  app.Post(
      "/operateur/partenaires/{id}/membres/{member}/sortie",
      [&database, &service, grouping_of, territory_changed](Context& context) -> Result<Response> {
        VV_ASSIGN_OR_RETURN(Partner grouping, grouping_of(context));
        VV_ASSIGN_OR_RETURN(int64_t member, partners::ParsePageId(context.Param("member")));
        storage::Connection connection = database.Acquire();
        Status left;
        {
          storage::Transaction transaction(connection);
          const std::string typed = context.request().Form("left_on").value_or("");
          left = PartnerStore::SetMemberLeft(connection, grouping.id, member, typed, service.Now());
          // Its seats go with it, and its options stop being billed from the next period.
          if (left.ok()) {
            subscriptions::RecordDeparture(connection, grouping.id, member,
                                           ParseTypedDay(typed).value_or(""),
                                           ParisDate(service.Now()), service.Now());
            transaction.Commit();
          }
        }
        if (!left.ok()) {
          return OperatorMembersPage(context, connection, grouping, ParisDate(service.Now()), left,
                                     left.code() == StatusCode::kNotFound ? 404 : 422);
        }
        if (territory_changed) territory_changed(connection, grouping.id);
        return Response::Redirect("/operateur/partenaires/" + std::to_string(grouping.id) +
                                  "/membres");
      },
      {.access = web::Access::kOperator});

  app.Post("/operateur/partenaires/{id}/administrateur",
           [&database, &service, grouping_of](Context& context) -> Result<Response> {
             VV_ASSIGN_OR_RETURN(Partner grouping, grouping_of(context));
             storage::Connection connection = database.Acquire();
             std::optional<partners::GroupingAdministrator> administrator =
                 partners::ParseGroupingAdministrator(
                     context.request().Form("administrator").value_or(""));
             Status set = administrator
                              ? PartnerStore::SetGroupingAdministrator(
                                    connection, grouping.id, *administrator, service.Now())
                              : InvalidArgument(
                                    "Un groupement est administré par un département, un "
                                    "EPCI ou une association.",
                                    "administrator");
             if (!set.ok()) {
               return OperatorMembersPage(context, connection, grouping, ParisDate(service.Now()),
                                          set, 422);
             }
             return Response::Redirect("/operateur/partenaires/" + std::to_string(grouping.id) +
                                       "/membres");
           },
           {.access = web::Access::kOperator});
}

}  // namespace vivrovert::groupings
