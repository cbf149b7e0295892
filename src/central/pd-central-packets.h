/* pd-central-packets.h: what stations push and pull, without HTTP.
 *
 * data/sync-protocol.md, "Pushing packets" and the pulls; shaped like
 * pd_central_queue_handle(). */
#pragma once

#include <json-glib/json-glib.h>

#include "pd-central-db.h"
#include "pd-central-handler.h"

G_BEGIN_DECLS

typedef enum {
  PD_CENTRAL_PACKETS_PUSH,          /* POST /v1/packets */
  PD_CENTRAL_PACKETS_DECLARATIONS,  /* GET /v1/declarations */
  PD_CENTRAL_PACKETS_DECLARATION,   /* GET /v1/declarations/<code> */
  PD_CENTRAL_PACKETS_REFERENCE,     /* GET /v1/reference, and /v1/reference/<table> */
  PD_CENTRAL_PACKETS_STATUSES,      /* GET /v1/statuses */
} PdCentralPacketsRoute;

/* Answers @caller's request to @route: the body of the 200 answer, or NULL and an error
 * (pd-central-handler.h). @argument is the last path segment of the /x/<y> routes, or NULL;
 * @query the raw query of the pulls; @body the request's. */
JsonNode *pd_central_packets_handle (PdCentralDb            *db,
                                     PdCentralPacketsRoute   route,
                                     const PdCentralCaller  *caller,
                                     const char             *argument,
                                     const char             *query,
                                     const guint8           *body,
                                     gsize                   length,
                                     GError                **error);

G_END_DECLS
