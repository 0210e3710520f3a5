// The partners' lead reports as the nightly run schedules them (leads/ writes them; the
// nightly run, which does not depend on leads/, gets them through these hooks). Shared by
// `vivrovert nightly` and `vivrovert serve`.
#pragma once

#include <string>

#include "config/config.hpp"
#include "mail/templates.hpp"
#include "nightly/nightly_run.hpp"

namespace vivrovert::cli {

// `templates` must outlive the hooks.
nightly::LeadReportHooks NightlyLeadReports(const Config& config, const mail::MailTemplates& templates,
                                            const std::string& secret_key);

}  // namespace vivrovert::cli
