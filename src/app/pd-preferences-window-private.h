/* pd-preferences-window-private.h: what the UI tests reach into. */
#pragma once

#include "pd-preferences-window.h"

G_BEGIN_DECLS

/* The row where the station's ticket letter is typed. */
GtkEditable *pd_preferences_window_get_station_editable (PdPreferencesWindow *self);
/* (nullable): what the window says under the ticket letter. */
const char  *pd_preferences_window_get_station_message  (PdPreferencesWindow *self);
/* Whether that message is an error (the letter typed was not saved). */
gboolean     pd_preferences_window_get_station_error    (PdPreferencesWindow *self);
/* Whether the settings kept with the data are still loading or a letter is being saved. */
gboolean     pd_preferences_window_get_busy             (PdPreferencesWindow *self);

/* The rows of the office code and of the central server's address. */
GtkEditable *pd_preferences_window_get_office_editable  (PdPreferencesWindow *self);
GtkEditable *pd_preferences_window_get_server_editable  (PdPreferencesWindow *self);
/* Whether the server's address is marked as unsafe (in red, with why). */
gboolean     pd_preferences_window_get_server_error     (PdPreferencesWindow *self);

/* The row where the language of the interface is chosen. */
AdwComboRow *pd_preferences_window_get_language_row     (PdPreferencesWindow *self);

G_END_DECLS
