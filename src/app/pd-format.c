/* pd-format.c: how the app shows and reads values (dates the Vietnamese way, masked IDs). */
#define G_LOG_DOMAIN "pd-format"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "pd-format.h"
#include "pd-print-format.h"

static gboolean
read_number (const char **p,
             guint        max_digits,
             guint       *value)
{
  guint n = 0;

  *value = 0;
  while (n < max_digits && g_ascii_isdigit (**p))
    {
      *value = *value * 10 + (guint) (**p - '0');
      (*p)++;
      n++;
    }
  return n > 0;
}

char *
pd_format_parse_date (const char *text)
{
  g_autofree char *stripped = NULL;
  const char *p;
  guint day, month, year;

  if (text == NULL)
    return NULL;

  stripped = g_strstrip (g_strdup (text));
  p = stripped;

  if (strlen (stripped) == 8 && strspn (stripped, "0123456789") == 8)
    {
      /* DDMMYYYY, as printed on the ID card's QR code and as some officers type it. */
      day = (guint) ((p[0] - '0') * 10 + (p[1] - '0'));
      month = (guint) ((p[2] - '0') * 10 + (p[3] - '0'));
      year = (guint) g_ascii_strtoull (p + 4, NULL, 10);
    }
  else
    {
      char sep;

      if (!read_number (&p, 2, &day))
        return NULL;
      sep = *p;
      if (sep != '/' && sep != '-' && sep != '.')
        return NULL;
      p++;
      if (!read_number (&p, 2, &month) || *p != sep)
        return NULL;
      p++;
      if (!read_number (&p, 4, &year) || *p != '\0' || year < 1000)
        return NULL;
    }

  if (year < 1 || year > 9999 || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return NULL;

  return g_strdup_printf ("%04u-%02u-%02u", year, month, day);
}

char *
pd_format_display_date (const char *iso)
{
  guint year, month, day;

  if (iso == NULL)
    return NULL;
  if (strlen (iso) == 10 && iso[4] == '-' && iso[7] == '-' &&
      sscanf (iso, "%4u-%2u-%2u", &year, &month, &day) == 3)
    return g_strdup_printf ("%02u/%02u/%04u", day, month, year);
  return g_strdup (iso);
}

char *
pd_format_display_money (const char *digits)
{
  guint64 amount;

  if (digits == NULL || !g_ascii_string_to_unsigned (digits, 10, 0, G_MAXINT64, &amount, NULL))
    return g_strdup (digits);
  return pd_print_format_money ((gint64) amount);
}

char *
pd_format_parse_money (const char *text)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  g_autofree char *trimmed = NULL;

  if (text == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (text));
  /* The currency as printed, or as typed from a keyboard without Vietnamese. */
  if (g_str_has_suffix (trimmed, "đ"))
    trimmed[strlen (trimmed) - strlen ("đ")] = '\0';
  else if (g_str_has_suffix (trimmed, "d"))
    trimmed[strlen (trimmed) - 1] = '\0';
  for (const char *p = trimmed; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (*p != '.' && *p != ' ')
        return NULL;
    }
  return digits->len > 0 ? g_string_free (g_steal_pointer (&digits), FALSE) : NULL;
}

char *
pd_format_mask_id_number (const char *id_number)
{
  GString *masked;
  gsize len;

  if (id_number == NULL || *id_number == '\0')
    return g_strdup ("");

  len = strlen (id_number);
  masked = g_string_new (NULL);
  for (gsize i = 0; i + 4 < len; i++)
    g_string_append (masked, "•");
  g_string_append (masked, id_number + (len > 4 ? len - 4 : 0));
  return g_string_free (masked, FALSE);
}

gint64
pd_format_start_of_day (GDateTime *now)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (now);
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (local),
                                                         g_date_time_get_month (local),
                                                         g_date_time_get_day_of_month (local),
                                                         0, 0, 0);

  return g_date_time_to_unix (midnight);
}

char *
pd_format_contact (PdDossier *dossier)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  const char *phone = pd_dossier_get_field (dossier, PD_FIELD_PHONE);
  const char *email = pd_dossier_get_field (dossier, PD_FIELD_EMAIL);
  const char *address = pd_dossier_get_field (dossier, PD_FIELD_CURRENT_ADDRESS);

  if (address == NULL || *address == '\0')
    address = pd_dossier_get_field (dossier, PD_FIELD_PERMANENT_ADDRESS);
  if (pd_dossier_get_purged (dossier))
    return g_strdup (_("The personal data was erased: look the citizen up with the receipt number"));
  if (phone != NULL && *phone != '\0')
    g_ptr_array_add (parts, g_strdup_printf (_("Phone %s"), phone));
  if (email != NULL && *email != '\0')
    g_ptr_array_add (parts, g_strdup_printf (_("E-mail %s"), email));
  if (address != NULL && *address != '\0')
    g_ptr_array_add (parts, g_strdup_printf (_("Address %s"), address));
  if (parts->len == 0)
    return g_strdup (_("No phone, e-mail or address on the application"));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

char *
pd_format_rejection (PdDossier *dossier)
{
  const char *reason = pd_dossier_get_status_reason (dossier);
  g_autofree char *contact = pd_format_contact (dossier);

  /* Translators: the first %s is the central system's reason, the second how to reach the
   * citizen (phone, e-mail, address). */
  return g_strdup_printf (_("Reason: %s\nContact: %s"),
                          reason != NULL && *reason != '\0' ? reason : _("none given; ask the central office"),
                          contact);
}
