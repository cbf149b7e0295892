/* pd-calendar.c: working days from holiday data. */
#define G_LOG_DOMAIN "pd-calendar"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-calendar.h"
#include "pd-dossier.h"

#define HOLIDAYS_FILE   "holidays-vn.csv"
#define PROCESSING_FILE "processing-times.ini"
#define PROCESSING_MAX_DAYS 60

struct _PdCalendar
{
  GObject     parent_instance;

  /* julian day (guint) -> PdCalendarDay */
  GHashTable *days;
  guint       last_year;
  guint       processing_days[PD_N_PROCESSING];
};

G_DEFINE_TYPE (PdCalendar, pd_calendar, G_TYPE_OBJECT)

G_DEFINE_QUARK (pd-calendar-error-quark, pd_calendar_error)

/* What the law sets as the longest; the data file may promise less. */
static const guint default_processing_days[PD_N_PROCESSING] = { 8, 5, 3 };

static const char *processing_names[PD_N_PROCESSING] = { "provincial", "central", "urgent" };

static const char *kind_names[] = {
  [PD_CALENDAR_DAY_HOLIDAY]      = "holiday",
  [PD_CALENDAR_DAY_COMPENSATORY] = "compensatory",
  [PD_CALENDAR_DAY_SWAP_OFF]     = "swap_off",
  [PD_CALENDAR_DAY_WORKDAY]      = "workday",
};

static void
calendar_day_free (PdCalendarDay *day)
{
  g_free (day->name);
  g_free (day->note);
  g_free (day);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCalendarDay, calendar_day_free)

static void
pd_calendar_finalize (GObject *object)
{
  PdCalendar *self = PD_CALENDAR (object);

  g_clear_pointer (&self->days, g_hash_table_unref);

  G_OBJECT_CLASS (pd_calendar_parent_class)->finalize (object);
}

static void
pd_calendar_class_init (PdCalendarClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pd_calendar_finalize;
}

static void
pd_calendar_init (PdCalendar *self)
{
  self->days = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) calendar_day_free);
  memcpy (self->processing_days, default_processing_days, sizeof self->processing_days);
}

PdCalendar *
pd_calendar_new (void)
{
  return g_object_new (PD_TYPE_CALENDAR, NULL);
}

const char *
pd_calendar_get_default_directory (void)
{
  static char *directory;

  if (g_once_init_enter (&directory))
    {
      const char *env = g_getenv ("PASSDESK_DATA_DIR");
      char *found;

      if (env != NULL && *env != '\0')
        found = g_build_filename (env, "calendar", NULL);
      else if (g_file_test (PKGDATADIR "/calendar", G_FILE_TEST_IS_DIR))
        found = g_strdup (PKGDATADIR "/calendar");
      else
        found = g_strdup (SOURCE_DATADIR "/calendar");
      g_once_init_leave (&directory, found);
    }

  return directory;
}

static gboolean
load_file (PdCalendar  *self,
           const char  *directory,
           const char  *name,
           gboolean   (*load) (PdCalendar *, const char *, gssize, GError **),
           GError     **error)
{
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  if (!g_file_get_contents (path, &text, &length, &local_error))
    {
      g_set_error (error, PD_CALENDAR_ERROR, PD_CALENDAR_ERROR_MISSING,
                   _("Cannot read the calendar file “%s”: %s. Reinstall Passdesk or restore the file."),
                   path, local_error->message);
      return FALSE;
    }
  if (!load (self, text, length, &local_error))
    {
      g_set_error (error, PD_CALENDAR_ERROR, PD_CALENDAR_ERROR_PARSE,
                   _("The calendar file “%s” is damaged: %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

PdCalendar *
pd_calendar_new_from_directory (const char  *directory,
                                GError     **error)
{
  g_autoptr(PdCalendar) self = pd_calendar_new ();

  g_return_val_if_fail (directory != NULL, NULL);

  if (!load_file (self, directory, HOLIDAYS_FILE, pd_calendar_load_days, error) ||
      !load_file (self, directory, PROCESSING_FILE, pd_calendar_load_processing, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* One CSV record: fields separated by commas, double quotes around fields that hold commas,
 * "" for a quote inside them. */
static GPtrArray *
split_csv_line (const char *line)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (const char *p = line; ; p++)
    {
      if (quoted)
        {
          if (*p == '\0')
            break;
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
      else if (*p == ',' || *p == '\0')
        {
          g_ptr_array_add (fields, g_strdup (g_strstrip (field->str)));
          g_string_truncate (field, 0);
          if (*p == '\0')
            break;
        }
      else
        g_string_append_c (field, *p);
    }

  g_string_free (field, TRUE);
  if (quoted)
    g_clear_pointer (&fields, g_ptr_array_unref);
  return fields;
}

gboolean
pd_calendar_load_days (PdCalendar  *self,
                       const char  *text,
                       gssize       length,
                       GError     **error)
{
  g_autoptr(GHashTable) days = NULL;
  g_autofree char *copy = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean header_seen = FALSE;
  guint last_year = 0;

  g_return_val_if_fail (PD_IS_CALENDAR (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  copy = length < 0 ? g_strdup (text) : g_strndup (text, length);
  if (!g_utf8_validate (copy, -1, NULL))
    {
      g_set_error_literal (error, PD_CALENDAR_ERROR, PD_CALENDAR_ERROR_PARSE,
                           _("The holiday list is not UTF-8 text."));
      return FALSE;
    }

  days = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) calendar_day_free);
  lines = g_strsplit (copy, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      g_autoptr(GPtrArray) fields = NULL;
      g_autoptr(PdCalendarDay) day = NULL;
      const char *kind, *status;
      gpointer key;
      guint k;

      if (*line == '\0' || *line == '#')
        continue;
      fields = split_csv_line (line);
      if (fields == NULL || fields->len < 4)
        {
          g_set_error (error, PD_CALENDAR_ERROR, PD_CALENDAR_ERROR_PARSE,
                       _("Line %u of the holiday list needs date, name, kind and status."), i + 1);
          return FALSE;
        }
      if (!header_seen)
        {
          header_seen = TRUE;
          if (g_str_equal (g_ptr_array_index (fields, 0), "date"))
            continue;
        }

      day = g_new0 (PdCalendarDay, 1);
      if (!pd_parse_iso_date (g_ptr_array_index (fields, 0), &day->date))
        {
          g_set_error (error, PD_CALENDAR_ERROR, PD_CALENDAR_ERROR_PARSE,
                       _("Line %u of the holiday list has the date “%s”; write it as YYYY-MM-DD."),
                       i + 1, (const char *) g_ptr_array_index (fields, 0));
          return FALSE;
        }
      day->name = g_strdup (g_ptr_array_index (fields, 1));

      kind = g_ptr_array_index (fields, 2);
      for (k = 0; k < G_N_ELEMENTS (kind_names); k++)
        if (g_str_equal (kind, kind_names[k]))
          break;
      if (k == G_N_ELEMENTS (kind_names))
        {
          g_set_error (error, PD_CALENDAR_ERROR, PD_CALENDAR_ERROR_PARSE,
                       _("Line %u of the holiday list has the kind “%s”; use holiday, compensatory, swap_off or workday."),
                       i + 1, kind);
          return FALSE;
        }
      day->kind = k;

      status = g_ptr_array_index (fields, 3);
      if (!g_str_equal (status, "verified") && !g_str_equal (status, "unverified"))
        {
          g_set_error (error, PD_CALENDAR_ERROR, PD_CALENDAR_ERROR_PARSE,
                       _("Line %u of the holiday list has the status “%s”; use verified or unverified."),
                       i + 1, status);
          return FALSE;
        }
      day->verified = g_str_equal (status, "verified");
      if (fields->len > 4 && *(const char *) g_ptr_array_index (fields, 4) != '\0')
        day->note = g_strdup (g_ptr_array_index (fields, 4));

      key = GUINT_TO_POINTER (g_date_get_julian (&day->date));
      if (g_hash_table_contains (days, key))
        {
          g_set_error (error, PD_CALENDAR_ERROR, PD_CALENDAR_ERROR_PARSE,
                       _("Line %u of the holiday list repeats a date; keep one line per date."), i + 1);
          return FALSE;
        }
      last_year = MAX (last_year, g_date_get_year (&day->date));
      g_hash_table_insert (days, key, g_steal_pointer (&day));
    }

  g_clear_pointer (&self->days, g_hash_table_unref);
  self->days = g_steal_pointer (&days);
  self->last_year = last_year;
  return TRUE;
}

gboolean
pd_calendar_load_processing (PdCalendar  *self,
                             const char  *text,
                             gssize       length,
                             GError     **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  guint days[PD_N_PROCESSING];

  g_return_val_if_fail (PD_IS_CALENDAR (self), FALSE);

  if (!g_key_file_load_from_data (key_file, text, length < 0 ? strlen (text) : (gsize) length,
                                  G_KEY_FILE_NONE, error))
    return FALSE;

  for (guint i = 0; i < PD_N_PROCESSING; i++)
    {
      g_autoptr(GError) local_error = NULL;
      int value = g_key_file_get_integer (key_file, "processing", processing_names[i], &local_error);

      if (local_error != NULL || value < 1 || value > PROCESSING_MAX_DAYS)
        {
          g_set_error (error, PD_CALENDAR_ERROR, PD_CALENDAR_ERROR_PARSE,
                       _("Set “%s” in the [processing] group to a number of working days from 1 to %d."),
                       processing_names[i], PROCESSING_MAX_DAYS);
          return FALSE;
        }
      days[i] = value;
    }

  memcpy (self->processing_days, days, sizeof days);
  return TRUE;
}

const PdCalendarDay *
pd_calendar_lookup (PdCalendar  *self,
                    const GDate *date)
{
  g_return_val_if_fail (PD_IS_CALENDAR (self), NULL);
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  return g_hash_table_lookup (self->days, GUINT_TO_POINTER (g_date_get_julian (date)));
}

gboolean
pd_calendar_is_working_day (PdCalendar  *self,
                            const GDate *date)
{
  const PdCalendarDay *day = pd_calendar_lookup (self, date);
  GDateWeekday weekday;

  if (day != NULL)
    return day->kind == PD_CALENDAR_DAY_WORKDAY;

  weekday = g_date_get_weekday (date);
  return weekday != G_DATE_SATURDAY && weekday != G_DATE_SUNDAY;
}

GDate
pd_calendar_add_working_days (PdCalendar  *self,
                              const GDate *start,
                              guint        n)
{
  GDate date;

  g_date_clear (&date, 1);
  g_return_val_if_fail (PD_IS_CALENDAR (self), date);
  g_return_val_if_fail (start != NULL && g_date_valid (start), date);

  date = *start;
  while (n > 0)
    {
      g_date_add_days (&date, 1);
      if (pd_calendar_is_working_day (self, &date))
        n--;
    }
  return date;
}

gboolean
pd_calendar_is_range_verified (PdCalendar  *self,
                               const GDate *start,
                               const GDate *end)
{
  guint first, last;

  g_return_val_if_fail (PD_IS_CALENDAR (self), FALSE);
  g_return_val_if_fail (start != NULL && g_date_valid (start), FALSE);
  g_return_val_if_fail (end != NULL && g_date_valid (end), FALSE);

  if (g_date_get_year (end) > self->last_year)
    return FALSE;

  first = g_date_get_julian (start) + 1;
  last = g_date_get_julian (end);
  for (guint julian = first; julian <= last; julian++)
    {
      const PdCalendarDay *day = g_hash_table_lookup (self->days, GUINT_TO_POINTER (julian));

      if (day != NULL && !day->verified)
        return FALSE;
    }
  return TRUE;
}

guint
pd_calendar_get_last_year (PdCalendar *self)
{
  g_return_val_if_fail (PD_IS_CALENDAR (self), 0);
  return self->last_year;
}

guint
pd_calendar_get_processing_days (PdCalendar   *self,
                                 PdProcessing  processing)
{
  g_return_val_if_fail (PD_IS_CALENDAR (self), 0);
  g_return_val_if_fail (processing < PD_N_PROCESSING, 0);
  return self->processing_days[processing];
}

GDate
pd_calendar_get_ready_date (PdCalendar   *self,
                            const GDate  *accepted,
                            PdProcessing  processing)
{
  return pd_calendar_add_working_days (self, accepted,
                                       pd_calendar_get_processing_days (self, processing));
}

const char *
pd_processing_to_string (PdProcessing processing)
{
  g_return_val_if_fail (processing < PD_N_PROCESSING, NULL);
  return processing_names[processing];
}

PdProcessing
pd_processing_from_string (const char *text)
{
  for (guint i = 0; text != NULL && i < PD_N_PROCESSING; i++)
    if (g_str_equal (text, processing_names[i]))
      return i;
  return PD_N_PROCESSING;
}
