#include "domain/billing/quote.hpp"

#include <algorithm>
#include <chrono>

#include "core/common/text.hpp"

namespace vivrovert::billing {

namespace {

// Outside text quoted in a message, cut so that a long input cannot flood it.
std::string Quoted(std::string_view text) {
  const std::string_view cut = text.substr(0, 40);
  return "« " + std::string(cut) + (cut.size() < text.size() ? "…" : "") + " »";
}

Status MonthsOutOfRange(int64_t months) {
  return InvalidArgument("La durée doit être de " + std::to_string(kMinMonths) + " à " +
                             std::to_string(kMaxMonths) +
                             " mois (reçu : " + std::to_string(months) + ").",
                         "months");
}

Status MembersOutOfRange(int64_t members) {
  return InvalidArgument("Le nombre de membres PVD doit être de 1 à " +
                             std::to_string(kMaxPvdMembers) +
                             " (reçu : " + std::to_string(members) + ").",
                         "pvd_members");
}

Status UnreadableMembers(std::string_view text) {
  return InvalidArgument("Nombre de membres PVD illisible : " + Quoted(text) +
                             " (attendu : un nombre de 1 à " + std::to_string(kMaxPvdMembers) +
                             ", ou un nombre par option comme 1=4,3=2).",
                         "pvd_members");
}

// The option written `text` ("1", "2", "3"); a Status naming `field` otherwise, with a word
// for "4", which is not an option code but the PVD way of buying them.
Result<ProductCode> ParseOptionCode(std::string_view text, const char* field) {
  const std::optional<int64_t> number = ParsePositiveId(text);
  if (number && *number == 4) {
    return InvalidArgument(
        "4 n'est pas un code d'option : l'option 4 (PVD) se demande par le nombre de "
        "membres (pvd_members), avec les options 1, 2 ou 3 qu'elle concerne.",
        field);
  }
  const std::optional<ProductCode> code =
      number && *number <= 3 ? OptionFromNumber(static_cast<int>(*number)) : std::nullopt;
  if (!code) {
    return InvalidArgument("Option inconnue : " + Quoted(text) + " (attendu : 1, 2 ou 3).", field);
  }
  return *code;
}

// A count written in decimal digits only ("0" included, at most 9 digits); nullopt otherwise.
std::optional<int64_t> ParseDigits(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  int64_t value = 0;
  for (const char digit : text) {
    if (digit < '0' || digit > '9') return std::nullopt;
    value = value * 10 + (digit - '0');
  }
  return value;
}

Result<int> ParseMemberCount(std::string_view text) {
  const std::optional<int64_t> count = ParseDigits(text);
  if (!count) return UnreadableMembers(text);
  if (*count < 1 || *count > kMaxPvdMembers) return MembersOutOfRange(*count);
  return static_cast<int>(*count);
}

// The counts of `text` ("N" or "1=4,3=2") for the chosen `options`.
Result<std::map<ProductCode, int>> ParsePvdMembers(std::string_view text,
                                                   const std::vector<ProductCode>& options) {
  std::map<ProductCode, int> members;
  const std::string trimmed = Trim(text);
  if (trimmed.find('=') == std::string::npos) {
    VV_ASSIGN_OR_RETURN(const int count, ParseMemberCount(trimmed));
    for (const ProductCode code : options) members[code] = count;
    return members;
  }
  const std::vector<std::string> items = SplitList(trimmed, ",");
  if (items.empty()) return UnreadableMembers(text);
  for (const std::string& item : items) {
    const size_t equals = item.find('=');
    if (equals == std::string::npos) return UnreadableMembers(text);
    VV_ASSIGN_OR_RETURN(const ProductCode code,
                        ParseOptionCode(Trim(item.substr(0, equals)), "pvd_members"));
    VV_ASSIGN_OR_RETURN(const int count, ParseMemberCount(Trim(item.substr(equals + 1))));
    if (!members.emplace(code, count).second) {
      return InvalidArgument("Nombre de membres PVD donné deux fois pour l'option " +
                                 std::to_string(OptionNumber(code)) + ".",
                             "pvd_members");
    }
  }
  return members;
}

// A day as the forms take it (JJ/MM/AAAA) or as the API documents it (AAAA-MM-JJ).
Result<Date> ParseDateField(const std::string& text, const char* field, const char* what) {
  const std::optional<std::string> iso = ParseTypedDay(text);
  const std::optional<Date> date = iso ? ParseIsoDate(*iso) : std::nullopt;
  if (!date) {
    return InvalidArgument(std::string(what) + " illisible : " + Quoted(text) +
                               " (attendu : une date JJ/MM/AAAA ou AAAA-MM-JJ).",
                           field);
  }
  return *date;
}

bool HasOption(const std::vector<ProductCode>& options, ProductCode code) {
  return std::find(options.begin(), options.end(), code) != options.end();
}

// `period_last` is given, not derived from `period_first`: both come from the signature
// date, and a clamped month end must not shift the periods after it.
Instalment MakeInstalment(InstalmentKind kind, Date due, std::string label, Date period_first,
                          Date period_last, int period_months, Cents amount_ht) {
  const Cents tva = PercentOf(amount_ht, kTvaPercent);
  return Instalment{kind,      due, std::move(label), period_first, period_last, period_months,
                    amount_ht, tva, amount_ht + tva};
}

}  // namespace

std::vector<Instalment> BuildSchedule(Date start, Date service_start, int months,
                                      Cents monthly_ht) {
  std::vector<Instalment> schedule;
  // A contract lasts at least 12 months, so its first year is always twelve full months
  // and "the first year's amount" and "the annual amount" are the same 12 × monthly.
  const Cents first_year = 12 * monthly_ht;
  const Cents at_signature = PercentOf(first_year, 30);
  const Cents at_service_start = PercentOf(first_year, 50);
  // The rounding of the two shares above lands here, so the first year adds up exactly.
  const Cents at_eleventh_month = first_year - at_signature - at_service_start;
  const Date first_year_last = PreviousDay(AddMonths(start, 12));
  schedule.push_back(MakeInstalment(InstalmentKind::kSignature, start,
                                    "Acompte de 30 % de la première année, à la signature", start,
                                    first_year_last, 12, at_signature));
  schedule.push_back(MakeInstalment(InstalmentKind::kServiceStart, service_start,
                                    "50 % du montant annuel, à la mise en service", start,
                                    first_year_last, 12, at_service_start));
  schedule.push_back(
      MakeInstalment(InstalmentKind::kEleventhMonth, AddMonths(start, kLastInstalmentMonth),
                     "Solde de 20 % de la première année, 11 mois après la signature", start,
                     first_year_last, 12, at_eleventh_month));
  for (int month = 12; month < months; month += 3) {
    const int span = std::min(3, months - month);
    const Date first = AddMonths(start, month);
    const Date last = PreviousDay(AddMonths(start, month + span));
    std::string label = (span == 3 ? "Trimestre du " : "Période du ") + FormatFrenchDate(first) +
                        " au " + FormatFrenchDate(last);
    if (span < 3) label += " (" + std::to_string(span) + " mois, au prorata)";
    schedule.push_back(MakeInstalment(InstalmentKind::kQuarter, first, std::move(label), first,
                                      last, span, monthly_ht * span));
  }
  return schedule;
}

std::vector<Instalment> BuildShortSchedule(Date start, Date service_start, Date end, int months,
                                           Cents monthly_ht) {
  const Cents whole = monthly_ht * months;
  const Cents at_signature = PercentOf(whole, 30);
  const Cents at_service_start = PercentOf(whole, 50);
  Date last_due = AddMonths(start, kLastInstalmentMonth);
  const Date last_month = AddMonths(start, months - 1);
  if (std::chrono::sys_days(last_month) < std::chrono::sys_days(last_due)) last_due = last_month;
  if (std::chrono::sys_days(last_due) < std::chrono::sys_days(service_start))
    last_due = service_start;
  return {MakeInstalment(InstalmentKind::kSignature, start,
                         "Acompte de 30 % de l'avenant, à la signature", start, end, months,
                         at_signature),
          MakeInstalment(InstalmentKind::kServiceStart, service_start,
                         "50 % de l'avenant, à la mise en service", start, end, months,
                         at_service_start),
          MakeInstalment(InstalmentKind::kEleventhMonth, last_due, "Solde de 20 % de l'avenant",
                         start, end, months, whole - at_signature - at_service_start)};
}

std::vector<Instalment> ScheduleOf(Date start, Date service_start, Date end, int months,
                                   Cents monthly_ht) {
  return months >= kMinMonths ? BuildSchedule(start, service_start, months, monthly_ht)
                              : BuildShortSchedule(start, service_start, end, months, monthly_ht);
}

std::string_view InstalmentKindName(InstalmentKind kind) {
  switch (kind) {
    case InstalmentKind::kSignature:
      return "signature";
    case InstalmentKind::kServiceStart:
      return "service_start";
    case InstalmentKind::kEleventhMonth:
      return "eleventh_month";
    case InstalmentKind::kQuarter:
      return "quarter";
  }
  return "quarter";
}

Result<QuoteRequest> ParseQuoteRequest(const QuoteRequestText& text) {
  QuoteRequest request;
  if (!text.type || Trim(*text.type).empty()) {
    return InvalidArgument(
        "Le type de collectivité est obligatoire : commune, epci ou departement.", "type");
  }
  const std::optional<CollectivityKind> kind = ParseCollectivityKind(Trim(*text.type));
  if (!kind) {
    return InvalidArgument("Type de collectivité inconnu : " + Quoted(*text.type) +
                               " (attendu : commune, epci ou departement).",
                           "type");
  }
  request.kind = *kind;

  if (!text.start || Trim(*text.start).empty()) {
    return InvalidArgument("La date de signature est obligatoire (JJ/MM/AAAA).", "start");
  }
  VV_ASSIGN_OR_RETURN(request.start, ParseDateField(*text.start, "start", "Date de signature"));

  if (text.options) {
    for (const std::string& item : SplitList(*text.options, ",")) {
      VV_ASSIGN_OR_RETURN(const ProductCode code, ParseOptionCode(item, "options"));
      if (HasOption(request.options, code)) {
        return InvalidArgument(
            "Option " + std::to_string(OptionNumber(code)) + " choisie deux fois.", "options");
      }
      request.options.push_back(code);
    }
    std::sort(request.options.begin(), request.options.end());
  }

  if (text.pvd_members) {
    request.pvd = true;
    VV_ASSIGN_OR_RETURN(request.pvd_members, ParsePvdMembers(*text.pvd_members, request.options));
  }

  if (text.months) {
    const std::optional<int64_t> months = ParseDigits(Trim(*text.months));
    if (!months) {
      return InvalidArgument("Durée illisible : " + Quoted(*text.months) +
                                 " (attendu : un nombre de mois de " + std::to_string(kMinMonths) +
                                 " à " + std::to_string(kMaxMonths) + ").",
                             "months");
    }
    if (*months > kMaxMonths) return MonthsOutOfRange(*months);
    request.months = static_cast<int>(*months);
  }

  if (text.service_start) {
    VV_ASSIGN_OR_RETURN(request.service_start, ParseDateField(*text.service_start, "service_start",
                                                              "Date de mise en service"));
  }

  VV_RETURN_IF_ERROR(ValidateQuoteRequest(request));
  return request;
}

Status ValidateQuoteRequest(const QuoteRequest& request) {
  if (!request.start.ok()) return InvalidArgument("Date de signature invalide.", "start");
  for (size_t option_idx = 0; option_idx < request.options.size(); ++option_idx) {
    const ProductCode code = request.options[option_idx];
    if (code == ProductCode::kBase) {
      return InvalidArgument("La redevance de base n'est pas une option : elle est toujours due.",
                             "options");
    }
    if (std::find(request.options.begin(), request.options.begin() + option_idx, code) !=
        request.options.begin() + option_idx) {
      return InvalidArgument("Option " + std::to_string(OptionNumber(code)) + " choisie deux fois.",
                             "options");
    }
  }
  if (request.months < kMinMonths || request.months > kMaxMonths) {
    return MonthsOutOfRange(request.months);
  }
  if (!request.pvd && !request.pvd_members.empty()) {
    return InvalidArgument("Des nombres de membres sont donnés sans l'option 4 (PVD).",
                           "pvd_members");
  }
  if (request.pvd) {
    for (const auto& [code, members] : request.pvd_members) {
      if (!HasOption(request.options, code)) {
        return InvalidArgument("Des membres PVD sont donnés pour l'option " +
                                   std::to_string(OptionNumber(code)) +
                                   ", qui n'est pas choisie (options).",
                               "pvd_members");
      }
      if (members < 1 || members > kMaxPvdMembers) return MembersOutOfRange(members);
    }
    for (const ProductCode code : request.options) {
      if (request.pvd_members.count(code) == 0) {
        const std::string number = std::to_string(OptionNumber(code));
        return InvalidArgument("L'option " + number +
                                   " est choisie sans nombre de membres PVD (attendu : " + number +
                                   "=N).",
                               "pvd_members");
      }
    }
  }
  if (request.service_start) {
    if (!request.service_start->ok()) {
      return InvalidArgument("Date de mise en service invalide.", "service_start");
    }
    if (std::chrono::sys_days(*request.service_start) < std::chrono::sys_days(request.start)) {
      return InvalidArgument("La mise en service (" + FormatFrenchDate(*request.service_start) +
                                 ") ne peut précéder la signature (" +
                                 FormatFrenchDate(request.start) + ").",
                             "service_start");
    }
    const Date latest = AddMonths(request.start, kLastInstalmentMonth);
    if (std::chrono::sys_days(*request.service_start) > std::chrono::sys_days(latest)) {
      return InvalidArgument(
          "La mise en service doit avoir lieu au plus tard 11 mois après la "
          "signature (le " +
              FormatFrenchDate(latest) + "), date du solde de la première année.",
          "service_start");
    }
  }
  return Status::Ok();
}

Date DefaultServiceStart(const QuoteRequest& request) {
  return AddMonths(request.start, HasOption(request.options, ProductCode::kOption2)
                                      ? kServiceDelayMonthsOption2
                                      : kServiceDelayMonths);
}

Result<Quote> ComputeQuote(const QuoteRequest& request) {
  VV_RETURN_IF_ERROR(ValidateQuoteRequest(request));
  Quote quote;
  quote.kind = request.kind;
  quote.pvd = request.pvd;
  quote.months = request.months;
  quote.start = request.start;
  const Date default_service_start = DefaultServiceStart(request);
  quote.service_start = request.service_start.value_or(default_service_start);
  quote.end = PreviousDay(AddMonths(request.start, request.months));

  quote.lines.push_back(QuoteLine{ProductCode::kBase, kBaseMonthly, 1, 100, false, kBaseMonthly});
  std::vector<ProductCode> options = request.options;
  std::sort(options.begin(), options.end());
  for (const ProductCode code : options) {
    const Cents unit = MonthlyPrice(code, request.kind);
    if (!request.pvd) {
      quote.lines.push_back(QuoteLine{code, unit, 1, 100, false, unit});
      continue;
    }
    const int members = request.pvd_members.at(code);
    const int rate = PvdRatePercent(code);
    const Cents monthly = PvdMonthly(code, request.kind, members);
    quote.lines.push_back(
        QuoteLine{code, unit, members, rate, monthly > PercentOf(unit * members, rate), monthly});
  }
  for (const QuoteLine& line : quote.lines) quote.monthly_ht += line.monthly_ht;
  quote.monthly_tva = PercentOf(quote.monthly_ht, kTvaPercent);
  quote.monthly_ttc = quote.monthly_ht + quote.monthly_tva;
  quote.annual_ht = 12 * quote.monthly_ht;
  quote.total_ht = quote.monthly_ht * request.months;

  quote.schedule =
      BuildSchedule(request.start, quote.service_start, request.months, quote.monthly_ht);
  for (const Instalment& instalment : quote.schedule) quote.total_tva += instalment.tva;
  quote.total_ttc = quote.total_ht + quote.total_tva;

  if (HasOption(options, ProductCode::kOption2) && request.months < kOption2RecommendedMonths) {
    quote.warnings.push_back("L'option 2 (plateforme territoriale) est recommandée pour " +
                             std::to_string(kOption2RecommendedMonths) +
                             " mois au moins ; ce devis porte sur " +
                             std::to_string(request.months) + " mois.");
  }
  if (request.pvd && options.empty()) {
    quote.warnings.push_back(
        "Option 4 (PVD) sans autre option : seule la redevance de base est due, une fois pour "
        "le groupement.");
  }
  if (std::chrono::sys_days(quote.service_start) > std::chrono::sys_days(default_service_start)) {
    quote.warnings.push_back("Mise en service le " + FormatFrenchDate(quote.service_start) +
                             ", après le délai prévu (le " +
                             FormatFrenchDate(default_service_start) + ").");
  }
  return quote;
}

}  // namespace vivrovert::billing
