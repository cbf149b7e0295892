/* fuzz-enroll-reply.c: the central system's answer to a station's enrollment, as the station
 * reads it before it keeps the device key and writes its settings
 * (pd_device_enroll_parse_reply(), the reader pd_device_enroll_async() runs).
 *
 * An answer is refused with a readable message and leaves nothing behind, or taken whole: a
 * uuid, an office code, both central keys of the right size, which the settings keep as text
 * that reads back to the same keys. */
#include "config.h"

#include <string.h>

#include "pd-core.h"
#include "sync/pd-device-private.h"
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

static void
assert_key (const char   *text,
            const guint8 *key,
            gsize         length)
{
  g_autoptr(GBytes) decoded = pd_base64url_decode (text, NULL);

  /* pd_device_load() reads the key back from the settings' text. */
  g_assert (decoded != NULL && g_bytes_get_size (decoded) == length);
  g_assert (memcmp (g_bytes_get_data (decoded, NULL), key, length) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;
  static const guint8 zero[PD_PACKET_BOX_KEY_BYTES];
  g_autoptr(GError) error = NULL;
  PdDeviceEnrollReply reply = { 0 };

  if (!initialized)
    initialized = pd_core_init ();

  if (!pd_device_enroll_parse_reply ((const char *) data, size, &reply, &error))
    {
      g_assert (error != NULL && error->domain == PD_SYNC_ERROR && error->code == PD_SYNC_ERROR_RETRY);
      g_assert (g_utf8_validate (error->message, -1, NULL) && *error->message != '\0');
      /* Nothing half-read is left to be kept. */
      g_assert (reply.device_id == NULL && reply.office_code == NULL && reply.office_name == NULL &&
                reply.office_address == NULL && reply.box_key_text == NULL && reply.sign_key_text == NULL);
      g_assert (memcmp (reply.box_public_key, zero, sizeof zero) == 0);
      g_assert (memcmp (reply.sign_public_key, zero, sizeof zero) == 0);
      return 0;
    }

  g_assert_no_error (error);
  g_assert (g_uuid_string_is_valid (reply.device_id));
  assert_text (reply.office_code, PD_DEVICE_MAX_OFFICE_CODE_BYTES);
  if (reply.office_name)
    assert_text (reply.office_name, PD_DEVICE_MAX_OFFICE_NAME_BYTES);
  if (reply.office_address)
    assert_text (reply.office_address, PD_DEVICE_MAX_ADDRESS_BYTES);
  assert_key (reply.box_key_text, reply.box_public_key, PD_PACKET_BOX_KEY_BYTES);
  assert_key (reply.sign_key_text, reply.sign_public_key, PD_PACKET_PUBLIC_KEY_BYTES);
  pd_device_enroll_reply_clear (&reply);
  g_assert (reply.device_id == NULL && reply.box_key_text == NULL);
  return 0;
}
