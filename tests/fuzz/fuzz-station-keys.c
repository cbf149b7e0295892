/* fuzz-station-keys.c: the reader of the central system's list of station keys (a reply the
 * counter takes from the network) never crashes, leaks or reads out of bounds, and refuses
 * with a message whatever is not a list signed by the central system's key. Random input is
 * never signed, so everything before the signature check is what gets fuzzed: the JSON, the
 * shape, each key, the limits. */
#include "config.h"

#include <sodium.h>

#include "pd-core.h"
#include "pd-declaration-code.h"
#include "sync/pd-declaration-keys-private.h"
#include "pd-json.h"
#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static guint8 sign_key[crypto_sign_PUBLICKEYBYTES];
  static gboolean initialized;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  gint64 version = 0;

  if (!initialized)
    {
      guint8 secret_key[crypto_sign_SECRETKEYBYTES];
      guint8 seed[crypto_sign_SEEDBYTES] = "passdesk fuzzing key, not secret";

      g_assert (pd_core_init ());
      crypto_sign_seed_keypair (sign_key, secret_key, seed);
      initialized = TRUE;
    }

  reply = pd_json_parse ((const char *) data, size, &error);
  if (reply == NULL)
    {
      g_assert (error != NULL && g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert (!pd_declaration_keys_parse_central (reply, sign_key, "HN01", &version, &entries, &error));
  g_assert (entries == NULL);
  g_assert (error != NULL && error->domain == PD_DECLARATION_ERROR);
  g_assert (g_utf8_validate (error->message, -1, NULL) && *error->message != '\0');
  return 0;
}
