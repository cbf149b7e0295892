/* pd-trip-preparation.h: prepares a mobile team's trip (see pd-trip.h): the chosen communes
 * are kept in the store, the office's declarations and the reference tables are pulled through
 * the sync engine, then the declarations of those communes are counted.
 *
 * Signals:
 * "ready" (guint n_chosen, guint n_total): the trip is prepared, before "message" says so.
 * "message" (const char *text): what to tell the officer.
 */
#pragma once

#include <gio/gio.h>

#include "pd-store.h"
#include "sync/pd-sync-engine.h"

G_BEGIN_DECLS

#define PD_TYPE_TRIP_PREPARATION (pd_trip_preparation_get_type ())
G_DECLARE_FINAL_TYPE (PdTripPreparation, pd_trip_preparation, PD, TRIP_PREPARATION, GObject)

/* Nothing more is done once @cancellable (nullable) is cancelled. */
PdTripPreparation *pd_trip_preparation_new        (GCancellable       *cancellable);
/* @engine: NULL on a station that is not enrolled, which is told it cannot prepare a trip. */
void               pd_trip_preparation_start      (PdTripPreparation  *self,
                                                   PdStore            *store,
                                                   PdSyncEngine       *engine,
                                                   const char * const *communes);
/* The counts of the last preparation that finished; FALSE while none has. */
gboolean           pd_trip_preparation_get_counts (PdTripPreparation  *self,
                                                   guint              *n_chosen,
                                                   guint              *n_total);

G_END_DECLS
