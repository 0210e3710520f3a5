#include "web/profiles/cv_pages.hpp"

#include <nlohmann/json.hpp>

#include "core/common/text.hpp"

namespace vivrovert::profiles {

namespace {

using listings::FieldError;
using listings::FieldSpec;
using listings::Kind;
using nlohmann::json;

// The CV's external id: one CV per person.
constexpr const char* kCvExternalId = "cv";

listings::Publisher PersonAsPublisher(int64_t user_id) {
  listings::Publisher publisher;
  publisher.source_key = listings::PersonSourceKey(user_id);
  return publisher;
}

// The CV form shows the fields a person fills: no coordinates, no external id, no pictures.
bool Shown(const FieldSpec& spec) {
  const std::string_view name = spec.name;
  return name != "external_id" && name != listings::kFieldLatitude &&
         name != listings::kFieldLongitude && name != "pictures" && name != "valid_from" &&
         name != "url";
}

}  // namespace

void RegisterCvPages(web::App& app, listings::ListingService& service,
                     std::function<void(storage::Connection&, int64_t user_id)> cv_changed) {
  auto changed = [&service, cv_changed](int64_t user_id) {
    if (!cv_changed) return;
    storage::Connection connection = service.database().Acquire();
    cv_changed(connection, user_id);
  };
  auto render = [&service](web::Context& context, const json& values,
                           const std::vector<FieldError>& errors,
                           std::optional<listings::Listing> current, int status) {
    mstch::array fields;
    for (const FieldSpec* spec : listings::AllFields(Kind::kCv)) {
      if (!Shown(*spec)) continue;
      const std::string value = values.contains(spec->name)
                                    ? listings::FieldValueText(*spec, values[spec->name])
                                    : std::string();
      std::string error;
      for (const FieldError& problem : errors) {
        if (problem.field == spec->name) error = problem.message;
      }
      mstch::array choices;
      for (const listings::Choice& choice : spec->choices) {
        choices.push_back(mstch::map{{"code", std::string(choice.code)},
                                     {"label", std::string(choice.label)},
                                     {"selected", value == choice.code}});
      }
      fields.push_back(
          mstch::map{{"name", std::string(spec->name)},
                     {"label", std::string(spec->label)},
                     {"help", std::string(spec->help)},
                     {"required", spec->required},
                     {"value", value},
                     {"error", error},
                     {"is_consent", std::string_view(spec->name) == "consent"},
                     {"checked", value == "oui"},
                     {"is_choice", !choices.empty()},
                     {"is_plain", choices.empty() && std::string_view(spec->name) != "consent"},
                     {"choices", choices}});
    }
    mstch::array error_list;
    for (const FieldError& error : errors)
      error_list.push_back(mstch::map{{"message", error.message}});
    const std::string status_text = current ? current->StatusOn(service.Today()) : std::string();
    return context.Page("account_cv",
                        mstch::map{{"title", std::string("Mon CV — VivroVert")},
                                   {"fields", fields},
                                   {"errors", error_list},
                                   {"has_errors", !errors.empty()},
                                   {"published", status_text == listings::kStatusActive},
                                   {"withdrawn", status_text == listings::kStatusWithdrawn},
                                   {"tile", current ? current->tile_1km : std::string()}},
                        status);
  };

  auto current_cv = [&service](int64_t user_id) {
    storage::Connection connection = service.database().Acquire();
    return listings::ListingStore::FindByExternalId(connection, listings::PersonSourceKey(user_id),
                                                    kCvExternalId);
  };

  app.Get("/compte/cv",
          [render, current_cv](web::Context& context) -> Result<web::Response> {
            std::optional<listings::Listing> cv = current_cv(context.user()->user_id);
            json values = cv ? cv->Fields() : json::object();
            if (cv && cv->withdrawn_at) values.erase("consent");
            return render(context, values, {}, cv, 200);
          },
          {.access = web::Access::kSignedIn, .return_to = "/compte/cv"});

  app.Post("/compte/cv",
           [&service, render, current_cv, changed](web::Context& context) -> Result<web::Response> {
             const web::Request& request = context.request();
             json fields = json::object();
             for (const FieldSpec* spec : listings::AllFields(Kind::kCv)) {
               if (!Shown(*spec)) continue;
               if (auto value = request.Form(spec->name); value && !Trim(*value).empty())
                 fields[spec->name] = *value;
             }
             // The consent box: ticked means "oui"; unticked, the CV is refused (schema rule).
             fields["consent"] = request.Form("consent").has_value() ? "oui" : "non";
             fields["external_id"] = kCvExternalId;
             std::vector<FieldError> errors;
             auto written = service.Upsert(PersonAsPublisher(context.user()->user_id), Kind::kCv,
                                           fields, &errors);
             if (!written.ok()) {
               if (errors.empty()) return written.status();
               return render(context, fields, errors, current_cv(context.user()->user_id), 422);
             }
             changed(context.user()->user_id);
             return web::Response::Redirect("/compte/cv");
           },
           {.access = web::Access::kSignedIn, .return_to = "/compte/cv"});

  app.Post(
      "/compte/cv/retrait",
      [&service, current_cv, changed](web::Context& context) -> Result<web::Response> {
        std::optional<listings::Listing> cv = current_cv(context.user()->user_id);
        if (!cv) return NotFound("Vous n'avez pas publié de CV.");
        VV_RETURN_IF_ERROR(service.Withdraw(PersonAsPublisher(context.user()->user_id), cv->id));
        changed(context.user()->user_id);
        return web::Response::Redirect("/compte/cv");
      },
      {.access = web::Access::kSignedIn, .return_to = "/compte/cv"});
}

}  // namespace vivrovert::profiles
