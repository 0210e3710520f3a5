// What a person reads for a stored value, written once for pages, exports, mails and the
// API's display fields.
//
//   - a choice code → its French label ("job_seeker" → "En recherche d'emploi"), from the
//     field's own FieldSpec (the same table the forms and the normalisation use);
//   - a ROME code → its job title with the code beside it ("Conduite d'engins agricoles et
//     forestiers (A1101)"), titles read from ../shared/data/rome/rome_fiches.csv;
//   - an INSEE commune code → its name with the code beside it ("Cahors (46042)"), names
//     from the grid's commune table;
//   - dates as JJ/MM/AAAA, numbers with French digit grouping and decimal comma
//     ("230 000", "1 250,5"), amounts in euros ("230 000 €"), yes/no as "oui"/"non".
//
// A code that is not found keeps the code and says so ("Code ROME Z9999 (intitulé
// inconnu)"), so nothing shown is invented.
//
// Thread safety: RomeTitles and Labels are immutable after construction and may be shared
// by every thread. Errors: RomeTitles::Load returns NotFound / InvalidArgument naming the
// file and the row.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/common/status.hpp"
#include "domain/listings/listing_schema.hpp"
#include "domain/listings/listing_store.hpp"

namespace vivrovert::engine {
class GridFile;
}

namespace vivrovert::display {

// ROME code → job title ("fiche" titles of the Répertoire opérationnel des métiers).
class RomeTitles {
 public:
  // Reads `path`, a CSV with columns code_rome and libelle_rome.
  static Result<RomeTitles> Load(const std::string& path);
  // `data_dir`/rome/rome_fiches.csv (docs/DATA.md).
  static std::string PathIn(const std::string& data_dir);

  // The title of `code`; nullptr when unknown.
  const std::string* Find(std::string_view code) const;
  size_t size() const { return titles_.size(); }

 private:
  std::unordered_map<std::string, std::string> titles_;
};

class Labels {
 public:
  // Without titles or a grid: choices, dates and numbers are read out; ROME and commune
  // codes say that their name is unknown.
  Labels() = default;
  // `rome` and `grid` may be null and must outlive the Labels.
  Labels(const RomeTitles* rome, const engine::GridFile* grid) : rome_(rome), grid_(grid) {}

  // "Conduite d'engins agricoles et forestiers (A1101)".
  std::string Rome(std::string_view code) const;
  // "Cahors (46042)".
  std::string Commune(std::string_view insee_code) const;
  // A normalised field value (listings and profiles) as a person reads it: choices by
  // label, dates JJ/MM/AAAA, ROME codes with titles, French numbers, oui/non, lists joined
  // by ", ". Units stay in the field's label ("Apport disponible (€)").
  std::string Field(const listings::FieldSpec& spec, const nlohmann::json& value) const;
  // The French label of `code` among `spec`'s choices; the code itself when it is none.
  static std::string Choice(const listings::FieldSpec& spec, std::string_view code);
  // "En ligne", "Programmée", "Expirée", "Retirée" (listings::kStatus*); "Retirée" otherwise.
  static const char* ListingStatus(std::string_view status);
  // A listing as a person reads it, for the API's "display" object beside the stored
  // fields: {"kind", "status", "commune", "updated_at", "fields": {name: text}} (each
  // field of the listing read out by Field; dates JJ/MM/AAAA).
  nlohmann::json ListingDisplay(const listings::Listing& listing, const std::string& today) const;

  // "JJ/MM/AAAA" of a UTC time.
  static std::string Date(int64_t epoch_seconds);
  // "12 345" (no-break space between groups of three digits).
  static std::string Integer(int64_t value);
  // "1 250,5": at most `decimals` decimals, trailing zeros dropped.
  static std::string Number(double value, int decimals = 2);
  // "230 000 €", "12,50 €" (cents shown when there are any).
  static std::string Euros(double value);

 private:
  const RomeTitles* rome_ = nullptr;
  const engine::GridFile* grid_ = nullptr;
};

}  // namespace vivrovert::display
