// Invoices issued from the contracts' schedules, credit notes, payments, overdue invoices,
// their reminders and the ledger, on each backend.
#include "domain/invoices/invoicing.hpp"

#include <gtest/gtest.h>

#include "domain/billing/calendar.hpp"
#include "domain/billing/quote.hpp"
#include "domain/invoices/invoice_documents.hpp"
#include "domain/mail/templates.hpp"
#include "invoice_fixture.hpp"

namespace vivrovert::invoices {
namespace {

using billing::Euros;

class InvoicingTest : public InvoiceTest {
 protected:
  std::vector<Invoice> All() {
    storage::Connection connection = database_.db().Acquire();
    std::vector<Invoice> all = InvoiceStore::OfPartner(connection, partner_id_);
    std::reverse(all.begin(), all.end());  // in number order
    return all;
  }

  int64_t OutboxCount(const std::string& key_prefix) {
    storage::Connection connection = database_.db().Acquire();
    return connection
        .QueryOne("SELECT COUNT(*) FROM mail_outbox WHERE idempotency_key LIKE $1",
                  {key_prefix + "%"})
        ->Int(0);
  }
};

TEST_F(InvoicingTest, ThreeYearsOfAContractFollowTheSchedule) {
  // An EPCI with options 1 and 2: 2 000 € HT a month, signed on 2027-01-31 (month ends
  // clamp), in service three months later, for 36 months.
  const int64_t contract = Contract("2027-01-31", "2027-04-30", 36, Euros(2000));
  const std::vector<billing::Instalment> schedule = billing::BuildSchedule(
      *billing::ParseIsoDate("2027-01-31"), *billing::ParseIsoDate("2027-04-30"), 36, Euros(2000));
  // The nightly run every day, from before the signature to past the contract's end.
  int issued_total = 0;
  for (billing::Date day = *billing::ParseIsoDate("2027-01-20");
       day <= *billing::ParseIsoDate("2030-02-15");
       day = billing::Date(std::chrono::sys_days(day) + std::chrono::days(1))) {
    issued_total +=
        IssueDueInvoices(database_.db(), billing::FormatIsoDate(day), kNow, TestSeller(), 2)
            .invoices;
  }
  const std::vector<Invoice> invoices = All();
  ASSERT_EQ(invoices.size(), schedule.size());
  EXPECT_EQ(issued_total, static_cast<int>(schedule.size()));
  EXPECT_EQ(schedule.size(), 3u + 8u);  // 30 %, 50 %, 20 %, then 8 quarters
  billing::Cents sum_ht = 0;
  billing::Cents sum_tva = 0;
  for (size_t invoice_idx = 0; invoice_idx < invoices.size(); ++invoice_idx) {
    const Invoice& invoice = invoices[invoice_idx];
    const billing::Instalment& instalment = schedule[invoice_idx];
    SCOPED_TRACE(invoice.number);
    EXPECT_EQ(invoice.sequence, static_cast<int64_t>(invoice_idx + 1));
    EXPECT_EQ(invoice.contract_id, contract);
    EXPECT_EQ(invoice.instalment_index, static_cast<int>(invoice_idx));
    EXPECT_EQ(invoice.issue_date, billing::FormatIsoDate(instalment.due));  // issued on its day
    EXPECT_EQ(invoice.due_date, *AddDays(invoice.issue_date, 30));
    EXPECT_EQ(invoice.total_ht, instalment.amount_ht);
    EXPECT_EQ(invoice.tva, instalment.tva);
    EXPECT_EQ(invoice.total_ttc, instalment.amount_ttc);
    EXPECT_EQ(invoice.period_first, billing::FormatIsoDate(instalment.period_first));
    EXPECT_EQ(invoice.period_last, billing::FormatIsoDate(instalment.period_last));
    EXPECT_EQ(invoice.buyer.siret, "20006672800014");
    EXPECT_EQ(invoice.buyer.code_service, "SERV-FIN-01");
    EXPECT_EQ(invoice.seller.vat_number, "FR12123456789");
    ASSERT_EQ(invoice.lines.size(), 1u);
    EXPECT_EQ(invoice.lines[0].total_ht, instalment.amount_ht);
    sum_ht += invoice.total_ht;
    sum_tva += invoice.tva;
  }
  EXPECT_EQ(sum_ht, Euros(2000) * 36);
  billing::Cents schedule_tva = 0;
  for (const billing::Instalment& instalment : schedule) schedule_tva += instalment.tva;
  EXPECT_EQ(sum_tva, schedule_tva);
  // Run again: nothing more.
  EXPECT_EQ(IssueDueInvoices(database_.db(), "2030-06-01", kNow, TestSeller()).invoices, 0);
}

TEST_F(InvoicingTest, CatchingUpIssuesEveryDueInstalmentOnceAndSkipsDemoAndUnpriced) {
  Contract("2027-01-01", "2027-02-01", 12, Euros(1100));
  Contract("2027-01-01", "2027-02-01", 12, Euros(1100), /*demo=*/true);
  Contract("2027-01-01", "2027-02-01", 12, std::nullopt);
  // On 2027-03-15: the 30 % (01-01) and the 50 % (02-01) are due; the 20 % (12-01) is not.
  const IssueReport report = IssueDueInvoices(database_.db(), "2027-03-15", kNow, TestSeller());
  EXPECT_EQ(report.contracts, 1);
  EXPECT_EQ(report.invoices, 2);
  const std::vector<Invoice> invoices = All();
  ASSERT_EQ(invoices.size(), 2u);
  EXPECT_EQ(invoices[0].number, "F-2027-000001");
  EXPECT_EQ(invoices[0].total_ht, billing::PercentOf(Euros(1100) * 12, 30));
  EXPECT_EQ(invoices[1].number, "F-2027-000002");
  EXPECT_EQ(invoices[1].total_ht, billing::PercentOf(Euros(1100) * 12, 50));
  EXPECT_EQ(invoices[1].issue_date, "2027-03-15");
  EXPECT_EQ(invoices[1].due_date, "2027-04-14");
  EXPECT_EQ(IssueDueInvoices(database_.db(), "2027-03-16", kNow, TestSeller()).invoices, 0);
}

TEST_F(InvoicingTest, ACreditNoteCorrectsAnInvoiceWithoutEditingIt) {
  const Invoice invoice = IssueSimple(database_.db(), "2027-05-01", 123456);  // 1 234,56 € HT
  storage::Connection connection = database_.db().Acquire();
  {
    storage::Transaction transaction(connection);
    Result<Invoice> partial =
        InvoiceStore::IssueCreditNote(connection, invoice.id, 23456, "2027-05-10", "remise", kNow);
    ASSERT_TRUE(partial.ok()) << partial.status().ToString();
    EXPECT_EQ(partial->kind, InvoiceKind::kCreditNote);
    EXPECT_EQ(partial->sequence, invoice.sequence + 1);
    EXPECT_EQ(partial->credited_invoice_id, invoice.id);
    EXPECT_EQ(partial->credited_number, invoice.number);
    EXPECT_EQ(partial->total_ht, 23456);
    EXPECT_EQ(partial->tva, billing::PercentOf(23456, 20));
    // More than what is left: refused, and no number is used.
    Result<Invoice> too_much =
        InvoiceStore::IssueCreditNote(connection, invoice.id, 100001, "2027-05-10", "", kNow);
    EXPECT_EQ(too_much.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(
        InvoiceStore::IssueCreditNote(connection, partial->id, std::nullopt, "2027-05-10", "", kNow)
            .status()
            .code(),
        StatusCode::kFailedPrecondition);
    // The rest: the invoice is credited in full, its TVA given back to the cent.
    Result<Invoice> rest = InvoiceStore::IssueCreditNote(connection, invoice.id, std::nullopt,
                                                         "2027-05-11", "annulation", kNow);
    ASSERT_TRUE(rest.ok()) << rest.status().ToString();
    EXPECT_EQ(rest->sequence, invoice.sequence + 2);
    EXPECT_EQ(rest->total_ht, 100000);
    EXPECT_EQ(partial->tva + rest->tva, invoice.tva);
    EXPECT_EQ(partial->total_ttc + rest->total_ttc, invoice.total_ttc);
    transaction.Commit();
  }
  const Invoice after = *InvoiceStore::Get(connection, invoice.id);
  EXPECT_EQ(after.status, InvoiceStatus::kCredited);
  EXPECT_EQ(after.Outstanding(), 0);
  // Its content is as issued.
  EXPECT_EQ(after.number, invoice.number);
  EXPECT_EQ(after.total_ht, invoice.total_ht);
  EXPECT_EQ(after.total_ttc, invoice.total_ttc);
  EXPECT_EQ(after.issue_date, invoice.issue_date);
  EXPECT_TRUE(InvoiceStore::Overdue(connection, "2028-01-01").empty());
}

TEST_F(InvoicingTest, PaymentsSettleInvoicesAndOverdueOnesAreListed) {
  const Invoice first = IssueSimple(database_.db(), "2027-05-01", Euros(1000));  // 1 200 € TTC
  const Invoice second = IssueSimple(database_.db(), "2027-05-20", Euros(500));  // 600 € TTC
  storage::Connection connection = database_.db().Acquire();
  EXPECT_TRUE(InvoiceStore::Overdue(connection, "2027-05-31").empty());  // due on 05-31
  std::vector<Invoice> overdue = InvoiceStore::Overdue(connection, "2027-06-01");
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].number, first.number);

  Result<Payment> part =
      InvoiceStore::RecordPayment(connection, first.id, Euros(200), "2027-06-05",
                                  PaymentMethod::kTransfer, "mandat 123", std::nullopt, kNow);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(InvoiceStore::RecordPayment(connection, first.id, Euros(1001), "2027-06-05",
                                        PaymentMethod::kTransfer, "", std::nullopt, kNow)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(InvoiceStore::RecordPayment(connection, first.id, 0, "2027-06-05",
                                        PaymentMethod::kTransfer, "", std::nullopt, kNow)
                .status()
                .field(),
            "amount");
  overdue = InvoiceStore::Overdue(connection, "2027-06-20");
  ASSERT_EQ(overdue.size(), 2u);
  EXPECT_EQ(overdue[0].Outstanding(), Euros(1000));
  EXPECT_EQ(overdue[0].status, InvoiceStatus::kIssued);
  ASSERT_TRUE(InvoiceStore::RecordPayment(connection, first.id, Euros(1000), "2027-06-21",
                                          PaymentMethod::kCheque, "", 7, kNow + 1)
                  .ok());
  const Invoice paid = *InvoiceStore::Get(connection, first.id);
  EXPECT_EQ(paid.status, InvoiceStatus::kPaid);
  EXPECT_EQ(paid.paid_at, kNow + 1);
  EXPECT_EQ(paid.paid, Euros(1200));
  EXPECT_EQ(InvoiceStore::Payments(connection, first.id).size(), 2u);
  EXPECT_EQ(InvoiceStore::RecordPayment(connection, first.id, 1, "2027-06-21",
                                        PaymentMethod::kCheque, "", std::nullopt, kNow)
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  overdue = InvoiceStore::Overdue(connection, "2027-06-22");
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].number, second.number);
}

TEST_F(InvoicingTest, EachIssuedInvoiceIsMailedOnceToTheBillingAddress) {
  Result<mail::MailTemplates> templates = mail::MailTemplates::Load(VIVROVERT_SOURCE_ROOT);
  ASSERT_TRUE(templates.ok()) << templates.status().ToString();
  const InvoiceMail mail{*templates, "https://vivrovert.example"};
  const int64_t contract = Contract("2027-01-01", "2027-02-01", 12, Euros(1100));
  EXPECT_EQ(IssueDueInvoices(database_.db(), "2027-02-01", kNow, Seller{}, 50, &mail).invoices, 2);
  EXPECT_EQ(OutboxCount("invoice_issued:"), 2);
  // Again: nothing issued, nothing mailed; the one-contract door says the same.
  EXPECT_EQ(IssueDueInvoices(database_.db(), "2027-02-02", kNow, Seller{}, 50, &mail).invoices, 0);
  EXPECT_EQ(IssueDueInvoicesOf(database_.db(), {contract}, "2027-02-02", kNow, Seller{}, &mail), 0);
  EXPECT_EQ(OutboxCount("invoice_issued:"), 2);
  storage::Connection connection = database_.db().Acquire();
  std::vector<Invoice> issued = InvoiceStore::OfPartner(connection, partner_id_);
  ASSERT_EQ(issued.size(), 2u);
  std::optional<storage::Row> sent = connection.QueryOne(
      "SELECT to_address, subject, body_text FROM mail_outbox WHERE idempotency_key = $1",
      {"invoice_issued:" + std::to_string(issued[0].id)});
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->Text(0), "comptabilite@causse.example");
  EXPECT_NE(sent->Text(1).find(issued[0].number), std::string::npos) << sent->Text(1);
  EXPECT_NE(sent->Text(1).find(billing::FormatEurosFrench(issued[0].total_ttc)), std::string::npos);
  EXPECT_NE(sent->Text(2).find("https://vivrovert.example/partenaire"), std::string::npos);
  EXPECT_NE(sent->Text(2).find(issued[0].label), std::string::npos);
}

TEST_F(InvoicingTest, OverdueInvoicesAreRemindedOncePerRank) {
  Result<mail::MailTemplates> templates = mail::MailTemplates::Load(VIVROVERT_SOURCE_ROOT);
  ASSERT_TRUE(templates.ok()) << templates.status().ToString();
  const Invoice invoice = IssueSimple(database_.db(), "2027-05-01", Euros(1000));  // due 05-31
  EXPECT_EQ(ReminderRankDue(0), 0);
  EXPECT_EQ(ReminderRankDue(1), 1);
  EXPECT_EQ(ReminderRankDue(14), 1);
  EXPECT_EQ(ReminderRankDue(15), 2);
  EXPECT_EQ(ReminderRankDue(45), 3);

  EXPECT_EQ(QueueReminders(database_.db(), *templates, "2027-05-31", kNow).queued, 0);
  EXPECT_EQ(QueueReminders(database_.db(), *templates, "2027-06-01", kNow).queued, 1);
  EXPECT_EQ(QueueReminders(database_.db(), *templates, "2027-06-02", kNow).queued, 0);
  const std::string key = "invoice_reminder:" + std::to_string(invoice.id) + ":";
  EXPECT_EQ(OutboxCount(key + "1"), 1);
  EXPECT_EQ(QueueReminders(database_.db(), *templates, "2027-06-15", kNow).queued, 1);
  EXPECT_EQ(OutboxCount(key + "2"), 1);
  {
    storage::Connection connection = database_.db().Acquire();
    std::optional<storage::Row> mail = connection.QueryOne(
        "SELECT to_address, subject, body_text FROM mail_outbox WHERE idempotency_key = $1",
        {key + "2"});
    ASSERT_TRUE(mail);
    EXPECT_EQ(mail->Text(0), "comptabilite@causse.example");
    EXPECT_NE(mail->Text(1).find(invoice.number), std::string::npos) << mail->Text(1);
    EXPECT_NE(mail->Text(2).find("40 €"), std::string::npos);
    EXPECT_NE(mail->Text(2).find(billing::FormatEurosFrench(Euros(1200))), std::string::npos)
        << mail->Text(2);
  }
  // Missed nights: only the highest rank due goes out.
  const Invoice late = IssueSimple(database_.db(), "2027-06-01", Euros(10));  // due 07-01
  EXPECT_EQ(QueueReminders(database_.db(), *templates, "2027-08-15", kNow).queued, 2);
  EXPECT_EQ(OutboxCount("invoice_reminder:" + std::to_string(late.id) + ":3"), 1);
  EXPECT_EQ(OutboxCount("invoice_reminder:" + std::to_string(late.id) + ":1"), 0);
  // Paid: no more reminders.
  {
    storage::Connection connection = database_.db().Acquire();
    ASSERT_TRUE(InvoiceStore::RecordPayment(connection, late.id, 1200, "2027-08-16",
                                            PaymentMethod::kTransfer, "", std::nullopt, kNow)
                    .ok());
  }
  EXPECT_EQ(QueueReminders(database_.db(), *templates, "2027-12-01", kNow).queued, 0);
}

TEST_F(InvoicingTest, RemindersNeedABillingAddress) {
  Result<mail::MailTemplates> templates = mail::MailTemplates::Load(VIVROVERT_SOURCE_ROOT);
  ASSERT_TRUE(templates.ok());
  {
    storage::Connection connection = database_.db().Acquire();
    BillingDetails details = *BillingDetailsStore::Get(connection, partner_id_);
    details.billing_email = "";
    ASSERT_TRUE(BillingDetailsStore::Put(connection, details, kNow).ok());
  }
  IssueSimple(database_.db(), "2027-05-01", Euros(1000));
  const ReminderReport report = QueueReminders(database_.db(), *templates, "2027-06-01", kNow);
  EXPECT_EQ(report.queued, 0);
  EXPECT_EQ(report.without_address, 1);
}

TEST_F(InvoicingTest, NumbersFollowTheIssueDates) {
  const Invoice first = IssueSimple(database_.db(), "2027-05-10", Euros(10));
  storage::Connection connection = database_.db().Acquire();
  {
    storage::Transaction transaction(connection);
    Result<Invoice> backdated = InvoiceStore::Issue(connection, Simple("2027-05-09", 100), kNow);
    EXPECT_EQ(backdated.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(
        InvoiceStore::IssueCreditNote(connection, first.id, std::nullopt, "2027-05-01", "", kNow)
            .status()
            .code(),
        StatusCode::kFailedPrecondition);
    // The same day is fine, and takes the very next number: the refusals gave theirs back.
    Result<Invoice> same_day = InvoiceStore::Issue(connection, Simple("2027-05-10", 100), kNow);
    ASSERT_TRUE(same_day.ok()) << same_day.status().ToString();
    EXPECT_EQ(same_day->sequence, first.sequence + 1);
    transaction.Commit();
  }
  EXPECT_EQ(connection.QueryOne("SELECT last_sequence FROM invoice_counter")->Int(0),
            first.sequence + 1);
}

TEST_F(InvoicingTest, BillingDetailsAreCheckedAndReplaced) {
  storage::Connection connection = database_.db().Acquire();
  BillingDetails details = *BillingDetailsStore::Get(connection, partner_id_);
  EXPECT_EQ(details.engagement_number, "EJ-2027-0042");
  details.siret = "2000667280001";
  EXPECT_EQ(BillingDetailsStore::Put(connection, details, kNow).field(), "siret");
  details.siret = "20006672800014";
  details.billing_email = "nobody";
  EXPECT_EQ(BillingDetailsStore::Put(connection, details, kNow).field(), "billing_email");
  details.billing_email = "mairie@causse.example";
  details.code_service = "SERV-2";
  ASSERT_TRUE(BillingDetailsStore::Put(connection, details, kNow + 5).ok());
  const BillingDetails stored = *BillingDetailsStore::Get(connection, partner_id_);
  EXPECT_EQ(stored.code_service, "SERV-2");
  EXPECT_EQ(stored.billing_email, "mairie@causse.example");
  EXPECT_EQ(stored.updated_at, kNow + 5);
  EXPECT_FALSE(BillingDetailsStore::Get(connection, partner_id_ + 1000));
}

TEST_F(InvoicingTest, TheLedgerListsInvoicesAndCreditNotes) {
  const Invoice invoice = IssueSimple(database_.db(), "2027-05-01", Euros(1000));
  {
    storage::Connection connection = database_.db().Acquire();
    ASSERT_TRUE(InvoiceStore::IssueCreditNote(connection, invoice.id, Euros(100), "2027-05-02",
                                              "geste commercial", kNow)
                    .ok());
  }
  IssueSimple(database_.db(), "2027-07-01", Euros(1));
  storage::Connection connection = database_.db().Acquire();
  const std::vector<Invoice> may = InvoiceStore::Ledger(connection, "2027-05-01", "2027-05-31");
  ASSERT_EQ(may.size(), 2u);
  const exports::Table table = LedgerTable(may);
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0][0].text, invoice.number);
  EXPECT_DOUBLE_EQ(table.rows[0][9].number, 1200.0);
  EXPECT_EQ(table.rows[1][1].text, "Avoir");
  EXPECT_EQ(table.rows[1][6].text, invoice.number);
  EXPECT_DOUBLE_EQ(table.rows[1][7].number, -100.0);
  EXPECT_DOUBLE_EQ(table.rows[1][9].number, -120.0);
  const std::string csv = exports::TableCsv(table);
  EXPECT_NE(csv.find(invoice.number), std::string::npos);
  EXPECT_NE(csv.find("-120"), std::string::npos) << csv;
  Result<std::string> xlsx = exports::TableXlsx(table);
  ASSERT_TRUE(xlsx.ok());
  EXPECT_EQ(xlsx->substr(0, 2), "PK");
}

}  // namespace
}  // namespace vivrovert::invoices
