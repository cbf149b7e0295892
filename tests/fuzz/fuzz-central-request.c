/* fuzz-central-request.c: what passdesk-central runs on a request body or query before
 * anything reaches its database never crashes, and what it accepts is well-formed. */
#include "config.h"

#include <string.h>

#include "pd-central-prepared.h"
#include "pd-central-request.h"
#include "pd-json.h"
#include "pd-core.h"
#include "pd-dossier.h"
#include "fuzz-target.h"

static void
check_enrollment (const char *data,
                  gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdCentralEnrollment) enrollment = pd_central_enrollment_parse (data, size, &error);

  if (enrollment == NULL)
    {
      g_assert (error != NULL && error->domain == PD_CENTRAL_REQUEST_ERROR);
      g_assert (g_utf8_validate (error->message, -1, NULL));
      return;
    }
  g_assert (strlen (enrollment->code) == 0 || strlen (enrollment->code) == 9);
  g_assert (g_bytes_get_size (enrollment->public_key) == PD_PACKET_PUBLIC_KEY_BYTES);
  g_assert (g_utf8_validate (enrollment->name, -1, NULL) && *enrollment->name);
}

static void
check_sign_in (const char *data,
               gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdCentralSignIn) sign_in = pd_central_sign_in_parse (data, size, &error);

  if (sign_in == NULL)
    {
      g_assert (error != NULL && error->domain == PD_CENTRAL_REQUEST_ERROR);
      return;
    }
  g_assert (*sign_in->username && strlen (sign_in->username) <= 64);
  g_assert (*sign_in->password);
}

static void
check_push (const char *data,
            gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = pd_central_push_parse (data, size, &error);

  if (items == NULL)
    {
      g_assert (error != NULL && error->domain == PD_CENTRAL_REQUEST_ERROR);
      return;
    }
  g_assert (items->len >= 1 && items->len <= PD_PACKET_MAX_PER_PUSH);
  for (guint i = 0; i < items->len; i++)
    {
      PdCentralPushItem *item = g_ptr_array_index (items, i);

      g_assert ((item->packet == NULL) != (item->problem == NULL));
      if (item->packet)
        {
          g_autofree char *signing = pd_packet_get_signing_string (item->packet);

          g_assert (g_uuid_string_is_valid (item->packet->packet_id));
          g_assert (g_str_equal (item->packet->packet_id, item->packet_id));
          g_assert (g_bytes_get_size (item->packet->signature) == PD_PACKET_SIGNATURE_BYTES);
          g_assert (g_str_has_prefix (signing, "PASSDESK-PACKET-V1\n"));
        }
    }
}

static void
check_application (const char *data,
                   gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = pd_central_parse_object (data, size, &error);
  g_autoptr(PdCentralApplication) application = NULL;

  if (object == NULL)
    return;
  application = pd_central_application_check (object, &error);
  if (application == NULL)
    {
      g_assert (error != NULL && error->domain == PD_CENTRAL_REQUEST_ERROR);
      return;
    }
  g_assert (g_uuid_string_is_valid (pd_dossier_get_uuid (application->dossier)));
  g_assert (application->accepted_at >= 0);
  if (application->acceptance_token != NULL)
    g_assert (*application->acceptance_token != '\0' &&
              strlen (application->acceptance_token) <= PD_CENTRAL_MAX_TOKEN_BYTES);
}

/* The opened content of a "declaration" packet from an assisted-entry station. */
static void
check_prepared (const char *data,
                gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = pd_central_parse_object (data, size, &error);
  g_autoptr(PdPrepared) prepared = NULL;

  if (object == NULL)
    return;
  prepared = pd_central_prepared_check (object, &error);
  if (prepared == NULL)
    {
      g_assert (error != NULL && error->domain == PD_CENTRAL_REQUEST_ERROR);
      g_assert (g_utf8_validate (error->message, -1, NULL));
      return;
    }
  g_assert (prepared->dossier != NULL && prepared->code != NULL);
  g_assert_cmpstr (pd_dossier_get_field (prepared->dossier, PD_FIELD_DECLARATION_CODE), ==, prepared->code);
}

static void
check_text (const char *data,
            gsize       size)
{
  g_autofree char *text = g_strndup (data, MIN (size, 300));
  g_autofree char *code = pd_central_enrollment_code_normalize (text);
  g_autoptr(GError) error = NULL;
  gint64 after;
  guint limit;

  if (code != NULL)
    {
      g_autofree char *again = pd_central_enrollment_code_normalize (code);

      g_assert (strlen (code) == 9 && code[4] == '-');
      g_assert (g_strcmp0 (again, code) == 0);
    }

  if (pd_central_page_parse (text, &after, &limit, &error))
    g_assert (after >= 0 && limit >= 1 && limit <= PD_CENTRAL_MAX_PAGE);
  else
    g_assert (error != NULL && error->domain == PD_CENTRAL_REQUEST_ERROR);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;
  const char *text = (const char *) data;

  if (!initialized)
    initialized = pd_core_init ();

  pd_json_depth_ok (text, size, PD_JSON_MAX_DEPTH);
  check_enrollment (text, size);
  check_sign_in (text, size);
  check_push (text, size);
  check_application (text, size);
  check_prepared (text, size);
  check_text (text, size);
  return 0;
}
