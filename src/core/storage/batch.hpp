// Working in batches, the same way on both databases: claiming the next rows of a work
// queue, and binding a list of ids. Every queue of the product (the mail outbox, the
// listings to match, the night's tasks) claims its next batch through ClaimBatch, so that
// several workers or server processes share a queue without taking the same row twice;
// every batch read of a store ("these people's …") binds its ids through InList.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/database.hpp"

namespace vivrovert::storage {

// The rows `select` (a SELECT … ORDER BY … LIMIT …, without a locking clause) returns,
// taken by the caller's open transaction (storage::Transaction, which must then mark them
// taken — done, sending… — before it commits):
// - PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent workers claim different rows and
//   never wait on each other;
// - SQLite: the plain SELECT; write transactions (BEGIN IMMEDIATE) exclude each other, so
//   no other worker can read the same rows before this one has marked them.
std::vector<Row> ClaimBatch(Connection& connection, std::string select,
                            const std::vector<SqlValue>& params);

// The rows `select` returns, locked against other writers until the transaction ends
// (FOR UPDATE on PostgreSQL; SQLite's write transaction already excludes them). For a
// read-then-decide-then-write that must see no concurrent change (the last administrator
// of a partner, whether the night's tasks are made).
std::vector<Row> QueryForUpdate(Connection& connection, std::string select,
                                const std::vector<SqlValue>& params);

// "$first, $first+1, …" for `count` parameters.
std::string Placeholders(size_t count, size_t first);
// "($first, …)" for `count` parameters: the right side of an IN.
std::string InList(size_t count, size_t first = 1);
// The ids as bound parameters, in order.
std::vector<SqlValue> BoundIds(const std::vector<int64_t>& ids);

// The rows of `before_in` + "($1, …)" + `after_in` for every id of `ids`, run in statements
// of at most kIdsPerStatement ids, in the order of the slices: the batch reads' one loop.
// `before_in` ends with "IN " and neither part binds a parameter of its own.
std::vector<Row> QueryIdsIn(Connection& connection, std::string_view before_in,
                            const std::vector<int64_t>& ids, std::string_view after_in = {});

// Ids bound per statement by batch reads: few enough for every backend's parameter limit
// (SQLite's is 32766, PostgreSQL's 65535) and for plans that stay simple.
inline constexpr size_t kIdsPerStatement = 500;

}  // namespace vivrovert::storage
