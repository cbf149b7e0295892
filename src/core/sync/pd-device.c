/* pd-device.c: enrollment and the device key. */
#define G_LOG_DOMAIN "pd-device"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "pd-device-private.h"
#include "pd-json.h"
#include "pd-secrets.h"
#include "pd-sync-json-private.h"

struct _PdDevice
{
  GObject  parent_instance;

  char    *device_id;
  char    *server_url;
  char    *ca_file;
  char    *office_code;
  char    *office_name;
  guint8   box_public_key[PD_PACKET_BOX_KEY_BYTES];
  GBytes  *secret_key;   /* sodium_malloc'ed */
};

G_DEFINE_FINAL_TYPE (PdDevice, pd_device, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DEVICE_ID,
  PROP_OFFICE_CODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pd_device_finalize (GObject *object)
{
  PdDevice *self = (PdDevice *)object;

  g_free (self->device_id);
  g_free (self->server_url);
  g_free (self->ca_file);
  g_free (self->office_code);
  g_free (self->office_name);
  g_clear_pointer (&self->secret_key, g_bytes_unref);

  G_OBJECT_CLASS (pd_device_parent_class)->finalize (object);
}

static void
pd_device_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  PdDevice *self = PD_DEVICE (object);

  switch (prop_id)
    {
    case PROP_DEVICE_ID:
      g_value_set_string (value, self->device_id);
      break;
    case PROP_OFFICE_CODE:
      g_value_set_string (value, self->office_code);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_device_class_init (PdDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pd_device_finalize;
  object_class->get_property = pd_device_get_property;

  properties[PROP_DEVICE_ID] =
    g_param_spec_string ("device-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_OFFICE_CODE] =
    g_param_spec_string ("office-code", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pd_device_init (PdDevice *self)
{
}

static gboolean
decode_key (const char  *text,
            guint8      *out,
            gsize        length)
{
  g_autoptr(GBytes) bytes = text ? pd_base64url_decode (text, NULL) : NULL;

  if (bytes == NULL || g_bytes_get_size (bytes) != length)
    return FALSE;
  memcpy (out, g_bytes_get_data (bytes, NULL), length);
  return TRUE;
}

PdDevice *
pd_device_load (PdStore       *store,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(PdDevice) self = g_object_new (PD_TYPE_DEVICE, NULL);
  g_autofree char *box_key = NULL;
  g_autoptr(GBytes) secret = NULL;

  g_return_val_if_fail (PD_IS_STORE (store), NULL);

  self->device_id = pd_store_get_setting (store, PD_DEVICE_SETTING_ID);
  self->server_url = pd_store_get_setting (store, PD_DEVICE_SETTING_SERVER_URL);
  box_key = pd_store_get_setting (store, PD_DEVICE_SETTING_BOX_KEY);
  if (self->device_id == NULL || self->server_url == NULL ||
      !decode_key (box_key, self->box_public_key, sizeof self->box_public_key))
    {
      g_set_error_literal (error, PD_SYNC_ERROR, PD_SYNC_ERROR_NOT_ENROLLED,
                           _("This station is not enrolled with the central system. Ask your "
                             "administrator for an enrollment code and enroll it."));
      return NULL;
    }
  self->ca_file = pd_store_get_setting (store, PD_DEVICE_SETTING_CA_FILE);
  self->office_code = pd_store_get_setting (store, PD_DEVICE_SETTING_OFFICE_CODE);
  self->office_name = pd_store_get_setting (store, PD_DEVICE_SETTING_OFFICE_NAME);

  secret = pd_secrets_lookup (PD_DEVICE_SECRET_KIND, self->device_id, cancellable, error);
  if (secret == NULL)
    {
      if (error && *error == NULL)
        g_set_error_literal (error, PD_SYNC_ERROR, PD_SYNC_ERROR_NOT_ENROLLED,
                             _("The device key of this station is missing from the keyring. "
                               "Enroll the station again with a new enrollment code."));
      return NULL;
    }
  if (g_bytes_get_size (secret) != PD_PACKET_SECRET_KEY_BYTES)
    {
      g_set_error_literal (error, PD_SYNC_ERROR, PD_SYNC_ERROR_NOT_ENROLLED,
                           _("The device key of this station in the keyring is damaged. "
                             "Enroll the station again with a new enrollment code."));
      return NULL;
    }
  self->secret_key = g_steal_pointer (&secret);
  return g_steal_pointer (&self);
}

const char *
pd_device_get_device_id (PdDevice *self)
{
  g_return_val_if_fail (PD_IS_DEVICE (self), NULL);
  return self->device_id;
}

const char *
pd_device_get_server_url (PdDevice *self)
{
  g_return_val_if_fail (PD_IS_DEVICE (self), NULL);
  return self->server_url;
}

const char *
pd_device_get_ca_file (PdDevice *self)
{
  g_return_val_if_fail (PD_IS_DEVICE (self), NULL);
  return self->ca_file;
}

const char *
pd_device_get_office_code (PdDevice *self)
{
  g_return_val_if_fail (PD_IS_DEVICE (self), NULL);
  return self->office_code;
}

const char *
pd_device_get_office_name (PdDevice *self)
{
  g_return_val_if_fail (PD_IS_DEVICE (self), NULL);
  return self->office_name;
}

const guint8 *
pd_device_get_central_box_public_key (PdDevice *self)
{
  g_return_val_if_fail (PD_IS_DEVICE (self), NULL);
  return self->box_public_key;
}

PdSyncClient *
pd_device_create_client (PdDevice    *self,
                         const char  *server_url,
                         GError     **error)
{
  PdSyncClient *client;

  g_return_val_if_fail (PD_IS_DEVICE (self), NULL);

  client = pd_sync_client_new (server_url ? server_url : self->server_url, self->ca_file, error);
  if (client)
    pd_sync_client_set_device (client, self->device_id, self->secret_key);
  return client;
}

PdPacket *
pd_device_seal_packet (PdDevice   *self,
                       const char *packet_id,
                       gint64      created_at,
                       const char *inner,
                       gsize       inner_length)
{
  return pd_device_seal_packet_of_kind (self, packet_id, created_at, PD_PACKET_KIND_DOSSIER,
                                        inner, inner_length);
}

PdPacket *
pd_device_seal_packet_of_kind (PdDevice   *self,
                               const char *packet_id,
                               gint64      created_at,
                               const char *kind,
                               const char *inner,
                               gsize       inner_length)
{
  g_return_val_if_fail (PD_IS_DEVICE (self), NULL);

  return pd_packet_seal (packet_id, self->device_id, created_at, kind,
                         inner, inner_length, self->box_public_key,
                         g_bytes_get_data (self->secret_key, NULL));
}

/* The enrollment answer ------------------------------------------------------------------- */

void
pd_device_enroll_reply_clear (PdDeviceEnrollReply *reply)
{
  g_clear_pointer (&reply->device_id, g_free);
  g_clear_pointer (&reply->office_code, g_free);
  g_clear_pointer (&reply->office_name, g_free);
  g_clear_pointer (&reply->office_address, g_free);
  g_clear_pointer (&reply->box_key_text, g_free);
  g_clear_pointer (&reply->sign_key_text, g_free);
  memset (reply->box_public_key, 0, sizeof reply->box_public_key);
  memset (reply->sign_public_key, 0, sizeof reply->sign_public_key);
}

static gboolean
bad_enroll_reply (GError    **error,
                  const char *member)
{
  g_set_error (error, PD_SYNC_ERROR, PD_SYNC_ERROR_RETRY,
               _("The central system's answer to the enrollment is not usable (%s). Try again; "
                 "if this persists, call the support desk."), member);
  return FALSE;
}

/* A member that may be missing or null, else plain text of at most @max_bytes. */
static gboolean
optional_text (JsonObject  *object,
               const char  *name,
               gsize        max_bytes,
               const char **value)
{
  JsonNode *node = json_object_get_member (object, name);

  *value = pd_sync_json_string (object, name);
  return node == NULL || JSON_NODE_HOLDS_NULL (node) || pd_sync_text_ok (*value, max_bytes);
}

gboolean
pd_device_enroll_parse_reply_node (JsonNode             *body,
                                   PdDeviceEnrollReply  *reply,
                                   GError              **error)
{
  JsonObject *root;
  JsonObject *office;
  const char *device_id;
  const char *office_code;
  const char *office_name;
  const char *office_address;
  const char *box_key;
  const char *sign_key;

  g_return_val_if_fail (reply != NULL, FALSE);

  pd_device_enroll_reply_clear (reply);
  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return bad_enroll_reply (error, "not a JSON object");
  root = json_node_get_object (body);

  device_id = pd_sync_json_string (root, "device_id");
  if (device_id == NULL || !g_uuid_string_is_valid (device_id))
    return bad_enroll_reply (error, "device_id");
  office = pd_sync_json_object (root, "office");
  if (office == NULL)
    return bad_enroll_reply (error, "office");
  office_code = pd_sync_json_string (office, "code");
  if (!pd_sync_text_ok (office_code, PD_DEVICE_MAX_OFFICE_CODE_BYTES))
    return bad_enroll_reply (error, "office.code");
  for (const char *p = office_code; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return bad_enroll_reply (error, "office.code");
  if (!optional_text (office, "name", PD_DEVICE_MAX_OFFICE_NAME_BYTES, &office_name))
    return bad_enroll_reply (error, "office.name");
  if (!optional_text (office, "address", PD_DEVICE_MAX_ADDRESS_BYTES, &office_address))
    return bad_enroll_reply (error, "office.address");
  box_key = pd_sync_json_string (root, "central_box_public_key");
  if (box_key == NULL || strlen (box_key) > 2 * PD_PACKET_BOX_KEY_BYTES ||
      !decode_key (box_key, reply->box_public_key, sizeof reply->box_public_key))
    return bad_enroll_reply (error, "central_box_public_key");
  sign_key = pd_sync_json_string (root, "central_sign_public_key");
  if (sign_key == NULL || strlen (sign_key) > 2 * PD_PACKET_PUBLIC_KEY_BYTES ||
      !decode_key (sign_key, reply->sign_public_key, sizeof reply->sign_public_key))
    {
      pd_device_enroll_reply_clear (reply);
      return bad_enroll_reply (error, "central_sign_public_key");
    }

  reply->device_id = g_strdup (device_id);
  reply->office_code = g_strdup (office_code);
  reply->office_name = g_strdup (office_name);
  reply->office_address = g_strdup (office_address);
  reply->box_key_text = g_strdup (box_key);
  reply->sign_key_text = g_strdup (sign_key);
  return TRUE;
}

gboolean
pd_device_enroll_parse_reply (const char           *json,
                              gsize                 length,
                              PdDeviceEnrollReply  *reply,
                              GError              **error)
{
  g_autoptr(JsonNode) body = NULL;

  g_return_val_if_fail (reply != NULL, FALSE);

  /* As PdSyncClient reads every answer. */
  pd_device_enroll_reply_clear (reply);
  body = json ? pd_json_parse (json, length, NULL) : NULL;
  return pd_device_enroll_parse_reply_node (body, reply, error);
}

/* Enrollment ---------------------------------------------------------------------------- */

typedef struct {
  PdStore      *store;
  PdSyncClient *client;
  char         *server_url;
  char         *ca_file;
  GBytes       *secret_key;
  PdSyncReply  *reply;
} Enroll;

static void
enroll_free (Enroll *enroll)
{
  g_clear_object (&enroll->store);
  g_clear_object (&enroll->client);
  g_free (enroll->server_url);
  g_free (enroll->ca_file);
  g_clear_pointer (&enroll->secret_key, g_bytes_unref);
  g_clear_pointer (&enroll->reply, pd_sync_reply_free);
  g_free (enroll);
}

static void
enroll_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Enroll *enroll = task_data;
  g_autoptr(PdDevice) self = NULL;
  PdDeviceEnrollReply reply = { 0 };
  GError *error = NULL;
  gboolean saved;

  /* Everything is read and checked before the keyring or the store is touched. */
  if (!pd_device_enroll_parse_reply_node (enroll->reply->body, &reply, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  self = g_object_new (PD_TYPE_DEVICE, NULL);
  self->device_id = g_strdup (reply.device_id);
  self->office_code = g_strdup (reply.office_code);
  self->office_name = g_strdup (reply.office_name);
  memcpy (self->box_public_key, reply.box_public_key, sizeof self->box_public_key);
  self->server_url = g_strdup (enroll->server_url);
  self->ca_file = g_strdup (enroll->ca_file);
  self->secret_key = g_bytes_ref (enroll->secret_key);

  /* The key first: settings naming a device whose key was never kept would be worse than
   * a key nobody refers to. */
  saved = pd_secrets_store (PD_DEVICE_SECRET_KIND, self->device_id, _("Passdesk device key"),
                            g_bytes_get_data (self->secret_key, NULL), PD_PACKET_SECRET_KEY_BYTES,
                            cancellable, &error) &&
          pd_store_set_setting (enroll->store, PD_DEVICE_SETTING_SERVER_URL, self->server_url, &error) &&
          pd_store_set_setting (enroll->store, PD_DEVICE_SETTING_CA_FILE, self->ca_file, &error) &&
          pd_store_set_setting (enroll->store, PD_DEVICE_SETTING_BOX_KEY, reply.box_key_text, &error) &&
          pd_store_set_setting (enroll->store, PD_DEVICE_SETTING_SIGN_KEY, reply.sign_key_text, &error) &&
          pd_store_set_setting (enroll->store, PD_DEVICE_SETTING_OFFICE_CODE, self->office_code, &error) &&
          pd_store_set_setting (enroll->store, PD_DEVICE_SETTING_OFFICE_NAME, self->office_name, &error) &&
          pd_store_set_setting (enroll->store, PD_DEVICE_SETTING_OFFICE_ADDRESS, reply.office_address, &error) &&
          pd_store_set_setting (enroll->store, PD_DEVICE_SETTING_ID, self->device_id, &error) &&
          pd_store_audit (enroll->store, NULL, "enroll", NULL, self->device_id, &error);
  pd_device_enroll_reply_clear (&reply);
  if (!saved)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&self), g_object_unref);
}

static void
on_enroll_reply (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Enroll *enroll = g_task_get_task_data (task);
  GError *error = NULL;

  enroll->reply = pd_sync_client_request_finish (PD_SYNC_CLIENT (object), result, &error);
  if (enroll->reply == NULL || !pd_sync_reply_check (enroll->reply, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, enroll_thread);
}

void
pd_device_enroll_async (PdStore             *store,
                        const char          *server_url,
                        const char          *ca_file,
                        const char          *code,
                        const char          *name,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *public_text = NULL;
  g_autoptr(GBytes) body_bytes = NULL;
  guint8 public_key[PD_PACKET_PUBLIC_KEY_BYTES];
  guint8 *secret_key;
  GError *error = NULL;
  Enroll *enroll;

  g_return_if_fail (PD_IS_STORE (store));
  g_return_if_fail (server_url != NULL && code != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_device_enroll_async);
  enroll = g_new0 (Enroll, 1);
  g_task_set_task_data (task, enroll, (GDestroyNotify) enroll_free);
  enroll->store = g_object_ref (store);
  enroll->server_url = g_strdup (server_url);
  enroll->ca_file = g_strdup (ca_file);

  enroll->client = pd_sync_client_new (server_url, ca_file, &error);
  if (enroll->client == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  secret_key = sodium_malloc (PD_PACKET_SECRET_KEY_BYTES);
  g_assert (secret_key != NULL);
  pd_packet_make_sign_keys (public_key, secret_key);
  enroll->secret_key = g_bytes_new_with_free_func (secret_key, PD_PACKET_SECRET_KEY_BYTES,
                                                   sodium_free, secret_key);
  public_text = pd_base64url_encode (public_key, sizeof public_key);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "enrollment_code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "device_public_key");
  json_builder_add_string_value (builder, public_text);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name ? name : g_get_host_name ());
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body_bytes = pd_sync_json_to_bytes (root);

  pd_sync_client_request_async (enroll->client, "POST", "/v1/devices", body_bytes, cancellable,
                                on_enroll_reply, g_steal_pointer (&task));
}

PdDevice *
pd_device_enroll_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
