/* pd-trip.h: a mobile team's trip: the communes it visits, and what it takes along.
 *
 * Preparing a trip pulls the office's online declarations and the reference tables through
 * the sync engine (the central system sends all of the office's declarations: it has no
 * filter by commune), then counts locally the declarations of the chosen communes, which
 * the team can open offline for as many days as the trip lasts.
 */
#pragma once

#include <adwaita.h>

#include "pd-store.h"

G_BEGIN_DECLS

/* The store setting with the chosen communes: their codes, separated by commas. */
#define PD_TRIP_SETTING_COMMUNES "trip.communes"

/* Blocks on the store: from a worker thread. @n_chosen gets the declarations not yet taken
 * whose permanent or current address is in one of @communes, @n_total all of them. */
gboolean   pd_trip_count_declarations (PdStore            *store,
                                       const char * const *communes,
                                       guint              *n_chosen,
                                       guint              *n_total,
                                       GError            **error);

/* A dialog to choose the communes, province by province. "prepare" (GStrv communes) is
 * emitted when the officer starts the preparation; the dialog then closes. */
#define PD_TYPE_TRIP_DIALOG (pd_trip_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PdTripDialog, pd_trip_dialog, PD, TRIP_DIALOG, AdwWindow)

PdTripDialog *pd_trip_dialog_new (GtkWindow   *parent,
                                  PdReference *reference,
                                  const char  *chosen);

G_END_DECLS
