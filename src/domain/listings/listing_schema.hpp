// The fields of a listing ("annonce"), per kind, in one table that every door uses: the
// partner API (JSON), the file import (CSV columns are the same names), the back-office
// forms, the downloadable templates and the documentation.
//
// A listing is a flat object: the common fields (external_id, title, description, where,
// validity, contact, pictures) plus the fields of its kind. Values arrive typed (JSON
// numbers) or as text (CSV cells, form inputs); both go through NormaliseField, which
// accepts what French partners type: decimal commas and spaces in numbers ("1 250,50"),
// dates as JJ/MM/AAAA or AAAA-MM-JJ, choices by code or French label ("vente" or "sale"),
// yes/no as oui/non.
//
// Thread safety: the schema is immutable static data.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.hpp"

namespace vivrovert::listings {

enum class Kind { kHousing, kJob, kBusiness, kLeisure, kPoi, kCv };

inline constexpr Kind kAllKinds[] = {Kind::kHousing, Kind::kJob, Kind::kBusiness,
                                     Kind::kLeisure, Kind::kPoi, Kind::kCv};

// "housing", "job", "business", "leisure", "poi", "cv": the stored and API form.
const char* KindName(Kind kind);
// "Logement", "Emploi", "Activité à reprendre", "Loisir", "Point d'intérêt", "CV".
const char* KindLabel(Kind kind);
// Accepts the code or the French label (any case).
std::optional<Kind> ParseKind(std::string_view text);

enum class FieldType {
  kText,     // free text up to max_length bytes of UTF-8
  kInteger,  // whole number within [min, max]
  kNumber,   // decimal number within [min, max]
  kDate,     // calendar date, normalised to AAAA-MM-JJ
  kChoice,   // one of `choices`, normalised to its code
  kUrl,      // http(s) URL
  kUrlList,  // up to 10 URLs; in text form separated by '|' or new lines
  kEmail,
  kPhone,     // digits, spaces, '+', '.', '-' and parentheses
  kRomeCode,  // a ROME job code, e.g. "A1101"
  kRomeList,  // several ROME codes; in text form separated by ',', ';', '|' or spaces
  kBoolean,   // oui/non, true/false, 1/0
};

struct Choice {
  const char* code;
  const char* label;  // French
};

struct FieldSpec {
  const char* name;   // JSON key and CSV column
  const char* label;  // French, for forms and error messages
  FieldType type;
  bool required = false;
  double min = 0;
  double max = 0;
  size_t max_length = 0;             // kText
  std::vector<Choice> choices = {};  // kChoice
  const char* help = "";             // French, for forms and templates
};

// Common fields every listing has, in the order of templates and forms.
const std::vector<FieldSpec>& CommonFields();
// The fields of one kind, after the common ones.
const std::vector<FieldSpec>& KindFields(Kind kind);
// Common then kind fields.
std::vector<const FieldSpec*> AllFields(Kind kind);
// nullptr when `name` is no field of `kind`.
const FieldSpec* FindField(Kind kind, std::string_view name);

// Field names of the common fields that say where a listing is.
inline constexpr const char* kFieldLatitude = "latitude";
inline constexpr const char* kFieldLongitude = "longitude";
inline constexpr const char* kFieldCommuneCode = "commune_code";
inline constexpr const char* kFieldPostcode = "postcode";
inline constexpr const char* kFieldAddress = "address";

// One problem with one field, as the API and the import report show it.
struct FieldError {
  std::string field;
  std::string message;  // French
};

// Checks and normalises one value. `value` may be a JSON string (text form), number or
// boolean; null or "" means absent and returns null. Errors: the French reason.
Result<nlohmann::json> NormaliseField(const FieldSpec& spec, const nlohmann::json& value);

// Checks a whole listing object for `kind`: unknown keys, each field, required fields,
// and cross-field rules (valid_from ≤ valid_until, min ≤ max ranges, a location given).
// Returns the normalised object (absent fields omitted) or every problem found.
struct Normalised {
  nlohmann::json fields;           // the normalised values
  std::vector<FieldError> errors;  // empty when valid
};
// `ignore` lists keys that are not fields but travel with them ("kind", "id").
Normalised NormaliseListing(Kind kind, const nlohmann::json& object,
                            const std::vector<std::string>& ignore = {});

// A normalised value as a form shows it, the way NormaliseField reads it back: French
// decimals ("44,44274"), "oui"/"non", URL lists joined by " | ", other lists by ", ".
std::string FieldValueText(const FieldSpec& spec, const nlohmann::json& value);
// A normalised value as a reader sees it: FieldValueText, with a choice's French label
// instead of its code and a date as JJ/MM/AAAA.
std::string FieldDisplayText(const FieldSpec& spec, const nlohmann::json& value);

// Parses a date as AAAA-MM-JJ or JJ/MM/AAAA (core's ParseTypedDay, the rule of every form);
// nullopt when malformed or impossible.
std::optional<std::string> ParseDate(std::string_view text);

// The schema as JSON (for the API and the back-office scripts):
// {"kinds":[{"kind","label","fields":[{"name","label","type","required",…}]}]}
nlohmann::json SchemaJson();

}  // namespace vivrovert::listings
