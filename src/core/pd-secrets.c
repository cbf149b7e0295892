/* pd-secrets.c: small secrets in the user's keyring. */
#define G_LOG_DOMAIN "pd-secrets"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <sodium.h>

#include "pd-secrets.h"

G_DEFINE_QUARK (pd-secrets-error-quark, pd_secrets_error)

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    PD_SECRETS_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/* libsecret reports D-Bus and service errors of many domains; callers only need to know
 * that the keyring could not be used, and the user needs to know what to do about it. */
static void
propagate_unavailable (GError **error,
                       GError  *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, cause);
      return;
    }
  g_set_error (error, PD_SECRETS_ERROR, PD_SECRETS_ERROR_UNAVAILABLE,
               _("The keyring could not be used (%s). Log in to the desktop session so that "
                 "the keyring is unlocked, then try again."),
               cause->message);
  g_error_free (cause);
}

gboolean
pd_secrets_store (const char    *kind,
                  const char    *id,
                  const char    *label,
                  const guint8  *secret,
                  gsize          length,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(SecretValue) value = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (kind != NULL && id != NULL && label != NULL, FALSE);
  g_return_val_if_fail (secret != NULL || length == 0, FALSE);

  value = secret_value_new ((const char *) secret, length, "application/octet-stream");
  if (!secret_password_store_binary_sync (get_schema (), SECRET_COLLECTION_DEFAULT, label, value,
                                          cancellable, &local_error,
                                          "kind", kind, "id", id, NULL))
    {
      propagate_unavailable (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static void
free_secure (gpointer data)
{
  sodium_free (data);
}

GBytes *
pd_secrets_lookup (const char    *kind,
                   const char    *id,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(SecretValue) value = NULL;
  GError *local_error = NULL;
  const char *data;
  gsize length;
  guint8 *copy;

  g_return_val_if_fail (kind != NULL && id != NULL, NULL);

  value = secret_password_lookup_binary_sync (get_schema (), cancellable, &local_error,
                                              "kind", kind, "id", id, NULL);
  if (local_error != NULL)
    {
      propagate_unavailable (error, local_error);
      return NULL;
    }
  if (value == NULL)
    return NULL;

  data = secret_value_get (value, &length);
  copy = sodium_malloc (MAX (length, 1));
  if (copy == NULL)
    {
      g_set_error_literal (error, PD_SECRETS_ERROR, PD_SECRETS_ERROR_UNAVAILABLE,
                           _("There is not enough memory to hold a key. Close other programs, "
                             "then try again."));
      return NULL;
    }
  memcpy (copy, data, length);
  return g_bytes_new_with_free_func (copy, length, free_secure, copy);
}

gboolean
pd_secrets_clear (const char    *kind,
                  const char    *id,
                  GCancellable  *cancellable,
                  GError       **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (kind != NULL && id != NULL, FALSE);

  secret_password_clear_sync (get_schema (), cancellable, &local_error,
                              "kind", kind, "id", id, NULL);
  if (local_error != NULL)
    {
      propagate_unavailable (error, local_error);
      return FALSE;
    }
  return TRUE;
}
