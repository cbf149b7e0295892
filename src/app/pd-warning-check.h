/* pd-warning-check.h: the soft warnings of an application (pd_validate_warnings()), shown on
 * the form's rows as the officer types, and asked about once before it is accepted.
 *
 * Warnings are hints ("digit 4 of this number usually encodes the sex"), not rules: a card
 * issued under older rules, or a mistake printed on the card itself, must not turn a citizen
 * away. So acceptance is not blocked; the officer compares with the papers, and either goes
 * back to fix the form or accepts anyway, and that choice is written to the audit log with the
 * warnings it answered ("warnings-acknowledged"). */
#pragma once

#include <gtk/gtk.h>

#include "pd-dossier.h"
#include "pd-field-row.h"
#include "pd-store.h"

G_BEGIN_DECLS

/* (element-type PdFieldError): the warnings of @dossier today. */
GPtrArray *pd_warning_check_list        (PdDossier            *dossier);
/* Shows on each of @rows (PD_N_FIELDS of them) its first warning, and hides the others'. */
void       pd_warning_check_show        (PdFieldRow          **rows,
                                         PdDossier            *dossier);
/* Asks over @parent's window about @warnings (not empty): "Go Back and Check" finishes with
 * FALSE and no error, "Accept Anyway" records the acknowledgement by @actor in @store's audit
 * log, in a thread, then finishes with TRUE. */
void       pd_warning_check_ask_async   (GtkWidget            *parent,
                                         PdStore              *store,
                                         PdDossier            *dossier,
                                         const char           *actor,
                                         GPtrArray            *warnings,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean   pd_warning_check_ask_finish  (GAsyncResult         *result,
                                         GError              **error);

G_END_DECLS
