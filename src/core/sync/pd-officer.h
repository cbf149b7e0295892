/* pd-officer.h: who is working at the station, and what their role allows.
 *
 * Signing in online (POST /v1/sessions) gives a token (keyring kind "officer-token", kept
 * until the next online sign-in: an offline sign-in keeps it for the acceptances) and
 * keeps an Argon2id verifier of the password (kind "officer-verifier"), so the same officer
 * can sign in later without the network. Offline failures are limited to 5 in 5 minutes per
 * user name and recorded in the store's audit log. The session itself is a store setting.
 */
#pragma once

#include "pd-store.h"
#include "pd-device.h"

G_BEGIN_DECLS

#define PD_OFFICER_TOKEN_KIND    "officer-token"
#define PD_OFFICER_VERIFIER_KIND "officer-verifier"
#define PD_OFFICER_SETTING_SESSION "sync.session"

#define PD_OFFICER_MAX_FAILURES    5
#define PD_OFFICER_FAILURE_WINDOW  300   /* seconds */
/* How long an offline sign-in lasts. */
#define PD_OFFICER_OFFLINE_SESSION (12 * 3600)

typedef enum {
  PD_ROLE_NONE,
  PD_ROLE_OFFICER,      /* accepts applications */
  PD_ROLE_VOLUNTEER,    /* assisted entry: prepares declarations and photos, cannot accept */
  PD_ROLE_SUPERVISOR,   /* officer rights, can reopen */
} PdRole;

PdRole      pd_role_from_string     (const char *text);
const char *pd_role_to_string       (PdRole      role);
const char *pd_role_get_label       (PdRole      role);
gboolean    pd_role_may_accept      (PdRole      role);
gboolean    pd_role_may_reopen      (PdRole      role);

#define PD_TYPE_OFFICER (pd_officer_get_type ())
G_DECLARE_FINAL_TYPE (PdOfficer, pd_officer, PD, OFFICER, GObject)

/* Signs @username in: online through @device's server when it answers, else offline with
 * the verifier of an earlier online sign-in on this station. A network failure falls back
 * to offline; a wrong password, a refusal or an untrusted certificate does not. */
void        pd_officer_sign_in_async  (PdStore             *store,
                                       PdDevice            *device,
                                       const char          *username,
                                       const char          *password,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
PdOfficer  *pd_officer_sign_in_finish (GAsyncResult        *result,
                                       GError             **error);
/* The offline half alone; blocks (keyring, Argon2id). */
PdOfficer  *pd_officer_sign_in_offline (PdStore            *store,
                                        PdDevice           *device,
                                        const char         *username,
                                        const char         *password,
                                        GCancellable       *cancellable,
                                        GError            **error);

/* (nullable): the signed-in officer, NULL without error when nobody is or the session
 * expired. Blocks on the keyring for the token. */
PdOfficer  *pd_officer_get_current    (PdStore             *store,
                                       PdDevice            *device,
                                       GCancellable        *cancellable,
                                       GError             **error);
gboolean    pd_officer_sign_out       (PdStore             *store,
                                       GError             **error);

const char *pd_officer_get_username     (PdOfficer *self);
const char *pd_officer_get_display_name (PdOfficer *self);
PdRole      pd_officer_get_role         (PdOfficer *self);
const char *pd_officer_get_office_code  (PdOfficer *self);
gint64      pd_officer_get_expires_at   (PdOfficer *self);
gboolean    pd_officer_get_offline      (PdOfficer *self);
/* (nullable): the token requests carry; NULL after an offline sign-in. */
const char *pd_officer_get_token        (PdOfficer *self);
/* (nullable): the token of this officer's last online sign-in at this station, which an
 * application they accept carries to the central system as the proof of who accepted it
 * (also after an offline sign-in); NULL when they never signed in online here. */
const char *pd_officer_get_acceptance_token (PdOfficer *self);
/* (nullable): the token kept from @username's last online sign-in at @device, as above, for
 * who is known by name only; blocks on the keyring. */
char       *pd_officer_lookup_acceptance_token (PdDevice      *device,
                                                const char    *username,
                                                GCancellable  *cancellable,
                                                GError       **error);

G_END_DECLS
