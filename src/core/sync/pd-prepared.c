/* pd-prepared.c: prepared declarations, from the assisted-entry station to the counter. */
#define G_LOG_DOMAIN "pd-prepared"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "pd-cccd.h"
#include "pd-declaration-code.h"
#include "pd-dossier.h"
#include "pd-packet.h"
#include "pd-prepared.h"
#include "pd-store-private.h"
#include "pd-sync-client.h"
#include "pd-sync-engine-private.h"
#include "pd-sync-json-private.h"

void
pd_prepared_free (PdPrepared *prepared)
{
  if (prepared == NULL)
    return;
  g_free (prepared->code);
  g_clear_object (&prepared->dossier);
  g_clear_pointer (&prepared->photo, g_bytes_unref);
  g_free (prepared->photo_override);
  g_free (prepared->device_id);
  g_free (prepared);
}

char *
pd_prepared_new_code (const char  *office_code,
                      GError     **error)
{
  g_autoptr(GString) office = g_string_new (NULL);

  for (const char *p = office_code; p != NULL && *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (office, g_ascii_toupper (*p));
  /* "HN01" is too long for a code's office part; its letters still say where it was made. */
  if (office->len > 3)
    g_string_truncate (office, 2);
  if (office->len < 2)
    {
      g_set_error_literal (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_FORMAT,
                           _("This station has no office code, so the declaration cannot be given a "
                             "code. Enroll the station with the central system again."));
      return NULL;
    }
  return pd_declaration_code_generate (office->str, error);
}

char *
pd_prepared_packet_id (const char *device_id,
                       const char *code)
{
  g_autofree char *input = g_strdup_printf ("PASSDESK-PREPARED-V1\n%s\n%s", device_id, code);
  guint8 hash[16];

  crypto_generichash (hash, sizeof hash, (const guint8 *) input, strlen (input), NULL, 0);
  /* A name-based UUID (version 8, RFC 9562 variant), lower case like every protocol id. */
  hash[6] = (hash[6] & 0x0f) | 0x80;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          hash[0], hash[1], hash[2], hash[3], hash[4], hash[5], hash[6], hash[7],
                          hash[8], hash[9], hash[10], hash[11], hash[12], hash[13], hash[14], hash[15]);
}

static PdPrepared *
invalid (GError     **error,
         const char  *member)
{
  g_set_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID,
               _("The prepared declaration is malformed: its “%s” is missing or wrong."), member);
  return NULL;
}

PdPrepared *
pd_prepared_from_json (JsonObject  *object,
                       GError     **error)
{
  g_autoptr(PdPrepared) prepared = g_new0 (PdPrepared, 1);
  g_autoptr(GError) local_error = NULL;
  JsonNode *dossier_node;
  const char *text;
  gint64 at = 0;

  text = pd_sync_json_string (object, "code");
  if (text == NULL || strlen (text) > 64)
    return invalid (error, "code");
  prepared->code = pd_declaration_code_parse (text, NULL, NULL);
  if (g_strcmp0 (prepared->code, text) != 0)
    return invalid (error, "code");

  if ((!pd_sync_json_int (object, "prepared_at", &at) && !pd_sync_json_int (object, "filed_at", &at)) ||
      at <= 0 || at > G_MAXINT32 * G_GINT64_CONSTANT (4))
    return invalid (error, "prepared_at");
  prepared->prepared_at = at;

  dossier_node = json_object_get_member (object, "dossier");
  if (dossier_node == NULL || !JSON_NODE_HOLDS_OBJECT (dossier_node))
    return invalid (error, "dossier");
  prepared->dossier = pd_dossier_new_from_json (dossier_node, &local_error);
  if (prepared->dossier == NULL)
    {
      g_set_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID,
                   _("The prepared declaration is malformed: %s"), local_error->message);
      return NULL;
    }
  if (g_strcmp0 (pd_dossier_get_field (prepared->dossier, PD_FIELD_DECLARATION_CODE), prepared->code) != 0)
    return invalid (error, "dossier");

  if (json_object_has_member (object, "photo"))
    {
      gsize size;
      const guint8 *data;

      text = pd_sync_json_string (object, "photo");
      /* Base64url of the largest photo allowed, checked before decoding anything bigger. */
      if (text == NULL || strlen (text) > (PD_PREPARED_MAX_PHOTO_BYTES / 3 + 1) * 4)
        {
          g_set_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID,
                       _("The photo of the prepared declaration is missing or larger than %u KB. "
                         "Take the photo again at the station, or at the counter."),
                       PD_PREPARED_MAX_PHOTO_BYTES / 1024);
          return NULL;
        }
      prepared->photo = pd_base64url_decode (text, NULL);
      if (prepared->photo == NULL)
        return invalid (error, "photo");
      data = g_bytes_get_data (prepared->photo, &size);
      if (size > PD_PREPARED_MAX_PHOTO_BYTES)
        {
          g_set_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID,
                       _("The photo of the prepared declaration is missing or larger than %u KB. "
                         "Take the photo again at the station, or at the counter."),
                       PD_PREPARED_MAX_PHOTO_BYTES / 1024);
          return NULL;
        }
      if (size < 4 || data[0] != 0xff || data[1] != 0xd8 || data[2] != 0xff)
        {
          g_set_error_literal (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID,
                               _("The photo of the prepared declaration is not a JPEG image. "
                                 "Take the photo again at the counter."));
          return NULL;
        }
      pd_dossier_set_photo (prepared->dossier, prepared->photo);
    }
  if (json_object_has_member (object, "photo_override"))
    {
      text = pd_sync_json_string (object, "photo_override");
      if (prepared->photo == NULL || text == NULL || *text == '\0' || strlen (text) > 4096 ||
          !g_utf8_validate (text, -1, NULL))
        return invalid (error, "photo_override");
      prepared->photo_override = g_strdup (text);
    }

  prepared->device_id = g_strdup (pd_sync_json_string (object, "device_id"));
  return g_steal_pointer (&prepared);
}

char *
pd_prepared_build_inner (const char *packet_id,
                         const char *device_id,
                         const char *code,
                         gint64      prepared_at,
                         PdDossier  *dossier,
                         const char *photo_override)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GBytes *photo = pd_dossier_get_photo (dossier);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "packet_id");
  json_builder_add_string_value (builder, packet_id);
  json_builder_set_member_name (builder, "device_id");
  json_builder_add_string_value (builder, device_id);
  json_builder_set_member_name (builder, "declaration");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "prepared_at");
  json_builder_add_int_value (builder, prepared_at);
  json_builder_set_member_name (builder, "dossier");
  json_builder_add_value (builder, pd_dossier_to_json (dossier, TRUE));
  if (photo != NULL)
    {
      g_autofree char *text = pd_base64url_encode (g_bytes_get_data (photo, NULL), g_bytes_get_size (photo));

      json_builder_set_member_name (builder, "photo");
      json_builder_add_string_value (builder, text);
      if (photo_override != NULL)
        {
          json_builder_set_member_name (builder, "photo_override");
          json_builder_add_string_value (builder, photo_override);
        }
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

gboolean
pd_prepared_queue (PdStore    *store,
                   PdDevice   *device,
                   PdDossier  *dossier,
                   const char *photo_override,
                   gint64      prepared_at,
                   GError    **error)
{
  const char *code = pd_dossier_get_field (dossier, PD_FIELD_DECLARATION_CODE);
  GBytes *photo = pd_dossier_get_photo (dossier);
  g_autofree char *packet_id = NULL;
  g_autofree char *inner = NULL;
  g_autofree char *text = NULL;
  g_autoptr(PdPacket) packet = NULL;
  gboolean added;

  g_return_val_if_fail (PD_IS_STORE (store), FALSE);
  g_return_val_if_fail (PD_IS_DEVICE (device), FALSE);
  g_return_val_if_fail (code != NULL, FALSE);

  if (photo != NULL && g_bytes_get_size (photo) > PD_PREPARED_MAX_PHOTO_BYTES)
    {
      g_set_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID,
                   _("The photo is larger than %u KB, so it cannot be sent to the counter. Take it "
                     "again, then print the slip again."), PD_PREPARED_MAX_PHOTO_BYTES / 1024);
      return FALSE;
    }

  packet_id = pd_prepared_packet_id (pd_device_get_device_id (device), code);
  inner = pd_prepared_build_inner (packet_id, pd_device_get_device_id (device), code, prepared_at, dossier,
                                   photo_override);
  packet = pd_device_seal_packet_of_kind (device, packet_id, prepared_at, PD_PACKET_KIND_DECLARATION,
                                          inner, strlen (inner));
  /* Other citizens' data must not linger readable on a volunteer's station. */
  sodium_memzero (inner, strlen (inner));
  text = pd_packet_to_string (packet);
  return pd_store_outbox_add (store, "declaration-prepared", packet_id, pd_dossier_get_uuid (dossier),
                              prepared_at, text, &added, error);
}

/* Fetch ------------------------------------------------------------------------------------- */

static void
on_prepared (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const char *code = g_task_get_task_data (task);
  g_autoptr(PdSyncReply) reply = NULL;
  g_autoptr(GError) local_error = NULL;
  PdPrepared *prepared;
  JsonObject *root;

  reply = pd_sync_engine_request_declaration_finish (task, result);
  if (reply == NULL)
    return;
  if (reply->status == 404)
    {
      g_task_return_new_error (task, PD_SYNC_ERROR, PD_SYNC_ERROR_NOT_FOUND,
                               _("The central system has no declaration %s prepared at an "
                                 "assisted-entry station yet."), code);
      return;
    }
  root = json_node_get_object (reply->body);
  if (g_strcmp0 (pd_sync_json_string (root, "source"), PD_PREPARED_SOURCE) != 0)
    {
      g_task_return_new_error (task, PD_SYNC_ERROR, PD_SYNC_ERROR_NOT_FOUND,
                               _("Declaration %s was filed online, not prepared at an assisted-entry "
                                 "station: it has no photo. Take the photo at the counter."), code);
      return;
    }
  prepared = pd_prepared_from_json (root, &local_error);
  if (prepared == NULL || g_strcmp0 (prepared->code, code) != 0)
    {
      g_clear_pointer (&prepared, pd_prepared_free);
      g_message ("Unreadable prepared declaration %s: %s", code,
                 local_error ? local_error->message : "another code");
      g_task_return_new_error (task, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
                               _("The central system sent a prepared declaration Passdesk cannot "
                                 "read. Take the photo at the counter; if this persists, call the "
                                 "support desk."));
      return;
    }
  g_task_return_pointer (task, prepared, (GDestroyNotify) pd_prepared_free);
}

void
pd_prepared_fetch_async (PdSyncEngine        *engine,
                         const char          *code,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PD_IS_SYNC_ENGINE (engine));
  g_return_if_fail (code != NULL);

  task = g_task_new (engine, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_prepared_fetch_async);
  if (!pd_sync_engine_request_declaration (engine, code, cancellable, on_prepared, &task))
    g_task_return_new_error (task, PD_SYNC_ERROR, PD_SYNC_ERROR_REFUSED,
                             _("“%s” is not a declaration code. Scan the slip again."), code);
}

PdPrepared *
pd_prepared_fetch_finish (PdSyncEngine  *engine,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, engine), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GPtrArray *
pd_prepared_compare (PdDossier *signed_dossier,
                     PdDossier *central)
{
  GPtrArray *mismatches = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_cccd_mismatch_free);

  for (PdField f = 0; f < PD_N_FIELDS; f++)
    {
      const char *central_value = pd_dossier_get_field (central, f);
      const char *signed_value = pd_dossier_get_field (signed_dossier, f);
      PdCccdMismatch *mismatch;

      if (pd_field_get_info (f)->group == PD_FIELD_GROUP_INTAKE || central_value == NULL ||
          g_strcmp0 (central_value, signed_value) == 0)
        continue;
      mismatch = g_new0 (PdCccdMismatch, 1);
      mismatch->field = f;
      mismatch->dossier_value = g_strdup (signed_value);
      mismatch->card_value = g_strdup (central_value);
      g_ptr_array_add (mismatches, mismatch);
    }
  return mismatches;
}
