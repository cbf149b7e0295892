/* pd-sign-in-dialog.h: who works at this station: the officer signed in, signing in (online
 * with the central system, or offline with the password of an earlier sign-in here) and
 * signing out. The sessions themselves are kept by pd-officer.h.
 */
#pragma once

#include <adwaita.h>

#include "pd-store.h"
#include "sync/pd-device.h"
#include "sync/pd-officer.h"

G_BEGIN_DECLS

#define PD_TYPE_SIGN_IN_DIALOG (pd_sign_in_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PdSignInDialog, pd_sign_in_dialog, PD, SIGN_IN_DIALOG, AdwWindow)

/* @device (nullable): the station's enrollment; without it nobody can sign in, and the dialog
 * says how to enroll. "signed-in" (PdOfficer) is emitted once an officer signed in, then the
 * dialog closes; "signed-out" once the session ended. */
PdSignInDialog *pd_sign_in_dialog_new       (GtkWindow      *parent,
                                             PdStore        *store,
                                             PdDevice       *device);

/* "Signed in as NAME (ROLE)", with "offline" after an offline sign-in: for toasts. */
char           *pd_sign_in_describe_officer (PdOfficer      *officer);

G_END_DECLS
