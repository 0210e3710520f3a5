// Quotes: what a collectivité pays for the base service and the options it picks, a month
// and over its contract, and when (docs/BILLING.md states every rule with examples).
//
// A request arrives as text (`QuoteRequestText`, from the command line or a form), is parsed
// and checked once at the edge (`ParseQuoteRequest`: a Status naming the field on bad input),
// then `ComputeQuote` turns the typed `QuoteRequest` into a `Quote`: the monthly lines, the
// payment schedule and the warnings. Amounts are integer cents (money.hpp); every division
// rounds with `DivideRounded`.
//
// The schedule (contract of `months` ≥ 12 from the signature date `start`, monthly price M):
//   - the first year is always twelve full months: its amount is the annual amount 12 × M;
//   - 30 % of it at signature (`start`), 50 % at service start (`service_start`), and the
//     rest — the 20 %, which absorbs the rounding of the other two — 11 months after
//     signature;
//   - from month 12 on, one invoice per quarter for the quarter ahead, due on its first day
//     (start + 12, + 15, … months), each M × 3; the last period, when shorter, M × its months.
// So the schedule adds up to M × months exactly.
//
// Thread safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/common/status.hpp"
#include "domain/billing/calendar.hpp"
#include "domain/billing/money.hpp"
#include "domain/billing/tariff.hpp"

namespace vivrovert::billing {

inline constexpr int kMinMonths = 12;  // the seed's minimum duration
inline constexpr int kMaxMonths = 60;  // the seed's maximum: 5 years
inline constexpr int kDefaultMonths = 12;
inline constexpr int kOption2RecommendedMonths = 24;  // below: a warning, never a refusal
inline constexpr int kMaxPvdMembers = 1000;           // a typo guard, not a commercial rule
inline constexpr int kTvaPercent = 20;
// Service start by default: one month after signature, three with option 2 (the seed's
// delay for the territory platform).
inline constexpr int kServiceDelayMonths = 1;
inline constexpr int kServiceDelayMonthsOption2 = 3;
// The latest service start: the day of the 20 % instalment (11 months after signature).
inline constexpr int kLastInstalmentMonth = 11;

// The request as typed at the edge. Each field is nullopt when absent. Field names of the
// Status errors: "type", "start", "options", "pvd_members", "months", "service_start".
struct QuoteRequestText {
  std::optional<std::string> type;           // "commune" | "epci" | "departement" (+ aliases)
  std::optional<std::string> start;          // "JJ/MM/AAAA" or "AAAA-MM-JJ", required
  std::optional<std::string> options;        // "1,2,3"; empty or absent: the base alone
  std::optional<std::string> pvd_members;    // "N", or counts per option "1=4,3=2"
  std::optional<std::string> months;         // "12" … "60"; absent: 12
  std::optional<std::string> service_start;  // as `start`; absent: the default delay
};

// A checked, typed request.
struct QuoteRequest {
  CollectivityKind kind = CollectivityKind::kCommune;  // the kind the options are priced for
  Date start{};                                        // signature date
  std::vector<ProductCode> options;  // options 1–3 chosen, each once (never kBase: always in)
  bool pvd = false;                  // option 4: a grouping buys for its members
  // When `pvd`: the number of members (≥ 1) each chosen option is bought for, one entry per
  // chosen option and no other. Empty when not `pvd`.
  std::map<ProductCode, int> pvd_members;
  int months = kDefaultMonths;        // kMinMonths … kMaxMonths
  std::optional<Date> service_start;  // nullopt: start + 1 month (+ 3 with option 2)
};

// Parses and checks `text` into a request. Errors: InvalidArgument with the field named
// and a French message (unknown type or option, "4" as an option, a date that is not a
// date, months out of 12–60 or not a number, member counts not ≥ 1, counts for options not
// chosen, a service start before signature or after the 11th month).
Result<QuoteRequest> ParseQuoteRequest(const QuoteRequestText& text);

// The same checks on a typed request (ParseQuoteRequest runs it; ComputeQuote too).
Status ValidateQuoteRequest(const QuoteRequest& request);

// One monthly line of a quote.
struct QuoteLine {
  ProductCode code = ProductCode::kBase;
  Cents unit_monthly_ht = 0;   // full price for one collectivité of the kind
  int members = 1;             // collectivités it is bought for (1 outside PVD; base: 1)
  int rate_percent = 100;      // PvdRatePercent under PVD, else 100
  bool floor_applied = false;  // PVD: raised to one collectivité's full price
  Cents monthly_ht = 0;
};

enum class InstalmentKind { kSignature, kServiceStart, kEleventhMonth, kQuarter };

// "signature", "service_start", "eleventh_month", "quarter".
std::string_view InstalmentKindName(InstalmentKind kind);

// One payment of the schedule.
struct Instalment {
  InstalmentKind kind = InstalmentKind::kSignature;
  Date due{};
  std::string label;  // French
  // The months the payment is for: the first year for the three first instalments, the
  // invoiced quarter (or last shorter period) after.
  Date period_first{};
  Date period_last{};
  int period_months = 0;
  Cents amount_ht = 0;
  Cents tva = 0;  // PercentOf(amount_ht, kTvaPercent)
  Cents amount_ttc = 0;
};

struct Quote {
  CollectivityKind kind = CollectivityKind::kCommune;
  bool pvd = false;
  int months = kDefaultMonths;
  Date start{};
  Date service_start{};
  Date end{};                    // the contract's last day: start + months, minus one day
  std::vector<QuoteLine> lines;  // base first, then the options in number order
  Cents monthly_ht = 0;          // the sum of the lines
  Cents monthly_tva = 0;
  Cents monthly_ttc = 0;
  Cents annual_ht = 0;  // 12 × monthly_ht: the first year
  Cents total_ht = 0;   // monthly_ht × months, equal to the schedule's sum
  Cents total_tva = 0;  // the sum of the instalments' TVA (each invoice rounds its own)
  Cents total_ttc = 0;
  std::vector<Instalment> schedule;   // in due order
  std::vector<std::string> warnings;  // French, for the quote's reader
};

// The quote of `request`. Errors: those of ValidateQuoteRequest.
Result<Quote> ComputeQuote(const QuoteRequest& request);

// The schedule of a contract of `months` (kMinMonths … kMaxMonths) signed on `start`, put in
// service on `service_start`, at `monthly_ht` a month: the rules at the top of this file.
// Its amounts add up to monthly_ht × months exactly. No check: ComputeQuote's inputs are
// checked; callers with their own (an amendment) check theirs.
std::vector<Instalment> BuildSchedule(Date start, Date service_start, int months, Cents monthly_ht);

// The schedule of an amendment (avenant) with fewer than 12 months left before the end
// `end` of its contract: the first-year split applied to its whole amount (monthly_ht ×
// months): 30 % at signature, 50 % at service start, the 20 % left eleven months after
// signature or on the first day of the amendment's last month, whichever comes first (never
// before the service start). Adds up to monthly_ht × months exactly.
std::vector<Instalment> BuildShortSchedule(Date start, Date service_start, Date end, int months,
                                           Cents monthly_ht);

// The one schedule of a contract or an amendment running `months` from `start` to `end`:
// BuildSchedule from 12 months, BuildShortSchedule below (only an amendment runs less). The
// quote shows it and the night's run invoices it: both call this.
std::vector<Instalment> ScheduleOf(Date start, Date service_start, Date end, int months,
                                   Cents monthly_ht);

// The service start `request` gets when it names none.
Date DefaultServiceStart(const QuoteRequest& request);

}  // namespace vivrovert::billing
