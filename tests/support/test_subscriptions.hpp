// Contracts as the tests make them: a partner subscribed to products from 2026-01-01 for a
// year, around the tests' clock (kTestNow, 2026-03-01). Header-only: the including target
// links vivrovert_subscriptions. Throws std::runtime_error on failure.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <stdexcept>

#include "domain/subscriptions/subscriptions.hpp"

namespace vivrovert::testing {

inline subscriptions::Contract Subscribe(storage::Connection& connection, int64_t partner_id,
                                         std::initializer_list<subscriptions::ProductCode>
                                             products = {subscriptions::ProductCode::kBase},
                                         const std::string& start = "2026-01-01", int months = 12) {
  subscriptions::NewContract contract;
  contract.partner_id = partner_id;
  contract.start_date = start;
  contract.service_start = start;
  contract.months = months;
  for (subscriptions::ProductCode product : products) contract.lines.push_back({product, {}});
  auto created = subscriptions::SubscriptionStore::CreateContract(connection, contract, 0);
  if (!created.ok()) throw std::runtime_error("Subscribe: " + created.status().ToString());
  return *created;
}

}  // namespace vivrovert::testing
