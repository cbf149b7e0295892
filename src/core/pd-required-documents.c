/* pd-required-documents.c: the papers to check for a request, and whether an application shows each. */
#define G_LOG_DOMAIN "pd-required-documents"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <string.h>

#include "pd-reference.h"
#include "pd-required-documents.h"

void
pd_required_document_free (PdRequiredDocument *document)
{
  g_free (document->request_type);
  g_free (document->code);
  g_free (document->evidence);
  g_free (document->label);
  g_free (document);
}

/* One CSV line into its fields; a field in double quotes may hold commas and "" for a quote. */
static GPtrArray *
split_line (const char *line)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (const char *p = line; *p != '\0'; p++)
    {
      if (quoted)
        {
          if (*p == '"' && p[1] == '"')
            {
              g_string_append_c (field, '"');
              p++;
            }
          else if (*p == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, *p);
        }
      else if (*p == '"')
        quoted = TRUE;
      else if (*p == ',')
        {
          g_ptr_array_add (fields, g_string_free (field, FALSE));
          field = g_string_new (NULL);
        }
      else if (*p != '\r')
        g_string_append_c (field, *p);
    }
  g_ptr_array_add (fields, g_string_free (field, FALSE));
  return fields;
}

GPtrArray *
pd_required_documents_parse (const char  *text,
                             gssize       length,
                             GError     **error)
{
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_required_document_free);
  g_autofree char *copy = g_strndup (text, length < 0 ? strlen (text) : (gsize) length);
  g_auto(GStrv) lines = g_strsplit (copy, "\n", -1);
  gboolean header_seen = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) fields = NULL;
      PdRequiredDocument *document;
      const char *who;

      if (lines[i][0] == '#' || g_strstrip (lines[i])[0] == '\0')
        continue;
      if (!header_seen)
        {
          header_seen = TRUE;
          continue;
        }
      fields = split_line (lines[i]);
      if (fields->len != 5)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("Line %u of the required documents list has %u fields instead of 5. "
                         "Reinstall Passdesk."), i + 1, fields->len);
          return NULL;
        }
      who = g_ptr_array_index (fields, 1);
      document = g_new0 (PdRequiredDocument, 1);
      document->request_type = g_strdup (g_ptr_array_index (fields, 0));
      if (g_str_equal (who, "adult"))
        document->who = PD_REQUIRED_FOR_ADULT;
      else if (g_str_equal (who, "under14"))
        document->who = PD_REQUIRED_FOR_UNDER_14;
      else
        document->who = PD_REQUIRED_FOR_ALL;
      document->code = g_strdup (g_ptr_array_index (fields, 2));
      document->evidence = g_strdup (g_ptr_array_index (fields, 3));
      document->label = g_strdup (g_ptr_array_index (fields, 4));
      g_ptr_array_add (documents, document);
    }
  return g_steal_pointer (&documents);
}

GPtrArray *
pd_required_documents_load_default (GError **error)
{
  g_autofree char *path = g_build_filename (pd_reference_get_default_directory (),
                                            PD_REQUIRED_DOCUMENTS_FILE, NULL);
  g_autofree char *text = NULL;
  gsize length;

  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  return pd_required_documents_parse (text, length, error);
}

GPtrArray *
pd_required_documents_filter (GPtrArray  *all,
                              const char *request_type,
                              gboolean    under_14)
{
  GPtrArray *result = g_ptr_array_new ();

  for (guint i = 0; all != NULL && i < all->len; i++)
    {
      PdRequiredDocument *document = g_ptr_array_index (all, i);

      if (!g_str_equal (document->request_type, "*") &&
          g_strcmp0 (document->request_type, request_type) != 0)
        continue;
      if ((document->who == PD_REQUIRED_FOR_ADULT && under_14) ||
          (document->who == PD_REQUIRED_FOR_UNDER_14 && !under_14))
        continue;
      g_ptr_array_add (result, document);
    }
  return result;
}

GPtrArray *
pd_required_documents_for_dossier (GPtrArray *all,
                                   PdDossier *dossier,
                                   GDate     *today)
{
  return pd_required_documents_filter (all, pd_dossier_get_field (dossier, PD_FIELD_REQUEST_TYPE),
                                       pd_dossier_is_minor_form (dossier, today));
}

static gboolean
has_attachment (const PdPaperEvidence *evidence,
                const char            *kind)
{
  for (guint i = 0; evidence->attachment_kinds != NULL && i < evidence->attachment_kinds->len; i++)
    if (g_strcmp0 (g_ptr_array_index (evidence->attachment_kinds, i), kind) == 0)
      return TRUE;
  return FALSE;
}

gboolean
pd_required_document_has_evidence (const PdRequiredDocument *document,
                                   PdDossier                *dossier,
                                   const PdPaperEvidence    *evidence)
{
  static const PdPaperEvidence none = { 0, };
  const char *kind = document->evidence;

  if (evidence == NULL)
    evidence = &none;
  if (g_str_equal (kind, "declaration"))
    return evidence->declaration_seen || pd_dossier_get_field (dossier, PD_FIELD_DECLARATION_CODE) != NULL;
  if (g_str_equal (kind, "id-card"))
    return evidence->id_card_seen || has_attachment (evidence, "id-card-front");
  if (g_str_equal (kind, "photo"))
    return pd_dossier_get_photo (dossier) != NULL || evidence->photo_seen || has_attachment (evidence, "photo");
  if (g_str_equal (kind, "passport"))
    return has_attachment (evidence, "passport");
  if (g_str_equal (kind, "document"))
    return has_attachment (evidence, "document");
  return FALSE;
}

gboolean
pd_required_document_is_held (const PdRequiredDocument *document)
{
  return g_str_equal (document->evidence, "photo");
}

gboolean
pd_required_document_is_ticked (const PdRequiredDocument *document,
                                PdDossier                *dossier,
                                const PdPaperEvidence    *evidence)
{
  PdPaperTick tick = PD_PAPER_TICK_NONE;

  if (evidence != NULL && evidence->ticks != NULL)
    tick = GPOINTER_TO_UINT (g_hash_table_lookup (evidence->ticks, document->code));
  if (tick != PD_PAPER_TICK_NONE && !pd_required_document_is_held (document))
    return tick == PD_PAPER_TICK_YES;
  return pd_required_document_has_evidence (document, dossier, evidence);
}

GPtrArray *
pd_required_documents_missing (GPtrArray             *documents,
                               PdDossier             *dossier,
                               const PdPaperEvidence *evidence)
{
  GPtrArray *missing = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; documents != NULL && i < documents->len; i++)
    {
      const PdRequiredDocument *document = g_ptr_array_index (documents, i);

      if (!pd_required_document_is_ticked (document, dossier, evidence))
        g_ptr_array_add (missing, g_strdup (document->label));
    }
  return missing;
}
