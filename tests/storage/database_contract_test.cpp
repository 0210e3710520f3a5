// The storage contract: what every store may rely on, checked on SQLite and on
// PostgreSQL by the same code (ctest runs this binary once per backend).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/test_database.hpp"

namespace vivrovert::storage {
namespace {

using testing::TestDatabase;

class DatabaseContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Connection connection = database_.db().Acquire();
    connection.Execute(
        "CREATE TABLE items (id " + std::string(connection.dialect().identity_primary_key) +
        ", name TEXT NOT NULL UNIQUE, quantity BIGINT, price DOUBLE PRECISION, note TEXT)");
  }

  TestDatabase database_;
};

TEST_F(DatabaseContractTest, ReportsTheBackendUnderTest) {
  EXPECT_EQ(database_.db().dialect().backend, testing::BackendUnderTest());
  EXPECT_EQ(database_.db().dialect().has_row_locks,
            testing::BackendUnderTest() == Backend::kPostgresql);
}

TEST_F(DatabaseContractTest, BindsEveryTypeAndReadsItBack) {
  Connection connection = database_.db().Acquire();
  EXPECT_EQ(
      connection.Execute("INSERT INTO items (name, quantity, price, note) VALUES ($1, $2, $3, $4)",
                         {std::string("pomme"), int64_t{9'000'000'000}, 2.5, nullptr}),
      1);
  std::optional<Row> row = connection.QueryOne(
      "SELECT id, name, quantity, price, note FROM items WHERE name = $1", {std::string("pomme")});
  ASSERT_TRUE(row.has_value());
  EXPECT_GT(row->Int(0), 0);
  EXPECT_EQ(row->Text(1), "pomme");
  EXPECT_EQ(row->Int(2), 9'000'000'000);
  EXPECT_DOUBLE_EQ(row->Double(3), 2.5);
  EXPECT_TRUE(row->IsNull(4));
  EXPECT_EQ(row->OptionalText(4), std::nullopt);
}

TEST_F(DatabaseContractTest, KeepsUtf8AndQuotesIntact) {
  Connection connection = database_.db().Acquire();
  const std::string name = "Saint-Cirq-Lapopie l'été — « village »";
  connection.Execute("INSERT INTO items (name) VALUES ($1)", {name});
  auto row = connection.QueryOne("SELECT name FROM items WHERE name = $1", {name});
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->Text(0), name);
}

TEST_F(DatabaseContractTest, ParametersAreBoundByNumberNotByOrderOfAppearance) {
  Connection connection = database_.db().Acquire();
  connection.Execute("INSERT INTO items (quantity, name) VALUES ($2, $1)",
                     {std::string("poire"), int64_t{7}});
  auto row = connection.QueryOne(
      "SELECT name, quantity FROM items WHERE quantity = $2 AND name = $1 AND quantity > $2 - 1",
      {std::string("poire"), int64_t{7}});
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->Int(1), 7);
}

TEST_F(DatabaseContractTest, ParameterMarkersInsideBoundValuesAreText) {
  // Poco's PostgreSQL connector counts every `$N` of the SQL text, even inside a string
  // literal, so the contract is: no `$` in literals, bind such values instead.
  Connection connection = database_.db().Acquire();
  connection.Execute("INSERT INTO items (name, note) VALUES ($1, $2)",
                     {std::string("x"), std::string("costs $2 or ?1")});
  auto row = connection.QueryOne("SELECT note FROM items WHERE name = $1", {std::string("x")});
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->Text(0), "costs $2 or ?1");
}

TEST_F(DatabaseContractTest, InjectionAttemptsAreStoredAsPlainValues) {
  Connection connection = database_.db().Acquire();
  const std::string hostile = "x'); DROP TABLE items; --";
  connection.Execute("INSERT INTO items (name) VALUES ($1)", {hostile});
  EXPECT_EQ(connection.QueryOne("SELECT COUNT(*) FROM items")->Int(0), 1);
  EXPECT_EQ(connection.QueryOne("SELECT name FROM items")->Text(0), hostile);
}

TEST_F(DatabaseContractTest, OnConflictDoNothingReturningIsEmptyForADuplicate) {
  Connection connection = database_.db().Acquire();
  const char* sql =
      "INSERT INTO items (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id";
  EXPECT_EQ(connection.Query(sql, {std::string("noix")}).size(), 1u);
  EXPECT_TRUE(connection.Query(sql, {std::string("noix")}).empty());
}

TEST_F(DatabaseContractTest, UpsertReturnsTheUpdatedRow) {
  Connection connection = database_.db().Acquire();
  const char* sql =
      "INSERT INTO items (name, quantity) VALUES ($1, 1) ON CONFLICT (name) "
      "DO UPDATE SET quantity = items.quantity + 1 RETURNING quantity";
  EXPECT_EQ(connection.Query(sql, {std::string("cèpe")})[0].Int(0), 1);
  EXPECT_EQ(connection.Query(sql, {std::string("cèpe")})[0].Int(0), 2);
}

TEST_F(DatabaseContractTest, UncommittedTransactionRollsBack) {
  Connection connection = database_.db().Acquire();
  {
    Transaction transaction(connection);
    connection.Execute("INSERT INTO items (name) VALUES ($1)", {std::string("truffe")});
  }
  EXPECT_EQ(connection.QueryOne("SELECT COUNT(*) FROM items")->Int(0), 0);
  {
    Transaction transaction(connection);
    connection.Execute("INSERT INTO items (name) VALUES ($1)", {std::string("truffe")});
    transaction.Commit();
  }
  EXPECT_EQ(connection.QueryOne("SELECT COUNT(*) FROM items")->Int(0), 1);
}

TEST_F(DatabaseContractTest, AFailedStatementLeavesTheTransactionToRollBackWhole) {
  Connection connection = database_.db().Acquire();
  connection.Execute("INSERT INTO items (name) VALUES ($1)", {std::string("ail")});
  try {
    Transaction transaction(connection);
    connection.Execute("INSERT INTO items (name) VALUES ($1)", {std::string("oignon")});
    connection.Execute("INSERT INTO items (name) VALUES ($1)", {std::string("ail")});  // duplicate
    transaction.Commit();
    FAIL() << "the duplicate insert should have thrown";
  } catch (const StorageError&) {
  }
  EXPECT_EQ(connection.QueryOne("SELECT COUNT(*) FROM items")->Int(0), 1);
  // The connection is usable afterwards.
  connection.Execute("INSERT INTO items (name) VALUES ($1)", {std::string("échalote")});
  EXPECT_EQ(connection.QueryOne("SELECT COUNT(*) FROM items")->Int(0), 2);
}

TEST_F(DatabaseContractTest, SyntaxErrorsThrowStorageErrorWithTheSql) {
  Connection connection = database_.db().Acquire();
  try {
    connection.Execute("SELEKT 1");
    FAIL() << "expected a StorageError";
  } catch (const StorageError& error) {
    EXPECT_NE(std::string(error.what()).find("SELEKT"), std::string::npos);
  }
}

TEST_F(DatabaseContractTest, ConcurrentWritersFromTwoPoolsLoseNoUpdate) {
  // Two pools stand for two server processes sharing one database.
  std::unique_ptr<Database> other = database_.OpenAnother();
  {
    Connection connection = database_.db().Acquire();
    connection.Execute("INSERT INTO items (name, quantity) VALUES ('compteur', 0)");
  }
  constexpr int kIncrementsPerThread = 50;
  std::atomic<int> failures{0};
  auto work = [&](Database& database) {
    Connection connection = database.Acquire();
    for (int step_idx = 0; step_idx < kIncrementsPerThread; ++step_idx) {
      try {
        Transaction transaction(connection);
        int64_t quantity =
            connection
                .QueryOne("SELECT quantity FROM items WHERE name = 'compteur'" +
                          std::string(connection.dialect().has_row_locks ? " FOR UPDATE" : ""))
                ->Int(0);
        connection.Execute("UPDATE items SET quantity = $1 WHERE name = 'compteur'",
                           {quantity + 1});
        transaction.Commit();
      } catch (const StorageError&) {
        failures++;
      }
    }
  };
  std::thread first(work, std::ref(database_.db()));
  std::thread second(work, std::ref(*other));
  first.join();
  second.join();
  EXPECT_EQ(failures.load(), 0);
  Connection connection = database_.db().Acquire();
  EXPECT_EQ(connection.QueryOne("SELECT quantity FROM items WHERE name = 'compteur'")->Int(0),
            2 * kIncrementsPerThread);
}

TEST_F(DatabaseContractTest, SkipLockedSharesAQueueOnlyWhereRowLocksExist) {
  if (!database_.db().dialect().has_row_locks) {
    // SQLite: the contract is one writer at a time; BEGIN IMMEDIATE blocks the second
    // writer until the first commits, so no claim can overlap.
    Connection first = database_.db().Acquire();
    Transaction transaction(first);
    first.Execute("INSERT INTO items (name) VALUES ('verrou')");
    std::unique_ptr<Database> other = database_.OpenAnother();
    std::atomic<bool> second_done{false};
    std::thread second([&] {
      Connection connection = other->Acquire();
      Transaction blocked(connection);
      second_done = true;
      blocked.Commit();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_FALSE(second_done.load()) << "a second writer must wait for the first";
    transaction.Commit();
    second.join();
    EXPECT_TRUE(second_done.load());
    return;
  }
  Connection setup = database_.db().Acquire();
  for (const char* name : {"a", "b", "c"}) {
    setup.Execute("INSERT INTO items (name) VALUES ($1)", {std::string(name)});
  }
  Connection first = database_.db().Acquire();
  Transaction first_transaction(first);
  auto first_claim =
      first.Query("SELECT name FROM items ORDER BY name LIMIT 2 FOR UPDATE SKIP LOCKED");
  ASSERT_EQ(first_claim.size(), 2u);
  Connection second = database_.db().Acquire();
  Transaction second_transaction(second);
  auto second_claim =
      second.Query("SELECT name FROM items ORDER BY name LIMIT 2 FOR UPDATE SKIP LOCKED");
  ASSERT_EQ(second_claim.size(), 1u);
  EXPECT_EQ(second_claim[0].Text(0), "c");
}

}  // namespace
}  // namespace vivrovert::storage
