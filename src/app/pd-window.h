/* pd-window.h */
#pragma once

#include <adwaita.h>

#include "pd-application.h"
#include "pd-store.h"

G_BEGIN_DECLS

#define PD_TYPE_WINDOW (pd_window_get_type ())
G_DECLARE_FINAL_TYPE (PdWindow, pd_window, PD, WINDOW, AdwApplicationWindow)

PdWindow *pd_window_new       (PdApplication *application,
                               const char    *database_path);
/* NULL until the database is open. */
PdStore  *pd_window_get_store (PdWindow      *self);

G_END_DECLS
