/* fuzz-central-headers.c: what passdesk-central reads of a request before it is authenticated:
 * the X-Passdesk-Device, X-Passdesk-Time and X-Passdesk-Signature headers and an Authorization
 * bearer token, looked up in a real central database, and the signature checked over the
 * method, path and body (pd_request_verify()). The input is five lines (device, time,
 * signature, authorization, path and query) and then the body. A signature line "SIGN" is
 * replaced by a real signature of a fixed key, so that the path past the check is fuzzed too.
 * The time line goes through the server's own pd_central_parse_request_time() and the path
 * through pd_central_route_argument(), as a "/x/" route's segment; the order of the checks
 * (pd-central-server.c's authenticate()) needs a server and is covered by tests/central. */
#include "config.h"

#include <string.h>
#include <sodium.h>

#include "fuzz-central-db.h"
#include "pd-central-identity.h"
#include "pd-central-request.h"
#include "pd-core.h"
#include "sync/pd-packet.h"
#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static guint8 public_key[crypto_sign_PUBLICKEYBYTES], secret_key[crypto_sign_SECRETKEYBYTES];
  static gboolean have_keys;
  PdCentralDb *db = pd_fuzz_central_db ();
  const char *lines[5] = { NULL };
  g_autofree char *copy = g_strndup ((const char *) data, size);
  g_autofree char *signature = NULL;
  g_autofree char *office = NULL;
  g_autoptr(PdCentralOfficer) officer = NULL;
  g_autoptr(GError) error = NULL;
  guint8 device_key[PD_PACKET_PUBLIC_KEY_BYTES];
  const char *body;
  char *cursor = copy;
  gsize body_length;
  gint64 time;

  if (!have_keys)
    {
      guint8 seed[crypto_sign_SEEDBYTES] = "passdesk fuzzing key, not secret";

      crypto_sign_seed_keypair (public_key, secret_key, seed);
      have_keys = TRUE;
    }

  /* Headers are text: soup hands them over up to a NUL or a line break. */
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      char *end = strchr (cursor, '\n');

      if (end == NULL)
        return 0;
      *end = '\0';
      lines[i] = cursor;
      cursor = end + 1;
    }
  body = (const char *) data + (cursor - copy);
  body_length = size - (cursor - copy);

  if (pd_central_db_lookup_device (db, lines[0], device_key, &office))
    g_assert (office != NULL);

  if (!pd_central_parse_request_time (lines[1], &time))
    time = 0;
  else
    g_assert (time >= 0 && strspn (lines[1], "0123456789") == strlen (lines[1]));
  {
    const char *slash = strrchr (lines[4], '/');
    g_autofree char *argument = slash ? pd_central_route_argument (slash + 1) : NULL;

    if (argument != NULL)
      g_assert (strlen (argument) <= 64 && g_utf8_validate (argument, -1, NULL));
  }
  if (g_str_equal (lines[2], "SIGN"))
    {
      signature = pd_request_sign ("POST", lines[4], time, body, body_length, secret_key);
      g_assert (pd_request_verify ("POST", lines[4], time, body, body_length, signature, public_key, &error));
      g_assert_no_error (error);
    }
  else if (!pd_request_verify ("POST", lines[4], time, body, body_length, lines[2], public_key, &error))
    {
      g_assert (error != NULL && error->domain == PD_PACKET_ERROR);
      g_assert (g_utf8_validate (error->message, -1, NULL));
    }

  if (g_str_has_prefix (lines[3], "Bearer "))
    officer = pd_central_db_lookup_session (db, lines[3] + strlen ("Bearer "), lines[0], time);
  g_assert (officer == NULL);   /* nobody signed in to this database */
  return 0;
}
