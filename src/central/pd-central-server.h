/* pd-central-server.h: the HTTP side of the central system (data/sync-protocol.md). */
#pragma once

#include <gio/gio.h>

#include "pd-central-db.h"
#include "pd-central-faults.h"

G_BEGIN_DECLS

/* A request may differ this much from the server's clock (seconds). */
#define PD_CENTRAL_MAX_SKEW          300

#define PD_CENTRAL_TYPE_SERVER (pd_central_server_get_type ())
G_DECLARE_FINAL_TYPE (PdCentralServer, pd_central_server, PD_CENTRAL, SERVER, GObject)

/* @certificate: nullable, serves HTTPS when given. @faults: nullable, (transfer full). */
PdCentralServer *pd_central_server_new      (PdCentralDb      *db,
                                             GTlsCertificate  *certificate,
                                             PdCentralFaults  *faults);
/* @port 0 picks a free port. Plain HTTP is refused on anything but a loopback address. */
gboolean         pd_central_server_listen   (PdCentralServer  *self,
                                             const char       *address,
                                             guint             port,
                                             GError          **error);
/* "http(s)://ADDRESS:PORT/" once listening. */
char            *pd_central_server_get_uri  (PdCentralServer  *self);
/* Stops listening and closes every connection, including the ones a fault keeps open. */
void             pd_central_server_shutdown (PdCentralServer  *self);

G_END_DECLS
