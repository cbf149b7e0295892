/* pd-chip-document.c: a chip's files parsed into their data groups, authenticated, and shown
 * as JSON. */
#define G_LOG_DOMAIN "pd-chip-document"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "pd-chip-document.h"
#include "pd-date.h"
#include "pd-tlv.h"

/* A chip has at most 16 data groups and a handful of other files. */
#define MAX_FOLDER_FILES 64

struct _PdChipDocument
{
  GObject     parent_instance;
  GHashTable *files;
  PdChipCom  *com;
  PdChipDg1  *dg1;
  PdChipDg2  *dg2;
  PdChipDg13 *dg13;
  PdChipSod  *sod;
};

G_DEFINE_FINAL_TYPE (PdChipDocument, pd_chip_document, G_TYPE_OBJECT)

static void
pd_chip_document_finalize (GObject *object)
{
  PdChipDocument *self = PD_CHIP_DOCUMENT (object);

  g_clear_pointer (&self->files, g_hash_table_unref);
  g_clear_pointer (&self->com, pd_chip_com_free);
  g_clear_pointer (&self->dg1, pd_chip_dg1_free);
  g_clear_pointer (&self->dg2, pd_chip_dg2_free);
  g_clear_pointer (&self->dg13, pd_chip_dg13_free);
  g_clear_pointer (&self->sod, pd_chip_sod_free);
  G_OBJECT_CLASS (pd_chip_document_parent_class)->finalize (object);
}

static void
pd_chip_document_class_init (PdChipDocumentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pd_chip_document_finalize;
}

static void
pd_chip_document_init (PdChipDocument *self)
{
}

GHashTable *
pd_chip_files_new (void)
{
  return g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_bytes_unref);
}

static GBytes *
file (GHashTable *files,
      guint       fid)
{
  return g_hash_table_lookup (files, GUINT_TO_POINTER (fid));
}

PdChipDocument *
pd_chip_document_new (GHashTable  *files,
                      GError     **error)
{
  g_autoptr(PdChipDocument) self = NULL;
  g_autoptr(GDate) today = g_date_new ();
  GBytes *bytes;

  g_return_val_if_fail (files != NULL, NULL);

  self = g_object_new (PD_TYPE_CHIP_DOCUMENT, NULL);
  self->files = g_hash_table_ref (files);
  pd_date_set_today (today);

  if ((bytes = file (files, PD_CHIP_FID_DG (1))) == NULL)
    {
      g_set_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_MISSING,
                   _("The chip’s DG1 file (the MRZ) was not read. Place the document on the reader "
                     "again and read it once more."));
      return NULL;
    }
  if ((self->dg1 = pd_chip_dg1_parse (bytes, today, error)) == NULL)
    return NULL;
  if ((bytes = file (files, PD_CHIP_FID_COM)) != NULL &&
      (self->com = pd_chip_com_parse (bytes, error)) == NULL)
    return NULL;
  if ((bytes = file (files, PD_CHIP_FID_DG (2))) != NULL &&
      (self->dg2 = pd_chip_dg2_parse (bytes, error)) == NULL)
    return NULL;
  if ((bytes = file (files, PD_CHIP_FID_DG (13))) != NULL &&
      (self->dg13 = pd_chip_dg13_parse (bytes, error)) == NULL)
    return NULL;
  if ((bytes = file (files, PD_CHIP_FID_SOD)) != NULL &&
      (self->sod = pd_chip_sod_parse (bytes, error)) == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

GHashTable *
pd_chip_document_get_files (PdChipDocument *self)
{
  g_return_val_if_fail (PD_IS_CHIP_DOCUMENT (self), NULL);
  return self->files;
}

const PdChipCom *
pd_chip_document_get_com (PdChipDocument *self)
{
  g_return_val_if_fail (PD_IS_CHIP_DOCUMENT (self), NULL);
  return self->com;
}

const PdChipDg1 *
pd_chip_document_get_dg1 (PdChipDocument *self)
{
  g_return_val_if_fail (PD_IS_CHIP_DOCUMENT (self), NULL);
  return self->dg1;
}

const PdChipDg2 *
pd_chip_document_get_dg2 (PdChipDocument *self)
{
  g_return_val_if_fail (PD_IS_CHIP_DOCUMENT (self), NULL);
  return self->dg2;
}

const PdChipDg13 *
pd_chip_document_get_dg13 (PdChipDocument *self)
{
  g_return_val_if_fail (PD_IS_CHIP_DOCUMENT (self), NULL);
  return self->dg13;
}

const PdChipSod *
pd_chip_document_get_sod (PdChipDocument *self)
{
  g_return_val_if_fail (PD_IS_CHIP_DOCUMENT (self), NULL);
  return self->sod;
}

PdChipPaResult *
pd_chip_document_authenticate (PdChipDocument *self,
                               PdChipTrust    *trust)
{
  PdChipPaResult *result;

  g_return_val_if_fail (PD_IS_CHIP_DOCUMENT (self), NULL);

  if (self->sod != NULL)
    return pd_chip_passive_authenticate (self->sod, self->files, trust);

  result = g_new0 (PdChipPaResult, 1);
  result->outcome = PD_CHIP_PA_NOT_VERIFIABLE;
  result->data_groups = g_array_new (FALSE, FALSE, sizeof (PdChipDgCheck));
  result->detail = g_strdup (_("The chip’s security object (EF.SOD) was not read, so nothing on the chip "
                               "can be checked. Read the chip again."));
  return result;
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_mrz (JsonBuilder *builder,
         const PdMrz *mrz)
{
  json_builder_begin_object (builder);
  add_string (builder, "format", mrz->format == PD_MRZ_FORMAT_TD1 ? "TD1" : "TD3");
  add_string (builder, "document_type", mrz->document_type);
  add_string (builder, "issuing_state", mrz->issuing_state);
  add_string (builder, "document_number", mrz->document_number);
  add_string (builder, "id_number", mrz->id_number);
  add_string (builder, "surname", mrz->surname);
  add_string (builder, "given_names", mrz->given_names);
  add_string (builder, "birth_date", mrz->birth_date);
  add_string (builder, "sex", mrz->sex);
  add_string (builder, "expiry_date", mrz->expiry_date);
  add_string (builder, "nationality", mrz->nationality);
  add_string (builder, "optional_data", mrz->optional_data);
  json_builder_set_member_name (builder, "check_digits_valid");
  json_builder_add_boolean_value (builder, pd_mrz_is_valid (mrz));
  json_builder_end_object (builder);
}

static void
add_dg13 (JsonBuilder      *builder,
          const PdChipDg13 *dg13)
{
  json_builder_begin_object (builder);
  add_string (builder, "id_number", dg13->id_number);
  add_string (builder, "full_name", dg13->full_name);
  add_string (builder, "birth_date", dg13->birth_date);
  add_string (builder, "birth_date_text", dg13->birth_date_text);
  add_string (builder, "sex", dg13->sex);
  add_string (builder, "nationality", dg13->nationality);
  add_string (builder, "ethnicity", dg13->ethnicity);
  add_string (builder, "religion", dg13->religion);
  add_string (builder, "place_of_origin", dg13->place_of_origin);
  add_string (builder, "place_of_residence", dg13->place_of_residence);
  add_string (builder, "identifying_marks", dg13->identifying_marks);
  add_string (builder, "issue_date", dg13->issue_date);
  add_string (builder, "expiry_date", dg13->expiry_date);
  add_string (builder, "expiry_date_text", dg13->expiry_date_text);
  add_string (builder, "father_name", dg13->father_name);
  add_string (builder, "mother_name", dg13->mother_name);
  add_string (builder, "spouse_name", dg13->spouse_name);
  add_string (builder, "old_id_number", dg13->old_id_number);
  if (dg13->other->len > 0)
    {
      json_builder_set_member_name (builder, "other");
      json_builder_begin_array (builder);
      for (guint i = 0; i < dg13->other->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (dg13->other, i));
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
}

static int
compare_fids (gconstpointer a,
              gconstpointer b)
{
  return (int) GPOINTER_TO_UINT (a) - (int) GPOINTER_TO_UINT (b);
}

static const char *
hash_state (PdChipDgHashState state)
{
  switch (state)
    {
    case PD_CHIP_DG_HASH_MATCH: return "match";
    case PD_CHIP_DG_HASH_MISMATCH: return "mismatch";
    case PD_CHIP_DG_HASH_NOT_SIGNED: return "not-signed";
    default: g_return_val_if_reached ("mismatch");
    }
}

char *
pd_chip_document_to_json (PdChipDocument       *self,
                          const PdChipPaResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GList) fids = NULL;

  g_return_val_if_fail (PD_IS_CHIP_DOCUMENT (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  fids = g_list_sort (g_hash_table_get_keys (self->files), compare_fids);
  for (const GList *l = fids; l != NULL; l = l->next)
    {
      g_autofree char *name = g_strdup_printf ("%04X", GPOINTER_TO_UINT (l->data));

      json_builder_add_string_value (builder, name);
    }
  json_builder_end_array (builder);

  if (self->com != NULL)
    {
      json_builder_set_member_name (builder, "com");
      json_builder_begin_object (builder);
      add_string (builder, "lds_version", self->com->lds_version);
      add_string (builder, "unicode_version", self->com->unicode_version);
      json_builder_set_member_name (builder, "data_groups");
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->com->data_groups->len; i++)
        json_builder_add_int_value (builder, g_array_index (self->com->data_groups, guint, i));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }

  json_builder_set_member_name (builder, "dg1");
  json_builder_begin_object (builder);
  add_string (builder, "mrz", self->dg1->text);
  json_builder_set_member_name (builder, "fields");
  add_mrz (builder, self->dg1->mrz);
  json_builder_end_object (builder);

  if (self->dg2 != NULL)
    {
      json_builder_set_member_name (builder, "dg2");
      json_builder_begin_object (builder);
      add_string (builder, "format", self->dg2->format == PD_CHIP_IMAGE_JPEG ? "jpeg" : "jpeg2000");
      json_builder_set_member_name (builder, "width");
      json_builder_add_int_value (builder, self->dg2->width);
      json_builder_set_member_name (builder, "height");
      json_builder_add_int_value (builder, self->dg2->height);
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, g_bytes_get_size (self->dg2->image));
      json_builder_end_object (builder);
    }

  if (self->dg13 != NULL)
    {
      json_builder_set_member_name (builder, "dg13");
      add_dg13 (builder, self->dg13);
    }

  if (self->sod != NULL)
    {
      json_builder_set_member_name (builder, "sod");
      json_builder_begin_object (builder);
      add_string (builder, "digest", self->sod->digest);
      json_builder_set_member_name (builder, "signed_data_groups");
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->sod->hashes->len; i++)
        json_builder_add_int_value (builder, g_array_index (self->sod->hashes, PdChipDgHash, i).number);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "signer");
      json_builder_begin_object (builder);
      add_string (builder, "subject", self->sod->signer_subject);
      add_string (builder, "issuer", self->sod->signer_issuer);
      add_string (builder, "not_before", self->sod->signer_not_before);
      add_string (builder, "not_after", self->sod->signer_not_after);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }

  if (result != NULL)
    {
      json_builder_set_member_name (builder, "authentication");
      json_builder_begin_object (builder);
      add_string (builder, "outcome", pd_chip_pa_outcome_to_string (result->outcome));
      add_string (builder, "detail", result->detail);
      json_builder_set_member_name (builder, "signature_valid");
      json_builder_add_boolean_value (builder, result->signature_valid);
      json_builder_set_member_name (builder, "signer_trusted");
      json_builder_add_boolean_value (builder, result->signer_trusted);
      json_builder_set_member_name (builder, "data_groups");
      json_builder_begin_array (builder);
      for (guint i = 0; i < result->data_groups->len; i++)
        {
          const PdChipDgCheck *check = &g_array_index (result->data_groups, PdChipDgCheck, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "number");
          json_builder_add_int_value (builder, check->number);
          add_string (builder, "hash", hash_state (check->state));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

/* "0101" → 0x0101; only four upper-case hex digits. */
static gboolean
parse_fid (const char *name,
           guint      *fid)
{
  if (strlen (name) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    if (!g_ascii_isdigit (name[i]) && !(name[i] >= 'A' && name[i] <= 'F'))
      return FALSE;
  *fid = g_ascii_strtoull (name, NULL, 16);
  return TRUE;
}

GHashTable *
pd_chip_files_load_folder (const char  *path,
                           GError     **error)
{
  g_autoptr(GHashTable) files = pd_chip_files_new ();
  g_autoptr(GDir) dir = g_dir_open (path, 0, error);
  const char *name;

  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *full = g_build_filename (path, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;
      guint fid;
      GStatBuf st;

      if (!parse_fid (name, &fid) || g_stat (full, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      if (st.st_size > PD_CHIP_MAX_FILE_SIZE || g_hash_table_size (files) >= MAX_FOLDER_FILES)
        {
          /* Translators: %s is a file name. */
          g_set_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_TOO_LARGE,
                       _("“%s” is larger than any file of a document’s chip. Check that the folder "
                         "is a chip dump."), full);
          return NULL;
        }
      if (!g_file_get_contents (full, &contents, &length, error))
        return NULL;
      g_hash_table_insert (files, GUINT_TO_POINTER (fid),
                           g_bytes_new_take (g_steal_pointer (&contents), length));
    }
  return g_steal_pointer (&files);
}

gboolean
pd_chip_files_save_folder (GHashTable  *files,
                           const char  *path,
                           GError     **error)
{
  GHashTableIter iter;
  gpointer key, value;

  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot create the folder %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  g_hash_table_iter_init (&iter, files);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autofree char *name = g_strdup_printf ("%04X", GPOINTER_TO_UINT (key));
      g_autofree char *full = g_build_filename (path, name, NULL);
      gsize size = 0;
      const char *data = g_bytes_get_data (value, &size);

      if (!g_file_set_contents (full, data != NULL ? data : "", size, error))
        return FALSE;
    }
  return TRUE;
}
