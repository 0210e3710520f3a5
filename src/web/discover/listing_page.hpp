// The public page of one listing, `/annonces/{id}`: what the notification mails and the
// in-site list link to. It shows the listing's own fields with their French labels, its
// commune, who published it and when; nothing is computed. A listing that is no longer
// online (withdrawn, expired) answers 410 with a French page; an unknown id or one not yet
// online, 404. CV listings are private (partners read them) and answer 404 here.
#pragma once

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "engine/engine.hpp"
#include "web/http/app.hpp"

namespace vivrovert::discover {

// `database`, `grid` (may be null) and `clock` must outlive `app`.
void RegisterListingPage(web::App& app, storage::Database& database, const engine::GridFile* grid,
                         const Clock& clock);

}  // namespace vivrovert::discover
