#include "domain/listings/france_travail.hpp"

#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include "core/common/json_input.hpp"
#include "core/common/text.hpp"
#include "data/csv/csv_reader.hpp"

namespace vivrovert::listings {

namespace {

using nlohmann::json;

// Reads the fields of one offer, recording each one of the wrong type.
class OfferReader {
 public:
  explicit OfferReader(std::vector<FieldError>& errors) : errors_(errors) {}

  // Absent or null → nullptr.
  const json* Object(const json& parent, const char* key, const std::string& path) {
    auto found = parent.find(key);
    if (found == parent.end() || found->is_null()) return nullptr;
    if (!found->is_object()) {
      errors_.push_back({path, "Un objet est attendu pour « " + path + " »."});
      return nullptr;
    }
    return &*found;
  }

  std::optional<std::string> Text(const json* parent, const char* key, const std::string& path) {
    if (parent == nullptr) return std::nullopt;
    auto found = parent->find(key);
    if (found == parent->end() || found->is_null()) return std::nullopt;
    if (found->is_string()) {
      std::string text = Trim(found->get<std::string>());
      if (text.empty()) return std::nullopt;
      return text;
    }
    if (found->is_number_integer()) return found->dump();
    errors_.push_back({path, "Un texte est attendu pour « " + path + " »."});
    return std::nullopt;
  }

  std::optional<double> Number(const json* parent, const char* key, const std::string& path) {
    if (parent == nullptr) return std::nullopt;
    auto found = parent->find(key);
    if (found == parent->end() || found->is_null()) return std::nullopt;
    if (found->is_number()) return found->get<double>();
    if (found->is_string()) {
      if (std::optional<double> value = importers::ParseNumber(Trim(found->get<std::string>())))
        return value;
    }
    errors_.push_back({path, "Un nombre est attendu pour « " + path + " »."});
    return std::nullopt;
  }

  std::optional<bool> Boolean(const json* parent, const char* key, const std::string& path) {
    if (parent == nullptr) return std::nullopt;
    auto found = parent->find(key);
    if (found == parent->end() || found->is_null()) return std::nullopt;
    if (found->is_boolean()) return found->get<bool>();
    errors_.push_back({path, "« true » ou « false » est attendu pour « " + path + " »."});
    return std::nullopt;
  }

 private:
  std::vector<FieldError>& errors_;
};

// `text` cut to `max_bytes` of UTF-8, ending with "…" when cut.
std::string Cut(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0u) == 0x80u) --end;
  return text.substr(0, end) + "\xE2\x80\xA6";
}

size_t MaxLength(const char* field) {
  const FieldSpec* spec = FindField(Kind::kJob, field);
  return spec != nullptr && spec->max_length > 0 ? spec->max_length : 200;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Contract(const std::string& type_code, bool alternance) {
  if (alternance) return "apprenticeship";
  const std::string code = Lower(type_code);
  if (code == "cdi") return "cdi";
  if (code == "cdd" || code == "ddi") return "cdd";
  if (code == "mis" || code == "din" || code == "tti") return "interim";
  if (code == "sai") return "seasonal";
  if (code == "lib") return "freelance";
  return "other";
}

// "35H Horaires normaux", "35 H  Travail en journée", "39H30 …" → 35, 35, 39.5.
std::optional<double> HoursPerWeek(std::string_view text) {
  size_t at = 0;
  auto skip_spaces = [&] {
    while (at < text.size() && text[at] == ' ') ++at;
  };
  auto digits = [&](int& out) {
    const size_t start = at;
    out = 0;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) &&
           at - start < 3) {
      out = out * 10 + (text[at] - '0');
      ++at;
    }
    return at > start;
  };
  skip_spaces();
  int hours = 0, minutes = 0;
  if (!digits(hours)) return std::nullopt;
  skip_spaces();
  if (at >= text.size() || (text[at] != 'H' && text[at] != 'h')) return std::nullopt;
  ++at;
  if (digits(minutes) && minutes >= 60) return std::nullopt;
  const double value = hours + minutes / 60.0;
  if (value < 1 || value > 60) return std::nullopt;
  return std::round(value * 100) / 100;
}

struct Salary {
  double min = 0;
  double max = 0;
};

// Yearly gross from "Mensuel de 1800.00 Euros à 2000.00 Euros sur 12 mois", "Annuel de
// 30000 Euros", "Horaire de 11.88 Euros sur 12 mois" (needs the weekly hours).
std::optional<Salary> YearlySalary(const std::string& label, std::optional<double> hours) {
  std::istringstream words(label);
  std::vector<std::string> tokens;
  for (std::string word; words >> word;) tokens.push_back(word);
  if (tokens.empty()) return std::nullopt;
  const std::string period = Lower(tokens.front());
  std::vector<double> amounts;
  double months = 12;
  for (size_t index = 0; index + 1 < tokens.size(); ++index) {
    std::optional<double> number = importers::ParseNumber(tokens[index]);
    if (!number) continue;
    const std::string next = Lower(tokens[index + 1]);
    if (next.starts_with("euro") || next == "eur" || next == "\xE2\x82\xAC") {
      amounts.push_back(*number);
    } else if (next == "mois" && index > 0 && Lower(tokens[index - 1]) == "sur" && *number >= 12 &&
               *number <= 16) {
      months = *number;
    }
  }
  if (amounts.empty() || amounts.size() > 2) return std::nullopt;
  double factor = 0;
  if (period == "annuel")
    factor = 1;
  else if (period == "mensuel")
    factor = months;
  else if (period == "horaire" && hours)
    factor = *hours * 52;
  if (factor == 0) return std::nullopt;
  Salary salary{amounts.front() * factor, amounts.back() * factor};
  if (salary.min > salary.max) std::swap(salary.min, salary.max);
  salary.min = std::round(salary.min);
  salary.max = std::round(salary.max);
  if (salary.min <= 0 || salary.max > 10'000'000) return std::nullopt;
  return salary;
}

bool LooksLikeEmail(const std::string& text) {
  const size_t at = text.find('@');
  return at != std::string::npos && at > 0 && text.find('.', at) != std::string::npos &&
         text.find_first_of(" <>\"") == std::string::npos && text.size() <= 254;
}

bool LooksLikePhone(const std::string& text) {
  size_t digits = 0;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c)))
      ++digits;
    else if (std::string_view(" +.-()").find(c) == std::string_view::npos)
      return false;
  }
  return digits >= 6 && digits <= 15;
}

BatchItem ReadOffer(const json& offer, int64_t line) {
  BatchItem item;
  item.line = line;
  item.kind = Kind::kJob;
  item.fields = json::object();
  if (!offer.is_object()) {
    item.read_errors.push_back({"", "Une offre doit être un objet JSON."});
    return item;
  }
  OfferReader read(item.read_errors);
  json& fields = item.fields;

  if (std::optional<std::string> id = read.Text(&offer, "id", "id")) {
    fields["external_id"] = Cut(*id, MaxLength("external_id"));
  } else if (item.read_errors.empty()) {
    item.read_errors.push_back({"id", "L'offre n'a pas d'identifiant (id)."});
  }
  if (auto title = read.Text(&offer, "intitule", "intitule"))
    fields["title"] = Cut(*title, MaxLength("title"));
  if (auto text = read.Text(&offer, "description", "description")) {
    fields["description"] = Cut(*text, MaxLength("description"));
  }
  if (auto rome = read.Text(&offer, "romeCode", "romeCode")) fields["rome_code"] = *rome;

  const std::optional<std::string> type_code = read.Text(&offer, "typeContrat", "typeContrat");
  const bool alternance = read.Boolean(&offer, "alternance", "alternance").value_or(false);
  if (type_code || alternance) fields["contract"] = Contract(type_code.value_or(""), alternance);

  const json* company = read.Object(offer, "entreprise", "entreprise");
  if (auto name = read.Text(company, "nom", "entreprise.nom"))
    fields["employer"] = Cut(*name, MaxLength("employer"));

  const json* place = read.Object(offer, "lieuTravail", "lieuTravail");
  const std::optional<double> latitude = read.Number(place, "latitude", "lieuTravail.latitude");
  const std::optional<double> longitude = read.Number(place, "longitude", "lieuTravail.longitude");
  const std::optional<std::string> commune = read.Text(place, "commune", "lieuTravail.commune");
  const std::optional<std::string> postcode =
      read.Text(place, "codePostal", "lieuTravail.codePostal");
  const std::optional<std::string> place_label = read.Text(place, "libelle", "lieuTravail.libelle");
  if (latitude && longitude) {
    fields[kFieldLatitude] = *latitude;
    fields[kFieldLongitude] = *longitude;
  } else if (commune) {
    fields[kFieldCommuneCode] = *commune;
  } else if (postcode) {
    fields[kFieldPostcode] = *postcode;
    if (place_label) fields[kFieldAddress] = Cut(*place_label, MaxLength(kFieldAddress));
  }

  std::optional<double> hours;
  if (auto duration = read.Text(&offer, "dureeTravailLibelle", "dureeTravailLibelle")) {
    hours = HoursPerWeek(*duration);
    if (hours) fields["hours_per_week"] = *hours;
  }
  const json* salary = read.Object(offer, "salaire", "salaire");
  if (auto label = read.Text(salary, "libelle", "salaire.libelle")) {
    if (std::optional<Salary> yearly = YearlySalary(*label, hours)) {
      fields["salary_min_eur"] = yearly->min;
      fields["salary_max_eur"] = yearly->max;
    }
  }

  const json* origin = read.Object(offer, "origineOffre", "origineOffre");
  const json* contact = read.Object(offer, "contact", "contact");
  std::optional<std::string> url = read.Text(origin, "urlOrigine", "origineOffre.urlOrigine");
  std::optional<std::string> apply_url =
      read.Text(contact, "urlPostulation", "contact.urlPostulation");
  if (url || apply_url) fields["url"] = url ? *url : *apply_url;
  if (auto name = read.Text(contact, "nom", "contact.nom"))
    fields["contact_name"] = Cut(*name, MaxLength("contact_name"));
  if (auto email = read.Text(contact, "courriel", "contact.courriel");
      email && LooksLikeEmail(*email)) {
    fields["contact_email"] = *email;
  }
  if (auto phone = read.Text(contact, "telephone", "contact.telephone");
      phone && LooksLikePhone(*phone)) {
    fields["contact_phone"] = *phone;
  }
  return item;
}

}  // namespace

Result<std::vector<BatchItem>> ReadFranceTravailOffers(std::string_view json_bytes) {
  Result<json> parsed = ParseUntrustedJson(json_bytes, "file");
  if (!parsed.ok()) {
    return InvalidArgument(
        parsed.status().message() + " Réponse de l'API Offres d'emploi v2 attendue.", "file");
  }
  json document = std::move(parsed).value();
  const json* offers = nullptr;
  json single = json::array();
  if (document.is_array()) {
    offers = &document;
  } else if (document.is_object() && document.contains("resultats")) {
    offers = &document["resultats"];
    if (!offers->is_array())
      return InvalidArgument("« resultats » doit être un tableau d'offres.", "resultats");
  } else if (document.is_object() && document.contains("id") && document.contains("intitule")) {
    single.push_back(document);
    offers = &single;
  } else {
    return InvalidArgument(
        "Réponse de l'API Offres d'emploi v2 attendue : {\"resultats\": [offres…]}.", "file");
  }
  std::vector<BatchItem> items;
  items.reserve(offers->size());
  int64_t index = 0;
  for (const json& offer : *offers) items.push_back(ReadOffer(offer, ++index));
  return items;
}

}  // namespace vivrovert::listings
