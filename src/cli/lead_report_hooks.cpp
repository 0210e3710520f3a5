#include "cli/lead_report_hooks.hpp"

namespace vivrovert::cli {

nightly::LeadReportHooks NightlyLeadReports(const Config& config, const mail::MailTemplates& templates,
                                            const std::string& secret_key) {
  (void)config, (void)templates, (void)secret_key;
  return {};
}

}  // namespace vivrovert::cli
