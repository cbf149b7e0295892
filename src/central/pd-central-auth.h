/* pd-central-auth.h: enrollment, sign-in, sessions and station keys, without HTTP.
 *
 * How a station and its officers become known to the central system (data/sync-protocol.md,
 * "Enrollment", "Sessions", "Station keys"): the server's clock, enrollment with a one-time
 * code, sign-in to a bearer token bound to the station, and the signed list of the office's
 * station keys. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pd-central-db.h"
#include "pd-central-handler.h"

G_BEGIN_DECLS

/* More failed sign-ins than this for one username at one station within the window are
 * refused. */
#define PD_CENTRAL_SIGN_IN_FAILURES  5
#define PD_CENTRAL_SIGN_IN_WINDOW    300
#define PD_CENTRAL_SESSION_SECONDS   (12 * 3600)

#define PD_CENTRAL_TYPE_AUTH (pd_central_auth_get_type ())
G_DECLARE_FINAL_TYPE (PdCentralAuth, pd_central_auth, PD_CENTRAL, AUTH, GObject)

PdCentralAuth *pd_central_auth_new            (PdCentralDb            *db);

/* GET /v1/time. */
JsonNode      *pd_central_auth_time           (void);
/* POST /v1/devices: the body of the 201 answer. @proven is set once the code proved good,
 * whatever fails afterwards: only failed attempts count against a client's rate limit. */
JsonNode      *pd_central_auth_enroll         (PdCentralAuth          *self,
                                               const guint8           *body,
                                               gsize                   length,
                                               gboolean               *proven,
                                               GError                **error);
/* POST /v1/sessions from @caller's station: the password is verified on a worker thread
 * (Argon2id takes a tenth of a second and 64 MiB). */
void           pd_central_auth_sign_in_async  (PdCentralAuth          *self,
                                               const PdCentralCaller  *caller,
                                               const guint8           *body,
                                               gsize                   length,
                                               GCancellable           *cancellable,
                                               GAsyncReadyCallback     callback,
                                               gpointer                user_data);
/* The body of the 200 answer; @proven as for pd_central_auth_enroll(), once the password
 * proved right for an officer of the station's office. */
JsonNode      *pd_central_auth_sign_in_finish (PdCentralAuth          *self,
                                               GAsyncResult           *result,
                                               gboolean               *proven,
                                               GError                **error);
/* GET /v1/station-keys: the signed list of @caller's office. */
JsonNode      *pd_central_auth_station_keys   (PdCentralAuth          *self,
                                               const PdCentralCaller  *caller,
                                               GError                **error);

G_END_DECLS
