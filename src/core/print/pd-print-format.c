/* pd-print-format.c: money and dates on printed papers. */
#define G_LOG_DOMAIN "pd-print"

#include "config.h"

#include <string.h>

#include "pd-print-format.h"

static const char *digit_words[10] = {
  "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
};

char *
pd_print_format_money (gint64 amount)
{
  char digits[32];
  GString *out = g_string_new (NULL);
  gsize length;
  guint64 magnitude = amount < 0 ? -(guint64) amount : (guint64) amount;

  g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, magnitude);
  length = strlen (digits);
  if (amount < 0)
    g_string_append_c (out, '-');
  for (gsize i = 0; i < length; i++)
    {
      if (i > 0 && (length - i) % 3 == 0)
        g_string_append_c (out, '.');
      g_string_append_c (out, digits[i]);
    }
  g_string_append (out, " đ");
  return g_string_free (out, FALSE);
}

/* Reads a group of three digits. @full: a group that follows a higher group, which is read
 * with all its places ("không trăm linh năm" for 5 after "một triệu"). */
static void
append_group (GString  *out,
              guint     group,
              gboolean  full)
{
  guint hundreds = group / 100;
  guint tens = group / 10 % 10;
  guint units = group % 10;

  if (out->len > 0)
    g_string_append_c (out, ' ');

  if (hundreds > 0 || full)
    {
      g_string_append_printf (out, "%s trăm", digit_words[hundreds]);
      if (tens == 0 && units == 0)
        return;
      g_string_append_c (out, ' ');
    }

  if (tens == 0)
    {
      if (hundreds > 0 || full)
        g_string_append (out, "linh ");
      g_string_append (out, digit_words[units]);
      return;
    }

  if (tens == 1)
    g_string_append (out, "mười");
  else
    g_string_append_printf (out, "%s mươi", digit_words[tens]);

  if (units == 1 && tens > 1)
    g_string_append (out, " mốt");
  else if (units == 5)
    g_string_append (out, " lăm");
  else if (units > 0)
    g_string_append_printf (out, " %s", digit_words[units]);
}

/* Below one billion: groups of thousands and millions. @full as for append_group(). */
static void
append_below_billion (GString  *out,
                      guint     number,
                      gboolean  full)
{
  static const char *scales[] = { "triệu", "nghìn", NULL };
  guint groups[3] = { number / 1000000, number / 1000 % 1000, number % 1000 };

  for (guint i = 0; i < 3; i++)
    {
      if (groups[i] == 0)
        continue;
      append_group (out, groups[i], full);
      if (scales[i] != NULL)
        g_string_append_printf (out, " %s", scales[i]);
      full = TRUE;
    }
}

/* Billions (tỷ) repeat: 10^18 is "một tỷ tỷ". */
static void
append_number (GString  *out,
               guint64   number,
               gboolean  full)
{
  guint64 billions = number / 1000000000;
  guint rest = number % 1000000000;

  if (billions > 0)
    {
      append_number (out, billions, full);
      g_string_append (out, " tỷ");
      full = TRUE;
    }
  if (rest > 0)
    append_below_billion (out, rest, full);
}

char *
pd_print_amount_in_words (gint64 amount)
{
  GString *out;
  gunichar first;
  char first_upper[8];
  int first_length;
  const char *after_first;

  g_return_val_if_fail (amount >= 0, NULL);

  out = g_string_new (NULL);
  if (amount == 0)
    g_string_append (out, digit_words[0]);
  else
    append_number (out, (guint64) amount, FALSE);
  g_string_append (out, " đồng");

  first = g_utf8_get_char (out->str);
  after_first = g_utf8_next_char (out->str);
  first_length = g_unichar_to_utf8 (g_unichar_toupper (first), first_upper);
  g_string_erase (out, 0, after_first - out->str);
  g_string_insert_len (out, 0, first_upper, first_length);
  return g_string_free (out, FALSE);
}

char *
pd_print_format_date (const GDate *date)
{
  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  return g_strdup_printf ("%02u/%02u/%04u", g_date_get_day (date), g_date_get_month (date),
                          g_date_get_year (date));
}

char *
pd_print_format_date_time (GDateTime *time)
{
  g_return_val_if_fail (time != NULL, NULL);

  return g_date_time_format (time, "%H:%M %d/%m/%Y");
}
