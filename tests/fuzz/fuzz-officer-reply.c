/* fuzz-officer-reply.c: the central system's answer to an officer's sign-in, as the station
 * reads it before it keeps the token, the verifier and the session
 * (pd_officer_sign_in_parse_reply(), the reader pd_officer_sign_in_async() runs).
 *
 * An answer is refused with a readable message and leaves nothing behind, or taken whole:
 * a known role, an end to the session, a token fit for a header, names fit to show. */
#include "config.h"

#include <string.h>

#include "pd-core.h"
#include "sync/pd-officer-private.h"
#include "sync/pd-sync-client.h"
#include "fuzz-target.h"

static void
assert_text (const char *text,
             gsize       max_bytes)
{
  g_assert (text != NULL && *text != '\0' && strlen (text) <= max_bytes);
  g_assert (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    g_assert (!g_unichar_iscntrl (g_utf8_get_char (p)));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;
  g_autoptr(GError) error = NULL;
  PdOfficerReply reply = { 0 };

  if (!initialized)
    initialized = pd_core_init ();

  if (!pd_officer_sign_in_parse_reply ((const char *) data, size, &reply, &error))
    {
      g_assert (error != NULL && error->domain == PD_SYNC_ERROR);
      g_assert (error->code == PD_SYNC_ERROR_RETRY || error->code == PD_SYNC_ERROR_FORBIDDEN_ROLE);
      g_assert (g_utf8_validate (error->message, -1, NULL) && *error->message != '\0');
      /* Nothing half-read is left to be kept. */
      g_assert (reply.username == NULL && reply.token == NULL && reply.office_code == NULL &&
                reply.display_name == NULL && reply.role == PD_ROLE_NONE && reply.expires_at == 0);
      return 0;
    }

  g_assert_no_error (error);
  g_assert (reply.role != PD_ROLE_NONE && pd_role_to_string (reply.role) != NULL);
  g_assert (reply.expires_at > 0);
  assert_text (reply.username, PD_OFFICER_MAX_USERNAME_BYTES);
  assert_text (reply.display_name, PD_OFFICER_MAX_NAME_BYTES);
  assert_text (reply.office_code, PD_OFFICER_MAX_OFFICE_BYTES);
  g_assert (strlen (reply.token) >= PD_OFFICER_MIN_TOKEN_BYTES &&
            strlen (reply.token) <= PD_OFFICER_MAX_TOKEN_BYTES);
  /* The token goes back in a request header. */
  g_assert (strpbrk (reply.token, " \t\r\n:,;\"\\") == NULL);
  pd_officer_reply_clear (&reply);
  g_assert (reply.token == NULL && reply.username == NULL);
  return 0;
}
