// A quote as the interfaces show it: the JSON of `vivrovert billing quote --format json`
// (and later of the API and the price simulator), and a French text table for people.
//
// JSON shape (amounts are numbers in euros, rounded to the cent, from integer cents):
//   {"type": "epci", "pvd": false, "months": 12, "start": "2027-01-01",
//    "service_start": "2027-02-01", "end": "2027-12-31",
//    "monthly_ht": 2000.0, "monthly_tva": 400.0, "monthly_ttc": 2400.0, "tva_percent": 20,
//    "total_ht": …, "total_tva": …, "total_ttc": …,
//    "lines": [{"code": "base"|"option1"|"option2"|"option3", "label": "…",
//               "monthly_ht": 250.0, "unit_monthly_ht": 250.0, "members": 1,
//               "rate_percent": 100, "floor_applied": false}, …],
//    "schedule": [{"due": "AAAA-MM-JJ", "label": "…", "kind": "signature", "amount_ht": 7200.0,
//                  "tva": 1440.0, "amount_ttc": 8640.0, "period_start": "AAAA-MM-JJ",
//                  "period_end": "AAAA-MM-JJ", "period_months": 12}, …],
//    "warnings": ["…"]}
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "domain/billing/quote.hpp"

namespace vivrovert::billing {

// The JSON above, keys in that order.
nlohmann::ordered_json QuoteToJson(const Quote& quote);

// A French table: the monthly lines, the totals, the schedule and the warnings.
std::string QuoteToText(const Quote& quote);

}  // namespace vivrovert::billing
