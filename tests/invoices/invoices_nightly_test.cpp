// `vivrovert nightly` issues the invoices a contract's schedule calls for up to its date,
// each once, after the lead reports; run on the test database as a separate process (each
// backend), over the grid of the Lot.
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/common/env.hpp"
#include "invoice_fixture.hpp"
#include "support/lot_grid.hpp"

namespace vivrovert::invoices {
namespace {

class InvoicesNightlyTest : public InvoiceTest {
 protected:
  InvoicesNightlyTest() {
    var_dir_ = std::filesystem::temp_directory_path() /
               ("vivrovert-invoices-" + SecureRandom::Instance().Token(6));
    std::filesystem::create_directories(var_dir_);
  }
  ~InvoicesNightlyTest() override { std::filesystem::remove_all(var_dir_); }

  // Runs `vivrovert nightly --date <date>` to its end; returns its output.
  std::string Nightly(const std::string& date) {
    Poco::Process::Env env = {
        {"VIVROVERT_DATABASE_URL", database_.url()},
        {"VIVROVERT_PATHS_GRID_FILE", vivrovert::testing::LotGridPath()},
        {"VIVROVERT_PATHS_RESOURCE_DIR", VIVROVERT_SOURCE_ROOT},
        {"VIVROVERT_PATHS_VAR_DIR", var_dir_.string()},
        {"VIVROVERT_SECURITY_SECRET_KEY", "invoices-nightly-test-secret-of-32-chars"},
        {"VIVROVERT_PUBLISHER_NAME", "VivroVert SAS"},
        {"VIVROVERT_PUBLISHER_VAT_NUMBER", "FR12123456789"},
    };
    Poco::Pipe out;
    Poco::ProcessHandle process = Poco::Process::launch(
        VIVROVERT_BIN, {"nightly", "--date", date}, var_dir_.string(), nullptr, &out, nullptr, env);
    Poco::PipeInputStream lines(out);
    std::string all, line;
    while (std::getline(lines, line)) all += line + "\n";
    EXPECT_EQ(process.wait(), 0) << all;
    return all;
  }

  std::vector<Invoice> All() {
    storage::Connection connection = database_.db().Acquire();
    std::vector<Invoice> all = InvoiceStore::OfPartner(connection, partner_id_);
    std::reverse(all.begin(), all.end());
    return all;
  }

  std::filesystem::path var_dir_;
};

TEST_F(InvoicesNightlyTest, TheNightlyRunIssuesTheDueInvoicesOnce) {
  Contract("2027-01-01", "2027-02-01", 12, billing::Euros(1100));
  std::string output = Nightly("2027-03-15");  // the 30 % and the 50 % are due
  EXPECT_NE(output.find("invoices 2 issued"), std::string::npos) << output;
  std::vector<Invoice> invoices = All();
  ASSERT_EQ(invoices.size(), 2u);
  EXPECT_EQ(invoices[0].number, "F-2027-000001");
  EXPECT_EQ(invoices[1].number, "F-2027-000002");
  EXPECT_EQ(invoices[0].issue_date, "2027-03-15");
  EXPECT_EQ(invoices[0].seller.name, "VivroVert SAS");
  EXPECT_EQ(invoices[0].seller.vat_number, "FR12123456789");
  EXPECT_EQ(invoices[0].buyer.code_service, "SERV-FIN-01");

  output = Nightly("2027-03-16");
  EXPECT_NE(output.find("invoices 0 issued"), std::string::npos) << output;
  EXPECT_EQ(All().size(), 2u);
  Nightly("2027-12-01");  // the 20 %
  invoices = All();
  ASSERT_EQ(invoices.size(), 3u);
  EXPECT_EQ(invoices[2].number, "F-2027-000003");
  EXPECT_EQ(invoices[0].total_ht + invoices[1].total_ht + invoices[2].total_ht,
            billing::Euros(1100) * 12);
}

}  // namespace
}  // namespace vivrovert::invoices
