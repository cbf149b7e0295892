/* pd-outbox.c: making packets of accepted dossiers; outbox files for offline transfer. */
#define G_LOG_DOMAIN "pd-outbox"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "pd-outbox.h"
#include "pd-declaration-keys.h"
#include "pd-json.h"
#include "pd-officer.h"
#include "pd-store-private.h"
#include "pd-sync-json-private.h"

/* Dossiers per recovery transaction, packets per page while exporting. */
#define RECOVER_BATCH 200
#define EXPORT_PAGE   200

static void
add_base64url_member (JsonBuilder *builder,
                      const char  *name,
                      GBytes      *bytes)
{
  g_autofree char *text = pd_base64url_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

char *
pd_outbox_build_inner (const char *packet_id,
                       const char *device_id,
                       PdDossier  *dossier,
                       GPtrArray  *attachments,
                       const char *accepted_by,
                       const char *acceptance_token,
                       gint64      accepted_at)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "packet_id");
  json_builder_add_string_value (builder, packet_id);
  json_builder_set_member_name (builder, "device_id");
  json_builder_add_string_value (builder, device_id);
  json_builder_set_member_name (builder, "dossier");
  json_builder_add_value (builder, pd_dossier_to_json (dossier, TRUE));
  if (pd_dossier_get_photo (dossier) != NULL)
    add_base64url_member (builder, "photo", pd_dossier_get_photo (dossier));
  json_builder_set_member_name (builder, "attachments");
  json_builder_begin_array (builder);
  for (guint i = 0; attachments && i < attachments->len; i++)
    {
      PdStoreAttachment *attachment = g_ptr_array_index (attachments, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, attachment->kind);
      json_builder_set_member_name (builder, "mime_type");
      json_builder_add_string_value (builder, attachment->mime_type);
      add_base64url_member (builder, "data", attachment->data);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "accepted_by");
  json_builder_add_string_value (builder, accepted_by);
  json_builder_set_member_name (builder, "accepted_at");
  json_builder_add_int_value (builder, accepted_at);
  if (acceptance_token != NULL)
    {
      json_builder_set_member_name (builder, "acceptance_token");
      json_builder_add_string_value (builder, acceptance_token);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* The packet function's state: the station's device, and the token last looked up for a
 * packet made late, so that recovering thousands of one officer's acceptances asks the
 * keyring once (and not under the store's lock each time). */
typedef struct {
  PdDevice *device;
  GMutex    mutex;
  char     *username;
  char     *token;          /* nullable: that officer has none here */
  gint64    looked_up_at;   /* monotonic; 0 for none yet */
} PacketMaker;

/* How long a token looked up stays in PacketMaker: a token is good for acceptances long after
 * the next online sign-in replaced it, so a few seconds of an older one changes nothing. */
#define TOKEN_CACHE_USEC (10 * G_USEC_PER_SEC)

static void
packet_maker_free (PacketMaker *maker)
{
  g_clear_object (&maker->device);
  g_mutex_clear (&maker->mutex);
  g_free (maker->username);
  if (maker->token != NULL)
    sodium_memzero (maker->token, strlen (maker->token));
  g_free (maker->token);
  g_free (maker);
}

/* (nullable): the token kept from @username's last online sign-in at the station. */
static char *
kept_token (PacketMaker *maker,
            const char  *username)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&maker->mutex);
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_monotonic_time ();

  if (maker->looked_up_at == 0 || now - maker->looked_up_at > TOKEN_CACHE_USEC ||
      g_strcmp0 (maker->username, username) != 0)
    {
      g_autofree char *token = pd_officer_lookup_acceptance_token (maker->device, username, NULL, &error);

      if (error != NULL)
        {
          g_warning ("Cannot read the token of “%s” for a packet: %s", username, error->message);
          return NULL;
        }
      g_free (maker->username);
      maker->username = g_strdup (username);
      if (maker->token != NULL)
        sodium_memzero (maker->token, strlen (maker->token));
      g_free (maker->token);
      maker->token = g_steal_pointer (&token);
      maker->looked_up_at = now;
    }
  return g_strdup (maker->token);
}

static char *
make_packet (PdDossier   *dossier,
             GPtrArray   *attachments,
             const char  *accepted_by,
             const char  *acceptance_token,
             gint64       accepted_at,
             char       **packet_id,
             gpointer     user_data,
             GError     **error)
{
  PacketMaker *maker = user_data;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *inner = NULL;
  g_autofree char *kept = NULL;
  g_autoptr(PdPacket) packet = NULL;

  /* Known by name only (a packet made late): the token kept from that officer's last online
   * sign-in here. Without one the packet still leaves, and the central system sets it aside
   * as "missing_acceptance_token": an acceptance is never lost at the station. */
  if (acceptance_token == NULL)
    acceptance_token = kept = kept_token (maker, accepted_by);
  inner = pd_outbox_build_inner (id, pd_device_get_device_id (maker->device), dossier, attachments,
                                 accepted_by, acceptance_token, accepted_at);
  if (kept != NULL)
    sodium_memzero (kept, strlen (kept));
  packet = pd_device_seal_packet (maker->device, id, accepted_at, inner, strlen (inner));
  /* The clear content must not linger in freed memory once sealed. */
  sodium_memzero (inner, strlen (inner));

  *packet_id = g_steal_pointer (&id);
  return pd_packet_to_string (packet);
}

void
pd_outbox_attach (PdStore  *store,
                  PdDevice *device)
{
  PacketMaker *maker;

  g_return_if_fail (PD_IS_STORE (store));
  g_return_if_fail (PD_IS_DEVICE (device));

  maker = g_new0 (PacketMaker, 1);
  maker->device = g_object_ref (device);
  g_mutex_init (&maker->mutex);
  pd_store_set_packet_func (store, make_packet, maker, (GDestroyNotify) packet_maker_free);
}

gboolean
pd_outbox_recover (PdStore  *store,
                   guint    *n_created,
                   GError  **error)
{
  guint total = 0;
  guint n;

  g_return_val_if_fail (PD_IS_STORE (store), FALSE);

  do
    {
      if (!pd_store_outbox_create_missing (store, RECOVER_BATCH, &n, error))
        return FALSE;
      total += n;
    }
  while (n > 0);

  if (n_created)
    *n_created = total;
  return TRUE;
}

/* Export ------------------------------------------------------------------------------------ */

static gboolean
write_all (FILE        *file,
           const char  *text,
           gsize        length)
{
  return fwrite (text, 1, length, file) == length;
}

static void
set_file_error (GError     **error,
                const char  *path,
                int          saved_errno)
{
  g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_FILE,
               _("Cannot write “%s”: %s. Check that the USB drive is plugged in, not full and "
                 "not read-only, then export again."),
               path, g_strerror (saved_errno));
}

/* The rename is only durable once the folder itself reaches the disk. */
static void
sync_folder (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

gboolean
pd_outbox_export (PdStore     *store,
                  PdDevice    *device,
                  const char  *path,
                  guint       *n_packets,
                  GError     **error)
{
  g_autofree char *tmp_path = g_strconcat (path, ".XXXXXX", NULL);
  g_autofree char *head = NULL;
  FILE *file;
  int fd;
  guint count = 0;
  gint64 after = 0;
  gboolean ok = TRUE;
  int saved_errno = 0;

  g_return_val_if_fail (PD_IS_STORE (store), FALSE);
  g_return_val_if_fail (PD_IS_DEVICE (device), FALSE);

  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0 || (file = fdopen (fd, "w")) == NULL)
    {
      saved_errno = errno;
      if (fd >= 0)
        close (fd);
      set_file_error (error, path, saved_errno);
      return FALSE;
    }

  head = g_strdup_printf ("{\"format\":\"%s\",\"version\":%d,\"exported_at\":%" G_GINT64_FORMAT
                          ",\"device_id\":\"%s\",\"packets\":[",
                          PD_OUTBOX_FILE_FORMAT, PD_OUTBOX_FILE_VERSION,
                          g_get_real_time () / G_USEC_PER_SEC, pd_device_get_device_id (device));
  ok = write_all (file, head, strlen (head));

  /* Page by page, so that a large outbox never sits in memory at once. */
  while (ok)
    {
      g_autoptr(GPtrArray) page = pd_store_outbox_list (store, PD_OUTBOX_PENDING, after, 0,
                                                        EXPORT_PAGE, error);

      if (page == NULL)
        {
          fclose (file);
          g_unlink (tmp_path);
          return FALSE;
        }
      if (page->len == 0)
        break;
      for (guint i = 0; ok && i < page->len; i++)
        {
          PdOutboxEntry *entry = g_ptr_array_index (page, i);

          ok = (count == 0 || write_all (file, ",\n", 2)) &&
               write_all (file, entry->packet, strlen (entry->packet));
          count++;
          after = entry->seq;
        }
    }

  ok = ok && write_all (file, "]}\n", 3) && fflush (file) == 0 && fsync (fileno (file)) == 0;
  saved_errno = errno;
  if (fclose (file) != 0 && ok)
    {
      ok = FALSE;
      saved_errno = errno;
    }
  if (ok && g_rename (tmp_path, path) != 0)
    {
      ok = FALSE;
      saved_errno = errno;
    }
  if (!ok)
    {
      g_unlink (tmp_path);
      set_file_error (error, path, saved_errno);
      return FALSE;
    }
  sync_folder (path);

  if (n_packets)
    *n_packets = count;
  return TRUE;
}

/* Import ------------------------------------------------------------------------------------ */

static gboolean
file_error (GError     **error,
            const char  *path,
            const char  *detail)
{
  g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_FILE,
               _("“%s” is not a Passdesk outbox file (%s). Export it again on the station "
                 "that made it."), path, detail);
  return FALSE;
}

/* The office's list is signed by the central system and checked each time it is read: a
 * packet this station would only learn about as "set aside" after sending it is refused
 * before it is kept or sent. */
static gboolean
check_packets (PdStore     *store,
               const char  *path,
               GPtrArray   *packets,
               GError     **error)
{
  g_autoptr(GPtrArray) stations = pd_declaration_keys_list_central (store, error);

  if (stations == NULL)
    return FALSE;
  if (stations->len == 0)
    {
      g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_FILE,
                   _("“%s” was not imported: this station has no list of the office’s stations "
                     "yet to check it against. Sync once with the central system, then import "
                     "the file again."), path);
      return FALSE;
    }

  for (guint i = 0; i < packets->len; i++)
    {
      PdPacket *packet = g_ptr_array_index (packets, i);
      PdDeclarationKeyEntry *station = NULL;
      g_autoptr(GError) local_error = NULL;
      const char *why = NULL;

      for (guint j = 0; j < stations->len && station == NULL; j++)
        {
          PdDeclarationKeyEntry *entry = g_ptr_array_index (stations, j);

          if (g_ascii_strcasecmp (entry->device_id, packet->device_id) == 0)
            station = entry;
        }
      if (station == NULL)
        why = _("comes from a station that is not one of this office’s");
      else if (station->revoked_at != 0)
        why = _("comes from a station whose key the central system revoked");
      else if (g_bytes_get_size (station->public_key) != PD_PACKET_PUBLIC_KEY_BYTES ||
               !pd_packet_verify (packet, g_bytes_get_data (station->public_key, NULL), &local_error))
        why = _("does not carry its station’s signature (it was altered or forged)");
      if (why != NULL)
        {
          /* TRANSLATORS: file name, packet number in the file, its id, then why */
          g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_FILE,
                       _("“%s” was not imported: packet %u (%s) %s. Nothing of the file was kept; "
                         "ask the station that made it to export its outbox again, or report "
                         "the file to your supervisor."),
                       path, i + 1, packet->packet_id, why);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
import_file (PdStore     *store,
             const char  *path,
             gboolean     verify,
             guint       *n_added,
             guint       *n_total,
             GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) packets = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_packet_free);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *array;
  guint added = 0;

  g_return_val_if_fail (PD_IS_STORE (store), FALSE);

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_FILE,
                   _("Cannot read “%s”: %s. Check the file name and the USB drive."),
                   path, local_error->message);
      return FALSE;
    }
  root = pd_json_parse (g_mapped_file_get_contents (mapped), g_mapped_file_get_length (mapped),
                        &local_error);
  if (root == NULL)
    return file_error (error, path, local_error->message);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return file_error (error, path, _("not a JSON object"));
  object = json_node_get_object (root);
  if (g_strcmp0 (pd_sync_json_string (object, "format"),
                 PD_OUTBOX_FILE_FORMAT) != 0)
    return file_error (error, path, _("unknown format"));
  if (pd_sync_json_int_or (object, "version", 0) != PD_OUTBOX_FILE_VERSION)
    {
      g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_FILE,
                   _("“%s” was written by another version of Passdesk (outbox version %lld). "
                     "Update Passdesk on both stations."),
                   path, (long long) pd_sync_json_int_or (object, "version", 0));
      return FALSE;
    }
  if (!json_object_has_member (object, "packets") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "packets")))
    return file_error (error, path, _("no list of packets"));
  array = json_object_get_array_member (object, "packets");

  /* All or nothing: one malformed packet means a damaged file, and nothing of it is taken. */
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      PdPacket *packet = pd_packet_from_json (json_array_get_element (array, i), &local_error);

      if (packet == NULL)
        {
          g_autofree char *detail = g_strdup_printf (_("packet %u: %s"), i + 1, local_error->message);

          return file_error (error, path, detail);
        }
      g_ptr_array_add (packets, packet);
    }
  if (verify && !check_packets (store, path, packets, error))
    return FALSE;

  for (guint i = 0; i < packets->len; i++)
    {
      PdPacket *packet = g_ptr_array_index (packets, i);
      g_autofree char *text = pd_packet_to_string (packet);
      gboolean was_added = FALSE;

      if (!pd_store_outbox_add (store, "packet-import", packet->packet_id, NULL, packet->created_at,
                                text, &was_added, error))
        return FALSE;
      added += was_added;
    }

  if (n_added)
    *n_added = added;
  if (n_total)
    *n_total = packets->len;
  return TRUE;
}

gboolean
pd_outbox_import (PdStore     *store,
                  const char  *path,
                  guint       *n_added,
                  guint       *n_total,
                  GError     **error)
{
  return import_file (store, path, FALSE, n_added, n_total, error);
}

gboolean
pd_outbox_import_verified (PdStore     *store,
                           const char  *path,
                           guint       *n_added,
                           guint       *n_total,
                           GError     **error)
{
  return import_file (store, path, TRUE, n_added, n_total, error);
}

gboolean
pd_outbox_retry_set_aside (PdStore     *store,
                           const char  *packet_id,
                           const char  *actor,
                           GError     **error)
{
  return pd_store_outbox_resolve (store, packet_id, TRUE, actor, error);
}

gboolean
pd_outbox_discard_set_aside (PdStore     *store,
                             const char  *packet_id,
                             const char  *actor,
                             GError     **error)
{
  return pd_store_outbox_resolve (store, packet_id, FALSE, actor, error);
}
