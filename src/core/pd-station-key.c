/* pd-station-key.c: the key an assisted-entry station signs declaration QR codes with. */
#define G_LOG_DOMAIN "pd-station-key"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "pd-declaration-code.h"
#include "sync/pd-declaration-keys.h"
#include "pd-secrets.h"
#include "pd-station-key.h"
#include "sync/pd-device.h"
#include "sync/pd-packet.h"

void
pd_station_key_free (PdStationKey *key)
{
  g_free (key->key_id);
  g_clear_pointer (&key->secret_key, g_bytes_unref);
  g_clear_pointer (&key->public_key, g_bytes_unref);
  g_free (key);
}

/* A key id holds 1 to 32 of A-Z a-z 0-9 . _ -: the store's id, shortened. */
static char *
make_key_id (const char *prefix,
             const char *id)
{
  GString *key_id = g_string_new (prefix);

  for (const char *p = id; *p != '\0' && key_id->len < PD_DECLARATION_KEY_ID_MAX; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (key_id, g_ascii_toupper (*p));
  return g_string_free (key_id, FALSE);
}

PdStationKey *
pd_station_key_load (PdStore       *store,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(PdStationKey) key = g_new0 (PdStationKey, 1);
  g_autofree char *device_id = pd_store_get_setting (store, PD_DEVICE_SETTING_ID);
  g_autoptr(GBytes) secret = NULL;
  const char *kind;
  const char *id;

  if (device_id != NULL)
    {
      kind = PD_DEVICE_SECRET_KIND;
      id = device_id;
      /* The id the central system lists the station's key under (GET /v1/station-keys). */
      key->key_id = pd_declaration_keys_device_key_id (device_id);
    }
  else
    {
      kind = PD_STATION_KEY_SECRET_KIND;
      id = pd_store_get_store_id (store);
      key->key_id = make_key_id ("ST-", id);
    }

  secret = pd_secrets_lookup (kind, id, cancellable, error);
  if (secret == NULL && error != NULL && *error != NULL)
    return NULL;
  if (secret == NULL && device_id != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The device key of this station is missing from the keyring. Enroll the station again."));
      return NULL;
    }
  if (secret == NULL)
    {
      guint8 pk[crypto_sign_PUBLICKEYBYTES];
      guint8 *sk = sodium_malloc (crypto_sign_SECRETKEYBYTES);

      crypto_sign_keypair (pk, sk);
      if (!pd_secrets_store (kind, id, _("Passdesk station declaration key"), sk,
                             crypto_sign_SECRETKEYBYTES, cancellable, error))
        {
          sodium_free (sk);
          return NULL;
        }
      sodium_free (sk);
      secret = pd_secrets_lookup (kind, id, cancellable, error);
      if (secret == NULL)
        return NULL;
    }
  if (g_bytes_get_size (secret) != crypto_sign_SECRETKEYBYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The station key in the keyring is damaged. Remove it with a keyring manager, "
                     "then try again."));
      return NULL;
    }
  key->secret_key = g_bytes_ref (secret);
  /* An Ed25519 secret key ends with its public half. */
  key->public_key = g_bytes_new ((const guint8 *) g_bytes_get_data (secret, NULL) + crypto_sign_SEEDBYTES,
                                 crypto_sign_PUBLICKEYBYTES);
  return g_steal_pointer (&key);
}

char *
pd_station_key_to_text (PdStationKey *key)
{
  g_autofree char *encoded = pd_base64url_encode (g_bytes_get_data (key->public_key, NULL),
                                                  g_bytes_get_size (key->public_key));

  return g_strconcat (PD_STATION_KEY_PREFIX, key->key_id, ":", encoded, NULL);
}

#define NON_BREAKING_HYPHEN "\u2011"

char *
pd_station_key_for_display (const char *text)
{
  g_auto(GStrv) pieces = g_strsplit (text ? text : "", "-", -1);

  return g_strjoinv (NON_BREAKING_HYPHEN, pieces);
}

gboolean
pd_station_key_parse (const char  *text,
                      char       **key_id,
                      GBytes     **public_key,
                      GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_auto(GStrv) pieces = g_strsplit (text, NON_BREAKING_HYPHEN, -1);
  g_autofree char *plain = g_strjoinv ("-", pieces);
  g_autoptr(GBytes) decoded = NULL;

  /* Typed back from the paper, its hyphens may be the printed non-breaking ones. */
  text = plain;
  if (!g_str_has_prefix (text, PD_STATION_KEY_PREFIX))
    goto bad;
  parts = g_strsplit (text + strlen (PD_STATION_KEY_PREFIX), ":", 3);
  if (g_strv_length (parts) != 2 || *parts[0] == '\0' || strlen (parts[0]) > PD_DECLARATION_KEY_ID_MAX)
    goto bad;
  for (const char *p = parts[0]; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      goto bad;
  decoded = pd_base64url_decode (g_strstrip (parts[1]), NULL);
  if (decoded == NULL || g_bytes_get_size (decoded) != crypto_sign_PUBLICKEYBYTES)
    goto bad;
  *key_id = g_strdup (parts[0]);
  *public_key = g_steal_pointer (&decoded);
  return TRUE;

bad:
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("This is not a station key. Scan the key QR code printed at the assisted-entry station."));
  return FALSE;
}
