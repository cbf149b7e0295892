/* pd-mrz.c: ICAO 9303 machine readable zones, TD1 (ID card) and TD3 (passport). */
#define G_LOG_DOMAIN "pd-mrz"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-mrz.h"

G_DEFINE_QUARK (pd-mrz-error-quark, pd_mrz_error)

#define TD1_WIDTH 30
#define TD3_WIDTH 44

static int
char_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'Z')
    return c - 'A' + 10;
  return 0;  /* '<' */
}

char
pd_mrz_check_digit (const char *data,
                    gsize       length)
{
  static const int weights[3] = { 7, 3, 1 };
  int sum = 0;

  g_return_val_if_fail (data != NULL || length == 0, '0');

  for (gsize i = 0; i < length; i++)
    sum += char_value (data[i]) * weights[i % 3];
  return '0' + sum % 10;
}

/* The digit OCR reads as this letter, or 0 when the letter is not a known confusion. */
static char
confused_digit (char c)
{
  switch (c)
    {
    case 'O': return '0';
    case 'I': return '1';
    case 'Z': return '2';
    case 'S': return '5';
    case 'G': return '6';
    case 'B': return '8';
    default:  return 0;
    }
}

static void
append_check (PdMrz      *mrz,
              const char *name,
              const char *label,
              char        expected,
              char        found)
{
  /* ICAO lets an all-filler field carry '<' as its check digit. */
  PdMrzCheck check = { name, label, expected, found, expected == found || (found == '<' && expected == '0') };

  g_array_append_val (mrz->checks, check);
}

typedef struct {
  guint line;
  guint start;
  guint length;
} Span;

/* The check digit over @spans, as the document would have it after replacing confused letters
 * by digits (in the data when @numeric, and in the check digit itself). */
static char
check_over (PdMrz       *mrz,
            const Span  *spans,
            guint        n_spans,
            gboolean     numeric)
{
  char buffer[64];
  gsize len = 0;

  for (guint i = 0; i < n_spans; i++)
    for (guint j = 0; j < spans[i].length; j++)
      {
        char c = mrz->lines[spans[i].line][spans[i].start + j];

        if (numeric && confused_digit (c))
          c = confused_digit (c);
        buffer[len++] = c;
      }
  return pd_mrz_check_digit (buffer, len);
}

static void
apply_corrections (PdMrz      *mrz,
                   const char *name,
                   const Span *span)
{
  for (guint j = 0; j < span->length; j++)
    {
      char *c = &mrz->lines[span->line][span->start + j];
      PdMrzCorrection correction;

      if (!confused_digit (*c))
        continue;
      correction = (PdMrzCorrection) { name, span->line + 1, span->start + j + 1, *c, confused_digit (*c) };
      *c = correction.replacement;
      g_array_append_val (mrz->corrections, correction);
    }
}

static gboolean
has_confusion (PdMrz      *mrz,
               const Span *span)
{
  for (guint j = 0; j < span->length; j++)
    if (confused_digit (mrz->lines[span->line][span->start + j]))
      return TRUE;
  return FALSE;
}

/* Verifies the check digit at @check over @spans. When the data (if @numeric) or the check
 * digit hold confused letters and replacing them makes the check hold, the lines are corrected
 * and each replacement recorded; otherwise nothing is changed. */
static void
verify (PdMrz      *mrz,
        const char *name,
        const char *label,
        const Span *spans,
        guint       n_spans,
        Span        check,
        gboolean    numeric)
{
  char *found = &mrz->lines[check.line][check.start];
  gboolean confused = confused_digit (*found) != 0;

  for (guint i = 0; numeric && !confused && i < n_spans; i++)
    confused = has_confusion (mrz, &spans[i]);

  if (confused)
    {
      char digit = confused_digit (*found) ? confused_digit (*found) : *found;

      if (check_over (mrz, spans, n_spans, numeric) == digit)
        {
          for (guint i = 0; numeric && i < n_spans; i++)
            apply_corrections (mrz, name, &spans[i]);
          apply_corrections (mrz, name, &check);
        }
    }

  append_check (mrz, name, label, check_over (mrz, spans, n_spans, FALSE), *found);
}

/* The characters of @line from @start, '<' turned into spaces, trimmed, runs folded. */
static char *
text_field (const char *line,
            guint       start,
            guint       length)
{
  GString *out = g_string_sized_new (length);
  gboolean pending = FALSE;

  for (guint i = start; i < start + length; i++)
    {
      if (line[i] == '<')
        {
          pending = out->len > 0;
          continue;
        }
      if (pending)
        g_string_append_c (out, ' ');
      pending = FALSE;
      g_string_append_c (out, line[i]);
    }
  return g_string_free (out, FALSE);
}

static gboolean
all_digits (const char *p,
            guint       length)
{
  for (guint i = 0; i < length; i++)
    if (!g_ascii_isdigit (p[i]))
      return FALSE;
  return TRUE;
}

static char *
parse_date (const char *p,
            int         pivot_yy)
{
  int yy, month, day, year;

  if (!all_digits (p, 6))
    return NULL;
  yy = (p[0] - '0') * 10 + (p[1] - '0');
  month = (p[2] - '0') * 10 + (p[3] - '0');
  day = (p[4] - '0') * 10 + (p[5] - '0');
  year = (pivot_yy >= 0 && yy > pivot_yy ? 1900 : 2000) + yy;
  if (!g_date_valid_dmy (day, month, year))
    return NULL;
  return g_strdup_printf ("%04d-%02d-%02d", year, month, day);
}

/* Splits the primary and secondary identifiers: SURNAME<<GIVEN<NAMES. */
static void
parse_names (PdMrz      *mrz,
             const char *line,
             guint       start,
             guint       length)
{
  const char *field = line + start;
  const char *split = g_strstr_len (field, length, "<<");
  guint surname_length = split ? (guint) (split - field) : length;

  mrz->surname = text_field (line, start, surname_length);
  mrz->given_names = split ? text_field (line, start + surname_length, length - surname_length) : g_strdup ("");
}

static gboolean
parse_sex (PdMrz   *mrz,
           char     c,
           GError **error)
{
  switch (c)
    {
    case 'M':
      mrz->sex = g_strdup ("M");
      return TRUE;
    case 'F':
      mrz->sex = g_strdup ("F");
      return TRUE;
    case '<':
    case 'X':
      return TRUE;
    default:
      g_set_error (error, PD_MRZ_ERROR, PD_MRZ_ERROR_SEX,
                   _("The sex in the MRZ is “%c”, not M, F or <. Scan the document again."), c);
      return FALSE;
    }
}

static gboolean
parse_td1 (PdMrz   *mrz,
           int      pivot_yy,
           GError **error)
{
  const char *l1 = mrz->lines[0], *l2 = mrz->lines[1];
  const Span document_number = { 0, 5, 9 };
  const Span birth = { 1, 0, 6 };
  const Span expiry = { 1, 8, 6 };
  const Span composite[] = { { 0, 5, 25 }, { 1, 0, 7 }, { 1, 8, 7 }, { 1, 18, 11 } };
  gboolean vietnamese;
  g_autofree char *optional1 = NULL;
  g_autofree char *optional2 = NULL;

  if (l1[0] != 'I' && l1[0] != 'A' && l1[0] != 'C')
    {
      g_set_error (error, PD_MRZ_ERROR, PD_MRZ_ERROR_DOCUMENT_TYPE,
                   _("The MRZ has the shape of an ID card but its first line starts with “%c”, not I, A or C. "
                     "Scan the side of the card with the three MRZ lines."), l1[0]);
      return FALSE;
    }

  /* The Vietnamese card keeps the last 9 digits of the personal number as the document number
   * and the whole 12-digit number, with its check digit, in the optional data. */
  vietnamese = strncmp (l1 + 2, "VNM", 3) == 0;
  verify (mrz, "document_number", _("Document number"), &document_number, 1,
          (Span) { 0, 14, 1 }, vietnamese);
  if (vietnamese)
    {
      const Span id_number = { 0, 15, 12 };

      verify (mrz, "id_number", _("Personal identification number"), &id_number, 1,
              (Span) { 0, 29, 1 }, TRUE);
      if (all_digits (l1 + 15, 12))
        mrz->id_number = g_strndup (l1 + 15, 12);
    }
  verify (mrz, "birth_date", _("Date of birth"), &birth, 1, (Span) { 1, 6, 1 }, TRUE);
  verify (mrz, "expiry_date", _("Date of expiry"), &expiry, 1, (Span) { 1, 14, 1 }, TRUE);
  verify (mrz, "composite", _("Whole MRZ (composite)"), composite, G_N_ELEMENTS (composite),
          (Span) { 1, 29, 1 }, FALSE);

  mrz->document_type = text_field (l1, 0, 2);
  mrz->issuing_state = text_field (l1, 2, 3);
  mrz->document_number = text_field (l1, 5, 9);
  optional1 = text_field (l1, 15, 15);
  optional2 = text_field (l2, 18, 11);
  mrz->optional_data = g_strstrip (g_strjoin (" ", optional1, optional2, NULL));
  mrz->birth_date = parse_date (l2, pivot_yy);
  mrz->expiry_date = parse_date (l2 + 8, -1);
  mrz->nationality = text_field (l2, 15, 3);
  parse_names (mrz, mrz->lines[2], 0, TD1_WIDTH);
  return parse_sex (mrz, l2[7], error);
}

static gboolean
parse_td3 (PdMrz   *mrz,
           int      pivot_yy,
           GError **error)
{
  const char *l1 = mrz->lines[0], *l2 = mrz->lines[1];
  const Span document_number = { 1, 0, 9 };
  const Span birth = { 1, 13, 6 };
  const Span expiry = { 1, 21, 6 };
  const Span personal_number = { 1, 28, 14 };
  const Span composite[] = { { 1, 0, 10 }, { 1, 13, 7 }, { 1, 21, 22 } };

  if (l1[0] != 'P')
    {
      g_set_error (error, PD_MRZ_ERROR, PD_MRZ_ERROR_DOCUMENT_TYPE,
                   _("The MRZ has the shape of a passport but its first line starts with “%c”, not P. "
                     "Scan the photo page of the passport."), l1[0]);
      return FALSE;
    }

  /* Passport numbers have letters (Vietnam: one letter and 7 digits), so only the check digit
   * itself is numeric there. */
  verify (mrz, "document_number", _("Document number"), &document_number, 1, (Span) { 1, 9, 1 }, FALSE);
  verify (mrz, "birth_date", _("Date of birth"), &birth, 1, (Span) { 1, 19, 1 }, TRUE);
  verify (mrz, "expiry_date", _("Date of expiry"), &expiry, 1, (Span) { 1, 27, 1 }, TRUE);
  verify (mrz, "personal_number", _("Personal number"), &personal_number, 1, (Span) { 1, 42, 1 }, FALSE);
  verify (mrz, "composite", _("Whole MRZ (composite)"), composite, G_N_ELEMENTS (composite),
          (Span) { 1, 43, 1 }, FALSE);

  mrz->document_type = text_field (l1, 0, 2);
  mrz->issuing_state = text_field (l1, 2, 3);
  mrz->document_number = text_field (l2, 0, 9);
  mrz->optional_data = text_field (l2, 28, 14);
  mrz->birth_date = parse_date (l2 + 13, pivot_yy);
  mrz->expiry_date = parse_date (l2 + 21, -1);
  mrz->nationality = text_field (l2, 10, 3);
  parse_names (mrz, l1, 5, TD3_WIDTH - 5);
  return parse_sex (mrz, l2[20], error);
}

/* Splits @text into lines of MRZ characters, dropping white space and blank lines. */
static GPtrArray *
split_lines (const char  *text,
             gsize        length,
             gboolean    *upcased,
             GError     **error)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *line = g_string_new (NULL);
  guint line_number = 1, column = 0;

  for (gsize i = 0; i <= length; i++)
    {
      char c = i < length ? text[i] : '\n';

      column++;
      if (c == '\n' || c == '\r')
        {
          if (line->len > 0)
            {
              g_ptr_array_add (lines, g_string_free (line, FALSE));
              line = g_string_new (NULL);
            }
          if (c == '\n')
            {
              line_number++;
              column = 0;
            }
          continue;
        }
      if (c == ' ' || c == '\t')
        continue;
      if (c >= 'a' && c <= 'z')
        {
          *upcased = TRUE;
          c = g_ascii_toupper (c);
        }
      if (!g_ascii_isdigit (c) && !(c >= 'A' && c <= 'Z') && c != '<')
        {
          g_string_free (line, TRUE);
          if (g_ascii_isprint (c))
            g_set_error (error, PD_MRZ_ERROR, PD_MRZ_ERROR_CHARACTER,
                         _("Line %u, column %u of the MRZ has “%c”; an MRZ has only A–Z, 0–9 and <. "
                           "Scan the document again."), line_number, column, c);
          else
            g_set_error (error, PD_MRZ_ERROR, PD_MRZ_ERROR_CHARACTER,
                         _("Line %u, column %u of the MRZ has a character (byte 0x%02X) that no MRZ has; "
                           "an MRZ has only A–Z, 0–9 and <. Scan the document again."),
                         line_number, column, (guchar) c);
          return NULL;
        }
      g_string_append_c (line, c);
    }
  g_string_free (line, TRUE);
  return g_steal_pointer (&lines);
}

PdMrz *
pd_mrz_parse (const char  *text,
              gssize       length,
              GDate       *today,
              GError     **error)
{
  g_autoptr(PdMrz) mrz = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  gboolean upcased = FALSE;
  guint width = 0, n_lines;
  int pivot_yy;
  gboolean ok;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strnlen (text, PD_MRZ_MAX_LENGTH + 1);
  if (length > PD_MRZ_MAX_LENGTH)
    {
      g_set_error (error, PD_MRZ_ERROR, PD_MRZ_ERROR_TOO_LONG,
                   _("The scanned text is longer than %d bytes, more than any MRZ. "
                     "Scan only the machine readable zone."), PD_MRZ_MAX_LENGTH);
      return NULL;
    }

  lines = split_lines (text, length, &upcased, error);
  if (lines == NULL)
    return NULL;
  if (lines->len == 0)
    {
      g_set_error (error, PD_MRZ_ERROR, PD_MRZ_ERROR_EMPTY,
                   _("The scanned text is empty. Scan the machine readable zone of the document."));
      return NULL;
    }

  /* Some readers send the whole zone without line breaks. */
  if (lines->len == 1)
    {
      const char *all = g_ptr_array_index (lines, 0);
      gsize all_length = strlen (all);

      if (all_length == 3 * TD1_WIDTH || all_length == 2 * TD3_WIDTH)
        {
          g_autofree char *joined = g_strdup (all);

          width = all_length == 3 * TD1_WIDTH ? TD1_WIDTH : TD3_WIDTH;
          g_ptr_array_set_size (lines, 0);
          for (gsize i = 0; i < all_length; i += width)
            g_ptr_array_add (lines, g_strndup (joined + i, width));
        }
    }

  n_lines = lines->len;
  width = strlen (g_ptr_array_index (lines, 0));
  ok = (n_lines == 3 && width == TD1_WIDTH) || (n_lines == 2 && width == TD3_WIDTH);
  for (guint i = 1; ok && i < n_lines; i++)
    ok = strlen (g_ptr_array_index (lines, i)) == width;
  if (!ok)
    {
      g_autoptr(GString) lengths = g_string_new (NULL);

      for (guint i = 0; i < n_lines && i < 4; i++)
        g_string_append_printf (lengths, "%s%zu", i ? ", " : "", strlen (g_ptr_array_index (lines, i)));
      if (n_lines > 4)
        g_string_append (lengths, ", …");
      g_set_error (error, PD_MRZ_ERROR, PD_MRZ_ERROR_SHAPE,
                   ngettext ("The MRZ has %u line (%s characters); an ID card has 3 lines of 30 and a "
                             "passport 2 lines of 44. Scan the whole machine readable zone.",
                             "The MRZ has %u lines (%s characters); an ID card has 3 lines of 30 and a "
                             "passport 2 lines of 44. Scan the whole machine readable zone.", n_lines),
                   n_lines, lengths->str);
      return NULL;
    }

  mrz = g_new0 (PdMrz, 1);
  mrz->format = n_lines == 3 ? PD_MRZ_FORMAT_TD1 : PD_MRZ_FORMAT_TD3;
  mrz->upcased = upcased;
  for (guint i = 0; i < n_lines; i++)
    mrz->lines[i] = g_strdup (g_ptr_array_index (lines, i));
  mrz->checks = g_array_new (FALSE, FALSE, sizeof (PdMrzCheck));
  mrz->corrections = g_array_new (FALSE, FALSE, sizeof (PdMrzCorrection));

  if (today != NULL && g_date_valid (today))
    pivot_yy = g_date_get_year (today) % 100;
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      pivot_yy = g_date_time_get_year (now) % 100;
    }

  if (mrz->format == PD_MRZ_FORMAT_TD1)
    ok = parse_td1 (mrz, pivot_yy, error);
  else
    ok = parse_td3 (mrz, pivot_yy, error);
  if (!ok)
    return NULL;
  return g_steal_pointer (&mrz);
}

void
pd_mrz_free (PdMrz *mrz)
{
  if (mrz == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (mrz->lines); i++)
    g_free (mrz->lines[i]);
  g_free (mrz->document_type);
  g_free (mrz->issuing_state);
  g_free (mrz->document_number);
  g_free (mrz->id_number);
  g_free (mrz->optional_data);
  g_free (mrz->birth_date);
  g_free (mrz->sex);
  g_free (mrz->expiry_date);
  g_free (mrz->nationality);
  g_free (mrz->surname);
  g_free (mrz->given_names);
  g_clear_pointer (&mrz->checks, g_array_unref);
  g_clear_pointer (&mrz->corrections, g_array_unref);
  g_free (mrz);
}

gboolean
pd_mrz_is_valid (const PdMrz *mrz)
{
  g_return_val_if_fail (mrz != NULL, FALSE);

  for (guint i = 0; i < mrz->checks->len; i++)
    if (!g_array_index (mrz->checks, PdMrzCheck, i).ok)
      return FALSE;
  return mrz->birth_date != NULL && mrz->expiry_date != NULL;
}

char *
pd_mrz_name_from_vietnamese (const char *full_name,
                             guint       width)
{
  g_autofree char *valid = NULL;
  g_autofree char *nfd = NULL;
  GString *out;
  guint words = 0;
  gboolean in_word = FALSE;

  g_return_val_if_fail (full_name != NULL, NULL);

  valid = g_utf8_make_valid (full_name, -1);
  nfd = g_utf8_normalize (valid, -1, G_NORMALIZE_NFD);
  out = g_string_new (NULL);

  for (const char *p = nfd; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_ismark (c))
        continue;
      if (c == 0x0110 || c == 0x0111)  /* Đ đ have no decomposition */
        c = 'D';
      if (c < 0x80 && g_ascii_isalpha (c))
        {
          if (!in_word && words > 0)
            g_string_append (out, words == 1 ? "<<" : "<");
          if (!in_word)
            words++;
          in_word = TRUE;
          g_string_append_c (out, g_ascii_toupper (c));
        }
      else if (g_unichar_isalpha (c))
        continue;  /* a letter of another script has no MRZ form; it does not split a word */
      else
        in_word = FALSE;
    }

  if (width > 0 && out->len > width)
    g_string_truncate (out, width);
  return g_string_free (out, FALSE);
}
