#include "app/lead_report_hooks.hpp"

#include "domain/leads/lead_report.hpp"

namespace vivrovert::app {

nightly::LeadReportHooks NightlyLeadReports(const Config& config,
                                            const mail::MailTemplates& templates,
                                            const std::string& secret_key,
                                            const display::Labels& labels) {
  leads::LeadReportOptions options{config.public_base_url, secret_key};
  options.labels = &labels;
  return {[](storage::Connection& connection, const std::string& run_date) {
            return leads::PartnersWithReportDue(connection, run_date);
          },
          [&templates, options](storage::Connection& connection, int64_t partner_id,
                                const std::string& run_date, int64_t now) {
            return leads::EnqueueLeadReport(connection, templates, options, partner_id, run_date,
                                            now);
          }};
}

}  // namespace vivrovert::app
