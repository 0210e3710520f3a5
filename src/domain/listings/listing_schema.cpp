#include "domain/listings/listing_schema.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/common/text.hpp"
#include "data/csv/csv_reader.hpp"

namespace vivrovert::listings {

namespace {

using nlohmann::json;

constexpr double kMaxMoney = 1e9;

const std::vector<FieldSpec> kCommon = {
    {"external_id",
     "Référence",
     FieldType::kText,
     false,
     0,
     0,
     100,
     {},
     "Votre identifiant de l'annonce : un nouvel envoi avec la même référence la met à jour."},
    {"title", "Titre", FieldType::kText, true, 0, 0, 200},
    {"description", "Description", FieldType::kText, false, 0, 0, 5000},
    {kFieldLatitude,
     "Latitude (WGS84)",
     FieldType::kNumber,
     false,
     41,
     51.2,
     0,
     {},
     "Degrés décimaux, ex. 44,4475"},
    {kFieldLongitude,
     "Longitude (WGS84)",
     FieldType::kNumber,
     false,
     -5.3,
     9.7,
     0,
     {},
     "Degrés décimaux, ex. 1,4410"},
    {kFieldCommuneCode,
     "Code commune INSEE",
     FieldType::kText,
     false,
     0,
     0,
     5,
     {},
     "5 caractères, ex. 46042 (Cahors) ; à défaut des coordonnées, l'annonce est placée au centre "
     "de la commune."},
    {kFieldPostcode, "Code postal", FieldType::kText, false, 0, 0, 5},
    {kFieldAddress, "Adresse", FieldType::kText, false, 0, 0, 300},
    {"valid_from", "Publiée à partir du", FieldType::kDate},
    {"valid_until",
     "Valable jusqu'au",
     FieldType::kDate,
     false,
     0,
     0,
     0,
     {},
     "Après cette date, l'annonce expire."},
    {"contact_name", "Contact", FieldType::kText, false, 0, 0, 200},
    {"contact_email", "E-mail du contact", FieldType::kEmail},
    {"contact_phone", "Téléphone du contact", FieldType::kPhone},
    {"url", "Lien", FieldType::kUrl},
    {"pictures",
     "Photos (URL)",
     FieldType::kUrlList,
     false,
     0,
     0,
     0,
     {},
     "Jusqu'à 10 adresses, séparées par « | »."},
};

const std::vector<FieldSpec> kHousing = {
    {"transaction",
     "Transaction",
     FieldType::kChoice,
     true,
     0,
     0,
     0,
     {{"sale", "Vente"}, {"rent", "Location"}}},
    {"property_type",
     "Type de bien",
     FieldType::kChoice,
     true,
     0,
     0,
     0,
     {{"house", "Maison"},
      {"flat", "Appartement"},
      {"land", "Terrain"},
      {"farm", "Ferme"},
      {"other", "Autre"}}},
    {"rooms", "Pièces", FieldType::kInteger, false, 0, 50},
    {"surface_m2", "Surface habitable (m²)", FieldType::kNumber, false, 1, 10000},
    {"land_m2", "Terrain (m²)", FieldType::kNumber, false, 0, 10'000'000},
    {"price_eur", "Prix (€), loyer mensuel pour une location", FieldType::kNumber, true, 0,
     kMaxMoney},
    {"energy_class",
     "Classe énergie (DPE)",
     FieldType::kChoice,
     false,
     0,
     0,
     0,
     {{"A", "A"},
      {"B", "B"},
      {"C", "C"},
      {"D", "D"},
      {"E", "E"},
      {"F", "F"},
      {"G", "G"},
      {"NC", "Non communiquée"}}},
};

const std::vector<FieldSpec> kJob = {
    {"rome_code",
     "Code ROME",
     FieldType::kRomeCode,
     true,
     0,
     0,
     0,
     {},
     "Ex. J1506 (soins infirmiers)"},
    {"contract",
     "Contrat",
     FieldType::kChoice,
     true,
     0,
     0,
     0,
     {{"cdi", "CDI"},
      {"cdd", "CDD"},
      {"interim", "Intérim"},
      {"seasonal", "Saisonnier"},
      {"apprenticeship", "Apprentissage"},
      {"freelance", "Indépendant"},
      {"civil_service", "Fonction publique"},
      {"other", "Autre"}}},
    {"hours_per_week", "Heures par semaine", FieldType::kNumber, false, 1, 60},
    {"salary_min_eur", "Salaire annuel brut minimal (€)", FieldType::kNumber, false, 0, 10'000'000},
    {"salary_max_eur", "Salaire annuel brut maximal (€)", FieldType::kNumber, false, 0, 10'000'000},
    {"employer", "Employeur", FieldType::kText, false, 0, 0, 200},
    {"remote", "Télétravail possible", FieldType::kBoolean},
};

const std::vector<FieldSpec> kBusiness = {
    {"naf_code",
     "Code NAF",
     FieldType::kText,
     false,
     0,
     0,
     6,
     {},
     "Ex. 56.10A (restauration traditionnelle)"},
    {"sector",
     "Secteur",
     FieldType::kChoice,
     true,
     0,
     0,
     0,
     {{"retail", "Commerce"},
      {"food_service", "Café, hôtel, restaurant"},
      {"craft", "Artisanat"},
      {"agriculture", "Agriculture"},
      {"services", "Services"},
      {"health", "Santé"},
      {"industry", "Industrie"},
      {"tourism", "Tourisme"},
      {"other", "Autre"}}},
    {"turnover_min_eur", "Chiffre d'affaires annuel minimal (€)", FieldType::kNumber, false, 0,
     kMaxMoney},
    {"turnover_max_eur", "Chiffre d'affaires annuel maximal (€)", FieldType::kNumber, false, 0,
     kMaxMoney},
    {"price_eur", "Prix de cession (€)", FieldType::kNumber, false, 0, kMaxMoney},
    {"staff", "Salariés", FieldType::kInteger, false, 0, 10000},
};

const std::vector<FieldSpec> kLeisure = {
    {"category",
     "Catégorie",
     FieldType::kChoice,
     true,
     0,
     0,
     0,
     {{"sport", "Sport"},
      {"culture", "Culture"},
      {"nature", "Nature"},
      {"association", "Vie associative"},
      {"festival", "Fête, festival"},
      {"market", "Marché"},
      {"other", "Autre"}}},
    {"season",
     "Saison",
     FieldType::kChoice,
     false,
     0,
     0,
     0,
     {{"all_year", "Toute l'année"},
      {"spring", "Printemps"},
      {"summer", "Été"},
      {"autumn", "Automne"},
      {"winter", "Hiver"}}},
};

const std::vector<FieldSpec> kPoi = {
    {"category",
     "Catégorie",
     FieldType::kChoice,
     true,
     0,
     0,
     0,
     {{"health", "Santé"},
      {"education", "Éducation"},
      {"shop", "Commerce"},
      {"public_service", "Service public"},
      {"coworking", "Tiers-lieu, coworking"},
      {"transport", "Transport"},
      {"heritage", "Patrimoine"},
      {"nature", "Site naturel"},
      {"other", "Autre"}}},
};

const std::vector<FieldSpec> kCv = {
    {"rome_codes", "Métiers recherchés (codes ROME)", FieldType::kRomeList, true},
    {"skills", "Compétences", FieldType::kText, false, 0, 0, 2000},
    {"contract",
     "Contrat souhaité",
     FieldType::kChoice,
     false,
     0,
     0,
     0,
     {{"cdi", "CDI"},
      {"cdd", "CDD"},
      {"seasonal", "Saisonnier"},
      {"freelance", "Indépendant"},
      {"any", "Indifférent"}}},
    {"consent",
     "La personne consent à la publication",
     FieldType::kBoolean,
     true,
     0,
     0,
     0,
     {},
     "Obligatoire : « oui », recueilli auprès de la personne."},
};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Removes the spaces people put in numbers ("1 250,50", with plain or no-break spaces).
std::string WithoutDigitSpaces(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ' ') continue;
    if (i + 1 < text.size() && static_cast<unsigned char>(text[i]) == 0xC2 &&
        static_cast<unsigned char>(text[i + 1]) == 0xA0) {
      ++i;
      continue;
    }
    if (i + 2 < text.size() && static_cast<unsigned char>(text[i]) == 0xE2 &&
        static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        static_cast<unsigned char>(text[i + 2]) == 0xAF) {
      i += 2;  // narrow no-break space
      continue;
    }
    out += text[i];
  }
  return out;
}

std::string FormatBound(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15)
    return std::to_string(static_cast<int64_t>(value));
  std::string text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  std::replace(text.begin(), text.end(), '.', ',');
  return text;
}

bool IsRomeCode(std::string_view code) {
  return code.size() == 5 && code[0] >= 'A' && code[0] <= 'N' &&
         std::all_of(code.begin() + 1, code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsUrl(std::string_view text) {
  std::string lower = Lower(text.substr(0, 8));
  const bool scheme = lower.rfind("https://", 0) == 0 || lower.rfind("http://", 0) == 0;
  if (!scheme || text.size() > 2000) return false;
  return std::none_of(text.begin(), text.end(), [](char c) {
    return c == ' ' || c == '"' || c == '<' || c == '>' || static_cast<unsigned char>(c) < 0x20;
  });
}

Result<json> NormaliseNumber(const FieldSpec& spec, const json& value) {
  double number = 0;
  if (value.is_number()) {
    number = value.get<double>();
  } else if (value.is_string()) {
    std::string text = WithoutDigitSpaces(Trim(value.get<std::string>()));
    if (!text.empty() && (text.back() == '\xAC')) {
      // "€" (E2 82 AC) written after the amount.
      if (text.size() >= 3 && text.compare(text.size() - 3, 3, "\xE2\x82\xAC") == 0)
        text.resize(text.size() - 3);
    }
    std::optional<double> parsed = importers::ParseNumber(text);
    if (!parsed)
      return InvalidArgument("« " + value.get<std::string>().substr(0, 40) +
                             " » n'est pas un nombre.");
    number = *parsed;
  } else {
    return InvalidArgument("Un nombre est attendu.");
  }
  if (!std::isfinite(number)) return InvalidArgument("Un nombre fini est attendu.");
  if (spec.type == FieldType::kInteger && number != std::floor(number)) {
    return InvalidArgument("Un nombre entier est attendu.");
  }
  if (spec.min != spec.max && (number < spec.min || number > spec.max)) {
    return InvalidArgument("La valeur doit être comprise entre " + FormatBound(spec.min) + " et " +
                           FormatBound(spec.max) + ".");
  }
  if (spec.type == FieldType::kInteger) return json(static_cast<int64_t>(number));
  return json(number);
}

}  // namespace

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kHousing:
      return "housing";
    case Kind::kJob:
      return "job";
    case Kind::kBusiness:
      return "business";
    case Kind::kLeisure:
      return "leisure";
    case Kind::kPoi:
      return "poi";
    case Kind::kCv:
      return "cv";
  }
  return "housing";
}

const char* KindLabel(Kind kind) {
  switch (kind) {
    case Kind::kHousing:
      return "Logement";
    case Kind::kJob:
      return "Emploi";
    case Kind::kBusiness:
      return "Activité à reprendre";
    case Kind::kLeisure:
      return "Loisir";
    case Kind::kPoi:
      return "Point d'intérêt";
    case Kind::kCv:
      return "CV";
  }
  return "";
}

std::optional<Kind> ParseKind(std::string_view text) {
  const std::string lower = Lower(Trim(text));
  for (Kind kind : kAllKinds) {
    if (lower == KindName(kind) || lower == Lower(KindLabel(kind))) return kind;
  }
  return std::nullopt;
}

const std::vector<FieldSpec>& CommonFields() { return kCommon; }

const std::vector<FieldSpec>& KindFields(Kind kind) {
  switch (kind) {
    case Kind::kHousing:
      return kHousing;
    case Kind::kJob:
      return kJob;
    case Kind::kBusiness:
      return kBusiness;
    case Kind::kLeisure:
      return kLeisure;
    case Kind::kPoi:
      return kPoi;
    case Kind::kCv:
      return kCv;
  }
  return kHousing;
}

std::vector<const FieldSpec*> AllFields(Kind kind) {
  std::vector<const FieldSpec*> fields;
  for (const FieldSpec& spec : kCommon) fields.push_back(&spec);
  for (const FieldSpec& spec : KindFields(kind)) fields.push_back(&spec);
  return fields;
}

const FieldSpec* FindField(Kind kind, std::string_view name) {
  for (const FieldSpec* spec : AllFields(kind)) {
    if (name == spec->name) return spec;
  }
  return nullptr;
}

std::optional<std::string> ParseDate(std::string_view raw) { return ParseTypedDay(raw); }

Result<json> NormaliseField(const FieldSpec& spec, const json& value) {
  if (value.is_null()) return json(nullptr);
  if (value.is_string() && Trim(value.get<std::string>()).empty()) return json(nullptr);
  if (value.is_string() && !IsValidUtf8(value.get<std::string>())) {
    return InvalidArgument("Le texte n'est pas de l'UTF-8 valide.");
  }
  switch (spec.type) {
    case FieldType::kText: {
      if (!value.is_string() && !value.is_number()) return InvalidArgument("Un texte est attendu.");
      std::string text = value.is_string() ? Trim(value.get<std::string>()) : value.dump();
      if (text.size() > spec.max_length) {
        return InvalidArgument("Texte trop long : " + std::to_string(spec.max_length) +
                               " octets au plus.");
      }
      return json(text);
    }
    case FieldType::kInteger:
    case FieldType::kNumber:
      return NormaliseNumber(spec, value);
    case FieldType::kDate: {
      if (!value.is_string())
        return InvalidArgument("Une date AAAA-MM-JJ ou JJ/MM/AAAA est attendue.");
      std::optional<std::string> date = ParseDate(value.get<std::string>());
      if (!date) {
        return InvalidArgument("« " + value.get<std::string>().substr(0, 40) +
                               " » n'est pas une date AAAA-MM-JJ ou JJ/MM/AAAA.");
      }
      return json(*date);
    }
    case FieldType::kChoice: {
      if (!value.is_string()) return InvalidArgument("Une des valeurs de la liste est attendue.");
      const std::string lower = Lower(Trim(value.get<std::string>()));
      std::string accepted;
      for (const Choice& choice : spec.choices) {
        if (lower == Lower(choice.code) || lower == Lower(choice.label)) return json(choice.code);
        accepted += accepted.empty() ? "" : ", ";
        accepted += choice.code;
      }
      return InvalidArgument("« " + value.get<std::string>().substr(0, 40) +
                             " » n'est pas une valeur admise (" + accepted + ").");
    }
    case FieldType::kUrl: {
      if (!value.is_string() || !IsUrl(Trim(value.get<std::string>()))) {
        return InvalidArgument("Une adresse web http:// ou https:// est attendue.");
      }
      return json(Trim(value.get<std::string>()));
    }
    case FieldType::kUrlList: {
      std::vector<std::string> urls;
      if (value.is_array()) {
        for (const json& item : value) {
          if (!item.is_string()) return InvalidArgument("Une liste d'adresses web est attendue.");
          urls.push_back(Trim(item.get<std::string>()));
        }
      } else if (value.is_string()) {
        urls = SplitList(value.get<std::string>(), "|\n");
      } else {
        return InvalidArgument("Une liste d'adresses web est attendue.");
      }
      if (urls.size() > 10) return InvalidArgument("10 adresses au plus.");
      for (const std::string& url : urls) {
        if (!IsUrl(url))
          return InvalidArgument("« " + url.substr(0, 60) + " » n'est pas une adresse http(s).");
      }
      if (urls.empty()) return json(nullptr);
      return json(urls);
    }
    case FieldType::kEmail: {
      if (!value.is_string()) return InvalidArgument("Une adresse e-mail est attendue.");
      std::string email = Trim(value.get<std::string>());
      const size_t at = email.find('@');
      if (email.size() > 254 || at == 0 || at == std::string::npos ||
          email.find('@', at + 1) != std::string::npos ||
          email.find('.', at) == std::string::npos ||
          email.find_first_of(" <>\"") != std::string::npos) {
        return InvalidArgument("« " + email.substr(0, 60) + " » n'est pas une adresse e-mail.");
      }
      return json(email);
    }
    case FieldType::kPhone: {
      std::string phone = value.is_string() ? Trim(value.get<std::string>()) : value.dump();
      const size_t digits =
          static_cast<size_t>(std::count_if(phone.begin(), phone.end(), ::isdigit));
      const bool allowed = std::all_of(phone.begin(), phone.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) || c == ' ' || c == '+' || c == '.' ||
               c == '-' || c == '(' || c == ')';
      });
      if (!allowed || digits < 6 || digits > 15)
        return InvalidArgument("Numéro de téléphone invalide.");
      return json(phone);
    }
    case FieldType::kRomeCode: {
      if (!value.is_string()) return InvalidArgument("Un code ROME est attendu (ex. J1506).");
      std::string code = Trim(value.get<std::string>());
      for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (!IsRomeCode(code))
        return InvalidArgument("« " + code.substr(0, 20) +
                               " » n'est pas un code ROME (ex. J1506).");
      return json(code);
    }
    case FieldType::kRomeList: {
      std::vector<std::string> codes;
      if (value.is_array()) {
        for (const json& item : value) {
          if (!item.is_string()) return InvalidArgument("Une liste de codes ROME est attendue.");
          codes.push_back(Trim(item.get<std::string>()));
        }
      } else if (value.is_string()) {
        codes = SplitList(value.get<std::string>(), ",;| ");
      } else {
        return InvalidArgument("Une liste de codes ROME est attendue.");
      }
      std::set<std::string> unique;
      for (std::string& code : codes) {
        for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (!IsRomeCode(code))
          return InvalidArgument("« " + code.substr(0, 20) +
                                 " » n'est pas un code ROME (ex. J1506).");
        unique.insert(code);
      }
      if (unique.empty()) return json(nullptr);
      if (unique.size() > 20) return InvalidArgument("20 codes ROME au plus.");
      return json(std::vector<std::string>(unique.begin(), unique.end()));
    }
    case FieldType::kBoolean: {
      if (value.is_boolean()) return value;
      if (value.is_number_integer() && (value.get<int64_t>() == 0 || value.get<int64_t>() == 1)) {
        return json(value.get<int64_t>() == 1);
      }
      if (value.is_string()) {
        const std::string lower = Lower(Trim(value.get<std::string>()));
        if (lower == "oui" || lower == "true" || lower == "1" || lower == "o" || lower == "yes")
          return json(true);
        if (lower == "non" || lower == "false" || lower == "0" || lower == "n" || lower == "no")
          return json(false);
      }
      return InvalidArgument("« oui » ou « non » est attendu.");
    }
  }
  return InvalidArgument("Type de champ inconnu.");
}

Normalised NormaliseListing(Kind kind, const json& object, const std::vector<std::string>& ignore) {
  Normalised out;
  out.fields = json::object();
  if (!object.is_object()) {
    out.errors.push_back({"", "Un objet JSON est attendu."});
    return out;
  }
  for (const auto& [key, value] : object.items()) {
    if (std::find(ignore.begin(), ignore.end(), key) != ignore.end()) continue;
    const FieldSpec* spec = FindField(kind, key);
    if (spec == nullptr) {
      out.errors.push_back({key.substr(0, 60), std::string("Champ inconnu pour une annonce « ") +
                                                   KindLabel(kind) + " »."});
      continue;
    }
    Result<json> normalised = NormaliseField(*spec, value);
    if (!normalised.ok()) {
      out.errors.push_back({key, normalised.status().message()});
    } else if (!normalised->is_null()) {
      out.fields[key] = *std::move(normalised);
    }
  }
  for (const FieldSpec* spec : AllFields(kind)) {
    if (spec->required && !out.fields.contains(spec->name) &&
        std::none_of(out.errors.begin(), out.errors.end(),
                     [&](const FieldError& e) { return e.field == spec->name; })) {
      out.errors.push_back({spec->name, std::string("Champ obligatoire : ") + spec->label + "."});
    }
  }
  const json& fields = out.fields;
  auto range = [&](const char* low, const char* high, const char* message) {
    if (fields.contains(low) && fields.contains(high) && fields[low] > fields[high]) {
      out.errors.push_back({high, message});
    }
  };
  range("valid_from", "valid_until", "La date de fin précède la date de début.");
  range("salary_min_eur", "salary_max_eur", "Le salaire maximal est inférieur au minimal.");
  range("turnover_min_eur", "turnover_max_eur",
        "Le chiffre d'affaires maximal est inférieur au minimal.");
  if (fields.contains(kFieldLatitude) != fields.contains(kFieldLongitude)) {
    out.errors.push_back({fields.contains(kFieldLatitude) ? kFieldLongitude : kFieldLatitude,
                          "Latitude et longitude vont ensemble."});
  }
  if (!fields.contains(kFieldLatitude) && !fields.contains(kFieldCommuneCode) &&
      !fields.contains(kFieldPostcode)) {
    const bool reported =
        std::any_of(out.errors.begin(), out.errors.end(), [](const FieldError& e) {
          return e.field == kFieldLatitude || e.field == kFieldLongitude ||
                 e.field == kFieldCommuneCode || e.field == kFieldPostcode;
        });
    if (!reported) {
      out.errors.push_back({kFieldCommuneCode,
                            "Indiquez où se trouve l'annonce : latitude et longitude, code commune "
                            "ou code postal."});
    }
  }
  if (kind == Kind::kCv && fields.contains("consent") && !fields["consent"].get<bool>()) {
    out.errors.push_back({"consent", "Un CV n'est publié qu'avec le consentement de la personne."});
  }
  return out;
}

std::string FieldValueText(const FieldSpec& spec, const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "oui" : "non";
  if (value.is_array()) {
    const char* separator = spec.type == FieldType::kUrlList ? " | " : ", ";
    std::string out;
    for (const json& item : value)
      out += (out.empty() ? "" : separator) + FieldValueText(spec, item);
    return out;
  }
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number()) {
    char text[64];
    std::snprintf(text, sizeof(text), "%.6f", value.get<double>());
    std::string out = text;
    out.erase(out.find_last_not_of('0') + 1);
    if (!out.empty() && out.back() == '.') out.pop_back();
    std::replace(out.begin(), out.end(), '.', ',');
    return out;
  }
  return {};
}

std::string FieldDisplayText(const FieldSpec& spec, const json& value) {
  std::string text = FieldValueText(spec, value);
  if (spec.type == FieldType::kChoice) {
    for (const Choice& choice : spec.choices) {
      if (text == choice.code) return choice.label;
    }
  }
  if (spec.type == FieldType::kDate) return FrenchDay(text);
  return text;
}

json SchemaJson() {
  json kinds = json::array();
  for (Kind kind : kAllKinds) {
    json fields = json::array();
    for (const FieldSpec* spec : AllFields(kind)) {
      static const char* kTypeNames[] = {"text",   "integer",   "number",    "date",
                                         "choice", "url",       "url_list",  "email",
                                         "phone",  "rome_code", "rome_list", "boolean"};
      json field = {{"name", spec->name},
                    {"label", spec->label},
                    {"type", kTypeNames[static_cast<int>(spec->type)]},
                    {"required", spec->required}};
      if (spec->min != spec->max) {
        field["min"] = spec->min;
        field["max"] = spec->max;
      }
      if (spec->max_length > 0) field["max_length"] = spec->max_length;
      if (!spec->choices.empty()) {
        json choices = json::array();
        for (const Choice& choice : spec->choices)
          choices.push_back({{"code", choice.code}, {"label", choice.label}});
        field["choices"] = choices;
      }
      if (*spec->help) field["help"] = spec->help;
      fields.push_back(field);
    }
    kinds.push_back({{"kind", KindName(kind)}, {"label", KindLabel(kind)}, {"fields", fields}});
  }
  return {{"kinds", kinds}};
}

}  // namespace vivrovert::listings
