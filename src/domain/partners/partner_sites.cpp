#include "domain/partners/partner_sites.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/common/text.hpp"

namespace vivrovert::partners {

namespace {

constexpr size_t kMaxHostBytes = 253;
constexpr size_t kMaxSiteNameBytes = 200;
constexpr size_t kMaxIntroductionBytes = 5000;
constexpr size_t kMaxLegalBytes = 20000;
// A logo given inline (data: URI) stays small: it is sent with every page.
constexpr size_t kMaxLogoBytes = 100000;

constexpr const char* kColumns =
    "id, partner_id, host, site_name, primary_colour, accent_colour, logo_url, introduction, "
    "legal_text, margin_km";

PartnerSite FromRow(const storage::Row& row) {
  PartnerSite site;
  site.id = row.Int(0);
  site.partner_id = row.Int(1);
  site.host = row.Text(2);
  site.site_name = row.Text(3);
  site.primary_colour = row.Text(4);
  site.accent_colour = row.Text(5);
  site.logo_url = row.Text(6);
  site.introduction = row.Text(7);
  site.legal_text = row.Text(8);
  site.margin_km = static_cast<int>(row.Int(9));
  return site;
}

bool IsHostName(const std::string& host) {
  if (host.empty() || host.size() > kMaxHostBytes) return false;
  if (host.find('.') == std::string::npos) return false;
  size_t label_start = 0;
  while (label_start <= host.size()) {
    size_t label_end = host.find('.', label_start);
    if (label_end == std::string::npos) label_end = host.size();
    const std::string_view label(host.data() + label_start, label_end - label_start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (char c : label) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    label_start = label_end + 1;
  }
  return true;
}

std::optional<std::string> Colour(const std::string& text) {
  const std::string colour = Trim(text);
  if (colour.size() != 7 || colour[0] != '#') return std::nullopt;
  std::string lower = "#";
  for (size_t char_idx = 1; char_idx < colour.size(); ++char_idx) {
    const char c = colour[char_idx];
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower;
}

// WCAG contrast of white text on `colour` ("#rrggbb", checked): the header's text.
double ContrastWithWhite(const std::string& colour) {
  double luminance = 0;
  const double weights[3] = {0.2126, 0.7152, 0.0722};
  for (int channel = 0; channel < 3; ++channel) {
    const double value = std::stoi(colour.substr(1 + 2 * channel, 2), nullptr, 16) / 255.0;
    const double linear = value <= 0.04045 ? value / 12.92 : std::pow((value + 0.055) / 1.055, 2.4);
    luminance += weights[channel] * linear;
  }
  return 1.05 / (luminance + 0.05);
}

// A site-relative path ("/static/…") or an inline image: the pages' Content-Security-Policy
// loads images from the site itself and data: URIs only.
bool IsLogoAddress(const std::string& url) {
  if (url.empty()) return true;
  if (url.size() > kMaxLogoBytes) return false;
  for (unsigned char c : url) {
    if (c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' || c >= 0x7f)
      return false;
  }
  if (url.starts_with("/") && !url.starts_with("//")) return true;
  return url.starts_with("data:image/png;base64,") || url.starts_with("data:image/jpeg;base64,") ||
         url.starts_with("data:image/svg+xml;base64,");
}

Status CheckText(const std::string& text, size_t max_bytes, const char* field) {
  if (text.size() > max_bytes)
    return InvalidArgument("Texte trop long (" + std::to_string(max_bytes) + " octets au plus).",
                           field);
  if (!IsValidUtf8(text)) return InvalidArgument("Texte illisible (UTF-8 attendu).", field);
  return Status::Ok();
}

}  // namespace

std::string NormalizeHost(std::string_view host_header) {
  std::string_view host = TrimView(host_header);
  // "[::1]:8080": an address, never a configured name; "name:8080" → "name".
  if (host.starts_with("[")) return {};
  if (size_t colon = host.rfind(':'); colon != std::string_view::npos) host = host.substr(0, colon);
  if (host.ends_with(".")) host.remove_suffix(1);
  std::string lower(host);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

Result<PartnerSite> PartnerSiteStore::Save(storage::Connection& connection, int64_t partner_id,
                                           const PartnerSiteInput& input, int64_t now) {
  const std::string host = NormalizeHost(input.host);
  if (!IsHostName(host)) {
    return InvalidArgument(
        "Nom d'hôte invalide : lettres minuscules, chiffres, tirets et points, au moins un point "
        "(ex. vivraubassindevie.fr), sans « http:// » ni chemin.",
        "host");
  }
  const std::string site_name = Trim(input.site_name);
  if (site_name.size() > kMaxSiteNameBytes || !IsValidUtf8(site_name))
    return InvalidArgument("Nom du site trop long ou illisible.", "site_name");
  std::optional<std::string> primary = Colour(input.primary_colour);
  if (!primary)
    return InvalidArgument("Couleur principale attendue au format #RRGGBB.", "primary_colour");
  if (ContrastWithWhite(*primary) < 4.5) {
    return InvalidArgument(
        "Couleur principale trop claire : le texte blanc de l'en-tête doit rester lisible "
        "(contraste de 4,5:1 au moins).",
        "primary_colour");
  }
  std::optional<std::string> accent = Colour(input.accent_colour);
  if (!accent)
    return InvalidArgument("Couleur d'accent attendue au format #RRGGBB.", "accent_colour");
  const std::string logo = Trim(input.logo_url);
  if (!IsLogoAddress(logo)) {
    return InvalidArgument(
        "Logo : un chemin de ce site (« /… ») ou une image en ligne « data:image/png;base64,… » "
        "(PNG, JPEG ou SVG, 100 ko au plus).",
        "logo_url");
  }
  VV_RETURN_IF_ERROR(CheckText(input.introduction, kMaxIntroductionBytes, "introduction"));
  VV_RETURN_IF_ERROR(CheckText(input.legal_text, kMaxLegalBytes, "legal_text"));
  if (input.margin_km < 0 || input.margin_km > kMaxSiteMarginKm) {
    return InvalidArgument(
        "Marge autour du territoire : de 0 à " + std::to_string(kMaxSiteMarginKm) + " km.",
        "margin_km");
  }
  std::vector<storage::SqlValue> values = {site_name,
                                           *primary,
                                           *accent,
                                           logo,
                                           input.introduction,
                                           input.legal_text,
                                           int64_t{input.margin_km},
                                           now};
  auto owner =
      connection.QueryOne("SELECT id, partner_id FROM partner_sites WHERE host = $1", {host});
  if (owner && owner->Int(1) != partner_id) {
    return AlreadyExists("Le nom d'hôte « " + host + " » est déjà celui d'un autre partenaire.",
                         "host");
  }
  if (owner) {
    values.push_back(owner->Int(0));
    connection.Execute(
        "UPDATE partner_sites SET site_name = $1, primary_colour = $2, accent_colour = $3, "
        "logo_url = $4, introduction = $5, legal_text = $6, margin_km = $7, updated_at = $8 "
        "WHERE id = $9",
        values);
  } else {
    std::vector<storage::SqlValue> insert = {partner_id, host};
    insert.insert(insert.end(), values.begin(), values.end());
    insert.push_back(now);
    auto row = connection.QueryOne(
        "INSERT INTO partner_sites (partner_id, host, site_name, primary_colour, accent_colour, "
        "logo_url, introduction, legal_text, margin_km, updated_at, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING "
        "RETURNING id",
        insert);
    if (!row) {
      return AlreadyExists("Le nom d'hôte « " + host + " » est déjà configuré.", "host");
    }
  }
  std::optional<PartnerSite> saved = FindByHost(connection, host);
  if (!saved) return Internal("partner site vanished after saving");
  return *saved;
}

Status PartnerSiteStore::Remove(storage::Connection& connection, int64_t partner_id,
                                int64_t site_id) {
  if (connection.Execute("DELETE FROM partner_sites WHERE id = $1 AND partner_id = $2",
                         {site_id, partner_id}) == 0) {
    return NotFound("Nom d'hôte inconnu pour ce partenaire.", "site");
  }
  return Status::Ok();
}

std::optional<PartnerSite> PartnerSiteStore::FindByHost(storage::Connection& connection,
                                                        std::string_view host) {
  const std::string normal = NormalizeHost(host);
  if (normal.empty()) return std::nullopt;
  auto row = connection.QueryOne(
      std::string("SELECT ") + kColumns + " FROM partner_sites WHERE host = $1", {normal});
  if (!row) return std::nullopt;
  return FromRow(*row);
}

std::vector<PartnerSite> PartnerSiteStore::OfPartner(storage::Connection& connection,
                                                     int64_t partner_id) {
  std::vector<PartnerSite> sites;
  for (const storage::Row& row :
       connection.Query(std::string("SELECT ") + kColumns +
                            " FROM partner_sites WHERE partner_id = $1 ORDER BY host",
                        {partner_id})) {
    sites.push_back(FromRow(row));
  }
  return sites;
}

std::vector<PartnerSite> PartnerSiteStore::List(storage::Connection& connection) {
  std::vector<PartnerSite> sites;
  for (const storage::Row& row :
       connection.Query(std::string("SELECT ") + kColumns + " FROM partner_sites ORDER BY host")) {
    sites.push_back(FromRow(row));
  }
  return sites;
}

Result<bool> PartnerSiteStore::SeedDemoSite(storage::Connection& connection, int64_t partner_id,
                                            int64_t now) {
  if (FindByHost(connection, kDemoSiteHost)) return false;
  PartnerSiteInput input;
  input.host = kDemoSiteHost;
  input.site_name = "VivrauBassindeVie (démo)";
  input.primary_colour = "#1f5f7a";
  input.accent_colour = "#e0a526";
  input.introduction =
      "Site de démonstration : le territoire du Grand Cahors tel que le verrait une "
      "collectivité abonnée à la plateforme du territoire (option 2).\n\n"
      "Cherchez où vivre sur les dalles d'un kilomètre du territoire et de ses environs ; "
      "les annonces marquées « démo » sont inventées pour la démonstration.";
  input.legal_text =
      "Texte de démonstration : ici figureraient les mentions légales propres à la "
      "collectivité (éditeur, directeur de la publication, contact).";
  input.margin_km = 5;
  Result<PartnerSite> saved = Save(connection, partner_id, input, now);
  if (!saved.ok()) return saved.status();
  return true;
}

}  // namespace vivrovert::partners
