/* pd-packet.c: packets and request signatures of the sync protocol, on libsodium. */
#define G_LOG_DOMAIN "pd-packet"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "pd-packet.h"
#include "pd-json.h"

G_STATIC_ASSERT (crypto_sign_PUBLICKEYBYTES == PD_PACKET_PUBLIC_KEY_BYTES);
G_STATIC_ASSERT (crypto_sign_SECRETKEYBYTES == PD_PACKET_SECRET_KEY_BYTES);
G_STATIC_ASSERT (crypto_sign_BYTES == PD_PACKET_SIGNATURE_BYTES);
G_STATIC_ASSERT (crypto_box_PUBLICKEYBYTES == PD_PACKET_BOX_KEY_BYTES);
G_STATIC_ASSERT (crypto_box_SECRETKEYBYTES == PD_PACKET_BOX_KEY_BYTES);

G_DEFINE_QUARK (pd-packet-error-quark, pd_packet_error)

char *
pd_base64url_encode (const guint8 *data,
                     gsize         length)
{
  gsize size = sodium_base64_ENCODED_LEN (length, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  char *text = g_malloc (size);

  sodium_bin2base64 (text, size, data, length, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return text;
}

GBytes *
pd_base64url_decode (const char  *text,
                     GError     **error)
{
  gsize text_length;
  gsize length = 0;
  guint8 *data;
  g_autofree char *again = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  text_length = strlen (text);
  data = g_malloc (text_length * 3 / 4 + 1);
  if (sodium_base642bin (data, text_length * 3 / 4 + 1, text, text_length, NULL, &length, NULL,
                         sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    {
      g_free (data);
      g_set_error_literal (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID,
                           _("A value is not valid base64url without padding."));
      return NULL;
    }

  /* Two texts must never decode to the same bytes, or a signed value could be re-spelt. */
  again = pd_base64url_encode (data, length);
  if (strcmp (again, text) != 0)
    {
      g_free (data);
      g_set_error_literal (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID,
                           _("A value is not valid base64url without padding."));
      return NULL;
    }

  return g_bytes_new_take (data, length);
}

char *
pd_packet_hash_hex (const void *data,
                    gsize       length)
{
  guint8 hash[crypto_generichash_BYTES];
  char hex[crypto_generichash_BYTES * 2 + 1];

  crypto_generichash (hash, sizeof hash, data, length, NULL, 0);
  sodium_bin2hex (hex, sizeof hex, hash, sizeof hash);
  return g_strdup (hex);
}

void
pd_packet_make_sign_keys (guint8 public_key[PD_PACKET_PUBLIC_KEY_BYTES],
                          guint8 secret_key[PD_PACKET_SECRET_KEY_BYTES])
{
  crypto_sign_keypair (public_key, secret_key);
}

void
pd_packet_free (PdPacket *packet)
{
  if (packet == NULL)
    return;
  g_free (packet->packet_id);
  g_free (packet->device_id);
  g_free (packet->kind);
  g_clear_pointer (&packet->sealed, g_bytes_unref);
  g_clear_pointer (&packet->signature, g_bytes_unref);
  g_free (packet);
}

char *
pd_packet_get_signing_string (const PdPacket *packet)
{
  gsize length;
  const guint8 *sealed = g_bytes_get_data (packet->sealed, &length);
  g_autofree char *hash = pd_packet_hash_hex (sealed, length);

  return g_strdup_printf ("PASSDESK-PACKET-V1\n%s\n%s\n%" G_GINT64_FORMAT "\n%s\n%s",
                          packet->packet_id, packet->device_id, packet->created_at,
                          packet->kind, hash);
}

PdPacket *
pd_packet_seal (const char   *packet_id,
                const char   *device_id,
                gint64        created_at,
                const char   *kind,
                const char   *inner,
                gsize         inner_length,
                const guint8  central_box_public_key[PD_PACKET_BOX_KEY_BYTES],
                const guint8  device_secret_key[PD_PACKET_SECRET_KEY_BYTES])
{
  PdPacket *packet;
  guint8 *sealed;
  guint8 signature[crypto_sign_BYTES];
  g_autofree char *signing = NULL;

  g_return_val_if_fail (packet_id != NULL && device_id != NULL && kind != NULL, NULL);
  g_return_val_if_fail (inner != NULL, NULL);

  sealed = g_malloc (inner_length + crypto_box_SEALBYTES);
  crypto_box_seal (sealed, (const guint8 *) inner, inner_length, central_box_public_key);

  packet = g_new0 (PdPacket, 1);
  packet->packet_id = g_strdup (packet_id);
  packet->device_id = g_strdup (device_id);
  packet->created_at = created_at;
  packet->kind = g_strdup (kind);
  packet->sealed = g_bytes_new_take (sealed, inner_length + crypto_box_SEALBYTES);

  signing = pd_packet_get_signing_string (packet);
  crypto_sign_detached (signature, NULL, (const guint8 *) signing, strlen (signing),
                        device_secret_key);
  packet->signature = g_bytes_new (signature, sizeof signature);
  return packet;
}

/* The protocol's ids are lower-case UUIDs: one spelling per id, so idempotency keys compare
 * as strings. */
static gboolean
is_lower_uuid (const char *text)
{
  if (!g_uuid_string_is_valid (text))
    return FALSE;
  for (const char *p = text; *p; p++)
    if (g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static PdPacket *
invalid (GError    **error,
         const char *member)
{
  g_set_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID,
               _("The packet is malformed: its “%s” is missing or wrong."), member);
  return NULL;
}

PdPacket *
pd_packet_from_json (JsonNode  *node,
                     GError   **error)
{
  static const char * const members[] = {
    "packet_id", "device_id", "created_at", "kind", "sealed", "signature",
  };
  g_autoptr(PdPacket) packet = NULL;
  JsonObject *object;
  JsonNode *created_at;
  const char *text;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID,
                           _("The packet is malformed: it is not a JSON object."));
      return NULL;
    }
  object = json_node_get_object (node);
  if (json_object_get_size (object) != G_N_ELEMENTS (members))
    {
      g_set_error_literal (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID,
                           _("The packet is malformed: it has unknown or missing members."));
      return NULL;
    }

  packet = g_new0 (PdPacket, 1);

  text = get_string_member (object, "packet_id");
  if (text == NULL || !is_lower_uuid (text))
    return invalid (error, "packet_id");
  packet->packet_id = g_strdup (text);

  text = get_string_member (object, "device_id");
  if (text == NULL || !is_lower_uuid (text))
    return invalid (error, "device_id");
  packet->device_id = g_strdup (text);

  created_at = json_object_get_member (object, "created_at");
  if (created_at == NULL || !JSON_NODE_HOLDS_VALUE (created_at) ||
      json_node_get_value_type (created_at) != G_TYPE_INT64 || json_node_get_int (created_at) <= 0)
    return invalid (error, "created_at");
  packet->created_at = json_node_get_int (created_at);

  text = get_string_member (object, "kind");
  if (text == NULL || (strcmp (text, PD_PACKET_KIND_DOSSIER) != 0 &&
                       strcmp (text, PD_PACKET_KIND_DECLARATION) != 0))
    return invalid (error, "kind");
  packet->kind = g_strdup (text);

  text = get_string_member (object, "sealed");
  if (text == NULL || (packet->sealed = pd_base64url_decode (text, NULL)) == NULL ||
      g_bytes_get_size (packet->sealed) <= crypto_box_SEALBYTES)
    return invalid (error, "sealed");

  text = get_string_member (object, "signature");
  if (text == NULL || (packet->signature = pd_base64url_decode (text, NULL)) == NULL ||
      g_bytes_get_size (packet->signature) != crypto_sign_BYTES)
    return invalid (error, "signature");

  return g_steal_pointer (&packet);
}

JsonNode *
pd_packet_to_json (const PdPacket *packet)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *sealed = NULL;
  g_autofree char *signature = NULL;
  gsize length;
  const guint8 *data;

  data = g_bytes_get_data (packet->sealed, &length);
  sealed = pd_base64url_encode (data, length);
  data = g_bytes_get_data (packet->signature, &length);
  signature = pd_base64url_encode (data, length);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "packet_id");
  json_builder_add_string_value (builder, packet->packet_id);
  json_builder_set_member_name (builder, "device_id");
  json_builder_add_string_value (builder, packet->device_id);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_int_value (builder, packet->created_at);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, packet->kind);
  json_builder_set_member_name (builder, "sealed");
  json_builder_add_string_value (builder, sealed);
  json_builder_set_member_name (builder, "signature");
  json_builder_add_string_value (builder, signature);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

char *
pd_packet_to_string (const PdPacket *packet)
{
  g_autoptr(JsonNode) node = pd_packet_to_json (packet);

  return json_to_string (node, FALSE);
}

PdPacket *
pd_packet_from_string (const char  *text,
                       GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;

  root = pd_json_parse (text, text ? strlen (text) : 0, &local_error);
  if (root == NULL)
    {
      g_set_error (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID,
                   _("The packet is not usable: %s"), local_error->message);
      return NULL;
    }
  return pd_packet_from_json (root, error);
}

gboolean
pd_packet_verify (const PdPacket *packet,
                  const guint8    device_public_key[PD_PACKET_PUBLIC_KEY_BYTES],
                  GError        **error)
{
  g_autofree char *signing = pd_packet_get_signing_string (packet);

  if (g_bytes_get_size (packet->signature) != crypto_sign_BYTES ||
      crypto_sign_verify_detached (g_bytes_get_data (packet->signature, NULL),
                                   (const guint8 *) signing, strlen (signing),
                                   device_public_key) != 0)
    {
      g_set_error_literal (error, PD_PACKET_ERROR, PD_PACKET_ERROR_SIGNATURE,
                           _("The packet signature does not verify."));
      return FALSE;
    }
  return TRUE;
}

JsonObject *
pd_packet_open (const PdPacket *packet,
                const guint8    central_box_public_key[PD_PACKET_BOX_KEY_BYTES],
                const guint8    central_box_secret_key[PD_PACKET_BOX_KEY_BYTES],
                GError        **error)
{
  gsize length;
  const guint8 *sealed = g_bytes_get_data (packet->sealed, &length);
  g_autofree guint8 *plain = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *inner;
  const char *packet_id;
  const char *device_id;

  if (length <= crypto_box_SEALBYTES)
    {
      g_set_error_literal (error, PD_PACKET_ERROR, PD_PACKET_ERROR_OPEN,
                           _("The packet content does not open with the central key."));
      return NULL;
    }
  plain = g_malloc (length - crypto_box_SEALBYTES);
  if (crypto_box_seal_open (plain, sealed, length, central_box_public_key, central_box_secret_key) != 0)
    {
      g_set_error_literal (error, PD_PACKET_ERROR, PD_PACKET_ERROR_OPEN,
                           _("The packet content does not open with the central key."));
      return NULL;
    }

  root = pd_json_parse ((const char *) plain, length - crypto_box_SEALBYTES, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID,
                           _("The packet content is not a JSON object."));
      return NULL;
    }

  inner = json_node_get_object (root);
  packet_id = get_string_member (inner, "packet_id");
  device_id = get_string_member (inner, "device_id");
  if (g_strcmp0 (packet_id, packet->packet_id) != 0 || g_strcmp0 (device_id, packet->device_id) != 0)
    {
      g_set_error_literal (error, PD_PACKET_ERROR, PD_PACKET_ERROR_MISMATCH,
                           _("The packet content belongs to another packet or device."));
      return NULL;
    }

  return json_object_ref (inner);
}

char *
pd_request_get_signing_string (const char *method,
                               const char *path_and_query,
                               gint64      time,
                               const void *body,
                               gsize       body_length)
{
  g_autofree char *hash = pd_packet_hash_hex (body_length > 0 ? body : "", body_length);

  return g_strdup_printf ("PASSDESK-V1\n%s\n%s\n%" G_GINT64_FORMAT "\n%s",
                          method, path_and_query, time, hash);
}

char *
pd_request_sign (const char   *method,
                 const char   *path_and_query,
                 gint64        time,
                 const void   *body,
                 gsize         body_length,
                 const guint8  device_secret_key[PD_PACKET_SECRET_KEY_BYTES])
{
  g_autofree char *signing = pd_request_get_signing_string (method, path_and_query, time,
                                                            body, body_length);
  guint8 signature[crypto_sign_BYTES];

  crypto_sign_detached (signature, NULL, (const guint8 *) signing, strlen (signing),
                        device_secret_key);
  return pd_base64url_encode (signature, sizeof signature);
}

gboolean
pd_request_verify (const char    *method,
                   const char    *path_and_query,
                   gint64         time,
                   const void    *body,
                   gsize          body_length,
                   const char    *signature,
                   const guint8   device_public_key[PD_PACKET_PUBLIC_KEY_BYTES],
                   GError       **error)
{
  g_autoptr(GBytes) raw = NULL;
  g_autofree char *signing = NULL;

  if (signature == NULL || (raw = pd_base64url_decode (signature, NULL)) == NULL ||
      g_bytes_get_size (raw) != crypto_sign_BYTES)
    {
      g_set_error_literal (error, PD_PACKET_ERROR, PD_PACKET_ERROR_INVALID,
                           _("The request signature is missing or malformed."));
      return FALSE;
    }

  signing = pd_request_get_signing_string (method, path_and_query, time, body, body_length);
  if (crypto_sign_verify_detached (g_bytes_get_data (raw, NULL), (const guint8 *) signing,
                                   strlen (signing), device_public_key) != 0)
    {
      g_set_error_literal (error, PD_PACKET_ERROR, PD_PACKET_ERROR_SIGNATURE,
                           _("The request signature does not verify."));
      return FALSE;
    }
  return TRUE;
}
