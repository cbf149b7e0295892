/* pd-chip-dg13.c: DG13 of the CCCD, read by field numbers and never by offsets: the card's
 * issuer has changed the layout before, and a field may hold nested values (13: father and
 * mother). */
#define G_LOG_DOMAIN "pd-chip-dg13"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-chip-dg.h"
#include "pd-chip-dg13.h"
#include "pd-tlv.h"

#define TAG_INTEGER          0x02
#define TAG_UTF8_STRING      0x0C
#define TAG_PRINTABLE_STRING 0x13
#define TAG_IA5_STRING       0x16
#define TAG_SEQUENCE         0x30
#define TAG_SET              0x31

/* Far above the 16 known fields; a number past this is not a DG13. */
#define MAX_FIELD_NUMBER 255

static gboolean
malformed (GError **error)
{
  g_set_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_MALFORMED,
               _("The chip’s DG13 file (Vietnamese details) is damaged or not as expected. "
                 "Read the chip again; if this repeats, type the details from the card."));
  return FALSE;
}

static void
add_value (GHashTable *fields,
           int         number,
           char       *value)
{
  GPtrArray *values = g_hash_table_lookup (fields, GINT_TO_POINTER (number));

  if (values == NULL)
    {
      values = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (fields, GINT_TO_POINTER (number), values);
    }
  g_ptr_array_add (values, value);
}

static char *
text_value (const PdTlv *tlv)
{
  const char *text = (const char *) tlv->value;
  g_autofree char *normal = NULL;
  GString *folded;

  if (!g_utf8_validate_len (text, tlv->length, NULL))
    return NULL;
  normal = g_utf8_normalize (text, tlv->length, G_NORMALIZE_NFC);
  if (normal == NULL)
    return NULL;
  /* As the CCCD's QR code is read (pd-cccd.c): a name typed with two spaces is the same name. */
  folded = g_string_sized_new (strlen (normal));
  for (const char *p = g_strstrip (normal); *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          if (folded->len > 0 && folded->str[folded->len - 1] == ' ')
            continue;
          g_string_append_c (folded, ' ');
        }
      else
        g_string_append_c (folded, *p);
    }
  return g_string_free (folded, FALSE);
}

/* @field is the number the enclosing level gave, or -1 at the top, where an INTEGER starts a
 * field; inside a field, integers number its parts and are not field numbers. */
static gboolean
walk (const PdTlv *parent,
      int          field,
      GHashTable  *fields,
      GError     **error)
{
  PdTlvIter iter;
  PdTlv child;
  GError *local = NULL;
  int current = field;

  pd_tlv_iter_init (&iter, parent);
  while (pd_tlv_iter_next (&iter, &child, &local))
    {
      switch (child.tag)
        {
        case TAG_INTEGER:
          /* Outside 1 … MAX_FIELD_NUMBER (a version 0, say) it numbers nothing Passdesk reads,
           * and the strings after it are skipped until the next field number. */
          if (field == -1)
            {
              guint32 n = 0;

              if (child.length >= 1 && child.length <= 2 && !(child.value[0] & 0x80))
                for (gsize i = 0; i < child.length; i++)
                  n = (n << 8) | child.value[i];
              current = n >= 1 && n <= MAX_FIELD_NUMBER ? (int) n : -1;
            }
          break;
        case TAG_UTF8_STRING:
        case TAG_PRINTABLE_STRING:
        case TAG_IA5_STRING:
          {
            char *value = text_value (&child);

            if (value == NULL)
              return malformed (error);
            if (current == -1)
              g_free (value);
            else
              add_value (fields, current, value);
          }
          break;
        case TAG_SEQUENCE:
        case TAG_SET:
          /* Either a field of its own (30 {02 01 n, 0C …}) or the nested parts of the
           * current one (13: father, mother). */
          if (!walk (&child, current, fields, error))
            return FALSE;
          break;
        default:
          /* Other element types carry nothing Passdesk reads; tolerated. */
          break;
        }
    }
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  return TRUE;
}

static char *
value_at (GHashTable *fields,
          int         number,
          guint       index)
{
  GPtrArray *values = g_hash_table_lookup (fields, GINT_TO_POINTER (number));
  const char *value;

  if (values == NULL || index >= values->len)
    return NULL;
  value = g_ptr_array_index (values, index);
  return *value != '\0' ? g_strdup (value) : NULL;
}

char *
pd_chip_date_to_iso (const char *text)
{
  guint d, m, y;

  if (text == NULL || strlen (text) != 10 || text[2] != '/' || text[5] != '/')
    return NULL;
  for (guint i = 0; i < 10; i++)
    if (i != 2 && i != 5 && !g_ascii_isdigit (text[i]))
      return NULL;
  d = (text[0] - '0') * 10 + (text[1] - '0');
  m = (text[3] - '0') * 10 + (text[4] - '0');
  y = g_ascii_strtoull (text + 6, NULL, 10);
  if (y < 1 || !g_date_valid_dmy (d, m, y))
    return NULL;
  return g_strdup_printf ("%04u-%02u-%02u", y, m, d);
}

static void
set_field (PdDossier  *dossier,
           PdField     field,
           const char *value)
{
  if (value != NULL)
    pd_dossier_set_field (dossier, field, value);
}

void
pd_chip_dg13_fill_dossier (const PdChipDg13 *dg13,
                           PdDossier        *dossier)
{
  g_return_if_fail (dg13 != NULL);
  g_return_if_fail (PD_IS_DOSSIER (dossier));

  set_field (dossier, PD_FIELD_ID_NUMBER, dg13->id_number);
  set_field (dossier, PD_FIELD_FULL_NAME, dg13->full_name);
  set_field (dossier, PD_FIELD_BIRTH_DATE, dg13->birth_date);
  set_field (dossier, PD_FIELD_SEX, dg13->sex);
  set_field (dossier, PD_FIELD_PERMANENT_ADDRESS, dg13->place_of_residence);
  set_field (dossier, PD_FIELD_FATHER_NAME, dg13->father_name);
  set_field (dossier, PD_FIELD_MOTHER_NAME, dg13->mother_name);
  set_field (dossier, PD_FIELD_SPOUSE_NAME, dg13->spouse_name);
}

void
pd_chip_dg13_free (PdChipDg13 *dg13)
{
  if (dg13 == NULL)
    return;
  g_free (dg13->id_number);
  g_free (dg13->full_name);
  g_free (dg13->birth_date);
  g_free (dg13->birth_date_text);
  g_free (dg13->sex);
  g_free (dg13->nationality);
  g_free (dg13->ethnicity);
  g_free (dg13->religion);
  g_free (dg13->place_of_origin);
  g_free (dg13->place_of_residence);
  g_free (dg13->identifying_marks);
  g_free (dg13->issue_date);
  g_free (dg13->expiry_date);
  g_free (dg13->expiry_date_text);
  g_free (dg13->father_name);
  g_free (dg13->mother_name);
  g_free (dg13->spouse_name);
  g_free (dg13->old_id_number);
  g_clear_pointer (&dg13->other, g_ptr_array_unref);
  g_free (dg13);
}

static int
compare_numbers (gconstpointer a,
                 gconstpointer b)
{
  return GPOINTER_TO_INT (a) - GPOINTER_TO_INT (b);
}

PdChipDg13 *
pd_chip_dg13_parse (GBytes  *file,
                    GError **error)
{
  g_autoptr(PdChipDg13) dg13 = NULL;
  g_autoptr(GHashTable) fields = g_hash_table_new_full (NULL, NULL, NULL,
                                                         (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GList) numbers = NULL;
  g_autofree char *sex = NULL;
  g_autofree char *issue = NULL;
  gsize size = 0;
  const guint8 *data = file != NULL ? g_bytes_get_data (file, &size) : NULL;
  PdTlv root;

  if (size > PD_CHIP_MAX_FILE_SIZE)
    {
      malformed (error);
      return NULL;
    }
  if (!pd_tlv_read_whole (data, size, 0x6D, &root, error) || !walk (&root, -1, fields, error))
    return NULL;
  if (g_hash_table_size (fields) == 0)
    {
      malformed (error);
      return NULL;
    }

  dg13 = g_new0 (PdChipDg13, 1);
  dg13->id_number = value_at (fields, 1, 0);
  dg13->full_name = value_at (fields, 2, 0);
  dg13->birth_date_text = value_at (fields, 3, 0);
  dg13->birth_date = pd_chip_date_to_iso (dg13->birth_date_text);
  sex = value_at (fields, 4, 0);
  if (g_strcmp0 (sex, "Nam") == 0)
    dg13->sex = g_strdup ("M");
  else if (g_strcmp0 (sex, "Nữ") == 0)
    dg13->sex = g_strdup ("F");
  dg13->nationality = value_at (fields, 5, 0);
  dg13->ethnicity = value_at (fields, 6, 0);
  dg13->religion = value_at (fields, 7, 0);
  dg13->place_of_origin = value_at (fields, 8, 0);
  dg13->place_of_residence = value_at (fields, 9, 0);
  dg13->identifying_marks = value_at (fields, 10, 0);
  issue = value_at (fields, 11, 0);
  dg13->issue_date = pd_chip_date_to_iso (issue);
  dg13->expiry_date_text = value_at (fields, 12, 0);
  dg13->expiry_date = pd_chip_date_to_iso (dg13->expiry_date_text);
  dg13->father_name = value_at (fields, 13, 0);
  dg13->mother_name = value_at (fields, 13, 1);
  dg13->spouse_name = value_at (fields, 14, 0);
  dg13->old_id_number = value_at (fields, 15, 0);

  dg13->other = g_ptr_array_new_with_free_func (g_free);
  numbers = g_list_sort (g_hash_table_get_keys (fields), compare_numbers);
  for (const GList *l = numbers; l != NULL; l = l->next)
    {
      int n = GPOINTER_TO_INT (l->data);
      GPtrArray *values = g_hash_table_lookup (fields, GINT_TO_POINTER (n));

      if (n <= 15)
        continue;
      for (guint j = 0; j < values->len; j++)
        if (*(char *) g_ptr_array_index (values, j) != '\0')
          g_ptr_array_add (dg13->other, g_strdup_printf ("%d: %s", n, (char *) g_ptr_array_index (values, j)));
    }
  return g_steal_pointer (&dg13);
}
