/* pd-sign-in-dialog-private.h: what the UI tests reach into. */
#pragma once

#include "pd-sign-in-dialog.h"

G_BEGIN_DECLS

/* The text fields, what the dialog says about who is signed in, its last
 * error (NULL when none), and whether a sign-in or sign-out is under way. */
GtkEditable    *pd_sign_in_dialog_get_username_editable (PdSignInDialog *self);
GtkEditable    *pd_sign_in_dialog_get_password_editable (PdSignInDialog *self);
const char     *pd_sign_in_dialog_get_status            (PdSignInDialog *self);
const char     *pd_sign_in_dialog_get_message           (PdSignInDialog *self);
gboolean        pd_sign_in_dialog_get_busy              (PdSignInDialog *self);
/* What the Sign In button and Sign Out button do. */
void            pd_sign_in_dialog_sign_in               (PdSignInDialog *self);
void            pd_sign_in_dialog_sign_out              (PdSignInDialog *self);

G_END_DECLS
