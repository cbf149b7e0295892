/* pd-validate.c: checking a dossier before it is saved or accepted.
 *
 * Every message names the field (its label, in the user's language) and says what to do, so
 * that an officer can fix the form without a manual.
 */
#define G_LOG_DOMAIN "pd-validate"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-date.h"
#include "pd-dossier.h"
#include "pd-reference.h"
#include "pd-validate.h"

/* Free text longer than this is a paste gone wrong, not an address. */
#define MAX_TEXT_CHARS 500
#define MAX_NAME_CHARS 100
/* Nobody applying for a passport was born more than this many years ago. */
#define MAX_AGE_YEARS 130
/* A legal representative signs for a child, so must be of age. */
#define MIN_REPRESENTATIVE_AGE 18

void
pd_field_error_free (PdFieldError *error)
{
  if (error == NULL)
    return;
  g_free (error->message);
  g_free (error);
}

static PdFieldError *
field_error_new (PdField  field,
                 char    *message)
{
  PdFieldError *error = g_new0 (PdFieldError, 1);

  error->field = field;
  error->message = message;
  return error;
}

G_GNUC_PRINTF (2, 3)
static char *
field_message (PdField     field,
               const char *format,
               ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  /* TRANSLATORS: "<field label>: <what is wrong and what to do>" */
  return g_strdup_printf (_("%s: %s"), pd_field_get_label (field), detail);
}

gboolean
pd_id_number_is_valid (const char *id_number)
{
  if (id_number == NULL)
    return FALSE;
  for (int i = 0; i < 12; i++)
    if (!g_ascii_isdigit (id_number[i]))
      return FALSE;
  return id_number[12] == '\0';
}

static const char *
get (PdDossier *dossier,
     PdField    field)
{
  return pd_dossier_get_field (dossier, field);
}

static gboolean
has (PdDossier *dossier,
     PdField    field)
{
  return pd_dossier_get_field (dossier, field) != NULL;
}

static gboolean
request_is (PdDossier  *dossier,
            const char *type)
{
  return g_strcmp0 (get (dossier, PD_FIELD_REQUEST_TYPE), type) == 0;
}

static GDate *
resolve_today (GDate *today,
               GDate *storage)
{
  if (today != NULL && g_date_valid (today))
    return today;
  pd_date_set_today (storage);
  return storage;
}

/* Why a field is required, or NULL when it is not. The reason becomes the message. */
static const char *
required_reason (PdDossier *dossier,
                 PdField    field,
                 GDate     *today)
{
  gboolean minor = pd_dossier_is_minor_form (dossier, today);
  gboolean issues_passport = !request_is (dossier, "other");

  switch (field)
    {
    case PD_FIELD_FULL_NAME:
    case PD_FIELD_SEX:
    case PD_FIELD_BIRTH_DATE:
    case PD_FIELD_ID_NUMBER:
    case PD_FIELD_ETHNIC_GROUP:
    case PD_FIELD_PERMANENT_ADDRESS:
    case PD_FIELD_PERMANENT_PROVINCE:
    case PD_FIELD_PERMANENT_COMMUNE:
    case PD_FIELD_REQUEST_TYPE:
      return _("this field is required. Fill it in.");

    case PD_FIELD_BIRTH_PROVINCE:
      if (!has (dossier, PD_FIELD_BIRTH_COUNTRY))
        return _("required. Choose the province of birth, or enter the country if the applicant was born abroad.");
      return NULL;

    case PD_FIELD_PHONE:
      if (!minor)
        return _("required for an applicant aged 14 or over. Enter a number where the applicant can be reached.");
      return NULL;

    case PD_FIELD_TEMPORARY_PROVINCE:
    case PD_FIELD_CURRENT_PROVINCE:
      if (has (dossier, field + 1))
        return _("required when a commune or ward is chosen. Choose the province first.");
      return NULL;

    case PD_FIELD_FATHER_NAME:
    case PD_FIELD_MOTHER_NAME:
    case PD_FIELD_SPOUSE_NAME:
      if (has (dossier, field + 1))
        return _("required when this person's date of birth is given. Enter the full name or clear the date.");
      return NULL;

    case PD_FIELD_PREV_PASSPORT_NUMBER:
      if (request_is (dossier, "reissue") || request_is (dossier, "reissue_lost"))
        return _("required for a re-issue. Enter the number printed on the most recent passport.");
      if (has (dossier, PD_FIELD_PREV_PASSPORT_ISSUE_DATE))
        return _("required when the issue date is given. Enter the passport number or clear the date.");
      return NULL;

    case PD_FIELD_BANK_ACCOUNT_NUMBER:
    case PD_FIELD_BANK_ACCOUNT_HOLDER:
    case PD_FIELD_BANK_NAME:
      if (has (dossier, PD_FIELD_BANK_ACCOUNT_NUMBER) ||
          has (dossier, PD_FIELD_BANK_ACCOUNT_HOLDER) ||
          has (dossier, PD_FIELD_BANK_NAME))
        return _("the refund account is incomplete. Fill in the account number, the holder and the bank, or leave all three empty.");
      return NULL;

    case PD_FIELD_REQUEST_REASON:
      if (request_is (dossier, "other") || request_is (dossier, "reissue_lost"))
        return _("required for this request. Describe briefly what happened or what is requested.");
      return NULL;

    case PD_FIELD_CHIP:
      if (issues_passport)
        return _("required for a passport. Choose with or without an electronic chip.");
      return NULL;

    case PD_FIELD_REP_NAME:
    case PD_FIELD_REP_ID_NUMBER:
    case PD_FIELD_REP_PHONE:
    case PD_FIELD_REP_RELATIONSHIP:
      if (minor)
        return _("required for an applicant under 14. Enter the legal representative's details from their ID card.");
      return NULL;

    case PD_FIELD_FEE_CODE:
      if (has (dossier, PD_FIELD_FEE_AMOUNT))
        return _("required when a fee amount is recorded. Choose the fee that was collected.");
      return NULL;

    case PD_FIELD_FEE_AMOUNT:
      if (has (dossier, PD_FIELD_FEE_CODE))
        return _("required when a fee is chosen. Enter the amount collected, in đồng.");
      return NULL;

    case PD_FIELD_BIRTH_COUNTRY:
    case PD_FIELD_RELIGION:
    case PD_FIELD_EMAIL:
    case PD_FIELD_TEMPORARY_ADDRESS:
    case PD_FIELD_TEMPORARY_COMMUNE:
    case PD_FIELD_CURRENT_ADDRESS:
    case PD_FIELD_CURRENT_COMMUNE:
    case PD_FIELD_OCCUPATION:
    case PD_FIELD_EMPLOYER_NAME:
    case PD_FIELD_EMPLOYER_ADDRESS:
    case PD_FIELD_FATHER_BIRTH_DATE:
    case PD_FIELD_MOTHER_BIRTH_DATE:
    case PD_FIELD_SPOUSE_BIRTH_DATE:
    case PD_FIELD_PREV_PASSPORT_ISSUE_DATE:
    case PD_FIELD_DELIVERY:
    case PD_FIELD_REP_BIRTH_DATE:
    case PD_FIELD_REP_SEX:
    case PD_FIELD_REP_ID_ISSUE_DATE:
    case PD_FIELD_REP_ADDRESS:
    case PD_FIELD_DECLARATION_CODE:
    case PD_FIELD_OFFICE_CODE:
    case PD_FIELD_COUNTER:
    case PD_FIELD_OFFICER:
    case PD_FIELD_QUEUE_NUMBER:
    case PD_FIELD_APPOINTMENT_DATE:
      return NULL;

    case PD_FIELD_INVALID:
    case PD_N_FIELDS:
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
pd_field_is_required (PdDossier *dossier,
                      PdField    field,
                      GDate     *today)
{
  GDate storage;

  g_return_val_if_fail (PD_IS_DOSSIER (dossier), FALSE);
  g_return_val_if_fail (field >= 0 && field < PD_N_FIELDS, FALSE);

  return required_reason (dossier, field, resolve_today (today, &storage)) != NULL;
}

/* Checks of one value by its kind. */

static char *
check_name (PdField     field,
            const char *value)
{
  g_autofree char *nfc = g_utf8_normalize (value, -1, G_NORMALIZE_NFC);
  gboolean has_letter = FALSE;

  if (nfc == NULL || strcmp (nfc, value) != 0)
    return field_message (field, _("the name is not in composed Unicode form. Type it again."));
  if (g_utf8_strlen (value, -1) > MAX_NAME_CHARS)
    return field_message (field, _("the name is longer than %d characters. Check that only the name was entered."),
                          MAX_NAME_CHARS);

  for (const char *p = value; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isdigit (c))
        return field_message (field, _("a name cannot contain digits. Enter the name as written on the ID card."));
      if (g_unichar_isalpha (c))
        has_letter = TRUE;
      else if (!g_unichar_ismark (c) && c != ' ' && c != '\'' && c != 0x2019 && c != '-')
        return field_message (field, _("a name may contain only letters, spaces, apostrophes and hyphens. Remove the other signs."));
    }
  if (!has_letter)
    return field_message (field, _("a name must contain letters. Enter the name as written on the ID card."));
  return NULL;
}

/* Vietnamese numbers: mobile 0 + 9 digits, landline 02 + 9 digits, or the same with +84
 * instead of the leading 0. Spaces, dots and hyphens between digit groups are allowed. */
static gboolean
phone_is_valid (const char *value)
{
  char digits[24];
  gsize n = 0;
  gboolean international = FALSE;
  const char *p = value;

  if (*p == '+')
    {
      if (p[1] != '8' || p[2] != '4')
        return FALSE;
      international = TRUE;
      p += 3;
    }
  for (; *p; p++)
    {
      if (*p == ' ' || *p == '.' || *p == '-')
        continue;
      if (!g_ascii_isdigit (*p) || n >= sizeof digits - 1)
        return FALSE;
      digits[n++] = *p;
    }
  digits[n] = '\0';

  if (international)
    return (n == 9 && digits[0] != '0') || (n == 10 && digits[0] == '2');
  return digits[0] == '0' && ((n == 10 && digits[1] != '0') || (n == 11 && digits[1] == '2'));
}

static gboolean
email_is_valid (const char *value)
{
  const char *at = strchr (value, '@');
  const char *domain;
  const char *last_dot;
  gsize label_len = 0;

  if (at == NULL || at == value || strchr (at + 1, '@') != NULL)
    return FALSE;
  for (const char *p = value; p < at; p++)
    if ((guchar) *p <= ' ' || *p == '(' || *p == ')' || *p == ',' || *p == ';' ||
        *p == '<' || *p == '>' || *p == '"')
      return FALSE;
  if (value[0] == '.' || at[-1] == '.' || g_strstr_len (value, at - value, "..") != NULL)
    return FALSE;

  domain = at + 1;
  last_dot = strrchr (domain, '.');
  if (last_dot == NULL || strlen (last_dot + 1) < 2)
    return FALSE;
  for (const char *p = domain; ; p++)
    {
      if (*p == '.' || *p == '\0')
        {
          if (label_len == 0 || p[-1] == '-')
            return FALSE;
          if (*p == '\0')
            break;
          label_len = 0;
          continue;
        }
      if (label_len == 0 && *p == '-')
        return FALSE;
      /* Internationalised domains are allowed, so any non-ASCII byte passes. */
      if (!g_ascii_isalnum (*p) && *p != '-' && (guchar) *p < 0x80)
        return FALSE;
      label_len++;
    }
  return TRUE;
}

static gboolean
is_digits (const char *value,
           gsize       min_len,
           gsize       max_len)
{
  gsize n = 0;

  for (; *value; value++, n++)
    if (!g_ascii_isdigit (*value))
      return FALSE;
  return n >= min_len && n <= max_len;
}

static char *
check_choice (PdField     field,
              const char *value)
{
  const PdFieldInfo *info = pd_field_get_info (field);
  g_autoptr(GString) names = NULL;

  for (const PdFieldChoice *choice = info->choices; choice && choice->value; choice++)
    if (g_str_equal (choice->value, value))
      return NULL;

  names = g_string_new (NULL);
  for (const PdFieldChoice *choice = info->choices; choice && choice->value; choice++)
    {
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, _(choice->label));
    }
  return field_message (field, _("“%s” is not one of the choices. Choose one of: %s."),
                        value, names->str);
}

static char *
check_reference (PdField           field,
                 const char       *value,
                 PdReference      *reference,
                 PdReferenceTable  table)
{
  if (reference == NULL || pd_reference_lookup (reference, table, value) != NULL)
    return NULL;

  switch (table)
    {
    case PD_REFERENCE_PROVINCES:
      return field_message (field, _("there is no province with the code “%s”. Choose a province from the list."), value);
    case PD_REFERENCE_COMMUNES:
      return field_message (field, _("there is no commune or ward with the code “%s”. Choose one from the list; if it was merged, choose the new commune."), value);
    case PD_REFERENCE_ETHNIC_GROUPS:
      return field_message (field, _("there is no ethnic group with the code “%s”. Choose an ethnic group from the list."), value);
    case PD_REFERENCE_FEES:
      return field_message (field, _("there is no fee with the code “%s”. Choose a fee from the list."), value);
    case PD_N_REFERENCE_TABLES:
    default:
      g_return_val_if_reached (NULL);
    }
}

static gboolean
is_past_date_field (PdField field)
{
  switch ((int) field)
    {
    case PD_FIELD_BIRTH_DATE:
    case PD_FIELD_FATHER_BIRTH_DATE:
    case PD_FIELD_MOTHER_BIRTH_DATE:
    case PD_FIELD_SPOUSE_BIRTH_DATE:
    case PD_FIELD_PREV_PASSPORT_ISSUE_DATE:
    case PD_FIELD_REP_BIRTH_DATE:
    case PD_FIELD_REP_ID_ISSUE_DATE:
      return TRUE;
    default:
      return FALSE;
    }
}

static char *
check_date (PdDossier *dossier,
            PdField    field,
            const char *value,
            GDate     *today)
{
  GDate date, other;

  if (!pd_parse_iso_date (value, &date))
    return field_message (field, _("“%s” is not a valid date. Enter it as year-month-day, e.g. 1990-01-31."), value);

  if (!is_past_date_field (field))
    return NULL;

  if (g_date_compare (&date, today) > 0)
    return field_message (field, _("the date is in the future. Check the day, month and year."));
  if ((int) g_date_get_year (today) - (int) g_date_get_year (&date) > MAX_AGE_YEARS)
    return field_message (field, _("the date is more than %d years ago. Check the year."), MAX_AGE_YEARS);

  switch ((int) field)
    {
    case PD_FIELD_FATHER_BIRTH_DATE:
    case PD_FIELD_MOTHER_BIRTH_DATE:
      if (pd_parse_iso_date (get (dossier, PD_FIELD_BIRTH_DATE), &other) &&
          g_date_compare (&date, &other) >= 0)
        return field_message (field, _("a parent must be born before the applicant. Check this date and the applicant's date of birth."));
      break;

    case PD_FIELD_PREV_PASSPORT_ISSUE_DATE:
      if (pd_parse_iso_date (get (dossier, PD_FIELD_BIRTH_DATE), &other) &&
          g_date_compare (&date, &other) < 0)
        return field_message (field, _("the passport cannot be issued before the applicant was born. Check this date and the date of birth."));
      break;

    case PD_FIELD_REP_ID_ISSUE_DATE:
      if (pd_parse_iso_date (get (dossier, PD_FIELD_REP_BIRTH_DATE), &other) &&
          g_date_compare (&date, &other) < 0)
        return field_message (field, _("the ID card cannot be issued before the representative was born. Check both dates."));
      break;

    case PD_FIELD_REP_BIRTH_DATE:
      {
        GDate of_age = date;

        g_date_add_years (&of_age, MIN_REPRESENTATIVE_AGE);
        if (g_date_compare (&of_age, today) > 0)
          return field_message (field, _("a legal representative must be at least %d years old. Check the date of birth or enter another representative."),
                                MIN_REPRESENTATIVE_AGE);
      }
      break;

    default:
      break;
    }

  return NULL;
}

static char *
check_text (PdDossier   *dossier,
            PdField      field,
            const char  *value,
            PdReference *reference)
{
  if (g_utf8_strlen (value, -1) > MAX_TEXT_CHARS)
    return field_message (field, _("the text is longer than %d characters. Shorten it."), MAX_TEXT_CHARS);

  switch ((int) field)
    {
    case PD_FIELD_BIRTH_COUNTRY:
      if (has (dossier, PD_FIELD_BIRTH_PROVINCE))
        return field_message (field, _("give either a province of birth in Viet Nam or a country of birth abroad, not both. Clear one of them."));
      break;

    case PD_FIELD_PREV_PASSPORT_NUMBER:
      /* The letter and digit layout has changed over the years, so only the alphabet and a
       * plausible length are checked. */
      {
        gsize n = 0;

        for (const char *p = value; *p; p++, n++)
          if (!g_ascii_isalnum (*p))
            return field_message (field, _("a passport number has only letters and digits. Remove spaces and other signs."));
        if (n < 6 || n > 12)
          return field_message (field, _("a passport number has 6 to 12 letters and digits. Copy it from the passport's data page."));
      }
      break;

    case PD_FIELD_BANK_ACCOUNT_NUMBER:
      if (!is_digits (value, 6, 20))
        return field_message (field, _("an account number has 6 to 20 digits. Enter the digits only, without spaces."));
      break;

    case PD_FIELD_FEE_CODE:
      if (reference != NULL)
        {
          const PdReferenceEntry *fee = pd_reference_lookup (reference, PD_REFERENCE_FEES, value);
          const char *request = get (dossier, PD_FIELD_REQUEST_TYPE);

          if (fee == NULL)
            return check_reference (field, value, reference, PD_REFERENCE_FEES);
          if (request != NULL && fee->parent != NULL && !g_str_equal (fee->parent, request))
            return field_message (field, _("the fee “%s” is for another request. Choose the fee for “%s”."),
                                  fee->name, pd_field_choice_label (PD_FIELD_REQUEST_TYPE, request) ?: request);
        }
      break;

    default:
      break;
    }

  return NULL;
}

static char *
validate_field (PdDossier   *dossier,
                PdField      field,
                PdReference *reference,
                GDate       *today)
{
  const PdFieldInfo *info = pd_field_get_info (field);
  const char *value = get (dossier, field);

  if (value == NULL)
    {
      const char *reason = required_reason (dossier, field, today);

      return reason != NULL ? field_message (field, "%s", reason) : NULL;
    }

  switch (info->kind)
    {
    case PD_FIELD_KIND_TEXT:
      return check_text (dossier, field, value, reference);

    case PD_FIELD_KIND_NAME:
      return check_name (field, value);

    case PD_FIELD_KIND_DATE:
      return check_date (dossier, field, value, today);

    case PD_FIELD_KIND_ID_NUMBER:
      if (!pd_id_number_is_valid (value))
        return field_message (field, _("it must be exactly 12 digits. Copy it from the ID card, without spaces."));
      if (field == PD_FIELD_REP_ID_NUMBER &&
          g_strcmp0 (value, get (dossier, PD_FIELD_ID_NUMBER)) == 0)
        return field_message (field, _("it is the applicant's own number. Enter the legal representative's number."));
      return NULL;

    case PD_FIELD_KIND_PHONE:
      if (!phone_is_valid (value))
        return field_message (field, _("“%s” is not a Vietnamese phone number. Enter 10 digits starting with 0, e.g. 0912 345 678, or +84 and the number without its 0."),
                              value);
      return NULL;

    case PD_FIELD_KIND_EMAIL:
      if (!email_is_valid (value))
        return field_message (field, _("“%s” is not an email address. Enter it as name@example.com."), value);
      return NULL;

    case PD_FIELD_KIND_SEX:
    case PD_FIELD_KIND_CHOICE:
      return check_choice (field, value);

    case PD_FIELD_KIND_PROVINCE:
      return check_reference (field, value, reference, PD_REFERENCE_PROVINCES);

    case PD_FIELD_KIND_COMMUNE:
      {
        char *message = check_reference (field, value, reference, PD_REFERENCE_COMMUNES);
        const char *province_code = info->province != PD_FIELD_INVALID ? get (dossier, info->province) : NULL;
        const PdReferenceEntry *commune;
        const PdReferenceEntry *province;

        if (message != NULL || reference == NULL || province_code == NULL)
          return message;
        commune = pd_reference_lookup (reference, PD_REFERENCE_COMMUNES, value);
        if (g_strcmp0 (commune->parent, province_code) == 0)
          return NULL;
        province = pd_reference_lookup (reference, PD_REFERENCE_PROVINCES, province_code);
        return field_message (field, _("%s is not in %s. Choose the commune again from the list for that province, or change the province."),
                              commune->name, province != NULL ? province->name : province_code);
      }

    case PD_FIELD_KIND_ETHNIC_GROUP:
      return check_reference (field, value, reference, PD_REFERENCE_ETHNIC_GROUPS);

    case PD_FIELD_KIND_NUMBER:
      if (!is_digits (value, 1, 15))
        return field_message (field, _("“%s” is not a whole number. Enter digits only, without dots or spaces."), value);
      return NULL;

    default:
      g_return_val_if_reached (NULL);
    }
}

char *
pd_validate_field (PdDossier   *dossier,
                   PdField      field,
                   PdReference *reference,
                   GDate       *today)
{
  GDate storage;

  g_return_val_if_fail (PD_IS_DOSSIER (dossier), NULL);
  g_return_val_if_fail (field >= 0 && field < PD_N_FIELDS, NULL);
  g_return_val_if_fail (reference == NULL || PD_IS_REFERENCE (reference), NULL);

  return validate_field (dossier, field, reference, resolve_today (today, &storage));
}

GPtrArray *
pd_validate_dossier (PdDossier   *dossier,
                     PdReference *reference,
                     GDate       *today)
{
  GPtrArray *errors;
  GDate storage;

  g_return_val_if_fail (PD_IS_DOSSIER (dossier), NULL);
  g_return_val_if_fail (reference == NULL || PD_IS_REFERENCE (reference), NULL);

  today = resolve_today (today, &storage);
  errors = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_field_error_free);
  for (PdField field = 0; field < PD_N_FIELDS; field++)
    {
      char *message = validate_field (dossier, field, reference, today);

      if (message != NULL)
        g_ptr_array_add (errors, field_error_new (field, message));
    }
  return errors;
}

/* The historic structure of the 12-digit number: 3 digits for the province of birth
 * registration, 1 digit for century and sex (0/1: 1900s male/female, 2/3: 2000s, 4/5: 2100s...),
 * 2 digits for the year of birth. Its legal basis expired in 2024, so a mismatch only warns. */
static void
check_id_structure (GPtrArray  *warnings,
                    PdDossier  *dossier,
                    PdField     id_field,
                    PdField     birth_field,
                    PdField     sex_field)
{
  const char *id = get (dossier, id_field);
  const char *sex = get (dossier, sex_field);
  GDate birth;
  int code;

  if (!pd_id_number_is_valid (id))
    return;

  code = id[3] - '0';
  if (pd_parse_iso_date (get (dossier, birth_field), &birth))
    {
      int year = g_date_get_year (&birth);
      int century = 1900 + (code / 2) * 100;

      if (year < century || year >= century + 100 || year % 100 != (id[4] - '0') * 10 + (id[5] - '0'))
        {
          g_ptr_array_add (warnings, field_error_new (id_field,
            field_message (id_field, _("digits 4 to 6 of this number usually encode the year of birth, and they do not match %d. Check the number and the date of birth."),
                           year)));
          return;
        }
    }
  if ((g_strcmp0 (sex, "M") == 0 && code % 2 != 0) ||
      (g_strcmp0 (sex, "F") == 0 && code % 2 != 1))
    g_ptr_array_add (warnings, field_error_new (id_field,
      field_message (id_field, _("digit 4 of this number usually encodes the sex, and it does not match. Check the number and the sex."))));
}

GPtrArray *
pd_validate_warnings (PdDossier *dossier,
                      GDate     *today)
{
  GPtrArray *warnings;

  g_return_val_if_fail (PD_IS_DOSSIER (dossier), NULL);

  warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_field_error_free);
  check_id_structure (warnings, dossier, PD_FIELD_ID_NUMBER, PD_FIELD_BIRTH_DATE, PD_FIELD_SEX);
  check_id_structure (warnings, dossier, PD_FIELD_REP_ID_NUMBER, PD_FIELD_REP_BIRTH_DATE, PD_FIELD_REP_SEX);
  return warnings;
}
