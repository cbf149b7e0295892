/* pd-entrance-page.h: the entrance: one key issues a ticket for a service and prints it, the
 * list shows who waits and for how long, and a full day gives an appointment slip instead.
 */
#pragma once

#include <gtk/gtk.h>

#include "pd-print.h"
#include "pd-queue.h"
#include "pd-station.h"
#include "sync/pd-sync-client.h"

G_BEGIN_DECLS

/* Seconds between two exchanges with the office's server while the page is shown. */
#define PD_ENTRANCE_SHARE_INTERVAL 15

#define PD_TYPE_ENTRANCE_PAGE (pd_entrance_page_get_type ())
G_DECLARE_FINAL_TYPE (PdEntrancePage, pd_entrance_page, PD, ENTRANCE_PAGE, GtkWidget)

/* The office's name and address for the printed papers come from the store's enrollment
 * settings. */
void        pd_entrance_page_set_queue        (PdEntrancePage *self,
                                               PdQueue        *queue);
/* @client (nullable): the office's server; without it the station works alone. */
void        pd_entrance_page_set_client       (PdEntrancePage *self,
                                               PdSyncClient   *client);
/* The station's queue once its store is open, and its office's server once enrolled. */
void        pd_entrance_page_set_station      (PdEntrancePage *self,
                                               PdStation      *station);
/* How tickets and slips are printed; @export_path is the PDF for PD_PRINT_ACTION_EXPORT. */
void        pd_entrance_page_set_print_action (PdEntrancePage *self,
                                               PdPrintAction   action,
                                               const char     *export_path);
/* What the service's key does. FALSE with @error when nothing was issued. */
gboolean    pd_entrance_page_issue            (PdEntrancePage *self,
                                               const char     *service,
                                               GError        **error);
void        pd_entrance_page_reload           (PdEntrancePage *self);
guint       pd_entrance_page_get_n_waiting    (PdEntrancePage *self);
/* (nullable): the label of the last ticket, or the reference of the last appointment. */
const char *pd_entrance_page_get_last_issued  (PdEntrancePage *self);
/* Whether the service buttons are offered (not without a ticket letter). */
gboolean    pd_entrance_page_get_can_issue    (PdEntrancePage *self);
/* What the page says under the last ticket: how it went, or why nothing was issued. */
const char *pd_entrance_page_get_detail       (PdEntrancePage *self);
/* Shown while the station has no ticket letter: opens Preferences. */
GtkWidget  *pd_entrance_page_get_set_letter_button (PdEntrancePage *self);

G_END_DECLS
