#include "web/profiles/profile_pages.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/common/text.hpp"
#include "domain/mail/opt_outs.hpp"
#include "domain/privacy/personal_data.hpp"
#include "domain/profiles/profile.hpp"

namespace vivrovert::profiles {

namespace {

using listings::FieldError;
using listings::FieldSpec;
using listings::FieldType;
using nlohmann::json;

mstch::array Fields(const json& values, const std::vector<FieldError>& errors) {
  mstch::array fields;
  for (const FieldSpec& spec : ProfileFields()) {
    const std::string value = values.contains(spec.name)
                                  ? listings::FieldValueText(spec, values[spec.name])
                                  : std::string();
    std::string error;
    for (const FieldError& problem : errors) {
      if (problem.field == spec.name) error = problem.message;
    }
    mstch::array choices;
    for (const listings::Choice& choice : spec.choices) {
      choices.push_back(mstch::map{{"code", std::string(choice.code)},
                                   {"label", std::string(choice.label)},
                                   {"selected", value == choice.code}});
    }
    if (spec.type == FieldType::kBoolean) {
      for (const char* code : {"oui", "non"}) {
        choices.push_back(mstch::map{{"code", std::string(code)},
                                     {"label", std::string(code)},
                                     {"selected", value == code}});
      }
    }
    fields.push_back(mstch::map{{"name", std::string(spec.name)},
                                {"label", std::string(spec.label)},
                                {"help", std::string(spec.help)},
                                {"value", value},
                                {"error", error},
                                {"is_choice", !choices.empty()},
                                {"choices", choices}});
  }
  return fields;
}

// Partner staff receive their partners' lead reports, and choose here whether they do.
bool IsPartnerStaff(const web::Context& context) {
  return context.user() && context.user()->role == "partner_staff";
}

}  // namespace

void RegisterProfilePages(
    web::App& app, storage::Database& database, const Clock& clock,
    std::function<void(storage::Connection&, int64_t user_id)> profile_changed) {
  // `lead_reports`: the staff member's choice as typed (a form shown again), else read.
  auto render = [&database](web::Context& context, const json& values,
                            const std::string& notification, const std::vector<FieldError>& errors,
                            bool saved, int status,
                            std::optional<bool> lead_reports = std::nullopt) {
    storage::Connection connection = database.Acquire();
    const int64_t user_id = context.user()->user_id;
    const bool is_staff = IsPartnerStaff(context);
    if (is_staff && !lead_reports)
      lead_reports = !mail::IsOptedOut(connection, user_id, mail::MailList::kLeadReports);
    std::map<std::string, ConsentRecord> consents = ProfileStore::Consents(connection, user_id);
    mstch::array scopes;
    for (const ConsentScope& scope : ConsentScopes()) {
      auto at = consents.find(scope.code);
      const bool granted = at != consents.end() && at->second.granted;
      // What the scope lets a partner see, in the form's words.
      std::string covers = std::string(scope.code) == "identity" ? "nom et adresse e-mail" : "";
      for (const char* name : scope.fields) {
        for (const listings::FieldSpec& spec : ProfileFields()) {
          if (std::string_view(spec.name) == name)
            covers += (covers.empty() ? "" : ", ") + std::string(spec.label);
        }
      }
      scopes.push_back(mstch::map{
          {"code", std::string(scope.code)},
          {"label", std::string(scope.label)},
          {"covers", covers},
          {"granted", granted},
          {"since", at != consents.end() ? FrenchDate(at->second.recorded_at) : std::string()}});
    }
    auto unvisited = consents.find(profiles::kUnvisitedJobsConsent);
    const bool unvisited_jobs = unvisited != consents.end() && unvisited->second.granted;
    auto campaigns = consents.find(profiles::kCampaignsConsent);
    const bool partner_campaigns = campaigns != consents.end() && campaigns->second.granted;
    mstch::array notifications;
    const std::pair<const char*, const char*> labels[] = {{"instant", "Tout de suite"},
                                                          {"daily", "Un résumé par jour"},
                                                          {"weekly", "Un résumé par semaine"},
                                                          {"none", "Jamais"}};
    for (const auto& [code, label] : labels) {
      notifications.push_back(mstch::map{{"code", std::string(code)},
                                         {"label", std::string(label)},
                                         {"checked", notification == code}});
    }
    mstch::array error_list;
    for (const FieldError& error : errors)
      error_list.push_back(mstch::map{{"field", error.field}, {"message", error.message}});
    return context.Page(
        "account_profile",
        mstch::map{{"title", std::string("Mon profil — VivroVert")},
                   {"fields", Fields(values, errors)},
                   {"notifications", notifications},
                   {"is_staff", is_staff},
                   {"lead_reports", lead_reports.value_or(false)},
                   {"consents", scopes},
                   {"unvisited_jobs", unvisited_jobs},
                   {"unvisited_jobs_since",
                    unvisited_jobs ? FrenchDate(unvisited->second.recorded_at) : std::string()},
                   {"partner_campaigns", partner_campaigns},
                   {"partner_campaigns_since",
                    partner_campaigns ? FrenchDate(campaigns->second.recorded_at) : std::string()},
                   {"errors", error_list},
                   {"has_errors", !errors.empty()},
                   {"saved", saved}},
        status);
  };

  app.Get("/compte/profil",
          [&database, render](web::Context& context) -> Result<web::Response> {
            storage::Connection connection = database.Acquire();
            Profile profile = ProfileStore::Get(connection, context.user()->user_id);
            return render(context, profile.data, profile.notification, {},
                          context.request().Query("fait").has_value(), 200);
          },
          {.access = web::Access::kSignedIn, .return_to = "/compte/profil"});

  app.Post(
      "/compte/profil",
      [&database, &clock, render, profile_changed](web::Context& context) -> Result<web::Response> {
        const web::Request& request = context.request();
        json input = json::object();
        for (const FieldSpec& spec : ProfileFields()) {
          if (auto value = request.Form(spec.name); value && !Trim(*value).empty())
            input[spec.name] = *value;
        }
        listings::Normalised normalised = NormaliseProfile(input);
        std::string notification = request.Form("notification").value_or("daily");
        if (std::find(std::begin(kNotificationChoices), std::end(kNotificationChoices),
                      notification) == std::end(kNotificationChoices)) {
          normalised.errors.push_back({"notification", "Choix de notification inconnu."});
          notification = "daily";
        }
        const bool lead_reports = request.Form("lead_reports").has_value();
        if (!normalised.errors.empty()) {
          return render(context, input, notification, normalised.errors, false, 422, lead_reports);
        }
        std::map<std::string, bool> consents;
        const std::vector<std::string> granted = request.FormAll("consent");
        for (const ConsentScope& scope : ConsentScopes()) {
          consents[scope.code] =
              std::find(granted.begin(), granted.end(), scope.code) != granted.end();
        }
        consents[profiles::kUnvisitedJobsConsent] = request.Form("unvisited_jobs").has_value();
        consents[profiles::kCampaignsConsent] = request.Form("partner_campaigns").has_value();
        storage::Connection connection = database.Acquire();
        storage::Transaction transaction(connection);
        ProfileStore::Put(connection, context.user()->user_id, {normalised.fields, notification, 0},
                          clock.NowSeconds());
        ProfileStore::SetConsents(connection, context.user()->user_id, consents,
                                  clock.NowSeconds());
        if (IsPartnerStaff(context)) {
          if (lead_reports) {
            mail::OptIn(connection, context.user()->user_id, mail::MailList::kLeadReports,
                        clock.NowSeconds());
          } else {
            mail::OptOut(connection, context.user()->user_id, mail::MailList::kLeadReports,
                         clock.NowSeconds());
          }
        }
        transaction.Commit();
        if (profile_changed) profile_changed(connection, context.user()->user_id);
        return web::Response::Redirect("/compte/profil?fait=1");
      },
      {.access = web::Access::kSignedIn, .return_to = "/compte/profil"});

  app.Get("/compte/mes-donnees.json",
          [&database, &clock](web::Context& context) -> Result<web::Response> {
            if (!context.user())
              return Unauthenticated("Connectez-vous pour télécharger vos données.");
            storage::Connection connection = database.Acquire();
            VV_ASSIGN_OR_RETURN(json out, privacy::ExportPerson(connection, context.user()->user_id,
                                                                clock.NowSeconds()));
            web::Response response = web::Response::Json(out);
            response.SetHeader("Content-Disposition",
                               "attachment; filename=\"mes-donnees-vivrovert.json\"");
            response.SetHeader("Cache-Control", "no-store");
            return response;
          });
}

}  // namespace vivrovert::profiles
