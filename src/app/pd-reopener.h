/* pd-reopener.h: reopens a refused application, or an accepted one whose packet has not left:
 * back to DRAFT with the reason in its history and the packet withdrawn, in one transaction
 * (pd_store_reopen()). Supervisors only.
 *
 * Signals:
 * "reopened" (PdDossier *dossier): the store has reopened @dossier, before "message" says so.
 * "message" (const char *text): what to tell the officer.
 */
#pragma once

#include <gtk/gtk.h>

#include "pd-dossier.h"
#include "sync/pd-officer.h"
#include "pd-store.h"

G_BEGIN_DECLS

#define PD_TYPE_REOPENER (pd_reopener_get_type ())
G_DECLARE_FINAL_TYPE (PdReopener, pd_reopener, PD, REOPENER, GObject)

/* @parent: the dialog's (not kept alive by the reopener). Nothing more is said once
 * @cancellable (nullable) is cancelled. */
PdReopener *pd_reopener_new    (GtkWindow    *parent,
                                GCancellable *cancellable);
/* Asks why, in a dialog, then reopens @dossier as @actor. */
void        pd_reopener_offer  (PdReopener   *self,
                                PdStore      *store,
                                PdRole        role,
                                const char   *actor,
                                PdDossier    *dossier);
/* FALSE, with a message, when @role may not reopen; a status the store refuses is told once
 * it has answered. @actor (nullable): the user's login name is audited then. */
gboolean    pd_reopener_reopen (PdReopener   *self,
                                PdStore      *store,
                                PdRole        role,
                                const char   *actor,
                                PdDossier    *dossier,
                                const char   *reason);

G_END_DECLS
