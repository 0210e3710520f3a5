// The public page of one listing, `/annonces/{id}`: what the notification mails and the
// in-site list link to. It shows the listing's own fields as a person reads them (the
// display rule of domain/display: choice labels, ROME codes as job titles with the code
// beside them, French dates and numbers), its commune, who published it and when; nothing
// is computed. A listing that is no longer
// online (withdrawn, expired) answers 410 with a French page; an unknown id or one not yet
// online, 404. CV listings are private (partners read them) and answer 404 here.
#pragma once

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "domain/display/labels.hpp"
#include "engine/engine.hpp"
#include "web/http/app.hpp"

namespace vivrovert::discover {

// `database`, `grid` (may be null), `labels` and `clock` must outlive `app`.
void RegisterListingPage(web::App& app, storage::Database& database, const engine::GridFile* grid,
                         const display::Labels& labels, const Clock& clock);

}  // namespace vivrovert::discover
