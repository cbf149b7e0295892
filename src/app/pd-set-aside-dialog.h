/* pd-set-aside-dialog.h: asks the reason to put the application on the form on hold or to
 * refuse it. */
#pragma once

#include <adwaita.h>

#include "pd-status.h"

G_BEGIN_DECLS

#define PD_TYPE_SET_ASIDE_DIALOG (pd_set_aside_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PdSetAsideDialog, pd_set_aside_dialog, PD, SET_ASIDE_DIALOG, AdwMessageDialog)

/* @status is PD_STATUS_ON_HOLD (the reason optional) or PD_STATUS_REFUSED (required).
 * "chosen" (int status, const char *reason) is emitted when the officer confirms. */
PdSetAsideDialog *pd_set_aside_dialog_new (GtkWindow *parent,
                                           PdStatus   status);

G_END_DECLS
