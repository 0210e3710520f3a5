#include "web/discover/listing_page.hpp"

#include <charconv>
#include <map>

#include "core/common/text.hpp"
#include "domain/listings/listing_schema.hpp"
#include "domain/listings/listing_store.hpp"
#include "domain/partners/partner_store.hpp"

namespace vivrovert::discover {

namespace {

// Fields the page shows elsewhere (title, description, place) or never (coordinates).
bool ShownApart(std::string_view name) {
  for (std::string_view apart :
       {"title", "description", "latitude", "longitude", "commune_code", "external_id"}) {
    if (name == apart) return true;
  }
  return false;
}

}  // namespace

void RegisterListingPage(web::App& app, storage::Database& database, const engine::GridFile* grid,
                         const display::Labels& labels, const Clock& clock) {
  app.Get("/annonces/{id}",
          [&database, grid, &labels, &clock](web::Context& context) -> Result<web::Response> {
            const std::string& text = context.Param("id");
            int64_t id = 0;
            auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
            if (error != std::errc() || end != text.data() + text.size() || id <= 0) {
              return NotFound("Annonce introuvable.", "id");
            }
            storage::Connection connection = database.Acquire();
            std::optional<listings::Listing> listing = listings::ListingStore::Get(connection, id);
            const std::string today = UtcDate(clock.NowSeconds());
            if (!listing || listing->kind == listings::Kind::kCv ||
                listing->StatusOn(today) == listings::kStatusScheduled) {
              return NotFound("Annonce introuvable.", "id");
            }
            const bool online = listing->StatusOn(today) == listings::kStatusActive;
            std::string commune = listing->commune_code;
            if (grid != nullptr) {
              if (std::optional<uint32_t> index = grid->FindCommune(listing->commune_code))
                commune = grid->communes()[*index].name;
            }
            std::string publisher = listing->source_key;
            if (listing->partner_id) {
              const std::map<int64_t, std::string> names =
                  partners::PartnerStore::Names(connection, {*listing->partner_id});
              if (!names.empty()) publisher = names.begin()->second;
            } else if (listing->source_key == "france-travail") {
              publisher = "France Travail";
            }
            mstch::array fields;
            if (online) {
              const nlohmann::json values = listing->Fields();
              for (const listings::FieldSpec* spec : listings::AllFields(listing->kind)) {
                if (ShownApart(spec->name) || !values.contains(spec->name) ||
                    values[spec->name].is_null())
                  continue;
                std::string value = labels.Field(*spec, values[spec->name]);
                if (value.empty()) continue;
                fields.push_back(mstch::map{{"label", std::string(spec->label)}, {"value", value}});
              }
            }
            return context.Page(
                "listing",
                mstch::map{{"title", listing->title + " — VivroVert"},
                           {"meta_description", std::string(listings::KindLabel(listing->kind)) +
                                                    " à " + commune + " : " + listing->title +
                                                    " — annonce publiée sur VivroVert."},
                           {"listing_title", listing->title},
                           {"kind_label", std::string(listings::KindLabel(listing->kind))},
                           {"commune", commune},
                           {"commune_code", listing->commune_code},
                           {"description", online ? listing->description : std::string()},
                           {"fields", fields},
                           {"online", online},
                           {"publisher", publisher},
                           {"published", FrenchDate(listing->created_at)},
                           {"updated", FrenchDate(listing->updated_at)}},
                online ? 200 : 410);
          });
}

}  // namespace vivrovert::discover
