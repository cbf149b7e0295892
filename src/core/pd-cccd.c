/* pd-cccd.c: the QR code on the back of the chip ID card.
 *
 * Counters scan thousands of cards a day and the parser also runs over whole exports, so the
 * common path makes one allocation and calls the Unicode normaliser only for text that is not
 * already composed.
 */
#define G_LOG_DOMAIN "pd-cccd"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-cccd.h"
#include "pd-dossier.h"
#include "pd-text.h"

G_DEFINE_QUARK (pd-cccd-error-quark, pd_cccd_error)

/* 7 fields plus a generous number of unknown extras; more is not an ID card. */
#define MAX_FIELDS 32

typedef struct {
  const char *p;
  gsize       len;
} Slice;

static Slice
trim (const char *p,
      gsize       len)
{
  Slice s = { p, len };

  while (s.len > 0 && g_ascii_isspace (s.p[0]))
    {
      s.p++;
      s.len--;
    }
  while (s.len > 0 && g_ascii_isspace (s.p[s.len - 1]))
    s.len--;
  return s;
}

static gboolean
all_digits (Slice s)
{
  for (gsize i = 0; i < s.len; i++)
    if (!g_ascii_isdigit (s.p[i]))
      return FALSE;
  return s.len > 0;
}

static gboolean
has_digit (Slice s)
{
  for (gsize i = 0; i < s.len; i++)
    if (g_ascii_isdigit (s.p[i]))
      return TRUE;
  return FALSE;
}

/* Only white space, Unicode's (no-break space...) included, which the copy would drop. */
static gboolean
is_blank (Slice s)
{
  for (gsize i = 0; i < s.len; i = g_utf8_next_char (s.p + i) - s.p)
    if (!g_unichar_isspace (g_utf8_get_char (s.p + i)))
      return FALSE;
  return TRUE;
}

static int
two_digits (const char *p)
{
  return (p[0] - '0') * 10 + (p[1] - '0');
}

/* ddmmyyyy to YYYY-MM-DD. */
static gboolean
parse_date8 (Slice  s,
             char   iso[11])
{
  int day, month, year;

  if (s.len != 8 || !all_digits (s))
    return FALSE;
  day = two_digits (s.p);
  month = two_digits (s.p + 2);
  year = two_digits (s.p + 4) * 100 + two_digits (s.p + 6);
  if (year < 1900 || year > 2100 || !g_date_valid_dmy (day, month, year))
    return FALSE;

  memcpy (iso, s.p + 4, 4);
  iso[4] = '-';
  memcpy (iso + 5, s.p + 2, 2);
  iso[7] = '-';
  memcpy (iso + 8, s.p, 2);
  iso[10] = '\0';
  return TRUE;
}

static const char *
parse_sex (Slice s)
{
  g_autofree char *copy = NULL;
  g_autofree char *folded = NULL;

  /* The card prints "Nam" or "Nữ" (composed); anything else goes through folding, which
   * also accepts capitals and decomposed marks. */
  if (s.len == 3 && memcmp (s.p, "Nam", 3) == 0)
    return "M";
  if (s.len == 4 && memcmp (s.p, "N\xe1\xbb\xaf", 4) == 0)
    return "F";

  copy = g_strndup (s.p, s.len);
  folded = pd_text_fold (copy);
  if (g_str_equal (folded, "nam"))
    return "M";
  if (g_str_equal (folded, "nu"))
    return "F";
  return NULL;
}

/* TRUE when @s is certainly NFC: every code point lies below the combining marks (U+0300) or
 * in Latin Extended Additional, where the precomposed Vietnamese letters are. Either way no
 * character can decompose or combine with its neighbour. */
static gboolean
is_plain_nfc (Slice s)
{
  for (gsize i = 0; i < s.len;)
    {
      guchar b = s.p[i];
      gunichar c;

      if (b < 0x80)
        {
          i++;
          continue;
        }
      c = g_utf8_get_char (s.p + i);
      if (c >= 0x300 && (c < 0x1E00 || c > 0x1EFF))
        return FALSE;
      i += g_utf8_skip[b];
    }
  return TRUE;
}

/* Copies @s into @dest with each run of white space folded to one space and none at either
 * end, as PdDossier stores values. Never writes more than s.len bytes plus a NUL. */
static gsize
copy_folding_spaces (char  *dest,
                     Slice  s)
{
  gsize out = 0;
  gboolean pending = FALSE;

  for (gsize i = 0; i < s.len;)
    {
      guchar b = s.p[i];
      gsize n = b < 0x80 ? 1 : g_utf8_skip[b];
      gboolean space = b < 0x80 ? g_ascii_isspace (b) : g_unichar_isspace (g_utf8_get_char (s.p + i));

      if (space)
        pending = out > 0;
      else
        {
          if (pending)
            dest[out++] = ' ';
          pending = FALSE;
          memcpy (dest + out, s.p + i, n);
          out += n;
        }
      i += n;
    }
  dest[out] = '\0';
  return out;
}

/* A short quote of a bad value for an error message; the full value may be 1 KB. */
static char *
excerpt (Slice s)
{
  gsize len = s.len;

  if (len <= 24)
    return g_strndup (s.p, len);
  len = 24;
  while (len > 0 && ((guchar) s.p[len] & 0xC0) == 0x80)
    len--;
  return g_strdup_printf ("%.*s…", (int) len, s.p);
}

typedef struct {
  Slice           id;
  Slice           old_id;
  Slice           name;
  Slice           birth;
  Slice           sex;
  Slice           address;
  Slice           issue;
  const Slice    *extras;
  guint           n_extras;
  PdCccdWarnings  warnings;
} Layout;

/* Finds each field by its shape. The old ID is the field after the ID number when that one is
 * empty or all digits; otherwise the card has no old ID field and the name follows the ID. */
static gboolean
find_layout (const Slice *fields,
             guint        n_fields,
             Layout      *layout,
             GError     **error)
{
  guint i = 1;

  if (n_fields < 6)
    {
      g_set_error (error, PD_CCCD_ERROR, PD_CCCD_ERROR_FIELD_COUNT,
                   ngettext ("The scanned text has %u field separated by “|”, an ID card QR code has 7. "
                             "Scan the QR code on the back of the ID card.",
                             "The scanned text has %u fields separated by “|”, an ID card QR code has 7. "
                             "Scan the QR code on the back of the ID card.", n_fields),
                   n_fields);
      return FALSE;
    }

  layout->id = fields[0];
  if (layout->id.len != 12 || !all_digits (layout->id))
    {
      g_autofree char *quoted = excerpt (layout->id);

      g_set_error (error, PD_CCCD_ERROR, PD_CCCD_ERROR_ID_NUMBER,
                   _("The ID number must have 12 digits, the QR code has “%s”. "
                     "Scan the card again or type the number from the card."), quoted);
      return FALSE;
    }

  if (fields[1].len == 0 || all_digits (fields[1]))
    {
      layout->old_id = fields[1];
      if (layout->old_id.len != 0 && layout->old_id.len != 9 && layout->old_id.len != 12)
        {
          g_autofree char *quoted = excerpt (layout->old_id);

          g_set_error (error, PD_CCCD_ERROR, PD_CCCD_ERROR_OLD_ID,
                       _("The old ID number must have 9 or 12 digits, the QR code has “%s”. "
                         "Scan the card again."), quoted);
          return FALSE;
        }
      if (layout->old_id.len == 0)
        layout->warnings |= PD_CCCD_WARNING_NO_OLD_ID;
      i = 2;
    }
  else
    layout->warnings |= PD_CCCD_WARNING_NO_OLD_ID;

  if (n_fields < i + 4)
    {
      g_set_error (error, PD_CCCD_ERROR, PD_CCCD_ERROR_FIELD_COUNT,
                   _("The scanned text has no address field. Scan the QR code on the back of the ID card again."));
      return FALSE;
    }

  layout->name = fields[i];
  if (is_blank (layout->name) || has_digit (layout->name))
    {
      g_autofree char *quoted = excerpt (layout->name);

      g_set_error (error, PD_CCCD_ERROR, PD_CCCD_ERROR_NAME,
                   _("The full name “%s” is empty or contains digits. "
                     "Scan the card again or type the name from the card."), quoted);
      return FALSE;
    }
  layout->birth = fields[i + 1];
  layout->sex = fields[i + 2];
  layout->address = fields[i + 3];
  if (is_blank (layout->address))
    {
      g_set_error (error, PD_CCCD_ERROR, PD_CCCD_ERROR_ADDRESS,
                   _("The address on the card is empty. Type the permanent address from the card."));
      return FALSE;
    }

  if (n_fields > i + 4)
    {
      layout->issue = fields[i + 4];
      layout->extras = fields + i + 5;
      layout->n_extras = n_fields - (i + 5);
    }
  else
    layout->warnings |= PD_CCCD_WARNING_NO_ISSUE_DATE;

  if (n_fields == 6)
    layout->warnings |= PD_CCCD_WARNING_SIX_FIELDS;
  return TRUE;
}

PdCccd *
pd_cccd_parse (const char  *text,
               gssize       length,
               GError     **error)
{
  Slice fields[MAX_FIELDS];
  guint n_fields = 0;
  Layout layout = { 0 };
  Slice all;
  char birth_iso[11], issue_iso[11] = "";
  const char *sex;
  g_autofree char *name_nfc = NULL;
  g_autofree char *address_nfc = NULL;
  Slice name, address;
  gsize size, n_kept_extras = 0;
  PdCccd *card;
  char *strings;
  const char *start;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strnlen (text, PD_CCCD_MAX_LENGTH + 1);
  if (length > PD_CCCD_MAX_LENGTH)
    {
      g_set_error (error, PD_CCCD_ERROR, PD_CCCD_ERROR_TOO_LONG,
                   _("The scanned text is longer than %d bytes, more than any ID card QR code holds. "
                     "Scan the QR code on the back of the ID card."),
                   PD_CCCD_MAX_LENGTH);
      return NULL;
    }
  if (length > 0 && memchr (text, '\0', length) != NULL)
    {
      g_set_error (error, PD_CCCD_ERROR, PD_CCCD_ERROR_NUL_BYTE,
                   _("The scanned text contains a NUL byte, which no ID card QR code has. "
                     "Scan the card again."));
      return NULL;
    }
  if (!g_utf8_validate_len (text, length, NULL))
    {
      g_set_error (error, PD_CCCD_ERROR, PD_CCCD_ERROR_ENCODING,
                   _("The scanned text is not valid UTF-8. Check that the scanner sends Unicode text "
                     "and scan the card again."));
      return NULL;
    }

  /* Keyboard-wedge scanners end with Enter; some add spaces. */
  all = trim (text, length);
  if (all.len == 0)
    {
      g_set_error (error, PD_CCCD_ERROR, PD_CCCD_ERROR_EMPTY,
                   _("The scanned text is empty. Scan the QR code on the back of the ID card."));
      return NULL;
    }

  start = all.p;
  for (const char *p = all.p, *end = all.p + all.len;; p++)
    {
      if (p == end || *p == '|')
        {
          if (n_fields == MAX_FIELDS)
            {
              g_set_error (error, PD_CCCD_ERROR, PD_CCCD_ERROR_FIELD_COUNT,
                           _("The scanned text has more than %d fields separated by “|”, an ID card "
                             "QR code has 7. Scan the QR code on the back of the ID card."),
                           MAX_FIELDS);
              return NULL;
            }
          fields[n_fields++] = trim (start, p - start);
          start = p + 1;
          if (p == end)
            break;
        }
    }

  if (!find_layout (fields, n_fields, &layout, error))
    return NULL;

  if (!parse_date8 (layout.birth, birth_iso))
    {
      g_autofree char *quoted = excerpt (layout.birth);

      g_set_error (error, PD_CCCD_ERROR, PD_CCCD_ERROR_BIRTH_DATE,
                   _("The date of birth “%s” is not a valid date written ddmmyyyy. "
                     "Scan the card again or type the date from the card."), quoted);
      return NULL;
    }
  if (layout.issue.p != NULL && !parse_date8 (layout.issue, issue_iso))
    {
      g_autofree char *quoted = excerpt (layout.issue);

      g_set_error (error, PD_CCCD_ERROR, PD_CCCD_ERROR_ISSUE_DATE,
                   _("The date of issue “%s” is not a valid date written ddmmyyyy. "
                     "Scan the card again."), quoted);
      return NULL;
    }
  sex = parse_sex (layout.sex);
  if (sex == NULL)
    {
      g_autofree char *quoted = excerpt (layout.sex);

      g_set_error (error, PD_CCCD_ERROR, PD_CCCD_ERROR_SEX,
                   _("Unknown sex “%s”: the card says “Nam” or “Nữ”. "
                     "Scan the card again or choose the sex by hand."), quoted);
      return NULL;
    }

  name = layout.name;
  if (!is_plain_nfc (name))
    {
      name_nfc = g_utf8_normalize (name.p, name.len, G_NORMALIZE_NFC);
      name = (Slice) { name_nfc, strlen (name_nfc) };
    }
  address = layout.address;
  if (!is_plain_nfc (address))
    {
      address_nfc = g_utf8_normalize (address.p, address.len, G_NORMALIZE_NFC);
      address = (Slice) { address_nfc, strlen (address_nfc) };
    }

  size = sizeof (PdCccd) + name.len + 1 + address.len + 1;
  for (guint i = 0; i < layout.n_extras; i++)
    if (layout.extras[i].len > 0)
      {
        size += sizeof (char *) + layout.extras[i].len + 1;
        n_kept_extras++;
      }
  if (n_kept_extras > 0)
    {
      size += sizeof (char *);
      layout.warnings |= PD_CCCD_WARNING_EXTRA_FIELDS;
    }

  card = g_malloc (size);
  memset (card, 0, sizeof *card);
  strings = (char *) (card + 1);
  if (n_kept_extras > 0)
    {
      card->extra_fields = (const char **) strings;
      strings += (n_kept_extras + 1) * sizeof (char *);
    }

  memcpy (card->id_number, layout.id.p, 12);
  if (layout.old_id.len > 0)
    memcpy (card->old_id, layout.old_id.p, layout.old_id.len);
  memcpy (card->birth_date, birth_iso, sizeof birth_iso);
  memcpy (card->issue_date, issue_iso, sizeof issue_iso);
  card->sex[0] = sex[0];
  card->warnings = layout.warnings;

  card->full_name = strings;
  strings += copy_folding_spaces (strings, name) + 1;
  card->address = strings;
  strings += copy_folding_spaces (strings, address) + 1;
  for (guint i = 0, k = 0; i < layout.n_extras; i++)
    if (layout.extras[i].len > 0)
      {
        card->extra_fields[k++] = strings;
        card->extra_fields[k] = NULL;
        strings += copy_folding_spaces (strings, layout.extras[i]) + 1;
      }

  return card;
}

void
pd_cccd_free (PdCccd *card)
{
  g_free (card);
}

char **
pd_cccd_get_warning_messages (const PdCccd *card)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (card != NULL, NULL);

  if (card->warnings & PD_CCCD_WARNING_SIX_FIELDS)
    g_strv_builder_add (builder, _("The QR code has 6 fields instead of 7, an older or newer card layout. "
                                   "Check the values against the card."));
  if (card->warnings & PD_CCCD_WARNING_NO_OLD_ID)
    g_strv_builder_add (builder, _("The card has no old ID number (CMND)."));
  if (card->warnings & PD_CCCD_WARNING_NO_ISSUE_DATE)
    g_strv_builder_add (builder, _("The QR code has no date of issue. Read it from the card if it is needed."));
  for (guint i = 0; card->extra_fields != NULL && card->extra_fields[i] != NULL; i++)
    {
      g_autofree char *line = g_strdup_printf (_("The QR code has an unknown extra field “%s”, which was not used."),
                                               card->extra_fields[i]);
      g_strv_builder_add (builder, line);
    }
  return g_strv_builder_end (builder);
}

typedef struct {
  PdField  field;
  gboolean is_name;
} CardField;

static const CardField card_fields[] = {
  { PD_FIELD_ID_NUMBER,         FALSE },
  { PD_FIELD_FULL_NAME,         TRUE },
  { PD_FIELD_BIRTH_DATE,        FALSE },
  { PD_FIELD_SEX,               FALSE },
  { PD_FIELD_PERMANENT_ADDRESS, FALSE },
};

static const char *
card_value (const PdCccd *card,
            PdField       field)
{
  switch (field)
    {
    case PD_FIELD_ID_NUMBER:
      return card->id_number;
    case PD_FIELD_FULL_NAME:
      return card->full_name;
    case PD_FIELD_BIRTH_DATE:
      return card->birth_date;
    case PD_FIELD_SEX:
      return card->sex;
    case PD_FIELD_PERMANENT_ADDRESS:
      return card->address;
    default:
      g_assert_not_reached ();
    }
}

void
pd_cccd_fill_dossier (const PdCccd *card,
                      PdDossier    *dossier)
{
  g_return_if_fail (card != NULL);
  g_return_if_fail (PD_IS_DOSSIER (dossier));

  for (guint i = 0; i < G_N_ELEMENTS (card_fields); i++)
    pd_dossier_set_field (dossier, card_fields[i].field, card_value (card, card_fields[i].field));
}

void
pd_cccd_mismatch_free (PdCccdMismatch *mismatch)
{
  if (mismatch == NULL)
    return;
  g_free (mismatch->dossier_value);
  g_free (mismatch->card_value);
  g_free (mismatch);
}

GPtrArray *
pd_cccd_compare_dossier (const PdCccd *card,
                         PdDossier    *dossier)
{
  g_autoptr(PdDossier) scratch = NULL;
  GPtrArray *mismatches;

  g_return_val_if_fail (card != NULL, NULL);
  g_return_val_if_fail (PD_IS_DOSSIER (dossier), NULL);

  mismatches = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_cccd_mismatch_free);
  /* The card's values go through the dossier's own canonical form first, so that only real
   * differences are reported, not a space or a decomposed accent. */
  scratch = pd_dossier_new ();
  pd_cccd_fill_dossier (card, scratch);

  for (guint i = 0; i < G_N_ELEMENTS (card_fields); i++)
    {
      PdField field = card_fields[i].field;
      const char *ours = pd_dossier_get_field (dossier, field);
      const char *theirs = pd_dossier_get_field (scratch, field);
      gboolean same;
      PdCccdMismatch *mismatch;

      if (ours == NULL)
        continue;
      same = card_fields[i].is_name ? pd_text_equal_folded (ours, theirs) : g_strcmp0 (ours, theirs) == 0;
      if (same)
        continue;

      mismatch = g_new0 (PdCccdMismatch, 1);
      mismatch->field = field;
      mismatch->dossier_value = g_strdup (ours);
      mismatch->card_value = g_strdup (theirs);
      g_ptr_array_add (mismatches, mismatch);
    }
  return mismatches;
}
