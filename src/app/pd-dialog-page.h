/* pd-dialog-page.h: the layout shared by the small form dialogs (day report, trip). */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Fills @dialog with a header bar above a preferences page, and returns the page for the
 * dialog's groups. The header bar has a button labelled @cancel_label (the caller's, so that
 * its translation stays listed with the dialog) that closes @dialog, and @action, styled as
 * the suggested action. */
AdwPreferencesPage *pd_dialog_page_fill (AdwWindow  *dialog,
                                         const char *cancel_label,
                                         GtkWidget  *action);

G_END_DECLS
