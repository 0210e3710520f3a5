// The partners' lead reports as the nightly run schedules them (leads/ writes them; the
// nightly run, which does not depend on leads/, gets them through these hooks). Built by the
// application (app/site.hpp) for `vivrovert nightly` and `vivrovert serve`.
#pragma once

#include <string>

#include "core/config/config.hpp"
#include "domain/display/labels.hpp"
#include "domain/mail/templates.hpp"
#include "jobs/nightly/nightly_run.hpp"

namespace vivrovert::app {

// `templates` and `grid` (may be null: communes are then named by their INSEE code) must
// outlive the hooks.
nightly::LeadReportHooks NightlyLeadReports(const Config& config,
                                            const mail::MailTemplates& templates,
                                            const std::string& secret_key,
                                            const display::Labels& labels);

}  // namespace vivrovert::app
