// The in-site list of notifications, `/compte/notifications` (signed in): what the person
// was told of, newest first, with the listing's summary and whether it was mailed, and a
// form that marks them all read (POST, CSRF). The account pages show the unread count.
//
// Thread safety: the routes only read shared immutable state and the database.
#pragma once

#include "core/common/env.hpp"
#include "core/storage/database.hpp"
#include "engine/engine.hpp"
#include "web/http/app.hpp"

namespace vivrovert::notifications {

struct NotificationPagesEnv {
  storage::Database& database;
  const engine::GridFile* grid;  // may be null: communes shown by code
  const Clock& clock;
};

// `env` must outlive `app`.
void RegisterNotificationPages(web::App& app, NotificationPagesEnv env);

}  // namespace vivrovert::notifications
