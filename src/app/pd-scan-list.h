/* pd-scan-list.h: the scanned documents of the application on the form: those stored with it
 * and those waiting for it to be saved. */
#pragma once

#include <adwaita.h>

#include "pd-intake.h"
#include "pd-store.h"

G_BEGIN_DECLS

#define PD_TYPE_SCAN_LIST (pd_scan_list_get_type ())
G_DECLARE_FINAL_TYPE (PdScanList, pd_scan_list, PD, SCAN_LIST, AdwPreferencesGroup)

/* "changed" is emitted when the list changes; "photo-loaded" (GBytes, nullable) when the
 * stored documents were read, with the application's stored photo. */
PdScanList *pd_scan_list_new          (void);
/* Shows the documents stored with the application @dossier_id (0: a new one, none) of
 * @store, read in a worker; forgets those waiting. */
void        pd_scan_list_show         (PdScanList  *self,
                                       PdStore     *store,
                                       gint64       dossier_id);
/* Stores the scan at once with an application already saved, else keeps it until it is. */
void        pd_scan_list_add          (PdScanList  *self,
                                       const char  *kind,
                                       const char  *mime_type,
                                       GBytes      *data);
guint       pd_scan_list_get_n_documents (PdScanList *self);
/* (element-type utf8) (transfer container): the kind of each document listed. */
GPtrArray  *pd_scan_list_get_kinds    (PdScanList  *self);
/* Gives @intake the scans waiting for the application's id. */
void        pd_scan_list_add_pending_to (PdScanList *self,
                                         PdIntake   *intake);
/* Stops reading and storing (the form goes away). */
void        pd_scan_list_cancel       (PdScanList  *self);

G_END_DECLS
