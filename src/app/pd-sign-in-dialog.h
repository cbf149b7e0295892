/* pd-sign-in-dialog.h: who works at this station: the officer signed in, signing in (online
 * with the central system, or offline with the password of an earlier sign-in here) and
 * signing out. The sessions themselves are kept by pd-officer.h.
 */
#pragma once

#include <adwaita.h>

#include "pd-station.h"

G_BEGIN_DECLS

#define PD_TYPE_SIGN_IN_DIALOG (pd_sign_in_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PdSignInDialog, pd_sign_in_dialog, PD, SIGN_IN_DIALOG, AdwWindow)

/* @station (open): at a station that is not enrolled nobody can sign in, and the dialog says
 * how to enroll. Once an officer signed in, the station knows (pd_station_sign_in()),
 * "signed-in" (PdOfficer) is emitted and the dialog closes; once the session ended, the
 * station knows and "signed-out" is emitted. */
PdSignInDialog *pd_sign_in_dialog_new       (GtkWindow      *parent,
                                             PdStation      *station);

/* "Signed in as NAME (ROLE)", with "offline" after an offline sign-in: for toasts. */
char           *pd_sign_in_describe_officer (PdOfficer      *officer);

G_END_DECLS
