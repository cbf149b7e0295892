/* pd-scan-router.c: what a scanned text is, read by its parser, and what it does to an application. */
#define G_LOG_DOMAIN "pd-scan-router"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-dossier.h"
#include "pd-scan-router.h"
#include "pd-text.h"

G_DEFINE_QUARK (pd-scan-error-quark, pd_scan_error)

/* "PD1-01-1YHVFTEJ-J" has 14 or 15 letters and digits; a little room either side lets a
 * code with a missing or extra character reach the parser, whose message is more useful. */
#define CODE_MIN_CHARS 10
#define CODE_MAX_CHARS 20

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static gboolean
looks_like_qr (const char *p,
               const char *end)
{
  const char *q;

  if (end - p < 5 || memcmp (p, "PDQ", 3) != 0)
    return FALSE;
  for (q = p + 3; q < end && g_ascii_isdigit (*q); q++)
    ;
  return q > p + 3 && q < end && *q == ':';
}

static gboolean
looks_like_code (const char *p,
                 const char *end)
{
  char compact[CODE_MAX_CHARS + 1];
  gsize n = 0;

  for (; p < end; p++)
    {
      if (*p == '-' || is_space (*p))
        continue;
      if (n == CODE_MAX_CHARS || (!g_ascii_isalnum (*p) && *p != '*'))
        return FALSE;
      compact[n++] = g_ascii_toupper (*p);
    }
  return n >= CODE_MIN_CHARS && compact[0] == 'P' && compact[1] == 'D' && g_ascii_isdigit (compact[2]);
}

/* Lines of A-Z, 0-9 and <, at least one <; 2 or 3 of them, or one that is 2 or 3 MRZ lines
 * run together (readers set to send no line ends). */
static gboolean
looks_like_mrz (const char *p,
                const char *end,
                guint      *single_line_width)
{
  guint n_lines = 0, line_length = 0, first_length = 0;
  gboolean has_filler = FALSE;

  *single_line_width = 0;
  for (; p <= end; p++)
    {
      char c = p < end ? *p : '\n';

      if (c == '\n' || c == '\r')
        {
          if (line_length > 0)
            {
              if (n_lines == 0)
                first_length = line_length;
              n_lines++;
            }
          line_length = 0;
          continue;
        }
      if (c == ' ' || c == '\t')
        continue;
      if (c == '<')
        has_filler = TRUE;
      else if (!g_ascii_isalnum (c))
        return FALSE;
      line_length++;
    }
  if (!has_filler)
    return FALSE;
  if (n_lines == 1 && (first_length == 90 || first_length == 88))
    *single_line_width = first_length == 90 ? 30 : 44;
  return (n_lines == 2 || n_lines == 3) || *single_line_width != 0;
}

static void
trim (const char  *text,
      gsize        length,
      const char **start,
      const char **end)
{
  const char *p = text, *e = text + length;

  while (p < e && is_space (*p))
    p++;
  while (e > p && is_space (e[-1]))
    e--;
  *start = p;
  *end = e;
}

PdScanKind
pd_scan_classify (const char *text,
                  gssize      length)
{
  const char *p, *end;
  guint width;

  g_return_val_if_fail (text != NULL || length == 0, PD_SCAN_KIND_UNKNOWN);

  if (length < 0)
    length = strnlen (text, PD_SCAN_MAX_LENGTH + 1);
  trim (text, length, &p, &end);

  if (p == end)
    return PD_SCAN_KIND_UNKNOWN;
  if (looks_like_qr (p, end))
    return PD_SCAN_KIND_DECLARATION_QR;
  if (memchr (p, '|', end - p) != NULL)
    return PD_SCAN_KIND_CCCD;
  if (looks_like_code (p, end))
    return PD_SCAN_KIND_DECLARATION_CODE;
  if (looks_like_mrz (p, end, &width))
    return PD_SCAN_KIND_MRZ;
  return PD_SCAN_KIND_UNKNOWN;
}

const char *
pd_scan_kind_to_string (PdScanKind kind)
{
  switch (kind)
    {
    case PD_SCAN_KIND_DECLARATION_QR:
      return "declaration-qr";
    case PD_SCAN_KIND_DECLARATION_CODE:
      return "declaration-code";
    case PD_SCAN_KIND_CCCD:
      return "cccd";
    case PD_SCAN_KIND_MRZ:
      return "mrz";
    case PD_SCAN_KIND_UNKNOWN:
    default:
      return "unknown";
    }
}

const char *
pd_scan_kind_get_label (PdScanKind kind)
{
  switch (kind)
    {
    case PD_SCAN_KIND_DECLARATION_QR:
      return _("signed declaration QR code");
    case PD_SCAN_KIND_DECLARATION_CODE:
      return _("declaration code");
    case PD_SCAN_KIND_CCCD:
      return _("chip ID card QR code");
    case PD_SCAN_KIND_MRZ:
      return _("machine readable zone (MRZ)");
    case PD_SCAN_KIND_UNKNOWN:
    default:
      return _("unknown code");
    }
}

void
pd_scan_free (PdScan *scan)
{
  if (scan == NULL)
    return;
  g_free (scan->declaration_code);
  g_free (scan->office);
  g_clear_pointer (&scan->declaration, pd_declaration_qr_free);
  g_clear_pointer (&scan->cccd, pd_cccd_free);
  g_clear_pointer (&scan->mrz, pd_mrz_free);
  g_free (scan);
}

PdScan *
pd_scan_read (const char  *text,
              gssize       length,
              PdScanKind   kind,
              GHashTable  *trusted_keys,
              GDate       *today,
              GError     **error)
{
  g_autoptr(PdScan) scan = NULL;
  g_autoptr(GHashTable) no_keys = NULL;
  g_autofree char *joined = NULL;
  const char *p, *end;
  gsize full_length;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  full_length = length < 0 ? strnlen (text, PD_SCAN_MAX_LENGTH + 3) : (gsize) length;
  /* Scanners end with CR, LF or both. */
  while (full_length > 0 && (text[full_length - 1] == '\n' || text[full_length - 1] == '\r'))
    full_length--;
  if (full_length > PD_SCAN_MAX_LENGTH)
    {
      g_set_error (error, PD_SCAN_ERROR, PD_SCAN_ERROR_TOO_LONG,
                   _("The scanned text is longer than any code Passdesk reads (%d characters). "
                     "Scan only the code, or type the details by hand."), PD_SCAN_MAX_LENGTH);
      return NULL;
    }

  trim (text, full_length, &p, &end);
  if (p == end)
    {
      g_set_error (error, PD_SCAN_ERROR, PD_SCAN_ERROR_EMPTY,
                   _("Nothing was scanned. Hold the code still in front of the scanner and try again."));
      return NULL;
    }

  if (kind == PD_SCAN_KIND_UNKNOWN)
    kind = pd_scan_classify (text, full_length);

  scan = g_new0 (PdScan, 1);
  scan->kind = kind;

  switch (kind)
    {
    case PD_SCAN_KIND_DECLARATION_QR:
      if (trusted_keys == NULL)
        trusted_keys = no_keys = g_hash_table_new (g_str_hash, g_str_equal);
      /* Base45 has spaces: only line ends are trimmed, at the end, and leading white space. */
      scan->declaration = pd_declaration_qr_decode (p, text + full_length - p, trusted_keys, error);
      if (scan->declaration == NULL)
        return NULL;
      break;

    case PD_SCAN_KIND_DECLARATION_CODE:
      {
        g_autofree char *code_text = g_strndup (p, end - p);

        scan->declaration_code = pd_declaration_code_parse (code_text, &scan->office, error);
        if (scan->declaration_code == NULL)
          return NULL;
      }
      break;

    case PD_SCAN_KIND_CCCD:
      scan->cccd = pd_cccd_parse (p, end - p, error);
      if (scan->cccd == NULL)
        return NULL;
      break;

    case PD_SCAN_KIND_MRZ:
      {
        guint width = 0;

        if (looks_like_mrz (p, end, &width) && width != 0)
          {
            GString *lines = g_string_new (NULL);

            for (const char *q = p; q < end; q += width)
              g_string_append_printf (lines, "%.*s\n", (int) MIN ((gsize) width, (gsize) (end - q)), q);
            joined = g_string_free (lines, FALSE);
            scan->mrz = pd_mrz_parse (joined, -1, today, error);
          }
        else
          scan->mrz = pd_mrz_parse (p, end - p, today, error);
        if (scan->mrz == NULL)
          return NULL;
      }
      break;

    case PD_SCAN_KIND_UNKNOWN:
    default:
      g_set_error (error, PD_SCAN_ERROR, PD_SCAN_ERROR_UNKNOWN,
                   _("This code is not a declaration, a chip ID card or the MRZ of a passport or ID card. "
                     "Scan the declaration’s QR code, the back of the ID card, or type the details by hand."));
      return NULL;
    }

  return g_steal_pointer (&scan);
}

gboolean
pd_scan_is_valid (const PdScan *scan)
{
  g_return_val_if_fail (scan != NULL, FALSE);

  if (scan->kind == PD_SCAN_KIND_MRZ)
    return pd_mrz_is_valid (scan->mrz);
  return TRUE;
}

gboolean
pd_scan_error_is_check (const GError *error)
{
  if (error == NULL || error->domain != PD_DECLARATION_ERROR)
    return FALSE;
  return error->code == PD_DECLARATION_ERROR_CHECK ||
         error->code == PD_DECLARATION_ERROR_UNKNOWN_KEY ||
         error->code == PD_DECLARATION_ERROR_BAD_SIGNATURE ||
         error->code == PD_DECLARATION_ERROR_KEY;
}

gboolean
pd_scan_text_is_partial_mrz (const char *text)
{
  g_auto(GStrv) lines = NULL;
  guint n = 0, width = 0;

  g_return_val_if_fail (text != NULL, FALSE);

  lines = g_strsplit_set (text, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gsize length = strlen (lines[i]);

      if (length == 0)
        continue;
      if (width == 0)
        width = length;
      if (length != width || (width != 30 && width != 44))
        return FALSE;
      for (const char *p = lines[i]; *p; p++)
        if (!g_ascii_isalnum (*p) && *p != '<')
          return FALSE;
      n++;
    }
  return n > 0 && n < (width == 30 ? 3u : 2u);
}

static gboolean
all_digits (const char *text,
            gsize       length)
{
  if (text == NULL || strlen (text) != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

PdDossier *
pd_scan_get_person (const PdScan *scan)
{
  g_autoptr(PdDossier) person = NULL;
  const PdMrz *mrz;

  g_return_val_if_fail (scan != NULL, NULL);

  if (scan->kind == PD_SCAN_KIND_CCCD)
    {
      person = pd_dossier_new ();
      pd_cccd_fill_dossier (scan->cccd, person);
      return g_steal_pointer (&person);
    }
  if (scan->kind != PD_SCAN_KIND_MRZ)
    return NULL;

  mrz = scan->mrz;
  person = pd_dossier_new ();
  {
    g_autofree char *name = g_strjoin (" ", mrz->surname ? mrz->surname : "",
                                       mrz->given_names ? mrz->given_names : "", NULL);

    pd_dossier_set_field (person, PD_FIELD_FULL_NAME, g_strstrip (name));
  }
  pd_dossier_set_field (person, PD_FIELD_BIRTH_DATE, mrz->birth_date);
  pd_dossier_set_field (person, PD_FIELD_SEX, mrz->sex);
  if (mrz->id_number != NULL)
    pd_dossier_set_field (person, PD_FIELD_ID_NUMBER, mrz->id_number);
  if (mrz->format == PD_MRZ_FORMAT_TD3)
    {
      /* Vietnamese passports carry the ID number as the personal number. */
      if (g_strcmp0 (mrz->issuing_state, "VNM") == 0 && all_digits (mrz->optional_data, 12))
        pd_dossier_set_field (person, PD_FIELD_ID_NUMBER, mrz->optional_data);
      pd_dossier_set_field (person, PD_FIELD_PREV_PASSPORT_NUMBER, mrz->document_number);
    }
  return g_steal_pointer (&person);
}

GPtrArray *
pd_scan_compare_dossier (const PdScan *scan,
                         PdDossier    *dossier)
{
  g_autoptr(PdDossier) person = NULL;
  GPtrArray *mismatches;

  g_return_val_if_fail (scan != NULL, NULL);
  g_return_val_if_fail (PD_IS_DOSSIER (dossier), NULL);

  if (scan->kind == PD_SCAN_KIND_CCCD)
    return pd_cccd_compare_dossier (scan->cccd, dossier);

  mismatches = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_cccd_mismatch_free);
  person = pd_scan_get_person (scan);
  if (person == NULL)
    return mismatches;

  for (PdField field = 0; field < PD_N_FIELDS; field++)
    {
      const char *theirs = pd_dossier_get_field (person, field);
      const char *ours = pd_dossier_get_field (dossier, field);
      PdCccdMismatch *mismatch;

      if (theirs == NULL || ours == NULL)
        continue;
      if (pd_field_get_info (field)->kind == PD_FIELD_KIND_NAME ? pd_text_equal_folded (ours, theirs)
                                                                 : g_str_equal (ours, theirs))
        continue;
      mismatch = g_new0 (PdCccdMismatch, 1);
      mismatch->field = field;
      mismatch->dossier_value = g_strdup (ours);
      mismatch->card_value = g_strdup (theirs);
      g_ptr_array_add (mismatches, mismatch);
    }
  return mismatches;
}

GArray *
pd_scan_fill_empty (const PdScan *scan,
                    PdDossier    *dossier)
{
  g_autoptr(PdDossier) person = NULL;
  GArray *filled;

  g_return_val_if_fail (scan != NULL, NULL);
  g_return_val_if_fail (PD_IS_DOSSIER (dossier), NULL);

  filled = g_array_new (FALSE, FALSE, sizeof (PdField));
  person = pd_scan_get_person (scan);
  if (person == NULL)
    return filled;

  for (PdField field = 0; field < PD_N_FIELDS; field++)
    {
      const char *theirs = pd_dossier_get_field (person, field);

      if (theirs == NULL || pd_dossier_get_field (dossier, field) != NULL)
        continue;
      pd_dossier_set_field (dossier, field, theirs);
      g_array_append_val (filled, field);
    }
  return filled;
}

PdScanResult *
pd_scan_result_new_message (const char *message)
{
  PdScanResult *result = g_new0 (PdScanResult, 1);

  result->outcome = PD_SCAN_OUTCOME_MESSAGE;
  result->message = g_strdup (message);
  return result;
}

void
pd_scan_result_free (PdScanResult *result)
{
  if (result == NULL)
    return;
  g_free (result->message);
  g_free (result->declaration_code);
  g_clear_object (&result->declaration);
  g_clear_object (&result->dossier);
  g_clear_pointer (&result->filled, g_array_unref);
  g_clear_pointer (&result->mismatches, g_ptr_array_unref);
  g_free (result);
}

static PdScanResult *
apply_document (const PdScan *scan,
                PdDossier    *dossier,
                gboolean      blank)
{
  PdScanResult *result = g_new0 (PdScanResult, 1);

  result->outcome = PD_SCAN_OUTCOME_DOCUMENT;
  if (scan->kind == PD_SCAN_KIND_CCCD)
    {
      result->caption = _("ID card");
      result->use_label = _("_Use Card Value");
    }
  else if (scan->mrz->format == PD_MRZ_FORMAT_TD3)
    {
      result->caption = _("Passport MRZ");
      result->use_label = _("_Use Passport Value");
    }
  else
    {
      result->caption = _("ID card MRZ");
      result->use_label = _("_Use Card Value");
    }
  result->id_card = scan->kind == PD_SCAN_KIND_CCCD || scan->mrz->format != PD_MRZ_FORMAT_TD3;

  /* Compared before anything is filled: only values the declaration gave can differ. */
  result->mismatches = pd_scan_compare_dossier (scan, dossier);
  result->dossier = pd_dossier_copy (dossier);
  result->filled = pd_scan_fill_empty (scan, result->dossier);
  result->matches = !blank && result->mismatches->len == 0;

  if (blank && scan->kind == PD_SCAN_KIND_CCCD)
    result->message = g_strdup (_("Filled from the ID card: name, ID number, date of birth, sex and permanent "
                                  "address. Check them, then complete the form."));
  else if (blank)
    result->message = g_strdup (_("Filled from the MRZ. Its names have no diacritics: correct the name as "
                                  "written on the declaration."));
  else if (result->mismatches->len > 0)
    result->message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "%u field differs from the declaration: keep the declared value "
                                                    "or use the scanned one.",
                                                    "%u fields differ from the declaration: keep the declared value "
                                                    "or use the scanned one.", result->mismatches->len),
                                       result->mismatches->len);
  else if (result->filled->len > 0)
    result->message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "The document matches the declaration; %u empty field was filled from it.",
                                                    "The document matches the declaration; %u empty fields were filled from it.",
                                                    result->filled->len), result->filled->len);
  else
    result->message = g_strdup (_("The document matches the declaration."));
  return result;
}

PdScanResult *
pd_scan_apply (const PdScan *scan,
               PdDossier    *dossier,
               gboolean      blank)
{
  PdScanResult *result;

  g_return_val_if_fail (scan != NULL, NULL);
  g_return_val_if_fail (PD_IS_DOSSIER (dossier), NULL);

  switch (scan->kind)
    {
    case PD_SCAN_KIND_DECLARATION_CODE:
      result = g_new0 (PdScanResult, 1);
      result->outcome = PD_SCAN_OUTCOME_LOOKUP;
      result->declaration_code = g_strdup (scan->declaration_code);
      return result;
    case PD_SCAN_KIND_DECLARATION_QR:
      result = g_new0 (PdScanResult, 1);
      result->outcome = PD_SCAN_OUTCOME_DECLARATION;
      result->declaration = g_object_ref (scan->declaration->dossier);
      result->declaration_code = g_strdup (pd_dossier_get_field (scan->declaration->dossier,
                                                                 PD_FIELD_DECLARATION_CODE));
      return result;
    case PD_SCAN_KIND_MRZ:
      if (!pd_scan_is_valid (scan))
        return pd_scan_result_new_message (_("The MRZ was misread: a check digit does not match. Scan the "
                                             "document again, or type its details by hand."));
      return apply_document (scan, dossier, blank);
    case PD_SCAN_KIND_CCCD:
      return apply_document (scan, dossier, blank);
    case PD_SCAN_KIND_UNKNOWN:
    default:
      g_return_val_if_reached (NULL);
    }
}
