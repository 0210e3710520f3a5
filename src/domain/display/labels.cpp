#include "domain/display/labels.hpp"

#include <cmath>
#include <cstdio>

#include "core/common/text.hpp"
#include "data/csv/csv_reader.hpp"
#include "engine/engine.hpp"

namespace vivrovert::display {

namespace {

using listings::FieldSpec;
using listings::FieldType;
using nlohmann::json;

constexpr const char* kGroupSeparator = "\u00a0";  // no-break space

// "1234567" → "1 234 567" (digits only, no sign).
std::string GroupDigits(const std::string& digits) {
  std::string out;
  const size_t count = digits.size();
  for (size_t index = 0; index < count; ++index) {
    if (index > 0 && (count - index) % 3 == 0) out += kGroupSeparator;
    out += digits[index];
  }
  return out;
}

}  // namespace

Result<RomeTitles> RomeTitles::Load(const std::string& path) {
  RomeTitles titles;
  importers::CsvOptions options;
  options.required_columns = {"code_rome", "libelle_rome"};
  VV_RETURN_IF_ERROR(
      importers::ReadCsv(path, options, [&titles](const importers::CsvRow& row) -> Status {
        VV_ASSIGN_OR_RETURN(std::string_view code, row.Get("code_rome"));
        VV_ASSIGN_OR_RETURN(std::string_view title, row.Get("libelle_rome"));
        if (code.size() != 5 || title.empty())
          return row.Error("code_rome", "code ROME ou intitulé invalide");
        titles.titles_.emplace(std::string(code), std::string(title));
        return Status::Ok();
      }));
  return titles;
}

std::string RomeTitles::PathIn(const std::string& data_dir) {
  return data_dir + "/rome/rome_fiches.csv";
}

const std::string* RomeTitles::Find(std::string_view code) const {
  auto found = titles_.find(std::string(code));
  return found == titles_.end() ? nullptr : &found->second;
}

std::string Labels::Rome(std::string_view code) const {
  const std::string* title = rome_ != nullptr ? rome_->Find(code) : nullptr;
  if (title == nullptr) return "Code ROME " + std::string(code) + " (intitulé inconnu)";
  return *title + " (" + std::string(code) + ")";
}

std::string Labels::Commune(std::string_view insee_code) const {
  const std::string code(insee_code);
  if (grid_ != nullptr) {
    if (std::optional<uint32_t> index = grid_->FindCommune(code))
      return grid_->communes()[*index].name + " (" + code + ")";
  }
  return "Commune " + code + " (nom inconnu)";
}

std::string Labels::Choice(const FieldSpec& spec, std::string_view code) {
  for (const listings::Choice& choice : spec.choices) {
    if (code == choice.code) return choice.label;
  }
  return std::string(code);
}

const char* Labels::ListingStatus(std::string_view status) {
  if (status == listings::kStatusActive) return "En ligne";
  if (status == listings::kStatusScheduled) return "Programmée";
  if (status == listings::kStatusExpired) return "Expirée";
  return "Retirée";
}

json Labels::ListingDisplay(const listings::Listing& listing, const std::string& today) const {
  json fields = json::object();
  const json values = listing.Fields();
  for (const FieldSpec* spec : listings::AllFields(listing.kind)) {
    if (!values.contains(spec->name)) continue;
    if (std::string_view(spec->name) == listings::kFieldLatitude ||
        std::string_view(spec->name) == listings::kFieldLongitude)
      continue;
    fields[spec->name] = std::string_view(spec->name) == listings::kFieldCommuneCode
                             ? Commune(values[spec->name].get<std::string>())
                             : Field(*spec, values[spec->name]);
  }
  return {{"kind", listings::KindLabel(listing.kind)},
          {"status", ListingStatus(listing.StatusOn(today))},
          {"commune", Commune(listing.commune_code)},
          {"updated_at", Date(listing.updated_at)},
          {"fields", fields}};
}

std::string Labels::Field(const FieldSpec& spec, const json& value) const {
  if (value.is_null()) return {};
  if (value.is_array()) {
    const char* separator = spec.type == FieldType::kUrlList ? " | " : ", ";
    std::string out;
    for (const json& item : value) out += (out.empty() ? "" : separator) + Field(spec, item);
    return out;
  }
  if (value.is_boolean()) return value.get<bool>() ? "oui" : "non";
  if (value.is_number_integer()) return Integer(value.get<int64_t>());
  if (value.is_number()) return Number(value.get<double>(), 6);
  if (!value.is_string()) return {};
  const std::string text = value.get<std::string>();
  switch (spec.type) {
    case FieldType::kChoice:
      return Choice(spec, text);
    case FieldType::kDate:
      return FrenchDay(text);
    case FieldType::kRomeCode:
    case FieldType::kRomeList:
      return Rome(text);
    case FieldType::kBoolean:
      return text == "true" ? "oui" : text == "false" ? "non" : text;
    default:
      return text;
  }
}

std::string Labels::Date(int64_t epoch_seconds) { return FrenchDate(epoch_seconds); }

std::string Labels::Integer(int64_t value) {
  const std::string digits =
      std::to_string(value < 0 ? -static_cast<uint64_t>(value) : static_cast<uint64_t>(value));
  return (value < 0 ? "-" : "") + GroupDigits(digits);
}

std::string Labels::Number(double value, int decimals) {
  if (!std::isfinite(value)) return {};
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", decimals, std::fabs(value));
  std::string fixed = text;
  std::string whole = fixed, fraction;
  if (size_t point = fixed.find('.'); point != std::string::npos) {
    whole = fixed.substr(0, point);
    fraction = fixed.substr(point + 1);
    fraction.erase(fraction.find_last_not_of('0') + 1);
  }
  const bool negative = value < 0 && (whole != "0" || !fraction.empty());
  return (negative ? "-" : "") + GroupDigits(whole) + (fraction.empty() ? "" : "," + fraction);
}

std::string Labels::Euros(double value) {
  const double cents = std::round(value * 100);
  const bool whole = std::fmod(cents, 100) == 0;
  if (whole) return Number(cents / 100, 0) + kGroupSeparator + "€";
  char text[64];
  std::snprintf(text, sizeof(text), "%.2f", std::fabs(cents / 100));
  std::string fixed = text;
  const size_t point = fixed.find('.');
  return (value < 0 ? "-" : "") + GroupDigits(fixed.substr(0, point)) + "," +
         fixed.substr(point + 1) + kGroupSeparator + "€";
}

}  // namespace vivrovert::display
