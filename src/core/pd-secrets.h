/* pd-secrets.h: small secrets (keys, tokens) kept in the user's keyring through libsecret.
 *
 * Every secret is filed under one schema, "io.github.passdesk.Passdesk.Secret", with two
 * attributes: a kind ("store-key", "device-key", "token"...) and an id within that kind.
 * The calls block on D-Bus: use them from a worker thread in the application.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PD_SECRETS_SCHEMA_NAME "io.github.passdesk.Passdesk.Secret"

#define PD_SECRETS_ERROR (pd_secrets_error_quark ())
typedef enum {
  PD_SECRETS_ERROR_UNAVAILABLE,  /* no keyring service, or it is locked and cannot be unlocked */
} PdSecretsError;
GQuark  pd_secrets_error_quark (void);

/* Stores (or replaces) @length bytes under @kind and @id; @label is what keyring managers show. */
gboolean pd_secrets_store  (const char    *kind,
                            const char    *id,
                            const char    *label,
                            const guint8  *secret,
                            gsize          length,
                            GCancellable  *cancellable,
                            GError       **error);
/* Returns (transfer full) (nullable) the secret, or NULL without an error when there is none.
 * The bytes live in locked memory and are wiped when the last reference goes. */
GBytes  *pd_secrets_lookup (const char    *kind,
                            const char    *id,
                            GCancellable  *cancellable,
                            GError       **error);
gboolean pd_secrets_clear  (const char    *kind,
                            const char    *id,
                            GCancellable  *cancellable,
                            GError       **error);

G_END_DECLS
