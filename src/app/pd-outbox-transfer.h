/* pd-outbox-transfer.h: the outbox on a USB file, from the window (data/sync-protocol.md,
 * "Offline transfer").
 *
 * "win.export-outbox" writes this station's pending packets to a file chosen in a save
 * dialog, for a mobile team back in range of an office but not of the network.
 * "win.import-outbox" reads such a file at a connected station and pushes its packets at once.
 * Both are for the roles that may accept applications (pd_role_may_accept()), on an enrolled
 * station; the file work runs in a worker thread, and a message dialog tells the result.
 */
#pragma once

#include "pd-window.h"

G_BEGIN_DECLS

/* GtkWidgetActionActivateFunc of "win.export-outbox" and "win.import-outbox". */
void pd_outbox_transfer_export_action  (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *parameter);
void pd_outbox_transfer_import_action  (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *parameter);
/* Enables both actions when @enabled (the store is open) and the window's role allows them. */
void pd_outbox_transfer_update_actions (PdWindow   *window,
                                        gboolean    enabled);

G_END_DECLS
