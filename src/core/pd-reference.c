/* pd-reference.c: reference data (provinces, communes, ethnic groups, fees) read from CSV. */
#define G_LOG_DOMAIN "pd-reference"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-reference.h"
#include "pd-text.h"

typedef struct
{
  GPtrArray  *entries;    /* owns the entries, sorted by name */
  GHashTable *by_code;    /* code -> entry */
  GHashTable *by_parent;  /* parent -> GPtrArray of entries, sorted by name */
} Table;

struct _PdReference
{
  GObject parent_instance;

  Table   tables[PD_N_REFERENCE_TABLES];
};

G_DEFINE_FINAL_TYPE (PdReference, pd_reference, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (pd-reference-error-quark, pd_reference_error)

/* The columns each table needs, by header name. Looking columns up by name lets a synced file
 * gain columns without breaking older clients. */
typedef struct
{
  const char *name;
  const char *file_name;
  const char *code;
  const char *label;
  const char *parent;   /* nullable */
  const char *kind;     /* nullable */
  const char *amount;   /* nullable */
} TableLayout;

static const TableLayout layouts[PD_N_REFERENCE_TABLES] = {
  [PD_REFERENCE_PROVINCES] = { "provinces", "provinces_34.csv",
                               "code", "name", NULL, "division_type", NULL },
  [PD_REFERENCE_COMMUNES] = { "communes", "communes_3321.csv",
                              "commune_code", "commune_name", "province_code", "division_type", NULL },
  [PD_REFERENCE_ETHNIC_GROUPS] = { "ethnic_groups", "ethnic_groups_qd121.csv",
                                   "code", "name", NULL, "note", NULL },
  [PD_REFERENCE_FEES] = { "fees", "fees.csv",
                          "code", "description", "request_type", "note", "amount_vnd" },
};

PdReferenceEntry *
pd_reference_entry_new (const char *code,
                        const char *name,
                        const char *parent,
                        const char *kind,
                        gint64      amount)
{
  PdReferenceEntry *entry;

  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  entry = g_new0 (PdReferenceEntry, 1);
  entry->code = g_strdup (code);
  entry->name = g_strdup (name);
  entry->parent = g_strdup (parent);
  entry->kind = g_strdup (kind);
  entry->amount = amount;
  return entry;
}

PdReferenceEntry *
pd_reference_entry_copy (const PdReferenceEntry *entry)
{
  g_return_val_if_fail (entry != NULL, NULL);

  return pd_reference_entry_new (entry->code, entry->name, entry->parent, entry->kind,
                                 entry->amount);
}

void
pd_reference_entry_free (PdReferenceEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->code);
  g_free (entry->name);
  g_free (entry->parent);
  g_free (entry->kind);
  g_free (entry);
}

static void
table_clear (Table *table)
{
  g_clear_pointer (&table->by_parent, g_hash_table_unref);
  g_clear_pointer (&table->by_code, g_hash_table_unref);
  g_clear_pointer (&table->entries, g_ptr_array_unref);
}

static void
pd_reference_finalize (GObject *object)
{
  PdReference *self = (PdReference *) object;

  for (guint i = 0; i < PD_N_REFERENCE_TABLES; i++)
    table_clear (&self->tables[i]);

  G_OBJECT_CLASS (pd_reference_parent_class)->finalize (object);
}

static void
pd_reference_class_init (PdReferenceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pd_reference_finalize;

  /* Emitted with the PdReferenceTable whose content was replaced (e.g. after a sync), so that
   * lists built from it can be rebuilt. */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
pd_reference_init (PdReference *self)
{
  for (guint i = 0; i < PD_N_REFERENCE_TABLES; i++)
    {
      Table *table = &self->tables[i];

      table->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_reference_entry_free);
      table->by_code = g_hash_table_new (g_str_hash, g_str_equal);
      table->by_parent = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                (GDestroyNotify) g_ptr_array_unref);
    }
}

PdReference *
pd_reference_new (void)
{
  return g_object_new (PD_TYPE_REFERENCE, NULL);
}

const char *
pd_reference_get_default_directory (void)
{
  static char *directory;

  if (g_once_init_enter (&directory))
    {
      const char *env = g_getenv ("PASSDESK_DATA_DIR");
      char *found;

      if (env != NULL && *env != '\0')
        found = g_build_filename (env, "reference", NULL);
      else if (g_file_test (PKGDATADIR "/reference", G_FILE_TEST_IS_DIR))
        found = g_strdup (PKGDATADIR "/reference");
      else
        found = g_strdup (SOURCE_DATADIR "/reference");
      g_once_init_leave (&directory, found);
    }

  return directory;
}

const char *
pd_reference_table_get_name (PdReferenceTable table)
{
  g_return_val_if_fail (table < PD_N_REFERENCE_TABLES, NULL);
  return layouts[table].name;
}

const char *
pd_reference_table_get_file_name (PdReferenceTable table)
{
  g_return_val_if_fail (table < PD_N_REFERENCE_TABLES, NULL);
  return layouts[table].file_name;
}

/* CSV reading (RFC 4180, plus what spreadsheets and editors produce: a UTF-8 byte order mark,
 * CRLF or CR line ends, blank lines, spaces around unquoted fields). */

typedef struct
{
  const char *p;
  const char *end;
  guint       line;
} Cursor;

static guint
line_of_offset (const char *text,
                gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    if (text[i] == '\n')
      line++;
  return line;
}

static void
set_parse_error (GError           **error,
                 PdReferenceTable   table,
                 guint              line,
                 const char        *detail)
{
  /* TRANSLATORS: "communes_3321.csv, line 12: <what is wrong and how to fix it>" */
  g_set_error (error, PD_REFERENCE_ERROR, PD_REFERENCE_ERROR_PARSE,
               _("%s, line %u: %s"), layouts[table].file_name, line, detail);
}

static gboolean
at_line_end (const Cursor *c)
{
  return c->p == c->end || *c->p == '\n' || *c->p == '\r';
}

static void
skip_line_end (Cursor *c)
{
  if (c->p == c->end)
    return;
  if (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')
    c->p++;
  c->p++;
  c->line++;
}

/* Reads one record into @fields. Returns FALSE with @error set on malformed input; at the end
 * of input @fields is left empty. */
static gboolean
read_record (Cursor            *c,
             PdReferenceTable   table,
             GPtrArray         *fields,
             GError           **error)
{
  g_autoptr(GString) field = g_string_new (NULL);

  g_ptr_array_set_size (fields, 0);
  if (c->p == c->end)
    return TRUE;

  for (;;)
    {
      g_string_truncate (field, 0);

      while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;

      if (c->p < c->end && *c->p == '"')
        {
          guint opened_on = c->line;

          c->p++;
          for (;;)
            {
              if (c->p == c->end)
                {
                  set_parse_error (error, table, opened_on,
                                   _("a quoted field is never closed. Add the missing double quote (\") at the end of the field."));
                  return FALSE;
                }
              if (*c->p == '"')
                {
                  if (c->p + 1 < c->end && c->p[1] == '"')
                    {
                      g_string_append_c (field, '"');
                      c->p += 2;
                      continue;
                    }
                  c->p++;
                  break;
                }
              if (*c->p == '\n')
                c->line++;
              g_string_append_c (field, *c->p);
              c->p++;
            }
          while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
            c->p++;
          if (!at_line_end (c) && *c->p != ',')
            {
              set_parse_error (error, table, c->line,
                               _("unexpected text after a closing double quote. Put the whole field between double quotes and write each inner quote twice (\"\")."));
              return FALSE;
            }
        }
      else
        {
          while (!at_line_end (c) && *c->p != ',')
            {
              if (*c->p == '"')
                {
                  set_parse_error (error, table, c->line,
                                   _("a double quote inside an unquoted field. Put the whole field between double quotes and write each inner quote twice (\"\")."));
                  return FALSE;
                }
              g_string_append_c (field, *c->p);
              c->p++;
            }
          while (field->len > 0 && (field->str[field->len - 1] == ' ' ||
                                    field->str[field->len - 1] == '\t'))
            g_string_truncate (field, field->len - 1);
        }

      g_ptr_array_add (fields, g_strndup (field->str, field->len));

      if (c->p < c->end && *c->p == ',')
        {
          c->p++;
          continue;
        }
      skip_line_end (c);
      return TRUE;
    }
}

static gboolean
record_is_blank (GPtrArray *fields)
{
  return fields->len == 1 && *(const char *) g_ptr_array_index (fields, 0) == '\0';
}

static int
find_column (GPtrArray  *header,
             const char *name)
{
  if (name == NULL)
    return -1;
  for (guint i = 0; i < header->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (header, i), name) == 0)
      return i;
  return -1;
}

GPtrArray *
pd_reference_parse_csv (PdReferenceTable   table,
                        const char        *text,
                        gsize              length,
                        GError           **error)
{
  const TableLayout *layout;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) header = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *nul;
  const char *invalid;
  int col_code, col_label, col_parent, col_kind, col_amount;
  Cursor c;

  g_return_val_if_fail (table < PD_N_REFERENCE_TABLES, NULL);
  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  layout = &layouts[table];

  if (length >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    {
      text += 3;
      length -= 3;
    }

  if ((nul = memchr (text, '\0', length)) != NULL)
    {
      set_parse_error (error, table, line_of_offset (text, nul - text),
                       _("the file contains a NUL byte, so it is not a text file. Replace it with the CSV file exported as UTF-8 text."));
      return NULL;
    }
  if (!g_utf8_validate_len (text, length, &invalid))
    {
      set_parse_error (error, table, line_of_offset (text, invalid - text),
                       _("the text is not valid UTF-8. Save the file again with the UTF-8 encoding."));
      return NULL;
    }

  c.p = text;
  c.end = text + length;
  c.line = 1;

  do
    {
      if (!read_record (&c, table, header, error))
        return NULL;
    }
  while (record_is_blank (header));

  if (header->len == 0)
    {
      set_parse_error (error, table, c.line,
                       _("the file is empty. Restore the reference file from the installation or sync the reference data again."));
      return NULL;
    }

  col_code = find_column (header, layout->code);
  col_label = find_column (header, layout->label);
  col_parent = find_column (header, layout->parent);
  col_kind = find_column (header, layout->kind);
  col_amount = find_column (header, layout->amount);

  {
    const char *required[] = { layout->code, layout->label, layout->parent, layout->amount };
    const int found[] = { col_code, col_label, col_parent, col_amount };

    for (guint i = 0; i < G_N_ELEMENTS (required); i++)
      if (required[i] != NULL && found[i] < 0)
        {
          g_autofree char *detail =
            g_strdup_printf (_("the header has no “%s” column. The first line must name the columns, e.g. “%s,%s,…”."),
                             required[i], layout->code, layout->label);

          set_parse_error (error, table, 1, detail);
          return NULL;
        }
  }

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_reference_entry_free);

  for (;;)
    {
      guint line = c.line;
      const char *code, *label;
      const char *parent = NULL;
      const char *kind = NULL;
      guint64 amount = 0;

      if (!read_record (&c, table, fields, error))
        return NULL;
      if (fields->len == 0)
        break;
      if (record_is_blank (fields))
        continue;

      if (fields->len != header->len)
        {
          g_autofree char *detail =
            g_strdup_printf (_("expected %u fields but found %u. Check for a missing or extra comma, and put a field that contains a comma between double quotes."),
                             header->len, fields->len);

          set_parse_error (error, table, line, detail);
          return NULL;
        }

      code = g_ptr_array_index (fields, col_code);
      label = g_ptr_array_index (fields, col_label);
      if (col_parent >= 0)
        parent = g_ptr_array_index (fields, col_parent);
      if (col_kind >= 0 && *(const char *) g_ptr_array_index (fields, col_kind) != '\0')
        kind = g_ptr_array_index (fields, col_kind);

      if (*code == '\0' || *label == '\0' || (parent != NULL && *parent == '\0'))
        {
          set_parse_error (error, table, line,
                           _("a required field is empty. Fill in the code, the name and, for communes and fees, the parent column."));
          return NULL;
        }
      if (col_amount >= 0 &&
          !g_ascii_string_to_unsigned (g_ptr_array_index (fields, col_amount), 10, 0, G_MAXINT64,
                                       &amount, NULL))
        {
          set_parse_error (error, table, line,
                           _("the amount is not a whole number of đồng. Write it with digits only, e.g. 200000."));
          return NULL;
        }

      {
        PdReferenceEntry *entry = pd_reference_entry_new (code, label, parent, kind, (gint64) amount);

        if (!g_hash_table_add (seen, entry->code))
          {
            g_autofree char *detail =
              g_strdup_printf (_("the code “%s” appears twice. Keep only one line per code."), code);

            pd_reference_entry_free (entry);
            set_parse_error (error, table, line, detail);
            return NULL;
          }
        g_ptr_array_add (entries, entry);
      }
    }

  if (entries->len == 0)
    {
      set_parse_error (error, table, c.line,
                       _("the file has a header but no entries. Restore the reference file from the installation or sync the reference data again."));
      return NULL;
    }

  return g_steal_pointer (&entries);
}

/* Sorting by name: lists are shown to people who look for "Ba Đình" under B, so the sort key
 * drops the administrative prefix and the diacritics; the exact name breaks ties. */
typedef struct
{
  char             *key;
  PdReferenceEntry *entry;
} SortItem;

static char *
make_sort_key (const char *name)
{
  static const char *prefixes[] = { "thanh pho ", "tinh ", "phuong ", "xa ", "dac khu " };
  char *folded = pd_text_fold (name);

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (folded, prefixes[i]) && folded[strlen (prefixes[i])] != '\0')
      {
        memmove (folded, folded + strlen (prefixes[i]), strlen (folded) - strlen (prefixes[i]) + 1);
        break;
      }
  return folded;
}

static int
compare_sort_items (gconstpointer a,
                    gconstpointer b)
{
  const SortItem *ia = a;
  const SortItem *ib = b;
  int cmp;

  if ((cmp = strcmp (ia->key, ib->key)) != 0)
    return cmp;
  if ((cmp = strcmp (ia->entry->name, ib->entry->name)) != 0)
    return cmp;
  return strcmp (ia->entry->code, ib->entry->code);
}

void
pd_reference_set_table (PdReference      *self,
                        PdReferenceTable  table,
                        GPtrArray        *entries)
{
  Table *t;
  g_autofree SortItem *items = NULL;

  g_return_if_fail (PD_IS_REFERENCE (self));
  g_return_if_fail (table < PD_N_REFERENCE_TABLES);
  g_return_if_fail (entries != NULL);

  t = &self->tables[table];
  g_hash_table_remove_all (t->by_parent);
  g_hash_table_remove_all (t->by_code);
  g_ptr_array_set_size (t->entries, 0);

  items = g_new (SortItem, entries->len + 1);
  for (guint i = 0; i < entries->len; i++)
    {
      items[i].entry = g_ptr_array_index (entries, i);
      items[i].key = make_sort_key (items[i].entry->name);
    }
  qsort (items, entries->len, sizeof (SortItem), compare_sort_items);

  /* Take ownership of the entries without freeing them with @entries. */
  g_ptr_array_set_free_func (entries, NULL);
  for (guint i = 0; i < entries->len; i++)
    {
      PdReferenceEntry *entry = items[i].entry;

      g_free (items[i].key);
      if (g_hash_table_contains (t->by_code, entry->code))
        {
          g_warning ("Duplicate code %s in reference table %s; keeping the first",
                     entry->code, layouts[table].name);
          pd_reference_entry_free (entry);
          continue;
        }
      g_ptr_array_add (t->entries, entry);
      g_hash_table_insert (t->by_code, entry->code, entry);
      if (entry->parent != NULL)
        {
          GPtrArray *children = g_hash_table_lookup (t->by_parent, entry->parent);

          if (children == NULL)
            {
              children = g_ptr_array_new ();
              g_hash_table_insert (t->by_parent, entry->parent, children);
            }
          g_ptr_array_add (children, entry);
        }
    }
  g_ptr_array_set_size (entries, 0);
  g_ptr_array_unref (entries);

  g_signal_emit (self, signals[CHANGED], 0, (guint) table);
}

PdReference *
pd_reference_new_from_directory (const char  *directory,
                                 GError     **error)
{
  g_autoptr(PdReference) self = NULL;

  g_return_val_if_fail (directory != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = pd_reference_new ();

  for (guint i = 0; i < PD_N_REFERENCE_TABLES; i++)
    {
      g_autofree char *path = g_build_filename (directory, layouts[i].file_name, NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) local_error = NULL;
      GPtrArray *entries;
      gsize length;

      if (!g_file_get_contents (path, &contents, &length, &local_error))
        {
          if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            g_set_error (error, PD_REFERENCE_ERROR, PD_REFERENCE_ERROR_MISSING,
                         _("The reference file “%s” is missing. Reinstall Passdesk or sync the reference data again."),
                         path);
          else
            g_set_error (error, PD_REFERENCE_ERROR, PD_REFERENCE_ERROR_MISSING,
                         _("Cannot read the reference file “%s”: %s. Check that the file is readable."),
                         path, local_error->message);
          return NULL;
        }

      entries = pd_reference_parse_csv (i, contents, length, error);
      if (entries == NULL)
        return NULL;
      pd_reference_set_table (self, i, entries);
    }

  return g_steal_pointer (&self);
}

const PdReferenceEntry *
pd_reference_lookup (PdReference      *self,
                     PdReferenceTable  table,
                     const char       *code)
{
  g_return_val_if_fail (PD_IS_REFERENCE (self), NULL);
  g_return_val_if_fail (table < PD_N_REFERENCE_TABLES, NULL);

  if (code == NULL)
    return NULL;
  return g_hash_table_lookup (self->tables[table].by_code, code);
}

static GPtrArray *
get_rows (PdReference      *self,
          PdReferenceTable  table,
          const char       *parent)
{
  if (parent == NULL)
    return self->tables[table].entries;
  return g_hash_table_lookup (self->tables[table].by_parent, parent);
}

GPtrArray *
pd_reference_list (PdReference      *self,
                   PdReferenceTable  table,
                   const char       *parent)
{
  GPtrArray *rows;
  GPtrArray *copy;

  g_return_val_if_fail (PD_IS_REFERENCE (self), NULL);
  g_return_val_if_fail (table < PD_N_REFERENCE_TABLES, NULL);

  /* A plain copy: g_ptr_array_copy() would also copy the free function of the owning array. */
  rows = get_rows (self, table, parent);
  copy = g_ptr_array_sized_new (rows != NULL ? rows->len : 0);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    g_ptr_array_add (copy, g_ptr_array_index (rows, i));
  return copy;
}

guint
pd_reference_count (PdReference      *self,
                    PdReferenceTable  table)
{
  g_return_val_if_fail (PD_IS_REFERENCE (self), 0);
  g_return_val_if_fail (table < PD_N_REFERENCE_TABLES, 0);

  return self->tables[table].entries->len;
}

guint
pd_reference_count_children (PdReference      *self,
                             PdReferenceTable  table,
                             const char       *parent)
{
  GPtrArray *rows;

  g_return_val_if_fail (PD_IS_REFERENCE (self), 0);
  g_return_val_if_fail (table < PD_N_REFERENCE_TABLES, 0);

  rows = get_rows (self, table, parent);
  return rows != NULL ? rows->len : 0;
}

const PdReferenceEntry *
pd_reference_get_nth (PdReference      *self,
                      PdReferenceTable  table,
                      const char       *parent,
                      guint             n)
{
  GPtrArray *rows;

  g_return_val_if_fail (PD_IS_REFERENCE (self), NULL);
  g_return_val_if_fail (table < PD_N_REFERENCE_TABLES, NULL);

  rows = get_rows (self, table, parent);
  if (rows == NULL || n >= rows->len)
    return NULL;
  return g_ptr_array_index (rows, n);
}
