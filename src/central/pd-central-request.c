/* pd-central-request.c: strict checks of request bodies and queries. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <sodium.h>

#include "pd-central-request.h"
#include "pd-json.h"
#include "pd-dossier.h"

G_DEFINE_QUARK (pd-central-request-error-quark, pd_central_request_error)

#define MAX_NAME_CHARS      100
#define MAX_USERNAME_BYTES  64
#define MAX_PASSWORD_BYTES  1024
#define MAX_CODE_BYTES      32
#define MAX_ATTACHMENTS     16

/* Crockford's base32: no I, L, O, U, so a code read out loud is not misheard. */
static const char code_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

JsonObject *
pd_central_parse_object (const char  *data,
                         gsize        length,
                         GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;

  if (length == 0)
    {
      g_set_error_literal (error, PD_CENTRAL_REQUEST_ERROR, PD_CENTRAL_REQUEST_ERROR_BAD_JSON,
                           _("The request body is empty. Send a JSON object."));
      return NULL;
    }
  root = pd_json_parse (data, length, &local_error);
  if (root == NULL)
    {
      g_set_error (error, PD_CENTRAL_REQUEST_ERROR, PD_CENTRAL_REQUEST_ERROR_BAD_JSON,
                   _("The request body is not usable: %s Send the JSON the protocol defines."),
                   local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, PD_CENTRAL_REQUEST_ERROR, PD_CENTRAL_REQUEST_ERROR_BAD_REQUEST,
                           _("The request body must be a JSON object."));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

gboolean
pd_central_parse_request_time (const char *text,
                               gint64     *value)
{
  if (text == NULL || *text == '\0' || strlen (text) > 18)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  *value = g_ascii_strtoll (text, NULL, 10);
  return TRUE;
}

char *
pd_central_route_argument (const char *segment)
{
  g_autofree char *argument = NULL;

  if (segment == NULL || *segment == '\0' || strchr (segment, '/') != NULL)
    return NULL;
  argument = g_uri_unescape_string (segment, NULL);
  if (argument == NULL || !g_utf8_validate (argument, -1, NULL) || strlen (argument) > 64)
    return NULL;
  return g_steal_pointer (&argument);
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Every member of @object must be one of @allowed. */
static gboolean
has_only_members (JsonObject         *object,
                  const char * const *allowed)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &member, &value))
    if (!g_strv_contains (allowed, member))
      return FALSE;
  return TRUE;
}

static void *
bad_member (GError     **error,
            const char  *member)
{
  g_set_error (error, PD_CENTRAL_REQUEST_ERROR, PD_CENTRAL_REQUEST_ERROR_BAD_REQUEST,
               _("The request’s “%s” is missing or has the wrong type. Send the shape the protocol defines."),
               member);
  return NULL;
}

static gboolean
is_printable_text (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

char *
pd_central_enrollment_code_normalize (const char *text)
{
  char code[10];
  guint n = 0;

  if (text == NULL || strlen (text) > MAX_CODE_BYTES)
    return NULL;
  for (const char *p = text; *p; p++)
    {
      char c = g_ascii_toupper (*p);

      if (c == ' ' || c == '-')
        continue;
      if (c == 'O')
        c = '0';
      else if (c == 'I' || c == 'L')
        c = '1';
      if (strchr (code_alphabet, c) == NULL || n == 8)
        return NULL;
      code[n < 4 ? n : n + 1] = c;
      n++;
    }
  if (n != 8)
    return NULL;
  code[4] = '-';
  code[9] = '\0';
  return g_strndup (code, 9);
}

char *
pd_central_enrollment_code_generate (void)
{
  char code[10];

  for (guint i = 0, n = 0; n < 8; i++)
    {
      if (i == 4)
        {
          code[i] = '-';
          continue;
        }
      code[i] = code_alphabet[randombytes_uniform (sizeof code_alphabet - 1)];
      n++;
    }
  code[9] = '\0';
  return g_strdup (code);
}

void
pd_central_enrollment_free (PdCentralEnrollment *enrollment)
{
  if (enrollment == NULL)
    return;
  g_free (enrollment->code);
  g_clear_pointer (&enrollment->public_key, g_bytes_unref);
  g_free (enrollment->name);
  g_free (enrollment);
}

PdCentralEnrollment *
pd_central_enrollment_parse (const char  *data,
                             gsize        length,
                             GError     **error)
{
  static const char * const members[] = { "enrollment_code", "device_public_key", "name", NULL };
  g_autoptr(JsonObject) object = pd_central_parse_object (data, length, error);
  g_autoptr(PdCentralEnrollment) enrollment = NULL;
  const char *text;

  if (object == NULL)
    return NULL;
  if (!has_only_members (object, members))
    return bad_member (error, "enrollment");

  enrollment = g_new0 (PdCentralEnrollment, 1);
  text = get_string (object, "enrollment_code");
  if (text == NULL)
    return bad_member (error, "enrollment_code");
  /* A code of the wrong form is refused like an unknown one: the caller answers 403. */
  enrollment->code = pd_central_enrollment_code_normalize (text);
  if (enrollment->code == NULL)
    enrollment->code = g_strdup ("");

  text = get_string (object, "device_public_key");
  if (text == NULL || (enrollment->public_key = pd_base64url_decode (text, NULL)) == NULL ||
      g_bytes_get_size (enrollment->public_key) != PD_PACKET_PUBLIC_KEY_BYTES)
    return bad_member (error, "device_public_key");

  text = get_string (object, "name");
  if (text == NULL || *text == '\0' || g_utf8_strlen (text, -1) > MAX_NAME_CHARS ||
      !is_printable_text (text))
    return bad_member (error, "name");
  enrollment->name = g_strdup (text);
  return g_steal_pointer (&enrollment);
}

void
pd_central_sign_in_free (PdCentralSignIn *sign_in)
{
  if (sign_in == NULL)
    return;
  g_free (sign_in->username);
  if (sign_in->password)
    sodium_memzero (sign_in->password, strlen (sign_in->password));
  g_free (sign_in->password);
  g_free (sign_in);
}

PdCentralSignIn *
pd_central_sign_in_parse (const char  *data,
                          gsize        length,
                          GError     **error)
{
  static const char * const members[] = { "username", "password", "nonce", NULL };
  g_autoptr(JsonObject) object = pd_central_parse_object (data, length, error);
  g_autoptr(PdCentralSignIn) sign_in = NULL;
  const char *text;

  if (object == NULL)
    return NULL;
  if (!has_only_members (object, members))
    return bad_member (error, "sign-in");

  sign_in = g_new0 (PdCentralSignIn, 1);
  text = get_string (object, "username");
  if (text == NULL || *text == '\0' || strlen (text) > MAX_USERNAME_BYTES || !is_printable_text (text))
    return bad_member (error, "username");
  sign_in->username = g_strdup (text);
  text = get_string (object, "password");
  if (text == NULL || *text == '\0' || strlen (text) > MAX_PASSWORD_BYTES)
    return bad_member (error, "password");
  sign_in->password = g_strdup (text);
  /* Only makes two sign-ins of one second differ (the replay check knows requests by their
   * signature); its value means nothing. */
  if (json_object_has_member (object, "nonce"))
    {
      text = get_string (object, "nonce");
      if (text == NULL || strlen (text) > 64 || !is_printable_text (text))
        return bad_member (error, "nonce");
    }
  return g_steal_pointer (&sign_in);
}

static void
push_item_free (PdCentralPushItem *item)
{
  g_free (item->packet_id);
  g_clear_pointer (&item->packet, pd_packet_free);
  g_free (item->problem);
  g_free (item);
}

GPtrArray *
pd_central_push_parse (const char  *data,
                       gsize        length,
                       GError     **error)
{
  static const char * const members[] = { "packets", NULL };
  g_autoptr(JsonObject) object = pd_central_parse_object (data, length, error);
  g_autoptr(GPtrArray) items = NULL;
  JsonNode *packets;
  JsonArray *array;
  guint n;

  if (object == NULL)
    return NULL;
  packets = json_object_get_member (object, "packets");
  if (!has_only_members (object, members) || packets == NULL || !JSON_NODE_HOLDS_ARRAY (packets))
    return bad_member (error, "packets");
  array = json_node_get_array (packets);
  n = json_array_get_length (array);
  if (n == 0 || n > PD_PACKET_MAX_PER_PUSH)
    {
      g_set_error (error, PD_CENTRAL_REQUEST_ERROR, PD_CENTRAL_REQUEST_ERROR_BAD_REQUEST,
                   _("A push carries 1 to %d packets, not %u. Split the outbox into smaller pushes."),
                   PD_PACKET_MAX_PER_PUSH, n);
      return NULL;
    }

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) push_item_free);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      PdCentralPushItem *item = g_new0 (PdCentralPushItem, 1);
      g_autoptr(GError) local_error = NULL;

      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          const char *packet_id = get_string (json_node_get_object (node), "packet_id");

          if (packet_id != NULL && g_utf8_strlen (packet_id, -1) <= 64)
            item->packet_id = g_strdup (packet_id);
        }
      item->packet = pd_packet_from_json (node, &local_error);
      if (item->packet == NULL)
        item->problem = g_strdup (local_error->message);
      g_ptr_array_add (items, item);
    }
  return g_steal_pointer (&items);
}

void
pd_central_application_free (PdCentralApplication *application)
{
  if (application == NULL)
    return;
  g_clear_object (&application->dossier);
  g_free (application->accepted_by);
  if (application->acceptance_token != NULL)
    sodium_memzero (application->acceptance_token, strlen (application->acceptance_token));
  g_free (application->acceptance_token);
  g_free (application);
}

static void *
bad_inner (GError     **error,
           const char  *member)
{
  g_set_error (error, PD_CENTRAL_REQUEST_ERROR, PD_CENTRAL_REQUEST_ERROR_INVALID_PACKET,
               _("The packet content’s “%s” is missing or wrong. Rebuild the packet with a current Passdesk."),
               member);
  return NULL;
}

static gboolean
is_base64url (const char *text)
{
  g_autoptr(GBytes) bytes = text ? pd_base64url_decode (text, NULL) : NULL;

  return bytes != NULL;
}

static gboolean
attachment_ok (JsonNode *node)
{
  static const char * const members[] = { "kind", "mime_type", "data", NULL };
  JsonObject *object;
  const char *kind;
  const char *mime_type;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  kind = get_string (object, "kind");
  mime_type = get_string (object, "mime_type");
  return has_only_members (object, members) &&
         kind != NULL && *kind != '\0' && strlen (kind) <= 32 &&
         mime_type != NULL && *mime_type != '\0' && strlen (mime_type) <= 64 &&
         is_base64url (get_string (object, "data"));
}

PdCentralApplication *
pd_central_application_check (JsonObject  *inner,
                              GError     **error)
{
  static const char * const members[] = {
    "packet_id", "device_id", "dossier", "photo", "attachments", "accepted_by", "accepted_at",
    "acceptance_token", NULL
  };
  g_autoptr(PdCentralApplication) application = g_new0 (PdCentralApplication, 1);
  g_autoptr(GError) local_error = NULL;
  JsonNode *node;
  const char *uuid;

  if (!has_only_members (inner, members))
    {
      g_set_error_literal (error, PD_CENTRAL_REQUEST_ERROR, PD_CENTRAL_REQUEST_ERROR_INVALID_PACKET,
                           _("The packet content has members the protocol does not define. Rebuild the packet with a current Passdesk."));
      return NULL;
    }

  node = json_object_get_member (inner, "dossier");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return bad_inner (error, "dossier");
  application->dossier = pd_dossier_new_from_json (node, &local_error);
  if (application->dossier == NULL)
    {
      /* The message may quote a member name, and sealed content was never checked for UTF-8. */
      g_autofree char *detail = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, PD_CENTRAL_REQUEST_ERROR, PD_CENTRAL_REQUEST_ERROR_INVALID_PACKET,
                   _("The application in the packet is not valid: %s"), detail);
      return NULL;
    }
  uuid = pd_dossier_get_uuid (application->dossier);
  if (uuid == NULL || !g_uuid_string_is_valid (uuid))
    return bad_inner (error, "dossier.uuid");

  node = json_object_get_member (inner, "photo");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!is_base64url (get_string (inner, "photo")))
        return bad_inner (error, "photo");
      application->has_photo = TRUE;
    }

  node = json_object_get_member (inner, "attachments");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return bad_inner (error, "attachments");
      array = json_node_get_array (node);
      if (json_array_get_length (array) > MAX_ATTACHMENTS)
        return bad_inner (error, "attachments");
      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!attachment_ok (json_array_get_element (array, i)))
          return bad_inner (error, "attachments");
      application->n_attachments = json_array_get_length (array);
    }

  node = json_object_get_member (inner, "accepted_by");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      const char *text = get_string (inner, "accepted_by");

      if (text == NULL || strlen (text) > MAX_USERNAME_BYTES || !is_printable_text (text))
        return bad_inner (error, "accepted_by");
      application->accepted_by = g_strdup (text);
    }

  node = json_object_get_member (inner, "accepted_at");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
          json_node_get_int (node) < 0)
        return bad_inner (error, "accepted_at");
      application->accepted_at = json_node_get_int (node);
    }

  node = json_object_get_member (inner, "acceptance_token");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      const char *text = get_string (inner, "acceptance_token");

      if (text == NULL || *text == '\0' || strlen (text) > PD_CENTRAL_MAX_TOKEN_BYTES || !is_base64url (text))
        return bad_inner (error, "acceptance_token");
      application->acceptance_token = g_strdup (text);
    }

  return g_steal_pointer (&application);
}

static gboolean
bad_query (GError     **error,
           const char  *detail)
{
  g_set_error (error, PD_CENTRAL_REQUEST_ERROR, PD_CENTRAL_REQUEST_ERROR_BAD_REQUEST,
               _("The query is not valid (%s). Use “after=CURSOR&limit=N” with N from 1 to %d."),
               detail, PD_CENTRAL_MAX_PAGE);
  return FALSE;
}

static gboolean
parse_decimal (const char *text,
               guint       max_digits,
               guint64    *value)
{
  gsize length = strlen (text);

  if (length == 0 || length > max_digits)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  *value = g_ascii_strtoull (text, NULL, 10);
  return TRUE;
}

gboolean
pd_central_page_parse (const char  *query,
                       gint64      *after,
                       guint       *limit,
                       GError     **error)
{
  g_auto(GStrv) pairs = NULL;
  gboolean seen_after = FALSE;
  gboolean seen_limit = FALSE;

  *after = 0;
  *limit = PD_CENTRAL_DEFAULT_PAGE;
  if (query == NULL || *query == '\0')
    return TRUE;
  if (strlen (query) > 256)
    return bad_query (error, "length");

  pairs = g_strsplit (query, "&", -1);
  for (guint i = 0; pairs[i]; i++)
    {
      const char *equal = strchr (pairs[i], '=');
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;
      guint64 number;

      if (*pairs[i] == '\0')
        continue;
      key = g_strndup (pairs[i], equal ? (gsize) (equal - pairs[i]) : strlen (pairs[i]));
      value = g_uri_unescape_string (equal ? equal + 1 : "", NULL);
      if (value == NULL)
        return bad_query (error, "encoding");

      if (g_str_equal (key, "after") && !seen_after)
        {
          seen_after = TRUE;
          if (*value == '\0')
            continue;
          if (!parse_decimal (value, 18, &number))
            return bad_query (error, "after");
          *after = (gint64) number;
        }
      else if (g_str_equal (key, "limit") && !seen_limit)
        {
          seen_limit = TRUE;
          if (!parse_decimal (value, 3, &number) || number < 1 || number > PD_CENTRAL_MAX_PAGE)
            return bad_query (error, "limit");
          *limit = (guint) number;
        }
      else
        return bad_query (error, "unknown or repeated parameter");
    }
  return TRUE;
}
