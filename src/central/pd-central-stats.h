/* pd-central-stats.h: the central system's counters and the figures of "passdesk-central stats". */
#pragma once

#include "pd-central-db.h"

G_BEGIN_DECLS

/* Adds @delta to @counter (a new counter starts at 0). */
gboolean      pd_central_db_bump                (PdCentralDb   *self,
                                                 const char    *counter,
                                                 gint64         delta,
                                                 GError       **error);

/* The value of @counter, 0 when it was never bumped. */
gint64        pd_central_db_get_counter         (PdCentralDb   *self,
                                                 const char    *counter);
JsonNode     *pd_central_db_get_stats           (PdCentralDb   *self,
                                                 GError       **error);

G_END_DECLS
