/* fuzz-station-replies.c: what a station reads from the central system and from files
 * brought to it. The first byte chooses the reader, the rest is the bytes it gets:
 *
 *   0  a USB outbox file, as pd_outbox_import() reads it before touching the store
 *   1  a reply envelope: the JSON body, the error object of a failed request and
 *      pd_sync_reply_check() under a status taken from the next byte
 *   2  a prepared declaration (the central system's answer to a declaration code)
 *   3  the office queue: a list of tickets, or one ticket
 *   4  appointment slips: a list, or one
 *   5  a page of online declarations ("declarations", "next_cursor", "more")
 *   6  the CLI's `add` input: one dossier object or an array of them
 *
 * Each reader must refuse what it does not take with a readable message, and what it takes
 * must write back out (the packets and dossiers are stored and pushed again as JSON).
 * pd_outbox_import() itself needs a store in the keyring, so its parsing steps are taken here
 * in its order; the store side is covered by tests/store. */
#include "config.h"

#include <string.h>

#include "pd-core.h"
#include "pd-dossier.h"
#include "pd-status.h"
#include "pd-json.h"
#include "pd-queue.h"
#include "sync/pd-outbox.h"
#include "sync/pd-packet.h"
#include "sync/pd-prepared.h"
#include "sync/pd-sync-client.h"
#include "sync/pd-sync-json-private.h"
#include "fuzz-target.h"

static void
assert_message (const GError *error)
{
  g_assert (error != NULL);
  g_assert (g_utf8_validate (error->message, -1, NULL) && *error->message != '\0');
}

static void
read_outbox_file (JsonNode *root)
{
  JsonObject *object;
  JsonArray *packets;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return;
  object = json_node_get_object (root);
  if (g_strcmp0 (pd_sync_json_string (object, "format"), PD_OUTBOX_FILE_FORMAT) != 0 ||
      pd_sync_json_int_or (object, "version", 0) != PD_OUTBOX_FILE_VERSION)
    return;
  packets = pd_sync_json_array (object, "packets");
  if (packets == NULL)
    return;
  for (guint i = 0; i < json_array_get_length (packets); i++)
    {
      g_autoptr(GError) error = NULL;
      PdPacket *packet = pd_packet_from_json (json_array_get_element (packets, i), &error);
      g_autofree char *text = NULL;
      g_autofree char *signing = NULL;
      PdPacket *again;

      if (packet == NULL)
        {
          assert_message (error);
          return;
        }
      /* Imported packets are stored as text and read back before they are pushed. */
      text = pd_packet_to_string (packet);
      signing = pd_packet_get_signing_string (packet);
      again = pd_packet_from_string (text, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (again->packet_id, ==, packet->packet_id);
      g_assert (g_str_has_prefix (signing, "PASSDESK-PACKET-V1\n"));
      pd_packet_free (again);
      pd_packet_free (packet);
    }
}

static void
read_envelope (guint     status,
               JsonNode *body)
{
  PdSyncReply reply = { .status = status, .body = body };
  g_autoptr(GError) error = NULL;

  /* As pd-sync-client.c's request_complete(). */
  if (body != NULL && JSON_NODE_HOLDS_OBJECT (body) && status >= 300)
    {
      JsonObject *err = pd_sync_json_object (json_node_get_object (body), "error");

      reply.error_code = (char *) pd_sync_json_string (err, "code");
      reply.error_message = (char *) pd_sync_json_string (err, "message");
    }
  if (!pd_sync_reply_check (&reply, &error))
    assert_message (error);
  else
    g_assert (status >= 200 && status < 300);
}

static void
check_dossier (PdDossier *dossier)
{
  g_autoptr(JsonNode) written = pd_dossier_to_json (dossier, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDossier) again = pd_dossier_new_from_json (written, &error);

  /* What was taken from outside is stored and sent as this JSON: it must read back. */
  g_assert_no_error (error);
  g_assert (again != NULL);
}

static void
read_prepared (JsonNode *root)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdPrepared) prepared = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return;
  prepared = pd_prepared_from_json (json_node_get_object (root), &error);
  if (prepared == NULL)
    {
      assert_message (error);
      return;
    }
  g_assert (prepared->dossier != NULL);
  check_dossier (prepared->dossier);
}

static void
read_list (JsonNode *root,
           gboolean  tickets)
{
  JsonArray *array = JSON_NODE_HOLDS_ARRAY (root) ? json_node_get_array (root) : NULL;
  guint n = array ? json_array_get_length (array) : 1;

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = array ? json_array_get_element (array, i) : root;
      g_autoptr(GError) error = NULL;

      if (tickets)
        {
          g_autoptr(PdTicket) ticket = pd_ticket_from_json (node, &error);
          g_autoptr(JsonNode) written = NULL;
          g_autoptr(PdTicket) again = NULL;

          if (ticket == NULL)
            {
              assert_message (error);
              continue;
            }
          written = pd_ticket_to_json (ticket);
          again = pd_ticket_from_json (written, &error);
          g_assert_no_error (error);
        }
      else
        {
          g_autoptr(PdAppointment) appointment = pd_appointment_from_json (node, &error);
          g_autoptr(PdAppointment) copy = NULL;
          g_autoptr(JsonNode) written = NULL;

          if (appointment == NULL)
            {
              assert_message (error);
              continue;
            }
          copy = pd_appointment_copy (appointment);
          written = pd_appointment_to_json (copy);
          g_assert (written != NULL);
        }
    }
}

static void
read_dossiers (JsonNode   *root,
               const char *member)
{
  JsonArray *array = NULL;
  guint n = 1;

  if (member != NULL)
    {
      /* A page: the list, then the cursor, as the engine's page_shape(). */
      if (!JSON_NODE_HOLDS_OBJECT (root))
        return;
      array = pd_sync_json_array (json_node_get_object (root), member);
      if (array == NULL || pd_sync_json_string (json_node_get_object (root), "next_cursor") == NULL)
        return;
      n = json_array_get_length (array);
    }
  else if (JSON_NODE_HOLDS_ARRAY (root))
    {
      array = json_node_get_array (root);
      n = json_array_get_length (array);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      JsonNode *node = array ? json_array_get_element (array, i) : root;
      g_autoptr(PdDossier) dossier = NULL;

      /* Each declaration of a page is {"code", "filed_at", "dossier"}: the engine's
       * store_declarations() skips any without a code or a dossier object. */
      if (member != NULL)
        {
          JsonObject *item = pd_sync_json_array_object (array, i);

          node = item ? json_object_get_member (item, "dossier") : NULL;
          if (pd_sync_json_string (item, "code") == NULL || node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
            continue;
        }
      dossier = pd_dossier_new_from_json (node, &error);
      if (dossier == NULL)
        {
          assert_message (error);
          continue;
        }
      if (member != NULL)
        {
          /* As declaration_to_dossier(): a new draft under the page's code. */
          pd_dossier_set_id (dossier, 0);
          pd_dossier_set_uuid (dossier, NULL);
          pd_dossier_set_status (dossier, PD_STATUS_DRAFT);
          pd_dossier_set_status_reason (dossier, NULL);
          pd_dossier_set_field (dossier, PD_FIELD_DECLARATION_CODE,
                                pd_sync_json_string (pd_sync_json_array_object (array, i), "code"));
        }
      check_dossier (dossier);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  guint status = 200;
  const char *text;
  gsize length;

  if (!initialized)
    initialized = pd_core_init ();
  if (size < 1)
    return 0;
  text = (const char *) data + 1;
  length = size - 1;
  if (data[0] == 1 && length > 0)
    {
      static const guint statuses[] = { 200, 201, 204, 301, 400, 401, 403, 404, 408, 409, 410, 413,
                                        422, 425, 429, 500, 502, 503 };

      status = statuses[(guint8) text[0] % G_N_ELEMENTS (statuses)];
      text++;
      length--;
    }

  root = pd_json_parse (text, length, &error);
  if (root == NULL)
    {
      assert_message (error);
      if (data[0] == 1)
        read_envelope (status, NULL);
      return 0;
    }

  switch (data[0])
    {
    case 0:
      read_outbox_file (root);
      break;
    case 1:
      read_envelope (status, root);
      break;
    case 2:
      read_prepared (root);
      break;
    case 3:
      read_list (root, TRUE);
      break;
    case 4:
      read_list (root, FALSE);
      break;
    case 5:
      read_dossiers (root, "declarations");
      break;
    case 6:
      read_dossiers (root, NULL);
      break;
    default:
      break;
    }
  return 0;
}
