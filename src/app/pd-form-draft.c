/* pd-form-draft.c: what the form keeps as a draft (its dossier, photo), as the bytes the store seals. */
#define G_LOG_DOMAIN "pd-form-draft"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "pd-form-draft.h"

GBytes *
pd_form_draft_encode (PdDossier  *dossier,
                      const char *photo_override)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();
  GBytes *photo = pd_dossier_get_photo (dossier);
  char *text;

  json_object_set_member (object, "dossier", pd_dossier_to_json (dossier, TRUE));
  if (photo != NULL)
    {
      g_autofree char *base64 = g_base64_encode (g_bytes_get_data (photo, NULL), g_bytes_get_size (photo));

      json_object_set_string_member (object, "photo", base64);
    }
  if (photo_override != NULL)
    json_object_set_string_member (object, "photo_override", photo_override);
  json_node_set_object (node, object);
  text = json_to_string (node, FALSE);
  return g_bytes_new_take (text, strlen (text));
}

PdDossier *
pd_form_draft_decode (GBytes  *content,
                      char   **photo_override,
                      GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(PdDossier) dossier = NULL;
  JsonObject *object;
  const char *photo;
  gsize size;
  const char *data = g_bytes_get_data (content, &size);

  if (!json_parser_load_from_data (parser, data, size, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      !json_object_has_member ((object = json_node_get_object (json_parser_get_root (parser))), "dossier"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The unfinished form kept on this station cannot be read. Discard it and type the application again."));
      return NULL;
    }
  dossier = pd_dossier_new_from_json (json_object_get_member (object, "dossier"), error);
  if (dossier == NULL)
    return NULL;
  photo = json_object_get_string_member_with_default (object, "photo", NULL);
  if (photo != NULL)
    {
      gsize length;
      guchar *jpeg = g_base64_decode (photo, &length);
      g_autoptr(GBytes) bytes = g_bytes_new_take (jpeg, length);

      pd_dossier_set_photo (dossier, bytes);
    }
  if (photo_override != NULL)
    *photo_override = g_strdup (json_object_get_string_member_with_default (object, "photo_override", NULL));
  return g_steal_pointer (&dossier);
}
